//! Classes: the groups tickets belong to, each with a default owner and
//! optional response targets.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::Result;
use crate::model::Class;
use crate::names;

const SELECT: &str = "SELECT c.id, c.name, c.title, c.description, u.login,
    c.first_response, c.resolve, c.archived
    FROM classes c JOIN users u ON u.id = c.owner_id";

fn from_row(row: &Row) -> rusqlite::Result<Class> {
    Ok(Class {
        id: row.get(0)?,
        name: super::text(row, 1)?,
        title: super::opt_text(row, 2)?,
        description: super::opt_text(row, 3)?,
        owner: super::text(row, 4)?,
        first_response: row.get(5)?,
        resolve: row.get(6)?,
        archived: row.get(7)?,
    })
}

pub fn insert(conn: &Connection, class: &Class, owner_id: i64) -> Result<i64> {
    conn.execute(
        "INSERT INTO classes (name, fold, title, description, owner_id, first_response, resolve)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            class.name,
            names::fold(&class.name),
            class.title,
            class.description,
            owner_id,
            class.first_response,
            class.resolve
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Finds a class by name, by the rule in `names::fold`.
pub fn by_name(conn: &Connection, name: &str) -> Result<Option<Class>> {
    let sql = format!("{SELECT} WHERE c.fold = ?1");
    Ok(conn
        .query_row(&sql, [names::fold(name)], from_row)
        .optional()?)
}

pub fn list(conn: &Connection, archived_too: bool) -> Result<Vec<Class>> {
    let sql = format!("{SELECT} WHERE c.archived = 0 OR ?1 ORDER BY c.fold");
    let mut stmt = conn.prepare(&sql)?;
    let classes = stmt
        .query_map([archived_too], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(classes)
}

pub fn update(conn: &Connection, class: &Class, owner_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE classes SET name = ?2, fold = ?3, title = ?4, description = ?5, owner_id = ?6,
             first_response = ?7, resolve = ?8, archived = ?9
         WHERE id = ?1",
        params![
            class.id,
            class.name,
            names::fold(&class.name),
            class.title,
            class.description,
            owner_id,
            class.first_response,
            class.resolve,
            class.archived
        ],
    )?;
    Ok(())
}
