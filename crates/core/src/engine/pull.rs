//! Pull: make the stored server rows of a resource exactly what the server has (every page).

use crate::api::{ApiClient, ApiError, Resource};
use crate::engine::store::{Replaced, Row, Store, StoreError};

/// Why syncing a resource failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Talking to the server failed.
    #[error("{0}")]
    Api(#[from] ApiError),
    /// The local database could not be used.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The server answered with something the desk cannot read.
    #[error("the server sent {resource} that could not be read: {detail}")]
    Malformed {
        /// The resource it was about (`offers`, …).
        resource: &'static str,
        /// What was wrong with it.
        detail: String,
    },
}

/// Reconciles one resource; returns what changed locally.
pub async fn reconcile(
    client: &ApiClient,
    store: &Store,
    resource: Resource,
    slug: &str,
) -> Result<Replaced, SyncError> {
    let known = store.record_count(resource.name)?;
    let asked = crate::engine::store::records::read_stamp();
    let items = client.list_expecting(resource, slug, known).await?;
    let mut rows: Vec<Row> = Vec::with_capacity(items.len());
    for item in items {
        match item {
            serde_json::Value::Object(mut row)
                if row.get("id").and_then(serde_json::Value::as_i64).is_some() =>
            {
                clip_fields(&mut row, resource.clipped);
                rows.push(row)
            }
            other => {
                return Err(SyncError::Malformed {
                    resource: resource.name,
                    detail: format!("an item without an id: {}", truncate(&other.to_string())),
                })
            }
        }
    }
    Ok(store.replace_records_asked(resource.name, rows, Some(&asked))?)
}

/// Keeps the start of guests' long text fields, each to its number of characters (a guest's
/// megabyte is not kept, parsed and compared every minute).
pub(crate) fn clip_fields(row: &mut Row, fields: &[(&str, usize)]) {
    for (field, chars) in fields {
        let clipped = row
            .get(*field)
            .and_then(serde_json::Value::as_str)
            .and_then(|text| crate::rules::text::clip(text, *chars));
        if let Some((kept, _)) = clipped {
            row.insert((*field).to_owned(), kept.into());
        }
    }
}

fn truncate(text: &str) -> String {
    crate::rules::text::shorten(text, 120)
}
