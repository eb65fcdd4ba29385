//! Keeps the demo hotel alive: now and then a guest writes, a colleague clocks in or out, or the manager edits
//! an offer. Each action goes through the same functions as the REST handlers, so the same events fire
//! (a guest's message those of the generation the sandbox plays).
//! Off in tests; the demo turns it on.

use std::time::Duration;

use rand::Rng;
use serde_json::{json, Value};

use crate::api::{chat, chat_model, offers, staff};
use crate::auth::staff_of_user;
use crate::body::RequestData;
use crate::errors::ApiError;
use crate::state::AppState;

/// Pause between two simulated actions: uniformly in this range.
const MIN_PAUSE: Duration = Duration::from_secs(20);
const MAX_PAUSE: Duration = Duration::from_secs(50);
const DEMO_HOTEL_ID: i64 = 1;
/// The colleague who edits offers (Seán Murphy, the manager).
const MANAGER_USER_ID: i64 = 2;
/// The staff member the demo logs in as never acts by themselves.
const DEMO_DESK_STAFF_ID: i64 = 1;

const GUEST_LINES: &[&str] = &[
    "Could we have two more pillows, please?",
    "Is it possible to book a table for dinner at 8?",
    "What time does the spa close today?",
    "Can we check out a bit later tomorrow, around 1pm?",
    "The TV remote in our room isn't working.",
    "Do you have an umbrella we could borrow?",
    "Could you recommend a good walk around the lake?",
    "Thanks for the lovely welcome!",
];
const OFFER_TAGS: &[&str] = &[
    "Weekend Deal",
    "Last rooms!",
    "New",
    "Bestseller",
    "Limited",
    "Spa",
];

/// One simulated action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    GuestWrites,
    ColleagueClocks,
    ManagerEditsOffer,
}

/// One action, as often as the demo's hotel has them: half are guests writing.
pub(crate) fn random_action() -> Action {
    match rand::rng().random_range(0..10) {
        0..=4 => Action::GuestWrites,
        5..=7 => Action::ColleagueClocks,
        _ => Action::ManagerEditsOffer,
    }
}

/// Runs until aborted.
pub(crate) async fn run(state: AppState) {
    loop {
        let pause = rand::rng().random_range(MIN_PAUSE..MAX_PAUSE);
        let action = random_action();
        tokio::time::sleep(pause).await;
        if let Err(e) = step(&state, action) {
            tracing::warn!(?action, status = %e.status(), "simulated action failed");
        }
    }
}

/// Performs one action now.
pub(crate) fn step(state: &AppState, action: Action) -> Result<(), ApiError> {
    match action {
        Action::GuestWrites => {
            let conversations = chat_model::conversations_of(&state.db(), DEMO_HOTEL_ID)?;
            let (conv, line) = {
                let mut rng = rand::rng();
                if conversations.is_empty() {
                    return Ok(());
                }
                let conv = conversations[rng.random_range(0..conversations.len())].clone();
                (conv, GUEST_LINES[rng.random_range(0..GUEST_LINES.len())])
            };
            chat::send_message(state, &conv, chat_model::Sender::Guest, line, None)?;
        }
        Action::ColleagueClocks => {
            let ids: Vec<i64> = {
                let db = state.db();
                let mut stmt = db.prepare(
                    "SELECT id FROM staff WHERE hotel_id = ?1 AND id != ?2 AND is_active = 1",
                )?;
                let rows = stmt.query_map([DEMO_HOTEL_ID, DEMO_DESK_STAFF_ID], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            if ids.is_empty() {
                return Ok(());
            }
            let id = ids[rand::rng().random_range(0..ids.len())];
            staff::toggle_clock(state, id)?;
        }
        // The 2026 backend has no offers (API.md §10.2): its manager edits none.
        Action::ManagerEditsOffer if state.generation == crate::Generation::Hotelmate2026 => {}
        Action::ManagerEditsOffer => {
            let manager = staff_of_user(&state.db(), MANAGER_USER_ID)?
                .ok_or_else(|| ApiError::no_match("Staff"))?;
            let offers = offers::list_rows(&state.db(), manager.hotel_id)?;
            if offers.is_empty() {
                return Ok(());
            }
            let (id, tag) = {
                let mut rng = rand::rng();
                (
                    offers[rng.random_range(0..offers.len())].id,
                    OFFER_TAGS[rng.random_range(0..OFFER_TAGS.len())],
                )
            };
            let mut data = RequestData {
                is_json: true,
                ..RequestData::default()
            };
            if let Value::Object(m) = json!({ "tag": tag }) {
                data.fields = m;
            }
            offers::update_offer(state, &manager, id, &data, true)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::PusherInfo;

    fn state() -> (AppState, tempfile::TempDir) {
        state_of(crate::Generation::Classic)
    }

    fn state_of(generation: crate::Generation) -> (AppState, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open(&dir.path().join("db.sqlite3")).unwrap();
        crate::seed::seed_if_empty(&conn, &dir.path().join("media")).unwrap();
        let pusher = PusherInfo {
            app_id: "1".into(),
            key: "k".into(),
            secret: "s".into(),
            host: "127.0.0.1".into(),
            port: 0,
            tls: false,
        };
        (
            AppState::new(
                conn,
                dir.path().join("media"),
                "http://127.0.0.1:0".into(),
                pusher,
                generation,
            ),
            dir,
        )
    }

    #[test]
    fn every_simulated_action_succeeds_on_the_seeded_hotel() {
        let (state, _dir) = state();
        let messages_before: i64 = state
            .db()
            .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))
            .unwrap();
        for action in [
            Action::GuestWrites,
            Action::ColleagueClocks,
            Action::ManagerEditsOffer,
        ] {
            step(&state, action).unwrap();
        }
        let messages_after: i64 = state
            .db()
            .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))
            .unwrap();
        assert_eq!(messages_after, messages_before + 1);
    }

    #[test]
    fn a_simulated_guest_on_the_2026_backend_fires_only_its_events() {
        use crate::pusher::hub::Outgoing;
        let (state, _dir) = state_of(crate::Generation::Hotelmate2026);
        let mut socket = state.hub.connect("1.1");
        let mut channels = vec![
            "killarney.staff-1-notifications".to_string(),
            "killarney-staff-1-chat".to_string(),
            "killarney-new-conversation".to_string(),
        ];
        for id in 1..=5 {
            channels.push(format!("killarney-conversation-{id}-chat"));
        }
        for room in [101, 102, 204, 305, 310] {
            channels.push(format!("killarney-room-{room}-chat"));
        }
        for channel in &channels {
            state.hub.subscribe("1.1", channel, None);
        }
        for _ in 0..12 {
            step(&state, Action::GuestWrites).unwrap();
        }
        let mut events = Vec::new();
        while let Ok(Outgoing::Text(frame)) = socket.try_recv() {
            let frame: Value = serde_json::from_str(&frame).unwrap();
            let event = frame["event"].as_str().unwrap();
            if !event.starts_with("pusher_internal:") {
                events.push(event.to_string());
            }
        }
        assert!(
            events.iter().any(|e| e == "realtime_event"),
            "twelve guests wrote and none was heard: {events:?}"
        );
        assert!(
            events
                .iter()
                .all(|e| e == "realtime_event" || e == "new-guest-message"),
            "{events:?}"
        );
    }

    #[test]
    fn the_2026_manager_edits_no_offer_and_tells_no_hotel_channel() {
        use crate::pusher::hub::Outgoing;
        let (state, _dir) = state_of(crate::Generation::Hotelmate2026);
        let mut socket = state.hub.connect("1.1");
        state.hub.subscribe("1.1", "hotel-killarney", None);
        let writes = || -> String {
            state
                .db()
                .query_row(
                    "SELECT group_concat(id || ':' || tag, ',') FROM offers",
                    [],
                    |r| r.get(0),
                )
                .unwrap()
        };
        let before = writes();
        for _ in 0..5 {
            step(&state, Action::ManagerEditsOffer).unwrap();
        }
        assert_eq!(writes(), before);
        let mut heard = Vec::new();
        while let Ok(Outgoing::Text(frame)) = socket.try_recv() {
            if !frame.contains("pusher_internal:") {
                heard.push(frame);
            }
        }
        assert!(
            heard.is_empty(),
            "the hotel channel carries nothing at 2026: {heard:?}"
        );
    }
}
