//! What a hotel's IT presets for every user of a computer, in one system-wide file:
//! `/etc/hotelmate-desk/desk.toml`, or the file [`SYSTEM_SETTINGS_ENV`] names. It can set the
//! server's address, the live updates, whether the computer is a reception display and the
//! PIN that leaves it (as its Argon2id hash), and lock each section so staff cannot change it
//! on this computer; staff then type only their name and password.
//!
//! ```toml
//! [server]
//! address = "https://api.yourhotel.com"
//! locked = true
//!
//! [live_updates]
//! key = "app-key"
//! cluster = "eu"            # or host = "ws.yourhotel.com", port = 443, tls = true
//! locked = true
//!
//! [display]
//! enabled = true
//! pin_hash = "$argon2id$v=19$m=19456,t=2,p=1$..."   # hotelmate-desk --hash-pin
//! offer_link = "https://www.yourhotel.com/offers/{id}"  # where an offer's code opens
//! booking_site = "https://www.yourhotel.com"  # offers' "book now" addresses there get codes
//!
//! [pictures]
//! hosts = ["res.cloudinary.com", "media.yourhotel.com"]  # where photos may come from (https)
//! opening_hours = "06:30-23:30"  # black outside them (the screen may blank)
//! slide_change = "cut"      # or "fade", or "automatic": a cut where the CPU paints the screen
//! locked = true
//!
//! [updates]
//! feed = "https://updates.yourhotel.com/desk.json"
//! pubkey = "dW50cnVzdGVkIGNvbW1lbnQ6..."   # the release key's public half, base64
//! locked = true
//!
//! [saved_replies]           # the hotel's ready answers to guests
//! locked = true             # staff use these and cannot change them here
//! [[saved_replies.reply]]
//! name = "Wi-Fi"
//! text = "Hello {guest}, the Wi-Fi is KillarneyGuest, password lakes2026."
//! ```
//!
//! A file that cannot be read or says something the desk cannot use is refused whole, with
//! the reason: a lock the desk silently ignored would be worse than a desk that does not start.
//! Not for: per-user settings (the desk's own store keeps those).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::config::{ApiBase, PusherEndpoint};
use crate::rules::slides::SlideChange;

/// Names a system settings file to read instead of [`SYSTEM_SETTINGS_PATH`].
pub const SYSTEM_SETTINGS_ENV: &str = "HOTELMATE_SYSTEM_CONFIG";
/// Where a hotel's IT puts the system settings.
pub const SYSTEM_SETTINGS_PATH: &str = "/etc/hotelmate-desk/desk.toml";

/// Why the system settings file was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SystemSettingsError {
    /// The file exists but cannot be read (permissions, not text).
    #[error("the system settings file '{path}' cannot be read: {reason}")]
    Unreadable {
        /// The file's path.
        path: String,
        /// Why, in words.
        reason: String,
    },
    /// The file was read but a value in it is not one the desk can use.
    #[error("the system settings file '{path}' is not valid: {reason}")]
    Invalid {
        /// The file's path.
        path: String,
        /// Which value and why, in words.
        reason: String,
    },
}

/// What the system settings file presets, checked. Empty when there is no file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct SystemSettings {
    /// The file the settings come from; `None` when there is none.
    pub source: Option<String>,
    /// The hotel's server, as the sign-in form is to show it.
    pub server_url: Option<String>,
    /// Staff cannot sign in to another server on this computer.
    pub server_locked: bool,
    /// The live-update (Pusher) connection the file presets, if any.
    pub pusher: Option<PusherEndpoint>,
    /// Staff cannot change the live updates on this computer.
    pub pusher_locked: bool,
    /// IT allowed the preset live updates over plain `ws://` to another machine (warned in the
    /// log at each sign-in).
    pub pusher_unencrypted: bool,
    /// This computer is (or is not) a reception display.
    pub is_display: Option<bool>,
    /// Whether it is a display, and its PIN, cannot be changed on this computer.
    pub display_locked: bool,
    /// Where an offer's scan-to-book code opens (`{id}`: the offer's number).
    pub offer_link: Option<String>,
    /// The hotel's own web site (an `https` origin) set by IT: offers' "book now" addresses
    /// there get scan-to-book codes on the display without a manager's confirmation (63.3).
    pub booking_site: Option<String>,
    /// When the display shows ("06:30-23:30"); outside, it sleeps.
    pub opening_hours: Option<String>,
    /// How the display's slides give way to each other.
    pub slide_change: Option<SlideChange>,
    /// The Argon2id hash (PHC string) of the PIN that leaves the display. Never shown.
    #[serde(skip)]
    #[ts(skip)]
    pub pin_hash: Option<String>,
    /// The update feed's address.
    pub update_feed: Option<String>,
    /// Staff cannot change the update feed on this computer.
    pub update_feed_locked: bool,
    /// The public key (base64) that verifies updates, replacing the build's own.
    #[serde(skip)]
    #[ts(skip)]
    pub update_pubkey: Option<String>,
    /// The saved replies IT presets, in their order (none: the desk's own).
    #[serde(skip)]
    #[ts(skip)]
    pub saved_replies: Vec<PresetReply>,
    /// The desk uses exactly [`SystemSettings::saved_replies`]; staff cannot change them here.
    pub saved_replies_locked: bool,
    /// The hosts (besides the hotel's server) pictures may be fetched from over https, as IT
    /// sets them for a fleet (`[pictures] hosts`); `None`: the desk's own list (Cloudinary's,
    /// or `HOTELMATE_MEDIA_HOSTS`).
    #[serde(skip)]
    #[ts(skip)]
    pub media_hosts: Option<Vec<String>>,
}

/// A saved reply as IT presets it in the file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresetReply {
    /// Its short name, as staff pick it ("Wi-Fi").
    pub name: String,
    /// Its text, with fields such as `{guest}` filled in when it is inserted.
    pub text: String,
}

/// The longest name of a saved reply.
pub const REPLY_NAME_MAX_CHARS: usize = 60;
/// The longest text of a saved reply.
pub const REPLY_TEXT_MAX_CHARS: usize = 5_000;
/// The most saved replies a desk keeps (a file or the fleet file with more is refused).
pub const MAX_SAVED_REPLIES: usize = 500;

/// Why a saved reply cannot be kept, in words; `None` when it can.
pub fn preset_reply_problem(name: &str, text: &str) -> Option<String> {
    let name_chars = name.trim().chars().count();
    if name_chars == 0 {
        Some("a saved reply needs a name".into())
    } else if name_chars > REPLY_NAME_MAX_CHARS {
        Some(format!(
            "a saved reply's name can be up to {REPLY_NAME_MAX_CHARS} characters long"
        ))
    } else if text.trim().is_empty() {
        Some(format!("the saved reply '{}' has no text", name.trim()))
    } else if text.chars().count() > REPLY_TEXT_MAX_CHARS {
        Some(format!(
            "the saved reply '{}' is longer than {REPLY_TEXT_MAX_CHARS} characters",
            name.trim()
        ))
    } else {
        None
    }
}

/// The `[pictures] hosts` list, checked: host names only (no scheme, path, port or address:
/// pictures come from them over https), at most [`MAX_MEDIA_HOSTS`].
fn media_hosts(hosts: &[String]) -> Result<Vec<String>, String> {
    if hosts.len() > MAX_MEDIA_HOSTS {
        return Err(format!("[pictures] hosts: at most {MAX_MEDIA_HOSTS} hosts"));
    }
    hosts
        .iter()
        .map(|host| {
            let name = host.trim().trim_end_matches('.').to_ascii_lowercase();
            let plain = !name.is_empty()
                && name.len() <= 253
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
                && name.contains('.')
                && name.parse::<std::net::IpAddr>().is_err();
            if plain {
                Ok(name)
            } else {
                Err(format!(
                    "[pictures] hosts: '{host}' is not a host name (e.g. media.yourhotel.com)"
                ))
            }
        })
        .collect()
}

/// The most media hosts the fleet file names.
const MAX_MEDIA_HOSTS: usize = 20;

/// The file's form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    server: Option<Server>,
    live_updates: Option<LiveUpdates>,
    display: Option<DisplaySection>,
    updates: Option<Updates>,
    saved_replies: Option<SavedRepliesSection>,
    pictures: Option<Pictures>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pictures {
    hosts: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedRepliesSection {
    #[serde(default)]
    reply: Vec<PresetReply>,
    #[serde(default)]
    locked: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Updates {
    feed: Option<String>,
    pubkey: Option<String>,
    #[serde(default)]
    locked: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Server {
    address: String,
    #[serde(default)]
    locked: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LiveUpdates {
    key: String,
    cluster: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    tls: Option<bool>,
    #[serde(default)]
    locked: bool,
    /// IT's explicit choice of plain `ws://` to a host on the hotel's network.
    #[serde(default)]
    allow_unencrypted: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DisplaySection {
    enabled: Option<bool>,
    pin_hash: Option<String>,
    offer_link: Option<String>,
    booking_site: Option<String>,
    opening_hours: Option<String>,
    slide_change: Option<SlideChange>,
    #[serde(default)]
    locked: bool,
}

impl SystemSettings {
    /// The settings of this computer: the file [`SYSTEM_SETTINGS_ENV`] names (which must
    /// exist), else [`SYSTEM_SETTINGS_PATH`] if there is one.
    pub fn load() -> Result<Self, SystemSettingsError> {
        match std::env::var_os(SYSTEM_SETTINGS_ENV).filter(|v| !v.is_empty()) {
            Some(path) => Self::read(&PathBuf::from(path)),
            None if Path::new(SYSTEM_SETTINGS_PATH).exists() => {
                Self::read(Path::new(SYSTEM_SETTINGS_PATH))
            }
            None => Ok(Self::default()),
        }
    }

    /// The settings in `path`.
    pub fn read(path: &Path) -> Result<Self, SystemSettingsError> {
        let text =
            std::fs::read_to_string(path).map_err(|err| SystemSettingsError::Unreadable {
                path: path.display().to_string(),
                reason: err.to_string(),
            })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// The settings in `text`, read from `path` (named in errors).
    pub fn parse(text: &str, path: &str) -> Result<Self, SystemSettingsError> {
        let invalid = |reason: String| SystemSettingsError::Invalid {
            path: path.to_owned(),
            reason,
        };
        let file: File = toml::from_str(text).map_err(|err| invalid(err.to_string()))?;
        let mut settings = Self {
            source: Some(path.to_owned()),
            ..Self::default()
        };
        if let Some(server) = file.server {
            let base = ApiBase::parse(&server.address)
                .map_err(|err| invalid(format!("[server] address: {err}")))?;
            settings.server_url = Some(base.to_string());
            settings.server_locked = server.locked;
        }
        if let Some(live) = file.live_updates {
            let pusher =
                match (live.host, live.cluster) {
                    (Some(host), None) => {
                        let tls = live.tls.unwrap_or(true);
                        PusherEndpoint::SelfHosted {
                            key: live.key,
                            host,
                            port: live.port.unwrap_or(if tls { 443 } else { 80 }),
                            tls,
                        }
                    }
                    (None, Some(cluster)) => PusherEndpoint::Hosted {
                        key: live.key,
                        cluster,
                    },
                    _ => return Err(invalid(
                        "[live_updates] needs either cluster (Pusher's hosted service) or host \
                         (a self-hosted server), not both"
                            .into(),
                    )),
                };
            pusher
                .validate(live.allow_unencrypted)
                .map_err(|err| invalid(format!("[live_updates]: {err}")))?;
            settings.pusher = Some(pusher);
            settings.pusher_locked = live.locked;
            settings.pusher_unencrypted = live.allow_unencrypted;
        }
        if let Some(display) = file.display {
            settings.take_display(display).map_err(invalid)?;
        }
        if let Some(updates) = file.updates {
            if let Some(feed) = &updates.feed {
                let url = super::config::feed_address(feed)
                    .map_err(|err| invalid(format!("[updates] feed: {err}")))?;
                settings.update_feed = Some(url.to_string());
            }
            if let Some(key) = &updates.pubkey {
                if key.trim().is_empty() {
                    return Err(invalid("[updates] pubkey is empty".into()));
                }
            }
            settings.update_pubkey = updates.pubkey.map(|k| k.trim().to_owned());
            settings.update_feed_locked = updates.locked;
        }
        if let Some(replies) = file.saved_replies {
            settings.take_saved_replies(replies).map_err(invalid)?;
        }
        if let Some(pictures) = file.pictures {
            settings.media_hosts = Some(media_hosts(&pictures.hosts).map_err(invalid)?);
        }
        Ok(settings)
    }

    /// The `[display]` section, checked; the reason in words when it cannot be used.
    fn take_display(&mut self, display: DisplaySection) -> Result<(), String> {
        if let Some(hash) = &display.pin_hash {
            if !super::hashes::is_slow_hash(hash) {
                return Err("[display] pin_hash is not an Argon2id hash; make one with \
                     `hotelmate-desk --hash-pin`"
                    .into());
            }
        }
        if let Some(link) = &display.offer_link {
            crate::rules::guest_link::check_template(link)
                .map_err(|reason| format!("[display] offer_link: {reason}"))?;
        }
        if let Some(hours) = &display.opening_hours {
            crate::rules::opening::parse_range(hours)
                .map_err(|reason| format!("[display] opening_hours: {reason}"))?;
        }
        if let Some(site) = &display.booking_site {
            crate::rules::guest_link::site_origin(site)
                .map_err(|reason| format!("[display] booking_site: {reason}"))?;
        }
        self.offer_link = display.offer_link.map(|l| l.trim().to_owned());
        self.booking_site = display
            .booking_site
            .and_then(|site| crate::rules::guest_link::site_origin(&site).ok());
        self.opening_hours = display.opening_hours.map(|h| h.trim().to_owned());
        self.slide_change = display.slide_change;
        self.is_display = display.enabled;
        self.pin_hash = display.pin_hash;
        self.display_locked = display.locked;
        Ok(())
    }

    /// The `[saved_replies]` section, checked whole.
    fn take_saved_replies(&mut self, replies: SavedRepliesSection) -> Result<(), String> {
        if replies.reply.len() > MAX_SAVED_REPLIES {
            return Err(format!(
                "[saved_replies] has {} replies; a desk keeps up to {MAX_SAVED_REPLIES}",
                replies.reply.len()
            ));
        }
        if let Some(problem) = replies
            .reply
            .iter()
            .find_map(|r| preset_reply_problem(&r.name, &r.text))
        {
            return Err(format!("[saved_replies]: {problem}"));
        }
        self.saved_replies = replies.reply;
        self.saved_replies_locked = replies.locked;
        Ok(())
    }

    /// Where the settings come from, in words for a refusal ("your IT's settings in …").
    pub fn locked_message(&self, what: &str) -> String {
        format!(
            "{what} is set by your IT in {} and cannot be changed on this computer",
            self.source.as_deref().unwrap_or(SYSTEM_SETTINGS_PATH)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fleet_file_presets_and_locks_the_server_live_updates_and_display() {
        let hash = crate::session::hashes::slow_hash("246810").unwrap();
        let text = format!(
            "[server]\naddress = \"https://api.grandhotel.ie\"\nlocked = true\n\n\
             [live_updates]\nkey = \"k1\"\nhost = \"ws.grandhotel.ie\"\n\n\
             [display]\nenabled = true\npin_hash = \"{hash}\"\nlocked = true\n"
        );
        let settings = SystemSettings::parse(&text, "/etc/hotelmate-desk/desk.toml").unwrap();
        assert_eq!(
            settings.server_url.as_deref(),
            Some("https://api.grandhotel.ie/")
        );
        assert!(settings.server_locked);
        assert_eq!(
            settings.pusher,
            Some(PusherEndpoint::SelfHosted {
                key: "k1".into(),
                host: "ws.grandhotel.ie".into(),
                port: 443,
                tls: true
            })
        );
        assert!(!settings.pusher_locked);
        assert_eq!(settings.is_display, Some(true));
        assert_eq!(settings.pin_hash.as_deref(), Some(hash.as_str()));
        // The hash never reaches the window.
        let json = serde_json::to_string(&settings).unwrap();
        assert!(!json.contains("argon2"), "{json}");
    }

    #[test]
    fn a_file_the_desk_cannot_use_is_refused_with_the_reason_in_words() {
        let path = "/etc/hotelmate-desk/desk.toml";
        for (text, says) in [
            (
                "[server]\naddress = \"http://hotel.example.com\"\n",
                "unencrypted",
            ),
            (
                "[server]\nadress = \"https://a.example\"\n",
                "unknown field `adress`",
            ),
            ("[display]\npin_hash = \"1234\"\n", "--hash-pin"),
            ("[live_updates]\nkey = \"k\"\n", "either cluster"),
            ("[server\n", "unclosed table"),
        ] {
            let err = SystemSettings::parse(text, path).unwrap_err();
            let words = err.to_string();
            assert!(words.contains(path), "{words}");
            assert!(words.contains(says), "'{text}' gave: {words}");
        }
    }

    #[test]
    fn a_fleet_file_presets_and_locks_the_saved_replies_and_refuses_an_unusable_one() {
        let text = "[saved_replies]\nlocked = true\n\n[[saved_replies.reply]]\nname = \"Wi-Fi\"\n\
                    text = \"Hello {guest}, the network is KillarneyGuest.\"\n\n\
                    [[saved_replies.reply]]\nname = \"Taxi\"\ntext = \"A taxi is on its way to room {room}.\"\n";
        let settings = SystemSettings::parse(text, "/etc/hotelmate-desk/desk.toml").unwrap();
        assert!(settings.saved_replies_locked);
        let names: Vec<_> = settings
            .saved_replies
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["Wi-Fi", "Taxi"]);
        // Tried: a reply with no text, a name past the bound, an unknown key: each refused with
        // the section named, never half used.
        for (bad, says) in [
            (
                "[[saved_replies.reply]]\nname = \"Wi-Fi\"\ntext = \"  \"\n",
                "has no text",
            ),
            (
                &format!(
                    "[[saved_replies.reply]]\nname = \"{}\"\ntext = \"t\"\n",
                    "n".repeat(61)
                ),
                "up to 60 characters",
            ),
            (
                "[[saved_replies.reply]]\nname = \"a\"\ntext = \"t\"\ncolour = 1\n",
                "unknown field",
            ),
        ] {
            let err = SystemSettings::parse(bad, "/etc/x")
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn a_fleet_file_sets_where_the_offers_codes_open_and_refuses_an_address_a_phone_should_not_open(
    ) {
        let settings = SystemSettings::parse(
            "[display]\noffer_link = \"https://www.hotelkillarney.ie/offers/{id}\"\n",
            "/etc/x",
        )
        .unwrap();
        assert_eq!(
            settings.offer_link.as_deref(),
            Some("https://www.hotelkillarney.ie/offers/{id}")
        );
        let err = SystemSettings::parse(
            "[display]\noffer_link = \"http://h.example/{id}\"\n",
            "/etc/x",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("[display] offer_link") && err.contains("https://"),
            "{err}"
        );
    }

    /// Issue 63.3 and 63.20: IT sets where the lobby's codes may open and where photos may
    /// come from for a whole fleet. Tried: a site and hosts it takes, then an http site, a
    /// hosts entry with a scheme, one with a path, and an address.
    #[test]
    fn a_fleet_file_sets_the_booking_site_and_the_picture_hosts_and_refuses_what_is_not_one() {
        let settings = SystemSettings::parse(
            "[display]\nbooking_site = \"https://WWW.HotelKillarney.ie/book\"\n\
             [pictures]\nhosts = [\"res.cloudinary.com\", \"Media.HotelKillarney.ie.\"]\n",
            "/etc/x",
        )
        .unwrap();
        assert_eq!(
            settings.booking_site.as_deref(),
            Some("https://www.hotelkillarney.ie")
        );
        assert_eq!(
            settings.media_hosts,
            Some(vec![
                "res.cloudinary.com".to_owned(),
                "media.hotelkillarney.ie".to_owned()
            ])
        );
        for (file, says) in [
            (
                "[display]\nbooking_site = \"http://h.example\"\n",
                "booking_site",
            ),
            (
                "[pictures]\nhosts = [\"https://media.h.example\"]\n",
                "not a host name",
            ),
            (
                "[pictures]\nhosts = [\"media.h.example/photos\"]\n",
                "not a host name",
            ),
            ("[pictures]\nhosts = [\"10.0.0.5\"]\n", "not a host name"),
        ] {
            let err = SystemSettings::parse(file, "/etc/x")
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{file}: {err}");
        }
    }

    #[test]
    fn a_fleet_file_sets_how_the_displays_slides_change_and_refuses_a_word_it_does_not_know() {
        let settings =
            SystemSettings::parse("[display]\nslide_change = \"fade\"\n", "/etc/x").unwrap();
        assert_eq!(settings.slide_change, Some(SlideChange::Fade));
        let unset = SystemSettings::parse("[display]\nenabled = true\n", "/etc/x").unwrap();
        assert_eq!(unset.slide_change, None);
        // Tried: a misspelt choice. Refused whole, the choices named, never read as Automatic.
        let err = SystemSettings::parse("[display]\nslide_change = \"dissolve\"\n", "/etc/x")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("dissolve") && err.contains("cut") && err.contains("fade"),
            "{err}"
        );
    }

    #[test]
    fn a_fleet_file_presets_and_locks_the_update_feed_and_its_key() {
        let text = "[updates]\nfeed = \"https://updates.grandhotel.ie/desk.json\"\n\
                    pubkey = \"a2V5\"\nlocked = true\n";
        let settings = SystemSettings::parse(text, "/etc/x").unwrap();
        assert_eq!(
            settings.update_feed.as_deref(),
            Some("https://updates.grandhotel.ie/desk.json")
        );
        assert_eq!(settings.update_pubkey.as_deref(), Some("a2V5"));
        assert!(settings.update_feed_locked);
        let err = SystemSettings::parse("[updates]\nfeed = \"http://u.example/f\"\n", "/etc/x")
            .unwrap_err();
        assert!(err.to_string().contains("[updates] feed"), "{err}");
    }

    #[test]
    fn no_file_presets_nothing_and_a_named_file_must_exist() {
        let missing = std::env::temp_dir().join("hotelmate-no-such-desk.toml");
        assert!(matches!(
            SystemSettings::read(&missing),
            Err(SystemSettingsError::Unreadable { .. })
        ));
        assert_eq!(
            SystemSettings::parse("", "/etc/x").unwrap(),
            SystemSettings {
                source: Some("/etc/x".into()),
                ..SystemSettings::default()
            }
        );
    }
}
