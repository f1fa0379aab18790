//! The plain settings every command reads, decided once from the command
//! line and the environment: where the database is, who is acting, the
//! output format, colour and width.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::names;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Text,
    Json,
    Jsonl,
    Csv,
}

#[derive(Debug)]
pub struct Settings {
    pub db: PathBuf,
    /// The login the command acts as (`--as`, `DESK_USER`, else the OS login).
    pub actor: String,
    /// The operating-system login of this process, recorded on every entry.
    pub os_user: String,
    pub format: Option<Format>,
    pub color: bool,
    /// Terminal width to fit tables into; None off a terminal (never cut),
    /// or on one that does not say how wide it is.
    pub width: Option<usize>,
    /// Whether standard output is a terminal: stored text is made safe.
    pub terminal: bool,
}

/// An environment variable that is set and not empty.
fn var(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|value| !value.is_empty())
}

/// The database path: `--db`, else `DESK_DB`, else
/// `$XDG_DATA_HOME/desk/desk.db`, else `~/.local/share/desk/desk.db`.
pub fn db_path(given: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(path) = given.filter(|path| !path.as_os_str().is_empty()) {
        // Absolute, so that SQLite never reads a name like ":memory:" or
        // "file:x.db" as anything but a file.
        return std::path::absolute(&path)
            .map_err(|err| Error::env(format!("cannot use --db {}: {err}", path.display())));
    }
    // A variable set but empty counts as unset, so that `DESK_DB=$TYPO` in a
    // profile falls back to the default instead of breaking every login.
    if let Some(path) = var("DESK_DB") {
        return db_path(Some(PathBuf::from(path)));
    }
    if let Some(data) = var("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
    {
        return Ok(data.join("desk").join("desk.db"));
    }
    match var("HOME") {
        Some(home) => Ok(PathBuf::from(home).join(".local/share/desk/desk.db")),
        None => Err(Error::env(
            "cannot find the database: HOME is not set; give --db PATH",
        )),
    }
}

pub fn actor(given: Option<String>, os_user: &str) -> String {
    let from_env = || var("DESK_USER").map(|login| login.to_string_lossy().into_owned());
    match given
        .or_else(from_env)
        .map(|login| names::normal(&login))
        .filter(|login| !login.is_empty())
    {
        Some(login) => login,
        None => os_user.to_string(),
    }
}

/// The login of the real user running this process, from the password
/// database rather than `$USER`, which anyone can set.
pub fn os_login() -> String {
    // SAFETY: getuid cannot fail; getpwuid_r writes only into the buffers we
    // own here, and the name it points at lives in `buffer`.
    unsafe {
        let uid = libc::getuid();
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut buffer = vec![0 as libc::c_char; 4096];
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        let status = libc::getpwuid_r(uid, &mut pwd, buffer.as_mut_ptr(), buffer.len(), &mut found);
        if status == 0 && !found.is_null() && !pwd.pw_name.is_null() {
            let name = std::ffi::CStr::from_ptr(pwd.pw_name);
            return name.to_string_lossy().into_owned();
        }
        format!("uid{uid}")
    }
}

/// Colour on standard output, by `--color`, then `NO_COLOR`, `CLICOLOR_FORCE`,
/// `TERM=dumb` and whether standard output is a terminal.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if anstyle_query::no_color() {
                false
            } else if anstyle_query::clicolor_force() {
                true
            } else if anstyle_query::clicolor() == Some(false)
                || !anstyle_query::term_supports_color()
            {
                false
            } else {
                std::io::stdout().is_terminal()
            }
        }
    }
}

/// The width tables are fitted to: the terminal's, when standard output is one.
pub fn terminal_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    // SAFETY: TIOCGWINSZ fills the winsize value we pass and nothing else.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let status = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
    (status == 0 && size.ws_col > 0).then_some(usize::from(size.ws_col))
}
