//! The demo hotel's public page on the 2026 server (issue 65.12): a hero, a gallery section
//! with two gallery containers, an offers list of three cards, and a hidden draft section; and
//! two rate plans of different prices for each room type (so a rooms section reads, §17.8);
//! and the global preset table (§17.7), when it is empty.

use rusqlite::{params, Connection};
use serde_json::{json, Map, Value};

use super::{Kind, CARD, GALLERY, HERO, IMAGE, LIST, PAGE, SECTION};
use crate::timefmt::drf_ago;
use crate::SandboxError;

/// Makes a stored photo of scene `i` and returns its storage path.
pub(crate) type Scene<'a> = &'a dyn Fn(usize) -> Result<String, SandboxError>;

fn add(db: &Connection, kind: &Kind, parent: i64, fields: Value) -> rusqlite::Result<i64> {
    let mut data: Map<String, Value> = fields.as_object().cloned().unwrap_or_default();
    data.insert(kind.parent_key.into(), json!(parent));
    for field in kind.fields {
        data.entry(field.name).or_insert_with(field.default);
    }
    let when = drf_ago(7 * 86_400);
    data.insert("created_at".into(), json!(when));
    data.insert("updated_at".into(), json!(when));
    kind.insert(db, parent, &data)
}

/// Seeds the demo page of hotel 1 when no hotel has a section yet.
pub(crate) fn seed_page(db: &Connection, scene: Scene<'_>) -> Result<(), SandboxError> {
    super::presets::seed(db)?;
    if !SECTION.all(db)?.is_empty() {
        return Ok(());
    }
    add(db, &PAGE, 1, json!({"global_style_variant": 1}))?;
    let hero = add(db, &SECTION, 1, json!({"position": 0, "name": "Welcome"}))?;
    add(
        db,
        &HERO,
        hero,
        json!({"hero_title": "Hotel Killarney",
            "hero_text": "Lakeside comfort in the heart of Kerry",
            "hero_image": scene(1)?, "hero_logo": scene(7)?}),
    )?;
    let gallery = add(db, &SECTION, 1, json!({"position": 1, "name": "Gallery"}))?;
    for (at, (name, captions)) in [
        (
            "The lake",
            ["Morning on Lough Leane", "The jetty", "Ross Castle"],
        ),
        (
            "Our rooms",
            ["Lake view double", "The suite", "Breakfast in bed"],
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let container = add(
            db,
            &GALLERY,
            gallery,
            json!({"name": name, "sort_order": at}),
        )?;
        for (i, caption) in captions.into_iter().enumerate() {
            add(
                db,
                &IMAGE,
                container,
                json!({"image": scene(at * 3 + i)?, "caption": caption, "alt_text": caption, "sort_order": i}),
            )?;
        }
    }
    let offers = add(
        db,
        &SECTION,
        1,
        json!({"position": 2, "name": "Special Offers"}),
    )?;
    let list = add(db, &LIST, offers, json!({"title": "Offers"}))?;
    for (i, (title, subtitle)) in [
        ("Lakeside Spa Retreat", "Two nights with a spa treatment"),
        ("Golf Getaway", "A round at Killarney Golf Club"),
        ("Winter Escape", "Three nights for the price of two"),
    ]
    .into_iter()
    .enumerate()
    {
        add(
            db,
            &CARD,
            list,
            json!({"title": title, "subtitle": subtitle,
                "description": format!("{title}: {subtitle}."), "image": scene(i + 2)?, "sort_order": i}),
        )?;
    }
    let draft = add(
        db,
        &SECTION,
        1,
        json!({"position": 3, "name": "Spring 2027 (draft)", "is_active": false}),
    )?;
    add(db, &LIST, draft, json!({"title": "Spring deals"}))?;
    seed_rates(db)
}

/// Two rate plans per room type, the non-refundable one 10 % cheaper.
fn seed_rates(db: &Connection) -> Result<(), SandboxError> {
    let rooms: Vec<(i64, String)> = db
        .prepare("SELECT id, starting_price_from FROM room_types")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, price) in rooms {
        let price: f64 = price.parse().unwrap_or(100.0);
        for (name, code, price, refundable) in [
            ("Flexible", "FLEX", price, true),
            ("Non-refundable", "NRF", (price * 0.9).round(), false),
        ] {
            db.execute(
                "INSERT INTO rate_links (room_type_id, rate_plan_name, rate_plan_code, price, is_refundable)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, name, code, format!("{price:.2}"), refundable as i64],
            )?;
        }
    }
    Ok(())
}
