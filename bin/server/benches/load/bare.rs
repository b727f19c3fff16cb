//! A bare actix-web server answering `/healthz` with the same body: what
//! our own `/healthz`, with its middleware and routing, is compared with.

use std::net::TcpListener;
use std::sync::mpsc;

use actix_web::{web, App, HttpResponse, HttpServer};

/// Starts it on a free port with as many workers as the real server has by
/// default; it runs until the benchmark exits. Returns `127.0.0.1:port`.
pub fn start() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("free port");
    let address = listener.local_addr().expect("address").to_string();
    let (started, wait) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(|| {
                App::new().route(
                    "/healthz",
                    web::get().to(|| async {
                        HttpResponse::Ok()
                            .content_type("application/json")
                            .body(r#"{"status":"ok"}"#)
                    }),
                )
            })
            .workers(std::thread::available_parallelism().map_or(1, usize::from))
            .listen(listener)
            .expect("listen")
            .run();
            started.send(()).expect("the benchmark waits");
            server.await
        })
    });
    wait.recv().expect("the bare server started");
    address
}
