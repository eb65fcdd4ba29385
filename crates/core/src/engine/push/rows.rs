//! Each kind of row change replayed against the server: a create (looked for first when its
//! outcome is unknown), an update merged field by field with what the server has now, a
//! delete, and a whole new order.

use super::*;

pub(super) async fn replay_create(
    at: Replay<'_>,
    entry: &OutboxEntry,
) -> Result<Replayed, SyncError> {
    let Replay {
        client,
        store,
        resource,
        slug,
        ..
    } = at;
    if entry.state == EntryState::Sending {
        if let Some(row) = find_created(at, entry).await? {
            let id = store.finish_create(entry.seq, entry.target.id(), &row)?;
            tracing::info!(
                resource = resource.name,
                id,
                "adopted a row created before the answer was lost"
            );
            return Ok(Replayed::Sent {
                target: id,
                answered: None,
            });
        }
    }
    let Some(entry) = store.claim_entry(entry.seq)? else {
        return Ok(Replayed::Gone {
            target: entry.target.id(),
        });
    };
    let row = as_row(
        client.create(resource, slug, &entry.fields).await?,
        resource,
    )?;
    let Some(id) = crate::engine::store::records::row_id(&row) else {
        // Left "sending": the next attempt looks for the row on the server before posting again.
        return Err(SyncError::Malformed {
            resource: resource.name,
            detail: "the answer to a create has no id".into(),
        });
    };
    let row = match left_for_a_patch(resource, &entry.fields, &row) {
        // Fields the create action does not take (a hide folded into a new section before it
        // was sent) are the new row's first PATCH; should it fail, the row is adopted anyway
        // and the fields wait as an update of it (never a second create).
        Some(rest) => match client.update(resource, slug, id, &rest).await {
            Ok(answer) => {
                let mut row = row;
                row.extend(as_row(answer, resource)?);
                row
            }
            Err(err) => {
                let id = store.finish_create(entry.seq, entry.target.id(), &row)?;
                store.queue_update(resource.name, id, &rest, &Row::new())?;
                return Err(err.into());
            }
        },
        None => row,
    };
    let id = store.finish_create(entry.seq, entry.target.id(), &row)?;
    Ok(Replayed::Sent {
        target: id,
        answered: None,
    })
}

/// The fields of a create that its resource's create action does not take
/// ([`crate::api::CreateAt::takes`]) and the new row (`made`) does not already hold, if any.
fn left_for_a_patch(resource: Resource, fields: &Row, made: &Row) -> Option<Row> {
    let at = resource.mount.create?;
    let rest: Row = fields
        .iter()
        .filter(|(key, value)| {
            !at.takes.contains(&key.as_str()) && !made.get(*key).is_some_and(|v| same(v, value))
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    (!rest.is_empty()).then_some(rest)
}

/// The row an earlier, unanswered create made: the newest server row with every field as sent
/// that no other stored row or pending create accounts for.
async fn find_created(at: Replay<'_>, entry: &OutboxEntry) -> Result<Option<Row>, SyncError> {
    let Replay {
        client,
        store,
        resource,
        slug,
        ..
    } = at;
    let known: HashSet<i64> = store
        .records(resource.name)?
        .iter()
        .filter_map(|r| r.get("id").and_then(Value::as_i64))
        .collect();
    let server = client.list(resource, slug).await?;
    // Only what the create sent and the list shows tells its row (a section's type is sent
    // but not listed, §17.2; fields the action does not take were never sent).
    let told = |key: &str| {
        resource
            .mount
            .create
            .is_none_or(|at| at.takes.contains(&key) && !at.not_read_back.contains(&key))
    };
    let matches = |row: &Row| {
        entry
            .fields
            .iter()
            .filter(|(k, _)| told(k))
            .all(|(k, v)| same(row.get(k).unwrap_or(&Value::Null), v))
    };
    let mut candidates: Vec<Row> = server
        .into_iter()
        .filter_map(|v| v.as_object().cloned())
        .filter(|row| matches(row))
        .collect();
    // Prefer rows this desk has never stored (it did not know them before sending).
    candidates.sort_by_key(|row| {
        let id = row.get("id").and_then(Value::as_i64).unwrap_or(0);
        (known.contains(&id), std::cmp::Reverse(id))
    });
    Ok(candidates.into_iter().next())
}

pub(super) async fn replay_update(
    at: Replay<'_>,
    entry: &OutboxEntry,
    bases: Option<&Bases>,
) -> Result<Replayed, SyncError> {
    let Replay {
        client,
        store,
        resource,
        slug,
        ..
    } = at;
    let known = match (at.heard, bases) {
        (Some(heard), Some(bases)) => bases
            .current(heard, resource.name, entry.target.id())
            .cloned(),
        _ => None,
    };
    let theirs = match known {
        Some(row) => row,
        None => as_row(
            client.fetch(resource, slug, entry.target.id()).await?,
            resource,
        )?,
    };
    // Merged and sent as it is now (a later save may have been folded into it since the outbox
    // was read), and from here on a later save is an entry of its own.
    let Some(entry) = store.claim_entry(entry.seq)? else {
        return Ok(Replayed::Gone {
            target: entry.target.id(),
        });
    };
    let entry = &entry;
    let outcome = merge(&entry.fields, &entry.base, &theirs);
    let latest = if outcome.send.is_empty() {
        theirs.clone()
    } else {
        let answer = as_row(
            client
                .update(resource, slug, entry.target.id(), &outcome.send)
                .await?,
            resource,
        )?;
        // The answer may leave out what the list shows (a gallery's PATCH answers without its
        // images, §5.1): the row read before, with the answer over it.
        let mut latest = theirs.clone();
        latest.extend(answer);
        latest
    };

    if outcome.conflicts.is_empty() {
        store.finish_entry(entry.seq, Some(&latest), None)?;
        return Ok(Replayed::Sent {
            target: entry.target.id(),
            answered: Some(latest),
        });
    }
    let mut fields = Row::new();
    let mut base = Row::new();
    for conflict in &outcome.conflicts {
        fields.insert(conflict.field.clone(), conflict.mine.clone());
        base.insert(conflict.field.clone(), conflict.base.clone());
    }
    let detail = ConflictDetail {
        deleted_elsewhere: false,
        overwrote_colleague: false,
        replaced_by_colleague: false,
        fields: outcome.conflicts,
    };
    let problem = serde_json::to_string(&detail).unwrap_or_else(|_| json!({}).to_string());
    store.keep_as_conflict(entry.seq, &fields, &base, &problem, Some(&latest))?;
    // What was sent beside the conflict is written all the same, as the server answered it.
    let wrote = outcome
        .send
        .keys()
        .filter_map(|field| Some((field.clone(), latest.get(field)?.clone())))
        .collect();
    Ok(Replayed::Conflict {
        target: entry.target.id(),
        wrote,
    })
}

pub(super) async fn replay_delete(
    at: Replay<'_>,
    entry: &OutboxEntry,
) -> Result<Replayed, SyncError> {
    let Replay {
        client,
        store,
        resource,
        slug,
        ..
    } = at;
    // Claimed, not just marked: a delete undone before this moment is gone and never sent.
    if store.claim_entry(entry.seq)?.is_none() {
        return Ok(Replayed::Gone {
            target: entry.target.id(),
        });
    }
    match client.remove(resource, slug, entry.target.id()).await {
        Ok(()) | Err(ApiError::NotFound { .. }) => {
            store.finish_entry(entry.seq, None, Some(entry.target.id()))?;
            Ok(sent(entry))
        }
        Err(err) => Err(err.into()),
    }
}

/// Puts the server's rows in the entry's order: reads the list once, then sets `order_field` on
/// each row that is not yet where the order puts it. The whole order wins (a colleague's earlier
/// reorder is replaced, not merged move by move). Rows deleted meanwhile, and rows whose create
/// has not reached the server, are skipped. Repeating it after a crash sends only what is left.
pub(super) async fn replay_reorder(
    at: Replay<'_>,
    order_field: &'static str,
    entry: &OutboxEntry,
) -> Result<Replayed, SyncError> {
    let Replay {
        client,
        store,
        resource,
        slug,
        ..
    } = at;
    store.mark_sending(entry.seq)?;
    let server: Vec<Row> = client
        .list(resource, slug)
        .await?
        .into_iter()
        .filter_map(|v| v.as_object().cloned())
        .collect();
    let moves: Vec<(i64, Value)> = entry
        .order()
        .into_iter()
        .enumerate()
        .filter_map(|(position, id)| {
            let row = server
                .iter()
                .find(|r| r.get("id").and_then(Value::as_i64) == Some(id))?;
            let position = Value::from(position);
            (row.get(order_field) != Some(&position)).then_some((id, position))
        })
        .collect();
    // Each row's own PATCH; they do not depend on each other, so PIPELINE go at once.
    let answers: Vec<(i64, Result<Value, ApiError>)> = futures_util::stream::iter(moves)
        .map(|(id, position)| async move {
            let mut change = Row::new();
            change.insert(order_field.into(), position);
            (id, client.update(resource, slug, id, &change).await)
        })
        .buffer_unordered(PIPELINE)
        .collect()
        .await;
    let mut failure = None;
    for (_, answer) in answers {
        match answer {
            Ok(answer) => store.upsert_record(resource.name, &as_row(answer, resource)?)?,
            Err(ApiError::NotFound { .. }) => {}
            Err(err) => {
                failure.get_or_insert(err);
            }
        }
    }
    if let Some(err) = failure {
        return Err(err.into());
    }
    store.finish_entry(entry.seq, None, None)?;
    Ok(sent(entry))
}
