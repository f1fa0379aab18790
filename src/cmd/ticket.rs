//! `desk ticket`: open a case, log what was done, hand it on, close and
//! reopen it, and show it or list many.

use clap::{Args, Subcommand, ValueEnum};
use rusqlite::Connection;
use serde::Serialize;

use super::customer::{self, Lookup};
use super::{Ctx, actor, find_class, find_user, parse_id};
use crate::db::entries::NewEntry;
use crate::db::tickets::{Change, Filter, NewTicket, Sort, Stored};
use crate::db::{self};
use crate::error::{Error, Result};
use crate::model::{CHANNELS, Entry, EntryKind, PRIORITIES, State, Ticket, User};
use crate::render::{self, Grid, Text};
use crate::text::{self, Source};
use crate::when::{self, Direction, When};
use crate::{names, sanitize};

#[derive(Debug, Subcommand)]
pub enum TicketCommand {
    /// Open a ticket for a customer's call, mail or visit
    Open(OpenArgs),
    /// Log an activity: what was done or said
    Log {
        id: String,
        /// The text (or -m TEXT, -m - for standard input, or your editor)
        #[arg(allow_hyphen_values = true, value_name = "TEXT")]
        text: Option<String>,
        #[command(flatten)]
        message: Message,
        /// When it happened, if not now (e.g. "yesterday 14:00", -2h)
        #[arg(long, value_name = "WHEN")]
        at: Option<String>,
        /// Keep this entry out of the customer's copy
        #[arg(long)]
        internal: bool,
        /// The number of an earlier entry this one corrects
        #[arg(long, value_name = "SEQ")]
        corrects: Option<i64>,
    },
    /// Make someone else responsible
    Assign { id: String, login: String },
    /// Move to another class
    Move { id: String, class: String },
    /// Set the due date, or clear it with "none"
    Due { id: String, when: String },
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
    Show { id: String },
    /// List tickets (default: the pending ones, newest activity first)
    #[command(alias = "ls")]
    List(ListArgs),
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
    #[arg(long, value_name = "CLASS")]
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
    #[arg(long, value_name = "WHEN")]
    due: Option<String>,
    #[arg(long, default_value = "normal", value_parser = clap::builder::PossibleValuesParser::new(PRIORITIES))]
    priority: String,
    /// When the contact happened, if not now
    #[arg(long, value_name = "WHEN")]
    at: Option<String>,
    /// The customer's request (default: the subject)
    #[command(flatten)]
    message: Message,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StateArg {
    New,
    #[value(alias = "in-progress")]
    InProgress,
    Closed,
    Pending,
    All,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SortArg {
    Activity,
    Opened,
    Id,
    Due,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only tickets you are responsible for
    #[arg(long, conflicts_with = "owner")]
    mine: bool,
    #[arg(long, value_name = "LOGIN")]
    owner: Option<String>,
    #[arg(long, value_name = "CLASS")]
    class: Option<String>,
    #[arg(long, value_name = "CUSTOMER")]
    customer: Option<String>,
    /// Which states (default: pending, that is new and in progress)
    #[arg(long, value_enum, value_delimiter = ',')]
    state: Vec<StateArg>,
    /// Every state, closed ones too
    #[arg(long, conflicts_with = "state")]
    all: bool,
    /// Only pending tickets past their due date
    #[arg(long)]
    overdue: bool,
    /// Only pending tickets with no entry for this long (e.g. 3d)
    #[arg(long, value_name = "DUR")]
    stale: Option<String>,
    #[arg(long, value_enum, default_value = "activity")]
    sort: SortArg,
    /// At most this many tickets
    #[arg(long, value_name = "N")]
    limit: Option<u32>,
}

impl TicketCommand {
    pub fn writes(&self) -> bool {
        !matches!(self, TicketCommand::Show { .. } | TicketCommand::List(_))
    }
}

pub fn run(command: TicketCommand, ctx: &mut Ctx) -> Result<()> {
    match command {
        TicketCommand::Open(args) => open(ctx, args),
        TicketCommand::Log {
            id,
            text,
            message,
            at,
            internal,
            corrects,
        } => {
            let id = parse_id(&id, "ticket")?;
            let now = when::now();
            let at = past_time(at.as_deref(), now)?;
            let source = Source {
                positional: text,
                message: message.message,
                edit: message.edit,
            };
            let text = text::read(source, &format!("the entry for ticket {id}"))?;
            let plan = Plan {
                kind: EntryKind::Activity,
                text,
                at,
                internal,
                corrects,
            };
            let (ticket, entry) = record(ctx, id, now, |_, stored, _| {
                refuse_closed(&stored.ticket, "log on it")?;
                let activity = now_stamp(&plan.at);
                let state = State::InProgress;
                Ok((
                    plan,
                    Change {
                        state: Some(state),
                        first_activity_at: Some(activity),
                        ..Default::default()
                    },
                ))
            })?;
            report(
                ctx,
                &ticket,
                &entry,
                &format!("logged entry {} on ticket {}", entry.seq, ticket.id),
            )
        }
        TicketCommand::Assign { id, login } => {
            let id = parse_id(&id, "ticket")?;
            let (ticket, entry) = record(ctx, id, when::now(), |tx, stored, _| {
                let owner = find_user(tx, &login)?;
                if !owner.active {
                    return Err(Error::refused(format!(
                        "user '{}' is deactivated",
                        owner.login
                    )));
                }
                let text = format!("assigned to {} (was {})", owner.login, stored.ticket.owner);
                let change = Change {
                    owner_id: Some(owner.id),
                    ..Default::default()
                };
                Ok((Plan::note(EntryKind::Assigned, text), change))
            })?;
            report(
                ctx,
                &ticket,
                &entry,
                &format!("ticket {} is now {}'s", ticket.id, ticket.owner),
            )
        }
        TicketCommand::Move { id, class } => {
            let id = parse_id(&id, "ticket")?;
            let (ticket, entry) = record(ctx, id, when::now(), |tx, stored, _| {
                let class = usable_class(tx, &class)?;
                let text = format!("moved to {} (was {})", class.name, stored.ticket.class);
                let change = Change {
                    class_id: Some(class.id),
                    ..Default::default()
                };
                Ok((Plan::note(EntryKind::Moved, text), change))
            })?;
            report(
                ctx,
                &ticket,
                &entry,
                &format!("ticket {} moved to {}", ticket.id, ticket.class),
            )
        }
        TicketCommand::Due { id, when: input } => {
            let id = parse_id(&id, "ticket")?;
            let now = when::now();
            let due = due_value(&input, now)?;
            let (ticket, entry) = record(ctx, id, now, |_, stored, _| {
                let was = describe_due(stored.ticket.due.as_deref());
                let text = format!("due {} (was {was})", describe_due(due.as_deref()));
                let change = Change {
                    due: Some(due.clone()),
                    ..Default::default()
                };
                Ok((Plan::note(EntryKind::Due, text), change))
            })?;
            let line = format!(
                "ticket {} due {}",
                ticket.id,
                describe_due(ticket.due.as_deref())
            );
            report(ctx, &ticket, &entry, &line)
        }
        TicketCommand::Close { id, message } => {
            let id = parse_id(&id, "ticket")?;
            let text = text::optional(message)?.unwrap_or_else(|| "closed".to_string());
            let now = when::now();
            let (ticket, entry) = record(ctx, id, now, |_, stored, _| {
                if stored.ticket.state == State::Closed {
                    return Err(Error::refused(format!("ticket {id} is already closed")));
                }
                let change = Change {
                    state: Some(State::Closed),
                    closed_at: Some(Some(now_stamp(&None))),
                    ..Default::default()
                };
                Ok((Plan::note(EntryKind::Closed, text), change))
            })?;
            report(
                ctx,
                &ticket,
                &entry,
                &format!("closed ticket {}", ticket.id),
            )
        }
        TicketCommand::Reopen { id, message } => {
            let id = parse_id(&id, "ticket")?;
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
                Ok((Plan::note(EntryKind::Reopened, text), change))
            })?;
            report(
                ctx,
                &ticket,
                &entry,
                &format!("reopened ticket {}", ticket.id),
            )
        }
        TicketCommand::Show { id } => show(ctx, &id),
        TicketCommand::List(args) => list(ctx, args),
    }
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

fn now_stamp(at: &Option<String>) -> String {
    at.clone().unwrap_or_else(|| when::stamp(when::now()))
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
    if matches!(input.trim(), "none" | "") {
        return Ok(None);
    }
    Ok(Some(
        when::parse(input, now, Direction::Future)?.to_stored(),
    ))
}

fn describe_due(due: Option<&str>) -> String {
    match due.and_then(When::from_stored) {
        Some(when) => when.display(),
        None => "none".to_string(),
    }
}

/// Writes one entry on ticket `id` and the changes it makes, in one
/// transaction; `plan` sees the ticket as it is inside that transaction.
fn record(
    ctx: &mut Ctx,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
    plan: impl FnOnce(&Connection, &Stored, &User) -> Result<(Plan, Change)>,
) -> Result<(Ticket, Entry)> {
    let settings = ctx.settings;
    ctx.store.write(|tx| {
        let author = actor(tx, settings)?;
        let stored = find_ticket(tx, id)?;
        let (plan, change) = plan(tx, &stored, &author)?;
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
        Ok((find_ticket(tx, id)?.ticket, entry))
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
    entry: &'a Entry,
}

fn report(ctx: &mut Ctx, ticket: &Ticket, entry: &Entry, line: &str) -> Result<()> {
    let state = render::paint_state(ticket.state, ctx.settings.color);
    if ctx.is_json() {
        return render::json(ctx.out, &Changed { ticket, entry });
    }
    writeln!(ctx.out, "{} ({state})", sanitize::line(line))?;
    Ok(())
}

fn open(ctx: &mut Ctx, args: OpenArgs) -> Result<()> {
    let subject = names::normal(&args.subject.or(args.title).unwrap_or_default());
    if subject.is_empty() {
        return Err(Error::usage(
            "give the ticket a subject: desk ticket open \"SUBJECT\" --class C --customer X",
        ));
    }
    let now = when::now();
    let at = past_time(args.at.as_deref(), now)?;
    let due = args
        .due
        .as_deref()
        .map(|d| due_value(d, now))
        .transpose()?
        .flatten();
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
    let settings = ctx.settings;
    let mut created_customer = None;
    let ticket = ctx.store.write(|tx| {
        let author = actor(tx, settings)?;
        let class = usable_class(tx, &args.class)?;
        let owner = match &args.owner {
            Some(login) => find_user(tx, login)?,
            None => find_user(tx, &class.owner)?,
        };
        let customer = match customer::lookup(tx, &args.customer)? {
            Lookup::Found(customer) => customer,
            Lookup::Many(many) => return Err(customer::ambiguous(&args.customer, &many)),
            Lookup::Missing => {
                let name = names::normal(&args.customer);
                if name.is_empty() {
                    return Err(Error::usage(
                        "give the customer: --customer ID|CODE|EMAIL|NAME",
                    ));
                }
                let added = db::customers::insert(tx, &customer::blank(name), &when::stamp(now))?;
                created_customer = Some(added.clone());
                added
            }
        };
        let opened_at = when::stamp(now);
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
            at: at.as_deref().unwrap_or(&opened_at),
            recorded_at: &opened_at,
            internal: false,
            corrects: None,
        };
        let first = db::entries::append(tx, id, 0, &entry)?;
        db::tickets::apply(tx, id, first.seq, &opened_at, &Change::default())?;
        if let Some(due) = &due {
            let text = format!("due {}", describe_due(Some(due)));
            entry = NewEntry {
                kind: EntryKind::Due,
                text: &text,
                at: &opened_at,
                ..entry
            };
            let second = db::entries::append(tx, id, first.seq, &entry)?;
            let change = Change {
                due: Some(Some(due.clone())),
                ..Default::default()
            };
            db::tickets::apply(tx, id, second.seq, &opened_at, &change)?;
        }
        Ok(find_ticket(tx, id)?.ticket)
    })?;
    if let Some(customer) = created_customer {
        eprintln!(
            "desk: added customer {} {}",
            customer.id,
            sanitize::line(&customer.name)
        );
    }
    if ctx.is_json() {
        return render::json(ctx.out, &ticket);
    }
    let due = ticket
        .due
        .as_deref()
        .map(|d| format!(", due {}", describe_due(Some(d))))
        .unwrap_or_default();
    let line = format!(
        "{} opened: {} ({}, {}, owner {}{due})",
        ticket.id, ticket.subject, ticket.class, ticket.customer.name, ticket.owner
    );
    writeln!(ctx.out, "{}", sanitize::line(&line))?;
    Ok(())
}

#[derive(Serialize)]
struct Thread {
    #[serde(flatten)]
    ticket: Ticket,
    entries: Vec<Entry>,
}

fn show(ctx: &mut Ctx, id: &str) -> Result<()> {
    super::one_record(ctx, "a ticket")?;
    let id = parse_id(id, "ticket")?;
    let thread = ctx.store.read(|tx| {
        let ticket = find_ticket(tx, id)?.ticket;
        Ok(Thread {
            ticket,
            entries: db::entries::for_ticket(tx, id)?,
        })
    })?;
    if ctx.is_json() {
        return render::json(ctx.out, &thread);
    }
    let out = crate::render::thread::text(&thread.ticket, &thread.entries, ctx.settings);
    ctx.out.write_all(out.as_bytes())?;
    Ok(())
}

fn list(ctx: &mut Ctx, args: ListArgs) -> Result<()> {
    let now = when::now();
    let stale_before = match &args.stale {
        Some(text) => Some(when::stamp(
            now - chrono::Duration::seconds(when::parse_duration(text)?),
        )),
        None => None,
    };
    let settings = ctx.settings;
    let (tickets, total) = ctx.store.read(|tx| {
        let owner = match (&args.owner, args.mine) {
            (Some(login), _) => Some(find_user(tx, login)?.id),
            (None, true) => Some(find_user(tx, &settings.actor)?.id),
            (None, false) => None,
        };
        let filter = Filter {
            states: states(&args.state, args.all),
            owner_id: owner,
            class_id: args
                .class
                .as_deref()
                .map(|c| find_class(tx, c))
                .transpose()?
                .map(|c| c.id),
            customer_id: args
                .customer
                .as_deref()
                .map(|c| customer::find(tx, c))
                .transpose()?
                .map(|c| c.id),
            overdue: args.overdue.then(|| {
                (
                    when::today(now).format("%Y-%m-%d").to_string(),
                    when::stamp(now),
                )
            }),
            stale_before: stale_before.clone(),
            sort: match args.sort {
                SortArg::Activity => Sort::Activity,
                SortArg::Opened => Sort::Opened,
                SortArg::Id => Sort::Id,
                SortArg::Due => Sort::Due,
            },
            limit: args.limit.map(i64::from),
        };
        db::tickets::list(tx, &filter)
    })?;
    render::list(ctx.out, settings, &tickets, total, grid)
}

fn states(given: &[StateArg], all: bool) -> Option<Vec<State>> {
    if all || given.iter().any(|s| matches!(s, StateArg::All)) {
        return Some(State::ALL.to_vec());
    }
    if given.is_empty() {
        return None;
    }
    let mut states = Vec::new();
    for state in given {
        match state {
            StateArg::New => states.push(State::New),
            StateArg::InProgress => states.push(State::InProgress),
            StateArg::Closed => states.push(State::Closed),
            StateArg::Pending => states.extend([State::New, State::InProgress]),
            StateArg::All => {}
        }
    }
    Some(states)
}

/// The ticket table people read: state in its colour, subject cut to fit.
pub fn grid(tickets: &[Ticket]) -> Grid {
    let now = when::now();
    let headers = vec![
        "ID",
        "STATE",
        "CLASS",
        "CUSTOMER",
        "OWNER",
        "SUBJECT",
        "AGE",
        "LAST ENTRY",
        "DUE",
    ];
    let mut grid = Grid::new(headers, vec![5, 3, 2]);
    for t in tickets {
        let due = t.due.as_deref().and_then(When::from_stored);
        let overdue = t.state != State::Closed && due.is_some_and(|d| d.is_past(now));
        let due_text = match due {
            Some(When::Day(day)) => day.format("%Y-%m-%d").to_string(),
            Some(When::Instant(at)) => when::local(at),
            None => String::new(),
        };
        let opened = when::parse_stamp(&t.opened_at).unwrap_or(now);
        let last = when::parse_stamp(&t.last_entry_at)
            .map(when::local)
            .unwrap_or_default();
        grid.rows.push(vec![
            Text::plain(t.id.to_string()),
            Text::colored(t.state.label(), render::state_color(t.state)),
            Text::plain(&t.class),
            Text::plain(&t.customer.name),
            Text::plain(&t.owner),
            Text::plain(&t.subject),
            Text::plain(when::age(opened, now)),
            Text::plain(last),
            if overdue {
                Text::colored(format!("{due_text} !"), comfy_table::Color::Red)
            } else {
                Text::plain(due_text)
            },
        ]);
    }
    grid
}
