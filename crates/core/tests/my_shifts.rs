//! My shifts and my hours as a receptionist lives them (issue 67.1, 67.2, 67.4, 67.5), on both
//! generations against the real sandbox over real HTTP and a real SQLite file: a fortnight of
//! shifts and five weeks of hours read on sign-in; only my own rows kept and shown although
//! fd6c529's open reads hand out other people's and other hotels' (the answers here are made
//! to carry them); and the screen opens from the copy with "as of" when the server is gone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::features::my_shifts::{MyShifts, MyShiftsHandle};
use hotelmate_sandbox::{Generation, Sandbox};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

fn shown(desk: &hotelmate_core::Desk) -> MyShifts {
    desk.handle::<MyShiftsHandle>().view().unwrap()
}

/// Every byte the desk keeps on disk (the database and its journal), as text.
fn kept_bytes(home: &Home) -> String {
    let mut all = Vec::new();
    for entry in walk(home.dir.path()) {
        all.extend(std::fs::read(entry).unwrap_or_default());
    }
    String::from_utf8_lossy(&all).into_owned()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Another person's and another hotel's rows, as fd6c529's open reads hand them out.
fn intruders() -> serde_json::Value {
    json!([
        {"id": 9001, "hotel": 2, "staff": 6, "staff_name": "Intruder Otherhotel", "shift_date": "2026-11-30",
         "shift_start": "08:00:00", "shift_end": "16:00:00", "period": null, "notes": "Intruder note"},
        {"id": 9002, "hotel": 1, "staff": 3, "staff_name": "Intruder Colleague", "shift_date": "2026-11-30",
         "shift_start": "08:00:00", "shift_end": "16:00:00", "period": null, "notes": "Intruder note"},
        {"id": 9003, "hotel": 2, "staff": 1, "staff_name": "Intruder Samestaffid", "shift_date": "2026-11-30",
         "shift_start": "08:00:00", "shift_end": "16:00:00", "period": null, "notes": "Intruder note"}
    ])
}

#[tokio::test(flavor = "multi_thread")]
async fn my_shifts_and_hours_on_both_generations_only_mine_and_offline_as_of() {
    for generation in [Generation::Classic, Generation::Hotelmate2026] {
        let case = |what: &str| format!("{generation:?}: {what}");
        let server = Sandbox::start_generation("127.0.0.1:0".parse().unwrap(), generation)
            .await
            .unwrap();
        let home = Home::new("my-shifts");
        let desk = home.open();
        sign_in(&desk, &server, server.addr(), "anna.byrne").await;
        eventually(&case("my shifts and hours are read"), WAIT, || async {
            let view = shown(&desk);
            view.as_of.is_some() && view.shifts.len() >= 10
        })
        .await;
        let view = shown(&desk);
        // A fortnight ahead and this week: weekdays only, 07:00–15:00 as written.
        assert!(
            view.shifts
                .iter()
                .all(|s| s.start == "07:00" && s.end == "15:00"),
            "{view:?}"
        );
        assert!(view
            .shifts
            .iter()
            .any(|s| s.notes.as_deref() == Some("Cover the late check-ins")));
        match generation {
            // §14.3: the 2026 server cannot say a roster is published.
            Generation::Hotelmate2026 => assert!(view.shifts.iter().all(|s| s.may_change)),
            // fd6c529: this week is published, the next fortnight a draft.
            Generation::Classic => {
                assert!(view.shifts.iter().any(|s| !s.may_change));
                assert!(view.shifts.iter().any(|s| s.may_change));
            }
        }
        assert_eq!(view.weeks.len(), 5);
        // Clocked in three hours ago (last week's Sunday evening, shortly after midnight on a
        // Monday): counted where it began.
        let open = view
            .weeks
            .iter()
            .flat_map(|w| w.logs.iter())
            .find(|l| l.time_out.is_none())
            .expect("the open clock-in");
        assert!(
            open.time_out.is_none() && open.hours > 2.9,
            "the open one counts live: {open:?}"
        );
        let past: Vec<_> = view.weeks[1..].iter().flat_map(|w| w.logs.iter()).collect();
        assert!(past.len() >= 15, "{}", past.len());
        // Five rostered days a week, and at most the two odd ones: no colleague's logs.
        assert!(
            view.weeks.iter().all(|w| w.logs.len() <= 7),
            "{:?}",
            view.weeks
        );
        assert!(
            view.weeks[1].total_hours >= 8.0 * 4.0,
            "{:?}",
            view.weeks[1]
        );
        if generation == Generation::Hotelmate2026 {
            assert!(past.iter().any(|l| l.state == "waiting for approval"));
            assert!(past.iter().any(|l| l.state == "rejected"));
            assert!(past.iter().any(|l| l.hours_not_recorded && l.hours > 8.0));
        } else {
            // No hours_worked at fd6c529: every closed log's hours are the desk's.
            assert!(past
                .iter()
                .filter(|l| l.time_out.is_some())
                .all(|l| l.hours_not_recorded));
        }

        if generation == Generation::Hotelmate2026 {
            a_managers_verdict_reaches_my_hours(&desk, &server).await;
        }

        // Other people's and other hotels' rows in the answer: none kept, none shown.
        let line = match generation {
            Generation::Classic => "GET /api/attendance/killarney/shifts/",
            Generation::Hotelmate2026 => "GET /api/staff/hotel/killarney/attendance/shifts/mine/",
        };
        // Every read answers so while it lasts: the desk's own reader (after the verdict, on
        // its timer) may read between the test's words and its refresh, and took a one-off
        // answer once.
        server.refuse_every(line, 200, intruders());
        let view = desk.handle::<MyShiftsHandle>().refresh().await.unwrap();
        assert!(view.shifts.is_empty(), "{:?}", view.shifts);
        assert!(
            !kept_bytes(&home).contains("Intruder"),
            "another's row was kept"
        );
        server.stop_refusing(line);
        desk.handle::<MyShiftsHandle>().refresh().await.unwrap();

        // The server gone: the screen opens from the copy, "as of" its read.
        let as_of = shown(&desk).as_of.clone();
        server.shutdown().await;
        desk.shutdown().await;
        let desk = home.open();
        desk.resume().await.unwrap().expect("still signed in");
        let view = shown(&desk);
        assert_eq!(view.as_of, as_of, "{generation:?}");
        assert!(
            view.shifts.len() >= 10 && view.weeks[1].logs.len() >= 4,
            "{generation:?}"
        );
        assert!(desk.handle::<MyShiftsHandle>().refresh().await.is_err());
        desk.shutdown().await;
    }
}

/// §14.6: a manager rejects my clock-in; the event on my own channel has the desk read my hours
/// again at once (the timer is twenty minutes away).
async fn a_managers_verdict_reaches_my_hours(
    desk: &hotelmate_core::Desk,
    server: &hotelmate_sandbox::SandboxHandle,
) {
    let at = "/api/staff/hotel/killarney/attendance/clock-logs";
    let anna = token(server, "anna.byrne").await;
    let page = rest(server, &anna, reqwest::Method::GET, &format!("{at}/"), None).await;
    let open = page["results"][0]["id"].as_i64().unwrap();
    let out = format!("{at}/{open}/force-clock-out/");
    rest(server, &anna, reqwest::Method::POST, &out, None).await;
    let made = rest(
        server,
        &anna,
        reqwest::Method::POST,
        &format!("{at}/unrostered-confirm/"),
        Some(json!({"staff_id": 1})),
    )
    .await;
    let id = made["log"]["id"].as_i64().unwrap();
    let manager = token(server, "sean.murphy").await;
    let reject = format!("{at}/{id}/reject/");
    rest(server, &manager, reqwest::Method::POST, &reject, None).await;
    eventually("the rejected clock-in is marked", WAIT, || async {
        shown(desk).weeks[0]
            .logs
            .first()
            .is_some_and(|log| log.state == "rejected" && log.time_out.is_some())
    })
    .await;
}
