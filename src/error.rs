//! The one error type of `desk`, and how each kind maps to an exit code.

use std::fmt;

/// Exit codes promised to scripts (see README, "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The environment failed: database missing or corrupt, I/O.
    Env = 1,
    /// Bad usage or invalid input.
    Usage = 2,
    /// Something named was not found.
    NotFound = 3,
    /// Refused: by a ticket's state, or by who is asking.
    Refused = 4,
    /// The database stayed busy past the timeout.
    Busy = 5,
    /// Standard output was closed by its reader (`| head`): not a failure.
    ClosedPipe = 0,
}

#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    pub fn env(message: impl Into<String>) -> Error {
        Error::new(Kind::Env, message)
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(Kind::Usage, message)
    }

    pub fn not_found(message: impl Into<String>) -> Error {
        Error::new(Kind::NotFound, message)
    }

    pub fn refused(message: impl Into<String>) -> Error {
        Error::new(Kind::Refused, message)
    }

    pub fn exit_code(&self) -> i32 {
        self.kind as i32
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Error {
        use rusqlite::ErrorCode;
        match err.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::new(
                Kind::Busy,
                "the database stayed busy past the timeout; try again in a moment",
            ),
            Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen) => Error::env(format!(
                "cannot use the database ({err}): this user needs to write to the file and to its \
                 folder, where SQLite keeps its -wal and -shm files beside it (for a desk shared \
                 by a team, see the README)"
            )),
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => Error::env(format!(
                "the database file is damaged or is not a desk database ({err}); restore it from \
                 a backup copy"
            )),
            _ => Error::env(format!("database error: {err}")),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Error {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            return Error::new(Kind::ClosedPipe, "standard output was closed");
        }
        Error::env(format!("I/O error: {err}"))
    }
}

impl From<csv::Error> for Error {
    fn from(err: csv::Error) -> Error {
        match err.kind() {
            csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe => {
                Error::from(std::io::Error::from(io.kind()))
            }
            _ => Error::env(format!("CSV error: {err}")),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Error {
        match err.io_error_kind() {
            Some(kind) => Error::from(std::io::Error::from(kind)),
            None => Error::env(format!("JSON error: {err}")),
        }
    }
}
