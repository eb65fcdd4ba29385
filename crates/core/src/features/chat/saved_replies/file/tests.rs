use super::*;
use crate::features::chat::saved_replies::rows::Imported;
use crate::features::chat::saved_replies::{new_key, preset_key};
use crate::features::chat::store::tests::store;

/// A file's text with `replies` as (key, name, text).
fn file_of(replies: &[(&str, &str, &str)]) -> String {
    let replies: Vec<serde_json::Value> = replies
        .iter()
        .map(|(key, name, text)| serde_json::json!({"key": key, "name": name, "text": text}))
        .collect();
    serde_json::json!({"kind": FILE_KIND, "version": 1, "replies": replies}).to_string()
}

fn refusal(text: &str) -> String {
    match read_file(text) {
        Ok(replies) => panic!("{} replies read from a file to refuse", replies.len()),
        Err(err) => err.to_string(),
    }
}

/// Every row of the table, as it is (deleted ones too).
fn table(store: &Store) -> Vec<(i64, String, String, String, i64)> {
    store
        .lock()
        .prepare("SELECT id, key, name, text, place FROM chat_saved_replies ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

use crate::engine::store::Store;

/// Issue 63.12: two replies under one key were half imported, with SQLite's own words.
#[test]
fn a_key_given_twice_refuses_the_file_whole_naming_both_replies() {
    let said = refusal(&file_of(&[
        ("wifi", "Wi-Fi", "The password is lakes."),
        ("taxi", "Taxi", "Your taxi is booked."),
        ("wifi", "Wi-Fi (new)", "The password is hills."),
    ]));
    assert_eq!(
        said,
        "Nothing was imported: reply 3 (“Wi-Fi (new)”) has the same key as reply 1 (“Wi-Fi”)."
    );
}

#[test]
fn a_key_that_is_blank_too_long_or_has_control_characters_is_named() {
    let long = "k".repeat(REPLY_KEY_MAX_CHARS + 1);
    let said = refusal(&file_of(&[
        ("fine", "Fine", "fine"),
        (&long, "Long", "text"),
        ("  ", "Blank", "text"),
        ("a\u{0}b", "Nul", "text"),
    ]));
    assert!(
        said.contains("reply 2 (“Long”) has a key of 101 characters (a key is at most 100)"),
        "{said}"
    );
    assert!(said.contains("reply 3 (“Blank”) has no key"), "{said}");
    assert!(said.contains("reply 4 (“Nul”) has a key with control"), "{said}");
    assert!(read_file(&file_of(&[(&"k".repeat(REPLY_KEY_MAX_CHARS), "At the bound", "t")])).is_ok());
}

#[test]
fn the_first_problems_are_named_and_the_rest_counted() {
    let replies: Vec<(String, String)> =
        (1..=6).map(|n| (format!("k{n}"), format!("Reply {n}"))).collect();
    let file: Vec<(&str, &str, &str)> =
        replies.iter().map(|(k, n)| (k.as_str(), n.as_str(), "  ")).collect();
    let said = refusal(&file_of(&file));
    assert!(said.starts_with("Nothing was imported: reply 1 (“Reply 1”): the saved reply 'Reply 1' has no text; reply 2"), "{said}");
    assert!(said.ends_with("; and 3 more problems."), "{said}");
    // A hostile name is quoted short, its disguises shown.
    let said = refusal(&file_of(&[("k", &format!("\u{202E}{}", "n".repeat(5_000)), "t")]));
    assert!(said.contains("[U+202E]"), "{said}");
    assert!(said.chars().count() < 400, "{said}");
}

#[test]
fn every_key_the_desk_makes_is_within_the_bound() {
    for key in [
        new_key(),
        preset_key(&"n".repeat(crate::session::system::REPLY_NAME_MAX_CHARS)),
        format!("example:{}", "n".repeat(crate::session::system::REPLY_NAME_MAX_CHARS)),
    ] {
        assert_eq!(key_problem(&key), None, "{key}");
    }
}

/// The import is one transaction: a write that fails half way leaves the table as it was, and
/// the person reads plain words, never the database's own.
#[test]
fn a_write_failing_half_way_leaves_the_replies_as_they_were() {
    let (_dir, store) = store();
    let replies = read_file(&file_of(&[
        ("a", "First", "one"),
        ("b", "Second", "two"),
        ("c", "Boom", "three"),
    ]))
    .unwrap();
    ChatStore::new(&store).add_saved_reply("kept", "Kept", "here before").unwrap();
    store
        .lock()
        .execute_batch(
            "CREATE TRIGGER fail_on_boom BEFORE INSERT ON chat_saved_replies
             WHEN new.name = 'Boom' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;",
        )
        .unwrap();
    let before = table(&store);
    let err = ChatStore::new(&store).import_saved_replies(&replies, 500).unwrap_err();
    assert_eq!(table(&store), before, "nothing of the file was written");
    let shown = DeskError::from(ImportError::Storage(err));
    assert_eq!(shown.code(), crate::context::ErrorCode::Storage);
    let words = shown.to_string();
    assert!(!words.contains("disk I/O") && !words.contains("RAISE"), "{words}");
    assert!(words.contains("nothing was changed"), "{words}");

    store.lock().execute_batch("DROP TRIGGER fail_on_boom").unwrap();
    let done = ChatStore::new(&store).import_saved_replies(&replies, 500).unwrap();
    assert_eq!(
        done,
        Imported { added: 3, already_here: 0, beside_own: 0, would_hold: 4, written: true }
    );
    // A full disk: the same, said as such.
    let more = read_file(&file_of(&[("e", "Fifth", &"five ".repeat(900))])).unwrap();
    store.fill_for_test().unwrap();
    let before = table(&store);
    let err = ChatStore::new(&store).import_saved_replies(&more, 500).unwrap_err();
    assert_eq!(table(&store), before);
    assert_eq!(
        DeskError::from(ImportError::Storage(err)).code(),
        crate::context::ErrorCode::DiskFull
    );
    store.free_for_test().unwrap();
    // Too many: counted, not written.
    let more = read_file(&file_of(&[("d", "Fourth", "four")])).unwrap();
    let before = table(&store);
    let done = ChatStore::new(&store).import_saved_replies(&more, 4).unwrap();
    assert!(!done.written);
    assert_eq!(done.would_hold, 5);
    assert_eq!(table(&store), before);
}

/// A reply changed on this desk is added beside it as "… (imported)", its name kept within a
/// name's bound (a 60-character name stays 60 with the mark).
#[test]
fn a_reply_added_beside_this_desks_own_keeps_a_name_the_desk_can_save() {
    let (_dir, store) = store();
    let name = format!("{}👨\u{200D}👩\u{200D}👧{}", "W".repeat(47), "X".repeat(8));
    ChatStore::new(&store).add_saved_reply("k", &name, "ours").unwrap();
    let replies = read_file(&file_of(&[("k", &name, "theirs")])).unwrap();
    let done = ChatStore::new(&store).import_saved_replies(&replies, 500).unwrap();
    assert_eq!(done.beside_own, 1);
    let names: Vec<String> = table(&store).into_iter().map(|row| row.2).collect();
    let imported = &names[1];
    assert!(imported.ends_with(" (imported)"), "{imported}");
    assert_eq!(
        crate::session::system::preset_reply_problem(imported, "text"),
        None,
        "{imported}"
    );
    assert_eq!(
        *imported,
        format!("{} (imported)", "W".repeat(47)),
        "the family is left out whole"
    );
}
