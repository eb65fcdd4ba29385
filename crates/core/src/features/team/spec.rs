//! The hotel's team as the engine syncs it (API.md §7): colleagues from the staff-chat staff list
//! (§7.2: active staff, the caller excluded, 50 a page) and the open clock logs of
//! `currently-clocked-in` (§7.1), which say since when each is on duty. Both are read-only on the
//! desk. Live: `clock-status-updated` and `staff-profile-updated` (§9.2), and at 2026 the
//! `clock_status_updated` envelope (§10.2), matched by `staff_id`.
//! The board built from them is [`crate::team`].

use serde_json::{Map, Value};

use crate::api::{Generation, Listing, Mount, Resource};
use crate::engine::spec::ResourceSpec;
use crate::engine::spec::Hint;
use crate::engine::store::Row;
use crate::events::{ResourceKind, View};
use crate::rules::{invalid, FieldInvalid};

/// §7.2: `GET /api/staff/hotel/<slug>/staff_chat/staff-list/`.
pub(crate) const STAFF: Resource = Resource {
    name: "staff",
    path: "staff_chat/staff-list",
    mount: Mount::STAFF_HOTEL,
    listing: Listing::Paginated,
    id_key: "id",
    upload: None,
    order_field: None,
    clipped: &[],
    renamed: &[],
};

/// `/api/attendance/clock-logs/<path>/?hotel_slug=<slug>`: the legacy attendance reads (§7.1),
/// which take the hotel as a query parameter. Read-only.
const CLOCK_LOGS_MOUNT: Mount = Mount {
    name: "clock logs",
    collection: |slug, path, _| format!("api/attendance/clock-logs/{path}/?hotel_slug={slug}"),
    item: Some(|slug, id| format!("api/attendance/clock-logs/{id}/?hotel_slug={slug}")),    create: None,
};

/// §7.1: `GET /api/attendance/clock-logs/currently-clocked-in/?hotel_slug=<slug>`.
pub(crate) const CLOCK_LOGS: Resource = Resource {
    name: "clock_logs",
    path: "currently-clocked-in",
    mount: CLOCK_LOGS_MOUNT,
    listing: Listing::Paginated,
    id_key: "id",
    upload: None,
    order_field: None,
    clipped: &[],
    renamed: &[],
};

pub(crate) static SPEC: ResourceSpec = ResourceSpec {
    broadcast: true,
    interpret: interpret_staff,
    title: full_name,
    validate: read_only,
    image_fields: &["profile_image_url"],
    toast,
    views: &[View::Team, View::Display],
    ..ResourceSpec::base(ResourceKind::Staff, STAFF)
};

pub(crate) static CLOCK_LOGS_SPEC: ResourceSpec = ResourceSpec {
    broadcast: true,
    interpret: interpret_clock_logs,
    validate: read_only,
    views: &[View::Team, View::Display],
    // Its `department-status/` gives managers only a time of day ("09:15"), without a date
    // or time zone, and only for clock-ins of the server's today: shown as "since", it could
    // be an hour or a day wrong.
    absent: &[(
        Generation::Hotelmate2026,
        "This HotelMate server (2026) does not say since when colleagues are on duty in a \
         form the desk can show rightly, so the board shows who is on duty without it.",
    )],
    ..ResourceSpec::base(ResourceKind::ClockLogs, CLOCK_LOGS)
};

/// "Seán Murphy": `full_name`, else first and last name.
pub(crate) fn full_name(row: &Row) -> Option<String> {
    let text = |key: &str| row.get(key).and_then(Value::as_str).unwrap_or_default();
    let full = text("full_name").trim();
    let name = if full.is_empty() {
        format!("{} {}", text("first_name"), text("last_name"))
            .trim()
            .to_owned()
    } else {
        full.to_owned()
    };
    // Shown on the board, the display and in toasts: the server's words, disguises shown.
    (!name.is_empty()).then(|| crate::rules::text::reveal(&name))
}

fn read_only(_: &Row, _: Option<&Row>, _: bool) -> Result<Row, FieldInvalid> {
    Err(invalid(
        "id",
        "Colleagues are managed on the hotel's server, not on the desk.",
    ))
}

/// The name an event gives (`first_name`, `last_name`).
fn event_name(data: &Value) -> Option<String> {
    let part = |key: &str| data.get(key).and_then(Value::as_str).unwrap_or_default();
    let name = format!("{} {}", part("first_name"), part("last_name"))
        .trim()
        .to_owned();
    // Shown on the board, the display and in toasts: the server's words, disguises shown.
    (!name.is_empty()).then(|| crate::rules::text::reveal(&name))
}

/// A clock event: whose, on or off, when, and the name it gives.
struct ClockEvent {
    staff_id: i64,
    on: bool,
    at: Option<String>,
    name: Option<String>,
}

/// A `clock-status-updated` payload (§9.2, flat). `None` when malformed.
fn read_clock_event(data: &Value) -> Option<ClockEvent> {
    Some(ClockEvent {
        staff_id: data.get("staff_id").and_then(Value::as_i64)?,
        on: data.get("is_on_duty").and_then(Value::as_bool)?,
        at: data
            .get("clock_time")
            .and_then(Value::as_str)
            .map(str::to_owned),
        name: event_name(data),
    })
}

/// A `clock_status_updated` envelope (§10.2, 2026: `{category, type, payload, meta}`), whose
/// `duty_status` is believed before `is_on_duty` (a break is still duty). `None` when malformed.
fn read_clock_envelope(data: &Value) -> Option<ClockEvent> {
    let payload = data.get("payload")?;
    let on = match payload.get("duty_status").and_then(Value::as_str) {
        Some("on_duty" | "on_break") => true,
        Some("off_duty") => false,
        _ => payload.get("is_on_duty").and_then(Value::as_bool)?,
    };
    Some(ClockEvent {
        staff_id: payload.get("staff_id").and_then(Value::as_i64)?,
        on,
        at: payload
            .get("timestamp")
            .and_then(Value::as_str)
            .map(str::to_owned),
        name: payload
            .get("staff_name")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned),
    })
}

/// A clock event as a change of the staff list: `is_on_duty`, and locally since when (until
/// the clock logs are read again); a malformed one is a reason to read the list again.
fn clock_hint(event: Option<ClockEvent>) -> Hint {
    let Some(ClockEvent {
        staff_id: id,
        on,
        at,
        name,
    }) = event
    else {
        return Hint::Reconcile;
    };
    let mut fields = Map::new();
    fields.insert("is_on_duty".into(), Value::Bool(on));
    fields.insert(
        "on_duty_since".into(),
        if on {
            at.map_or(Value::Null, Value::String)
        } else {
            Value::Null
        },
    );
    Hint::Patch {
        id,
        fields,
        action: if on { "clock_in" } else { "clock_out" },
        title: name,
    }
}

/// The staff list: a clock event sets `is_on_duty` (and, locally, since when, until the clock
/// logs are read again); a profile event renames, or removes someone no longer active.
fn interpret_staff(event: &str, data: &Value) -> Option<Hint> {
    Some(match event {
        "clock-status-updated" => clock_hint(read_clock_event(data)),
        "clock_status_updated" => clock_hint(read_clock_envelope(data)),
        "staff-profile-updated" => {
            let Some(id) = data.get("staff_id").and_then(Value::as_i64) else {
                return Some(Hint::Reconcile);
            };
            let gone = data.get("action").and_then(Value::as_str) == Some("deleted")
                || data.get("is_active").and_then(Value::as_bool) == Some(false);
            if gone {
                Hint::Delete {
                    id,
                    title: event_name(data),
                }
            } else {
                let mut fields = Map::new();
                for key in ["first_name", "last_name", "email"] {
                    if let Some(value) = data.get(key).filter(|v| v.is_string()) {
                        fields.insert(key.into(), value.clone());
                    }
                }
                if let Some(on) = data.get("is_on_duty").filter(|v| v.is_boolean()) {
                    fields.insert("is_on_duty".into(), on.clone());
                }
                if let Some(name) = event_name(data) {
                    fields.insert("full_name".into(), Value::String(name));
                }
                Hint::Patch {
                    id,
                    fields,
                    action: "profile_updated",
                    title: event_name(data),
                }
            }
        }
        _ => return None,
    })
}

/// The open clock logs carry their own ids, which a clock event does not name: it is only a
/// reason to read them again.
fn interpret_clock_logs(event: &str, _: &Value) -> Option<Hint> {
    matches!(
        event,
        "clock-status-updated" | "clock_status_updated" | "staff-profile-updated"
    )
    .then_some(Hint::Reconcile)
}

fn toast(action: &str, title: Option<&str>) -> Option<(String, String)> {
    let name = title.unwrap_or("A colleague");
    Some(match action {
        "clock_in" => (format!("{name} is on duty"), format!("{name} clocked in.")),
        "clock_out" => (
            format!("{name} is off duty"),
            format!("{name} clocked out."),
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn clock_event(on: bool) -> Value {
        json!({"user_id": 3, "staff_id": 12, "is_on_duty": on, "clock_time": "2026-11-22T09:00:00+00:00",
               "first_name": "Seán", "last_name": "Murphy", "action": if on {"clock_in"} else {"clock_out"},
               "department": "Front Office", "department_slug": "front-office"})
    }

    #[test]
    fn a_clock_event_sets_duty_and_since_when_on_the_colleagues_row() {
        let Some(Hint::Patch {
            id,
            fields,
            action,
            title,
        }) = interpret_staff("clock-status-updated", &clock_event(true))
        else {
            panic!("not read as a patch");
        };
        assert_eq!(
            (id, action, title.as_deref()),
            (12, "clock_in", Some("Seán Murphy"))
        );
        assert_eq!(fields["is_on_duty"], json!(true));
        assert_eq!(fields["on_duty_since"], json!("2026-11-22T09:00:00+00:00"));
        let Some(Hint::Patch { fields, .. }) =
            interpret_staff("clock-status-updated", &clock_event(false))
        else {
            panic!("not read as a patch");
        };
        assert_eq!(fields["on_duty_since"], Value::Null);
        assert_eq!(
            interpret_clock_logs("clock-status-updated", &clock_event(true)),
            Some(Hint::Reconcile)
        );
    }

    #[test]
    fn the_2026_clock_envelope_believes_duty_status_and_a_break_is_still_duty() {
        let envelope = |duty: &str, is_on_duty: bool| {
            json!({"category": "attendance", "type": "clock_status_updated",
                   "payload": {"staff_id": 12, "staff_name": "Seán Murphy", "duty_status": duty,
                               "is_on_duty": is_on_duty, "action": "clock_in",
                               "timestamp": "2026-11-22T09:00:00+00:00"},
                   "meta": {"hotel_slug": "ocean", "event_id": "e1"}})
        };
        // §10.2: `is_on_duty` is not updated on some clock-out paths; `duty_status` is.
        for (duty, stale, on) in [
            ("on_duty", false, true),
            ("on_break", false, true),
            ("off_duty", true, false),
        ] {
            let Some(Hint::Patch {
                id,
                fields,
                action,
                title,
            }) = interpret_staff("clock_status_updated", &envelope(duty, stale))
            else {
                panic!("{duty}: not read as a patch");
            };
            assert_eq!(id, 12);
            assert_eq!(fields["is_on_duty"], json!(on), "{duty}");
            assert_eq!(action, if on { "clock_in" } else { "clock_out" });
            assert_eq!(title.as_deref(), Some("Seán Murphy"));
        }
        // The flat classic payload under the 2026 name is malformed there: read again.
        assert_eq!(
            interpret_staff("clock_status_updated", &clock_event(true)),
            Some(Hint::Reconcile)
        );
        assert_eq!(
            interpret_clock_logs("clock_status_updated", &envelope("on_duty", true)),
            Some(Hint::Reconcile)
        );
    }

    #[test]
    fn malformed_clock_events_are_a_reconcile_and_others_are_not_staff() {
        for data in [
            json!({"staff_id": "12", "is_on_duty": true}),
            json!({"staff_id": 12}),
            json!("not an object"),
        ] {
            assert_eq!(
                interpret_staff("clock-status-updated", &data),
                Some(Hint::Reconcile),
                "{data}"
            );
        }
        assert_eq!(interpret_staff("offer-updated", &json!({})), None);
        assert_eq!(interpret_clock_logs("offer-updated", &json!({})), None);
        // API.md §9.2 note (b): never delivered by the real server, and not needed.
        assert_eq!(interpret_staff("attendance-logged", &json!({})), None);
    }

    #[test]
    fn a_colleague_deactivated_or_deleted_leaves_the_board() {
        for data in [
            json!({"staff_id": 12, "action": "deleted", "first_name": "Seán", "last_name": "Murphy"}),
            json!({"staff_id": 12, "action": "updated", "is_active": false}),
        ] {
            assert!(matches!(
                interpret_staff("staff-profile-updated", &data),
                Some(Hint::Delete { id: 12, .. })
            ));
        }
        let Some(Hint::Patch { fields, .. }) = interpret_staff(
            "staff-profile-updated",
            &json!({"staff_id": 12, "action": "updated", "first_name": "Sean", "last_name": "Murphy",
                    "is_active": true, "is_on_duty": false, "department": "Front Office"}),
        ) else {
            panic!("not a patch");
        };
        assert_eq!(fields["full_name"], json!("Sean Murphy"));
        assert!(
            !fields.contains_key("department"),
            "the event's department is a name; the row's is an object, fixed by the reconcile"
        );
    }

    #[test]
    fn clocking_toasts_name_the_colleague() {
        assert_eq!(
            toast("clock_in", Some("Seán Murphy")).unwrap().0,
            "Seán Murphy is on duty"
        );
        assert_eq!(toast("profile_updated", Some("Seán Murphy")), None);
    }
}
