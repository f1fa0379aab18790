//! The tally: counts of tickets per owner and state, kept by triggers in
//! the same transaction as every change, so that the banner reads two rows
//! instead of counting.

use rusqlite::Connection;

use crate::error::Result;

/// The owner id under which the tally keeps everyone's counts.
pub const EVERYONE: i64 = 0;

/// Pending tickets by state.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub new: i64,
    pub in_progress: i64,
}

impl Counts {
    pub fn pending(self) -> i64 {
        self.new + self.in_progress
    }
}

pub const COUNTS: &str = "SELECT state, n FROM tally
    WHERE owner_id = ?1 AND state IN ('new', 'in_progress')";

/// The pending counts of one owner, or of everyone with `EVERYONE`.
pub fn counts(conn: &Connection, owner_id: i64) -> Result<Counts> {
    let mut stmt = conn.prepare(COUNTS)?;
    let mut rows = stmt.query([owner_id])?;
    let mut counts = Counts::default();
    while let Some(row) = rows.next()? {
        let state: String = row.get(0)?;
        let n: i64 = row.get(1)?;
        match state.as_str() {
            "new" => counts.new = n,
            _ => counts.in_progress = n,
        }
    }
    Ok(counts)
}
