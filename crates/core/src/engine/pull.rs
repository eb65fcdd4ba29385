//! Pull: make the stored server rows of a resource exactly what the server has (every page).

use std::collections::HashSet;

use futures_util::stream::{self, StreamExt};

use crate::api::{ApiClient, ApiError, Listing, Resource};
use crate::engine::store::records::row_id;
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

/// At most this many stored rows a list read lacked are read one by one in one reconcile; the
/// rest are kept and the list is read again soon ([`Replaced::unconfirmed`]): a colleague's
/// gallery of a hundred photos deleted costs a few rounds, never a flood of reads.
pub(crate) const CONFIRM_GONE_AT_ONCE: usize = 40;

/// How many of those reads are made at once.
const CONFIRM_GONE_CONCURRENTLY: usize = 4;

/// Reconciles one resource; returns what changed locally.
///
/// `confirm_gone`: the resource's rows can be read one by one (its edits do so). A list read
/// page by page is no snapshot: a row deleted on an early page while a later one is read moves
/// a row from the later page onto the early one, and a photo added meanwhile keeps the count
/// (issue 65 item 6: a colleague's busy gallery made a desk drop a photo it still had, and with
/// it the question about that photo's caption). So a stored row a list of more than one page
/// lacks is taken as gone only when a read of it by id says so (404); one that is there is
/// stored as read. A list of one page is one answer: what it lacks is gone.
pub async fn reconcile(
    client: &ApiClient,
    store: &Store,
    resource: Resource,
    slug: &str,
    confirm_gone: bool,
) -> Result<Replaced, SyncError> {
    let known = store.record_count(resource.name)?;
    let asked = crate::engine::store::records::read_stamp();
    let items = client.list_expecting(resource, slug, known).await?;
    let mut rows: Vec<Row> = Vec::with_capacity(items.len());
    for item in items {
        rows.push(as_row(item, resource)?);
    }
    let paged =
        resource.listing == Listing::Paginated && known.max(rows.len()) > crate::api::ROWS_PER_PAGE;
    let (mut kept, mut waiting) = (HashSet::new(), 0);
    if confirm_gone && paged {
        let listed: HashSet<i64> = rows.iter().filter_map(row_id).collect();
        let mut absent: Vec<i64> = store
            .record_ids(resource.name)?
            .into_iter()
            .filter(|id| !listed.contains(id))
            .collect();
        absent.sort_unstable();
        let later = absent.split_off(absent.len().min(CONFIRM_GONE_AT_ONCE));
        waiting = later.len();
        kept.extend(later);
        let reads: Vec<(i64, Result<serde_json::Value, ApiError>)> = stream::iter(absent)
            .map(|id| async move { (id, client.fetch(resource, slug, id).await) })
            .buffer_unordered(CONFIRM_GONE_CONCURRENTLY)
            .collect()
            .await;
        for (id, read) in reads {
            match read {
                Ok(item) if item.get("id").and_then(serde_json::Value::as_i64) != Some(id) => {
                    tracing::warn!(
                        resource = resource.name,
                        id,
                        "a read of a row answered another; the row is kept"
                    );
                    kept.insert(id);
                }
                Ok(item) => {
                    tracing::info!(
                        resource = resource.name,
                        id,
                        "a row the list read lacked is still there (the list changed while it was read)"
                    );
                    rows.push(as_row(item, resource)?);
                }
                Err(ApiError::NotFound { .. }) => {}
                Err(err) if err.is_transient() => return Err(err.into()),
                Err(err) => {
                    // Kept until a later read (never read again at once: a server refusing the
                    // row is not asked again and again).
                    tracing::warn!(resource = resource.name, id, error = %err, "cannot tell whether a row the list lacked is gone; kept");
                    kept.insert(id);
                }
            }
        }
    }
    let mut replaced = store.replace_records_asked(resource.name, rows, Some(&asked), &kept)?;
    replaced.unconfirmed = waiting;
    Ok(replaced)
}

/// [`reconcile`] of a resource the desk keeps: the rows of one it edits can be read one by
/// one (its edits do), so a row its list lacks is confirmed gone before it is removed.
pub(crate) async fn reconcile_kept(
    client: &ApiClient,
    store: &Store,
    spec: &crate::engine::spec::ResourceSpec,
    slug: &str,
) -> Result<Replaced, SyncError> {
    reconcile(client, store, spec.api, slug, !spec.editable.is_empty()).await
}

/// An item of a list or a read by id as a stored row: an object with an integer `id`, its long
/// fields clipped.
fn as_row(item: serde_json::Value, resource: Resource) -> Result<Row, SyncError> {
    match item {
        serde_json::Value::Object(mut row)
            if row.get("id").and_then(serde_json::Value::as_i64).is_some() =>
        {
            clip_fields(&mut row, resource.clipped);
            Ok(row)
        }
        other => Err(SyncError::Malformed {
            resource: resource.name,
            detail: format!("an item without an id: {}", truncate(&other.to_string())),
        }),
    }
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
