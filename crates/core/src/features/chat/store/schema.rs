//! The chat's tables: the migrations that make and change them, in the database's one
//! sequence of versions (the engine's are in [`crate::engine::store::migrations`]).

use crate::engine::store::Migration;

/// The chat's migrations.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 7,
        name: "guest chat: cached messages, what is known of each thread, and replies waiting to be sent",
        sql: "CREATE TABLE chat_messages (
              id              INTEGER PRIMARY KEY,
              conversation_id INTEGER NOT NULL,
              body            TEXT NOT NULL
          );
          CREATE INDEX chat_messages_thread ON chat_messages (conversation_id, id);
          CREATE TABLE chat_threads (
              conversation_id INTEGER PRIMARY KEY,
              -- The oldest message is cached: nothing earlier to load.
              complete        INTEGER NOT NULL DEFAULT 0,
              handled_by      TEXT,
              handled_by_id   INTEGER
          );
          CREATE TABLE chat_outbox (
              seq             INTEGER PRIMARY KEY AUTOINCREMENT,
              -- 'send' a reply (text, or files with a caption), 'edit' or 'delete' one of my
              -- messages (target_id), or 'read': mark the thread's guest messages read.
              op              TEXT NOT NULL DEFAULT 'send'
                              CHECK (op IN ('send', 'edit', 'delete', 'read')),
              conversation_id INTEGER NOT NULL,
              message         TEXT NOT NULL,
              reply_to        INTEGER,
              target_id       INTEGER,
              -- An attachment waiting in the media cache (content hash), with its name and type.
              file_key        TEXT,
              file_name       TEXT,
              file_mime       TEXT,
              -- The newest message id this desk knew in the thread when the reply was written:
              -- a reply the server stored has a higher id.
              after_id        INTEGER NOT NULL DEFAULT 0,
              -- 'sending': a request may have reached the server; its outcome is checked
              -- against the thread before any retry.
              state           TEXT NOT NULL DEFAULT 'pending'
                              CHECK (state IN ('pending', 'sending', 'rejected')),
              problem         TEXT,
              attempts        INTEGER NOT NULL DEFAULT 0,
              created_at      TEXT NOT NULL
          );",
    },
    Migration {
        version: 8,
        name: "guest chat: what the list counts kept beside each message, indexed (issue 28.2)",
        // A guest's flood must not cost a JSON parse of every cached message on every change:
        // what the unread counts, the handler and the catch-up read is set when a message is
        // stored (store::chat::Facts), and read through partial indexes. A cached message whose
        // JSON is damaged gets no facts here; reading its thread drops and refetches it.
        sql: "ALTER TABLE chat_messages ADD COLUMN guest_unread INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE chat_messages ADD COLUMN from_staff INTEGER NOT NULL DEFAULT 0;
          ALTER TABLE chat_messages ADD COLUMN staff_id INTEGER;
          ALTER TABLE chat_messages ADD COLUMN staff_name TEXT;
          ALTER TABLE chat_messages ADD COLUMN sent_at TEXT;
          UPDATE chat_messages SET
              guest_unread = COALESCE(json_extract(body, '$.sender_type') = 'guest'
                  AND NOT COALESCE(json_extract(body, '$.read_by_staff'), 0)
                  AND NOT COALESCE(json_extract(body, '$.is_deleted'), 0), 0),
              from_staff = COALESCE(json_extract(body, '$.sender_type') = 'staff', 0),
              staff_id = json_extract(body, '$.staff'),
              staff_name = COALESCE(json_extract(body, '$.staff_info.name'),
                                    json_extract(body, '$.staff_display_name')),
              sent_at = json_extract(body, '$.timestamp')
          WHERE CASE WHEN json_valid(body) THEN json_type(body) = 'object' ELSE 0 END;
          CREATE INDEX chat_messages_unread ON chat_messages (conversation_id)
              WHERE guest_unread = 1;
          CREATE INDEX chat_messages_staff ON chat_messages (conversation_id, id)
              WHERE from_staff = 1;",
    },
    Migration {
        version: 11,
        name: "the guest chat's drafts: what is typed in a thread's reply box, kept until sent or cleared (issue 38.2)",
        sql: "CREATE TABLE chat_drafts (
              conversation_id INTEGER PRIMARY KEY,
              text TEXT NOT NULL,
              updated_at TEXT NOT NULL
          );",
    },
    Migration {
        version: 12,
        name: "the guest chat's search: a full-text index of the cached messages' text, kept by triggers (issue 38.5)",
        // The text indexed is a message's `message` when its JSON reads and it is not deleted;
        // the private-use marks the search puts around matches are taken out of it first. Every
        // write of chat_messages (stored, patched, deleted, forgotten, wiped with the account)
        // keeps the index right through the triggers.
        sql: "CREATE VIRTUAL TABLE chat_search USING fts5(
              text, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
          );
          CREATE VIEW chat_searchable (id, text) AS
              SELECT id, replace(replace(json_extract(body, '$.message'), char(57344), ''), char(57345), '')
              FROM chat_messages
              WHERE CASE WHEN json_valid(body)
                    THEN json_type(body, '$.message') = 'text'
                         AND NOT COALESCE(json_extract(body, '$.is_deleted'), 0)
                    ELSE 0 END;
          INSERT INTO chat_search (rowid, text) SELECT id, text FROM chat_searchable;
          CREATE TRIGGER chat_search_stored AFTER INSERT ON chat_messages BEGIN
              INSERT INTO chat_search (rowid, text)
                  SELECT id, text FROM chat_searchable WHERE id = new.id;
          END;
          CREATE TRIGGER chat_search_changed AFTER UPDATE OF body ON chat_messages BEGIN
              DELETE FROM chat_search WHERE rowid = old.id;
              INSERT INTO chat_search (rowid, text)
                  SELECT id, text FROM chat_searchable WHERE id = new.id;
          END;
          CREATE TRIGGER chat_search_removed AFTER DELETE ON chat_messages BEGIN
              DELETE FROM chat_search WHERE rowid = old.id;
          END;",
    },
    Migration {
        version: 13,
        name: "saved replies: this computer's ready answers, kept across sign-outs (issue 38.1)",
        // `key` names a reply across desks (an export carries it), `place` orders the list, and
        // a deleted reply keeps its row until the next change, so that "Undo" brings it back.
        sql: "CREATE TABLE chat_saved_replies (
              id         INTEGER PRIMARY KEY AUTOINCREMENT,
              key        TEXT NOT NULL UNIQUE,
              name       TEXT NOT NULL,
              text       TEXT NOT NULL,
              place      INTEGER NOT NULL,
              deleted_at TEXT
          );",
    },
    Migration {
        version: 14,
        name: "the guest chat's search stores the words the desk's one search rule finds in each message (issue 63.15)",
        // `search_key` is `rules::search::key`, which the store gives every connection before
        // migrating: the index holds each message's words folded as typed (Müller as muller,
        // O'Connor as oconnor, o and connor), so its prefix queries find what the rule finds.
        sql: "DROP TRIGGER chat_search_stored;
          DROP TRIGGER chat_search_changed;
          DROP TRIGGER chat_search_removed;
          DROP TABLE chat_search;
          CREATE VIRTUAL TABLE chat_search USING fts5(
              words, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
          );
          INSERT INTO chat_search (rowid, words) SELECT id, search_key(text) FROM chat_searchable;
          CREATE TRIGGER chat_search_stored AFTER INSERT ON chat_messages BEGIN
              INSERT INTO chat_search (rowid, words)
                  SELECT id, search_key(text) FROM chat_searchable WHERE id = new.id;
          END;
          CREATE TRIGGER chat_search_changed AFTER UPDATE OF body ON chat_messages BEGIN
              DELETE FROM chat_search WHERE rowid = old.id;
              INSERT INTO chat_search (rowid, words)
                  SELECT id, search_key(text) FROM chat_searchable WHERE id = new.id;
          END;
          CREATE TRIGGER chat_search_removed AFTER DELETE ON chat_messages BEGIN
              DELETE FROM chat_search WHERE rowid = old.id;
          END;",
    },
    Migration {
        version: 15,
        name: "guest chat: the newest message a handler was learned with, so a later staff message names the next one (issue 63.18)",
        // The server makes the sender of a staff message the conversation's handler (API.md
        // §8.4); a handler heard before is as of the messages the desk then had. Kept handlers
        // are as of what is cached now.
        sql: "ALTER TABLE chat_threads ADD COLUMN handler_after INTEGER;
          UPDATE chat_threads SET handler_after =
              (SELECT MAX(id) FROM chat_messages m WHERE m.conversation_id = chat_threads.conversation_id)
          WHERE handled_by IS NOT NULL;",
    },
];
