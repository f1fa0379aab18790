//! `desk verify`: walk every ticket's hash chain, check that each ticket row
//! agrees with its history, and run SQLite's own integrity check.

use std::collections::HashMap;

use super::Ctx;
use crate::chain::{GENESIS, Link};
use crate::db;
use crate::error::{Error, Result};
use crate::model::{Entry, EntryKind, State};

pub fn run(ctx: &mut Ctx) -> Result<()> {
    let problems = ctx.store.read(|tx| {
        let mut problems = db::integrity(tx)?;
        let mut walker = Walker::default();
        db::entries::walk(tx, |ticket_id, entry| {
            walker.visit(ticket_id, &entry);
            Ok(())
        })?;
        walker.end_ticket();
        problems.extend(walker.problems);
        // Each row must end where its chain ends, in the state its history
        // leads to: a removed last entry leaves a chain that is whole but short.
        for (ticket_id, last_seq, state) in db::tickets::heads(tx)? {
            let (found, replayed) = walker.ends.get(&ticket_id).copied().unwrap_or((0, None));
            if found != last_seq {
                problems.push(format!(
                    "ticket {ticket_id}: its row records {last_seq} entries, the history holds {found}"
                ));
            } else if replayed.is_some_and(|replayed| replayed != state) {
                problems.push(format!(
                    "ticket {ticket_id}: its row says {}, its history says {}",
                    state.label(),
                    replayed.map_or("", State::label)
                ));
            }
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
    for problem in &problems {
        writeln!(ctx.out, "{problem}")?;
    }
    Err(Error::env(format!(
        "{} problem(s) found in {}; the history may have been changed outside desk",
        problems.len(),
        ctx.store.path().display()
    )))
}

/// Follows the entries in ticket and chain order, one ticket at a time.
#[derive(Default)]
struct Walker {
    problems: Vec<String>,
    /// Per ticket: its last entry's number and the state its history leads to.
    ends: HashMap<i64, (i64, Option<State>)>,
    ticket: i64,
    prev: Option<Entry>,
    state: Option<State>,
}

impl Walker {
    fn visit(&mut self, ticket_id: i64, entry: &Entry) {
        if ticket_id != self.ticket {
            self.end_ticket();
            self.ticket = ticket_id;
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
        self.state = match entry.kind {
            EntryKind::Opened => Some(State::New),
            EntryKind::Activity | EntryKind::Reopened => Some(State::InProgress),
            EntryKind::Closed => Some(State::Closed),
            EntryKind::Assigned | EntryKind::Moved | EntryKind::Due => self.state,
        };
        self.prev = Some(entry.clone());
    }

    fn end_ticket(&mut self) {
        if let Some(prev) = self.prev.take() {
            self.ends.insert(self.ticket, (prev.seq, self.state.take()));
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
