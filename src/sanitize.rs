//! Stored text is untrusted: before it reaches a terminal, control
//! characters, escape sequences and bidirectional overrides are made visible
//! instead of being obeyed.

/// For one-line cells: every control character is made visible, and line
/// breaks become `⏎`.
pub fn line(text: &str) -> String {
    clean(text, false)
}

/// For multi-line text: line breaks and tabs are kept, all else is as `line`.
pub fn block(text: &str) -> String {
    clean(text, true)
}

fn clean(text: &str, keep_lines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' if keep_lines => out.push(c),
            '\r' if keep_lines => {}
            '\n' => out.push('⏎'),
            '\t' => out.push(' '),
            // C0 controls and DEL in caret notation: ESC shows as ^[.
            '\0'..='\x1f' => {
                out.push('^');
                out.push(char::from(c as u8 + 0x40));
            }
            '\x7f' => out.push_str("^?"),
            // C1 controls (CSI and friends) and the bidirectional controls
            // that can reorder what a reader sees.
            '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("<U+{:04X}>", c as u32));
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_never_pass() {
        assert_eq!(line("a\x1b[31mred"), "a^[[31mred");
        assert_eq!(line("two\nlines"), "two⏎lines");
        assert_eq!(block("two\r\nlines\x07"), "two\nlines^G");
        assert_eq!(line("x\u{9b}2J"), "x<U+009B>2J");
        assert_eq!(line("abc\u{202e}fed"), "abc<U+202E>fed");
        assert_eq!(line("Żółw 🎉 株式"), "Żółw 🎉 株式");
    }
}
