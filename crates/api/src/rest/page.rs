//! The envelope of every paged listing, and its schema under the name
//! generated clients know each kind of page by.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::json::json_response;
use crate::http::query::Pagination;

use crate::rest::representations::{AttendanceBody, EventBody};

/// A page of a listing (when `limit` is given or `PAGE_SIZE` is set): the
/// one envelope every paged listing answers with. Each page of a kind of
/// item keeps its own schema name (`EventPageBody`, ...), which generated
/// clients know it by.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    /// Items matching the filters, on all pages.
    pub count: i64,
    /// The next page's URL.
    pub next: Option<String>,
    /// The previous page's URL.
    pub previous: Option<String>,
    /// This page.
    pub results: Vec<T>,
}

/// The schema of a page of `T`s, described as listing `items`.
fn page_schema<T: ToSchema>(
    items: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{
        ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type,
    };
    let link = |which: &str| {
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .description(Some(format!("The {which} page's URL.")))
    };
    ObjectBuilder::new()
        .property(
            "count",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .description(Some(format!("{items} matching the filters, on all pages."))),
        )
        .required("count")
        .property("next", link("next"))
        .required("next")
        .property("previous", link("previous"))
        .required("previous")
        .property(
            "results",
            ArrayBuilder::new()
                .items(utoipa::openapi::Ref::from_schema_name(T::name()))
                .description(Some("This page.")),
        )
        .required("results")
        .description(Some(format!("A page of {}.", items.to_lowercase())))
        .into()
}

/// Documents the page of `$item` under the schema name `$name`.
macro_rules! page_schema_named {
    ($item:ty, $name:literal, $items:literal) => {
        impl utoipa::PartialSchema for Page<$item> {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                page_schema::<$item>($items)
            }
        }

        impl ToSchema for Page<$item> {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($name)
            }
        }
    };
}

page_schema_named!(EventBody, "EventPageBody", "Events");
page_schema_named!(AttendanceBody, "AttendancePageBody", "Attendances");

/// A page of events.
pub type EventPageBody = Page<EventBody>;
/// A page of attendances.
pub type AttendancePageBody = Page<AttendanceBody>;

/// A listing's 200: the page of `results` with its links when `page` and
/// `count` are given, else the bare array, each wrapped as the listing's
/// body type (`page_of` or `all`), rendered into a buffer of `size`.
pub(crate) fn listing_response<T, B: Serialize>(
    req: &HttpRequest,
    paged: Option<(Pagination, i64)>,
    results: Vec<T>,
    size: usize,
    page_of: fn(Page<T>) -> B,
    all: fn(Vec<T>) -> B,
) -> HttpResponse {
    let body = match paged {
        Some((page, count)) => {
            let (next, previous) = page.links(req, count);
            page_of(Page {
                count,
                next,
                previous,
                results,
            })
        }
        None => all(results),
    };
    json_response(StatusCode::OK, &body, size)
}
