//! The commands, one file per group; each holds its arguments and its `run`.
//! The helpers here resolve names typed by people into stored records.

pub mod banner;
pub mod class;
pub mod customer;
pub mod init;
pub mod remind;
pub mod ticket;
pub mod user;
pub mod verify;

use std::io::Write;

use rusqlite::Connection;

use crate::config::Settings;
use crate::db::{self, Store};
use crate::error::{Error, Result};
use crate::model::{Class, User};

/// What a command works with: the settings, standard output and the store.
pub struct Ctx<'a> {
    pub settings: &'a Settings,
    pub out: &'a mut dyn Write,
    pub store: &'a mut Store,
}

impl Ctx<'_> {
    pub fn is_json(&self) -> bool {
        matches!(self.settings.format, Some(crate::config::Format::Json))
    }
}

/// The acting user, who must be registered and active to change anything.
pub fn actor(conn: &Connection, settings: &Settings) -> Result<User> {
    let login = &settings.actor;
    match db::users::by_login(conn, login)? {
        Some(user) if user.active => Ok(user),
        Some(_) => Err(Error::refused(format!(
            "user '{login}' is deactivated; an administrator can restore it with: \
             desk user edit {login} --active"
        ))),
        None => Err(Error::refused(format!(
            "user '{login}' is not registered in {}; an administrator can add you with: \
             desk user add {login} (or act as a registered user with --as LOGIN)",
            settings.db.display()
        ))),
    }
}

/// The acting user, who must also be an administrator.
pub fn admin(conn: &Connection, settings: &Settings, doing: &str) -> Result<User> {
    let user = actor(conn, settings)?;
    if !user.admin {
        return Err(Error::refused(format!(
            "only an administrator can {doing}; '{}' is not one (see: desk user list)",
            user.login
        )));
    }
    Ok(user)
}

pub fn find_user(conn: &Connection, login: &str) -> Result<User> {
    let login = crate::names::normal(login);
    db::users::by_login(conn, &login)?.ok_or_else(|| {
        let known: Vec<String> = db::users::list(conn)
            .map(|users| users.into_iter().map(|u| u.login).collect())
            .unwrap_or_default();
        Error::not_found(format!("no user '{login}'; users: {}", first_few(known)))
    })
}

/// A list of names for a message, cut after a dozen.
fn first_few(names: Vec<String>) -> String {
    const FEW: usize = 12;
    let more = names.len().saturating_sub(FEW);
    let mut shown: Vec<String> = names.into_iter().take(FEW).collect();
    if more > 0 {
        shown.push(format!("and {more} more"));
    }
    shown.join(", ")
}

/// A user who can be made responsible for tickets: registered and active.
pub fn find_owner(conn: &Connection, login: &str) -> Result<User> {
    let user = find_user(conn, login)?;
    if !user.active {
        return Err(Error::refused(format!(
            "user '{}' is deactivated and cannot be responsible for tickets; choose another \
             (see: desk user list)",
            user.login
        )));
    }
    Ok(user)
}

pub fn find_class(conn: &Connection, name: &str) -> Result<Class> {
    db::classes::by_name(conn, name)?.ok_or_else(|| {
        let known: Vec<String> = db::classes::list(conn, false)
            .map(|classes| classes.into_iter().map(|c| c.name).collect())
            .unwrap_or_default();
        Error::not_found(format!(
            "no class named '{}'; classes: {} (add one with: desk class add NAME)",
            crate::names::normal(name),
            first_few(known)
        ))
    })
}

/// Reads an id typed by a person.
pub fn parse_id(text: &str, what: &str) -> Result<i64> {
    let trimmed = text.trim().trim_start_matches('#');
    match trimmed.parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(Error::usage(format!("'{text}' is not a {what} number"))),
    }
}

/// Prints the one line a change reports, or the changed object as JSON.
pub fn done(ctx: &mut Ctx, line: &str, value: &impl serde::Serialize) -> Result<()> {
    if ctx.is_json() {
        crate::render::json(ctx.out, value)
    } else {
        writeln!(ctx.out, "{}", crate::sanitize::line(line))?;
        Ok(())
    }
}

/// Refuses an e-mail address without an `@` in it.
pub fn check_email(email: &Option<String>) -> Result<()> {
    match email {
        Some(email) if !email.contains('@') || email.chars().any(char::is_whitespace) => {
            Err(Error::usage(format!("'{email}' is not an e-mail address")))
        }
        _ => Ok(()),
    }
}

/// How much text a field may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// An optional text option: None when not given, Some(None) when given
/// empty ("clear it"). Control characters are refused, but for line breaks
/// and tabs in a field of many lines.
pub fn field(value: Option<String>, what: &str, lines: Lines) -> Result<Option<Option<String>>> {
    let Some(value) = value else { return Ok(None) };
    let value = crate::names::normal(&value);
    let allowed = |c: char| lines == Lines::Many && matches!(c, '\n' | '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        let kind = if lines == Lines::One {
            "one line of text"
        } else {
            "text"
        };
        return Err(Error::usage(format!(
            "the {what} must be {kind}, without control characters"
        )));
    }
    Ok(Some(if value.is_empty() { None } else { Some(value) }))
}

/// Prints labelled values one per line, the labels aligned.
pub fn print_fields(ctx: &mut Ctx, fields: &[(&str, String)]) -> Result<()> {
    let width = fields
        .iter()
        .map(|(label, _)| label.len())
        .max()
        .unwrap_or(0);
    for (label, value) in fields {
        writeln!(ctx.out, "{label:>width$}: {}", crate::sanitize::line(value))?;
    }
    Ok(())
}

/// Refuses formats other than text and JSON, for commands that show one thing.
pub fn one_record(ctx: &Ctx, what: &str) -> Result<()> {
    use crate::config::Format;
    crate::render::only(
        ctx.settings,
        &[Format::Text, Format::Table, Format::Json],
        what,
    )
}
