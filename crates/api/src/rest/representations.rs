//! Response bodies in the contract's shapes.

use actix_web::HttpRequest;
use chrono::NaiveDate;
use domain::{AttendanceDetail, Event, EventDetail, EventSummary, User};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::ApiState;

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
    /// Gets change notices, reminders and seat mails.
    pub email_notifications: bool,
    /// The personal calendar feed: paste it into a calendar app. It works
    /// without login; `POST /api/auth/me/calendar/` moves it.
    #[schema(
        example = "https://events.example.com/api/calendar/7.VGhpcyBpcyBub3QgYSByZWFsIHRva2Vu.ics"
    )]
    pub calendar_url: String,
}

/// The Me body of `user`, with their feed address as this request reaches
/// the server.
pub(crate) fn me_body(req: &HttpRequest, state: &ApiState, user: &User) -> MeBody {
    let public = UserBody::from(user);
    let token = state.feed_key.token(user.id, user.calendar_generation);
    MeBody {
        id: public.id,
        username: public.username,
        email: public.email,
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        is_staff: user.is_staff,
        email_notifications: user.email_notifications,
        calendar_url: feed_url(req, state, &token),
    }
}

/// The absolute URL of the feed with `token`, under wherever the API is
/// mounted, at the public address when one is configured.
fn feed_url(req: &HttpRequest, state: &ApiState, token: &str) -> String {
    let path = req
        .url_for(crate::rest::calendar::FEED_ROUTE, [token])
        .map(|url| url.path().to_owned())
        .unwrap_or_else(|_| format!("/api/calendar/{token}.ics"));
    match &state.config.public_url {
        Some(base) => format!("{}{path}", base.trim_end_matches('/')),
        None => format!("{}{path}", crate::http::client::origin(req)),
    }
}

/// An event's time, place, seats and RSVP window; date-times are in the
/// event's zone with its offset.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPlanBody {
    /// What the event is about.
    pub description: String,
    /// Where it happens.
    pub location: String,
    /// The IANA zone its times are shown in.
    #[schema(example = "Europe/Paris")]
    pub timezone: String,
    /// When it starts, or `null` for an untimed event.
    #[schema(required = true, value_type = Option<String>, format = DateTime, example = "2030-05-04T18:00:00+02:00")]
    pub starts_at: Option<String>,
    /// When it ends, or `null`.
    #[schema(required = true, value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<String>,
    /// Seats in all, guests included; `null` for no limit.
    #[schema(required = true)]
    pub capacity: Option<u32>,
    /// The guests one RSVP may bring (0 to 20).
    pub max_guests: u32,
    /// When RSVPs open, or `null` for already open.
    #[schema(required = true, value_type = Option<String>, format = DateTime)]
    pub rsvp_opens_at: Option<String>,
    /// When RSVPs close, or `null` for never.
    #[schema(required = true, value_type = Option<String>, format = DateTime)]
    pub rsvp_closes_at: Option<String>,
    /// Called off by its organizer.
    pub cancelled: bool,
}

impl From<&Event> for EventPlanBody {
    fn from(event: &Event) -> Self {
        let plan = &event.plan;
        let zone = plan.timezone;
        let shown = |at: Option<chrono::DateTime<chrono::Utc>>| at.map(|at| zone.rfc3339(at));
        Self {
            description: plan.description.clone(),
            location: plan.location.clone(),
            timezone: zone.name().to_owned(),
            starts_at: shown(plan.schedule.starts_at()),
            ends_at: shown(plan.schedule.ends_at()),
            capacity: plan.capacity.map(domain::Capacity::get),
            max_guests: plan.max_guests.get(),
            rsvp_opens_at: shown(plan.rsvp.opens_at()),
            rsvp_closes_at: shown(plan.rsvp.closes_at()),
            cancelled: plan.cancelled,
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
    /// `YYYY-MM-DD`: the event's local date in its zone.
    pub date: NaiveDate,
    /// The organizer, or `null` once their account is deleted.
    #[schema(required = true)]
    pub organizer: Option<UserBody>,
    /// Time, place, seats and RSVP window.
    #[serde(flatten)]
    pub plan: EventPlanBody,
}

impl From<&EventSummary> for EventBody {
    fn from(summary: &EventSummary) -> Self {
        Self {
            id: summary.event.id.0,
            name: summary.event.name.to_string(),
            date: summary.event.date,
            organizer: summary.organizer.as_ref().map(UserBody::from),
            plan: EventPlanBody::from(&summary.event),
        }
    }
}

/// How an event's answers split (attendances, not people).
#[derive(Debug, Serialize, ToSchema)]
pub struct CountsBody {
    /// Seated Going answers.
    pub going: i64,
    /// Maybe answers.
    pub maybe: i64,
    /// Not Going answers.
    pub not_going: i64,
    /// Going answers waiting for a seat.
    pub waitlisted: i64,
}

/// An event's seats.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeatsBody {
    /// Seats in all, or `null` for no limit.
    #[schema(required = true)]
    pub capacity: Option<u32>,
    /// Seats taken: `1 + guests` over seated Going answers.
    pub taken: u32,
    /// Seats free (never below 0), or `null` for no limit.
    #[schema(required = true)]
    pub left: Option<u32>,
}

/// One user's answer for an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceBody {
    /// Who answered.
    pub user: UserBody,
    /// Their answer.
    #[schema(value_type = StatusChoice)]
    pub status: domain::AttendanceStatus,
    /// The guests they bring.
    pub guests: u32,
    /// Their place in the waitlist (1 for the head), or `null` when not waiting.
    #[schema(required = true)]
    pub waitlist_position: Option<u32>,
}

impl From<&AttendanceDetail> for AttendanceBody {
    fn from(detail: &AttendanceDetail) -> Self {
        Self {
            user: UserBody::from(&detail.user),
            status: detail.attendance.status,
            guests: detail.attendance.guests.get(),
            waitlist_position: detail.attendance.waitlist_position,
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
    #[schema(required = true)]
    pub organizer: Option<UserBody>,
    /// Time, place, seats and RSVP window.
    #[serde(flatten)]
    pub plan: EventPlanBody,
    /// Every user's answer, oldest first.
    pub attendances: Vec<AttendanceBody>,
    /// How the answers split.
    pub counts: CountsBody,
    /// The seats.
    pub seats: SeatsBody,
}

impl From<&EventDetail> for EventDetailBody {
    fn from(detail: &EventDetail) -> Self {
        Self {
            id: detail.event.id.0,
            name: detail.event.name.to_string(),
            date: detail.event.date,
            organizer: detail.organizer.as_ref().map(UserBody::from),
            plan: EventPlanBody::from(&detail.event),
            attendances: detail
                .attendances
                .iter()
                .map(AttendanceBody::from)
                .collect(),
            counts: CountsBody {
                going: detail.counts.going,
                maybe: detail.counts.maybe,
                not_going: detail.counts.not_going,
                waitlisted: detail.counts.waitlisted,
            },
            seats: {
                let seats = domain::seats::Seats {
                    capacity: detail.event.plan.capacity.map(domain::Capacity::get),
                    taken: detail.seats_taken,
                };
                SeatsBody {
                    capacity: seats.capacity,
                    taken: seats.taken,
                    left: seats.left(),
                }
            },
        }
    }
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

/// Events in a list: a bare array, or a page when `limit` is given or
/// `PAGE_SIZE` is set.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum EventListBody {
    /// Every matching event.
    All(Vec<EventBody>),
    /// One page of them.
    Page(EventPageBody),
}

/// An event's attendances: a bare array, or a page when `limit` is given or
/// `PAGE_SIZE` is set.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum AttendanceListBody {
    /// Every matching attendance.
    All(Vec<AttendanceBody>),
    /// One page of them.
    Page(AttendancePageBody),
}

/// An answer to an event: the contract's three choices.
pub struct StatusChoice;

impl utoipa::PartialSchema for StatusChoice {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(
                domain::AttendanceStatus::ALL.map(domain::AttendanceStatus::as_str),
            ))
            .description(Some("An answer to an event."))
            .into()
    }
}

impl ToSchema for StatusChoice {}

/// The health endpoints' answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthBody {
    /// Always `ok`.
    #[schema(example = "ok")]
    pub status: String,
}

/// An empty object: `{}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct EmptyBody {}

/// An error with a message.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetailBody {
    /// What went wrong.
    pub detail: String,
    /// A machine-readable code, for token errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

pub use crate::http::error::AuthErrorBody;
pub use crate::rest::page::{AttendancePageBody, EventPageBody};

/// Field errors: each field maps to its messages; `non_field_errors` for
/// the body as a whole.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"name": ["This field may not be blank."]}))]
pub struct FieldErrorsBody(pub std::collections::BTreeMap<String, Vec<String>>);
