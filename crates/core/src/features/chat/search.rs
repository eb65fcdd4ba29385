//! Searching every message this desk holds (issue 38.5): a full-text index (SQLite's FTS5) of
//! the cached messages, kept by triggers on `chat_messages` so that every way a message is
//! stored, changed, deleted or forgotten keeps it right. Offline it searches what the desk
//! holds, which is all it ever searches: the screen says so when the server cannot be reached.
//!
//! It finds by the desk's one search rule ([`crate::rules::search`], issue 63.15): the index
//! holds each message's words as the rule folds them (`search_key`), and each word typed is a
//! quoted prefix term of the rule's folded words, never FTS5 syntax, so a guest's name with
//! quotes or `AND`/`NEAR` in it is searched as words. The newest matches come first; the index
//! walks its matches newest first and stops at the limit. The words found are marked in the
//! message's own text by the same rule.

use crate::features::chat::store::ChatStore;
use rusqlite::params;
use serde_json::Value;

use super::handle::Chat;
use super::spec::CONVERSATIONS;
use crate::context::DeskError;
use crate::engine::store::{Store, StoreError};
use crate::rules::search::Query;

/// The most matches listed; `more` says when there were more.
pub const MAX_HITS: usize = 50;
/// How many words of a message a match shows, and how many of them before the first match.
const SNIPPET_WORDS: usize = 14;
const SNIPPET_WORDS_BEFORE: usize = 4;
/// The most characters a match shows (a message of one long word shows its start).
const SNIPPET_MAX_CHARS: usize = 300;

/// A piece of a found message's text, in order: the words the search matched are `matched`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct HitPiece {
    /// The text (outside text: shown as text, never as markup).
    pub text: String,
    /// Whether it is a word the search matched.
    pub matched: bool,
}

/// One message found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct MessageHit {
    /// Its conversation.
    #[ts(type = "number")]
    pub conversation_id: i64,
    /// The message (the thread opens at it).
    #[ts(type = "number")]
    pub message_id: i64,
    /// "Room 101 · John Doe", as the conversation list says it.
    pub title: String,
    /// Whether the guest wrote it (else staff did).
    pub from_guest: bool,
    /// When it was sent (RFC 3339), when the server said.
    pub sent_at: Option<String>,
    /// The message around the match.
    pub pieces: Vec<HitPiece>,
    /// How many of its thread's cached messages are as new as it or newer: a thread opened
    /// with that many (and a few more) shows it.
    pub from_newest: u32,
}

/// What a search found among the messages this desk holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct MessageSearch {
    /// Newest first, at most [`MAX_HITS`].
    pub hits: Vec<MessageHit>,
    /// Whether more messages matched than are listed.
    pub more: bool,
    /// Whether the server cannot be reached now: what is found is what this desk holds (it
    /// always is; offline, messages the desk never read cannot be among them).
    pub offline: bool,
}

/// The person's words as an FTS5 query: each folded word ([`Query::words`]: letters and digits
/// only) a quoted prefix term, or its parts each one ("jean-luc": `("jeanluc"* OR ("jean"*
/// "luc"*))`), all of them required; `None` when there is no word to search.
pub(crate) fn fts_query(query: &Query) -> Option<String> {
    let words: Vec<String> = query
        .words()
        .iter()
        .map(|w| {
            let joined = format!("\"{}\"*", w.joined);
            if w.parts.is_empty() {
                return joined;
            }
            let parts: Vec<String> = w.parts.iter().map(|p| format!("\"{p}\"*")).collect();
            format!("({joined} OR ({}))", parts.join(" "))
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The part of a found message shown: [`SNIPPET_WORDS`] words from a few before the first word
/// found, the words found marked, "…" where the message goes on (and past
/// [`SNIPPET_MAX_CHARS`]); outside text made readable.
fn snippet(query: &Query, text: &str) -> Vec<HitPiece> {
    let words: Vec<(usize, &str)> = crate::rules::search::chunks(text)
        .into_iter()
        .filter(|(_, chunk)| !chunk.trim().is_empty())
        .collect();
    let first = words
        .iter()
        .position(|(_, word)| query.finds_any(word))
        .unwrap_or(0);
    let shown = &words[first.saturating_sub(SNIPPET_WORDS_BEFORE)..];
    let shown = &shown[..shown.len().min(SNIPPET_WORDS)];
    let (Some((from, _)), Some((last, word))) = (shown.first(), shown.last()) else {
        return Vec::new();
    };
    let to = last + word.len();
    let mut pieces = Vec::new();
    if *from > 0 {
        pieces.push(HitPiece { text: "…".into(), matched: false });
    }
    let mut room = SNIPPET_MAX_CHARS;
    let mut cut = false;
    for (piece, matched) in query.marks(&text[*from..to]) {
        let kept = crate::rules::text::clip(piece, room).map_or(piece.to_owned(), |(kept, _)| kept);
        room = room.saturating_sub(kept.chars().count());
        cut = kept.len() < piece.len();
        pieces.push(HitPiece { text: crate::rules::text::reveal(&kept), matched });
        if cut {
            break;
        }
    }
    if cut || !text[to..].trim().is_empty() {
        pieces.push(HitPiece { text: "…".into(), matched: false });
    }
    pieces.retain(|p| !p.text.is_empty());
    pieces
}

/// One row the index found: (message id, conversation id, the message's JSON).
type Found = (i64, i64, String);

impl ChatStore<'_> {
    /// How many cached messages of the thread are message `id` or newer.
    pub(crate) fn count_from(&self, conversation_id: i64, id: i64) -> Result<u32, StoreError> {
        Ok(self
            .lock()
            .prepare_cached(
                "SELECT COUNT(*) FROM chat_messages WHERE conversation_id = ?1 AND id >= ?2",
            )?
            .query_row(params![conversation_id, id], |r| r.get(0))?)
    }

    /// The newest `limit` cached messages matching `query` (FTS5 syntax, from [`fts_query`]).
    pub(crate) fn search(&self, query: &str, limit: usize) -> Result<Vec<Found>, StoreError> {
        let conn = self.lock();
        let mut statement = conn.prepare_cached(
            "SELECT s.rowid, m.conversation_id, m.body
             FROM chat_search s JOIN chat_messages m ON m.id = s.rowid
             WHERE chat_search MATCH ?1
             ORDER BY s.rowid DESC LIMIT ?2",
        )?;
        let found = statement
            .query_map(params![query, limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<Vec<Found>, _>>()?;
        Ok(found)
    }
}

/// The newest [`MAX_HITS`] cached messages matching `search` as the screen shows them, and
/// whether more matched (also what `cargo xtask bench chat` measures).
pub fn find_messages(store: &Store, search: &str) -> Result<(Vec<MessageHit>, bool), StoreError> {
    let typed = Query::new(search);
    let Some(query) = fts_query(&typed) else {
        return Ok((Vec::new(), false));
    };
    let mut found = ChatStore::new(store).search(&query, MAX_HITS + 1)?;
    let more = found.len() > MAX_HITS;
    found.truncate(MAX_HITS);
    let mut titles: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    let mut hits = Vec::with_capacity(found.len());
    for (message_id, conversation_id, body) in found {
        let title = match titles.get(&conversation_id) {
            Some(title) => title.clone(),
            None => {
                let title = match store.record(CONVERSATIONS.name, conversation_id)? {
                    Some(row) => super::model::title_of(&row),
                    None => format!("Conversation {conversation_id}"),
                };
                titles.insert(conversation_id, title.clone());
                title
            }
        };
        // Indexed only when its JSON read (the index's view checks). Should it be damaged
        // since, the match is still listed, without who wrote it or when.
        let message: Value = serde_json::from_str(&body).unwrap_or_else(|err| {
            tracing::warn!(message_id, error = %err, "a found message cannot be read");
            Value::Null
        });
        hits.push(MessageHit {
            conversation_id,
            message_id,
            title,
            from_guest: message.get("sender_type").and_then(Value::as_str) == Some("guest"),
            sent_at: message
                .get("timestamp")
                .and_then(Value::as_str)
                .map(str::to_owned),
            pieces: snippet(
                &typed,
                message.get("message").and_then(Value::as_str).unwrap_or_default(),
            ),
            from_newest: ChatStore::new(store).count_from(conversation_id, message_id)?,
        });
    }
    Ok((hits, more))
}

impl Chat<'_> {
    /// Every message this desk holds whose text has all of `search`'s words (or words they
    /// begin), newest first: results as the person types, offline too.
    pub fn search(&self, search: &str) -> Result<MessageSearch, DeskError> {
        let chat = self.chat()?;
        let (hits, more) = find_messages(&self.cx.store, search)?;
        Ok(MessageSearch {
            hits,
            more,
            offline: chat.offline(),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fts(typed: &str) -> Option<String> {
        fts_query(&Query::new(typed))
    }

    #[test]
    fn the_persons_words_are_never_search_syntax() {
        assert_eq!(fts("taxi"), Some("\"taxi\"*".into()));
        assert_eq!(
            fts("  Late check-out\" OR NEAR(x"),
            Some(
                "\"late\"* (\"checkout\"* OR (\"check\"* \"out\"*)) \"or\"* \
                 (\"nearx\"* OR (\"near\"* \"x\"*))"
                    .into()
            )
        );
        assert_eq!(fts("\"*()-: "), None);
        assert_eq!(
            fts("Zimmer 101 Müller"),
            Some("\"zimmer\"* \"101\"* \"muller\"*".into())
        );
        let long = (0..100).map(|n| format!("word{n} ")).collect::<String>();
        assert!(!fts(&long).unwrap().contains("OR"));
        assert_eq!(
            fts(&long).unwrap().matches('*').count(),
            crate::rules::search::MAX_QUERY_WORDS
        );
    }

    fn shown(pieces: &[HitPiece]) -> Vec<(&str, bool)> {
        pieces.iter().map(|p| (p.text.as_str(), p.matched)).collect()
    }

    #[test]
    fn a_snippet_shows_the_words_around_the_first_found_marked() {
        let text = "Good morning, could you order a taxi for 9? The taxi should wait at the door.";
        assert_eq!(
            shown(&snippet(&Query::new("taxi door"), text)),
            [
                ("…", false),
                ("could you order a ", false),
                ("taxi", true),
                (" for 9? The ", false),
                ("taxi", true),
                (" should wait at the ", false),
                ("door", true),
                (".", false),
            ]
        );
        let long = format!("taxi {}", "word ".repeat(40));
        let pieces = snippet(&Query::new("taxi"), &long);
        assert_eq!(pieces.last().map(|p| p.text.as_str()), Some("…"));
        // One endless word is shown to a bound, cut between clusters.
        let blob = format!("taxi{}", "👨\u{200D}👩\u{200D}👧".repeat(500));
        let pieces = snippet(&Query::new("taxi"), &blob);
        let chars: usize = pieces.iter().map(|p| p.text.chars().count()).sum();
        assert!(chars <= SNIPPET_MAX_CHARS + 2, "{chars}");
        assert!(!pieces.iter().any(|p| p.text.contains("[U+")));
        let before_ellipsis = &pieces[pieces.len() - 2].text;
        assert!(before_ellipsis.ends_with("👧"), "a family cut whole: {before_ellipsis:?}");
    }

    use crate::features::chat::store::tests::store;

    fn found(store: &Store, search: &str) -> Vec<i64> {
        find_messages(store, search)
            .unwrap()
            .0
            .iter()
            .map(|hit| hit.message_id)
            .collect()
    }

    /// Every way a message is stored, changed or removed keeps the index right: stored, edited,
    /// deleted by the server (its text stays in the cache but is not found), removed, forgotten
    /// with the account. A message whose JSON is damaged is stored and not indexed (nothing
    /// fails), and the newest match is first.
    #[test]
    fn the_index_follows_every_write_of_the_cached_messages() {
        let (_dir, store) = store();
        ChatStore::new(&store).store_messages(
                45,
                &[
                    json!({"id": 10, "sender_type": "guest", "message": "A taxi to the airport, please", "timestamp": "2026-11-24T08:00:00Z"}),
                    json!({"id": 11, "sender_type": "staff", "message": "Your taxi is booked", "timestamp": "2026-11-24T08:01:00Z"}),
                    json!({"id": 12, "sender_type": "guest", "message": "Thank you!", "timestamp": "2026-11-24T08:02:00Z"}),
                ],
            )
            .unwrap();
        assert_eq!(found(&store, "taxi"), [11, 10], "newest first");
        assert_eq!(
            found(&store, "tax airp"),
            [10],
            "every word, each as a beginning"
        );
        assert_eq!(found(&store, "AIRPORT"), [10]);

        let edited = json!({"message": "Your car is booked"});
        ChatStore::new(&store).patch_messages(&[11], edited.as_object().unwrap())
            .unwrap();
        assert_eq!(
            found(&store, "taxi"),
            [10],
            "an edit is searched as it reads now"
        );
        assert_eq!(found(&store, "car"), [11]);

        let deleted = json!({"is_deleted": true});
        ChatStore::new(&store).patch_messages(&[10], deleted.as_object().unwrap())
            .unwrap();
        assert!(
            found(&store, "taxi").is_empty(),
            "a deleted message is not found"
        );

        ChatStore::new(&store).remove_message(11).unwrap();
        assert!(found(&store, "car").is_empty());

        store
            .lock()
            .execute(
                "INSERT INTO chat_messages (id, conversation_id, body) VALUES (13, 45, '{damaged')",
                [],
            )
            .unwrap();
        assert_eq!(found(&store, "thank"), [12]);

        store.wipe_account().unwrap();
        assert!(found(&store, "thank").is_empty(), "gone with the account");
        let left: i64 = store
            .lock()
            .query_row("SELECT COUNT(*) FROM chat_search", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }

    /// A guest's text that looks like search syntax or like marks around matches is text.
    #[test]
    fn a_guests_text_is_searched_and_shown_as_text() {
        let (_dir, store) = store();
        let tricky = "NEAR(\"late\" OR checkout) \u{E000}fake\u{E001} <b>late</b> checkout";
        ChatStore::new(&store).store_messages(
                45,
                &[json!({"id": 20, "sender_type": "guest", "message": tricky, "timestamp": "2026-11-24T08:00:00Z"})],
            )
            .unwrap();
        let (hits, more) = find_messages(&store, "late checkout\" OR").unwrap();
        assert!(!more);
        assert_eq!(hits.len(), 1);
        let shown: String = hits[0].pieces.iter().map(|p| p.text.as_str()).collect();
        assert!(shown.contains("<b>late</b>"), "{shown}");
        assert!(
            shown.contains("\u{E000}fake\u{E001}"),
            "the guest's private characters are text, not marks: {shown}"
        );
        let marked: Vec<&str> = hits[0]
            .pieces
            .iter()
            .filter(|p| p.matched)
            .map(|p| p.text.as_str())
            .collect();
        assert!(!marked.contains(&"fake"), "{marked:?}");
        assert!(marked.contains(&"checkout"), "{marked:?}");
        assert_eq!(hits[0].from_newest, 1);
        assert!(hits[0].from_guest);
    }

    /// Issue 63.15: messages are found by the desk's one rule, as the lists are.
    #[test]
    fn messages_are_found_the_way_people_type() {
        let (_dir, store) = store();
        ChatStore::new(&store).store_messages(
                45,
                &[
                    json!({"id": 30, "sender_type": "guest", "message": "Mrs O’Connor from Straße 5", "timestamp": "2026-11-24T08:00:00Z"}),
                    json!({"id": 31, "sender_type": "guest", "message": "Herr MÜLLER, İstanbul", "timestamp": "2026-11-24T08:01:00Z"}),
                    json!({"id": 32, "sender_type": "staff", "message": "Seán will call room 1020", "timestamp": "2026-11-24T08:02:00Z"}),
                ],
            )
            .unwrap();
        for (typed, id) in [
            ("oconnor", 30),
            ("o'connor", 30),
            ("connor", 30),
            ("strasse", 30),
            ("muller istanbul", 31),
            ("Müll", 31),
            ("sean", 32),
            ("102", 32),
        ] {
            assert_eq!(found(&store, typed), [id], "{typed:?}");
        }
        assert!(found(&store, "onnor").is_empty(), "a word's inside is not its start");
        let (hits, _) = find_messages(&store, "oconnor").unwrap();
        let marked: Vec<&str> = hits[0].pieces.iter().filter(|p| p.matched).map(|p| p.text.as_str()).collect();
        assert_eq!(marked, ["O’Connor"]);
    }

    /// A database of the schema before the index gets it filled with the messages it holds.
    #[test]
    fn messages_cached_before_the_index_are_found_after_the_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.sqlite3");
        {
            let mut conn = rusqlite::Connection::open(&path).unwrap();
            crate::engine::store::migrations::migrate_to(
                &mut conn,
                crate::features::LOCAL_DATA,
                11,
            )
            .unwrap();
            conn.execute(
                "INSERT INTO chat_messages (id, conversation_id, body) VALUES
                 (1, 45, '{\"id\": 1, \"message\": \"Is the pool open late?\"}'),
                 (2, 45, '{damaged')",
                [],
            )
            .unwrap();
        }
        let store = Store::open(&path, crate::features::LOCAL_DATA).unwrap();
        assert_eq!(found(&store, "pool"), [1]);
    }
}
