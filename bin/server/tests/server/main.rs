//! End-to-end tests of the server: the real application on a real socket,
//! and the real binary as a process.
#![allow(
    clippy::expect_used,
    reason = "a test fails by panicking with a message"
)]

mod accounts_api;
mod admin_actions;
mod admin_client;
mod admin_pages;
mod admin_seats;
mod admin_site;
mod admin_superusers;
mod answer_rules;
mod answers_race;
mod attendance_api;
mod browser;
mod calendar_api;
mod conditional_api;
mod contract_edges;
mod cors;
mod csrf_forms;
mod django_fixture;
mod django_import;
mod embedding;
mod errors_api;
mod event_plans_api;
mod events_api;
mod faults;
mod generated_clients;
mod hardening_api;
mod health;
mod helpers;
mod log_safety;
mod login_csrf;
mod mail;
mod many_servers;
mod notifications;
mod openapi_api;
mod private_postgres;
mod process;
mod remote;
mod schema_tools;
mod seats_api;
mod seats_race;
mod secret_key;
mod security_headers;
mod session_race;
mod throttles;
mod tokens_api;
mod unsubscribe_tokens;
mod versions_api;
mod workshop;
