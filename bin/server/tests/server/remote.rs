//! Accounts on a server process the test started, reached by its address
//! over a real HTTP client (the in-process `TestApp` has its own helpers).

use serde_json::Value;

use crate::helpers::{session_headers, set_cookies};

/// Signs `account` (`{"username", "password", ..}`) up on `address`.
pub async fn register(client: &awc::Client, address: &str, account: &Value) {
    let reply = client
        .post(format!("http://{address}/api/auth/register/"))
        .send_json(account)
        .await
        .expect("register");
    assert_eq!(reply.status().as_u16(), 201, "register on {address}");
}

/// A token pair (`{"access", "refresh"}`) for `account` from `address`.
pub async fn token_pair(client: &awc::Client, address: &str, account: &Value) -> Value {
    let mut reply = client
        .post(format!("http://{address}/api/token/"))
        .send_json(account)
        .await
        .expect("a token");
    assert_eq!(reply.status().as_u16(), 200, "a token from {address}");
    reply.json().await.expect("a token pair")
}

/// An access token for `account` from `address`.
pub async fn access_token(client: &awc::Client, address: &str, account: &Value) -> String {
    let pair = token_pair(client, address, account).await;
    pair["access"].as_str().expect("access").to_owned()
}

/// A session for `account` on `address`: the `Cookie` header value and the
/// CSRF token.
pub async fn session(client: &awc::Client, address: &str, account: &Value) -> (String, String) {
    let login = client
        .post(format!("http://{address}/api/auth/login/"))
        .send_json(account)
        .await
        .expect("login");
    assert_eq!(login.status().as_u16(), 200, "login on {address}");
    session_headers(&set_cookies(login.headers()))
}
