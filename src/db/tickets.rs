//! Tickets: the case rows, whose state, owner, class and times are kept up
//! to date in the same transaction as the entry that changes them.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

use crate::error::Result;
use crate::model::{CustomerRef, State, Ticket};

/// A ticket as stored, with the keys the commands need to change it.
pub struct Stored {
    pub ticket: Ticket,
    pub owner_id: i64,
    pub last_seq: i64,
}

/// How many columns `SELECT` reads; a query that adds its own comes after.
pub(super) const SELECT_COLUMNS: usize = 17;

pub(super) const SELECT: &str =
    "SELECT t.id, t.subject, c.name, cu.id, cu.name, t.channel, o.login,
    t.state, t.priority, t.due, t.opened_at, ob.login, t.first_activity_at, t.last_entry_at,
    t.closed_at, t.last_seq, t.owner_id
    FROM tickets t
    JOIN classes c ON c.id = t.class_id
    JOIN customers cu ON cu.id = t.customer_id
    JOIN users o ON o.id = t.owner_id
    JOIN users ob ON ob.id = t.opened_by";

pub(super) fn from_row(row: &Row) -> rusqlite::Result<Stored> {
    let state = super::text(row, 7)?;
    let ticket = Ticket {
        id: row.get(0)?,
        subject: super::text(row, 1)?,
        class: super::text(row, 2)?,
        customer: CustomerRef {
            id: row.get(3)?,
            name: super::text(row, 4)?,
        },
        channel: super::text(row, 5)?,
        owner: super::text(row, 6)?,
        state: State::parse(&state).unwrap_or(State::New),
        priority: super::text(row, 8)?,
        due: super::opt_text(row, 9)?,
        opened_at: super::text(row, 10)?,
        opened_by: super::text(row, 11)?,
        first_activity_at: super::opt_text(row, 12)?,
        last_entry_at: super::text(row, 13)?,
        closed_at: super::opt_text(row, 14)?,
    };
    Ok(Stored {
        ticket,
        last_seq: row.get(15)?,
        owner_id: row.get(16)?,
    })
}

pub struct NewTicket<'a> {
    pub subject: &'a str,
    pub class_id: i64,
    pub customer_id: i64,
    pub channel: &'a str,
    pub owner_id: i64,
    pub priority: &'a str,
    pub due: Option<&'a str>,
    pub opened_at: &'a str,
    pub opened_by: i64,
}

pub fn insert(conn: &Connection, t: &NewTicket) -> Result<i64> {
    conn.execute(
        "INSERT INTO tickets (subject, class_id, customer_id, channel, owner_id, state, priority,
             due, opened_at, opened_by, last_entry_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'new', ?6, ?7, ?8, ?9, ?8)",
        params![
            t.subject,
            t.class_id,
            t.customer_id,
            t.channel,
            t.owner_id,
            t.priority,
            t.due,
            t.opened_at,
            t.opened_by
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Option<Stored>> {
    let sql = format!("{SELECT} WHERE t.id = ?1");
    Ok(conn.query_row(&sql, [id], from_row).optional()?)
}

/// What an entry changes on its ticket's row; `None` leaves a field alone.
#[derive(Default)]
pub struct Change {
    pub state: Option<State>,
    pub owner_id: Option<i64>,
    pub class_id: Option<i64>,
    pub due: Option<Option<String>>,
    pub first_activity_at: Option<String>,
    pub closed_at: Option<Option<String>>,
}

/// Records that entry `seq` was written at `recorded_at`, with its changes.
pub fn apply(conn: &Connection, id: i64, seq: i64, recorded_at: &str, c: &Change) -> Result<()> {
    conn.execute(
        "UPDATE tickets SET
             last_seq = ?2,
             last_entry_at = ?3,
             state = coalesce(?4, state),
             owner_id = coalesce(?5, owner_id),
             class_id = coalesce(?6, class_id),
             due = CASE WHEN ?7 THEN ?8 ELSE due END,
             first_activity_at = CASE
                 WHEN ?9 IS NULL THEN first_activity_at
                 WHEN first_activity_at IS NULL OR ?9 < first_activity_at THEN ?9
                 ELSE first_activity_at END,
             closed_at = CASE WHEN ?10 THEN ?11 ELSE closed_at END
         WHERE id = ?1",
        params![
            id,
            seq,
            recorded_at,
            c.state.map(State::as_str),
            c.owner_id,
            c.class_id,
            c.due.is_some(),
            c.due.clone().flatten(),
            c.first_activity_at,
            c.closed_at.is_some(),
            c.closed_at.clone().flatten()
        ],
    )?;
    Ok(())
}

/// Which tickets a list shows.
#[derive(Debug, Default)]
pub struct Filter {
    /// None: only pending (new and in progress).
    pub states: Option<Vec<State>>,
    pub owner_id: Option<i64>,
    pub class_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// Past due at this (today, now) pair of stored forms.
    pub overdue: Option<(String, String)>,
    /// No entry since this stored instant.
    pub stale_before: Option<String>,
    pub sort: Sort,
    pub limit: Option<i64>,
    /// For the due order: seconds from a due day's midnight in UTC to the
    /// end of that day on the reader's clock (86400 in UTC).
    pub day_end: i64,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Newest activity first.
    #[default]
    Activity,
    Opened,
    Id,
    Due,
}

/// The tickets a filter selects, and how many matched in all.
pub fn list(conn: &Connection, f: &Filter) -> Result<(Vec<Ticket>, i64)> {
    let mut tickets = Vec::new();
    each(conn, f, |ticket| {
        tickets.push(ticket);
        Ok(())
    })?;
    let total = total(conn, f, tickets.len())?;
    Ok((tickets, total))
}

/// Calls `visit` with each ticket a filter selects, in order, one at a time.
pub fn each(
    conn: &Connection,
    f: &Filter,
    mut visit: impl FnMut(Ticket) -> Result<()>,
) -> Result<()> {
    let (condition, mut values) = conditions(f);
    let order = match f.sort {
        Sort::Activity => "t.last_entry_at DESC, t.id DESC".to_string(),
        Sort::Opened => "t.opened_at DESC, t.id DESC".to_string(),
        Sort::Id => "t.id".to_string(),
        // A due day sorts as the instant it ends on the reader's clock.
        Sort::Due => {
            values.push(format!("{} seconds", f.day_end).into());
            let shift = values.len();
            format!(
                "t.due IS NULL, CASE WHEN length(t.due) = 10
                     THEN strftime('%Y-%m-%dT%H:%M:%SZ', t.due, ?{shift}) ELSE t.due END, t.id"
            )
        }
    };
    let limit = f.limit.unwrap_or(-1);
    let sql = format!("{SELECT} WHERE {condition} ORDER BY {order} LIMIT {limit}");
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(values.iter()))?;
    while let Some(row) = rows.next()? {
        visit(from_row(row)?.ticket)?;
    }
    Ok(())
}

/// How many tickets a filter selects without its limit, given that `shown`
/// came back with it.
pub fn total(conn: &Connection, f: &Filter, shown: usize) -> Result<i64> {
    if f.limit.is_none_or(|limit| (shown as i64) < limit) {
        return Ok(shown as i64);
    }
    let (condition, values) = conditions(f);
    let sql = format!("SELECT count(*) FROM tickets t WHERE {condition}");
    Ok(conn.query_row(&sql, params_from_iter(values.iter()), |row| row.get(0))?)
}

fn conditions(f: &Filter) -> (String, Vec<Value>) {
    let mut parts: Vec<String> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    let mut param = |value: Value| {
        values.push(value);
        format!("?{}", values.len())
    };
    match &f.states {
        None => parts.push("t.state <> 'closed'".to_string()),
        Some(states) => {
            let list: Vec<String> = states.iter().map(|s| format!("'{}'", s.as_str())).collect();
            parts.push(format!("t.state IN ({})", list.join(", ")));
        }
    }
    if let Some(id) = f.owner_id {
        parts.push(format!("t.owner_id = {}", param(id.into())));
    }
    if let Some(id) = f.class_id {
        parts.push(format!("t.class_id = {}", param(id.into())));
    }
    if let Some(id) = f.customer_id {
        parts.push(format!("t.customer_id = {}", param(id.into())));
    }
    if let Some((today, now)) = &f.overdue {
        // A due day is stored as YYYY-MM-DD, a due instant as RFC 3339.
        let (today, now) = (param(today.clone().into()), param(now.clone().into()));
        parts.push(format!(
            "t.state <> 'closed' AND t.due IS NOT NULL AND (length(t.due) = 10 AND t.due < {today} \
             OR length(t.due) > 10 AND t.due < {now})"
        ));
    }
    if let Some(before) = &f.stale_before {
        let before = param(before.clone().into());
        parts.push(format!(
            "t.state <> 'closed' AND t.last_entry_at < {before}"
        ));
    }
    (parts.join(" AND "), values)
}

/// What a ticket row records that its history can also tell.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Head {
    pub id: i64,
    pub last_seq: i64,
    pub state: String,
    pub opened_at: String,
    pub first_activity_at: Option<String>,
    pub last_entry_at: String,
    pub closed_at: Option<String>,
}

/// The heads of the ticket rows `from..=to`, in id order.
pub fn heads(
    conn: &Connection,
    (from, to): (i64, i64),
    mut visit: impl FnMut(Head) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, last_seq, state, opened_at, first_activity_at, last_entry_at, closed_at
         FROM tickets WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
    )?;
    let mut rows = stmt.query([from, to])?;
    while let Some(row) = rows.next()? {
        visit(Head {
            id: row.get(0)?,
            last_seq: row.get(1)?,
            state: row.get(2)?,
            opened_at: row.get(3)?,
            first_activity_at: row.get(4)?,
            last_entry_at: row.get(5)?,
            closed_at: row.get(6)?,
        })?;
    }
    Ok(())
}

/// The highest ticket id ever handed out.
pub fn last_id(conn: &Connection) -> Result<i64> {
    let sql = "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'tickets'), 0)";
    Ok(conn.query_row(sql, [], |row| row.get(0))?)
}
