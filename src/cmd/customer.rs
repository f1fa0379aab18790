//! `desk customer`: the counterparties tickets are about.

use clap::{Args, Subcommand};
use rusqlite::Connection;

use super::{Ctx, Lines, field};
use crate::db;
use crate::db::tickets::{Filter, Sort};
use crate::error::{Error, Result};
use crate::model::{Customer, State};
use crate::names;
use crate::render::{self, Grid, Text};
use crate::when;

#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// Add a customer
    Add {
        /// The customer's name (or --name)
        #[arg(value_name = "NAME", conflicts_with = "name")]
        positional: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        fields: CustomerFields,
    },
    /// List customers
    #[command(alias = "ls")]
    List,
    /// Show a customer and their tickets
    Show {
        /// An id, a code, an e-mail address or an exact name
        customer: String,
    },
    /// Change a customer's details ("" clears a field)
    Edit {
        /// An id, a code, an e-mail address or an exact name
        customer: String,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        fields: CustomerFields,
    },
}

#[derive(Debug, Args)]
pub struct CustomerFields {
    /// A short code of your own, unique
    #[arg(long)]
    code: Option<String>,
    #[arg(long)]
    tax_id: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    address: Option<String>,
    #[arg(long)]
    note: Option<String>,
}

impl CustomerCommand {
    pub fn writes(&self) -> bool {
        matches!(
            self,
            CustomerCommand::Add { .. } | CustomerCommand::Edit { .. }
        )
    }
}

pub fn run(command: CustomerCommand, ctx: &mut Ctx) -> Result<()> {
    match command {
        CustomerCommand::Add {
            positional,
            name,
            fields,
        } => {
            let Some(name) = positional.or(name) else {
                return Err(Error::usage(
                    "give the customer's name: desk customer add NAME",
                ));
            };
            let name = names::one_line(&name, "customer's name", 200)?;
            let settings = ctx.settings;
            let now = when::stamp(when::now());
            let customer = ctx.store.write(|tx| {
                super::actor(tx, settings)?;
                let mut customer = blank(name);
                apply(&mut customer, fields)?;
                super::check_email(&customer.email)?;
                check_code(tx, &customer)?;
                db::customers::insert(tx, &customer, &now)
            })?;
            let line = format!("{} added customer {}", customer.id, customer.name);
            super::done(ctx, &line, &customer)
        }
        CustomerCommand::List => list(ctx),
        CustomerCommand::Show { customer } => show(ctx, &customer),
        CustomerCommand::Edit {
            customer,
            name,
            fields,
        } => {
            let settings = ctx.settings;
            let customer = ctx.store.write(|tx| {
                super::actor(tx, settings)?;
                let mut found = find(tx, &customer)?;
                if let Some(name) = name {
                    found.name = names::one_line(&name, "customer's name", 200)?;
                }
                apply(&mut found, fields)?;
                super::check_email(&found.email)?;
                check_code(tx, &found)?;
                db::customers::update(tx, &found)?;
                Ok(found)
            })?;
            let line = format!("updated customer {} {}", customer.id, customer.name);
            super::done(ctx, &line, &customer)
        }
    }
}

pub fn blank(name: String) -> Customer {
    Customer {
        id: 0,
        name,
        code: None,
        tax_id: None,
        email: None,
        phone: None,
        address: None,
        note: None,
    }
}

fn apply(customer: &mut Customer, fields: CustomerFields) -> Result<()> {
    let slots = [
        (&mut customer.code, fields.code, "code", Lines::One),
        (&mut customer.tax_id, fields.tax_id, "tax id", Lines::One),
        (&mut customer.email, fields.email, "e-mail", Lines::One),
        (&mut customer.phone, fields.phone, "phone", Lines::One),
        (
            &mut customer.address,
            fields.address,
            "address",
            Lines::Many,
        ),
        (&mut customer.note, fields.note, "note", Lines::Many),
    ];
    for (slot, value, what, lines) in slots {
        if let Some(value) = field(value, what, lines)? {
            *slot = value;
        }
    }
    Ok(())
}

fn check_code(conn: &Connection, customer: &Customer) -> Result<()> {
    let Some(code) = &customer.code else {
        return Ok(());
    };
    match db::customers::by_code(conn, code)? {
        Some(other) if other.id != customer.id => Err(Error::usage(format!(
            "the code '{code}' already belongs to customer {} {}",
            other.id, other.name
        ))),
        _ => Ok(()),
    }
}

/// How a customer named on the command line was found.
pub enum Lookup {
    Found(Customer),
    Missing,
    Many(Vec<Customer>),
}

/// Finds a customer by id, code, e-mail or exact name. Every way that
/// matches counts, so a value that is one customer's id and another's code
/// is refused as ambiguous rather than guessed.
pub fn lookup(conn: &Connection, text: &str) -> Result<Lookup> {
    let text = names::normal(text);
    let mut found: Vec<Customer> = Vec::new();
    if let Ok(id) = text.trim_start_matches('#').parse::<i64>() {
        found.extend(db::customers::by_id(conn, id)?);
    }
    found.extend(db::customers::by_code(conn, &text)?);
    if text.contains('@') {
        found.extend(db::customers::by_email(conn, &text)?);
    }
    found.extend(db::customers::by_name(conn, &text)?);
    let mut seen = std::collections::HashSet::new();
    found.retain(|c| seen.insert(c.id));
    Ok(match found.len() {
        0 => Lookup::Missing,
        1 => Lookup::Found(found.remove(0)),
        _ => Lookup::Many(found),
    })
}

/// True for a value that can only be meant as an id.
pub fn is_number(text: &str) -> bool {
    text.trim().trim_start_matches('#').parse::<i64>().is_ok()
}

/// The error for a name that matches several customers, listing them.
pub fn ambiguous(text: &str, many: &[Customer]) -> Error {
    let listed: Vec<String> = many
        .iter()
        .map(|c| {
            format!(
                "{} {}{}",
                c.id,
                c.name,
                c.code
                    .as_deref()
                    .map(|k| format!(" ({k})"))
                    .unwrap_or_default()
            )
        })
        .collect();
    Error::usage(format!(
        "'{text}' matches {} customers: {}; give the id or code instead",
        many.len(),
        listed.join(", ")
    ))
}

pub fn find(conn: &Connection, text: &str) -> Result<Customer> {
    match lookup(conn, text)? {
        Lookup::Found(customer) => Ok(customer),
        Lookup::Many(many) => Err(ambiguous(text, &many)),
        Lookup::Missing => Err(Error::not_found(format!(
            "no customer '{}' by id, code, e-mail or name (see: desk customer list)",
            crate::sanitize::line(text)
        ))),
    }
}

fn list(ctx: &mut Ctx) -> Result<()> {
    let customers = ctx.store.read(|tx| db::customers::list(tx))?;
    let total = customers.len() as i64;
    render::list(ctx.out, ctx.settings, &customers, total, |customers| {
        let headers = vec!["ID", "NAME", "CODE", "TAX ID", "EMAIL", "PHONE"];
        let mut grid = Grid::new(headers, vec![1, 4]);
        for c in customers {
            let opt = |v: &Option<String>| Text::plain(v.as_deref().unwrap_or(""));
            grid.rows.push(vec![
                Text::plain(c.id.to_string()),
                Text::plain(&c.name),
                opt(&c.code),
                opt(&c.tax_id),
                opt(&c.email),
                opt(&c.phone),
            ]);
        }
        grid
    })
}

#[derive(serde::Serialize)]
struct Shown {
    #[serde(flatten)]
    customer: Customer,
    tickets: Vec<crate::model::Ticket>,
}

fn show(ctx: &mut Ctx, text: &str) -> Result<()> {
    super::one_record(ctx, "a customer")?;
    let (customer, tickets) = ctx.store.read(|tx| {
        let customer = find(tx, text)?;
        let filter = Filter {
            states: Some(State::ALL.to_vec()),
            customer_id: Some(customer.id),
            sort: Sort::Activity,
            ..Filter::default()
        };
        Ok((customer, db::tickets::list(tx, &filter)?.0))
    })?;
    if ctx.is_json() {
        return render::json(ctx.out, &Shown { customer, tickets });
    }
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let lines = [
        ("customer", format!("{} {}", customer.id, customer.name)),
        ("code", opt(&customer.code)),
        ("tax id", opt(&customer.tax_id)),
        ("email", opt(&customer.email)),
        ("phone", opt(&customer.phone)),
        ("address", opt(&customer.address)),
        ("note", opt(&customer.note)),
    ];
    super::print_fields(ctx, &lines)?;
    writeln!(ctx.out)?;
    if tickets.is_empty() {
        writeln!(ctx.out, "no tickets")?;
        return Ok(());
    }
    let grid = super::ticket::grid(&tickets);
    ctx.out.write_all(grid.render(ctx.settings).as_bytes())?;
    Ok(())
}
