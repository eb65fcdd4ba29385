//! The desk's own updates: reads the feed the core names (`feed`), downloads the package it
//! offers and verifies it against the key that must have signed it (`package`), then installs
//! it with the package manager where this computer allows, or says what to ask IT. Everything
//! read from outside is bounded in size and time, and a redirect is followed only within the
//! address's own server (`http`, issue 63.5). Not for: where the feed is or what is said (the
//! core's `updates`).
//!
//! Tauri's updater plugin did this before 63.5; it reads the feed and the package whole into
//! memory and follows any redirect, with no way to bound either, so the desk reads both itself
//! (reqwest, and minisign-verify for the signature, as the plugin did) and kept nothing of it:
//! what it still did is choosing this computer's package in the feed and running dpkg or rpm.

mod feed;
mod http;
mod package;
#[cfg(test)]
mod tests;

use std::sync::Mutex;
use std::time::Duration;

use hotelmate_core::updates::{
    package_file, InstallRights, PackageKind, UpdateError, UpdateSource, UpdateStatus, UPDATES_OFF,
};
use tauri::{AppHandle, Runtime};

pub use feed::{Offer, MAX_FEED_BYTES};
pub use package::MAX_PACKAGE_BYTES;

/// How long the feed has to answer a check, its whole answer included.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(15);
/// How long the whole download may take (a package of tens of MB on a slow hotel line).
pub const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// How long a download may go without a byte before it is given up.
pub const DOWNLOAD_STALL: Duration = Duration::from_secs(60);

/// What the desk reads of its updates, and how long it waits for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The feed's answer is refused past this many bytes.
    pub feed_bytes: u64,
    /// The feed's whole answer comes within this.
    pub check_timeout: Duration,
    /// No package is read past this many bytes, whatever is declared.
    pub package_bytes: u64,
    /// The whole download comes within this.
    pub download_timeout: Duration,
    /// A download silent this long is given up.
    pub download_stall: Duration,
}

impl Limits {
    /// The desk's own.
    pub const DESK: Self = Self {
        feed_bytes: MAX_FEED_BYTES,
        check_timeout: CHECK_TIMEOUT,
        package_bytes: MAX_PACKAGE_BYTES,
        download_timeout: DOWNLOAD_TIMEOUT,
        download_stall: DOWNLOAD_STALL,
    };
}

/// Owns what the feed offered and what the About box shows; one per desk.
pub struct Updates {
    inner: Mutex<Inner>,
    rights: InstallRights,
    limits: Limits,
}

struct Inner {
    status: UpdateStatus,
    /// What the feed offered, and the key its package must be signed with.
    offered: Option<(Offer, String)>,
}

impl Updates {
    /// Updates on a computer with these `rights`, read within `limits`.
    pub fn new(rights: InstallRights, limits: Limits) -> Self {
        Self {
            inner: Mutex::new(Inner {
                status: UpdateStatus::NotChecked,
                offered: None,
            }),
            rights,
            limits,
        }
    }

    /// What the About box shows now.
    pub fn status(&self) -> UpdateStatus {
        self.lock().status.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic elsewhere leaves nothing half-written here: the status is replaced whole.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn show(&self, status: UpdateStatus) -> UpdateStatus {
        self.lock().status = status.clone();
        status
    }

    /// Asks `source`'s feed for a version newer than `app`'s; see [`Self::look`].
    pub async fn check<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        source: UpdateSource,
    ) -> UpdateStatus {
        self.look(&app.package_info().version, source).await
    }

    /// Asks `source`'s feed for a version newer than `current`. Without a feed or a key, or
    /// with a feed that does not answer (or not as a feed should), nothing changes and the
    /// status says so calmly.
    pub async fn look(&self, current: &semver::Version, source: UpdateSource) -> UpdateStatus {
        let (Some(address), Some(pubkey)) = (source.feed, source.pubkey) else {
            return self.show(UpdateStatus::Off {
                message: UPDATES_OFF.into(),
            });
        };
        self.show(UpdateStatus::Checking);
        match feed::read(&address, current, self.rights.package, &self.limits).await {
            Ok(Some(offer)) => {
                let version = offer.version.to_string();
                let file = package_file(&offer.url, &version);
                let status = UpdateStatus::Available {
                    ask_it: self.rights.ask_it(&version, &file),
                    version,
                    notes: offer.notes.clone(),
                    file,
                };
                let mut inner = self.lock();
                inner.offered = Some((offer, pubkey));
                inner.status = status.clone();
                status
            }
            Ok(None) => {
                self.lock().offered = None;
                self.show(UpdateStatus::UpToDate {
                    message: format!("HotelMate Desk {current} is the newest version."),
                })
            }
            Err(error) => {
                tracing::info!(%error, class = ?error.class(), "no update check");
                self.show(error.status(None))
            }
        }
    }

    /// Downloads the offered version, verifying it against its signature, and installs it
    /// where this computer allows; otherwise says what to ask IT. A file that fails its
    /// signature, or is larger than declared, is never installed.
    pub async fn install(&self) -> UpdateStatus {
        let Some((offer, pubkey)) = self.lock().offered.clone() else {
            return self.status();
        };
        let version = offer.version.to_string();
        self.show(UpdateStatus::Downloading {
            version: version.clone(),
            received: 0,
            total: None,
        });
        let downloaded = package::download(&offer, &pubkey, &self.limits, |received, total| {
            self.show(UpdateStatus::Downloading {
                version: version.clone(),
                received,
                total,
            });
        })
        .await;
        let verified = match downloaded {
            Ok(verified) => verified,
            Err(error) => {
                tracing::warn!(%error, class = ?error.class(), version, "update not installed");
                return self.show(
                    match error {
                        UpdateError::NotReached(_) => UpdateError::NotInstalled(error.to_string()),
                        other => other,
                    }
                    .status(Some(&version)),
                );
            }
        };
        let file = package_file(&offer.url, &version);
        let (None, Some(kind)) = (self.rights.ask_it(&version, &file), self.rights.package) else {
            // `ask_it` has words whenever the desk may not install (no package kind included).
            let message = self.rights.ask_it(&version, &file).unwrap_or_default();
            return self.show(UpdateStatus::AskIt { version, message });
        };
        let root = self.rights.root;
        // The package manager runs (and may ask for an administrator's password) meanwhile.
        let installed =
            tauri::async_runtime::spawn_blocking(move || verified.install(kind, root)).await;
        let result = match installed {
            Ok(result) => result,
            Err(error) => Err(UpdateError::NotInstalled(error.to_string())),
        };
        match result {
            Ok(()) => {
                self.lock().offered = None;
                self.show(UpdateStatus::Installed {
                    message: format!(
                        "Version {version} is installed; it starts the next time the desk opens."
                    ),
                    version,
                })
            }
            Err(error) => {
                tracing::warn!(%error, version, "update not installed");
                self.show(error.status(Some(&version)))
            }
        }
    }
}

/// What this computer allows: the package the desk came from (Tauri's bundler marks the
/// binary it puts in a .deb or .rpm), its package manager, root or pkexec.
pub fn install_rights() -> InstallRights {
    use tauri::utils::{config::BundleType, platform::bundle_type};
    let package = match bundle_type() {
        Some(BundleType::Deb) => Some(PackageKind::Deb),
        Some(BundleType::Rpm) => Some(PackageKind::Rpm),
        _ => None,
    };
    let manager = match package {
        Some(PackageKind::Deb) => "dpkg",
        Some(PackageKind::Rpm) => "rpm",
        None => "",
    };
    InstallRights {
        package,
        package_manager: !manager.is_empty() && on_path(manager),
        root: is_root(),
        pkexec: on_path("pkexec"),
    }
}

#[cfg(unix)]
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the process's effective user.
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[cfg(not(unix))]
fn is_root() -> bool {
    false
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}
