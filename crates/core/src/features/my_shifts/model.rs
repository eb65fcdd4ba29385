//! My shifts and my hours as the screen shows them (API.md §14.7 rules 2 and 3), built from the
//! desk's copy of my own rows. Pure: [`super::read`] fetches and keeps them.
//!
//! Shift times are the hotel's wall clock as the server writes them (§14.5), never moved by
//! any zone; clock times are the server's UTC instants (RFC 3339), put on the hotel's days and
//! weeks in the hotel's zone ([`crate::context::hotel_zone`]), daylight saving included.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
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
    /// The hotel's time zone (IANA): clock times are shown in it, and its Mondays and
    /// midnights start the weeks and days.
    pub time_zone: String,
    /// `time_zone` is this computer's own, as a guess: no server says the hotel's (§14.5), and
    /// none was chosen in the display's settings.
    pub time_zone_guessed: bool,
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
pub(crate) fn monday_of(day: Date) -> Date {
    day.saturating_sub(i64::from(day.weekday().to_monday_zero_offset()).days())
}

/// The hotel's day at `at`.
pub(crate) fn day_in(at: Timestamp, zone: &TimeZone) -> Date {
    at.to_zoned(zone.clone()).date()
}

/// When the hotel's next day starts after `now` (its midnight in `zone`; on a day daylight
/// saving moves the clock, the day is 23 or 25 hours long). `None` past the calendar's end.
pub(crate) fn next_midnight(now: Timestamp, zone: &TimeZone) -> Option<Timestamp> {
    let tomorrow = day_in(now, zone).tomorrow().ok()?;
    Some(tomorrow.to_zoned(zone.clone()).ok()?.start_of_day().ok()?.timestamp())
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

fn instant(text: &str) -> Option<Timestamp> {
    text.parse().ok()
}

/// One log as shown, on the hotel's day it started: hours from the server, else computed (an
/// open one up to `now`).
fn log(row: &Row, now: Timestamp, zone: &TimeZone) -> Option<(Date, MyLog)> {
    let time_in = text(row, "time_in")?;
    let start = instant(&time_in)?;
    let time_out = text(row, "time_out");
    let end = time_out.as_deref().and_then(instant).unwrap_or(now);
    let recorded = text(row, "hours_worked")
        .and_then(|h| h.parse::<f64>().ok())
        .filter(|h| h.is_finite());
    let computed = end.duration_since(start).as_secs().max(0) as f64 / 3600.0;
    let flag = |key: &str| row.get(key).and_then(Value::as_bool);
    let state = if flag("is_rejected") == Some(true) {
        "rejected"
    } else if flag("is_unrostered") == Some(true) && flag("is_approved") == Some(false) {
        "waiting for approval"
    } else {
        "approved"
    };
    Some((
        day_in(start, zone),
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

/// This week and the four before it (the hotel's week of `now` first, in `zone`), each with its
/// logs and its total of approved hours; an open log counts up to `now`.
pub(crate) fn weeks(rows: &[Row], now: Timestamp, zone: &TimeZone) -> Vec<MyWeek> {
    let this_monday = monday_of(day_in(now, zone));
    let mut weeks: Vec<MyWeek> = (0..5)
        .map(|back: i64| MyWeek {
            monday: this_monday.saturating_sub(back.weeks()).to_string(),
            total_hours: 0.0,
            logs: Vec::new(),
        })
        .collect();
    let mut logs: Vec<(Date, MyLog)> = rows
        .iter()
        .filter_map(|row| log(row, now, zone))
        .collect();
    logs.sort_by(|a, b| b.1.time_in.cmp(&a.1.time_in));
    for (day, log) in logs {
        let days = monday_of(day)
            .until(this_monday)
            .map_or(-1, |span| i64::from(span.get_days()));
        let back = days.div_euclid(7);
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
        let now = instant("2026-11-26T10:00:00Z").unwrap();
        let rows = [
            row(json!({"time_in": "2026-11-26T07:00:00Z", "time_out": null})),
            row(json!({"time_in": "2026-11-24T07:00:00Z", "time_out": "2026-11-24T15:00:00Z", "hours_worked": "8.10"})),
            row(json!({"time_in": "2026-11-23T07:00:00Z", "time_out": "2026-11-23T12:30:00Z", "hours_worked": null})),
            row(json!({"time_in": "2026-11-25T07:00:00Z", "time_out": "2026-11-25T09:00:00Z",
                       "is_unrostered": true, "is_approved": false})),
            row(json!({"time_in": "2026-11-17T07:00:00Z", "time_out": "2026-11-17T09:00:00Z", "is_rejected": true})),
        ];
        let weeks = weeks(&rows, now, &TimeZone::UTC);
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

    fn dublin() -> TimeZone {
        TimeZone::get("Europe/Dublin").unwrap()
    }

    fn closed(time_in: &str, time_out: &str) -> Row {
        row(json!({"time_in": time_in, "time_out": time_out, "hours_worked": "1.00"}))
    }

    /// The week starts at the hotel's Monday midnight, not UTC's: in Irish summer time a
    /// clock-in at 23:30 UTC on Sunday is 00:30 on Monday at the hotel, this week's; in Sydney
    /// a Monday 08:00 clock-in is still Sunday in UTC.
    #[test]
    fn a_clock_in_belongs_to_the_hotels_week_not_the_utc_one() {
        let now = instant("2026-06-03T12:00:00Z").unwrap();
        let rows = [
            closed("2026-05-31T23:30:00Z", "2026-06-01T00:30:00Z"),
            closed("2026-05-31T22:30:00Z", "2026-05-31T22:59:00Z"),
        ];
        let weeks = weeks(&rows, now, &dublin());
        assert_eq!(weeks[0].monday, "2026-06-01");
        assert_eq!(weeks[0].logs.len(), 1, "Monday 00:30 at the hotel");
        assert_eq!(weeks[0].logs[0].time_in, "2026-05-31T23:30:00Z");
        assert_eq!(weeks[1].monday, "2026-05-25");
        assert_eq!(weeks[1].logs.len(), 1, "Sunday 23:30 at the hotel");
        let sydney = TimeZone::get("Australia/Sydney").unwrap();
        let weeks = super::weeks(&[closed("2026-05-31T22:00:00Z", "2026-06-01T06:00:00Z")], now, &sydney);
        assert_eq!((weeks[0].monday.as_str(), weeks[0].logs.len()), ("2026-06-01", 1));
        // The same log on UTC's week: last week.
        let weeks = super::weeks(&[closed("2026-05-31T22:00:00Z", "2026-06-01T06:00:00Z")], now, &TimeZone::UTC);
        assert_eq!((weeks[0].logs.len(), weeks[1].logs.len()), (0, 1));
    }

    /// Across the spring change (Dublin, 29 March 2026, 01:00 UTC) the hotel's weeks and days
    /// follow its clock: 23:30 UTC the Sunday after is Monday 00:30 at the hotel, and that
    /// Sunday is 23 hours long, so the day changes at 23:00 UTC.
    #[test]
    fn weeks_and_the_day_change_follow_daylight_saving_time() {
        let now = instant("2026-03-31T09:00:00Z").unwrap();
        // Before the change 23:30 UTC is 23:30 at the hotel (Sunday 22 March); after it, 00:30
        // the next day (Monday 30 March).
        let rows = [
            closed("2026-03-22T23:30:00Z", "2026-03-23T00:30:00Z"),
            closed("2026-03-29T23:30:00Z", "2026-03-30T00:30:00Z"),
        ];
        let weeks = weeks(&rows, now, &dublin());
        assert_eq!(weeks[0].monday, "2026-03-30");
        assert_eq!(weeks[0].logs[0].time_in, "2026-03-29T23:30:00Z");
        assert_eq!(weeks[1].monday, "2026-03-23");
        assert!(weeks[1].logs.is_empty());
        assert_eq!(weeks[2].logs[0].time_in, "2026-03-22T23:30:00Z");

        let midnight = |at: &str| next_midnight(instant(at).unwrap(), &dublin()).unwrap().to_string();
        assert_eq!(midnight("2026-03-28T23:30:00Z"), "2026-03-29T00:00:00Z");
        assert_eq!(midnight("2026-03-29T00:00:00Z"), "2026-03-29T23:00:00Z", "a 23-hour day");
        assert_eq!(midnight("2026-10-25T00:00:00Z"), "2026-10-26T00:00:00Z", "a 25-hour day");
        assert_eq!(midnight("2026-03-29T22:59:00Z"), "2026-03-29T23:00:00Z");
    }
}
