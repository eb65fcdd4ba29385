//! `cargo xtask bench chat` (after the core's chat bench, in the private test session): issue 28
//! item 2, "a guest can freeze the desk". One guest writes 10,000 messages in 90 s (about 111 a
//! second, from a few concurrent HTTP clients on an even schedule) into room 102's conversation
//! while the real desk window sits signed in as anna.byrne on the Messages screen with the list
//! shown and that thread closed (so the messages stay unread and toasts show). Measured:
//!
//! - keeping up: from the last message sent (its POST answered: the server has stored it and
//!   published its events) until the desk's own SQLite file holds all 10,000, counted read-only
//!   every 200 ms; beside it, a pusher-js client on the same conversation channel of the same
//!   sandbox (the reference), and when it had received all 10,000 `new-message` events;
//! - the window: every gap between animation frames, from a `requestAnimationFrame` monitor put
//!   in the desk window over WebDriver, through the flood and the catch-up (the same monitor
//!   over 5 idle seconds before the flood is printed beside it);
//! - memory: resident memory every second, of the desk process and of the desk with the WebKit
//!   processes it started, with their CPU time.
//!
//! The desk is the release build (`cargo xtask bench chat` builds it), as a hotel runs it.
//!
//! Goals: everything stored within 10 s of the last message, no gap between frames over 100 ms,
//! the desk process's resident memory under 400 MiB (what the issue measured: 215 MiB growing to
//! 800). The desk's WebKit processes (the desk window's, the reception display's and WebKit's
//! network process) hold about 570 MiB more at rest: their total is printed, with its growth.
//! The desk that never catches up is given 120 s
//! after the last message. Prints a table, writes `target/bench/guest_flood.json`, and exits
//! non-zero when a goal is missed. `--messages N --seconds S` change the flood (default 10,000
//! in 90 s).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::Client;
use hotelmate_e2e::{
    app_usage, as_user, click, desk_threads_cpu, number_flag, sign_in, until, AppProfile, AppUsage,
    Driver,
};
use hotelmate_sandbox::{Sandbox, SandboxHandle};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Room 102's conversation in the seed (Mary O'Brien's, everything in it read).
const ROOM_102: i64 = 2;
/// The concurrent HTTP clients of the guest's flood.
const SENDERS: usize = 4;
const COUNT_EVERY: Duration = Duration::from_millis(200);
const SAMPLE_EVERY: Duration = Duration::from_secs(1);
const PROGRESS_EVERY: Duration = Duration::from_secs(10);
/// The list shown and the desk subscribed to every conversation channel before the flood.
const SETTLE: Duration = Duration::from_secs(5);
const IDLE_FRAMES: Duration = Duration::from_secs(5);
/// A desk that has not stored everything this long after the last message is reported as not
/// caught up.
const CATCH_UP_DEADLINE: Duration = Duration::from_secs(120);
const CATCH_UP_GOAL: Duration = Duration::from_secs(10);
const FRAME_GAP_GOAL_MS: f64 = 100.0;
const RESIDENT_GOAL_MIB: f64 = 400.0;
/// How long the window may take to answer WebDriver once the flood is over.
const WINDOW_ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// What a guest with a lot to say writes (each about 100 to 200 characters with its number).
const GUEST_TEXTS: [&str; 8] = [
    "Hello again, could someone bring two extra pillows and a spare blanket up to the room when you have a moment?",
    "The shower drains very slowly and there is water on the bathroom floor; could maintenance have a look today?",
    "Is it possible to book a table for four in the restaurant tonight at around half past seven, by the window?",
    "We would like a late checkout tomorrow, ideally 1 pm, as our flight is in the evening. Is that possible?",
    "The Wi-Fi keeps dropping in the room every few minutes. Is there another network we could use instead?",
    "Could you order us a taxi to the airport for 6:15 tomorrow morning, please? There will be three of us with bags.",
    "Sorry to bother you, the air conditioning is making a loud rattling noise and we cannot sleep. Can you help?",
    "Do you have an iron and an ironing board we could borrow for an hour? We have a wedding to go to this afternoon.",
];

fn guest_text(seq: usize, total: usize) -> String {
    format!(
        "{} (message {seq} of {total})",
        GUEST_TEXTS[seq % GUEST_TEXTS.len()]
    )
}

/// The flags this harness takes.
const FLAGS: &[&str] = &["--messages", "--seconds"];

fn epoch_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The guest's flood: `total` messages at an even rate over `over`, message `i` sent by client
/// `i % SENDERS` no earlier than its turn (a client that falls behind sends at once).
struct Flood {
    sent: Arc<AtomicUsize>,
    failed: Arc<AtomicUsize>,
    /// When the latest POST was answered, in µs after the flood started.
    last_answer_us: Arc<AtomicU64>,
    senders: Vec<tokio::task::JoinHandle<Vec<i64>>>,
}

impl Flood {
    fn start(server: &SandboxHandle, total: usize, over: Duration, started: Instant) -> Self {
        let sent = Arc::new(AtomicUsize::new(0));
        let failed = Arc::new(AtomicUsize::new(0));
        let last_answer_us = Arc::new(AtomicU64::new(0));
        let url = format!(
            "{}/api/chat/killarney/conversations/{ROOM_102}/messages/send/",
            server.base_url()
        );
        let senders = (0..SENDERS)
            .map(|client| {
                let (sent, failed, last_answer_us, url) = (
                    sent.clone(),
                    failed.clone(),
                    last_answer_us.clone(),
                    url.clone(),
                );
                tokio::spawn(async move {
                    // Its own connection, as separate browsers of one guest would have.
                    let http = reqwest::Client::new();
                    let mut ids = Vec::new();
                    for i in (client..total).step_by(SENDERS) {
                        let due = started + over.mul_f64(i as f64 / total as f64);
                        tokio::time::sleep_until(due.into()).await;
                        // No token: the server stores a guest message.
                        let answer = http
                            .post(&url)
                            .json(&json!({ "message": guest_text(i + 1, total) }))
                            .send()
                            .await;
                        let id = match answer {
                            Ok(answer) if answer.status().is_success() => answer
                                .json::<Value>()
                                .await
                                .ok()
                                .and_then(|v| v["message"]["id"].as_i64()),
                            _ => None,
                        };
                        last_answer_us
                            .fetch_max(started.elapsed().as_micros() as u64, Ordering::SeqCst);
                        match id {
                            Some(id) => ids.push(id),
                            None => {
                                failed.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                        sent.fetch_add(1, Ordering::SeqCst);
                    }
                    ids
                })
            })
            .collect();
        Self {
            sent,
            failed,
            last_answer_us,
            senders,
        }
    }
}

/// The pusher-js reference on the flood's conversation channel (tests/node/chat_flood_client.js).
struct Reference {
    child: tokio::process::Child,
    state: Arc<Mutex<ReferenceState>>,
}

#[derive(Debug, Default, Clone, Copy)]
struct ReferenceState {
    ready: bool,
    count: u64,
    /// When it had every message (epoch µs).
    all_at_us: Option<u64>,
    last_at_us: u64,
}

impl Reference {
    async fn start(server: &SandboxHandle, after_id: i64, expected: usize) -> Self {
        let dir = std::env::var_os("PUSHER_JS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| hotelmate_e2e::workspace_root().join("tests/node"));
        assert!(
            dir.join("node_modules/pusher-js").exists(),
            "pusher-js missing: run `npm ci` in {} (cargo xtask setup does)",
            dir.display()
        );
        let pusher = server.pusher();
        let channel = format!("{}-conversation-{ROOM_102}-chat", server.hotel_slug());
        let mut child =
            tokio::process::Command::new(std::env::var("NODE").unwrap_or("node".into()))
                .current_dir(&dir)
                .arg("chat_flood_client.js")
                .args([
                    pusher.host.clone(),
                    pusher.port.to_string(),
                    pusher.key.clone(),
                    channel,
                    after_id.to_string(),
                    expected.to_string(),
                ])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .expect("node starts (cargo xtask setup installs it)");
        let state = Arc::new(Mutex::new(ReferenceState::default()));
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let seen = state.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let Ok(said) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                let mut state = seen.lock().unwrap();
                match said["type"].as_str() {
                    Some("ready") => state.ready = true,
                    Some("all") => {
                        state.count = said["count"].as_u64().unwrap_or(0);
                        state.all_at_us = said["at_us"].as_u64();
                        state.last_at_us = state.all_at_us.unwrap_or(0);
                    }
                    Some("progress") => {
                        state.count = said["count"].as_u64().unwrap_or(0);
                        state.last_at_us = said["last_at_us"].as_u64().unwrap_or(0);
                    }
                    _ => {}
                }
            }
        });
        let reference = Self { child, state };
        let deadline = Instant::now() + hotelmate_e2e::UI_TIMEOUT;
        while !reference.now().ready {
            assert!(
                Instant::now() < deadline,
                "the pusher-js client did not subscribe"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        reference
    }

    fn now(&self) -> ReferenceState {
        *self.state.lock().unwrap()
    }

    async fn stop(mut self) -> ReferenceState {
        // One more second for its last progress line, then its input closes and it ends.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        drop(self.child.stdin.take());
        let _ = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
        self.now()
    }
}

/// Starts (again) the frame monitor in the window: every gap between animation frames.
async fn frames_start(app: &Client) {
    app.execute(
        "const monitor = { gaps: [], long: [], last: performance.now(), running: true };
         if (window.__guestFloodFrames) window.__guestFloodFrames.running = false;
         window.__guestFloodFrames = monitor;
         const tick = (now) => {
           if (!monitor.running) return;
           const gap = now - monitor.last;
           monitor.gaps.push(Math.round(gap * 10) / 10);
           if (gap > 100) monitor.long.push([Math.round(performance.timeOrigin + monitor.last), Math.round(gap)]);
           monitor.last = now;
           requestAnimationFrame(tick);
         };
         requestAnimationFrame(tick);",
        vec![],
    )
    .await
    .unwrap();
}

/// The frames since [`frames_start`] (the gap still open counts as one) and what the window
/// shows of the flood's conversation; `None` when the window did not answer in time.
async fn frames_take(app: &Client) -> Option<Value> {
    let take = app.execute(
        "const monitor = window.__guestFloodFrames;
         monitor.running = false;
         const open = performance.now() - monitor.last;
         const row = document.querySelector(`[data-testid=conversation][data-conversation-id='${arguments[0]}']`);
         const badge = row && row.querySelector('[data-testid=conversation-unread]');
         return { gaps: monitor.gaps.concat([Math.round(open * 10) / 10]),
                  long: open > 100 ? monitor.long.concat([[Math.round(performance.timeOrigin + monitor.last), Math.round(open)]]) : monitor.long,
                  badge: badge ? badge.textContent.trim() : null,
                  title: document.title };",
        vec![Value::from(ROOM_102)],
    );
    match tokio::time::timeout(WINDOW_ANSWER_TIMEOUT, take).await {
        Ok(Ok(value)) => Some(value),
        Ok(Err(error)) => {
            eprintln!("the window's frame monitor could not be read: {error}");
            None
        }
        Err(_) => None,
    }
}

/// Longest gap, 99th percentile and gaps over the goal, in ms.
#[derive(Debug, Clone, Copy)]
struct FrameSummary {
    frames: usize,
    longest_ms: f64,
    p99_ms: f64,
    over_goal: usize,
}

fn summarize(frames: &Value) -> FrameSummary {
    let mut gaps: Vec<f64> = frames["gaps"]
        .as_array()
        .map(|gaps| gaps.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    gaps.sort_by(f64::total_cmp);
    let p99 = if gaps.is_empty() {
        f64::NAN
    } else {
        gaps[(gaps.len() * 99).div_ceil(100).saturating_sub(1)]
    };
    FrameSummary {
        frames: gaps.len(),
        longest_ms: gaps.last().copied().unwrap_or(f64::NAN),
        p99_ms: p99,
        over_goal: gaps.iter().filter(|g| **g > FRAME_GAP_GOAL_MS).count(),
    }
}

/// How many of the flood's messages the desk has stored (its own SQLite file, read-only).
fn stored(db: &rusqlite::Connection, after_id: i64) -> u64 {
    db.query_row(
        "SELECT count(*) FROM chat_messages WHERE conversation_id = ?1 AND id > ?2",
        [ROOM_102, after_id],
        |row| row.get(0),
    )
    .unwrap_or(0)
}

/// Toasts shown so far on the desk's computer (it logs every notification).
fn toasts(profile: &AppProfile) -> usize {
    profile.notifications().matches("member=Notify").count()
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    at: Duration,
    sent: usize,
    stored: u64,
    reference: u64,
    usage: AppUsage,
}

fn sample_json(s: &Sample) -> Value {
    json!({
        "at_s": s.at.as_secs_f64(),
        "sent": s.sent,
        "desk_stored": s.stored,
        "pusher_js_received": s.reference,
        "desk_rss_kib": s.usage.desk_rss_kib,
        "desk_and_webkit_rss_kib": s.usage.total_rss_kib,
        "desk_cpu_s": s.usage.desk_cpu.as_secs_f64(),
        "desk_and_webkit_cpu_s": s.usage.total_cpu.as_secs_f64(),
    })
}

fn frames_json(summary: &FrameSummary) -> Value {
    json!({
        "frames": summary.frames,
        "longest_gap_ms": summary.longest_ms,
        "p99_gap_ms": summary.p99_ms,
        "gaps_over_100_ms": summary.over_goal,
    })
}

/// Settles the desk: signed in as anna.byrne, on the Messages screen with the flood's
/// conversation listed (not opened), subscribed to its channel.
async fn desk_on_messages(app: &Client, server: &SandboxHandle) {
    sign_in(app, server, "anna.byrne").await;
    click(app, "[data-testid=nav-messages]").await;
    until("the Messages list shows room 102", || async {
        app.execute(
            "return !!document.querySelector(`[data-testid=conversation][data-conversation-id='${arguments[0]}']`);",
            vec![Value::from(ROOM_102)],
        )
        .await
        .is_ok_and(|shown| shown == Value::Bool(true))
    })
    .await;
    tokio::time::sleep(hotelmate_e2e::bench_span(SETTLE)).await;
}

#[tokio::main]
async fn main() -> ExitCode {
    let total = number_flag("--messages", FLAGS, 10_000) as usize;
    let over = Duration::from_secs(number_flag("--seconds", FLAGS, 90));
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("guest-flood");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    desk_on_messages(&app, &server).await;

    let thread = as_user(
        &server,
        "anna.byrne",
        reqwest::Method::GET,
        &format!("/api/chat/killarney/conversations/{ROOM_102}/messages/?limit=1"),
    )
    .await;
    let after_id = thread[0]["id"].as_i64().expect("room 102 has a message");
    let db = rusqlite::Connection::open_with_flags(
        profile.data_dir.path().join("desk.sqlite3"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("the desk's database is there once signed in");
    db.busy_timeout(Duration::from_secs(1)).unwrap();
    let reference = Reference::start(&server, after_id, total).await;

    frames_start(&app).await;
    tokio::time::sleep(hotelmate_e2e::bench_span(IDLE_FRAMES)).await;
    let idle = frames_take(&app)
        .await
        .map(|f| summarize(&f))
        .expect("the idle window answers");
    let toasts_before = toasts(&profile);
    let usage_before = app_usage(&profile);
    let threads_before = desk_threads_cpu(&profile);
    println!(
        "guest flood: {total} messages in {} s ({:.0}/s) from {SENDERS} clients into room 102's conversation; the desk (anna.byrne) on the Messages list",
        over.as_secs(),
        total as f64 / over.as_secs_f64()
    );
    println!(
        "before: desk {:.0} MiB, desk and WebKit {:.0} MiB; idle window: longest frame gap {:.0} ms",
        mib(usage_before.desk_rss_kib),
        mib(usage_before.total_rss_kib),
        idle.longest_ms
    );
    println!(
        "{:>6} {:>7} {:>12} {:>10} {:>9} {:>14}",
        "t s", "sent", "desk stored", "pusher-js", "desk MiB", "+WebKit MiB"
    );

    frames_start(&app).await;
    let started = Instant::now();
    let started_epoch_us = epoch_us();
    let flood = Flood::start(&server, total, over, started);
    let mut samples: Vec<Sample> = Vec::new();
    let mut ticker = tokio::time::interval(COUNT_EVERY);
    let mut next_sample = Duration::ZERO;
    let mut next_progress = PROGRESS_EVERY;
    let mut stored_all_at = None;
    let mut last_sent = None;
    loop {
        ticker.tick().await;
        let at = started.elapsed();
        let stored_now = stored(&db, after_id);
        if stored_now >= total as u64 && stored_all_at.is_none() {
            stored_all_at = Some(at);
        }
        let sent = flood.sent.load(Ordering::SeqCst);
        if sent == total && last_sent.is_none() {
            last_sent = Some(Duration::from_micros(
                flood.last_answer_us.load(Ordering::SeqCst),
            ));
        }
        if at >= next_sample {
            next_sample += SAMPLE_EVERY;
            let sample = Sample {
                at,
                sent,
                stored: stored_now,
                reference: reference.now().count,
                usage: app_usage(&profile),
            };
            if at >= next_progress {
                next_progress += PROGRESS_EVERY;
                println!(
                    "{:>6.0} {:>7} {:>12} {:>10} {:>9.0} {:>14.0}",
                    at.as_secs_f64(),
                    sample.sent,
                    sample.stored,
                    sample.reference,
                    mib(sample.usage.desk_rss_kib),
                    mib(sample.usage.total_rss_kib)
                );
            }
            samples.push(sample);
        }
        match (last_sent, stored_all_at) {
            (Some(_), Some(_)) => break,
            (Some(last), None) if at > last + CATCH_UP_DEADLINE => break,
            _ => {}
        }
    }
    let frames = frames_take(&app).await;
    let window_answered_after = started.elapsed();
    let end = Sample {
        at: started.elapsed(),
        sent: total,
        stored: stored(&db, after_id),
        reference: reference.now().count,
        usage: app_usage(&profile),
    };
    samples.push(end);
    let threads: Vec<(String, f64)> = desk_threads_cpu(&profile)
        .into_iter()
        .map(|(name, cpu)| {
            let before = threads_before
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(Duration::ZERO, |(_, cpu)| *cpu);
            (name, cpu.saturating_sub(before).as_secs_f64())
        })
        .filter(|(_, cpu)| *cpu >= 0.1)
        .collect();
    let toasts_shown = toasts(&profile) - toasts_before;
    let reference = reference.stop().await;
    let mut ids = Vec::new();
    for sender in flood.senders {
        ids.extend(sender.await.unwrap());
    }
    let failed = flood.failed.load(Ordering::SeqCst);
    drop(db);
    app.close().await.ok();
    drop(driver);
    server.shutdown().await;
    let logs = profile.keep_logs();

    // The figures.
    let last_sent = last_sent.unwrap();
    let caught_up = stored_all_at.map(|at| at.as_secs_f64() - last_sent.as_secs_f64());
    let reference_after = reference
        .all_at_us
        .map(|at| (at as f64 - started_epoch_us as f64) / 1e6 - last_sent.as_secs_f64());
    let flood_frames = frames.as_ref().map(summarize);
    let peak = |of: fn(&AppUsage) -> u64| samples.iter().map(|s| of(&s.usage)).max().unwrap_or(0);
    let desk_peak = peak(|u| u.desk_rss_kib);
    let total_peak = peak(|u| u.total_rss_kib);
    let cpu = |of: fn(&AppUsage) -> Duration| {
        of(&end.usage)
            .saturating_sub(of(&usage_before))
            .as_secs_f64()
    };
    let (desk_cpu, total_cpu) = (cpu(|u| u.desk_cpu), cpu(|u| u.total_cpu));
    let elapsed = end.at.as_secs_f64();

    let keeps_up = caught_up.is_some_and(|s| s <= CATCH_UP_GOAL.as_secs_f64());
    let smooth = flood_frames.is_some_and(|f| f.longest_ms <= FRAME_GAP_GOAL_MS);
    let lean = mib(desk_peak) < RESIDENT_GOAL_MIB;
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };

    println!();
    println!(
        "guest flood: {} of {total} messages sent ({failed} failed); the last one answered {:.1} s after the first was due",
        ids.len(),
        last_sent.as_secs_f64()
    );
    let row = |label: &str, value: String, goal: &str, ok: Option<bool>| {
        println!(
            "  {label:<50} {value:<58} {goal:<14} {}",
            ok.map_or("", verdict)
        );
    };
    let after_last = |value: Option<f64>, missing: String| match value {
        Some(s) => format!("{s:.1} s after it was sent"),
        None => missing,
    };
    let waited = (end.at.as_secs_f64() - last_sent.as_secs_f64()).round();
    println!("keeping up");
    row(
        &format!("the desk stored the last of {total}"),
        after_last(
            caught_up,
            format!(
                "not caught up: {} of {total} stored after {waited} s",
                end.stored
            ),
        ),
        &format!("<= {} s", CATCH_UP_GOAL.as_secs()),
        Some(keeps_up),
    );
    row(
        &format!("pusher-js received the last of {total} (reference)"),
        after_last(
            reference_after,
            format!("only {} of {total} received in {waited} s", reference.count),
        ),
        "",
        None,
    );
    println!("the desk window's frames (gaps between animation frames)");
    let frames_value = |f: Option<FrameSummary>| {
        f.map_or("the window did not answer".to_owned(), |f| {
            format!(
                "longest {:.0} ms, p99 {:.0} ms, {} of {} over 100 ms",
                f.longest_ms, f.p99_ms, f.over_goal, f.frames
            )
        })
    };
    row(
        &format!(
            "idle, the {:.1} s before the flood (reference)",
            hotelmate_e2e::bench_span(IDLE_FRAMES).as_secs_f64()
        ),
        frames_value(Some(idle)),
        "",
        None,
    );
    row(
        "flood and catch-up",
        frames_value(flood_frames),
        "<= 100 ms",
        Some(smooth),
    );
    println!("resident memory (before the flood, peak, end)");
    row(
        "desk process",
        format!(
            "{:.0}, {:.0}, {:.0} MiB",
            mib(usage_before.desk_rss_kib),
            mib(desk_peak),
            mib(end.usage.desk_rss_kib)
        ),
        &format!("< {RESIDENT_GOAL_MIB:.0} MiB"),
        Some(lean),
    );
    row(
        "desk and its WebKit processes",
        format!(
            "{:.0}, {:.0}, {:.0} MiB (grew {:.0})",
            mib(usage_before.total_rss_kib),
            mib(total_peak),
            mib(end.usage.total_rss_kib),
            mib(total_peak) - mib(usage_before.total_rss_kib)
        ),
        "",
        None,
    );
    println!("besides");
    row(
        "CPU time, desk / desk and WebKit",
        format!("{desk_cpu:.1} s / {total_cpu:.1} s in {elapsed:.1} s"),
        "",
        None,
    );
    let mut busiest = threads.clone();
    busiest.sort_by(|a, b| b.1.total_cmp(&a.1));
    row(
        "the desk's busiest threads (CPU time)",
        busiest
            .iter()
            .take(4)
            .map(|(name, cpu)| format!("{name} {cpu:.1} s"))
            .collect::<Vec<_>>()
            .join(", "),
        "",
        None,
    );
    // Absolute times on a shared machine are noisy: what else ran says how much.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().next().unwrap_or("?");
    row(
        "the machine's load (1 min) at the end",
        format!(
            "{load} on {} cores",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        ),
        "",
        None,
    );
    row("toasts shown", toasts_shown.to_string(), "", None);
    row(
        "the window at the end",
        format!(
            "unread badge {}, title {:?}, answered {:.1} s in",
            frames
                .as_ref()
                .and_then(|f| f["badge"].as_str().map(str::to_owned))
                .unwrap_or_else(|| "-".into()),
            frames
                .as_ref()
                .and_then(|f| f["title"].as_str())
                .unwrap_or("-"),
            window_answered_after.as_secs_f64()
        ),
        "",
        None,
    );
    let long_gaps: Vec<Value> = frames
        .as_ref()
        .and_then(|f| f["long"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(|pair| {
            let at_ms = pair[0].as_f64().unwrap_or(0.0);
            json!({"at_s": at_ms / 1000.0 - started_epoch_us as f64 / 1e6, "gap_ms": pair[1]})
        })
        .collect();
    let report = json!({
        "messages": total,
        "flood_s": over.as_secs_f64(),
        "senders": SENDERS,
        "conversation_id": ROOM_102,
        "sent": ids.len(),
        "failed": failed,
        "last_sent_s": last_sent.as_secs_f64(),
        "desk": {
            "stored": end.stored,
            "all_stored_s": stored_all_at.map(|at| at.as_secs_f64()),
            "caught_up_after_last_s": caught_up,
        },
        "pusher_js": {
            "received": reference.count,
            "all_received_after_last_s": reference_after,
        },
        "frames": {
            "idle": frames_json(&idle),
            "flood_and_catch_up": flood_frames.as_ref().map(frames_json),
            "long_gaps": long_gaps,
            "window_answered_s": window_answered_after.as_secs_f64(),
        },
        "memory": {
            "desk_before_kib": usage_before.desk_rss_kib,
            "desk_peak_kib": desk_peak,
            "desk_end_kib": end.usage.desk_rss_kib,
            "desk_and_webkit_before_kib": usage_before.total_rss_kib,
            "desk_and_webkit_peak_kib": total_peak,
            "desk_and_webkit_end_kib": end.usage.total_rss_kib,
        },
        "cpu_s": {
            "desk": desk_cpu,
            "desk_and_webkit": total_cpu,
            "elapsed": elapsed,
            "desk_threads": threads.iter().map(|(name, cpu)| json!({"thread": name, "cpu_s": cpu})).collect::<Vec<_>>(),
        },
        "toasts": toasts_shown,
        "load_average_1min": load,
        "goals": {
            "caught_up_within_s": CATCH_UP_GOAL.as_secs_f64(),
            "longest_frame_gap_ms": FRAME_GAP_GOAL_MS,
            "resident_mib": RESIDENT_GOAL_MIB,
            "met": {"keeps_up": keeps_up, "frames": smooth, "memory": lean},
        },
        "samples": samples.iter().map(sample_json).collect::<Vec<_>>(),
    });
    if let Some(logs) = &logs {
        println!("the desk's log: {}", logs.display());
    }
    let out = hotelmate_e2e::bench_dir();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("guest_flood.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
    // A short run's figures are not measurements (`bench_short`).
    if (keeps_up && smooth && lean) || hotelmate_e2e::bench_short() {
        ExitCode::SUCCESS
    } else {
        eprintln!("guest flood: a goal was missed (the table above says which)");
        ExitCode::FAILURE
    }
}
