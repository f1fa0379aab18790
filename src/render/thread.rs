//! A ticket with its whole history, as text for a terminal or a printer.

use std::fmt::Write;

use crate::config::Settings;
use crate::model::{Entry, Ticket};
use crate::render::paint_state;
use crate::sanitize;
use crate::when::{self, When};

pub fn text(ticket: &Ticket, entries: &[Entry], settings: &Settings) -> String {
    let mut out = String::new();
    let state = paint_state(ticket.state, settings.color);
    let _ = writeln!(
        out,
        "#{} {}  [{state}]",
        ticket.id,
        sanitize::line(&ticket.subject)
    );
    let local = |stamp: &str| {
        when::parse_stamp(stamp)
            .map(when::local)
            .unwrap_or_default()
    };
    let due = ticket
        .due
        .as_deref()
        .and_then(When::from_stored)
        .map(When::display);
    let fields = [
        ("class", ticket.class.clone()),
        (
            "customer",
            format!("{} (customer {})", ticket.customer.name, ticket.customer.id),
        ),
        ("channel", ticket.channel.clone()),
        ("owner", ticket.owner.clone()),
        ("priority", ticket.priority.clone()),
        (
            "opened",
            format!("{} by {}", local(&ticket.opened_at), ticket.opened_by),
        ),
        ("last entry", local(&ticket.last_entry_at)),
        ("due", due.unwrap_or_else(|| "none".to_string())),
    ];
    for (label, value) in fields {
        let _ = writeln!(out, "  {label:>10}  {}", sanitize::line(&value));
    }
    if let Some(closed) = &ticket.closed_at {
        let _ = writeln!(out, "  {:>10}  {}", "closed", local(closed));
    }
    for entry in entries {
        out.push('\n');
        let mut header = entry_header(entry, &local);
        let later: Vec<String> = entries
            .iter()
            .filter(|e| e.corrects == Some(entry.seq))
            .map(|e| e.seq.to_string())
            .collect();
        if !later.is_empty() {
            let _ = write!(header, "  (corrected by {})", later.join(", "));
        }
        let _ = writeln!(out, "{header}");
        for line in sanitize::block(&entry.text).lines() {
            let _ = writeln!(out, "       {line}");
        }
    }
    out
}

fn entry_header(entry: &Entry, local: &dyn Fn(&str) -> String) -> String {
    let mut header = format!(
        "  {:>3}  {}  {}  {}",
        entry.seq,
        local(&entry.at),
        sanitize::line(&entry.author),
        entry.kind.as_str()
    );
    if entry.internal {
        header.push_str("  [internal]");
    }
    if let Some(seq) = entry.corrects {
        let _ = write!(header, "  (corrects {seq})");
    }
    if entry.at != entry.recorded_at {
        let _ = write!(header, "  (recorded {})", local(&entry.recorded_at));
    }
    if entry.os_user != entry.author {
        let _ = write!(header, "  (typed by {})", sanitize::line(&entry.os_user));
    }
    header
}
