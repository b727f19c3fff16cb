//! The generic add and change pages: the form from the model's fields,
//! checked, saved in one transaction with its change-log entry, then
//! "Save", "Save and add another" or "Save and continue editing".

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use maud::html;

use super::changelog::{change_message, record, Action, Change};
use super::fields::Choice;
use super::forms::{FormErrors, FormValues, Posted};
use super::layout::csrf_input;
use super::model::{AdminModel, FormContext, Mode, Refusal};
use super::params::Params;
use super::staff::Staff;
use crate::admin::AdminError;
use crate::http::blocking::off_executor;
use crate::{with_conn, with_pool};

/// The save buttons' names (Django's): save and go to the list, save and
/// add another, save and stay on the change page.
const SAVE: &str = "_save";
const ADD_ANOTHER: &str = "_addanother";
const CONTINUE: &str = "_continue";

/// The object's id from the path; anything unparsable names no object.
pub(crate) fn object_id<M: AdminModel>(raw: &str) -> Result<M::Id, AdminError> {
    raw.parse().map_err(|_| AdminError::NotFound)
}

/// Loads the object with the id in the path.
pub(crate) async fn load_object<M: AdminModel>(
    staff: &Staff,
    raw_id: &str,
) -> Result<M::Object, AdminError> {
    let id = object_id::<M>(raw_id)?;
    Ok(with_conn(&staff.state.pool, move |conn| Ok(M::load(conn, id)?)).await?)
}

/// Loads the object with the id in the path for a page that changes it:
/// 403 when the staff user may not ([`AdminModel::refuse_change`]).
pub(crate) async fn load_changeable<M: AdminModel>(
    staff: &Staff,
    raw_id: &str,
) -> Result<M::Object, AdminError> {
    let object = load_object::<M>(staff, raw_id).await?;
    match M::refuse_change(&staff.user, &object) {
        Some(reason) => Err(AdminError::Forbidden(reason)),
        None => Ok(object),
    }
}

/// The object's page below the list (`change/`, `delete/`).
pub(crate) fn object_url<M: AdminModel>(object: &M::Object, page: &str) -> String {
    format!("{}{}/{page}", M::OBJECT.url(), M::id(object))
}

/// The add or change form with `values` and `errors`, answered with `status`.
async fn form_page<M: AdminModel>(
    staff: &Staff,
    mode: Mode,
    object: Option<&M::Object>,
    values: FormValues,
    errors: FormErrors,
    status: StatusCode,
) -> Result<HttpResponse, AdminError> {
    let fields = M::fields(mode);
    let (values, choices) = with_conn(&staff.state.pool, move |conn| {
        let choices = fields
            .iter()
            .map(|field| field.load_choices(conn, &values))
            .collect::<Result<Vec<Option<Vec<Choice>>>, _>>()?;
        Ok((values, choices))
    })
    .await?;
    let verbose = M::OBJECT.verbose();
    let title = match mode {
        Mode::Add => format!("Add {verbose}"),
        Mode::Change => format!("Change {verbose}"),
    };
    let shown: Vec<&str> = fields.iter().map(|f| f.name).collect();
    let general = errors.general(&shown);
    let content = html! {
        form.edit method="post" novalidate {
            (csrf_input(&staff.csrf))
            @if !errors.is_empty() { p.errornote role="alert" { "Please correct the errors below." } }
            @if !general.is_empty() { ul.errors role="alert" { @for e in &general { li { (e) } } } }
            @if let Some(intro) = object.and_then(M::form_intro) { (intro) }
            @for (field, choices) in fields.iter().zip(&choices) {
                (field.render(&values, &errors, choices.as_deref()))
            }
            div.submit-row {
                button type="submit" name=(SAVE) { "Save" }
                button type="submit" name=(ADD_ANOTHER) { "Save and add another" }
                button type="submit" name=(CONTINUE) { "Save and continue editing" }
                @if let Some(object) = object.filter(|o| M::refuse_delete(&staff.user, o).is_none()) {
                    a.deletelink href=(object_url::<M>(object, "delete/")) { "Delete" }
                }
            }
        }
    };
    Ok(staff.page_with_status(status, &title, M::OBJECT.crumbs(Some(&title)), content))
}

/// Where a saved form goes, and the notice it leaves.
fn after_save<M: AdminModel>(
    staff: &Staff,
    posted: &Posted,
    object: &M::Object,
    mode: Mode,
) -> HttpResponse {
    let verbose = M::OBJECT.verbose();
    let done = match mode {
        Mode::Add => "added",
        Mode::Change => "changed",
    };
    let saved = format!(
        "The {verbose} “{}” was {done} successfully.",
        M::describe(object)
    );
    let continues = posted.get(CONTINUE).is_some()
        || (mode == Mode::Add && M::ADD_CONTINUES && posted.get(ADD_ANOTHER).is_none());
    if continues {
        let notice = format!("{saved} You may edit it again below.");
        staff.redirect(&object_url::<M>(object, "change/"), notice)
    } else if posted.get(ADD_ANOTHER).is_some() {
        let notice = format!("{saved} You may add another {verbose} below.");
        staff.redirect(&format!("{}add/", M::OBJECT.url()), notice)
    } else {
        staff.redirect(M::OBJECT.url(), saved)
    }
}

/// Checks the posted values on the blocking pool (a password may be hashed).
async fn parse<M: AdminModel>(
    staff: &Staff,
    values: &FormValues,
    target: Option<M::Object>,
) -> Result<Result<M::Input, FormErrors>, AdminError> {
    let cx = FormContext::<M> {
        staff: staff.user.clone(),
        target,
        bcrypt_cost: staff.state.config.bcrypt_cost,
    };
    let values = values.clone();
    Ok(off_executor(move || M::parse(&values, &cx)).await?)
}

/// The empty add form.
pub(crate) async fn add_form<M: AdminModel>(
    staff: Staff,
    req: HttpRequest,
) -> Result<HttpResponse, AdminError> {
    let values = M::initial(&staff.user, &Params::of(&req));
    let errors = FormErrors::default();
    form_page::<M>(&staff, Mode::Add, None, values, errors, StatusCode::OK).await
}

/// Adds the object the form describes.
pub(crate) async fn add<M: AdminModel>(
    staff: Staff,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let posted = Posted::read(&req, &body)?;
    let values = posted.values();
    let refused = |errors: FormErrors| {
        form_page::<M>(
            &staff,
            Mode::Add,
            None,
            values.clone(),
            errors,
            StatusCode::BAD_REQUEST,
        )
    };
    let input = match parse::<M>(&staff, &values, None).await? {
        Ok(input) => input,
        Err(errors) => return refused(errors).await,
    };
    if let Some(reason) = M::refuse_input(&staff.user, None, &input) {
        return Err(AdminError::Forbidden(reason));
    }
    let actor = staff.user.clone();
    let saved = with_pool(&staff.state.pool, move |pool| {
        Ok(pool.write(move |conn| {
            let object = M::create(conn, input)?;
            record(
                conn,
                &Change {
                    staff: &actor,
                    action: Action::Add,
                    object: M::OBJECT,
                    id: &M::id(&object).to_string(),
                    repr: &M::describe(&object),
                    message: "Added.",
                },
            )?;
            Ok::<_, Refusal>(object)
        }))
    })
    .await?;
    match saved {
        Ok(object) => Ok(after_save::<M>(&staff, &posted, &object, Mode::Add)),
        Err(Refusal::Invalid(errors)) => refused(errors).await,
        Err(Refusal::Failed(err)) => Err(err.into()),
    }
}

/// The change form of the object in the path.
pub(crate) async fn change_form<M: AdminModel>(
    staff: Staff,
    path: web::Path<String>,
) -> Result<HttpResponse, AdminError> {
    let object = load_changeable::<M>(&staff, &path).await?;
    let values = FormValues::stored(M::fields(Mode::Change), &object);
    let errors = FormErrors::default();
    form_page::<M>(
        &staff,
        Mode::Change,
        Some(&object),
        values,
        errors,
        StatusCode::OK,
    )
    .await
}

/// Changes the object in the path as the form says, and logs which fields
/// changed.
pub(crate) async fn change<M: AdminModel>(
    staff: Staff,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let posted = Posted::read(&req, &body)?;
    let object = load_changeable::<M>(&staff, &path).await?;
    let values = posted.values();
    let refused = |errors: FormErrors| {
        let status = StatusCode::BAD_REQUEST;
        form_page::<M>(
            &staff,
            Mode::Change,
            Some(&object),
            values.clone(),
            errors,
            status,
        )
    };
    let input = match parse::<M>(&staff, &values, Some(object.clone())).await? {
        Ok(input) => input,
        Err(errors) => return refused(errors).await,
    };
    if let Some(reason) = M::refuse_input(&staff.user, Some(&object), &input) {
        return Err(AdminError::Forbidden(reason));
    }
    let (actor, id) = (staff.user.clone(), M::id(&object));
    let saved = with_pool(&staff.state.pool, move |pool| {
        Ok(pool.write(move |conn| {
            let before = M::load(conn, id)?;
            let after = M::update(conn, &before, input)?;
            let changed = M::fields(Mode::Change)
                .iter()
                .filter(|field| (field.stored)(&before) != (field.stored)(&after))
                .map(|field| field.label.to_lowercase())
                .collect::<Vec<_>>();
            record(
                conn,
                &Change {
                    staff: &actor,
                    action: Action::Change,
                    object: M::OBJECT,
                    id: &id.to_string(),
                    repr: &M::describe(&after),
                    message: &change_message(changed.iter().map(String::as_str)),
                },
            )?;
            Ok::<_, Refusal>(after)
        }))
    })
    .await?;
    match saved {
        Ok(after) => Ok(after_save::<M>(&staff, &posted, &after, Mode::Change)),
        Err(Refusal::Invalid(errors)) => refused(errors).await,
        Err(Refusal::Failed(err)) => Err(err.into()),
    }
}
