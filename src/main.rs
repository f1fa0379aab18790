//! `desk`: a customer-relations ticket desk for the terminal.

mod chain;
mod cli;
mod cmd;
mod config;
mod db;
mod error;
mod model;
mod names;
mod render;
mod sanitize;
mod targets;
mod text;
mod when;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) if err.use_stderr() => {
            // Usage errors uncoloured, like every other message of desk.
            let _ = write!(std::io::stderr(), "{err}");
            return ExitCode::from(2);
        }
        Err(help) => {
            let _ = help.print();
            return ExitCode::SUCCESS;
        }
    };
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.kind == error::Kind::ClosedPipe => ExitCode::SUCCESS,
        Err(err) => {
            // Messages quote what people typed and stored: never let it
            // steer the terminal.
            let _ = writeln!(std::io::stderr(), "desk: {}", sanitize::line(&err.message));
            ExitCode::from(err.exit_code() as u8)
        }
    }
}
