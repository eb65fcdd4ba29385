//! The outbox: every local change waiting for the server, in the order it was made. Each queue
//! operation is one transaction with whatever else belongs to it, so a killed process never
//! leaves half an edit.

use std::collections::HashSet;

use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::{Map, Value};

use super::records::Row;
use super::{Store, StoreError};

mod entry;
mod queue;

pub use entry::*;

/// What cancelling an upload found ([`Store::cancel_upload`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancelled {
    /// It waited: it is dropped and was never sent.
    BeforeSending,
    /// It was on its way: its replay removes what the server keeps of it once it answers.
    OnItsWay,
    /// It had already finished (or was never an upload).
    AlreadyDone,
}

/// What taking back a queued delete found ([`Store::undo_delete`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undone {
    /// It waited: it is dropped, never sent, and the row is back.
    BeforeSending,
    /// It is on its way (claimed by the runner, its answer not in): the server may have it.
    /// Its attempt's end is told by [`Store::attempt_ended`]; then it is done, or waits again
    /// and can be taken back.
    OnItsWay,
    /// No delete of the row is queued (it was sent and done, or never made).
    NothingQueued,
}

/// Entry `seq`'s row is now the server's row `id` (was `old_id`): the row is stored, and later
/// entries, the id map and queued orders name `id`. Returns the entry's resource.
fn take_server_row(
    tx: &Transaction<'_>,
    seq: i64,
    old_id: i64,
    id: i64,
    server_row: &Row,
) -> rusqlite::Result<String> {
    let resource: String =
        tx.query_row("SELECT resource FROM outbox WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })?;
    tx.execute(
        "INSERT OR REPLACE INTO records (resource, id, server, seen_at) VALUES (?1, ?2, ?3, ?4)",
        params![resource, id, to_text(server_row), now()],
    )?;
    tx.execute(
        "UPDATE outbox SET target = ?1 WHERE resource = ?2 AND target = ?3",
        params![id, resource, old_id],
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO id_map (resource, temp_id, id) VALUES (?1, ?2, ?3)",
        params![resource, old_id, id],
    )?;
    remap_in_orders(tx, &resource, old_id, id)?;
    Ok(resource)
}

/// A create finished: queued orders that name its temporary id now name the server id.
fn remap_in_orders(
    tx: &Transaction<'_>,
    resource: &str,
    temp_id: i64,
    id: i64,
) -> rusqlite::Result<()> {
    let mut statement =
        tx.prepare_cached("SELECT seq, fields FROM outbox WHERE resource = ?1 AND op = 'reorder'")?;
    let orders = statement
        .query_map([resource], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (seq, text) in orders {
        let Ok(mut fields) = serde_json::from_str::<Row>(&text) else {
            continue; // damaged: set aside as refused when read
        };
        let Some(Value::Array(ids)) = fields.get_mut(ORDER) else {
            continue;
        };
        let mut changed = false;
        for value in ids.iter_mut() {
            if value.as_i64() == Some(temp_id) {
                *value = Value::from(id);
                changed = true;
            }
        }
        if changed {
            tx.execute(
                "UPDATE outbox SET fields = ?2 WHERE seq = ?1",
                params![seq, to_text(&fields)],
            )?;
        }
    }
    Ok(())
}

/// Records damaged entries as refused (with what is damaged), so counts and the status bar
/// agree with what the UI lists; the damaged text itself is left as it was.
fn keep_damage_refused(
    conn: &rusqlite::Connection,
    entries: &[OutboxEntry],
) -> rusqlite::Result<()> {
    for entry in entries.iter().filter(|e| e.is_damaged()) {
        let changed = conn.execute(
            "UPDATE outbox SET state = 'rejected', problem = ?2 WHERE seq = ?1 AND state != 'rejected'",
            params![entry.seq, entry.problem],
        )?;
        if changed > 0 {
            tracing::error!(
                seq = entry.seq,
                problem = entry.problem.as_deref(),
                "a damaged outbox entry was set aside"
            );
        }
    }
    Ok(())
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339()
}

fn insert(
    tx: &Transaction<'_>,
    resource: &str,
    op: Op,
    target: i64,
    fields: &Row,
    base: &Row,
    media: Option<&str>,
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO outbox (resource, op, target, fields, base, media, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![resource, op.as_str(), target, to_text(fields), to_text(base), media, now()],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The server id of a row created on this desk (`target` is its temporary id), or `target`.
/// An edit made while the create was on its way names the temporary id; it must aim at the row
/// the create made.
fn resolve(tx: &Transaction<'_>, resource: &str, target: i64) -> rusqlite::Result<i64> {
    if target >= 0 {
        return Ok(target);
    }
    Ok(tx
        .query_row(
            "SELECT id FROM id_map WHERE resource = ?1 AND temp_id = ?2",
            params![resource, target],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(target))
}

fn entries_for(
    tx: &Transaction<'_>,
    resource: &str,
    target: i64,
) -> rusqlite::Result<Vec<OutboxEntry>> {
    let mut statement =
        tx.prepare_cached("SELECT * FROM outbox WHERE resource = ?1 AND target = ?2 ORDER BY seq")?;
    let rows = statement.query_map(params![resource, target], OutboxEntry::from_row)?;
    rows.collect()
}

/// A resource's outbox, oldest first (damaged entries recorded as refused).
pub(super) fn entries_in(
    conn: &rusqlite::Connection,
    resource: &str,
) -> Result<Vec<OutboxEntry>, StoreError> {
    let mut statement =
        conn.prepare_cached("SELECT * FROM outbox WHERE resource = ?1 ORDER BY seq")?;
    let rows = statement
        .query_map([resource], OutboxEntry::from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    keep_damage_refused(conn, &rows)?;
    Ok(rows)
}

impl Store {
    /// The stored rows of a resource and its outbox, read together: a create finishing between
    /// two separate reads (its entry gone, its row not yet read) would make the row missing
    /// from what the screen shows for a moment.
    pub(crate) fn rows_and_outbox(
        &self,
        resource: &str,
    ) -> Result<(Vec<Row>, Vec<OutboxEntry>), StoreError> {
        let conn = self.lock();
        Ok((
            super::records::records_in(&conn, resource)?,
            entries_in(&conn, resource)?,
        ))
    }

    /// The server id of a row this desk created (`id` is the temporary id the UI may still
    /// hold), or `id` itself.
    pub(crate) fn resolve_id(&self, resource: &str, id: i64) -> Result<i64, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        Ok(resolve(&tx, resource, id)?)
    }

    /// What `find` finds under the id row `id` of `resource` is known by now (its server id
    /// once its create has reached the server, else `id`). The create can reach the server
    /// between that id's resolution and the reads `find` makes, which then know the row only
    /// under the other id: a row not found is looked for once more when its id has changed
    /// meanwhile (a create lands once). Errors: `find`'s, or the store's.
    pub(crate) fn find_resolved<T, E: From<StoreError>>(
        &self,
        resource: &str,
        id: i64,
        mut find: impl FnMut(i64) -> Result<Option<T>, E>,
    ) -> Result<Option<T>, E> {
        let resolved = self.resolve_id(resource, id)?;
        if let Some(found) = find(resolved)? {
            return Ok(Some(found));
        }
        let now = self.resolve_id(resource, id)?;
        if now == resolved {
            return Ok(None);
        }
        find(now)
    }

    /// Whether row `id` of `resource` was created by this desk (its create's answer is stored
    /// and its temporary id mapped, in the transaction that took the entry out of the outbox).
    pub(crate) fn created_here(&self, resource: &str, id: i64) -> Result<bool, StoreError> {
        Ok(self.lock().query_row(
            "SELECT EXISTS (SELECT 1 FROM id_map WHERE resource = ?1 AND id = ?2)",
            params![resource, id],
            |r| r.get(0),
        )?)
    }

    /// The waiting changes of `resource`, oldest first (damaged ones recorded as refused).
    pub fn outbox_entries(&self, resource: &str) -> Result<Vec<OutboxEntry>, StoreError> {
        entries_in(&self.lock(), resource)
    }

    /// Creates sent whose answer has not come yet (the server may announce them first).
    pub(crate) fn sending_creates(&self, resource: &str) -> Result<Vec<OutboxEntry>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached(
            "SELECT * FROM outbox WHERE resource = ?1 AND op = 'create' AND state = 'sending' ORDER BY seq",
        )?;
        let rows = statement
            .query_map([resource], OutboxEntry::from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Every waiting change, oldest first (damaged ones recorded as refused).
    pub fn all_outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached("SELECT * FROM outbox ORDER BY seq")?;
        let rows = statement
            .query_map([], OutboxEntry::from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        keep_damage_refused(&conn, &rows)?;
        Ok(rows)
    }

    /// How many entries are in each state, counted by SQLite (cheap enough for every change).
    pub(crate) fn outbox_counts(&self) -> Result<Vec<(EntryState, u32)>, StoreError> {
        let conn = self.lock();
        let mut statement =
            conn.prepare_cached("SELECT state, COUNT(*) FROM outbox GROUP BY state")?;
        let rows = statement
            .query_map([], |row| {
                let state: String = row.get(0)?;
                Ok((
                    EntryState::parse(&state).unwrap_or(EntryState::Rejected),
                    row.get::<_, u32>(1)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    pub(crate) fn outbox_entry(&self, seq: i64) -> Result<Option<OutboxEntry>, StoreError> {
        Ok(self
            .lock()
            .query_row(
                "SELECT * FROM outbox WHERE seq = ?1",
                [seq],
                OutboxEntry::from_row,
            )
            .optional()?)
    }

    /// The entry as it is now, marked "sending" so that no later change is folded into it while
    /// it is on its way: a change folded into an entry whose older copy is being sent would be
    /// deleted with it, unsent. `None`: it is gone, or paused, meanwhile.
    pub(crate) fn claim_entry(&self, seq: i64) -> Result<Option<OutboxEntry>, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let claimed = tx.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1
             WHERE seq = ?1 AND state IN ('pending', 'sending')",
            [seq],
        )?;
        if claimed == 0 {
            return Ok(None);
        }
        let entry = tx.query_row(
            "SELECT * FROM outbox WHERE seq = ?1",
            [seq],
            OutboxEntry::from_row,
        )?;
        tx.commit()?;
        Ok(Some(entry))
    }

    /// Records that an entry is about to be sent: if the process dies now, the outcome is unknown.
    pub fn mark_sending(&self, seq: i64) -> Result<(), StoreError> {
        self.lock().execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE seq = ?1",
            [seq],
        )?;
        Ok(())
    }

    /// A failed attempt that may be retried (network down, server error).
    pub(crate) fn mark_retry(
        &self,
        seq: i64,
        state: EntryState,
        problem: &str,
    ) -> Result<(), StoreError> {
        self.lock().execute(
            "UPDATE outbox SET state = ?2, problem = ?3 WHERE seq = ?1",
            params![seq, state.as_str(), problem],
        )?;
        self.attempts_ended.send_modify(|ended| *ended += 1);
        Ok(())
    }

    /// Resolves when an outbox entry's attempt next ends (it was sent, or waits again), or at
    /// once if one ended since `seen` (a count from [`Self::attempts_ended_so_far`]).
    pub(crate) async fn attempt_ended(&self, seen: u64) {
        let mut ended = self.attempts_ended.subscribe();
        // The sender lives as long as the store, so `wait_for` ends only by its condition.
        let _ = ended.wait_for(|count| *count != seen).await;
    }

    /// How many outbox attempts have ended so far (for [`Self::attempt_ended`]).
    pub(crate) fn attempts_ended_so_far(&self) -> u64 {
        *self.attempts_ended.borrow()
    }

    /// A create reached the server: the row is stored, later entries aim at the real id, and the
    /// entry is gone, in one transaction.
    pub(crate) fn finish_create(
        &self,
        seq: i64,
        temp_id: i64,
        server_row: &Row,
    ) -> Result<i64, StoreError> {
        let id = super::records::row_id(server_row).unwrap_or(temp_id);
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        take_server_row(&tx, seq, temp_id, id, server_row)?;
        tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
        tx.commit()?;
        self.attempts_ended.send_modify(|ended| *ended += 1);
        Ok(id)
    }

    /// An entry is done; the server's answer (if any) replaces the stored row, and a delete
    /// removes it, in one transaction.
    pub(crate) fn finish_entry(
        &self,
        seq: i64,
        server_row: Option<&Row>,
        deleted: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let resource: Option<String> = tx
            .query_row("SELECT resource FROM outbox WHERE seq = ?1", [seq], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(resource) = resource else {
            return Ok(());
        };
        if let Some(row) = server_row {
            if let Some(id) = super::records::row_id(row) {
                tx.execute(
                    "INSERT OR REPLACE INTO records (resource, id, server, seen_at) VALUES (?1, ?2, ?3, ?4)",
                    params![resource, id, to_text(row), now()],
                )?;
            }
        }
        if let Some(id) = deleted {
            tx.execute(
                "DELETE FROM records WHERE resource = ?1 AND id = ?2",
                params![resource, id],
            )?;
        }
        tx.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?;
        tx.commit()?;
        self.attempts_ended.send_modify(|ended| *ended += 1);
        Ok(())
    }

    /// Part of an update was sent; what is left waits for the user as a conflict.
    pub(crate) fn keep_as_conflict(
        &self,
        seq: i64,
        fields: &Row,
        base: &Row,
        problem: &str,
        server_row: Option<&Row>,
    ) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        if let Some(row) = server_row {
            let resource: String =
                tx.query_row("SELECT resource FROM outbox WHERE seq = ?1", [seq], |r| {
                    r.get(0)
                })?;
            if let Some(id) = super::records::row_id(row) {
                tx.execute(
                    "INSERT OR REPLACE INTO records (resource, id, server, seen_at) VALUES (?1, ?2, ?3, ?4)",
                    params![resource, id, to_text(row), now()],
                )?;
            }
        }
        tx.execute(
            "UPDATE outbox SET state = 'conflict', fields = ?2, base = ?3, problem = ?4 WHERE seq = ?1",
            params![seq, to_text(fields), to_text(base), problem],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The user decided: the entry goes back in line with new fields and base, or away.
    pub(crate) fn resolve_entry(
        &self,
        seq: i64,
        decision: Option<(&Row, &Row)>,
    ) -> Result<(), StoreError> {
        let conn = self.lock();
        match decision {
            Some((fields, base)) => conn.execute(
                "UPDATE outbox SET state = 'pending', problem = NULL, fields = ?2, base = ?3 WHERE seq = ?1",
                params![seq, to_text(fields), to_text(base)],
            )?,
            None => conn.execute("DELETE FROM outbox WHERE seq = ?1", [seq])?,
        };
        Ok(())
    }

    /// Drops every entry still queued for a row (the user let a colleague's delete stand, so
    /// the desk's other changes to that row have nothing left to change). Returns how many.
    pub(crate) fn drop_entries_for(
        &self,
        resource: &str,
        target: i64,
    ) -> Result<usize, StoreError> {
        Ok(self.lock().execute(
            "DELETE FROM outbox WHERE resource = ?1 AND target = ?2",
            params![resource, target],
        )?)
    }

    /// Turns an entry into a create (keep mine after someone deleted the row): a restore, which
    /// keeps the deleted row's id as its target until the server gives the new row its own id
    /// (the id map then says the new row is a restore: [`Store::restored_ids`]). `fields` is the
    /// whole row as this desk last knew it with this desk's changes, never a part of it. The
    /// deleted row's stored copy goes in the same transaction.
    pub(crate) fn restore_entry(
        &self,
        seq: i64,
        resource: &str,
        fields: &Row,
    ) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let target: i64 = tx.query_row("SELECT target FROM outbox WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })?;
        tx.execute(
            "DELETE FROM records WHERE resource = ?1 AND id = ?2",
            params![resource, target],
        )?;
        tx.execute(
            "UPDATE outbox SET op = 'create', state = 'pending', problem = NULL, fields = ?2, base = '{}' WHERE seq = ?1",
            params![seq, to_text(fields)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The rows of `resource` that this desk restored ("keep mine" on a row deleted elsewhere):
    /// their create named the deleted row's id (positive) and the server gave them a new one.
    pub(crate) fn restored_ids(&self, resource: &str) -> Result<HashSet<i64>, StoreError> {
        let conn = self.lock();
        let mut statement =
            conn.prepare_cached("SELECT id FROM id_map WHERE resource = ?1 AND temp_id > 0")?;
        let ids = statement
            .query_map([resource], |r| r.get(0))?
            .collect::<rusqlite::Result<HashSet<i64>>>()?;
        Ok(ids)
    }
}
