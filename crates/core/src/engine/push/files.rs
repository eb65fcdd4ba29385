//! Pictures and a row's children in the replay: a row's image sent as a file, photos added to
//! a gallery (several at once, each placed once and found again after an unknown outcome), and
//! a row's children put in order. Moved out of `push.rs`, which replays every other change.

use super::*;
use crate::engine::spec::{AddChild, ChildrenOrder};

/// Sends the children added to rows (photos to galleries) that wait next in the outbox,
/// [`UPLOADS_AT_ONCE`] at a time, starting the next as soon as one ends (one added meanwhile
/// joins in), until none is left before the next entry of another kind. Returns how many were
/// replayed.
pub(super) async fn replay_added_children(
    at: Replay<'_>,
    progress: &impl Fn(&OutboxEntry) -> Progress,
    done: &mut impl FnMut(&OutboxEntry, &Replayed),
) -> Result<usize, SyncError> {
    let mut in_flight = futures_util::stream::FuturesUnordered::new();
    let mut started: HashSet<i64> = HashSet::new();
    let mut chosen = super::places::PlacesChosen::default();
    let mut failure = None;
    let mut count = 0;
    loop {
        if failure.is_none() && in_flight.len() < UPLOADS_AT_ONCE {
            let entries = at.store.outbox_entries(at.resource.name)?;
            // Children added before the first sendable entry of another kind, in order.
            let barrier = entries
                .iter()
                .filter(|e| matches!(e.state, EntryState::Pending | EntryState::Sending))
                .find(|e| e.op != Op::AddChild)
                .map_or(i64::MAX, |e| e.seq);
            let next: Vec<OutboxEntry> = entries
                .into_iter()
                .filter(|e| {
                    e.op == Op::AddChild
                        && e.seq < barrier
                        && e.target.is_saved()
                        && matches!(e.state, EntryState::Pending | EntryState::Sending)
                        && !started.contains(&e.seq)
                })
                .take(UPLOADS_AT_ONCE - in_flight.len())
                .collect();
            for entry in next {
                started.insert(entry.seq);
                // Each child's place is chosen here, as it starts, in the order they were
                // added: chosen later (after the awaits of its replay), one started after it
                // could take its place first and the two would swap in the gallery.
                let entry = match (at.children, entry.added_place()) {
                    (Some(children), None) => match place_at_end(at, children, &entry) {
                        Ok(at_end) => {
                            let place = chosen.next(entry.target.id(), at_end);
                            entry.with_added_place(place)
                        }
                        Err(err) => {
                            failure.get_or_insert(err);
                            break;
                        }
                    },
                    _ => entry,
                };
                if let Some(before_send) = at.before_send {
                    before_send(&entry);
                }
                let sent = progress(&entry);
                in_flight.push(async move {
                    let result = replay(at, &entry, sent, None).await;
                    (entry, result)
                });
            }
        }
        if in_flight.is_empty() {
            break;
        }
        // Look again for children added meanwhile every so often, so a free place is filled.
        let Ok(Some((entry, result))) = tokio::time::timeout(REFILL_EVERY, in_flight.next()).await
        else {
            continue;
        };
        match result {
            Ok(replayed) => {
                done(&entry, &replayed);
                count += 1;
            }
            Err(err) => {
                failure.get_or_insert(err);
            }
        }
    }
    failure.map_or(Ok(count), Err)
}

/// How often uploads on their way let children added meanwhile join them.
pub(super) const REFILL_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// How many children (photos added to galleries) are uploaded at once: enough to keep a hotel's uplink
/// busy between one file's end and the next one's start, few enough that each file's progress
/// means something.
pub(crate) const UPLOADS_AT_ONCE: usize = 3;

pub(super) async fn replay_upload(
    at: Replay<'_>,
    entry: &OutboxEntry,
    progress: Progress,
) -> Result<Replayed, SyncError> {
    let Replay {
        client,
        store,
        resource,
        slug,
        ..
    } = at;
    let (image, bytes) = match image_to_send(at, entry).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    store.mark_sending(entry.seq)?;
    let file_name = format!(
        "{}.{}",
        &image.hash[..16.min(image.hash.len())],
        extension_of(image.mime)
    );
    let file = ImageFile {
        name: file_name,
        mime: image.mime.to_owned(),
        bytes: bytes.into(),
    };
    let field = entry.image_field();
    let action = field.and_then(|field| {
        at.field_images
            .iter()
            .find(|image| image.file_field == field)
            .and_then(|image| image.action)
    });
    match (field, action) {
        (Some(_), Some((action, part))) => {
            client
                .post_file(
                    resource,
                    slug,
                    entry.target.id(),
                    (action, part, &[]),
                    file,
                    progress,
                )
                .await?
        }
        (Some(field), None) => {
            client
                .patch_image(resource, slug, entry.target.id(), field, file, progress)
                .await?
        }
        (None, _) => {
            client
                .upload_image(resource, slug, entry.target.id(), file, progress)
                .await?
        }
    };
    // Read the row again rather than trust the answer (§4.1: a 200 can still mean other
    // fields were not saved).
    let row = as_row(
        client.fetch(resource, slug, entry.target.id()).await?,
        resource,
    )?;
    store.finish_entry(entry.seq, Some(&row), None)?;
    Ok(sent(entry))
}

/// The image an upload entry sends, from the media cache, and its bytes; `Err` with the entry
/// refused (in words) when the image is no longer there.
pub(super) async fn image_to_send(
    at: Replay<'_>,
    entry: &OutboxEntry,
) -> Result<Result<(crate::media::MediaRef, Vec<u8>), Replayed>, SyncError> {
    let image = entry
        .media
        .as_deref()
        .and_then(|hash| at.media.get(hash).ok().flatten());
    let Some(image) = image else {
        let message =
            "the image waiting to be uploaded is no longer in the media cache; choose it again"
                .to_owned();
        at.store
            .mark_retry(entry.seq, EntryState::Rejected, &message)?;
        return Ok(Err(Replayed::Rejected {
            target: entry.target.id(),
            message,
            kind_refused: false,
        }));
    };
    let bytes = tokio::fs::read(&image.path)
        .await
        .map_err(|err| SyncError::Malformed {
            resource: at.resource.name,
            detail: format!(
                "cannot read the cached image {}: {err}",
                image.path.display()
            ),
        })?;
    Ok(Ok((image, bytes)))
}

/// The ids of the children nested in `row`.
/// Where an added child goes among its siblings: after every one the row has here, and after
/// the children added to the same row before it. Several upload at once, and the server puts
/// each where its place says (then by time of upload), so a place must grow with the order
/// the children were added in, whatever the row has read meanwhile: the highest place the row
/// has now, plus the entry's queue number. The row's places only grow and so do the queue
/// numbers, so each child's place is above those of every child added before it. (The numbers
/// grow with each batch; reordering the gallery gives them back as 0, 1, 2…)
pub(super) fn place_at_end(
    at: Replay<'_>,
    children: &Children,
    entry: &OutboxEntry,
) -> Result<i64, SyncError> {
    let last = at
        .store
        .record(at.resource.name, entry.target.id())?
        .and_then(|row| {
            row.get(children.list_key)
                .and_then(Value::as_array)
                .and_then(|siblings| {
                    siblings
                        .iter()
                        .filter_map(|c| c.get(children.order_field).and_then(Value::as_i64))
                        .max()
                })
        })
        .unwrap_or(0)
        .max(0);
    Ok(last.saturating_add(entry.seq.max(1)))
}

pub(super) fn child_ids(row: &Row, children: &Children) -> Vec<i64> {
    row.get(children.list_key)
        .and_then(Value::as_array)
        .map(|images| {
            images
                .iter()
                .filter_map(|i| i.get("id").and_then(Value::as_i64))
                .collect()
        })
        .unwrap_or_default()
}

/// The child of `row` (read from the server) that an earlier attempt of this upload left there:
/// one not among the children the row had before it was sent whose file's bytes are the ones
/// being uploaded. The server keeps no upload keys, so the bytes are what tells.
pub(super) async fn already_uploaded(
    at: Replay<'_>,
    children: &Children,
    row: &Row,
    before: &[i64],
    hash: &str,
) -> Result<bool, SyncError> {
    use sha2::Digest;
    let nested = row.get(children.list_key).and_then(Value::as_array);
    for child in nested.into_iter().flatten() {
        let new = child
            .get("id")
            .and_then(Value::as_i64)
            .is_some_and(|id| !before.contains(&id));
        let Some(url) = child.get(children.file_url).and_then(Value::as_str) else {
            continue;
        };
        if !new {
            continue;
        }
        let bytes = at
            .client
            .download(url, crate::media::MAX_INPUT_BYTES)
            .await?;
        if hex::encode(sha2::Sha256::digest(&bytes)) == hash {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Adds a child to a row through the row's add action (a photo to a gallery, API.md §5.2). An
/// upload whose outcome is unknown (the desk was killed, or the answer lost, after it was sent)
/// is first looked for among the row's children, so a file the server has is never uploaded
/// twice. An upload the user cancelled while it was on its way is removed once the server
/// answers.
pub(super) async fn replay_added_child(
    at: Replay<'_>,
    children: &Children,
    entry: &OutboxEntry,
    progress: Progress,
) -> Result<Replayed, SyncError> {
    let Replay {
        client,
        store,
        resource,
        slug,
        ..
    } = at;
    let (image, bytes) = match image_to_send(at, entry).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    let before = match children_before(at, children, entry, &image.hash).await? {
        Ok(before) => before,
        Err(found) => return Ok(found),
    };
    // Its place is chosen once (as its replay starts): a retry (after the network failed
    // under it) keeps it, so children sent meanwhile do not push it after them.
    let place = match entry.added_place() {
        Some(place) => place,
        None => place_at_end(at, children, entry)?,
    };
    if store
        .claim_added_child(entry.seq, &before, place)?
        .is_none()
    {
        return Ok(Replayed::Gone {
            target: entry.target.id(),
        });
    }
    let file = file_to_send(entry, image.hash.as_str(), image.mime, bytes);
    let sent_file = send_child(at, children, entry, (place, file), progress).await;
    let answer = match sent_file {
        Ok(answer) => answer,
        Err(err) => {
            if err.is_transient() {
                // It waits again (shown so); whether the server got it is found out before it
                // is sent again (its images before are kept).
                store.mark_retry(entry.seq, EntryState::Pending, &err.to_string())?;
            }
            return Err(err.into());
        }
    };
    if store.outbox_entry(entry.seq)?.is_none() {
        take_out_cancelled(at, children, entry, &answer).await;
        return Ok(Replayed::Gone {
            target: entry.target.id(),
        });
    }
    // The answer may not have the file's address (a gallery's has not, §5.2): the row, read
    // again, has.
    let row = as_row(
        client.fetch(resource, slug, entry.target.id()).await?,
        resource,
    )?;
    store.finish_entry(entry.seq, Some(&row), None)?;
    Ok(sent(entry))
}

/// Sends one added child's file where its row's description says (a row action of the parent,
/// or a POST to the children's collection naming the parent), with its place.
async fn send_child(
    at: Replay<'_>,
    children: &Children,
    entry: &OutboxEntry,
    (place, file): (i64, ImageFile),
    progress: Progress,
) -> Result<Value, crate::api::ApiError> {
    let Replay {
        client,
        resource,
        slug,
        ..
    } = at;
    let place = (children.order_field, place.to_string());
    match children.add {
        AddChild::RowAction(action, field) => {
            client
                .post_file(
                    resource,
                    slug,
                    entry.target.id(),
                    (action, field, &[place]),
                    file,
                    progress,
                )
                .await
        }
        AddChild::Collection {
            parent_field,
            file_field,
        } => {
            let parent = (parent_field, entry.target.id().to_string());
            client
                .create_with_file(
                    children.resource,
                    slug,
                    (file_field, &[parent, place]),
                    file,
                    progress,
                )
                .await
        }
    }
}

/// An upload cancelled while it was on its way, which the server took (its `answer`): taken
/// out again, and what became of it logged either way (for IT).
async fn take_out_cancelled(
    at: Replay<'_>,
    children: &Children,
    entry: &OutboxEntry,
    answer: &Value,
) {
    let Some(id) = answer.get("id").and_then(Value::as_i64) else {
        return;
    };
    match at.client.remove(children.resource, at.slug, id).await {
        Ok(_) => tracing::info!(
            upload = entry.seq,
            id,
            "an upload cancelled on its way was taken out again"
        ),
        Err(err) => {
            tracing::warn!(%err, id, "a cancelled upload could not be removed again")
        }
    }
}

/// The row's children before this upload was first sent, to tell its own child from the
/// others by: an upload sent before with an unknown outcome is looked for on the server
/// first, and `Err` says it was found there (the entry is done).
async fn children_before(
    at: Replay<'_>,
    children: &Children,
    entry: &OutboxEntry,
    hash: &str,
) -> Result<Result<Vec<i64>, Replayed>, SyncError> {
    let Replay {
        client,
        store,
        resource,
        slug,
        ..
    } = at;
    let Some(before) = entry.children_before() else {
        return Ok(Ok(store
            .record(resource.name, entry.target.id())?
            .map(|row| child_ids(&row, children))
            .unwrap_or_default()));
    };
    let row = as_row(
        client.fetch(resource, slug, entry.target.id()).await?,
        resource,
    )?;
    if already_uploaded(at, children, &row, &before, hash).await? {
        tracing::info!(
            seq = entry.seq,
            "an upload with an unknown outcome is already on the server"
        );
        store.finish_entry(entry.seq, Some(&row), None)?;
        return Ok(Err(sent(entry)));
    }
    Ok(Ok(child_ids(&row, children)))
}

/// The prepared file as it is sent: under the person's own file name, or its hash.
fn file_to_send(entry: &OutboxEntry, hash: &str, mime: &str, bytes: Vec<u8>) -> ImageFile {
    ImageFile {
        name: entry
            .added_file()
            .map(upload_name)
            .unwrap_or_else(|| format!("{}.{}", &hash[..16.min(hash.len())], extension_of(mime))),
        mime: mime.to_owned(),
        bytes: bytes.into(),
    }
}

/// The name a file is sent under: the user's own, without folders or odd characters.
pub(super) fn upload_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = base
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if clean.trim_matches(['.', '_']).is_empty() {
        "upload".to_owned()
    } else {
        clean
    }
}

/// Sends a row's new order of children as one call of its reorder action (a gallery's photos,
/// API.md §5.3). Ids the row no longer has are ignored by the server.
pub(super) async fn replay_children_order(
    at: Replay<'_>,
    children: &Children,
    entry: &OutboxEntry,
) -> Result<Replayed, SyncError> {
    let Replay {
        client,
        store,
        resource,
        slug,
        ..
    } = at;
    if store.claim_entry(entry.seq)?.is_none() {
        return Ok(Replayed::Gone {
            target: entry.target.id(),
        });
    }
    match children.reorder {
        ChildrenOrder::RowAction(action, key) => {
            let mut body = serde_json::Map::new();
            body.insert(key.into(), Value::from(entry.order()));
            client
                .action(
                    resource,
                    slug,
                    entry.target.id(),
                    action,
                    &Value::Object(body),
                )
                .await?;
        }
        ChildrenOrder::PatchEach => patch_each_place(at, children, entry).await?,
    }
    let row = as_row(
        client.fetch(resource, slug, entry.target.id()).await?,
        resource,
    )?;
    store.finish_entry(entry.seq, Some(&row), None)?;
    Ok(sent(entry))
}

/// Puts a row's children in the entry's order by one PATCH of the order field per child whose
/// place on the server differs from its place in the order (API.md §17.9 item 6), read from
/// the server first: two children sharing a place (a bulk upload's numbering, §17.9 item 5)
/// are numbered apart, and one moved meanwhile by a colleague is moved again only if this
/// order puts it elsewhere. Children the row no longer has are left out, also one deleted
/// between the read and its PATCH (its 404 is the child's, not the row's).
async fn patch_each_place(
    at: Replay<'_>,
    children: &Children,
    entry: &OutboxEntry,
) -> Result<(), SyncError> {
    let row = as_row(
        at.client
            .fetch(at.resource, at.slug, entry.target.id())
            .await?,
        at.resource,
    )?;
    let places: HashMap<i64, Option<i64>> = row
        .get(children.list_key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|child| {
            let id = child.get("id").and_then(Value::as_i64)?;
            Some((id, child.get(children.order_field).and_then(Value::as_i64)))
        })
        .collect();
    let order: Vec<i64> = entry
        .order()
        .into_iter()
        .filter(|id| places.contains_key(id))
        .collect();
    for (place, id) in order.into_iter().enumerate() {
        let place = place as i64;
        if places.get(&id).copied().flatten() == Some(place) {
            continue;
        }
        let mut fields = serde_json::Map::new();
        fields.insert(children.order_field.into(), Value::from(place));
        match at
            .client
            .update(children.resource, at.slug, id, &fields)
            .await
        {
            // A colleague deleted this child after the read above: left out, as one the row
            // no longer has. The row itself is there (it was just read); its 404 taken for the
            // row's made the gallery "deleted elsewhere" and held its later changes (issue 65).
            Err(ApiError::NotFound { .. }) => {
                tracing::info!(
                    child = id,
                    "a child deleted meanwhile is left out of the order"
                );
            }
            other => {
                other?;
            }
        }
    }
    Ok(())
}

pub(super) fn extension_of(mime: &str) -> &'static str {
    match mime {
        "image/png" => "png",
        "image/webp" => "webp",
        _ => "jpg",
    }
}
