//! A small harness: a temporary folder with its own database, and the real
//! binary run in a clean environment with a pinned clock and zone.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_desk");

pub struct Desk {
    pub dir: TempDir,
    pub db: PathBuf,
    pub user: String,
    pub now: Option<String>,
    pub tz: String,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Desk {
    /// A folder with no database yet.
    pub fn empty() -> Desk {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let db = dir.path().join("desk.db");
        Desk {
            dir,
            db,
            user: "anna".into(),
            now: None,
            tz: "UTC".into(),
        }
    }

    /// A database made by `desk init`, with anna as its administrator.
    pub fn new() -> Desk {
        let desk = Desk::empty();
        desk.ok(&["init"]);
        desk
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The command, ready to run in a clean environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args);
        self.environment(&mut cmd);
        cmd
    }

    /// A shell line run with the same environment; in it, `"$0"` is desk.
    pub fn shell(&self, line: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(line).arg(BIN);
        self.environment(&mut cmd);
        cmd
    }

    fn environment(&self, cmd: &mut Command) {
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path())
            .env("TMPDIR", self.path())
            .env("DESK_DB", &self.db)
            .env("DESK_USER", &self.user)
            .env("TZ", &self.tz)
            .stdin(Stdio::null());
        if let Some(now) = &self.now {
            cmd.env("DESK_NOW", now);
        }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        finish(self.command(args).output().expect("desk runs"))
    }

    pub fn run_as(&self, user: &str, args: &[&str]) -> Run {
        finish(
            self.command(args)
                .env("DESK_USER", user)
                .output()
                .expect("desk runs"),
        )
    }

    /// Runs and requires success; returns standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(run.code, 0, "desk {args:?} failed: {}", run.stderr);
        run.stdout
    }

    /// Runs and requires the exit code; returns standard error.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let run = self.run(args);
        assert_eq!(
            run.code, code,
            "desk {args:?}: stdout {} stderr {}",
            run.stdout, run.stderr
        );
        assert!(
            !run.stderr.is_empty(),
            "desk {args:?} failed without a message"
        );
        run.stderr
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|err| panic!("{args:?}: {err}: {out}"))
    }

    /// Opens a ticket for ACME in complaints; returns its id.
    pub fn open(&self, subject: &str) -> i64 {
        let ticket = self.json(&[
            "ticket",
            "open",
            subject,
            "--class",
            "complaints",
            "--customer",
            "ACME",
        ]);
        ticket["id"].as_i64().expect("an id")
    }

    pub fn ticket(&self, id: i64) -> Value {
        self.json(&["ticket", "show", &id.to_string()])
    }

    /// The texts of a ticket's entries, in order.
    pub fn texts(&self, id: i64) -> Vec<String> {
        let ticket = self.ticket(id);
        let entries = ticket["entries"].as_array().expect("entries");
        entries
            .iter()
            .map(|e| e["text"].as_str().unwrap().to_string())
            .collect()
    }

    /// A direct connection to the file, as any other SQLite client has.
    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("the database opens")
    }

    /// Changes the file behind desk's back, as any SQLite client could.
    pub fn tamper(&self, sql: &str) {
        self.sql()
            .execute_batch(sql)
            .expect("the tampering SQL runs");
    }

    /// Puts the file back to schema 1, as the previous desk left it.
    pub fn back_to_schema_1(&self) {
        self.tamper(
            "DROP TABLE reminded; DROP INDEX tickets_new_by_class;
             DROP INDEX tickets_active_by_class; PRAGMA user_version = 1;",
        );
    }

    /// Runs `desk verify`, which must fail and name every one of `problems`;
    /// returns what it printed.
    pub fn verify_finds(&self, problems: &[&str]) -> String {
        let run = self.run(&["verify"]);
        assert_eq!(run.code, 1, "verify passed: {}", run.stdout);
        for problem in problems {
            assert!(
                run.stdout.contains(problem),
                "{problem:?} not in:\n{}",
                run.stdout
            );
        }
        assert!(
            !run.stdout.contains('\x1b'),
            "verify printed an escape: {:?}",
            run.stdout
        );
        run.stdout
    }

    /// The bytes of the database and its write-ahead log.
    pub fn file_bytes(&self) -> Vec<u8> {
        let mut bytes = std::fs::read(&self.db).unwrap_or_default();
        bytes.extend(std::fs::read(self.db.with_extension("db-wal")).unwrap_or_default());
        bytes
    }

    /// Runs a shell line under a pseudo-terminal of the given width.
    pub fn in_pty(&self, columns: u16, line: &str) -> Run {
        let script = format!("stty cols {columns} rows 50; {line}");
        let mut cmd = Command::new("script");
        cmd.args(["-qec", &script, "/dev/null"])
            .env_clear()
            .env("PATH", pty_path())
            .env("HOME", self.path())
            .env("DESK_DB", &self.db)
            .env("DESK_USER", &self.user)
            .env("TZ", &self.tz)
            .env("TERM", "xterm")
            .stdin(Stdio::null());
        finish(cmd.output().expect("script(1) runs"))
    }
}

/// PATH with the binary's folder first, so a shell line can say `desk`.
fn pty_path() -> String {
    let dir = Path::new(BIN).parent().unwrap().display().to_string();
    format!("{dir}:{}", std::env::var("PATH").unwrap_or_default())
}

fn finish(output: Output) -> Run {
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// The keys of a JSON object, sorted.
pub fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}
