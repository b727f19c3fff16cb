//! Events in the admin.

use chrono::NaiveDate;
use domain::{Event, EventId, EventSummary, User, UserId};
use maud::html;
use store::events::{EventChanges, EventFilter, EventOrder, EventQuery, EventSortField, NewEvent};
use store::{DbConnection, OptionalExt, StoreResult};

use super::event_form;
use crate::admin::site::changelog::ObjectType;
use crate::admin::site::choices::USERS;
use crate::admin::site::fields::Field;
use crate::admin::site::forms::{FormErrors, FormValues, INVALID_CHOICE};
use crate::admin::site::model::sort_keys;
use crate::admin::site::model::{
    AdminList, AdminModel, Column, FormContext, ListQuery, Refusal, Related, Sidebar,
};
use crate::admin::site::params::Params;

/// The events admin.
pub(crate) struct Events;

static BY_ORGANIZER: Sidebar = Sidebar::new("organizer", "organizer", USERS);

sort_keys!(EventSortField {
    Name => "name",
    Date => "date",
    Organizer => "organizer",
});

fn store_query(query: &ListQuery<Events>, with_dates: bool) -> EventQuery {
    let (date_after, date_before) = if with_dates {
        query.dates
    } else {
        (None, None)
    };
    EventQuery {
        filter: EventFilter {
            search: query.search.clone(),
            organizer: query.filter,
            date_after,
            date_before,
            ..EventFilter::default()
        },
        ordering: query
            .sort
            .map(|(field, descending)| vec![EventOrder { field, descending }])
            .unwrap_or_default(),
        limit: Some(query.limit),
        offset: query.offset,
    }
}

impl AdminList for Events {
    const OBJECT: ObjectType = ObjectType::Event;
    const SIDEBAR: &'static [&'static Sidebar] = &[&BY_ORGANIZER];
    const SEARCH_LABEL: Option<&'static str> = Some("Search events by name");
    const DATE_HIERARCHY: bool = true;
    type Row = EventSummary;
    type Sort = EventSortField;
    /// The organizer chosen in the sidebar.
    type Filter = Option<UserId>;

    fn filter(params: &Params) -> Self::Filter {
        BY_ORGANIZER.chosen(params)
    }

    fn columns() -> Vec<Column<Self>> {
        vec![
            Column::<Self>::sorted(
                "Name",
                EventSortField::Name,
                |row, _| html! { (row.event.name) },
            ),
            Column::<Self>::sorted(
                "Date",
                EventSortField::Date,
                |row, _| html! { (row.event.date) },
            ),
            Column::<Self>::sorted(
                "Organizer",
                EventSortField::Organizer,
                |row, _| html! { (row.organizer.as_ref().map_or("-".to_owned(), |u| u.username.to_string())) },
            ),
        ]
    }

    fn row_id(row: &EventSummary) -> String {
        row.event.id.to_string()
    }

    fn row_label(row: &EventSummary) -> String {
        row.event.name.to_string()
    }

    fn page(
        conn: &mut DbConnection,
        query: &ListQuery<Self>,
    ) -> StoreResult<(i64, Vec<EventSummary>)> {
        let page = store::events::list_page(conn, &store_query(query, true))?;
        Ok((page.total, page.events))
    }

    fn dates(conn: &mut DbConnection, query: &ListQuery<Self>) -> StoreResult<Vec<NaiveDate>> {
        store::events::distinct_dates(conn, &store_query(query, false).filter)
    }
}

/// Whether the chosen organizer exists (no organizer is fine).
fn organizer_exists(conn: &mut DbConnection, new: &NewEvent) -> Result<(), Refusal> {
    match new.organizer_id {
        Some(id) if store::users::get(conn, id).optional()?.is_none() => Err(Refusal::Invalid(
            FormErrors::on(&event_form::ORGANIZER, INVALID_CHOICE),
        )),
        _ => Ok(()),
    }
}

impl AdminModel for Events {
    type Id = EventId;
    type Object = Event;
    type Input = NewEvent;
    const FIELDS: &'static [&'static Field<Self>] = &event_form::FIELDS;

    fn id(event: &Event) -> EventId {
        event.id
    }

    fn describe(event: &Event) -> String {
        event.name.to_string()
    }

    fn load(conn: &mut DbConnection, id: EventId) -> StoreResult<Event> {
        store::events::get(conn, id)
    }

    fn initial(staff: &User, _: &Params) -> FormValues {
        event_form::initial(staff.id)
    }

    fn parse(values: &FormValues, cx: &FormContext<Self>) -> Result<NewEvent, FormErrors> {
        event_form::parse(values, cx.target.as_ref())
    }

    fn create(conn: &mut DbConnection, new: NewEvent) -> Result<Event, Refusal> {
        organizer_exists(conn, &new)?;
        Ok(store::events::create(conn, &new)?)
    }

    fn update(conn: &mut DbConnection, before: &Event, new: NewEvent) -> Result<Event, Refusal> {
        organizer_exists(conn, &new)?;
        let changes = EventChanges {
            name: Some(new.name),
            date: Some(new.date),
            organizer_id: Some(new.organizer_id),
            plan: Some(new.plan),
        };
        // Notices, and seats a raised capacity frees, in this transaction.
        let (event, _) =
            store::seats::update_event(conn, before.id, &changes, mailer::CHANGE_MAILS)?;
        Ok(event)
    }

    fn related(conn: &mut DbConnection, event: &Event) -> StoreResult<Vec<Related>> {
        Ok(vec![Related {
            count: store::attendances::count_for_event(conn, event.id, None)?,
            singular: "attendance",
            plural: "attendances",
            fate: None,
        }])
    }

    fn delete(conn: &mut DbConnection, event: &Event) -> StoreResult<()> {
        store::events::delete(conn, event.id)
    }
}
