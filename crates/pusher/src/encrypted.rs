//! End-to-end encrypted channels (`private-encrypted-`): NaCl secretbox with the channel's shared secret.

use base64::Engine;
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Key, Nonce, XSalsa20Poly1305};
use serde_json::Value;

use crate::protocol::decode_data;

const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;

/// The key of one encrypted channel, from the authorizer's `shared_secret`.
#[derive(Clone)]
pub(crate) struct ChannelKey(XSalsa20Poly1305);

impl std::fmt::Debug for ChannelKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChannelKey(***)")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum DecryptError {
    #[error("shared_secret is not base64 of 32 bytes")]
    BadKey,
    #[error("encrypted payload has no base64 '{0}' of the right length")]
    BadField(&'static str),
    #[error("payload does not decrypt with the channel key")]
    WrongKey,
    #[error("decrypted payload is not UTF-8")]
    NotText,
}

impl ChannelKey {
    pub(crate) fn from_shared_secret(secret: &str) -> Result<Self, DecryptError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(secret.trim())
            .map_err(|_| DecryptError::BadKey)?;
        if bytes.len() != KEY_BYTES {
            return Err(DecryptError::BadKey);
        }
        Ok(Self(XSalsa20Poly1305::new(Key::from_slice(&bytes))))
    }

    /// Decrypts `{"nonce": b64, "ciphertext": b64}`; the plaintext is JSON (decoded twice when it is a JSON
    /// string, like any other `data`), or a plain string when it is not JSON.
    pub(crate) fn decrypt(&self, data: &Value) -> Result<Value, DecryptError> {
        let field = |name: &'static str, len: Option<usize>| {
            let text = data
                .get(name)
                .and_then(Value::as_str)
                .ok_or(DecryptError::BadField(name))?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| DecryptError::BadField(name))?;
            match len {
                Some(len) if bytes.len() != len => Err(DecryptError::BadField(name)),
                _ => Ok(bytes),
            }
        };
        let nonce = field("nonce", Some(NONCE_BYTES))?;
        let ciphertext = field("ciphertext", None)?;
        let plain = self
            .0
            .decrypt(Nonce::from_slice(&nonce), ciphertext.as_slice())
            .map_err(|_| DecryptError::WrongKey)?;
        let text = String::from_utf8(plain).map_err(|_| DecryptError::NotText)?;
        Ok(decode_data(Value::String(text)))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) fn encrypt(key: &[u8; 32], nonce: &[u8; 24], plain: &str) -> Value {
        let cipher = XSalsa20Poly1305::new(Key::from_slice(key));
        let ciphertext = cipher
            .encrypt(Nonce::from_slice(nonce), plain.as_bytes())
            .unwrap();
        let b64 = base64::engine::general_purpose::STANDARD;
        json!({"nonce": b64.encode(nonce), "ciphertext": b64.encode(ciphertext)})
    }

    fn secret(key: &[u8; 32]) -> String {
        base64::engine::general_purpose::STANDARD.encode(key)
    }

    #[test]
    fn decrypts_what_was_encrypted_with_the_shared_secret() {
        let key = [7u8; 32];
        let data = encrypt(&key, &[1u8; 24], r#"{"room":"12"}"#);
        let channel_key = ChannelKey::from_shared_secret(&secret(&key)).unwrap();
        assert_eq!(channel_key.decrypt(&data).unwrap(), json!({"room": "12"}));
    }

    #[test]
    fn a_wrong_key_or_bad_fields_are_errors() {
        let data = encrypt(&[7u8; 32], &[1u8; 24], "{}");
        let other = ChannelKey::from_shared_secret(&secret(&[8u8; 32])).unwrap();
        assert_eq!(other.decrypt(&data), Err(DecryptError::WrongKey));
        assert_eq!(
            other.decrypt(&json!({"nonce": "AA=="})),
            Err(DecryptError::BadField("nonce"))
        );
        assert!(ChannelKey::from_shared_secret("short").is_err());
    }
}
