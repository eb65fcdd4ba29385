//! Opening hours (issue 39.2): a reception display that sleeps at night. Outside its hours the
//! display shows black and lets the desktop blank the screen, while the desk keeps syncing; it
//! wakes by itself when the hours begin, or earlier for a while when a member of staff gives the
//! PIN. Hours that end after midnight (18:00–02:00) are hours too.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How long a display woken with the PIN outside its hours stays awake.
pub const WOKEN_MINUTES: i64 = 30;

/// When the display shows, in the hotel's time: from `opens` until `closes` ("HH:MM").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OpeningHours {
    /// When it wakes, e.g. "06:30".
    pub opens: String,
    /// When it goes to sleep, e.g. "23:30" (earlier than `opens`: the next day).
    pub closes: String,
}

/// Whether the display shows now, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OpeningState {
    /// Outside its hours (and not woken): black.
    pub asleep: bool,
    /// When that changes ("HH:MM", the hotel's time); `None` when it never sleeps.
    pub until: Option<String>,
    /// Woken with the PIN outside its hours.
    pub woken: bool,
}

fn time(text: &str, field: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
        format!(
            "{field} '{}' is not a time of day such as 06:30",
            text.trim()
        )
    })
}

/// The hours from "06:30-23:30" (as the fleet file writes them).
pub(crate) fn parse_range(text: &str) -> Result<OpeningHours, String> {
    let (opens, closes) = text
        .split_once('-')
        .ok_or_else(|| format!("'{text}' is not a range of hours such as 06:30-23:30"))?;
    let hours = OpeningHours {
        opens: opens.trim().to_owned(),
        closes: closes.trim().to_owned(),
    };
    hours.check()?;
    Ok(hours)
}

impl OpeningHours {
    /// Refuses hours that are not times, or that open and close at the same minute.
    pub fn check(&self) -> Result<(NaiveTime, NaiveTime), String> {
        let opens = time(&self.opens, "The opening time")?;
        let closes = time(&self.closes, "The closing time")?;
        if opens == closes {
            return Err("The display cannot open and close at the same time; leave the hours empty for a display that never sleeps".into());
        }
        Ok((opens, closes))
    }

    /// Whether the display shows at `now` (the hotel's time of day).
    pub fn open_at(&self, now: NaiveTime) -> bool {
        match self.check() {
            Ok((opens, closes)) if opens < closes => now >= opens && now < closes,
            Ok((opens, closes)) => now >= opens || now < closes,
            Err(_) => true, // never reached: hours are checked when set; a display shows.
        }
    }
}

/// The display's state at `now` (the hotel's time of day), woken until `woken_until` if so.
pub(crate) fn state_at(
    hours: Option<&OpeningHours>,
    now: NaiveTime,
    woken_until: Option<NaiveTime>,
) -> OpeningState {
    let Some(hours) = hours else {
        return OpeningState {
            asleep: false,
            until: None,
            woken: false,
        };
    };
    let open = hours.open_at(now);
    let woken = !open && woken_until.is_some_and(|until| still_before(now, until));
    let until = if open {
        hours.closes.trim().to_owned()
    } else if woken {
        woken_until
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default()
    } else {
        hours.opens.trim().to_owned()
    };
    OpeningState {
        asleep: !open && !woken,
        until: Some(until),
        woken,
    }
}

/// Whether `now` is before `until`, where `until` is less than a day ahead (it may be past
/// midnight).
fn still_before(now: NaiveTime, until: NaiveTime) -> bool {
    let ahead = (until - now).num_minutes().rem_euclid(24 * 60);
    ahead > 0 && ahead <= WOKEN_MINUTES
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveTime {
        NaiveTime::parse_from_str(text, "%H:%M").unwrap()
    }

    #[test]
    fn a_display_sleeps_outside_its_hours_and_wakes_when_they_begin() {
        let hours = parse_range("06:30-23:30").unwrap();
        let state = |now: &str| state_at(Some(&hours), at(now), None);
        assert!(state("06:29").asleep);
        assert_eq!(state("06:29").until.as_deref(), Some("06:30"));
        assert!(!state("06:30").asleep, "it wakes on the minute");
        assert_eq!(state("12:00").until.as_deref(), Some("23:30"));
        assert!(state("23:30").asleep);
        assert!(state("02:00").asleep);
    }

    #[test]
    fn hours_past_midnight_and_a_display_woken_with_the_pin() {
        let hours = parse_range(" 18:00 - 02:00 ").unwrap();
        assert!(hours.open_at(at("23:59")) && hours.open_at(at("01:59")));
        assert!(!hours.open_at(at("02:00")) && !hours.open_at(at("17:59")));
        // Woken at 03:50 for 30 minutes: awake until 04:20, then asleep until 18:00.
        let woken = Some(at("04:20"));
        let state = state_at(Some(&hours), at("04:00"), woken);
        assert!(!state.asleep && state.woken, "{state:?}");
        assert_eq!(state.until.as_deref(), Some("04:20"));
        let state = state_at(Some(&hours), at("04:20"), woken);
        assert!(state.asleep && !state.woken, "{state:?}");
        assert_eq!(state.until.as_deref(), Some("18:00"));
        // Woken across midnight (hours 06:30–23:30, woken at 23:45 until 00:15).
        let day = parse_range("06:30-23:30").unwrap();
        assert!(!state_at(Some(&day), at("00:05"), Some(at("00:15"))).asleep);
        assert!(state_at(Some(&day), at("00:15"), Some(at("00:15"))).asleep);
        // No hours: it never sleeps.
        assert!(!state_at(None, at("03:00"), None).asleep);
    }

    #[test]
    fn hours_the_desk_cannot_use_are_refused_in_words() {
        for (bad, says) in [
            ("6.30-23.30", "not a time of day"),
            ("06:30", "not a range"),
            ("25:00-23:00", "not a time of day"),
            ("08:00-08:00", "same time"),
        ] {
            let err = parse_range(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
