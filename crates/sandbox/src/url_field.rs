//! Django 5.2's `URLValidator`, transcribed for the sandbox's `URLField`s, as the reference backend
//! (Django 5.2.4) runs it: the 2,048-character limit, no tab or line break, the scheme list
//! (http, https, ftp, ftps), what Python's `urlsplit` refuses, the validator's regular expression,
//! the second look at a bracketed IPv6 address and the 253-character host name. That Django does
//! not range-check the port (`:99999` passes) and no longer retries with the host IDNA-encoded.
//!
//! The regular expression is rebuilt piece by piece from the validator's source text with a tiny
//! matcher for exactly the constructs it uses, and matched with Python's case-insensitive rules.
//! It shares nothing with the desk's reading of the validator (a hand-written parser in the core):
//! the two run the same table of cases, so a misreading in one shows up against the other.
//!
//! Not for the field's own rules (a blank value, 200 characters): `validate.rs` applies those.

use std::sync::OnceLock;

const MAX_LENGTH: usize = 2048;
const SCHEMES: [&str; 4] = ["http", "https", "ftp", "ftps"];
const UNSAFE_CHARS: [char; 3] = ['\t', '\r', '\n'];
const MAX_HOSTNAME_CHARS: usize = 253;
/// `django.utils.ipv6.MAX_IPV6_ADDRESS_LENGTH`.
const MAX_IPV6_ADDRESS_LENGTH: usize = 39;
/// What `urlsplit` refuses in a netloc: characters whose NFKC form holds `/`, `?`, `#`, `@` or
/// `:` (all 19 of them in Python's Unicode 14 tables).
const NFKC_SEPARATORS: &str = "\u{2047}\u{2048}\u{2049}\u{2100}\u{2101}\u{2105}\u{2106}\u{2a74}\
    \u{fe13}\u{fe16}\u{fe55}\u{fe56}\u{fe5f}\u{fe6b}\u{ff03}\u{ff0f}\u{ff1a}\u{ff1f}\u{ff20}";

/// Whether Django's `URLValidator` accepts `value` (a blank value is the field's business).
pub(crate) fn is_valid_url(value: &str) -> bool {
    if value.chars().count() > MAX_LENGTH || value.contains(UNSAFE_CHARS) {
        return false;
    }
    let scheme = value.split("://").next().unwrap_or(value).to_lowercase();
    if !SCHEMES.contains(&scheme.as_str()) {
        return false;
    }
    let Some(netloc) = urlsplit_netloc(value) else {
        return false;
    };
    let text: Vec<char> = value.chars().collect();
    if url_pattern().ends(&text, 0).is_empty() {
        return false;
    }
    if let Some(address) = bracketed_netloc(netloc) {
        if address.chars().count() > MAX_IPV6_ADDRESS_LENGTH || !is_ipv6_address(address) {
            return false;
        }
    }
    hostname(netloc).is_some_and(|host| host.chars().count() <= MAX_HOSTNAME_CHARS)
}

/// One piece of the validator's pattern. Matching a piece from a position gives every position
/// where it can end; the pattern matches when some way through it reaches `\Z`, which is what
/// Python's backtracking finds too (the look-arounds only look at one neighbour).
enum Re {
    /// One character of a class.
    Class(fn(char) -> bool),
    /// Literal text, compared as Python compares it under `re.IGNORECASE`.
    Text(&'static str),
    Seq(Vec<Re>),
    Either(Vec<Re>),
    /// Greedy or not does not matter when every way through is tried; `usize::MAX` for `*`.
    Repeat(Box<Re>, usize, usize),
    /// `(?!c)`
    NotFollowedBy(char),
    /// `(?<!c)`
    NotPrecededBy(char),
    /// `\Z`
    End,
}

impl Re {
    fn ends(&self, text: &[char], from: usize) -> Vec<usize> {
        match self {
            Re::Class(class) => match text.get(from) {
                Some(&c) if class(c) => vec![from + 1],
                _ => Vec::new(),
            },
            Re::Text(literal) => {
                let mut at = from;
                for expected in literal.chars() {
                    match text.get(at) {
                        Some(&c) if same_ignoring_case(c, expected) => at += 1,
                        _ => return Vec::new(),
                    }
                }
                vec![at]
            }
            Re::Seq(pieces) => pieces.iter().fold(vec![from], |starts, piece| {
                union(starts.iter().map(|&start| piece.ends(text, start)))
            }),
            Re::Either(choices) => union(choices.iter().map(|choice| choice.ends(text, from))),
            Re::Repeat(piece, min, max) => {
                let mut found = if *min == 0 { vec![from] } else { Vec::new() };
                let mut frontier = vec![from];
                let mut count = 0;
                while count < *max && !frontier.is_empty() {
                    count += 1;
                    // Only a repetition that takes characters counts (every repeated piece of
                    // this pattern takes at least one), so the frontier moves on and the loop ends.
                    frontier = union(frontier.iter().map(|&start| {
                        let mut ends = piece.ends(text, start);
                        ends.retain(|&end| end > start);
                        ends
                    }));
                    if count >= *min {
                        found.extend_from_slice(&frontier);
                    }
                }
                union([found])
            }
            Re::NotFollowedBy(c) => {
                if text.get(from) == Some(c) {
                    Vec::new()
                } else {
                    vec![from]
                }
            }
            Re::NotPrecededBy(c) => {
                if from > 0 && text.get(from - 1) == Some(c) {
                    Vec::new()
                } else {
                    vec![from]
                }
            }
            Re::End => {
                if from == text.len() {
                    vec![from]
                } else {
                    Vec::new()
                }
            }
        }
    }
}

fn union(sets: impl IntoIterator<Item = Vec<usize>>) -> Vec<usize> {
    let mut all: Vec<usize> = sets.into_iter().flatten().collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Python's `re.IGNORECASE` for the pattern's literals: ASCII case, and the long s (`ſ`) for `s`,
/// the one fold beyond ASCII that touches them (`xn--`, `localhost`).
fn same_ignoring_case(c: char, expected: char) -> bool {
    c.eq_ignore_ascii_case(&expected) || (expected == 's' && c == '\u{17f}')
}

fn seq(pieces: Vec<Re>) -> Re {
    Re::Seq(pieces)
}

fn either(choices: Vec<Re>) -> Re {
    Re::Either(choices)
}

fn repeat(piece: Re, min: usize, max: usize) -> Re {
    Re::Repeat(Box::new(piece), min, max)
}

fn optional(piece: Re) -> Re {
    repeat(piece, 0, 1)
}

fn class(class: fn(char) -> bool) -> Re {
    Re::Class(class)
}

fn text(literal: &'static str) -> Re {
    Re::Text(literal)
}

/// `ul = "\u00a1-\uffff"`
fn ul(c: char) -> bool {
    ('\u{a1}'..='\u{ffff}').contains(&c)
}

/// `[a-z` + ul + `0-9]`
fn letter_ul_digit(c: char) -> bool {
    c.is_ascii_alphabetic() || ul(c) || c.is_ascii_digit()
}

/// `[a-z` + ul + `0-9-]`
fn letter_ul_digit_hyphen(c: char) -> bool {
    letter_ul_digit(c) || c == '-'
}

/// `[a-z` + ul + `-]`
fn letter_ul_hyphen(c: char) -> bool {
    c.is_ascii_alphabetic() || ul(c) || c == '-'
}

/// `[a-z0-9]` under `re.IGNORECASE`: Python also takes İ, ı, ſ and the Kelvin sign, whose simple
/// case mapping is an ASCII letter.
fn punycode_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '\u{130}' | '\u{131}' | '\u{17f}' | '\u{212a}')
}

/// `[a-z0-9.+-]` under `re.IGNORECASE`.
fn scheme_char(c: char) -> bool {
    punycode_char(c) || matches!(c, '.' | '+' | '-')
}

/// `[0-9a-f:.]`
fn ipv6_char(c: char) -> bool {
    c.is_ascii_hexdigit() || c == ':' || c == '.'
}

/// Python's `\s` on `str`: `str.isspace`, which is Unicode white space and U+001C–U+001F.
fn python_space(c: char) -> bool {
    matches!(c, '\u{9}'..='\u{d}' | '\u{1c}'..='\u{20}' | '\u{85}' | '\u{a0}' | '\u{1680}')
        || matches!(
            c,
            '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}'
        )
        || matches!(c, '\u{205f}' | '\u{3000}')
}

/// `[^\s:@/]`
fn login_char(c: char) -> bool {
    !python_space(c) && !matches!(c, ':' | '@' | '/')
}

/// `[^\s]`
fn not_space(c: char) -> bool {
    !python_space(c)
}

/// `[/?#]`
fn path_start(c: char) -> bool {
    matches!(c, '/' | '?' | '#')
}

fn digit(c: char) -> bool {
    c.is_ascii_digit()
}

fn digit_0_to_5(c: char) -> bool {
    ('0'..='5').contains(&c)
}

fn digit_0_to_4(c: char) -> bool {
    ('0'..='4').contains(&c)
}

fn digit_1_to_9(c: char) -> bool {
    ('1'..='9').contains(&c)
}

/// `(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)`
fn ipv4_octet() -> Re {
    either(vec![
        text("0"),
        seq(vec![text("25"), class(digit_0_to_5)]),
        seq(vec![text("2"), class(digit_0_to_4), class(digit)]),
        seq(vec![
            text("1"),
            optional(class(digit)),
            optional(class(digit)),
        ]),
        seq(vec![class(digit_1_to_9), optional(class(digit))]),
    ])
}

/// `ipv4_re`: an octet, then `(?:\.` octet `){3}`.
fn ipv4_re() -> Re {
    seq(vec![
        ipv4_octet(),
        repeat(seq(vec![text("."), ipv4_octet()]), 3, 3),
    ])
}

/// `ipv6_re = r"\[[0-9a-f:.]+\]"`
fn ipv6_re() -> Re {
    seq(vec![
        text("["),
        repeat(class(ipv6_char), 1, usize::MAX),
        text("]"),
    ])
}

/// `hostname_re = r"[a-z" + ul + r"0-9](?:[a-z" + ul + r"0-9-]{0,61}[a-z" + ul + r"0-9])?"`
fn hostname_re() -> Re {
    seq(vec![
        class(letter_ul_digit),
        optional(seq(vec![
            repeat(class(letter_ul_digit_hyphen), 0, 61),
            class(letter_ul_digit),
        ])),
    ])
}

/// `domain_re = r"(?:\.(?!-)[a-z" + ul + r"0-9-]{1,63}(?<!-))*"`
fn domain_re() -> Re {
    repeat(
        seq(vec![
            text("."),
            Re::NotFollowedBy('-'),
            repeat(class(letter_ul_digit_hyphen), 1, 63),
            Re::NotPrecededBy('-'),
        ]),
        0,
        usize::MAX,
    )
}

/// `tld_re = r"\.(?!-)(?:[a-z" + ul + "-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\.?"`
fn tld_re() -> Re {
    seq(vec![
        text("."),
        Re::NotFollowedBy('-'),
        either(vec![
            repeat(class(letter_ul_hyphen), 2, 63),
            seq(vec![text("xn--"), repeat(class(punycode_char), 1, 59)]),
        ]),
        Re::NotPrecededBy('-'),
        optional(text(".")),
    ])
}

/// `host_re = "(" + hostname_re + domain_re + tld_re + "|localhost)"`
fn host_re() -> Re {
    either(vec![
        seq(vec![hostname_re(), domain_re(), tld_re()]),
        text("localhost"),
    ])
}

/// `^(?:[a-z0-9.+-]*)://(?:[^\s:@/]+(?::[^\s:@/]*)?@)?(?:` ipv4 `|` ipv6 `|` host
/// `)(?::[0-9]{1,5})?(?:[/?#][^\s]*)?\Z`, case-insensitive.
fn url_pattern() -> &'static Re {
    static PATTERN: OnceLock<Re> = OnceLock::new();
    PATTERN.get_or_init(|| {
        seq(vec![
            repeat(class(scheme_char), 0, usize::MAX),
            text("://"),
            optional(seq(vec![
                repeat(class(login_char), 1, usize::MAX),
                optional(seq(vec![
                    text(":"),
                    repeat(class(login_char), 0, usize::MAX),
                ])),
                text("@"),
            ])),
            either(vec![ipv4_re(), ipv6_re(), host_re()]),
            optional(seq(vec![text(":"), repeat(class(digit), 1, 5)])),
            optional(seq(vec![
                class(path_start),
                repeat(class(not_space), 0, usize::MAX),
            ])),
            Re::End,
        ])
    })
}

/// Python's `urlsplit(value).netloc`, or `None` where `urlsplit` raises `ValueError`. `value`
/// starts with a listed scheme and `://`, so the netloc runs from there to the first `/`, `?` or
/// `#`.
fn urlsplit_netloc(value: &str) -> Option<&str> {
    let (_, after) = value.split_once("://")?;
    let netloc = after.split(['/', '?', '#']).next().unwrap_or(after);
    // "Invalid IPv6 URL"
    if netloc.contains('[') != netloc.contains(']') {
        return None;
    }
    if let Some((_, after_open)) = netloc.split_once('[') {
        let bracketed = after_open.split(']').next().unwrap_or(after_open);
        if !bracketed_host_is_valid(bracketed) {
            return None;
        }
    }
    if !netloc.is_ascii() && netloc.chars().any(|c| NFKC_SEPARATORS.contains(c)) {
        return None;
    }
    Some(netloc)
}

/// `urllib.parse._check_bracketed_host`: `v<hex>.<anything>` (IPvFuture), else an IPv6 address
/// (`ipaddress.ip_address` also parses IPv4, which is then refused in brackets).
fn bracketed_host_is_valid(host: &str) -> bool {
    match host.strip_prefix('v') {
        Some(future) => {
            let mut chars = future.chars().peekable();
            let mut version_digits = 0;
            while chars.next_if(char::is_ascii_hexdigit).is_some() {
                version_digits += 1;
            }
            version_digits > 0 && chars.next() == Some('.') && chars.next().is_some()
        }
        None => is_ipv6_address(host),
    }
}

/// Django's `^\[(.+)\](?::[0-9]{1,5})?$` on the netloc: its address when the netloc is only a
/// bracketed host and a port. `.+` is greedy: the last `]` that leaves a port or nothing wins.
fn bracketed_netloc(netloc: &str) -> Option<&str> {
    let inner = netloc.strip_prefix('[')?;
    let mut close = inner.len();
    while let Some(at) = inner[..close].rfind(']') {
        let port = &inner[at + 1..];
        let port_ok = port.is_empty()
            || port.strip_prefix(':').is_some_and(|digits| {
                (1..=5).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
            });
        if at > 0 && port_ok {
            return Some(&inner[..at]);
        }
        close = at;
    }
    None
}

/// `ipaddress.IPv6Address(text)` succeeds: `_split_scope_id`, then `_ip_int_from_string`.
fn is_ipv6_address(text: &str) -> bool {
    if text.contains('/') {
        return false;
    }
    let address = match text.split_once('%') {
        Some((_, scope)) if scope.is_empty() || scope.contains('%') => return false,
        Some((address, _)) => address,
        None => text,
    };
    if address.is_empty() {
        return false;
    }
    let mut parts: Vec<&str> = address.split(':').collect();
    if parts.len() < 3 {
        return false;
    }
    if parts.last().is_some_and(|last| last.contains('.')) {
        if !parts.pop().is_some_and(is_ipv4_address) {
            return false;
        }
        // The IPv4 address stands for two hextets; only their validity matters here.
        parts.extend(["0", "0"]);
    }
    const HEXTETS: usize = 8;
    if parts.len() > HEXTETS + 1 {
        return false;
    }
    let last = parts.len() - 1;
    let mut skip_index = None;
    for (i, part) in parts.iter().enumerate().take(last).skip(1) {
        if part.is_empty() {
            if skip_index.is_some() {
                return false;
            }
            skip_index = Some(i);
        }
    }
    let (parts_hi, parts_lo) = match skip_index {
        Some(skip) => {
            let mut hi = skip;
            let mut lo = parts.len() - skip - 1;
            if parts[0].is_empty() {
                hi -= 1;
                if hi != 0 {
                    return false;
                }
            }
            if parts[last].is_empty() {
                lo -= 1;
                if lo != 0 {
                    return false;
                }
            }
            if hi + lo >= HEXTETS {
                return false;
            }
            (hi, lo)
        }
        None => {
            if parts.len() != HEXTETS || parts[0].is_empty() || parts[last].is_empty() {
                return false;
            }
            (parts.len(), 0)
        }
    };
    let is_hextet =
        |h: &&str| !h.is_empty() && h.len() <= 4 && h.chars().all(|c| c.is_ascii_hexdigit());
    parts[..parts_hi].iter().all(is_hextet) && parts[parts.len() - parts_lo..].iter().all(is_hextet)
}

/// `ipaddress.IPv4Address(text)` succeeds: four decimal octets, no leading zeros, at most 255.
fn is_ipv4_address(text: &str) -> bool {
    let octets: Vec<&str> = text.split('.').collect();
    octets.len() == 4
        && octets.iter().all(|octet| {
            !octet.is_empty()
                && octet.len() <= 3
                && octet.chars().all(|c| c.is_ascii_digit())
                && (*octet == "0" || !octet.starts_with('0'))
                && octet.parse::<u32>().is_ok_and(|n| n <= 255)
        })
}

/// `urlsplit(value).hostname`: after the last `@`, inside brackets or before the first `:`,
/// lower-cased up to a `%zone`; `None` when empty.
fn hostname(netloc: &str) -> Option<String> {
    let host_info = netloc.rsplit_once('@').map_or(netloc, |(_, info)| info);
    let host = match host_info.split_once('[') {
        Some((_, bracketed)) => bracketed
            .split_once(']')
            .map_or(bracketed, |(host, _)| host),
        None => host_info
            .split_once(':')
            .map_or(host_info, |(host, _)| host),
    };
    if host.is_empty() {
        return None;
    }
    Some(match host.split_once('%') {
        Some((address, zone)) => format!("{}%{zone}", address.to_lowercase()),
        None => host.to_lowercase(),
    })
}

#[cfg(test)]
mod tests;
