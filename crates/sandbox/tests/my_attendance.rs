//! Contract tests for my shifts and my hours (API.md §14): both generations' reads with their
//! quirks, and the personal attendance channel of §14.6.

use crate::common::{keys, sorted, start, start_generation, Ctx};
use hotelmate_sandbox::Generation;
use serde_json::{json, Value};

fn week() -> (String, String) {
    let today = chrono::Utc::now().date_naive();
    (
        (today - chrono::Duration::days(35)).to_string(),
        (today + chrono::Duration::days(14)).to_string(),
    )
}

async fn all_pages(c: &Ctx, first: &str, token: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut next = Some(c.url(first));
    while let Some(url) = next {
        let (status, page) = c.get(url.trim_start_matches(&c.base), Some(token)).await;
        assert_eq!(status, 200, "{url}: {page}");
        rows.extend(page["results"].as_array().unwrap().iter().cloned());
        next = page["next"].as_str().map(str::to_owned);
    }
    rows
}

#[tokio::test]
async fn the_2026_server_gives_my_own_shifts_drafts_included_and_my_own_logs() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let t = c.token("anna.byrne").await;
    let (start, end) = week();
    let at = "/api/staff/hotel/killarney/attendance";
    let (status, shifts) = c
        .get(
            &format!("{at}/shifts/mine/?start={start}&end={end}"),
            Some(&t),
        )
        .await;
    assert_eq!(status, 200, "{shifts}");
    let shifts = shifts.as_array().unwrap();
    assert!(
        shifts.len() >= 20,
        "a fortnight ahead and weeks behind: {}",
        shifts.len()
    );
    assert!(shifts.iter().all(|s| s["staff"] == 1));
    assert_eq!(keys(&shifts[0]).len(), 22, "{}", shifts[0]);
    assert_eq!(shifts[0]["shift_start"], "07:00:00", "wall clock, naive");
    let periods: std::collections::BTreeSet<_> = shifts
        .iter()
        .map(|s| s["period"].as_i64().unwrap())
        .collect();
    assert_eq!(periods.len(), 2, "the draft fortnight is in the list too");
    // Without a range every shift ever; one bound alone is ignored; malformed → 500.
    let (_, one_bound) = c
        .get(&format!("{at}/shifts/mine/?start={end}"), Some(&t))
        .await;
    assert_eq!(one_bound.as_array().unwrap().len(), shifts.len());
    let (status, _) = c
        .get(&format!("{at}/shifts/mine/?start=x&end=y"), Some(&t))
        .await;
    assert_eq!(status, 500);
    for (path, words) in [
        ("shifts/", "You do not have permission to read shifts."),
        (
            "roster-periods/",
            "You do not have permission to read roster periods.",
        ),
    ] {
        let (status, body) = c.get(&format!("{at}/{path}"), Some(&t)).await;
        assert_eq!((status, body), (403, json!({"detail": words})));
    }
    let logs = all_pages(&c, &format!("{at}/clock-logs/"), &t).await;
    assert!(logs.len() > 20, "{}", logs.len());
    assert!(logs.iter().all(|l| l["staff"] == 1), "own logs only");
    assert_eq!(keys(&logs[0]).len(), 25, "{}", logs[0]);
    assert_eq!(logs[0]["time_out"], Value::Null, "the open one first");
    assert!(logs
        .iter()
        .any(|l| l["time_out"].is_string() && l["hours_worked"].is_null()));
    assert!(logs
        .iter()
        .any(|l| l["is_unrostered"] == true && l["is_approved"] == false));
    assert!(logs.iter().any(|l| l["is_rejected"] == true));
    assert!(logs[1]["time_in"].as_str().unwrap().ends_with('Z'));
    // Another's log is a 404.
    let s = c.token("sean.murphy").await;
    let (_, theirs) = c.get(&format!("{at}/clock-logs/"), Some(&s)).await;
    let other = theirs["results"][0]["id"].as_i64().unwrap();
    let (status, body) = c.get(&format!("{at}/clock-logs/{other}/"), Some(&t)).await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"detail": "No ClockLog matches the given query."})
        )
    );
}

#[tokio::test]
async fn force_clock_out_answers_the_hours_but_stores_none() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let t = c.token("anna.byrne").await;
    let at = "/api/staff/hotel/killarney/attendance";
    let (_, page) = c.get(&format!("{at}/clock-logs/"), Some(&t)).await;
    let open = page["results"][0]["id"].as_i64().unwrap();
    let (status, answer) = c
        .post(
            &format!("{at}/clock-logs/{open}/force-clock-out/"),
            Some(&t),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["log"]["hours_worked"].is_string(), "{answer}");
    let (_, read) = c.get(&format!("{at}/clock-logs/{open}/"), Some(&t)).await;
    assert!(read["time_out"].is_string());
    assert_eq!(read["hours_worked"], Value::Null);
    let (status, again) = c
        .post(
            &format!("{at}/clock-logs/{open}/force-clock-out/"),
            Some(&t),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, again),
        (400, json!({"detail": "Log is already closed."}))
    );
}

#[tokio::test]
async fn a_managers_verdict_is_told_on_the_persons_own_channel() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let mut ws = c.ws().await;
    ws.subscribe("attendance-killarney-staff-3").await;
    let n = c.token("niamh.kelly").await;
    let at = "/api/staff/hotel/killarney/attendance";
    let (status, made) = c
        .post(
            &format!("{at}/clock-logs/unrostered-confirm/"),
            Some(&n),
            json!({"staff_id": 3}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["log"]["is_approved"], false);
    let id = made["log"]["id"].as_i64().unwrap();
    let (status, _) = c
        .post(
            &format!("{at}/clock-logs/{id}/approve/"),
            Some(&n),
            json!({}),
        )
        .await;
    assert_eq!(status, 403, "not for regular staff");
    let m = c.token("sean.murphy").await;
    let (status, _) = c
        .post(
            &format!("{at}/clock-logs/{id}/reject/"),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].0, "clocklog-rejected");
    assert_eq!(
        keys(&events[0].2),
        sorted(&["clock_log_id", "message", "rejected_by"])
    );
    assert_eq!(events[0].2["clock_log_id"], id);
    let (_, log) = c.get(&format!("{at}/clock-logs/{id}/"), Some(&n)).await;
    assert_eq!(
        (log["is_rejected"].clone(), log["hours_worked"].clone()),
        (json!(true), Value::Null)
    );
    assert!(log["time_out"].is_string());
}

#[tokio::test]
async fn the_classic_server_hands_every_hotels_rows_to_anyone() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (start, end) = week();
    let logs = all_pages(&c, "/api/attendance/clock-logs/", &t).await;
    let staff: std::collections::BTreeSet<_> =
        logs.iter().map(|l| l["staff"].as_i64().unwrap()).collect();
    let hotels: std::collections::BTreeSet<_> =
        logs.iter().map(|l| l["hotel_slug"].to_string()).collect();
    assert!(
        staff.len() >= 3 && hotels.len() == 2,
        "{staff:?} {hotels:?}"
    );
    assert_eq!(keys(&logs[0]).len(), 11, "no hours_worked: {}", logs[0]);
    let dept = all_pages(
        &c,
        "/api/attendance/clock-logs/department-logs/?hotel_slug=killarney&department_slug=front-office",
        &t,
    )
    .await;
    assert!(dept.iter().any(|l| l["staff"] == 1));
    assert!(dept
        .iter()
        .all(|l| l["hotel_slug"] == "killarney" && l["staff"] != 4));
    let hotel = all_pages(
        &c,
        "/api/attendance/clock-logs/department-logs/?hotel_slug=killarney",
        &t,
    )
    .await;
    assert!(
        hotel.iter().any(|l| l["staff"] == 4),
        "a colleague of another department"
    );
    let (status, body) = c
        .get("/api/attendance/clock-logs/department-logs/", Some(&t))
        .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"detail": "hotel_slug query parameter required"})
        )
    );
    // The path slug is ignored; only the query scopes shifts.
    let (_, everyone) = c
        .get(
            &format!("/api/attendance/nowhere/shifts/?start={start}&end={end}"),
            Some(&t),
        )
        .await;
    let hotels: std::collections::BTreeSet<_> = everyone
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["hotel"].as_i64().unwrap())
        .collect();
    assert_eq!(hotels.len(), 2);
    let (_, mine) = c
        .get(
            &format!("/api/attendance/killarney/shifts/?hotel_slug=killarney&staff=1&start={start}&end={end}"),
            Some(&t),
        )
        .await;
    let mine = mine.as_array().unwrap();
    assert!(mine.len() >= 20 && mine.iter().all(|s| s["staff"] == 1));
    let (_, periods) = c.get("/api/attendance/galway-bay/periods/", Some(&t)).await;
    let published: Vec<_> = periods
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["published"].clone())
        .collect();
    assert_eq!(published, [json!(true), json!(false)]);
    let (status, _) = c.get("/api/attendance/nowhere/periods/", Some(&t)).await;
    assert_eq!(status, 404);
    // The 2026 server has no legacy mount.
    let c26 = start_generation(Generation::Hotelmate2026).await;
    let t26 = c26.token("anna.byrne").await;
    let (status, _) = c26.get("/api/attendance/clock-logs/", Some(&t26)).await;
    assert_eq!(status, 404);
}
