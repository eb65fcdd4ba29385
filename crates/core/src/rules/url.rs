//! Web addresses as the HotelMate server judges them, so that a link the server would answer with
//! "Enter a valid URL." is refused in the editor, in words, before the edit is queued.
//!
//! The server's link fields (an offer's `book_now_url`) are Django `URLField`s of at most 200
//! characters, checked by Django 5.2's `URLValidator`: http, https, ftp or ftps; a host that is a
//! domain with an ending such as `.com` (letters beyond ASCII allowed), `localhost`, an IPv4
//! address or a bracketed IPv6 address; an optional port of 1 to 5 digits, which that server does
//! not range-check; no spaces or line breaks. This is a hand-written reading of that validator
//! (and of the `urlsplit` it calls), checked against Django itself when it was written. The sandbox has its own, a transcription of the
//! validator's regular expression; both run the same table of cases, so that a misreading in one
//! shows up against the other.
//!
//! Not for: parsing, normalising, fetching or displaying addresses. Not for an empty value (a field
//! that may be empty says so itself), nor for the whitespace around a value, which the server
//! strips before it validates: pass `typed.trim()`.

use std::fmt;
use std::net::Ipv6Addr;

/// The longest link the server keeps: a `URLField` without its own `max_length` holds 200
/// characters (its validator alone would allow 2,048).
pub(crate) const MAX_URL_CHARS: usize = 200;
/// The longest host name (RFC 1034), as the validator counts it: in lower case.
const MAX_HOST_CHARS: usize = 253;
/// Django refuses a longer bracketed IPv6 address without parsing it.
const MAX_BRACKETED_IPV6_CHARS: usize = 39;
const MAX_LABEL_CHARS: usize = 63;
const MAX_PUNYCODE_TAIL_CHARS: usize = 59;
const MAX_PORT_DIGITS: usize = 5;
const SCHEMES: [&str; 4] = ["http", "https", "ftp", "ftps"];
/// Characters whose compatibility form (NFKC) holds one of `/?#@:`. Python's `urlsplit` refuses a
/// host part holding one (the full list, from Python's Unicode 14 tables).
const DISGUISED_SEPARATORS: [char; 19] = [
    '\u{2047}', '\u{2048}', '\u{2049}', '\u{2100}', '\u{2101}', '\u{2105}', '\u{2106}', '\u{2a74}',
    '\u{fe13}', '\u{fe16}', '\u{fe55}', '\u{fe56}', '\u{fe5f}', '\u{fe6b}', '\u{ff03}', '\u{ff0f}',
    '\u{ff1a}', '\u{ff1f}', '\u{ff20}',
];

/// Why the server would refuse a link. `Display` says it in words a hotel manager can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UrlProblem {
    /// Longer than the server keeps.
    TooLong {
        /// The link's length in characters.
        chars: usize,
    },
    /// A space, tab or line break inside the link.
    Whitespace,
    /// The link does not start with `https://`, `http://`, `ftp://` or `ftps://`.
    Scheme {
        /// The whole link, to quote.
        url: String,
    },
    /// Nothing between `//` and the path.
    MissingHost,
    /// A host without a domain ending such as `.com` (`https://booking`).
    NoDomainEnding {
        /// The whole link, to quote.
        url: String,
    },
    /// A host the server does not take: a misplaced hyphen or dot, a character a domain cannot
    /// hold, a broken IP address, or a name longer than 253 characters.
    Host {
        /// The host as typed (with any login and port), to quote.
        host: String,
    },
    /// What follows the `:` after the host is not a port of 1 to 5 digits.
    Port {
        /// What follows the `:`, to quote.
        port: String,
    },
    /// The `name:password@` part before the host is malformed.
    Login,
}

impl fmt::Display for UrlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLong { chars } => write!(
                f,
                "The link is {chars} characters long; the server keeps at most {MAX_URL_CHARS}. \
                 Use a shorter link to the same page."
            ),
            Self::Whitespace => write!(
                f,
                "A web address cannot contain spaces, tabs or line breaks. Remove them, or write a \
                 space inside the address as %20."
            ),
            Self::Scheme { url } => write!(
                f,
                "The link needs a full web address starting with https:// (or http://), such as \
                 https://yourhotel.com/book — '{url}' does not."
            ),
            Self::MissingHost => write!(
                f,
                "The link has no domain after the '//'. Write it in full, such as \
                 https://yourhotel.com/book."
            ),
            Self::NoDomainEnding { url } => write!(
                f,
                "The link needs a full web address such as https://yourhotel.com/book — '{url}' \
                 has no domain ending like .com."
            ),
            Self::Host { host } => write!(
                f,
                "'{host}' is not a domain the server accepts: a domain is words of letters and \
                 digits joined by dots, with hyphens only inside a word, such as \
                 yourhotel-dublin.com."
            ),
            Self::Port { port } => write!(
                f,
                "':{port}' after the domain should be a port number of one to five digits; most \
                 links have none, so it can usually be removed."
            ),
            Self::Login => write!(
                f,
                "The part before '@' should be a user name, optionally followed by ':' and a \
                 password; most links have none, so it can usually be removed."
            ),
        }
    }
}

impl std::error::Error for UrlProblem {}

/// Checks `value` as the server's `URLValidator` and the field's 200-character limit would:
/// `https://yourhotel.com/book?room=deluxe` passes, `https://booking` has no domain ending
/// (`the_examples_in_check_urls_doc_hold` below).
pub(crate) fn check_url(value: &str) -> Result<(), UrlProblem> {
    let chars = value.chars().count();
    if chars > MAX_URL_CHARS {
        return Err(UrlProblem::TooLong { chars });
    }
    match check_scheme_onwards(value) {
        // Whatever else is wrong, a stray space is the likeliest cause and the easiest to fix.
        Err(_) if value.chars().any(is_python_space) => Err(UrlProblem::Whitespace),
        verdict => verdict,
    }
}

/// The validator's own checks, in its order: tabs and line breaks, the scheme, then the pattern
/// and what it checks on `urlsplit`'s reading.
fn check_scheme_onwards(value: &str) -> Result<(), UrlProblem> {
    if value.contains(['\t', '\r', '\n']) {
        return Err(UrlProblem::Whitespace);
    }
    let rest = match value.split_once("://") {
        Some((scheme, rest)) if SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)) => rest,
        _ => {
            return Err(UrlProblem::Scheme {
                url: value.to_owned(),
            })
        }
    };
    check_after_scheme(value, rest)?;
    check_as_split(rest)
}

/// `[name[:password]@]host[:port][/path, ?query or #fragment]`, as the validator's pattern reads
/// it. The login is optional, so both readings count: `https://a.com?b@c` is `a.com` with a query.
fn check_after_scheme(url: &str, rest: &str) -> Result<(), UrlProblem> {
    let without_login = check_host_onwards(url, rest);
    if without_login.is_ok() {
        return without_login;
    }
    match rest.split_once('@') {
        // A '/' or a space before the '@' leaves the '@' to the path.
        Some((login, after)) if !login.contains('/') && !login.chars().any(is_python_space) => {
            let (name, password) = login.split_once(':').unwrap_or((login, ""));
            if name.is_empty() || password.contains(':') {
                return Err(UrlProblem::Login);
            }
            check_host_onwards(url, after)
        }
        _ => without_login,
    }
}

/// `host[:port][/…]`: the host runs to the first `:`, `/`, `?` or `#` (a bracketed IPv6 address
/// to its `]`).
fn check_host_onwards(url: &str, s: &str) -> Result<(), UrlProblem> {
    let host_end = if s.starts_with('[') {
        s.find(']')
            .map_or_else(|| end_of_authority(s), |close| close + 1)
    } else {
        s.find([':', '/', '?', '#']).unwrap_or(s.len())
    };
    let (host, after_host) = s.split_at(host_end);
    check_host(url, host)?;
    let after_port = match after_host.strip_prefix(':') {
        Some(port_onwards) => {
            let digits = port_onwards
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(port_onwards.len());
            let (port, tail) = port_onwards.split_at(digits);
            if port.is_empty() || port.len() > MAX_PORT_DIGITS || !starts_path(tail) {
                return Err(UrlProblem::Port {
                    port: port_onwards[..end_of_authority(port_onwards)].to_owned(),
                });
            }
            tail
        }
        None => after_host,
    };
    if !starts_path(after_port) {
        return Err(UrlProblem::Host {
            host: s[..end_of_authority(s)].to_owned(),
        });
    }
    if after_port.chars().any(is_python_space) {
        return Err(UrlProblem::Whitespace);
    }
    Ok(())
}

/// Whether `s` is empty or starts a path, a query or a fragment.
fn starts_path(s: &str) -> bool {
    s.is_empty() || s.starts_with(['/', '?', '#'])
}

/// Where the host-and-port part of `s` ends, for quoting it.
fn end_of_authority(s: &str) -> usize {
    s.find(['/', '?', '#']).unwrap_or(s.len())
}

/// One of the validator's four kinds of host.
fn check_host(url: &str, host: &str) -> Result<(), UrlProblem> {
    if host.is_empty() {
        return Err(UrlProblem::MissingHost);
    }
    let bad_host = || UrlProblem::Host {
        host: host.to_owned(),
    };
    if let Some(inner) = host.strip_prefix('[') {
        // Only the characters here; `check_as_split` checks the address itself.
        let inner = inner.strip_suffix(']').ok_or_else(bad_host)?;
        let ipv6_chars = |c: char| c.is_ascii_hexdigit() || c == ':' || c == '.';
        return if !inner.is_empty() && inner.chars().all(ipv6_chars) {
            Ok(())
        } else {
            Err(bad_host())
        };
    }
    if is_ipv4(host) || is_localhost(host) {
        return Ok(());
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    let Some((names, ending)) = name.rsplit_once('.') else {
        return Err(if is_label(name) {
            UrlProblem::NoDomainEnding {
                url: url.to_owned(),
            }
        } else {
            bad_host()
        });
    };
    if !names.split('.').all(is_label) {
        return Err(bad_host());
    }
    if is_ending(ending) {
        Ok(())
    } else if ending.chars().count() < 2 || ending.chars().all(|c| c.is_ascii_digit()) {
        // `example.c`, `example.123`: no ending a domain can have.
        Err(UrlProblem::NoDomainEnding {
            url: url.to_owned(),
        })
    } else {
        Err(bad_host())
    }
}

/// Four numbers 0–255 without leading zeros.
fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|part| {
            (1..=3).contains(&part.len())
                && part.bytes().all(|b| b.is_ascii_digit())
                && (*part == "0" || !part.starts_with('0'))
                && part.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// `localhost` in any case. Python's case-insensitive matching also takes the long s (`ſ`) for `s`.
fn is_localhost(host: &str) -> bool {
    host.chars().count() == "localhost".len()
        && host
            .chars()
            .zip("localhost".chars())
            .all(|(c, l)| c.eq_ignore_ascii_case(&l) || (l == 's' && c == '\u{17f}'))
}

/// A letter or digit as the validator sees them: ASCII ones, and every character from U+00A1 to
/// U+FFFF (the validator's "unicode letters", which takes in far more than letters).
fn is_host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('\u{a1}'..='\u{ffff}').contains(&c)
}

/// A name between dots: 1 to 63 letters, digits and hyphens, not starting or ending with a hyphen.
fn is_label(label: &str) -> bool {
    (1..=MAX_LABEL_CHARS).contains(&label.chars().count())
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| is_host_char(c) || c == '-')
}

/// The last name: 2 to 63 letters and inner hyphens, no digits (`com`, `ie`, `中国`), or `xn--`
/// and 1 to 59 ASCII letters and digits (`xn--p1ai`).
fn is_ending(ending: &str) -> bool {
    let letters = (2..=MAX_LABEL_CHARS).contains(&ending.chars().count())
        && !ending.starts_with('-')
        && !ending.ends_with('-')
        && ending
            .chars()
            .all(|c| c == '-' || (is_host_char(c) && !c.is_ascii_digit()));
    let punycode = ending
        .get(..4)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("xn--"))
        && ending.get(4..).is_some_and(|tail| {
            (1..=MAX_PUNYCODE_TAIL_CHARS).contains(&tail.chars().count())
                && tail.chars().all(is_ascii_alphanumeric_ignoring_case)
        });
    letters || punycode
}

/// `[a-z0-9]` under Python's case-insensitive matching, which also takes four letters beyond
/// ASCII whose simple case mapping is an ASCII letter.
fn is_ascii_alphanumeric_ignoring_case(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '\u{130}' | '\u{131}' | '\u{17f}' | '\u{212a}')
}

/// Python's `\s` (`str.isspace`): Unicode white space and the four ASCII separators U+001C–U+001F.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// What the validator checks on `urlsplit`'s reading of the address: the part up to the first
/// `/`, `?` or `#` (which may differ from the pattern's reading) must have paired brackets around a
/// real IPv6 address, no disguised separator, and a host name of at most 253 characters.
fn check_as_split(rest: &str) -> Result<(), UrlProblem> {
    let netloc = &rest[..end_of_authority(rest)];
    let bad = || UrlProblem::Host {
        host: netloc.to_owned(),
    };
    if netloc.contains('[') != netloc.contains(']') {
        return Err(bad());
    }
    if let Some((_, after_open)) = netloc.split_once('[') {
        let bracketed = after_open.split(']').next().unwrap_or(after_open);
        if !(is_ip_future(bracketed) || is_ipv6_with_zone(bracketed)) {
            return Err(bad());
        }
    }
    if netloc.contains(DISGUISED_SEPARATORS) {
        return Err(bad());
    }
    if let Some(address) = bracketed_only(netloc) {
        if address.len() > MAX_BRACKETED_IPV6_CHARS || address.parse::<Ipv6Addr>().is_err() {
            return Err(bad());
        }
    }
    let host_info = netloc.rsplit('@').next().unwrap_or(netloc);
    let host = match host_info.split_once('[') {
        Some((_, after_open)) => after_open.split(']').next().unwrap_or(after_open),
        None => host_info.split(':').next().unwrap_or(host_info),
    };
    if host.is_empty() {
        return Err(UrlProblem::MissingHost);
    }
    // Counted as Python counts it after lower-casing ('İ' becomes two characters); a zone after
    // '%' keeps its case.
    let (address, zone) = host.split_at(host.find('%').unwrap_or(host.len()));
    if address.to_lowercase().chars().count() + zone.chars().count() > MAX_HOST_CHARS {
        return Err(bad());
    }
    Ok(())
}

/// RFC 3986's `v1.anything` form, which `urlsplit` lets through in brackets.
fn is_ip_future(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    let version_end = rest
        .find(|c: char| !c.is_ascii_hexdigit())
        .unwrap_or(rest.len());
    version_end > 0
        && rest[version_end..]
            .strip_prefix('.')
            .is_some_and(|tail| !tail.is_empty())
}

/// An IPv6 address, optionally with a non-empty `%zone` (Python's `ipaddress` takes one).
fn is_ipv6_with_zone(s: &str) -> bool {
    let address = match s.split_once('%') {
        Some((_, zone)) if zone.is_empty() || zone.contains('%') => return false,
        Some((address, _)) => address,
        None => s,
    };
    address.parse::<Ipv6Addr>().is_ok()
}

/// The address in a host-and-port part that is only `[address]` or `[address]:port`, read as
/// Django's greedy `^\[(.+)\](?::[0-9]{1,5})?$` reads it.
fn bracketed_only(netloc: &str) -> Option<&str> {
    let inside = netloc.strip_prefix('[')?;
    inside
        .rmatch_indices(']')
        .map(|(close, _)| (&inside[..close], &inside[close + 1..]))
        .find(|(address, after)| {
            !address.is_empty()
                && (after.is_empty()
                    || after.strip_prefix(':').is_some_and(|port| {
                        (1..=MAX_PORT_DIGITS).contains(&port.len())
                            && port.bytes().all(|b| b.is_ascii_digit())
                    }))
        })
        .map(|(address, _)| address)
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_examples_in_check_urls_doc_hold() {
        assert_eq!(check_url("https://yourhotel.com/book?room=deluxe"), Ok(()));
        assert!(matches!(
            check_url("https://booking"),
            Err(UrlProblem::NoDomainEnding { .. })
        ));
    }

    use super::*;

    /// The same cases stand in the sandbox's validator (`crates/sandbox/src/url_field.rs`).
    /// Each was run through Django 5.2.4's `URLValidator`.
    const ACCEPTED: &[&str] = &[
        "https://example.com",
        "https://example.com/",
        "http://example.com/book?x=1#top",
        "https://example.com/book?x=1#top",
        "ftp://example.com/",
        "ftps://files.example.com/a/b",
        "HTTPS://EXAMPLE.COM/",
        "hTTp://Example.Com/Book",
        "https://example.com:99999/",
        "https://example.com:8443/book",
        "https://example.com:0/",
        "http://localhost:8000/",
        "http://LOCALHOST/",
        "http://127.0.0.1/",
        "http://0.0.0.0/",
        "http://255.255.255.255:80/",
        "http://[::1]:8080/",
        "http://[2001:db8::1]/",
        "http://[::ffff:192.0.2.1]/",
        "https://user:pass@example.com/",
        "https://user@example.com/",
        "https://user:@example.com/",
        "https://xn--bcher-kva.example/",
        "https://bücher.example/",
        "https://hôtel.fr/réserver",
        "https://例子.中国/",
        "https://example.com.",
        "https://a.b.c.example.co.uk/path",
        "https://hotel-killarney.ie/offers/spa",
        "https://example.com/book%20now",
        "https://example.com?q=1",
        "https://example.com#frag",
        "https://1.example.com/",
        "https://256.1.1.com/",
        "https://example.xn--p1ai/",
        "https://example.co-op/",
        "https://example.com/@home",
        // The pattern takes 'example.com' as the host and '?a@b' as a query.
        "https://example.com?a@b",
        // Python's case-insensitive matching takes 'ſ' (long s) for 's'.
        "http://localhoſt/",
    ];

    const REFUSED: &[&str] = &[
        "https://booking",
        "https://booking/",
        "https://example.com/book now",
        "https://example.com/book\u{a0}now",
        "http://",
        "https://",
        "example.com",
        "www.example.com",
        "javascript:alert(1)",
        "mailto:a@b.com",
        "file:///etc/passwd",
        "gopher://example.com/",
        "https:/example.com",
        "https://-bad.com",
        "https://bad-.com",
        "https://a..com",
        "https://.com",
        "https://example..",
        "https://example.c",
        "https://example.123",
        "https://example.com-/",
        "https://exa_mple.com/",
        "http://256.1.1.1",
        "http://1.1.1.256",
        "http://01.1.1.1",
        "http://1.2.3",
        "http://localhost./",
        "http://[::1",
        "http://::1]/",
        "http://[::1]x/",
        "http://[zz::1]/",
        "http://[1.2.3.4]/",
        "http://[::1:2:3:4:5:6:7:8]/",
        "https://example.com:/",
        "https://example.com:123456/",
        "https://example.com:8a/",
        "https://example.com:-1/",
        "https://exa mple.com/",
        "https://example.com/\tx",
        "https://example.com/\nx",
        "https://example.com/\rx",
        "https://example.com\n",
        "https://@example.com/",
        "https://:pass@example.com/",
        "https://user:pa:ss@example.com/",
        "https://us er@example.com/",
        "https://a@b@example.com/",
        "https:///example.com",
        "//example.com",
        "https://example.com\u{ff0f}book",
        "https://ex\u{2100}mple.com/",
        "https://😀.com/",
    ];

    #[test]
    fn addresses_are_judged_as_the_server_judges_them() {
        for url in ACCEPTED {
            assert_eq!(check_url(url), Ok(()), "{url:?} should be accepted");
        }
        for url in REFUSED {
            assert!(check_url(url).is_err(), "{url:?} should be refused");
        }
    }

    #[test]
    fn a_link_longer_than_the_field_is_refused() {
        let at_limit = format!("https://example.com/{}", "a".repeat(MAX_URL_CHARS - 20));
        assert_eq!(at_limit.chars().count(), MAX_URL_CHARS);
        assert_eq!(check_url(&at_limit), Ok(()));
        let over = format!("{at_limit}a");
        assert_eq!(check_url(&over), Err(UrlProblem::TooLong { chars: 201 }));
    }

    #[test]
    fn a_host_name_is_at_most_253_characters_in_lower_case() {
        // 'İ' lower-cases to two characters: this 131-character host is 257 in lower case.
        let label = "İ".repeat(63);
        let url = format!("https://{label}.{label}.com/");
        assert!(matches!(check_url(&url), Err(UrlProblem::Host { .. })));
        let label = "ü".repeat(63);
        assert_eq!(check_url(&format!("https://{label}.{label}.com/")), Ok(()));
        assert!(check_url(&format!("https://{}.com/", "a".repeat(64))).is_err());
    }

    #[test]
    fn a_bracketed_ipv6_address_is_at_most_39_characters() {
        let long = "http://[0000:0000:0000:0000:0000:ffff:255.255.255.255]/";
        assert!(check_url(long).is_err());
        assert_eq!(check_url("http://[0:0:0:0:0:ffff:1.2.3.4]/"), Ok(()));
    }

    #[test]
    fn each_problem_is_said_in_plain_words() {
        let said = |url: &str| check_url(url).map_err(|p| p.to_string()).err();
        assert_eq!(
            said("https://booking").as_deref(),
            Some(
                "The link needs a full web address such as https://yourhotel.com/book — \
                 'https://booking' has no domain ending like .com."
            )
        );
        assert!(said("https://example.com/book now")
            .is_some_and(|s| s.contains("cannot contain spaces")));
        assert!(said("example.com").is_some_and(|s| s.contains("https://")));
        assert_eq!(
            check_url(" https://example.com/"),
            Err(UrlProblem::Whitespace)
        );
        assert!(matches!(
            check_url("https://example.c/"),
            Err(UrlProblem::NoDomainEnding { .. })
        ));
        assert!(said("https://-bad.com/").is_some_and(|s| s.contains("'-bad.com'")));
        assert!(said("https://example.com:8a/").is_some_and(|s| s.contains("':8a'")));
        assert!(said("https://:pass@example.com/").is_some_and(|s| s.contains("'@'")));
        assert_eq!(check_url("https:///x"), Err(UrlProblem::MissingHost));
    }
}
