//! The admin's model layer, after Django's `ModelAdmin`: a model declares
//! its list and form once ([`model`]), and gets generic list, add, change
//! and delete pages, mounted by [`model_routes`] (or [`list_routes`] for a
//! model that is only listed).

pub(crate) mod changelog;
pub(crate) mod choices;
pub(crate) mod delete_view;
pub(crate) mod edit_view;
pub(crate) mod fields;
pub(crate) mod form_errors;
pub(crate) mod forms;
pub(crate) mod layout;
pub(crate) mod list_parts;
pub(crate) mod list_view;
pub(crate) mod model;
pub(crate) mod params;
pub(crate) mod staff;

use actix_web::web;

use model::{AdminList, AdminModel};

/// The model's path inside the admin scope (`/events/`).
fn base<M: AdminList>() -> &'static str {
    M::OBJECT.url().trim_start_matches("/admin")
}

/// Mounts a listed-only model's list page.
pub(crate) fn list_routes<M: AdminList>(cfg: &mut web::ServiceConfig) {
    cfg.route(base::<M>(), web::get().to(list_view::list::<M, false>));
}

/// Mounts a model's list (with its actions), add, change and delete pages.
pub(crate) fn model_routes<M: AdminModel>(cfg: &mut web::ServiceConfig) {
    let base = base::<M>();
    cfg.route(base, web::get().to(list_view::list::<M, true>))
        .route(base, web::post().to(delete_view::bulk_action::<M>))
        .route(
            &format!("{base}add/"),
            web::get().to(edit_view::add_form::<M>),
        )
        .route(&format!("{base}add/"), web::post().to(edit_view::add::<M>))
        .route(
            &format!("{base}{{id}}/change/"),
            web::get().to(edit_view::change_form::<M>),
        )
        .route(
            &format!("{base}{{id}}/change/"),
            web::post().to(edit_view::change::<M>),
        )
        .route(
            &format!("{base}{{id}}/delete/"),
            web::get().to(delete_view::delete_form::<M>),
        )
        .route(
            &format!("{base}{{id}}/delete/"),
            web::post().to(delete_view::delete::<M>),
        );
}
