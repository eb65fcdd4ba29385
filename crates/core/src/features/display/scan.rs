//! Scan to book (issue 39.1): a QR code on each offer slide that opens the offer on the hotel's
//! own web pages. The address comes from one of two places, in this order:
//!
//! 1. the template the hotel sets (Settings, or `offer_link` in the fleet file's `[display]`),
//!    e.g. `https://www.hotelkillarney.ie/offers/{id}`, where `{id}` becomes the offer's number;
//! 2. the offer's own `book_now_url` (API.md §3.1).
//!
//! Either is used only on a web site the hotel's IT set or a manager confirmed at this desk
//! (issue 63.3: on fd6c529 any member of staff may change where `book_now_url` and the hotel's
//! `website` point). Neither: no code, and no guess. Only `https` addresses are made into
//! codes, and nothing an offer's or a guest's text says is put into one: the template takes only
//! the offer's number.

use crate::rules::guest_link::{checked, site_origin, OFFER_ID_FIELD};
use qrcode::{Color, EcLevel, QrCode};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One offer's code, as the display draws it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScanCode {
    /// The offer it opens.
    #[ts(type = "number")]
    pub offer_id: i64,
    /// Where it opens (said beside the code, for a guest who types it).
    pub address: String,
    /// Modules per side, without the quiet zone.
    pub size: u32,
    /// The dark modules, as an SVG path in module units.
    pub path: String,
}

/// Where the code of offer `id` opens: the template with the offer's number, else its
/// `book_now_url`, either only on one of the `trusted` web sites (their origins); `None` when
/// neither gives one.
pub fn offer_address(
    id: i64,
    book_now_url: &str,
    template: Option<&str>,
    trusted: &[String],
) -> Option<String> {
    if id <= 0 {
        return None; // made here and not on the server yet: no page of it exists.
    }
    let on_trusted_site = |address: &str| {
        site_origin(address).is_ok_and(|origin| trusted.contains(&origin))
    };
    if let Some(template) = template.map(str::trim).filter(|t| !t.is_empty()) {
        let filled = template.replace(OFFER_ID_FIELD, &id.to_string());
        return match checked(&filled) {
            Ok(url) if on_trusted_site(url.as_str()) => Some(String::from(url)),
            Ok(_) => None, // waits for a manager (Settings says so)
            Err(reason) => {
                // Checked when set; only the offer's number can make it unusable now.
                tracing::warn!(id, %reason, "an offer's address from the template cannot be used");
                None
            }
        };
    }
    let book = checked(book_now_url).ok()?;
    on_trusted_site(book.as_str()).then(|| String::from(book))
}

/// The code for `address`, with its dark modules as one SVG path (a row's run of dark modules
/// is one rectangle).
pub fn scan_code(offer_id: i64, address: &str) -> Option<ScanCode> {
    let code = match QrCode::with_error_correction_level(address.as_bytes(), EcLevel::M) {
        Ok(code) => code,
        Err(err) => {
            // Addresses are bounded far below what a code holds; said, never hidden.
            tracing::warn!(offer_id, error = %err, "an offer's address cannot be made into a code");
            return None;
        }
    };
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                path.push_str(&format!("M{start} {y}h{}v1h-{}z", x - start, x - start));
            } else {
                x += 1;
            }
        }
    }
    Some(ScanCode {
        offer_id,
        address: address.to_owned(),
        size: u32::try_from(width).ok()?,
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted() -> Vec<String> {
        vec!["https://hotelkillarney.example".to_owned()]
    }

    #[test]
    fn a_template_takes_only_the_offers_number_and_opens_only_on_a_trusted_site() {
        let template = Some("https://hotelkillarney.example/offers/{id}?from=lobby");
        assert_eq!(
            offer_address(7, "https://evil.example/", template, &trusted()).as_deref(),
            Some("https://hotelkillarney.example/offers/7?from=lobby")
        );
        // Made here, not on the server yet: no page, no code.
        assert_eq!(offer_address(-3, "", template, &trusted()), None);
        // Nobody trusted the template's site: no code (it waits for a manager).
        assert_eq!(offer_address(7, "", template, &[]), None);
    }

    #[test]
    fn a_book_now_address_is_used_only_on_a_site_it_or_a_manager_trusted() {
        let on_site = "https://hotelkillarney.example/book?offer=1";
        assert_eq!(
            offer_address(1, on_site, None, &trusted()).as_deref(),
            Some("https://hotelkillarney.example/book?offer=1")
        );
        // Tried (issue 63.3): another site, a look-alike host, a user name that hides another
        // host, another port, plain http, a script, nothing, and nothing trusted at all.
        for hostile in [
            "https://evil.example/pay-deposit",
            "https://hotelkillarney.example.evil.example/book",
            "https://hotelkillarney.example@evil.example/book",
            "https://hotelkillarney.example:8443/book",
            "http://hotelkillarney.example/book",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(offer_address(1, hostile, None, &trusted()), None, "{hostile}");
        }
        assert_eq!(offer_address(1, on_site, None, &[]), None);
    }

    #[test]
    fn the_code_is_square_and_its_path_draws_only_inside_it() {
        let code = scan_code(1, "https://hotelkillarney.example/offers/1").unwrap();
        assert!((21..=57).contains(&code.size), "{}", code.size);
        assert!(
            code.path.starts_with("M0 0h7v1h-7z"),
            "the finder pattern's top row"
        );
        assert!(code
            .path
            .chars()
            .all(|c| c.is_ascii_digit() || "Mhvz -".contains(c)));
    }
}
