//! Pending tickets as the banner and the reminders see them: one owner's
//! newest, and those late by their class's targets or their due date. Every
//! query here is answered from a partial index over pending tickets only.

use rusqlite::{Connection, Row, params};

use super::tickets::{self, Stored};
use crate::error::Result;
use crate::model::State;

/// The few fields the banner prints for one ticket.
#[derive(Debug, Clone)]
pub struct Line {
    pub id: i64,
    pub state: State,
    pub customer: String,
    pub subject: String,
    pub opened_at: String,
    pub due: Option<String>,
}

pub const NEWEST: &str = "SELECT t.id, t.state, cu.name, t.subject, t.opened_at, t.due
    FROM tickets t JOIN customers cu ON cu.id = t.customer_id
    WHERE t.owner_id = ?1 AND t.state <> 'closed'
    ORDER BY t.last_entry_at DESC, t.id DESC
    LIMIT ?2";

fn line_from_row(row: &Row) -> rusqlite::Result<Line> {
    let state: String = row.get(1)?;
    Ok(Line {
        id: row.get(0)?,
        state: State::parse(&state).unwrap_or(State::New),
        customer: row.get(2)?,
        subject: row.get(3)?,
        opened_at: row.get(4)?,
        due: row.get(5)?,
    })
}

/// An owner's pending tickets, newest activity first, at most `limit`.
pub fn newest(conn: &Connection, owner_id: i64, limit: i64) -> Result<Vec<Line>> {
    let mut stmt = conn.prepare(NEWEST)?;
    let lines = stmt
        .query_map(params![owner_id, limit], line_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(lines)
}

/// New tickets of a class opened before `before` (a stored instant): past
/// their first-response target. `owner_id` None means every owner's.
pub fn new_since(
    conn: &Connection,
    class_id: i64,
    before: &str,
    owner_id: Option<i64>,
) -> Result<Vec<Stored>> {
    let sql = format!(
        "{} WHERE t.state = 'new' AND t.class_id = ?1 AND t.opened_at < ?2
             AND (?3 IS NULL OR t.owner_id = ?3)
         ORDER BY t.id",
        tickets::SELECT
    );
    collect(conn, &sql, params![class_id, before, owner_id])
}

/// Tickets of a class in progress with no entry since `before`: stale.
pub fn quiet_since(
    conn: &Connection,
    class_id: Option<i64>,
    before: &str,
    owner_id: Option<i64>,
) -> Result<Vec<Stored>> {
    let class = if class_id.is_some() {
        "t.class_id = ?1"
    } else {
        "?1 IS NULL"
    };
    let sql = format!(
        "{} WHERE t.state = 'in_progress' AND {class} AND t.last_entry_at < ?2
             AND (?3 IS NULL OR t.owner_id = ?3)
         ORDER BY t.id",
        tickets::SELECT
    );
    collect(conn, &sql, params![class_id, before, owner_id])
}

/// A pending ticket with a due value, and when its current pending spell
/// began (its opening, or its latest reopening).
pub struct Due {
    pub stored: Stored,
    pub pending_since: String,
}

/// Pending tickets due before `bound` in stored order, a superset of the
/// overdue ones: the caller decides with `When::is_past`, since a due day
/// and a due instant pass differently.
pub fn due_before(conn: &Connection, bound: &str, owner_id: Option<i64>) -> Result<Vec<Due>> {
    let (columns, from) = tickets::SELECT
        .split_once("FROM tickets t")
        .expect("the ticket query reads from tickets t");
    let sql = format!(
        "{columns}, (SELECT max(e.recorded_at) FROM entries e
                WHERE e.ticket_id = t.id AND e.kind IN ('opened', 'reopened'))
         FROM tickets t{from}
         WHERE t.state <> 'closed' AND t.due IS NOT NULL AND t.due < ?1
             AND (?2 IS NULL OR t.owner_id = ?2)
         ORDER BY t.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![bound, owner_id], |row| {
        Ok(Due {
            stored: tickets::from_row(row)?,
            pending_since: row.get::<_, Option<String>>(18)?.unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn collect(conn: &Connection, sql: &str, values: impl rusqlite::Params) -> Result<Vec<Stored>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(values, tickets::from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
