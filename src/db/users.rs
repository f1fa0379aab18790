//! Users: the people who work tickets, known by login.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::Result;
use crate::model::User;

const COLUMNS: &str = "id, login, name, email, admin, active";

fn from_row(row: &Row) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        login: super::text(row, 1)?,
        name: super::opt_text(row, 2)?,
        email: super::opt_text(row, 3)?,
        admin: row.get(4)?,
        active: row.get(5)?,
    })
}

pub fn insert(conn: &Connection, user: &User, now: &str) -> Result<User> {
    let sql = format!(
        "INSERT INTO users (login, name, email, admin, active, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING {COLUMNS}"
    );
    let params = params![
        user.login,
        user.name,
        user.email,
        user.admin,
        user.active,
        now
    ];
    Ok(conn.query_row(&sql, params, from_row)?)
}

pub fn by_login(conn: &Connection, login: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE login = ?1");
    Ok(conn.query_row(&sql, [login], from_row).optional()?)
}

pub fn list(conn: &Connection) -> Result<Vec<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY login");
    let mut stmt = conn.prepare(&sql)?;
    let users = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(users)
}

pub fn update(conn: &Connection, user: &User) -> Result<()> {
    conn.execute(
        "UPDATE users SET name = ?2, email = ?3, admin = ?4, active = ?5 WHERE id = ?1",
        params![user.id, user.name, user.email, user.admin, user.active],
    )?;
    Ok(())
}

pub fn active_admins(conn: &Connection) -> Result<i64> {
    let sql = "SELECT count(*) FROM users WHERE admin = 1 AND active = 1";
    Ok(conn.query_row(sql, [], |row| row.get(0))?)
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |row| row.get(0))?)
}
