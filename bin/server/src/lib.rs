//! The event backend's server: settings, the CLI's subcommands and the
//! wiring of the library crates into one running application.

pub mod access_log;
pub mod allocator;
pub mod app;
pub mod cli;
pub mod cors;
pub mod import_django;
pub mod secret;
pub mod settings;
pub mod superuser;
pub mod telemetry;

use anyhow::Context;

pub use app::Application;
pub use settings::Settings;

/// `server serve`: migrate, then serve until SIGINT or SIGTERM.
pub fn serve(settings: &Settings) -> anyhow::Result<()> {
    telemetry::init(settings.log_format);
    let secret = secret::resolve(settings.secret_key.as_ref(), &settings.secret_key_file())?;
    let settings = &Settings {
        secret_key: Some(secret),
        ..settings.clone()
    };
    let pool = app::open_database(settings)?;
    let listener = std::net::TcpListener::bind(settings.bind)
        .with_context(|| format!("cannot listen on {}", settings.bind))?;
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings, listener, pool)?;
        tracing::info!(address = %app.address(), "listening");
        app.run_until_stopped().await.context("server failed")
    })
}

/// `server migrate`: apply pending migrations and exit.
pub fn migrate(settings: &Settings) -> anyhow::Result<()> {
    telemetry::init(settings.log_format);
    app::open_database(settings)?;
    Ok(())
}
