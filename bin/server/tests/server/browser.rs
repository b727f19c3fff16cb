//! A real browser (headless Chromium through chromedriver) uses the admin:
//! log in, create an event, find it, edit it, drill down by date, delete it.
//! Skipped with a note when chromedriver is not installed, unless
//! `REQUIRE_BROWSER=1` (CI), where a missing browser fails the test.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use store::testing::TestDb;

use crate::helpers::{run, TestApp, PASSWORD};

/// chromedriver started by this test, stopped by its PID when dropped.
struct Driver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn find_program(candidates: &[&str]) -> Option<PathBuf> {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .or_else(|| {
            let name = Path::new(candidates[0]).file_name()?;
            std::env::var_os("PATH").map(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|p| p.is_file())
            })?
        })
}

fn start_driver() -> Option<Driver> {
    let required = std::env::var("REQUIRE_BROWSER").is_ok_and(|v| v == "1");
    let Some(chromedriver) = find_program(&["/usr/bin/chromedriver"]) else {
        assert!(
            !required,
            "REQUIRE_BROWSER=1 but chromedriver is not installed"
        );
        let _ = writeln!(
            std::io::stderr(),
            "note: browser test skipped: chromedriver is not installed"
        );
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let profile = std::env::temp_dir().join(format!("chromium-profile-{}", uuid::Uuid::new_v4()));
    let driver = Driver {
        child,
        port,
        profile,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(driver)
}

async fn connect(driver: &Driver) -> Client {
    let chromium = find_program(&["/usr/bin/chromium", "/usr/bin/chromium-browser"])
        .expect("chromium is installed");
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--no-first-run", "--window-size=1280,900",
                format!("--user-data-dir={}", driver.profile.display()),
            ],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a browser session")
}

async fn fill(browser: &Client, css: &str, value: &str) {
    let input = browser.find(Locator::Css(css)).await.expect(css);
    input.clear().await.expect("clear");
    input.send_keys(value).await.expect("type");
}

/// Date inputs take keystrokes in the browser's locale; set the ISO value directly.
async fn set_date(browser: &Client, css: &str, value: &str) {
    browser
        .execute(
            "document.querySelector(arguments[0]).value = arguments[1];",
            vec![json!(css), json!(value)],
        )
        .await
        .expect("set the date");
}

async fn click(browser: &Client, locator: Locator<'_>) {
    browser
        .find(locator)
        .await
        .expect("element to click")
        .click()
        .await
        .expect("click");
}

/// Waits (clicks return before the next page has loaded) until the page's
/// main content contains `needle`, and returns it.
async fn wait_for_text(browser: &Client, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let text = match browser.find(Locator::Css("main")).await {
            Ok(main) => main.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(needle) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "page never showed {needle:?}; it shows: {text}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the browser is at `path` (and returns the URL).
async fn wait_for_path(browser: &Client, path: &str) -> url::Url {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let url = browser.current_url().await.expect("url");
        if url.path() == path {
            return url;
        }
        assert!(
            Instant::now() < deadline,
            "browser never reached {path}; it is at {url}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

fn admin_in_a_real_browser(db: &TestDb) {
    let Some(driver) = start_driver() else { return };
    run(async {
        let app = TestApp::spawn(db);
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args([
                "createsuperuser",
                "--username",
                "boss",
                "--email",
                "boss@example.com",
                "--no-input",
                "--database-url",
                db.url(),
                "--bcrypt-cost",
                "4",
            ])
            .env("SUPERUSER_PASSWORD", PASSWORD)
            .output()
            .expect("createsuperuser");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let browser = connect(&driver).await;

        // Anonymous: sent to the login page, then back to the events list.
        browser
            .goto(&app.url("/admin/events/"))
            .await
            .expect("open");
        wait_for_path(&browser, "/admin/login/").await;
        fill(&browser, "#id_username", "boss").await;
        fill(&browser, "#id_password", PASSWORD).await;
        click(&browser, Locator::Css("main form button[type=submit]")).await;
        wait_for_path(&browser, "/admin/events/").await;
        wait_for_text(&browser, "Select event to change").await;

        // Create.
        click(&browser, Locator::LinkText("Add event")).await;
        wait_for_path(&browser, "/admin/events/add/").await;
        fill(&browser, "#id_name", "Browser launch").await;
        set_date(&browser, "#id_date", "2031-07-04").await;
        click(&browser, Locator::Css("form.edit button[type=submit]")).await;
        wait_for_text(
            &browser,
            "The event “Browser launch” was added successfully.",
        )
        .await;

        // Find by search, then edit.
        fill(&browser, "#searchbar", "launch").await;
        click(&browser, Locator::Css("form.search button")).await;
        wait_for_text(&browser, "1 event").await;
        click(&browser, Locator::LinkText("Browser launch")).await;
        wait_for_text(&browser, "Change event").await;
        fill(&browser, "#id_name", "Browser launch party").await;
        click(&browser, Locator::Css("form.edit button[type=submit]")).await;
        wait_for_text(&browser, "was changed successfully").await;

        // Drill down by date: year, month, day.
        browser
            .goto(&app.url("/admin/events/"))
            .await
            .expect("open");
        click(&browser, Locator::LinkText("2031")).await;
        wait_for_text(&browser, "July 2031").await;
        click(&browser, Locator::LinkText("July 2031")).await;
        wait_for_text(&browser, "4 July 2031").await;
        click(&browser, Locator::LinkText("4 July 2031")).await;
        wait_for_text(&browser, "‹ 2031").await;
        let url = browser.current_url().await.expect("url");
        assert_eq!(url.query(), Some("year=2031&month=7&day=4"));
        wait_for_text(&browser, "Browser launch party").await;

        // The list as a picture, for people to look at.
        let shot = browser.screenshot().await.expect("screenshot");
        let artifacts = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("artifacts");
        std::fs::create_dir_all(&artifacts).expect("artifact directory");
        std::fs::write(artifacts.join("admin-events-list.png"), &shot).expect("save screenshot");
        assert!(shot.starts_with(b"\x89PNG"), "a PNG screenshot");

        // Delete, confirming.
        click(&browser, Locator::LinkText("Browser launch party")).await;
        wait_for_text(&browser, "Change event").await;
        click(&browser, Locator::LinkText("Delete")).await;
        wait_for_text(&browser, "0 attendances").await;
        click(&browser, Locator::Css("button.danger")).await;
        wait_for_text(&browser, "was deleted successfully").await;
        assert_eq!(
            store::events::count(&mut db.conn(), &Default::default()).expect("count"),
            0
        );

        // Add two with "Save and add another", then delete both from the list.
        browser
            .goto(&app.url("/admin/events/add/"))
            .await
            .expect("open");
        for name in ["Ticked one", "Ticked two"] {
            fill(&browser, "#id_name", name).await;
            set_date(&browser, "#id_date", "2031-08-01").await;
            click(&browser, Locator::Css("button[name=_addanother]")).await;
            wait_for_text(&browser, "You may add another event below.").await;
        }
        browser
            .goto(&app.url("/admin/events/"))
            .await
            .expect("open");
        wait_for_text(&browser, "2 events").await;
        for checkbox in browser
            .find_all(Locator::Css("input[name=_selected_action]"))
            .await
            .expect("row checkboxes")
        {
            checkbox.click().await.expect("tick");
        }
        browser
            .find(Locator::Css("#id_action"))
            .await
            .expect("action select")
            .select_by_value("delete_selected")
            .await
            .expect("choose the action");
        click(&browser, Locator::Css("div.actions button")).await;
        wait_for_text(
            &browser,
            "Are you sure you want to delete the selected events?",
        )
        .await;
        click(&browser, Locator::Css("button.danger")).await;
        wait_for_text(&browser, "Successfully deleted 2 events.").await;
        assert_eq!(
            store::events::count(&mut db.conn(), &Default::default()).expect("count"),
            0
        );

        browser.close().await.expect("close the browser");
    });
}

/// Swagger UI runs under its strict content policy: the page renders the
/// document's title and operations (a blocked script would leave it blank).
fn api_docs_render_under_their_content_policy(db: &TestDb) {
    let Some(driver) = start_driver() else { return };
    run(async {
        let app = TestApp::spawn(db);
        let browser = connect(&driver).await;
        browser
            .goto(&app.url("/api/docs/"))
            .await
            .expect("open the docs");
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let text = loop {
            let text = match browser.find(Locator::Css("#swagger-ui")).await {
                Ok(root) => root.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains("/api/events/") || std::time::Instant::now() > deadline {
                break text;
            }
            actix_web::rt::time::sleep(Duration::from_millis(200)).await;
        };
        assert!(text.contains("Events API"), "the title renders: {text}");
        assert!(
            text.contains("/api/events/"),
            "the operations render: {text}"
        );
        browser.close().await.expect("close the browser");
    });
}

store::backend_tests!(
    admin_in_a_real_browser,
    api_docs_render_under_their_content_policy
);
