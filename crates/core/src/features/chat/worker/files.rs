//! Files waiting to be sent with a reply, kept by content hash until they are sent, and the
//! server's word on who handles a conversation.

use serde_json::Value;

/// Keeps a file to be sent with a reply until it is sent: `<files>/<sha256>`.
pub(crate) fn keep_file(folder: &std::path::Path, bytes: &[u8]) -> Result<String, std::io::Error> {
    use sha2::Digest;
    let key = hex::encode(sha2::Sha256::digest(bytes));
    std::fs::create_dir_all(folder)?;
    let path = folder.join(&key);
    if !path.exists() {
        let partial = folder.join(format!("{key}.partial"));
        std::fs::write(&partial, bytes)?;
        std::fs::rename(&partial, &path)?;
    }
    Ok(key)
}

pub(crate) fn read_file(folder: &std::path::Path, key: &str) -> Result<Vec<u8>, String> {
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("a waiting file has a damaged name ({key})"));
    }
    std::fs::read(folder.join(key)).map_err(|err| format!("a waiting file cannot be read: {err}"))
}

pub(crate) fn remove_file(folder: &std::path::Path, key: &str) {
    if key.bytes().all(|b| b.is_ascii_hexdigit()) {
        if let Err(err) = std::fs::remove_file(folder.join(key)) {
            tracing::debug!(error = %err, "a sent file was not removed");
        }
    }
}

/// The server's answer to taking a conversation over, as who handles it now.
pub(crate) fn assigned_name(answer: &Value) -> Option<String> {
    answer
        .get("assigned_staff")
        .and_then(|s| s.get("name"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
}
