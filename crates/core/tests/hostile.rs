//! Issue 28: guests and servers can be hostile. What a guest writes (no sign-in needed) and what
//! a server names never makes the desk fetch an address it does not know: a guest's link to
//! this computer (another port of 127.0.0.1, as seen from outside) is neither prefetched nor
//! fetched on request, and neither is an attachment pointing there; a file's host that answers
//! 401 is not the hotel's server ending the sign-in. Real sandbox over HTTP, a real listener on
//! loopback that counts every connection it gets; nothing is ever sent off this machine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::support::*;
use hotelmate_core::desk::ErrorCode;
use hotelmate_core::ConnectionStatus;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);
const ROOM_102: i64 = 2;

/// A listener on `ip` (loopback) that answers every connection with `status` and counts them:
/// the address a guest would like the desk to fetch.
async fn bait(ip: &str, status: u16) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let answer = format!(
                "HTTP/1.1 {status} Nope\r\ncontent-type: image/png\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
            let _ = tokio::io::AsyncWriteExt::write_all(&mut socket, answer.as_bytes()).await;
        }
    });
    (addr, hits)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_guests_link_to_this_computer_is_never_fetched_and_a_file_hosts_401_is_not_a_sign_out() {
    let server = sandbox().await;
    // Another port of the server's own machine (what was seen from outside), and another
    // loopback address, which is not the server's.
    let (addr, hits) = bait("127.0.0.1", 401).await;
    let (elsewhere, elsewhere_hits) = bait("127.0.0.2", 401).await;
    let (desk, _dir) = desk("hostile-links");
    sign_in(&desk, &server, server.addr(), "anna.byrne").await;
    eventually("the desk is online", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    eventually("the offers and their photos are here", WAIT, || async {
        desk.offers()
            .list()
            .unwrap()
            .iter()
            .any(|o| o.photo_url.is_some())
    })
    .await;

    // What was seen from outside: the guest's picture link in the conversation's last message
    // was fetched within seconds, nobody clicking.
    let link = format!("http://{addr}/x.png");
    guest_writes(&server, ROOM_102, &format!("Lovely room! {link}")).await;
    eventually(
        "the conversation shows the guest's message",
        WAIT,
        || async {
            desk.chat()
                .conversations(hotelmate_core::features::chat::ConversationFilter::All, "")
                .unwrap()
                .conversations
                .iter()
                .any(|c| c.last_message.as_deref().is_some_and(|m| m.contains(&link)))
        },
    )
    .await;
    // The photos the rows name are kept half a second after a change settles: keeping them is
    // a lane, woken as the conversation's row is stored, and `settled` waits for its round.
    desk.settled().await;
    assert_eq!(hits.load(Ordering::SeqCst), 0, "prefetched a guest's link");

    // A picture or a file at an address that is not the server's (asked for as the webview
    // would for an <img>, or saved as an attachment): refused in words, not fetched.
    let err = desk
        .image(
            &format!("http://{elsewhere}/x.png"),
            hotelmate_core::desk::ShownSize::Pane,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not fetched"), "{err}");
    let err = desk
        .chat()
        .save_attachment(&format!("http://{elsewhere}/invoice.pdf"), "invoice.pdf")
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FileUnavailable, "{err}");
    assert_eq!(
        elsewhere_hits.load(Ordering::SeqCst),
        0,
        "fetched an unknown address"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 0, "fetched a guest's link");

    // A file on an allowed host (the hotel's own) whose host answers 401: the file cannot be
    // fetched, and that is all; the desk stays signed in (it said "please sign in again").
    server.refuse_every(
        "GET /media/guest-file.pdf",
        401,
        json!({"detail": "Authentication credentials were not provided."}),
    );
    let err = desk
        .chat()
        .save_attachment(
            &format!("{}/media/guest-file.pdf", server.base_url()),
            "guest-file.pdf",
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::FileUnavailable, "{err}");
    assert!(!err.to_string().contains("sign in"), "{err}");
    // A desk signs out in the call that heard the server's 401, before it answers, and its
    // senders are settled: had that 401 counted, the desk would be signed out by now.
    desk.settled().await;
    assert!(
        desk.session().is_some(),
        "a file host's 401 never signs the desk out"
    );

    // The hotel's own pictures still show.
    let photo = desk
        .offers()
        .list()
        .unwrap()
        .into_iter()
        .find_map(|o| o.photo_url)
        .unwrap();
    let shown = desk
        .image(&photo, hotelmate_core::desk::ShownSize::Pane)
        .await
        .unwrap();
    assert!(shown.mime.starts_with("image/"), "{}", shown.mime);
    assert!(desk.session().is_some(), "still signed in");
    desk.shutdown().await;
    server.shutdown().await;
}

/// A server on loopback that answers every request 200 with `declared` (a Content-Length, or
/// none: chunked) and then streams zeros, up to `sent` bytes or until the client hangs up.
/// Returns its address and how many bytes it managed to send.
async fn endless(declared: Option<u64>, sent: u64) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let delivered = Arc::new(AtomicUsize::new(0));
    let counted = delivered.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counted = counted.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let length = match declared {
                    Some(n) => format!("content-length: {n}\r\n"),
                    None => "transfer-encoding: chunked\r\n".to_owned(),
                };
                let head =
                    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{length}\r\n");
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                let mut total = 0u64;
                while total < sent {
                    let written = if declared.is_some() {
                        socket.write_all(&chunk).await
                    } else {
                        let framed =
                            [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
                        socket.write_all(&framed).await
                    };
                    if written.is_err() {
                        return;
                    }
                    total += chunk.len() as u64;
                    counted.store(total as usize, Ordering::SeqCst);
                }
            });
        }
    });
    (addr, delivered)
}

/// Issue 28.7: a file claiming 50 GB grew the desk by 1.8 GiB in 20 s, and a 100 MB API answer
/// was read whole before it was refused. Every read is bounded: a declared length over the
/// limit is refused before the body is read, an undeclared one as soon as it passes the limit.
#[tokio::test(flavor = "multi_thread")]
async fn downloads_and_api_answers_are_refused_past_their_limits_without_being_read_whole() {
    use hotelmate_core::api::{ApiClient, ApiError, MAX_ANSWER_BYTES, MAX_ATTACHMENT_BYTES};
    use hotelmate_core::session::config::ApiBase;

    // A file claiming 50 GB: refused before its body is read.
    let (addr, delivered) = endless(Some(50 * 1024 * 1024 * 1024), 8 * 1024 * 1024).await;
    let client = ApiClient::new(ApiBase::parse(&format!("http://{addr}")).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.pdf");
    let err = client
        .download_to_file(
            &format!("http://{addr}/big.pdf"),
            MAX_ATTACHMENT_BYTES,
            &path,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::FileHost { .. }), "{err}");
    assert!(err.to_string().contains("larger than 50 MB"), "{err}");
    assert!(
        !path.exists() && !dir.path().join("big.part").exists(),
        "nothing left on disk"
    );
    println!(
        "a 50 GB claim: refused after the server sent {} kB",
        delivered.load(Ordering::SeqCst) / 1024
    );

    // An undeclared one: refused once it passes the limit (here 1 MB), nothing kept.
    let (addr, delivered) = endless(None, 64 * 1024 * 1024).await;
    let client = ApiClient::new(ApiBase::parse(&format!("http://{addr}")).unwrap()).unwrap();
    let err = client
        .download_to_file(&format!("http://{addr}/stream.pdf"), 1024 * 1024, &path)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("larger than 1 MB"), "{err}");
    assert!(!path.exists());
    assert!(
        (delivered.load(Ordering::SeqCst) as u64) < 32 * 1024 * 1024,
        "the desk stopped reading near the limit, not at the server's 64 MB"
    );

    // A 100 MB API answer, declared and not: refused, never read whole.
    for declared in [Some(100 * 1024 * 1024), None] {
        let (addr, delivered) = endless(declared, 100 * 1024 * 1024).await;
        let client = ApiClient::new(ApiBase::parse(&format!("http://{addr}")).unwrap()).unwrap();
        let err = client
            .get::<serde_json::Value>("api/staff/hotel/killarney/offers/")
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("larger than 8 MB"),
            "{declared:?}: {err}"
        );
        assert!(
            (delivered.load(Ordering::SeqCst) as u64) < MAX_ANSWER_BYTES * 4,
            "{declared:?}: read on to {} bytes",
            delivered.load(Ordering::SeqCst)
        );
    }
}

/// Issue 36.7: saving `report.pdf` wrote through `report.part` beside it and then removed it,
/// a file of the person's own. Tried: a download that arrives and one that fails, into a
/// folder holding `report.part`, `report.pdf`'s place free: the person's file is untouched
/// both times, the download lands whole under its name, and nothing of the desk's is left.
#[tokio::test(flavor = "multi_thread")]
async fn saving_a_file_never_touches_a_file_of_the_persons_own_beside_it() {
    let server = sandbox().await;
    let (desk, _dir) = desk("save-beside");
    sign_in(&desk, &server, server.addr(), "anna.byrne").await;
    eventually("an offer photo is known", WAIT, || async {
        desk.offers()
            .list()
            .unwrap()
            .iter()
            .any(|o| o.photo_url.is_some())
    })
    .await;
    let photo = desk
        .offers()
        .list()
        .unwrap()
        .into_iter()
        .find_map(|o| o.photo_url)
        .unwrap();
    let downloads = tempfile::tempdir().unwrap();
    let mine = downloads.path().join("report.part");
    std::fs::write(&mine, b"my own notes").unwrap();
    let client = hotelmate_core::api::ApiClient::new(
        hotelmate_core::session::config::ApiBase::parse(&server.base_url()).unwrap(),
    )
    .unwrap();
    let target = downloads.path().join("report.pdf");
    client
        .download_to_file(&photo, 10 << 20, &target)
        .await
        .unwrap();
    assert!(std::fs::metadata(&target).unwrap().len() > 0);
    let missing = format!("{}/media/nothing-here.jpg", server.base_url());
    let failed = downloads.path().join("other.pdf");
    assert!(client
        .download_to_file(&missing, 10 << 20, &failed)
        .await
        .is_err());
    assert!(!failed.exists());
    assert_eq!(std::fs::read(&mine).unwrap(), b"my own notes");
    let mut left: Vec<String> = std::fs::read_dir(downloads.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["report.part", "report.pdf"]);
    desk.shutdown().await;
    server.shutdown().await;
}
