//! Offers as the engine syncs them (API.md §3, events of §9.2). The typed view, validation and
//! sanitizing of an offer are in [`crate::offers`].

use serde_json::{Map, Value};

use crate::api::{Generation, Listing, Mount, Resource};
use crate::engine::spec::ResourceSpec;
use crate::engine::spec::Hint;
use crate::engine::store::Row;
use crate::events::{ResourceKind, View};

/// API.md §3.1: offers, with `upload-image/` taking the file part `photo`.
pub const OFFERS: Resource = Resource {
    name: "offers",
    path: "offers",
    mount: Mount::STAFF_HOTEL,
    listing: Listing::Paginated,
    id_key: "id",
    upload: Some(("upload-image", "photo")),
    order_field: Some("sort_order"),
    clipped: &[],
    renamed: &[],
};

/// How the engine syncs the offers (API.md §3).
pub static SPEC: ResourceSpec = ResourceSpec {
    broadcast: true,
    interpret,
    title,
    validate: crate::features::offers::validate,
    editable: crate::features::offers::EDITABLE_FIELDS,
    image_fields: &["photo_url", "photo"],
    toast,
    views: &[View::Offers, View::Display],
    refetch_follows_row_events: true,
    // API.md §10.2 and §10.3.
    absent: &[(
        Generation::Hotelmate2026,
        "This HotelMate server has no offers: its 2026 version removed them.",
    )],
    ..ResourceSpec::base(ResourceKind::Offers, OFFERS)
};

fn title(row: &Row) -> Option<String> {
    row.get("title")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// Reads the offer events of API.md §9.2. A malformed payload of an offer event is a reconcile.
fn interpret(event: &str, data: &Value) -> Option<Hint> {
    let id_of = |key: &str| data.get(key).and_then(Value::as_i64);
    let offer_title = || {
        data.get("offer_title")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    Some(match event {
        "offer-created" | "offer-updated" => match data.get("offer").and_then(Value::as_object) {
            Some(offer) if offer.get("id").and_then(Value::as_i64).is_some() => Hint::Upsert {
                row: offer.clone(),
                action: if event == "offer-created" {
                    "created"
                } else {
                    "updated"
                },
            },
            _ => Hint::Reconcile,
        },
        "offer-deleted" => id_of("offer_id").map_or(Hint::Reconcile, |id| Hint::Delete {
            id,
            title: offer_title(),
        }),
        "offer-image-updated" => match (id_of("offer_id"), data.get("photo_url")) {
            (Some(id), Some(url)) if url.is_string() || url.is_null() => {
                let mut fields = Map::new();
                fields.insert("photo_url".into(), url.clone());
                Hint::Patch {
                    id,
                    fields,
                    action: "image_updated",
                    title: offer_title(),
                }
            }
            _ => Hint::Reconcile,
        },
        "offers-updated" => Hint::Reconcile,
        _ => return None,
    })
}

fn toast(action: &str, title: Option<&str>) -> Option<(String, String)> {
    let name = title.unwrap_or("An offer");
    Some(match action {
        "created" => (
            "New offer".to_owned(),
            format!("“{name}” was added by a colleague."),
        ),
        "deleted" => (
            "Offer removed".to_owned(),
            format!("“{name}” was deleted by a colleague."),
        ),
        "image_updated" => (
            "New offer photo".to_owned(),
            format!("“{name}” has a new photo."),
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn offer_events_of_api_md_are_read_as_the_store_needs_them() {
        let offer = json!({"id": 7, "title": "Spa"});
        assert!(matches!(
            interpret(
                "offer-updated",
                &json!({"action": "updated", "offer": offer})
            ),
            Some(Hint::Upsert {
                action: "updated",
                ..
            })
        ));
        assert_eq!(
            interpret(
                "offer-deleted",
                &json!({"action": "deleted", "offer_id": 7, "offer_title": "Spa"})
            ),
            Some(Hint::Delete {
                id: 7,
                title: Some("Spa".into())
            })
        );
        let Some(Hint::Patch { id, fields, .. }) = interpret(
            "offer-image-updated",
            &json!({"action": "image-updated", "offer_id": 7, "offer_title": "Spa", "photo_url": "http://x/y.jpg"}),
        ) else {
            panic!("image update not read");
        };
        assert_eq!(
            (id, fields.get("photo_url")),
            (7, Some(&json!("http://x/y.jpg")))
        );
        assert_eq!(
            interpret("offers-updated", &json!({"action": "sync"})),
            Some(Hint::Reconcile)
        );
    }

    #[test]
    fn malformed_payloads_become_a_reconcile_and_other_events_are_not_offers() {
        assert_eq!(
            interpret("offer-updated", &json!({"action": "updated"})),
            Some(Hint::Reconcile)
        );
        assert_eq!(
            interpret("offer-created", &json!({"offer": {"title": "no id"}})),
            Some(Hint::Reconcile)
        );
        assert_eq!(
            interpret("offer-deleted", &json!({"offer_id": "7"})),
            Some(Hint::Reconcile)
        );
        assert_eq!(
            interpret("offer-deleted", &json!("not an object")),
            Some(Hint::Reconcile)
        );
        assert_eq!(interpret("roster-updated", &json!({})), None);
    }

    #[test]
    fn created_deleted_and_new_photo_toast_but_edits_do_not() {
        assert_eq!(toast("created", Some("Spa")).unwrap().0, "New offer");
        assert_eq!(toast("deleted", Some("Spa")).unwrap().0, "Offer removed");
        assert!(toast("image_updated", Some("Spa"))
            .unwrap()
            .1
            .contains("Spa"));
        assert_eq!(toast("updated", Some("Spa")), None);
    }
}
