//! Reading and writing times: the clock, instants, civil dates and durations.
//!
//! Instants are stored in UTC as `YYYY-MM-DDTHH:MM:SSZ`, which sorts as text;
//! civil dates (a due day) stay `YYYY-MM-DD` and mean the same day in every
//! zone. Words like "tomorrow" and day units like "3d" are computed on the
//! user's own calendar (`TZ`), so they keep the wall-clock time across a
//! daylight-saving change.

use chrono::{
    DateTime, Datelike, Days, Duration, Local, LocalResult, NaiveDate, NaiveDateTime, NaiveTime,
    SecondsFormat, TimeZone, Utc, Weekday,
};

use crate::error::{Error, Result};

/// The current instant. Debug builds (the test suite) may pin it with
/// `DESK_NOW`; release builds always read the system clock, so that no
/// environment variable can put a false time into the history.
pub fn now() -> DateTime<Utc> {
    #[cfg(debug_assertions)]
    if let Ok(text) = std::env::var("DESK_NOW")
        && let Ok(When::Instant(at)) = parse(&text, Utc::now(), Direction::Past)
    {
        return at;
    }
    let now = Utc::now();
    DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now)
}

/// A point in time given by a user: a whole day, or an exact instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Day(NaiveDate),
    Instant(DateTime<Utc>),
}

/// Which way a weekday name points: a due date looks ahead, `--at` looks back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Future,
    Past,
}

const DATE_HELP: &str = "use a date (2026-12-10), a date and time (2026-12-10 14:00), \
today, tomorrow, yesterday, eod, a weekday (monday), or an offset (+3d, 2w, 4h, 90m)";

impl When {
    /// The stored form: `YYYY-MM-DD` for a day, RFC 3339 UTC for an instant.
    pub fn to_stored(self) -> String {
        match self {
            When::Day(day) => day.format("%Y-%m-%d").to_string(),
            When::Instant(at) => stamp(at),
        }
    }

    pub fn from_stored(text: &str) -> Option<When> {
        if text.len() == 10 {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(When::Day)
        } else {
            parse_stamp(text).map(When::Instant)
        }
    }

    /// As a person reads it, in the local zone.
    pub fn display(self) -> String {
        match self {
            When::Day(day) => day.format("%Y-%m-%d %a").to_string(),
            When::Instant(at) => local(at),
        }
    }

    /// The instant used for `--at`: a bare day means its local midnight.
    pub fn instant(self) -> DateTime<Utc> {
        match self {
            When::Day(day) => local_instant(day.and_time(NaiveTime::MIN)),
            When::Instant(at) => at,
        }
    }

    /// True when this due point has passed at `now`: a due day passes when
    /// the local day after it begins.
    pub fn is_past(self, now: DateTime<Utc>) -> bool {
        match self {
            When::Day(day) => today(now) > day,
            When::Instant(at) => now > at,
        }
    }
}

/// `at` moved by `seconds`, held at the ends of the calendar instead of
/// overflowing: stored targets come from a file anyone may have edited.
pub fn shift(at: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
    let moved = Duration::try_seconds(seconds).and_then(|delta| at.checked_add_signed(delta));
    moved.unwrap_or(if seconds < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// Formats an instant the way it is stored and shown in JSON.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn parse_stamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// An instant in the local zone, to the minute.
pub fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// An instant in the local zone with its offset: `2026-10-25 02:30 +02:00`.
pub fn local_zoned(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%Y-%m-%d %H:%M %:z")
        .to_string()
}

pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Local).date_naive()
}

/// The instant of a local wall-clock time. In a gap (clocks jump forward) the
/// time moves forward past it; in a fold (clocks go back) the earlier is taken.
pub fn local_instant(naive: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = naive;
    for _ in 0..4 {
        match Local.from_local_datetime(&probe) {
            LocalResult::Single(at) => return at.with_timezone(&Utc),
            LocalResult::Ambiguous(early, _) => return early.with_timezone(&Utc),
            LocalResult::None => probe += Duration::minutes(30),
        }
    }
    Utc.from_utc_datetime(&naive)
}

/// Reads a date or time as users type it; see `DATE_HELP` for the forms.
pub fn parse(input: &str, now: DateTime<Utc>, direction: Direction) -> Result<When> {
    let text = input.trim().to_lowercase();
    let when = parse_inner(&text, now, direction)
        .ok_or_else(|| Error::usage(format!("can't read '{input}' as a date; {DATE_HELP}")))?;
    // Stored times sort as text, which holds for four-digit years only.
    let (year, leap) = match when {
        When::Day(day) => (day.year(), false),
        When::Instant(at) => (at.year(), at.timestamp_subsec_nanos() >= 1_000_000_000),
    };
    if leap {
        return Err(Error::usage(format!(
            "'{input}' names a leap second; give :59 or the next minute"
        )));
    }
    if !(1970..=9999).contains(&year) {
        return Err(Error::usage(format!(
            "'{input}' is out of range: give a year from 1970 to 9999"
        )));
    }
    Ok(when)
}

fn parse_inner(text: &str, now: DateTime<Utc>, direction: Direction) -> Option<When> {
    if text.is_empty() {
        return None;
    }
    if text == "now" {
        return Some(When::Instant(now));
    }
    if let Some(when) = parse_iso(text) {
        return Some(when);
    }
    if let Some(when) = parse_offset(text, now) {
        return Some(When::Instant(when));
    }
    if let Ok(time) = parse_clock(text) {
        return Some(When::Instant(local_instant(today(now).and_time(time))));
    }
    let (word, time) = match text.split_once(' ') {
        Some((word, rest)) => (word, Some(parse_clock(rest.trim()).ok()?)),
        None => (text, None),
    };
    let day = parse_day_word(word, today(now), direction)?;
    Some(match time {
        Some(time) => When::Instant(local_instant(day.and_time(time))),
        None => When::Day(day),
    })
}

fn parse_iso(text: &str) -> Option<When> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(When::Day(day));
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(&text.to_uppercase()) {
        return Some(When::Instant(at.with_timezone(&Utc)));
    }
    for format in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dt%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dt%H:%M:%S",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(When::Instant(local_instant(naive)));
        }
    }
    None
}

fn parse_clock(text: &str) -> Result<NaiveTime, chrono::ParseError> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
}

fn parse_day_word(word: &str, today: NaiveDate, direction: Direction) -> Option<NaiveDate> {
    match word {
        "today" | "eod" => return Some(today),
        "tomorrow" => return today.succ_opt(),
        "yesterday" => return today.pred_opt(),
        _ => {}
    }
    let weekday = parse_weekday(word)?;
    let mut day = today;
    loop {
        day = match direction {
            Direction::Future => day.succ_opt()?,
            Direction::Past => day.pred_opt()?,
        };
        if day.weekday() == weekday {
            return Some(day);
        }
    }
}

fn parse_weekday(word: &str) -> Option<Weekday> {
    let days = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    let found = days
        .iter()
        .find(|(name, _)| word.len() >= 3 && name.starts_with(word))?;
    Some(found.1)
}

/// `+3d`, `-2h`, `2w`, `1d12h`, `3d ago`. Days and weeks move the local
/// calendar and keep the wall-clock time; hours and minutes are exact.
fn parse_offset(text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let (body, backwards) = if let Some(rest) = text.strip_suffix("ago") {
        (rest.trim_end(), true)
    } else if let Some(rest) = text.strip_prefix('-') {
        (rest, true)
    } else {
        (text.strip_prefix('+').unwrap_or(text), false)
    };
    let parts = split_units(body)?;
    let (mut days, mut seconds) = (0i64, 0i64);
    for (number, unit) in parts {
        match unit {
            Unit::Day => days += number,
            Unit::Week => days += number * 7,
            Unit::Hour => seconds += number * 3600,
            Unit::Minute => seconds += number * 60,
        }
    }
    let sign = if backwards { -1 } else { 1 };
    let local_now = now.with_timezone(&Local).naive_local();
    let moved = if backwards {
        local_now.checked_sub_days(Days::new(days as u64))?
    } else {
        local_now.checked_add_days(Days::new(days as u64))?
    };
    let base = if days == 0 { now } else { local_instant(moved) };
    base.checked_add_signed(Duration::try_seconds(sign * seconds)?)
}

#[derive(Debug, Clone, Copy)]
enum Unit {
    Minute,
    Hour,
    Day,
    Week,
}

/// Splits `1d12h` or `90m` into numbers with units; None if anything is left over.
fn split_units(text: &str) -> Option<Vec<(i64, Unit)>> {
    let mut parts = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 || digits > 6 {
            return None;
        }
        let number: i64 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let letters = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = match &rest[..letters] {
            "m" | "min" | "mins" | "minute" | "minutes" => Unit::Minute,
            "h" | "hr" | "hrs" | "hour" | "hours" => Unit::Hour,
            "d" | "day" | "days" => Unit::Day,
            "w" | "wk" | "week" | "weeks" => Unit::Week,
            _ => return None,
        };
        parts.push((number, unit));
        rest = rest[letters..].trim_start();
    }
    if parts.is_empty() { None } else { Some(parts) }
}

const MAX_DURATION: i64 = 520 * 604_800;

/// Reads a duration such as `90m`, `4h`, `3d`, `2w` or `1d12h`, in seconds.
pub fn parse_duration(input: &str) -> Result<i64> {
    let text = input.trim().to_lowercase();
    let total = split_units(&text).map(|parts| {
        parts.iter().fold(0i64, |sum, (number, unit)| {
            let size = match unit {
                Unit::Minute => 60,
                Unit::Hour => 3600,
                Unit::Day => 86_400,
                Unit::Week => 604_800,
            };
            sum + number * size
        })
    });
    match total {
        Some(seconds) if seconds > MAX_DURATION => Err(Error::usage(format!(
            "'{input}' is too long a duration; at most 520 weeks (ten years)"
        ))),
        Some(seconds) if seconds > 0 => Ok(seconds),
        _ => Err(Error::usage(format!(
            "can't read '{input}' as a duration; use minutes, hours, days or weeks: 90m, 4h, 3d, 2w, 1d12h"
        ))),
    }
}

/// A duration in its largest whole units: `2w`, `3d`, `1d 12h`, `45m`.
pub fn format_duration(seconds: i64) -> String {
    if seconds % 604_800 == 0 && seconds > 0 {
        return format!("{}w", seconds / 604_800);
    }
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days}d"));
    }
    if hours > 0 {
        parts.push(format!("{hours}h"));
    }
    if minutes > 0 || parts.is_empty() {
        parts.push(format!("{minutes}m"));
    }
    parts.join(" ")
}

/// A short age for tables: `now`, `12m`, `5h`, `3d`, `6w`.
pub fn age(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - since).num_seconds().max(0);
    match seconds {
        0..60 => "now".to_string(),
        60..3600 => format!("{}m", seconds / 60),
        3600..86_400 => format!("{}h", seconds / 3600),
        86_400..1_209_600 => format!("{}d", seconds / 86_400),
        _ => format!("{}w", seconds / 604_800),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        parse_stamp(text).unwrap()
    }

    #[test]
    fn durations() {
        for (input, seconds) in [
            ("90m", 5400),
            ("4h", 14_400),
            ("3d", 259_200),
            ("2w", 1_209_600),
            ("1d12h", 129_600),
            ("1 day", 86_400),
        ] {
            assert_eq!(parse_duration(input).unwrap(), seconds, "{input}");
        }
        for bad in ["", "0m", "3", "3x", "d", "-3d", "1.5h"] {
            assert!(parse_duration(bad).is_err(), "{bad} should be refused");
        }
        assert_eq!(format_duration(129_600), "1d 12h");
        assert_eq!(format_duration(1_209_600), "2w");
        assert_eq!(format_duration(2700), "45m");
    }

    #[test]
    fn day_words_and_iso_dates() {
        let now = at("2026-12-04T10:00:00Z"); // a Friday
        let day = |s| parse(s, now, Direction::Future).unwrap();
        let ymd = |y, m, d| When::Day(NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert_eq!(day("2026-12-10"), ymd(2026, 12, 10));
        assert_eq!(day("monday"), ymd(2026, 12, 7));
        assert_eq!(day("fri"), ymd(2026, 12, 11));
        assert_eq!(
            parse("monday", now, Direction::Past).unwrap(),
            ymd(2026, 11, 30)
        );
        assert_eq!(
            day("2026-12-10T14:00:00Z"),
            When::Instant(at("2026-12-10T14:00:00Z"))
        );
        for bad in [
            "tmorrow",
            "",
            "2026-13-01",
            "mo",
            "+3",
            "next",
            "3d foo",
            "0001-01-01",
            "+10000-01-01",
            "999999w",
            "2026-12-05T10:00:60Z",
        ] {
            assert!(
                parse(bad, now, Direction::Future).is_err(),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn offsets_in_hours_are_exact() {
        let now = at("2026-12-04T10:00:00Z");
        let when = |s| parse(s, now, Direction::Future).unwrap();
        assert_eq!(when("4h"), When::Instant(at("2026-12-04T14:00:00Z")));
        assert_eq!(when("-90m"), When::Instant(at("2026-12-04T08:30:00Z")));
        assert_eq!(when("2h ago"), When::Instant(at("2026-12-04T08:00:00Z")));
    }

    #[test]
    fn due_days_pass_at_local_midnight() {
        // Today and yesterday in whatever zone the tests run in.
        let now = at("2026-12-04T10:00:00Z");
        let today = today(now);
        assert!(!When::Day(today).is_past(now));
        assert!(When::Day(today.pred_opt().unwrap()).is_past(now));
    }

    #[test]
    fn ages() {
        let now = at("2026-12-04T10:00:00Z");
        assert_eq!(age(at("2026-12-04T09:59:30Z"), now), "now");
        assert_eq!(age(at("2026-12-04T07:00:00Z"), now), "3h");
        assert_eq!(age(at("2026-12-01T10:00:00Z"), now), "3d");
    }
}
