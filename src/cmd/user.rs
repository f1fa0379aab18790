//! `desk user`: register, list, show, edit and deactivate users.

use clap::Subcommand;

use super::{Ctx, Lines, admin, field, find_user};
use crate::db;
use crate::error::{Error, Result};
use crate::model::User;
use crate::render::{self, Grid, Text};
use crate::when;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Register a user (administrators only)
    Add {
        login: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Make the user an administrator
        #[arg(long)]
        admin: bool,
    },
    /// List users
    #[command(alias = "ls")]
    List,
    /// Show one user
    Show { login: String },
    /// Change a user's name, e-mail or role
    Edit {
        login: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Make the user an administrator
        #[arg(long, conflicts_with = "no_admin")]
        admin: bool,
        /// Make the user an ordinary user
        #[arg(long)]
        no_admin: bool,
        /// Make a deactivated user active again
        #[arg(long)]
        active: bool,
    },
    /// Stop a user from acting; their history stays
    Deactivate { login: String },
}

impl UserCommand {
    pub fn writes(&self) -> bool {
        !matches!(self, UserCommand::List | UserCommand::Show { .. })
    }
}

pub fn run(command: UserCommand, ctx: &mut Ctx) -> Result<()> {
    match command {
        UserCommand::Add {
            login,
            name,
            email,
            admin,
        } => add(ctx, login, name, email, admin),
        UserCommand::List => list(ctx),
        UserCommand::Show { login } => {
            super::one_record(ctx, "a user")?;
            let user = ctx.store.read(|tx| find_user(tx, &login))?;
            show(ctx, &user)
        }
        UserCommand::Edit {
            login,
            name,
            email,
            admin,
            no_admin,
            active,
        } => {
            let role = (admin || no_admin).then_some(admin);
            edit(ctx, &login, name, email, role, active)
        }
        UserCommand::Deactivate { login } => {
            let settings = ctx.settings;
            let user = ctx.store.write(|tx| {
                let actor = admin(tx, settings, "deactivate users")?;
                let mut user = find_user(tx, &login)?;
                if user.id == actor.id {
                    return Err(Error::refused(
                        "you cannot deactivate yourself; ask another administrator",
                    ));
                }
                user.active = false;
                db::users::update(tx, &user)?;
                Ok(user)
            })?;
            super::done(ctx, &format!("deactivated user {}", user.login), &user)
        }
    }
}

fn edit(
    ctx: &mut Ctx,
    login: &str,
    name: Option<String>,
    email: Option<String>,
    role: Option<bool>,
    reactivate: bool,
) -> Result<()> {
    let settings = ctx.settings;
    let user = ctx.store.write(|tx| {
        let mut user = find_user(tx, login)?;
        let actor = super::actor(tx, settings)?;
        let own_details = actor.id == user.id && role.is_none() && !reactivate;
        if !own_details {
            admin(tx, settings, "change another user's role or state")?;
        }
        if let Some(name) = field(name, "name", Lines::One)? {
            user.name = name;
        }
        if let Some(email) = field(email, "e-mail", Lines::One)? {
            user.email = email;
        }
        if let Some(role) = role {
            user.admin = role;
        }
        user.active |= reactivate;
        super::check_email(&user.email)?;
        db::users::update(tx, &user)?;
        keep_an_administrator(tx)?;
        Ok(user)
    })?;
    super::done(ctx, &format!("updated user {}", user.login), &user)
}

/// Refuses a change that leaves no active administrator: nobody could
/// register users or manage classes again.
fn keep_an_administrator(conn: &rusqlite::Connection) -> Result<()> {
    if db::users::active_admins(conn)? == 0 {
        return Err(Error::refused(
            "that would leave no active administrator; make someone else one first: \
             desk user edit LOGIN --admin",
        ));
    }
    Ok(())
}

fn add(
    ctx: &mut Ctx,
    login: String,
    name: Option<String>,
    email: Option<String>,
    is_admin: bool,
) -> Result<()> {
    let login = crate::names::login(&login)?;
    let settings = ctx.settings;
    let now = when::stamp(when::now());
    let user = ctx.store.write(|tx| {
        admin(tx, settings, "add users")?;
        let taken = db::users::list(tx)?
            .into_iter()
            .find(|u| u.login.eq_ignore_ascii_case(&login));
        if let Some(user) = taken {
            return Err(Error::usage(format!(
                "user '{}' already exists",
                user.login
            )));
        }
        let user = User {
            id: 0,
            login: login.clone(),
            name: field(name, "name", Lines::One)?.flatten(),
            email: field(email, "e-mail", Lines::One)?.flatten(),
            admin: is_admin,
            active: true,
        };
        super::check_email(&user.email)?;
        db::users::insert(tx, &user, &now)
    })?;
    super::done(ctx, &format!("added user {}", user.login), &user)
}

fn list(ctx: &mut Ctx) -> Result<()> {
    let users = ctx.store.read(|tx| db::users::list(tx))?;
    let total = users.len() as i64;
    render::list(ctx.out, ctx.settings, &users, total, |users| {
        let mut grid = Grid::new(vec!["LOGIN", "NAME", "EMAIL", "ROLE", "ACTIVE"], vec![1, 2]);
        for u in users {
            grid.rows.push(vec![
                Text::plain(&u.login),
                Text::plain(u.name.as_deref().unwrap_or("")),
                Text::plain(u.email.as_deref().unwrap_or("")),
                Text::plain(if u.admin { "admin" } else { "user" }),
                Text::plain(if u.active { "yes" } else { "no" }),
            ]);
        }
        grid
    })
}

fn show(ctx: &mut Ctx, user: &User) -> Result<()> {
    if ctx.is_json() {
        return render::json(ctx.out, user);
    }
    let lines = [
        ("login", user.login.clone()),
        ("name", user.name.clone().unwrap_or_default()),
        ("email", user.email.clone().unwrap_or_default()),
        (
            "role",
            if user.admin { "administrator" } else { "user" }.to_string(),
        ),
        ("active", if user.active { "yes" } else { "no" }.to_string()),
    ];
    super::print_fields(ctx, &lines)
}
