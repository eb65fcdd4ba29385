//! Django's `URLValidator`, transcribed: its regular expression as Django writes it (with
//! look-around, hence `fancy-regex`), its scheme list, its refusal of tabs and line breaks, its
//! 2,048-character limit, the check of a bracketed IPv6 address and of the host's length. The
//! reference backend's Django does not range-check the port (`:99999` passes).

use std::sync::OnceLock;

use fancy_regex::Regex;

const SCHEMES: [&str; 4] = ["http", "https", "ftp", "ftps"];
const MAX_LENGTH: usize = 2048;

fn pattern() -> Option<&'static Regex> {
    static PATTERN: OnceLock<Option<Regex>> = OnceLock::new();
    PATTERN
        .get_or_init(|| {
            let ul = r"\x{a1}-\x{ffff}";
            let ipv4 = r"(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)(?:\.(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)){3}";
            let ipv6 = r"\[[0-9a-f:.]+\]";
            let hostname = format!(r"[a-z{ul}0-9](?:[a-z{ul}0-9-]{{0,61}}[a-z{ul}0-9])?");
            let domain = format!(r"(?:\.(?!-)[a-z{ul}0-9-]{{1,63}}(?<!-))*");
            let tld = format!(r"\.(?!-)(?:[a-z{ul}-]{{2,63}}|xn--[a-z0-9]{{1,59}})(?<!-)\.?");
            let host = format!("({hostname}{domain}{tld}|localhost)");
            let full = format!(
                r"(?i)^(?:[a-z0-9.+-]*)://(?:[^\s:@/]+(?::[^\s:@/]*)?@)?(?:{ipv4}|{ipv6}|{host})(?::[0-9]{{1,5}})?(?:[/?#][^\s]*)?\z"
            );
            Regex::new(&full).ok()
        })
        .as_ref()
}

/// Whether Django's `URLValidator` accepts `value` (empty values are the field's business).
pub fn is_valid_url(value: &str) -> bool {
    if value.contains(['\t', '\r', '\n']) || value.chars().count() > MAX_LENGTH {
        return false;
    }
    let scheme = value.split("://").next().unwrap_or_default().to_lowercase();
    if !SCHEMES.contains(&scheme.as_str()) {
        return false;
    }
    let Some(pattern) = pattern() else {
        return false;
    };
    if !pattern.is_match(value).unwrap_or(false) {
        return false;
    }
    // The netloc: after the scheme, before the path; then its host as urlsplit reads it.
    let after = &value[value.find("://").map_or(0, |i| i + 3)..];
    let netloc = after.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = netloc.rsplit('@').next().unwrap_or_default();
    if let Some(rest) = host_port.strip_prefix('[') {
        let inside = rest.split(']').next().unwrap_or_default();
        return inside.parse::<std::net::Ipv6Addr>().is_ok();
    }
    let host = host_port.split(':').next().unwrap_or_default();
    host.chars().count() <= 253
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cases_of_the_desks_own_validator_are_judged_alike() {
        for url in [
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
        ] {
            assert!(is_valid_url(url), "{url} should be accepted");
        }
        for url in [
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
        ] {
            assert!(!is_valid_url(url), "{url} should be refused");
        }
    }
}
