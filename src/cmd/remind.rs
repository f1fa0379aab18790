//! `desk remind`: what needs attention, grouped by owner, for cron. Silent
//! when there is nothing to say; `--new` says each fact once and keeps what
//! it said in its own table, apart from the tickets' history.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::{DateTime, Utc};
use clap::Args;
use rusqlite::Connection;
use serde::Serialize;

use super::{Ctx, find_user};
use crate::config::{Format, Settings};
use crate::db::reminded::Key;
use crate::db::tickets::Stored;
use crate::db::{self};
use crate::error::{Error, Result};
use crate::model::{EntryKind, Ticket};
use crate::render::{self, paint_state};
use crate::when::{self, When};
use crate::{sanitize, targets};

#[derive(Debug, Args)]
pub struct RemindArgs {
    /// Only this user's tickets (default: everyone's)
    #[arg(long, value_name = "LOGIN")]
    user: Option<String>,
    /// Stale after this long without an entry, for every class (default: each
    /// class's resolve target)
    #[arg(long, value_name = "DUR")]
    stale: Option<String>,
    /// Only what no earlier --new run reported, and remember it (for cron)
    #[arg(long)]
    new: bool,
}

impl RemindArgs {
    /// Only `--new` writes: it records what it reported.
    pub fn writes(&self) -> bool {
        self.new
    }
}

/// Why a ticket needs attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// New, and older than its class's first-response target.
    FirstResponse,
    /// In progress with no entry for longer than the resolve target or `--stale`.
    Stale,
    /// Past its due date.
    Overdue,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::FirstResponse => "first_response",
            Reason::Stale => "stale",
            Reason::Overdue => "overdue",
        }
    }
}

/// One fact about one ticket, as `--json` prints it.
#[derive(Debug, Serialize)]
pub struct Reminder {
    pub reason: Reason,
    /// The instant the fact became true: the target or the due date passed.
    pub since: String,
    /// The target in seconds; null for an overdue ticket.
    pub target: Option<i64>,
    pub ticket: Ticket,
    #[serde(skip)]
    owner_id: i64,
    /// What made the fact true; it is reported again only when this changes.
    #[serde(skip)]
    basis: String,
}

/// One owner's reminders.
#[derive(Debug, Serialize)]
pub struct Group {
    pub owner: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub reminders: Vec<Reminder>,
}

pub fn run(args: RemindArgs, ctx: &mut Ctx) -> Result<()> {
    render::only(
        ctx.settings,
        &[Format::Text, Format::Table, Format::Json],
        "reminders",
    )?;
    let now = when::now();
    let stale = args
        .stale
        .as_deref()
        .map(when::parse_duration)
        .transpose()?;
    let Ctx {
        settings,
        out,
        store,
    } = ctx;
    if !args.new {
        let groups = store.read(|tx| {
            let owner = owner(tx, args.user.as_deref())?;
            group(tx, late(tx, now, stale, owner)?)
        })?;
        return print(&groups, settings, &mut **out);
    }
    // What is new is found and printed under a read snapshot, and recorded
    // only once it is out, in a short write: a report that cannot be
    // written is sent again next time, and no lock is held while a slow
    // reader (a pager, a mailer) takes the output. Two runs racing may both
    // send a fact: at least once, never lost.
    let groups = store.read(|tx| {
        let owner = owner(tx, args.user.as_deref())?;
        let mut fresh = Vec::new();
        for mut reminder in late(tx, now, stale, owner)? {
            reminder.basis = with_turn(tx, &reminder)?;
            if !db::reminded::seen(tx, &key(&reminder))? {
                fresh.push(reminder);
            }
        }
        group(tx, fresh)
    })?;
    if groups.is_empty() {
        return Ok(());
    }
    print(&groups, settings, &mut **out)?;
    out.flush()?;
    let stamp = when::stamp(now);
    store.write(|tx| {
        for reminder in groups.iter().flat_map(|group| &group.reminders) {
            db::reminded::record(tx, &key(reminder), &stamp)?;
        }
        Ok(())
    })
}

/// The latest hand-over (and for a due date, the latest change of it or
/// reopening) is part of a fact, so that a value that comes back (a due
/// date moved away and back, bob to carol to bob) is news again.
fn with_turn(conn: &Connection, reminder: &Reminder) -> Result<String> {
    let turns: &[EntryKind] = match reminder.reason {
        Reason::FirstResponse | Reason::Stale => &[EntryKind::Assigned],
        Reason::Overdue => &[EntryKind::Assigned, EntryKind::Due],
    };
    let turn = db::entries::last_of(conn, reminder.ticket.id, turns)?;
    Ok(format!("{} #{turn}", reminder.basis))
}

fn key(reminder: &Reminder) -> Key<'_> {
    Key {
        ticket_id: reminder.ticket.id,
        owner_id: reminder.owner_id,
        reason: reminder.reason.as_str(),
        basis: &reminder.basis,
    }
}

fn owner(conn: &Connection, login: Option<&str>) -> Result<Option<i64>> {
    login.map(|l| find_user(conn, l).map(|u| u.id)).transpose()
}

/// Every fact that needs attention at `now`, for one owner or all.
fn late(
    conn: &Connection,
    now: DateTime<Utc>,
    stale: Option<i64>,
    owner: Option<i64>,
) -> Result<Vec<Reminder>> {
    let ago = |seconds: i64| when::stamp(when::shift(now, -seconds));
    let mut found = Vec::new();
    let classes = db::classes::list(conn, true)?;
    for class in &classes {
        let target = targets::first_response(class);
        for stored in db::pending::new_since(conn, class.id, &ago(target), owner)? {
            let basis = stored.ticket.opened_at.clone();
            found.push(reminder(
                Reason::FirstResponse,
                stored,
                &basis,
                Some(target),
                basis.clone(),
            ));
        }
    }
    let stale_by_class: Vec<(Option<i64>, i64)> = match stale {
        Some(seconds) => vec![(None, seconds)],
        None => classes
            .iter()
            .map(|c| (Some(c.id), targets::resolve(c)))
            .collect(),
    };
    for (class_id, target) in stale_by_class {
        for stored in db::pending::quiet_since(conn, class_id, &ago(target), owner)? {
            let basis = stored.ticket.last_entry_at.clone();
            found.push(reminder(
                Reason::Stale,
                stored,
                &basis,
                Some(target),
                basis.clone(),
            ));
        }
    }
    found.extend(overdue(conn, now, owner)?);
    Ok(found)
}

/// Builds a reminder whose fact arose `target` seconds after `from`, or at
/// `from` itself without a target.
fn reminder(
    reason: Reason,
    stored: Stored,
    from: &str,
    target: Option<i64>,
    basis: String,
) -> Reminder {
    let since = when::parse_stamp(from)
        .map(|at| when::stamp(when::shift(at, target.unwrap_or(0))))
        .unwrap_or_else(|| from.to_string());
    Reminder {
        reason,
        since,
        target,
        ticket: stored.ticket,
        owner_id: stored.owner_id,
        basis,
    }
}

/// Pending tickets past their due day or instant. A fact arises anew when
/// the due value changes or the ticket is reopened.
fn overdue(conn: &Connection, now: DateTime<Utc>, owner: Option<i64>) -> Result<Vec<Reminder>> {
    // Due days and due instants sort together as text, so one bound above
    // both today and now finds every candidate; `is_past` decides.
    let today = when::today(now).format("%Y-%m-%d").to_string();
    let bound = today.max(when::stamp(now));
    let mut found = Vec::new();
    for due in db::pending::due_before(conn, &bound, owner)? {
        let value = due.stored.ticket.due.clone().unwrap_or_default();
        let Some(when) = When::from_stored(&value).filter(|w| w.is_past(now)) else {
            continue;
        };
        let since = match when {
            When::Day(day) => When::Day(day.succ_opt().unwrap_or(day)).instant(),
            When::Instant(at) => at,
        };
        let basis = format!("{value} {}", due.pending_since);
        found.push(reminder(
            Reason::Overdue,
            due.stored,
            &when::stamp(since),
            None,
            basis,
        ));
    }
    Ok(found)
}

/// Groups reminders by owner login; within a group by ticket, then reason.
fn group(conn: &Connection, reminders: Vec<Reminder>) -> Result<Vec<Group>> {
    let mut by_owner: BTreeMap<String, Vec<Reminder>> = BTreeMap::new();
    for reminder in reminders {
        by_owner
            .entry(reminder.ticket.owner.clone())
            .or_default()
            .push(reminder);
    }
    let mut groups = Vec::new();
    for (owner, mut reminders) in by_owner {
        reminders.sort_by_key(|r| (r.ticket.id, r.reason));
        let user = db::users::by_login(conn, &owner)?
            .ok_or_else(|| Error::env(format!("ticket owner '{owner}' is not a user")))?;
        groups.push(Group {
            owner,
            name: user.name,
            email: user.email,
            reminders,
        });
    }
    Ok(groups)
}

fn print(groups: &[Group], settings: &Settings, out: &mut dyn Write) -> Result<()> {
    if groups.is_empty() {
        return Ok(());
    }
    if matches!(settings.format, Some(Format::Json)) {
        return render::json(out, &groups);
    }
    for (index, group) in groups.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        text(group, settings, out)?;
    }
    Ok(())
}

/// One owner's reminders for people: each ticket once, its reasons below it.
fn text(group: &Group, settings: &Settings, out: &mut dyn Write) -> Result<()> {
    let now = when::now();
    let mut tickets: Vec<(&Ticket, Vec<&Reminder>)> = Vec::new();
    for reminder in &group.reminders {
        match tickets.last_mut() {
            Some((ticket, reasons)) if ticket.id == reminder.ticket.id => reasons.push(reminder),
            _ => tickets.push((&reminder.ticket, vec![reminder])),
        }
    }
    let count = match tickets.len() {
        1 => "1 ticket needs".to_string(),
        n => format!("{n} tickets need"),
    };
    writeln!(out, "{}: {count} attention", sanitize::line(&group.owner))?;
    for (ticket, reasons) in tickets {
        writeln!(
            out,
            "  #{} {} ({}, {}, {})",
            ticket.id,
            sanitize::line(&ticket.subject),
            sanitize::line(&ticket.customer.name),
            paint_state(ticket.state, settings.color),
            sanitize::line(&ticket.class)
        )?;
        for reminder in reasons {
            writeln!(out, "     {}", explain(reminder, now))?;
        }
    }
    Ok(())
}

fn explain(reminder: &Reminder, now: DateTime<Utc>) -> String {
    let ticket = &reminder.ticket;
    let age = |stamp: &str| {
        when::parse_stamp(stamp)
            .map(|at| when::age(at, now))
            .unwrap_or_default()
    };
    let target = reminder
        .target
        .map(when::format_duration)
        .unwrap_or_default();
    match reminder.reason {
        Reason::FirstResponse => format!(
            "no first response: opened {} ago, target {target}",
            age(&ticket.opened_at)
        ),
        Reason::Stale => format!(
            "stale: no entry for {}, target {target}",
            age(&ticket.last_entry_at)
        ),
        Reason::Overdue => {
            let due = ticket.due.as_deref().and_then(When::from_stored);
            format!(
                "overdue: due {}",
                due.map(When::display).unwrap_or_default()
            )
        }
    }
}
