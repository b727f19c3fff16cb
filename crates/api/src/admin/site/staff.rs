//! Who may use the admin (active staff, logged in with the session), and
//! what every admin page needs from the request: the CSRF token for its
//! forms and the notices to show once.

use actix_session::{Session, SessionExt};
use actix_web::cookie::Cookie;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use domain::User;
use futures_util::future::LocalBoxFuture;
use maud::Markup;

use super::forms::csrf_token;
use super::layout::{page, Frame};
use crate::admin::AdminError;
use crate::state::state_of;
use crate::ApiState;

/// The session key of the notices waiting for the next page.
const NOTICES_KEY: &str = "_admin_messages";

/// The logged-in user of the session, if any.
pub(crate) async fn session_user(
    req: &HttpRequest,
    state: &ApiState,
) -> Result<Option<User>, AdminError> {
    Ok(crate::http::identity::session_user(req, state).await?)
}

/// The staff user making the request, as an extractor: anonymous callers are
/// sent to the login page (and back afterwards); other users are refused.
pub(crate) struct Staff {
    /// The staff user.
    pub user: User,
    /// The shared state.
    pub state: web::Data<ApiState>,
    /// The CSRF token for the page's forms.
    pub csrf: String,
    csrf_cookie: Option<Cookie<'static>>,
    session: Session,
}

impl FromRequest for Staff {
    type Error = AdminError;
    type Future = LocalBoxFuture<'static, Result<Self, AdminError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = state_of(&req)?;
            let user = match session_user(&req, &state).await? {
                Some(user) if user.is_staff => user,
                Some(user) => {
                    return Err(AdminError::Forbidden(format!(
                        "You are authenticated as {}, but are not authorized to access this page. Log in with a staff account.",
                        user.username
                    )))
                }
                None => {
                    let next = req.uri().path_and_query().map_or("/admin/", |p| p.as_str());
                    let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                    return Err(AdminError::Redirect(format!("/admin/login/?{query}")));
                }
            };
            let (csrf, csrf_cookie) = csrf_token(&req, state.config.secure_cookies);
            Ok(Self {
                user,
                state,
                csrf,
                csrf_cookie,
                session: req.get_session(),
            })
        })
    }
}

impl Staff {
    /// A page with the shell, breadcrumbs and the notices waiting (200).
    pub(crate) fn page(
        &self,
        title: &str,
        crumbs: Vec<(String, Option<String>)>,
        content: Markup,
    ) -> HttpResponse {
        self.page_with_status(StatusCode::OK, title, crumbs, content)
    }

    /// A page answered with `status` (400 for a form with errors).
    pub(crate) fn page_with_status(
        &self,
        status: StatusCode,
        title: &str,
        crumbs: Vec<(String, Option<String>)>,
        content: Markup,
    ) -> HttpResponse {
        let frame = Frame {
            title,
            crumbs,
            user: &self.user,
            csrf: &self.csrf,
            messages: take_notices(&self.session),
        };
        let mut response = respond(page(&frame, content), self.csrf_cookie.clone());
        *response.status_mut() = status;
        response
    }

    /// A redirect after a POST (303), with a notice for the next page.
    pub(crate) fn redirect(&self, to: &str, notice: String) -> HttpResponse {
        let mut notices: Vec<String> = self
            .session
            .get(NOTICES_KEY)
            .ok()
            .flatten()
            .unwrap_or_default();
        notices.push(notice);
        // A notice that cannot be stored is not worth failing the change for.
        let _ = self.session.insert(NOTICES_KEY, notices);
        HttpResponse::SeeOther()
            .insert_header(("Location", to))
            .finish()
    }
}

/// The notices waiting for this page (shown once).
pub(crate) fn take_notices(session: &Session) -> Vec<String> {
    session
        .remove_as::<Vec<String>>(NOTICES_KEY)
        .and_then(Result::ok)
        .unwrap_or_default()
}

/// An HTML response, setting the CSRF cookie when the browser lacks one.
pub(crate) fn respond(markup: Markup, csrf_cookie: Option<Cookie<'static>>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response.content_type("text/html; charset=utf-8");
    if let Some(cookie) = csrf_cookie {
        response.cookie(cookie);
    }
    response.body(markup.into_string())
}
