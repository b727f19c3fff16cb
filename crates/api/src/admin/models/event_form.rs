//! The event form: its fields, and the checks of a posted event (the API's
//! rules, with times entered in RFC 3339 and shown in the event's zone).

use domain::{
    Capacity, Event, EventName, EventPlan, Guests, RsvpWindow, Schedule, TimeZone, UserId,
};
use store::events::NewEvent;

use super::events::Events;
use crate::admin::site::choices::USERS;
use crate::admin::site::fields::{Field, Widget};
use crate::admin::site::forms::{FormErrors, FormValues, Reader};

type EventField = Field<Events>;

/// A stored time in the event's zone, or "".
fn shown(event: &Event, at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(|at| event.plan.timezone.rfc3339(at))
        .unwrap_or_default()
}

const RFC_3339: &str =
    "With its offset, e.g. 2030-05-04T18:00:00+02:00; shown in the event's time zone.";

static NAME: EventField = EventField::new("name", "Name", Widget::Text { max_length: 100 }, |e| {
    e.name.to_string()
})
.required();
static DATE: EventField = EventField::new("date", "Date", Widget::Date, |e| e.date.to_string())
    .required()
    .help("YYYY-MM-DD, in the event's time zone.");
/// The organizer select.
pub(crate) static ORGANIZER: EventField =
    EventField::new("organizer", "Organizer", Widget::Select(USERS), |e| {
        e.organizer_id.map(|id| id.to_string()).unwrap_or_default()
    });
static DESCRIPTION: EventField = EventField::new(
    "description",
    "Description",
    Widget::TextArea { max_length: 5000 },
    |e| e.plan.description.clone(),
);
static LOCATION: EventField = EventField::new(
    "location",
    "Location",
    Widget::Text { max_length: 255 },
    |e| e.plan.location.clone(),
);
static TIMEZONE: EventField = EventField::new(
    "timezone",
    "Time zone",
    Widget::Text { max_length: 64 },
    |e| e.plan.timezone.name().to_owned(),
)
.required()
.help("An IANA name, e.g. Europe/Paris or UTC.");
static STARTS_AT: EventField = EventField::new("starts_at", "Starts at", Widget::DateTime, |e| {
    shown(e, e.plan.schedule.starts_at())
})
.help(RFC_3339);
static ENDS_AT: EventField = EventField::new("ends_at", "Ends at", Widget::DateTime, |e| {
    shown(e, e.plan.schedule.ends_at())
});
static CAPACITY: EventField = EventField::new(
    "capacity",
    "Capacity",
    Widget::Number {
        min: 1,
        max: Capacity::MAX,
    },
    |e| {
        e.plan
            .capacity
            .map(|c| c.get().to_string())
            .unwrap_or_default()
    },
)
.help("Seats in all, guests included; blank for no limit.");
static MAX_GUESTS: EventField = EventField::new(
    "max_guests",
    "Guests per RSVP",
    Widget::Number {
        min: 0,
        max: Guests::MAX,
    },
    |e| e.plan.max_guests.get().to_string(),
);
static RSVP_OPENS_AT: EventField =
    EventField::new("rsvp_opens_at", "RSVPs open", Widget::DateTime, |e| {
        shown(e, e.plan.rsvp.opens_at())
    });
static RSVP_CLOSES_AT: EventField =
    EventField::new("rsvp_closes_at", "RSVPs close", Widget::DateTime, |e| {
        shown(e, e.plan.rsvp.closes_at())
    });
static CANCELLED: EventField = EventField::new("cancelled", "Cancelled", Widget::Checkbox, |e| {
    if e.plan.cancelled { "on" } else { "" }.to_owned()
})
.help("A cancelled event takes no RSVPs.");

/// The form's fields, in order.
pub(crate) static FIELDS: [&EventField; 13] = [
    &NAME,
    &DATE,
    &ORGANIZER,
    &DESCRIPTION,
    &LOCATION,
    &TIMEZONE,
    &STARTS_AT,
    &ENDS_AT,
    &CAPACITY,
    &MAX_GUESTS,
    &RSVP_OPENS_AT,
    &RSVP_CLOSES_AT,
    &CANCELLED,
];

/// The add form's first values: the staff user organizes, in UTC, no guests.
pub(crate) fn initial(organizer: UserId) -> FormValues {
    let mut values = FormValues::default();
    values.set(&ORGANIZER, organizer.to_string());
    values.set(&TIMEZONE, TimeZone::UTC.name());
    values.set(&MAX_GUESTS, "0");
    values
}

/// Checks a posted event over `stored` (none when adding): a field left
/// out of the post (a script's; a browser posts every field) keeps its
/// stored value.
pub(crate) fn parse(values: &FormValues, stored: Option<&Event>) -> Result<NewEvent, FormErrors> {
    let base = stored.map(|event| event.plan.clone()).unwrap_or_default();
    let posted = |field: &EventField| values.get(field).is_some();
    // A tick box is left out when unticked, so only a whole form (a
    // browser's, which always has the time zone) can untick it.
    let whole_form = posted(&TIMEZONE) || stored.is_none();
    let mut form = Reader::new(values);
    let name = form.text(&NAME, EventName::parse);
    let date = form.date(&DATE);
    let organizer_id = form.optional_id_choice(&ORGANIZER);
    let description = match posted(&DESCRIPTION) {
        true => form.optional_text(&DESCRIPTION),
        false => Some(base.description),
    };
    let location = match posted(&LOCATION) {
        true => form.optional_text(&LOCATION),
        false => Some(base.location),
    };
    let timezone = match values.get(&TIMEZONE).map(str::trim) {
        None | Some("") => Some(base.timezone),
        Some(_) => form.text(&TIMEZONE, TimeZone::parse),
    };
    let mut kept =
        |field: &EventField, stored: Option<chrono::DateTime<chrono::Utc>>| match posted(field) {
            true => form.optional_date_time(field),
            false => Some(stored),
        };
    let starts_at = kept(&STARTS_AT, base.schedule.starts_at());
    let ends_at = kept(&ENDS_AT, base.schedule.ends_at());
    let opens_at = kept(&RSVP_OPENS_AT, base.rsvp.opens_at());
    let closes_at = kept(&RSVP_CLOSES_AT, base.rsvp.closes_at());
    let capacity = match posted(&CAPACITY) {
        false => Some(base.capacity),
        true => form.optional_number(&CAPACITY).and_then(|n| {
            n.map(Capacity::new)
                .transpose()
                .map_err(|e| form.errors.add(&CAPACITY, e.to_string()))
                .ok()
        }),
    };
    let max_guests = match posted(&MAX_GUESTS) {
        false => Some(base.max_guests),
        true => form
            .optional_number(&MAX_GUESTS)
            .and_then(|n| Guests::new(n.unwrap_or(0), Guests::MAX).ok()),
    };
    let cancelled = match whole_form {
        true => form.checked(&CANCELLED),
        false => base.cancelled,
    };
    let schedule = starts_at.zip(ends_at).and_then(|(start, end)| {
        Schedule::new(start, end)
            .map_err(|e| form.errors.add(&ENDS_AT, e.to_string()))
            .ok()
    });
    let rsvp = opens_at.zip(closes_at).and_then(|(open, close)| {
        RsvpWindow::new(open, close)
            .map_err(|e| form.errors.add(&RSVP_CLOSES_AT, e.to_string()))
            .ok()
    });
    let plan = (|| {
        Some(EventPlan {
            description: description?,
            location: location?,
            timezone: timezone?,
            schedule: schedule?,
            capacity: capacity?,
            max_guests: max_guests?,
            rsvp: rsvp?,
            cancelled,
        })
    })();
    if let (Some(plan), Some(date)) = (&plan, date) {
        if let Err(e) = plan.check_date(date) {
            form.errors.add(&STARTS_AT, e.to_string());
        }
    }
    let new = (|| {
        Some(NewEvent {
            name: name?,
            date: date?,
            organizer_id: organizer_id?,
            plan: plan?,
        })
    })();
    form.errors.or_ok(new)
}
