//! The REST resources: Django REST Framework's URLs, bodies and answers.

pub(crate) mod accounts;
pub(crate) mod attendance;
pub(crate) mod calendar;
pub(crate) mod event_input;
pub(crate) mod event_list;
pub(crate) mod events;
pub(crate) mod health;
pub(crate) mod me;
pub(crate) mod openapi;
pub(crate) mod page;
pub(crate) mod representations;
pub(crate) mod throttle;
pub(crate) mod tokens;
