//! My shifts and my hours as the screen shows them (API.md §14.7 rules 2 and 3), built from the
//! desk's copy of my own rows. Pure: [`super::read`] fetches and keeps them.
//!
//! Shift times are the hotel's wall clock as the server writes them (§14.5), never moved by
//! this computer's zone; clock times are the server's UTC instants (RFC 3339).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::store::Row;

/// One of my shifts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MyShift {
    /// The day (`YYYY-MM-DD`).
    pub date: String,
    /// Start and end (`HH:MM`), the hotel's wall clock as written.
    pub start: String,
    /// See `start`.
    pub end: String,
    /// The end is on the next day (a night shift).
    pub ends_next_day: bool,
    /// Where, when the roster says.
    pub location: Option<String>,
    /// The manager's note, when there is one.
    pub notes: Option<String>,
    /// "planned; may change": the server cannot say its roster is published (§14.3).
    pub may_change: bool,
}

/// One clock-in and its clock-out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MyLog {
    /// In and out (RFC 3339, UTC); `time_out` is `None` while I am clocked in.
    pub time_in: String,
    /// See `time_in`.
    pub time_out: Option<String>,
    /// Hours: the server's `hours_worked`, else out − in, else (open) up to now.
    pub hours: f64,
    /// The server recorded no hours for it (computed here: §14.7 rule 2).
    pub hours_not_recorded: bool,
    /// `"approved"`, `"waiting for approval"` or `"rejected"`.
    pub state: String,
    /// Finished breaks, in minutes (not subtracted from `hours`).
    #[ts(type = "number")]
    pub break_minutes: i64,
}

/// One week (Monday to Sunday) of my hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MyWeek {
    /// Its Monday (`YYYY-MM-DD`).
    pub monday: String,
    /// Approved hours (pending and rejected logs left out).
    pub total_hours: f64,
    /// Its logs, newest first.
    pub logs: Vec<MyLog>,
}

/// What the "My shifts" screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MyShifts {
    /// My shifts of this week and the next 14 days, in order.
    pub shifts: Vec<MyShift>,
    /// This week and the four before it, this week first.
    pub weeks: Vec<MyWeek>,
    /// When the desk last read them from the server (RFC 3339), if ever: "as of".
    pub as_of: Option<String>,
}

fn text(row: &Row, key: &str) -> Option<String> {
    row.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(crate::rules::text::reveal)
}

fn hhmm(time: &str) -> String {
    time.get(..5).unwrap_or(time).to_owned()
}

/// The Monday of `day`'s week.
pub(crate) fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// My shifts, in date order; `published` is what the roster periods say where the server lets
/// me read them (fd6c529), by period id.
pub(crate) fn shifts(rows: &[Row], published: &dyn Fn(Option<i64>) -> Option<bool>) -> Vec<MyShift> {
    let mut shifts: Vec<MyShift> = rows
        .iter()
        .filter_map(|row| {
            let (start, end) = (text(row, "shift_start")?, text(row, "shift_end")?);
            Some(MyShift {
                date: text(row, "shift_date")?,
                ends_next_day: end < start,
                start: hhmm(&start),
                end: hhmm(&end),
                location: row.get("location").and_then(|l| text(l.as_object()?, "name")),
                notes: text(row, "notes"),
                may_change: published(row.get("period").and_then(Value::as_i64)) != Some(true),
            })
        })
        .collect();
    shifts.sort_by(|a, b| (&a.date, &a.start).cmp(&(&b.date, &b.start)));
    shifts
}

fn instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

/// One log as shown: hours from the server, else computed (an open one up to `now`).
fn log(row: &Row, now: DateTime<Utc>) -> Option<(NaiveDate, MyLog)> {
    let time_in = text(row, "time_in")?;
    let start = instant(&time_in)?;
    let time_out = text(row, "time_out");
    let end = time_out.as_deref().and_then(instant).unwrap_or(now);
    let recorded = text(row, "hours_worked").and_then(|h| h.parse::<f64>().ok());
    let computed = (end - start).num_seconds().max(0) as f64 / 3600.0;
    let flag = |key: &str| row.get(key).and_then(Value::as_bool);
    let state = if flag("is_rejected") == Some(true) {
        "rejected"
    } else if flag("is_unrostered") == Some(true) && flag("is_approved") == Some(false) {
        "waiting for approval"
    } else {
        "approved"
    };
    Some((
        start.date_naive(),
        MyLog {
            hours: recorded.unwrap_or(computed),
            hours_not_recorded: recorded.is_none() && time_out.is_some(),
            time_in,
            time_out,
            state: state.to_owned(),
            break_minutes: row.get("total_break_minutes").and_then(Value::as_i64).unwrap_or(0),
        },
    ))
}

/// This week and the four before it (`today`'s week first), each with its logs and its total of
/// approved hours; an open log counts up to `now`.
pub(crate) fn weeks(rows: &[Row], today: NaiveDate, now: DateTime<Utc>) -> Vec<MyWeek> {
    let this_monday = monday_of(today);
    let mut weeks: Vec<MyWeek> = (0..5)
        .map(|back| MyWeek {
            monday: (this_monday - Duration::weeks(back)).to_string(),
            total_hours: 0.0,
            logs: Vec::new(),
        })
        .collect();
    let mut logs: Vec<(NaiveDate, MyLog)> = rows.iter().filter_map(|row| log(row, now)).collect();
    logs.sort_by(|a, b| b.1.time_in.cmp(&a.1.time_in));
    for (day, log) in logs {
        let back = (this_monday - monday_of(day)).num_weeks();
        let Some(week) = usize::try_from(back).ok().and_then(|at| weeks.get_mut(at)) else {
            continue;
        };
        if log.state == "approved" {
            week.total_hours += log.hours;
        }
        week.logs.push(log);
    }
    for week in &mut weeks {
        week.total_hours = (week.total_hours * 100.0).round() / 100.0;
    }
    weeks
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(v: Value) -> Row {
        v.as_object().cloned().unwrap()
    }

    /// §14.7 rule 2: hours from the server, computed where null, the open one counting live,
    /// pending and rejected marked and left out of the total.
    #[test]
    fn hours_are_computed_where_null_and_only_approved_ones_count() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let now = instant("2026-11-26T10:00:00Z").unwrap();
        let rows = [
            row(json!({"time_in": "2026-11-26T07:00:00Z", "time_out": null})),
            row(json!({"time_in": "2026-11-24T07:00:00Z", "time_out": "2026-11-24T15:00:00Z", "hours_worked": "8.10"})),
            row(json!({"time_in": "2026-11-23T07:00:00Z", "time_out": "2026-11-23T12:30:00Z", "hours_worked": null})),
            row(json!({"time_in": "2026-11-25T07:00:00Z", "time_out": "2026-11-25T09:00:00Z",
                       "is_unrostered": true, "is_approved": false})),
            row(json!({"time_in": "2026-11-17T07:00:00Z", "time_out": "2026-11-17T09:00:00Z", "is_rejected": true})),
        ];
        let weeks = weeks(&rows, today, now);
        assert_eq!(weeks.len(), 5);
        assert_eq!(weeks[0].monday, "2026-11-23");
        assert_eq!(weeks[0].total_hours, 3.0 + 8.1 + 5.5);
        assert_eq!(weeks[0].logs.len(), 4);
        assert!(weeks[0].logs[3].hours_not_recorded);
        assert_eq!(weeks[0].logs[1].state, "waiting for approval");
        assert_eq!(weeks[1].logs[0].state, "rejected");
        assert_eq!(weeks[1].total_hours, 0.0);
    }

    #[test]
    fn shifts_keep_the_wall_clock_and_say_when_they_may_change() {
        let rows = [
            row(json!({"shift_date": "2026-11-27", "shift_start": "22:00:00", "shift_end": "06:00:00", "period": 2})),
            row(json!({"shift_date": "2026-11-26", "shift_start": "07:00:00", "shift_end": "15:00:00", "period": 1,
                       "location": {"name": "Reception"}})),
        ];
        let shown = shifts(&rows, &|period| period.map(|p| p == 1));
        assert_eq!((shown[0].start.as_str(), shown[0].end.as_str()), ("07:00", "15:00"));
        assert!(!shown[0].may_change && shown[1].may_change && shown[1].ends_next_day);
        assert_eq!(shown[0].location.as_deref(), Some("Reception"));
    }
}
