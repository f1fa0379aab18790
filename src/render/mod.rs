//! Printing values: tables for people, JSON, JSON Lines and CSV for scripts.
//! Commands build values and hand them here; colour and width were decided
//! once, in `Settings`.

pub mod thread;

use std::io::Write;

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};
use serde::Serialize;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::config::{Format, Settings};
use crate::error::{Error, Result};
use crate::model::State;
use crate::sanitize;

/// The colour each state is shown in, as the seed has them.
pub fn state_color(state: State) -> Color {
    match state {
        State::New => Color::Red,
        State::InProgress => Color::Yellow,
        State::Closed => Color::Green,
    }
}

/// A state's label in its colour, when colour is on.
pub fn paint_state(state: State, color: bool) -> String {
    use owo_colors::OwoColorize;
    let label = state.label();
    match (color, state) {
        (false, _) => label.to_string(),
        (true, State::New) => label.red().to_string(),
        (true, State::InProgress) => label.yellow().to_string(),
        (true, State::Closed) => label.green().to_string(),
    }
}

/// One table cell's text and optional colour.
pub struct Text {
    pub text: String,
    pub color: Option<Color>,
}

impl Text {
    pub fn plain(text: impl AsRef<str>) -> Text {
        Text {
            text: sanitize::line(text.as_ref()),
            color: None,
        }
    }

    pub fn colored(text: impl AsRef<str>, color: Color) -> Text {
        Text {
            text: sanitize::line(text.as_ref()),
            color: Some(color),
        }
    }
}

/// Rows for people, with the columns that may be cut to fit the terminal.
pub struct Grid {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Text>>,
    /// Columns that give up width first (subject, customer…), by index.
    pub flexible: Vec<usize>,
    /// Columns left out, in this order, when cutting is not enough.
    pub expendable: Vec<usize>,
}

impl Grid {
    pub fn new(headers: Vec<&'static str>, flexible: Vec<usize>) -> Grid {
        Grid {
            headers,
            rows: Vec::new(),
            flexible,
            expendable: Vec::new(),
        }
    }

    pub fn render(mut self, settings: &Settings) -> String {
        let keep = match settings.width {
            Some(width) => self.fit(width),
            None => vec![true; self.headers.len()],
        };
        let mut table = Table::new();
        table.load_style(presets::NOTHING);
        table.set_content_arrangement(ContentArrangement::Disabled);
        table.force_no_tty();
        if settings.color {
            table.enforce_styling();
        }
        let kept = |index: &usize| keep[*index];
        let header: Vec<Cell> = (0..self.headers.len())
            .filter(kept)
            .map(|index| {
                let cell = Cell::new(self.headers[index]);
                if settings.color {
                    cell.add_attribute(Attribute::Bold)
                } else {
                    cell
                }
            })
            .collect();
        table.set_header(header);
        for row in self.rows {
            table.add_row(row.into_iter().enumerate().filter(|(i, _)| keep[*i]).map(
                |(_, cell)| match cell.color {
                    Some(color) if settings.color => Cell::new(cell.text).fg(color),
                    _ => Cell::new(cell.text),
                },
            ));
        }
        let mut out = String::new();
        for line in table.lines() {
            out.push_str(&fit_line(line.trim_end().to_string(), settings.width));
            out.push('\n');
        }
        out
    }

    /// Cuts the flexible columns, widest first, then leaves out expendable
    /// ones, until the table fits `width`; says which columns are kept. Lines
    /// still too wide are cut when printed.
    fn fit(&mut self, width: usize) -> Vec<bool> {
        let mut keep = vec![true; self.headers.len()];
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (index, cell) in row.iter().enumerate() {
                widths[index] = widths[index].max(cell.text.width());
            }
        }
        // comfy-table pads each column with a space on both sides.
        let total = |widths: &[usize], keep: &[bool]| -> usize {
            widths
                .iter()
                .zip(keep)
                .filter(|(_, kept)| **kept)
                .map(|(w, _)| w + 2)
                .sum()
        };
        let natural = widths.clone();
        let mut expendable = self.expendable.iter();
        while total(&widths, &keep) > width {
            let widest = self
                .flexible
                .iter()
                .filter(|&&i| widths[i] > 8)
                .max_by_key(|&&i| widths[i]);
            if let Some(&widest) = widest {
                widths[widest] -= 1;
            } else if let Some(&column) = expendable.next() {
                keep[column] = false;
            } else {
                break;
            }
        }
        // A column left out may free more room than it needed: give it back
        // to the flexible columns, the first named first.
        let mut room = width.saturating_sub(total(&widths, &keep));
        for &index in self.flexible.iter().filter(|&&i| keep[i]) {
            let more = room.min(natural[index] - widths[index]);
            widths[index] += more;
            room -= more;
        }
        for row in &mut self.rows {
            for &index in &self.flexible {
                row[index].text = cut(&row[index].text, widths[index]);
            }
        }
        keep
    }
}

/// The width of text on a terminal, not counting colour sequences.
pub fn plain_width(text: &str) -> usize {
    strip_colour(text).width()
}

/// The text without our own colour sequences (stored text has none left:
/// it was sanitized before it was coloured).
pub fn strip_colour(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut in_escape = false;
    for c in text.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, c) => plain.push(c),
        }
    }
    plain
}

/// A line cut to the terminal's width; a cut line loses its colours, so
/// that no colour is left open.
pub fn fit_line(line: String, width: Option<usize>) -> String {
    match width {
        Some(width) if plain_width(&line) > width => cut(&strip_colour(&line), width),
        _ => line,
    }
}

/// Cuts text to at most `width` terminal cells, ending with `…` when cut.
pub fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Prints a list in the chosen format; a limited list says how many more.
pub fn list<T: Serialize>(
    out: &mut dyn Write,
    settings: &Settings,
    records: &[T],
    total: i64,
    grid: impl FnOnce(&[T]) -> Grid,
) -> Result<()> {
    if let Some(mut stream) = Records::new(out, settings) {
        for record in records {
            stream.push(record)?;
        }
        stream.finish()?;
        return left_out(settings, records.len(), total);
    }
    if records.is_empty() {
        // An empty table is silent off a terminal, like ls; on one, say so.
        if settings.terminal {
            writeln!(out, "nothing to list")?;
        }
        return Ok(());
    }
    out.write_all(grid(records).render(settings).as_bytes())?;
    let more = total - records.len() as i64;
    if more > 0 {
        writeln!(
            out,
            "… and {more} more (--limit N shows more, --limit 0 all)"
        )?;
    }
    Ok(())
}

/// Says on standard error what a limit left out of a list for scripts.
pub fn left_out(settings: &Settings, shown: usize, total: i64) -> Result<()> {
    let more = total - shown as i64;
    if more > 0 && settings.format.is_some() {
        eprintln!("desk: {shown} of {total} shown; {more} more left out by --limit");
    }
    Ok(())
}

/// Records written one at a time as JSON, JSON Lines or CSV, so that a long
/// list never has to sit in memory whole.
pub struct Records<'w> {
    out: &'w mut dyn Write,
    format: Format,
    /// On a terminal, stored text in CSV is made safe; in a file it stays exact.
    terminal: bool,
    written: usize,
}

impl<'w> Records<'w> {
    /// None for the formats meant for people.
    pub fn new(out: &'w mut dyn Write, settings: &Settings) -> Option<Records<'w>> {
        match settings.format {
            Some(format @ (Format::Json | Format::Jsonl | Format::Csv)) => Some(Records {
                out,
                format,
                terminal: settings.terminal,
                written: 0,
            }),
            _ => None,
        }
    }

    pub fn push(&mut self, record: &impl Serialize) -> Result<()> {
        match self.format {
            Format::Json => {
                // The same text as the whole array pretty-printed at once.
                self.out
                    .write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
                let text = serde_json::to_string_pretty(record)?;
                for (index, line) in text.lines().enumerate() {
                    if index > 0 {
                        self.out.write_all(b"\n")?;
                    }
                    write!(self.out, "  {line}")?;
                }
            }
            Format::Jsonl => {
                serde_json::to_writer(&mut *self.out, record)?;
                self.out.write_all(b"\n")?;
            }
            _ => {
                let mut fields = Vec::new();
                flatten("", &serde_json::to_value(record)?, &mut fields);
                let mut writer = csv::WriterBuilder::new().from_writer(&mut *self.out);
                if self.written == 0 {
                    writer.write_record(fields.iter().map(|(key, _)| key.as_str()))?;
                }
                let terminal = self.terminal;
                writer.write_record(fields.iter().map(|(_, value)| {
                    let value = defuse(value);
                    if terminal {
                        sanitize::block(&value)
                    } else {
                        value
                    }
                }))?;
                writer.flush()?;
            }
        }
        self.written += 1;
        Ok(())
    }

    /// Ends the list; returns how many records it held.
    pub fn finish(self) -> Result<usize> {
        if self.format == Format::Json {
            let end: &[u8] = if self.written == 0 { b"[]\n" } else { b"\n]\n" };
            self.out.write_all(end)?;
        }
        Ok(self.written)
    }
}

pub fn json(out: &mut dyn Write, value: &impl Serialize) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Nested objects become dotted columns in CSV (`customer.id`).
fn flatten(prefix: &str, value: &Value, fields: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&name, value, fields);
            }
        }
        Value::Null => fields.push((prefix.to_string(), String::new())),
        Value::String(text) => fields.push((prefix.to_string(), text.clone())),
        other => fields.push((prefix.to_string(), other.to_string())),
    }
}

fn defuse(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{value}"),
        _ => value.to_string(),
    }
}

/// Refuses a format a command cannot print.
pub fn only(settings: &Settings, allowed: &[Format], what: &str) -> Result<()> {
    match settings.format {
        Some(format) if !allowed.contains(&format) => {
            let names: Vec<String> = allowed
                .iter()
                .map(|f| format!("{f:?}").to_lowercase())
                .collect();
            Err(Error::usage(format!(
                "{what} cannot be printed as {}; use --format {}",
                format!("{format:?}").to_lowercase(),
                names.join("|")
            )))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutting_counts_terminal_cells() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("株式会社テスト", 5), "株式…");
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("abc", 0), "…");
    }

    fn settings(format: Format) -> Settings {
        Settings {
            db: Default::default(),
            actor: String::new(),
            os_user: String::new(),
            format: Some(format),
            color: false,
            width: None,
            terminal: false,
        }
    }

    #[derive(Serialize)]
    struct Row {
        name: &'static str,
        customer: Inner,
    }

    #[derive(Serialize)]
    struct Inner {
        id: i64,
    }

    fn stream(format: Format, rows: &[Row]) -> String {
        let mut out = Vec::new();
        let settings = settings(format);
        let mut records = Records::new(&mut out, &settings).unwrap();
        for row in rows {
            records.push(row).unwrap();
        }
        records.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_defuses_formulas_and_flattens() {
        let row = Row {
            name: "=1+1",
            customer: Inner { id: 7 },
        };
        assert_eq!(stream(Format::Csv, &[row]), "name,customer.id\n'=1+1,7\n");
    }

    #[test]
    fn streamed_json_reads_as_the_whole_array_printed_at_once() {
        let rows = || {
            [
                Row {
                    name: "a",
                    customer: Inner { id: 1 },
                },
                Row {
                    name: "b",
                    customer: Inner { id: 2 },
                },
            ]
        };
        let whole = serde_json::to_string_pretty(&rows()).unwrap() + "\n";
        assert_eq!(stream(Format::Json, &rows()), whole);
        assert_eq!(stream(Format::Json, &[]), "[]\n");
        assert_eq!(stream(Format::Jsonl, &rows()).lines().count(), 2);
    }
}
