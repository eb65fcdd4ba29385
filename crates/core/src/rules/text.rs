//! Text from outside (guests, the server) shown to staff: characters that change how text reads
//! without being seen themselves (bidirectional overrides and isolates, zero-width spaces,
//! invisible operators and fillers, the soft hyphen, tag characters) can disguise a name or a
//! file ("invoice\u{202E}fdp.txt" reads "invoicetxt.pdf"). They are shown as visible marks
//! where text is read, and removed from names of files saved to disk. What scripts and emoji
//! need stays: the joiners (U+200C, U+200D), variation selectors, and tag characters inside
//! an emoji flag's tag sequence (🏴 + tags + U+E007F, as England's flag is written).

/// The black flag that opens an emoji tag sequence.
const TAG_BASE: char = '\u{1F3F4}';
/// The tag that ends one.
const CANCEL_TAG: char = '\u{E007F}';

/// Whether `c` changes how the text around it reads while showing nothing itself.
fn disguises(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' // embeddings and overrides
            | '\u{2066}'..='\u{2069}' // isolates
            | '\u{200E}' | '\u{200F}' | '\u{061C}' // direction marks
            | '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}' // zero-width spaces
            | '\u{2061}'..='\u{2065}' // invisible operators (U+2064 invisible plus)
            | '\u{206A}'..='\u{206F}' // deprecated format characters
            | '\u{00AD}' // soft hyphen
            | '\u{034F}' // combining grapheme joiner
            | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
            | '\u{17B4}' | '\u{17B5}' // Khmer inherent vowels
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
            | '\u{1BCA0}'..='\u{1BCA3}' // shorthand format controls
            | '\u{1D173}'..='\u{1D17A}' // musical format controls
            | '\u{E0000}'..='\u{E007F}' // tag characters (outside a flag's sequence)
    )
}

/// Whether a tag sequence starts at `rest` (the characters after a black flag): tags in
/// U+E0020..U+E007E, ended by the cancel tag.
fn flag_tags(rest: &str) -> Option<usize> {
    let mut len = 0;
    for c in rest.chars() {
        match c {
            '\u{E0020}'..='\u{E007E}' => len += c.len_utf8(),
            CANCEL_TAG if len > 0 => return Some(len + c.len_utf8()),
            _ => return None,
        }
    }
    None
}

/// `text` with every disguising character shown as a visible mark ("[U+202E]"), so what staff
/// read is what is there. The one way outside text is made readable: every view of a guest's
/// or a server's words goes through it.
pub(crate) fn reveal(text: &str) -> String {
    rewrite(text, |c, shown| {
        shown.push_str(&format!("[U+{:04X}]", u32::from(c)))
    })
}

/// The disguising characters as inclusive ranges of code points, for the UI's twin of
/// [`reveal`] (`ui/src/lib/shown.ts`), which is generated from this so the two cannot drift.
#[cfg(test)]
pub(crate) fn disguising_ranges() -> Vec<(u32, u32)> {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for c in (0..=u32::from(char::MAX))
        .filter_map(char::from_u32)
        .filter(|&c| disguises(c))
    {
        let point = u32::from(c);
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == point => *end = point,
            _ => ranges.push((point, point)),
        }
    }
    ranges
}

/// The black flag and the cancel tag, for the UI's twin of [`reveal`].
#[cfg(test)]
pub(crate) const FLAG_SEQUENCE: (char, char) = (TAG_BASE, CANCEL_TAG);

/// `text` without disguising characters (a file name written to disk).
pub(crate) fn strip_disguises(text: &str) -> String {
    rewrite(text, |_, _| {})
}

/// `text` with `hidden` writing each disguising character (a flag's tag sequence is kept).
fn rewrite(text: &str, hidden: impl Fn(char, &mut String)) -> String {
    if !text.chars().any(disguises) {
        return text.to_owned();
    }
    let mut shown = String::with_capacity(text.len() + 16);
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        at += c.len_utf8();
        if c == TAG_BASE {
            shown.push(c);
            if let Some(len) = flag_tags(&text[at..]) {
                shown.push_str(&text[at..at + len]);
                at += len;
            }
        } else if disguises(c) {
            hidden(c, &mut shown);
        } else {
            shown.push(c);
        }
    }
    shown
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

    /// Issue 36.6: these passed unmarked everywhere.
    #[test]
    fn invisible_operators_tags_soft_hyphens_and_fillers_are_shown() {
        for hidden in [
            '\u{2064}',
            '\u{E0041}',
            '\u{E0001}',
            '\u{E007F}',
            '\u{00AD}',
            '\u{3164}',
            '\u{115F}',
            '\u{FFA0}',
            '\u{034F}',
        ] {
            let text = format!("Mary{hidden}.exe");
            let shown = reveal(&text);
            assert!(
                !shown.contains(hidden),
                "{hidden:?} still hidden in {shown:?}"
            );
            assert!(shown.contains("[U+"), "{shown}");
            assert!(!strip_disguises(&text).contains(hidden));
        }
        // Tags hidden after a flag that never ends its sequence are still shown.
        let smuggled = "\u{1F3F4}\u{E0067}\u{E0062} ignore previous";
        assert_eq!(
            reveal(smuggled),
            "\u{1F3F4}[U+E0067][U+E0062] ignore previous"
        );
    }

    #[test]
    fn ordinary_text_emoji_and_joiners_are_left_as_they_are() {
        for text in [
            "Müller",
            "Room 102 👍",
            "👨\u{200D}👩\u{200D}👧",
            "مرحبا",
            "שלום",
            // England's flag: a black flag, the tags "gbeng" and the cancel tag.
            "Go \u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}!",
            "❤\u{FE0F}",
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
