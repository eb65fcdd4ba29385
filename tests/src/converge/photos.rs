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
    let at_end: BTreeSet<i64> = hashes.keys().copied().collect();
    let mut deleted: BTreeSet<i64> = BTreeSet::new();
    for (_, line) in log
        .iter()
        .filter(|(_, l)| l["op"] == "saved" && l["kind"] == "delete" && l["resource"] == "image")
    {
        let Some(id) = line["row"].as_i64() else {
            continue;
        };
        deleted.insert(id);
        if let (false, Some(url)) = (hashes.contains_key(&id), line["url"].as_str()) {
            if let Some(hash) = file_hash(&http, base, url).await {
                hashes.insert(id, hash);
            }
        }
    }
    let mut by_hash: HashMap<&str, Vec<i64>> = HashMap::new();
    for (id, hash) in &hashes {
        by_hash.entry(hash.as_str()).or_default().push(*id);
    }
    let created: BTreeSet<i64> = writes
        .iter()
        .filter(|w| w["resource"] == "image" && w["op"] == "create")
        .filter_map(|w| w["id"].as_i64())
        .collect();
    for id in created.difference(&at_end) {
        if !deleted.contains(id) {
            report.lost.push(format!(
                "image {id}: made on the server, gone at the end, deleted by no desk"
            ));
        }
    }
    for (desk, line) in log
        .iter()
        .filter(|(_, l)| l["op"] == "saved" && l["kind"] == "add_photo")
    {
        let token = line["photo"].as_str().unwrap_or_default();
        let gallery = &line["row"];
        let Some(hash) = line["hash"].as_str() else {
            report.lost.push(format!(
                "desk {desk} photo {token} added to gallery {gallery}: the desk showed no upload for it"
            ));
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
}
