//! The 2026 server's preset table (API.md §17.7): global (no hotel), read-only over the API,
//! filled on the server by a script. The demo fills it with presets shaped like that script's
//! (section layouts by section type, card styles); a test may replace it whole.

use rusqlite::{params, Connection};
use serde_json::{json, Map, Value};

/// Every preset, by id, each with `id` among its fields.
pub(crate) fn all(db: &Connection) -> rusqlite::Result<Vec<Value>> {
    let mut statement = db.prepare("SELECT id, data FROM builder_preset ORDER BY id")?;
    let rows = statement.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    rows.map(|row| {
        let (id, data) = row?;
        // Written by the sandbox itself: damage is an error, never an empty preset.
        let mut preset: Map<String, Value> = serde_json::from_str(&data).map_err(|err| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(err))
        })?;
        preset.insert("id".into(), json!(id));
        Ok(Value::Object(preset))
    })
    .collect()
}

/// Replaces the whole table with `presets` (their `id` is given by the table), within the
/// caller's transaction.
pub(crate) fn replace(db: &Connection, presets: &[Value]) -> rusqlite::Result<()> {
    db.execute("DELETE FROM builder_preset", [])?;
    for preset in presets {
        let Some(mut fields) = preset.as_object().cloned() else {
            return Err(rusqlite::Error::InvalidParameterName(format!(
                "a preset is a JSON object, not {preset}"
            )));
        };
        fields.remove("id");
        db.execute(
            "INSERT INTO builder_preset (data) VALUES (?1)",
            params![Value::Object(fields).to_string()],
        )?;
    }
    Ok(())
}

/// `GET /api/public/presets/`'s answer (§17.7): the presets, and grouped: section presets by
/// `section_type`, the others under their `target_type` in `items`. An empty table answers
/// `{"presets": [], "grouped": {}}`.
pub(crate) fn public_answer(presets: Vec<Value>) -> Value {
    let mut grouped = Map::new();
    for preset in &presets {
        let target = preset["target_type"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let group = grouped.entry(target.clone()).or_insert_with(|| json!({}));
        let list = if target == "section" {
            let section = preset["section_type"].as_str().unwrap_or("general");
            &mut group[section]
        } else {
            &mut group["items"]
        };
        match list.as_array_mut() {
            Some(list) => list.push(preset.clone()),
            None => *list = json!([preset]),
        }
    }
    json!({"presets": presets, "grouped": grouped})
}

/// The demo's presets when the table is empty: layouts for each section type and card
/// styles, with names, descriptions and a `config` of layout keys as the server's script
/// writes them. Like that script's, none says which `style_variant` it is.
pub(crate) fn seed(db: &Connection) -> rusqlite::Result<()> {
    let count: i64 = db.query_row("SELECT COUNT(*) FROM builder_preset", [], |r| r.get(0))?;
    if count > 0 {
        return Ok(());
    }
    let layout = |section: &str, key: &str, name: &str, description: &str, default: bool| {
        json!({"target_type": "section", "section_type": section, "key": key, "name": name,
            "description": description, "is_default": default,
            "config": {"layout": key.trim_start_matches(&format!("{section}_"))}})
    };
    let presets = [
        layout(
            "hero",
            "hero_centred",
            "Centred title",
            "Title and text over the picture, centred",
            true,
        ),
        layout(
            "hero",
            "hero_split",
            "Picture beside text",
            "The picture on one side, the text on the other",
            false,
        ),
        layout(
            "gallery",
            "gallery_grid",
            "Even grid",
            "Photos in rows of three",
            true,
        ),
        layout(
            "gallery",
            "gallery_slider",
            "Slideshow",
            "One photo at a time, with dots",
            false,
        ),
        layout(
            "list",
            "list_columns",
            "Three columns",
            "Cards side by side",
            true,
        ),
        layout(
            "list",
            "list_stack",
            "One under another",
            "Cards in a single column",
            false,
        ),
        layout(
            "rooms",
            "rooms_grid",
            "Room grid",
            "Room types in columns with their prices",
            true,
        ),
        json!({"target_type": "card", "section_type": null, "key": "card_picture_top",
            "name": "Picture on top", "description": "The card's picture above its text",
            "is_default": true, "config": {"image_position": "top"}}),
    ];
    replace(db, &presets)
}
