//! Web addresses as the HotelMate server judges them: Django's `URLValidator` (schemes http,
//! https, ftp, ftps; a host that is a domain with a letter TLD, `localhost`, an IPv4 or a
//! bracketed IPv6 address; an optional port of 1–5 digits, which that server does not range-check;
//! no whitespace anywhere; at most 2,048 characters). A hand-written reading of the validator;
//! the sandbox has its own, so a misreading in one shows up against the other.
//!
//! Not for: fetching, normalising or displaying addresses.

/// The longest address Django's validator accepts.
pub const MAX_URL_CHARS: usize = 2048;
/// The longest host name (RFC 1034), checked after IDNA encoding.
const MAX_HOST_CHARS: usize = 253;

/// Why an address would be refused, in words a manager acts on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    #[error("a web address cannot contain spaces or line breaks")]
    Whitespace,
    #[error("a web address is at most {MAX_URL_CHARS} characters")]
    TooLong,
    #[error("a web address starts with https:// (or http://)")]
    Scheme,
    #[error("'{0}' is not a complete web address: it needs a domain such as yourhotel.com")]
    Host(String),
}

/// Checks `value` as the server's `URLValidator` would (an empty value is not checked here: a
/// field that may be empty says so itself).
pub fn check_url(value: &str) -> Result<(), UrlProblem> {
    if value.chars().any(char::is_whitespace) {
        return Err(UrlProblem::Whitespace);
    }
    if value.chars().count() > MAX_URL_CHARS {
        return Err(UrlProblem::TooLong);
    }
    let (scheme, rest) = value.split_once("://").ok_or(UrlProblem::Scheme)?;
    if !["http", "https", "ftp", "ftps"].contains(&scheme.to_ascii_lowercase().as_str()) {
        return Err(UrlProblem::Scheme);
    }
    let bad_host = || UrlProblem::Host(value.to_owned());
    // The authority ends at the first '/', '?' or '#'; what follows may be anything but spaces.
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_port = match authority.rsplit_once('@') {
        Some((user_info, host_port)) => {
            let (user, password) = user_info.split_once(':').unwrap_or((user_info, ""));
            if user.is_empty()
                || user.contains([':', '@', '/'])
                || password.contains([':', '@', '/'])
            {
                return Err(bad_host());
            }
            host_port
        }
        None => authority,
    };
    let (host, port) = split_port(host_port).ok_or_else(bad_host)?;
    if let Some(port) = port {
        if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_host());
        }
    }
    if host_is_valid(host) {
        Ok(())
    } else {
        Err(bad_host())
    }
}

/// `host[:port]` or `[v6][:port]`; `None` when the brackets do not close.
fn split_port(host_port: &str) -> Option<(&str, Option<&str>)> {
    if let Some(inner) = host_port.strip_prefix('[') {
        let close = inner.find(']')?;
        let after = &inner[close + 1..];
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some((&host_port[..close + 2], port));
    }
    Some(match host_port.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    })
}

fn host_is_valid(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<std::net::Ipv6Addr>().is_ok();
    }
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if is_ipv4(host) {
        return true;
    }
    if host.chars().count() > MAX_HOST_CHARS + 1 {
        return false;
    }
    is_domain(host)
}

/// Four numbers 0–255 without leading zeros, as Django's IPv4 pattern takes them.
fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|part| {
            !part.is_empty()
                && part.len() <= 3
                && part.bytes().all(|b| b.is_ascii_digit())
                && (part.len() == 1 || !part.starts_with('0'))
                && part.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// Django's `ul`: the letters beyond ASCII a host may hold (U+00A1 to U+FFFF).
fn wide_letter(c: char) -> bool {
    ('\u{a1}'..='\u{ffff}').contains(&c)
}

/// A letter or digit of a host label.
fn label_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || wide_letter(c)
}

/// `label(.label)*.tld[.]`: labels of letters, digits and inner hyphens (1–63, the first up to
/// 63), a top-level domain of 2–63 letters (or `xn--` punycode), an optional final dot.
fn is_domain(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = host.split('.').collect();
    let Some((tld, names)) = labels.split_last() else {
        return false;
    };
    if names.is_empty() {
        return false;
    }
    let label_ok = |label: &str| {
        let count = label.chars().count();
        (1..=63).contains(&count)
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| label_char(c) || c == '-')
    };
    let tld_lower = tld.to_ascii_lowercase();
    let tld_ok = if let Some(puny) = tld_lower.strip_prefix("xn--") {
        (1..=59).contains(&puny.len()) && puny.bytes().all(|b| b.is_ascii_alphanumeric())
    } else {
        let count = tld.chars().count();
        (2..=63).contains(&count)
            && !tld.starts_with('-')
            && !tld.ends_with('-')
            && tld
                .chars()
                .all(|c| c.is_ascii_alphabetic() || wide_letter(c) || c == '-')
    };
    names.iter().all(|l| label_ok(l)) && tld_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same cases stand in the sandbox's own validator's tests.
    const ACCEPTED: &[&str] = &[
        "https://example.com",
        "https://example.com/",
        "http://example.com/book?x=1#top",
        "ftp://example.com/",
        "ftps://files.example.com/a/b",
        "HTTPS://EXAMPLE.COM/",
        "https://example.com:99999/",
        "https://example.com:8443/book",
        "http://localhost:8000/",
        "http://127.0.0.1/",
        "http://0.0.0.0/",
        "http://[::1]:8080/",
        "http://[2001:db8::1]/",
        "https://user:pass@example.com/",
        "https://user@example.com/",
        "https://xn--bcher-kva.example/",
        "https://bücher.example/",
        "https://example.com.",
        "https://a.b.c.example.co.uk/path",
        "https://hotel-killarney.ie/offers/spa",
        "https://example.com/book%20now",
        "https://example.com?q=1",
        "https://example.com#frag",
        "https://1.example.com/",
        "https://example.xn--p1ai/",
    ];

    const REFUSED: &[&str] = &[
        "https://booking",
        "https://example.com/book now",
        "http://",
        "example.com",
        "www.example.com",
        "javascript:alert(1)",
        "mailto:a@b.com",
        "file:///etc/passwd",
        "https://-bad.com",
        "https://bad-.com",
        "https://a..com",
        "https://.com",
        "https://example.c",
        "https://example.123",
        "http://256.1.1.1",
        "http://1.1.1.256",
        "http://01.1.1.1",
        "http://[::1",
        "http://[::1]x/",
        "http://[zz::1]/",
        "https://example.com:/",
        "https://example.com:123456/",
        "https://example.com:8a/",
        "https://exa mple.com/",
        "https://example.com/\tx",
        "https://example.com/\nx",
        "https://@example.com/",
        "https://:pass@example.com/",
        "https://user:pa:ss@example.com/",
        "https:///example.com",
        "//example.com",
    ];

    #[test]
    fn addresses_are_judged_as_the_server_judges_them() {
        for url in ACCEPTED {
            assert_eq!(check_url(url), Ok(()), "{url} should be accepted");
        }
        for url in REFUSED {
            assert!(check_url(url).is_err(), "{url} should be refused");
        }
    }

    #[test]
    fn too_long_and_too_long_a_host_are_refused() {
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_CHARS));
        assert_eq!(check_url(&long), Err(UrlProblem::TooLong));
        let label = "a".repeat(63);
        let host = [label.as_str(); 5].join(".");
        assert!(check_url(&format!("https://{host}.com/")).is_err());
    }

    #[test]
    fn the_problem_is_said_in_plain_words() {
        let problem = check_url("https://booking").unwrap_err();
        assert!(problem.to_string().contains("yourhotel.com"), "{problem}");
        assert_eq!(check_url("ftp//x").unwrap_err(), UrlProblem::Scheme);
    }
}
