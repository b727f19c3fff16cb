//! The API and the admin site mounted on their own in another actix-web
//! application, as the README shows, served on a real socket.

use std::net::TcpListener;

use actix_web::{web, App, HttpServer};
use store::testing::TestDb;

use crate::helpers::{run, SECRET};

/// Serves an application that mounts the REST API, the admin, or both.
fn serve(db: &TestDb, rest: bool, admin: bool) -> String {
    let state = api::ApiState::new(db.pool().clone(), api::ApiConfig::default(), SECRET);
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    let address = listener.local_addr().expect("address");
    let server = HttpServer::new(move || {
        let mut app = App::new().route("/own/", web::get().to(|| async { "the host's own" }));
        if admin {
            app = app.configure(|cfg| api::admin::configure(cfg, &state));
        }
        if rest {
            app = app.configure(|cfg| api::configure(cfg, &state));
        }
        app
    })
    .workers(1)
    .listen(listener)
    .expect("listen")
    .run();
    actix_web::rt::spawn(server);
    format!("http://{address}")
}

async fn status(client: &awc::Client, url: String) -> u16 {
    client
        .get(url)
        .send()
        .await
        .expect("request sent")
        .status()
        .as_u16()
}

fn the_api_and_the_admin_mount_separately(db: &TestDb) {
    run(async {
        let client = awc::Client::builder().disable_redirects().finish();
        let rest_only = serve(db, true, false);
        assert_eq!(
            status(&client, format!("{rest_only}/api/events/")).await,
            200
        );
        assert_eq!(status(&client, format!("{rest_only}/own/")).await, 200);
        assert_eq!(
            status(&client, format!("{rest_only}/admin/login/")).await,
            404,
            "no admin unless mounted"
        );

        let admin_only = serve(db, false, true);
        assert_eq!(
            status(&client, format!("{admin_only}/admin/login/")).await,
            200
        );
        assert_eq!(status(&client, format!("{admin_only}/admin/")).await, 302);
        assert_eq!(
            status(&client, format!("{admin_only}/api/events/")).await,
            404
        );

        let both = serve(db, true, true);
        assert_eq!(status(&client, format!("{both}/admin/login/")).await, 200);
        assert_eq!(status(&client, format!("{both}/api/events/")).await, 200);
    });
}

store::backend_tests!(the_api_and_the_admin_mount_separately);
