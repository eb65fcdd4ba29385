//! The offered package: downloaded to a temporary file (never held in memory), at most the size
//! its feed or its host declares and never more than [`MAX_PACKAGE_BYTES`], within
//! [`Limits::download_timeout`](super::Limits); verified as it arrives against the release
//! key's minisign signature, which must name the version offered; then installed with the
//! package manager (through `pkexec` unless the desk runs as root).

use std::path::Path;

use hotelmate_core::updates::{PackageKind, UpdateError};
use minisign_verify::{PublicKey, Signature};
use tokio::io::AsyncWriteExt;

use super::feed::Offer;
use super::http::{client, Capped, ReadError};
use super::Limits;

/// No package is read past this, whatever its feed or host says: a Tauri desktop package is
/// tens of MB, and a download that never ends grew the desk ~43 MB/s before issue 63.5. It goes
/// to a temporary file, so this bounds the disk, not the memory.
pub const MAX_PACKAGE_BYTES: u64 = 256 * 1024 * 1024;

/// A package downloaded and verified, in a temporary file removed when this is dropped.
pub struct Verified(tempfile::TempPath);

/// Downloads `offer`'s package, verifying it against `pubkey` (base64, as `tauri signer
/// generate` writes it) as it arrives; `progress` is told the bytes received so far and the
/// total when known.
///
/// # Errors
/// [`UpdateError::NotReached`] when the host fails, stalls or the time runs out;
/// [`UpdateError::TooLarge`] when the package passes its declared size or the ceiling;
/// [`UpdateError::NotVerified`] when it does not match its signature, the key or the version;
/// [`UpdateError::BadFeed`] when the host redirects elsewhere or answers another error;
/// [`UpdateError::NotInstalled`] when the temporary file cannot be written.
pub async fn download(
    offer: &Offer,
    pubkey: &str,
    limits: &Limits,
    mut progress: impl FnMut(u64, Option<u64>),
) -> Result<Verified, UpdateError> {
    let key = PublicKey::decode(&base64_text(pubkey)?).map_err(not_verified)?;
    let signature = Signature::decode(&base64_text(&offer.signature)?).map_err(not_verified)?;
    // Only prehashed signatures (every `tauri signer` and minisign since 0.8) verify in a stream.
    let mut verifier = key.verify_stream(&signature).map_err(not_verified)?;
    let client = client(limits.download_timeout, limits.download_stall)?;
    let response = client
        .get(offer.url.clone())
        .header(reqwest::header::ACCEPT, "application/octet-stream")
        .send()
        .await
        .map_err(|error| failed(error.into()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(if status.is_server_error() {
            UpdateError::NotReached(format!("the package's host answered {status}"))
        } else {
            UpdateError::BadFeed(format!("the package's host answered {status}"))
        });
    }
    let declared = offer.size.or(response.content_length());
    let limit = declared.map_or(limits.package_bytes, |size| size.min(limits.package_bytes));
    let mut body = Capped::new(response, limit).map_err(failed)?;
    let (file, path) = tempfile::Builder::new()
        .prefix("hotelmate-desk-update-")
        .tempfile()
        .map_err(not_written)?
        .into_parts();
    let mut file = tokio::fs::File::from_std(file);
    let mut received = 0u64;
    while let Some(chunk) = body.chunk().await.map_err(failed)? {
        verifier.update(&chunk);
        file.write_all(&chunk).await.map_err(not_written)?;
        received += chunk.len() as u64;
        progress(received, declared);
    }
    file.flush().await.map_err(not_written)?;
    drop(file);
    verifier.finalize().map_err(not_verified)?;
    // The trusted comment is the key's word only now that its global signature verified.
    let signed = signature
        .trusted_comment()
        .split('\t')
        .find_map(|field| field.strip_prefix("version:"))
        .map(|version| semver::Version::parse(version.trim_start_matches('v')));
    match signed {
        Some(Ok(version)) if version == offer.version => Ok(Verified(path)),
        _ => Err(UpdateError::NotVerified(format!(
            "the signature does not name version {}",
            offer.version
        ))),
    }
}

impl Verified {
    /// Installs the package with `kind`'s manager, through `pkexec` unless `root` (which may
    /// ask for an administrator's password meanwhile: run it off the async threads).
    ///
    /// # Errors
    /// [`UpdateError::NotInstalled`] when the file is not a `kind` package or its manager
    /// (or the administrator) refused it.
    pub fn install(&self, kind: PackageKind, root: bool) -> Result<(), UpdateError> {
        let (manager, action, magic): (&str, &str, &[u8]) = match kind {
            PackageKind::Deb => ("dpkg", "-i", b"!<arch>\ndebian-binary"),
            PackageKind::Rpm => ("rpm", "-U", &[0xED, 0xAB, 0xEE, 0xDB]),
        };
        let mut start = [0u8; 21];
        let read = std::fs::File::open(&self.0)
            .and_then(|mut file| std::io::Read::read(&mut file, &mut start))
            .map_err(not_written)?;
        if !start[..read].starts_with(magic) {
            return Err(UpdateError::NotInstalled(format!(
                "the file is not a {manager} package"
            )));
        }
        let mut command = if root {
            std::process::Command::new(manager)
        } else {
            let mut pkexec = std::process::Command::new("pkexec");
            pkexec.arg(manager);
            pkexec
        };
        let status = command
            .arg(action)
            .arg(Path::new(&*self.0))
            .status()
            .map_err(not_written)?;
        if status.success() {
            Ok(())
        } else {
            Err(UpdateError::NotInstalled(format!(
                "{manager} {action}: {status}"
            )))
        }
    }
}

/// A read of the package that failed, in the update's terms.
fn failed(error: ReadError) -> UpdateError {
    match error {
        ReadError::Network(error) => UpdateError::NotReached(error.to_string()),
        ReadError::TooLarge(limit) => {
            UpdateError::TooLarge(format!("the package is over {limit} bytes"))
        }
        other @ ReadError::Redirect(_) => UpdateError::BadFeed(other.to_string()),
    }
}

fn base64_text(text: &str) -> Result<String, UpdateError> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|error| UpdateError::NotVerified(error.to_string()))?;
    String::from_utf8(bytes).map_err(|error| UpdateError::NotVerified(error.to_string()))
}

fn not_verified(error: minisign_verify::Error) -> UpdateError {
    UpdateError::NotVerified(error.to_string())
}

fn not_written(error: std::io::Error) -> UpdateError {
    UpdateError::NotInstalled(error.to_string())
}
