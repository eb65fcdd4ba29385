//! The public page as its screen shows it: sections in order with their type (§17.9 item 4),
//! hidden ones marked (staff lists only, §17.9 item 11), and their hero, galleries and cards.
//! Text is the server's, escaped by the screen; every list is bounded ([`MAX_LISTED`]) so a
//! broken or hostile answer cannot flood it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::store::Row;
use crate::engine::view::{RowSync, ViewRow};
use crate::rules::row::{id, order, text, url};

/// Sections, gallery containers, images and cards listed each; the rest are left out.
pub(crate) const MAX_LISTED: usize = 200;

/// The hotel's public page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PublicPage {
    /// Whether this person may change the page (from the login answer, §17.1).
    pub editable: bool,
    /// Who can change it, in one sentence (shown to those who cannot).
    pub who_can_edit: String,
    /// The sections in the page's order: by `position`, then id.
    pub sections: Vec<PageSection>,
    /// Why the page cannot be refreshed now (the server fails on it, §17.9 item 1), with the
    /// last page read still shown; `None` when it reads.
    pub stale_because: Option<String>,
}

/// One section of the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PageSection {
    /// Its id on the server.
    #[ts(type = "number")]
    pub id: i64,
    /// Its name (may be empty).
    pub name: String,
    /// Its place: the only order key the server has.
    #[ts(type = "number")]
    pub position: i64,
    /// `hero`, `gallery`, `list`, `news`, `rooms`, an element type, or `unknown` (a hidden
    /// section's type is not told by the staff list: `unknown` too).
    pub section_type: String,
    /// Its type in words ("Hero", "Gallery", "List of cards", "Hidden: type not known").
    pub type_label: String,
    /// Hidden from guests (only staff who may edit see it).
    pub hidden: bool,
    /// Its style variant, 1–5 (§17.1; 1 when the server gives none).
    #[ts(type = "number")]
    pub style_variant: i64,
    /// The five variants its style menu offers: named from the server's presets where one
    /// names a variant of this section's type, else "Style N" (`presets`).
    pub styles: Vec<super::StyleChoice>,
    /// A hero section's content.
    pub hero: Option<PageHero>,
    /// A gallery section's containers, each with its images.
    pub galleries: Vec<PageGallery>,
    /// A list section's cards, in order, all its lists together.
    pub cards: Vec<PageCard>,
    /// Where this desk's changes to it stand: on their way, waiting for a decision (a
    /// colleague changed the same thing), or refused with the server's words.
    pub sync: RowSync,
}

/// A hero section's content (§17.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PageHero {
    /// The title.
    pub title: String,
    /// The text under it.
    pub text: String,
    /// The background image (the `*_url` companion, never the raw field).
    pub image_url: Option<String>,
    /// The logo.
    pub logo_url: Option<String>,
    /// A background picture chosen here and not sent yet, from this computer (editors only).
    pub image_waiting: Option<String>,
    /// A logo chosen here and not sent yet, from this computer (editors only).
    pub logo_waiting: Option<String>,
    /// Where this desk's changes to it stand.
    pub sync: RowSync,
}

/// A gallery container (§17.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PageGallery {
    /// Its id on the server.
    #[ts(type = "number")]
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its images by (`sort_order`, id): the server numbers bulk uploads with repeats.
    pub images: Vec<PageImage>,
    /// Photos added here that the server does not have yet, in the order they were added
    /// (editors only; progress comes as `UploadProgress` events naming each `upload`).
    pub uploads: Vec<crate::features::galleries::UploadView>,
    /// Where this desk's changes to it stand.
    pub sync: RowSync,
}

/// One image of a gallery container.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PageImage {
    /// Its id on the server.
    #[ts(type = "number")]
    pub id: i64,
    /// The picture.
    pub image_url: Option<String>,
    /// Its caption.
    pub caption: String,
    /// Its alternative text.
    pub alt_text: String,
    /// Where this desk's changes to it stand.
    pub sync: RowSync,
}

/// One card of a list (§17.5: the offers' successor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PageCard {
    /// Its id on the server.
    #[ts(type = "number")]
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its subtitle.
    pub subtitle: String,
    /// Its description, plain text.
    pub description: String,
    /// Its picture.
    pub image_url: Option<String>,
}

/// The objects of `row[key]`, in (`order_key`, id) order, at most [`MAX_LISTED`].
pub(crate) fn ordered(row: &Row, key: &str, order_key: &str) -> Vec<Row> {
    let mut rows: Vec<Row> = row
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_object().cloned())
        .take(MAX_LISTED)
        .collect();
    rows.sort_by_key(|r| (order(r, order_key), id(r)));
    rows
}

fn type_label(section_type: &str, hidden: bool) -> String {
    match section_type {
        "hero" => "Hero".to_owned(),
        "gallery" => "Gallery".to_owned(),
        "list" => "List of cards".to_owned(),
        "news" => "News".to_owned(),
        "rooms" => "Rooms".to_owned(),
        "unknown" if hidden => "Hidden: its type shows once it is published".to_owned(),
        "unknown" => "Empty section".to_owned(),
        other => format!("Element: {other}"),
    }
}

/// A section from the public read (`public`) and, for an editor, the staff list's row
/// (`staff`), which alone knows hidden sections.
fn section(staff: Option<&ViewRow>, public: Option<&Row>) -> PageSection {
    let base = staff.map(|v| &v.row).or(public).cloned().unwrap_or_default();
    let hidden = base.get("is_active").and_then(Value::as_bool) == Some(false);
    let content = public.cloned().unwrap_or_default();
    // A section made here carries its type until the public read shows it (§17.2: the answer
    // of `sections/create/` has it, the staff list never).
    let section_type = match (text(&content, "section_type"), text(&base, "section_type")) {
        (t, _) if !t.is_empty() => t,
        (_, t) if !t.is_empty() => t,
        _ => "unknown".to_owned(),
    };
    let hero = content
        .get("hero_data")
        .and_then(Value::as_object)
        .map(|h| PageHero {
            title: text(h, "hero_title"),
            text: text(h, "hero_text"),
            image_url: url(h, "hero_image_url"),
            logo_url: url(h, "hero_logo_url"),
            image_waiting: None,
            logo_waiting: None,
            sync: RowSync::Synced,
        });
    let galleries = ordered(&content, "galleries", "sort_order")
        .iter()
        .map(|g| PageGallery {
            id: id(g),
            name: text(g, "name"),
            images: ordered(g, "images", "sort_order")
                .iter()
                .map(|i| PageImage {
                    id: id(i),
                    image_url: url(i, "image_url"),
                    caption: text(i, "caption"),
                    alt_text: text(i, "alt_text"),
                    sync: RowSync::Synced,
                })
                .collect(),
            uploads: Vec::new(),
            sync: RowSync::Synced,
        })
        .collect();
    let cards = ordered(&content, "lists", "sort_order")
        .iter()
        .flat_map(|list| ordered(list, "cards", "sort_order"))
        .take(MAX_LISTED)
        .map(|c| PageCard {
            id: id(&c),
            title: text(&c, "title"),
            subtitle: text(&c, "subtitle"),
            description: text(&c, "description"),
            image_url: url(&c, "image_url"),
        })
        .collect();
    PageSection {
        id: id(&base),
        name: text(&base, "name"),
        position: order(&base, "position"),
        style_variant: base
            .get("style_variant")
            .and_then(Value::as_i64)
            .filter(|v| (1..=5).contains(v))
            .unwrap_or(1),
        type_label: type_label(&section_type, hidden),
        styles: Vec::new(),
        section_type,
        hidden,
        hero,
        galleries,
        cards,
        sync: staff.map_or(RowSync::Synced, |v| v.sync.clone()),
    }
}

/// Whether `row` names a hotel other than `hotel` (§17.9 item 2: a section moved to another
/// hotel, or an answer that mixes hotels): such a row is neither shown nor changed here.
pub(crate) fn of_another_hotel(row: &Row, hotel: Option<i64>) -> bool {
    match (row.get("hotel").and_then(Value::as_i64), hotel) {
        (Some(theirs), Some(ours)) => theirs != ours,
        _ => false,
    }
}

impl PublicPage {
    /// The page from the stored public read and, for an editor, the staff list of sections
    /// as shown here (hidden ones included, this desk's waiting changes folded over them);
    /// `None` until one of them has been read. Rows of a hotel other than `hotel` are left out.
    pub(crate) fn from_rows(
        public: Option<&Row>,
        staff: Option<&[ViewRow]>,
        (editable, hotel): (bool, Option<i64>),
        who_can_edit: &str,
    ) -> Option<Self> {
        let published = public.map(|p| {
            let mut rows = ordered(p, "sections", "position");
            rows.retain(|s| !of_another_hotel(s, hotel));
            rows
        });
        let by_id: HashMap<i64, &Row> = published
            .iter()
            .flatten()
            .map(|s| (id(s), s))
            .collect();
        let mut sections: Vec<PageSection> = match (staff, &published) {
            (Some(staff), _) if editable && !staff.is_empty() => staff
                .iter()
                .filter(|s| !of_another_hotel(&s.row, hotel))
                .take(MAX_LISTED)
                .map(|s| section(Some(s), by_id.get(&id(&s.row)).copied()))
                .collect(),
            (_, Some(published)) => published.iter().map(|s| section(None, Some(s))).collect(),
            _ => return None,
        };
        sections.sort_by_key(|s| (s.position, s.id));
        Some(Self {
            editable,
            who_can_edit: who_can_edit.to_owned(),
            sections,
            stale_because: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(v: Value) -> Row {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn sections_read_in_order_with_their_type_and_hidden_ones_only_for_an_editor() {
        let public = row(json!({"sections": [
            {"id": 3, "position": 2, "name": "Offers", "section_type": "list",
             "lists": [{"id": 1, "sort_order": 0, "cards": [
                {"id": 9, "sort_order": 1, "title": "B"}, {"id": 8, "sort_order": 1, "title": "A"}]}]},
            {"id": 1, "position": 0, "name": "Welcome", "section_type": "hero",
             "hero_data": {"hero_title": "Hi", "hero_text": "t", "hero_image_url": "http://x/h.jpg"}},
        ]}));
        let staff = [
            row(json!({"id": 1, "position": 0, "name": "Welcome", "is_active": true})),
            row(json!({"id": 3, "position": 2, "name": "Offers", "is_active": true})),
            row(json!({"id": 5, "position": 1, "name": "Draft", "is_active": false})),
            row(json!({"id": 9, "hotel": 2, "position": 1, "name": "Theirs", "is_active": true})),
        ]
        .map(|row| ViewRow {
            row,
            sync: RowSync::Synced,
            pending_media: None,
            restored: false,
        });
        let guest =
            PublicPage::from_rows(Some(&public), Some(&staff), (false, Some(1)), "who").unwrap();
        let names: Vec<_> = guest.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Welcome", "Offers"], "no hidden section for a reader");
        assert_eq!(guest.sections[1].cards.iter().map(|c| c.id).collect::<Vec<_>>(), [8, 9]);
        let editor =
            PublicPage::from_rows(Some(&public), Some(&staff), (true, Some(1)), "who").unwrap();
        let shown: Vec<_> = editor
            .sections
            .iter()
            .map(|s| (s.name.as_str(), s.section_type.as_str(), s.hidden))
            .collect();
        assert_eq!(
            shown,
            [("Welcome", "hero", false), ("Draft", "unknown", true), ("Offers", "list", false)]
        );
        assert_eq!(editor.sections[0].hero.as_ref().unwrap().title, "Hi");
        assert!(PublicPage::from_rows(None, None, (false, None), "who").is_none());
    }
}
