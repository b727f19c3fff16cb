//! The models the admin manages, each declared once on the model layer.

pub(crate) mod attendance_form;
pub(crate) mod attendances;
pub(crate) mod event_form;
pub(crate) mod events;
pub(crate) mod outbox;
pub(crate) mod passwords;
pub(crate) mod user_form;
pub(crate) mod users;
