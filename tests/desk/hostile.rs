//! Faults found by trying to break desk from the outside, each kept as the
//! right behaviour.

use std::process::Stdio;

use crate::harness::Desk;

#[test]
fn the_last_active_administrator_cannot_be_demoted() {
    let desk = Desk::new();
    let err = desk.fails(&["user", "edit", "anna", "--no-admin"], 4);
    assert!(err.contains("no active administrator"), "{err}");
    desk.ok(&["user", "add", "olga", "--admin"]);
    desk.ok(&["user", "edit", "anna", "--no-admin"]);
    let run = desk.run_as("olga", &["user", "deactivate", "anna"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = desk.run_as("olga", &["user", "edit", "olga", "--no-admin"]);
    assert_eq!(run.code, 4);
    let users = desk.json(&["user", "list"]);
    assert_eq!(users[1]["admin"], true, "olga is still an administrator");
}

#[test]
fn deactivated_users_cannot_be_made_responsible() {
    let desk = Desk::new();
    desk.ok(&["user", "add", "marek"]);
    desk.ok(&["class", "edit", "orders", "--owner", "marek"]);
    desk.ok(&["user", "deactivate", "marek"]);
    desk.fails(&["class", "edit", "general", "--owner", "marek"], 4);
    let open = [
        "ticket",
        "open",
        "A",
        "--class",
        "general",
        "--customer",
        "X",
    ];
    desk.fails(&[&open[..], &["--owner", "marek"]].concat(), 4);
    let err = desk.fails(
        &[
            "ticket",
            "open",
            "A",
            "--class",
            "orders",
            "--customer",
            "X",
        ],
        4,
    );
    assert!(
        err.contains("desk class edit 'orders' --owner LOGIN"),
        "{err}"
    );
}

#[test]
fn customer_ids_are_never_taken_for_names_and_clashes_are_refused() {
    let desk = Desk::new();
    desk.ok(&["customer", "add", "Alpha"]);
    desk.ok(&["customer", "add", "Beta", "--code", "1"]);
    let open = |customer: &str| {
        desk.run(&[
            "ticket",
            "open",
            "A",
            "--class",
            "orders",
            "--customer",
            customer,
        ])
    };
    let run = open("99");
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("no customer with id 99"));
    let run = open("1");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("matches 2 customers"), "{}", run.stderr);
    desk.ok(&["customer", "add", "Gamma", "--code", "A1"]);
    let ticket = desk.json(&[
        "ticket",
        "open",
        "B",
        "--class",
        "orders",
        "--customer",
        "a1",
    ]);
    assert_eq!(
        ticket["customer"]["name"], "Gamma",
        "codes match whatever the case"
    );
    desk.fails(&["customer", "add", "Delta", "--code", "a1"], 2);
    assert_eq!(
        desk.json(&["customer", "list"]).as_array().unwrap().len(),
        3
    );
}

#[test]
fn negative_offsets_are_values_not_options() {
    let mut desk = Desk::new();
    desk.now = Some("2026-12-04T10:00:00Z".into());
    let open = [
        "ticket",
        "open",
        "A",
        "--class",
        "orders",
        "--customer",
        "X",
        "--at",
        "-3h",
    ];
    desk.ok(&open);
    desk.ok(&["ticket", "log", "1", "x", "--at", "-2h"]);
    desk.ok(&["ticket", "due", "1", "-1h"]);
    let ticket = desk.ticket(1);
    assert_eq!(ticket["entries"][1]["at"], "2026-12-04T08:00:00Z");
    assert_eq!(ticket["due"], "2026-12-04T09:00:00Z");
    let err = desk.fails(&["ticket", "list", "--stale", "-1h"], 2);
    assert!(err.contains("can't read '-1h' as a duration"), "{err}");
    desk.fails(&["ticket", "log", "1", "x", "--corrects", "-1"], 2);
}

#[test]
fn machine_formats_end_quietly_when_the_reader_goes_away() {
    let desk = Desk::new();
    // Enough customers that the output outgrows a pipe's buffer.
    desk.sql()
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
             INSERT INTO customers (name, fold, created_at)
             SELECT 'Customer number ' || i, 'customer number ' || i, '2026-01-01T00:00:00Z' FROM n",
        )
        .unwrap();
    for format in ["json", "jsonl", "csv", "table"] {
        let mut child = desk
            .command(&["customer", "list", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{format}");
        assert!(
            output.stderr.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn changes_that_change_nothing_write_no_entry() {
    let desk = Desk::new();
    desk.open("A");
    let same = desk.ok(&["ticket", "assign", "1", "anna"]);
    assert!(same.contains("already anna's; nothing to record"), "{same}");
    desk.ok(&["ticket", "move", "1", "complaints"]);
    desk.ok(&["ticket", "due", "1", "none"]);
    desk.ok(&["ticket", "due", "1", "2030-01-01"]);
    desk.ok(&["ticket", "due", "1", "2030-01-01"]);
    let json = desk.json(&["ticket", "assign", "1", "anna"]);
    assert!(json["entry"].is_null());
    assert_eq!(
        desk.texts(1).len(),
        2,
        "only the first due date was recorded"
    );
}

#[test]
fn oversized_or_multi_line_names_and_texts_are_refused() {
    let desk = Desk::new();
    desk.open("A");
    let open = |subject: &str| {
        desk.run(&[
            "ticket",
            "open",
            subject,
            "--class",
            "orders",
            "--customer",
            "X",
        ])
    };
    assert_eq!(open(&"s".repeat(301)).code, 2);
    assert_eq!(
        open(r"two\nlines").code,
        0,
        "a backslash and an n are just text"
    );
    assert_eq!(open("two\nlines").code, 2);
    desk.fails(&["customer", "add", &"c".repeat(201)], 2);
    desk.fails(&["class", "add", "a	b"], 2);
    let mut child = desk
        .command(&["ticket", "log", "1", "-m", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let _ = child
        .stdin
        .take()
        .unwrap()
        .write_all(&vec![b'x'; (1 << 20) + 1]);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("at most 1048576"));
    desk.fails(&["customer", "add", "E", "--email", "not an email"], 2);
    desk.fails(&["ticket", "due", "1", ""], 2);
    desk.fails(&["class", "edit", "orders", "--resolve", "999999w"], 2);
    assert_eq!(desk.texts(1), ["A"]);
}

#[test]
fn a_folder_or_a_memory_name_is_not_taken_for_a_database() {
    let desk = Desk::new();
    let folder = desk.path().to_str().unwrap().to_string();
    let err = desk.fails(&["--db", &folder, "ticket", "list"], 1);
    assert!(err.contains("is a folder"), "{err}");
    let run = desk
        .command(&["--db", ":memory:", "init"])
        .current_dir(desk.path())
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(
        desk.path().join(":memory:").is_file(),
        "a name is a file name"
    );
}

#[test]
fn escapes_in_arguments_and_stored_text_never_reach_the_terminal() {
    let desk = Desk::new();
    // desk refuses control characters in every field it is given...
    for (option, value) in [
        ("--code", "c\x1b[2J"),
        ("--email", "a@b\x1b]52;c;x\x07"),
        ("--note", "n\x1b[31m"),
    ] {
        desk.fails(&["customer", "add", "Dup", option, value], 2);
    }
    desk.fails(&["user", "add", "olga", "--name", "O\x1b[2J"], 2);
    desk.fails(&["class", "edit", "orders", "--title", "t\x07"], 2);
    desk.ok(&["customer", "add", "Dup", "--note", "two\nlines\tand a tab"]);
    // ...but what another client stored is still shown safely.
    desk.ok(&["customer", "add", "Dup", "--code", "c"]);
    desk.sql()
        .execute(
            "UPDATE customers SET code = 'c' || char(27) || '[2J' WHERE id = 2",
            [],
        )
        .unwrap();
    let err = desk.fails(
        &[
            "ticket",
            "open",
            "A",
            "--class",
            "orders",
            "--customer",
            "Dup",
        ],
        2,
    );
    assert!(err.contains("c^[[2J") && !err.contains('\x1b'), "{err}");
    for args in [
        &["ticket", "show", "1\x1b[31m"][..],
        &["--as", "r\x1b[31moot", "ticket", "log", "1", "x"],
        &[
            "ticket",
            "open",
            "A",
            "--class",
            "no\x07pe",
            "--customer",
            "X",
        ],
    ] {
        let run = desk.run(args);
        assert_ne!(run.code, 0);
        assert!(
            !run.stderr.contains('\x1b') && !run.stderr.contains('\x07'),
            "{args:?}"
        );
    }
    let run = desk.in_pty(100, "desk customer list --format csv");
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
    let file = desk.ok(&["customer", "list", "--format", "csv"]);
    assert!(file.contains('\x1b'), "a file keeps the data exact");
}

#[test]
fn a_limited_list_says_what_it_left_out_in_every_format() {
    let desk = Desk::new();
    for subject in ["A", "B", "C"] {
        desk.open(subject);
    }
    let run = desk.run(&["ticket", "list", "--limit", "1", "--json"]);
    assert_eq!(run.code, 0);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&run.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(run.stderr.contains("1 of 3 shown"), "{}", run.stderr);
    let table = desk.ok(&["ticket", "list", "--limit", "2"]);
    assert!(table.contains("and 1 more"));
}

#[test]
fn text_typed_in_the_editor_is_checked_first_and_never_lost() {
    let desk = Desk::new();
    desk.open("A");
    desk.ok(&["ticket", "close", "1"]);
    let writes = r#"sh -c "echo typed >> \"\$1\"; touch \"$HOME/editor-ran\"" sh"#;
    let run = desk
        .command(&["ticket", "log", "1", "--edit"])
        .env("EDITOR", writes)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(4));
    assert!(
        !desk.path().join("editor-ran").exists(),
        "the editor opened for a closed ticket"
    );
    desk.ok(&["ticket", "reopen", "1"]);

    // The database moves away while the editor is open.
    let moves = r#"sh -c "echo lost words >> \"\$1\"; mv \"$DESK_DB\" \"$DESK_DB.moved\"" sh"#;
    let run = desk
        .command(&["ticket", "log", "1", "--edit"])
        .env("EDITOR", moves)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("moved or deleted") && stderr.contains("desk-unsaved-"),
        "{stderr}"
    );
    let kept = stderr.split("kept in ").nth(1).unwrap().trim();
    assert_eq!(std::fs::read_to_string(kept).unwrap(), "lost words");
}

#[test]
fn logins_cannot_look_alike() {
    let desk = Desk::new();
    desk.fails(&["user", "add", "Anna"], 2);
    desk.fails(&["user", "add", "an\u{200b}na"], 2);
    desk.fails(&["user", "add", "-x"], 2);
    desk.fails(&["user", "add", "a b"], 2);
    desk.ok(&["user", "add", "jan.kowalski"]);
}

#[test]
fn a_banner_with_its_output_closed_still_exits_0() {
    let desk = Desk::new();
    desk.open("A");
    let status = desk.shell("\"$0\" banner >&-").status().unwrap();
    assert!(status.success());
    let status = desk
        .shell("\"$0\" --db /nowhere/d.db banner -v 2>&- >/dev/full")
        .status()
        .unwrap();
    assert!(status.success(), "no panic when standard error is gone too");
}

#[test]
fn an_empty_desk_db_counts_as_unset() {
    let desk = Desk::new();
    let home_db = desk.path().join(".local/share/desk/desk.db");
    let run = |args: &[&str]| desk.command(args).env("DESK_DB", "").output().unwrap();
    let banner = run(&["banner"]);
    assert!(banner.status.success() && banner.stdout.is_empty() && banner.stderr.is_empty());
    let list = run(&["ticket", "list"]);
    let stderr = String::from_utf8_lossy(&list.stderr);
    assert!(stderr.contains(&home_db.display().to_string()), "{stderr}");
    assert!(!home_db.exists());
    let run = desk
        .command(&["ticket", "list"])
        .env("DESK_USER", "")
        .output()
        .unwrap();
    assert!(run.status.success(), "an empty DESK_USER is the OS login");
}

#[test]
fn the_banner_fits_narrow_terminals_and_ignores_newer_schemas() {
    let desk = Desk::new();
    desk.open(&"A rather long subject for a narrow terminal".repeat(2));
    for width in [20, 30, 45] {
        let run = desk.in_pty(width, "NO_COLOR=1 desk banner");
        let widest = run
            .stdout
            .lines()
            .map(|l| unicode_width::UnicodeWidthStr::width(l.trim_end()))
            .max();
        assert!(
            widest.unwrap() <= usize::from(width),
            "{width}: {}",
            run.stdout
        );
        assert!(run.stdout.contains("desk:"), "{}", run.stdout);
    }
    let run = desk.run(&["banner", "--verbose", "--user", "nobody"]);
    assert!(!run.stdout.is_empty());
    desk.ok(&["ticket", "close", "1"]);
    let run = desk.run(&["banner", "--verbose"]);
    assert!(
        run.stdout.is_empty() && run.stderr.contains("nothing is pending"),
        "{}",
        run.stderr
    );
    desk.open("B");
    desk.sql()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let run = desk.run(&["banner"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.is_empty(),
        "a schema it does not know: nothing shown"
    );
}

#[test]
fn due_days_sort_after_the_due_times_of_the_same_day() {
    for zone in ["UTC", "America/Los_Angeles", "Asia/Tokyo"] {
        let mut desk = Desk::new();
        desk.tz = zone.into();
        let open = |subject: &str, due: &str| {
            let args = [
                "ticket",
                "open",
                subject,
                "--class",
                "orders",
                "--customer",
                "X",
                "--due",
                due,
            ];
            desk.ok(&args);
        };
        open("day", "2030-12-02");
        open("evening", "2030-12-02 20:00");
        open("early", "2030-12-02 01:00");
        open("next day", "2030-12-03 00:30");
        let list = desk.json(&["ticket", "list", "--sort", "due"]);
        let subjects: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["subject"].as_str().unwrap())
            .collect();
        assert_eq!(
            subjects,
            ["early", "evening", "day", "next day"],
            "in {zone}"
        );
        let history = desk.texts(2);
        assert!(
            history[1].starts_with("due 2030-12-02 20:00 "),
            "{zone}: {history:?}"
        );
    }
    let desk = Desk::new();
    desk.fails(&["class", "edit", "orders", "--resolve", ""], 2);
    desk.ok(&["class", "edit", "orders", "--resolve", "NONE"]);
}

#[test]
fn the_login_hook_shows_the_banner_even_when_background_writes_stop() {
    // `stty tostop` stops a background process group that writes to the
    // terminal; `timeout` without --foreground puts desk in one.
    let desk = Desk::new();
    desk.open("A");
    desk.ok(&["banner", "--install"]);
    let run = desk.in_pty(100, "stty tostop; NO_COLOR=1 bash -ic exit");
    assert!(run.stdout.contains("desk: 1 new"), "{}", run.stdout);
}

#[test]
fn a_change_saved_but_not_reported_still_succeeds() {
    let desk = Desk::new();
    desk.open("A");
    let run = desk
        .shell("\"$0\" ticket log 1 once >/dev/full")
        .output()
        .unwrap();
    assert!(run.status.success(), "a retrying script would log it twice");
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("done, but its report could not be written")
    );
    assert_eq!(desk.texts(1), ["A", "once"]);
    let run = desk
        .shell("\"$0\" ticket list >/dev/full")
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(1),
        "a read that could not be written failed"
    );
}

#[test]
fn a_trigger_that_is_not_desks_is_named_and_cannot_swallow_an_entry() {
    let desk = Desk::new();
    desk.open("A");
    desk.tamper(
        "CREATE TRIGGER zz BEFORE INSERT ON entries WHEN NEW.text LIKE '%secret%'
         BEGIN SELECT RAISE(IGNORE); END;",
    );
    let err = desk.fails(&["ticket", "log", "1", "the secret note"], 1);
    assert!(err.contains("did not store the entry"), "{err}");
    desk.verify_finds(&["the trigger zz on entries is not desk's"]);
}

#[test]
fn a_backup_copy_keeps_the_files_mode_and_works_when_restored() {
    use std::os::unix::fs::PermissionsExt;
    let desk = Desk::new();
    desk.open("A");
    desk.back_to_schema_1();
    std::fs::set_permissions(&desk.db, std::fs::Permissions::from_mode(0o600)).unwrap();
    desk.ok(&["ticket", "log", "1", "upgrades"]);
    let backup = std::fs::read_dir(desk.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".bak"))
        .expect("a backup copy");
    assert_eq!(
        std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Restored in place, it is upgraded again and works as before.
    std::fs::copy(&backup, &desk.db).unwrap();
    let _ = std::fs::remove_file(desk.db.with_extension("db-wal"));
    let _ = std::fs::remove_file(desk.db.with_extension("db-shm"));
    desk.ok(&["init"]);
    let mode: String = desk
        .sql()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(desk.texts(1), ["A"]);
}

#[test]
fn csv_on_a_terminal_of_unknown_width_is_still_made_safe() {
    let desk = Desk::new();
    desk.ok(&["customer", "add", "Q"]);
    desk.sql()
        .execute("UPDATE customers SET note = 'n' || char(27) || '[2J'", [])
        .unwrap();
    let run = desk.in_pty(0, "desk customer list --format csv");
    assert!(
        run.stdout.contains("n^[[2J") && !run.stdout.contains('\x1b'),
        "{:?}",
        run.stdout
    );
}

#[test]
fn ticket_lists_fit_narrow_terminals_by_leaving_columns_out() {
    let desk = Desk::new();
    desk.open("A subject that is long enough to be cut somewhere along the way");
    for width in [25, 40, 60, 80] {
        let run = desk.in_pty(width, "NO_COLOR=1 desk ticket list");
        for line in run.stdout.lines() {
            let cells = unicode_width::UnicodeWidthStr::width(line.trim_end());
            assert!(cells <= usize::from(width), "{width}: {line:?}");
        }
        assert!(
            run.stdout.contains("SUBJECT") && run.stdout.contains("A subject"),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn bytes_that_are_not_utf8_in_one_row_do_not_hide_the_others() {
    let desk = Desk::new();
    desk.open("A");
    desk.open("B");
    desk.ok(&["ticket", "log", "1", "fine"]);
    desk.tamper(
        "UPDATE tickets SET subject = CAST(x'41ff42' AS TEXT) WHERE id = 2;
         DROP TRIGGER entries_no_update;
         UPDATE entries SET text = CAST(x'66ff' AS TEXT) WHERE ticket_id = 1 AND seq = 2;",
    );
    let list = desk.json(&["ticket", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(desk.ticket(2)["subject"], "A\u{fffd}B");
    desk.ok(&["remind"]);
    desk.verify_finds(&["ticket 1 entry 2: its content no longer matches"]);
}

#[test]
fn editor_text_that_cannot_be_taken_is_kept_and_open_checks_the_customer_first() {
    let desk = Desk::new();
    desk.open("A");
    let latin1 = r#"sh -c "printf 'caf\351' >> \"\$1\"" sh"#;
    let run = desk
        .command(&["ticket", "log", "1", "--edit"])
        .env("EDITOR", latin1)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    let kept = stderr.split("kept in ").nth(1).expect("a kept file").trim();
    assert!(std::fs::read(kept).unwrap().ends_with(b"caf\xe9"));

    desk.ok(&["customer", "add", "Dup"]);
    desk.ok(&["customer", "add", "dup"]);
    let marks = r#"sh -c "touch \"$HOME/editor-ran\"; echo text >> \"\$1\"" sh"#;
    for customer in ["Dup", "4242"] {
        let args = [
            "ticket",
            "open",
            "S",
            "--class",
            "orders",
            "--customer",
            customer,
            "--edit",
        ];
        let run = desk.command(&args).env("EDITOR", marks).output().unwrap();
        assert_ne!(run.status.code(), Some(0));
        assert!(
            !desk.path().join("editor-ran").exists(),
            "the editor ran for {customer}"
        );
    }
}
