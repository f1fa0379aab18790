//! `desk ticket list`: many tickets at once, and the table people read.

use clap::{Args, ValueEnum};

use crate::cmd::customer;
use crate::cmd::{Ctx, find_class, find_user};
use crate::db;
use crate::db::tickets::{Filter, Sort};
use crate::error::Result;
use crate::model::{State, Ticket};
use crate::render::{self, Grid, Text};
use crate::when::{self, When};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum StateArg {
    New,
    #[value(alias = "in_progress")]
    InProgress,
    Closed,
    Pending,
    All,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SortArg {
    Activity,
    Opened,
    Id,
    Due,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only tickets you are responsible for
    #[arg(long, conflicts_with = "owner")]
    mine: bool,
    #[arg(long, value_name = "LOGIN")]
    owner: Option<String>,
    #[arg(long, value_name = "CLASS")]
    class: Option<String>,
    #[arg(long, value_name = "CUSTOMER")]
    customer: Option<String>,
    /// Which states (default: pending, that is new and in progress)
    #[arg(long, value_enum, value_delimiter = ',')]
    state: Vec<StateArg>,
    /// Every state, closed ones too
    #[arg(long, conflicts_with = "state")]
    all: bool,
    /// Only pending tickets past their due date
    #[arg(long)]
    overdue: bool,
    /// Only pending tickets with no entry for this long (e.g. 3d)
    #[arg(long, value_name = "DUR", allow_hyphen_values = true)]
    stale: Option<String>,
    #[arg(long, value_enum, default_value = "activity")]
    sort: SortArg,
    /// At most this many tickets; 0 for all (default: all, or 50 on a terminal)
    #[arg(long, value_name = "N")]
    limit: Option<u32>,
}

/// How many rows a table on a terminal shows unless told otherwise.
const TERMINAL_LIMIT: i64 = 50;

pub fn run(ctx: &mut Ctx, args: ListArgs) -> Result<()> {
    let now = when::now();
    let stale_before = match &args.stale {
        Some(text) => Some(when::stamp(when::shift(now, -when::parse_duration(text)?))),
        None => None,
    };
    let settings = ctx.settings;
    let limit = match args.limit {
        Some(0) => None,
        Some(n) => Some(i64::from(n)),
        None if settings.format.is_none() && settings.terminal => Some(TERMINAL_LIMIT),
        None => None,
    };
    let Ctx { out, store, .. } = ctx;
    store.read(|tx| {
        let owner = match (&args.owner, args.mine) {
            (Some(login), _) => Some(find_user(tx, login)?.id),
            (None, true) => Some(find_user(tx, &settings.actor)?.id),
            (None, false) => None,
        };
        let filter = Filter {
            states: states(&args.state, args.all),
            owner_id: owner,
            class_id: args
                .class
                .as_deref()
                .map(|c| find_class(tx, c))
                .transpose()?
                .map(|c| c.id),
            customer_id: args
                .customer
                .as_deref()
                .map(|c| customer::find(tx, c))
                .transpose()?
                .map(|c| c.id),
            overdue: args.overdue.then(|| {
                (
                    when::today(now).format("%Y-%m-%d").to_string(),
                    when::stamp(now),
                )
            }),
            stale_before: stale_before.clone(),
            sort: match args.sort {
                SortArg::Activity => Sort::Activity,
                SortArg::Opened => Sort::Opened,
                SortArg::Id => Sort::Id,
                SortArg::Due => Sort::Due,
            },
            limit,
            day_end: 86_400 - i64::from(chrono::Local::now().offset().local_minus_utc()),
        };
        // Scripts get the rows as they come; people get a table fitted to them.
        if let Some(mut records) = render::Records::new(&mut **out, settings) {
            db::tickets::each(tx, &filter, |ticket| records.push(&ticket))?;
            let shown = records.finish()?;
            return render::left_out(settings, shown, db::tickets::total(tx, &filter, shown)?);
        }
        let (tickets, total) = db::tickets::list(tx, &filter)?;
        render::list(&mut **out, settings, &tickets, total, grid)
    })
}

fn states(given: &[StateArg], all: bool) -> Option<Vec<State>> {
    if all || given.iter().any(|s| matches!(s, StateArg::All)) {
        return Some(State::ALL.to_vec());
    }
    if given.is_empty() {
        return None;
    }
    let mut states = Vec::new();
    for state in given {
        match state {
            StateArg::New => states.push(State::New),
            StateArg::InProgress => states.push(State::InProgress),
            StateArg::Closed => states.push(State::Closed),
            StateArg::Pending => states.extend([State::New, State::InProgress]),
            StateArg::All => {}
        }
    }
    Some(states)
}

/// The ticket table people read: state in its colour, subject cut to fit.
pub fn grid(tickets: &[Ticket]) -> Grid {
    let now = when::now();
    let headers = vec![
        "ID",
        "STATE",
        "CLASS",
        "CUSTOMER",
        "OWNER",
        "SUBJECT",
        "AGE",
        "LAST ENTRY",
        "DUE",
    ];
    let mut grid = Grid::new(headers, vec![5, 3, 2]);
    // On a narrow terminal: last entry, class, age, owner, customer, due go.
    grid.expendable = vec![7, 2, 6, 4, 3, 8];
    for t in tickets {
        let due = t.due.as_deref().and_then(When::from_stored);
        let overdue = t.state != State::Closed && due.is_some_and(|d| d.is_past(now));
        let due_text = match due {
            Some(When::Day(day)) => day.format("%Y-%m-%d").to_string(),
            Some(When::Instant(at)) => when::local(at),
            None => String::new(),
        };
        let opened = when::parse_stamp(&t.opened_at).unwrap_or(now);
        let last = when::parse_stamp(&t.last_entry_at)
            .map(when::local)
            .unwrap_or_default();
        grid.rows.push(vec![
            Text::plain(t.id.to_string()),
            Text::colored(t.state.label(), render::state_color(t.state)),
            Text::plain(&t.class),
            Text::plain(&t.customer.name),
            Text::plain(&t.owner),
            Text::plain(&t.subject),
            Text::plain(when::age(opened, now)),
            Text::plain(last),
            if overdue {
                Text::colored(format!("{due_text} !"), comfy_table::Color::Red)
            } else {
                Text::plain(due_text)
            },
        ]);
    }
    grid
}
