//! The one rule by which a person's typed words find things on the desk (issue 63.15): the
//! team, the conversation list, every message held, saved replies, the settings, and any list
//! a screen adds. Every search in the desk goes through [`Query`]; the message index stores
//! [`key`]'s words, so it finds exactly what this rule finds.
//!
//! - **Letters as people type them.** Text and query are both folded to how the letters are
//!   typed on a plain keyboard: accents and case go (Seán, SEAN and sean are one), and so do
//!   the letters no accent explains (ß is ss, ø is o, ł is l, the Turkish dotted İ and dotless ı
//!   are i, Greek and Cyrillic are written in Latin letters). The table is `deunicode`'s
//!   transliteration of each letter; a letter it does not know stays as it is, lower-cased.
//! - **Punctuation does not part a word.** "O'Connor", "O’Connor" and "oconnor" are one word,
//!   and its parts are words too: "connor" finds it, as "luc" finds "Jean-Luc", and "jean-luc"
//!   typed finds "Jean Luc".
//! - **Words begin.** Each word typed must begin a word of the text ("mul" finds Müller, "ller"
//!   does not): people type the start of what they look for, and a room number typed finds
//!   that room and the rooms it begins ("102" finds 102 and 1020, never 2102). Every word
//!   typed must be found, in any order.
//! - **Exact words first.** [`Rank`] counts the words typed that are whole words of the text,
//!   so room 102 comes before 1020, Sean before Seanna.
//! - **Bounded.** Only the first [`MAX_QUERY_CHARS`] characters and [`MAX_QUERY_WORDS`] words
//!   typed are read: a pasted page costs what a line costs.
//!
//! Symbols and emoji are not words (a search for "heart" does not find ❤).

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// The most characters of a search read; the rest is left out (a paste is not a search).
pub(crate) const MAX_QUERY_CHARS: usize = 200;
/// The most words of a search used.
pub(crate) const MAX_QUERY_WORDS: usize = 8;

/// In folded text: between two parts of one word ("o'connor" is `o` [`PART`] `connor`).
const PART: char = '-';

/// Folds one character onto `out`: letters and digits as typed on a plain keyboard (lower
/// case), white space as a space, marks and invisible characters as nothing (they part no
/// word), anything else (punctuation, symbols, emoji) as [`PART`].
fn fold_char(c: char, out: &mut String) {
    if c.is_whitespace() {
        out.push(' ');
        return;
    }
    match deunicode::deunicode_char(c) {
        Some(typed) if c.is_alphanumeric() => {
            for t in typed.chars() {
                if t.is_ascii_alphanumeric() {
                    out.push(t.to_ascii_lowercase());
                } else if t == ' ' {
                    out.push(' ');
                } else {
                    out.push(PART);
                }
            }
        }
        None if c.is_alphanumeric() => out.extend(c.to_lowercase()),
        // Combining accents, joiners, variation selectors, direction marks: not seen as
        // characters, so they join what is around them.
        Some("") => {}
        _ => out.push(PART),
    }
}

/// `text` folded: lower-case letters and digits as typed on a plain keyboard, a space between
/// words and [`PART`] between the parts of a word.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// A folded chunk (between spaces) as the one word it is, its parts joined ("oconnor").
fn joined(chunk: &str) -> String {
    chunk.chars().filter(|&c| c != PART).collect()
}

/// The words a folded chunk is found by: the whole of it, its parts joined, and each part.
fn chunk_words(chunk: &str, words: &mut Vec<String>) {
    let whole = joined(chunk);
    if whole.is_empty() {
        return;
    }
    for part in chunk.split(PART).filter(|p| !p.is_empty() && *p != whole) {
        words.push(part.to_owned());
    }
    words.push(whole);
}

/// The words `text` is found by, folded (each at most once).
fn words_of(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for chunk in fold(text).split(' ') {
        chunk_words(chunk, &mut words);
    }
    words.sort_unstable();
    words.dedup();
    words
}

/// The words `text` is found by, folded, separated by spaces: what a full-text index stores
/// so that its prefix queries ([`Query::words`], each as a prefix, or its parts each as one)
/// find what [`Query`] finds.
pub(crate) fn key(text: &str) -> String {
    words_of(text).join(" ")
}

/// How well a text matched: more words typed that are whole words of it is better (`Ord`:
/// greater is better), so a list sorts its matches best first with `Reverse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Rank {
    /// How many of the words typed are words of the text, whole.
    exact: usize,
}

/// One word typed: its parts joined ("oconnor" for "o'connor"), and its parts when it has
/// more than one, each of which may begin a word instead ("jean-luc" finds "Jean Luc").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// The word, folded, its parts joined.
    pub joined: String,
    /// Its parts, folded, when there are two or more.
    pub parts: Vec<String>,
}

impl Word {
    /// Whether it is one of `words`, whole (`Some(true)`), begins one (`Some(false)`), or its
    /// parts each begin one (`Some(false)`); `None` when none of these.
    fn found_in(&self, words: &[String]) -> Option<bool> {
        if words.contains(&self.joined) {
            return Some(true);
        }
        let begins = |wanted: &str| words.iter().any(|w| w.starts_with(wanted));
        (begins(&self.joined) || (!self.parts.is_empty() && self.parts.iter().all(|p| begins(p))))
            .then_some(false)
    }
}

/// What a person typed to find something, read by the rule (see the module's notes).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Query {
    words: Vec<Word>,
}

impl Query {
    /// Reads what was typed: its first [`MAX_QUERY_CHARS`] characters, folded, and of those
    /// the first [`MAX_QUERY_WORDS`] words.
    pub(crate) fn new(typed: &str) -> Self {
        let mut folded = String::new();
        for c in typed.chars().take(MAX_QUERY_CHARS) {
            fold_char(c, &mut folded);
        }
        let mut words: Vec<Word> = Vec::new();
        for chunk in folded.split(' ') {
            let joined = joined(chunk);
            if joined.is_empty() || words.iter().any(|w| w.joined == joined) {
                continue;
            }
            if words.len() == MAX_QUERY_WORDS {
                break;
            }
            let parts: Vec<String> = chunk
                .split(PART)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect();
            words.push(Word {
                joined,
                parts: if parts.len() > 1 { parts } else { Vec::new() },
            });
        }
        Self { words }
    }

    /// Whether nothing searchable was typed (every text matches).
    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The words typed, folded (lower-case letters and digits, no punctuation).
    pub(crate) fn words(&self) -> &[Word] {
        &self.words
    }

    /// Whether `fields` (searched as one text) match, and how well: every word typed begins a
    /// word of them. An empty query matches everything, all equally.
    pub(crate) fn rank(&self, fields: &[&str]) -> Option<Rank> {
        let mut have = Vec::new();
        for field in fields {
            for chunk in fold(field).split(' ') {
                chunk_words(chunk, &mut have);
            }
        }
        let mut exact = 0;
        for wanted in &self.words {
            exact += usize::from(wanted.found_in(&have)?);
        }
        Some(Rank { exact })
    }

    /// Whether any word typed is found in `text` (which of a text's words to mark).
    pub(crate) fn finds_any(&self, text: &str) -> bool {
        let mut have = Vec::new();
        for chunk in fold(text).split(' ') {
            chunk_words(chunk, &mut have);
        }
        self.words.iter().any(|w| w.found_in(&have).is_some())
    }

    /// `text` in pieces, in order, each with whether it is a word this query found (shown
    /// marked). A found word's piece leaves out the punctuation and symbols around it; pieces
    /// end between grapheme clusters only, so a mark never cuts an accent or an emoji.
    pub(crate) fn marks<'t>(&self, text: &'t str) -> Vec<(&'t str, bool)> {
        let mut ranges: Vec<(Range<usize>, bool)> = Vec::new();
        let mut push = |range: Range<usize>, found: bool| {
            if range.is_empty() {
                return;
            }
            match ranges.last_mut() {
                Some((last, was)) if *was == found => last.end = range.end,
                _ => ranges.push((range, found)),
            }
        };
        for (start, chunk) in chunks(text) {
            let found = self.finds_any(chunk);
            let marked = if found {
                self.marked_in(chunk)
            } else {
                Vec::new()
            };
            let mut at = 0;
            for part in marked {
                push(start + at..start + part.start, false);
                push(start + part.start..start + part.end, true);
                at = part.end;
            }
            push(start + at..start + chunk.len(), false);
        }
        ranges
            .into_iter()
            .map(|(range, found)| (&text[range], found))
            .collect()
    }
}

/// `text`'s pieces between white space and the white space itself, each with where it starts
/// (every byte of `text` in exactly one piece).
pub(crate) fn chunks(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (at, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space.is_some_and(|was| was != space) {
            out.push((start, &text[start..at]));
            start = at;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        out.push((start, &text[start..]));
    }
    out
}

/// A chunk's parts: the runs of grapheme clusters holding a letter or digit ("<b>late</b>" is
/// b, late and b), never parting a cluster.
fn parts(chunk: &str) -> Vec<Range<usize>> {
    let mut parts: Vec<Range<usize>> = Vec::new();
    let mut open: Option<Range<usize>> = None;
    for (at, cluster) in chunk.grapheme_indices(true) {
        if cluster.chars().any(char::is_alphanumeric) {
            open = Some(open.map_or(at..at + cluster.len(), |run| run.start..at + cluster.len()));
        } else if let Some(run) = open.take() {
            parts.push(run);
        }
    }
    parts.extend(open);
    parts
}

impl Query {
    /// What of a chunk it found is marked: the parts a word typed begins, or, when only the
    /// parts joined are found ("oconnor" in "O'Connor"), all of them from the first to the last.
    fn marked_in(&self, chunk: &str) -> Vec<Range<usize>> {
        let parts = parts(chunk);
        let begun: Vec<Range<usize>> = parts
            .iter()
            .filter(|part| {
                let folded = joined(&fold(&chunk[(*part).clone()]));
                self.words.iter().any(|w| {
                    folded.starts_with(w.joined.as_str())
                        || w.parts.iter().any(|p| folded.starts_with(p.as_str()))
                })
            })
            .cloned()
            .collect();
        match (begun.is_empty(), parts.first(), parts.last()) {
            (true, Some(first), Some(last)) => std::iter::once(first.start..last.end).collect(),
            _ => begun,
        }
    }
}

#[cfg(test)]
mod tests;
