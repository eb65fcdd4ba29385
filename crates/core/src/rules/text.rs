//! Text from outside (guests, the server) shown to staff: characters that change how text reads
//! without being seen themselves (bidirectional overrides and isolates, zero-width spaces,
//! invisible operators and fillers, the soft hyphen, tag characters) can disguise a name or a
//! file ("invoice\u{202E}fdp.txt" reads "invoicetxt.pdf"). They are shown as visible marks
//! where text is read, and removed from names of files saved to disk. What scripts and emoji
//! need stays: the joiners (U+200C, U+200D), variation selectors, and tag characters inside
//! an emoji flag's tag sequence (🏴 + tags + U+E007F, as England's flag is written).

use unicode_segmentation::UnicodeSegmentation;

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

/// Where `text` is cut to keep at most `max` characters: after the last whole grapheme
/// cluster that fits, so a letter keeps its accents and an emoji stays whole (a family, a flag
/// of two regional indicators, England's flag with its tags, a skin tone: issue 63.16), and a
/// cut never leaves the tail of a flag to be shown as disguising marks by [`reveal`]. Only a
/// single cluster longer than `max` itself (a letter under thousands of marks, which nobody
/// reads) is cut inside, at `max` characters: the bound holds.
fn cut_at(text: &str, max: usize) -> usize {
    let mut kept = 0;
    let mut end = 0;
    for (at, cluster) in text.grapheme_indices(true) {
        let chars = cluster.chars().count();
        if kept + chars > max {
            break;
        }
        kept += chars;
        end = at + cluster.len();
    }
    if end == 0 && max > 0 {
        end = text
            .char_indices()
            .nth(max)
            .map_or(text.len(), |(at, _)| at);
    }
    end
}

/// `text` cut to at most `max` characters between grapheme clusters ([`cut_at`]), and its
/// whole length (in characters) when it was longer; `None` when it is not longer. The one way
/// the desk keeps the start of a long text (a guest's message, a field it keeps short).
pub(crate) fn clip(text: &str, max: usize) -> Option<(String, usize)> {
    // Cheap first: a text of at most `max` bytes has at most `max` characters.
    if text.len() <= max {
        return None;
    }
    let whole = text.chars().count();
    (whole > max).then(|| (text[..cut_at(text, max)].to_owned(), whole))
}

/// `text` as shown where there is room for `max` characters: whole when it fits, else its
/// start cut between grapheme clusters ([`cut_at`]) and "…" after it. The one way the desk
/// shortens a text it shows (toasts, list previews, quotes, titles, names in messages).
pub(crate) fn shorten(text: &str, max: usize) -> String {
    match clip(text, max) {
        Some((kept, _)) => format!("{}…", kept.trim_end()),
        None => text.to_owned(),
    }
}

/// The start of a text another program cut at `cut` characters without regard to clusters
/// (the server's quote of a replied message is its first 100 code points, API.md §8): when it
/// is that long, its last cluster may be a piece of one (half a family, a flag's first tags,
/// a letter without its accent), so it is left out and "…" said instead. Shorter, it is whole.
pub(crate) fn mend_cut(text: &str, cut: usize) -> String {
    if text.chars().count() < cut {
        return text.to_owned();
    }
    let last = text
        .grapheme_indices(true)
        .next_back()
        .map_or(0, |(at, _)| at);
    format!("{}…", text[..last].trim_end())
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

    const ENGLAND: &str = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}";
    const FAMILY: &str = "👨\u{200D}👩\u{200D}👧\u{200D}👦";
    const IRELAND: &str = "\u{1F1EE}\u{1F1EA}";
    const THUMB_DARK: &str = "👍\u{1F3FF}";
    const DECOMPOSED: &str = "Sea\u{301}n";

    /// Issue 63.16: a cut at any character of a text made of clusters keeps only whole ones,
    /// and never leaves an England flag's tags to be shown as disguising marks.
    #[test]
    fn a_cut_anywhere_keeps_whole_clusters_and_no_flag_tail_becomes_marks() {
        for cluster in [
            ENGLAND,
            FAMILY,
            IRELAND,
            THUMB_DARK,
            DECOMPOSED,
            "❤\u{FE0F}",
        ] {
            let text = format!("ab{cluster}{cluster} cd");
            let whole = text.chars().count();
            for max in 0..whole {
                let (kept, total) = clip(&text, max).unwrap();
                assert_eq!(total, whole);
                assert!(kept.chars().count() <= max, "{max}: {kept:?}");
                let clusters: Vec<&str> = kept.graphemes(true).collect();
                let all: Vec<&str> = text.graphemes(true).collect();
                assert_eq!(clusters, all[..clusters.len()], "{max}: {kept:?}");
                let shown = shorten(&text, max);
                assert!(!reveal(&shown).contains("[U+"), "{max}: {shown:?}");
            }
        }
        assert_eq!(shorten(&format!("Go {ENGLAND}!"), 5), "Go…");
        assert_eq!(
            shorten(&format!("Go {ENGLAND}!"), 11),
            format!("Go {ENGLAND}!")
        );
        assert_eq!(
            shorten(&format!("Go {ENGLAND}!"), 10),
            format!("Go {ENGLAND}…")
        );
        assert_eq!(shorten("short", 5), "short");
    }

    #[test]
    fn one_cluster_longer_than_the_bound_is_still_bounded() {
        let zalgo = format!("a{}", "\u{301}".repeat(10_000));
        let (kept, total) = clip(&zalgo, 100).unwrap();
        assert_eq!(kept.chars().count(), 100);
        assert_eq!(total, 10_001);
    }

    /// The server cuts a quoted message at 100 code points: a piece of a cluster at its end is
    /// left out rather than shown as half an emoji or marks.
    #[test]
    fn a_text_another_program_cut_loses_its_last_cluster_piece() {
        let cut_by_server = |text: &str| text.chars().take(100).collect::<String>();
        let text = format!("{}{ENGLAND} rest", "a".repeat(97));
        let quoted = cut_by_server(&text);
        assert!(
            reveal(&quoted).contains("[U+"),
            "the server's cut shows marks"
        );
        let mended = mend_cut(&quoted, 100);
        assert_eq!(mended, format!("{}…", "a".repeat(97)));
        let family = format!("{}{FAMILY}", "a".repeat(98));
        assert_eq!(
            mend_cut(&cut_by_server(&family), 100),
            format!("{}…", "a".repeat(98))
        );
        assert_eq!(mend_cut("short and whole", 100), "short and whole");
    }
}
