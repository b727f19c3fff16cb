//! A PostgreSQL server of the test's own (initdb in a temporary directory,
//! on a free port), which a fault test may stop and start without touching
//! the shared one the other tests use.

use std::path::PathBuf;
use std::process::Command;

/// A private PostgreSQL cluster, stopped and removed when dropped.
pub struct PrivatePostgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
}

impl PrivatePostgres {
    /// Creates and starts a cluster, or returns `None` (with a note) when
    /// PostgreSQL's server programs are not installed; with
    /// `REQUIRE_POSTGRES=1` their absence fails the test instead.
    pub fn start() -> Option<Self> {
        let Some(bin) = server_programs() else {
            assert!(
                std::env::var("REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "REQUIRE_POSTGRES=1 but PostgreSQL's initdb and pg_ctl are not installed"
            );
            eprintln!("note: private PostgreSQL tests skipped (no initdb)");
            return None;
        };
        let data = std::env::temp_dir().join(format!("events-test-pg-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&data).expect("the cluster's directory");
        let port = free_port();
        let cluster = Self { bin, data, port };
        // PostgreSQL refuses to run as root: the cluster belongs to `postgres` then.
        if running_as_root() {
            let owned = Command::new("chown")
                .arg("postgres:")
                .arg(&cluster.data)
                .status();
            assert!(
                owned.is_ok_and(|s| s.success()),
                "chown the cluster to postgres"
            );
        }
        let init = cluster
            .command("initdb")
            .args(["--auth=trust", "--username=postgres", "--no-sync", "-D"])
            .arg(&cluster.data)
            .output()
            .expect("run initdb");
        assert!(
            init.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        cluster.resume();
        Some(cluster)
    }

    /// Where the cluster's `postgres` database is.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server (`pg_ctl stop -m fast`: connections are cut).
    pub fn stop(&self) {
        self.pg_ctl(&["stop", "-m", "fast", "-w"]);
    }

    /// Starts the server and returns once it accepts connections.
    pub fn resume(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            self.port,
            self.data.display()
        );
        self.pg_ctl(&["start", "-w", "-l", "/dev/null", "-o", &options]);
    }

    fn pg_ctl(&self, args: &[&str]) {
        let output = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(args)
            .output()
            .expect("run pg_ctl");
        assert!(
            output.status.success(),
            "pg_ctl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if running_as_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["stop", "-m", "immediate", "-w"])
            .output();
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// The directory holding `initdb` and `pg_ctl` (Debian keeps them off the PATH).
fn server_programs() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().or_else(|| {
        let on_path = Command::new("initdb").arg("--version").output();
        on_path.is_ok_and(|o| o.status.success()).then(PathBuf::new)
    })
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}
