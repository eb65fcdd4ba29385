//! Contract tests for the clock toggle (Decision 5), the on-duty staff list (§7.2, §13.20) and the face clock
//! answers (§13.18).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common::{keys, sorted, start};
use serde_json::{json, Value};

#[tokio::test]
async fn clock_toggles_and_fires_clock_status_updated() {
    let c = start().await;
    let t = c.token("niamh.kelly").await;
    let mut ws = c.ws().await;
    ws.subscribe("hotel-killarney").await;
    let (_, me) = c.get("/api/staff/killarney/me/", Some(&t)).await;
    assert_eq!(me["is_on_duty"], false);
    let (s, v) = c
        .send(
            reqwest::Method::POST,
            "/api/staff/killarney/clock/",
            Some(&t),
            None,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(keys(&v), sorted(&["success", "is_on_duty", "clock_time"]));
    assert_eq!(v["success"], true);
    assert_eq!(v["is_on_duty"], true);
    let events = ws.drain(300).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, "clock-status-updated");
    let p = &events[0].2;
    assert_eq!(
        keys(p),
        sorted(&[
            "user_id",
            "staff_id",
            "is_on_duty",
            "clock_time",
            "first_name",
            "last_name",
            "action",
            "department",
            "department_slug"
        ])
    );
    assert_eq!(p["action"], "clock_in");
    assert_eq!(p["staff_id"], me["id"]);
    assert_eq!(p["first_name"], "Niamh");
    assert_eq!(p["department"], "Front Office");
    assert_eq!(p["department_slug"], "front-office");
    assert!(p["clock_time"].as_str().unwrap().ends_with("+00:00"));
    let (_, me) = c.get("/api/staff/killarney/me/", Some(&t)).await;
    assert_eq!(me["is_on_duty"], true);
    let (_, v) = c
        .send(
            reqwest::Method::POST,
            "/api/staff/killarney/clock/",
            Some(&t),
            None,
        )
        .await;
    assert_eq!(v["is_on_duty"], false);
    let events = ws.drain(300).await;
    assert_eq!(events[0].2["action"], "clock_out");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn clock_needs_a_token_and_the_own_hotel() {
    let c = start().await;
    let (s, v) = c
        .send(
            reqwest::Method::POST,
            "/api/staff/killarney/clock/",
            None,
            None,
        )
        .await;
    assert_eq!(
        (s, v),
        (
            401,
            json!({"detail": "Authentication credentials were not provided."})
        )
    );
    let t = c.token("ciara.walsh").await;
    let (s, _) = c
        .send(
            reqwest::Method::POST,
            "/api/staff/killarney/clock/",
            Some(&t),
            None,
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = c.get("/api/staff/killarney/clock/", Some(&t)).await;
    assert_eq!(s, 405);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn staff_list_excludes_the_caller_and_shows_is_on_duty() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c
        .get(
            "/api/staff/hotel/killarney/staff_chat/staff-list/",
            Some(&t),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(keys(&v), sorted(&["count", "next", "previous", "results"]));
    let results = v["results"].as_array().unwrap();
    assert!(results.len() >= 3);
    assert!(results.iter().all(|s| s["first_name"] != "Anna"));
    for s in results {
        assert_eq!(
            keys(s),
            sorted(&[
                "id",
                "first_name",
                "last_name",
                "full_name",
                "email",
                "phone_number",
                "department",
                "role",
                "is_active",
                "is_on_duty",
                "hotel_name",
                "profile_image_url"
            ])
        );
        assert!(s["is_on_duty"].is_boolean());
        assert!(s.get("duty_status").is_none());
    }
    let names: Vec<&str> = results
        .iter()
        .map(|s| s["first_name"].as_str().unwrap())
        .collect();
    let mut sorted_names = names.clone();
    sorted_names.sort();
    assert_eq!(names, sorted_names);
    let (_, v) = c
        .get(
            "/api/staff/hotel/killarney/staff_chat/staff-list/?search=housekeeping",
            Some(&t),
        )
        .await;
    assert!(v["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["department"]["slug"] == "housekeeping"));
    let (_, v) = c
        .get(
            "/api/staff/hotel/killarney/staff_chat/staff-list/?page_size=1",
            Some(&t),
        )
        .await;
    assert_eq!(v["results"].as_array().unwrap().len(), 1);
    assert!(
        v["next"]
            .as_str()
            .unwrap()
            .ends_with("/staff-list/?page=2&page_size=1"),
        "{}",
        v["next"]
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn staff_list_of_another_hotel_is_empty_not_an_error() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c
        .get(
            "/api/staff/hotel/galway-bay/staff_chat/staff-list/",
            Some(&t),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["count"], 0);
    assert_eq!(v["results"], Value::Array(vec![]));
    let (s, _) = c
        .get("/api/staff/hotel/killarney/staff_chat/staff-list/", None)
        .await;
    assert_eq!(s, 401);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn face_clock_in_answers_400_or_an_unrecognised_401() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let path = "/api/attendance/clock-logs/face-clock-in/killarney/";
    let (s, v) = c
        .post(path, Some(&t), json!({"descriptor": [0.1, 0.2]}))
        .await;
    assert_eq!(
        (s, v),
        (
            400,
            json!({"error": "A 128\u{2011}length descriptor array is required."})
        )
    );
    let r = c
        .http
        .post(c.url(path))
        .header("Authorization", format!("Token {t}"))
        .json(&json!({"descriptor": vec![0.5; 128]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(
        r.headers().get("www-authenticate").is_none(),
        "not an auth failure"
    );
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"error": "Face not recognized."})
    );
    c.sandbox.shutdown().await;
}
