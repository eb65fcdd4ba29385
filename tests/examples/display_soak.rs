//! `cargo xtask bench soak` (in the private test session): a reception display runs through 24
//! simulated hours of hotel activity, sped up: the sandbox's simulator plays about 100 actions
//! a simulated hour (guests write, colleagues clock in and out, the manager edits offers) while
//! the display follows them live. Every simulated hour the resident memory of the app's
//! processes (the desk and its WebKit processes) and the display's DOM are sampled: the page
//! around the stage (which must not grow: no notes, overlays or listeners piling up) and the
//! slides on the stage (at most two, the one fading out and the one fading in), since the slide
//! on screen changes the count.
//!
//! Prints a table, writes `target/bench/soak.json`, and fails when resident memory at the end is
//! more than 10% above the second hour's (after warm-up), the page around the stage grew by more
//! than 10%, or the stage ever held more than two slides.
//! `cargo xtask bench soak --hours 72 --seconds-per-hour 5` changes the run (default 24 and 5).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use hotelmate_e2e::{app_usage, click, number_flag, sign_in, switch_to, until, AppProfile, Driver};
use hotelmate_sandbox::Sandbox;
use serde_json::json;

const ACTIONS_PER_HOUR: usize = 100;
/// Resident memory and DOM may end at most this much above where they were after warm-up.
const GROWTH_ALLOWED: f64 = 0.10;

/// The flags this harness takes.
const FLAGS: &[&str] = &["--hours", "--seconds-per-hour"];

#[tokio::main]
async fn main() {
    let hours = number_flag("--hours", FLAGS, 24);
    let seconds_per_hour = number_flag("--seconds-per-hour", FLAGS, 5);
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("soak");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    until("the display shows its offers", || async {
        app.find(fantoccini::Locator::Css("[data-testid=display-offers]"))
            .await
            .is_ok()
    })
    .await;

    let pause = Duration::from_secs(seconds_per_hour) / ACTIONS_PER_HOUR as u32;
    let mut samples = Vec::new();
    println!("reception display soak: {hours} simulated hours, {ACTIONS_PER_HOUR} actions each, {seconds_per_hour} s each");
    println!(
        "{:>5} {:>10} {:>10} {:>12} {:>8}",
        "hour", "actions", "RSS MiB", "page nodes", "slides"
    );
    for hour in 1..=hours {
        let mut done = 0;
        for _ in 0..ACTIONS_PER_HOUR {
            done += server.simulate(1);
            tokio::time::sleep(pause).await;
        }
        // Let the last events land before sampling.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let dom = app
            .execute(
                "const stage = document.querySelector('.rd-stage');
                 const all = document.getElementsByTagName('*').length;
                 return [all - (stage ? stage.getElementsByTagName('*').length : 0),
                         stage ? stage.querySelectorAll(':scope > .rd-layer').length : 0];",
                vec![],
            )
            .await
            .unwrap();
        let (page, slides) = (dom[0].as_u64().unwrap(), dom[1].as_u64().unwrap());
        let rss = app_usage(&profile).total_rss_kib;
        println!(
            "{hour:>5} {done:>10} {:>10.1} {page:>12} {slides:>8}",
            rss as f64 / 1024.0
        );
        samples.push((hour, rss, page, slides));
    }
    // The lobby's two screen sizes, as a guest sees them after a day (the README's pictures).
    for (width, height, name) in [
        (1920, 1080, "display-1920x1080"),
        (3840, 2160, "display-3840x2160"),
    ] {
        app.set_window_rect(0, 0, width, height).await.unwrap();
        tokio::time::sleep(Duration::from_secs(3)).await;
        hotelmate_e2e::screenshot(&app, name).await;
    }
    app.close().await.unwrap();
    server.shutdown().await;

    // After warm-up (the first hour loads every photo and fills caches).
    let warm = samples.get(1).or(samples.first()).copied().unwrap();
    let last = *samples.last().unwrap();
    let rss_growth = last.1 as f64 / warm.1 as f64 - 1.0;
    let dom_growth = last.2 as f64 / warm.2 as f64 - 1.0;
    let most_slides = samples.iter().map(|s| s.3).max().unwrap_or(0);
    println!(
        "resident memory {:+.1}% and the page around the stage {:+.1}% from hour {} to hour {}; at most {most_slides} slides on the stage",
        rss_growth * 100.0,
        dom_growth * 100.0,
        warm.0,
        last.0
    );
    let out = hotelmate_e2e::workspace_root().join("target/bench");
    std::fs::create_dir_all(&out).unwrap();
    let report = json!({
        "hours": hours,
        "actions_per_hour": ACTIONS_PER_HOUR,
        "samples": samples.iter().map(|(h, rss, page, slides)| json!({"hour": h, "rss_kib": rss, "page_nodes": page, "stage_slides": slides})).collect::<Vec<_>>(),
        "rss_growth": rss_growth,
        "page_growth": dom_growth,
        "most_slides": most_slides,
    });
    std::fs::write(
        out.join("soak.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
    assert!(
        rss_growth <= GROWTH_ALLOWED,
        "resident memory grew {:.1}%",
        rss_growth * 100.0
    );
    assert!(
        dom_growth <= GROWTH_ALLOWED,
        "the page around the stage grew {:.1}%",
        dom_growth * 100.0
    );
    assert!(most_slides <= 2, "the stage held {most_slides} slides");
}
