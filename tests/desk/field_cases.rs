//! The field cases of shared/field-cases that concern the core desk, each
//! named after the fault it guards against.

use std::process::Stdio;

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::harness::Desk;

fn at(desk: &mut Desk, now: &str) {
    desk.now = Some(now.to_string());
}

#[test]
fn day_units_keep_the_wall_clock_across_daylight_saving_changes() {
    // F01: DST ends in Warsaw on 2025-10-26 and begins on 2025-03-30.
    let mut desk = Desk::new();
    desk.tz = "Europe/Warsaw".into();
    at(&mut desk, "2025-10-24T07:00:00Z"); // 09:00 local
    desk.ok(&[
        "ticket",
        "open",
        "Oddzwonić",
        "--class",
        "complaints",
        "--customer",
        "X",
        "--due",
        "3d",
    ]);
    at(&mut desk, "2025-03-28T08:00:00Z"); // 09:00 local
    desk.ok(&[
        "ticket",
        "open",
        "Wiosna",
        "--class",
        "complaints",
        "--customer",
        "X",
        "--due",
        "3d",
    ]);
    desk.now = None;
    let autumn = desk.ok(&["ticket", "show", "1"]);
    assert!(autumn.contains("due  2025-10-27 09:00"), "{autumn}");
    let spring = desk.ok(&["ticket", "show", "2"]);
    assert!(spring.contains("due  2025-03-31 09:00"), "{spring}");
    // JSON carries the instant in UTC: 08:00Z in winter time, 07:00Z in summer time.
    assert_eq!(desk.ticket(1)["due"], "2025-10-27T08:00:00Z");
    assert_eq!(desk.ticket(2)["due"], "2025-03-31T07:00:00Z");
}

#[test]
fn a_due_day_is_the_same_day_in_every_zone_and_times_show_in_local_time() {
    // F02
    let mut desk = Desk::new();
    desk.tz = "Europe/Warsaw".into();
    desk.ok(&[
        "ticket",
        "open",
        "Przegląd",
        "--class",
        "complaints",
        "--customer",
        "X",
        "--due",
        "2025-06-08",
    ]);
    for zone in ["America/Los_Angeles", "Asia/Tokyo"] {
        desk.tz = zone.into();
        let shown = desk.ok(&["ticket", "show", "1"]);
        assert!(shown.contains("due  2025-06-08"), "{zone}: {shown}");
        assert_eq!(desk.ticket(1)["due"], "2025-06-08");
    }
    desk.tz = "Europe/Warsaw".into();
    at(&mut desk, "2025-06-30T22:30:00Z"); // 00:30 on 1 July in Warsaw
    desk.ok(&["ticket", "log", "1", "Telefon od klienta"]);
    let shown = desk.ok(&["ticket", "show", "1"]);
    assert!(
        shown.contains("2025-07-01 00:30  anna  activity"),
        "{shown}"
    );
    assert_eq!(desk.ticket(1)["entries"][2]["at"], "2025-06-30T22:30:00Z");
}

#[test]
fn named_days_end_at_local_midnight_and_unknown_words_are_refused() {
    // F03
    let mut desk = Desk::new();
    desk.tz = "Europe/Warsaw".into();
    at(&mut desk, "2025-05-14T08:00:00Z"); // 10:00 local
    for (subject, due) in [("A", "today"), ("B", "eod"), ("C", "tomorrow")] {
        desk.ok(&[
            "ticket",
            "open",
            subject,
            "--class",
            "complaints",
            "--customer",
            "X",
            "--due",
            due,
        ]);
    }
    let err = desk.fails(
        &[
            "ticket",
            "open",
            "D",
            "--class",
            "complaints",
            "--customer",
            "X",
            "--due",
            "tmorrow",
        ],
        2,
    );
    assert!(err.contains("'tmorrow'"), "{err}");

    let overdue = |desk: &Desk| -> Vec<String> {
        let list = desk.json(&["ticket", "list", "--overdue", "--sort", "id"]);
        list.as_array()
            .unwrap()
            .iter()
            .map(|t| t["subject"].as_str().unwrap().to_string())
            .collect()
    };
    at(&mut desk, "2025-05-14T21:59:59Z"); // 23:59:59 local
    assert!(overdue(&desk).is_empty());
    at(&mut desk, "2025-05-14T22:00:01Z"); // 00:00:01 on the 15th
    assert_eq!(overdue(&desk), ["A", "B"]);
    assert_eq!(desk.ticket(3)["due"], "2025-05-15");
}

fn code_column(line: &str, code: &str) -> usize {
    let byte = line
        .find(code)
        .unwrap_or_else(|| panic!("{code} in {line}"));
    line[..byte].width()
}

#[test]
fn wide_and_combining_characters_keep_table_columns_aligned() {
    // F06
    let desk = Desk::new();
    let names = [
        "Żółta Łódź Sp. z o.o.",
        "株式会社テスト",
        "한국고객",
        "Kawiarnia ☕ Kraków",
        "Cafe\u{301} Nowa",
    ];
    for (i, name) in names.iter().enumerate() {
        desk.ok(&[
            "customer",
            "add",
            "--name",
            name,
            "--code",
            &format!("K{i}"),
        ]);
    }
    let run = desk.in_pty(100, "NO_COLOR=1 desk customer list");
    assert_eq!(run.code, 0, "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let header = code_column(lines[0], "CODE");
    for i in 0..names.len() {
        let code = format!("K{i}");
        let line = lines
            .iter()
            .find(|l| l.contains(&code))
            .expect("a row per customer");
        assert_eq!(code_column(line, &code), header, "{line:?}");
    }
}

#[test]
fn non_ascii_text_stays_whole_in_every_view() {
    // F08
    let desk = Desk::new();
    desk.ok(&[
        "ticket",
        "open",
        "Reklamacja – źle naliczona opłata",
        "--class",
        "complaints",
        "--customer",
        "X",
    ]);
    desk.ok(&["ticket", "log", "1", "Zadzwonić do klienta"]);
    desk.ok(&["ticket", "log", "1", "Klient zadowolony 🎉"]);
    let shown = desk.ok(&["ticket", "show", "1"]);
    assert!(shown.contains("Reklamacja – źle naliczona opłata"));
    assert!(shown.contains("Klient zadowolony 🎉"));
    let list = desk.ok(&["ticket", "list"]);
    assert!(
        list.contains("Reklamacja – źle naliczona opłata"),
        "off a terminal nothing is cut"
    );
    assert_eq!(desk.ticket(1)["entries"][2]["text"], "Klient zadowolony 🎉");
    let hex: String = desk
        .sql()
        .query_row("SELECT hex(text) FROM entries WHERE seq = 3", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(hex.ends_with("F09F8E89"), "{hex}");
}

#[test]
fn colour_never_leaks_into_pipes_files_or_under_no_color() {
    // F10
    let desk = Desk::new();
    desk.open("A");
    desk.ok(&["ticket", "log", "1", "x"]);
    for args in [
        &["ticket", "list"][..],
        &["ticket", "show", "1"],
        &["customer", "list"],
        &["ticket", "show", "999"],
        &["ticket", "log", "1", "y"],
        &["ticket", "log", "999", "y"],
    ] {
        let run = desk.run(args);
        assert!(!run.stdout.contains('\x1b'), "{args:?} stdout");
        assert!(!run.stderr.contains('\x1b'), "{args:?} stderr");
    }
    let run = desk.in_pty(
        100,
        "NO_COLOR=1 desk ticket list; NO_COLOR=1 desk ticket show 1",
    );
    assert!(!run.stdout.contains('\x1b'), "{}", run.stdout);
    let run = desk.in_pty(100, "desk ticket list");
    assert!(run.stdout.contains('\x1b'), "colour on a terminal");
    let forced = desk.ok(&["ticket", "list", "--color", "always"]);
    assert!(forced.contains('\x1b'));
    let mut cmd = desk.command(&["ticket", "show", "1"]);
    let forced = cmd.env("CLICOLOR_FORCE", "1").output().unwrap();
    assert!(String::from_utf8_lossy(&forced.stdout).contains('\x1b'));
}

#[test]
fn narrow_terminals_and_closed_pipes_do_not_break_the_output() {
    // F11
    let desk = Desk::new();
    desk.open(&"A long subject that will not fit in a narrow terminal ".repeat(3));
    for width in [1, 3, 8, 20, 40] {
        let run = desk.in_pty(width, "desk ticket list; echo rc=$?");
        assert!(run.stdout.contains("rc=0"), "width {width}: {}", run.stdout);
        assert!(!run.stdout.contains("panicked"), "width {width}");
    }
    let run = desk.in_pty(100, "NO_COLOR=1 desk ticket list");
    let widest = run
        .stdout
        .lines()
        .map(|l| l.trim_end().width())
        .max()
        .unwrap();
    assert!(widest <= 100, "cut to the terminal: {}", run.stdout);
    assert!(run.stdout.contains('…'));

    // A reader that stops early: output larger than a pipe's buffer.
    let big = "x".repeat(300_000);
    let mut child = desk
        .command(&["ticket", "log", "1", "-m", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(big.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let run = desk
        .shell("\"$0\" ticket show 1 | head -n 1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.is_empty(), "{stderr}");
    let mut reader = desk
        .command(&["ticket", "show", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    drop(reader.stdout.take());
    let status = reader.wait().unwrap();
    assert_eq!(status.code(), Some(0), "a closed pipe is not an error");

    let run = desk
        .command(&["ticket", "list"])
        .env("COLUMNS", "abc")
        .output()
        .unwrap();
    assert!(run.status.success());
}

#[test]
fn newlines_backslashes_quotes_and_tabs_come_back_exactly() {
    // F12
    let desk = Desk::new();
    desk.open("A");
    let texts = [
        "linia 1\nlinia 2",
        "dosłownie \\n bez nowej linii",
        "ścieżka C:\\temp\\",
        "cudzysłów \" i tab\there",
    ];
    for text in texts {
        desk.ok(&["ticket", "log", "1", text]);
    }
    assert_eq!(desk.texts(1)[1..], texts);
    let lines = desk.ok(&["ticket", "list", "--format", "jsonl"]);
    assert_eq!(lines.lines().count(), 1);
}

/// Replaces what depends on the machine (the OS login, and so the hashes).
fn redact(mut value: Value) -> Value {
    for entry in value["entries"].as_array_mut().unwrap() {
        entry["hash"] = "<hash>".into();
        entry["os_user"] = "<os_user>".into();
    }
    value
}

#[test]
fn json_shapes_match_the_golden_files() {
    // F14: `entries` is always an array, optional fields always present.
    let mut desk = Desk::new();
    at(&mut desk, "2026-12-04T10:00:00Z");
    desk.ok(&[
        "ticket",
        "open",
        "bez wpisów",
        "--class",
        "complaints",
        "--customer",
        "X",
    ]);
    desk.ok(&[
        "ticket",
        "open",
        "jeden wpis",
        "--class",
        "complaints",
        "--customer",
        "X",
    ]);
    desk.ok(&["ticket", "log", "2", "x"]);
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    for (id, file) in [(1, "ticket-opened.json"), (2, "ticket-one-activity.json")] {
        let actual = redact(desk.ticket(id));
        let path = golden.join(file);
        if std::env::var_os("DESK_UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, serde_json::to_string_pretty(&actual).unwrap() + "\n").unwrap();
        }
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            actual, expected,
            "{file} changed: bump schema_version and note it in CHANGELOG.md"
        );
    }
}

#[test]
fn sixteen_shells_starting_at_once_beside_a_write_all_succeed() {
    // F19, for the commands of the core desk.
    let desk = Desk::new();
    desk.open("A");
    let mut children: Vec<std::process::Child> = (0..16)
        .map(|_| {
            desk.command(&["ticket", "list", "--mine"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children.push(
        desk.command(&["ticket", "log", "1", "równolegle"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    for child in children {
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && !stderr.contains("locked"),
            "{stderr}"
        );
    }
    assert_eq!(desk.texts(1), ["A", "równolegle"]);
}

#[test]
fn the_editor_is_run_like_a_shell_would_and_aborts_cleanly() {
    // F27
    let desk = Desk::new();
    desk.open("A");
    let edit = |vars: &[(&str, &str)]| {
        let mut cmd = desk.command(&["ticket", "log", "1", "--edit"]);
        for (key, value) in vars {
            cmd.env(key, value);
        }
        cmd.output().unwrap()
    };
    let appending = r#"sh -c "printf \"%s\n\" \"z edytora\" >> \"\$1\"" sh"#;
    assert!(edit(&[("EDITOR", appending)]).status.success());
    assert_eq!(desk.texts(1).last().unwrap(), "z edytora");

    let visual = r#"sh -c "echo z visual >> \"\$1\"" sh"#;
    assert!(
        edit(&[("VISUAL", visual), ("EDITOR", appending)])
            .status
            .success()
    );
    assert_eq!(desk.texts(1).last().unwrap(), "z visual");

    for (editor, message) in [("true", "unchanged"), ("false", "failed")] {
        let output = edit(&[("EDITOR", editor)]);
        assert_eq!(output.status.code(), Some(2), "EDITOR={editor}");
        assert!(String::from_utf8_lossy(&output.stderr).contains(message));
    }
    let comments_only = r#"sh -c "echo '# only a comment' >> \"\$1\"" sh"#;
    assert_eq!(edit(&[("EDITOR", comments_only)]).status.code(), Some(2));
    assert_eq!(desk.texts(1).len(), 3, "aborted edits add no entry");
    let left: Vec<_> = std::fs::read_dir(desk.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("desk-"))
        .collect();
    assert!(left.is_empty(), "temporary files were left: {left:?}");
}

#[test]
fn ticket_ids_are_never_renumbered_or_reused() {
    // F28
    let desk = Desk::new();
    for subject in ["A", "B", "C"] {
        desk.open(subject);
    }
    desk.ok(&["ticket", "close", "1"]);
    desk.ok(&["ticket", "list"]);
    desk.ok(&["ticket", "log", "3", "dla C"]);
    assert_eq!(desk.ticket(3)["subject"], "C");
    let sql = desk.sql();
    assert!(sql.execute("DELETE FROM tickets WHERE id = 3", []).is_err());
    // Even a ticket removed behind desk's back leaves its id used for good.
    sql.execute_batch(
        "DROP TRIGGER tickets_are_kept; DROP TRIGGER entries_no_delete;
         DELETE FROM entries WHERE ticket_id = 3; DELETE FROM tickets WHERE id = 3; VACUUM;",
    )
    .unwrap();
    drop(sql);
    assert_eq!(desk.open("D"), 4);
}

#[test]
fn entries_with_the_same_timestamp_are_all_kept_in_order() {
    // F30
    let mut desk = Desk::new();
    at(&mut desk, "2025-05-14T10:00:00Z");
    desk.open("A");
    desk.ok(&["ticket", "log", "1", "pierwszy"]);
    desk.ok(&["ticket", "log", "1", "drugi"]);
    desk.ok(&[
        "ticket",
        "log",
        "1",
        "trzeci",
        "--at",
        "2025-05-14T10:00:00Z",
    ]);
    assert_eq!(desk.texts(1), ["A", "pierwszy", "drugi", "trzeci"]);
}

#[test]
fn free_text_that_looks_like_options_or_numbers_is_stored_as_typed() {
    // F32
    let desk = Desk::new();
    desk.open("A");
    desk.ok(&["ticket", "log", "1", "-10% rabatu"]);
    desk.ok(&["ticket", "log", "1", "-5"]);
    desk.ok(&["ticket", "log", "1", "42"]);
    desk.ok(&["ticket", "log", "1", "--", "--help"]);
    desk.ok(&["ticket", "log", "1", "-m", "-m"]);
    let subject = "foo-bar (http://example.com/a/b)";
    desk.ok(&[
        "ticket",
        "open",
        subject,
        "--class",
        "complaints",
        "--customer",
        "X",
    ]);
    desk.ok(&[
        "ticket",
        "open",
        "--title",
        "-leading hyphen",
        "--class",
        "complaints",
        "--customer",
        "X",
    ]);
    assert_eq!(
        desk.texts(1)[1..],
        ["-10% rabatu", "-5", "42", "--help", "-m"]
    );
    assert_eq!(desk.ticket(2)["subject"], subject);
    assert_eq!(desk.ticket(3)["subject"], "-leading hyphen");
}

#[test]
fn accented_names_match_in_any_locale_case_or_normal_form() {
    // F34
    let desk = Desk::new();
    desk.ok(&["class", "add", "Reklamacje Łódź"]);
    desk.ok(&[
        "ticket",
        "open",
        "A",
        "--class",
        "Reklamacje Łódź",
        "--customer",
        "X",
    ]);
    let run = desk
        .command(&[
            "ticket",
            "open",
            "B",
            "--class",
            "Reklamacje Łódź",
            "--customer",
            "X",
        ])
        .env("LC_ALL", "C")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    desk.ok(&[
        "ticket",
        "open",
        "C",
        "--class",
        "reklamacje łódź",
        "--customer",
        "X",
    ]);
    desk.ok(&[
        "ticket",
        "open",
        "D",
        "--class",
        "REKLAMACJE ŁÓDŹ",
        "--customer",
        "X",
    ]);
    desk.ok(&[
        "ticket",
        "open",
        "E",
        "--class",
        "Reklamacje \u{141}o\u{301}d\u{17a}",
        "--customer",
        "X",
    ]);
    let list = desk.json(&["ticket", "list", "--class", "reklamacje łódź"]);
    assert_eq!(list.as_array().unwrap().len(), 5);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|t| t["class"] == "Reklamacje Łódź")
    );
    let err = desk.fails(
        &[
            "ticket",
            "open",
            "F",
            "--class",
            "Reklamacje Lodz",
            "--customer",
            "X",
        ],
        3,
    );
    assert!(
        err.contains("Reklamacje Łódź"),
        "the message lists the classes: {err}"
    );
}
