//! Slow, salted hashes of what a person types to prove who they are on this computer (the
//! reception display's PIN), so it can be checked with no network and a stolen copy of the
//! database costs an attacker a slow hash per guess.

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

/// Whether `secret` is the one `stored` keeps: an Argon2id PHC string as [`slow_hash`] makes
/// it. Anything else opens nothing (an earlier version's fast hash is removed at start, see
/// the display's `retire_weak_pin`).
pub fn matches(stored: &str, secret: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    is_slow_hash(stored)
        && PasswordHash::new(stored).is_ok_and(|hash| {
            argon2::Argon2::default()
                .verify_password(secret.as_bytes(), &hash)
                .is_ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn only_a_slow_hash_opens_anything() {
        // Issue 36.7: an earlier version's fast hash of a 4-digit PIN kept opening the display.
        let legacy = format!("salt1${}", hex::encode(Sha256::digest(b"salt1:2468")));
        assert!(!matches(&legacy, "2468"));
        let slow = slow_hash("246813").unwrap();
        assert!(slow.starts_with("$argon2id$"), "{slow}");
        assert!(is_slow_hash(&slow));
        assert!(!is_slow_hash(&legacy));
        assert!(matches(&slow, "246813"));
        assert!(!matches(&slow, "246814"));
    }
}
