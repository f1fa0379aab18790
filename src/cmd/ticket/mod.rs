//! `desk ticket`: open a case, log what was done, hand it on, close and
//! reopen it, and show it or list many.

use clap::{Args, Subcommand};
use rusqlite::Connection;
use serde::Serialize;

mod list;
mod open;

pub use list::grid;

use super::{Ctx, actor, find_class, find_owner, parse_id};
use crate::db::entries::NewEntry;
use crate::db::tickets::{Change, NewTicket, Stored};
use crate::db::{self};
use crate::error::{Error, Result};
use crate::model::{Entry, EntryKind, State, Ticket, User};
use crate::render;
use crate::sanitize;
use crate::text::{self, Source};
use crate::when::{self, Direction, When};

#[derive(Debug, Subcommand)]
pub enum TicketCommand {
    /// Open a ticket for a customer's call, mail or visit
    Open(open::OpenArgs),
    /// Log an activity: what was done or said
    Log {
        id: String,
        /// The text (or -m TEXT, -m - for standard input, or your editor)
        #[arg(allow_hyphen_values = true, value_name = "TEXT")]
        text: Option<String>,
        #[command(flatten)]
        message: Message,
        /// When it happened, if not now (e.g. "yesterday 14:00", -2h)
        #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
        at: Option<String>,
        /// Keep this entry out of the customer's copy
        #[arg(long)]
        internal: bool,
        /// The number of an earlier entry this one corrects
        #[arg(long, value_name = "SEQ", value_parser = clap::value_parser!(i64).range(1..))]
        corrects: Option<i64>,
    },
    /// Make someone else responsible
    Assign { id: String, login: String },
    /// Move to another class
    Move { id: String, class: String },
    /// Set the due date, or clear it with "none"
    Due {
        id: String,
        #[arg(allow_hyphen_values = true)]
        when: String,
    },
    /// Close a ticket
    Close {
        id: String,
        #[arg(short = 'm', long = "message", value_name = "TEXT")]
        message: Option<String>,
    },
    /// Reopen a closed ticket
    Reopen {
        id: String,
        #[arg(short = 'm', long = "message", value_name = "TEXT")]
        message: Option<String>,
    },
    /// Show a ticket with its whole history
    Show {
        id: String,
        /// The customer's copy: leave out internal entries
        #[arg(long)]
        public: bool,
    },
    /// List tickets (default: the pending ones, newest activity first)
    #[command(alias = "ls")]
    List(list::ListArgs),
}

#[derive(Debug, Args)]
pub struct Message {
    /// The text; "-" reads standard input
    #[arg(
        short = 'm',
        long = "message",
        value_name = "TEXT",
        allow_hyphen_values = true
    )]
    message: Option<String>,
    /// Write the text in your editor
    #[arg(short = 'e', long)]
    edit: bool,
}

impl TicketCommand {
    pub fn writes(&self) -> bool {
        !matches!(self, TicketCommand::Show { .. } | TicketCommand::List(_))
    }
}

pub fn run(command: TicketCommand, ctx: &mut Ctx) -> Result<()> {
    match command {
        TicketCommand::Open(args) => open::run(ctx, args),
        TicketCommand::Log {
            id,
            text,
            message,
            at,
            internal,
            corrects,
        } => {
            let source = Source {
                positional: text,
                message: message.message,
                edit: message.edit,
            };
            log(ctx, &id, source, at.as_deref(), internal, corrects)
        }
        TicketCommand::Assign { id, login } => assign(ctx, &id, &login),
        TicketCommand::Move { id, class } => move_to(ctx, &id, &class),
        TicketCommand::Due { id, when } => due(ctx, &id, &when),
        TicketCommand::Close { id, message } => close(ctx, &id, message),
        TicketCommand::Reopen { id, message } => reopen(ctx, &id, message),
        TicketCommand::Show { id, public } => show(ctx, &id, public),
        TicketCommand::List(args) => list::run(ctx, args),
    }
}

fn assign(ctx: &mut Ctx, id: &str, login: &str) -> Result<()> {
    let id = parse_id(id, "ticket")?;
    let (ticket, entry) = record(ctx, id, when::now(), |tx, stored, _| {
        let owner = find_owner(tx, login)?;
        if owner.login == stored.ticket.owner {
            return Ok(None);
        }
        let text = format!("assigned to {} (was {})", owner.login, stored.ticket.owner);
        let change = Change {
            owner_id: Some(owner.id),
            ..Default::default()
        };
        Ok(Some((Plan::note(EntryKind::Assigned, text), change)))
    })?;
    let owner = &ticket.owner;
    let line = match entry {
        Some(_) => format!("ticket {id} is now {owner}'s"),
        None => format!("ticket {id} is already {owner}'s; nothing to record"),
    };
    report(ctx, &ticket, entry.as_ref(), &line)
}

fn move_to(ctx: &mut Ctx, id: &str, class: &str) -> Result<()> {
    let id = parse_id(id, "ticket")?;
    let (ticket, entry) = record(ctx, id, when::now(), |tx, stored, _| {
        let class = usable_class(tx, class)?;
        if class.name == stored.ticket.class {
            return Ok(None);
        }
        let text = format!("moved to {} (was {})", class.name, stored.ticket.class);
        let change = Change {
            class_id: Some(class.id),
            ..Default::default()
        };
        Ok(Some((Plan::note(EntryKind::Moved, text), change)))
    })?;
    let line = match entry {
        Some(_) => format!("ticket {id} moved to {}", ticket.class),
        None => format!(
            "ticket {id} is already in {}; nothing to record",
            ticket.class
        ),
    };
    report(ctx, &ticket, entry.as_ref(), &line)
}

fn due(ctx: &mut Ctx, id: &str, input: &str) -> Result<()> {
    let id = parse_id(id, "ticket")?;
    let now = when::now();
    let due = due_value(input, now)?;
    let (ticket, entry) = record(ctx, id, now, |_, stored, _| {
        if due == stored.ticket.due {
            return Ok(None);
        }
        let was = describe_due(stored.ticket.due.as_deref());
        let text = format!("due {} (was {was})", describe_due(due.as_deref()));
        let change = Change {
            due: Some(due.clone()),
            ..Default::default()
        };
        Ok(Some((Plan::note(EntryKind::Due, text), change)))
    })?;
    let due = describe_due(ticket.due.as_deref());
    let line = match entry {
        Some(_) => format!("ticket {id} due {due}"),
        None => format!("ticket {id} is already due {due}; nothing to record"),
    };
    report(ctx, &ticket, entry.as_ref(), &line)
}

fn close(ctx: &mut Ctx, id: &str, message: Option<String>) -> Result<()> {
    let id = parse_id(id, "ticket")?;
    let text = text::optional(message)?.unwrap_or_else(|| "closed".to_string());
    let now = when::now();
    let (ticket, entry) = record(ctx, id, now, |_, stored, _| {
        if stored.ticket.state == State::Closed {
            return Err(Error::refused(format!("ticket {id} is already closed")));
        }
        let change = Change {
            state: Some(State::Closed),
            closed_at: Some(Some(when::stamp(now))),
            ..Default::default()
        };
        Ok(Some((Plan::note(EntryKind::Closed, text), change)))
    })?;
    report(ctx, &ticket, entry.as_ref(), &format!("closed ticket {id}"))
}

fn reopen(ctx: &mut Ctx, id: &str, message: Option<String>) -> Result<()> {
    let id = parse_id(id, "ticket")?;
    let text = text::optional(message)?.unwrap_or_else(|| "reopened".to_string());
    let (ticket, entry) = record(ctx, id, when::now(), |_, stored, _| {
        if stored.ticket.state != State::Closed {
            return Err(Error::refused(format!(
                "ticket {id} is not closed (it is {}); only a closed ticket can be reopened",
                stored.ticket.state.label()
            )));
        }
        let change = Change {
            state: Some(State::InProgress),
            closed_at: Some(None),
            ..Default::default()
        };
        Ok(Some((Plan::note(EntryKind::Reopened, text), change)))
    })?;
    report(
        ctx,
        &ticket,
        entry.as_ref(),
        &format!("reopened ticket {id}"),
    )
}

fn log(
    ctx: &mut Ctx,
    id: &str,
    source: Source,
    at: Option<&str>,
    internal: bool,
    corrects: Option<i64>,
) -> Result<()> {
    let id = parse_id(id, "ticket")?;
    let now = when::now();
    let at = past_time(at, now)?;
    let edited = text::needs_editor(&source);
    if edited {
        // Before anyone types a word: is there such a ticket, may they log on it?
        let settings = ctx.settings;
        ctx.store.read(|tx| {
            actor(tx, settings)?;
            refuse_closed(&find_ticket(tx, id)?.ticket, "log on it")
        })?;
    }
    let text = text::read(source, &format!("the entry for ticket {id}"))?;
    let plan = Plan {
        kind: EntryKind::Activity,
        text: text.clone(),
        at,
        internal,
        corrects,
    };
    let recorded = record(ctx, id, now, |_, stored, _| {
        refuse_closed(&stored.ticket, "log on it")?;
        if plan
            .at
            .as_deref()
            .is_some_and(|at| at < stored.ticket.opened_at.as_str())
        {
            return Err(Error::usage(format!(
                "--at is before ticket {id} was opened ({}); give a later time",
                when::parse_stamp(&stored.ticket.opened_at)
                    .map(when::local)
                    .unwrap_or_default()
            )));
        }
        let change = Change {
            state: Some(State::InProgress),
            first_activity_at: Some(plan.at.clone().unwrap_or_else(|| when::stamp(now))),
            ..Default::default()
        };
        Ok(Some((plan, change)))
    });
    let (ticket, entry) = match recorded {
        Err(err) if edited => return Err(text::keep(&text, err)),
        other => other?,
    };
    let seq = entry.as_ref().map_or(0, |entry| entry.seq);
    let line = format!("logged entry {seq} on ticket {id}");
    report(ctx, &ticket, entry.as_ref(), &line)
}

/// The entry a command is about to write.
struct Plan {
    kind: EntryKind,
    text: String,
    at: Option<String>,
    internal: bool,
    corrects: Option<i64>,
}

impl Plan {
    fn note(kind: EntryKind, text: String) -> Plan {
        Plan {
            kind,
            text,
            at: None,
            internal: false,
            corrects: None,
        }
    }
}

/// The stored form of `--at`, or None for "now".
fn past_time(at: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> Result<Option<String>> {
    let Some(input) = at else { return Ok(None) };
    let instant = when::parse(input, now, Direction::Past)?.instant();
    if instant > now + chrono::Duration::minutes(5) {
        return Err(Error::usage(format!(
            "--at {input} is in the future ({}); it says when something already happened",
            when::local(instant)
        )));
    }
    Ok(Some(when::stamp(instant)))
}

fn refuse_closed(ticket: &Ticket, doing: &str) -> Result<()> {
    if ticket.state == State::Closed {
        return Err(Error::refused(format!(
            "ticket {} is closed; to {doing}, reopen it first: desk ticket reopen {} -m \"why\"",
            ticket.id, ticket.id
        )));
    }
    Ok(())
}

fn usable_class(conn: &Connection, name: &str) -> Result<crate::model::Class> {
    let class = find_class(conn, name)?;
    if class.archived {
        return Err(Error::refused(format!(
            "class '{}' is archived; bring it back with: desk class edit '{}' --unarchive",
            class.name, class.name
        )));
    }
    Ok(class)
}

fn due_value(input: &str, now: chrono::DateTime<chrono::Utc>) -> Result<Option<String>> {
    if input.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    Ok(Some(
        when::parse(input, now, Direction::Future)?.to_stored(),
    ))
}

/// A due value as the history records it: a time carries its offset, so
/// that readers in other zones (and on a daylight-saving night) read it right.
fn describe_due(due: Option<&str>) -> String {
    match due.and_then(When::from_stored) {
        Some(When::Instant(at)) => when::local_zoned(at),
        Some(day) => day.display(),
        None => "none".to_string(),
    }
}

/// Writes one entry on ticket `id` and the changes it makes, in one
/// transaction; `plan` sees the ticket as it is inside that transaction, and
/// returns None when there is nothing to change (no entry is written).
fn record(
    ctx: &mut Ctx,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
    plan: impl FnOnce(&Connection, &Stored, &User) -> Result<Option<(Plan, Change)>>,
) -> Result<(Ticket, Option<Entry>)> {
    let settings = ctx.settings;
    ctx.store.write(|tx| {
        let author = actor(tx, settings)?;
        let stored = find_ticket(tx, id)?;
        let Some((plan, change)) = plan(tx, &stored, &author)? else {
            return Ok((stored.ticket, None));
        };
        if let Some(seq) = plan.corrects
            && !db::entries::exists(tx, id, seq)?
        {
            return Err(Error::not_found(format!(
                "ticket {id} has no entry {seq} to correct"
            )));
        }
        let recorded_at = when::stamp(now);
        let new = NewEntry {
            kind: plan.kind,
            text: &plan.text,
            author_id: author.id,
            author: &author.login,
            os_user: &settings.os_user,
            at: plan.at.as_deref().unwrap_or(&recorded_at),
            recorded_at: &recorded_at,
            internal: plan.internal,
            corrects: plan.corrects,
        };
        let entry = db::entries::append(tx, id, stored.last_seq, &new)?;
        db::tickets::apply(tx, id, entry.seq, &recorded_at, &change)?;
        Ok((find_ticket(tx, id)?.ticket, Some(entry)))
    })
}

fn find_ticket(conn: &Connection, id: i64) -> Result<Stored> {
    db::tickets::by_id(conn, id)?
        .ok_or_else(|| Error::not_found(format!("no ticket {id} (see: desk ticket list --all)")))
}

#[derive(Serialize)]
struct Changed<'a> {
    #[serde(flatten)]
    ticket: &'a Ticket,
    /// The entry written, or null when there was nothing to change.
    entry: Option<&'a Entry>,
}

fn report(ctx: &mut Ctx, ticket: &Ticket, entry: Option<&Entry>, line: &str) -> Result<()> {
    let state = render::paint_state(ticket.state, ctx.settings.color);
    if ctx.is_json() {
        return render::json(ctx.out, &Changed { ticket, entry });
    }
    writeln!(ctx.out, "{} ({state})", sanitize::line(line))?;
    Ok(())
}

/// The version of the `ticket show --json` shape; bumped (with a line in
/// CHANGELOG.md) whenever a field changes meaning or type.
const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Thread {
    schema_version: u32,
    #[serde(flatten)]
    ticket: Ticket,
    entries: Vec<Entry>,
}

fn show(ctx: &mut Ctx, id: &str, public: bool) -> Result<()> {
    super::one_record(ctx, "a ticket")?;
    let id = parse_id(id, "ticket")?;
    let mut thread = ctx.store.read(|tx| {
        let ticket = find_ticket(tx, id)?.ticket;
        Ok(Thread {
            schema_version: SCHEMA_VERSION,
            ticket,
            entries: db::entries::for_ticket(tx, id)?,
        })
    })?;
    if public {
        thread.entries.retain(|entry| !entry.internal);
    }
    if ctx.is_json() {
        return render::json(ctx.out, &thread);
    }
    let out = crate::render::thread::text(&thread.ticket, &thread.entries, ctx.settings);
    ctx.out.write_all(out.as_bytes())?;
    Ok(())
}
