//! Slow, salted hashes of what a person types to prove who they are on this computer (the
//! reception display's PIN), so it can be checked with no network and a stolen copy of the
//! database costs an attacker a slow hash per guess.

use sha2::{Digest, Sha256};

/// A hash could not be made (the system's randomness or the hasher failed).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HashError(String);

/// The stored form of `secret`: Argon2id (slow and memory-hard) with a random salt, as a PHC
/// string.
pub fn slow_hash(secret: &str) -> Result<String, HashError> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|err| HashError(format!("making a salt: {err}")))?;
    argon2::Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| HashError(format!("hashing: {err}")))
}

/// Whether `hash` is an Argon2id hash as [`slow_hash`] makes it.
pub fn is_slow_hash(hash: &str) -> bool {
    hash.starts_with("$argon2id$") && argon2::password_hash::PasswordHash::new(hash).is_ok()
}

/// Whether `secret` is the one `stored` keeps: an Argon2id PHC string, or (stored before the
/// slow hash) one salted SHA-256 as `salt$hex`, which the caller replaces once it matches.
pub fn matches(stored: &str, secret: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    if stored.starts_with("$argon2") {
        return PasswordHash::new(stored).is_ok_and(|hash| {
            argon2::Argon2::default()
                .verify_password(secret.as_bytes(), &hash)
                .is_ok()
        });
    }
    stored.split_once('$').is_some_and(|(salt, hash)| {
        hex::encode(Sha256::digest(format!("{salt}:{secret}").as_bytes())) == hash
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_stored_before_the_slow_hash_is_still_recognised() {
        let legacy = format!("salt1${}", hex::encode(Sha256::digest(b"salt1:246813")));
        assert!(matches(&legacy, "246813"));
        assert!(!matches(&legacy, "246814"));
        let slow = slow_hash("246813").unwrap();
        assert!(slow.starts_with("$argon2id$"), "{slow}");
        assert!(is_slow_hash(&slow));
        assert!(!is_slow_hash(&legacy));
        assert!(matches(&slow, "246813"));
        assert!(!matches(&slow, "246814"));
    }
}
