//! `server import-django`: copy a Django deployment's data into this one.

use anyhow::{bail, Context};
use store::django_import::{self, ImportOptions, Outcome};
use store::DatabaseUrl;

use crate::cli::ImportDjangoArgs;
use crate::{app, telemetry, Settings};

/// Runs the import the arguments describe, printing a line per table, each
/// row that cannot be copied, and a summary.
pub fn run(settings: &Settings, args: &ImportDjangoArgs) -> anyhow::Result<()> {
    telemetry::init(settings.log_format);
    let source = DatabaseUrl::parse(&args.source).context("the Django database URL")?;
    let pool = app::open_database(settings)?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    let options = ImportOptions {
        dry_run: args.dry_run,
        skip_invalid: args.skip_invalid,
    };
    println!(
        "Importing from {source}{}",
        if args.dry_run { " (dry run)" } else { "" }
    );
    let report = django_import::import(&source, &mut conn, options, &mut |table| {
        println!("  {table}");
    })?;
    for problem in &report.problems {
        let left_out = if args.skip_invalid { " (left out)" } else { "" };
        println!("  invalid: {problem}{left_out}");
    }
    let created: usize = report.tables.iter().map(|t| t.created).sum();
    match report.outcome {
        Outcome::Written if created == 0 => println!("Nothing to import: every row is already here."),
        Outcome::Written => println!("Imported {created} rows."),
        Outcome::DryRun => println!("Dry run: {created} rows would be imported; nothing was written."),
        Outcome::Refused => bail!(
            "{} rows cannot be imported; nothing was written (fix them, or pass --skip-invalid to leave them out)",
            report.problems.len()
        ),
    }
    Ok(())
}
