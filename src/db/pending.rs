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
    let state = super::text(row, 1)?;
    Ok(Line {
        id: row.get(0)?,
        state: State::parse(&state).unwrap_or(State::New),
        customer: super::text(row, 2)?,
        subject: super::text(row, 3)?,
        opened_at: super::text(row, 4)?,
        due: super::opt_text(row, 5)?,
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
    collect(conn, &new_since_sql(), params![class_id, before, owner_id])
}

fn new_since_sql() -> String {
    format!(
        "{} WHERE t.state = 'new' AND t.class_id = ?1 AND t.opened_at < ?2
             AND (?3 IS NULL OR t.owner_id = ?3)
         ORDER BY t.id",
        tickets::SELECT
    )
}

/// Tickets in progress with no entry since `before`: stale. `class_id`
/// None means every class (one `--stale` limit for all).
pub fn quiet_since(
    conn: &Connection,
    class_id: Option<i64>,
    before: &str,
    owner_id: Option<i64>,
) -> Result<Vec<Stored>> {
    let sql = quiet_since_sql(class_id.is_some());
    collect(conn, &sql, params![class_id, before, owner_id])
}

fn quiet_since_sql(by_class: bool) -> String {
    let class = if by_class {
        "t.class_id = ?1"
    } else {
        "?1 IS NULL"
    };
    format!(
        "{} WHERE t.state = 'in_progress' AND {class} AND t.last_entry_at < ?2
             AND (?3 IS NULL OR t.owner_id = ?3)
         ORDER BY t.id",
        tickets::SELECT
    )
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
    let mut stmt = conn.prepare(&due_before_sql())?;
    let rows = stmt.query_map(params![bound, owner_id], |row| {
        Ok(Due {
            stored: tickets::from_row(row)?,
            pending_since: row
                .get::<_, Option<String>>(tickets::SELECT_COLUMNS)?
                .unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn due_before_sql() -> String {
    let (columns, from) = tickets::SELECT
        .split_once("FROM tickets t")
        .expect("the ticket query reads from tickets t");
    format!(
        "{columns}, (SELECT max(e.recorded_at) FROM entries e
                WHERE e.ticket_id = t.id AND e.kind IN ('opened', 'reopened'))
         FROM tickets t{from}
         WHERE t.state <> 'closed' AND t.due IS NOT NULL AND t.due < ?1
             AND (?2 IS NULL OR t.owner_id = ?2)
         ORDER BY t.id"
    )
}

fn collect(conn: &Connection, sql: &str, values: impl rusqlite::Params) -> Result<Vec<Stored>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(values, tickets::from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::schema::MIGRATIONS;
    use crate::db::tally;

    fn schema() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        for step in MIGRATIONS {
            conn.execute_batch(step).unwrap();
        }
        conn
    }

    /// The plan SQLite chose, one line per step, as `EXPLAIN QUERY PLAN`
    /// prints it.
    fn plan(conn: &Connection, sql: &str, values: impl rusqlite::Params) -> Vec<String> {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt
            .query_map(values, |row| row.get::<_, String>(3))
            .unwrap();
        let steps: Vec<String> = rows.map(Result::unwrap).collect();
        println!("{sql}\n  -> {}", steps.join("\n  -> "));
        steps
    }

    /// No step reads a whole table, and no step sorts: each is an index
    /// search answered in index order.
    fn only_searches(steps: &[String]) {
        for step in steps {
            assert!(!step.starts_with("SCAN"), "a full scan: {step}");
            assert!(!step.contains("TEMP B-TREE"), "a sort: {step}");
        }
    }

    #[test]
    fn the_banner_reads_the_tally_and_the_pending_index_only() {
        let conn = schema();
        let counts = plan(&conn, tally::COUNTS, [0]);
        assert_eq!(
            counts,
            ["SEARCH tally USING PRIMARY KEY (owner_id=? AND state=?)"]
        );
        let newest = plan(&conn, NEWEST, params![1, 5]);
        assert!(
            newest.contains(&"SEARCH t USING INDEX tickets_pending_by_owner (owner_id=?)".into()),
            "{newest:?}"
        );
        assert!(
            newest
                .iter()
                .any(|s| s.starts_with("SEARCH cu USING INTEGER PRIMARY KEY"))
        );
        only_searches(&newest);
    }

    fn uses(steps: &[String], search: &str) {
        assert!(
            steps.iter().any(|s| s.contains(search)),
            "{search}: {steps:?}"
        );
    }

    #[test]
    fn reminders_search_partial_indexes_of_pending_tickets() {
        let conn = schema();
        let none = None::<i64>;
        let late_new = plan(&conn, &new_since_sql(), params![1, "x", none]);
        uses(
            &late_new,
            "INDEX tickets_new_by_class (class_id=? AND opened_at<?)",
        );
        let quiet = plan(&conn, &quiet_since_sql(true), params![1, "x", none]);
        uses(
            &quiet,
            "INDEX tickets_active_by_class (class_id=? AND last_entry_at<?)",
        );
        let quiet_all = plan(&conn, &quiet_since_sql(false), params![none, "x", none]);
        uses(
            &quiet_all,
            "INDEX tickets_by_state (state=? AND last_entry_at<?)",
        );
        let due = plan(&conn, &due_before_sql(), params!["x", none]);
        uses(&due, "SEARCH t USING INDEX tickets_by_due (");
        uses(
            &due,
            "SEARCH e USING INDEX sqlite_autoindex_entries_1 (ticket_id=?)",
        );
        for step in [late_new, quiet, quiet_all, due].iter().flatten() {
            assert!(!step.starts_with("SCAN t "), "a scan of tickets: {step}");
            assert!(!step.starts_with("SCAN e"), "a scan of entries: {step}");
        }
    }
}
