use super::*;

/// The same cases stand in the desk's reading (`crates/core/src/rules/url.rs`); each was run
/// through Django 5.2.4's `URLValidator`.
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
fn addresses_are_judged_as_djangos_url_validator_judges_them() {
    for url in ACCEPTED {
        assert!(is_valid_url(url), "{url:?} should be accepted");
    }
    for url in REFUSED {
        assert!(!is_valid_url(url), "{url:?} should be refused");
    }
}

#[test]
fn the_validator_takes_at_most_2048_characters() {
    let at_limit = format!("https://example.com/{}", "a".repeat(MAX_LENGTH - 20));
    assert!(is_valid_url(&at_limit));
    assert!(!is_valid_url(&format!("{at_limit}a")));
}

#[test]
fn a_host_name_is_at_most_253_characters_in_lower_case() {
    // 'İ' lower-cases to two characters: this 131-character host is 257 in lower case.
    let label = "İ".repeat(63);
    assert!(!is_valid_url(&format!("https://{label}.{label}.com/")));
    let label = "a".repeat(63);
    assert!(is_valid_url(&format!(
        "https://{label}.{label}.{label}.com/"
    )));
    assert!(!is_valid_url(&format!(
        "https://{label}.{label}.{label}.{label}.com/"
    )));
}

#[test]
fn a_bracketed_ipv6_address_is_at_most_39_characters() {
    assert!(!is_valid_url(
        "http://[0000:0000:0000:0000:0000:ffff:255.255.255.255]/"
    ));
    assert!(is_valid_url("http://[0:0:0:0:0:ffff:1.2.3.4]/"));
}

#[test]
fn the_pattern_pieces_match_what_their_regular_expressions_match() {
    let matches = |re: Re, s: &str| {
        let text: Vec<char> = s.chars().collect();
        re.ends(&text, 0).contains(&text.len())
    };
    for octet in [
        "0", "9", "10", "99", "100", "199", "200", "249", "250", "255",
    ] {
        assert!(matches(ipv4_octet(), octet), "{octet}");
    }
    for octet in ["00", "01", "256", "260", "300", "1000"] {
        assert!(!matches(ipv4_octet(), octet), "{octet}");
    }
    assert!(matches(tld_re(), ".xn--p1ai"));
    assert!(matches(tld_re(), ".com."));
    assert!(!matches(tld_re(), ".-com"));
    assert!(!matches(tld_re(), ".com-"));
    assert!(!matches(tld_re(), ".c0m"));
    assert!(matches(hostname_re(), &"a".repeat(63)));
    assert!(!matches(hostname_re(), &"a".repeat(64)));
}
