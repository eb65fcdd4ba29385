//! The 2026 public page builder's models (API.md §17.2–§17.7), described as data: each model
//! ([`Kind`]) names its table, its parent key and its fields with their rules, so one set of
//! view-set handlers serves them all (`api::builder`). Rows are kept as JSON beside their
//! parent's id; a row belongs to the hotel its chain of parents leads to, and a parent id sent
//! in a body is **not** checked against the URL's hotel (§17.9 item 2).

pub(crate) mod presets;
pub(crate) mod public;
pub(crate) mod seed;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};

/// How a field is read from a body and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    /// A CharField of at most `max` characters (`None`: a TextField); `blank`: may be empty.
    Text { max: Option<usize>, blank: bool },
    /// An IntegerField from 0.
    Order,
    /// `style_variant`: a choice of 1–5 (`nullable`: the page's may be null).
    Style { nullable: bool },
    /// A BooleanField.
    Bool,
    /// A raw image field (§17.1): a file part, JSON null to clear, and a string stored behind
    /// `image/upload/` as the storage does.
    Image { nullable: bool },
    /// A plain nullable id (a section's `layout_preset`, a preset's `*_id` write field).
    Id,
    /// A nullable `YYYY-MM-DD`.
    Date,
}

/// One writable field of a model.
#[derive(Debug)]
pub(crate) struct Field {
    pub name: &'static str,
    pub ty: Ty,
    /// Required on create.
    pub required: bool,
    /// The value a create without it keeps.
    pub default: fn() -> Value,
}

/// A model of the page builder.
#[derive(Debug)]
pub(crate) struct Kind {
    /// Its table is `builder_<table>`.
    pub table: &'static str,
    /// The model's name in a 404 (`No <Model> matches the given query.`).
    pub model: &'static str,
    /// The body key of its parent: `hotel` for a page and a section, else the parent row's.
    pub parent_key: &'static str,
    /// The parent's model, `None` for the hotel.
    pub parent: Option<&'static Kind>,
    /// The writable fields (the parent key apart).
    pub fields: &'static [Field],
    /// The field lists are ordered by.
    pub order: &'static str,
    /// Nested read-only children: (key, model, count key).
    pub children: &'static [(&'static str, &'static Kind, &'static str)],
    /// Write-only preset id fields and the read key that shows the preset (always null here:
    /// no seeded row links a preset).
    pub presets: &'static [(&'static str, &'static str)],
}

fn zero() -> Value {
    Value::from(0)
}
fn one() -> Value {
    Value::from(1)
}
fn null() -> Value {
    Value::Null
}
fn empty() -> Value {
    Value::from("")
}
fn yes() -> Value {
    Value::Bool(true)
}

const fn field(name: &'static str, ty: Ty, required: bool, default: fn() -> Value) -> Field {
    Field {
        name,
        ty,
        required,
        default,
    }
}

const STYLE: Field = field("style_variant", Ty::Style { nullable: false }, false, one);
const SORT: Field = field("sort_order", Ty::Order, false, zero);
const fn text(name: &'static str, max: Option<usize>, blank: bool, required: bool) -> Field {
    field(name, Ty::Text { max, blank }, required, empty)
}

/// `HotelPublicPage` (§17.2).
pub(crate) static PAGE: Kind = Kind {
    table: "page",
    model: "HotelPublicPage",
    parent_key: "hotel",
    parent: None,
    fields: &[field(
        "global_style_variant",
        Ty::Style { nullable: true },
        false,
        null,
    )],
    order: "id",
    children: &[],
    presets: &[],
};

/// `PublicSection` (§17.2).
pub(crate) static SECTION: Kind = Kind {
    table: "section",
    model: "PublicSection",
    parent_key: "hotel",
    parent: None,
    fields: &[
        field("position", Ty::Order, false, zero),
        field("is_active", Ty::Bool, false, yes),
        text("name", Some(100), true, false),
        STYLE,
        field("layout_preset", Ty::Id, false, null),
    ],
    order: "position",
    children: &[],
    presets: &[],
};

/// `HeroSection` (§17.3).
pub(crate) static HERO: Kind = Kind {
    table: "hero",
    model: "HeroSection",
    parent_key: "section",
    parent: Some(&SECTION),
    fields: &[
        text("hero_title", Some(255), false, true),
        text("hero_text", None, false, true),
        field("hero_image", Ty::Image { nullable: true }, false, null),
        field("hero_logo", Ty::Image { nullable: true }, false, null),
        STYLE,
    ],
    order: "id",
    children: &[],
    presets: &[],
};

/// `GalleryContainer` (§17.4).
pub(crate) static GALLERY: Kind = Kind {
    table: "gallery",
    model: "GalleryContainer",
    parent_key: "section",
    parent: Some(&SECTION),
    fields: &[text("name", Some(255), true, false), STYLE, SORT],
    order: "sort_order",
    children: &[("images", &IMAGE, "image_count")],
    presets: &[],
};

/// `GalleryImage` (§17.4).
pub(crate) static IMAGE: Kind = Kind {
    table: "image",
    model: "GalleryImage",
    parent_key: "gallery",
    parent: Some(&GALLERY),
    fields: &[
        field("image", Ty::Image { nullable: false }, true, null),
        text("caption", Some(255), true, false),
        text("alt_text", Some(255), true, false),
        field("image_style_preset_id", Ty::Id, false, null),
        SORT,
    ],
    order: "sort_order",
    children: &[],
    presets: &[("image_style_preset_id", "image_style_preset")],
};

/// `ListContainer` (§17.5).
pub(crate) static LIST: Kind = Kind {
    table: "list",
    model: "ListContainer",
    parent_key: "section",
    parent: Some(&SECTION),
    fields: &[text("title", Some(255), true, false), STYLE, SORT],
    order: "sort_order",
    children: &[("cards", &CARD, "card_count")],
    presets: &[],
};

/// `Card` (§17.5).
pub(crate) static CARD: Kind = Kind {
    table: "card",
    model: "Card",
    parent_key: "list_container",
    parent: Some(&LIST),
    fields: &[
        text("title", Some(255), false, true),
        text("subtitle", Some(255), true, false),
        text("description", None, true, false),
        field("image", Ty::Image { nullable: true }, false, null),
        field("style_preset_id", Ty::Id, false, null),
        SORT,
    ],
    order: "sort_order",
    children: &[],
    presets: &[("style_preset_id", "style_preset")],
};

/// `NewsItem` (§17.6; its content blocks are not served by the sandbox).
pub(crate) static NEWS: Kind = Kind {
    table: "news",
    model: "NewsItem",
    parent_key: "section",
    parent: Some(&SECTION),
    fields: &[
        text("title", Some(255), false, true),
        field("date", Ty::Date, false, null),
        text("summary", Some(500), true, false),
        STYLE,
        SORT,
    ],
    order: "sort_order",
    children: &[],
    presets: &[],
};

/// `RoomsSection` (§17.7), reached by staff only through `sections/create/`.
pub(crate) static ROOMS: Kind = Kind {
    table: "rooms",
    model: "RoomsSection",
    parent_key: "section",
    parent: Some(&SECTION),
    fields: &[
        text("subtitle", Some(255), true, false),
        text("description", None, true, false),
        STYLE,
    ],
    order: "id",
    children: &[],
    presets: &[],
};

/// One stored row: its id, its parent's id and its fields (the parent key and the times among
/// them).
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub id: i64,
    pub parent: i64,
    pub data: Map<String, Value>,
}

impl Kind {
    fn table_name(&self) -> String {
        format!("builder_{}", self.table)
    }

    /// Every row of this model, in id order.
    pub(crate) fn all(&self, db: &Connection) -> rusqlite::Result<Vec<Stored>> {
        let mut stmt = db.prepare(&format!(
            "SELECT id, parent, data FROM {} ORDER BY id",
            self.table_name()
        ))?;
        let rows = stmt.query_map([], stored)?;
        rows.collect()
    }

    /// The rows whose parent is `parent`, in (`order`, id) order.
    pub(crate) fn children_of(
        &self,
        db: &Connection,
        parent: i64,
    ) -> rusqlite::Result<Vec<Stored>> {
        let mut stmt = db.prepare(&format!(
            "SELECT id, parent, data FROM {} WHERE parent = ?1 ORDER BY id",
            self.table_name()
        ))?;
        let mut rows: Vec<Stored> = stmt
            .query_map([parent], stored)?
            .collect::<Result<_, _>>()?;
        rows.sort_by_key(|r| (r.int(self.order), r.id));
        Ok(rows)
    }

    /// One row by id, whatever its hotel.
    pub(crate) fn get(&self, db: &Connection, id: i64) -> rusqlite::Result<Option<Stored>> {
        db.query_row(
            &format!(
                "SELECT id, parent, data FROM {} WHERE id = ?1",
                self.table_name()
            ),
            [id],
            stored,
        )
        .optional()
    }

    /// The hotel a row belongs to, through its parents (`None`: a parent is gone).
    pub(crate) fn hotel_of(&self, db: &Connection, row: &Stored) -> rusqlite::Result<Option<i64>> {
        match self.parent {
            None => Ok(Some(row.parent)),
            Some(parent) => match parent.get(db, row.parent)? {
                Some(up) => parent.hotel_of(db, &up),
                None => Ok(None),
            },
        }
    }

    /// The hotel's rows of this model, in (`order`, id) order.
    pub(crate) fn of_hotel(&self, db: &Connection, hotel: i64) -> rusqlite::Result<Vec<Stored>> {
        let mut rows = Vec::new();
        for row in self.all(db)? {
            if self.hotel_of(db, &row)? == Some(hotel) {
                rows.push(row);
            }
        }
        rows.sort_by_key(|r| (r.int(self.order), r.id));
        Ok(rows)
    }

    /// Stores a new row and returns its id.
    pub(crate) fn insert(
        &self,
        db: &Connection,
        parent: i64,
        data: &Map<String, Value>,
    ) -> rusqlite::Result<i64> {
        db.execute(
            &format!(
                "INSERT INTO {} (parent, data) VALUES (?1, ?2)",
                self.table_name()
            ),
            params![parent, Value::Object(data.clone()).to_string()],
        )?;
        Ok(db.last_insert_rowid())
    }

    /// Replaces a row's parent and fields.
    pub(crate) fn update(&self, db: &Connection, row: &Stored) -> rusqlite::Result<()> {
        db.execute(
            &format!(
                "UPDATE {} SET parent = ?1, data = ?2 WHERE id = ?3",
                self.table_name()
            ),
            params![
                row.parent,
                Value::Object(row.data.clone()).to_string(),
                row.id
            ],
        )?;
        Ok(())
    }

    /// Deletes a row and, as Django's cascade does, every row below it.
    pub(crate) fn delete(&self, db: &Connection, id: i64) -> rusqlite::Result<()> {
        for child in self.below() {
            for row in child.children_of(db, id)? {
                child.delete(db, row.id)?;
            }
        }
        db.execute(
            &format!("DELETE FROM {} WHERE id = ?1", self.table_name()),
            [id],
        )?;
        Ok(())
    }

    /// The models whose parent is this one.
    fn below(&self) -> Vec<&'static Kind> {
        [&HERO, &GALLERY, &IMAGE, &LIST, &CARD, &NEWS, &ROOMS]
            .into_iter()
            .filter(|k| k.parent.is_some_and(|p| std::ptr::eq(p, self)))
            .collect()
    }
}

fn stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<Stored> {
    let text: String = r.get(2)?;
    let data = match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    Ok(Stored {
        id: r.get(0)?,
        parent: r.get(1)?,
        data,
    })
}

impl Stored {
    /// An integer field (0 when missing).
    pub(crate) fn int(&self, key: &str) -> i64 {
        self.data.get(key).and_then(Value::as_i64).unwrap_or(0)
    }
}
