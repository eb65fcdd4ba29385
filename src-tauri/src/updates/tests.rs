//! The desk's updates against feeds and packages served on 127.0.0.1 by the test, signed with a
//! key pair made here (no private key is ever kept): what a person sees in About, and that no
//! read from outside passes its limits (issue 63.5).

use super::*;
use axum::body::{Body, Bytes};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use base64::Engine;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

const VERSION: &str = "99.0.0";
const FILE: &str = "hotelmate-desk_99.0.0_amd64.deb";
const VERIFY_FAILED: &str = "The update could not be verified, so it was not installed.";
const NOT_REACHED: &str = "Could not look for updates just now; the desk will look again later.";
const TOO_LARGE: &str = "The update's file is larger than expected, so it was not installed.";
/// What a test server streams: 64 KiB from the program's own data, so serving costs the test
/// process no memory of its own.
static CHUNK: [u8; 64 * 1024] = [b'x'; 64 * 1024];

fn current() -> semver::Version {
    semver::Version::new(0, 1, 0)
}

/// A key pair made for this test: the public key as the desk takes it, and the signature
/// (with the version in its trusted comment, as the desk requires) of `bytes`.
fn signed(bytes: &[u8]) -> (String, String) {
    let keys = minisign::KeyPair::generate_unencrypted_keypair().expect("a key pair");
    let comment = format!("timestamp:1700000000\tfile:{FILE}\tversion:{VERSION}");
    let signature =
        minisign::sign(Some(&keys.pk), &keys.sk, bytes, Some(&comment), None).expect("a signature");
    let b64 = |text: String| base64::engine::general_purpose::STANDARD.encode(text);
    let pubkey = keys.pk.to_box().expect("the public key").to_string();
    (b64(pubkey), b64(signature.to_string()))
}

/// Serves `router` on 127.0.0.1; its address.
async fn serve(router: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("its address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

/// A feed offering [`VERSION`] at `package` with `signature` (and `size`, when said).
fn manifest(package: String, signature: &str, size: Option<u64>) -> serde_json::Value {
    let mut platform = serde_json::json!({"url": package, "signature": signature});
    if let Some(size) = size {
        platform["size"] = size.into();
    }
    serde_json::json!({
        "version": VERSION,
        "notes": "Room types can be copied.",
        "pub_date": "2026-05-01T09:00:00Z",
        "platforms": {format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH): platform}
    })
}

/// Serves a feed offering [`VERSION`] with `signature` (and `size`), and `package` as its file.
async fn feed_with(
    signature: String,
    size: Option<u64>,
    package: axum::routing::MethodRouter,
) -> UpdateSource {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("its address");
    let manifest = manifest(format!("http://{address}/files/{FILE}"), &signature, size);
    let router = axum::Router::new()
        .route(
            "/feed.json",
            get(move || async move { axum::Json(manifest) }),
        )
        .route(&format!("/files/{FILE}"), package);
    tokio::spawn(async move { axum::serve(listener, router).await });
    UpdateSource {
        feed: url::Url::parse(&format!("http://{address}/feed.json")).ok(),
        pubkey: None,
    }
}

/// Serves a feed offering [`VERSION`] with `signature`, and `served` as its file.
async fn feed(pubkey: String, signature: String, served: Vec<u8>) -> UpdateSource {
    UpdateSource {
        pubkey: Some(pubkey),
        ..feed_with(signature, None, get(move || async move { served })).await
    }
}

/// A body of `total` bytes (or endless), counting in `sent` what the server produced.
fn streamed(total: Option<u64>, sent: Arc<AtomicU64>) -> Body {
    let chunks = futures_util::stream::unfold(0u64, move |given| {
        let sent = sent.clone();
        async move {
            let left = total.map_or(CHUNK.len() as u64, |total| total - given.min(total));
            let size = left.min(CHUNK.len() as u64) as usize;
            if size == 0 {
                return None;
            }
            sent.fetch_add(size as u64, Ordering::SeqCst);
            let chunk = Bytes::from_static(&CHUNK[..size]);
            Some((Ok::<_, std::io::Error>(chunk), given + size as u64))
        }
    });
    Body::from_stream(chunks)
}

/// `body` with a `Content-Length` of `length`, when said.
fn claiming(body: Body, length: Option<u64>) -> Response {
    let mut response = body.into_response();
    if let Some(length) = length {
        response
            .headers_mut()
            .insert(axum::http::header::CONTENT_LENGTH, length.into());
    }
    response
}

/// The process's peak resident memory so far, in KiB, after `reset` forgets the earlier peak
/// (Linux's /proc; nextest runs each test in a process of its own).
fn peak_kib(reset: bool) -> u64 {
    if reset {
        std::fs::write("/proc/self/clear_refs", "5").expect("the peak is reset");
    }
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// A computer where the desk may not install (not root, no pkexec).
fn locked_down() -> InstallRights {
    InstallRights {
        package: Some(PackageKind::Deb),
        package_manager: true,
        root: false,
        pkexec: false,
    }
}

/// What About says when the offered version's file is refused, in `words`.
fn refused(words: &str) -> UpdateStatus {
    UpdateStatus::Failed {
        version: Some(VERSION.into()),
        message: words.into(),
        refused: true,
    }
}

fn package() -> Vec<u8> {
    let mut bytes = b"!<arch>\ndebian-binary   ".to_vec();
    bytes.extend((0..64 * 1024).map(|i| (i % 251) as u8));
    bytes
}

#[tokio::test]
async fn an_update_is_found_verified_and_left_to_it_where_the_desk_may_not_install() {
    let bytes = package();
    let (pubkey, signature) = signed(&bytes);
    let source = feed(pubkey, signature, bytes).await;
    let updates = Updates::new(locked_down(), Limits::DESK);

    let found = updates.look(&current(), source).await;
    let ask_it = format!("Ask your IT to install version {VERSION} ({FILE}).");
    assert_eq!(
        found,
        UpdateStatus::Available {
            version: VERSION.into(),
            notes: Some("Room types can be copied.".into()),
            file: FILE.into(),
            ask_it: Some(ask_it.clone()),
        }
    );
    // Downloaded and verified; this computer lets only IT install it.
    assert_eq!(
        updates.install().await,
        UpdateStatus::AskIt {
            version: VERSION.into(),
            message: ask_it
        }
    );
}

#[tokio::test]
async fn a_tampered_file_is_refused_with_words_and_never_installed() {
    let bytes = package();
    let (pubkey, signature) = signed(&bytes);
    let mut tampered = bytes.clone();
    tampered[100] ^= 0x01;
    let source = feed(pubkey, signature, tampered).await;
    // Root: the desk would install a file that passed.
    let rights = InstallRights {
        root: true,
        ..locked_down()
    };
    let updates = Updates::new(rights, Limits::DESK);
    assert!(matches!(
        updates.look(&current(), source).await,
        UpdateStatus::Available { ask_it: None, .. }
    ));
    assert_eq!(updates.install().await, refused(VERIFY_FAILED));
}

#[tokio::test]
async fn a_file_signed_by_another_key_is_refused() {
    let bytes = package();
    let (_, signature) = signed(&bytes);
    let (other_key, _) = signed(&bytes);
    let source = feed(other_key, signature, bytes).await;
    let updates = Updates::new(locked_down(), Limits::DESK);
    updates.look(&current(), source).await;
    assert!(matches!(
        updates.install().await,
        UpdateStatus::Failed { refused: true, ref message, .. } if message == VERIFY_FAILED
    ));
}

#[tokio::test]
async fn no_feed_or_no_key_changes_nothing_and_says_it_is_managed_by_it() {
    let updates = Updates::new(locked_down(), Limits::DESK);
    let off = UpdateStatus::Off {
        message: UPDATES_OFF.into(),
    };
    assert_eq!(updates.look(&current(), UpdateSource::default()).await, off);
    let no_key = UpdateSource {
        feed: url::Url::parse("https://updates.grandhotel.ie/desk.json").ok(),
        pubkey: None,
    };
    assert_eq!(updates.look(&current(), no_key).await, off);
    // Nothing offered, so nothing to install.
    assert_eq!(updates.install().await, off);
}

#[tokio::test]
async fn a_feed_that_never_answers_is_given_up_calmly_within_its_timeout() {
    // Accepts connections (the kernel's backlog) but never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let address = silent.local_addr().expect("its address");
    let (pubkey, _) = signed(b"");
    let source = UpdateSource {
        feed: url::Url::parse(&format!("http://{address}/feed.json")).ok(),
        pubkey: Some(pubkey),
    };
    let limits = Limits {
        check_timeout: Duration::from_secs(2),
        ..Limits::DESK
    };
    let updates = Updates::new(locked_down(), limits);
    let started = Instant::now();
    let status = updates.look(&current(), source).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        status,
        UpdateStatus::NotReached {
            message: NOT_REACHED.into()
        }
    );
    assert_eq!(updates.install().await, status, "nothing was offered");
    drop(silent);
}

/// Issue 63.5: a 50 MB feed, its size said or not, is refused as it comes: at once when its
/// `Content-Length` is over the limit, else when the bytes read pass it. The desk's peak memory
/// grows by far less than the feed (before 63.5, 50 MB took the desk up by more than that).
#[tokio::test]
async fn an_oversized_feed_is_refused_as_it_comes_and_the_desk_stays_small() {
    const FEED_BYTES: u64 = 50 * 1024 * 1024;
    for said in [Some(FEED_BYTES), None] {
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        let address = serve(axum::Router::new().route(
            "/feed.json",
            get(move || {
                let sent = counter.clone();
                async move { claiming(streamed(Some(FEED_BYTES), sent), said) }
            }),
        ))
        .await;
        let (pubkey, _) = signed(b"");
        let source = UpdateSource {
            feed: url::Url::parse(&format!("http://{address}/feed.json")).ok(),
            pubkey: Some(pubkey),
        };
        let updates = Updates::new(locked_down(), Limits::DESK);
        let before = peak_kib(true);
        let status = updates.look(&current(), source).await;
        let grown_kib = peak_kib(false).saturating_sub(before);
        assert_eq!(
            status,
            UpdateStatus::NotReached {
                message: NOT_REACHED.into()
            },
            "size said: {said:?}"
        );
        assert!(
            grown_kib < 8 * 1024,
            "the desk grew {grown_kib} KiB reading a {FEED_BYTES} byte feed (size said: {said:?})"
        );
        let produced = sent.load(Ordering::SeqCst);
        assert!(
            produced < FEED_BYTES / 2,
            "the server produced {produced} bytes before the desk let go (size said: {said:?})"
        );
        eprintln!("feed of 50 MB, size said {said:?}: peak +{grown_kib} KiB, server produced {produced} bytes");
    }
}

/// Issue 63.5: a package whose download never ends is cut at the ceiling and refused, and what
/// was read went to a file, not memory.
#[tokio::test]
async fn an_endless_package_is_cut_at_the_ceiling_and_refused() {
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let (pubkey, signature) = signed(b"whatever");
    let source = UpdateSource {
        pubkey: Some(pubkey),
        ..feed_with(
            signature,
            None,
            get(move || {
                let sent = counter.clone();
                async move { streamed(None, sent) }
            }),
        )
        .await
    };
    let ceiling = 32 * 1024 * 1024;
    let limits = Limits {
        package_bytes: ceiling,
        ..Limits::DESK
    };
    let updates = Updates::new(locked_down(), limits);
    updates.look(&current(), source).await;
    let before = peak_kib(true);
    let status = tokio::time::timeout(Duration::from_secs(60), updates.install())
        .await
        .expect("the download was cut, not read for ever");
    let grown_kib = peak_kib(false).saturating_sub(before);
    assert_eq!(status, refused(TOO_LARGE));
    let produced = sent.load(Ordering::SeqCst);
    assert!(
        produced <= ceiling + 16 * 1024 * 1024,
        "the server produced {produced} bytes, the ceiling is {ceiling}"
    );
    assert!(grown_kib < 8 * 1024, "the desk grew {grown_kib} KiB");
    eprintln!("endless package, ceiling {ceiling}: peak +{grown_kib} KiB, server produced {produced} bytes");
}

/// Issue 63.5: a package larger than its feed says is refused, whether its host says its
/// (larger) size first or just sends more.
#[tokio::test]
async fn a_package_larger_than_its_feed_declares_is_refused() {
    let bytes = package();
    let declared = bytes.len() as u64;
    let mut larger = bytes.clone();
    larger.extend_from_slice(&bytes);
    for said in [true, false] {
        let (pubkey, signature) = signed(&bytes);
        let larger = larger.clone();
        let source = UpdateSource {
            pubkey: Some(pubkey),
            ..feed_with(
                signature,
                Some(declared),
                get(move || async move {
                    let length = larger.len() as u64;
                    let body = Body::from_stream(futures_util::stream::iter(
                        larger
                            .chunks(4096)
                            .map(|c| Ok::<_, std::io::Error>(Bytes::copy_from_slice(c)))
                            .collect::<Vec<_>>(),
                    ));
                    claiming(body, said.then_some(length))
                }),
            )
            .await
        };
        let updates = Updates::new(locked_down(), Limits::DESK);
        updates.look(&current(), source).await;
        assert_eq!(
            updates.install().await,
            refused(TOO_LARGE),
            "Content-Length said: {said}"
        );
    }
}

/// Issue 63.5: a feed's redirect within its own server is followed; one to another server
/// (here another port on this computer) is refused, and that server is never asked.
#[tokio::test]
async fn a_redirect_is_followed_only_within_the_feeds_own_server() {
    let (pubkey, signature) = signed(b"whatever");
    let asked_elsewhere = Arc::new(AtomicU64::new(0));
    let counter = asked_elsewhere.clone();
    let elsewhere = serve(axum::Router::new().route(
        "/feed.json",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { "{}" }
        }),
    ))
    .await;
    let manifest = manifest(
        format!("https://updates.grandhotel.ie/files/{FILE}"),
        &signature,
        None,
    );
    let address = serve(
        axum::Router::new()
            .route(
                "/feed.json",
                get(move || async move { axum::Json(manifest) }),
            )
            .route(
                "/moved.json",
                get(|| async { Redirect::temporary("/feed.json") }),
            )
            .route(
                "/away.json",
                get(move || async move {
                    Redirect::temporary(&format!("http://{elsewhere}/feed.json"))
                }),
            ),
    )
    .await;
    let at = |path: &str| UpdateSource {
        feed: url::Url::parse(&format!("http://{address}{path}")).ok(),
        pubkey: Some(pubkey.clone()),
    };
    let updates = Updates::new(locked_down(), Limits::DESK);
    assert!(matches!(
        updates.look(&current(), at("/moved.json")).await,
        UpdateStatus::Available { .. }
    ));
    assert_eq!(
        updates.look(&current(), at("/away.json")).await,
        UpdateStatus::NotReached {
            message: NOT_REACHED.into()
        }
    );
    assert_eq!(asked_elsewhere.load(Ordering::SeqCst), 0, "never asked");
}

/// Issue 63.5: a download that goes on too long is given up when its time is over, calmly.
#[tokio::test]
async fn a_download_that_takes_too_long_is_given_up() {
    let (pubkey, signature) = signed(b"whatever");
    let source = UpdateSource {
        pubkey: Some(pubkey),
        ..feed_with(
            signature,
            None,
            get(|| async {
                // A byte every 50 ms, for ever: never silent long enough to stall.
                let trickle = futures_util::stream::unfold((), |()| async {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Some((Ok::<_, std::io::Error>(Bytes::from_static(b"x")), ()))
                });
                Body::from_stream(trickle)
            }),
        )
        .await
    };
    let limits = Limits {
        download_timeout: Duration::from_secs(1),
        ..Limits::DESK
    };
    let updates = Updates::new(locked_down(), limits);
    updates.look(&current(), source).await;
    let started = Instant::now();
    let status = tokio::time::timeout(Duration::from_secs(10), updates.install())
        .await
        .expect("the download was given up, not waited for ever");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        matches!(status, UpdateStatus::Failed { refused: false, .. }),
        "{status:?}"
    );
}
