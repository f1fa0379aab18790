//! `desk ticket open`: a new case, from the first call.

use chrono::{DateTime, Utc};
use clap::Args;
use rusqlite::Connection;

use super::{
    Change, EntryKind, NewEntry, NewTicket, describe_due, due_value, find_ticket, past_time,
    usable_class,
};
use crate::cmd::customer::{self, Lookup};
use crate::cmd::{Ctx, actor, find_owner};
use crate::db;
use crate::error::{Error, Result};
use crate::model::{CHANNELS, Class, Customer, PRIORITIES, Ticket, User};
use crate::render;
use crate::text::{self, Source};
use crate::when;
use crate::{names, sanitize};

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// What the case is about, in a line
    #[arg(allow_hyphen_values = true, value_name = "SUBJECT")]
    subject: Option<String>,
    /// The subject, as an option
    #[arg(
        long,
        visible_alias = "subject",
        conflicts_with = "subject",
        value_name = "SUBJECT"
    )]
    title: Option<String>,
    /// The class (complaints, payments, …; see: desk class list)
    #[arg(short, long, value_name = "CLASS")]
    class: String,
    /// An id, code, e-mail or exact name; an unknown name is added
    #[arg(long, value_name = "CUSTOMER")]
    customer: String,
    /// How the contact came in
    #[arg(long, default_value = "phone", value_parser = clap::builder::PossibleValuesParser::new(CHANNELS))]
    channel: String,
    /// The responsible user (default: the class's owner)
    #[arg(long, value_name = "LOGIN")]
    owner: Option<String>,
    /// When it is due: 2026-12-10, tomorrow, friday, +3d, 4h…
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    due: Option<String>,
    #[arg(long, default_value = "normal", value_parser = clap::builder::PossibleValuesParser::new(PRIORITIES))]
    priority: String,
    /// When the contact happened, if not now
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    at: Option<String>,
    /// The customer's request (default: the subject)
    #[command(flatten)]
    message: super::Message,
}

pub fn run(ctx: &mut Ctx, args: OpenArgs) -> Result<()> {
    let Some(subject) = args.subject.or(args.title) else {
        return Err(Error::usage(
            "give the ticket a subject: desk ticket open \"SUBJECT\" --class C --customer X",
        ));
    };
    let subject = names::one_line(&subject, "subject", 300)?;
    let now = when::now();
    let at = past_time(args.at.as_deref(), now)?;
    let due = args
        .due
        .as_deref()
        .map(|d| due_value(d, now))
        .transpose()?
        .flatten();
    let settings = ctx.settings;
    let edited = args.message.edit && args.message.message.is_none();
    if edited {
        // Before anyone types a word: may they open it, in this class?
        ctx.store.read(|tx| {
            actor(tx, settings)?;
            owner_for(tx, args.owner.as_deref(), &usable_class(tx, &args.class)?)?;
            named_customer(tx, &args.customer).map(drop)
        })?;
    }
    let request = match (&args.message.message, args.message.edit) {
        (None, false) => subject.clone(),
        _ => text::read(
            Source {
                positional: None,
                message: args.message.message,
                edit: args.message.edit,
            },
            "the customer's request",
        )?,
    };
    let mut created_customer = None;
    let written = ctx.store.write(|tx| {
        let author = actor(tx, settings)?;
        let class = usable_class(tx, &args.class)?;
        let owner = owner_for(tx, args.owner.as_deref(), &class)?;
        let (customer, added) = customer_for(tx, &args.customer, now)?;
        created_customer = added.then(|| customer.clone());
        // The case began when the customer called, which `--at` may put
        // earlier than the moment it was typed in.
        let recorded_at = when::stamp(now);
        let opened_at = at.clone().unwrap_or_else(|| recorded_at.clone());
        let new = NewTicket {
            subject: &subject,
            class_id: class.id,
            customer_id: customer.id,
            channel: &args.channel,
            owner_id: owner.id,
            priority: &args.priority,
            due: None,
            opened_at: &opened_at,
            opened_by: author.id,
        };
        let id = db::tickets::insert(tx, &new)?;
        let mut entry = NewEntry {
            kind: EntryKind::Opened,
            text: &request,
            author_id: author.id,
            author: &author.login,
            os_user: &settings.os_user,
            at: &opened_at,
            recorded_at: &recorded_at,
            internal: false,
            corrects: None,
        };
        let first = db::entries::append(tx, id, 0, &entry)?;
        db::tickets::apply(tx, id, first.seq, &recorded_at, &Change::default())?;
        if let Some(due) = &due {
            let text = format!("due {}", describe_due(Some(due)));
            entry = NewEntry {
                kind: EntryKind::Due,
                text: &text,
                at: &recorded_at,
                ..entry
            };
            let second = db::entries::append(tx, id, first.seq, &entry)?;
            let change = Change {
                due: Some(Some(due.clone())),
                ..Default::default()
            };
            db::tickets::apply(tx, id, second.seq, &recorded_at, &change)?;
        }
        Ok(find_ticket(tx, id)?.ticket)
    });
    let ticket = match written {
        Err(err) if edited => return Err(text::keep(&request, err)),
        other => other?,
    };
    if let Some(customer) = created_customer {
        eprintln!(
            "desk: added customer {} {}",
            customer.id,
            sanitize::line(&customer.name)
        );
    }
    say_opened(ctx, &ticket)
}

/// The responsible user: the one named, else the class's owner.
fn owner_for(conn: &Connection, named: Option<&str>, class: &Class) -> Result<User> {
    match named {
        Some(login) => find_owner(conn, login),
        None => find_owner(conn, &class.owner).map_err(|err| {
            Error::refused(format!(
                "{err}; class '{}' needs a new owner (desk class edit '{}' --owner LOGIN), \
                 or name one with --owner",
                class.name, class.name
            ))
        }),
    }
}

/// The customer named by `--customer`, added when the name is new; says
/// whether it was added.
fn customer_for(conn: &Connection, text: &str, now: DateTime<Utc>) -> Result<(Customer, bool)> {
    match named_customer(conn, text)? {
        Named::Existing(found) => Ok((found, false)),
        Named::New(name) => {
            let added = db::customers::insert(conn, &customer::blank(name), &when::stamp(now))?;
            Ok((added, true))
        }
    }
}

/// What `--customer` names: a customer there is, or the name of one to add.
enum Named {
    Existing(Customer),
    New(String),
}

/// Reads `--customer`. A value that matches several, or a number that is no
/// customer's id, is refused.
fn named_customer(conn: &Connection, text: &str) -> Result<Named> {
    match customer::lookup(conn, text)? {
        Lookup::Found(found) => Ok(Named::Existing(found)),
        Lookup::Many(many) => Err(customer::ambiguous(text, &many)),
        Lookup::Missing => {
            let name = names::one_line(text, "customer's name", 200)?;
            if customer::is_number(&name) {
                return Err(Error::not_found(format!(
                    "no customer with id {name}; to add a customer whose name is a number, \
                     use: desk customer add"
                )));
            }
            Ok(Named::New(name))
        }
    }
}

/// One line for people, the new id first; the ticket itself for scripts.
fn say_opened(ctx: &mut Ctx, ticket: &Ticket) -> Result<()> {
    if ctx.is_json() {
        return render::json(ctx.out, ticket);
    }
    let due = ticket
        .due
        .as_deref()
        .map(|d| format!(", due {}", describe_due(Some(d))));
    let line = format!(
        "{} opened: {} ({}, {}, owner {}{})",
        ticket.id,
        ticket.subject,
        ticket.class,
        ticket.customer.name,
        ticket.owner,
        due.unwrap_or_default()
    );
    writeln!(ctx.out, "{}", sanitize::line(&line))?;
    Ok(())
}
