//! Several processes on one file: none fails for being second, none loses
//! an entry, and readers never hit "database is locked".

use std::process::Child;

use crate::harness::Desk;

fn wait_all(children: Vec<Child>) -> Vec<std::process::Output> {
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

#[test]
fn ten_processes_logging_to_one_ticket_at_once_all_land() {
    let desk = Desk::new();
    desk.open("busy ticket");
    let children: Vec<Child> = (0..10)
        .map(|i| {
            desk.command(&["ticket", "log", "1", &format!("entry {i}")])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for output in wait_all(children) {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut texts = desk.texts(1);
    assert_eq!(texts.remove(0), "busy ticket");
    texts.sort();
    let expected: Vec<String> = (0..10).map(|i| format!("entry {i}")).collect();
    assert_eq!(texts, expected);
    desk.ok(&["verify"]);
}

#[test]
fn readers_and_a_writer_at_once_never_see_a_locked_database() {
    // Field case F20 at a smaller scale: lists and shows in a loop beside a
    // loop of writes.
    let desk = Desk::new();
    desk.open("A");
    let rounds = 40;
    let spawn = |args: &[&str]| {
        let line = format!(
            "for i in $(seq {rounds}); do \"$0\" {} >/dev/null || echo FAIL; done",
            args.join(" ")
        );
        desk.shell(&line)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children = vec![
        spawn(&["ticket", "list", "--json"]),
        spawn(&["ticket", "show", "1"]),
        spawn(&["ticket", "log", "1", "n$i"]),
        spawn(&["ticket", "log", "1", "m$i"]),
    ];
    for output in wait_all(children) {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stdout.contains("FAIL"), "{stdout} {stderr}");
        assert!(!stderr.to_lowercase().contains("locked"), "{stderr}");
    }
    assert_eq!(desk.texts(1).len(), 1 + 2 * rounds);
    desk.ok(&["verify"]);
}

#[test]
fn a_write_that_waits_past_the_timeout_exits_5_and_changes_nothing() {
    let desk = Desk::new();
    desk.open("A");
    let holder = desk.sql();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let run = desk.run(&["ticket", "log", "1", "blocked"]);
    assert_eq!(run.code, 5, "{}", run.stderr);
    assert!(
        run.stderr.contains("busy") && run.stderr.contains("try again"),
        "{}",
        run.stderr
    );
    // Readers are not blocked by a writer in WAL mode.
    desk.ok(&["ticket", "show", "1"]);
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(desk.texts(1), ["A"]);
}

#[test]
fn writers_starting_together_on_an_older_database_all_succeed_after_one_upgrade() {
    let desk = Desk::new();
    desk.open("A");
    desk.back_to_schema_1();
    let children: Vec<Child> = (0..4)
        .map(|i| {
            desk.command(&["ticket", "log", "1", &format!("writer {i}")])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for output in wait_all(children) {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(desk.texts(1).len(), 5);
    let backups = std::fs::read_dir(desk.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".bak")
        })
        .count();
    assert_eq!(backups, 1, "one copy, by the one process that upgraded");
    desk.ok(&["remind"]);
    desk.ok(&["verify"]);
}
