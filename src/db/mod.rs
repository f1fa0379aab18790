//! The storage layer: opening the database file, its settings and upgrades.
//! All SQL of `desk` lives under this module, one file per kind of record.

pub mod classes;
pub mod customers;
pub mod entries;
pub mod pending;
pub mod reminded;
pub(crate) mod schema;
pub mod tally;
pub mod tickets;
pub mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use crate::error::{Error, Result};
pub use schema::APPLICATION_ID;

/// How long a command waits for another process's write before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The file's device and inode when it was opened.
    identity: Option<(u64, u64)>,
}

fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path)
        .ok()
        .map(|meta| (meta.dev(), meta.ino()))
}

/// Creates or checks a database file: what `desk init` does. Returns whether
/// it was created now.
pub fn create(path: &Path) -> Result<(Store, bool)> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|err| {
            Error::env(format!("cannot create the folder {}: {err}", dir.display()))
        })?;
    }
    let existed = path.exists();
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
    let conn = Connection::open_with_flags(path, flags).map_err(|err| open_error(path, err))?;
    let fresh = !existed || version(&conn)? == 0 && is_empty(&conn)?;
    // WAL for a new file, and back to WAL for one restored from a copy.
    let mode: String = conn.pragma_query_value(None, "journal_mode", |row| row.get(0))?;
    if fresh || !mode.eq_ignore_ascii_case("wal") {
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    let store = Store::prepare(conn, path)?;
    store.check_identity(fresh)?;
    store.upgrade()?;
    Ok((store, fresh))
}

/// Opens an existing database to change it.
pub fn open_write(path: &Path) -> Result<Store> {
    require_file(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE;
    let conn = Connection::open_with_flags(path, flags).map_err(|err| open_error(path, err))?;
    let store = Store::prepare(conn, path)?;
    store.check_identity(false)?;
    store.upgrade()?;
    Ok(store)
}

/// Opens an existing database only to read it; the file is left as it is.
pub fn open_read(path: &Path) -> Result<Store> {
    require_file(path)?;
    let store = open_read_with(path, BUSY_TIMEOUT)?;
    store.check_identity(false)?;
    if version(&store.conn)? < schema::MIGRATIONS.len() as i64 {
        return Err(Error::env(format!(
            "the database {} was made by an older desk; upgrade it once with: desk init",
            path.display()
        )));
    }
    Ok(store)
}

/// A read-only open with a chosen patience, for the banner.
pub fn open_read_with(path: &Path, busy: Duration) -> Result<Store> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|err| open_error(path, err))?;
    conn.busy_timeout(busy)?;
    conn.pragma_update(None, "query_only", true)?;
    conn.pragma_update(None, "trusted_schema", false)?;
    Ok(Store {
        conn,
        path: path.to_path_buf(),
        identity: identity(path),
    })
}

fn require_file(path: &Path) -> Result<()> {
    if path.is_file() {
        return Ok(());
    }
    if path.is_dir() {
        return Err(Error::env(format!(
            "{} is a folder; give the database file inside it with --db or DESK_DB",
            path.display()
        )));
    }
    Err(Error::env(format!(
        "no database at {}; create one with: desk init (or choose another with --db or DESK_DB)",
        path.display()
    )))
}

fn open_error(path: &Path, err: rusqlite::Error) -> Error {
    Error::env(format!(
        "cannot open the database {}: {err}",
        path.display()
    ))
}

/// A text column, read even when someone stored bytes that are not UTF-8:
/// one damaged value must not hide every other row (and `verify` then
/// names the entry whose hash it breaks).
fn text(row: &rusqlite::Row, index: usize) -> rusqlite::Result<String> {
    Ok(opt_text(row, index)?.unwrap_or_default())
}

fn opt_text(row: &rusqlite::Row, index: usize) -> rusqlite::Result<Option<String>> {
    use rusqlite::types::ValueRef;
    Ok(match row.get_ref(index)? {
        ValueRef::Null => None,
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
        ValueRef::Integer(number) => Some(number.to_string()),
        ValueRef::Real(number) => Some(number.to_string()),
    })
}

/// Whether the file's schema is newer than this desk knows.
pub fn is_newer(conn: &Connection) -> Result<bool> {
    Ok(version(conn)? > schema::MIGRATIONS.len() as i64)
}

fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

fn is_empty(conn: &Connection) -> Result<bool> {
    let count: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))?;
    Ok(count == 0)
}

impl Store {
    fn prepare(conn: Connection, path: &Path) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "trusted_schema", false)?;
        // FULL: a command that said "done" has its change on disk, even
        // after a power cut.
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            identity: identity(path),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection itself, for the banner's watchdog and its single read.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Refuses files that are not ours, and databases from a newer desk.
    fn check_identity(&self, fresh: bool) -> Result<()> {
        let id: i64 = self
            .conn
            .pragma_query_value(None, "application_id", |row| row.get(0))?;
        let known = schema::MIGRATIONS.len() as i64;
        if !(id == APPLICATION_ID || fresh && id == 0) {
            return Err(Error::env(format!(
                "{} is not a desk database; choose another file with --db",
                self.path.display()
            )));
        }
        if !fresh && version(&self.conn)? == 0 {
            return Err(Error::env(format!(
                "{} carries desk's mark but no schema version: it is damaged; restore it from a \
                 backup copy",
                self.path.display()
            )));
        }
        if version(&self.conn)? > known {
            return Err(Error::env(format!(
                "the database {} was made by a newer desk (schema {}, this one knows {known}); \
                 install the newer desk to use it",
                self.path.display(),
                version(&self.conn)?
            )));
        }
        Ok(())
    }

    /// Applies the upgrades this file lacks, after a backup copy when it
    /// already holds data. The write lock comes first, so that of several
    /// processes starting at once one upgrades and the others find it done.
    fn upgrade(&self) -> Result<()> {
        let known = schema::MIGRATIONS.len() as i64;
        if version(&self.conn)? >= known {
            return Ok(());
        }
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let current = version(&tx)?;
        if current >= known {
            return Ok(tx.commit()?);
        }
        if current > 0 {
            self.backup(current)?;
        }
        for (index, step) in schema::MIGRATIONS.iter().enumerate().skip(current as usize) {
            tx.execute_batch(step)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.commit()?;
        Ok(())
    }

    /// Copies the file as it stands beside it, checked and on disk, before
    /// an upgrade. VACUUM INTO cannot run inside our transaction, so a
    /// second, read-only connection makes the copy while we hold the lock.
    fn backup(&self, from: i64) -> Result<()> {
        let stamp = crate::when::now().format("%Y%m%dT%H%M%SZ");
        let name = format!(
            "{}.v{from}-{stamp}-{}.bak",
            self.path.display(),
            std::process::id()
        );
        let copied = self.copy_to(Path::new(&name));
        if copied.is_err() {
            // Half a copy is worse than none: it could be restored by mistake.
            let _ = std::fs::remove_file(&name);
            let _ = std::fs::remove_file(format!("{name}-journal"));
        }
        copied
    }

    fn copy_to(&self, name: &Path) -> Result<()> {
        // The copy holds the same data as the file, so it is created with
        // the same permissions before a byte goes in (VACUUM INTO accepts
        // an empty file).
        let mode = std::fs::metadata(&self.path)?.permissions();
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(name)?;
        std::fs::set_permissions(name, mode)?;
        let reader = Connection::open_with_flags(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        reader.execute("VACUUM INTO ?1", [name.to_string_lossy()])?;
        let copy = Connection::open(name)?;
        let check: String = copy.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
        if check != "ok" {
            return Err(Error::env(format!(
                "the backup copy {} does not check out ({check}); nothing was upgraded",
                name.display()
            )));
        }
        // A copy restored in place must work as the file did: in WAL mode.
        copy.pragma_update(None, "journal_mode", "WAL")?;
        drop(copy);
        std::fs::File::open(name)?.sync_all()?;
        let dir = name.parent().filter(|dir| !dir.as_os_str().is_empty());
        std::fs::File::open(dir.unwrap_or(Path::new(".")))?.sync_all()?;
        Ok(())
    }

    /// Runs `work` in one immediate transaction: the write lock is taken at
    /// the start, so that a busy database makes us wait, never fail halfway.
    pub fn write<T>(&mut self, work: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = work(&tx)?;
        // A file moved or deleted since it was opened (say, while an editor
        // was open) would swallow the change: refuse rather than say "done".
        if identity(&self.path) != self.identity {
            return Err(Error::env(format!(
                "the database {} was moved or deleted while desk was running; nothing was recorded",
                self.path.display()
            )));
        }
        tx.commit()?;
        Ok(value)
    }

    /// Runs `work` in one read transaction, so that it sees one moment.
    pub fn read<T>(&mut self, work: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        let value = work(&tx)?;
        tx.finish()?;
        Ok(value)
    }
}

/// The triggers that keep the history append-only and the counts right.
const GUARDS: [&str; 8] = [
    "entries_no_update",
    "entries_no_delete",
    "entries_extend_chain",
    "tickets_are_kept",
    "tickets_are_not_replaced",
    "tickets_keep_their_ids",
    "tally_insert",
    "tally_update",
];

/// A trigger's text as the migrations wrote it, to compare with the file's.
fn guard_sql(name: &str) -> Option<String> {
    let all = schema::MIGRATIONS.concat();
    let start = all.find(&format!("CREATE TRIGGER {name} "))?;
    let end = start + all[start..].find("\nEND;")? + "\nEND".len();
    Some(all[start..end].to_string())
}

fn squeeze(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Problems with the guards themselves: a trigger missing or rewritten, or
/// counts that no longer match the tickets.
pub fn guards(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for name in GUARDS {
        let sql = "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1";
        let found: Option<String> = conn.query_row(sql, [name], |row| row.get(0)).optional()?;
        match found {
            None => problems.push(format!(
                "database: the trigger {name} that guards the history is missing"
            )),
            Some(found) if Some(squeeze(&found)) != guard_sql(name).as_deref().map(squeeze) => {
                problems.push(format!(
                    "database: the trigger {name} that guards the history has been rewritten"
                ));
            }
            Some(_) => {}
        }
    }
    let mut stmt =
        conn.prepare("SELECT name, tbl_name FROM sqlite_schema WHERE type = 'trigger'")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (name, table): (String, String) = (row.get(0)?, row.get(1)?);
        if !GUARDS.contains(&name.as_str()) {
            problems.push(format!(
                "database: the trigger {name} on {table} is not desk's; it may change what is stored"
            ));
        }
    }
    problems.extend(tally_problems(conn)?);
    Ok(problems)
}

/// Every count the banner reads, per owner and for everyone, against the
/// tickets themselves, both ways.
fn tally_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut counted: std::collections::BTreeMap<(i64, String), i64> = Default::default();
    let mut stmt =
        conn.prepare("SELECT owner_id, state, count(*) FROM tickets GROUP BY owner_id, state")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (owner, state, n): (i64, String, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        *counted.entry((0, state.clone())).or_default() += n;
        counted.insert((owner, state), n);
    }
    let mut kept: std::collections::BTreeMap<(i64, String), i64> = Default::default();
    let mut stmt = conn.prepare("SELECT owner_id, state, n FROM tally")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        kept.insert((row.get(0)?, row.get(1)?), row.get(2)?);
    }
    let mut problems = Vec::new();
    let keys: std::collections::BTreeSet<_> = counted.keys().chain(kept.keys()).cloned().collect();
    for key in keys {
        let (says, is) = (
            kept.get(&key).copied().unwrap_or(0),
            counted.get(&key).copied().unwrap_or(0),
        );
        if says != is {
            let (owner, state) = &key;
            let whose = if *owner == 0 {
                "everyone's".to_string()
            } else {
                format!("user {owner}'s")
            };
            problems.push(format!(
                "database: the count of {whose} {state} tickets says {says}, there are {is}"
            ));
        }
    }
    Ok(problems)
}

/// SQLite's own checks: the file's structure and every foreign key.
pub fn integrity(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let line: String = row.get(0)?;
        if line != "ok" {
            problems.push(format!("database: {line}"));
        }
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let table: String = row.get(0)?;
        let rowid: Option<i64> = row.get(1)?;
        let parent: String = row.get(2)?;
        problems.push(format!(
            "database: row {} of {table} points at a missing {parent}",
            rowid.unwrap_or_default()
        ));
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_database_is_upgraded_in_place_after_a_backup_copy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.execute(
            "INSERT INTO users (login, created_at) VALUES ('anna', 'x')",
            [],
        )
        .unwrap();
        drop(conn);

        let store = open_write(&path).unwrap();
        assert_eq!(
            version(&store.conn).unwrap(),
            schema::MIGRATIONS.len() as i64
        );
        let backups: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("desk.db.v1-") && name.ends_with(".bak"))
            .collect();
        assert_eq!(backups.len(), 1, "one backup copy beside the file");
        let copy = Connection::open(dir.path().join(&backups[0])).unwrap();
        let users: i64 = copy
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
            .unwrap();
        assert_eq!(users, 1);
        assert_eq!(
            version(&copy).unwrap(),
            1,
            "the copy is the old schema, untouched"
        );

        // Read-only opens never upgrade: they ask for a write first.
        let older = dir.path().join("older.db");
        std::fs::copy(dir.path().join(&backups[0]), &older).unwrap();
        let err = open_read(&older).err().unwrap();
        assert!(err.message.contains("older desk"), "{}", err.message);
    }

    #[test]
    fn every_migration_applies_on_an_empty_database() {
        let conn = Connection::open_in_memory().unwrap();
        for step in schema::MIGRATIONS {
            conn.execute_batch(step).unwrap();
        }
        // Every guard is there, exactly as the migrations wrote it.
        assert!(guards(&conn).unwrap().is_empty());
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name")
            .unwrap();
        let mut names: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut expected: Vec<String> = GUARDS.iter().map(|g| g.to_string()).collect();
        names.sort();
        expected.sort();
        assert_eq!(names, expected);
    }
}
