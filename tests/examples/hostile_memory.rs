//! `cargo xtask bench hostile` (in the private test session): what two hostile inputs of issue
//! 36 cost the real window now, with the figures the issue measured on 40bce7f beside them.
//!
//! - 36.4: a hotel with 30,000 guests' conversations. Time from choosing Messages to the list
//!   counting them all, to its last row drawn, and the resident memory of the desk and of its
//!   WebKit processes at the peak (was: the screen frozen ~55 s, the web process ~6 GB).
//! - 36.1: a guest sends a GIF whose logical screen is 1×1 and whose one frame is 16000×16000.
//!   The WebKit processes' peak resident memory with the thread showing it, against before
//!   opening it (was: 0.23 → 1.34 GB in 2 s, peak 1.57 GB).
//!
//! Memory is sampled every 100 ms from /proc. Prints a table and writes
//! `target/bench/hostile.json`. `--conversations N` changes the hotel (default 30000).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::{Duration, Instant};

use hotelmate_e2e::{
    app_usage, bench_span, click, content_of, listed_count, number_flag, sign_in, until_explained,
    AppProfile, Driver,
};
use hotelmate_sandbox::Sandbox;
use serde_json::{json, Value};

const FLAGS: &[&str] = &["--conversations"];
const ROOM_102: i64 = 2;

/// The peaks of the app's resident memory over a while, in MiB: the desk process, and the
/// processes it started (WebKit's web and network processes).
#[derive(Debug, Default, Clone, Copy)]
struct Peak {
    desk_mib: f64,
    web_mib: f64,
}

impl Peak {
    fn sample(&mut self, profile: &AppProfile) {
        let usage = app_usage(profile);
        let desk = usage.desk_rss_kib as f64 / 1024.0;
        let web = usage.total_rss_kib.saturating_sub(usage.desk_rss_kib) as f64 / 1024.0;
        self.desk_mib = self.desk_mib.max(desk);
        self.web_mib = self.web_mib.max(web);
    }
}

/// Samples the app's memory every 100 ms until `done` is true (or `limit` passes); how long it
/// took, and the peaks.
async fn sample_until<F, Fut>(
    profile: &AppProfile,
    limit: Duration,
    mut done: F,
) -> (Option<Duration>, Peak)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    let mut peak = Peak::default();
    loop {
        peak.sample(profile);
        if done().await {
            return (Some(start.elapsed()), peak);
        }
        if start.elapsed() > limit {
            return (None, peak);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Samples the app's memory for `full` (a tenth of it in a short run, [`bench_span`]): the
/// peaks over a time the harness watches on purpose.
async fn watch(profile: &AppProfile, full: Duration) -> (Option<Duration>, Peak) {
    sample_until(profile, bench_span(full), || async { false }).await
}

/// A GIF whose logical screen is 1×1 and whose one frame is 16000×16000, its image data one
/// LZW stream that starts and ends at once: the size is in the frame's header, which is what a
/// decoder allocates for.
fn frame_bomb_gif() -> Vec<u8> {
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&1u16.to_le_bytes());
    gif.extend_from_slice(&1u16.to_le_bytes());
    gif.extend_from_slice(&[0x80, 0, 0]); // a global colour table of two colours
    gif.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
    gif.push(0x2C); // the image descriptor
    gif.extend_from_slice(&[0, 0, 0, 0]);
    gif.extend_from_slice(&16_000u16.to_le_bytes());
    gif.extend_from_slice(&16_000u16.to_le_bytes());
    gif.push(0);
    gif.push(2); // LZW minimum code size
    gif.extend_from_slice(&[2, 0x4C, 0x01, 0]); // clear, end of information
    gif.push(0x3B);
    gif
}

/// A guest sends `bytes` as a file named `name` into room 102's conversation.
async fn guest_sends(
    server: &hotelmate_sandbox::SandboxHandle,
    name: &str,
    mime: &str,
    bytes: Vec<u8>,
) {
    let form = reqwest::multipart::Form::new().part(
        "files",
        reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str(mime)
            .unwrap(),
    );
    let sent = reqwest::Client::new()
        .post(format!(
            "{}/api/chat/killarney/conversations/{ROOM_102}/upload-attachment/",
            server.base_url()
        ))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success(), "{}", sent.status());
}

/// What a crafted picture cost: what, how long until shown, the peaks.
type Cost = (String, String, Peak);

/// The pictures of issue 63.1, as `(file name, MIME type, bytes, what it is)`.
fn crafted_pictures() -> Vec<(String, &'static str, Vec<u8>, String)> {
    use hotelmate_e2e::crafted::{animated_webp, png_claiming};
    let mut pictures = vec![(
        "two-headers.png".to_owned(),
        "image/png",
        png_claiming((16_000, 16_000), 16, Some((1, 1))),
        "a PNG whose headers say 16000×16000, then 1×1".to_owned(),
    )];
    for n in 1..=4 {
        pictures.push((
            format!("hundred-mp-{n}.png"),
            "image/png",
            png_claiming((10_000, 10_000), 16, None),
            format!("100 MP PNG {n} of 4 in one thread"),
        ));
    }
    pictures.push((
        "frames.webp".to_owned(),
        "image/webp",
        animated_webp(99, (1000, 1000)),
        "a WebP of 99 frames of 1000×1000".to_owned(),
    ));
    pictures
}

/// Whether every picture of the thread named in `names` is drawn (loaded, or its placeholder).
async fn thread_pictures_drawn(app: &fantoccini::Client, names: &[String]) -> bool {
    app.execute(
        "const names = arguments[0];
         const imgs = [...document.querySelectorAll('[data-testid=thread] img')];
         return names.every(n => imgs.some(i => i.alt === n && i.complete));",
        vec![json!(names)],
    )
    .await
    .unwrap()
        == json!(true)
}

/// Each crafted picture sent into the thread on screen, and what the window held with it.
async fn crafted_in_thread(
    app: &fantoccini::Client,
    profile: &AppProfile,
    server: &hotelmate_sandbox::SandboxHandle,
) -> Vec<Cost> {
    let mut costs = Vec::new();
    let mut sent: Vec<String> = Vec::new();
    for (name, mime, bytes, what) in crafted_pictures() {
        let size = bytes.len();
        guest_sends(server, &name, mime, bytes).await;
        sent.push(name);
        // The newest is in view (the thread follows new messages); the window loads a picture
        // scrolled out of view only when it comes back into view.
        let newest = sent[sent.len() - 1..].to_vec();
        let (shown, _) = sample_until(profile, Duration::from_secs(60), || async {
            thread_pictures_drawn(app, &newest).await
        })
        .await;
        let (_, held) = watch(profile, Duration::from_secs(5)).await;
        costs.push((
            format!("thread: {what} ({} KB)", size / 1024),
            seconds(shown),
            held,
        ));
    }
    costs
}

/// The crafted pictures in a gallery of the lobby display (a hostile server's, or a colleague's
/// upload the server kept as it came), and what the display held while showing them, on a
/// desk of its own (a lobby PC, which shows nothing else).
async fn crafted_on_the_display(server: &hotelmate_sandbox::SandboxHandle) -> Vec<Cost> {
    let token = hotelmate_e2e::token_of(server, "sean.murphy").await;
    let client = reqwest::Client::new();
    let galleries: Value = client
        .get(format!(
            "{}/api/staff/hotel/killarney/galleries/",
            server.base_url()
        ))
        .header("Authorization", format!("Token {token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The lobby shows six gallery pictures a round: the crafted ones alone, in a gallery of
    // their own with the others hidden, so it shows them from the start.
    let galleries_path = format!("{}/api/staff/hotel/killarney/galleries/", server.base_url());
    for gallery in galleries["results"].as_array().unwrap() {
        let hidden = client
            .patch(format!("{galleries_path}{}/", gallery["id"]))
            .header("Authorization", format!("Token {token}"))
            .json(&json!({"is_active": false}))
            .send()
            .await
            .unwrap();
        assert!(hidden.status().is_success(), "{}", hidden.status());
    }
    let created: Value = client
        .post(&galleries_path)
        .header("Authorization", format!("Token {token}"))
        .json(&json!({"name": "Crafted", "category": "other", "is_active": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let gallery = created["id"].as_i64().unwrap();
    for (name, mime, bytes, _) in crafted_pictures() {
        let form = reqwest::multipart::Form::new().part(
            "image",
            reqwest::multipart::Part::bytes(bytes)
                .file_name(name)
                .mime_str(mime)
                .unwrap(),
        );
        let answer = client
            .post(format!(
                "{}/api/staff/hotel/killarney/galleries/{gallery}/upload_image/",
                server.base_url()
            ))
            .header("Authorization", format!("Token {token}"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{}", answer.status());
    }
    // The hotel's hero and logo, which the display shows from its first moment, are crafted too.
    let pictures = crafted_pictures();
    let settings = reqwest::multipart::Form::new()
        .part(
            "hero_image",
            reqwest::multipart::Part::bytes(pictures[0].2.clone())
                .file_name(pictures[0].0.clone())
                .mime_str(pictures[0].1)
                .unwrap(),
        )
        .part(
            "logo",
            reqwest::multipart::Part::bytes(pictures[5].2.clone())
                .file_name(pictures[5].0.clone())
                .mime_str(pictures[5].1)
                .unwrap(),
        );
    let answer = client
        .patch(format!(
            "{}/api/staff/hotel/killarney/settings/",
            server.base_url()
        ))
        .header("Authorization", format!("Token {token}"))
        .multipart(settings)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    let profile = AppProfile::new("hostile-display");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, server, "anna.byrne").await;
    let (_, before) = watch(&profile, Duration::from_secs(3)).await;
    click(&app, "[data-testid=open-display]").await;
    hotelmate_e2e::switch_to(&app, true).await;
    let (_, showing) = watch(&profile, Duration::from_secs(60)).await;
    app.close().await.unwrap();
    vec![
        (
            "lobby desk: signed in, before the display opens".to_owned(),
            String::new(),
            before,
        ),
        (
            format!(
                "display: its gallery holds them ({:.0} s)",
                bench_span(Duration::from_secs(60)).as_secs_f64()
            ),
            String::new(),
            showing,
        ),
    ]
}

fn seconds(d: Option<Duration>) -> String {
    d.map_or_else(
        || "never".to_owned(),
        |d| format!("{:.1} s", d.as_secs_f64()),
    )
}

#[tokio::main]
async fn main() {
    let conversations = number_flag("--conversations", FLAGS, 30_000);
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let added = Instant::now();
    server
        .add_guest_conversations(usize::try_from(conversations).unwrap())
        .unwrap();
    println!(
        "hostile inputs on the real window: {conversations} conversations added in {:.1} s",
        added.elapsed().as_secs_f64()
    );
    let profile = AppProfile::new("hostile-memory");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    let (_, signed_in) = watch(&profile, Duration::from_secs(3)).await;

    // 36.4: the list of every conversation.
    let wanted = conversations + 5;
    click(&app, "[data-testid=nav-messages]").await;
    let (counted, list_peak) = sample_until(&profile, Duration::from_secs(300), || async {
        listed_count(&app).await == wanted
    })
    .await;
    let scrolled = Instant::now();
    hotelmate_e2e::scroll_conversations_to_end(&app).await;
    until_explained(
        "the last conversation is drawn",
        || async {
            app.execute(
                "return document.querySelector(`li[aria-posinset='${arguments[0]}']`) !== null;",
                vec![json!(wanted)],
            )
            .await
            .unwrap()
                == json!(true)
        },
        || async {
            content_of(&app, "[data-testid=chat-count]")
                .await
                .unwrap_or_default()
        },
    )
    .await;
    let to_end = scrolled.elapsed();
    let rows: u64 = app
        .execute(
            "return document.querySelectorAll('[data-testid=conversation]').length;",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    let (_, settled) = watch(&profile, Duration::from_secs(20)).await;

    // 36.1: the guest's GIF, in the thread on screen.
    guest_sends(&server, "sunset.gif", "image/gif", frame_bomb_gif()).await;
    // The guest's conversation is now the newest: at the top of the list.
    app.execute(
        "document.querySelector('ul[aria-label=Conversations]').parentElement.scrollTop = 0;",
        vec![],
    )
    .await
    .unwrap();
    let row = format!("[data-testid=conversation][data-conversation-id='{ROOM_102}']");
    until_explained(
        "the guest's conversation is drawn",
        || async { app.find(fantoccini::Locator::Css(&row)).await.is_ok() },
        || async { String::new() },
    )
    .await;
    let (_, before_gif) = watch(&profile, Duration::from_secs(2)).await;
    click(
        &app,
        &format!("[data-testid=conversation][data-conversation-id='{ROOM_102}']"),
    )
    .await;
    let (shown, _) = sample_until(&profile, Duration::from_secs(30), || async {
        app.execute(
            "return [...document.querySelectorAll('[data-testid=thread] img')]
               .some(i => i.alt === 'sunset.gif' && i.complete && i.naturalWidth > 0);",
            vec![],
        )
        .await
        .unwrap()
            == json!(true)
    })
    .await;
    let (_, with_gif) = watch(&profile, Duration::from_secs(5)).await;
    let gif_size: Value = app
        .execute(
            "const i = [...document.querySelectorAll('[data-testid=thread] img')].find(i => i.alt === 'sunset.gif');
             return i ? [i.naturalWidth, i.naturalHeight] : null;",
            vec![],
        )
        .await
        .unwrap();

    // 63.1: crafted pictures in the thread on screen, then in the lobby's gallery.
    let crafted = crafted_in_thread(&app, &profile, &server).await;
    app.close().await.unwrap();
    drop(driver);
    let lobby = crafted_on_the_display(&server).await;

    println!();
    println!(
        "{:<46} {:>12} {:>14} {:>14}",
        "", "time", "desk MiB", "WebKit MiB"
    );
    let line = |what: &str, time: String, peak: Peak| {
        println!(
            "{what:<46} {time:>12} {:>14.0} {:>14.0}",
            peak.desk_mib, peak.web_mib
        );
    };
    line(
        &format!(
            "signed in ({:.1} s)",
            bench_span(Duration::from_secs(3)).as_secs_f64()
        ),
        String::new(),
        signed_in,
    );
    line(
        &format!("Messages counts {wanted} conversations"),
        seconds(counted),
        list_peak,
    );
    line(
        "scrolled to the last row",
        format!("{:.1} s", to_end.as_secs_f64()),
        settled,
    );
    line(
        "before the guest's GIF is opened",
        String::new(),
        before_gif,
    );
    line(
        &format!("thread with the 16000×16000 GIF ({gif_size})"),
        seconds(shown),
        with_gif,
    );
    for (what, time, peak) in &crafted {
        line(what, time.clone(), *peak);
    }
    for (what, time, peak) in &lobby {
        line(what, time.clone(), *peak);
    }
    println!("rows in the page for {wanted} conversations: {rows}");
    println!("issue 63.1 on b50393a: the two-header PNG took the staff window's web process to 1.5 GB (1.19 GB held after); four 100 MP PNGs in one thread 2.8 GB; 99 frames of 1000×1000 in a WebP 654 MB");
    println!("issue 36 on 40bce7f: 30,000 conversations froze Messages ~55 s, web process ~6 GB; the GIF took the web process 0.23 → 1.34 GB (peak 1.57 GB)");

    let report = json!({
        "conversations": wanted,
        "list_counted_s": counted.map(|d| d.as_secs_f64()),
        "scrolled_to_end_s": to_end.as_secs_f64(),
        "rows_in_page": rows,
        "list_peak": { "desk_mib": list_peak.desk_mib, "web_mib": list_peak.web_mib },
        "settled": { "desk_mib": settled.desk_mib, "web_mib": settled.web_mib },
        "before_gif": { "desk_mib": before_gif.desk_mib, "web_mib": before_gif.web_mib },
        "with_gif": { "desk_mib": with_gif.desk_mib, "web_mib": with_gif.web_mib },
        "gif_shown_as": gif_size,
        "crafted": crafted.iter().chain(&lobby).map(|(what, time, peak)| json!({
            "what": what, "time": time, "desk_mib": peak.desk_mib, "web_mib": peak.web_mib,
        })).collect::<Vec<_>>(),
    });
    let dir = hotelmate_e2e::bench_dir();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hostile.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
}
