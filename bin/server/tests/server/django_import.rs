//! `server import-django` against a real Django database: the workshop's
//! project, migrated by Django, with users made by Django's own
//! `create_user` (real password hashes) and Django's API output to compare.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use serde_json::{json, Value};
use store::testing::{PgSchema, TestDb};

use crate::django_fixture;
use crate::helpers::{run, run_returning, TestApp};
use crate::process::{server, temp_dir};

/// The Django SQLite database every test starts from (a copy of it), and
/// what Django showed for it; built once per test run.
fn django_sqlite() -> &'static (PathBuf, Value) {
    static SOURCE: OnceLock<(PathBuf, Value)> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = temp_dir().join("django.sqlite3");
        let shown = django_fixture::seed(path.to_str().expect("UTF-8 path"));
        (path, shown)
    })
}

/// A copy of the Django SQLite database that this test may change.
fn django_sqlite_copy() -> (PathBuf, &'static Value) {
    let (template, shown) = django_sqlite();
    let copy = temp_dir().join("django.sqlite3");
    std::fs::copy(template, &copy).expect("copy the Django database");
    (copy, shown)
}

fn import(target: &TestDb, source: &str, flags: &[&str]) -> (Output, String) {
    let output = server()
        .args(["--database-url", target.url(), "import-django", source])
        .args(flags)
        .output()
        .expect("run server import-django");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, stdout)
}

fn assert_imported(output: &Output, stdout: &str) {
    assert!(
        output.status.success(),
        "import failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every field Django showed is in ours with the same value (ours adds
/// fields, as the contract allows); lists match item by item.
fn assert_shows(django: &Value, ours: &Value, at: &str) {
    match (django, ours) {
        (Value::Object(theirs), Value::Object(mine)) => {
            for (key, value) in theirs {
                let mine = mine
                    .get(key)
                    .unwrap_or_else(|| panic!("{at}.{key} is missing in {ours}"));
                assert_shows(value, mine, &format!("{at}.{key}"));
            }
        }
        (Value::Array(theirs), Value::Array(mine)) => {
            assert_eq!(theirs.len(), mine.len(), "{at}: {django} vs {ours}");
            for (index, (theirs, mine)) in theirs.iter().zip(mine).enumerate() {
                assert_shows(theirs, mine, &format!("{at}[{index}]"));
            }
        }
        _ => assert_eq!(django, ours, "{at}"),
    }
}

/// Each `auth_user` row is here as Django had it: id, names, flags,
/// timestamps (to the microsecond, in UTC) and the password hash itself.
fn assert_accounts_copied(db: &TestDb, shown: &Value) {
    let time = |value: &Value| {
        value.as_str().map(|text| {
            chrono::DateTime::parse_from_rfc3339(text)
                .expect("Django's isoformat")
                .with_timezone(&chrono::Utc)
        })
    };
    for account in shown["accounts"].as_array().expect("accounts") {
        let username = account["username"].as_str().expect("username");
        let stored = store::users::get_credentials(&mut db.conn(), username).expect("copied");
        let user = &stored.user;
        assert_eq!(stored.password_hash, account["password_hash"], "{username}");
        assert_eq!(Some(user.id.0), account["id"].as_i64(), "{username}");
        assert_eq!(user.first_name, account["first_name"], "{username}");
        assert_eq!(user.last_name, account["last_name"], "{username}");
        assert_eq!(
            user.email.as_ref().map_or("", |e| e.as_str()),
            account["email"],
            "{username}"
        );
        assert_eq!(
            (user.is_staff, user.is_superuser, user.is_active),
            (
                account["is_staff"] == true,
                account["is_superuser"] == true,
                account["is_active"] == true
            ),
            "{username}"
        );
        assert_eq!(
            Some(user.date_joined),
            time(&account["date_joined"]),
            "{username}"
        );
        assert_eq!(user.last_login, time(&account["last_login"]), "{username}");
    }
}

fn password_hash(db: &TestDb, username: &str) -> String {
    store::users::get_credentials(&mut db.conn(), username)
        .expect("the user is here")
        .password_hash
}

async fn token_status(app: &TestApp, username: &str, password: &str) -> u16 {
    app.request("POST", "/api/token/")
        .json(&json!({ "username": username, "password": password }))
        .await
        .status
}

/// Imports `source` into `target`, then checks over HTTP that Django's
/// users log in with their old passwords (and get our hash, which Django
/// verifies too), and that the API shows what Django's API showed.
fn imports_and_serves_as_django_did(target: &TestDb, source: &str, shown: &Value) {
    let (output, stdout) = import(target, source, &[]);
    assert_imported(&output, &stdout);
    for line in [
        "auth_user: 9 read, 9 new, 0 already here, 0 kept as they are here, 0 invalid",
        "event_event: 4 read, 4 new,",
        "event_attendance: 8 read, 8 new,",
        "Imported 21 rows (0 already here, 0 kept as they are here, 0 left out).",
    ] {
        assert!(stdout.contains(line), "{line:?} in {stdout}");
    }
    assert_accounts_copied(target, shown);
    run(async {
        // Each user tries a wrong password first: more than the throttle's default.
        let app = TestApp::spawn_with_args(target, &["--login-throttle-failures", "100"]);
        let mut upgraded = Vec::new();
        for user in shown["users"].as_array().expect("users") {
            let username = user["username"].as_str().expect("username");
            let Some(password) = user["password"].as_str() else {
                // Django's unusable password (`!…`, copied as it is) matches nothing.
                assert!(password_hash(target, username).starts_with('!'));
                assert_eq!(token_status(&app, username, "anything at all").await, 401);
                continue;
            };
            let before = password_hash(target, username);
            assert_eq!(
                token_status(&app, username, &format!("{password}x")).await,
                401,
                "{username}: a wrong password"
            );
            if username == "gina" {
                assert_eq!(
                    token_status(&app, username, password).await,
                    401,
                    "inactive"
                );
                assert_eq!(password_hash(target, username), before);
                continue;
            }
            assert_eq!(
                token_status(&app, username, password).await,
                200,
                "{username} logs in with the password Django knew"
            );
            let after = password_hash(target, username);
            assert!(
                after.starts_with("bcrypt_sha256$$2b$04$") && after != before,
                "{username}: {before} was upgraded, got {after}"
            );
            upgraded.push((password.to_owned(), after));
        }
        assert_eq!(upgraded.len(), 7);
        let pairs: Vec<(&str, &str)> = upgraded
            .iter()
            .map(|(password, hash)| (password.as_str(), hash.as_str()))
            .collect();
        assert!(
            django_fixture::check_passwords(&pairs)
                .into_iter()
                .all(|ok| ok),
            "Django verifies our new hashes"
        );

        let listing = app.get("/api/events/").await;
        assert_eq!(listing.status, 200);
        assert_shows(&shown["list"], &listing.json(), "list");
        for (id, detail) in shown["details"].as_object().expect("details") {
            let ours = app.get(&format!("/api/events/{id}/")).await;
            assert_eq!(ours.status, 200, "{id}");
            assert_shows(detail, &ours.json(), id);
        }

        let newcomer = app.register("newcomer").await;
        assert_eq!(newcomer, 10, "ids continue after Django's highest");
    });
}

#[test]
fn a_django_sqlite_database_imports_into_sqlite() {
    let (source, shown) = django_sqlite_copy();
    imports_and_serves_as_django_did(&TestDb::sqlite(), path_str(&source), shown);
}

#[test]
fn a_django_sqlite_database_imports_into_postgres() {
    let Some(target) = TestDb::postgres() else {
        return;
    };
    let (source, shown) = django_sqlite_copy();
    imports_and_serves_as_django_did(&target, path_str(&source), shown);
}

#[test]
fn a_django_postgres_database_imports_into_sqlite() {
    let Some(schema) = PgSchema::create() else {
        return;
    };
    let shown = django_fixture::seed(&format!("postgres:{}", schema.name()));
    imports_and_serves_as_django_did(&TestDb::sqlite(), schema.url(), &shown);
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// Users, events and answers as stored, for comparing before and after.
fn snapshot(db: &TestDb) -> Value {
    let mut conn = db.conn();
    let users: Vec<Value> = store::users::list(&mut conn, 1000, 0)
        .expect("users")
        .into_iter()
        .map(|user| {
            let hash = password_hash(db, user.username.as_str());
            json!([user.id.0, user.username.as_str(), hash, user.last_login])
        })
        .collect();
    let events =
        store::events::list(&mut conn, &store::events::EventQuery::default()).expect("events");
    let details: Vec<Value> = events
        .iter()
        .map(|event| {
            let detail = store::events::get_detail(&mut conn, event.event.id).expect("detail");
            let answers: Vec<Value> = detail
                .attendances
                .iter()
                .map(|a| {
                    json!([
                        a.user.id.0,
                        a.attendance.status.as_str(),
                        a.attendance.updated_at
                    ])
                })
                .collect();
            json!([
                event.event.id.0,
                event.event.name.as_str(),
                event.event.updated_at,
                answers
            ])
        })
        .collect();
    json!({ "users": users, "events": details })
}

#[test]
fn importing_twice_changes_nothing_the_second_time() {
    let (source, _) = django_sqlite_copy();
    let source = path_str(&source);
    let mut targets = vec![TestDb::sqlite()];
    targets.extend(TestDb::postgres());
    for target in &targets {
        let (output, stdout) = import(target, source, &[]);
        assert_imported(&output, &stdout);
        // A user logs in here in between: their hash is upgraded here.
        run(async {
            let app = TestApp::spawn(target);
            assert_eq!(token_status(&app, "bob", "tr0ub4dor&3-again").await, 200);
        });
        let before = snapshot(target);
        let (output, stdout) = import(target, source, &[]);
        assert_imported(&output, &stdout);
        for line in [
            "auth_user: 9 read, 0 new, 9 already here, 0 kept as they are here, 0 invalid",
            "event_event: 4 read, 0 new, 4 already here, 0 kept as they are here, 0 invalid",
            "event_attendance: 8 read, 0 new, 8 already here, 0 kept as they are here, 0 invalid",
            "Nothing new to import (21 already here, 0 kept as they are here, 0 left out).",
        ] {
            assert!(stdout.contains(line), "{line:?} in {stdout}");
        }
        assert_eq!(snapshot(target), before, "the second run wrote nothing");
    }
}

/// Runs SQL on the Django SQLite file the way a careless script would:
/// without Django, and without foreign key checks.
fn tamper(django: &Path, sql: &str) {
    let status = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); \
             c.executescript(sys.argv[2]); c.commit()",
        ])
        .arg(django)
        .arg(sql)
        .status()
        .expect("run python3");
    assert!(status.success(), "tamper with the Django database");
}

fn counts(db: &TestDb) -> (i64, i64) {
    let mut conn = db.conn();
    let users = store::users::count(&mut conn).expect("count users");
    let events = store::events::count(&mut conn, &store::events::EventFilter::default())
        .expect("count events");
    (users, events)
}

#[test]
fn conflicting_rows_are_named_and_nothing_changes_unless_left_out() {
    let (source, _) = django_sqlite_copy();
    let launch: String = {
        let shown = &django_sqlite().1;
        let launch = shown["list"]
            .as_array()
            .expect("list")
            .iter()
            .find(|e| e["name"] == "Launch party")
            .expect("the launch party");
        launch["id"].as_str().expect("id").replace('-', "")
    };
    // Django's user ids move past the one user here, so only the username
    // collides; then three bad answers.
    tamper(
        &source,
        &format!(
            "UPDATE auth_user SET id = id + 100; \
             UPDATE event_event SET organizer_id = organizer_id + 100; \
             UPDATE event_attendance SET user_id = user_id + 100; \
             INSERT INTO event_attendance (id, status, user_id, event_id) VALUES \
             (100, 'Sometimes', 109, '{launch}'), (101, 'Going', 999, '{launch}'), \
             (102, 'Maybe', 101, '{launch}');"
        ),
    );
    let source = path_str(&source);
    let mut targets = vec![TestDb::sqlite()];
    targets.extend(TestDb::postgres());
    for target in &targets {
        // "carol" registered here before the move, and got id 1, not 3.
        run(async {
            let app = TestApp::spawn(target);
            assert_eq!(app.register("carol").await, 1);
        });
        let before = snapshot(target);

        let (output, stdout) = import(target, source, &[]);
        assert!(!output.status.success(), "refused: {stdout}");
        for line in [
            "invalid: auth_user id=103: username \"carol\" belongs to user 1 in this database",
            "invalid: event_attendance id=3: user_id 103 is the auth_user row left out above",
            "invalid: event_attendance id=100: status \"Sometimes\" is not one of \"Going\", \"Maybe\", \"Not Going\"",
            "invalid: event_attendance id=101: user_id 999 names no row of auth_user",
            "invalid: event_attendance id=102: user 101 answered event",
        ] {
            assert!(stdout.contains(line), "{line:?} in {stdout}");
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("5 rows cannot be imported; nothing was written"),
            "{stderr}"
        );
        assert_eq!(snapshot(target), before, "a refused import writes nothing");

        let (output, stdout) = import(target, source, &["--dry-run", "--skip-invalid"]);
        assert_imported(&output, &stdout);
        assert!(
            stdout.contains("Dry run: 19 rows would be imported (0 already here, 0 kept as they are here, 5 left out); nothing was written."),
            "{stdout}"
        );
        assert_eq!(snapshot(target), before, "a dry run writes nothing");

        let (output, stdout) = import(target, source, &["--skip-invalid"]);
        assert_imported(&output, &stdout);
        assert!(stdout.contains("(left out)"), "{stdout}");
        assert!(
            stdout.contains(
                "Imported 19 rows (0 already here, 0 kept as they are here, 5 left out)."
            ),
            "{stdout}"
        );
        assert_eq!(counts(target), (9, 4), "carol here, and Django's other 8");
        run(async {
            let app = TestApp::spawn(target);
            let launch = app.get(&format!("/api/events/{launch}/")).await.json();
            let answers: Vec<&str> = launch["attendances"]
                .as_array()
                .expect("attendances")
                .iter()
                .map(|a| a["user"]["username"].as_str().expect("username"))
                .collect();
            assert_eq!(
                answers,
                ["alice", "bob", "dave"],
                "carol's and the bad rows left out"
            );
        });
    }
}

#[test]
fn ids_of_users_deleted_here_are_not_given_to_imported_users() {
    let (source, _) = django_sqlite_copy();
    let mut targets = vec![TestDb::sqlite()];
    targets.extend(TestDb::postgres());
    for target in &targets {
        // A trial account, id 1, whose tokens may still be around.
        let refresh = run_returning(async {
            let app = TestApp::spawn(target);
            app.register("trial").await;
            app.token_pair("trial").await["refresh"].clone()
        });
        let trial = store::users::get_by_username(&mut target.conn(), "trial").expect("trial");
        store::users::delete(&mut target.conn(), trial.id).expect("delete trial");

        let (output, stdout) = import(target, path_str(&source), &[]);
        assert!(!output.status.success(), "{stdout}");
        assert!(
            stdout.contains(
                "invalid: auth_user id=1: id 1 belonged to a user deleted in this database"
            ),
            "{stdout}"
        );
        run(async {
            let app = TestApp::spawn(target);
            let reply = app
                .request("POST", "/api/token/refresh/")
                .json(&json!({ "refresh": refresh }))
                .await;
            assert_eq!(reply.status, 401, "the trial's token stays dead");
        });
    }
}

#[test]
fn a_dry_run_writes_nothing_and_leaves_the_id_sequence() {
    let (source, _) = django_sqlite_copy();
    let mut targets = vec![TestDb::sqlite()];
    targets.extend(TestDb::postgres());
    for target in &targets {
        let (output, stdout) = import(target, path_str(&source), &["--dry-run"]);
        assert_imported(&output, &stdout);
        assert!(
            stdout.contains("Dry run: 21 rows would be imported"),
            "{stdout}"
        );
        assert_eq!(counts(target), (0, 0));
        run(async {
            let app = TestApp::spawn(target);
            assert_eq!(app.register("first").await, 1, "ids start where they did");
        });
    }
}

#[test]
fn a_missing_or_foreign_database_is_refused_in_one_line() {
    let target = TestDb::sqlite();
    let missing = temp_dir().join("nothing-here.sqlite3");
    let (output, _) = import(&target, path_str(&missing), &[]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("the file does not exist"), "{stderr}");
    assert!(!missing.exists(), "no empty database is left behind");

    // Our own database is not a Django one.
    let (output, _) = import(&target, target.url(), &[]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot read auth_user"), "{stderr}");
}
