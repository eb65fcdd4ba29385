//! Reading my shifts and my hours from the server, my own rows only (API.md §14, Decision 11),
//! and the desk's copy of them in SQLite (one preference, kept per person and hotel), from which
//! the screen opens offline.
//!
//! fd6c529 hands every hotel's logs and shifts to anyone (§14.2): `shifts/` is always asked with
//! `hotel_slug` and `staff`, the hotel's logs are paged and kept to `staff == me`, and whatever
//! else an answer carries (another person's row, another hotel's) is dropped before it is kept.
//! 12e538a is asked for its own reads (`shifts/mine/` with a range, own `clock-logs/`, §14.3);
//! its answers go through the same filter.

use jiff::civil::Date;
use jiff::ToSpan;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::session::encode_segment;
use crate::api::{ApiClient, ApiError, Generation};
use crate::engine::store::{Row, Store, StoreError};
use crate::features::my_shifts::model::monday_of;

/// Where the copy is kept (one person at a time: another's or another hotel's is not shown).
const COPY_KEY: &str = "my_shifts_copy";

/// Pages of clock logs read at most (10 a page, newest first): five weeks of a person's logs
/// fit in a few; at fd6c529 the hotel's logs are paged, and a busy hotel's five weeks are cut
/// here rather than read without end.
const MAX_LOG_PAGES: u32 = 30;

/// Rows kept at most of each list (a hostile answer is not kept whole).
const MAX_ROWS: usize = 400;

/// Who is asking: my own rows are those with my staff id in my hotel.
#[derive(Debug, Clone)]
pub(crate) struct Me {
    /// The hotel's slug.
    pub slug: String,
    /// My staff id.
    pub staff_id: i64,
    /// My hotel's id, where the sign-in said.
    pub hotel_id: Option<i64>,
    /// Which server it is.
    pub generation: Generation,
}

impl Me {
    fn owner(&self) -> String {
        format!("{}/{}", self.slug, self.staff_id)
    }

    /// Whether a row from the server is mine: my staff id, and my hotel where it says one.
    fn owns(&self, row: &Row) -> bool {
        let staff = row.get("staff").and_then(Value::as_i64) == Some(self.staff_id);
        let slug_ok = row
            .get("hotel_slug")
            .and_then(Value::as_str)
            .is_none_or(|slug| slug == self.slug);
        let id_ok = match (row.get("hotel").and_then(Value::as_i64), self.hotel_id) {
            (Some(theirs), Some(mine)) => theirs == mine,
            _ => true,
        };
        let location_ok = row
            .get("location")
            .and_then(|l| l.get("hotel_slug"))
            .and_then(Value::as_str)
            .is_none_or(|slug| slug == self.slug);
        staff && slug_ok && id_ok && location_ok
    }
}

/// The desk's copy: my rows as read, and when.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Copy {
    /// `slug/staff id` of whose rows these are.
    pub owner: String,
    /// When they were read (RFC 3339).
    pub fetched_at: String,
    /// My shifts of this week and the next 14 days.
    pub shifts: Vec<Row>,
    /// My clock logs of this week and the four before.
    pub logs: Vec<Row>,
    /// Roster periods' `published`, by id, where the server lets me read them (fd6c529).
    pub published: Vec<(i64, bool)>,
}

/// The copy kept for `me`, if any (another person's is not theirs to see).
pub(crate) fn kept(store: &Store, me: &Me) -> Result<Option<Copy>, StoreError> {
    let Some(text) = store.preference(COPY_KEY)? else {
        return Ok(None);
    };
    let copy: Option<Copy> = serde_json::from_str(&text).ok();
    Ok(copy.filter(|copy| copy.owner == me.owner()))
}

/// Reads my shifts and hours from the server and keeps them (mine only) as the copy: shifts
/// from the Monday of `today` (the hotel's day) to 14 days ahead, logs of that week and the
/// four before.
pub(crate) async fn refresh(
    client: &ApiClient,
    store: &Store,
    me: &Me,
    today: Date,
) -> Result<Copy, ReadError> {
    let monday = monday_of(today);
    let (start, end) = (monday, today.saturating_add(14.days()));
    let slug = encode_segment(&me.slug);
    let shifts_path = match me.generation {
        Generation::Hotelmate2026 => {
            format!("api/staff/hotel/{slug}/attendance/shifts/mine/?start={start}&end={end}")
        }
        Generation::Classic => format!(
            "api/attendance/{slug}/shifts/?hotel_slug={slug}&staff={}&start={start}&end={end}",
            me.staff_id
        ),
    };
    let shifts: Vec<Value> = client.get(&shifts_path).await?;
    let published = match me.generation {
        // §14.3: periods are 403 for regular staff; every shift "may change".
        Generation::Hotelmate2026 => Vec::new(),
        Generation::Classic => {
            let periods: Vec<Value> = client.get(&format!("api/attendance/{slug}/periods/")).await?;
            periods
                .iter()
                .filter_map(|p| Some((p.get("id")?.as_i64()?, p.get("published")?.as_bool()?)))
                .take(MAX_ROWS)
                .collect()
        }
    };
    // A day earlier than the hotel's first day: a log's UTC date is a day before the hotel's
    // where the hotel is east of UTC (the screen puts each on the hotel's day).
    let logs = own_logs(client, me, &slug, monday.saturating_sub(29.days())).await?;
    let copy = Copy {
        owner: me.owner(),
        fetched_at: jiff::Timestamp::now().to_string(),
        shifts: mine(me, shifts),
        logs,
        published,
    };
    let text = serde_json::to_string(&copy).map_err(|err| ReadError::Malformed(err.to_string()))?;
    store.set_preference(COPY_KEY, &text)?;
    Ok(copy)
}

/// My rows of a list: objects with my staff id in my hotel, at most [`MAX_ROWS`].
fn mine(me: &Me, items: Vec<Value>) -> Vec<Row> {
    items
        .into_iter()
        .filter_map(|item| match item {
            Value::Object(row) if me.owns(&row) => Some(row),
            _ => None,
        })
        .take(MAX_ROWS)
        .collect()
}

/// One page of clock logs.
#[derive(Debug, Deserialize)]
struct LogPage {
    #[serde(default)]
    results: Vec<Value>,
    #[serde(default)]
    next: Option<String>,
}

/// My logs since `from`, newest first: pages read until one reaches before `from` (§14.2,
/// §14.3: no filter is read by either server).
async fn own_logs(client: &ApiClient, me: &Me, slug: &str, from: Date) -> Result<Vec<Row>, ReadError> {
    let base = match me.generation {
        Generation::Hotelmate2026 => format!("api/staff/hotel/{slug}/attendance/clock-logs/?"),
        Generation::Classic => format!("api/attendance/clock-logs/department-logs/?hotel_slug={slug}&"),
    };
    let from = from.to_string();
    let mut kept = Vec::new();
    for page in 1..=MAX_LOG_PAGES {
        let answer: LogPage = client.get(&format!("{base}page={page}")).await?;
        let reached_before = answer.results.iter().any(|log| {
            log.get("time_in")
                .and_then(Value::as_str)
                .is_some_and(|t| t.get(..10).is_some_and(|day| day < from.as_str()))
        });
        kept.extend(mine(me, answer.results).into_iter().filter(|row| {
            row.get("time_in")
                .and_then(Value::as_str)
                .is_some_and(|t| t.get(..10).is_some_and(|day| day >= from.as_str()))
        }));
        if reached_before || answer.next.is_none() || kept.len() >= MAX_ROWS {
            break;
        }
    }
    kept.truncate(MAX_ROWS);
    Ok(kept)
}

/// Why my shifts and hours were not read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    /// The server did not answer, or refused (its class is the [`ApiError`]'s).
    #[error("{0}")]
    Api(#[from] ApiError),
    /// The copy could not be kept.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// What was read could not be written down again (should not happen).
    #[error("my shifts could not be kept: {0}")]
    Malformed(String),
}
