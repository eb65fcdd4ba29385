//! The conversation list as the Messages screen shows it (titles, unread counts, who handles
//! each, filters and search), and reading the list and a thread from the store.

use crate::features::chat::store::ChatStore;
use std::collections::HashMap;

use serde_json::Value;

use super::*;
use crate::engine::store::{Row, Store, StoreError};
use crate::features::chat::spec::CONVERSATIONS;
use crate::features::chat::store::{StaffSender, ThreadState};
use crate::rules::search::{Query, Rank};

/// "Room 101 · John Doe".
pub(crate) fn title_of(conversation: &Row) -> String {
    let room = room_label(conversation.get("room_number")).unwrap_or_else(|| "?".into());
    // Through the one reader of outside text (a right-to-left override in a guest's name made
    // "Mary [RLO]gnp.exe" read "Mary exe.png" in the thread's header, issue 36.6).
    let guest = conversation
        .get("guest_name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(crate::rules::text::reveal);
    match guest {
        Some(guest) => format!("Room {room} · {guest}"),
        None => format!("Room {room}"),
    }
}

/// A conversation's unread guest messages: those counted in its cached thread, and at least
/// one when the server says it has some (its thread may not be cached).
fn unread_of(row: &Row, counted: u32) -> u32 {
    let flagged = row
        .get("has_unread")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if flagged {
        counted.max(1)
    } else {
        counted
    }
}

/// Unread guest messages in every conversation (the badge, the tray, the window title); my
/// own messages never count.
pub(crate) fn unread_total(rows: &[Row], counted: &HashMap<i64, u32>) -> u32 {
    rows.iter()
        .filter_map(|row| {
            let id = row.get("conversation_id").and_then(Value::as_i64)?;
            Some(unread_of(row, counted.get(&id).copied().unwrap_or(0)))
        })
        .sum()
}

/// A web address the desk may open or fetch: `http` or `https` with a host, nothing else (no
/// `javascript:`, no `file:`).
pub fn safe_link(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    (matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some())
        .then(|| parsed.to_string())
}

/// What the desk knows of one conversation besides its row.
pub(crate) struct Known<'a> {
    pub threads: &'a HashMap<i64, ThreadState>,
    pub unread: &'a HashMap<i64, u32>,
    pub waiting: &'a HashMap<i64, u32>,
    /// Since when each conversation's guest has waited, from the cached messages.
    pub guest_waits: &'a HashMap<i64, crate::features::chat::waiting::GuestWait>,
    /// The newest cached message's time of each thread (a thread behind the list has no wait
    /// shown: a staff answer may be among what it has not read).
    pub newest_at: &'a HashMap<i64, Option<String>>,
    pub me: i64,
    pub my_name: &'a str,
}

/// Whether `state` tells who handles the conversation: someone is named (by the server's
/// event, a takeover, or a staff reply the desk holds), or the whole thread is here and no
/// staff member wrote in it. Otherwise the answer is in messages the desk has not read.
pub(super) fn handler_known(state: &ThreadState) -> bool {
    state.handled_by.is_some() || state.complete
}

/// Who handles a conversation, by the server's rule (API.md §8.4, §9.3): the sender of a
/// staff message becomes its handler, and `staff-assigned` or a takeover names one. Whichever
/// of these the desk learned last wins: the handler heard (`state`) unless the newest staff
/// message it holds (`last`) is newer than what the desk had when it heard it. The thread's
/// header, the list's rows, its views and the Overview all ask this one rule.
pub(crate) fn handler_of(mut state: ThreadState, last: Option<StaffSender>) -> ThreadState {
    let Some(sender) = last.filter(|s| s.name.is_some() || s.staff_id.is_some()) else {
        return state;
    };
    let heard_since = state.handled_by.is_some()
        && state
            .handler_after
            .is_none_or(|after| sender.message_id <= after);
    if !heard_since {
        state.handled_by = sender.name;
        state.handled_by_id = sender.staff_id;
    }
    state
}

impl Known<'_> {
    fn handler(&self, id: i64) -> (Option<String>, bool, bool) {
        let state = self.threads.get(&id);
        let name = state.and_then(|s| s.handled_by.clone());
        let mine = state.is_some_and(|s| is_mine(s, self.me, self.my_name));
        (name, mine, state.is_some_and(handler_known))
    }
}

/// Whether I handle the conversation: by my staff id where the desk has it, else by my name.
pub(super) fn is_mine(state: &ThreadState, me: i64, my_name: &str) -> bool {
    state.handled_by_id.map_or_else(
        || state.handled_by.as_deref() == Some(my_name),
        |id| id == me,
    )
}

/// How much of a search the list's words quote, in characters.
const SEARCHED_QUOTED_CHARS: usize = 60;

/// The conversation list: filtered, searched by room or guest with the desk's one search rule
/// ([`crate::rules::search`]: accents, case and punctuation aside, each word typed beginning a
/// word, an exact room number or name before those it begins), one `room`'s only when given
/// (its number exactly: "10" is not "102"), newest message first among equal matches.
pub(crate) fn conversation_list(
    rows: &[Row],
    known: &Known<'_>,
    (filter, sort): (ConversationFilter, ConversationSort),
    (query, room): (&str, Option<&str>),
    as_of: Option<String>,
) -> ConversationList {
    let mut found = SearchFound {
        searched: crate::rules::text::shorten(query.trim(), SEARCHED_QUOTED_CHARS),
        ..SearchFound::default()
    };
    let query = Query::new(query);
    let mut tally = Tally::default();
    let mut conversations: Vec<(Rank, ConversationView)> = rows
        .iter()
        .filter_map(|row| view_of(row, known))
        .inspect(|c| tally.count(c))
        .filter_map(|c| {
            let guest = c.guest_name.as_deref().unwrap_or_default();
            query
                .rank(&["room", &c.room_number, guest])
                .map(|rank| (rank, c))
        })
        .inspect(|(_, c)| {
            let here = room.is_none_or(|r| c.room_number == r);
            found.every_room += u32::from(in_view(c, filter));
            if here {
                count_views(&mut found.views, c);
            }
        })
        .filter(|(_, c)| in_view(c, filter) && room.is_none_or(|r| c.room_number == r))
        .collect();
    conversations.sort_by(|(rank_a, a), (rank_b, b)| {
        rank_b.cmp(rank_a).then_with(|| list_order(sort, a, b))
    });
    let mut rooms: Vec<RoomCount> = tally.rooms.into_values().collect();
    rooms.sort_by(|a, b| room_order(&a.room_number, &b.room_number));
    ConversationList {
        conversations: conversations.into_iter().map(|(_, c)| c).collect(),
        unread_total: tally.unread_total,
        as_of,
        counts: tally.counts,
        rooms,
        found: (!query.is_empty()).then_some(found),
    }
}

/// What the list counts of every conversation, whatever is filtered or searched.
#[derive(Default)]
struct Tally {
    unread_total: u32,
    counts: ViewCounts,
    rooms: HashMap<String, RoomCount>,
}

impl Tally {
    fn count(&mut self, c: &ConversationView) {
        self.unread_total += c.unread;
        count_views(&mut self.counts, c);
        let in_room = self
            .rooms
            .entry(c.room_number.clone())
            .or_insert_with(|| RoomCount {
                room_number: c.room_number.clone(),
                conversations: 0,
                unread: 0,
                waiting: 0,
            });
        in_room.conversations += 1;
        in_room.unread += c.unread;
        in_room.waiting += u32::from(in_view(c, ConversationFilter::Waiting));
    }
}

/// Counts a conversation in each view it is in.
fn count_views(counts: &mut ViewCounts, c: &ConversationView) {
    counts.all += 1;
    counts.mine += u32::from(in_view(c, ConversationFilter::Mine));
    counts.unassigned += u32::from(in_view(c, ConversationFilter::Unassigned));
    counts.handler_unknown += u32::from(!c.handler_known);
    counts.unread += u32::from(in_view(c, ConversationFilter::Unread));
    counts.waiting += u32::from(in_view(c, ConversationFilter::Waiting));
}

/// Rooms in the order a person counts them: "9" before "102", then any that are not numbers.
fn room_order(a: &str, b: &str) -> std::cmp::Ordering {
    let number = |room: &str| room.parse::<u64>().ok();
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    }
    .then_with(|| a.cmp(b))
}

/// One conversation as the list shows it, from its row and what the desk knows of it.
fn view_of(row: &Row, known: &Known<'_>) -> Option<ConversationView> {
    let id = row.get("conversation_id").and_then(Value::as_i64)?;
    let (handled_by, mine, handler_known) = known.handler(id);
    let wait = known.guest_waits.get(&id).filter(|_| {
        known
            .newest_at
            .get(&id)
            .is_some_and(|at| !is_behind(row, at.as_deref()))
    });
    Some(ConversationView {
        conversation_id: id,
        room_number: room_label(row.get("room_number")).unwrap_or_else(|| "?".into()),
        guest_name: row
            .get("guest_name")
            .and_then(Value::as_str)
            .map(crate::rules::text::reveal),
        last_message: row.get("last_message").and_then(Value::as_str).map(preview),
        last_message_time: row
            .get("last_message_time")
            .and_then(Value::as_str)
            .map(str::to_owned),
        unread: unread_of(row, known.unread.get(&id).copied().unwrap_or(0)),
        handled_by,
        handler_known,
        mine,
        waiting: known.waiting.get(&id).copied().unwrap_or(0),
        guest_waiting_since: wait.map(|w| w.since.clone()),
        guest_waiting_exact: wait.is_some_and(|w| w.exact),
        guest_waiting_from: wait.map(|w| w.first),
    })
}

/// The list's order: newest message first; with [`ConversationSort::WaitingLongest`], the
/// longest wait before that.
fn list_order(
    sort: ConversationSort,
    a: &ConversationView,
    b: &ConversationView,
) -> std::cmp::Ordering {
    let time = |text: Option<&str>| text.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    let (waited_a, waited_b) = (
        time(a.guest_waiting_since.as_deref()),
        time(b.guest_waiting_since.as_deref()),
    );
    let longest = match (sort, waited_a, waited_b) {
        (ConversationSort::WaitingLongest, Some(a), Some(b)) => a.cmp(&b),
        (ConversationSort::WaitingLongest, Some(_), None) => std::cmp::Ordering::Less,
        (ConversationSort::WaitingLongest, None, Some(_)) => std::cmp::Ordering::Greater,
        _ => std::cmp::Ordering::Equal,
    };
    longest
        .then(time(b.last_message_time.as_deref()).cmp(&time(a.last_message_time.as_deref())))
        .then(a.conversation_id.cmp(&b.conversation_id))
}

/// Whether a conversation is in a view.
fn in_view(conversation: &ConversationView, filter: ConversationFilter) -> bool {
    match filter {
        ConversationFilter::All => true,
        ConversationFilter::Mine => conversation.mine,
        // Nobody, as far as the desk knows: one whose thread it has not read is not counted.
        ConversationFilter::Unassigned => {
            conversation.handler_known && conversation.handled_by.is_none()
        }
        ConversationFilter::Unread => conversation.unread > 0,
        ConversationFilter::Waiting => conversation.guest_waiting_since.is_some(),
    }
}

/// Who is reading: my staff id and name.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    /// My staff id on the server.
    pub me: i64,
    /// My name, as my replies are signed on this desk.
    pub my_name: &'a str,
}

/// The conversation list as stored on this desk (what the Messages screen opens with).
pub fn read_conversations(
    store: &Store,
    reader: Reader<'_>,
    order: (ConversationFilter, ConversationSort),
    narrowed: (&str, Option<&str>),
) -> Result<ConversationList, StoreError> {
    let rows = store.records(CONVERSATIONS.name)?;
    let mut threads: HashMap<i64, ThreadState> = ChatStore::new(store).thread_states()?.into_iter().collect();
    for (id, sender) in ChatStore::new(store).last_staff_senders(None)? {
        let state = threads.remove(&id).unwrap_or_default();
        threads.insert(id, handler_of(state, Some(sender)));
    }
    let unread: HashMap<_, _> = ChatStore::new(store).unread_counts()?.into_iter().collect();
    let mut waiting: HashMap<i64, u32> = HashMap::new();
    for entry in ChatStore::new(store).replies(None)? {
        if entry.op == ChatOp::Send {
            *waiting.entry(entry.conversation_id).or_default() += 1;
        }
    }
    let guest_waits = ChatStore::new(store).guest_waits()?;
    let newest_at: HashMap<i64, Option<String>> = ChatStore::new(store).newest_of_threads()?
        .into_iter()
        .map(|(conversation, _, at)| (conversation, at))
        .collect();
    let known = Known {
        threads: &threads,
        unread: &unread,
        waiting: &waiting,
        guest_waits: &guest_waits,
        newest_at: &newest_at,
        me: reader.me,
        my_name: reader.my_name,
    };
    Ok(conversation_list(
        &rows,
        &known,
        order,
        narrowed,
        store.reconciled_at(CONVERSATIONS.name)?,
    ))
}

/// A thread's newest `limit` messages as stored on this desk, with my waiting changes.
pub fn read_thread(
    store: &Store,
    reader: Reader<'_>,
    conversation_id: i64,
    limit: usize,
) -> Result<ThreadView, StoreError> {
    let messages = ChatStore::new(store).thread(conversation_id, None, limit)?;
    let entries = ChatStore::new(store).replies(Some(conversation_id))?;
    let last = ChatStore::new(store).last_staff_senders(Some(conversation_id))?
        .into_iter()
        .next()
        .map(|(_, sender)| sender);
    let state = handler_of(ChatStore::new(store).thread_state(conversation_id)?, last);
    let conversation = store.record(CONVERSATIONS.name, conversation_id)?;
    let has_older = !state.complete || ChatStore::new(store).count(conversation_id)? > messages.len();
    Ok(thread_view(&ThreadParts {
        conversation_id,
        conversation: conversation.as_ref(),
        messages: &messages,
        entries: &entries,
        state: &state,
        has_older,
        me: reader.me,
        my_name: reader.my_name,
    }))
}

/// Messages read again when a thread is paged back (see [`page_back_from`]).
pub(crate) const PAGE_OVERLAP: usize = 10;

/// The `before_id` that reads the messages older than `ids` (a page, or what the desk has of a
/// thread). The server pages by time, not by id (API.md §8: "the `limit` newest messages older
/// than `before_id`"), and messages written at the same moment can have their ids and times in
/// different orders; paging from the oldest one would skip such a message at a page's edge.
/// So a few of `ids` are read again (they are the same rows by id, stored once).
pub(crate) fn page_back_from(ids: &[i64]) -> Option<i64> {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted
        .get(PAGE_OVERLAP.min(sorted.len().saturating_sub(1)))
        .copied()
}

/// Whether a conversation's last message, as the list tells it, is `message`: the same time to
/// the millisecond (the server's events give milliseconds, its lists microseconds) and the same
/// text (either may be kept as its start).
pub(crate) fn last_message_is(conversation: &Row, message: &Value) -> bool {
    let millis = |text: Option<&str>| {
        text.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.timestamp_millis())
    };
    let same_time = millis(
        conversation
            .get("last_message_time")
            .and_then(Value::as_str),
    )
    .is_some_and(|last| Some(last) == millis(message.get("timestamp").and_then(Value::as_str)));
    let last = conversation
        .get("last_message")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let text = message
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default();
    same_time && (text.starts_with(last) || last.starts_with(text))
}

/// Whether the server has newer messages of a thread than this desk: its conversation's last
/// message is newer than the newest cached one (or either time cannot be read).
pub(crate) fn is_behind(conversation: &Row, newest_cached_at: Option<&str>) -> bool {
    let time = |text: Option<&str>| text.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    let last = time(
        conversation
            .get("last_message_time")
            .and_then(Value::as_str),
    );
    let ours = time(newest_cached_at);
    last.is_none() || ours.is_none() || last > ours
}
