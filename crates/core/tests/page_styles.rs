//! A section's style variants named from the server's public presets (issue 65 item 2, API.md
//! §17.7, Decision 14): where a preset of the section's type says which `style_variant` it is,
//! the menu offers its name and description; elsewhere, and with an empty table (a fresh
//! server), "Style N". The presets are read from `GET /api/public/presets/` at the start and
//! when the page's screen is opened, never on the timer, and never from the staff
//! `presets/grouped/` (a 500). A hostile table (a huge name, 10 000 presets, markup) is bounded
//! and kept as text. Real sandbox (2026 generation) over HTTP, real SQLite files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::events::View;
use hotelmate_core::features::public_page::{PageSection, PublicPageHandle};
use hotelmate_core::Desk;
use hotelmate_sandbox::SandboxHandle;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);
const PRESETS: &str = "GET /api/public/presets/";
const PUBLIC: &str = "GET /api/public/hotel/killarney/page/";

fn section(desk: &Desk, name: &str) -> Option<PageSection> {
    desk.handle::<PublicPageHandle>()
        .get()
        .unwrap()
        .and_then(|p| p.sections.into_iter().find(|s| s.name == name))
}

fn menu(desk: &Desk, name: &str) -> Vec<String> {
    section(desk, name)
        .map(|s| s.styles.into_iter().map(|c| c.name).collect())
        .unwrap_or_default()
}

fn style_n() -> Vec<String> {
    (1..=5).map(|n| format!("Style {n}")).collect()
}

fn preset(section_type: &str, name: &str, description: &str, variant: i64) -> Value {
    json!({"target_type": "section", "section_type": section_type, "key": format!("k{variant}{name:.8}"),
        "name": name, "description": description, "is_default": variant == 1,
        "config": {"style_variant": variant, "layout": "grid"}})
}

/// The asks of the staff presets' paths: never made (the grouped one is a 500, §17.7).
fn staff_preset_asks(server: &SandboxHandle) -> Vec<String> {
    server
        .request_counts()
        .into_keys()
        .filter(|line| line.contains("/presets/") && !line.starts_with(PRESETS))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_style_menu_names_the_variants_the_public_presets_name_and_keeps_style_n_elsewhere() {
    let server = sandbox_2026().await;
    let mut table = vec![
        preset(
            "hero",
            "Centred title",
            "Title and text over the picture",
            1,
        ),
        preset("hero", "<script>alert('x')</script><b>Dark</b>", "", 2),
        preset("hero", &"Long ".repeat(20_000), &"words ".repeat(20_000), 3),
        preset("gallery", "Slideshow", "One photo at a time", 2),
        // A layout preset as the reference script writes them: it names no variant.
        json!({"target_type": "section", "section_type": "list", "key": "list_columns",
            "name": "Three columns", "description": "", "is_default": true,
            "config": {"layout": "grid"}}),
    ];
    // 10 000 card presets, then one that would name the hero's fifth variant: past the bound.
    table.extend((0..10_000).map(|i| {
        json!({"target_type": "card", "section_type": null, "key": format!("card_{i}"),
            "name": format!("Card {i}"), "description": "", "is_default": false, "config": {}})
    }));
    table.push(preset("hero", "Too far down", "", 5));
    server.set_presets(&table).unwrap();

    let home = Home::new("page-styles");
    let desk = home.open();
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    eventually("the hero's menu is named", WAIT, || async {
        menu(&desk, "Welcome").first().map(String::as_str) == Some("Centred title")
    })
    .await;
    let hero = section(&desk, "Welcome").unwrap();
    let names: Vec<&str> = hero.styles.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names[0], "Centred title");
    assert_eq!(
        hero.styles[0].description,
        "Title and text over the picture"
    );
    assert_eq!(hero.styles[0].variant, 1);
    // Markup is kept as the text it is (the screen shows it as text, never as markup).
    assert_eq!(names[1], "<script>alert('x')</script><b>Dark</b>");
    // A huge name and description are shortened.
    assert!(
        names[2].starts_with("Long Long") && names[2].chars().count() <= 101,
        "{}",
        names[2].len()
    );
    assert!(hero.styles[2].description.chars().count() <= 301);
    assert_eq!(names[3], "Style 4");
    assert_eq!(
        names[4], "Style 5",
        "a preset past the 500th is not looked at"
    );
    assert_eq!(
        menu(&desk, "Gallery"),
        ["Style 1", "Slideshow", "Style 3", "Style 4", "Style 5"]
    );
    assert_eq!(
        menu(&desk, "Special Offers"),
        style_n(),
        "a layout names no variant"
    );
    assert!(
        staff_preset_asks(&server).is_empty(),
        "{:?}",
        staff_preset_asks(&server)
    );
    desk.settled().await;
    assert_eq!(server.requests_to(PRESETS), 1, "read once at the start");

    // A fresh server's empty table: read when the page's screen is next opened.
    server.set_presets(&[]).unwrap();
    desk.age_reads_by(Duration::from_secs(61));
    desk.looking_at(View::PublicPage);
    eventually("the menu says Style N again", WAIT, || async {
        menu(&desk, "Welcome") == style_n()
    })
    .await;
    assert_eq!(menu(&desk, "Gallery"), style_n());
    assert_eq!(server.requests_to(PRESETS), 2);
    assert!(staff_preset_asks(&server).is_empty());
    desk.shutdown().await;
    server.shutdown().await;
}

/// The page is read on its timer while its screen shows; the presets are not (a table only
/// the server's script changes): read at the start and when the screen is opened only.
#[tokio::test(flavor = "multi_thread")]
async fn the_presets_are_not_read_on_the_timers_while_the_page_shows() {
    let server = sandbox_2026().await;
    let home = Home::new("page-styles-timers");
    // Every "minute" (the poll interval) and every quiet interval is 300 ms here.
    let desk = home.open_with_poll(Duration::from_millis(300));
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    desk.looking_at(View::PublicPage);
    eventually("the page is read", WAIT, || async {
        section(&desk, "Welcome").is_some()
    })
    .await;
    // The screen's opening reads are over once its timer has read the page again.
    let opened = server.requests_to(PUBLIC);
    eventually("the page's timer has read it again", WAIT, || async {
        server.requests_to(PUBLIC) >= opened + 2
    })
    .await;
    let asked = requests_during(&server, Duration::from_secs(3)).await;
    let public = asked.get(PUBLIC).copied().unwrap_or(0);
    let presets = asked.get(PRESETS).copied().unwrap_or(0);
    println!("page screen shown 10 intervals: {public} page reads, {presets} preset reads");
    assert!(public >= 3, "the page is read on its timer: {asked:?}");
    assert_eq!(presets, 0, "the presets are not: {asked:?}");
    desk.shutdown().await;
    server.shutdown().await;
}
