//! The demo hotels' rosters and clock logs (API.md §14): the demo person (`anna.byrne`) has a
//! fortnight of shifts ahead, this week's, and four weeks of worked hours behind, with the quirks
//! a desk must survive: a draft period beside a published one (`shifts/mine/` shows both), a log
//! closed without `hours_worked` (as `force-clock-out` leaves it), one waiting for a manager's
//! approval and one rejected. Colleagues of both hotels have rows too, which fd6c529's open
//! reads hand to anyone (§14.2). Logs are UTC; shifts are the hotel's wall clock (§14.5).

use chrono::{Datelike, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection};

use crate::errors::SandboxError;

/// Whose rows are seeded: (staff id, hotel id, shift start, shift end, location).
const ROSTERED: [(i64, i64, &str, &str, &str); 3] = [
    (1, 1, "07:00:00", "15:00:00", "Reception"),
    (4, 1, "15:00:00", "23:00:00", "Rooms"),
    (6, 2, "08:00:00", "16:00:00", "Front desk"),
];

/// Seeds the rosters and logs once (a database made before them gets them on its next start).
pub(crate) fn seed_attendance(db: &Connection) -> Result<(), SandboxError> {
    let shifts: i64 = db.query_row("SELECT COUNT(*) FROM roster_shifts", [], |r| r.get(0))?;
    if shifts > 0 {
        return Ok(());
    }
    let today = Utc::now().date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let stamp = crate::timefmt::drf_ago(7 * 86_400);
    for hotel in [1i64, 2] {
        // Four weeks past and this week published; the next fortnight still a draft.
        let published = period(
            db,
            hotel,
            monday - Duration::days(28),
            monday + Duration::days(6),
            true,
        )?;
        let draft = period(
            db,
            hotel,
            monday + Duration::days(7),
            monday + Duration::days(20),
            false,
        )?;
        for (staff, _, start, end, location) in ROSTERED.iter().filter(|r| r.1 == hotel) {
            let mut day = monday - Duration::days(28);
            while day <= today + Duration::days(14) {
                if day.weekday().num_days_from_monday() < 5 {
                    let period = if day < monday + Duration::days(7) {
                        published
                    } else {
                        draft
                    };
                    let note =
                        (day == today + Duration::days(2)).then_some("Cover the late check-ins");
                    db.execute(
                        "INSERT INTO roster_shifts (hotel_id, staff_id, period_id, shift_date, shift_start, shift_end,
                            break_start, break_end, shift_type, notes, location_name, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, '11:00:00', '11:30:00', 'custom', ?7, ?8, ?9, ?9)",
                        params![hotel, staff, period, day.to_string(), start, end, note, location, stamp],
                    )?;
                    if day < today {
                        worked(db, *staff, hotel, day, start, db.last_insert_rowid())?;
                    }
                }
                day += Duration::days(1);
            }
        }
    }
    quirks(db, monday)?;
    Ok(())
}

fn period(
    db: &Connection,
    hotel: i64,
    from: NaiveDate,
    to: NaiveDate,
    published: bool,
) -> Result<i64, SandboxError> {
    db.execute(
        "INSERT INTO roster_periods (hotel_id, title, start_date, end_date, published) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![hotel, format!("Weeks from {}", from.format("%b %-d")), from.to_string(), to.to_string(), published],
    )?;
    Ok(db.last_insert_rowid())
}

/// A closed log of a rostered day: in two minutes early, out four minutes late (UTC).
fn worked(
    db: &Connection,
    staff: i64,
    hotel: i64,
    day: NaiveDate,
    start: &str,
    shift: i64,
) -> Result<(), SandboxError> {
    let start = chrono::NaiveTime::parse_from_str(start, "%H:%M:%S").unwrap_or_default();
    let time_in = day.and_time(start) - Duration::minutes(2);
    let time_out = day.and_time(start) + Duration::hours(8) + Duration::minutes(4);
    let drf = |t: chrono::NaiveDateTime| {
        t.and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    };
    db.execute(
        "INSERT INTO clock_logs (staff_id, hotel_id, time_in, time_out, hours_worked, total_break_minutes, roster_shift_id)
         VALUES (?1, ?2, ?3, ?4, '8.10', 30, ?5)",
        params![staff, hotel, drf(time_in), drf(time_out), shift],
    )?;
    Ok(())
}

/// The demo person's odd logs: last Tuesday's closed by `force-clock-out` (no `hours_worked`),
/// a Saturday clock-in two weeks back still waiting for approval, and one a week earlier
/// rejected.
fn quirks(db: &Connection, monday: NaiveDate) -> Result<(), SandboxError> {
    let tuesday = (monday - Duration::days(6)).to_string();
    db.execute(
        "UPDATE clock_logs SET hours_worked = NULL WHERE staff_id = 1 AND substr(time_in, 1, 10) = ?1",
        [tuesday],
    )?;
    for (days_back, approved, rejected) in [(9, 0, 0), (16, 0, 1)] {
        let day = monday - Duration::days(days_back);
        db.execute(
            "INSERT INTO clock_logs (staff_id, hotel_id, time_in, time_out, is_unrostered, is_approved, is_rejected)
             VALUES (1, 1, ?1, ?2, 1, ?3, ?4)",
            params![format!("{day}T10:00:00.000000Z"), format!("{day}T14:00:00.000000Z"), approved, rejected],
        )?;
    }
    Ok(())
}
