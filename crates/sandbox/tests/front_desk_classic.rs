//! Contract tests for the classic backend's front desk (fd6c529, API.md §16): the caller's rooms
//! with only `is_occupied`, the due-out list, check-out by room (guests and guest chat deleted,
//! the room free), and the bookings list without rooms and its date filters. The 2026 sandbox has
//! none of these paths.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common::{keys, sorted, start, start_generation};
use hotelmate_sandbox::Generation;
use serde_json::{json, Value};

const ROOMS: &str = "/api/rooms/rooms/";
const DUE_OUT: &str = "/api/rooms/killarney/checkout-needed/";
const CHECKOUT: &str = "/api/rooms/killarney/checkout/";
const BOOKINGS: &str = "/api/staff/hotel/killarney/bookings/";

fn numbers(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["room_number"].as_i64().unwrap())
        .collect()
}

fn today(days: i64) -> String {
    let zone = jiff::tz::TimeZone::get("Europe/Dublin").unwrap();
    let d = jiff::Timestamp::now().to_zoned(zone).date();
    d.checked_add(jiff::Span::new().days(days))
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_rooms_are_the_callers_ten_a_page_with_only_is_occupied() {
    let c = start().await;
    let (status, _) = c.get(ROOMS, None).await;
    assert_eq!(status, 401, "anonymous");
    let tok = c.token("anna.byrne").await;
    let (status, page) = c.get(ROOMS, Some(&tok)).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["count"], 10, "five occupied, five free: {page}");
    let (_, page) = c.get(&format!("{ROOMS}?page_size=4"), Some(&tok)).await;
    assert_eq!(page["results"].as_array().unwrap().len(), 4);
    assert!(page["next"].as_str().unwrap().contains("page=2"));
    let (_, all) = c.get(&format!("{ROOMS}?page_size=500"), Some(&tok)).await;
    let rooms = &all["results"];
    assert_eq!(
        numbers(rooms),
        [101, 102, 103, 104, 201, 202, 203, 204, 305, 310]
    );
    let room = &rooms[0];
    assert_eq!(
        keys(room),
        sorted(&[
            "id",
            "hotel",
            "hotel_name",
            "room_number",
            "hotel_slug",
            "guests_in_room",
            "guest_id_pin",
            "guests",
            "is_occupied",
            "room_service_qr_code",
            "in_room_breakfast_qr_code",
            "dinner_booking_qr_code",
            "chat_pin_qr_code",
        ])
    );
    assert_eq!(room["is_occupied"], true);
    assert_eq!(room["guests_in_room"][0]["full_name"], "John Doe");
    assert!(room.get("room_status").is_none(), "no housekeeping status");
    assert_eq!(rooms[2]["is_occupied"], false, "103 is free");
    assert!(rooms
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["hotel_slug"] == "killarney"));
    let (_, found) = c.get(&format!("{ROOMS}?search=305"), Some(&tok)).await;
    assert_eq!(numbers(&found["results"]), [305]);
}

#[tokio::test]
async fn the_due_out_rooms_check_out_once_and_their_guest_chat_is_gone() {
    let c = start().await;
    let tok = c.token("anna.byrne").await;
    let (status, due) = c.get(DUE_OUT, Some(&tok)).await;
    assert_eq!(status, 200, "{due}");
    assert_eq!(numbers(&due), [305, 310], "guests leaving yesterday");
    assert!(
        due[0]["guests_in_room"][0]["check_out_date"]
            .as_str()
            .unwrap()
            < today(0).as_str()
    );
    let room = due[0].clone();
    let (_, chats) = c
        .get("/api/chat/killarney/conversations/", Some(&tok))
        .await;
    let of_room = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|c| c["room_number"] == 305)
            .count()
    };
    assert_eq!(of_room(&chats), 1, "room 305 has a guest conversation");

    let (status, answer) = c
        .post(CHECKOUT, Some(&tok), json!({"room_ids": [room["id"]]}))
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer,
        json!({"detail": "Checked out 1 room(s) in hotel 'killarney', deleted guests, chat sessions, conversations, and messages."})
    );
    let (_, due) = c.get(DUE_OUT, Some(&tok)).await;
    assert_eq!(numbers(&due), [310]);
    let (_, found) = c.get(&format!("{ROOMS}?search=305"), Some(&tok)).await;
    let after = &found["results"][0];
    assert_eq!(
        (&after["is_occupied"], &after["guests_in_room"]),
        (&json!(false), &json!([]))
    );
    assert_ne!(after["guest_id_pin"], room["guest_id_pin"], "a new pin");
    let (_, chats) = c
        .get("/api/chat/killarney/conversations/", Some(&tok))
        .await;
    assert_eq!(of_room(&chats), 0, "its conversation is deleted");

    let (status, _) = c
        .post(CHECKOUT, None, json!({"room_ids": [room["id"]]}))
        .await;
    assert_eq!(status, 401, "anonymous");
}

#[tokio::test]
async fn the_bookings_are_a_plain_array_of_18_keys_filtered_by_whole_stays() {
    let c = start().await;
    let tok = c.token("anna.byrne").await;
    let (status, all) = c.get(BOOKINGS, Some(&tok)).await;
    assert_eq!(status, 200, "{all}");
    let list = all.as_array().expect("plain array");
    assert_eq!(
        keys(&list[0]),
        sorted(&[
            "id",
            "booking_id",
            "confirmation_number",
            "status",
            "check_in",
            "check_out",
            "nights",
            "adults",
            "children",
            "guest_name",
            "guest_email",
            "guest_phone",
            "hotel_name",
            "room_type_name",
            "total_amount",
            "currency",
            "paid_at",
            "created_at",
        ])
    );
    let arrivals = list.iter().filter(|b| b["check_in"] == today(0)).count();
    let departures = list.iter().filter(|b| b["check_out"] == today(0)).count();
    assert_eq!((arrivals, departures), (12, 12), "the seeded day");
    let (_, from_today) = c
        .get(&format!("{BOOKINGS}?start_date={}", today(0)), Some(&tok))
        .await;
    assert!(from_today
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b["check_in"].as_str() >= Some(today(0).as_str())));
    let (_, ending) = c
        .get(&format!("{BOOKINGS}?end_date={}", today(0)), Some(&tok))
        .await;
    assert!(!ending.as_array().unwrap().is_empty());
    assert!(ending
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b["check_out"].as_str() <= Some(today(0).as_str())));
    let (status, bad) = c
        .get(&format!("{BOOKINGS}?start_date=monday"), Some(&tok))
        .await;
    assert_eq!(
        (status, bad),
        (
            400,
            json!({"error": "Invalid start_date format. Use YYYY-MM-DD"})
        )
    );
}

#[tokio::test]
async fn the_2026_sandbox_has_none_of_the_classic_desk() {
    let c = start_generation(Generation::Hotelmate2026).await;
    let tok = c.token("anna.byrne").await;
    for path in [DUE_OUT, BOOKINGS] {
        let (status, _) = c.get(path, Some(&tok)).await;
        assert_eq!(status, 404, "{path}");
    }
}
