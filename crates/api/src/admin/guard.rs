//! Who may use the admin: active staff, logged in with the session.

use actix_web::HttpRequest;
use domain::User;

use super::AdminError;
use crate::ApiState;

/// The logged-in user of the session, if any.
pub(crate) async fn session_user(
    req: &HttpRequest,
    state: &ApiState,
) -> Result<Option<User>, AdminError> {
    Ok(crate::identity::session_user(req, state).await?)
}

/// The staff user making the request. Anonymous callers are sent to the
/// login page (and back here afterwards); others are refused.
pub(crate) async fn require_staff(req: &HttpRequest, state: &ApiState) -> Result<User, AdminError> {
    match session_user(req, state).await? {
        Some(user) if user.is_staff => Ok(user),
        Some(user) => Err(AdminError::Forbidden(format!(
            "You are authenticated as {}, but are not authorized to access this page. Log in with a staff account.",
            user.username
        ))),
        None => {
            let next = req.uri().path_and_query().map_or("/admin/", |p| p.as_str());
            let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            Err(AdminError::Redirect(format!("/admin/login/?{query}")))
        }
    }
}
