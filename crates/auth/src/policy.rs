use domain::UserId;

/// The HTTP methods the policy distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// HEAD
    Head,
    /// OPTIONS
    Options,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// Reads a method name; `None` for methods the API does not serve.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "GET" => Self::Get,
            "HEAD" => Self::Head,
            "OPTIONS" => Self::Options,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "PATCH" => Self::Patch,
            "DELETE" => Self::Delete,
            _ => return None,
        })
    }

    /// Whether the method only reads (DRF's `SAFE_METHODS`).
    pub fn is_safe(self) -> bool {
        matches!(self, Self::Get | Self::Head | Self::Options)
    }
}

/// What the policy decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// Log in first (401).
    Unauthenticated,
    /// Logged in, but not allowed (403).
    Forbidden,
}

/// `IsOrganizerOrReadOnly`: anyone may read; any logged-in user may create
/// (POST); only the event's organizer may change or delete it. An event
/// whose organizer was deleted can no longer be changed by anyone here.
///
/// `organizer` is `None` for requests that concern no existing event (a
/// list or a create), and `Some(organizer_id)` for one event.
pub fn is_organizer_or_read_only(
    method: Method,
    caller: Option<UserId>,
    organizer: Option<Option<UserId>>,
) -> Decision {
    if method.is_safe() {
        return Decision::Allow;
    }
    let Some(caller) = caller else {
        return Decision::Unauthenticated;
    };
    match (method, organizer) {
        (Method::Post, _) | (_, None) => Decision::Allow,
        (_, Some(Some(organizer))) if organizer == caller => Decision::Allow,
        (_, Some(_)) => Decision::Forbidden,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORGANIZER: UserId = UserId(1);
    const OTHER: UserId = UserId(2);
    const ALL: [Method; 7] = [
        Method::Get,
        Method::Head,
        Method::Options,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];

    fn on_event(method: Method, caller: Option<UserId>) -> Decision {
        is_organizer_or_read_only(method, caller, Some(Some(ORGANIZER)))
    }

    #[test]
    fn every_method_and_role_on_an_event() {
        use Decision::*;
        let expected = [
            // method, anonymous, other user, organizer
            (Method::Get, Allow, Allow, Allow),
            (Method::Head, Allow, Allow, Allow),
            (Method::Options, Allow, Allow, Allow),
            (Method::Post, Unauthenticated, Allow, Allow),
            (Method::Put, Unauthenticated, Forbidden, Allow),
            (Method::Patch, Unauthenticated, Forbidden, Allow),
            (Method::Delete, Unauthenticated, Forbidden, Allow),
        ];
        for (method, anonymous, other, organizer) in expected {
            assert_eq!(on_event(method, None), anonymous, "{method:?} anonymous");
            assert_eq!(
                on_event(method, Some(OTHER)),
                other,
                "{method:?} other user"
            );
            assert_eq!(
                on_event(method, Some(ORGANIZER)),
                organizer,
                "{method:?} organizer"
            );
        }
    }

    #[test]
    fn collections_need_login_only_to_write() {
        for method in ALL {
            let anonymous = is_organizer_or_read_only(method, None, None);
            let user = is_organizer_or_read_only(method, Some(OTHER), None);
            let expected = if method.is_safe() {
                Decision::Allow
            } else {
                Decision::Unauthenticated
            };
            assert_eq!(anonymous, expected, "{method:?}");
            assert_eq!(user, Decision::Allow, "{method:?}");
        }
    }

    #[test]
    fn events_without_organizer_are_read_only() {
        for method in [Method::Put, Method::Patch, Method::Delete] {
            assert_eq!(
                is_organizer_or_read_only(method, Some(OTHER), Some(None)),
                Decision::Forbidden
            );
        }
        assert_eq!(
            is_organizer_or_read_only(Method::Get, None, Some(None)),
            Decision::Allow
        );
    }

    #[test]
    fn parses_method_names() {
        for (name, method) in ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
            .into_iter()
            .zip(ALL)
        {
            assert_eq!(Method::parse(name), Some(method));
        }
        assert_eq!(Method::parse("TRACE"), None);
        assert_eq!(Method::parse("get"), None);
    }
}
