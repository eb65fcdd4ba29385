use super::*;

/// Whether what was typed finds `text`.
fn finds(typed: &str, text: &str) -> bool {
    Query::new(typed).rank(&[text]).is_some()
}

/// The texts `typed` finds among `texts`, best first (ties in their order).
fn best_first<'a>(typed: &str, texts: &[&'a str]) -> Vec<&'a str> {
    let query = Query::new(typed);
    let mut found: Vec<(Rank, &str)> = texts
        .iter()
        .filter_map(|t| query.rank(&[t]).map(|rank| (rank, *t)))
        .collect();
    found.sort_by_key(|(rank, _)| std::cmp::Reverse(*rank));
    found.into_iter().map(|(_, t)| t).collect()
}

#[test]
fn accents_and_case_are_aside_both_ways() {
    for (typed, text) in [
        ("Sean", "Seán Murphy"),
        ("seán", "Sean Murphy"),
        ("SEAN", "Seán"),
        // Written decomposed (an e and a combining acute), as some keyboards and files do.
        ("sean", "Sea\u{301}n"),
        ("Muller", "Müller"),
        ("müller", "MULLER"),
        ("MÜLLER", "Müller"),
        ("mul", "Müller"),
        ("Zoe", "Zoë"),
        ("nguyen", "Nguyễn"),
        ("dvorak", "Dvořák"),
        ("francois", "François"),
    ] {
        assert!(finds(typed, text), "{typed:?} should find {text:?}");
    }
}

#[test]
fn letters_no_accent_explains_are_typed_as_on_a_plain_keyboard() {
    for (typed, text) in [
        ("strasse", "Straße 5"),
        ("hauptstr", "Hauptstraße"),
        ("straße", "STRASSE"),
        ("soren", "Søren"),
        ("lukasz", "Łukasz"),
        ("aesir", "Æsir"),
        ("thor", "Þór"),
        ("dorde", "Đorđe"),
        // Turkish: the dotted capital İ and the dotless ı are both i where people type i.
        ("istanbul", "İSTANBUL"),
        ("İstanbul", "istanbul"),
        ("isik", "Işık"),
        ("IŞIK", "isik"),
        ("i\u{307}stanbul", "Istanbul"),
        // Greek final and medial sigma are one letter; so are the cases.
        ("Οδυσσευς", "ΟΔΥΣΣΕΥΣ"),
        ("οδυσσεύς", "Οδυσσευσ"),
        ("ivan", "Иван"),
        // Full-width digits and letters, a ligature.
        ("102", "Room １０２"),
        ("fine", "ﬁne"),
        // Chinese has no spaces between words: each character is found.
        ("京", "北京"),
    ] {
        assert!(finds(typed, text), "{typed:?} should find {text:?}");
    }
}

#[test]
fn punctuation_does_not_part_a_word_and_its_parts_are_words() {
    for (typed, text) in [
        ("oconnor", "Mary O'Connor"),
        ("oconnor", "Mary O’Connor"),
        ("o'connor", "Mary OConnor"),
        ("O’Connor", "mary o'connor"),
        ("o’con", "O'Connor"),
        ("connor", "O'Connor"),
        ("luc", "Jean-Luc Picard"),
        ("jeanluc", "Jean-Luc"),
        ("jean-luc", "Jean Luc"),
        ("late checkout", "Late check-out, please!"),
    ] {
        assert!(finds(typed, text), "{typed:?} should find {text:?}");
    }
}

#[test]
fn each_word_typed_begins_a_word_of_the_text() {
    assert!(finds("mur sea", "Seán Murphy"), "any order");
    assert!(
        !finds("ller", "Müller"),
        "the inside of a word is not its start"
    );
    assert!(
        !finds("sean kelly", "Seán Murphy"),
        "every word must be found"
    );
    assert!(!finds("heart", "❤ I ❤ it"), "a symbol is not a word");
    assert!(!finds("grinning", "😀"));
    assert!(finds("", "anything"), "nothing typed finds everything");
    assert!(
        finds("  ' - ", "anything"),
        "punctuation alone is nothing typed"
    );
}

#[test]
fn an_exact_room_number_comes_before_the_rooms_it_begins_and_never_finds_another_end() {
    assert_eq!(
        best_first("102", &["Room 1020", "Room 2102", "Room 102", "Room 10"]),
        ["Room 102", "Room 1020"]
    );
    assert_eq!(
        best_first("sean", &["Seanna Byrne", "Seán Kelly", "Sean Murphy"]),
        ["Seán Kelly", "Sean Murphy", "Seanna Byrne"],
        "whole words first, in the list's own order otherwise"
    );
}

#[test]
fn a_pasted_page_is_read_as_its_first_words() {
    let page = "lorem ipsum dolor sit amet ".repeat(500);
    assert!(page.chars().count() >= 12_500);
    let query = Query::new(&page);
    assert_eq!(query, Query::new(&page[..MAX_QUERY_CHARS]));
    assert!(query.words().len() <= MAX_QUERY_WORDS);
    // A single 12,500-letter word is read as its first 200 letters.
    let one = "a".repeat(12_500);
    assert_eq!(
        Query::new(&one).words()[0].joined,
        "a".repeat(MAX_QUERY_CHARS)
    );
}

#[test]
fn the_index_key_holds_each_word_its_parts_and_the_parts_joined() {
    assert_eq!(
        key("Mary O’Connor-Smith!"),
        "connor mary o oconnorsmith smith"
    );
    assert_eq!(key("Seán, Müller & Straße 😀"), "muller sean strasse");
    assert_eq!(key(""), "");
}

#[test]
fn marks_show_the_words_found_and_never_cut_a_cluster() {
    let query = Query::new("oconnor sea");
    let text = "Dear Mrs O’Connor, Seán 👨\u{200D}👩\u{200D}👧 here";
    let pieces = query.marks(text);
    let marked: Vec<&str> = pieces.iter().filter(|(_, m)| *m).map(|(p, _)| *p).collect();
    assert_eq!(marked, ["O’Connor", "Seán"]);
    assert_eq!(pieces.iter().map(|(p, _)| *p).collect::<String>(), text);
    // The decomposed accent stays with its letter inside the mark.
    let decomposed = "Sea\u{301}n";
    assert_eq!(Query::new("sean").marks(decomposed), [(decomposed, true)]);
    assert_eq!(Query::default().marks("a b"), [("a b", false)]);
}
