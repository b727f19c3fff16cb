//! Setting a user's password from the admin. A new password ends the
//! user's other sessions; staff changing their own stay logged in.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use domain::User;
use maud::html;

use super::user_form::{check_passwords, hash, PASSWORD1, PASSWORD2};
use super::users::Users;
use crate::admin::site::changelog::{record, Action, Change, ObjectType};
use crate::admin::site::edit_view::load_changeable;
use crate::admin::site::forms::{FormErrors, FormValues, Posted, Reader};
use crate::admin::site::layout::csrf_input;
use crate::admin::site::staff::Staff;
use crate::admin::AdminError;
use crate::http::blocking::off_executor;
use crate::{with_pool, ApiError};

/// Mounts the password pages.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/users/{id}/password/", web::get().to(form))
        .route("/users/{id}/password/", web::post().to(submit));
}

fn page(staff: &Staff, target: &User, errors: &FormErrors, status: StatusCode) -> HttpResponse {
    let values = FormValues::default();
    let content = html! {
        form.edit method="post" novalidate {
            (csrf_input(&staff.csrf))
            p { "Enter a new password for the user " strong { (target.username) } "." }
            @if !errors.is_empty() { p.errornote role="alert" { "Please correct the errors below." } }
            @let general = errors.general(&[PASSWORD1.name, PASSWORD2.name]);
            @if !general.is_empty() { ul.errors role="alert" { @for e in &general { li { (e) } } } }
            (PASSWORD1.render(&values, errors, None))
            (PASSWORD2.render(&values, errors, None))
            div.submit-row { button type="submit" { "Change password" } }
        }
    };
    let title = "Change password";
    staff.page_with_status(status, title, ObjectType::User.crumbs(Some(title)), content)
}

/// The form.
pub(crate) async fn form(
    staff: Staff,
    path: web::Path<String>,
) -> Result<HttpResponse, AdminError> {
    let target = load_changeable::<Users>(&staff, &path).await?;
    Ok(page(
        &staff,
        &target,
        &FormErrors::default(),
        StatusCode::OK,
    ))
}

/// Checks and sets the new password.
pub(crate) async fn submit(
    staff: Staff,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let values = Posted::read(&req, &body)?.values();
    let target = load_changeable::<Users>(&staff, &path).await?;
    let (cost, user) = (staff.state.config.bcrypt_cost, target.clone());
    let checked = off_executor(move || {
        let email = user
            .email
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let attributes = auth::UserAttributes {
            username: user.username.as_str(),
            first_name: &user.first_name,
            last_name: &user.last_name,
            email: &email,
        };
        let mut form = Reader::new(&values);
        let hashed = check_passwords(&mut form, &values, &attributes)
            .and_then(|password| hash(&password, cost, &mut form));
        form.errors.or_ok(hashed)
    })
    .await?;
    let new_hash = match checked {
        Ok(new_hash) => new_hash,
        Err(errors) => return Ok(page(&staff, &target, &errors, StatusCode::BAD_REQUEST)),
    };
    let (actor, id, stored_hash) = (staff.user.clone(), target.id, new_hash.clone());
    let username = target.username.to_string();
    with_pool(&staff.state.pool, move |pool| {
        pool.write(move |conn| {
            store::users::set_password_hash(conn, id, &stored_hash)?;
            record(
                conn,
                &Change {
                    staff: &actor,
                    action: Action::Change,
                    object: ObjectType::User,
                    id: &id.to_string(),
                    repr: &username,
                    message: "Changed password.",
                },
            )?;
            Ok::<_, ApiError>(())
        })
    })
    .await?;
    if target.id == staff.user.id {
        // Stay logged in: this session is the one that changed the password.
        crate::http::identity::refresh_session_fingerprint(&req, &new_hash)?;
    }
    Ok(staff.redirect(
        &format!("/admin/users/{}/change/", target.id),
        "Password changed successfully.".to_owned(),
    ))
}
