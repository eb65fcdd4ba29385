//! The two signatures of Pusher: channel authorization (`<key>:<hex HMAC-SHA256 of socket_id:channel[:data]>`)
//! and the HTTP API request signature (HMAC-SHA256 over `METHOD\nPATH\nsorted query`, plus `body_md5`).

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Compares a received hex signature with the expected one in constant time.
pub(crate) fn verify_hex(secret: &str, message: &str, received_hex: &str) -> bool {
    let Ok(received) = hex::decode(received_hex) else {
        return false;
    };
    match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(message.as_bytes());
            mac.verify_slice(&received).is_ok()
        }
        Err(_) => false,
    }
}

/// The string a channel authorization signs.
pub(crate) fn channel_string(socket_id: &str, channel: &str, channel_data: Option<&str>) -> String {
    match channel_data {
        Some(d) => format!("{socket_id}:{channel}:{d}"),
        None => format!("{socket_id}:{channel}"),
    }
}

pub(crate) fn md5_hex(bytes: &[u8]) -> String {
    hex::encode(Md5::digest(bytes))
}

/// The HTTP API string to sign: method, path and the query without `auth_signature`, keys lowercased and
/// sorted, values as sent (decoded), joined by `&`.
pub(crate) fn rest_string_to_sign(method: &str, path: &str, params: &[(String, String)]) -> String {
    let mut pairs: Vec<(String, &str)> = params
        .iter()
        .filter(|(k, _)| k != "auth_signature")
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str()))
        .collect();
    pairs.sort();
    let query: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{method}\n{path}\n{}", query.join("&"))
}
