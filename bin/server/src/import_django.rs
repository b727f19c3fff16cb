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
    let left_out = match (args.skip_invalid, args.dry_run) {
        (false, _) => "",
        (true, false) => " (left out)",
        (true, true) => " (would be left out)",
    };
    for problem in &report.problems {
        println!("  invalid: {problem}{left_out}");
    }
    let created: usize = report.tables.iter().map(|t| t.created).sum();
    let elsewhere = format!(
        "{} already here, {} kept as they are here, {} left out",
        report.tables.iter().map(|t| t.unchanged).sum::<usize>(),
        report.tables.iter().map(|t| t.kept).sum::<usize>(),
        report.problems.len(),
    );
    match report.outcome {
        Outcome::Written if created == 0 => println!("Nothing new to import ({elsewhere})."),
        Outcome::Written => println!("Imported {created} rows ({elsewhere})."),
        Outcome::DryRun => println!(
            "Dry run: {created} rows would be imported ({elsewhere}); nothing was written."
        ),
        Outcome::Refused => bail!(
            "{} rows cannot be imported; nothing was written (fix them, or pass --skip-invalid to leave them out)",
            report.problems.len()
        ),
    }
    Ok(())
}
