//! An actix-web application of its own that mounts the events REST API
//! under `/api/`, the admin site under `/admin/` and a route of its own,
//! with the mail worker sending the API's mail (printed: the console
//! backend).
//!
//! ```sh
//! SECRET_KEY=$(openssl rand -hex 32) cargo run -p api --example embed
//! curl http://127.0.0.1:8080/hello
//! curl http://127.0.0.1:8080/api/events/
//! ```

use actix_web::{web, App, HttpServer};

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let database =
        std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://embed.sqlite3".to_owned());
    // Signs sessions and tokens: keep it secret, and the same across restarts.
    let secret_key =
        std::env::var("SECRET_KEY").map_err(|_| "set SECRET_KEY (50 random characters or more)")?;

    let url = store::DatabaseUrl::parse(&database)?;
    let pool = store::build_pool(&url, store::PoolOptions::default())?;
    // Migrations are blocking work: done once, before serving.
    store::run_pending_migrations(&mut *pool.get()?)?;

    let mail = mailer::Worker::new(pool.clone(), mailer::MailConfig::default())?.spawn();
    let state = api::ApiState::new(pool, api::ApiConfig::default(), &secret_key)
        .with_mail_waker(mail.waker());

    HttpServer::new(move || {
        App::new()
            .route(
                "/hello",
                web::get().to(|| async { "Hello from the host application" }),
            )
            .configure(|cfg| api::admin::configure(cfg, &state))
            .configure(|cfg| api::configure(cfg, &state))
    })
    .bind(("127.0.0.1", 8080))?
    .run()
    .await?;

    // Let the worker finish the message it is sending.
    mail.shutdown().await;
    Ok(())
}
