//! Updates of the desk itself: where they come from (a feed and the public key that verifies
//! what it offers, set by the person or preset and locked by IT), what the About box says of
//! them, and whether this computer lets the desk install one. Not for: fetching or verifying
//! (the shell does both, with bounded reads) or installing.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

use crate::api::ErrorClass;

/// The public key (as `tauri signer generate` writes it, base64) that verifies this build's
/// updates, given at build time; none by default, so only a system settings file can name one.
pub const BUILT_IN_UPDATE_PUBKEY: Option<&str> = option_env!("HOTELMATE_UPDATE_PUBKEY");

/// Where this computer's updates come from. The desk checks only when it has both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateSource {
    /// The feed: a JSON document in the format of Tauri's updater (version, notes, and per
    /// platform the file's address and signature).
    pub feed: Option<Url>,
    /// The minisign public key, base64, that every offered file must be signed with.
    pub pubkey: Option<String>,
}

/// The update settings the About box shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UpdateSettings {
    /// The feed's address in effect, if any.
    pub feed: Option<String>,
    /// Set by IT in the system settings file: staff cannot change it here.
    pub locked: bool,
    /// The desk has a key to verify updates with (without one it never checks).
    pub verifiable: bool,
    /// When this computer looks by itself, once a day ("14:37", its own time); `None` when it
    /// does not look (no feed or no key).
    pub daily_at: Option<String>,
}

/// How many seconds a day has: this computer's daily look falls on one of them.
pub const SECONDS_A_DAY: u32 = 24 * 60 * 60;

/// The second of the day this computer looks for updates, from a random number it keeps: spread
/// evenly over the day across a fleet (never every desk at 09:00:00), the same every day for
/// one computer.
pub fn daily_second(kept: u64) -> u32 {
    // A u64 modulo a day's seconds always fits a u32.
    u32::try_from(kept % u64::from(SECONDS_A_DAY)).unwrap_or(0)
}

/// The first moment after `now` that falls on `second` of a day in `now`'s time zone (today if
/// it is still to come, else tomorrow; a day a clock change skipped it looks an hour later).
pub fn next_daily_look<Tz: chrono::TimeZone>(
    now: &chrono::DateTime<Tz>,
    second: u32,
) -> chrono::DateTime<Tz> {
    let zone = now.timezone();
    let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(second % SECONDS_A_DAY, 0)
        .unwrap_or(chrono::NaiveTime::MIN);
    let mut day = now.date_naive();
    loop {
        let at = day.and_time(time);
        let local = zone.from_local_datetime(&at).earliest().or_else(|| {
            zone.from_local_datetime(&(at + chrono::Duration::hours(1)))
                .earliest()
        });
        if let Some(local) = local.filter(|local| local > now) {
            return local;
        }
        day = day.succ_opt().unwrap_or(day);
    }
}

/// What the About box says about updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UpdateStatus {
    /// The desk does not check on this computer (no feed or no key): said calmly, once.
    Off {
        /// In words.
        message: String,
    },
    /// Not looked yet.
    NotChecked,
    /// Looking at the feed.
    Checking,
    /// The feed offers nothing newer.
    UpToDate {
        /// In words.
        message: String,
    },
    /// The feed could not be read just now; nothing changed.
    NotReached {
        /// In words, without alarm.
        message: String,
    },
    /// A newer version is offered.
    Available {
        /// Its version.
        version: String,
        /// Its notes, as the feed gives them.
        notes: Option<String>,
        /// The package's file name (`hotelmate-desk_0.2.0_amd64.deb`).
        file: String,
        /// `None` when the desk can install it here; otherwise what to ask IT, in words.
        ask_it: Option<String>,
    },
    /// Downloading the offered version.
    Downloading {
        /// Its version.
        version: String,
        /// Bytes received so far.
        received: u64,
        /// Bytes in all, when the feed's host says.
        total: Option<u64>,
    },
    /// Downloaded, verified and installed: it runs from the next start.
    Installed {
        /// Its version.
        version: String,
        /// In words.
        message: String,
    },
    /// Downloaded and verified, but this computer does not let the desk install it.
    AskIt {
        /// Its version.
        version: String,
        /// What to ask IT, in words.
        message: String,
    },
    /// It failed; `refused` says whether trying again can help.
    Failed {
        /// The version it was about, if one was offered.
        version: Option<String>,
        /// In words.
        message: String,
        /// Refused (a file that fails its signature) or transient (a download cut short).
        refused: bool,
    },
}

/// Why an update check, download or install failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UpdateError {
    /// The feed or the file's host did not answer (or not in time): nothing changed.
    #[error("the update feed could not be reached ({0})")]
    NotReached(String),
    /// The feed answered something that is not an update feed for this desk.
    #[error("the update feed's answer cannot be used ({0})")]
    BadFeed(String),
    /// The file does not match its signature and the desk's key: it is never installed.
    #[error("the update could not be verified ({0})")]
    NotVerified(String),
    /// The file is larger than its feed or its host declared, or than the desk ever reads: it
    /// is never installed (issue 63.5).
    #[error("the update's file is too large ({0})")]
    TooLarge(String),
    /// The package manager did not install it.
    #[error("the update could not be installed ({0})")]
    NotInstalled(String),
}

impl UpdateError {
    /// Whether trying again may help ([`ErrorClass::Transient`]), the feed cannot serve this
    /// desk ([`ErrorClass::Unavailable`]) or the file is refused ([`ErrorClass::Refused`]: it
    /// fails its signature, or is larger than declared).
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::NotReached(_) | Self::NotInstalled(_) => ErrorClass::Transient,
            Self::BadFeed(_) => ErrorClass::Unavailable,
            Self::NotVerified(_) | Self::TooLarge(_) => ErrorClass::Refused,
        }
    }

    /// The status the About box shows for it, in the person's words.
    pub fn status(&self, version: Option<&str>) -> UpdateStatus {
        match self {
            Self::NotReached(_) | Self::BadFeed(_) => UpdateStatus::NotReached {
                message: "Could not look for updates just now; the desk will look again later."
                    .into(),
            },
            Self::NotVerified(_) => UpdateStatus::Failed {
                version: version.map(str::to_owned),
                message: "The update could not be verified, so it was not installed.".into(),
                refused: true,
            },
            Self::TooLarge(_) => UpdateStatus::Failed {
                version: version.map(str::to_owned),
                message: "The update's file is larger than expected, so it was not installed."
                    .into(),
                refused: true,
            },
            Self::NotInstalled(_) => UpdateStatus::Failed {
                version: version.map(str::to_owned),
                message: format!(
                    "The update could not be installed. Ask your IT to install version {}.",
                    version.unwrap_or("the new version")
                ),
                refused: false,
            },
        }
    }
}

pub use crate::session::config::{feed_address, FeedAddressError};

/// The kind of package this desk was installed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageKind {
    /// A Debian/Ubuntu package (dpkg).
    Deb,
    /// A Fedora/openSUSE package (rpm).
    Rpm,
}

/// What this computer allows, as the shell finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstallRights {
    /// The package this desk came from; `None` when it was not installed from one.
    pub package: Option<PackageKind>,
    /// The package's manager (`dpkg` or `rpm`) is there.
    pub package_manager: bool,
    /// The desk runs as root.
    pub root: bool,
    /// `pkexec` is there to ask for an administrator's password.
    pub pkexec: bool,
}

impl InstallRights {
    /// `None` when the desk can install `file` (version `version`) here; otherwise what to ask
    /// IT, in words.
    pub fn ask_it(&self, version: &str, file: &str) -> Option<String> {
        let can = self.package.is_some() && self.package_manager && (self.root || self.pkexec);
        (!can).then(|| format!("Ask your IT to install version {version} ({file})."))
    }
}

/// The package's file name in a download address (its last segment), or a plain default.
pub fn package_file(url: &Url, version: &str) -> String {
    url.path_segments()
        .and_then(|mut segments| segments.next_back().map(str::to_owned))
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| format!("hotelmate-desk_{version}_amd64.deb"))
}

/// The words when updates are off here.
pub const UPDATES_OFF: &str = "Updates are managed by your IT.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_must_be_https_except_on_this_computer() {
        assert!(feed_address("https://updates.grandhotel.ie/desk.json").is_ok());
        assert!(feed_address("http://127.0.0.1:8080/feed.json").is_ok());
        assert!(feed_address("http://localhost/feed.json").is_ok());
        assert_eq!(
            feed_address("http://updates.grandhotel.ie/desk.json"),
            Err(FeedAddressError::Unencrypted(
                "http://updates.grandhotel.ie/desk.json".into()
            ))
        );
        assert!(feed_address("updates").is_err());
        assert!(feed_address("file:///etc/passwd").is_err());
    }

    #[test]
    fn without_a_package_or_the_rights_to_install_it_the_desk_says_to_ask_it() {
        let file = "hotelmate-desk_0.2.0_amd64.deb";
        let allowed = InstallRights {
            package: Some(PackageKind::Deb),
            package_manager: true,
            root: false,
            pkexec: true,
        };
        assert_eq!(allowed.ask_it("0.2.0", file), None);
        for refused in [
            InstallRights {
                package: None,
                ..allowed
            },
            InstallRights {
                package_manager: false,
                ..allowed
            },
            InstallRights {
                pkexec: false,
                ..allowed
            },
        ] {
            assert_eq!(
                refused.ask_it("0.2.0", file).as_deref(),
                Some("Ask your IT to install version 0.2.0 (hotelmate-desk_0.2.0_amd64.deb).")
            );
        }
        let root = InstallRights {
            pkexec: false,
            root: true,
            ..allowed
        };
        assert_eq!(root.ask_it("0.2.0", file), None);
    }

    /// Issue 35.4: the daily look falls on this computer's own second of the day, today when
    /// it is still to come, else tomorrow, whatever the time zone.
    #[test]
    fn the_daily_look_is_today_if_still_to_come_else_tomorrow() {
        use chrono::TimeZone;
        let slot = daily_second(14 * 3600 + 37 * 60 + 5 + u64::from(SECONDS_A_DAY) * 99);
        assert_eq!(slot, 14 * 3600 + 37 * 60 + 5);
        let morning = chrono::Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
        assert_eq!(
            next_daily_look(&morning, slot),
            chrono::Utc
                .with_ymd_and_hms(2026, 11, 25, 14, 37, 5)
                .unwrap()
        );
        let evening = chrono::Utc
            .with_ymd_and_hms(2026, 11, 25, 20, 0, 0)
            .unwrap();
        assert_eq!(
            next_daily_look(&evening, slot),
            chrono::Utc
                .with_ymd_and_hms(2026, 11, 26, 14, 37, 5)
                .unwrap()
        );
        // Exactly at the slot: the next one is a day later, never the same moment twice.
        let at = next_daily_look(&morning, slot);
        assert_eq!(next_daily_look(&at, slot) - at, chrono::Duration::days(1));
        // Two computers with different kept numbers look at different moments.
        assert_ne!(daily_second(7), daily_second(86_407 + 3));
    }

    #[test]
    fn the_file_name_comes_from_the_download_address() {
        let url = Url::parse("https://u.example/r/hotelmate-desk-0.2.0-1.x86_64.rpm").unwrap();
        assert_eq!(
            package_file(&url, "0.2.0"),
            "hotelmate-desk-0.2.0-1.x86_64.rpm"
        );
    }
}
