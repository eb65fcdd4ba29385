//! Reading a stored row's fields for a view: text trimmed (empty when missing), a web address
//! (none when empty), a number, the row's id.

use serde_json::{Map, Value};

/// A row as the server sends it: a JSON object of its fields.
#[cfg_attr(not(feature = "test-support"), allow(unreachable_pub))]
pub type Row = Map<String, Value>;

pub(crate) fn text(row: &Row, key: &str) -> String {
    row.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

pub(crate) fn url(row: &Row, key: &str) -> Option<String> {
    Some(text(row, key)).filter(|u| !u.is_empty())
}

pub(crate) fn order(row: &Row, key: &str) -> i64 {
    row.get(key).and_then(Value::as_i64).unwrap_or(0)
}

pub(crate) fn id(row: &Row) -> i64 {
    row.get("id").and_then(Value::as_i64).unwrap_or(0)
}
