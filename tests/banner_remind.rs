//! The banner, the reminders, targets and due dates, and the examples that
//! use them, run through the real binary against temporary databases.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The clock every test starts at: Friday 2026-12-04, 10:00 UTC.
const NOW: &str = "2026-12-04T10:00:00Z";

/// A temporary home with a database at `d.db`, initialised by anna.
struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    fn new() -> Desk {
        let desk = Desk::empty();
        desk.ok(&["init"]);
        desk
    }

    /// A home with no database in it.
    fn empty() -> Desk {
        Desk {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn home(&self) -> &Path {
        self.dir.path()
    }

    fn db(&self) -> PathBuf {
        self.home().join("d.db")
    }

    /// The binary in a clean environment at the clock `now`.
    fn command_at(&self, now: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_desk"));
        command
            .args(args)
            .env_clear()
            .env("PATH", path_with_desk())
            .env("HOME", self.home())
            .env("DESK_DB", self.db())
            .env("DESK_USER", "anna")
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .env("DESK_NOW", now)
            .stdin(Stdio::null());
        command
    }

    fn run_at(&self, now: &str, args: &[&str]) -> Output {
        self.command_at(now, args).output().unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_at(NOW, args)
    }

    /// Runs a command that must succeed, and returns its standard output.
    fn ok_at(&self, now: &str, args: &[&str]) -> String {
        let out = self.run_at(now, args);
        assert!(
            out.status.success(),
            "desk {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        self.ok_at(NOW, args)
    }

    fn json_at(&self, now: &str, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        serde_json::from_str(&self.ok_at(now, &args)).unwrap()
    }

    /// Opens a ticket at `now` and returns its id.
    fn open_at(&self, now: &str, subject: &str, extra: &[&str]) -> i64 {
        let mut args = vec!["ticket", "open", subject, "--customer", "ACME"];
        if !extra.contains(&"--class") {
            args.extend(["--class", "complaints"]);
        }
        args.extend(extra);
        self.json_at(now, &args)["id"].as_i64().unwrap()
    }

    /// A shell command with this home's environment and desk on PATH.
    fn shell(&self, script: &str) -> Command {
        let mut command = self.command_at(NOW, &[]);
        command.env("DESK", env!("CARGO_BIN_EXE_desk"));
        let mut shell = Command::new("sh");
        shell.arg("-c").arg(script);
        shell
            .env_clear()
            .envs(command.get_envs().filter_map(|(k, v)| Some((k, v?))));
        shell.current_dir(self.home()).stdin(Stdio::null());
        shell
    }
}

fn path_with_desk() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_desk")).parent().unwrap();
    let path = std::env::var("PATH").unwrap_or_default();
    format!("{}:{path}", bin.display())
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The (ticket id, reason) pairs of a `remind --json` output, per owner.
fn facts(report: &Value) -> Vec<(String, i64, String)> {
    let mut found = Vec::new();
    for group in report.as_array().unwrap() {
        for reminder in group["reminders"].as_array().unwrap() {
            found.push((
                group["owner"].as_str().unwrap().to_string(),
                reminder["ticket"]["id"].as_i64().unwrap(),
                reminder["reason"].as_str().unwrap().to_string(),
            ));
        }
    }
    found
}

fn fact(owner: &str, id: i64, reason: &str) -> (String, i64, String) {
    (owner.to_string(), id, reason.to_string())
}

/// `remind --json` at `now`, or an empty list when it printed nothing.
fn remind_facts(desk: &Desk, now: &str, args: &[&str]) -> Vec<(String, i64, String)> {
    let mut all = vec!["remind", "--json"];
    all.extend(args);
    let out = desk.ok_at(now, &all);
    if out.is_empty() {
        return Vec::new();
    }
    facts(&serde_json::from_str(&out).unwrap())
}

// --- the banner ---------------------------------------------------------

#[test]
fn banner_without_a_database_prints_nothing_and_creates_nothing() {
    let desk = Desk::empty();
    let out = desk.run(&["banner"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "");
    assert!(!desk.db().exists());
    let verbose = desk.run(&["banner", "--verbose"]);
    assert_eq!(verbose.status.code(), Some(0));
    assert!(
        stderr(&verbose).contains("no database"),
        "{}",
        stderr(&verbose)
    );
    assert!(!desk.db().exists());
}

#[test]
fn banner_prints_nothing_when_nothing_is_pending_unless_always() {
    let desk = Desk::new();
    let out = desk.run(&["banner"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        desk.ok(&["banner", "--always"]),
        "desk: 0 new, 0 in progress\n"
    );
    let id = desk.open_at(NOW, "Short call", &[]);
    desk.ok(&["ticket", "close", &id.to_string()]);
    assert_eq!(desk.ok(&["banner"]), "", "closed tickets are not pending");
}

#[test]
fn banner_counts_everyone_and_lists_own_tickets_newest_activity_first() {
    let desk = Desk::new();
    desk.ok(&["user", "add", "bob"]);
    let first = desk.open_at("2026-12-01T09:00:00Z", "Broken invoice", &[]);
    let second = desk.open_at(
        "2026-12-02T09:00:00Z",
        "Late parcel",
        &["--due", "2026-12-03"],
    );
    let third = desk.open_at("2026-12-03T09:00:00Z", "Refund", &[]);
    desk.open_at("2026-12-03T09:30:00Z", "Bob's case", &["--owner", "bob"]);
    // Logging on the oldest ticket makes it the newest activity.
    desk.ok_at(
        "2026-12-04T09:00:00Z",
        &["ticket", "log", &first.to_string(), "called back"],
    );

    let banner = desk.ok(&["banner"]);
    let lines: Vec<&str> = banner.lines().collect();
    assert_eq!(lines[0], "desk: 3 new, 1 in progress; anna has 3 pending:");
    let order: Vec<String> = lines[1..]
        .iter()
        .map(|line| line.split_whitespace().next().unwrap().to_string())
        .collect();
    assert_eq!(
        order,
        [
            format!("#{first}"),
            format!("#{third}"),
            format!("#{second}")
        ]
    );
    assert!(lines[1].contains("in progress") && lines[1].contains("Broken invoice"));
    assert!(
        lines[1].contains("ACME") && lines[1].contains(" 3d "),
        "{}",
        lines[1]
    );
    assert!(
        lines[3].contains("overdue"),
        "the ticket due yesterday: {}",
        lines[3]
    );
    assert!(!lines[1].contains("overdue") && !lines[2].contains("overdue"));
    assert_eq!(lines.len(), 4, "{banner}");

    let limited = desk.ok(&["banner", "--limit", "1"]);
    assert_eq!(limited.lines().count(), 3, "{limited}");
    assert!(
        limited.ends_with("  … and 2 more: desk ticket list --mine\n"),
        "{limited}"
    );
}

#[test]
fn banner_shows_another_users_tickets_or_only_the_counts() {
    let desk = Desk::new();
    desk.ok(&["user", "add", "bob"]);
    desk.open_at(NOW, "Bob's case", &["--owner", "bob"]);
    assert_eq!(desk.ok(&["banner"]), "desk: 1 new, 0 in progress\n");
    let bobs = desk.ok(&["banner", "--user", "bob", "--limit", "0"]);
    assert_eq!(
        bobs,
        "desk: 1 new, 0 in progress; bob has 1 pending:\n  … and 1 more: desk ticket list --owner bob\n"
    );
    let unknown = desk.run(&["banner", "--user", "nobody"]);
    assert_eq!(unknown.status.code(), Some(0));
    assert_eq!(stdout(&unknown), "desk: 1 new, 0 in progress\n");
}

#[test]
fn banner_never_prints_escape_sequences_from_stored_text() {
    let desk = Desk::new();
    desk.open_at(NOW, "Evil subject", &[]);
    // desk refuses control characters in subjects; text written by another
    // client (or an older import) must still be shown safely.
    let conn = rusqlite::Connection::open(desk.db()).unwrap();
    conn.execute("UPDATE tickets SET subject = 'Evil \u{1b}[2J subject'", [])
        .unwrap();
    drop(conn);
    let banner = desk.ok(&["banner"]);
    assert!(!banner.contains('\u{1b}'), "{banner:?}");
    assert!(banner.contains("Evil ^[[2J subject"), "{banner}");
}

#[test]
fn banner_never_writes_to_the_database() {
    let desk = Desk::new();
    desk.open_at(NOW, "Broken invoice", &[]);
    let files = |desk: &Desk| -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = std::fs::read_dir(desk.home())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect();
        files.sort();
        files
    };
    // A checkpoint first, so that the main file holds everything.
    let conn = rusqlite::Connection::open(desk.db()).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    drop(conn);
    let before = files(&desk);
    let banner = desk.ok(&["banner"]);
    assert!(banner.contains("Broken invoice"));
    let after: Vec<_> = files(&desk)
        .into_iter()
        .filter(|(name, bytes)| {
            !(name.ends_with("-shm") || name.ends_with("-wal") && bytes.is_empty())
        })
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(name, bytes)| {
            !(name.ends_with("-shm") || name.ends_with("-wal") && bytes.is_empty())
        })
        .collect();
    assert_eq!(before, after);
}

#[test]
fn banner_on_a_file_that_is_not_a_desk_database_prints_nothing() {
    let desk = Desk::empty();
    std::fs::write(desk.db(), "not a database at all, just text\n".repeat(100)).unwrap();
    let out = desk.run(&["banner"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    let verbose = desk.run(&["banner", "--verbose"]);
    assert_eq!(verbose.status.code(), Some(0));
    assert!(!stderr(&verbose).is_empty());

    let other = Desk::empty();
    let conn = rusqlite::Connection::open(other.db()).unwrap();
    conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(conn);
    let out = other.run(&["banner", "--always"]);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()));
}

/// Runs the banner while `hold` keeps a lock, and waits at most half a
/// second for it: the banner's promise is to never hold up a login.
fn banner_while_locked(desk: &Desk) -> Output {
    let mut child = desk
        .command_at(NOW, &["banner"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_millis(500) {
            child.kill().unwrap();
            panic!("the banner was still waiting after half a second");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn banner_reads_past_a_writer_holding_the_write_lock() {
    let desk = Desk::new();
    desk.open_at(NOW, "Broken invoice", &[]);
    let writer = rusqlite::Connection::open(desk.db()).unwrap();
    writer
        .execute_batch("BEGIN IMMEDIATE; UPDATE users SET name = 'Anna' WHERE login = 'anna';")
        .unwrap();
    let out = banner_while_locked(&desk);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).starts_with("desk: 1 new, 0 in progress"),
        "{}",
        stdout(&out)
    );
    writer.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn banner_gives_up_on_a_locked_database_with_one_line() {
    let desk = Desk::new();
    desk.open_at(NOW, "Broken invoice", &[]);
    // An exclusive-mode writer shuts out readers, even under WAL.
    let writer = rusqlite::Connection::open(desk.db()).unwrap();
    writer
        .execute_batch(
            "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE;
             UPDATE users SET name = 'Anna' WHERE login = 'anna';",
        )
        .unwrap();
    let out = banner_while_locked(&desk);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "desk: the ticket database is busy; run `desk banner` again in a moment\n"
    );
    assert_eq!(stderr(&out), "");
    writer.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn many_banners_at_once_beside_a_writer_all_succeed_quietly() {
    let desk = Desk::new();
    let id = desk.open_at(NOW, "Broken invoice", &[]).to_string();
    let banners: Vec<_> = (0..16)
        .map(|_| {
            desk.command_at(NOW, &["banner"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let writer = desk.run(&["ticket", "log", &id, "równolegle"]);
    assert!(writer.status.success(), "{}", stderr(&writer));
    for banner in banners {
        let out = banner.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!text.to_lowercase().contains("locked"), "{text}");
        // Before the log the ticket is new, after it in progress.
        let before = text.starts_with("desk: 1 new, 0 in progress; anna has 1 pending:");
        let after = text.starts_with("desk: 0 new, 1 in progress; anna has 1 pending:");
        assert!(before || after, "{text}");
    }
}

#[test]
fn banner_colours_only_when_asked() {
    let desk = Desk::new();
    desk.open_at(NOW, "Broken invoice", &["--due", "2026-12-01"]);
    let plain = desk.ok(&["banner"]);
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
    let coloured = desk.ok(&["banner", "--color", "always"]);
    assert!(coloured.contains("\u{1b}[31m1 new"), "{coloured:?}");
    assert!(coloured.contains("overdue"), "{coloured:?}");
}

// --- installing the banner (F24) -----------------------------------------

#[test]
fn banner_install_adds_one_line_and_uninstall_removes_it() {
    let desk = Desk::new();
    let rc = desk.home().join(".bashrc");
    std::fs::write(&rc, "alias ll='ls -l'").unwrap();
    for _ in 0..3 {
        desk.ok(&["banner", "--install"]);
    }
    let count = |rc: &Path| {
        std::fs::read_to_string(rc)
            .unwrap()
            .lines()
            .filter(|l| l.contains("desk banner"))
            .count()
    };
    assert_eq!(count(&rc), 1);
    let text = std::fs::read_to_string(&rc).unwrap();
    assert!(text.starts_with("alias ll='ls -l'\n"), "{text}");
    assert!(!text.contains("--install"));

    // Starting shells neither adds lines nor prints anything without a terminal.
    desk.open_at(NOW, "Broken invoice", &[]);
    for script in ["bash -ic exit", "bash -lc true", "bash -c true"] {
        let out = desk.shell(script).output().unwrap();
        assert_eq!(stdout(&out), "", "{script}");
    }
    assert_eq!(count(&rc), 1);

    desk.ok(&["banner", "--uninstall"]);
    assert_eq!(std::fs::read_to_string(&rc).unwrap(), "alias ll='ls -l'\n");
    assert!(desk.ok(&["banner", "--uninstall"]).contains("was not in"));
}

#[test]
fn banner_install_line_shows_the_banner_on_a_terminal_only() {
    let desk = Desk::new();
    desk.open_at(NOW, "Broken invoice", &[]);
    desk.ok(&["banner", "--install"]);
    // `script` gives the shell a terminal, as a login does.
    let on_tty = desk
        .shell("script -qec 'bash -i -c exit' /dev/null")
        .output()
        .unwrap();
    assert!(
        stdout(&on_tty).contains("Broken invoice"),
        "{}",
        stdout(&on_tty)
    );
    let hushed = desk
        .shell("touch ~/.hushlogin; script -qec 'bash -i -c exit' /dev/null; rm ~/.hushlogin")
        .output()
        .unwrap();
    assert!(!stdout(&hushed).contains("desk"), "{}", stdout(&hushed));
    let opted_out = desk
        .shell("DESK_NO_BANNER=1 script -qec 'bash -i -c exit' /dev/null")
        .output()
        .unwrap();
    assert!(
        !stdout(&opted_out).contains("desk"),
        "{}",
        stdout(&opted_out)
    );
}

// --- the profile.d example -----------------------------------------------

#[test]
fn profile_snippet_runs_only_for_interactive_terminals() {
    let desk = Desk::new();
    desk.open_at(NOW, "Broken invoice", &[]);
    let snippet = repo().join("examples/profile.d/desk.sh");
    let source = format!(". '{}'", snippet.display());
    let quiet = desk.shell(&source).output().unwrap();
    assert_eq!(
        (quiet.status.code(), stdout(&quiet)),
        (Some(0), String::new())
    );
    let piped = desk
        .shell(&format!("sh -ic \"{source}\""))
        .output()
        .unwrap();
    assert_eq!(stdout(&piped), "", "interactive, but not on a terminal");
    let login = format!("script -qec \"sh -ic \\\"{source}\\\"\" /dev/null");
    let shown = desk.shell(&login).output().unwrap();
    assert!(
        stdout(&shown).contains("desk: 1 new, 0 in progress"),
        "{}",
        stdout(&shown)
    );
    let hushed = desk
        .shell(&format!("touch ~/.hushlogin; {login}"))
        .output()
        .unwrap();
    assert!(!stdout(&hushed).contains("desk:"), "{}", stdout(&hushed));
    let opted = desk
        .shell(&format!("rm -f ~/.hushlogin; DESK_NO_BANNER=1 {login}"))
        .output()
        .unwrap();
    assert!(!stdout(&opted).contains("desk:"), "{}", stdout(&opted));
}

// --- reminders ------------------------------------------------------------

#[test]
fn remind_without_a_database_fails_loudly() {
    let desk = Desk::empty();
    for args in [&["remind"][..], &["remind", "--new"], &["remind", "--json"]] {
        let out = desk.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(stdout(&out), "");
        assert!(stderr(&out).contains("no database"), "{}", stderr(&out));
    }
    assert!(!desk.db().exists());
}

#[test]
fn remind_fails_loudly_on_a_file_that_is_not_a_database() {
    let desk = Desk::empty();
    std::fs::write(desk.db(), "garbage ".repeat(1000)).unwrap();
    let out = desk.run(&["remind"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert!(!stderr(&out).is_empty());
}

#[test]
fn remind_is_silent_when_nothing_needs_attention() {
    let desk = Desk::new();
    desk.open_at(NOW, "Fresh", &[]);
    for args in [&["remind"][..], &["remind", "--json"], &["remind", "--new"]] {
        let out = desk.run(args);
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(stdout(&out), "", "{args:?}");
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}

#[test]
fn remind_first_response_uses_the_class_target_or_the_default() {
    let desk = Desk::new();
    desk.ok(&["class", "edit", "payments", "--first-response", "4h"]);
    let show = desk.ok(&["class", "show", "payments"]);
    assert!(show.contains("first response: 4h"), "{show}");
    assert!(
        desk.ok(&["class", "show", "orders"])
            .contains("first response: 1d (default)")
    );
    let class = desk.json_at(NOW, &["class", "show", "payments"]);
    assert_eq!(class["first_response"], 4 * 3600);

    let payment = desk.open_at(NOW, "Invoice", &["--class", "payments"]);
    let order = desk.open_at(NOW, "Parcel", &["--class", "orders"]);
    // Exactly at the target nothing is late; a second later it is.
    assert_eq!(remind_facts(&desk, "2026-12-04T14:00:00Z", &[]), []);
    assert_eq!(
        remind_facts(&desk, "2026-12-04T14:00:01Z", &[]),
        [fact("anna", payment, "first_response")]
    );
    assert_eq!(
        remind_facts(&desk, "2026-12-05T10:00:00Z", &[]),
        [fact("anna", payment, "first_response")]
    );
    assert_eq!(
        remind_facts(&desk, "2026-12-05T10:00:01Z", &[]),
        [
            fact("anna", payment, "first_response"),
            fact("anna", order, "first_response")
        ]
    );
    // Activity answers it.
    desk.ok_at(
        "2026-12-05T11:00:00Z",
        &["ticket", "log", &payment.to_string(), "paid"],
    );
    assert_eq!(
        remind_facts(&desk, "2026-12-05T11:00:00Z", &[]),
        [fact("anna", order, "first_response")]
    );
}

#[test]
fn remind_stale_uses_the_resolve_target_or_the_stale_option() {
    let desk = Desk::new();
    desk.ok(&["class", "edit", "complaints", "--resolve", "2d"]);
    let complaint = desk.open_at(NOW, "Broken", &[]);
    let order = desk.open_at(NOW, "Parcel", &["--class", "orders"]);
    desk.ok(&["ticket", "log", &complaint.to_string(), "looked"]);
    desk.ok(&["ticket", "log", &order.to_string(), "looked"]);
    assert_eq!(remind_facts(&desk, "2026-12-06T10:00:00Z", &[]), []);
    assert_eq!(
        remind_facts(&desk, "2026-12-06T10:00:01Z", &[]),
        [fact("anna", complaint, "stale")]
    );
    // The default resolve target is seven days.
    assert_eq!(
        remind_facts(&desk, "2026-12-11T10:00:01Z", &[]),
        [
            fact("anna", complaint, "stale"),
            fact("anna", order, "stale")
        ]
    );
    // --stale replaces every class's target.
    assert_eq!(
        remind_facts(&desk, "2026-12-04T13:00:00Z", &["--stale", "3h"]),
        []
    );
    assert_eq!(
        remind_facts(&desk, "2026-12-04T13:00:01Z", &["--stale", "3h"]),
        [
            fact("anna", complaint, "stale"),
            fact("anna", order, "stale")
        ]
    );
    // Any entry, not only activity, resets the clock.
    desk.ok_at(
        "2026-12-04T12:00:00Z",
        &["ticket", "due", &order.to_string(), "2027-01-31"],
    );
    assert_eq!(
        remind_facts(&desk, "2026-12-04T13:00:01Z", &["--stale", "3h"]),
        [fact("anna", complaint, "stale")]
    );
    let bad = desk.run(&["remind", "--stale", "soon"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn remind_overdue_at_exact_boundaries_of_days_and_instants() {
    let desk = Desk::new();
    let by_day = desk.open_at(NOW, "By Monday", &["--due", "2026-12-07"]);
    let by_hour = desk.open_at(NOW, "By two", &["--due", "2026-12-07 14:00"]);
    for id in [by_day, by_hour] {
        desk.ok(&["ticket", "log", &id.to_string(), "on it"]);
    }
    let overdue = |now| {
        remind_facts(&desk, now, &["--stale", "52w"])
            .into_iter()
            .filter(|(_, _, reason)| reason == "overdue")
            .map(|(_, id, _)| id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        overdue("2026-12-07T23:59:59Z"),
        [by_hour],
        "a due day lasts all day"
    );
    assert_eq!(overdue("2026-12-07T14:00:00Z"), Vec::<i64>::new());
    assert_eq!(overdue("2026-12-07T14:00:01Z"), [by_hour]);
    assert_eq!(overdue("2026-12-08T00:00:00Z"), [by_day, by_hour]);
    let json = desk.json_at("2026-12-08T00:00:00Z", &["remind", "--stale", "52w"]);
    let since: Vec<&str> = json[0]["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["since"].as_str().unwrap())
        .collect();
    assert_eq!(since, ["2026-12-08T00:00:00Z", "2026-12-07T14:00:00Z"]);
    // Closed tickets are never overdue.
    desk.ok(&["ticket", "close", &by_day.to_string()]);
    assert_eq!(overdue("2026-12-08T00:00:00Z"), [by_hour]);
}

#[test]
fn remind_groups_by_owner_and_filters_by_user() {
    let desk = Desk::new();
    desk.ok(&["user", "add", "bob", "--email", "bob@example.com"]);
    desk.ok(&["user", "add", "cecile"]);
    let bobs = desk.open_at(NOW, "Bob's", &["--owner", "bob"]);
    let annas = desk.open_at(NOW, "Anna's", &[]);
    let bobs_too = desk.open_at(
        NOW,
        "Bob's too",
        &["--owner", "bob", "--due", "2026-12-04 12:00"],
    );
    let later = "2026-12-06T10:00:00Z";
    let report = desk.json_at(later, &["remind"]);
    let owners: Vec<&str> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["owner"].as_str().unwrap())
        .collect();
    assert_eq!(owners, ["anna", "bob"]);
    assert_eq!(report[1]["email"], "bob@example.com");
    assert_eq!(report[0]["email"], Value::Null);
    assert_eq!(
        facts(&report),
        [
            fact("anna", annas, "first_response"),
            fact("bob", bobs, "first_response"),
            fact("bob", bobs_too, "first_response"),
            fact("bob", bobs_too, "overdue"),
        ]
    );
    let only_bob = remind_facts(&desk, later, &["--user", "bob"]);
    assert_eq!(only_bob.len(), 3);
    assert!(only_bob.iter().all(|(owner, _, _)| owner == "bob"));
    assert_eq!(desk.ok_at(later, &["remind", "--user", "cecile"]), "");
    assert_eq!(
        desk.run(&["remind", "--user", "nobody"]).status.code(),
        Some(3)
    );

    let text = desk.ok_at(later, &["remind"]);
    let expected = format!(
        "anna: 1 ticket needs attention
  #{annas} Anna's (ACME, new, complaints)
     no first response: opened 2d ago, target 1d

bob: 2 tickets need attention
  #{bobs} Bob's (ACME, new, complaints)
     no first response: opened 2d ago, target 1d
  #{bobs_too} Bob's too (ACME, new, complaints)
     no first response: opened 2d ago, target 1d
     overdue: due 2026-12-04 12:00
"
    );
    assert_eq!(text, expected);
}

#[test]
fn remind_json_has_a_stable_shape() {
    let desk = Desk::new();
    let id = desk.open_at(NOW, "Broken invoice", &["--due", "2026-12-05"]);
    let report = desk.json_at("2026-12-06T10:00:00Z", &["remind"]);
    let group = &report[0];
    let keys: Vec<&String> = group.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["owner", "name", "email", "reminders"]);
    let first = &group["reminders"][0];
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["reason", "since", "target", "ticket"]);
    assert_eq!(first["reason"], "first_response");
    assert_eq!(first["since"], "2026-12-05T10:00:00Z");
    assert_eq!(first["target"], 86_400);
    assert_eq!(first["ticket"]["id"], id);
    assert_eq!(first["ticket"]["state"], "new");
    assert_eq!(first["ticket"]["customer"]["name"], "ACME");
    assert_eq!(first["ticket"]["opened_at"], NOW);
    let overdue = &group["reminders"][1];
    assert_eq!(overdue["reason"], "overdue");
    assert_eq!(overdue["target"], Value::Null);
    assert_eq!(overdue["since"], "2026-12-06T00:00:00Z");
    assert_eq!(overdue["ticket"]["due"], "2026-12-05");
    let csv = desk.run(&["remind", "--format", "csv"]);
    assert_eq!(csv.status.code(), Some(2));
}

#[test]
fn remind_new_reports_each_fact_once_until_it_arises_anew() {
    let desk = Desk::new();
    desk.ok(&["user", "add", "bob"]);
    let id = desk.open_at(NOW, "Broken invoice", &["--due", "2026-12-05"]);
    let ticket = id.to_string();
    let new = |now| remind_facts(&desk, now, &["--new"]);

    assert_eq!(new(NOW), []);
    // The machine was down for days: the first run catches up at once.
    assert_eq!(
        new("2026-12-09T10:00:00Z"),
        [
            fact("anna", id, "first_response"),
            fact("anna", id, "overdue")
        ]
    );
    assert_eq!(new("2026-12-09T11:00:00Z"), []);
    // Plain remind still says everything, and records nothing.
    assert_eq!(remind_facts(&desk, "2026-12-09T11:00:00Z", &[]).len(), 2);

    desk.ok_at(
        "2026-12-09T12:00:00Z",
        &["ticket", "log", &ticket, "working"],
    );
    assert_eq!(new("2026-12-16T12:00:00Z"), []);
    assert_eq!(new("2026-12-16T12:00:01Z"), [fact("anna", id, "stale")]);
    assert_eq!(new("2026-12-17T12:00:00Z"), []);

    // A new due date is a new fact; so is a reopened ticket still overdue.
    desk.ok_at(
        "2026-12-17T12:00:00Z",
        &["ticket", "due", &ticket, "2026-12-18"],
    );
    assert_eq!(new("2026-12-19T10:00:00Z"), [fact("anna", id, "overdue")]);
    desk.ok_at("2026-12-19T11:00:00Z", &["ticket", "close", &ticket]);
    assert_eq!(new("2026-12-19T12:00:00Z"), []);
    desk.ok_at("2026-12-19T13:00:00Z", &["ticket", "reopen", &ticket]);
    assert_eq!(new("2026-12-19T14:00:00Z"), [fact("anna", id, "overdue")]);
    assert_eq!(new("2026-12-19T15:00:00Z"), []);

    // A new owner has not been told.
    desk.ok_at(
        "2026-12-19T16:00:00Z",
        &["ticket", "assign", &ticket, "bob"],
    );
    assert_eq!(new("2026-12-19T17:00:00Z"), [fact("bob", id, "overdue")]);

    // Values that come back are news again: bob to carol and back to bob,
    // a due date moved away and back while still overdue.
    desk.ok(&["user", "add", "carol"]);
    desk.ok_at(
        "2026-12-19T17:10:00Z",
        &["ticket", "assign", &ticket, "carol"],
    );
    desk.ok_at(
        "2026-12-19T17:20:00Z",
        &["ticket", "assign", &ticket, "bob"],
    );
    assert_eq!(new("2026-12-19T17:30:00Z"), [fact("bob", id, "overdue")]);
    desk.ok_at(
        "2026-12-19T17:40:00Z",
        &["ticket", "due", &ticket, "2026-12-30"],
    );
    desk.ok_at(
        "2026-12-19T17:50:00Z",
        &["ticket", "due", &ticket, "2026-12-18"],
    );
    assert_eq!(new("2026-12-19T17:55:00Z"), [fact("bob", id, "overdue")]);
    assert_eq!(new("2026-12-19T17:56:00Z"), []);

    // --user reports and records only that user's facts.
    let annas = desk.open_at("2026-12-19T17:00:00Z", "Anna's", &[]);
    let bobs = desk.open_at("2026-12-19T17:00:00Z", "Bob's", &["--owner", "bob"]);
    let later = "2026-12-21T17:00:00Z";
    assert_eq!(
        remind_facts(&desk, later, &["--new", "--user", "bob"]),
        [fact("bob", bobs, "first_response")]
    );
    assert_eq!(new(later), [fact("anna", annas, "first_response")]);
}

#[test]
fn remind_new_keeps_what_it_reported_out_of_the_history() {
    let desk = Desk::new();
    let id = desk.open_at(NOW, "Broken invoice", &[]);
    let before = desk.json_at(NOW, &["ticket", "show", &id.to_string()]);
    assert!(
        !desk
            .ok_at("2026-12-09T10:00:00Z", &["remind", "--new"])
            .is_empty()
    );
    let after = desk.json_at("2026-12-09T10:00:00Z", &["ticket", "show", &id.to_string()]);
    assert_eq!(before, after);
    desk.ok(&["verify"]);
    let conn = rusqlite::Connection::open(desk.db()).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM reminded", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
}

// --- due dates and list filters at their boundaries ----------------------

#[test]
fn due_dates_accept_relative_and_absolute_forms() {
    let desk = Desk::new();
    let id = desk.open_at(NOW, "Broken invoice", &["--due", "tomorrow"]);
    let ticket = id.to_string();
    let due = |when: &str| {
        let changed = desk.json_at(NOW, &["ticket", "due", &ticket, when]);
        changed["due"].clone()
    };
    let shown = desk.json_at(NOW, &["ticket", "show", &ticket]);
    assert_eq!(shown["due"], "2026-12-05");
    assert_eq!(due("today"), "2026-12-04");
    assert_eq!(due("2026-12-10"), "2026-12-10");
    assert_eq!(due("2026-12-10 14:00"), "2026-12-10T14:00:00Z");
    assert_eq!(due("monday"), "2026-12-07");
    assert_eq!(due("+3d"), "2026-12-07T10:00:00Z");
    assert_eq!(due("2w"), "2026-12-18T10:00:00Z");
    assert_eq!(due("4h"), "2026-12-04T14:00:00Z");
    assert_eq!(due("none"), Value::Null);
    let bad = desk.run(&["ticket", "due", &ticket, "someday"]);
    assert_eq!(bad.status.code(), Some(2));
    let line = desk.ok(&["ticket", "due", &ticket, "2026-12-10"]);
    assert!(line.contains("due 2026-12-10 Thu"), "{line}");
}

fn listed(desk: &Desk, now: &str, args: &[&str]) -> Vec<i64> {
    let mut all = vec!["ticket", "list"];
    all.extend(args);
    desk.json_at(now, &all)
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn list_overdue_and_stale_at_exact_boundaries() {
    let desk = Desk::new();
    let by_day = desk.open_at(NOW, "By Monday", &["--due", "2026-12-07"]);
    let by_hour = desk.open_at(NOW, "By two", &["--due", "2026-12-07 14:00"]);
    let free = desk.open_at("2026-12-04T11:00:00Z", "No due", &[]);
    let overdue = |now| listed(&desk, now, &["--overdue", "--sort", "id"]);
    assert_eq!(overdue("2026-12-07T14:00:00Z"), Vec::<i64>::new());
    assert_eq!(overdue("2026-12-07T14:00:01Z"), [by_hour]);
    assert_eq!(overdue("2026-12-07T23:59:59Z"), [by_hour]);
    assert_eq!(overdue("2026-12-08T00:00:00Z"), [by_day, by_hour]);

    let stale = |now| listed(&desk, now, &["--stale", "1d", "--sort", "id"]);
    assert_eq!(stale("2026-12-05T10:00:00Z"), Vec::<i64>::new());
    assert_eq!(stale("2026-12-05T10:00:01Z"), [by_day, by_hour]);
    assert_eq!(stale("2026-12-05T11:00:01Z"), [by_day, by_hour, free]);
    desk.ok(&["ticket", "close", &by_day.to_string()]);
    assert_eq!(stale("2026-12-05T11:00:01Z"), [by_hour, free]);
    assert_eq!(overdue("2026-12-08T00:00:00Z"), [by_hour]);
}

// --- the cron and jq examples ----------------------------------------------

fn has(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        eprintln!("skipped: {tool} is not installed");
    }
    found
}

/// A desk where anna and bob have something to be reminded of.
fn reminded_desk() -> (Desk, i64, i64) {
    let desk = Desk::new();
    desk.ok(&["user", "add", "bob", "--email", "bob@example.com"]);
    desk.ok(&["user", "add", "cecile"]);
    let annas = desk.open_at(
        "2026-12-01T10:00:00Z",
        "Anna's \"quoted\", case",
        &["--due", "2026-12-02"],
    );
    let bobs = desk.open_at("2026-12-01T10:00:00Z", "Bob's", &["--owner", "bob"]);
    (desk, annas, bobs)
}

#[test]
fn cron_script_mails_each_owner_once() {
    assert!(has("jq"), "the examples need jq (.ci/run installs it)");
    let (desk, annas, bobs) = reminded_desk();
    let mailer = desk.home().join("mailer");
    std::fs::write(
        &mailer,
        "#!/bin/sh\n{ printf 'TO %s SUBJECT %s\\n' \"$3\" \"$2\"; cat; } >> \"$HOME/mailbox\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&mailer, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let script = repo().join("examples/cron/desk-remind-mail");
    let run = format!("MAILER='{}' '{}'", mailer.display(), script.display());
    let out = desk.shell(&run).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "cron mails any output");
    let mailbox = std::fs::read_to_string(desk.home().join("mailbox")).unwrap();
    assert!(
        mailbox.starts_with(
            "TO anna SUBJECT desk: tickets that need attention\nanna: 1 ticket needs attention\n"
        ),
        "{mailbox}"
    );
    assert!(mailbox.contains(&format!("  #{annas} Anna's")), "{mailbox}");
    assert!(
        mailbox.contains(
            "TO bob@example.com SUBJECT desk: tickets that need attention\nbob: 1 ticket"
        ),
        "{mailbox}"
    );
    assert!(mailbox.contains(&format!("  #{bobs} Bob's")), "{mailbox}");
    assert!(!mailbox.contains("cecile"), "{mailbox}");
    // The next hour has nothing new: no mail at all.
    let again = desk.shell(&run).output().unwrap();
    assert!(again.status.success());
    assert_eq!(
        std::fs::read_to_string(desk.home().join("mailbox")).unwrap(),
        mailbox
    );
    // A wrong database path is an error cron mails, not silence.
    let wrong = desk
        .shell(&format!("DESK_DB=/nonexistent/d.db {run}"))
        .output()
        .unwrap();
    assert!(!wrong.status.success());
    assert!(stderr(&wrong).contains("no database"), "{}", stderr(&wrong));
    let crontab = std::fs::read_to_string(repo().join("examples/cron/crontab")).unwrap();
    assert!(
        crontab
            .lines()
            .any(|l| l.contains("desk-remind-mail") && !l.starts_with('#'))
    );
}

#[test]
fn jq_examples_turn_reminders_into_messages_and_tables() {
    assert!(has("jq"), "the examples need jq (.ci/run installs it)");
    let (desk, annas, bobs) = reminded_desk();
    let example = |name: &str| {
        let path = repo().join("examples/jq").join(name);
        let out = desk
            .shell(&format!("'{}'", path.display()))
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        stdout(&out)
    };
    let chat: Value = serde_json::from_str(&example("overdue-chat.sh")).unwrap();
    assert_eq!(
        chat["text"],
        format!(
            "Overdue tickets of anna:\n• #{annas} Anna's \"quoted\", case (ACME), due 2026-12-02"
        )
    );
    assert_eq!(
        example("reminders-by-owner.sh"),
        "anna\t1\t0\t1\nbob\t1\t0\t0\n"
    );
    assert_eq!(
        example("reminders-csv.sh"),
        format!(
            "\"owner\",\"ticket\",\"reason\",\"since\",\"customer\",\"subject\"\n\
             \"anna\",{annas},\"first_response\",\"2026-12-02T10:00:00Z\",\"ACME\",\"Anna's \"\"quoted\"\", case\"\n\
             \"anna\",{annas},\"overdue\",\"2026-12-03T00:00:00Z\",\"ACME\",\"Anna's \"\"quoted\"\", case\"\n\
             \"bob\",{bobs},\"first_response\",\"2026-12-02T10:00:00Z\",\"ACME\",\"Bob's\"\n"
        )
    );
    // Nothing overdue: no message at all.
    desk.ok(&["ticket", "due", &annas.to_string(), "none"]);
    assert_eq!(example("overdue-chat.sh"), "");
}

// --- a larger database (F23) -----------------------------------------------

/// Fills a fresh desk with 2,000 customers, `tickets` tickets (every tenth
/// pending) and four entries each, straight through SQL, keeping the schema's triggers: the
/// tally counts as it goes and each entry extends its ticket's chain.
fn seed(desk: &Desk, tickets: i64, owners: i64) {
    let mut conn = rusqlite::Connection::open(desk.db()).unwrap();
    let tx = conn.transaction().unwrap();
    for n in 0..owners {
        tx.execute(
            "INSERT INTO users (login, created_at) VALUES (?1, ?2)",
            (format!("user{n}"), NOW),
        )
        .unwrap();
    }
    for n in 0..2_000 {
        tx.execute(
            "INSERT INTO customers (name, fold, created_at) VALUES (?1, ?1, ?2)",
            (format!("customer {n}"), NOW),
        )
        .unwrap();
    }
    let zeros = "0".repeat(64);
    for id in 1..=tickets {
        let state = match id % 20 {
            0 => "new",
            10 => "in_progress",
            _ => "closed",
        };
        let owner = 2 + (id / 10) % owners;
        let at = format!(
            "2026-{:02}-{:02}T{:02}:00:00Z",
            1 + id % 11,
            1 + id % 28,
            id % 24
        );
        tx.execute(
            "INSERT INTO tickets (id, subject, class_id, customer_id, channel, owner_id, state,
                 opened_at, opened_by, last_entry_at, last_seq)
             VALUES (?1, ?2, 1 + ?1 % 5, 1 + ?1 % 2000, 'phone', ?3, ?4, ?5, 1, ?5, 4)",
            (id, format!("case {id}"), owner, state, &at),
        )
        .unwrap();
        let mut prev = zeros.clone();
        for seq in 1..=4 {
            let hash = format!("{:060}{seq:04}", id);
            tx.execute(
                "INSERT INTO entries (ticket_id, seq, kind, text, author_id, os_user, at,
                     recorded_at, prev_hash, hash)
                 VALUES (?1, ?2, 'activity', 'x', 1, 'anna', ?3, ?3, ?4, ?5)",
                (id, seq, &at, &prev, &hash),
            )
            .unwrap();
            prev = hash;
        }
    }
    tx.commit().unwrap();
}

#[test]
fn banner_figures_on_a_seeded_database_match_a_count_and_use_indexes() {
    let desk = Desk::new();
    seed(&desk, 20_000, 40);
    let conn = rusqlite::Connection::open(desk.db()).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let new = count("SELECT count(*) FROM tickets WHERE state = 'new'");
    let active = count("SELECT count(*) FROM tickets WHERE state = 'in_progress'");
    let mine = count(
        "SELECT count(*) FROM tickets t JOIN users u ON u.id = t.owner_id
         WHERE u.login = 'user7' AND t.state <> 'closed'",
    );
    assert!(new > 0 && active > 0 && mine > 5);
    let banner = desk.ok(&["banner", "--user", "user7"]);
    let first = banner.lines().next().unwrap();
    assert_eq!(
        first,
        format!("desk: {new} new, {active} in progress; user7 has {mine} pending:")
    );
    assert!(banner.ends_with(&format!(
        "… and {} more: desk ticket list --owner user7\n",
        mine - 5
    )));
    // The newest five, in the order a full sort gives.
    let mut stmt = conn
        .prepare(
            "SELECT t.id FROM tickets t JOIN users u ON u.id = t.owner_id
             WHERE u.login = 'user7' AND t.state <> 'closed'
             ORDER BY t.last_entry_at DESC, t.id DESC LIMIT 5",
        )
        .unwrap();
    let expected: Vec<String> = stmt
        .query_map([], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|id| format!("#{}", id.unwrap()))
        .collect();
    let shown: Vec<String> = banner
        .lines()
        .skip(1)
        .take(5)
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert_eq!(shown, expected);

    // With statistics gathered, the planner still reads only the indexes.
    conn.execute_batch("ANALYZE").unwrap();
    let plan = |sql: &str| -> Vec<String> {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        stmt.query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let newest = plan(
        "SELECT t.id, t.state, cu.name, t.subject, t.opened_at, t.due
         FROM tickets t JOIN customers cu ON cu.id = t.customer_id
         WHERE t.owner_id = 9 AND t.state <> 'closed'
         ORDER BY t.last_entry_at DESC, t.id DESC LIMIT 5",
    );
    assert_eq!(
        newest[0],
        "SEARCH t USING INDEX tickets_pending_by_owner (owner_id=?)"
    );
    assert!(
        newest
            .iter()
            .all(|s| !s.starts_with("SCAN") && !s.contains("TEMP B-TREE")),
        "{newest:?}"
    );
    let tally =
        plan("SELECT state, n FROM tally WHERE owner_id = 0 AND state IN ('new', 'in_progress')");
    assert_eq!(
        tally,
        ["SEARCH tally USING PRIMARY KEY (owner_id=? AND state=?)"]
    );

    // remind reads the same database without complaint.
    let report = desk.json_at("2027-06-01T00:00:00Z", &["remind", "--user", "user7"]);
    assert_eq!(facts(&report).len() as i64, mine);
}
