//! Builds a large desk database for the benchmark in `bench/banner.sh`:
//! by default 1,000,000 tickets (the newest 100,000 pending) with about
//! 5,000,000 entries, 50 users and 20,000 customers, relative to the real
//! clock (a release desk ignores DESK_NOW).
//!
//! It writes through the schema's own triggers, none dropped: the tally
//! counts every ticket as it is inserted, and every entry carries its real
//! SHA-256 chain hash (computed by desk's own `chain.rs`), so `desk verify`
//! accepts the result. Speed comes from one transaction with the journal off
//! while loading; the file is switched to WAL at the end, as `desk init`
//! leaves it.
//!
//! Usage: cargo run --release --example bench-db -- PATH [TICKETS]

#[path = "../src/chain.rs"]
mod chain;
#[path = "../src/db/schema.rs"]
mod schema;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rusqlite::{Connection, Statement, params};

const USERS: i64 = 50;
const CUSTOMERS: i64 = 20_000;
/// One ticket in ten is pending: the newest ones.
const PENDING_SHARE: i64 = 10;
/// The pending tickets were opened over the last 30 days.
const PENDING_SPAN: i64 = 30 * 86_400;
const CLASSES: [&str; 5] = ["complaints", "payments", "orders", "general", "contact"];

/// A small deterministic generator (SplitMix64), so that runs agree.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: i64) -> i64 {
        (self.next() % n.max(1) as u64) as i64
    }

    fn chance(&mut self, per_thousand: i64) -> bool {
        self.below(1000) < per_thousand
    }
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: bench-db PATH [TICKETS]");
    let tickets: i64 = args
        .next()
        .map_or(1_000_000, |n| n.parse().expect("TICKETS"));
    if std::path::Path::new(&path).exists() {
        panic!("{path} exists; remove it first");
    }
    let started = std::time::Instant::now();
    let mut conn = Connection::open(&path).unwrap();
    create(&conn);
    let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
    let tx = conn.transaction().unwrap();
    people(&tx, now);
    let entries = fill(&tx, tickets, now);
    tx.commit().unwrap();
    conn.execute_batch("PRAGMA journal_mode = WAL;").unwrap();
    eprintln!(
        "bench-db: {tickets} tickets, {entries} entries in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn create(conn: &Connection) {
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
         PRAGMA cache_size = -524288; PRAGMA foreign_keys = ON;",
    )
    .unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    for step in schema::MIGRATIONS {
        tx.execute_batch(step).unwrap();
    }
    tx.pragma_update(None, "user_version", schema::MIGRATIONS.len() as i64)
        .unwrap();
    tx.pragma_update(None, "application_id", schema::APPLICATION_ID)
        .unwrap();
    tx.commit().unwrap();
}

/// Users (anna first, the administrator), classes and customers.
fn people(conn: &Connection, now: DateTime<Utc>) {
    let at = stamp(now - Duration::days(400));
    for n in 0..USERS {
        let login = if n == 0 {
            "anna".to_string()
        } else {
            format!("user{n}")
        };
        conn.execute(
            "INSERT INTO users (login, email, admin, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![login, format!("{login}@example.com"), n == 0, at],
        )
        .unwrap();
    }
    for (index, name) in CLASSES.iter().enumerate() {
        // Complaints set their own targets; the others use the defaults.
        let (first, resolve) = if index == 0 {
            (Some(4 * 3600), Some(2 * 86_400))
        } else {
            (None, None)
        };
        conn.execute(
            "INSERT INTO classes (name, fold, owner_id, first_response, resolve)
             VALUES (?1, ?1, 1, ?2, ?3)",
            params![name, first, resolve],
        )
        .unwrap();
    }
    let mut stmt = conn
        .prepare("INSERT INTO customers (name, fold, code, created_at) VALUES (?1, ?2, ?3, ?4)")
        .unwrap();
    for n in 1..=CUSTOMERS {
        let name = format!("Customer {n} Sp. z o.o.");
        stmt.execute(params![name, name.to_lowercase(), format!("C{n:05}"), at])
            .unwrap();
    }
}

/// The life of one ticket, decided before it is written.
struct Plan {
    state: &'static str,
    opened: DateTime<Utc>,
    /// Times of the entries after the opening one.
    later: Vec<(DateTime<Utc>, &'static str)>,
    due: Option<String>,
}

fn plan(rng: &mut Rng, id: i64, tickets: i64, now: DateTime<Utc>) -> Plan {
    let pending_from = tickets - tickets / PENDING_SHARE;
    if id <= pending_from {
        // Closed: opened over the year before the pending ones, worked on
        // for up to ten days.
        let age = PENDING_SPAN + (pending_from - id) * (335 * 86_400) / pending_from.max(1);
        let opened = now - Duration::seconds(age);
        let span = 3600 + rng.below(10 * 86_400);
        let steps = 1 + rng.below(5);
        let mut later: Vec<_> = (1..=steps)
            .map(|k| {
                (
                    opened + Duration::seconds(span * k / (steps + 1)),
                    "activity",
                )
            })
            .collect();
        later.push((opened + Duration::seconds(span), "closed"));
        return Plan {
            state: "closed",
            opened,
            later,
            due: None,
        };
    }
    let age = (tickets - id) * PENDING_SPAN / (tickets / PENDING_SHARE).max(1);
    let opened = now - Duration::seconds(age);
    // New: most tickets of the last two days, a few older forgotten ones.
    let is_new = if age < 2 * 86_400 {
        rng.chance(800)
    } else {
        rng.chance(5)
    };
    let due = rng.chance(100).then(|| {
        let day = opened + Duration::days(3 + rng.below(12));
        day.format("%Y-%m-%d").to_string()
    });
    if is_new {
        return Plan {
            state: "new",
            opened,
            later: Vec::new(),
            due,
        };
    }
    // In progress: the last entry mostly within five days, one in twenty
    // quiet for longer.
    let quiet = if rng.chance(50) {
        5 * 86_400 + rng.below(25 * 86_400)
    } else {
        rng.below(5 * 86_400)
    };
    let last = (now - Duration::seconds(quiet)).max(opened + Duration::seconds(60));
    let last = last.min(now);
    let steps = 1 + rng.below(5);
    let span = (last - opened).num_seconds().max(steps);
    let later = (1..=steps)
        .map(|k| (opened + Duration::seconds(span * k / steps), "activity"))
        .collect();
    Plan {
        state: "in_progress",
        opened,
        later,
        due,
    }
}

struct Writer<'a> {
    ticket: Statement<'a>,
    entry: Statement<'a>,
}

/// Writes every ticket and its entries; returns the number of entries.
fn fill(conn: &Connection, tickets: i64, now: DateTime<Utc>) -> i64 {
    let mut writer = Writer {
        ticket: conn
            .prepare(
                "INSERT INTO tickets (id, subject, class_id, customer_id, channel, owner_id, state,
                     priority, due, opened_at, opened_by, first_activity_at, last_entry_at,
                     closed_at, last_seq)
                 VALUES (?1, ?2, ?3, ?4, 'phone', ?5, ?6, 'normal', ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )
            .unwrap(),
        entry: conn
            .prepare(
                "INSERT INTO entries (ticket_id, seq, kind, text, author_id, os_user, at,
                     recorded_at, internal, corrects, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 0, NULL, ?8, ?9)",
            )
            .unwrap(),
    };
    let mut rng = Rng(0x5eed);
    let mut entries = 0;
    for id in 1..=tickets {
        entries += ticket(&mut writer, &mut rng, id, tickets, now);
    }
    entries
}

fn ticket(w: &mut Writer, rng: &mut Rng, id: i64, tickets: i64, now: DateTime<Utc>) -> i64 {
    let plan = plan(rng, id, tickets, now);
    let owner = 1 + rng.below(USERS);
    let author = 1 + rng.below(USERS);
    let class = 1 + rng.below(CLASSES.len() as i64);
    let customer = 1 + rng.below(CUSTOMERS);
    let mut kinds = vec![(plan.opened, "opened")];
    if plan.due.is_some() {
        kinds.push((plan.opened, "due"));
    }
    kinds.extend(plan.later.iter().copied());
    let first_activity = plan
        .later
        .iter()
        .find(|(_, kind)| *kind == "activity")
        .map(|(at, _)| stamp(*at));
    let closed = (plan.state == "closed").then(|| stamp(kinds.last().unwrap().0));
    let last = stamp(kinds.last().unwrap().0);
    w.ticket
        .execute(params![
            id,
            format!("Case {id}: invoice {} and delivery", id * 7 % 100_000),
            class,
            customer,
            owner,
            plan.state,
            plan.due,
            stamp(plan.opened),
            author,
            first_activity,
            last,
            closed,
            kinds.len() as i64
        ])
        .unwrap();
    let login = if author == 1 {
        "anna".to_string()
    } else {
        format!("user{}", author - 1)
    };
    let mut prev = chain::GENESIS.to_string();
    for (index, (at, kind)) in kinds.iter().enumerate() {
        let seq = index as i64 + 1;
        let at = stamp(*at);
        let text = format!("Ticket {id}, step {seq}: {kind} noted by {login}.");
        let hash = chain::Link {
            prev_hash: &prev,
            ticket_id: id,
            seq,
            at: &at,
            recorded_at: &at,
            author: &login,
            os_user: &login,
            kind,
            internal: false,
            corrects: None,
            text: &text,
        }
        .hash();
        w.entry
            .execute(params![id, seq, kind, text, author, login, at, prev, hash])
            .unwrap();
        prev = hash;
    }
    kinds.len() as i64
}
