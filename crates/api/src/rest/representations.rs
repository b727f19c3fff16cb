//! Response bodies in the contract's shapes.

use chrono::NaiveDate;
use domain::{AttendanceDetail, EventDetail, EventSummary, User};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A user as other users see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserBody {
    /// The user's id.
    pub id: i64,
    /// The login name.
    pub username: String,
    /// The mail address, or `""`.
    pub email: String,
}

impl From<&User> for UserBody {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.0,
            username: user.username.to_string(),
            email: user
                .email
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        }
    }
}

/// The caller's own account.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeBody {
    /// The user's id.
    pub id: i64,
    /// The login name.
    pub username: String,
    /// The mail address, or `""`.
    pub email: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// May use the admin site.
    pub is_staff: bool,
}

impl From<&User> for MeBody {
    fn from(user: &User) -> Self {
        let public = UserBody::from(user);
        Self {
            id: public.id,
            username: public.username,
            email: public.email,
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            is_staff: user.is_staff,
        }
    }
}

/// An event in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventBody {
    /// The event's id.
    pub id: Uuid,
    /// 1 to 100 characters.
    pub name: String,
    /// `YYYY-MM-DD`.
    pub date: NaiveDate,
    /// The organizer, or `null` once their account is deleted.
    pub organizer: Option<UserBody>,
}

impl From<&EventSummary> for EventBody {
    fn from(summary: &EventSummary) -> Self {
        Self {
            id: summary.event.id.0,
            name: summary.event.name.to_string(),
            date: summary.event.date,
            organizer: summary.organizer.as_ref().map(UserBody::from),
        }
    }
}

/// One user's answer for an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceBody {
    /// Who answered.
    pub user: UserBody,
    /// `Going`, `Maybe` or `Not Going`.
    #[schema(value_type = String, example = "Going")]
    pub status: domain::AttendanceStatus,
}

impl From<&AttendanceDetail> for AttendanceBody {
    fn from(detail: &AttendanceDetail) -> Self {
        Self {
            user: UserBody::from(&detail.user),
            status: detail.attendance.status,
        }
    }
}

/// An event with every attendance.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDetailBody {
    /// The event's id.
    pub id: Uuid,
    /// 1 to 100 characters.
    pub name: String,
    /// `YYYY-MM-DD`.
    pub date: NaiveDate,
    /// The organizer, or `null` once their account is deleted.
    pub organizer: Option<UserBody>,
    /// Every user's answer, oldest first.
    pub attendances: Vec<AttendanceBody>,
}

impl From<&EventDetail> for EventDetailBody {
    fn from(detail: &EventDetail) -> Self {
        Self {
            id: detail.event.id.0,
            name: detail.event.name.to_string(),
            date: detail.event.date,
            organizer: detail.organizer.as_ref().map(UserBody::from),
            attendances: detail
                .attendances
                .iter()
                .map(AttendanceBody::from)
                .collect(),
        }
    }
}

/// A page of events (when `limit` is given or `PAGE_SIZE` is set).
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPageBody {
    /// Events matching the filters, on all pages.
    pub count: i64,
    /// The next page's URL.
    pub next: Option<String>,
    /// The previous page's URL.
    pub previous: Option<String>,
    /// This page.
    pub results: Vec<EventBody>,
}

/// A page of attendances.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendancePageBody {
    /// Attendances matching the filter, on all pages.
    pub count: i64,
    /// The next page's URL.
    pub next: Option<String>,
    /// The previous page's URL.
    pub previous: Option<String>,
    /// This page.
    pub results: Vec<AttendanceBody>,
}

/// An access and a refresh token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPairBody {
    /// Authenticates requests (`Authorization: Bearer ..`).
    pub access: String,
    /// Obtains new access tokens.
    pub refresh: String,
}

/// A new access token.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessBody {
    /// Authenticates requests.
    pub access: String,
}

/// An error with a message.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetailBody {
    /// What went wrong.
    pub detail: String,
    /// A machine-readable code, for token errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// Field errors: each field maps to its messages; `non_field_errors` for
/// the body as a whole.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"name": ["This field may not be blank."]}))]
pub struct FieldErrorsBody(pub std::collections::BTreeMap<String, Vec<String>>);
