//! What this desk wrote to rows no event announces, kept in its database until the rows are
//! read back (issue 65 item 6): a desk killed, closed or cut off right after its write reads
//! each such row again when it starts, and asks its person if a colleague's save replaced its
//! own meanwhile. In memory alone (as before) the read back was lost with the process, and a
//! colleague's earlier save that arrived second replaced a caption with no one told (found by
//! the convergence harness: about one small run in six, one 10-desk run in three).
//!
//! Kept: before an update is sent (so that a desk killed between the server's answer and its
//! note of it still has the record; its outbox entry is gone then), and again with the
//! server's answer; dropped when the row's last read back has judged it, when the row is gone,
//! or, for an update that did not reach the server, at once.

use std::collections::HashMap;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{lock, Key, OwnWrites, Written};
use crate::engine::spec::{self, ResourceSpec};
use crate::engine::store::{OutboxEntry, Row, Store};

/// A row's writes as kept: what this desk wrote, what the person's changes started from, and
/// every value of its own it remembers (see [`Written`]).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    fields: Row,
    base: Row,
    #[serde(default)]
    known: HashMap<String, Vec<Value>>,
}

impl Record {
    fn text(&self) -> Option<String> {
        match serde_json::to_string(self) {
            Ok(text) => Some(text),
            Err(err) => {
                tracing::error!(error = %err, "cannot write down a write to read back");
                None
            }
        }
    }
}

fn logged(what: &str, result: Result<(), crate::engine::store::StoreError>) {
    if let Err(err) = result {
        tracing::warn!(error = %err, "cannot keep what this desk wrote ({what})");
    }
}

/// An update of a row `spec` announces to no one is about to be sent: kept as on its way.
pub(in crate::engine) fn sending(store: &Store, spec: &ResourceSpec, entry: &OutboxEntry) {
    if spec.broadcast || !entry.target.is_saved() {
        return;
    }
    let mut record = Record {
        fields: entry.fields.clone(),
        base: entry.base.clone(),
        known: HashMap::new(),
    };
    for (field, value) in entry.base.iter().chain(&entry.fields) {
        record
            .known
            .entry(field.clone())
            .or_default()
            .push(value.clone());
    }
    if let Some(text) = record.text() {
        let kept = store.keep_own_write(spec.name(), entry.target.id(), entry.seq, &text);
        logged("an update on its way", kept);
    }
}

/// The update `entry` ended: what the row's writes are now (`own`'s memory of them, the
/// server's answer noted) replaces its record on its way, or, not sent, that record goes.
pub(in crate::engine) fn ended(
    store: &Store,
    own: &OwnWrites,
    spec: &ResourceSpec,
    entry: &OutboxEntry,
    answered: bool,
) {
    if spec.broadcast || !entry.target.is_saved() {
        return;
    }
    let (resource, id) = (spec.name(), entry.target.id());
    if !answered {
        logged(
            "an update not sent",
            store.forget_own_write(resource, id, entry.seq),
        );
        return;
    }
    if let Some(text) = own.record((resource, id)).and_then(|r| r.text()) {
        logged(
            "an update answered",
            store.own_write_answered(resource, id, entry.seq, &text),
        );
    }
}

/// Row `key` was read back (or is gone): its record goes once no read back of it is ahead,
/// else it is kept as the memory has it now (fields asked about are no longer watched).
pub(super) fn judged(store: &Store, own: &OwnWrites, spec: &ResourceSpec, key: Key) {
    if spec.broadcast {
        return;
    }
    let record = own
        .follow_up_ahead(key)
        .then(|| own.record(key))
        .flatten()
        .filter(|r| !r.fields.is_empty());
    let result = match record.and_then(|r| r.text()) {
        Some(text) => store.keep_own_write(key.0, key.1, 0, &text),
        None => store.forget_own_write(key.0, key.1, 0),
    };
    logged("a row read back", result);
}

impl OwnWrites {
    /// Row `key`'s writes as the memory has them, to keep.
    fn record(&self, key: Key) -> Option<Record> {
        let written = lock(&self.written);
        let write = written.get(&key)?;
        Some(Record {
            fields: write.fields.clone(),
            base: write.base.clone(),
            known: write.known.clone(),
        })
    }

    /// What the desk kept of its writes when it last ran, each row to be read back at once
    /// and judged as if the read had been made in time (the desk could not look in between).
    /// An update whose outbox entry is still there says for itself what became of it, as does
    /// each field a waiting, paused or asked update of the row changes: those are left out.
    pub(in crate::engine) fn restored(store: &Store, resources: spec::Resources) -> Self {
        let own = Self::default();
        let kept = match store.own_writes_kept() {
            Ok(kept) => kept,
            Err(err) => {
                tracing::warn!(error = %err, "cannot read what this desk wrote before it stopped");
                return own;
            }
        };
        let mut rows: HashMap<Key, Record> = HashMap::new();
        // Oldest first: the answered writes (seq 0), then the updates on their way in order.
        let mut kept = kept;
        kept.sort_by_key(|k| k.seq);
        for write in kept {
            let spec = spec::spec_named(resources, &write.resource).filter(|s| !s.broadcast);
            let record = match serde_json::from_str::<Record>(&write.record) {
                Ok(record) => Some(record),
                Err(err) => {
                    // Damaged: said, and dropped below (the row is not read back for it).
                    tracing::error!(resource = write.resource, id = write.id, error = %err,
                        "a kept write to read back is damaged and is dropped");
                    None
                }
            };
            let forget = write.entry_waiting || spec.is_none() || record.is_none();
            if write.seq != 0 || forget {
                // Folded into the row's answered record below, or of no use.
                logged(
                    "a record read at start",
                    store.forget_own_write(&write.resource, write.id, write.seq),
                );
            }
            let (Some(spec), Some(record), false) = (spec, record, write.entry_waiting) else {
                continue;
            };
            let row = rows.entry((spec.name(), write.id)).or_default();
            for (field, value) in record.fields {
                if !write.fields_waiting.contains(&field) {
                    row.fields.insert(field, value);
                }
            }
            for (field, value) in record.base {
                row.base.entry(field).or_insert(value);
            }
            for (field, values) in record.known {
                row.known.entry(field).or_default().extend(values);
            }
        }
        let now = Instant::now();
        for (key, record) in rows {
            if record.fields.is_empty() {
                logged(
                    "a record read at start",
                    store.forget_own_write(key.0, key.1, 0),
                );
                continue;
            }
            if let Some(text) = record.text() {
                logged(
                    "a record read at start",
                    store.keep_own_write(key.0, key.1, 0, &text),
                );
            }
            tracing::info!(
                resource = key.0,
                id = key.1,
                "a row this desk wrote before it stopped is read back"
            );
            lock(&own.written).insert(
                key,
                Written {
                    fields: record.fields,
                    base: record.base,
                    known: record.known,
                    others: Row::new(),
                    others_at: None,
                    unjudged_since: Some(now),
                    at: now,
                },
            );
            lock(&own.follow_ups).push((now, key));
        }
        own
    }
}
