//! The generic list page (Django's changelist): search, sidebar filters,
//! sortable columns, the date drill-down, pages, and for editable models
//! a tick box per row with the "Delete selected" action.

use actix_web::{HttpRequest, HttpResponse};
use maud::{html, Markup};

use super::fields::Choice;
use super::layout::csrf_input;
use super::list_parts::{
    date_hierarchy, filter, header, page_count, pagination, search_box, PER_PAGE,
};
use super::model::{parse_sort, AdminList, CellContext, ListQuery, SortKey};
use super::params::Params;
use super::staff::Staff;
use crate::admin::AdminError;
use crate::with_conn;

/// The form field naming the ticked rows (Django's).
pub(crate) const SELECTED: &str = "_selected_action";

/// The list action that deletes the ticked rows (Django's).
pub(crate) const DELETE_SELECTED: &str = "delete_selected";

impl<M: AdminList> ListQuery<M> {
    /// The query a list page's parameters ask for.
    pub(crate) fn of(params: &Params) -> Self {
        Self {
            filter: M::filter(params),
            search: params.get("q").map(str::to_owned),
            dates: params.date_range(),
            sort: parse_sort(params.get("o")),
            limit: PER_PAGE,
            offset: (params.page() - 1).saturating_mul(PER_PAGE),
        }
    }
}

/// What a list page shows, loaded in one trip to the blocking pool.
struct Loaded<M: AdminList> {
    total: i64,
    rows: Vec<M::Row>,
    dates: Vec<chrono::NaiveDate>,
    filters: Vec<Vec<Choice>>,
}

/// Loads a page of rows (the last page when the page asked for is past
/// the end), the drill-down dates and the sidebar's choices.
async fn load<M: AdminList>(staff: &Staff, params: &Params) -> Result<Loaded<M>, AdminError> {
    let mut query = ListQuery::<M>::of(params);
    let chosen: Vec<(_, Option<String>)> = M::SIDEBAR
        .iter()
        .map(|sidebar| (sidebar.choices, params.get(sidebar.key).map(str::to_owned)))
        .collect();
    Ok(with_conn(&staff.state.pool, move |conn| {
        let (mut total, mut rows) = M::page(conn, &query)?;
        let last_offset = (page_count(total) - 1) * PER_PAGE;
        if query.offset > last_offset {
            query.offset = last_offset;
            (total, rows) = M::page(conn, &query)?;
        }
        let dates = if M::DATE_HIERARCHY {
            query.dates = (None, None);
            M::dates(conn, &query)?
        } else {
            Vec::new()
        };
        let filters = chosen
            .into_iter()
            .map(|(choices, value)| (choices.0)(conn, value.as_deref()))
            .collect::<Result<_, _>>()?;
        Ok(Loaded {
            total,
            rows,
            dates,
            filters,
        })
    })
    .await?)
}

/// The list page; `EDITABLE` lists (of models mounted with their forms)
/// link rows to their change pages and offer adding and deleting.
pub(crate) async fn list<M: AdminList, const EDITABLE: bool>(
    staff: Staff,
    req: HttpRequest,
) -> Result<HttpResponse, AdminError> {
    let params = Params::of(&req);
    let loaded = load::<M>(&staff, &params).await?;
    let current = parse_sort::<M::Sort>(params.get("o")).map(|(key, d)| (key.key(), d));
    let columns = M::columns();
    let cx = CellContext { csrf: &staff.csrf };
    let object = M::OBJECT;
    let table = html! {
        table {
            thead { tr {
                @if EDITABLE { th scope="col" { span.visually-hidden { "Select" } } }
                @for column in &columns { (header(&params, column.label, column.sort.map(|s| s.key()), current)) }
            } }
            tbody {
                @for row in &loaded.rows {
                    @let id = M::row_id(row);
                    tr {
                        @if EDITABLE {
                            @let (select_id, label_id) = (format!("select-{id}"), format!("row-{id}"));
                            td {
                                input type="checkbox" id=(select_id) name=(SELECTED) value=(id) aria-label="Select"
                                    aria-labelledby=(format!("{select_id} {label_id}"));
                                span.visually-hidden id=(label_id) { (M::row_label(row)) }
                            }
                        }
                        @for (index, column) in columns.iter().enumerate() {
                            @if index == 0 && EDITABLE {
                                th scope="row" { a href=(format!("{}{id}/change/", object.url())) { ((column.cell)(row, &cx)) } }
                            } @else {
                                td { ((column.cell)(row, &cx)) }
                            }
                        }
                    }
                }
            }
        }
    };
    let results: Markup = if EDITABLE {
        html! {
            form #changelist-form method="post" action=(params.current()) {
                (csrf_input(&staff.csrf))
                div.actions {
                    label for="id_action" { "Action:" }
                    select id="id_action" name="action" {
                        option value="" { "---------" }
                        option value=(DELETE_SELECTED) { "Delete selected " (object.verbose_plural()) }
                    }
                    button type="submit" { "Go" }
                }
                (table)
            }
        }
    } else {
        table
    };
    let sidebar = M::SIDEBAR;
    let content = html! {
        div.toolbar {
            @if EDITABLE { a.addlink href=(format!("{}add/", object.url())) { "Add " (object.verbose()) } }
            @if let Some(label) = M::SEARCH_LABEL { (search_box(&params, label)) }
        }
        div.changelist {
            div.results {
                @if M::DATE_HIERARCHY { (date_hierarchy(&params, &loaded.dates)) }
                (results)
                (pagination(&params, loaded.total, object))
            }
            @if !sidebar.is_empty() {
                aside.filters aria-label="Filters" {
                    h2 { "Filter" }
                    @for (side, choices) in sidebar.iter().zip(&loaded.filters) {
                        (filter(&params, side.title, side.key, choices))
                    }
                }
            }
        }
    };
    Ok(staff.page(&M::list_title(), object.crumbs(None), content))
}
