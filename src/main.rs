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
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.kind == error::Kind::ClosedPipe => ExitCode::SUCCESS,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "desk: {err}");
            ExitCode::from(err.exit_code() as u8)
        }
    }
}
