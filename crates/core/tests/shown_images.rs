//! The images the desk shows, kept on disk: fetched once, served with the server gone, and the
//! folder kept within its limit without removing what a stored row still names. A real HTTP
//! server (the sandbox's media) and a real folder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::collections::HashSet;

use crate::support::*;
use hotelmate_core::media::{ShownError, ShownImages, ShownSize};

async fn photo_urls(server: &hotelmate_sandbox::SandboxHandle) -> Vec<String> {
    let tok = token(server, "anna.byrne").await;
    server_offers(server, &tok)
        .await
        .iter()
        .filter_map(|o| o["photo_url"].as_str().map(str::to_owned))
        .collect()
}

/// The shown images of a desk signed in to `server`: pictures are fetched only from its host.
fn open_for(
    server: &hotelmate_sandbox::SandboxHandle,
    dir: &std::path::Path,
    limit: u64,
) -> ShownImages {
    let shown = ShownImages::open(dir, limit).unwrap();
    let base = hotelmate_core::session::config::ApiBase::parse(&server.base_url()).unwrap();
    shown.allow(Some(hotelmate_core::media::hosts::ImageHosts::new(
        &base,
        &[],
    )));
    shown
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_shown_once_is_served_with_the_server_gone() {
    let server = sandbox().await;
    let urls = photo_urls(&server).await;
    assert!(urls.len() >= 3, "the demo offers have photos");
    let dir = tempfile::tempdir().unwrap();
    let shown = open_for(&server, dir.path(), 100 * 1024 * 1024);
    let first = shown.get(&urls[0], ShownSize::Pane).await.unwrap();
    assert_eq!(first.mime, "image/jpeg");
    assert!(first.bytes.len() > 1000);
    server.shutdown().await;

    let again = shown
        .get(&urls[0], ShownSize::Pane)
        .await
        .expect("served from the desk's copy");
    assert_eq!(again, first);
    let never_seen = shown.get(&urls[1], ShownSize::Pane).await.unwrap_err();
    assert!(
        matches!(never_seen, ShownError::Fetch { .. }),
        "an image never shown cannot come from nowhere: {never_seen}"
    );
    let not_web = shown
        .get("file:///etc/passwd", ShownSize::Pane)
        .await
        .unwrap_err();
    assert!(matches!(not_web, ShownError::NotWeb { .. }), "{not_web}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_that_is_not_an_image_is_refused_and_not_kept() {
    let server = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let shown = open_for(&server, dir.path(), 100 * 1024 * 1024);
    // What was tried: a URL that answers JSON (the API root), as a broken photo URL might.
    let url = format!("{}/api/", server.base_url());
    let err = shown.get(&url, ShownSize::Pane).await.unwrap_err();
    assert!(
        matches!(
            err,
            ShownError::NotAnImage { .. } | ShownError::Fetch { .. }
        ),
        "{err}"
    );
    assert!(!shown.has(&url));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn over_the_limit_the_least_recently_shown_go_first_but_never_one_on_screen() {
    let server = sandbox().await;
    let urls = photo_urls(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let probe = open_for(&server, dir.path(), u64::MAX);
    let size = probe.original(&urls[0]).await.unwrap().len() as u64;
    // Room for about two photos.
    let shown = open_for(&server, dir.path(), size * 2 + size / 2);
    for url in &urls[1..4] {
        shown.original(url).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // The oldest (urls[0]) is on screen; urls[1] is the least recently shown of the others.
    let on_screen: HashSet<String> = [urls[0].clone()].into();
    let removed = shown.evict(&on_screen).unwrap();
    assert!(removed >= 1);
    assert!(shown.has(&urls[0]), "what is on screen stays");
    assert!(!shown.has(&urls[1]), "the least recently shown went first");
    assert!(shown.has(&urls[3]), "the most recently shown stays");
    server.shutdown().await;
}
