//! Addresses the desk hands to a guest's phone (the reception display's scan-to-book codes,
//! issue 39.1): `https` only, naming a web site, with no user name or password in them, short
//! enough for a code read from two metres, and the web site each is on (issue 63.3: codes open
//! only sites IT set or a manager confirmed). Used by the display and by the fleet file's check.

use url::Url;

/// The longest address made into a code (a longer one makes modules too small to read at 2 m).
pub(crate) const MAX_ADDRESS_CHARS: usize = 200;
/// What a template puts the offer's number in place of.
pub(crate) const OFFER_ID_FIELD: &str = "{id}";

/// An address the desk will make codes for, or why not, in words.
pub(crate) fn checked(address: &str) -> Result<Url, String> {
    let url =
        Url::parse(address.trim()).map_err(|err| format!("it is not a web address ({err})"))?;
    if url.scheme() != "https" {
        return Err("it must begin with https:// (a guest's phone opens it)".into());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("it names no web site".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("it must not carry a user name or password".into());
    }
    if url.as_str().chars().count() > MAX_ADDRESS_CHARS {
        return Err(format!("it is longer than {MAX_ADDRESS_CHARS} characters"));
    }
    Ok(url)
}

/// The web site an address is on, as codes are trusted by it (issue 63.3): its scheme, host and
/// port (`https://www.hotelkillarney.ie`, a port only when not 443), or why it cannot be one.
pub(crate) fn site_origin(address: &str) -> Result<String, String> {
    let url = checked(address)?;
    Ok(url.origin().ascii_serialization())
}

/// Checks a template for the offers' addresses; the reason, in words, when it cannot be used.
pub(crate) fn check_template(template: &str) -> Result<(), String> {
    let filled = template.trim().replace(OFFER_ID_FIELD, "1");
    checked(&filled).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_is_its_scheme_host_and_port_and_never_a_look_alike() {
        assert_eq!(
            site_origin("https://www.hotelkillarney.ie/offers/7?x=1").unwrap(),
            "https://www.hotelkillarney.ie"
        );
        assert_eq!(
            site_origin("https://WWW.HotelKillarney.ie:443/").unwrap(),
            "https://www.hotelkillarney.ie"
        );
        assert_eq!(
            site_origin("https://hotelkillarney.ie:8443/a").unwrap(),
            "https://hotelkillarney.ie:8443"
        );
        assert_ne!(
            site_origin("https://hotelkillarney.ie.evil.example/").unwrap(),
            site_origin("https://hotelkillarney.ie/").unwrap()
        );
        assert!(site_origin("http://hotelkillarney.ie/").is_err());
    }

    #[test]
    fn a_template_the_desk_cannot_use_is_refused_in_words() {
        assert!(check_template("https://hotelkillarney.example/offers/{id}").is_ok());
        for (bad, says) in [
            ("hotelkillarney.example/{id}", "not a web address"),
            ("http://hotelkillarney.example/{id}", "https://"),
            ("https://anna:pw@hotelkillarney.example/{id}", "user name"),
        ] {
            let err = check_template(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
