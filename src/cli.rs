//! The command line: global options, the command tree, and the dispatcher
//! that turns them into `Settings`, opens the database once and runs the
//! command. Nothing past this file reads clap's types for global options.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::cmd::{self, Ctx};
use crate::config::{self, ColorChoice, Format, Settings};
use crate::db;
use crate::error::{Kind, Result};

#[derive(Debug, Parser)]
#[command(
    name = "desk",
    version,
    about = "A customer-relations ticket desk for the terminal",
    long_about = "A customer-relations ticket desk for the terminal: tickets with a complete, \
        dated, append-only history in one SQLite file.",
    after_help = "Exit codes: 0 success, 1 environment failed (database missing or damaged, I/O), \
        2 bad usage or input, 3 not found, 4 refused (by a ticket's state or a permission), \
        5 database busy past the timeout (try again)."
)]
pub struct Cli {
    /// The database file (default: DESK_DB, else $XDG_DATA_HOME/desk/desk.db)
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,

    /// Act as this registered user (default: DESK_USER, else your login)
    #[arg(long = "as", global = true, value_name = "LOGIN")]
    as_user: Option<String>,

    /// When to colour the output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,

    /// Output format: table, text, json, jsonl or csv
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    format: Option<Format>,

    /// Shorthand for --format json
    #[arg(long, global = true, conflicts_with = "format")]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the database, registering you as its administrator (idempotent)
    Init,
    /// Check every ticket's hash chain and the database's integrity
    Verify,
    /// Manage the users who work tickets
    #[command(subcommand)]
    User(cmd::user::UserCommand),
    /// Manage ticket classes (complaints, payments, …)
    #[command(subcommand)]
    Class(cmd::class::ClassCommand),
    /// Manage customers
    #[command(subcommand)]
    Customer(cmd::customer::CustomerCommand),
    /// Open, log, assign, close and list tickets
    #[command(subcommand)]
    Ticket(cmd::ticket::TicketCommand),
    /// The login-shell summary: pending counts and your newest tickets
    Banner(cmd::banner::BannerArgs),
    /// What needs attention, grouped by owner, for cron (silent if nothing)
    Remind(cmd::remind::RemindArgs),
}

impl Command {
    /// Whether the command changes the database (and so opens it to write).
    fn writes(&self) -> bool {
        match self {
            Command::Init => true,
            Command::Verify | Command::Banner(_) => false,
            Command::Remind(args) => args.writes(),
            Command::User(c) => c.writes(),
            Command::Class(c) => c.writes(),
            Command::Customer(c) => c.writes(),
            Command::Ticket(c) => c.writes(),
        }
    }
}

pub fn run(cli: Cli) -> Result<()> {
    let os_user = config::os_login();
    let is_banner = matches!(cli.command, Command::Banner(_));

    let db = match config::db_path(cli.db) {
        Ok(path) => path,
        // The banner has nothing to show without a database, and says nothing.
        Err(_) if is_banner => PathBuf::new(),
        Err(err) => return Err(err),
    };
    let settings = Settings {
        db,
        actor: config::actor(cli.as_user, &os_user),
        os_user,
        format: if cli.json {
            Some(Format::Json)
        } else {
            cli.format
        },
        color: config::use_color(cli.color),
        width: config::terminal_width(),
        terminal: std::io::stdout().is_terminal(),
    };
    // Commands that change something print only after their commit.
    let reports_after_commit = cli.command.writes() && !matches!(cli.command, Command::Remind(_));
    let stdout = std::io::stdout();
    let mut out = Output {
        inner: BufWriter::new(stdout.lock()),
        failed: false,
    };
    let result = dispatch(cli.command, &settings, &mut out).and_then(|()| Ok(out.flush()?));
    match result {
        // Whatever happens to its output, a banner never fails a login.
        Err(_) if is_banner => Ok(()),
        // The change is on disk: a script that retried on failure would
        // make it twice. Say so, and succeed.
        Err(err) if out.failed && reports_after_commit && err.kind != Kind::ClosedPipe => {
            let _ = writeln!(
                std::io::stderr(),
                "desk: done, but its report could not be written ({})",
                err.message
            );
            Ok(())
        }
        other => other,
    }
}

/// Standard output that remembers whether writing to it failed.
struct Output<W> {
    inner: W,
    failed: bool,
}

impl<W: Write> Write for Output<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf);
        self.failed |= written.is_err();
        written
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let flushed = self.inner.flush();
        self.failed |= flushed.is_err();
        flushed
    }
}

fn dispatch(command: Command, settings: &Settings, out: &mut dyn Write) -> Result<()> {
    match command {
        Command::Init => return cmd::init::run(settings, out),
        // The banner opens the file its own way: read-only, briefly, and
        // without failing a login.
        Command::Banner(args) => return cmd::banner::run(args, settings, out),
        _ => {}
    }
    let mut store = if command.writes() {
        db::open_write(&settings.db)?
    } else {
        db::open_read(&settings.db)?
    };
    let mut ctx = Ctx {
        settings,
        out,
        store: &mut store,
    };
    match command {
        Command::Init | Command::Banner(_) => unreachable!("handled above"),
        Command::Verify => cmd::verify::run(&mut ctx),
        Command::User(c) => cmd::user::run(c, &mut ctx),
        Command::Class(c) => cmd::class::run(c, &mut ctx),
        Command::Customer(c) => cmd::customer::run(c, &mut ctx),
        Command::Ticket(c) => cmd::ticket::run(c, &mut ctx),
        Command::Remind(args) => cmd::remind::run(args, &mut ctx),
    }
}
