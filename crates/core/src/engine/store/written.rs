//! What this desk wrote to rows no event announces and has not read back yet (issue 65 item
//! 6): kept here, not only in memory, so that a desk killed or restarted right after its write
//! still reads the row again and tells its person when a colleague's save replaced its own
//! (`crate::engine::replaced` owns the words of each record; this module only keeps them).
//!
//! A row has at most one record of the writes the server answered (`seq` 0) and one per update
//! on its way (`seq` the outbox entry's): a desk killed between the server's answer and its
//! note of it finds the entry gone and that record still here.

use std::collections::BTreeSet;

use rusqlite::params;
use serde_json::Value;

use super::{Store, StoreError};

/// At most this many records are read when the desk starts (one per row written lately and
/// not read back, plus one per update on its way: a bound, never reached in use).
const MAX_KEPT_WRITES: i64 = 1000;

/// A kept record of this desk's writes to one row, as [`Store::own_writes_kept`] reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeptWrite {
    /// The resource's name (its description's).
    pub resource: String,
    /// The row's server id.
    pub id: i64,
    /// 0: the writes the server answered; else the outbox entry that was on its way.
    pub seq: i64,
    /// The record, in the words of `crate::engine::replaced`.
    pub record: String,
    /// For an update on its way: whether its outbox entry is still there (it will be sent or
    /// asked about again, and says for itself what became of it).
    pub entry_waiting: bool,
    /// The fields the row's updates still in the outbox change (waiting, paused or asked
    /// about): those say for themselves what became of this desk's value.
    pub fields_waiting: BTreeSet<String>,
}

/// Writes `record` as row `id`'s record `seq`, over the one there.
fn upsert(
    conn: &rusqlite::Connection,
    resource: &str,
    id: i64,
    seq: i64,
    record: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO own_writes (resource, id, seq, record) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (resource, id, seq) DO UPDATE SET record = excluded.record",
        params![resource, id, seq, record],
    )?;
    Ok(())
}

impl Store {
    /// Keeps `record` for row `id` of `resource`: `seq` 0 for the writes the server answered,
    /// else the outbox entry now on its way.
    pub(crate) fn keep_own_write(
        &self,
        resource: &str,
        id: i64,
        seq: i64,
        record: &str,
    ) -> Result<(), StoreError> {
        upsert(&self.lock(), resource, id, seq, record)
    }

    /// The server answered update `seq` of the row: its record `record` replaces both that of
    /// the update on its way and the row's earlier one, in one transaction.
    pub(crate) fn own_write_answered(
        &self,
        resource: &str,
        id: i64,
        seq: i64,
        record: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM own_writes WHERE resource = ?1 AND id = ?2 AND seq = ?3 AND seq <> 0",
            params![resource, id, seq],
        )?;
        upsert(&tx, resource, id, 0, record)?;
        tx.commit()?;
        Ok(())
    }

    /// Drops the record of update `seq` of the row (0: of the writes the server answered).
    pub(crate) fn forget_own_write(
        &self,
        resource: &str,
        id: i64,
        seq: i64,
    ) -> Result<(), StoreError> {
        self.lock().execute(
            "DELETE FROM own_writes WHERE resource = ?1 AND id = ?2 AND seq = ?3",
            params![resource, id, seq],
        )?;
        Ok(())
    }

    /// Every kept record (at most [`MAX_KEPT_WRITES`], the newest rows first), with what the
    /// outbox still holds of its row.
    pub(crate) fn own_writes_kept(&self) -> Result<Vec<KeptWrite>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare(
            "SELECT w.resource, w.id, w.seq, w.record,
                    EXISTS (SELECT 1 FROM outbox o WHERE o.seq = w.seq AND w.seq <> 0)
             FROM own_writes w ORDER BY w.rowid DESC LIMIT ?1",
        )?;
        let kept = statement
            .query_map([MAX_KEPT_WRITES], |row| {
                Ok(KeptWrite {
                    resource: row.get(0)?,
                    id: row.get(1)?,
                    seq: row.get(2)?,
                    record: row.get(3)?,
                    entry_waiting: row.get(4)?,
                    fields_waiting: BTreeSet::new(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut waiting = conn.prepare(
            "SELECT fields FROM outbox WHERE resource = ?1 AND target = ?2 AND op = 'update'",
        )?;
        let mut out = Vec::with_capacity(kept.len());
        for mut write in kept {
            let fields = waiting
                .query_map(params![write.resource, write.id], |row| {
                    row.get::<_, String>(0)
                })?
                .collect::<Result<Vec<_>, _>>()?;
            for text in fields {
                // An entry whose fields cannot be read is set aside by the outbox's own check;
                // it changes nothing here.
                if let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(&text) {
                    write.fields_waiting.extend(fields.keys().cloned());
                }
            }
            out.push(write);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::engine::store::testing::{row, store};

    /// A record of an update on its way is told apart by whether its entry is still in the
    /// outbox; the fields of the row's waiting updates are said; the answer replaces both
    /// records of the row with one; a record forgotten is gone.
    #[test]
    fn kept_writes_say_what_the_outbox_still_holds_of_their_row() {
        let (_dir, store) = store();
        store
            .queue_update(
                "images",
                7,
                &row(json!({"caption": "Mine"})),
                &row(json!({"caption": "Old"})),
            )
            .unwrap();
        let seq = store.outbox_entries("images").unwrap()[0].seq;
        store.keep_own_write("images", 7, seq, "{\"a\":1}").unwrap();
        store.keep_own_write("images", 7, 0, "{\"a\":0}").unwrap();
        store.keep_own_write("images", 8, seq + 50, "{}").unwrap();
        let kept = store.own_writes_kept().unwrap();
        assert_eq!(kept.len(), 3);
        let on_its_way = kept.iter().find(|k| k.seq == seq).unwrap();
        assert!(on_its_way.entry_waiting);
        assert!(on_its_way.fields_waiting.contains("caption"));
        let gone = kept.iter().find(|k| k.id == 8).unwrap();
        assert!(!gone.entry_waiting && gone.fields_waiting.is_empty());

        store
            .own_write_answered("images", 7, seq, "{\"a\":2}")
            .unwrap();
        let kept = store.own_writes_kept().unwrap();
        let of_7: Vec<_> = kept.iter().filter(|k| k.id == 7).collect();
        assert_eq!(of_7.len(), 1);
        assert_eq!((of_7[0].seq, of_7[0].record.as_str()), (0, "{\"a\":2}"));
        store.forget_own_write("images", 7, 0).unwrap();
        store.forget_own_write("images", 8, seq + 50).unwrap();
        assert!(store.own_writes_kept().unwrap().is_empty());
    }
}
