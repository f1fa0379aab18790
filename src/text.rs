//! Where an entry's text comes from: an argument, `-m TEXT`, `-m -`
//! (standard input), or the user's editor.

use std::io::{IsTerminal, Read};
use std::process::Command;

use crate::error::{Error, Result};

/// The most an entry's text may hold, in bytes: history is never deleted,
/// so one pasted file must not grow a shared database for good.
const MAX_TEXT: usize = 1 << 20;

/// The ways a command was given its text.
#[derive(Debug, Default)]
pub struct Source {
    pub positional: Option<String>,
    pub message: Option<String>,
    pub edit: bool,
}

/// Reads the text, refusing none and empty. `about` names what the text is
/// for, in the editor's help lines.
pub fn read(source: Source, about: &str) -> Result<String> {
    let text = match (source.positional, source.message) {
        (Some(_), Some(_)) => {
            return Err(Error::usage(
                "give the text once: as an argument or with -m, not both",
            ));
        }
        (_, Some(message)) if message == "-" => read_stdin()?,
        (Some(text), None) | (None, Some(text)) => text,
        (None, None) if source.edit || is_interactive() => edit(about)?,
        (None, None) => {
            return Err(Error::usage(
                "no text given; pass it as an argument, with -m TEXT, or with -m - to read \
                 standard input",
            ));
        }
    };
    if text.trim().is_empty() {
        return Err(Error::usage("the text is empty; nothing was recorded"));
    }
    if text.len() > MAX_TEXT {
        return Err(too_long());
    }
    Ok(text)
}

fn too_long() -> Error {
    Error::usage(format!(
        "the text is longer than an entry holds: at most {MAX_TEXT} bytes (1 MiB), since entries \
         are kept for good; nothing was recorded"
    ))
}

/// Optional text: None when neither an argument nor `-m` was given.
pub fn optional(message: Option<String>) -> Result<Option<String>> {
    match message {
        None => Ok(None),
        Some(message) => read(
            Source {
                message: Some(message),
                ..Source::default()
            },
            "",
        )
        .map(Some),
    }
}

/// Whether `read` will open the editor for this source.
pub fn needs_editor(source: &Source) -> bool {
    source.positional.is_none() && source.message.is_none() && (source.edit || is_interactive())
}

/// After a failed write, keeps text the user typed in the editor in a file
/// and says where, so that no typing is lost.
pub fn keep(text: &str, err: Error) -> Error {
    let kept = tempfile::Builder::new()
        .prefix("desk-unsaved-")
        .suffix(".txt")
        .tempfile()
        .and_then(|file| {
            std::fs::write(file.path(), text)?;
            file.keep().map_err(|e| e.error)
        });
    match kept {
        Ok((_, path)) => Error::new(
            err.kind,
            format!("{}; your text is kept in {}", err.message, path.display()),
        ),
        Err(_) => err,
    }
}

fn is_interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

fn read_stdin() -> Result<String> {
    // One byte past the limit is enough to refuse a text that is too long,
    // without reading all of it.
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(MAX_TEXT as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| Error::usage(format!("cannot read the text from standard input: {err}")))?;
    if bytes.len() > MAX_TEXT {
        return Err(too_long());
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::usage("the text on standard input is not UTF-8; nothing was recorded")
    })?;
    Ok(text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text)
        .to_string())
}

/// The editor, as git chooses it: `DESK_EDITOR`, `VISUAL`, `EDITOR`, `vi`.
fn editor() -> String {
    ["DESK_EDITOR", "VISUAL", "EDITOR"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

const COMMENT: &str = "# ";

fn edit(about: &str) -> Result<String> {
    let template = format!(
        "\n{COMMENT}Write {about} above. Lines starting with '#' are left out;\n\
         {COMMENT}an empty text records nothing.\n"
    );
    let file = tempfile::Builder::new()
        .prefix("desk-")
        .suffix(".txt")
        .tempfile()?;
    std::fs::write(file.path(), &template)?;
    let editor = editor();
    // Through the shell, so that an editor with arguments ("code --wait",
    // "emacs -nw") works as it does for git.
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .map_err(|err| Error::env(format!("cannot start the editor '{editor}': {err}")))?;
    if !status.success() {
        return Err(Error::usage(format!(
            "the editor '{editor}' failed ({status}); nothing was recorded"
        )));
    }
    let bytes = std::fs::read(file.path()).map_err(|err| {
        Error::usage(format!(
            "cannot read what the editor wrote ({err}); nothing was recorded"
        ))
    })?;
    // What was typed but cannot be taken is kept where the user can find it.
    let keep = |problem: &str| match file.keep() {
        Ok((_, path)) => Error::usage(format!(
            "{problem}; nothing was recorded, and your text is kept in {}",
            path.display()
        )),
        Err(_) => Error::usage(format!("{problem}; nothing was recorded")),
    };
    if bytes.len() > MAX_TEXT {
        return Err(keep(&format!(
            "the text is longer than an entry holds ({MAX_TEXT} bytes)"
        )));
    }
    let Ok(written) = String::from_utf8(bytes) else {
        return Err(keep("the text is not UTF-8"));
    };
    if written == template {
        return Err(Error::usage(
            "the text was left unchanged; nothing was recorded",
        ));
    }
    let kept: Vec<&str> = written
        .lines()
        .filter(|line| !line.starts_with('#'))
        .collect();
    Ok(kept.join("\n").trim().to_string())
}
