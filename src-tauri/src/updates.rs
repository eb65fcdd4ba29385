//! The desk's own updates, through Tauri's updater plugin: reads the feed the core names (with
//! the key that must have signed the file), downloads the file and lets the plugin verify it,
//! then installs it with the package manager where this computer allows, or says what to ask
//! IT. Not for: where the feed is or what is said (the core's `updates`).

use std::sync::Mutex;
use std::time::Duration;

use hotelmate_core::updates::{
    package_file, InstallRights, PackageKind, UpdateError, UpdateSource, UpdateStatus, UPDATES_OFF,
};
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};

/// How long the feed has to answer a check.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(15);
/// How long the whole download may take (a package of tens of MB on a slow hotel line).
pub const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Owns what the feed offered and what the About box shows; one per desk.
pub struct Updates {
    inner: Mutex<Inner>,
    rights: InstallRights,
    check_timeout: Duration,
}

struct Inner {
    status: UpdateStatus,
    offered: Option<Update>,
}

impl Updates {
    /// Updates on a computer with these `rights`, a check given `check_timeout` to answer.
    pub fn new(rights: InstallRights, check_timeout: Duration) -> Self {
        Self {
            inner: Mutex::new(Inner {
                status: UpdateStatus::NotChecked,
                offered: None,
            }),
            rights,
            check_timeout,
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

    /// Asks `source`'s feed for a newer version. Without a feed or a key, or with a feed that
    /// does not answer, nothing changes and the status says so calmly.
    pub async fn check<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        source: UpdateSource,
    ) -> UpdateStatus {
        let (Some(feed), Some(pubkey)) = (source.feed, source.pubkey) else {
            return self.show(UpdateStatus::Off {
                message: UPDATES_OFF.into(),
            });
        };
        self.show(UpdateStatus::Checking);
        let updater = app
            .updater_builder()
            .endpoints(vec![feed])
            .map(|builder| builder.pubkey(pubkey).timeout(self.check_timeout).build());
        let found = match updater {
            Ok(Ok(updater)) => updater.check().await,
            Ok(Err(error)) | Err(error) => Err(error),
        };
        match found {
            Ok(Some(mut update)) => {
                update.timeout = Some(DOWNLOAD_TIMEOUT);
                let file = package_file(&update.download_url, &update.version);
                let status = UpdateStatus::Available {
                    ask_it: self.rights.ask_it(&update.version, &file),
                    version: update.version.clone(),
                    notes: update.body.clone().filter(|n| !n.trim().is_empty()),
                    file,
                };
                let mut inner = self.lock();
                inner.offered = Some(update);
                inner.status = status.clone();
                status
            }
            Ok(None) => {
                self.lock().offered = None;
                self.show(UpdateStatus::UpToDate {
                    message: format!(
                        "HotelMate Desk {} is the newest version.",
                        app.package_info().version
                    ),
                })
            }
            Err(error) => {
                let error = classify(error);
                tracing::info!(%error, "no update check");
                self.show(error.status(None))
            }
        }
    }

    /// Downloads the offered version, which the plugin verifies against its signature, and
    /// installs it where this computer allows; otherwise says what to ask IT. A file that fails
    /// its signature is never installed.
    pub async fn install(&self) -> UpdateStatus {
        let Some(update) = self.lock().offered.clone() else {
            return self.status();
        };
        let version = update.version.clone();
        self.show(UpdateStatus::Downloading {
            version: version.clone(),
            received: 0,
            total: None,
        });
        let mut received = 0u64;
        let downloaded = update
            .download(
                |chunk, total| {
                    received += chunk as u64;
                    self.show(UpdateStatus::Downloading {
                        version: version.clone(),
                        received,
                        total,
                    });
                },
                || {},
            )
            .await;
        let bytes = match downloaded {
            Ok(bytes) => bytes,
            Err(error) => {
                let error = classify(error);
                tracing::warn!(%error, version, "update not installed");
                return self.show(
                    match error {
                        UpdateError::NotReached(_) => UpdateError::NotInstalled(error.to_string()),
                        other => other,
                    }
                    .status(Some(&version)),
                );
            }
        };
        let file = package_file(&update.download_url, &version);
        if let Some(message) = self.rights.ask_it(&version, &file) {
            return self.show(UpdateStatus::AskIt { version, message });
        }
        // The package manager runs (and may ask for an administrator's password) meanwhile.
        let installed = tauri::async_runtime::spawn_blocking(move || update.install(bytes)).await;
        let result = match installed {
            Ok(result) => result.map_err(classify),
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

/// The plugin's failure in the core's terms.
fn classify(error: tauri_plugin_updater::Error) -> UpdateError {
    use tauri_plugin_updater::Error as E;
    let words = error.to_string();
    match error {
        E::Reqwest(_) | E::Network(_) | E::Io(_) => UpdateError::NotReached(words),
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => UpdateError::NotVerified(words),
        E::PackageInstallFailed
        | E::DebInstallFailed
        | E::AuthenticationFailed
        | E::InvalidUpdaterFormat
        | E::TempDirNotFound => UpdateError::NotInstalled(words),
        _ => UpdateError::BadFeed(words),
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

#[cfg(test)]
mod tests {
    //! The real plugin in Tauri's mock app, against a feed this test serves on 127.0.0.1 and a
    //! key pair made here (no private key is ever kept).

    use super::*;
    use base64::Engine;
    use std::time::Instant;
    use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};

    const VERSION: &str = "99.0.0";
    const FILE: &str = "hotelmate-desk_99.0.0_amd64.deb";
    const VERIFY_FAILED: &str = "The update could not be verified, so it was not installed.";

    /// The mock app with the updater plugin configured as tauri.conf.json configures it.
    fn app() -> tauri::App<MockRuntime> {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).expect("tauri.conf.json");
        let mut context = mock_context(noop_assets());
        context
            .config_mut()
            .plugins
            .0
            .insert("updater".into(), conf["plugins"]["updater"].clone());
        mock_builder()
            .plugin(tauri_plugin_updater::Builder::new().build())
            .build(context)
            .expect("the mock app")
    }

    /// A key pair made for this test: the public key as the desk takes it, and the signature
    /// (with the version in its trusted comment, as the desk requires) of `bytes`.
    fn signed(bytes: &[u8]) -> (String, String) {
        let keys = minisign::KeyPair::generate_unencrypted_keypair().expect("a key pair");
        let comment = format!("timestamp:1700000000\tfile:{FILE}\tversion:{VERSION}");
        let signature = minisign::sign(Some(&keys.pk), &keys.sk, bytes, Some(&comment), None)
            .expect("a signature");
        let b64 = |text: String| base64::engine::general_purpose::STANDARD.encode(text);
        let pubkey = keys.pk.to_box().expect("the public key").to_string();
        (b64(pubkey), b64(signature.to_string()))
    }

    /// Serves a feed offering [`VERSION`] with `signature`, and `served` as its file.
    async fn feed(signature: String, served: Vec<u8>) -> url::Url {
        use axum::routing::get;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let address = listener.local_addr().expect("its address");
        let manifest = serde_json::json!({
            "version": VERSION,
            "notes": "Room types can be copied.",
            "pub_date": "2026-05-01T09:00:00Z",
            "platforms": {
                "linux-x86_64": {
                    "url": format!("http://{address}/files/{FILE}"),
                    "signature": signature,
                }
            }
        });
        let router = axum::Router::new()
            .route(
                "/feed.json",
                get(move || async move { axum::Json(manifest) }),
            )
            .route(
                &format!("/files/{FILE}"),
                get(move || async move { served }),
            );
        tokio::spawn(async move { axum::serve(listener, router).await });
        url::Url::parse(&format!("http://{address}/feed.json")).expect("the feed's address")
    }

    /// A computer where the desk may not install (not root, no pkexec).
    fn locked_down() -> InstallRights {
        InstallRights {
            package: Some(PackageKind::Deb),
            package_manager: true,
            root: false,
            pkexec: false,
        }
    }

    fn package() -> Vec<u8> {
        let mut bytes = b"!<arch>\ndebian-binary   ".to_vec();
        bytes.extend((0..64 * 1024).map(|i| (i % 251) as u8));
        bytes
    }

    #[tokio::test]
    async fn an_update_is_found_verified_and_left_to_it_where_the_desk_may_not_install() {
        let app = app();
        let bytes = package();
        let (pubkey, signature) = signed(&bytes);
        let source = UpdateSource {
            feed: Some(feed(signature, bytes).await),
            pubkey: Some(pubkey),
        };
        let updates = Updates::new(locked_down(), CHECK_TIMEOUT);

        let found = updates.check(app.handle(), source).await;
        let ask_it = format!("Ask your IT to install version {VERSION} ({FILE}).");
        assert_eq!(
            found,
            UpdateStatus::Available {
                version: VERSION.into(),
                notes: Some("Room types can be copied.".into()),
                file: FILE.into(),
                ask_it: Some(ask_it.clone()),
            }
        );
        // Downloaded and verified; this computer lets only IT install it.
        assert_eq!(
            updates.install().await,
            UpdateStatus::AskIt {
                version: VERSION.into(),
                message: ask_it
            }
        );
    }

    #[tokio::test]
    async fn a_tampered_file_is_refused_with_words_and_never_installed() {
        let app = app();
        let bytes = package();
        let (pubkey, signature) = signed(&bytes);
        let mut tampered = bytes.clone();
        tampered[100] ^= 0x01;
        let source = UpdateSource {
            feed: Some(feed(signature, tampered).await),
            pubkey: Some(pubkey),
        };
        // Root: the desk would install a file that passed.
        let updates = Updates::new(
            InstallRights {
                root: true,
                ..locked_down()
            },
            CHECK_TIMEOUT,
        );
        assert!(matches!(
            updates.check(app.handle(), source).await,
            UpdateStatus::Available { ask_it: None, .. }
        ));
        assert_eq!(
            updates.install().await,
            UpdateStatus::Failed {
                version: Some(VERSION.into()),
                message: VERIFY_FAILED.into(),
                refused: true,
            }
        );
    }

    #[tokio::test]
    async fn a_file_signed_by_another_key_is_refused() {
        let app = app();
        let bytes = package();
        let (_, signature) = signed(&bytes);
        let (other_key, _) = signed(&bytes);
        let source = UpdateSource {
            feed: Some(feed(signature, bytes).await),
            pubkey: Some(other_key),
        };
        let updates = Updates::new(locked_down(), CHECK_TIMEOUT);
        updates.check(app.handle(), source).await;
        assert!(matches!(
            updates.install().await,
            UpdateStatus::Failed { refused: true, ref message, .. } if message == VERIFY_FAILED
        ));
    }

    #[tokio::test]
    async fn no_feed_or_no_key_changes_nothing_and_says_it_is_managed_by_it() {
        let app = app();
        let updates = Updates::new(locked_down(), CHECK_TIMEOUT);
        let off = UpdateStatus::Off {
            message: UPDATES_OFF.into(),
        };
        assert_eq!(
            updates.check(app.handle(), UpdateSource::default()).await,
            off
        );
        let no_key = UpdateSource {
            feed: url::Url::parse("https://updates.grandhotel.ie/desk.json").ok(),
            pubkey: None,
        };
        assert_eq!(updates.check(app.handle(), no_key).await, off);
        // Nothing offered, so nothing to install.
        assert_eq!(updates.install().await, off);
    }

    #[tokio::test]
    async fn a_feed_that_never_answers_is_given_up_calmly_within_its_timeout() {
        let app = app();
        // Accepts connections (the kernel's backlog) but never answers.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let address = silent.local_addr().expect("its address");
        let (pubkey, _) = signed(b"");
        let source = UpdateSource {
            feed: url::Url::parse(&format!("http://{address}/feed.json")).ok(),
            pubkey: Some(pubkey),
        };
        let updates = Updates::new(locked_down(), Duration::from_secs(2));
        let started = Instant::now();
        let status = updates.check(app.handle(), source).await;
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        let UpdateStatus::NotReached { message } = &status else {
            panic!("expected a calm 'not reached', got {status:?}");
        };
        assert_eq!(
            message,
            "Could not look for updates just now; the desk will look again later."
        );
        assert_eq!(updates.install().await, status, "nothing was offered");
        drop(silent);
    }
}
