//! The field-level three-way merge of an offline edit with what the server has now.
//!
//! For each field the user set: if the server still has the value the user started from (the
//! base), the user's value is sent; if the server already has the user's value, nothing is sent;
//! if both changed it to different values, that field is a conflict for the user to resolve.
//! Fields the user did not touch are never sent, so other people's changes to them are kept.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

/// One field both sides changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FieldConflict {
    pub field: String,
    #[ts(type = "unknown")]
    pub mine: Value,
    #[ts(type = "unknown")]
    pub theirs: Value,
    #[ts(type = "unknown")]
    pub base: Value,
}

/// What to do with an update, given the server's current row.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct MergeOutcome {
    /// Fields to PATCH now.
    pub send: Map<String, Value>,
    /// Fields that need the user's decision.
    pub conflicts: Vec<FieldConflict>,
}

/// Merges `mine` (the fields the user set) made from `base` into the server's `theirs` row.
pub(crate) fn merge(
    mine: &Map<String, Value>,
    base: &Map<String, Value>,
    theirs: &Map<String, Value>,
) -> MergeOutcome {
    let mut outcome = MergeOutcome::default();
    for (field, my_value) in mine {
        let their_value = theirs.get(field).cloned().unwrap_or(Value::Null);
        let base_value = base.get(field).cloned().unwrap_or(Value::Null);
        if same(&their_value, my_value) {
            continue;
        }
        if same(&their_value, &base_value) {
            outcome.send.insert(field.clone(), my_value.clone());
        } else {
            outcome.conflicts.push(FieldConflict {
                field: field.clone(),
                mine: my_value.clone(),
                theirs: their_value,
                base: base_value,
            });
        }
    }
    outcome
}

/// Equality as the server means it: `""` and `null` are the same empty text, and numbers compare
/// by value (`"3"` from a form and `3` from JSON are not mixed up by the desk, but 3 and 3.0 are
/// the same number).
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::String(s)) | (Value::String(s), Value::Null) => s.is_empty(),
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
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
    fn a_field_only_i_changed_is_sent() {
        let out = merge(
            &map(json!({"title": "Spa week"})),
            &map(json!({"title": "Spa"})),
            &map(json!({"title": "Spa", "tag": "x"})),
        );
        assert_eq!(out.send, map(json!({"title": "Spa week"})));
        assert!(out.conflicts.is_empty());
    }

    #[test]
    fn a_field_only_they_changed_is_kept_because_it_is_never_sent() {
        let out = merge(
            &map(json!({"title": "Spa week"})),
            &map(json!({"title": "Spa"})),
            &map(json!({"title": "Spa", "tag": "New tag"})),
        );
        assert!(!out.send.contains_key("tag"));
    }

    #[test]
    fn the_same_change_on_both_sides_is_not_a_conflict_and_not_resent() {
        let out = merge(
            &map(json!({"title": "Spa week"})),
            &map(json!({"title": "Spa"})),
            &map(json!({"title": "Spa week"})),
        );
        assert!(out.send.is_empty() && out.conflicts.is_empty());
    }

    #[test]
    fn different_changes_to_one_field_are_a_conflict_with_both_values() {
        let out = merge(
            &map(json!({"title": "Mine", "tag": "t2"})),
            &map(json!({"title": "Old", "tag": "t1"})),
            &map(json!({"title": "Theirs", "tag": "t1"})),
        );
        assert_eq!(out.send, map(json!({"tag": "t2"})));
        assert_eq!(
            out.conflicts,
            vec![FieldConflict {
                field: "title".into(),
                mine: json!("Mine"),
                theirs: json!("Theirs"),
                base: json!("Old")
            }]
        );
    }

    #[test]
    fn empty_text_and_null_are_the_same_value() {
        let out = merge(
            &map(json!({"tag": "Deal"})),
            &map(json!({"tag": null})),
            &map(json!({"tag": ""})),
        );
        assert_eq!(out.send, map(json!({"tag": "Deal"})));
        assert!(out.conflicts.is_empty());
    }
}
