//! Contract tests for the 2026 backend's actions on a stay (API.md §15.2), played by
//! `--generation 2026`: the rooms that fit, assigning (and its two refusals), unassigning, a
//! move refused before check-in, the check-in's 500 and rollback for a front desk agent against
//! a manager's success and the 200 of a repeat, and a check-out that deletes the room's guest
//! conversations and refuses a second time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common::{start_generation, Ctx};
use hotelmate_sandbox::Generation;
use serde_json::{json, Value};

const BOOKINGS: &str = "/api/staff/hotel/killarney/room-bookings/";
const DASHBOARD: &str = "/api/staff/hotel/killarney/housekeeping/dashboard/";
const CHATS: &str = "/api/staff/hotel/killarney/chat/conversations/";

fn at(booking: &str, action: &str) -> String {
    format!("{BOOKINGS}{booking}/{action}")
}

/// The booking of the arrivals found by `q`.
async fn arrival(c: &Ctx, tok: &str, q: &str) -> Value {
    let (_, page) = c
        .get(&format!("{BOOKINGS}?bucket=arrivals&q={q}"), Some(tok))
        .await;
    page["results"][0].clone()
}

async fn room_status(c: &Ctx, tok: &str, number: i64) -> String {
    let (_, board) = c.get(DASHBOARD, Some(tok)).await;
    for (status, rooms) in board["rooms_by_status"].as_object().unwrap() {
        if rooms
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["room_number"] == number)
        {
            return status.clone();
        }
    }
    panic!("room {number} is not on the board")
}

#[tokio::test]
async fn rooms_are_assigned_only_when_they_fit_and_the_party_is_named() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let tok = c.token("anna.byrne").await;
    let seamus = arrival(&c, &tok, "doherty").await;
    let id = seamus["booking_id"].as_str().unwrap();
    assert!(seamus["assigned_room_number"].is_null());
    let (status, fit) = c.get(&at(id, "available-rooms/"), Some(&tok)).await;
    assert_eq!(status, 200, "{fit}");
    let fit = fit["available_rooms"].as_array().unwrap().clone();
    assert_eq!(fit.len(), 2, "eight ready rooms, six held by arrivals");
    assert!(fit
        .iter()
        .all(|r| r["room_status"] == "READY_FOR_GUEST" && r["is_bookable"] == true));

    // The party not named in full: refused without the `error` wrapper.
    let fatima = arrival(&c, &tok, "hassan").await;
    let (status, refused) = c
        .post(
            &at(fatima["booking_id"].as_str().unwrap(), "safe-assign-room/"),
            Some(&tok),
            json!({"room_id": fit[0]["id"]}),
        )
        .await;
    assert_eq!(
        (status, refused),
        (
            400,
            json!({"code": "PARTY_INCOMPLETE",
                   "message": "Please provide all staying guest names before room assignment."})
        )
    );

    // A room that is not ready: refused in the server's words.
    let (_, board) = c.get(DASHBOARD, Some(&tok)).await;
    let occupied = &board["rooms_by_status"]["OCCUPIED"][0];
    let (status, refused) = c
        .post(
            &at(id, "safe-assign-room/"),
            Some(&tok),
            json!({"room_id": occupied["id"]}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(refused["error"]["code"], "ROOM_NOT_BOOKABLE");
    assert_eq!(
        refused["error"]["message"],
        format!(
            "Room {} is not bookable (status: OCCUPIED)",
            occupied["room_number"]
        )
    );

    // A room that fits: assigned, then unassigned.
    let (status, assigned) = c
        .post(
            &at(id, "safe-assign-room/"),
            Some(&tok),
            json!({"room_id": fit[0]["id"]}),
        )
        .await;
    assert_eq!(status, 200, "{assigned}");
    assert_eq!(assigned["assigned_room_number"], fit[0]["room_number"]);
    assert_eq!(assigned["room"]["room_status"], "READY_FOR_GUEST");
    let (_, fit_now) = c.get(&at(id, "available-rooms/"), Some(&tok)).await;
    assert_eq!(fit_now["available_rooms"].as_array().unwrap().len(), 1);
    let (status, moved) = c
        .post(
            &at(id, "move-room/"),
            Some(&tok),
            json!({"to_room_id": fit[1]["id"]}),
        )
        .await;
    assert_eq!(status, 409, "{moved}");
    assert_eq!(moved["error"]["code"], "BOOKING_NOT_CHECKED_IN");
    let (status, unassigned) = c
        .post(&at(id, "unassign-room/"), Some(&tok), json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(unassigned["message"], "Room unassigned successfully");
    assert!(unassigned["assigned_room_number"].is_null());
}

#[tokio::test]
async fn a_front_desk_check_in_answers_500_and_saves_nothing_while_a_managers_works() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let agent = c.token("anna.byrne").await;
    let manager = c.token("sean.murphy").await;
    let aisling = arrival(&c, &agent, "moran").await;
    let id = aisling["booking_id"].as_str().unwrap();
    let room = aisling["assigned_room_number"].as_i64().unwrap();
    let mut ws = c.ws().await;
    ws.subscribe("killarney.rooms").await;

    let (status, answer) = c.post(&at(id, "check-in/"), Some(&agent), json!({})).await;
    assert_eq!(status, 500);
    assert!(
        answer
            .as_str()
            .unwrap()
            .contains("<h1>Server Error (500)</h1>"),
        "{answer}"
    );
    let (_, after) = c.get(&at(id, ""), Some(&agent)).await;
    assert!(after["checked_in_at"].is_null(), "rolled back: {after}");
    assert_eq!(after["status"], "CONFIRMED");
    assert_eq!(room_status(&c, &agent, room).await, "READY_FOR_GUEST");
    assert!(
        ws.drain(300).await.is_empty(),
        "no event for a rolled-back check-in"
    );

    // A booking without a room is refused before any of that.
    let tadhg = arrival(&c, &agent, "lynch").await;
    let (status, refused) = c
        .post(
            &at(tadhg["booking_id"].as_str().unwrap(), "check-in/"),
            Some(&agent),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, refused),
        (
            400,
            json!({"error": "BOOKING_NOT_ELIGIBLE", "detail": "No room assigned to booking"})
        )
    );

    // The manager checks her in: the room is occupied and told; the status stays CONFIRMED.
    let (status, done) = c
        .post(&at(id, "check-in/"), Some(&manager), json!({}))
        .await;
    assert_eq!(status, 200, "{done}");
    assert!(done["guest_token"].is_string());
    assert!(done["checked_in_at"].is_string());
    assert_eq!(done["status"], "CONFIRMED");
    assert_eq!(room_status(&c, &agent, room).await, "OCCUPIED");
    let frames = ws.drain(500).await;
    assert!(frames
        .iter()
        .any(|(event, _, data)| event == "room_updated" && data["payload"]["room_number"] == room));

    // A repeat is not refused, even for the agent: 200, no token, the time stamped again.
    let (status, again) = c.post(&at(id, "check-in/"), Some(&agent), json!({})).await;
    assert_eq!(status, 200);
    assert!(again["guest_token"].is_null());
}

#[tokio::test]
async fn a_check_out_leaves_the_room_dirty_and_deletes_its_guest_conversations() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let tok = c.token("anna.byrne").await;
    let (_, in_house) = c
        .get(&format!("{BOOKINGS}?bucket=in_house&q=doe"), Some(&tok))
        .await;
    let john = &in_house["results"][0];
    assert_eq!(john["assigned_room_number"], 101);
    let id = john["booking_id"].as_str().unwrap();
    let rooms_with_chats = |list: &Value| -> Vec<i64> {
        list.as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["room_number"].as_i64())
            .collect()
    };
    let (_, chats) = c.get(CHATS, Some(&tok)).await;
    assert!(rooms_with_chats(&chats).contains(&101), "{chats}");

    let (status, out) = c.post(&at(id, "check-out/"), Some(&tok), json!({})).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["status"], "COMPLETED");
    assert!(out["checked_out_at"].is_string());
    assert_eq!(room_status(&c, &tok, 101).await, "CHECKOUT_DIRTY");
    let (_, chats) = c.get(CHATS, Some(&tok)).await;
    assert!(!rooms_with_chats(&chats).contains(&101), "{chats}");
    assert!(
        rooms_with_chats(&chats).contains(&102),
        "other rooms keep theirs"
    );

    let (status, again) = c.post(&at(id, "check-out/"), Some(&tok), json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(again["error"]["code"], "NOT_CHECKED_IN");
}
