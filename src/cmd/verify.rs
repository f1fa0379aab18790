//! `desk verify`: walk every ticket's hash chain, check that each ticket row
//! agrees with its history, and run SQLite's own integrity check.

use super::Ctx;
use crate::chain::{GENESIS, Link};
use crate::db;
use crate::error::{Error, Result};
use crate::model::Entry;

pub fn run(ctx: &mut Ctx) -> Result<()> {
    let problems = ctx.store.read(|tx| {
        let mut problems = db::integrity(tx)?;
        let heads = db::tickets::heads(tx)?;
        let mut walker = Walker { problems: Vec::new(), ticket: 0, prev: None };
        db::entries::walk(tx, |ticket_id, entry| {
            walker.visit(ticket_id, &entry);
            Ok(())
        })?;
        let mut chains = walker.problems;
        // Ticket rows must end where their chains end: a removed last entry
        // leaves a chain that is whole but short.
        let ends = db::entries::chain_ends(tx)?;
        for (ticket_id, last_seq) in heads {
            let found = ends.get(&ticket_id).copied().unwrap_or(0);
            if found != last_seq {
                chains.push(format!(
                    "ticket {ticket_id}: its row records {last_seq} entries, the history holds {found}"
                ));
            }
        }
        problems.extend(chains);
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

struct Walker {
    problems: Vec<String>,
    ticket: i64,
    prev: Option<Entry>,
}

impl Walker {
    fn visit(&mut self, ticket_id: i64, entry: &Entry) {
        if ticket_id != self.ticket {
            self.ticket = ticket_id;
            self.prev = None;
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
        let link = Link {
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
        };
        if link.hash() != entry.hash {
            self.problems
                .push(format!("{at}: its content no longer matches its hash"));
        }
        self.prev = Some(entry.clone());
    }
}
