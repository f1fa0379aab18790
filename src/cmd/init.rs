//! `desk init`: create the database, its first administrator and the
//! starter classes. Running it again changes nothing.

use std::io::Write;

use crate::config::Settings;
use crate::db;
use crate::error::Result;
use crate::model::{Class, User};
use crate::when;

/// The seed's five example classes, so that one person can start at once.
const STARTER_CLASSES: [(&str, &str); 5] = [
    ("complaints", "Complaints about products and service"),
    ("payments", "Payments, invoices and reminders"),
    ("orders", "Orders and how far they have got"),
    ("general", "General questions"),
    ("contact", "Contact requests and call-backs"),
];

pub fn run(settings: &Settings, out: &mut dyn Write) -> Result<()> {
    // The first user becomes the administrator: a login others can type.
    crate::names::login(&settings.actor)?;
    let (mut store, created) = db::create(&settings.db)?;
    let now = when::stamp(when::now());
    let admin = store.write(|tx| {
        if db::users::count(tx)? > 0 {
            return Ok(None);
        }
        let user = User {
            id: 0,
            login: settings.actor.clone(),
            name: None,
            email: None,
            admin: true,
            active: true,
        };
        let user = db::users::insert(tx, &user, &now)?;
        for (name, title) in STARTER_CLASSES {
            let class = Class {
                id: 0,
                name: name.to_string(),
                title: Some(title.to_string()),
                description: None,
                owner: user.login.clone(),
                first_response: None,
                resolve: None,
                archived: false,
            };
            db::classes::insert(tx, &class, user.id)?;
        }
        Ok(Some(user))
    })?;
    let path = settings.db.display();
    let line = match admin {
        Some(user) => format!(
            "created {path}; {} is its administrator; classes: {}",
            user.login,
            STARTER_CLASSES.map(|(name, _)| name).join(", ")
        ),
        None if created => format!("{path} is ready"),
        None => format!("{path} is ready; nothing to do"),
    };
    writeln!(out, "{}", crate::sanitize::line(&line))?;
    Ok(())
}
