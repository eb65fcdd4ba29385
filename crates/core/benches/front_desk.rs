//! `cargo bench -p hotelmate-core --bench front_desk` (or `cargo xtask bench front-desk`): the
//! Front desk screen with a real hotel's numbers (issue 66.9), from the desk's own SQLite file,
//! beside the least any desk must do in the same run.
//!
//! - 300 rooms on the board in every state, and 600 bookings of a fortnight, every one of them
//!   in today's three lists at once (200 arrivals, 200 departures, 200 in house: more than any
//!   real day, so an upper bound);
//! - paint: the day as the screen receives it (the three lists and the board, built from the
//!   stored rows and encoded for the webview), median and p99 of 50 opens, beside reading the
//!   same rows from the file and encoding them as they are (no lines built, no sorting);
//! - search: 200 searches (a guest's name or its beginning, a booking or confirmation number, a
//!   room), p50 and p99, beside a plain lower-cased `contains` over the same lines' texts.
//!
//! Goals: paint under 100 ms, search p99 under 50 ms. The webview's own painting is not in these
//! figures. Prints a table and writes `target/bench/front_desk.json`; a missed goal fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

#[path = "support/short.rs"]
mod short;

use std::time::{Duration, Instant};

use hotelmate_core::engine::store::{Row, Store};
use hotelmate_core::features::front_desk::FrontDesk;
use hotelmate_core::session::config::DataDir;
use hotelmate_core::session::secrets::TokenVault;
use hotelmate_core::{Desk, DeskOptions};
use serde_json::{json, Value};

fn rooms() -> usize {
    short::size(300, 30)
}
fn bookings() -> usize {
    short::size(600, 60)
}
fn opens() -> usize {
    short::size(50, 3)
}
fn searches() -> usize {
    short::size(200, 10)
}

const FIRST: [&str; 12] = [
    "Aisling", "Seán", "Niamh", "Tadhg", "Maria", "Jürgen", "Chloé", "Oisín", "Kate", "Liam",
    "Siobhán", "Zoë",
];
const LAST: [&str; 10] = [
    "Moran",
    "O'Connor",
    "Müller",
    "Lynch",
    "Byrne",
    "Fitzgerald",
    "Dubois",
    "Walsh",
    "Kelly",
    "Ní Bhriain",
];
const STATUSES: [&str; 7] = [
    "READY_FOR_GUEST",
    "CHECKOUT_DIRTY",
    "CLEANING_IN_PROGRESS",
    "CLEANED_UNINSPECTED",
    "MAINTENANCE_REQUIRED",
    "OUT_OF_ORDER",
    "OCCUPIED",
];

/// A deterministic sequence (the same hotel on every run).
struct Sequence(u64);

impl Sequence {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        ((self.0 >> 33) as usize) % below
    }
}

fn row(value: Value) -> Row {
    value.as_object().cloned().unwrap()
}

/// Booking `n` as the room-bookings list gives it (§15.2), under a numeric id for the store.
fn booking(n: usize, random: &mut Sequence) -> Row {
    let guest = format!(
        "{} {}",
        FIRST[random.next(FIRST.len())],
        LAST[random.next(LAST.len())]
    );
    let day = 1 + random.next(14);
    let nights = 1 + random.next(5);
    row(json!({
        "id": n + 1,
        "booking_id": format!("RB-2026-{:04}", n + 1),
        "confirmation_number": format!("KIL-{:06}", 480_000 + n * 37),
        "guest_display_name": guest,
        "check_in": format!("2026-12-{day:02}"),
        "check_out": format!("2026-12-{:02}", day + nights),
        "nights": nights,
        "assigned_room_number": (random.next(3) > 0).then(|| 100 + random.next(rooms())),
        "party_total_count": 2,
        "party_missing_count": random.next(2),
        "status": "CONFIRMED",
        "total_amount": format!("{}.00", 120 * nights),
        "currency": "EUR",
        "is_new_for_staff": random.next(5) == 0,
        "special_requests": "Late arrival, quiet room away from the lift if possible.",
    }))
}

/// The housekeeping dashboard (§15.1) with `rooms()` rooms spread over every state.
fn dashboard(random: &mut Sequence) -> Row {
    let mut by_status: serde_json::Map<String, Value> = serde_json::Map::new();
    for n in 0..rooms() {
        let status = STATUSES[random.next(STATUSES.len())];
        let room_type = ["Double", "Twin", "Family", "Suite"][random.next(4)];
        let room = json!({
            "id": n + 1,
            "room_number": 100 + n,
            "room_type": room_type,
            "maintenance_required": false,
            "last_cleaned_at": "2026-11-30T09:12:00Z",
            "cleaned_by_staff_name": "Peadar Ó Sé",
            "last_inspected_at": "2026-11-30T10:02:00Z",
        });
        by_status
            .entry(status)
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .unwrap()
            .push(room);
    }
    let counts: serde_json::Map<String, Value> = by_status
        .iter()
        .map(|(status, rooms)| (status.clone(), json!(rooms.as_array().unwrap().len())))
        .collect();
    row(json!({
        "id": 1,
        "counts": counts,
        "rooms_by_status": by_status,
        "total_rooms": rooms(),
    }))
}

fn percentile(mut samples: Vec<Duration>, p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn timed(mut work: impl FnMut() -> usize) -> Duration {
    let started = Instant::now();
    std::hint::black_box(work());
    started.elapsed()
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::at(dir.path());
    let mut random = Sequence(66);
    {
        let store = Store::open(&data.database(), hotelmate_core::features::LOCAL_DATA).unwrap();
        let all: Vec<Row> = (0..bookings()).map(|n| booking(n, &mut random)).collect();
        let third = all.len() / 3;
        for (list, rows) in ["arrivals", "departures", "in_house"]
            .into_iter()
            .zip(all.chunks(third))
        {
            store.replace_records(list, rows.to_vec()).unwrap();
        }
        store
            .replace_records("room_board", vec![dashboard(&mut random)])
            .unwrap();
    }
    let mut options = DeskOptions::new(data.clone());
    options.vault = TokenVault::with_service(format!("hotelmate-bench-{}", std::process::id()));
    options.toasts = false;
    let desk = Desk::open(options).unwrap();
    let front_desk = desk.handle::<FrontDesk>();
    let store = Store::open(&data.database(), hotelmate_core::features::LOCAL_DATA).unwrap();

    let today = front_desk.day("").unwrap();
    assert_eq!(
        today.arrivals.len() + today.departures.len() + today.in_house.len(),
        bookings() / 3 * 3,
        "every stored booking is on the screen"
    );
    assert_eq!(
        today.rooms.iter().map(|g| g.rooms.len()).sum::<usize>(),
        rooms()
    );

    let paint: Vec<Duration> = (0..opens())
        .map(|_| {
            timed(|| {
                serde_json::to_string(&front_desk.day("").unwrap())
                    .unwrap()
                    .len()
            })
        })
        .collect();
    let plain_paint: Vec<Duration> = (0..opens())
        .map(|_| {
            timed(|| {
                ["arrivals", "departures", "in_house", "room_board"]
                    .iter()
                    .map(|list| {
                        serde_json::to_string(&store.records(list).unwrap())
                            .unwrap()
                            .len()
                    })
                    .sum()
            })
        })
        .collect();

    let lines: Vec<String> = today
        .arrivals
        .iter()
        .chain(&today.departures)
        .chain(&today.in_house)
        .map(|b| {
            format!(
                "{} {} {} {}",
                b.guest,
                b.booking_id,
                b.confirmation_number,
                b.room_number.map(|n| n.to_string()).unwrap_or_default()
            )
            .to_lowercase()
        })
        .collect();
    let queries: Vec<String> = (0..searches())
        .map(|n| match n % 4 {
            0 => FIRST[random.next(FIRST.len())].to_owned(),
            1 => LAST[random.next(LAST.len())].chars().take(3).collect(),
            2 => format!("{:04}", 1 + random.next(bookings())),
            _ => (100 + random.next(rooms())).to_string(),
        })
        .collect();
    let mut found_any = 0;
    let search: Vec<Duration> = queries
        .iter()
        .map(|query| {
            timed(|| {
                let day = front_desk.day(query).unwrap();
                let found = day.arrivals.len() + day.departures.len() + day.in_house.len();
                found_any += usize::from(found > 0);
                found
            })
        })
        .collect();
    assert!(
        found_any * 2 > queries.len(),
        "most searches find someone ({found_any} of {})",
        queries.len()
    );
    let plain_search: Vec<Duration> = queries
        .iter()
        .map(|query| {
            let query = query.to_lowercase();
            timed(|| lines.iter().filter(|line| line.contains(&query)).count())
        })
        .collect();

    let rows = [
        (
            "paint, median",
            percentile(paint.clone(), 0.5),
            percentile(plain_paint.clone(), 0.5),
            100.0,
        ),
        (
            "paint, p99",
            percentile(paint, 0.99),
            percentile(plain_paint, 0.99),
            100.0,
        ),
        (
            "search, p50",
            percentile(search.clone(), 0.5),
            percentile(plain_search.clone(), 0.5),
            50.0,
        ),
        (
            "search, p99",
            percentile(search, 0.99),
            percentile(plain_search, 0.99),
            50.0,
        ),
    ];
    println!(
        "\nFront desk, {} rooms and {} bookings (all in today's lists), from the desk's copy",
        rooms(),
        bookings()
    );
    println!(
        "{:<16} {:>10} {:>12} {:>8}",
        "case", "desk ms", "plain ms", "goal ms"
    );
    let mut missed = Vec::new();
    let mut json_rows = Vec::new();
    for (case, ours, plain, goal) in rows {
        println!(
            "{case:<16} {:>10.2} {:>12.2} {goal:>8.0}",
            ms(ours),
            ms(plain)
        );
        json_rows.push(
            json!({"case": case, "desk_ms": ms(ours), "plain_ms": ms(plain), "goal_ms": goal}),
        );
        if ms(ours) > goal {
            missed.push(case);
        }
    }
    let out = short::out_dir();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("front_desk.json"),
        serde_json::to_string_pretty(
            &json!({"rooms": rooms(), "bookings": bookings(), "rows": json_rows}),
        )
        .unwrap(),
    )
    .unwrap();
    if !short::short() {
        assert!(missed.is_empty(), "goals missed: {missed:?}");
    }
}
