//! How names typed by people are compared with stored ones: Unicode NFC, so
//! that a decomposed "ó" matches a composed one, and full Unicode lower case,
//! so that "łódź" finds "Łódź" by the same rule as "abc" finds "ABC".

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// The form a name is stored in.
pub fn normal(text: &str) -> String {
    text.trim().nfc().collect()
}

/// The key a name is looked up by.
pub fn fold(text: &str) -> String {
    normal(text).to_lowercase()
}

/// Logins are what people type after --as: plain letters, digits and
/// `.`, `_`, `-`, so that no two can look alike.
pub fn login(login: &str) -> Result<String> {
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    let starts_well = login
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    if !starts_well || login.len() > 64 || !login.chars().all(ok) {
        return Err(Error::usage(format!(
            "'{}' is not a login: use letters, digits, '.', '_' and '-' (as in a Unix login)",
            crate::sanitize::line(login)
        )));
    }
    Ok(login.to_string())
}

/// A name or subject: one line, not empty, at most `max` characters.
pub fn one_line(text: &str, what: &str, max: usize) -> Result<String> {
    let text = normal(text);
    if text.is_empty() {
        return Err(Error::usage(format!("the {what} is empty")));
    }
    if text.chars().any(char::is_control) {
        return Err(Error::usage(format!(
            "the {what} must be one line of text, without line breaks or control characters"
        )));
    }
    let length = text.chars().count();
    if length > max {
        return Err(Error::usage(format!(
            "the {what} is {length} characters long; at most {max} fit (put the rest in an entry)"
        )));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_and_cased_names_meet() {
        assert_eq!(
            fold("Reklamacje \u{141}o\u{301}d\u{17a}"),
            fold("reklamacje łódź")
        );
        assert_eq!(fold(" ABC "), "abc");
        assert_eq!(normal("Cafe\u{301}"), "Café");
    }
}
