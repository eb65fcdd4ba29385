//! The photos added to the 2026 page's galleries, accounted for by their files (issue 65): an
//! added photo carries no text the server keeps (its create is the file, the gallery and a
//! place), so each is known by the SHA-256 of its file, which is the hash its desk kept it
//! under and said when it was added (every added photo's bytes differ). At the end each hash
//! must name exactly one image the server made: none is lost (unless a person let it go),
//! none made twice, and every image the server made is there or was deleted by a desk.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;
use sha2::Digest;

use super::{Decisions, Line, Report};

/// The SHA-256 of the file at `url` (a server URL as a desk or the server wrote it, read from
/// the server at `base` directly), if the server has it.
async fn file_hash(http: &reqwest::Client, base: &str, url: &str) -> Option<String> {
    let path = &url[url.find("/media/")?..];
    let answer = http.get(format!("{base}{path}")).send().await.ok()?;
    if !answer.status().is_success() {
        return None;
    }
    let bytes = answer.bytes().await.ok()?;
    Some(hex::encode(sha2::Sha256::digest(&bytes)))
}

/// Adds the added photos' lost and duplicated ones to `report`: `end` is the galleries on
/// the server at the end (with their images), `writes` the server's log, `log` the desks'.
pub(super) async fn account(
    log: &[Line],
    writes: &[Value],
    end: &[Value],
    base: &str,
    decisions: &Decisions,
    report: &mut Report,
) {
    let http = reqwest::Client::new();
    // Image id -> its file's hash: those on the server at the end, and those desks deleted
    // (a deleted image's file stays on the server).
    let mut hashes: BTreeMap<i64, String> = BTreeMap::new();
    for image in end
        .iter()
        .flat_map(|g| g["images"].as_array().into_iter().flatten())
    {
        if let (Some(id), Some(url)) = (image["id"].as_i64(), image["image_url"].as_str()) {
            if let Some(hash) = file_hash(&http, base, url).await {
                hashes.insert(id, hash);
            }
        }
    }
    let at_end: BTreeSet<i64> = end
        .iter()
        .flat_map(|g| g["images"].as_array().into_iter().flatten())
        .filter_map(|image| image["id"].as_i64())
        .collect();
    for (_, line) in log
        .iter()
        .filter(|(_, l)| l["op"] == "saved" && l["kind"] == "delete" && l["resource"] == "image")
    {
        let Some(id) = line["row"].as_i64() else {
            continue;
        };
        if let (false, Some(url)) = (hashes.contains_key(&id), line["url"].as_str()) {
            if let Some(hash) = file_hash(&http, base, url).await {
                hashes.insert(id, hash);
            }
        }
    }
    judge(log, writes, &hashes, &at_end, decisions, report);
}

/// The accounting itself: `hashes` is image id -> its file's hash (those at the end, `at_end`,
/// and those a desk deleted).
fn judge(
    log: &[Line],
    writes: &[Value],
    hashes: &BTreeMap<i64, String>,
    at_end: &BTreeSet<i64>,
    decisions: &Decisions,
    report: &mut Report,
) {
    let deleted: BTreeSet<i64> = log
        .iter()
        .filter(|(_, l)| l["op"] == "saved" && l["kind"] == "delete" && l["resource"] == "image")
        .filter_map(|(_, l)| l["row"].as_i64())
        .collect();
    let mut by_hash: HashMap<&str, Vec<i64>> = HashMap::new();
    for (id, hash) in hashes {
        by_hash.entry(hash.as_str()).or_default().push(*id);
    }
    let created: BTreeSet<i64> = writes
        .iter()
        .filter(|w| w["resource"] == "image" && w["op"] == "create")
        .filter_map(|w| w["id"].as_i64())
        .collect();
    for id in created.difference(at_end) {
        if !deleted.contains(id) {
            report.lost.push(format!(
                "image {id}: made on the server, gone at the end, deleted by no desk"
            ));
        }
    }
    // Images the run made whose file no add named: an add whose upload was sent before its
    // desk looked up its hash (it then names none) is one of these.
    let named: BTreeSet<&str> = log
        .iter()
        .filter_map(|(_, l)| {
            (l["kind"] == "add_photo")
                .then(|| l["hash"].as_str())
                .flatten()
        })
        .collect();
    let mut unnamed: Vec<i64> = created
        .iter()
        .filter(|id| hashes.get(id).is_some_and(|h| !named.contains(h.as_str())))
        .copied()
        .collect();
    for (desk, line) in log
        .iter()
        .filter(|(_, l)| l["op"] == "saved" && l["kind"] == "add_photo")
    {
        let token = line["photo"].as_str().unwrap_or_default();
        let gallery = &line["row"];
        let Some(hash) = line["hash"].as_str() else {
            if unnamed.pop().is_none() && !decisions.dropped.contains(token) {
                report.lost.push(format!(
                    "desk {desk} photo {token} added to gallery {gallery} (its hash unknown): no image the run made is left for it"
                ));
            }
            continue;
        };
        match by_hash.get(hash).map(Vec::as_slice) {
            Some([_]) => {}
            Some(ids) => report.duplicated.push(format!(
                "desk {desk} photo {token} added to gallery {gallery} is images {ids:?} on the server"
            )),
            None if decisions.dropped.contains(token) => {}
            None => report.lost.push(format!(
                "desk {desk} photo {token} added to gallery {gallery} (file {hash}) is on the server under no image, there or deleted"
            )),
        }
    }
    for id in unnamed {
        report
            .duplicated
            .push(format!("image {id} made by no photo added in the run"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::converge::{Plan, Resource};
    use serde_json::json;

    fn report() -> Report {
        Report::new(&Plan {
            desks: 2,
            rounds: 1,
            changes: 1,
            seed: 1,
            resource: Resource::PageGalleryImages,
            desk_program: std::path::PathBuf::new(),
        })
    }

    fn added(desk: usize, token: &str, hash: &str) -> Line {
        (
            desk,
            json!({"op": "saved", "kind": "add_photo", "resource": "image", "row": 1, "photo": token, "hash": hash}),
        )
    }

    fn created(id: i64) -> Value {
        json!({"resource": "image", "op": "create", "id": id, "fields": {"gallery": "1"}})
    }

    /// Photo a is there once; b was deleted by a desk (its file kept); c was made twice; d
    /// never arrived and e never arrived but its person let it go; image 9 vanished with no
    /// desk deleting it.
    #[test]
    fn a_photo_made_twice_is_a_duplicate_and_one_missing_or_vanished_is_lost() {
        let log = vec![
            added(0, "a", "ha"),
            added(1, "b", "hb"),
            added(0, "c", "hc"),
            added(1, "d", "hd"),
            added(1, "e", "he"),
            (
                0,
                json!({"op": "saved", "kind": "delete", "resource": "image", "row": 11}),
            ),
        ];
        let writes: Vec<Value> = [10, 11, 12, 13, 9].into_iter().map(created).collect();
        let hashes: BTreeMap<i64, String> = [(10, "ha"), (11, "hb"), (12, "hc"), (13, "hc")]
            .into_iter()
            .map(|(id, h)| (id, h.to_owned()))
            .collect();
        let at_end = BTreeSet::from([10, 12, 13]);
        let mut decisions = Decisions::default();
        decisions.dropped.insert("e".into());
        let mut report = report();
        judge(&log, &writes, &hashes, &at_end, &decisions, &mut report);
        assert_eq!(report.duplicated.len(), 1, "{:?}", report.duplicated);
        assert!(report.duplicated[0].contains("photo c"));
        assert_eq!(report.lost.len(), 2, "{:?}", report.lost);
        assert!(report.lost.iter().any(|l| l.starts_with("image 9")));
        assert!(report.lost.iter().any(|l| l.contains("photo d")));
    }
}
