//! The command line: subcommands and settings flags (each also read from
//! an environment variable).

use clap::{Parser, Subcommand};

use crate::settings::Settings;

/// Event management backend.
#[derive(Debug, Parser)]
#[command(name = "server", version, about)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings shared by every subcommand.
    #[command(flatten)]
    pub settings: Settings,
}

/// The subcommands.
#[derive(Debug, Clone, Default, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve HTTP until SIGINT or SIGTERM.
    #[default]
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Create a staff user with every permission.
    Createsuperuser(SuperuserArgs),
    /// Copy the users, events and attendances of a Django deployment of
    /// this backend into this database, in one transaction.
    ImportDjango(ImportDjangoArgs),
}

/// Arguments of `import-django`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportDjangoArgs {
    /// The Django database: a SQLite file or a postgres:// URL.
    #[arg(value_name = "DATABASE_URL")]
    pub source: String,
    /// Report what would be copied, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Leave out the rows that cannot be copied, instead of copying nothing.
    #[arg(long)]
    pub skip_invalid: bool,
}

/// Arguments of `createsuperuser`.
#[derive(Debug, Clone, clap::Args)]
pub struct SuperuserArgs {
    /// The new user's login name.
    #[arg(long)]
    pub username: String,
    /// The new user's mail address.
    #[arg(long)]
    pub email: String,
    /// Do not prompt: read the password from SUPERUSER_PASSWORD.
    #[arg(long)]
    pub no_input: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_is_the_default_and_flags_override() {
        let cli = Cli::try_parse_from([
            "server",
            "--bind",
            "127.0.0.1:9999",
            "--database-url",
            "x.db",
        ])
        .expect("parses");
        assert!(cli.command.is_none());
        assert_eq!(cli.settings.bind.port(), 9999);
        assert_eq!(cli.settings.database_url, "x.db");
    }

    #[test]
    fn createsuperuser_takes_username_email_and_no_input() {
        let cli = Cli::try_parse_from([
            "server",
            "createsuperuser",
            "--username",
            "root",
            "--email",
            "root@example.com",
            "--no-input",
        ])
        .expect("parses");
        match cli.command {
            Some(Command::Createsuperuser(args)) => {
                assert_eq!(
                    (args.username.as_str(), args.email.as_str(), args.no_input),
                    ("root", "root@example.com", true)
                );
            }
            other => panic!("unexpected command {other:?}"),
        }
    }

    #[test]
    fn import_django_takes_a_url_and_two_switches() {
        let cli = Cli::try_parse_from([
            "server",
            "import-django",
            "db.sqlite3",
            "--dry-run",
            "--skip-invalid",
        ])
        .expect("parses");
        match cli.command {
            Some(Command::ImportDjango(args)) => {
                assert_eq!(
                    (args.source.as_str(), args.dry_run, args.skip_invalid),
                    ("db.sqlite3", true, true)
                );
            }
            other => panic!("unexpected command {other:?}"),
        }
        assert!(Cli::try_parse_from(["server", "import-django"]).is_err());
    }

    #[test]
    fn site_url_must_be_an_absolute_http_address() {
        let site = |url: &str| {
            Cli::try_parse_from(["server", "--site-url", url]).map(|cli| cli.settings.site_url)
        };
        assert_eq!(
            site("https://events.example.com/")
                .ok()
                .flatten()
                .as_deref(),
            Some("https://events.example.com")
        );
        assert!(site("events.example.com").is_err());
        assert!(site("https://").is_err());
    }

    #[test]
    fn bad_bind_address_is_a_usage_error() {
        assert!(Cli::try_parse_from(["server", "--bind", "not-an-address"]).is_err());
    }
}
