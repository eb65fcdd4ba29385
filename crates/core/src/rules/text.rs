//! Text from outside (guests, the server) shown to staff: characters that change how text reads
//! without being seen themselves (bidirectional overrides and isolates, zero-width spaces) can
//! disguise a name or a file ("invoice\u{202E}fdp.txt" reads "invoicetxt.pdf"). They are shown
//! as visible marks where text is read, and removed from names of files saved to disk. Joiners
//! (U+200C, U+200D) stay: emoji sequences and several scripts need them.

/// Whether `c` changes how the text around it reads while showing nothing itself.
fn disguises(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' // embeddings and overrides
            | '\u{2066}'..='\u{2069}' // isolates
            | '\u{200E}' | '\u{200F}' | '\u{061C}' // direction marks
            | '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}' // zero-width spaces
    )
}

/// `text` with every disguising character shown as a visible mark ("[U+202E]"), so what staff
/// read is what is there.
pub(crate) fn reveal(text: &str) -> String {
    if !text.chars().any(disguises) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if disguises(c) {
                format!("[U+{:04X}]", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `text` without disguising characters (a file name written to disk).
pub(crate) fn strip_disguises(text: &str) -> String {
    text.chars().filter(|c| !disguises(*c)).collect()
}

/// `text` cut to `max` characters, and its whole length (in characters) when it was longer;
/// `None` when it is not longer.
pub(crate) fn clip(text: &str, max: usize) -> Option<(String, usize)> {
    // Cheap first: a text of at most `max` bytes has at most `max` characters.
    if text.len() <= max {
        return None;
    }
    let mut chars = text.char_indices();
    let (end, _) = chars.nth(max)?;
    Some((text[..end].to_owned(), max + 1 + chars.count()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_right_to_left_override_is_shown_not_obeyed() {
        let spoof = "invoice\u{202E}fdp.txt";
        assert_eq!(reveal(spoof), "invoice[U+202E]fdp.txt");
        assert_eq!(strip_disguises(spoof), "invoicefdp.txt");
        for hidden in ['\u{2066}', '\u{2069}', '\u{200F}', '\u{200B}', '\u{FEFF}'] {
            let text = format!("a{hidden}b");
            assert!(!reveal(&text).contains(hidden), "{hidden:?} still hidden");
        }
    }

    #[test]
    fn ordinary_text_emoji_and_joiners_are_left_as_they_are() {
        for text in [
            "Müller",
            "Room 102 👍",
            "👨\u{200D}👩\u{200D}👧",
            "مرحبا",
            "שלום",
        ] {
            assert_eq!(reveal(text), text);
            assert_eq!(strip_disguises(text), text);
        }
    }

    #[test]
    fn clip_keeps_whole_characters_and_says_the_whole_length() {
        assert_eq!(clip("short", 10), None);
        assert_eq!(
            clip("ééééé", 5),
            None,
            "5 characters in 10 bytes are not clipped"
        );
        assert_eq!(clip("ééééééé", 5), Some(("ééééé".to_owned(), 7)));
        assert_eq!(clip("👍👍👍", 1), Some(("👍".to_owned(), 3)));
    }
}
