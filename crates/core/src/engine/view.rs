//! What the UI sees: the server rows with the outbox folded over them, so a local edit shows at
//! once and stays visible, marked, until the server has it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::engine::spec::{Children, ResourceSpec};
use crate::engine::store::{EntryState, Op, OutboxEntry, Row};

/// Where a row stands between this desk and the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RowSync {
    /// The server has exactly this.
    Synced,
    /// Saved here; on its way to the server.
    Pending,
    /// Waiting for the user to choose between their change and someone else's.
    Conflict,
    /// The server refused the change; `message` says why.
    Rejected {
        /// The server's words, as it refused the change.
        message: String,
    },
}

/// A stored row as the UI sees it: the server's row with this desk's waiting edits folded over it.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewRow {
    /// The row's fields, waiting edits applied.
    pub row: Row,
    /// Where the row stands between this desk and the server.
    pub sync: RowSync,
    /// The media cache hash of an image waiting to be uploaded.
    pub pending_media: Option<String>,
    /// Brought back by this desk after a colleague deleted it ("keep mine"): a new row with the
    /// old one's content, shown as such so a row restored on two desks is seen twice, not
    /// merged by a guess.
    pub restored: bool,
}

fn rank(sync: &RowSync) -> u8 {
    match sync {
        RowSync::Synced => 0,
        RowSync::Pending => 1,
        RowSync::Conflict => 2,
        RowSync::Rejected { .. } => 3,
    }
}

fn entry_sync(entry: &OutboxEntry) -> RowSync {
    match entry.state {
        EntryState::Pending | EntryState::Sending => RowSync::Pending,
        EntryState::Conflict => RowSync::Conflict,
        EntryState::Rejected => RowSync::Rejected {
            message: entry.problem.clone().unwrap_or_default(),
        },
    }
}

/// Folds `outbox` (in order) over the stored rows of the resource `spec` describes. Deleted
/// rows are left out; a queued "remove the image" empties `image_fields`; a queued order sets
/// the order field (of the rows, or, for an order of one row's children, of those children).
/// An order the server refused is not shown: the rows go back to where the server has them.
pub fn fold(records: Vec<Row>, outbox: &[OutboxEntry], spec: &ResourceSpec) -> Vec<ViewRow> {
    let mut rows: BTreeMap<i64, ViewRow> = records
        .into_iter()
        .filter_map(|row| {
            let id = row.get("id").and_then(Value::as_i64)?;
            Some((
                id,
                ViewRow {
                    row,
                    sync: RowSync::Synced,
                    pending_media: None,
                    restored: false,
                },
            ))
        })
        .collect();
    for entry in outbox {
        fold_entry(&mut rows, entry, spec);
    }
    rows.into_values().collect()
}

/// Shows one waiting change over the rows as shown so far.
fn fold_entry(rows: &mut BTreeMap<i64, ViewRow>, entry: &OutboxEntry, spec: &ResourceSpec) {
    let sync = entry_sync(entry);
    let refused = entry.state == EntryState::Rejected;
    match entry.op {
        Op::Create => {
            let mut row = entry.fields.clone();
            row.insert("id".into(), entry.target.id().into());
            row.entry("created_at")
                .or_insert_with(|| entry.created_at.clone().into());
            rows.insert(
                entry.target.id(),
                ViewRow {
                    row,
                    sync,
                    pending_media: None,
                    // A create that names a server id is a restore of that deleted row.
                    restored: entry.target.is_saved(),
                },
            );
        }
        // A refused change leaves the row as the server has it, marked with the refusal
        // (a refused delete hid a photo the server and the public site still had, issue
        // 35.9); the person's change waits in the outbox for them to settle.
        Op::Delete if refused => mark(rows, entry.target.id(), sync),
        Op::Delete => {
            rows.remove(&entry.target.id());
        }
        // Saved a moment apart from a colleague's (over theirs, or under it): the row shows the
        // server's values, marked as waiting for the person.
        Op::Update if crate::engine::push::question_about_the_past(entry) => {
            mark(rows, entry.target.id(), sync);
        }
        Op::ReorderChildren => show_children_order(rows, entry, spec, sync),
        Op::Reorder if refused => {}
        Op::Reorder => show_order(rows, entry, spec, &sync),
        // A child added to the row is shown as an upload of its own; an action's feature says
        // what it waits for.
        Op::AddChild => {}
        Op::Action => mark(rows, entry.target.id(), sync),
        Op::Update | Op::Upload | Op::ClearImage => {
            let Some(view) = rows.get_mut(&entry.target.id()) else {
                return;
            };
            match entry.op {
                _ if refused => {}
                Op::Update => view.row.extend(entry.fields.clone()),
                Op::Upload => view.pending_media = entry.media.clone(),
                Op::ClearImage => {
                    for field in spec.image_fields {
                        view.row.insert((*field).into(), Value::Null);
                    }
                    view.pending_media = None;
                }
                _ => {}
            }
            if rank(&sync) > rank(&view.sync) {
                view.sync = sync;
            }
        }
    }
}

/// Marks row `id` with `sync`, its values as they are.
fn mark(rows: &mut BTreeMap<i64, ViewRow>, id: i64, sync: RowSync) {
    if let Some(view) = rows.get_mut(&id) {
        view.sync = sync;
    }
}

/// A new order of a row's children moves them; a refused one marks the row (with the
/// refusal) and leaves its children where the server has them.
fn show_children_order(
    rows: &mut BTreeMap<i64, ViewRow>,
    entry: &OutboxEntry,
    spec: &ResourceSpec,
    sync: RowSync,
) {
    let Some(view) = rows.get_mut(&entry.target.id()) else {
        return;
    };
    let refused = entry.state == EntryState::Rejected;
    let moved = !refused
        && spec
            .children
            .is_some_and(|children| order_children(&mut view.row, &entry.order(), children));
    if (moved || refused) && rank(&sync) > rank(&view.sync) {
        view.sync = sync;
    }
}

/// A new order of the rows sets each moved row's order field.
fn show_order(
    rows: &mut BTreeMap<i64, ViewRow>,
    entry: &OutboxEntry,
    spec: &ResourceSpec,
    sync: &RowSync,
) {
    let Some(order_field) = spec.api.order_field else {
        return;
    };
    for (position, id) in entry.order().into_iter().enumerate() {
        let Some(view) = rows.get_mut(&id) else {
            continue;
        };
        let position = Value::from(position);
        if view.row.get(order_field) != Some(&position) {
            view.row.insert(order_field.into(), position);
            if rank(sync) > rank(&view.sync) {
                view.sync = sync.clone();
            }
        }
    }
}

/// Sets the order field of the row's children to their place in `ids`; returns whether any
/// moved.
fn order_children(row: &mut Row, ids: &[i64], children: &Children) -> bool {
    let Some(Value::Array(nested)) = row.get_mut(children.list_key) else {
        return false;
    };
    let order_field = children.order_field;
    let mut moved = false;
    for child in nested.iter_mut().filter_map(Value::as_object_mut) {
        let Some(id) = child.get("id").and_then(Value::as_i64) else {
            continue;
        };
        if let Some(position) = ids.iter().position(|i| *i == id) {
            let position = Value::from(position);
            if child.get(order_field) != Some(&position) {
                child.insert(order_field.into(), position);
                moved = true;
            }
        }
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::store::EntryState;
    use serde_json::json;

    fn entry(op: Op, target: i64, fields: Value, state: EntryState) -> OutboxEntry {
        OutboxEntry {
            seq: 1,
            resource: "offers".into(),
            op,
            target: crate::engine::store::Target::from_id(target),
            fields: serde_json::from_value(fields).unwrap(),
            base: Row::new(),
            media: None,
            state,
            problem: (state == EntryState::Rejected)
                .then(|| "You can only access resources from your hotel.".into()),
            attempts: 1,
            created_at: "2026-11-25T12:00:00Z".into(),
        }
    }

    /// Issue 35.9: after a refused delete the desk kept showing the gallery without the photo
    /// the server and the public site still had. A refused change shows the server's row,
    /// marked with the refusal; a change still on its way is shown as it will be.
    #[test]
    fn a_refused_change_shows_what_the_server_has_beside_the_refusal() {
        let spec = &crate::features::offers::spec::SPEC;
        let records = vec![
            serde_json::from_value(json!({"id": 7, "title": "Spa"})).unwrap(),
            serde_json::from_value(json!({"id": 8, "title": "Lake"})).unwrap(),
        ];
        let refused = [
            entry(Op::Delete, 7, json!({}), EntryState::Rejected),
            entry(
                Op::Update,
                8,
                json!({"title": "Mine"}),
                EntryState::Rejected,
            ),
        ];
        let rows = fold(records.clone(), &refused, spec);
        assert_eq!(rows.len(), 2, "the refused delete's row is still shown");
        assert_eq!(rows[0].row["title"], "Spa");
        assert_eq!(
            rows[1].row["title"], "Lake",
            "the server's value, not the refused one"
        );
        for view in &rows {
            assert!(
                matches!(&view.sync, RowSync::Rejected { message } if message.contains("your hotel")),
                "{:?}",
                view.sync
            );
        }
        let waiting = [
            entry(Op::Delete, 7, json!({}), EntryState::Pending),
            entry(Op::Update, 8, json!({"title": "Mine"}), EntryState::Pending),
        ];
        let rows = fold(records, &waiting, spec);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row["title"], "Mine");
    }
}
