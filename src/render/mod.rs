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
}

impl Grid {
    pub fn new(headers: Vec<&'static str>, flexible: Vec<usize>) -> Grid {
        Grid {
            headers,
            rows: Vec::new(),
            flexible,
        }
    }

    pub fn render(mut self, settings: &Settings) -> String {
        if let Some(width) = settings.width {
            self.fit(width);
        }
        let mut table = Table::new();
        table.load_style(presets::NOTHING);
        table.set_content_arrangement(ContentArrangement::Disabled);
        table.force_no_tty();
        if settings.color {
            table.enforce_styling();
        }
        let header: Vec<Cell> = self
            .headers
            .iter()
            .map(|h| {
                if settings.color {
                    Cell::new(h).add_attribute(Attribute::Bold)
                } else {
                    Cell::new(h)
                }
            })
            .collect();
        table.set_header(header);
        for row in self.rows {
            table.add_row(row.into_iter().map(|cell| match cell.color {
                Some(color) if settings.color => Cell::new(cell.text).fg(color),
                _ => Cell::new(cell.text),
            }));
        }
        let mut out = String::new();
        for line in table.lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// Cuts the flexible columns, widest first, until the table fits `width`
    /// or they are all down to a few cells; the terminal wraps what is left.
    fn fit(&mut self, width: usize) {
        let columns = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (index, cell) in row.iter().enumerate() {
                widths[index] = widths[index].max(cell.text.width());
            }
        }
        // comfy-table pads each column with a space on both sides.
        let total = |widths: &[usize]| widths.iter().sum::<usize>() + 2 * columns;
        while total(&widths) > width {
            let Some(&widest) = self
                .flexible
                .iter()
                .filter(|&&i| widths[i] > 8)
                .max_by_key(|&&i| widths[i])
            else {
                break;
            };
            widths[widest] -= 1;
        }
        for row in &mut self.rows {
            for &index in &self.flexible {
                row[index].text = cut(&row[index].text, widths[index]);
            }
        }
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

/// Prints a list in the chosen format; a limited table says how many more.
pub fn list<T: Serialize>(
    out: &mut dyn Write,
    settings: &Settings,
    records: &[T],
    total: i64,
    grid: impl FnOnce(&[T]) -> Grid,
) -> Result<()> {
    match settings.format.unwrap_or(Format::Table) {
        // An empty table is silent off a terminal, like ls; on one, say so.
        Format::Table | Format::Text if records.is_empty() => {
            if settings.width.is_some() {
                writeln!(out, "nothing to list")?;
            }
        }
        Format::Table | Format::Text => {
            out.write_all(grid(records).render(settings).as_bytes())?;
            let more = total - records.len() as i64;
            if more > 0 {
                writeln!(out, "… and {more} more (use --limit to see them)")?;
            }
        }
        Format::Json => json(out, &records)?,
        Format::Jsonl => {
            for record in records {
                serde_json::to_writer(&mut *out, record)?;
                out.write_all(b"\n")?;
            }
        }
        // On a terminal, stored text is made safe; in a file it stays exact.
        Format::Csv => csv(out, records, settings.width.is_some())?,
    }
    let more = total - records.len() as i64;
    if more > 0 && !matches!(settings.format, None | Some(Format::Table | Format::Text)) {
        eprintln!(
            "desk: {} of {total} shown; {more} more left out by --limit",
            records.len()
        );
    }
    Ok(())
}

pub fn json(out: &mut dyn Write, value: &impl Serialize) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Writes records as CSV with the same field names as their JSON; nested
/// objects become dotted columns (`customer.id`). Cells that a spreadsheet
/// would run as a formula are prefixed with `'`.
pub fn csv<T: Serialize>(out: &mut dyn Write, records: &[T], terminal: bool) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let mut header_written = false;
    for record in records {
        let mut fields = Vec::new();
        flatten("", &serde_json::to_value(record)?, &mut fields);
        if !header_written {
            writer.write_record(fields.iter().map(|(key, _)| key.as_str()))?;
            header_written = true;
        }
        writer.write_record(fields.iter().map(|(_, value)| {
            let value = defuse(value);
            if terminal {
                sanitize::block(&value)
            } else {
                value
            }
        }))?;
    }
    writer.flush()?;
    Ok(())
}

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

    #[test]
    fn csv_defuses_formulas_and_flattens() {
        #[derive(Serialize)]
        struct Row {
            name: &'static str,
            customer: Inner,
        }
        #[derive(Serialize)]
        struct Inner {
            id: i64,
        }
        let mut out = Vec::new();
        csv(
            &mut out,
            &[Row {
                name: "=1+1",
                customer: Inner { id: 7 },
            }],
            false,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "name,customer.id\n'=1+1,7\n"
        );
    }
}
