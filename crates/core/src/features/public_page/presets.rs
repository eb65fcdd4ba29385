//! The names of a section's style variants, from the server's public presets (API.md §17.7,
//! Decision 14: `GET /api/public/presets/`, `AllowAny`; the staff `presets/grouped/` answers
//! 500 and is never asked). The table is global, filled by a script, and may be empty.
//!
//! How a preset relates to `style_variant` (1–5, §17.1) is not said by the API: a preset has
//! `target_type`, `section_type`, `key`, `name`, `description`, `is_default` and a free-form
//! `config`, and a section links one through `layout_preset`, a field apart from its
//! `style_variant`; the reference script's presets (layouts such as a centred hero) name no
//! variant. So a variant is named only where a preset says which one it is: `target_type`
//! `section`, the section's `section_type`, and `config.style_variant` a whole number 1–5.
//! Two presets naming one variant differently name it not at all. Everywhere else the menu
//! keeps "Style N". Read when the desk starts, on connect and when the page's screen is
//! opened, never on a timer (`rarely_read`); bounded in count and length, shown as text.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::access::NOT_CLASSIC;
use super::edit::STYLE_VARIANTS;
use crate::api::{Generation, Listing, Mount, Resource};
use crate::engine::spec::ResourceSpec;
use crate::engine::store::Row;
use crate::events::{ResourceKind, View};
use crate::rules::row::text;
use crate::rules::text::shorten;

/// Presets looked at, in the server's order; the rest are left out (the reference script
/// makes about 70; a table of thousands is not a table of styles).
pub(crate) const MAX_PRESETS: usize = 500;
/// The longest name shown (the server keeps at most 100 characters).
pub(crate) const MAX_NAME_CHARS: usize = 100;
/// The longest description shown (the server's is a TextField, unbounded).
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 300;

/// `/api/public/presets/`: no hotel, no token.
const PUBLIC_PRESETS: Mount = Mount {
    name: "public presets (2026)",
    collection: |_, path, _| format!("api/public/{path}/"),
    item: None,
    create: None,
};

/// §17.7: `{"presets": [...], "grouped": {...}}`, stored as one row.
pub(crate) const PRESETS: Resource = Resource {
    name: "page_presets",
    path: "presets",
    mount: PUBLIC_PRESETS,
    listing: Listing::Singleton,
    id_key: "id",
    upload: None,
    order_field: None,
    clipped: &[],
    renamed: &[],
};

/// The presets' read: at the start, on connect, when the page's screen opens; never on a timer.
pub(crate) static PRESETS_SPEC: ResourceSpec = ResourceSpec {
    read_only_while_shown: true,
    rarely_read: true,
    views: &[View::PublicPage],
    absent: &[(Generation::Classic, NOT_CLASSIC)],
    ..ResourceSpec::base(ResourceKind::PagePresets, PRESETS)
};

/// One choice of a section's style menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StyleChoice {
    /// The `style_variant` it sets, 1–5.
    #[ts(type = "number")]
    pub variant: i64,
    /// What it is called: the server's preset name, or "Style N" (text, never markup).
    pub name: String,
    /// The preset's description, empty without one (text, never markup).
    pub description: String,
}

/// The variants the stored presets name, by (section type, variant).
#[derive(Debug, Default)]
pub(crate) struct StyleNames(HashMap<(String, i64), Option<(String, String)>>);

impl StyleNames {
    /// From the stored answer of the public presets (`None`: not read yet, or an older
    /// server): at most [`MAX_PRESETS`] looked at, names and descriptions shortened.
    pub(crate) fn from_row(row: Option<&Row>) -> Self {
        let mut names: HashMap<(String, i64), Option<(String, String)>> = HashMap::new();
        let presets = row
            .and_then(|r| r.get("presets"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .take(MAX_PRESETS)
            .filter_map(Value::as_object);
        for preset in presets {
            let Some((key, named)) = naming(preset) else {
                continue;
            };
            names
                .entry(key)
                .and_modify(|was| {
                    // Two presets disagreeing on one variant: not certain, not named.
                    if was.as_ref().map(|(n, _)| n) != Some(&named.0) {
                        *was = None;
                    }
                })
                .or_insert(Some(named));
        }
        Self(names)
    }

    /// The five choices of a section of `section_type`: named where a preset names them.
    pub(crate) fn choices(&self, section_type: &str) -> Vec<StyleChoice> {
        STYLE_VARIANTS
            .map(|variant| {
                let variant = i64::try_from(variant).unwrap_or_default();
                let named = self
                    .0
                    .get(&(section_type.to_owned(), variant))
                    .and_then(Option::as_ref);
                let (name, description) = named
                    .cloned()
                    .unwrap_or_else(|| (format!("Style {variant}"), String::new()));
                StyleChoice {
                    variant,
                    name,
                    description,
                }
            })
            .collect()
    }
}

/// ((section type, variant), (name, description)) of a preset that names a variant.
fn naming(preset: &Row) -> Option<((String, i64), (String, String))> {
    if text(preset, "target_type") != "section" {
        return None;
    }
    let section_type = text(preset, "section_type");
    let variant = preset
        .get("config")
        .and_then(|c| c.get("style_variant"))
        .and_then(Value::as_i64)
        .filter(|v| u64::try_from(*v).is_ok_and(|v| STYLE_VARIANTS.contains(&v)))?;
    let name = shorten(&text(preset, "name"), MAX_NAME_CHARS);
    if section_type.is_empty() || name.is_empty() {
        return None;
    }
    let description = shorten(&text(preset, "description"), MAX_DESCRIPTION_CHARS);
    Some(((section_type, variant), (name, description)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names(presets: Value) -> StyleNames {
        StyleNames::from_row(json!({ "presets": presets }).as_object())
    }

    fn shown(names: &StyleNames, section_type: &str) -> Vec<String> {
        names
            .choices(section_type)
            .into_iter()
            .map(|c| c.name)
            .collect()
    }

    #[test]
    fn only_a_variant_a_preset_names_for_the_sections_type_is_named() {
        let hero = |name: &str, variant: Value| {
            json!({"target_type": "section", "section_type": "hero", "name": name,
                "description": "d", "config": {"style_variant": variant}})
        };
        let table = names(json!([
            hero("Centred", json!(1)),
            hero("Dark", json!(2)),
            hero("Other dark", json!(2)),
            hero("Text", json!("3")),
            hero("Six", json!(6)),
            {"target_type": "card", "section_type": "hero", "name": "Card",
                "config": {"style_variant": 4}},
            {"target_type": "section", "section_type": "hero", "name": "Layout",
                "config": {"layout": "split"}},
        ]));
        assert_eq!(
            shown(&table, "hero"),
            ["Centred", "Style 2", "Style 3", "Style 4", "Style 5"]
        );
        assert_eq!(shown(&table, "gallery")[0], "Style 1");
        assert_eq!(table.choices("hero")[0].description, "d");
        assert_eq!(shown(&StyleNames::from_row(None), "hero")[4], "Style 5");
    }
}
