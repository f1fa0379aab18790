//! History entries: appended with their hash, read back in order.

use rusqlite::{Connection, Row, params};

use crate::chain::{GENESIS, Link};
use crate::error::{Error, Result};
use crate::model::{Entry, EntryKind};

/// An entry about to be written; the store adds its number and hash.
pub struct NewEntry<'a> {
    pub kind: EntryKind,
    pub text: &'a str,
    pub author_id: i64,
    pub author: &'a str,
    pub os_user: &'a str,
    pub at: &'a str,
    pub recorded_at: &'a str,
    pub internal: bool,
    pub corrects: Option<i64>,
}

const SELECT: &str = "SELECT e.seq, e.kind, e.text, u.login, e.os_user, e.at, e.recorded_at,
    e.internal, e.corrects, e.hash, e.prev_hash, e.ticket_id
    FROM entries e JOIN users u ON u.id = e.author_id";

fn from_row(row: &Row) -> rusqlite::Result<Entry> {
    let kind = super::text(row, 1)?;
    Ok(Entry {
        seq: row.get(0)?,
        kind: EntryKind::parse(&kind).unwrap_or(EntryKind::Activity),
        text: super::text(row, 2)?,
        author: super::text(row, 3)?,
        os_user: super::text(row, 4)?,
        at: super::text(row, 5)?,
        recorded_at: super::text(row, 6)?,
        internal: row.get(7)?,
        corrects: row.get(8)?,
        hash: super::text(row, 9)?,
        prev_hash: super::text(row, 10)?,
    })
}

/// Appends an entry after `last_seq`, chained to the entry before it.
pub fn append(conn: &Connection, ticket_id: i64, last_seq: i64, new: &NewEntry) -> Result<Entry> {
    let prev_hash: String = if last_seq == 0 {
        GENESIS.to_string()
    } else {
        conn.query_row(
            "SELECT hash FROM entries WHERE ticket_id = ?1 AND seq = ?2",
            params![ticket_id, last_seq],
            |row| row.get(0),
        )?
    };
    let seq = last_seq + 1;
    let link = Link {
        prev_hash: &prev_hash,
        ticket_id,
        seq,
        at: new.at,
        recorded_at: new.recorded_at,
        author: new.author,
        os_user: new.os_user,
        kind: new.kind.as_str(),
        internal: new.internal,
        corrects: new.corrects,
        text: new.text,
    };
    let hash = link.hash();
    let stored = conn.execute(
        "INSERT INTO entries (ticket_id, seq, kind, text, author_id, os_user, at, recorded_at,
             internal, corrects, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            ticket_id,
            seq,
            new.kind.as_str(),
            new.text,
            new.author_id,
            new.os_user,
            new.at,
            new.recorded_at,
            new.internal,
            new.corrects,
            prev_hash,
            hash
        ],
    )?;
    if stored != 1 {
        return Err(Error::env(
            "the database did not store the entry (a trigger that is not desk's ignored it); \
             nothing was recorded; run: desk verify",
        ));
    }
    Ok(Entry {
        seq,
        kind: new.kind,
        text: new.text.to_string(),
        author: new.author.to_string(),
        os_user: new.os_user.to_string(),
        at: new.at.to_string(),
        recorded_at: new.recorded_at.to_string(),
        internal: new.internal,
        corrects: new.corrects,
        hash,
        prev_hash,
    })
}

pub fn for_ticket(conn: &Connection, ticket_id: i64) -> Result<Vec<Entry>> {
    let sql = format!("{SELECT} WHERE e.ticket_id = ?1 ORDER BY e.seq");
    let mut stmt = conn.prepare(&sql)?;
    let entries = stmt
        .query_map([ticket_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(entries)
}

/// The number of a ticket's latest entry of one of `kinds`, or 0.
pub fn last_of(conn: &Connection, ticket_id: i64, kinds: &[EntryKind]) -> Result<i64> {
    // The kinds are our own words, never user input, so they can sit in the
    // statement, which is then prepared once per set of kinds.
    let list: Vec<String> = kinds
        .iter()
        .map(|kind| format!("'{}'", kind.as_str()))
        .collect();
    let sql = format!(
        "SELECT coalesce(max(seq), 0) FROM entries WHERE ticket_id = ?1 AND kind IN ({})",
        list.join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt.query_row([ticket_id], |row| row.get(0))?)
}

/// The highest ticket id any entry names.
pub fn last_ticket(conn: &Connection) -> Result<i64> {
    let sql = "SELECT coalesce(max(ticket_id), 0) FROM entries";
    Ok(conn.query_row(sql, [], |row| row.get(0))?)
}

pub fn exists(conn: &Connection, ticket_id: i64, seq: i64) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM entries WHERE ticket_id = ?1 AND seq = ?2)",
        params![ticket_id, seq],
        |row| row.get(0),
    )?)
}

/// Calls `visit` with every entry of the tickets `from..=to`, in ticket and
/// chain order.
pub fn walk(
    conn: &Connection,
    (from, to): (i64, i64),
    mut visit: impl FnMut(i64, Entry) -> Result<()>,
) -> Result<()> {
    let sql = format!("{SELECT} WHERE e.ticket_id BETWEEN ?1 AND ?2 ORDER BY e.ticket_id, e.seq");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query([from, to])?;
    while let Some(row) = rows.next()? {
        let ticket_id: i64 = row.get(11)?;
        visit(ticket_id, from_row(row).map_err(Error::from)?)?;
    }
    Ok(())
}
