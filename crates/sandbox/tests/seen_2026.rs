//! Contract tests for what is left of the 2026 front desk (API.md §15.2, §15.5, §16): a
//! booking marked seen keeps its first time and person on a repeat; `turnover/stats/` answers
//! 500 as 12e538a does; the classic sandbox answers none of the 2026 front-desk paths (404, as
//! fd6c529 would).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{start, start_generation};
use hotelmate_sandbox::Generation;
use serde_json::json;

const BOOKINGS: &str = "/api/staff/hotel/killarney/room-bookings/";

#[tokio::test]
async fn a_booking_marked_seen_twice_keeps_the_first_time_and_person() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let anna = c.token("anna.byrne").await;
    let (_, page) = c
        .get(&format!("{BOOKINGS}?bucket=arrivals&q=moran"), Some(&anna))
        .await;
    let booking = &page["results"][0];
    assert_eq!(booking["is_new_for_staff"], true, "{booking}");
    let id = booking["booking_id"].as_str().unwrap().to_owned();
    let path = format!("{BOOKINGS}{id}/mark-seen/");

    let (status, first) = c.post(&path, Some(&anna), json!({})).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["booking_id"], id.as_str());
    assert_eq!(first["is_new_for_staff"], false);
    assert!(first["staff_seen_at"].is_string(), "{first}");
    assert_eq!(first["staff_seen_by"]["name"], "Anna Byrne");

    let other = c.token("sean.murphy").await;
    let (status, again) = c.post(&path, Some(&other), json!({})).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        again["staff_seen_at"], first["staff_seen_at"],
        "the first time"
    );
    assert_eq!(
        again["staff_seen_by"], first["staff_seen_by"],
        "the first person"
    );

    let (_, detail) = c.get(&format!("{BOOKINGS}{id}/"), Some(&anna)).await;
    assert_eq!(detail["is_new_for_staff"], false);
    let (status, _) = c
        .post(
            &format!("{BOOKINGS}RB-0000-0000/mark-seen/"),
            Some(&anna),
            json!({}),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn turnover_stats_answers_500_and_the_classic_server_has_no_2026_front_desk() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let tok = c.token("anna.byrne").await;
    let (status, _) = c
        .get("/api/staff/hotel/killarney/turnover/stats/", Some(&tok))
        .await;
    assert_eq!(status, 500, "§15.5: the hotel has no `rooms`");

    let classic = start().await;
    let tok = classic.token("anna.byrne").await;
    for path in [
        format!("{BOOKINGS}?bucket=arrivals"),
        format!("{BOOKINGS}RB-2026-0001/"),
        "/api/staff/hotel/killarney/housekeeping/dashboard/".to_owned(),
        "/api/staff/hotel/killarney/turnover/stats/".to_owned(),
    ] {
        assert_eq!(classic.get(&path, Some(&tok)).await.0, 404, "{path}");
    }
    for action in ["mark-seen", "check-in", "check-out", "safe-assign-room"] {
        let path = format!("{BOOKINGS}RB-2026-0001/{action}/");
        assert_eq!(
            classic.post(&path, Some(&tok), json!({})).await.0,
            404,
            "{path}"
        );
    }
}
