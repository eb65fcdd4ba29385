//! Reading a stored row's fields for a view: text trimmed (empty when missing), a web address
//! (none when empty), a price, a number, the row's id.

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

/// A room type's starting price as staff and guests read it ("from 189.00 EUR"), or empty
/// without one. DRF sends the price as a decimal string ("189.00"); a number is shown too.
pub(crate) fn price_from(row: &Row) -> String {
    let price = match row.get("starting_price_from") {
        Some(Value::Number(n)) => n.to_string(),
        _ => text(row, "starting_price_from"),
    };
    if price.is_empty() {
        return price;
    }
    format!("from {price} {}", text(row, "currency"))
        .trim()
        .to_owned()
}

/// A small count (a room type's `max_occupancy`), when the server gave one that fits.
pub(crate) fn count(row: &Row, key: &str) -> Option<u32> {
    row.get(key)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
}

pub(crate) fn order(row: &Row, key: &str) -> i64 {
    row.get(key).and_then(Value::as_i64).unwrap_or(0)
}

pub(crate) fn id(row: &Row) -> i64 {
    row.get("id").and_then(Value::as_i64).unwrap_or(0)
}
