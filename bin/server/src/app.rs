//! The running application: database, HTTP server and their wiring.

use std::net::{SocketAddr, TcpListener};

use actix_web::{web, App, HttpServer};
use anyhow::Context;
use store::{DatabaseUrl, DbPool};

use crate::Settings;

/// Opens the database pool and applies pending migrations.
pub fn open_database(settings: &Settings) -> anyhow::Result<DbPool> {
    let url = DatabaseUrl::parse(&settings.database_url)?;
    let pool = store::build_pool(&url, settings.pool_options())
        .with_context(|| format!("cannot open the database at {url}"))?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    let applied = store::run_pending_migrations(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied migrations");
    }
    Ok(pool)
}

/// The HTTP server bound to its listener and the mail worker, running.
pub struct Application {
    server: actix_web::dev::Server,
    mail_worker: Option<mailer::WorkerHandle>,
    address: SocketAddr,
}

impl Application {
    /// Builds the server on an already bound listener (port 0 in tests)
    /// and starts the mail worker. Must be called inside an actix system.
    pub fn build(settings: &Settings, listener: TcpListener, pool: DbPool) -> anyhow::Result<Self> {
        let address = listener.local_addr().context("listener has no address")?;
        let workers = settings
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
            .max(1);
        // Each worker's blocking pool can use the whole connection pool, plus
        // room for bcrypt, so password checks don't hold up queries.
        let blocking_threads = settings.database_pool_size as usize + 4;
        let secret = settings
            .secret_key
            .as_ref()
            .context("no secret key: set SECRET_KEY")?;
        let mail_config = mailer::MailConfig {
            unsubscribe_key: auth::UnsubscribeKey::derive(secret.expose()),
            ..settings.mail_config()
        };
        let worker =
            mailer::Worker::new(pool.clone(), mail_config).context("invalid mail settings")?;
        let mut state = api::ApiState::new(pool, settings.api_config(), secret.expose());
        let mail_worker = settings.email_worker.then(|| worker.spawn());
        if let Some(running) = &mail_worker {
            state = state.with_mail_waker(running.waker());
        }
        let cors = settings.cors_allowed_origins.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(cors.clone()))
                .wrap(cors.middleware())
                .wrap(actix_web::middleware::from_fn(
                    crate::cors::unlisted_preflights_pass,
                ))
                .wrap(actix_web::middleware::from_fn(api::security_headers))
                .wrap(actix_web::middleware::from_fn(
                    crate::access_log::log_request,
                ))
                .configure(|cfg| api::admin::configure(cfg, &state))
                .configure(|cfg| api::configure(cfg, &state))
        })
        .workers(workers)
        .worker_max_blocking_threads(blocking_threads)
        // actix stops at once on SIGINT; here both SIGINT and SIGTERM let
        // requests in flight finish.
        .shutdown_signal(stop_requested())
        .shutdown_timeout(settings.shutdown_timeout)
        .listen(listener)
        .with_context(|| format!("cannot serve on {address}"))?
        .run();
        Ok(Self {
            server,
            mail_worker,
            address,
        })
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves until SIGINT or SIGTERM, then stops accepting, finishes the
    /// requests in flight (for at most `SHUTDOWN_TIMEOUT`) and lets the
    /// mail worker finish the message it is sending.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(worker) = self.mail_worker {
            worker.shutdown().await;
        }
        served
    }
}

/// Resolves at the first SIGINT (Ctrl-C) or SIGTERM.
async fn stop_requested() {
    let interrupt = async {
        if let Err(err) = actix_web::rt::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use actix_web::rt::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    futures_util::pin_mut!(interrupt, terminate);
    futures_util::future::select(interrupt, terminate).await;
    tracing::info!("stopping: finishing the requests in flight");
}
