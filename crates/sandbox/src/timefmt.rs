//! The three time formats of API.md §1.6, produced from the current UTC time.

use chrono::{SecondsFormat, Utc};

/// DRF serializer form: `2025-11-25T18:02:11.532918Z`.
pub(crate) fn now_drf() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// `timezone.now().isoformat()` form used by many Pusher payloads: `…532918+00:00`.
pub(crate) fn now_isoformat() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, false)
}

/// A stored DRF timestamp re-encoded by `DjangoJSONEncoder` (milliseconds + `Z`).
pub(crate) fn to_django_json(drf: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(drf) {
        Ok(t) => t
            .with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Millis, true),
        Err(_) => drf.to_string(),
    }
}

/// A timestamp `seconds_ago` seconds in the past, DRF form (seed data).
pub(crate) fn drf_ago(seconds_ago: i64) -> String {
    (Utc::now() - chrono::Duration::seconds(seconds_ago))
        .to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Today's date `YYYY-MM-DD` plus `days`.
pub(crate) fn date_in(days: i64) -> String {
    (Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}
