//! Issue 35.1: two saves of one field within moments both succeed on a server that takes
//! writes unconditionally (no `If-Match`), and the later arrival replaces the earlier one with
//! neither person told. The desk whose save arrived second finds this by rule, never by guess,
//! and asks its person:
//!
//! - it remembers, for [`OWN_CHANGE_MEMORY`], the fields each of its updates wrote (as the
//!   server answered them) and the values they started from;
//! - a value of one of those fields that is neither what it wrote nor what it started from,
//!   heard while its write was on its way or in an event or a read after it, was written by a
//!   colleague after this desk read the row: the row is read again;
//! - if the server now holds this desk's value, its save came second and replaced the
//!   colleague's unseen: the person gets a conflict ("keep mine" leaves theirs replaced, "keep
//!   theirs" puts it back). If the server holds another value, the colleague's came second:
//!   their desk asks them by the same rule.
//!
//! A colleague who changed the field after seeing this desk's value started from it, so their
//! change asks no one.
//!
//! Issue 63.21: on a row the server announces to no one (a gallery photo's caption, a room
//! type) the colleague's desk cannot have heard this desk's value: where the server holds a
//! colleague's value seen within [`REPLACED_WINDOW`] of this desk's write, this desk asks its
//! person ("a colleague's save replaced yours": keep mine sends it again). Such a row is read
//! again [`FOLLOW_UPS`] after each write, since nothing else would show a colleague's value. A
//! later, deliberate edit by a colleague inside the window is asked about as well: a question
//! too many, never a loss. (A row every write of which is announced asks the desk whose save
//! came second, which heard the other; the replay waits for live updates so that it can.)
//! See `docs/conditional-writes.md` for the server change that closes the window for good.
//!
//! Issue 65 item 6: a follow-up read the desk could not make when it came due (the network
//! down, the desk killed or closed) is made when it can, and a colleague's value it finds is
//! judged as seen when the read came due: the desk could not look in time, so it asks (a
//! question too many at worst, never a replacement unseen). What a row no event announces was
//! written, and not read back yet, is kept in the desk's database ([`kept`]), so a desk started
//! again reads it back at once.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::Instant;

use serde_json::Value;

use super::{lock, spec, SyncShared, OWN_CHANGE_MEMORY};
use crate::api::ApiError;
use crate::engine::merge::FieldConflict;
use crate::engine::push::ConflictDetail;
use crate::engine::store::Row;
use crate::events::DeskEvent;

pub(super) mod kept;

type Key = (&'static str, i64);

/// How many versions of a row heard while its update is on its way are kept to compare.
const HEARD_WHILE_SENDING: usize = 16;

/// How many own values of one field are remembered (a bound: a person saving one field again
/// and again within the memory).
const KNOWN_PER_FIELD: usize = 32;

/// A colleague's value seen this soon after this desk's write replaced it before their desk
/// could have seen this desk's (a replay's read and write a moment apart, a live update not yet
/// back): this desk asks its person.
pub(super) const REPLACED_WINDOW: std::time::Duration = std::time::Duration::from_secs(10);

/// When a row no event announces is read again after this desk wrote it (issue 63.21).
pub(super) const FOLLOW_UPS: [std::time::Duration; 2] = [
    std::time::Duration::from_secs(3),
    std::time::Duration::from_secs(8),
];

/// What this desk wrote lately, row by row.
#[derive(Default)]
pub(super) struct OwnWrites {
    /// Rows with an update on its way: what was heard of each meanwhile.
    sending: Mutex<HashMap<Key, Vec<Row>>>,
    /// The fields each row's updates wrote, as the server answered them.
    written: Mutex<HashMap<Key, Written>>,
    /// Rows to read again: a value not this desk's was seen in a field it wrote.
    suspects: Mutex<BTreeSet<Key>>,
    /// Rows no event announces, to read again at these times after this desk wrote them.
    follow_ups: Mutex<Vec<(Instant, Key)>>,
}

struct Written {
    /// Field to the value the server answered the write with.
    fields: Row,
    /// Field to the value the person's change started from.
    base: Row,
    /// Field to every value this desk wrote or started from within the memory: an event of
    /// an earlier own write that arrives late shows one of them, not a colleague's.
    known: HashMap<String, Vec<Value>>,
    /// Field to a colleague's value heard since (none of the known ones).
    others: Row,
    /// When a colleague's value was first seen after this desk's last write.
    others_at: Option<Instant>,
    /// When a read of the row came due that has not been made yet (a follow-up the network
    /// or a restart held up): what the read finds is judged as seen then.
    unjudged_since: Option<Instant>,
    at: Instant,
}

impl Written {
    /// Kept for [`OWN_CHANGE_MEMORY`] after its last write, and for as long as a colleague's
    /// value seen within that time waits to be judged: a check that events overtook again and
    /// again on a busy row is still made, however late (a bound: one entry per row written).
    /// A read that came due and was not made yet is waited for the same way.
    fn remembered(&self) -> bool {
        self.at.elapsed() < OWN_CHANGE_MEMORY
            || !self.others.is_empty()
            || self.unjudged_since.is_some()
    }

    /// The fields `seen` shows with a colleague's value: neither this desk's nor the one its
    /// change started from.
    fn others_in(&self, seen: &Row) -> Row {
        self.fields
            .iter()
            .filter_map(|(field, mine)| {
                let value = seen.get(field)?;
                let known = self.known.get(field).is_some_and(|k| k.contains(value));
                (value != mine && !known).then(|| (field.clone(), value.clone()))
            })
            .collect()
    }
}

impl OwnWrites {
    /// An update of the row is about to be sent.
    pub(super) fn sending(&self, key: Key) {
        lock(&self.sending).insert(key, Vec::new());
    }

    /// The update of the row ended without reaching the server (or paused on a conflict).
    pub(super) fn not_sent(&self, key: Key) {
        lock(&self.sending).remove(&key);
    }

    /// The server took the update: `fields` as it answered them, `base` what the person's
    /// change started from. What was heard of the row while it was on its way is weighed now.
    pub(super) fn sent(&self, key: Key, fields: Row, base: Row) {
        let heard = lock(&self.sending).remove(&key).unwrap_or_default();
        let mut written = lock(&self.written);
        written.retain(|_, w| w.remembered());
        let entry = written.entry(key).or_insert_with(|| Written {
            fields: Row::new(),
            base: Row::new(),
            known: HashMap::new(),
            others: Row::new(),
            others_at: None,
            unjudged_since: None,
            at: Instant::now(),
        });
        for (field, value) in base.iter().chain(&fields) {
            let known = entry.known.entry(field.clone()).or_default();
            if !known.contains(value) && known.len() < KNOWN_PER_FIELD {
                known.push(value.clone());
            }
        }
        for (field, value) in base {
            entry.base.entry(field).or_insert(value);
        }
        for field in fields.keys() {
            entry.others.remove(field);
        }
        entry.fields.extend(fields);
        entry.at = Instant::now();
        entry.others_at = None;
        for row in &heard {
            let others = entry.others_in(row);
            entry.others.extend(others);
        }
        if !entry.others.is_empty() {
            entry.others_at = Some(entry.at);
        }
        if !entry.others.is_empty() {
            lock(&self.suspects).insert(key);
        }
    }

    /// The row as an event or a read shows it (or the fields an event names). Returns whether
    /// it shows a colleague's value in a field this desk wrote lately, so the row is read again.
    pub(super) fn saw(&self, key: Key, seen: &Row) -> bool {
        if let Some(heard) = lock(&self.sending).get_mut(&key) {
            // Bounded: a send that failed leaves its row here until the next one.
            if heard.len() < HEARD_WHILE_SENDING {
                heard.push(seen.clone());
            }
            return false;
        }
        let mut written = lock(&self.written);
        let Some(write) = written
            .get_mut(&key)
            .filter(|w| w.at.elapsed() < OWN_CHANGE_MEMORY)
        else {
            return false;
        };
        let others = write.others_in(seen);
        if others.is_empty() {
            return false;
        }
        tracing::debug!(resource = key.0, id = key.1, fields = ?others.keys().collect::<Vec<_>>(), "a colleague's value seen in a field this desk wrote; the row is read again");
        write.others.extend(others);
        write.others_at.get_or_insert_with(Instant::now);
        lock(&self.suspects).insert(key);
        true
    }

    /// This desk wrote a row no event announces: it is read again at each of [`FOLLOW_UPS`].
    pub(super) fn follow_up(&self, key: Key) -> Option<Instant> {
        let now = Instant::now();
        let mut follow_ups = lock(&self.follow_ups);
        follow_ups.retain(|(_, k)| *k != key);
        follow_ups.extend(FOLLOW_UPS.iter().map(|after| (now + *after, key)));
        follow_ups.iter().map(|(at, _)| *at).min()
    }

    /// When the next read again of a written row is due, if one is.
    pub(super) fn next_follow_up(&self) -> Option<Instant> {
        lock(&self.follow_ups).iter().map(|(at, _)| *at).min()
    }

    /// The written rows whose read again is due now, each with when it came due.
    fn due_follow_ups(&self) -> Vec<(Instant, Key)> {
        let now = Instant::now();
        let mut due = Vec::new();
        lock(&self.follow_ups).retain(|(at, key)| {
            if *at <= now {
                due.push((*at, *key));
                false
            } else {
                true
            }
        });
        due
    }

    /// Whether a read again of the row is still to come.
    fn follow_up_ahead(&self, key: Key) -> bool {
        lock(&self.follow_ups).iter().any(|(_, k)| *k == key)
    }

    /// The rows to read again whose writes are still remembered: those where a colleague's
    /// value was seen, and those due a follow-up read (which, until it is made, keeps the
    /// write remembered and says when it came due).
    fn take_suspects(&self) -> Vec<Key> {
        let mut suspects = std::mem::take(&mut *lock(&self.suspects));
        let due = self.due_follow_ups();
        let mut written = lock(&self.written);
        for (at, key) in due {
            if let Some(write) = written.get_mut(&key) {
                let since = write.unjudged_since.get_or_insert(at);
                *since = (*since).min(at);
                suspects.insert(key);
            }
        }
        suspects
            .into_iter()
            .filter(|key| written.get(key).is_some_and(Written::remembered))
            .collect()
    }

    /// The colleague's values seen in the row need no judging any more (the row is gone).
    fn forget_others(&self, key: Key) {
        if let Some(write) = lock(&self.written).get_mut(&key) {
            write.others.clear();
            write.unjudged_since = None;
        }
    }

    fn suspect_again(&self, key: Key) {
        lock(&self.suspects).insert(key);
    }

    /// What `now` (the row as the server has it) says of this desk's writes: the colleagues'
    /// values they replaced (heard in fields where the server holds this desk's value), and,
    /// within [`REPLACED_WINDOW`] of the write, the fields where a colleague's value replaced
    /// this desk's. Each is told once.
    fn replaced_in(&self, key: Key, now: &Row, unannounced: bool) -> Replacements {
        let mut written = lock(&self.written);
        let Some(write) = written.get_mut(&key) else {
            tracing::debug!(
                resource = key.0,
                id = key.1,
                "a row read again: no write of it remembered"
            );
            return Replacements::default();
        };
        // Built only when it is logged.
        let judged = tracing::enabled!(tracing::Level::DEBUG)
            .then(|| judged_fields(write, now))
            .unwrap_or_default();
        let others = std::mem::take(&mut write.others);
        let seen_at = write.others_at.take().unwrap_or_else(Instant::now);
        // A read that came due earlier and could not be made then: judged as of then.
        let seen_at = write
            .unjudged_since
            .take()
            .map_or(seen_at, |due| due.min(seen_at));
        let base_of = |field: &str| write.base.get(field).cloned().unwrap_or(Value::Null);
        let overwrote: Vec<FieldConflict> = others
            .into_iter()
            .filter_map(|(field, theirs)| {
                let mine = write.fields.get(&field)?;
                (now.get(&field) == Some(mine)).then(|| FieldConflict {
                    mine: mine.clone(),
                    theirs,
                    base: base_of(&field),
                    field,
                })
            })
            .collect();
        let in_window =
            unannounced && seen_at.saturating_duration_since(write.at) <= REPLACED_WINDOW;
        let mut replaced = Vec::new();
        if in_window {
            for (field, mine) in &write.fields {
                let Some(theirs) = now.get(field) else {
                    continue;
                };
                let known = write.known.get(field).is_some_and(|k| k.contains(theirs));
                if theirs != mine && !known {
                    replaced.push(FieldConflict {
                        field: field.clone(),
                        mine: mine.clone(),
                        theirs: theirs.clone(),
                        base: base_of(field),
                    });
                }
            }
            // Told once: the fields asked about are no longer this desk's to watch.
            for conflict in &replaced {
                write.fields.remove(&conflict.field);
            }
        }
        // Field names and how each was judged, never their values (a person's words).
        tracing::debug!(
            resource = key.0,
            id = key.1,
            after_ms = seen_at.saturating_duration_since(write.at).as_millis() as u64,
            in_window,
            ?judged,
            overwrote = overwrote.len(),
            replaced = replaced.len(),
            "a row read again judged"
        );
        Replacements {
            overwrote,
            replaced,
        }
    }
}

/// For the debug log: each field this desk still watches on the row, as `now` shows it:
/// `mine` (its value), `known` (a value it wrote or started from), `theirs` (a colleague's) or
/// `absent`.
fn judged_fields(write: &Written, now: &Row) -> Vec<String> {
    write
        .fields
        .iter()
        .map(|(field, mine)| {
            let how = match now.get(field) {
                None => "absent",
                Some(theirs) if theirs == mine => "mine",
                Some(theirs) if write.known.get(field).is_some_and(|k| k.contains(theirs)) => {
                    "known"
                }
                Some(_) => "theirs",
            };
            format!("{field}: {how}")
        })
        .collect()
}

/// What a read again found of this desk's writes.
#[derive(Default)]
struct Replacements {
    /// Colleagues' values this desk's writes replaced unseen.
    overwrote: Vec<FieldConflict>,
    /// This desk's values a colleague's write replaced a moment later.
    replaced: Vec<FieldConflict>,
}

/// The fields of `conflicts`, each with the value `side` picks.
fn pick(conflicts: &[FieldConflict], side: fn(&FieldConflict) -> &Value) -> Row {
    conflicts
        .iter()
        .map(|c| (c.field.clone(), side(c).clone()))
        .collect()
}

/// Reads each suspect row again: where the server holds this desk's value over a colleague's
/// heard since, the person gets a conflict. A failed read puts the rows back for the next
/// round.
pub(super) async fn confirm(shared: &SyncShared) -> Result<(), ApiError> {
    let suspects = shared.own_writes.take_suspects();
    for (n, key) in suspects.iter().enumerate() {
        let (resource, id) = *key;
        let Some(spec) = spec::spec_named(shared.resources, resource) else {
            continue;
        };
        let now = match read_after_events(shared, spec, id).await {
            Ok(Read::Row(row)) => row,
            Ok(Read::Gone) => {
                // Deleted since: nothing is left to judge (the delete is told on its own).
                tracing::debug!(resource, id, "a row read again is gone");
                shared.own_writes.forget_others(*key);
                kept::judged(&shared.store, &shared.own_writes, spec, *key);
                continue;
            }
            Ok(Read::Unreadable) => {
                // Judged at a later round, when the server answers with the row.
                shared.own_writes.suspect_again(*key);
                continue;
            }
            Ok(Read::Overtaken) => {
                tracing::debug!(resource, id, "a row read again: events overtook each read");
                // Events keep naming the row: judged once they stop.
                shared.own_writes.suspect_again(*key);
                shared.wake_within(super::RECONCILE_DEBOUNCE);
                continue;
            }
            Err(err) => {
                lock(&shared.own_writes.suspects).extend(suspects[n..].iter().copied());
                return Err(err);
            }
        };
        let found = shared.own_writes.replaced_in(*key, &now, !spec.broadcast);
        if found.overwrote.is_empty() && found.replaced.is_empty() {
            // Nothing replaced here; the row as read is the server's (this desk's answer may
            // have been stored over a colleague's later event).
            if let Err(err) = shared.store.refresh_record(resource, &now) {
                tracing::warn!(error = %err, "cannot store a row read again");
            }
        }
        if !found.overwrote.is_empty() {
            // The server holds this desk's value: "keep theirs" sends theirs back.
            let (mine, base) = (
                pick(&found.overwrote, |c| &c.mine),
                pick(&found.overwrote, |c| &c.base),
            );
            ask(
                shared,
                (resource, id),
                &now,
                (mine, base),
                ConflictDetail {
                    deleted_elsewhere: false,
                    overwrote_colleague: true,
                    replaced_by_colleague: false,
                    fields: found.overwrote,
                },
            );
        }
        if !found.replaced.is_empty() {
            // The server holds the colleague's value: "keep mine" sends this desk's again,
            // merged against theirs.
            let (mine, theirs) = (
                pick(&found.replaced, |c| &c.mine),
                pick(&found.replaced, |c| &c.theirs),
            );
            ask(
                shared,
                (resource, id),
                &now,
                (mine, theirs),
                ConflictDetail {
                    deleted_elsewhere: false,
                    overwrote_colleague: false,
                    replaced_by_colleague: true,
                    fields: found.replaced,
                },
            );
        }
        // Only now, the question kept: a desk killed before still reads the row back.
        kept::judged(&shared.store, &shared.own_writes, spec, *key);
        shared.emit(DeskEvent::ResourceChanged {
            resource: spec.kind,
        });
    }
    Ok(())
}

/// Puts a question about a save a moment apart from a colleague's to the person: an entry
/// waiting for them, of `fields` over `base`, with the row `now` as the server has it.
fn ask(
    shared: &SyncShared,
    (resource, id): Key,
    now: &Row,
    (fields, base): (Row, Row),
    detail: ConflictDetail,
) {
    let problem = match serde_json::to_string(&detail) {
        Ok(text) => text,
        Err(err) => {
            tracing::error!(error = %err, "cannot write down a replaced save");
            return;
        }
    };
    match shared
        .store
        .keep_overwritten(resource, id, &fields, &base, &problem, now)
    {
        Ok(true) => {
            let which = if detail.replaced_by_colleague {
                "a colleague's save replaced this desk's a moment later"
            } else {
                "this desk's save replaced a colleague's saved a moment before"
            };
            tracing::info!(resource, id, fields = ?fields.keys().collect::<Vec<_>>(), "{which}; the person is asked");
            shared.emit(DeskEvent::Outbox {
                summary: shared.outbox_summary(),
            });
        }
        Ok(false) => {}
        Err(err) => {
            tracing::error!(error = %err, "cannot keep a replaced change as a conflict")
        }
    }
}

/// How often a suspect row is read again at once when an event overtook its read.
const OVERTAKEN_READS: usize = 3;

enum Read {
    Row(Row),
    /// Deleted since: the desk's delete handling tells the person.
    Gone,
    /// The server answered with no row: asked again at a later round, the question kept.
    Unreadable,
    /// An event named the row during each of [`OVERTAKEN_READS`] reads.
    Overtaken,
}

/// Reads row `id`, again at once when an event names it during the read: that event may be
/// newer than the answer, which is then neither judged nor stored. Its own event, arriving
/// just after the desk's write was answered, is the common case.
async fn read_after_events(
    shared: &SyncShared,
    spec: &spec::ResourceSpec,
    id: i64,
) -> Result<Read, ApiError> {
    let resource = spec.name();
    for _ in 0..OVERTAKEN_READS {
        let mark = shared.heard.mark();
        let row = match shared.client.fetch(spec.api, &shared.slug, id).await {
            Ok(Value::Object(row)) => row,
            Ok(other) => {
                tracing::warn!(resource, id, answer = %other, "the server answered a row's read with no row; read again later");
                return Ok(Read::Unreadable);
            }
            Err(ApiError::NotFound { .. }) => return Ok(Read::Gone),
            Err(err) => return Err(err),
        };
        if !mark.is_some_and(|mark| shared.heard.changed_since(resource, id, mark)) {
            return Ok(Read::Row(row));
        }
    }
    Ok(Read::Overtaken)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(value: Value) -> Row {
        match value {
            Value::Object(row) => row,
            _ => Row::new(),
        }
    }

    const KEY: Key = ("offers", 7);

    #[test]
    fn a_colleagues_value_heard_while_the_write_was_on_its_way_makes_the_row_a_suspect() {
        let writes = OwnWrites::default();
        writes.sending(KEY);
        assert!(!writes.saw(KEY, &row(json!({"id": 7, "title": "Hers"}))));
        writes.sent(
            KEY,
            row(json!({"title": "Mine"})),
            row(json!({"title": "Old"})),
        );
        assert_eq!(writes.take_suspects(), vec![KEY]);
    }

    /// A check that events overtook again and again on a busy row is still made after the
    /// memory's 20 s (seen once in the 10-desk convergence run: an overwrite went unseen with
    /// the link up all along). Tried: the write's time moved past the memory, with and without
    /// a colleague's value waiting.
    #[test]
    fn a_suspect_waiting_to_be_judged_outlives_the_memory_and_nothing_else_does() {
        let writes = OwnWrites::default();
        writes.sending(KEY);
        writes.saw(KEY, &row(json!({"id": 7, "title": "Hers"})));
        writes.sent(
            KEY,
            row(json!({"title": "Mine"})),
            row(json!({"title": "Old"})),
        );
        let past = Instant::now()
            .checked_sub(OWN_CHANGE_MEMORY + std::time::Duration::from_secs(5))
            .unwrap();
        for write in lock(&writes.written).values_mut() {
            write.at = past;
        }
        assert_eq!(writes.take_suspects(), vec![KEY], "still judged");
        writes.suspect_again(KEY);
        writes.forget_others(KEY);
        assert!(writes.take_suspects().is_empty(), "judged: forgotten");
    }

    #[test]
    fn its_own_value_the_value_it_started_from_or_another_field_is_no_suspect() {
        let writes = OwnWrites::default();
        writes.sending(KEY);
        writes.saw(KEY, &row(json!({"id": 7, "title": "Mine", "tag": "x"})));
        writes.saw(KEY, &row(json!({"id": 7, "title": "Old"})));
        writes.sent(
            KEY,
            row(json!({"title": "Mine"})),
            row(json!({"title": "Old"})),
        );
        assert!(
            !writes.saw(KEY, &row(json!({"id": 7, "tag": "y"}))),
            "another field"
        );
        assert!(
            !writes.saw(KEY, &row(json!({"id": 7, "title": "Old"}))),
            "a late old event"
        );
        assert!(writes.take_suspects().is_empty());
        assert!(writes.saw(KEY, &row(json!({"id": 7, "title": "Hers"}))));
    }

    #[test]
    fn a_late_event_of_an_earlier_own_write_is_no_colleagues_value() {
        let writes = OwnWrites::default();
        writes.sending(KEY);
        writes.sent(
            KEY,
            row(json!({"title": "First"})),
            row(json!({"title": "Old"})),
        );
        writes.sending(KEY);
        writes.sent(
            KEY,
            row(json!({"title": "Second"})),
            row(json!({"title": "First"})),
        );
        assert!(!writes.saw(KEY, &row(json!({"id": 7, "title": "First"}))));
        assert!(writes.take_suspects().is_empty());
    }

    /// A desk that wrote "Mine" where "Old" was, then heard a colleague's "Hers".
    fn mine_then_hers_heard() -> OwnWrites {
        let writes = OwnWrites::default();
        writes.sending(KEY);
        writes.sent(
            KEY,
            row(json!({"title": "Mine", "tag": "T"})),
            row(json!({"title": "Old", "tag": "U"})),
        );
        assert!(writes.saw(KEY, &row(json!({"id": 7, "title": "Hers", "tag": "T"}))));
        writes
    }

    #[test]
    fn the_read_decides_and_a_replaced_colleague_is_told_once() {
        // The server holds mine: mine came second and replaced hers unseen.
        let writes = mine_then_hers_heard();
        let mine_last = row(json!({"id": 7, "title": "Mine", "tag": "T"}));
        let found = writes.replaced_in(KEY, &mine_last, false);
        assert!(found.replaced.is_empty());
        assert_eq!(found.overwrote.len(), 1);
        assert_eq!(found.overwrote[0].field, "title");
        assert_eq!(found.overwrote[0].theirs, json!("Hers"));
        assert_eq!(found.overwrote[0].base, json!("Old"));
        let again = writes.replaced_in(KEY, &mine_last, false);
        assert!(
            again.overwrote.is_empty() && again.replaced.is_empty(),
            "told once"
        );
    }

    /// Issue 63.21: on a row no event announces, the server holds hers, seen a moment after
    /// mine: her desk cannot have seen mine, so this desk asks. On a row every write of which
    /// is announced, her desk heard mine and asks her: not here. Told once.
    #[test]
    fn a_colleagues_value_replacing_mine_a_moment_later_is_asked_here_too() {
        let writes = mine_then_hers_heard();
        let hers_last = row(json!({"id": 7, "title": "Hers", "tag": "T"}));
        let found = writes.replaced_in(KEY, &hers_last, true);
        assert!(found.overwrote.is_empty());
        assert_eq!(found.replaced.len(), 1);
        assert_eq!(found.replaced[0].mine, json!("Mine"));
        assert_eq!(found.replaced[0].theirs, json!("Hers"));
        let again = writes.replaced_in(KEY, &hers_last, true);
        assert!(
            again.overwrote.is_empty() && again.replaced.is_empty(),
            "told once"
        );
    }

    /// Issue 65 item 6: a read back that could not be made when it came due (the network cut
    /// right after the write) is made when it can, however late, and what it finds is judged
    /// as of when it came due: the desk could not look in time, so it asks. Before, the write
    /// was forgotten after the memory's 20 s, or judged as seen at the late read (outside the
    /// window): a colleague's caption replaced this desk's with no one told. Tried: the write
    /// and its read backs moved 30 s into the past, a first read failing.
    #[test]
    fn a_read_back_held_up_past_the_window_still_asks() {
        let writes = OwnWrites::default();
        writes.sending(KEY);
        writes.sent(
            KEY,
            row(json!({"caption": "Mine"})),
            row(json!({"caption": "Old"})),
        );
        writes.follow_up(KEY);
        let past = Instant::now()
            .checked_sub(std::time::Duration::from_secs(30))
            .unwrap();
        for write in lock(&writes.written).values_mut() {
            write.at = past;
        }
        for (n, follow_up) in lock(&writes.follow_ups).iter_mut().enumerate() {
            follow_up.0 = past + FOLLOW_UPS[n];
        }
        assert_eq!(writes.take_suspects(), vec![KEY], "due");
        // The read failed (the network is down): the row is put back, still remembered.
        writes.suspect_again(KEY);
        assert_eq!(writes.take_suspects(), vec![KEY], "still to be judged");
        let found = writes.replaced_in(KEY, &row(json!({"id": 7, "caption": "Hers"})), true);
        assert_eq!(found.replaced.len(), 1, "asked");
        assert_eq!(found.replaced[0].theirs, json!("Hers"));
        assert!(writes.take_suspects().is_empty(), "judged once");
    }

    /// A colleague's value seen long after this desk's write (they changed it after seeing
    /// mine, most likely) asks no one here; within the window it asks. Tried: a value first
    /// seen past [`REPLACED_WINDOW`], and a follow-up read of a row no event announces.
    #[test]
    fn a_colleagues_later_change_outside_the_window_asks_no_one_and_follow_ups_come_due() {
        let writes = mine_then_hers_heard();
        let past = Instant::now()
            .checked_sub(REPLACED_WINDOW + std::time::Duration::from_secs(1))
            .unwrap();
        for write in lock(&writes.written).values_mut() {
            write.at = past;
            write.others_at = Some(Instant::now());
        }
        let found = writes.replaced_in(KEY, &row(json!({"id": 7, "title": "Hers"})), true);
        assert!(found.replaced.is_empty(), "{:?}", found.replaced);

        let writes = OwnWrites::default();
        writes.sending(KEY);
        writes.sent(
            KEY,
            row(json!({"caption": "Mine"})),
            row(json!({"caption": "Old"})),
        );
        let first = writes.follow_up(KEY).unwrap();
        assert!(first > Instant::now(), "not due at once");
        assert!(writes.take_suspects().is_empty());
        for follow_up in lock(&writes.follow_ups).iter_mut() {
            follow_up.0 = Instant::now();
        }
        assert_eq!(writes.take_suspects(), vec![KEY], "due: read again");
        assert!(writes.next_follow_up().is_none());
    }
}
