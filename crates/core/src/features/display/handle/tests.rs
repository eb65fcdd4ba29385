use std::time::Instant;

use super::*;

#[test]
fn each_lockout_doubles_the_next_until_an_hour() {
    let mut guard = PinGuard::default();
    let mut waits = Vec::new();
    for _ in 0..8 {
        for _ in 0..PIN_ATTEMPTS {
            guard.wrong();
        }
        let until = guard.locked_until.unwrap();
        waits.push(until.duration_since(Instant::now()).as_secs_f64().round() as u64);
        assert!(guard.check_open().is_err(), "locked");
        // The wait is over.
        guard.locked_until = Some(Instant::now());
        assert!(guard.check_open().is_ok());
    }
    assert_eq!(waits, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
    guard.right();
    for _ in 0..PIN_ATTEMPTS {
        guard.wrong();
    }
    let until = guard.locked_until.unwrap();
    assert_eq!(
        until.duration_since(Instant::now()).as_secs_f64().round() as u64,
        60,
        "a right answer starts over"
    );
}

#[test]
fn the_hotels_date_follows_its_time_zone() {
    // Kiritimati is UTC+14 and Niue UTC-11: never the same date.
    assert_ne!(today_in("Pacific/Kiritimati"), today_in("Pacific/Niue"));
    assert_eq!(
        today_in("Not/A_Zone"),
        chrono::Local::now().date_naive(),
        "an unknown zone is this computer's date"
    );
    assert!(time_zones().iter().any(|z| z == "Europe/Dublin"));
}

fn offer(active: bool, from: Option<&str>, to: Option<&str>) -> Offer {
    Offer {
        id: 1,
        title: "Spa".into(),
        short_description: String::new(),
        details_text: String::new(),
        details_html: String::new(),
        valid_from: from.map(str::to_owned),
        valid_to: to.map(str::to_owned),
        tag: String::new(),
        book_now_url: String::new(),
        photo_url: None,
        photo_pending: false,
        sort_order: 0,
        is_active: active,
        created_at: None,
        restored: false,
        sync: crate::engine::view::RowSync::Synced,
    }
}

#[test]
fn only_offers_bookable_today_are_shown() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    assert!(bookable_on(&offer(true, None, None), today));
    assert!(bookable_on(
        &offer(true, Some("2026-11-22"), Some("2026-11-22")),
        today
    ));
    assert!(
        !bookable_on(&offer(false, None, None), today),
        "switched off"
    );
    assert!(
        !bookable_on(&offer(true, Some("2026-11-23"), None), today),
        "not yet"
    );
    assert!(
        !bookable_on(&offer(true, None, Some("2026-11-21")), today),
        "over"
    );
}
