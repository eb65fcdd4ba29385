//! The staff who may leave the reception display when the hotel's server cannot be asked: each
//! sign-in the server accepted on this computer (the desk's own, and leaving the display) keeps
//! the password's Argon2id hash with a random salt, per hotel, never the password or a token.
//! During an outage the display checks a leaving staff member's password against it. A hash
//! not used for [`KEPT_DAYS`] is forgotten, and so is one whose password the server refused
//! since (changed, or the account closed). Kept here, below the features, as both the desk's
//! sign-in ([`crate::desk`]) and the display's leaving keep and check them.

use serde::{Deserialize, Serialize};

use crate::context::DeskError;
use crate::engine::store::{SessionRow, Store};
use crate::session::config::ApiBase;

const KEYS_KEY: &str = "display_staff_keys";
/// A sign-in not repeated on this computer for this long no longer opens the display offline.
const KEPT_DAYS: i64 = 90;
/// The most kept at once (the least recently used go first).
const KEPT_MAX: usize = 50;

/// One staff member's kept key.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StaffKey {
    /// The hotel (see [`hotel_of`]).
    hotel: String,
    username: String,
    /// Argon2id PHC string (its salt inside).
    hash: String,
    /// The last sign-in the server accepted (RFC 3339).
    checked_at: String,
}

/// The hotel a sign-in belongs to: its server's host and its slug (the demo hotel's port
/// changes at each start, so a port is never part of it).
pub(crate) fn hotel_of(row: &SessionRow) -> String {
    let host = if row.is_demo {
        "demo".to_owned()
    } else {
        ApiBase::parse(&row.api_base).map_or_else(|_| row.api_base.clone(), |base| base.host())
    };
    format!("{host}/{}", row.hotel_slug)
}

/// Whether `hotel` (as [`hotel_of`] names it) is the demo hotel on this computer.
pub(crate) fn is_demo(hotel: &str) -> bool {
    hotel.starts_with("demo/")
}

fn read(store: &Store) -> Vec<StaffKey> {
    let fresh_after = chrono::Utc::now() - chrono::Duration::days(KEPT_DAYS);
    match store.preference(KEYS_KEY) {
        Ok(Some(json)) => serde_json::from_str::<Vec<StaffKey>>(&json)
            .unwrap_or_else(|err| {
                tracing::warn!(error = %err, "damaged kept staff keys; none kept");
                Vec::new()
            })
            .into_iter()
            .filter(|key| {
                chrono::DateTime::parse_from_rfc3339(&key.checked_at)
                    .is_ok_and(|at| at >= fresh_after)
            })
            .collect(),
        Ok(None) => Vec::new(),
        Err(err) => {
            tracing::warn!(error = %err, "cannot read the kept staff keys");
            Vec::new()
        }
    }
}

fn write(store: &Store, keys: &[StaffKey]) -> Result<(), DeskError> {
    let json = serde_json::to_string(keys)
        .map_err(|err| DeskError::Interrupted(format!("keeping the staff keys: {err}")))?;
    store.set_preference(KEYS_KEY, &json)?;
    Ok(())
}

/// Keeps `username`'s key for `hotel` after the server accepted `password` (hashed off the
/// async threads: Argon2id is slow on purpose).
pub(crate) async fn keep(
    store: &Store,
    hotel: String,
    username: &str,
    password: &str,
) -> Result<(), DeskError> {
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || crate::session::hashes::slow_hash(&password))
        .await
        .map_err(|err| DeskError::Interrupted(format!("hashing the password: {err}")))?
        .map_err(|err| DeskError::Interrupted(format!("hashing the password: {err}")))?;
    let username = username.trim().to_owned();
    let mut keys = read(store);
    keys.retain(|key| !(key.hotel == hotel && key.username == username));
    keys.insert(
        0,
        StaffKey {
            hotel,
            username,
            hash,
            checked_at: chrono::Utc::now().to_rfc3339(),
        },
    );
    keys.truncate(KEPT_MAX);
    write(store, &keys)
}

/// What a kept key says of a password typed offline.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Offline {
    /// It is the password last accepted here.
    Right,
    /// A key is kept for this name and the password is not its.
    Wrong,
    /// Nobody of this name signed in on this computer lately.
    Unknown,
}

/// Whether `key` is of `hotel` (`None`: no hotel, so of none: issue 63.2, where any hotel's
/// kept key, the demo hotel's included, opened a signed-out display).
fn of_hotel(key: &StaffKey, hotel: Option<&str>) -> bool {
    hotel.is_some_and(|hotel| key.hotel == hotel)
}

/// Checks `password` against `username`'s kept keys for `hotel` (none when `None`; slow:
/// called off the async threads by the caller).
pub(crate) fn check(store: &Store, hotel: Option<&str>, username: &str, password: &str) -> Offline {
    let username = username.trim();
    let mut verdict = Offline::Unknown;
    for key in read(store)
        .into_iter()
        .filter(|key| of_hotel(key, hotel) && key.username == username)
    {
        if crate::session::hashes::matches(&key.hash, password) {
            return Offline::Right;
        }
        verdict = Offline::Wrong;
    }
    verdict
}

/// Forgets `username`'s key for `hotel` if it is of `password`, which the server just
/// refused: that password no longer opens anything.
pub(crate) fn forget_if_refused(store: &Store, hotel: &str, username: &str, password: &str) {
    if check(store, Some(hotel), username, password) != Offline::Right {
        return;
    }
    let username = username.trim();
    let mut keys = read(store);
    keys.retain(|key| !(key.hotel == hotel && key.username == username));
    if let Err(err) = write(store, &keys) {
        tracing::warn!(error = %err, "a refused password's key could not be forgotten");
    }
}

/// The usernames of `hotel`'s staff (nobody when `None`) who can leave the display offline,
/// most recent first.
pub(crate) fn usernames(store: &Store, hotel: Option<&str>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for key in read(store).into_iter().filter(|key| of_hotel(key, hotel)) {
        if !names.contains(&key.username) {
            names.push(key.username);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        (
            Store::open(&dir.path().join("desk.db"), crate::features::LOCAL_DATA).unwrap(),
            dir,
        )
    }

    #[tokio::test]
    async fn a_kept_key_opens_for_its_own_hotel_and_password_only_and_is_forgotten_once_refused() {
        let (store, _dir) = store();
        keep(&store, "h/killarney".into(), " anna ", "lake-view-7")
            .await
            .unwrap();
        assert_eq!(
            check(&store, Some("h/killarney"), "anna", "lake-view-7"),
            Offline::Right
        );
        assert_eq!(
            check(&store, Some("h/killarney"), "anna", "lake-view-8"),
            Offline::Wrong
        );
        assert_eq!(
            check(&store, Some("h/other"), "anna", "lake-view-7"),
            Offline::Unknown
        );
        assert_eq!(
            check(&store, Some("h/killarney"), "sean", "lake-view-7"),
            Offline::Unknown
        );
        let kept = store.preference(KEYS_KEY).unwrap().unwrap();
        assert!(!kept.contains("lake-view-7"), "never the password: {kept}");

        // A typo the server refused forgets nothing; the kept password refused does.
        forget_if_refused(&store, "h/killarney", "anna", "typo");
        assert_eq!(usernames(&store, Some("h/killarney")), ["anna"]);
        forget_if_refused(&store, "h/killarney", "anna", "lake-view-7");
        assert_eq!(usernames(&store, Some("h/killarney")), Vec::<String>::new());
    }

    #[test]
    fn a_key_not_used_for_ninety_days_is_forgotten() {
        let (store, _dir) = store();
        let old = StaffKey {
            hotel: "h/killarney".into(),
            username: "anna".into(),
            hash: crate::session::hashes::slow_hash("x").unwrap(),
            checked_at: (chrono::Utc::now() - chrono::Duration::days(KEPT_DAYS + 1)).to_rfc3339(),
        };
        let fresh = StaffKey {
            username: "sean".into(),
            checked_at: chrono::Utc::now().to_rfc3339(),
            ..old.clone()
        };
        write(&store, &[old, fresh]).unwrap();
        assert_eq!(usernames(&store, Some("h/killarney")), ["sean"]);
    }
}
