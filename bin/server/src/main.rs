//! The `server` command: parses the CLI and runs the chosen subcommand.

use std::process::ExitCode;

use clap::Parser;
use server::cli::{Cli, Command};

fn main() -> ExitCode {
    server::allocator::cap_arenas();
    let cli = Cli::parse();
    let settings = cli.settings;
    let result = match cli.command.unwrap_or_default() {
        Command::Serve => server::serve(&settings),
        Command::Migrate => server::migrate(&settings),
        Command::Createsuperuser(args) => server::superuser::create(&settings, &args),
        Command::ImportDjango(args) => server::import_django::run(&settings, &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line with the whole cause chain (driver messages can span
            // several lines), and no backtrace.
            let message = format!("{err:#}");
            eprintln!(
                "error: {}",
                message.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            ExitCode::FAILURE
        }
    }
}
