//! How this computer writes dates and times, and its time zone, for the UI to format with.
//!
//! The webview's own default language follows `LANG` (and `LC_MESSAGES`) only, so a desk whose
//! dates are set apart in `LC_TIME` (English words, Irish dates) would write 11/23/2026. The
//! locale is read here, as the C library would pick it for times, and handed to the UI.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The locale and time zone the UI formats dates and times in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SystemLocale {
    /// A BCP 47 tag ("en-IE"), from `LC_ALL`, `LC_TIME` or `LANG`; "en" when none says.
    pub locale: String,
    /// This computer's time zone (IANA, e.g. "Europe/Dublin"); "UTC" when it cannot tell.
    pub time_zone: String,
}

/// The locale used when the environment names none (or only "C"/"POSIX").
const FALLBACK_LOCALE: &str = "en";

impl SystemLocale {
    /// This computer's, from the process environment and the system's time zone.
    pub fn of_this_computer() -> Self {
        Self::from_variables(|name| std::env::var(name).ok())
    }

    /// As the C library picks the locale of times: the first of `LC_ALL`, `LC_TIME`, `LANG`
    /// that is set and not empty.
    fn from_variables(variable: impl Fn(&str) -> Option<String>) -> Self {
        let posix = ["LC_ALL", "LC_TIME", "LANG"]
            .into_iter()
            .filter_map(&variable)
            .find(|value| !value.is_empty());
        let time_zone = jiff::tz::TimeZone::system()
            .iana_name()
            .map_or_else(|| "UTC".to_owned(), str::to_owned);
        Self {
            locale: posix
                .as_deref()
                .and_then(bcp47)
                .unwrap_or_else(|| FALLBACK_LOCALE.to_owned()),
            time_zone,
        }
    }
}

/// "en_IE.UTF-8@euro" → "en-IE"; `None` for "C", "POSIX" or what is not a language.
fn bcp47(posix: &str) -> Option<String> {
    let name = posix.split(['.', '@']).next().unwrap_or_default();
    let mut parts = name.split('_');
    let language = parts.next().unwrap_or_default();
    let is_language =
        (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_lowercase());
    if !is_language {
        return None;
    }
    match parts.next() {
        Some(region)
            if (2..=3).contains(&region.len())
                && region.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            Some(format!("{language}-{}", region.to_ascii_uppercase()))
        }
        _ => Some(language.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale_of(pairs: &[(&str, &str)]) -> String {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        SystemLocale::from_variables(|name| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        })
        .locale
    }

    #[test]
    fn an_irish_desk_gets_irish_dates_even_in_american_english() {
        assert_eq!(locale_of(&[("LANG", "en_IE.UTF-8")]), "en-IE");
        assert_eq!(
            locale_of(&[("LANG", "en_US.UTF-8"), ("LC_TIME", "en_IE.UTF-8")]),
            "en-IE"
        );
        assert_eq!(
            locale_of(&[("LC_ALL", "de_DE.UTF-8@euro"), ("LC_TIME", "en_IE.UTF-8")]),
            "de-DE"
        );
    }

    #[test]
    fn empty_or_posix_locales_fall_back_to_english() {
        assert_eq!(locale_of(&[]), "en");
        assert_eq!(locale_of(&[("LC_ALL", ""), ("LANG", "C.UTF-8")]), "en");
        assert_eq!(locale_of(&[("LANG", "POSIX")]), "en");
        assert_eq!(locale_of(&[("LANG", "ga")]), "ga");
    }
}
