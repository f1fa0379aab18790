//! The life of a ticket: states, refused transitions, what each command says.

use crate::harness::{Desk, keys};

fn state(desk: &Desk, id: i64) -> String {
    desk.ticket(id)["state"].as_str().unwrap().to_string()
}

#[test]
fn a_ticket_goes_from_new_through_in_progress_to_closed_and_back() {
    let desk = Desk::new();
    let id = desk.open("Kettle leaks");
    assert_eq!(state(&desk, id), "new");

    // Reassigning, moving and setting a due date are recorded but are not activity.
    desk.ok(&["user", "add", "marek"]);
    desk.ok(&["ticket", "assign", "1", "marek"]);
    desk.ok(&["ticket", "move", "1", "payments"]);
    desk.ok(&["ticket", "due", "1", "2030-01-10"]);
    let ticket = desk.ticket(id);
    assert_eq!(ticket["state"], "new");
    assert_eq!(ticket["owner"], "marek");
    assert_eq!(ticket["class"], "payments");
    assert_eq!(ticket["due"], "2030-01-10");
    assert!(ticket["first_activity_at"].is_null());

    desk.ok(&["ticket", "log", "1", "Called the customer back"]);
    let ticket = desk.ticket(id);
    assert_eq!(ticket["state"], "in_progress");
    assert!(ticket["first_activity_at"].is_string());

    desk.ok(&["ticket", "log", "1", "Second step"]);
    assert_eq!(state(&desk, id), "in_progress");

    desk.ok(&["ticket", "close", "1", "-m", "Solved"]);
    let ticket = desk.ticket(id);
    assert_eq!(ticket["state"], "closed");
    assert!(ticket["closed_at"].is_string());

    desk.ok(&["ticket", "reopen", "1", "-m", "Customer called again"]);
    let ticket = desk.ticket(id);
    assert_eq!(ticket["state"], "in_progress");
    assert!(ticket["closed_at"].is_null());

    let kinds: Vec<String> = ticket["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    let expected = [
        "opened", "assigned", "moved", "due", "activity", "activity", "closed", "reopened",
    ];
    assert_eq!(kinds, expected);
    let seqs: Vec<i64> = ticket["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (1..=8).collect::<Vec<i64>>());
}

#[test]
fn refused_transitions_exit_4_say_what_to_do_and_change_nothing() {
    let desk = Desk::new();
    desk.open("A");

    let err = desk.fails(&["ticket", "reopen", "1"], 4);
    assert!(err.contains("not closed"), "{err}");

    desk.ok(&["ticket", "close", "1"]);
    let before = desk.file_bytes();
    let err = desk.fails(&["ticket", "log", "1", "too late"], 4);
    assert!(err.contains("desk ticket reopen 1"), "{err}");
    let err = desk.fails(&["ticket", "close", "1"], 4);
    assert!(err.contains("already closed"), "{err}");
    assert_eq!(desk.texts(1).len(), 2);
    assert_eq!(
        before,
        desk.file_bytes(),
        "a refused command changed the file"
    );
}

#[test]
fn unknown_things_exit_3_and_bad_input_exits_2() {
    let desk = Desk::new();
    desk.open("A");
    let err = desk.fails(&["ticket", "show", "99"], 3);
    assert!(err.contains("no ticket 99"), "{err}");
    let err = desk.fails(&["ticket", "log", "99", "x"], 3);
    assert!(err.contains("no ticket 99"));
    let err = desk.fails(
        &[
            "ticket",
            "open",
            "B",
            "--class",
            "complaint",
            "--customer",
            "X",
        ],
        3,
    );
    assert!(
        err.contains("no class named 'complaint'; classes: complaints, contact"),
        "{err}"
    );
    desk.fails(&["ticket", "assign", "1", "nobody"], 3);
    let err = desk.fails(&["ticket", "log", "1", "x", "--corrects", "7"], 3);
    assert!(err.contains("no entry 7"), "{err}");

    desk.fails(&["ticket", "show", "abc"], 2);
    desk.fails(&["ticket", "log", "1", "   "], 2);
    desk.fails(&["ticket", "log", "1"], 2);
    desk.fails(&["ticket", "due", "1", "tmorrow"], 2);
    desk.fails(&["ticket", "log", "1", "x", "--at", "tomorrow 10:00"], 2);
    desk.fails(
        &[
            "ticket",
            "open",
            "B",
            "--class",
            "complaints",
            "--customer",
            "X",
            "--channel",
            "fax",
        ],
        2,
    );
    desk.fails(&["ticket", "list", "--stale", "soon"], 2);
    desk.fails(&["ticket", "show", "1", "--format", "csv"], 2);
    desk.fails(&["no-such-command"], 2);
    assert_eq!(desk.texts(1), ["A"], "bad input changed the history");
}

#[test]
fn an_entry_can_correct_an_earlier_one_and_be_internal() {
    let desk = Desk::new();
    desk.open("A");
    desk.ok(&["ticket", "log", "1", "Pick-up on Monday"]);
    desk.ok(&[
        "ticket",
        "log",
        "1",
        "Pick-up on Tuesday, not Monday",
        "--corrects",
        "2",
        "--internal",
    ]);
    let entries = desk.ticket(1)["entries"].clone();
    assert_eq!(entries[2]["corrects"], 2);
    assert_eq!(entries[2]["internal"], true);
    assert_eq!(entries[1]["corrects"], serde_json::Value::Null);
    assert_eq!(entries[1]["internal"], false);
    let text = desk.ok(&["ticket", "show", "1"]);
    assert!(
        text.contains("[internal]") && text.contains("(corrects 2)"),
        "{text}"
    );
    assert!(text.contains("(corrected by 3)"), "{text}");

    // The customer's copy leaves internal entries out.
    let public = desk.json(&["ticket", "show", "1", "--public"]);
    let seqs: Vec<i64> = public["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2]);
    let text = desk.ok(&["ticket", "show", "1", "--public"]);
    assert!(!text.contains("Tuesday"), "{text}");
}

#[test]
fn at_records_when_it_happened_beside_when_it_was_typed() {
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
        "-1d",
    ];
    desk.ok(&open);
    assert_eq!(desk.ticket(1)["opened_at"], "2026-12-03T10:00:00Z");
    let err = desk.fails(&["ticket", "log", "1", "x", "--at", "2026-12-02 10:00"], 2);
    assert!(
        err.contains("before ticket 1 was opened (2026-12-03 10:00)"),
        "{err}"
    );
    desk.ok(&[
        "ticket",
        "log",
        "1",
        "Phoned on paper",
        "--at",
        "2026-12-03 15:30",
    ]);
    let entry = desk.ticket(1)["entries"][1].clone();
    assert_eq!(entry["at"], "2026-12-03T15:30:00Z");
    // An earlier activity typed in later is the first activity all the same.
    desk.ok(&[
        "ticket",
        "log",
        "1",
        "Called first",
        "--at",
        "2026-12-03 12:00",
    ]);
    assert_eq!(desk.ticket(1)["first_activity_at"], "2026-12-03T12:00:00Z");
    desk.ok(&["verify"]);
    assert_eq!(entry["recorded_at"], "2026-12-04T10:00:00Z");
    let text = desk.ok(&["ticket", "show", "1"]);
    assert!(text.contains("2026-12-03 15:30") && text.contains("(recorded 2026-12-04 10:00)"));
}

#[test]
fn json_objects_have_the_documented_fields() {
    let desk = Desk::new();
    let ticket = desk.json(&[
        "ticket",
        "open",
        "A",
        "--class",
        "complaints",
        "--customer",
        "ACME",
    ]);
    let ticket_keys = [
        "channel",
        "class",
        "closed_at",
        "customer",
        "due",
        "first_activity_at",
        "id",
        "last_entry_at",
        "opened_at",
        "opened_by",
        "owner",
        "priority",
        "state",
        "subject",
    ];
    assert_eq!(keys(&ticket), ticket_keys);
    assert_eq!(keys(&ticket["customer"]), ["id", "name"]);
    assert!(ticket["id"].is_i64());

    let shown = desk.ticket(1);
    let mut with_entries: Vec<&str> = ticket_keys.to_vec();
    with_entries.extend(["entries", "schema_version"]);
    with_entries.sort();
    assert_eq!(keys(&shown), with_entries);
    let entry_keys = [
        "at",
        "author",
        "corrects",
        "hash",
        "internal",
        "kind",
        "os_user",
        "recorded_at",
        "seq",
        "text",
    ];
    assert_eq!(keys(&shown["entries"][0]), entry_keys);

    let logged = desk.json(&["ticket", "log", "1", "x"]);
    assert_eq!(logged["id"], 1);
    assert_eq!(logged["entry"]["seq"], 2);

    let users = desk.json(&["user", "list"]);
    assert_eq!(
        keys(&users[0]),
        ["active", "admin", "email", "login", "name"]
    );
    let classes = desk.json(&["class", "list"]);
    let class_keys = [
        "archived",
        "description",
        "first_response",
        "name",
        "owner",
        "resolve",
        "title",
    ];
    assert_eq!(keys(&classes[0]), class_keys);
    let customers = desk.json(&["customer", "list"]);
    let customer_keys = [
        "address", "code", "email", "id", "name", "note", "phone", "tax_id",
    ];
    assert_eq!(keys(&customers[0]), customer_keys);
}

#[test]
fn lists_speak_json_lines_and_csv_with_the_same_field_names() {
    let desk = Desk::new();
    desk.open("First, with a comma");
    desk.open("=SUM(A1)");
    let lines = desk.ok(&["ticket", "list", "--format", "jsonl"]);
    let objects: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), 2);
    assert_eq!(objects[0]["subject"], "=SUM(A1)", "newest activity first");

    let csv = desk.ok(&["ticket", "list", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..4], ["id", "subject", "class", "customer.id"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        &rows[0][1], "'=SUM(A1)",
        "a formula is defused for spreadsheets"
    );
    assert_eq!(&rows[1][1], "First, with a comma");
}

#[test]
fn list_selects_by_state_owner_class_and_customer_and_says_how_many_more() {
    let mut desk = Desk::new();
    // One instant for every step: equal times fall back to the newest id.
    desk.now = Some("2026-12-04T10:00:00Z".into());
    desk.ok(&["user", "add", "marek"]);
    desk.open("one");
    desk.open("two");
    desk.ok(&[
        "ticket",
        "open",
        "three",
        "--class",
        "orders",
        "--customer",
        "Beta",
        "--owner",
        "marek",
    ]);
    desk.ok(&["ticket", "close", "1"]);
    let ids = |args: &[&str]| -> Vec<i64> {
        let mut all = vec!["ticket", "list"];
        all.extend(args);
        let list = desk.json(&all);
        list.as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&[]), [3, 2]);
    assert_eq!(ids(&["--all", "--sort", "id"]), [1, 2, 3]);
    assert_eq!(ids(&["--state", "closed"]), [1]);
    assert_eq!(ids(&["--state", "new,closed", "--sort", "id"]), [1, 2, 3]);
    assert_eq!(ids(&["--owner", "marek"]), [3]);
    assert_eq!(ids(&["--mine"]), [2]);
    assert_eq!(ids(&["--class", "orders"]), [3]);
    assert_eq!(ids(&["--customer", "ACME", "--all"]), [2, 1]);

    let table = desk.ok(&["ticket", "list", "--limit", "1"]);
    assert!(table.contains("and 1 more"), "{table}");
}

#[test]
fn customers_are_found_by_id_code_email_or_name_and_new_names_are_added() {
    let desk = Desk::new();
    desk.ok(&[
        "customer",
        "add",
        "Kowalski AGD",
        "--code",
        "KOW",
        "--email",
        "biuro@kowalski.example",
    ]);
    let run = desk.run(&[
        "ticket",
        "open",
        "A",
        "--class",
        "orders",
        "--customer",
        "Nowa Firma",
    ]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("added customer 2 Nowa Firma"),
        "{}",
        run.stderr
    );
    for key in ["1", "KOW", "BIURO@kowalski.example", "kowalski agd"] {
        let ticket = desk.json(&[
            "ticket",
            "open",
            "B",
            "--class",
            "orders",
            "--customer",
            key,
        ]);
        assert_eq!(ticket["customer"]["id"], 1, "by {key}");
    }
    desk.ok(&["customer", "add", "Kowalski AGD"]);
    let err = desk.fails(
        &[
            "ticket",
            "open",
            "C",
            "--class",
            "orders",
            "--customer",
            "Kowalski AGD",
        ],
        2,
    );
    assert!(
        err.contains("matches 2 customers: 1 Kowalski AGD (KOW), 3 Kowalski AGD"),
        "{err}"
    );

    let shown = desk.json(&["customer", "show", "KOW"]);
    assert_eq!(shown["tickets"].as_array().unwrap().len(), 4);
    desk.ok(&["customer", "edit", "KOW", "--phone", "+48 600 100 200"]);
    assert_eq!(
        desk.json(&["customer", "show", "1"])["phone"],
        "+48 600 100 200"
    );
}

#[test]
fn users_are_registered_by_an_administrator() {
    let desk = Desk::new();
    let run = desk.run_as(
        "marek",
        &[
            "ticket",
            "open",
            "A",
            "--class",
            "orders",
            "--customer",
            "X",
        ],
    );
    assert_eq!(run.code, 4);
    assert!(run.stderr.contains("desk user add marek"), "{}", run.stderr);
    assert_eq!(
        desk.json(&["ticket", "list", "--all"])
            .as_array()
            .unwrap()
            .len(),
        0
    );

    desk.ok(&["user", "add", "marek", "--name", "Marek Nowak"]);
    let run = desk.run_as("marek", &["user", "add", "olga"]);
    assert_eq!(run.code, 4, "only an administrator adds users");
    let run = desk.run_as(
        "marek",
        &[
            "ticket",
            "open",
            "A",
            "--class",
            "orders",
            "--customer",
            "X",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);

    desk.ok(&["user", "deactivate", "marek"]);
    let run = desk.run_as("marek", &["ticket", "log", "1", "x"]);
    assert_eq!(run.code, 4);
    assert!(run.stderr.contains("deactivated"));
    let marek = desk.json(&["user", "show", "marek"]);
    assert_eq!(marek["active"], false);
    assert_eq!(marek["name"], "Marek Nowak");
}

#[test]
fn classes_have_owners_and_archived_ones_take_no_new_tickets() {
    let desk = Desk::new();
    desk.ok(&["user", "add", "olga"]);
    desk.ok(&[
        "class",
        "add",
        "warranty",
        "--owner",
        "olga",
        "--first-response",
        "4h",
        "--resolve",
        "3d",
    ]);
    let class = desk.json(&["class", "show", "warranty"]);
    assert_eq!(class["owner"], "olga");
    assert_eq!(class["first_response"], 14_400);
    assert_eq!(class["resolve"], 259_200);
    let ticket = desk.json(&[
        "ticket",
        "open",
        "A",
        "--class",
        "Warranty",
        "--customer",
        "X",
    ]);
    assert_eq!(ticket["owner"], "olga", "the class's default owner");

    desk.ok(&["class", "archive", "warranty"]);
    let err = desk.fails(
        &[
            "ticket",
            "open",
            "B",
            "--class",
            "warranty",
            "--customer",
            "X",
        ],
        4,
    );
    assert!(err.contains("--unarchive"), "{err}");
    assert_eq!(desk.json(&["class", "list"]).as_array().unwrap().len(), 5);
    assert_eq!(
        desk.json(&["class", "list", "--all"])
            .as_array()
            .unwrap()
            .len(),
        6
    );
    desk.fails(&["class", "add", "Warranty"], 2);
}

#[test]
fn init_is_idempotent_and_seeds_five_classes_owned_by_the_first_user() {
    let desk = Desk::new();
    let again = desk.ok(&["init"]);
    assert!(again.contains("nothing to do"), "{again}");
    let classes = desk.json(&["class", "list"]);
    let names: Vec<&str> = classes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["complaints", "contact", "general", "orders", "payments"]
    );
    assert!(
        classes
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["owner"] == "anna")
    );
    let users = desk.json(&["user", "list"]);
    assert_eq!(users[0]["admin"], true);
    assert_eq!(users.as_array().unwrap().len(), 1);
}

#[test]
fn text_can_come_from_standard_input() {
    let desk = Desk::new();
    desk.open("A");
    let mut child = desk
        .command(&["ticket", "log", "1", "-m", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all("z wejścia\ndruga linia\n".as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(desk.texts(1)[1], "z wejścia\ndruga linia");
}

#[test]
fn the_demo_plays_the_complaints_case_end_to_end() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new("sh")
        .arg(root.join("examples/demo.sh"))
        .env("DESK_BIN", crate::harness::BIN)
        .env("DESK_USER", "ewa")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Refund confirmed by the customer."));
    assert!(stdout.contains("ok: every ticket's history verifies"));
    assert_eq!(stdout.matches("marek  closed").count(), 2, "{stdout}");
}

#[test]
fn a_terminal_gets_the_newest_fifty_and_a_script_gets_all() {
    let desk = Desk::new();
    for i in 0..53 {
        desk.open(&format!("case {i}"));
    }
    let run = desk.in_pty(120, "NO_COLOR=1 desk ticket list");
    assert!(run.stdout.contains("… and 3 more"), "{}", run.stdout);
    assert!(run.stdout.contains("case 52") && !run.stdout.contains("case 2 "));
    let all = desk.in_pty(120, "NO_COLOR=1 desk ticket list --limit 0");
    assert!(!all.stdout.contains("more"));
    assert_eq!(desk.json(&["ticket", "list"]).as_array().unwrap().len(), 53);
    assert_eq!(desk.ok(&["ticket", "list"]).lines().count(), 54);
}
