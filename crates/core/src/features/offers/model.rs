//! Offers (API.md §3): the typed view the UI draws, validation as the server validates, and the
//! edits the desk queues. `details_html` is sanitized here, before any webview can render it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::engine::store::Row;
use crate::engine::view::{RowSync, ViewRow};
use crate::rules::{invalid, FieldInvalid};

/// The fields of §3.1 a manager can edit.
pub(crate) const EDITABLE_FIELDS: &[&str] = &[
    "title",
    "short_description",
    "details_text",
    "details_html",
    "valid_from",
    "valid_to",
    "tag",
    "book_now_url",
    "sort_order",
    "is_active",
];
pub(crate) const MAX_TITLE_CHARS: usize = 200;
pub(crate) const MAX_TAG_CHARS: usize = 50;

/// What a manager sets on an offer, as the editor sends it: only the fields that change (all of
/// them for a new offer). Anything else is refused when the request is read, and each field has
/// its type, so nothing but these reaches the rules and the outbox.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct OfferPatch {
    /// The offer's name, at most 200 characters; required on a new offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub title: Option<String>,
    /// A short description; required on a new offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub short_description: Option<String>,
    /// The full description, as plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub details_text: Option<String>,
    /// The full description as HTML (sanitized before it is shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub details_html: Option<String>,
    /// `""` clears the date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub valid_from: Option<String>,
    /// `""` clears the date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub valid_to: Option<String>,
    /// A short label, at most 50 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub tag: Option<String>,
    /// Where guests book it: a web address, or `""` for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub book_now_url: Option<String>,
    /// Its place in the list (0 or more; lower first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub sort_order: Option<i64>,
    /// Whether guests see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub is_active: Option<bool>,
}

impl OfferPatch {
    /// The fields it sets, as the rules and the outbox take them.
    pub(crate) fn to_row(&self) -> Row {
        match serde_json::to_value(self) {
            Ok(Value::Object(row)) => row,
            // A struct of strings, numbers and booleans always serializes to an object.
            _ => Row::new(),
        }
    }
}

/// An offer as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Offer {
    /// The server id, or a negative id while the offer exists only on this desk.
    #[ts(type = "number")]
    pub id: i64,
    /// The offer's name.
    pub title: String,
    /// A short description.
    pub short_description: String,
    /// The full description, as plain text.
    pub details_text: String,
    /// Sanitized HTML, safe to render.
    pub details_html: String,
    /// The first day it is valid (`YYYY-MM-DD`), if set.
    pub valid_from: Option<String>,
    /// The last day it is valid (`YYYY-MM-DD`), if set.
    pub valid_to: Option<String>,
    /// A short label (`""`: none).
    pub tag: String,
    /// Where guests book it (`""`: nowhere).
    pub book_now_url: String,
    /// The offer's photo on the server, if it has one.
    pub photo_url: Option<String>,
    /// A new photo is saved here and waiting to be uploaded.
    pub photo_pending: bool,
    /// Its place in the list (lower first).
    #[ts(type = "number")]
    pub sort_order: i64,
    /// Whether guests see it.
    pub is_active: bool,
    /// When it was created on the server (`None` until the server has it).
    pub created_at: Option<String>,
    /// Where it stands between this desk and the server.
    pub sync: RowSync,
    /// Brought back by this desk after a colleague deleted it: a new offer ("Restored").
    pub restored: bool,
}

fn text(row: &Row, key: &str) -> String {
    row.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn optional_text(row: &Row, key: &str) -> Option<String> {
    row.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Removes scripts, event handlers, `javascript:` links and anything else that could run.
pub fn sanitize_html(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .clean(html)
        .to_string()
}

/// The scheme through which the webview reads every image (the shell's image scheme): its
/// fetches follow the desk's image rules (known hosts, size and pixel bounds, the cache).
const IMAGE_SCHEME_ROOT: &str = "hmimg://localhost/";

/// `html` made safe to render in the editor's preview: as [`sanitize_html`], and every image
/// read through the desk's image scheme, never by the webview itself (an `<img>` to
/// `http://hmimg.localhost/…` or any other address reached whatever port the server named
/// on the manager's own PC). An image that is not a web address is dropped, and so is any
/// other attribute naming the image scheme (only the desk writes those).
pub fn preview_html(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(
            ["http", "https", "mailto", "tel", "hmimg"]
                .into_iter()
                .collect(),
        )
        .attribute_filter(|element, attribute, value| {
            if element == "img" && attribute == "src" {
                return through_image_scheme(value).map(Into::into);
            }
            let names_scheme = value
                .trim_start()
                .get(..6)
                .is_some_and(|start| start.eq_ignore_ascii_case("hmimg:"));
            (!names_scheme).then_some(value.into())
        })
        .clean(html)
        .to_string()
}

/// The image scheme's address of the web image `src`, or `None` when `src` is not an
/// `http`/`https` address.
fn through_image_scheme(src: &str) -> Option<String> {
    let url = url::Url::parse(src.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    // Url's serialisation has no spaces, so form encoding is plain percent-encoding here.
    let encoded: String = url::form_urlencoded::byte_serialize(url.as_str().as_bytes()).collect();
    Some(format!("{IMAGE_SCHEME_ROOT}{encoded}"))
}

impl Offer {
    pub(crate) fn from_view(view: &ViewRow) -> Self {
        let row = &view.row;
        Self {
            id: row.get("id").and_then(Value::as_i64).unwrap_or_default(),
            title: text(row, "title"),
            short_description: text(row, "short_description"),
            details_text: text(row, "details_text"),
            details_html: sanitize_html(&text(row, "details_html")),
            valid_from: optional_text(row, "valid_from"),
            valid_to: optional_text(row, "valid_to"),
            tag: text(row, "tag"),
            book_now_url: text(row, "book_now_url"),
            photo_url: optional_text(row, "photo_url"),
            photo_pending: view.pending_media.is_some(),
            sort_order: row
                .get("sort_order")
                .and_then(Value::as_i64)
                .unwrap_or_default(),
            is_active: row
                .get("is_active")
                .and_then(Value::as_bool)
                .unwrap_or(true),
            created_at: optional_text(row, "created_at"),
            sync: view.sync.clone(),
            restored: view.restored,
        }
    }
}

/// The server's list order: `sort_order`, then newest first.
pub(crate) fn sort(offers: &mut [Offer]) {
    offers.sort_by(|a, b| {
        a.sort_order
            .cmp(&b.sort_order)
            .then_with(|| b.created_at.cmp(&a.created_at))
    });
}

fn valid_date(value: &str) -> bool {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
}

/// Checks changed fields (all fields for a new offer) as the server would, plus from ≤ to.
/// Returns the fields normalised (trimmed text, empty dates as null), or the first problem.
pub(crate) fn validate(
    changes: &Map<String, Value>,
    current: Option<&Row>,
    creating: bool,
) -> Result<Map<String, Value>, FieldInvalid> {
    let (clean, problems) = check(changes, current, creating);
    match problems.into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(clean),
    }
}

/// Every problem of an edit, field by field, in the order of the form (the editor shows them
/// all as the user types; the desk is the only place that knows the rules).
pub(crate) fn check(
    changes: &Map<String, Value>,
    current: Option<&Row>,
    creating: bool,
) -> (Map<String, Value>, Vec<FieldInvalid>) {
    let mut problems = Vec::new();
    let mut clean = Map::new();
    for (key, value) in changes {
        let Some(field) = EDITABLE_FIELDS.iter().copied().find(|f| f == key) else {
            problems.push(invalid("field", format!("'{key}' cannot be changed")));
            continue;
        };
        match field_value(field, value) {
            Ok(value) => {
                clean.insert(key.clone(), value);
            }
            Err(problem) => problems.push(problem),
        }
    }
    whole_row_problems(&clean, current, creating, &mut problems);
    (clean, problems)
}

/// One field's value as the server will keep it, or what is wrong with it.
fn field_value(field: &'static str, value: &Value) -> Result<Value, FieldInvalid> {
    Ok(match field {
        "sort_order" => match value.as_i64() {
            Some(n) if n >= 0 => Value::from(n),
            _ => {
                return Err(invalid(
                    field,
                    "The position must be a whole number, 0 or more.",
                ))
            }
        },
        "is_active" => match value.as_bool() {
            Some(flag) => Value::from(flag),
            None => return Err(invalid(field, "Active must be on or off.")),
        },
        "valid_from" | "valid_to" => match value {
            Value::Null => Value::Null,
            Value::String(s) if s.trim().is_empty() => Value::Null,
            Value::String(s) if valid_date(s.trim()) => Value::from(s.trim()),
            _ => return Err(invalid(field, "Dates must look like 2025-12-31.")),
        },
        _ => match value {
            Value::String(s) => Value::from(if field == "details_html" {
                s.clone()
            } else {
                s.trim().to_owned()
            }),
            Value::Null => Value::from(""),
            _ => {
                return Err(invalid(
                    field,
                    format!("{} must be text.", field.replace('_', " ")),
                ))
            }
        },
    })
}

/// What is wrong with the row the edit leaves (the edit over `current`): a title and a short
/// description when created or changed, lengths, the booking link, the dates' order.
fn whole_row_problems(
    clean: &Map<String, Value>,
    current: Option<&Row>,
    creating: bool,
    problems: &mut Vec<FieldInvalid>,
) {
    let merged = |key: &str| {
        clean
            .get(key)
            .or_else(|| current.and_then(|row| row.get(key)))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let title = merged("title");
    let title = title.as_str().unwrap_or_default();
    if (creating || clean.contains_key("title")) && title.is_empty() {
        problems.push(invalid("title", "The title is required."));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        problems.push(invalid(
            "title",
            format!("The title can be at most {MAX_TITLE_CHARS} characters."),
        ));
    }
    let short = merged("short_description");
    if (creating || clean.contains_key("short_description"))
        && short.as_str().unwrap_or_default().is_empty()
    {
        problems.push(invalid(
            "short_description",
            "The short description is required.",
        ));
    }
    if merged("tag").as_str().unwrap_or_default().chars().count() > MAX_TAG_CHARS {
        problems.push(invalid(
            "tag",
            format!("The tag can be at most {MAX_TAG_CHARS} characters."),
        ));
    }
    let url = merged("book_now_url");
    let url = url.as_str().unwrap_or_default();
    if !url.is_empty() {
        if let Err(problem) = crate::rules::url::check_url(url.trim()) {
            problems.push(invalid("book_now_url", problem.to_string()));
        }
    }
    if let (Some(from), Some(to)) = (merged("valid_from").as_str(), merged("valid_to").as_str()) {
        if from > to {
            problems.push(invalid(
                "valid_to",
                "The offer must end on or after the day it starts.",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn a_new_offer_needs_a_title_and_a_short_description() {
        let err = validate(
            &map(json!({"title": "  ", "short_description": "x"})),
            None,
            true,
        )
        .unwrap_err();
        assert_eq!(err.field, "title");
        let err = validate(&map(json!({"title": "Spa"})), None, true).unwrap_err();
        assert_eq!(err.field, "short_description");
        assert!(validate(
            &map(json!({"title": "Spa", "short_description": "Two nights"})),
            None,
            true
        )
        .is_ok());
    }

    #[test]
    fn lengths_links_and_dates_are_checked_as_the_server_does() {
        let current =
            map(json!({"title": "Spa", "short_description": "x", "valid_from": "2025-12-01"}));
        let long = "x".repeat(201);
        assert_eq!(
            validate(&map(json!({"title": long})), Some(&current), false)
                .unwrap_err()
                .field,
            "title"
        );
        assert_eq!(
            validate(&map(json!({"tag": "t".repeat(51)})), Some(&current), false)
                .unwrap_err()
                .field,
            "tag"
        );
        assert_eq!(
            validate(
                &map(json!({"book_now_url": "javascript:alert(1)"})),
                Some(&current),
                false
            )
            .unwrap_err()
            .field,
            "book_now_url"
        );
        // Defect (b) of issue 9: what the server refuses, the desk refuses, and the other way.
        for refused in ["https://booking", "https://example.com/book now"] {
            assert_eq!(
                validate(
                    &map(json!({"book_now_url": refused})),
                    Some(&current),
                    false
                )
                .unwrap_err()
                .field,
                "book_now_url",
                "{refused}"
            );
        }
        for accepted in ["ftp://example.com/", "https://example.com:99999/"] {
            assert!(
                validate(
                    &map(json!({"book_now_url": accepted})),
                    Some(&current),
                    false
                )
                .is_ok(),
                "{accepted}"
            );
        }
        assert_eq!(
            validate(
                &map(json!({"valid_to": "2025-11-30"})),
                Some(&current),
                false
            )
            .unwrap_err()
            .field,
            "valid_to"
        );
        assert_eq!(
            validate(
                &map(json!({"valid_from": "31/12/2025"})),
                Some(&current),
                false
            )
            .unwrap_err()
            .field,
            "valid_from"
        );
        assert_eq!(
            validate(&map(json!({"sort_order": -1})), Some(&current), false)
                .unwrap_err()
                .field,
            "sort_order"
        );
        assert_eq!(
            validate(&map(json!({"photo": "x"})), Some(&current), false)
                .unwrap_err()
                .field,
            "field"
        );
        let ok = validate(
            &map(json!({"valid_to": "", "tag": "  Deal "})),
            Some(&current),
            false,
        )
        .unwrap();
        assert_eq!(ok, map(json!({"valid_to": null, "tag": "Deal"})));
    }

    /// What an attacker (or a careless copy-paste) could put in `details_html`.
    #[test]
    fn details_html_loses_everything_that_could_run() {
        let corpus = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=alert(1)><circle/></svg>",
            "<p style=\"background:url(javascript:alert(1))\">x</p>",
            "<object data=\"x.swf\"></object>",
            "<form action=\"https://evil.example\"><input></form>",
            "<body onload=alert(1)>",
            "<div onclick=\"alert(1)\">click</div>",
            "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        ];
        for html in corpus {
            let clean = sanitize_html(html).to_ascii_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onload",
                "onclick",
                "javascript:",
                "<iframe",
                "<svg",
                "<object",
                "<form",
                "<meta",
                "style=",
                "data:text",
            ] {
                assert!(!clean.contains(bad), "{html:?} became {clean:?}");
            }
        }
        assert_eq!(
            sanitize_html("<p>Relax <strong>now</strong></p>"),
            "<p>Relax <strong>now</strong></p>"
        );
    }

    /// Issue 36.5: `<img src="http://hmimg.localhost/…">` in the details made the preview send
    /// a request to port 80 of the manager's PC. Tried: that address, a plain http and https
    /// image, a protocol-relative one, a data: image, the image scheme itself written by the
    /// server, and a link naming the image scheme.
    #[test]
    fn the_preview_reads_images_only_through_the_desks_image_scheme() {
        let preview = preview_html(
            "<p><img src=\"http://hmimg.localhost/etc/passwd\" alt=a>\
             <img src=\"https://cdn.example.com/pool.jpg?w=1 2\" alt=b>\
             <img src=\"//evil.example/x.png\" alt=c>\
             <img src=\"data:image/png;base64,AAAA\" alt=d>\
             <img src=\"hmimg://localhost/http%3A%2F%2F127.0.0.1%3A80%2F\" alt=e>\
             <a href=\"hmimg://localhost/x\">f</a></p>",
        );
        let sources: Vec<&str> = preview
            .split("src=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert_eq!(
            sources,
            [
                "hmimg://localhost/http%3A%2F%2Fhmimg.localhost%2Fetc%2Fpasswd",
                "hmimg://localhost/https%3A%2F%2Fcdn.example.com%2Fpool.jpg%3Fw%3D1%25202",
            ],
            "{preview}"
        );
        assert!(!preview.contains("data:"), "{preview}");
        assert!(!preview.contains("evil.example"), "{preview}");
        assert!(!preview.contains("href=\"hmimg"), "{preview}");
        assert!(
            preview.contains(">f</a>"),
            "the link's text stays: {preview}"
        );
        assert_eq!(
            preview_html("<p>Relax <strong>now</strong></p>"),
            "<p>Relax <strong>now</strong></p>"
        );
    }
}
