//! Where the HotelMate server and its Pusher endpoint are, and where the desk keeps its files.
//!
//! Validation lives here so that a bad address is refused before anything is stored or sent:
//! only `http`/`https` URLs, and plain `http` only to a loopback host (a token must never cross a
//! network in clear text).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::Url;

/// Environment variable that overrides the data directory (tests and portable installs use it).
pub(crate) const DATA_DIR_ENV: &str = "HOTELMATE_DATA_DIR";

/// Why a server address or Pusher setting was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// No server address was given.
    #[error("the server address is empty")]
    EmptyUrl,
    /// The text is not a web address; it holds what was typed.
    #[error("'{0}' is not a web address (expected something like https://hotel.example.com)")]
    NotAUrl(String),
    /// The address uses a scheme other than `http` or `https`.
    #[error("'{url}' uses '{scheme}'; only http and https addresses are supported")]
    UnsupportedScheme {
        /// The address as typed.
        url: String,
        /// The scheme it uses (`ftp`, …).
        scheme: String,
    },
    /// Plain `http` to another machine; it holds the address as typed.
    #[error(
        "'{0}' uses plain http to another machine; the staff password and token would cross the \
         network unencrypted. Use https (plain http is only allowed to this computer)"
    )]
    InsecureRemote(String),
    /// Live updates over plain `ws://` to another machine, which this computer's IT has not
    /// allowed in the system settings file.
    #[error(
        "live updates from '{0}' would come unencrypted over the network, where anyone on it \
         could read or fake them; turn on \"Encrypted (TLS)\" (unencrypted live updates are \
         only allowed from this computer, or where IT allows them in the system settings file)"
    )]
    InsecureLiveUpdates(String),
    /// The Pusher app key is empty.
    #[error("the Pusher app key is empty")]
    EmptyPusherKey,
    /// The Pusher host (or cluster) is empty.
    #[error("the Pusher host is empty")]
    EmptyPusherHost,
    /// The platform has no data folder for the desk and `HOTELMATE_DATA_DIR` is not set.
    #[error("no folder for the desk's data could be found; set {DATA_DIR_ENV}")]
    NoDataDir,
    /// The data folder could not be made readable by this user only.
    #[error("the desk's data in '{path}' cannot be made private to this user: {reason}")]
    NotPrivate {
        /// The folder or file that could not be made private.
        path: String,
        /// The system's reason.
        reason: String,
    },
}

/// The validated base URL of a HotelMate API, always ending in `/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ApiBase(Url);

impl ApiBase {
    /// Parses and checks a user-typed server address.
    ///
    /// ```
    /// use hotelmate_core::session::config::ApiBase;
    /// assert!(ApiBase::parse("https://hotel.example.com").is_ok());
    /// assert!(ApiBase::parse("http://127.0.0.1:8000").is_ok());
    /// assert!(ApiBase::parse("http://hotel.example.com").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Self, ConfigError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(ConfigError::EmptyUrl);
        }
        let mut url = Url::parse(trimmed).map_err(|_| ConfigError::NotAUrl(trimmed.to_owned()))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => return Err(ConfigError::InsecureRemote(trimmed.to_owned())),
            other => {
                return Err(ConfigError::UnsupportedScheme {
                    url: trimmed.to_owned(),
                    scheme: other.to_owned(),
                })
            }
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(ConfigError::NotAUrl(trimmed.to_owned()));
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        url.set_query(None);
        url.set_fragment(None);
        Ok(Self(url))
    }

    /// Joins a relative API path such as `api/staff/login/`.
    pub(crate) fn join(&self, path: &str) -> Url {
        // The base always ends in '/', and callers pass relative paths, so this cannot fail
        // except on a malformed literal; fall back to the base to keep the type infallible.
        self.0
            .join(path.trim_start_matches('/'))
            .unwrap_or_else(|_| self.0.clone())
    }

    pub(crate) fn url(&self) -> &Url {
        &self.0
    }

    pub(crate) fn host(&self) -> String {
        self.0.host_str().unwrap_or_default().to_owned()
    }
}

impl TryFrom<String> for ApiBase {
    type Error = ConfigError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ApiBase> for String {
    fn from(value: ApiBase) -> Self {
        value.0.to_string()
    }
}

impl std::fmt::Display for ApiBase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_str())
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Where the desk's Pusher socket connects (API.md Decision 9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PusherEndpoint {
    /// Pusher's hosted service: `wss://ws-<cluster>.pusher.com:443/app/<key>`.
    Hosted {
        /// The Pusher app key.
        key: String,
        /// The Pusher cluster, the `<cluster>` in the host name.
        cluster: String,
    },
    /// A self-hosted Pusher-protocol server (sockudo, soketi, the demo hotel).
    SelfHosted {
        /// The Pusher app key.
        key: String,
        /// The server's host name or address.
        host: String,
        /// The server's port.
        port: u16,
        /// Whether to connect with TLS (`wss://`) rather than plain `ws://`.
        tls: bool,
    },
}

impl PusherEndpoint {
    /// Checks the settings; plain `ws://` is taken only from this computer, unless
    /// `unencrypted_allowed` (this computer's IT said so in the system settings file).
    pub(crate) fn validate(&self, unencrypted_allowed: bool) -> Result<(), ConfigError> {
        let (key, host) = match self {
            Self::Hosted { key, cluster } => (key, cluster),
            Self::SelfHosted { key, host, .. } => (key, host),
        };
        if key.trim().is_empty() {
            return Err(ConfigError::EmptyPusherKey);
        }
        if host.trim().is_empty() {
            return Err(ConfigError::EmptyPusherHost);
        }
        if let Self::SelfHosted {
            host, tls: false, ..
        } = self
        {
            let bare = host.trim().trim_start_matches('[').trim_end_matches(']');
            let local = bare.eq_ignore_ascii_case("localhost")
                || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if !local && !unencrypted_allowed {
                return Err(ConfigError::InsecureLiveUpdates(host.clone()));
            }
            if !local {
                tracing::warn!(
                    host,
                    "live updates come unencrypted, as this computer's system settings allow"
                );
            }
        }
        Ok(())
    }
}

/// The folder the desk keeps its database and its media cache in.
#[derive(Debug, Clone)]
pub struct DataDir(PathBuf);

impl DataDir {
    /// `$HOTELMATE_DATA_DIR` if set, else the platform's data folder
    /// (`~/.local/share/hotelmate-desk` on Linux).
    pub fn from_env() -> Result<Self, ConfigError> {
        if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            return Ok(Self(PathBuf::from(dir)));
        }
        directories::ProjectDirs::from("ie", "HotelMate", "hotelmate-desk")
            .map(|dirs| Self(dirs.data_dir().to_path_buf()))
            .ok_or(ConfigError::NoDataDir)
    }

    /// The data folder at `path` (tests and portable runs choose their own).
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self(path.into())
    }

    /// The folder itself.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The desk's SQLite database.
    pub fn database(&self) -> PathBuf {
        self.0.join("desk.sqlite3")
    }

    /// Where the demo hotel keeps its own data.
    pub fn demo_hotel(&self) -> PathBuf {
        self.0.join("demo-hotel")
    }

    /// The cache of images prepared for upload (guests' files waiting to be sent are under it).
    pub fn media(&self) -> PathBuf {
        self.0.join("media")
    }

    /// Every image the desk has shown, kept so photos show offline.
    pub fn images(&self) -> PathBuf {
        self.0.join("images")
    }

    /// The desk's log files.
    pub fn logs(&self) -> PathBuf {
        self.0.join("logs")
    }

    /// The web view's own data (its storage and caches): inside the data folder, so it is
    /// private like the rest and moves with `HOTELMATE_DATA_DIR` (WebKit's default,
    /// `$XDG_DATA_HOME/ie.hotelmate.desk`, was 0755 and shared by every desk of the user).
    pub fn webview(&self) -> PathBuf {
        self.0.join("webview")
    }

    /// Only this user may read the desk's data (guest conversations, the display PIN's hash):
    /// the folder and every folder in it 0700, every file 0600. Made so if missing, and put
    /// right at every start for data made before (or by a copy that kept wider modes).
    pub fn keep_private(&self) -> Result<(), ConfigError> {
        private::create_dir(&self.0).map_err(|err| self.not_private(&self.0, &err))?;
        private::tighten(&self.0).map_err(|(path, err)| self.not_private(&path, &err))
    }

    fn not_private(&self, path: &Path, err: &std::io::Error) -> ConfigError {
        ConfigError::NotPrivate {
            path: path.display().to_string(),
            reason: err.to_string(),
        }
    }
}

/// File modes of the desk's private data (Unix; elsewhere the user's profile folder is private
/// already).
pub(crate) mod private {
    use std::path::{Path, PathBuf};

    /// Creates `dir` (and its parents) readable by this user only.
    pub(crate) fn create_dir(dir: &Path) -> std::io::Result<()> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)
    }

    /// Creates an empty file readable by this user only, unless it exists. An existing file is
    /// never opened here: closing a second descriptor of a database this process has open would
    /// drop SQLite's POSIX locks on it.
    pub(crate) fn create_file(path: &Path) -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(_) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// Every folder under `dir` (itself included) 0700, every file 0600; links are left alone
    /// (never followed). Returns the path that could not be changed.
    pub(crate) fn tighten(dir: &Path) -> Result<(), (PathBuf, std::io::Error)> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mut pending = vec![dir.to_path_buf()];
            while let Some(folder) = pending.pop() {
                set_mode(&folder, 0o700)?;
                let entries = std::fs::read_dir(&folder).map_err(|e| (folder.clone(), e))?;
                for entry in entries {
                    let entry = entry.map_err(|e| (folder.clone(), e))?;
                    let path = entry.path();
                    let meta = std::fs::symlink_metadata(&path).map_err(|e| (path.clone(), e))?;
                    if meta.is_dir() {
                        pending.push(path);
                    } else if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
                        set_mode(&path, 0o600)?;
                    }
                }
            }
        }
        #[cfg(not(unix))]
        let _ = dir;
        Ok(())
    }

    #[cfg(unix)]
    fn set_mode(path: &Path, mode: u32) -> Result<(), (PathBuf, std::io::Error)> {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::symlink_metadata(path).map_err(|e| (path.to_path_buf(), e))?;
        if meta.permissions().mode() & 0o777 != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
                .map_err(|e| (path.to_path_buf(), e))?;
        }
        Ok(())
    }
}

/// Why a feed address was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FeedAddressError {
    /// Not an address at all.
    #[error("'{0}' is not a web address")]
    NotAnAddress(String),
    /// Plain http to another computer: the feed must be https.
    #[error("'{0}' is unencrypted; the update feed must start with https://")]
    Unencrypted(String),
}

/// Checks a feed address: https, or http only to this computer itself (a feed served locally).
pub fn feed_address(text: &str) -> Result<Url, FeedAddressError> {
    let text = text.trim();
    let url = Url::parse(text).map_err(|_| FeedAddressError::NotAnAddress(text.to_owned()))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(FeedAddressError::Unencrypted(text.to_owned())),
        _ => Err(FeedAddressError::NotAnAddress(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_to_this_computer_are_accepted() {
        for ok in [
            "https://api.hotelmate.ie",
            "http://127.0.0.1:8000",
            "http://localhost:8000/",
            "http://[::1]:9000",
            "  https://api.hotelmate.ie/base  ",
        ] {
            assert!(ApiBase::parse(ok).is_ok(), "{ok} should be accepted");
        }
    }

    #[test]
    fn plain_http_to_another_machine_is_refused_with_the_reason() {
        let err = ApiBase::parse("http://hotel.example.com").unwrap_err();
        assert!(matches!(err, ConfigError::InsecureRemote(_)));
        assert!(err.to_string().contains("unencrypted"));
        assert!(matches!(
            ApiBase::parse("http://192.168.1.20:8000"),
            Err(ConfigError::InsecureRemote(_))
        ));
    }

    #[test]
    fn addresses_that_are_not_http_are_refused() {
        assert_eq!(ApiBase::parse("   "), Err(ConfigError::EmptyUrl));
        assert!(matches!(
            ApiBase::parse("hotel.example.com"),
            Err(ConfigError::NotAUrl(_))
        ));
        assert!(matches!(
            ApiBase::parse("ftp://hotel.example.com"),
            Err(ConfigError::UnsupportedScheme { .. })
        ));
        assert!(matches!(
            ApiBase::parse("file:///etc/passwd"),
            Err(ConfigError::UnsupportedScheme { .. })
        ));
    }

    #[test]
    fn api_paths_join_below_the_base_path() {
        let base = ApiBase::parse("https://example.com/hotelmate").unwrap();
        assert_eq!(
            base.join("/api/staff/login/").as_str(),
            "https://example.com/hotelmate/api/staff/login/"
        );
    }

    #[test]
    fn pusher_settings_need_a_key_and_a_host() {
        let hosted = PusherEndpoint::Hosted {
            key: " ".into(),
            cluster: "eu".into(),
        };
        assert_eq!(hosted.validate(false), Err(ConfigError::EmptyPusherKey));
        let own = PusherEndpoint::SelfHosted {
            key: "k".into(),
            host: String::new(),
            port: 6001,
            tls: false,
        };
        assert_eq!(own.validate(false), Err(ConfigError::EmptyPusherHost));
    }

    /// Issue 36.7: plain-text live updates were accepted from any host. Tried: a LAN address,
    /// a name, loopback in three spellings, TLS to a LAN host, and IT's explicit allowance.
    #[test]
    fn unencrypted_live_updates_come_only_from_this_computer_unless_it_allows_them() {
        let plain = |host: &str, tls: bool| PusherEndpoint::SelfHosted {
            key: "k".into(),
            host: host.into(),
            port: 6001,
            tls,
        };
        for remote in ["192.168.1.20", "pusher.hotel.lan"] {
            let err = plain(remote, false).validate(false).unwrap_err();
            assert!(
                matches!(err, ConfigError::InsecureLiveUpdates(_)),
                "{err:?}"
            );
            assert!(err.to_string().contains("Encrypted (TLS)"), "{err}");
            assert_eq!(plain(remote, true).validate(false), Ok(()));
            assert_eq!(plain(remote, false).validate(true), Ok(()), "IT's choice");
        }
        for local in ["127.0.0.1", "localhost", "::1", "[::1]"] {
            assert_eq!(plain(local, false).validate(false), Ok(()), "{local}");
        }
    }
}
