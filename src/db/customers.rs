//! Customers: the counterparties tickets are about.

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::error::Result;
use crate::model::Customer;
use crate::names;

const COLUMNS: &str = "id, name, code, tax_id, email, phone, address, note";

fn from_row(row: &Row) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: row.get(0)?,
        name: super::text(row, 1)?,
        code: super::opt_text(row, 2)?,
        tax_id: super::opt_text(row, 3)?,
        email: super::opt_text(row, 4)?,
        phone: super::opt_text(row, 5)?,
        address: super::opt_text(row, 6)?,
        note: super::opt_text(row, 7)?,
    })
}

pub fn insert(conn: &Connection, c: &Customer, now: &str) -> Result<Customer> {
    let sql = format!(
        "INSERT INTO customers (name, fold, code, tax_id, email, phone, address, note, created_at,
             code_fold)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING {COLUMNS}"
    );
    let fold = names::fold(&c.name);
    let code_fold = c.code.as_deref().map(names::fold);
    let params = params![
        c.name, fold, c.code, c.tax_id, c.email, c.phone, c.address, c.note, now, code_fold
    ];
    Ok(conn.query_row(&sql, params, from_row)?)
}

pub fn update(conn: &Connection, c: &Customer) -> Result<()> {
    conn.execute(
        "UPDATE customers SET name = ?2, fold = ?3, code = ?4, tax_id = ?5, email = ?6,
             phone = ?7, address = ?8, note = ?9, code_fold = ?10
         WHERE id = ?1",
        params![
            c.id,
            c.name,
            names::fold(&c.name),
            c.code,
            c.tax_id,
            c.email,
            c.phone,
            c.address,
            c.note,
            c.code.as_deref().map(names::fold)
        ],
    )?;
    Ok(())
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Option<Customer>> {
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE id = ?1");
    Ok(conn.query_row(&sql, [id], from_row).optional()?)
}

pub fn by_code(conn: &Connection, code: &str) -> Result<Option<Customer>> {
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE code_fold = ?1");
    Ok(conn
        .query_row(&sql, [names::fold(code)], from_row)
        .optional()?)
}

pub fn by_email(conn: &Connection, email: &str) -> Result<Vec<Customer>> {
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE lower(email) = lower(?1) ORDER BY id");
    collect(conn, &sql, email)
}

pub fn by_name(conn: &Connection, name: &str) -> Result<Vec<Customer>> {
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE fold = ?1 ORDER BY id");
    collect(conn, &sql, &names::fold(name))
}

pub fn list(conn: &Connection) -> Result<Vec<Customer>> {
    let sql = format!("SELECT {COLUMNS} FROM customers ORDER BY fold, id");
    let mut stmt = conn.prepare(&sql)?;
    let customers = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(customers)
}

fn collect(conn: &Connection, sql: &str, key: &str) -> Result<Vec<Customer>> {
    let mut stmt = conn.prepare(sql)?;
    let customers = stmt
        .query_map([key], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(customers)
}
