//! Addresses the desk hands to a guest's phone (the reception display's scan-to-book codes,
//! issue 39.1): `https` only, naming a web site, with no user name or password in them, short
//! enough for a code read from two metres. Used by the display and by the fleet file's check.

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

/// Checks a template for the offers' addresses; the reason, in words, when it cannot be used.
pub(crate) fn check_template(template: &str) -> Result<(), String> {
    let filled = template.trim().replace(OFFER_ID_FIELD, "1");
    checked(&filled).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

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
