//! Who may use the admin: active staff, logged in with the session.

use actix_session::SessionExt;
use actix_web::HttpRequest;
use domain::{User, UserId};
use store::StoreError;

use super::AdminError;
use crate::identity::SESSION_USER_KEY;
use crate::{with_conn, ApiState};

/// The logged-in user of the session, if any.
pub(crate) async fn session_user(
    req: &HttpRequest,
    state: &ApiState,
) -> Result<Option<User>, AdminError> {
    let session = req.get_session();
    let Ok(Some(id)) = session.get::<i64>(SESSION_USER_KEY) else {
        return Ok(None);
    };
    let user = with_conn(&state.pool, move |conn| {
        match store::users::get(conn, UserId(id)) {
            Err(StoreError::NotFound) => Ok(None),
            found => Ok(Some(found?)),
        }
    })
    .await?;
    Ok(user.filter(|u| u.is_active))
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
