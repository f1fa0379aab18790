//! `desk verify`: walk every ticket's hash chain, check that each ticket row
//! agrees with its history, and run SQLite's own integrity check.

use std::collections::HashMap;

use super::Ctx;
use crate::chain::{GENESIS, Link};
use crate::db;
use crate::db::tickets::Head;
use crate::error::{Error, Result};
use crate::model::{Entry, EntryKind, State};

pub fn run(ctx: &mut Ctx) -> Result<()> {
    let problems = ctx.store.read(|tx| {
        let mut problems = db::integrity(tx)?;
        problems.extend(db::guards(tx)?);
        // Ids are never reused, so every id up to the last handed out exists.
        let last_id = db::tickets::last_id(tx)?;
        let last = last_id.max(db::entries::last_ticket(tx)?);
        let mut expected_id = 1;
        // A range of tickets at a time, so that memory stays the same
        // however many tickets there are.
        for from in (1..=last).step_by(CHUNK as usize) {
            let range = (from, from + CHUNK - 1);
            let mut walker = Walker::default();
            db::entries::walk(tx, range, |ticket_id, entry| {
                walker.visit(ticket_id, &entry);
                Ok(())
            })?;
            walker.end_ticket();
            problems.extend(walker.problems);
            db::tickets::heads(tx, range, |head| {
                if head.id > expected_id {
                    problems.push(missing(expected_id, head.id - 1));
                }
                expected_id = head.id + 1;
                let replayed = walker.ends.remove(&head.id).unwrap_or_default();
                problems.extend(compare(&head, &replayed));
                Ok(())
            })?;
            let mut orphans: Vec<i64> = walker.ends.into_keys().collect();
            orphans.sort_unstable();
            for ticket_id in orphans {
                problems.push(format!(
                    "ticket {ticket_id}: it has a history but no ticket row"
                ));
            }
        }
        if last_id >= expected_id {
            problems.push(missing(expected_id, last_id));
        }
        Ok(problems)
    })?;
    if problems.is_empty() {
        writeln!(
            ctx.out,
            "ok: every ticket's history verifies, and the database is intact"
        )?;
        return Ok(());
    }
    // The values quoted come from a file someone may have tampered with.
    for problem in &problems {
        writeln!(ctx.out, "{}", crate::sanitize::line(problem))?;
    }
    Err(Error::env(format!(
        "{} problem(s) found in {}; the history may have been changed outside desk",
        problems.len(),
        ctx.store.path().display()
    )))
}

/// How many tickets verify holds in memory at once. Debug builds (the test
/// suite) take tiny ranges, so that the tests cross range boundaries.
const CHUNK: i64 = if cfg!(debug_assertions) { 3 } else { 10_000 };

fn missing(from: i64, to: i64) -> String {
    if from == to {
        format!("ticket {from}: it is missing")
    } else {
        format!("tickets {from} to {to}: they are missing")
    }
}

/// Names each field where a ticket row and its history disagree. A removed
/// last entry leaves a chain that is whole but short: the row still counts it.
fn compare(row: &Head, history: &Head) -> Vec<String> {
    let id = row.id;
    if row.last_seq != history.last_seq {
        return vec![format!(
            "ticket {id}: its row records {} entries, the history holds {}",
            row.last_seq, history.last_seq
        )];
    }
    let label = |state: &str| State::parse(state).map_or(state.to_string(), |s| s.label().into());
    let mut problems = Vec::new();
    if row.state != history.state {
        problems.push(format!(
            "ticket {id}: its row says {}, its history says {}",
            label(&row.state),
            label(&history.state)
        ));
    }
    let show = |value: &Option<String>| value.clone().unwrap_or_else(|| "none".into());
    let times = [
        (
            "opened",
            Some(row.opened_at.clone()),
            Some(history.opened_at.clone()),
        ),
        (
            "first activity",
            row.first_activity_at.clone(),
            history.first_activity_at.clone(),
        ),
        (
            "last entry",
            Some(row.last_entry_at.clone()),
            Some(history.last_entry_at.clone()),
        ),
        ("closing", row.closed_at.clone(), history.closed_at.clone()),
    ];
    for (what, in_row, in_history) in times {
        if in_row != in_history {
            problems.push(format!(
                "ticket {id}: its row gives the {what} time as {}, its history as {}",
                show(&in_row),
                show(&in_history)
            ));
        }
    }
    problems
}

/// Follows the entries in ticket and chain order, one ticket at a time,
/// checking each link and replaying what the ticket row should say.
#[derive(Default)]
struct Walker {
    problems: Vec<String>,
    ends: HashMap<i64, Head>,
    ticket: i64,
    prev: Option<Entry>,
    replay: Head,
}

impl Walker {
    fn visit(&mut self, ticket_id: i64, entry: &Entry) {
        if ticket_id != self.ticket {
            self.end_ticket();
            self.ticket = ticket_id;
            self.replay = Head {
                id: ticket_id,
                ..Head::default()
            };
        }
        let expected_seq = self.prev.as_ref().map_or(1, |p| p.seq + 1);
        let expected_prev = self.prev.as_ref().map_or(GENESIS, |p| p.hash.as_str());
        let at = format!("ticket {ticket_id} entry {}", entry.seq);
        if entry.seq != expected_seq {
            self.problems.push(format!(
                "{at}: expected entry {expected_seq} here; entries are missing"
            ));
        }
        if entry.prev_hash != expected_prev {
            self.problems
                .push(format!("{at}: does not link to the entry before it"));
        }
        if link(ticket_id, entry).hash() != entry.hash {
            self.problems
                .push(format!("{at}: its content no longer matches its hash"));
        }
        self.replay_entry(entry);
        self.prev = Some(entry.clone());
    }

    /// What each kind of entry does to its ticket's row, as the commands do it.
    fn replay_entry(&mut self, entry: &Entry) {
        let replay = &mut self.replay;
        replay.last_seq = entry.seq;
        replay.last_entry_at = entry.recorded_at.clone();
        let state = match entry.kind {
            EntryKind::Opened => {
                replay.opened_at = entry.at.clone();
                State::New
            }
            EntryKind::Activity => {
                // The earliest activity, whenever it was typed in.
                let first = replay
                    .first_activity_at
                    .get_or_insert_with(|| entry.at.clone());
                if entry.at < *first {
                    *first = entry.at.clone();
                }
                State::InProgress
            }
            EntryKind::Reopened => {
                replay.closed_at = None;
                State::InProgress
            }
            EntryKind::Closed => {
                replay.closed_at = Some(entry.recorded_at.clone());
                State::Closed
            }
            EntryKind::Assigned | EntryKind::Moved | EntryKind::Due => return,
        };
        replay.state = state.as_str().to_string();
    }

    fn end_ticket(&mut self) {
        if self.prev.take().is_some() {
            self.ends
                .insert(self.ticket, std::mem::take(&mut self.replay));
        }
    }
}

fn link(ticket_id: i64, entry: &Entry) -> Link<'_> {
    Link {
        prev_hash: &entry.prev_hash,
        ticket_id,
        seq: entry.seq,
        at: &entry.at,
        recorded_at: &entry.recorded_at,
        author: &entry.author,
        os_user: &entry.os_user,
        kind: entry.kind.as_str(),
        internal: entry.internal,
        corrects: entry.corrects,
        text: &entry.text,
    }
}
