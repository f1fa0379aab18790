//! `desk class`: the groups tickets belong to, with their default owners
//! and response targets.

use clap::{Args, Subcommand};

use super::{Ctx, Lines, admin, field, find_class, find_user};
use crate::db;
use crate::error::{Error, Result};
use crate::model::Class;
use crate::names;
use crate::render::{self, Grid, Text};
use crate::{targets, when};

#[derive(Debug, Subcommand)]
pub enum ClassCommand {
    /// Add a class (administrators only)
    Add {
        name: String,
        #[command(flatten)]
        fields: ClassFields,
    },
    /// List classes
    #[command(alias = "ls")]
    List {
        /// Include archived classes
        #[arg(long)]
        all: bool,
    },
    /// Show one class
    Show { name: String },
    /// Change a class
    Edit {
        name: String,
        /// A new name
        #[arg(long)]
        rename: Option<String>,
        #[command(flatten)]
        fields: ClassFields,
        /// Bring an archived class back
        #[arg(long)]
        unarchive: bool,
    },
    /// Archive a class: no new tickets, existing ones stay
    Archive { name: String },
}

#[derive(Debug, Args)]
pub struct ClassFields {
    /// The default owner of new tickets (default: you)
    #[arg(long, value_name = "LOGIN")]
    owner: Option<String>,
    #[arg(long)]
    title: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// Target time to first activity, e.g. 4h ("none" to clear)
    #[arg(long, value_name = "DUR")]
    first_response: Option<String>,
    /// Target time between entries while in progress, e.g. 3d ("none" to clear)
    #[arg(long, value_name = "DUR")]
    resolve: Option<String>,
}

impl ClassCommand {
    pub fn writes(&self) -> bool {
        !matches!(self, ClassCommand::List { .. } | ClassCommand::Show { .. })
    }
}

pub fn run(command: ClassCommand, ctx: &mut Ctx) -> Result<()> {
    match command {
        ClassCommand::Add { name, fields } => add(ctx, name, fields),
        ClassCommand::List { all } => list(ctx, all),
        ClassCommand::Show { name } => {
            super::one_record(ctx, "a class")?;
            let class = ctx.store.read(|tx| find_class(tx, &name))?;
            show(ctx, &class)
        }
        ClassCommand::Edit {
            name,
            rename,
            fields,
            unarchive,
        } => edit(ctx, &name, rename, fields, unarchive),
        ClassCommand::Archive { name } => {
            let settings = ctx.settings;
            let class = ctx.store.write(|tx| {
                admin(tx, settings, "archive classes")?;
                let mut class = find_class(tx, &name)?;
                let owner = find_user(tx, &class.owner)?;
                class.archived = true;
                db::classes::update(tx, &class, owner.id)?;
                Ok(class)
            })?;
            super::done(ctx, &format!("archived class {}", class.name), &class)
        }
    }
}

fn target(value: Option<String>) -> Result<Option<Option<i64>>> {
    match value.as_deref().map(str::trim) {
        None => Ok(None),
        Some(text) if text.eq_ignore_ascii_case("none") => Ok(Some(None)),
        Some(text) => Ok(Some(Some(when::parse_duration(text)?))),
    }
}

fn valid_name(name: &str) -> Result<String> {
    names::one_line(name, "class name", 100)
}

fn add(ctx: &mut Ctx, name: String, fields: ClassFields) -> Result<()> {
    let name = valid_name(&name)?;
    let (first_response, resolve) = (target(fields.first_response)?, target(fields.resolve)?);
    let settings = ctx.settings;
    let class = ctx.store.write(|tx| {
        let actor = admin(tx, settings, "add classes")?;
        if let Some(existing) = db::classes::by_name(tx, &name)? {
            return Err(Error::usage(format!(
                "class '{}' already exists",
                existing.name
            )));
        }
        let owner = match &fields.owner {
            Some(login) => super::find_owner(tx, login)?,
            None => actor,
        };
        let class = Class {
            id: 0,
            name: name.clone(),
            title: field(fields.title, "title", Lines::One)?.flatten(),
            description: field(fields.description, "description", Lines::Many)?.flatten(),
            owner: owner.login.clone(),
            first_response: first_response.flatten(),
            resolve: resolve.flatten(),
            archived: false,
        };
        let id = db::classes::insert(tx, &class, owner.id)?;
        Ok(Class { id, ..class })
    })?;
    super::done(
        ctx,
        &format!("added class {} (owner {})", class.name, class.owner),
        &class,
    )
}

fn edit(
    ctx: &mut Ctx,
    name: &str,
    rename: Option<String>,
    fields: ClassFields,
    unarchive: bool,
) -> Result<()> {
    let rename = rename.map(|n| valid_name(&n)).transpose()?;
    let (first_response, resolve) = (target(fields.first_response)?, target(fields.resolve)?);
    let settings = ctx.settings;
    let class = ctx.store.write(|tx| {
        admin(tx, settings, "change classes")?;
        let mut class = find_class(tx, name)?;
        if let Some(new_name) = rename {
            if let Some(other) = db::classes::by_name(tx, &new_name)?.filter(|c| c.id != class.id) {
                return Err(Error::usage(format!(
                    "class '{}' already exists",
                    other.name
                )));
            }
            class.name = new_name;
        }
        if let Some(login) = &fields.owner {
            class.owner = super::find_owner(tx, login)?.login;
        }
        if let Some(title) = field(fields.title, "title", Lines::One)? {
            class.title = title;
        }
        if let Some(description) = field(fields.description, "description", Lines::Many)? {
            class.description = description;
        }
        if let Some(value) = first_response {
            class.first_response = value;
        }
        if let Some(value) = resolve {
            class.resolve = value;
        }
        class.archived &= !unarchive;
        let owner = find_user(tx, &class.owner)?;
        db::classes::update(tx, &class, owner.id)?;
        Ok(class)
    })?;
    super::done(ctx, &format!("updated class {}", class.name), &class)
}

fn list(ctx: &mut Ctx, all: bool) -> Result<()> {
    let classes = ctx.store.read(|tx| db::classes::list(tx, all))?;
    let total = classes.len() as i64;
    render::list(ctx.out, ctx.settings, &classes, total, |classes| {
        let headers = vec![
            "NAME",
            "TITLE",
            "OWNER",
            "FIRST RESPONSE",
            "RESOLVE",
            "ARCHIVED",
        ];
        let mut grid = Grid::new(headers, vec![1]);
        for c in classes {
            grid.rows.push(vec![
                Text::plain(&c.name),
                Text::plain(c.title.as_deref().unwrap_or("")),
                Text::plain(&c.owner),
                Text::plain(show_target(
                    c.first_response,
                    targets::DEFAULT_FIRST_RESPONSE,
                )),
                Text::plain(show_target(c.resolve, targets::DEFAULT_RESOLVE)),
                Text::plain(if c.archived { "yes" } else { "" }),
            ]);
        }
        grid
    })
}

fn show(ctx: &mut Ctx, class: &Class) -> Result<()> {
    if ctx.is_json() {
        return render::json(ctx.out, class);
    }
    let lines = [
        ("name", class.name.clone()),
        ("title", class.title.clone().unwrap_or_default()),
        ("description", class.description.clone().unwrap_or_default()),
        ("owner", class.owner.clone()),
        (
            "first response",
            show_target(class.first_response, targets::DEFAULT_FIRST_RESPONSE),
        ),
        (
            "resolve",
            show_target(class.resolve, targets::DEFAULT_RESOLVE),
        ),
        (
            "archived",
            if class.archived { "yes" } else { "no" }.to_string(),
        ),
    ];
    super::print_fields(ctx, &lines)
}

/// A target as people read it; a class without one says which default applies.
fn show_target(value: Option<i64>, default: i64) -> String {
    match value {
        Some(seconds) => when::format_duration(seconds),
        None => format!("{} (default)", when::format_duration(default)),
    }
}
