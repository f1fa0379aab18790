//! What `desk remind --new` has reported, kept apart from the tickets'
//! history: one row per fact and owner, keyed by what made the fact true.

use rusqlite::{Connection, params};

use crate::error::Result;

/// One reported fact.
pub struct Key<'a> {
    pub ticket_id: i64,
    pub owner_id: i64,
    pub reason: &'a str,
    pub basis: &'a str,
}

/// Whether a fact was reported already.
pub fn seen(conn: &Connection, key: &Key) -> Result<bool> {
    let mut stmt = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM reminded
             WHERE ticket_id = ?1 AND owner_id = ?2 AND reason = ?3 AND basis = ?4)",
    )?;
    let params = params![key.ticket_id, key.owner_id, key.reason, key.basis];
    Ok(stmt.query_row(params, |row| row.get(0))?)
}

/// Records a fact as reported at `now`; false when it already was.
pub fn record(conn: &Connection, key: &Key, now: &str) -> Result<bool> {
    // Cached: a catch-up run records thousands of facts in one go.
    let mut stmt = conn.prepare_cached(
        "INSERT INTO reminded (ticket_id, owner_id, reason, basis, reported_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (ticket_id, owner_id, reason, basis) DO NOTHING",
    )?;
    let added = stmt.execute(params![
        key.ticket_id,
        key.owner_id,
        key.reason,
        key.basis,
        now
    ])?;
    Ok(added == 1)
}
