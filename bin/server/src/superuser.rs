//! `server createsuperuser`: make a staff account with every permission.

use anyhow::{bail, Context};
use domain::{Email, Username};
use store::users::NewUser;
use store::StoreError;

use crate::cli::SuperuserArgs;
use crate::{app, telemetry, Settings};

/// The environment variable `--no-input` reads the password from.
pub const PASSWORD_ENV: &str = "SUPERUSER_PASSWORD";

/// Creates the superuser the arguments describe.
pub fn create(settings: &Settings, args: &SuperuserArgs) -> anyhow::Result<()> {
    telemetry::init(settings.log_format);
    let username = Username::parse(&args.username).map_err(|e| anyhow::anyhow!("username: {e}"))?;
    let email = Email::parse(&args.email).map_err(|e| anyhow::anyhow!("email: {e}"))?;
    let password = if args.no_input {
        std::env::var(PASSWORD_ENV).with_context(|| format!("--no-input needs {PASSWORD_ENV}"))?
    } else {
        prompt_password()?
    };
    let attributes = auth::UserAttributes {
        username: username.as_str(),
        email: email.as_str(),
        ..auth::UserAttributes::default()
    };
    let problems = auth::validate_password(&password, &attributes);
    if !problems.is_empty() {
        bail!("password: {}", problems.join(" "));
    }
    let password_hash = auth::hash_password(&password, settings.bcrypt_cost)?;

    let pool = app::open_database(settings)?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    let new_user = NewUser {
        username: &username,
        email: Some(&email),
        first_name: "",
        last_name: "",
        password_hash: &password_hash,
        is_staff: true,
        is_superuser: true,
        is_active: true,
        date_joined: store::now(),
    };
    match store::users::create(&mut conn, &new_user) {
        Ok(user) => {
            println!("Superuser {} created (id {}).", user.username, user.id);
            Ok(())
        }
        Err(StoreError::Conflict(_)) => bail!("a user named {username} already exists"),
        Err(err) => Err(err).context("cannot create the user"),
    }
}

fn prompt_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        // Piped in (`echo "$PASSWORD" | server createsuperuser ...`): the first line.
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).with_context(|| {
            format!(
                "cannot read the password from standard input; use --no-input with {PASSWORD_ENV}"
            )
        })?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        if password.is_empty() {
            bail!(
                "no password on standard input; pipe one in, or use --no-input with {PASSWORD_ENV}"
            );
        }
        return Ok(password);
    }
    let password = rpassword::prompt_password("Password: ").with_context(|| {
        format!("cannot read the password (or use --no-input with {PASSWORD_ENV})")
    })?;
    let again =
        rpassword::prompt_password("Password (again): ").context("cannot read the password")?;
    if password != again {
        bail!("the two passwords differ");
    }
    Ok(password)
}
