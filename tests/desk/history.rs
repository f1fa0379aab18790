//! The history is append-only in the database itself and tamper-evident.

use sha2::{Digest, Sha256};

use crate::harness::Desk;

#[test]
fn the_database_refuses_to_change_or_delete_an_entry() {
    let desk = Desk::new();
    desk.open("A");
    desk.ok(&["ticket", "log", "1", "first"]);
    let sql = desk.sql();
    let update = sql.execute("UPDATE entries SET text = 'forged' WHERE seq = 2", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sql.execute("DELETE FROM entries WHERE seq = 2", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    let delete = sql.execute("DELETE FROM tickets", []);
    assert!(delete.is_err(), "tickets are never deleted");
    // An entry that does not extend the chain is refused too.
    let insert = sql.execute(
        "INSERT INTO entries (ticket_id, seq, kind, text, author_id, os_user, at, recorded_at,
             prev_hash, hash)
         VALUES (1, 3, 'activity', 'x', 1, 'x', 'x', 'x', 'bad', 'bad')",
        [],
    );
    assert!(insert.unwrap_err().to_string().contains("hash chain"));
    assert_eq!(desk.texts(1), ["A", "first"]);
    desk.ok(&["verify"]);
}

fn field(hasher: &mut Sha256, value: &str) {
    hasher.update((value.len() as u64).to_be_bytes());
    hasher.update(value.as_bytes());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash as the README documents it, computed independently of desk.
fn documented_hash(prev: &str, ticket: i64, e: &serde_json::Value) -> String {
    let text_hash = hex(&Sha256::digest(e["text"].as_str().unwrap().as_bytes()));
    let corrects = e["corrects"]
        .as_i64()
        .map(|c| c.to_string())
        .unwrap_or_default();
    let internal = if e["internal"].as_bool().unwrap() {
        "1"
    } else {
        "0"
    };
    let mut hasher = Sha256::new();
    hasher.update(b"desk-entry-v1");
    for value in [
        prev,
        &ticket.to_string(),
        &e["seq"].to_string(),
        e["at"].as_str().unwrap(),
        e["recorded_at"].as_str().unwrap(),
        e["author"].as_str().unwrap(),
        e["os_user"].as_str().unwrap(),
        e["kind"].as_str().unwrap(),
        internal,
        &corrects,
        &text_hash,
    ] {
        field(&mut hasher, value);
    }
    hex(&hasher.finalize())
}

#[test]
fn a_fresh_ticket_has_a_hash_chain_that_anyone_can_recompute() {
    let desk = Desk::new();
    desk.open("Kettle leaks");
    desk.ok(&["ticket", "log", "1", "Pick-up agreed", "--internal"]);
    desk.ok(&[
        "ticket",
        "log",
        "1",
        "Pick-up on Tuesday",
        "--corrects",
        "2",
    ]);
    desk.ok(&["ticket", "close", "1"]);
    let entries = desk.ticket(1)["entries"].as_array().unwrap().clone();
    let mut prev = "0".repeat(64);
    for entry in &entries {
        let hash = documented_hash(&prev, 1, entry);
        assert_eq!(entry["hash"], hash.as_str(), "entry {}", entry["seq"]);
        prev = hash;
    }
    assert_eq!(entries.len(), 4);
}

#[test]
fn verify_names_each_ticket_and_entry_changed_behind_its_back() {
    let desk = Desk::new();
    desk.open("A");
    desk.open("B");
    for text in ["one", "two", "three"] {
        desk.ok(&["ticket", "log", "1", text]);
        desk.ok(&["ticket", "log", "2", text]);
    }
    let verified = desk.ok(&["verify"]);
    assert!(verified.starts_with("ok"));

    // Whoever can write the file can drop the triggers; verify still sees it.
    desk.tamper(
        "DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;
         UPDATE entries SET text = 'forged' WHERE ticket_id = 1 AND seq = 3;
         DELETE FROM entries WHERE ticket_id = 2 AND seq = 4;",
    );
    let found = desk.verify_finds(&[
        "ticket 1 entry 3: its content no longer matches",
        "ticket 2: its row records 4 entries, the history holds 3",
    ]);
    assert!(
        !found.contains("ticket 1 entry 2"),
        "only the changed entry is named"
    );
    assert!(desk.run(&["verify"]).stderr.contains("problem"));
}

#[test]
fn verify_notices_an_entry_removed_from_the_middle() {
    let desk = Desk::new();
    desk.open("A");
    desk.ok(&["ticket", "log", "1", "one"]);
    desk.ok(&["ticket", "log", "1", "two"]);
    desk.tamper("DROP TRIGGER entries_no_delete; DELETE FROM entries WHERE seq = 2;");
    desk.verify_finds(&[
        "ticket 1 entry 3: expected entry 2",
        "ticket 1 entry 3: does not link",
    ]);
}

#[test]
fn each_entry_records_the_operating_system_login_beside_the_acting_user() {
    let desk = Desk::new();
    desk.open("A");
    let entry = desk.ticket(1)["entries"][0].clone();
    assert_eq!(entry["author"], "anna");
    let os_user = entry["os_user"].as_str().unwrap();
    assert!(!os_user.is_empty() && os_user != "anna", "{os_user}");
    let uid = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    assert_eq!(os_user, String::from_utf8_lossy(&uid.stdout).trim());
}

#[test]
fn read_commands_never_create_a_database() {
    let desk = Desk::empty();
    for args in [
        &["ticket", "list"][..],
        &["ticket", "show", "1"],
        &["user", "list"],
        &["class", "list"],
        &["customer", "list"],
        &["verify"],
    ] {
        let err = desk.fails(args, 1);
        assert!(err.contains("desk init"), "{err}");
    }
    // Nor do commands that write: only init creates.
    desk.fails(
        &[
            "ticket",
            "open",
            "A",
            "--class",
            "orders",
            "--customer",
            "X",
        ],
        1,
    );
    assert!(!desk.db.exists());
    assert_eq!(
        std::fs::read_dir(desk.path()).unwrap().count(),
        0,
        "no file was left behind"
    );
}

#[test]
fn read_commands_leave_the_file_alone() {
    let desk = Desk::new();
    desk.open("A");
    desk.ok(&["ticket", "log", "1", "x"]);
    let before = desk.file_bytes();
    let version = |sql: &rusqlite::Connection| -> i64 {
        sql.query_row("PRAGMA data_version", [], |r| r.get(0))
            .unwrap()
    };
    let watcher = desk.sql();
    let seen = version(&watcher);
    for args in [
        &["ticket", "list"][..],
        &["ticket", "list", "--all", "--json"],
        &["ticket", "show", "1"],
        &["customer", "show", "ACME"],
        &["user", "list"],
        &["class", "show", "orders"],
        &["verify"],
    ] {
        desk.ok(args);
    }
    assert_eq!(version(&watcher), seen, "another connection committed");
    assert_eq!(before, desk.file_bytes());
}

#[test]
fn a_database_from_a_newer_desk_or_another_program_is_refused() {
    let desk = Desk::new();
    desk.sql()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let err = desk.fails(&["ticket", "list"], 1);
    assert!(err.contains("newer desk"), "{err}");

    let other = Desk::empty();
    let sql = rusqlite::Connection::open(&other.db).unwrap();
    sql.execute_batch("CREATE TABLE notes (x)").unwrap();
    drop(sql);
    let err = other.fails(&["init"], 1);
    assert!(err.contains("not a desk database"), "{err}");
    std::fs::write(&other.db, "plain text, not SQLite at all").unwrap();
    other.fails(&["ticket", "list"], 1);
}

#[test]
fn the_file_is_in_wal_mode_with_foreign_keys() {
    let desk = Desk::new();
    let sql = desk.sql();
    let mode: String = sql
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let app: i64 = sql
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, 0x6465_736b);
}

#[test]
fn verify_notices_a_ticket_row_that_disagrees_with_its_history() {
    let desk = Desk::new();
    desk.open("A");
    desk.ok(&["ticket", "log", "1", "one"]);
    desk.tamper("UPDATE tickets SET state = 'closed'");
    desk.verify_finds(&["ticket 1: its row says closed, its history says in progress"]);
}

#[test]
fn verify_replays_each_ticket_row_and_misses_no_ticket() {
    let desk = Desk::new();
    for subject in ["A", "B", "C", "D"] {
        desk.open(subject);
    }
    desk.ok(&["ticket", "log", "2", "x"]);
    desk.ok(&["ticket", "close", "2"]);
    desk.ok(&["verify"]);
    desk.tamper(
        "DROP TRIGGER tickets_are_kept; DROP TRIGGER entries_no_delete;
         UPDATE tickets SET state = 'closed', closed_at = last_entry_at WHERE id = 1;
         UPDATE tickets SET closed_at = '2020-01-01T00:00:00Z' WHERE id = 2;
         DELETE FROM entries WHERE ticket_id IN (3, 4);
         DELETE FROM tickets WHERE id IN (3, 4);",
    );
    desk.verify_finds(&[
        "trigger tickets_are_kept that guards the history is missing",
        "trigger entries_no_delete that guards the history is missing",
        "ticket 1: its row says closed, its history says new",
        "ticket 1: its row gives the closing time as",
        "ticket 2: its row gives the closing time as 2020-01-01T00:00:00Z",
        "tickets 3 to 4: they are missing",
        "the count of everyone's new tickets says 2, there are 0",
    ]);
}

#[test]
fn replacing_rows_cannot_remove_history_or_tickets() {
    let desk = Desk::new();
    desk.open("A");
    desk.ok(&["ticket", "log", "1", "secret promise to refund"]);
    desk.open("B");
    let sql = desk.sql();
    // REPLACE deletes the row it replaces without firing DELETE triggers.
    let replace = sql.execute(
        "INSERT OR REPLACE INTO entries (id, ticket_id, seq, kind, text, author_id, os_user, at,
             recorded_at, prev_hash, hash)
         SELECT 2, 2, 2, 'activity', 'x', 1, 'x', 'x', 'x',
             (SELECT hash FROM entries WHERE ticket_id = 2 AND seq = 1), 'h'",
        [],
    );
    assert!(replace.is_err(), "an entry was replaced");
    let replace = sql.execute(
        "INSERT OR REPLACE INTO tickets SELECT * FROM tickets WHERE id = 1",
        [],
    );
    assert!(replace.is_err(), "a ticket was replaced");
    assert!(
        sql.execute("UPDATE tickets SET id = 9 WHERE id = 2", [])
            .is_err()
    );
    drop(sql);
    assert_eq!(desk.texts(1), ["A", "secret promise to refund"]);
    desk.ok(&["verify"]);
}

#[test]
fn verify_sees_rewritten_guards_and_wrong_counts_and_shows_values_safely() {
    let desk = Desk::new();
    desk.open("A");
    desk.ok(&["user", "add", "marek"]);
    desk.ok(&["ticket", "assign", "1", "marek"]);
    desk.tamper(
        "DROP TRIGGER entries_no_update;
         CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries WHEN 0
         BEGIN SELECT RAISE(ABORT, 'x'); END;
         UPDATE tally SET n = n + 40 WHERE owner_id = 2;
         UPDATE tickets SET closed_at = char(27) || '[2J';",
    );
    // verify_finds also checks that no raw escape reached its output.
    desk.verify_finds(&[
        "entries_no_update that guards the history has been rewritten",
        "the count of user 2's new tickets says 41, there are 1",
        "^[[2J",
    ]);
}

#[test]
fn verify_reads_many_tickets_in_ranges_and_misses_nothing_between_them() {
    let desk = Desk::new();
    for i in 1..=8 {
        desk.open(&format!("T{i}"));
    }
    desk.ok(&["ticket", "log", "7", "x"]);
    desk.ok(&["verify"]);
    desk.tamper(
        "DROP TRIGGER tickets_are_kept; DROP TRIGGER entries_no_delete;
         DROP TRIGGER entries_no_update;
         DELETE FROM entries WHERE ticket_id BETWEEN 3 AND 5;
         DELETE FROM tickets WHERE id BETWEEN 3 AND 5;
         UPDATE entries SET text = 'forged' WHERE ticket_id = 7 AND seq = 2;",
    );
    let found = desk.verify_finds(&[
        "tickets 3 to 5: they are missing",
        "ticket 7 entry 2: its content no longer matches",
    ]);
    assert!(!found.contains("ticket 8"), "{found}");
}
