//! `desk banner`: the summary a login shell prints. It must never spoil a
//! login, so it opens the file read-only without creating or upgrading it,
//! waits at most a quarter of a second for a lock, reads two tally rows and
//! a handful of index entries, and exits 0 whatever happens.

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use clap::Args;
use owo_colors::OwoColorize;
use unicode_width::UnicodeWidthStr;

use crate::config::Settings;
use crate::db::pending::Line;
use crate::db::tally::{Counts, EVERYONE};
use crate::db::{self, APPLICATION_ID, Store};
use crate::error::{Error, Kind, Result};
use crate::model::State;
use crate::render::{cut, fit_line, paint_state, plain_width};
use crate::when::{self, When};
use crate::{names, sanitize};

/// How long the banner waits for another process's lock.
const BUSY_WAIT: Duration = Duration::from_millis(250);

/// After this, a query still running is interrupted, whatever it waits on.
const WATCHDOG: Duration = Duration::from_millis(400);

/// Customer names are cut to this many cells, so subjects get the rest.
const CUSTOMER_WIDTH: usize = 20;

/// What marks the line `--install` adds, so that it is added once and found
/// again by `--uninstall`.
const HOOK_MARK: &str = "# desk-banner-hook";

/// The line `--install` adds: only interactive shells writing to a terminal
/// run it, `~/.hushlogin` and `DESK_NO_BANNER` silence it, and `timeout`
/// (in the foreground, or `stty tostop` would stop the banner's output)
/// bounds it even if the machine is in trouble.
const HOOK: &str = r#"case $- in *i*) [ -t 1 ] && [ -z "${DESK_NO_BANNER-}" ] && [ ! -e "$HOME/.hushlogin" ] && command -v desk >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1 && timeout --foreground 1 desk banner;; esac"#;

#[derive(Debug, Args)]
pub struct BannerArgs {
    /// At most this many of your tickets
    #[arg(long, value_name = "N", default_value_t = 5)]
    limit: u32,
    /// Show this user's pending tickets instead of yours
    #[arg(long, value_name = "LOGIN")]
    user: Option<String>,
    /// Print the counts even when nothing is pending
    #[arg(long)]
    always: bool,
    /// Say on standard error why nothing was printed
    #[arg(short, long)]
    verbose: bool,
    /// Add one line running the banner to your shell's start-up file
    #[arg(long, conflicts_with = "uninstall")]
    install: bool,
    /// Remove the line --install added
    #[arg(long)]
    uninstall: bool,
    /// The start-up file for --install and --uninstall (default: ~/.bashrc)
    #[arg(long, value_name = "FILE")]
    rc: Option<PathBuf>,
}

pub fn run(args: BannerArgs, settings: &Settings, out: &mut dyn Write) -> Result<()> {
    if args.install || args.uninstall {
        let rc = rc_file(args.rc)?;
        let line = if args.install {
            install(&rc)?
        } else {
            uninstall(&rc)?
        };
        writeln!(out, "{line}")?;
        return Ok(());
    }
    show(&args, settings, out);
    Ok(())
}

/// Everything the banner prints.
struct Figures {
    everyone: Counts,
    login: String,
    mine: Counts,
    lines: Vec<Line>,
}

/// Prints the banner, or nothing; never fails.
fn show(args: &BannerArgs, settings: &Settings, out: &mut dyn Write) {
    let say = |why: &str| {
        if args.verbose {
            // Not eprintln!, which panics when standard error is gone.
            let _ = writeln!(std::io::stderr(), "desk banner: {why}");
        }
    };
    if !settings.db.is_file() {
        return say(&format!("no database at {}", settings.db.display()));
    }
    let login = args
        .user
        .as_deref()
        .map(names::normal)
        .unwrap_or_else(|| settings.actor.clone());
    let figures = db::open_read_with(&settings.db, BUSY_WAIT)
        .and_then(|store| watched(&store, |store| gather(store, &login, args.limit)));
    let printed = match figures {
        Ok(f) if f.everyone.pending() == 0 && f.mine.pending() == 0 && !args.always => {
            return say("nothing is pending");
        }
        Ok(figures) => print(&figures, args, settings, out),
        Err(err) if err.kind == Kind::Busy => busy(settings, out),
        Err(err) => return say(&err.message),
    };
    if let Err(err) = printed.and_then(|()| Ok(out.flush()?)) {
        say(&err.message);
    }
}

/// Runs `work`, interrupting it if it outlasts the watchdog.
fn watched<T>(store: &Store, work: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
    let handle = store.conn().get_interrupt_handle();
    let (done, finished) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        if finished.recv_timeout(WATCHDOG) == Err(mpsc::RecvTimeoutError::Timeout) {
            handle.interrupt();
        }
    });
    let value = work(store);
    drop(done);
    value
}

fn gather(store: &Store, login: &str, limit: u32) -> Result<Figures> {
    let conn = store.conn();
    let id: i64 = conn.pragma_query_value(None, "application_id", |row| row.get(0))?;
    if id != APPLICATION_ID {
        return Err(Error::env("the file is not a desk database"));
    }
    if db::is_newer(conn)? {
        return Err(Error::env("the database was made by a newer desk"));
    }
    // One read transaction, so that the counts and the list agree.
    let tx = conn.unchecked_transaction()?;
    let everyone = db::tally::counts(&tx, EVERYONE)?;
    let (mine, lines) = match db::users::by_login(&tx, login)? {
        Some(user) => (
            db::tally::counts(&tx, user.id)?,
            db::pending::newest(&tx, user.id, i64::from(limit))?,
        ),
        None => (Counts::default(), Vec::new()),
    };
    tx.finish()?;
    Ok(Figures {
        everyone,
        login: login.to_string(),
        mine,
        lines,
    })
}

fn busy(settings: &Settings, out: &mut dyn Write) -> Result<()> {
    let line = "desk: the ticket database is busy; run `desk banner` again in a moment";
    if settings.color {
        writeln!(out, "{}", line.dimmed())?;
    } else {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn print(f: &Figures, args: &BannerArgs, settings: &Settings, out: &mut dyn Write) -> Result<()> {
    let color = settings.color;
    let new = format!("{} new", f.everyone.new);
    let active = format!("{} in progress", f.everyone.in_progress);
    let (new, active) = if color {
        (new.red().to_string(), active.yellow().to_string())
    } else {
        (new, active)
    };
    let login = sanitize::line(&f.login);
    let width = settings.width;
    if f.mine.pending() == 0 {
        writeln!(out, "{}", fit_line(format!("desk: {new}, {active}"), width))?;
        return Ok(());
    }
    let head = format!(
        "desk: {new}, {active}; {login} has {} pending:",
        f.mine.pending()
    );
    writeln!(out, "{}", fit_line(head, width))?;
    for line in table(&f.lines, settings) {
        writeln!(out, "{line}")?;
    }
    let more = f.mine.pending() - f.lines.len() as i64;
    if more > 0 {
        let command = match &args.user {
            Some(_) => format!("desk ticket list --owner {login}"),
            None => "desk ticket list --mine".to_string(),
        };
        writeln!(
            out,
            "{}",
            fit_line(format!("  … and {more} more: {command}"), width)
        )?;
    }
    Ok(())
}

/// One line per ticket: id, state, age, an overdue mark, customer, subject.
/// The subject is cut so that a line fits the terminal.
fn table(lines: &[Line], settings: &Settings) -> Vec<String> {
    let now = when::now();
    let overdue: Vec<bool> = lines.iter().map(|l| is_overdue(l, now)).collect();
    let any_overdue = overdue.contains(&true);
    let id_width = lines.iter().map(|l| l.id.to_string().len()).max();
    let id_width = id_width.unwrap_or(1);
    let customers: Vec<String> = lines
        .iter()
        .map(|l| cut(&sanitize::line(&l.customer), CUSTOMER_WIDTH))
        .collect();
    let customer_width = customers.iter().map(|c| c.width()).max().unwrap_or(0);
    let mut rows = Vec::new();
    for ((line, customer), late) in lines.iter().zip(&customers).zip(overdue) {
        let opened = when::parse_stamp(&line.opened_at).unwrap_or(now);
        let mut head = format!(
            "  #{:<id_width$}  {}  {:>3}",
            line.id,
            pad_state(line.state, settings.color),
            when::age(opened, now)
        );
        if any_overdue {
            let mark = match (late, settings.color) {
                (true, true) => format!("  {}", "overdue".red().bold()),
                (true, false) => "  overdue".to_string(),
                (false, _) => " ".repeat(9),
            };
            head.push_str(&mark);
        }
        let pad = " ".repeat(customer_width - customer.width());
        let prefix_width = plain_width(&head) + 2 + customer_width + 2;
        let subject = sanitize::line(&line.subject);
        let subject = match settings.width {
            Some(width) => cut(&subject, width.saturating_sub(prefix_width).max(1)),
            None => subject,
        };
        rows.push(fit_line(
            format!("{head}  {customer}{pad}  {subject}"),
            settings.width,
        ));
    }
    rows
}

fn is_overdue(line: &Line, now: chrono::DateTime<chrono::Utc>) -> bool {
    line.due
        .as_deref()
        .and_then(When::from_stored)
        .is_some_and(|due| due.is_past(now))
}

/// A state label padded to the widest label, coloured when asked.
fn pad_state(state: State, color: bool) -> String {
    let width = State::InProgress.label().len();
    let pad = " ".repeat(width - state.label().len());
    format!("{}{pad}", paint_state(state, color))
}

fn rc_file(given: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(path) = given {
        return Ok(path);
    }
    match std::env::var_os("HOME").filter(|home| !home.is_empty()) {
        Some(home) => Ok(PathBuf::from(home).join(".bashrc")),
        None => Err(Error::env(
            "HOME is not set; name the start-up file with --rc FILE",
        )),
    }
}

fn read_rc(rc: &std::path::Path) -> Result<String> {
    match std::fs::read_to_string(rc) {
        Ok(text) => Ok(text),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(err) => Err(Error::env(format!("cannot read {}: {err}", rc.display()))),
    }
}

/// Appends the hook line unless it is there already.
fn install(rc: &std::path::Path) -> Result<String> {
    let text = read_rc(rc)?;
    if text.lines().any(|line| line.contains(HOOK_MARK)) {
        return Ok(format!("the banner is already in {}", rc.display()));
    }
    let separator = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(rc)
        .map_err(|err| Error::env(format!("cannot write {}: {err}", rc.display())))?;
    writeln!(file, "{separator}{HOOK} {HOOK_MARK}")?;
    file.sync_all()?;
    Ok(format!(
        "added the banner to {}; it shows in new interactive shells (silence it with \
         DESK_NO_BANNER=1 or ~/.hushlogin)",
        rc.display()
    ))
}

/// Removes every line the hook mark is on, and nothing else.
fn uninstall(rc: &std::path::Path) -> Result<String> {
    let text = read_rc(rc)?;
    if !text.lines().any(|line| line.contains(HOOK_MARK)) {
        return Ok(format!("the banner was not in {}", rc.display()));
    }
    let kept: String = text
        .split_inclusive('\n')
        .filter(|line| !line.contains(HOOK_MARK))
        .collect();
    std::fs::write(rc, kept)
        .map_err(|err| Error::env(format!("cannot write {}: {err}", rc.display())))?;
    Ok(format!("removed the banner from {}", rc.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_sequences_take_no_width() {
        assert_eq!(plain_width("\x1b[31mnew\x1b[0m  3d"), 7);
        assert_eq!(plain_width("株式"), 4);
    }

    #[test]
    fn the_hook_runs_the_banner_but_never_installs_itself() {
        assert!(HOOK.contains("desk banner"));
        assert!(!HOOK.contains("--install"));
        assert!(!HOOK.contains('\n'));
    }
}
