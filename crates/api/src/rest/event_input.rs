//! Reading an event from a request body: the Django version's `name` and
//! `date`, and the plan fields (time, place, seats, RSVP window) with every
//! rule of the contract. Fields left out keep their stored value (or the
//! default, for a new event).

use chrono::NaiveDate;
use domain::{
    Capacity, Event, EventName, EventPlan, Guests, RsvpWindow, Schedule, TimeZone, ValidationError,
};
use serde_json::{Map, Value};

use crate::http::fields::Form;
use crate::http::values::{boolean, date_time_or_null, integer, integer_or_null};
use crate::ApiError;

/// The writable fields of an event.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes the request body for the OpenAPI document"
)]
pub(crate) struct EventInput {
    /// 1 to 100 characters; surrounding whitespace is trimmed.
    #[schema(min_length = 1, max_length = 100)]
    name: String,
    /// `YYYY-MM-DD`, the event's date in its zone; may be left out when
    /// `starts_at` is given, and is then `starts_at`'s local date.
    date: Option<chrono::NaiveDate>,
    /// At most 5,000 characters.
    #[schema(max_length = 5000)]
    description: Option<String>,
    /// At most 255 characters.
    #[schema(max_length = 255)]
    location: Option<String>,
    /// An IANA zone name (default `UTC`).
    #[schema(example = "Europe/Paris")]
    timezone: Option<String>,
    /// RFC 3339 with any offset or `Z`; its local date must be `date`.
    starts_at: Option<chrono::DateTime<chrono::Utc>>,
    /// After `starts_at`, which it needs.
    ends_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Seats in all, guests included (at least 1); `null` for no limit.
    #[schema(minimum = 1)]
    capacity: Option<u32>,
    /// Guests one RSVP may bring (0 to 20; default 0).
    #[schema(minimum = 0, maximum = 20)]
    max_guests: Option<u32>,
    /// RSVPs are refused before this.
    rsvp_opens_at: Option<chrono::DateTime<chrono::Utc>>,
    /// RSVPs are refused from this on; after `rsvp_opens_at`.
    rsvp_closes_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Calls the event off (on PUT and PATCH, by the organizer).
    cancelled: Option<bool>,
}

/// The body of PATCH: `EventInput` with every field optional, since the
/// fields left out keep their stored values.
pub(crate) struct PatchedEventInput;

impl utoipa::PartialSchema for PatchedEventInput {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::Schema;
        use utoipa::openapi::RefOr;
        let mut schema = <EventInput as utoipa::PartialSchema>::schema();
        if let RefOr::T(Schema::Object(object)) = &mut schema {
            object.required.clear();
        }
        schema
    }
}

impl utoipa::ToSchema for PatchedEventInput {}

/// The fields of an event as DRF's metadata describes them (OPTIONS'
/// `actions`): type, whether required, whether read-only, label, limits.
pub(crate) fn event_fields_metadata() -> Value {
    let field = |kind: &str, required: bool, label: &str| serde_json::json!({ "type": kind, "required": required, "read_only": false, "label": label });
    let with = |mut field: Value, key: &str, value: Value| {
        if let Some(field) = field.as_object_mut() {
            field.insert(key.to_owned(), value);
        }
        field
    };
    let read_only = |kind: &str, label: &str| serde_json::json!({ "type": kind, "required": false, "read_only": true, "label": label });
    serde_json::json!({
        "id": read_only("field", "ID"),
        "name": with(field("string", true, "Name"), "max_length", 100.into()),
        "date": field("date", true, "Date"),
        "organizer": read_only("nested object", "Organizer"),
        "description": with(field("string", false, "Description"), "max_length", 5000.into()),
        "location": with(field("string", false, "Location"), "max_length", 255.into()),
        "timezone": with(field("string", false, "Time zone"), "max_length", 64.into()),
        "starts_at": field("datetime", false, "Starts at"),
        "ends_at": field("datetime", false, "Ends at"),
        "capacity": with(field("integer", false, "Capacity"), "min_value", 1.into()),
        "max_guests": with(with(field("integer", false, "Max guests"), "min_value", 0.into()), "max_value", 20.into()),
        "rsvp_opens_at": field("datetime", false, "RSVPs open at"),
        "rsvp_closes_at": field("datetime", false, "RSVPs close at"),
        "cancelled": field("boolean", false, "Cancelled"),
    })
}

/// An event as a request writes it.
#[derive(Debug, Clone)]
pub(crate) struct EventWrite {
    /// The name, when given.
    pub name: Option<EventName>,
    /// The date, when given or derived from `starts_at`.
    pub date: Option<NaiveDate>,
    /// The whole plan: what was given over what was stored.
    pub plan: EventPlan,
}

fn zone(raw: &Value) -> Result<TimeZone, ValidationError> {
    match raw {
        Value::String(s) => TimeZone::parse(s.trim()),
        Value::Null => Err(ValidationError::Null),
        other => TimeZone::parse(&other.to_string()),
    }
}

fn capacity(raw: &Value) -> Result<Option<Capacity>, ValidationError> {
    integer_or_null(raw)?.map(Capacity::new).transpose()
}

fn max_guests(raw: &Value) -> Result<Guests, ValidationError> {
    Guests::new(integer(raw)?, Guests::MAX)
}

/// Reads an event from `data` over `current` (none for a new event). With
/// `partial` (PATCH) nothing is required; `cancelled` is read only when
/// `may_cancel` (an update, which only the organizer reaches).
pub(crate) fn read_event(
    data: &Map<String, Value>,
    partial: bool,
    current: Option<&Event>,
    may_cancel: bool,
) -> Result<EventWrite, ApiError> {
    let mut form = Form::new(data, true);
    let base = current.map(|event| event.plan.clone()).unwrap_or_default();
    // Read as optional; what a full write requires is checked by hand, as
    // `date` may be left out when `starts_at` is given.
    let name = form.text("name", EventName::parse);
    if !partial && !data.contains_key("name") {
        form.refuse("name", ValidationError::Required);
    }
    let date = form.date("date");
    let description = form.optional_text("description", 5000);
    let location = form.optional_text("location", 255);
    let timezone = form.optional("timezone", zone).unwrap_or(base.timezone);
    let starts_given = form.optional("starts_at", date_time_or_null);
    let starts_at = starts_given.unwrap_or(base.schedule.starts_at());
    let ends_at = form
        .optional("ends_at", date_time_or_null)
        .unwrap_or(base.schedule.ends_at());
    let capacity = form.optional("capacity", capacity).unwrap_or(base.capacity);
    let max_guests = form
        .optional("max_guests", max_guests)
        .unwrap_or(base.max_guests);
    let opens_at = form
        .optional("rsvp_opens_at", date_time_or_null)
        .unwrap_or(base.rsvp.opens_at());
    let closes_at = form
        .optional("rsvp_closes_at", date_time_or_null)
        .unwrap_or(base.rsvp.closes_at());
    let cancelled = match may_cancel {
        true => form
            .optional("cancelled", boolean)
            .unwrap_or(base.cancelled),
        false => base.cancelled,
    };

    // `date` may be left out when `starts_at` is given: it is then its local date.
    let given_start = starts_given.flatten();
    let date = match (date, given_start) {
        (Some(date), _) => Some(date),
        (None, Some(start)) if !data.contains_key("date") => Some(timezone.local_date(start)),
        (None, _) => {
            if !partial && !data.contains_key("date") {
                form.refuse("date", ValidationError::Required);
            }
            None
        }
    };
    let schedule = Schedule::new(starts_at, ends_at)
        .map_err(|e| form.refuse("ends_at", e))
        .unwrap_or_default();
    let rsvp = RsvpWindow::new(opens_at, closes_at)
        .map_err(|e| form.refuse("rsvp_closes_at", e))
        .unwrap_or_default();
    let plan = EventPlan {
        description: description.unwrap_or(base.description),
        location: location.unwrap_or(base.location),
        timezone,
        schedule,
        capacity,
        max_guests,
        rsvp,
        cancelled,
    };
    if let Some(day) = date.or(current.map(|e| e.date)) {
        if form.errors.messages("starts_at").is_empty() {
            if let Err(off_date) = plan.check_date(day) {
                form.refuse("starts_at", off_date);
            }
        }
    }
    form.finish()?;
    Ok(EventWrite { name, date, plan })
}
