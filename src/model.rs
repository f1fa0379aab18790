//! The records of `desk` as the rest of the program sees them, with their
//! JSON shapes. Field names here are the public contract: add, never rename.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct User {
    #[serde(skip)]
    pub id: i64,
    pub login: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub admin: bool,
    pub active: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Class {
    #[serde(skip)]
    pub id: i64,
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub owner: String,
    /// Seconds, or null when the class uses the default target.
    pub first_response: Option<i64>,
    pub resolve: Option<i64>,
    pub archived: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub code: Option<String>,
    pub tax_id: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CustomerRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    New,
    InProgress,
    Closed,
}

impl State {
    pub const ALL: [State; 3] = [State::New, State::InProgress, State::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::InProgress => "in_progress",
            State::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<State> {
        match text {
            "new" => Some(State::New),
            "in_progress" | "in-progress" | "progress" | "open" => Some(State::InProgress),
            "closed" => Some(State::Closed),
            _ => None,
        }
    }

    /// The words people read in tables.
    pub fn label(self) -> &'static str {
        match self {
            State::New => "new",
            State::InProgress => "in progress",
            State::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Ticket {
    pub id: i64,
    pub subject: String,
    pub class: String,
    pub customer: CustomerRef,
    pub channel: String,
    pub owner: String,
    pub state: State,
    pub priority: String,
    pub due: Option<String>,
    pub opened_at: String,
    pub opened_by: String,
    pub first_activity_at: Option<String>,
    pub last_entry_at: String,
    pub closed_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Opened,
    Activity,
    Assigned,
    Moved,
    Due,
    Closed,
    Reopened,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Opened => "opened",
            EntryKind::Activity => "activity",
            EntryKind::Assigned => "assigned",
            EntryKind::Moved => "moved",
            EntryKind::Due => "due",
            EntryKind::Closed => "closed",
            EntryKind::Reopened => "reopened",
        }
    }

    pub fn parse(text: &str) -> Option<EntryKind> {
        [
            EntryKind::Opened,
            EntryKind::Activity,
            EntryKind::Assigned,
            EntryKind::Moved,
            EntryKind::Due,
            EntryKind::Closed,
            EntryKind::Reopened,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub seq: i64,
    pub kind: EntryKind,
    pub text: String,
    pub author: String,
    pub os_user: String,
    pub at: String,
    pub recorded_at: String,
    pub internal: bool,
    pub corrects: Option<i64>,
    pub hash: String,
    #[serde(skip)]
    pub prev_hash: String,
}

/// The channels a contact can come in by.
pub const CHANNELS: [&str; 6] = ["phone", "email", "in-person", "letter", "web", "other"];
pub const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
