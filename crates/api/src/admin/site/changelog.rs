//! The admin's models by name, and the change log ("Recent actions") that
//! records what staff did to them.

use domain::User;
pub(crate) use store::admin_log::Action;
use store::admin_log::NewEntry;
use store::{DbConnection, StoreResult};

/// A kind of object the admin manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ObjectType {
    /// An event.
    Event,
    /// A user's answer for an event.
    Attendance,
    /// An account.
    User,
    /// A mail in the outbox.
    Message,
}

impl ObjectType {
    /// The spelling stored in the log.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::Attendance => "attendance",
            Self::User => "user",
            Self::Message => "message",
        }
    }

    /// The noun for one.
    pub(crate) fn verbose(self) -> &'static str {
        self.as_str()
    }

    /// The noun for several.
    pub(crate) fn verbose_plural(self) -> &'static str {
        match self {
            Self::Event => "events",
            Self::Attendance => "attendances",
            Self::User => "users",
            Self::Message => "messages",
        }
    }

    /// The section's heading and breadcrumb.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Self::Event => "Events",
            Self::Attendance => "Attendances",
            Self::User => "Users",
            Self::Message => "Outbox",
        }
    }

    /// The list page's URL; other pages of the model sit below it.
    pub(crate) fn url(self) -> &'static str {
        match self {
            Self::Event => "/admin/events/",
            Self::Attendance => "/admin/attendances/",
            Self::User => "/admin/users/",
            Self::Message => "/admin/outbox/",
        }
    }

    /// The breadcrumbs of one of the model's pages: the section, then `last`.
    pub(crate) fn crumbs(self, last: Option<&str>) -> Vec<(String, Option<String>)> {
        let mut crumbs = vec![(self.title().to_owned(), Some(self.url().to_owned()))];
        crumbs.extend(last.map(|label| (label.to_owned(), None)));
        crumbs
    }
}

/// One change to record.
pub(crate) struct Change<'a> {
    /// Who made it.
    pub staff: &'a User,
    /// Added, changed or deleted.
    pub action: Action,
    /// The kind of object.
    pub object: ObjectType,
    /// The object's id.
    pub id: &'a str,
    /// How the object reads.
    pub repr: &'a str,
    /// What changed, in words.
    pub message: &'a str,
}

/// Records a change; call it in the transaction that makes the change.
pub(crate) fn record(conn: &mut DbConnection, change: &Change<'_>) -> StoreResult<()> {
    store::admin_log::record(
        conn,
        &NewEntry {
            user_id: change.staff.id,
            action: change.action,
            object_type: change.object.as_str(),
            object_id: change.id,
            object_repr: change.repr,
            message: change.message,
        },
    )
}

/// "Changed a, b." for the fields that differ, or "No fields changed.".
pub(crate) fn change_message<'a>(changed: impl IntoIterator<Item = &'a str>) -> String {
    let changed: Vec<&str> = changed.into_iter().collect();
    if changed.is_empty() {
        "No fields changed.".to_owned()
    } else {
        format!("Changed {}.", changed.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_messages_name_the_fields() {
        assert_eq!(change_message(["name", "date"]), "Changed name, date.");
        assert_eq!(change_message([]), "No fields changed.");
    }
}
