//! The update feed: read within [`Limits`](super::Limits) (at most [`MAX_FEED_BYTES`]), in
//! Tauri's updater format (`version`, `notes`, `pub_date`, and per platform the package's `url`
//! and `signature`; a platform may also say the package's `size` in bytes, which the download
//! then holds it to), and what it offers this desk.

use std::collections::HashMap;

use hotelmate_core::updates::{feed_address, PackageKind, UpdateError};
use serde::Deserialize;
use url::Url;

use super::http::{client, Capped, ReadError};
use super::Limits;

/// A feed is a few hundred bytes and its notes: a megabyte is a thousand times that, and all
/// the desk reads (a 1.5 GB feed took the desk to 3.2 GB before issue 63.5).
pub const MAX_FEED_BYTES: u64 = 1024 * 1024;

/// What a feed offers this desk: a newer version and where its package is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The version offered.
    pub version: semver::Version,
    /// Its notes, when the feed has any.
    pub notes: Option<String>,
    /// The package's address (https, or http on this computer).
    pub url: Url,
    /// Its minisign signature, base64, as `tauri signer sign` writes it.
    pub signature: String,
    /// The package's size in bytes, when the feed says it.
    pub size: Option<u64>,
}

#[derive(Deserialize)]
struct Feed {
    version: String,
    notes: Option<String>,
    #[serde(default)]
    platforms: HashMap<String, Platform>,
}

#[derive(Deserialize)]
struct Platform {
    url: String,
    signature: String,
    size: Option<u64>,
}

/// Reads `feed` and what it offers a desk of version `current` installed from `package`:
/// `None` when nothing newer is offered (or the feed answers 204 No Content).
///
/// # Errors
/// [`UpdateError::NotReached`] when the feed does not answer in time or answers 408, 429 or
/// 5xx; [`UpdateError::BadFeed`] when its answer is over [`Limits::feed_bytes`], redirects
/// elsewhere, is another error or is not a feed for this desk.
pub async fn read(
    feed: &Url,
    current: &semver::Version,
    package: Option<PackageKind>,
    limits: &Limits,
) -> Result<Option<Offer>, UpdateError> {
    let client = client(limits.check_timeout, limits.check_timeout)?;
    let response = client
        .get(feed.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|error| failed(error.into()))?;
    let status = response.status();
    if status == reqwest::StatusCode::NO_CONTENT {
        return Ok(None);
    }
    if status.is_server_error()
        || status == reqwest::StatusCode::TOO_MANY_REQUESTS
        || status == reqwest::StatusCode::REQUEST_TIMEOUT
    {
        return Err(UpdateError::NotReached(format!(
            "the feed answered {status}"
        )));
    }
    if !status.is_success() {
        return Err(UpdateError::BadFeed(format!("the feed answered {status}")));
    }
    let body = Capped::new(response, limits.feed_bytes)
        .map_err(failed)?
        .all()
        .await
        .map_err(failed)?;
    offer(&body, current, package)
}

/// A read of the feed that failed: the network's failure is transient, the rest say the feed
/// cannot serve this desk.
fn failed(error: ReadError) -> UpdateError {
    match error {
        ReadError::Network(error) => UpdateError::NotReached(error.to_string()),
        other => UpdateError::BadFeed(other.to_string()),
    }
}

/// What `body` (a feed) offers a desk of version `current` installed from `package`.
fn offer(
    body: &[u8],
    current: &semver::Version,
    package: Option<PackageKind>,
) -> Result<Option<Offer>, UpdateError> {
    let feed: Feed =
        serde_json::from_slice(body).map_err(|error| UpdateError::BadFeed(error.to_string()))?;
    let version = semver::Version::parse(feed.version.trim().trim_start_matches('v'))
        .map_err(|error| UpdateError::BadFeed(format!("version {:?}: {error}", feed.version)))?;
    if version <= *current {
        return Ok(None);
    }
    let targets = targets(package);
    let Some(platform) = targets.iter().find_map(|target| feed.platforms.get(target)) else {
        return Err(UpdateError::BadFeed(format!(
            "no package for {}",
            targets.join(" or ")
        )));
    };
    let url = feed_address(&platform.url)
        .map_err(|error| UpdateError::BadFeed(format!("the package's address: {error}")))?;
    Ok(Some(Offer {
        version,
        notes: feed.notes.filter(|notes| !notes.trim().is_empty()),
        url,
        signature: platform.signature.clone(),
        size: platform.size,
    }))
}

/// The feed's names for this computer, the most precise first (Tauri's: `linux-x86_64-deb`,
/// then `linux-x86_64`).
fn targets(package: Option<PackageKind>) -> Vec<String> {
    let arch = match std::env::consts::ARCH {
        "x86" => "i686",
        "arm" => "armv7",
        other => other,
    };
    let platform = format!("{}-{arch}", std::env::consts::OS);
    let installer = match package {
        Some(PackageKind::Deb) => Some("deb"),
        Some(PackageKind::Rpm) => Some("rpm"),
        None => None,
    };
    installer
        .map(|installer| format!("{platform}-{installer}"))
        .into_iter()
        .chain([platform])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(text: &str) -> semver::Version {
        semver::Version::parse(text).unwrap()
    }

    fn feed(version: &str, platforms: serde_json::Value) -> Vec<u8> {
        serde_json::json!({"version": version, "notes": "Notes", "platforms": platforms})
            .to_string()
            .into_bytes()
    }

    #[test]
    fn a_newer_version_for_this_computer_is_offered_with_its_declared_size() {
        let target = format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH);
        let body = feed(
            "v1.2.0",
            serde_json::json!({
                target.clone(): {"url": "https://u.example/a.deb", "signature": "s", "size": 1234},
                format!("{target}-rpm"): {"url": "https://u.example/a.rpm", "signature": "r"},
            }),
        );
        let deb = offer(&body, &version("1.1.9"), Some(PackageKind::Deb))
            .unwrap()
            .unwrap();
        assert_eq!(deb.version, version("1.2.0"));
        assert_eq!(deb.url.as_str(), "https://u.example/a.deb");
        assert_eq!(deb.size, Some(1234));
        let rpm = offer(&body, &version("1.1.9"), Some(PackageKind::Rpm))
            .unwrap()
            .unwrap();
        assert_eq!(rpm.url.as_str(), "https://u.example/a.rpm");
        assert_eq!(offer(&body, &version("1.2.0"), None).unwrap(), None);
    }

    #[test]
    fn a_feed_without_this_computer_or_with_a_plain_http_package_cannot_be_used() {
        let target = format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH);
        let elsewhere = feed(
            "2.0.0",
            serde_json::json!({"windows-x86_64": {"url": "https://u.example/a.msi", "signature": "s"}}),
        );
        let plain = feed(
            "2.0.0",
            serde_json::json!({target: {"url": "http://u.example/a.deb", "signature": "s"}}),
        );
        for body in [elsewhere, plain, b"[]".to_vec()] {
            assert!(matches!(
                offer(&body, &version("1.0.0"), None),
                Err(UpdateError::BadFeed(_))
            ));
        }
    }
}
