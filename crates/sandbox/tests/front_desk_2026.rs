//! Contract tests for the 2026 backend's front desk (API.md §15.1, §15.2), played by
//! `--generation 2026`: the bookings list's buckets, counts, pages, search and refusals, a
//! booking's detail, the housekeeping dashboard, the front desk's two status moves and the
//! server's words for the others, and `room_updated` on the public `<slug>.rooms`. The classic
//! sandbox has none of it (§16).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common::{start, start_generation, Ctx};
use hotelmate_sandbox::Generation;
use serde_json::{json, Value};

const BOOKINGS: &str = "/api/staff/hotel/killarney/room-bookings/";
const DASHBOARD: &str = "/api/staff/hotel/killarney/housekeeping/dashboard/";

fn status_path(room_id: i64) -> String {
    format!("/api/staff/hotel/killarney/housekeeping/rooms/{room_id}/status/")
}

/// The first room of `status` on the dashboard.
async fn room_in(c: &Ctx, token: &str, status: &str) -> Value {
    let (_, board) = c.get(DASHBOARD, Some(token)).await;
    board["rooms_by_status"][status][0].clone()
}

#[tokio::test]
async fn the_lists_buckets_count_the_demo_day_page_by_ten_and_refuse_bad_filters() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let tok = c.token("anna.byrne").await;
    let (status, page) = c
        .get(&format!("{BOOKINGS}?bucket=arrivals"), Some(&tok))
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["count"], 12);
    assert_eq!(page["results"].as_array().unwrap().len(), 10, "10 a page");
    assert!(page["next"].as_str().unwrap().contains("page=2"));
    let counts = &page["bucket_counts"];
    assert_eq!(
        (
            &counts["arrivals"],
            &counts["departures"],
            &counts["in_house"]
        ),
        (&json!(12), &json!(12), &json!(17))
    );
    assert_eq!(
        counts.as_object().unwrap().len(),
        10,
        "nine buckets and the total"
    );
    let item = &page["results"][0];
    for key in [
        "booking_id",
        "guest_display_name",
        "party_missing_count",
        "assigned_room_number",
        "is_new_for_staff",
    ] {
        assert!(item.get(key).is_some(), "{key}: {item}");
    }
    assert!(
        item.get("id").is_none(),
        "the list gives no numeric id (§15.2)"
    );
    let (_, found) = c
        .get(&format!("{BOOKINGS}?bucket=arrivals&q=moran"), Some(&tok))
        .await;
    assert_eq!(found["count"], 1);
    let (_, tomorrow) = c
        .get(
            &format!("{BOOKINGS}?bucket=arrivals&date_from=2099-01-01&date_to=2099-01-02"),
            Some(&tok),
        )
        .await;
    assert_eq!(tomorrow["count"], 0);
    let (status, bad) = c.get(&format!("{BOOKINGS}?bucket=soon"), Some(&tok)).await;
    assert_eq!(status, 400);
    assert_eq!(bad["error"]["code"], "INVALID_FILTER_PARAMETERS");
    let (status, bad) = c
        .get(&format!("{BOOKINGS}?ordering=bogus"), Some(&tok))
        .await;
    assert_eq!(status, 400);
    assert_eq!(bad["error"]["code"], "INVALID_ORDERING");

    // The detail of the party not yet named.
    let (_, hassan) = c
        .get(&format!("{BOOKINGS}?bucket=arrivals&q=hassan"), Some(&tok))
        .await;
    let id = hassan["results"][0]["booking_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, detail) = c.get(&format!("{BOOKINGS}{id}/"), Some(&tok)).await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["party"]["missing_count"], 1);
    assert_eq!(detail["special_requests"], "Cot for a baby, please.");

    let classic = start().await;
    let tok = classic.token("anna.byrne").await;
    assert_eq!(classic.get(BOOKINGS, Some(&tok)).await.0, 404);
}

#[tokio::test]
async fn the_front_desk_has_two_moves_and_housekeeping_tells_the_rooms_channel() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let desk = c.token("anna.byrne").await;
    let (_, board) = c.get(DASHBOARD, Some(&desk)).await;
    assert_eq!(board["total_rooms"], 40);
    assert_eq!(
        board["counts"].as_object().unwrap().len(),
        7,
        "every status has rooms"
    );

    // The front desk: to ready is refused in the server's words, ready to maintenance is not.
    let uninspected = room_in(&c, &desk, "CLEANED_UNINSPECTED").await;
    let (status, refused) = c
        .post(
            &status_path(uninspected["id"].as_i64().unwrap()),
            Some(&desk),
            json!({"to_status": "READY_FOR_GUEST"}),
        )
        .await;
    assert_eq!(
        (status, refused),
        (
            400,
            json!({"non_field_errors": ["Front desk staff cannot set room status to READY_FOR_GUEST"]})
        )
    );
    let occupied = room_in(&c, &desk, "OCCUPIED").await;
    let (status, refused) = c
        .post(
            &status_path(occupied["id"].as_i64().unwrap()),
            Some(&desk),
            json!({"to_status": "MAINTENANCE_REQUIRED"}),
        )
        .await;
    assert_eq!(
        (status, refused),
        (
            400,
            json!({"non_field_errors": ["Room cannot transition from OCCUPIED to MAINTENANCE_REQUIRED"]})
        )
    );
    let ready = room_in(&c, &desk, "READY_FOR_GUEST").await;
    let (status, moved) = c
        .post(
            &status_path(ready["id"].as_i64().unwrap()),
            Some(&desk),
            json!({"to_status": "MAINTENANCE_REQUIRED"}),
        )
        .await;
    assert_eq!(status, 200, "{moved}");

    // Housekeeping (the manager here) marks the room ready: told on `killarney.rooms`.
    let mut ws = c.ws().await;
    ws.subscribe("killarney.rooms").await;
    let manager = c.token("sean.murphy").await;
    let (status, _) = c
        .post(
            &status_path(uninspected["id"].as_i64().unwrap()),
            Some(&manager),
            json!({"to_status": "READY_FOR_GUEST"}),
        )
        .await;
    assert_eq!(status, 200);
    let frames = ws.drain(500).await;
    let (event, channel, data) = frames.first().expect("room_updated");
    assert_eq!(
        (event.as_str(), channel.as_str()),
        ("room_updated", "killarney.rooms")
    );
    assert_eq!(data["payload"]["room_number"], uninspected["room_number"]);
    assert_eq!(data["payload"]["room_status"], "READY_FOR_GUEST");
    assert!(data["payload"]["last_inspected_at"]
        .as_str()
        .unwrap()
        .ends_with("+00:00"));
}
