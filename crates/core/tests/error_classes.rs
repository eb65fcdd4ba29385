//! Issue 23.4–23.6: every failure has a class, and a desk never floods a server that says no.
//! A server (or an account) that answers a whole area with 403 or 404 has that area marked
//! "not available" in words and asked again rarely, while the rest of the desk works and the
//! status stays Online; a live event reads only the resources it names; one area's 500s are
//! retried with backoff, not in a loop; a server that accepts connections and never answers
//! is said to be "not answering" within 15 s. Real sandbox over HTTP and WebSocket, real SQLite
//! files; the sandbox answers the refused areas as a newer HotelMate does (its `refuse_every`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::{Duration, Instant};

use crate::support::*;
use hotelmate_core::events::ResourceKind;
use hotelmate_core::session::config::DataDir;
use hotelmate_core::session::secrets::TokenVault;
use hotelmate_core::{ConnectionStatus, Desk, DeskEvent, DeskOptions};
use hotelmate_sandbox::network::CutProxy;
use reqwest::Method;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

/// The areas a newer HotelMate (or an account without the rights) refuses: offers, galleries
/// and conversations 404, settings 403 (API.md §10.3).
const REFUSED: &[(&str, u16)] = &[
    ("GET /api/staff/hotel/killarney/offers/", 404),
    ("GET /api/staff/hotel/killarney/galleries/", 404),
    ("GET /api/staff/hotel/killarney/gallery-images/", 404),
    ("GET /api/chat/killarney/conversations/", 404),
    ("GET /api/staff/hotel/killarney/settings/", 403),
];

/// A desk as the app makes it (the app's poll interval, recheck and request timeout).
fn app_desk(name: &str) -> (Desk, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut options = DeskOptions::new(DataDir::at(dir.path()));
    options.vault = TokenVault::with_service(unique(name));
    options.toasts = false;
    (Desk::open(options).unwrap(), dir)
}

fn total(counts: &std::collections::BTreeMap<String, u64>) -> u64 {
    counts.values().sum()
}

/// What was asked between two counts, for a failure's message.
fn asked(
    before: &std::collections::BTreeMap<String, u64>,
    after: &std::collections::BTreeMap<String, u64>,
) -> Vec<String> {
    after
        .iter()
        .filter_map(|(line, n)| {
            let more = n - before.get(line).copied().unwrap_or(0);
            (more > 0).then(|| format!("{more} × {line}"))
        })
        .collect()
}

/// The desk's poll interval is a second here (a minute in the app: a test clock the core
/// accepts, `DeskOptions`); its quiet timer and the refused areas' recheck stay well past the
/// watch (ten and fifteen minutes in the app; a minute here). Watched for six poll intervals:
/// a desk reading every area each poll, as before issue 35.8, would send dozens.
#[tokio::test(flavor = "multi_thread")]
async fn a_server_refusing_whole_areas_gets_at_most_one_request_a_minute_and_the_desk_stays_online()
{
    const MINUTE: Duration = Duration::from_secs(1);
    let server = sandbox().await;
    for (line, status) in REFUSED {
        let detail = if *status == 403 {
            "You do not have permission to perform this action."
        } else {
            "Not found."
        };
        server.refuse_every(line, *status, json!({ "detail": detail }));
    }
    let dir = tempfile::tempdir().unwrap();
    let mut options = DeskOptions::new(DataDir::at(dir.path()));
    options.vault = TokenVault::with_service(unique("budget"));
    options.toasts = false;
    options.poll_interval = MINUTE;
    options.quiet_interval = MINUTE * 60;
    options.unavailable_recheck = MINUTE * 60;
    let desk = Desk::open(options).unwrap();
    let mut events = desk.subscribe();
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    eventually(
        "each refused area says it is not available",
        WAIT,
        || async {
            let areas: Vec<ResourceKind> = desk
                .unavailable_areas()
                .into_iter()
                .map(|a| a.resource)
                .collect();
            [
                ResourceKind::Offers,
                ResourceKind::Galleries,
                ResourceKind::GalleryImages,
                ResourceKind::Conversations,
                ResourceKind::Settings,
            ]
            .iter()
            .all(|kind| areas.contains(kind))
        },
    )
    .await;
    eventually("the desk is online", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    let areas = desk.unavailable_areas();
    let settings = areas
        .iter()
        .find(|a| a.resource == ResourceKind::Settings)
        .unwrap();
    assert!(
        settings.message.contains("may not see") && settings.message.contains("permission"),
        "a 403 says it is this account, with the server's words: {}",
        settings.message
    );
    let offers = areas
        .iter()
        .find(|a| a.resource == ResourceKind::Offers)
        .unwrap();
    assert!(
        offers.message.contains("does not offer offers"),
        "{}",
        offers.message
    );
    // Settle: the first sync's reads are done, and the photos they name are kept (keeping
    // them is a lane too, woken the moment the rows changed).
    desk.settled().await;
    while events.try_recv().is_ok() {}

    // The rest works: a room type edited here reaches the server.
    let room = desk.pictures().overview().unwrap().room_types[0].clone();
    desk.room_types()
        .update(
            room.id,
            &serde_json::from_value(json!({"name": "Renamed beside refused areas"})).unwrap(),
        )
        .unwrap();
    let tok = token(&server, "anna.byrne").await;
    eventually("the edit reached the server", WAIT, || async {
        let rows = server_rows(&server, &tok, "room-types").await;
        rows.iter()
            .any(|r| r["name"] == "Renamed beside refused areas")
    })
    .await;

    let before = server.request_counts();
    let started = Instant::now();
    let mut flips = Vec::new();
    while started.elapsed() < MINUTE * 6 {
        match tokio::time::timeout(Duration::from_millis(500), events.recv()).await {
            Ok(Ok(DeskEvent::Connection { status })) if status != ConnectionStatus::Online => {
                flips.push(status)
            }
            _ => {}
        }
    }
    let after = server.request_counts();
    let sent = total(&after) - total(&before);
    println!(
        "an idle desk beside five refused areas sent {sent} requests in six poll intervals: {:?}",
        asked(&before, &after)
    );
    // Issue 35.8: live, an idle desk reads what no event announces every ten minutes (and
    // when its screen is opened), not every poll interval: at most one request in six.
    assert!(
        sent <= 1,
        "{sent} requests in six poll intervals: {:?}",
        asked(&before, &after)
    );
    assert!(flips.is_empty(), "the status left Online: {flips:?}");
    assert_eq!(desk.connection_status(), ConnectionStatus::Online);
    desk.shutdown().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_event_reads_only_what_it_names_and_the_quiet_resources_keep_their_own_timer() {
    let server = sandbox().await;
    let (desk, _dir) = app_desk("named");
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    eventually("the desk is online", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    eventually("the first sync is done", WAIT, || async {
        !desk.offers().list().unwrap().is_empty()
            && !desk.pictures().overview().unwrap().room_types.is_empty()
    })
    .await;
    // The chat's first list read (asked when its channel is confirmed) is done too.
    desk.settled().await;
    let tok = token(&server, "anna.byrne").await;
    let offer = desk.offers().list().unwrap()[0].clone();
    let quiet = [
        "GET /api/staff/hotel/killarney/galleries/",
        "GET /api/staff/hotel/killarney/gallery-images/",
        "GET /api/staff/hotel/killarney/room-types/",
        "GET /api/chat/killarney/conversations/",
    ];
    let before = server.request_counts();
    for n in 0..20 {
        rest(
            &server,
            &tok,
            Method::PATCH,
            &format!("/api/staff/hotel/killarney/offers/{}/", offer.id),
            Some(json!({ "tag": format!("Colleague's tag {n}") })),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    eventually("the colleague's last change is here", WAIT, || async {
        desk.offers()
            .list()
            .unwrap()
            .iter()
            .any(|o| o.id == offer.id && o.tag == "Colleague's tag 19")
    })
    .await;
    let after = server.request_counts();
    let unrelated: Vec<String> = asked(&before, &after)
        .into_iter()
        .filter(|line| quiet.iter().any(|q| line.ends_with(q)))
        .collect();
    assert!(
        unrelated.is_empty(),
        "offer events read resources they do not name: {unrelated:?}"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// One area answering 500 is read again with backoff (1, 2, 4, 8 s), never in a loop. Tried:
/// room types failing on every read while the rest answers; the test waits for three retries
/// and measures the gaps between them, as the server saw them.
#[tokio::test(flavor = "multi_thread")]
async fn one_areas_server_errors_are_retried_with_backoff_not_in_a_loop() {
    let server = sandbox().await;
    let line = "GET /api/staff/hotel/killarney/room-types/";
    server.refuse_every(line, 500, json!({ "detail": "Internal Server Error" }));
    let (desk, _dir) = app_desk("backoff");
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    eventually("the desk has read the offers", WAIT, || async {
        !desk.offers().list().unwrap().is_empty()
    })
    .await;
    eventually(
        "a failing read and three retries",
        Duration::from_secs(30),
        || async { server.request_times(line).len() >= 4 },
    )
    .await;
    let times = server.request_times(line);
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).take(3).collect();
    println!("room types answering 500: gaps between reads {gaps:?}");
    // Backoff of at least a second, growing (1, 1, 2 s here); a probe's wake-up may cut one
    // wait short, never more than one. In a loop, three retries take milliseconds.
    let short = gaps
        .iter()
        .filter(|gap| **gap < Duration::from_millis(900))
        .count();
    assert!(short <= 1, "reads of a failing area in a loop: {gaps:?}");
    let waited: Duration = gaps.iter().sum();
    assert!(
        waited >= Duration::from_millis(2500),
        "three retries in {waited:?}: no backoff ({gaps:?})"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// A change whose send the server put off (a 503 asking for 2 s) is sent once the wait is
/// over, with live updates on and nothing else to wake the desk. It waited for the next read
/// instead: ten minutes away with live updates (found as the flake of the Retry-After test
/// below, one full run in nine). Tried: the spell beginning at the edit's PATCH, the socket
/// live, no other work queued.
#[tokio::test(flavor = "multi_thread")]
async fn with_live_updates_an_edit_put_off_by_the_server_is_sent_when_the_wait_ends() {
    let server = sandbox().await;
    let (desk, _dir) = app_desk("resend-live");
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    eventually("the desk is online", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    let id = desk.offers().list().unwrap()[0].id;
    let line = format!("PATCH /api/staff/hotel/killarney/offers/{id}/");
    let tok = token(&server, "anna.byrne").await;
    server.busy_for(Duration::from_secs(2));
    desk.offers()
        .update(
            id,
            &serde_json::from_value(json!({ "title": "Sent again" })).unwrap(),
        )
        .unwrap();
    eventually("the wait is over", WAIT, || async { server.busy_over() }).await;
    eventually("the edit reaches the server after the wait", WAIT, || {
        let (server, tok) = (&server, &tok);
        async move {
            server_offers(server, tok)
                .await
                .iter()
                .any(|o| o["id"] == id && o["title"] == "Sent again")
        }
    })
    .await;
    // Put off at most once (the spell may begin at another request, and then the desk holds
    // the PATCH back itself), sent once more.
    let patches = server.requests_to(&line);
    assert!((1..=2).contains(&patches), "{patches} PATCHes of one edit");
    desk.shutdown().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_accepts_and_never_answers_is_said_to_be_not_answering_within_15_seconds() {
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let (desk, _dir) = app_desk("silent");
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    eventually("the desk is online", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    eventually("the offers are here", WAIT, || async {
        !desk.offers().list().unwrap().is_empty()
    })
    .await;
    let offer = desk.offers().list().unwrap()[0].clone();

    proxy.freeze();
    let frozen_at = Instant::now();
    desk.offers()
        .update(
            offer.id,
            &serde_json::from_value(json!({"tag": "Sent to a silent server"})).unwrap(),
        )
        .unwrap();
    eventually(
        "the status says the server is not answering",
        Duration::from_secs(15),
        || async {
            matches!(
                desk.connection_status(),
                ConnectionStatus::Offline { ref reason, .. }
                    if reason == "The hotel's server is not answering."
            )
        },
    )
    .await;
    println!(
        "a silent server was noticed {:.1} s after it stopped answering",
        frozen_at.elapsed().as_secs_f64()
    );
    assert_eq!(desk.outbox_summary().unwrap().pending, 1, "the edit waits");

    proxy.thaw();
    let tok = token(&server, "anna.byrne").await;
    eventually(
        "the edit reaches the server once it answers",
        WAIT * 2,
        || async {
            rest(
                &server,
                &tok,
                Method::GET,
                &format!("/api/staff/hotel/killarney/offers/{}/", offer.id),
                None,
            )
            .await["tag"]
                == "Sent to a silent server"
        },
    )
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 35.3: a server that answers 503 with `Retry-After` is left alone until then (every
/// queue: the edit's, the reads', the chat's), and the status bar says until when in words;
/// afterwards the edit made meanwhile reaches it once. Before, the usual backoff (1 s, 2 s,
/// 4 s…) asked it again within a second. Tried: a whole server busy for 6 s, with an edit
/// made as the spell starts and another made during it.
#[tokio::test(flavor = "multi_thread")]
async fn a_server_asking_to_wait_is_left_alone_until_then_and_the_desk_says_until_when() {
    const SPELL: Duration = Duration::from_secs(6);
    let server = sandbox().await;
    let (desk, _dir) = desk("retry-after");
    sign_in(&desk, &server, server.addr(), "anna.byrne").await;
    eventually("the desk is online", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    let id = desk.offers().list().unwrap()[0].id;
    let tok = token(&server, "sean.murphy").await;
    server.busy_for(SPELL);
    let patch = |title: &str| serde_json::from_value(json!({ "title": title })).unwrap();
    desk.offers().update(id, &patch("Asked to wait")).unwrap();
    let mut status = None;
    eventually("the status says the server asked to wait", WAIT, || {
        status = Some(desk.connection_status());
        let said = matches!(
            &status,
            Some(ConnectionStatus::Offline { reason, cause, .. })
                if reason.starts_with("The hotel's server asked the desk to wait until ")
                    && *cause == hotelmate_core::events::OfflineCause::AskedToWait
        );
        async move { said }
    })
    .await;
    // New work during the spell does not make the desk ask again either.
    desk.offers().update(id, &patch("Still waiting")).unwrap();
    eventually("the spell is over", WAIT, || async { server.busy_over() }).await;
    eventually("the edit reaches the server after the spell", WAIT, || {
        let (server, tok) = (&server, &tok);
        async move {
            server_offers(server, tok)
                .await
                .iter()
                .any(|o| o["id"] == id && o["title"] == "Still waiting")
        }
    })
    .await;
    let spell = server.busy_requests().unwrap();
    // What was already on its way when the first 503 came (a read's pages, the chat) may
    // arrive in its first moments; nothing is asked later in the spell.
    let late: Vec<&Duration> = spell
        .iter()
        .filter(|at| **at > Duration::from_millis(900))
        .collect();
    assert!(
        late.is_empty(),
        "asked again during the spell at {late:?} (all: {spell:?})"
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 35.2: an idle desk with its socket subscribed noticed a frozen server only about 58 s
/// later (the next request plus its timeout). The socket now pings after 10 s of silence and
/// a ping unanswered for 4 s means the live-update server stopped answering; the probe of the
/// server's root it sends then (2 s at most, issue 63.13: a lost socket alone says only that
/// live updates are out) finds the rest silent too: the status says so within 16 s, and is
/// back once the server answers again. Tried: the whole server frozen (connections held open,
/// nothing answered) while the desk is idle.
#[tokio::test(flavor = "multi_thread")]
async fn an_idle_desk_notices_a_frozen_server_within_16_seconds_by_its_socket() {
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let (desk, _dir) = app_desk("silent-idle");
    sign_in(&desk, &server, proxy.addr(), "sean.murphy").await;
    eventually("the desk is online", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    proxy.freeze();
    let frozen_at = Instant::now();
    // 16 s by design (10 s of silence, a ping unanswered for 4 s, a probe of 2 s); the margin
    // is for a machine loaded by the rest of the suite (the figure is printed below), and
    // still far from the ~58 s (issue 35.2) and 590 s (issue 63.13) this test was written for.
    eventually(
        "the status says the server is not answering",
        Duration::from_secs(24),
        || async {
            matches!(
                desk.connection_status(),
                ConnectionStatus::Offline { ref reason, cause, .. }
                    if reason == "The hotel's server is not answering."
                        && cause == hotelmate_core::events::OfflineCause::NotAnswering
            )
        },
    )
    .await;
    println!(
        "an idle desk noticed a frozen server {:.1} s after it froze",
        frozen_at.elapsed().as_secs_f64()
    );
    proxy.thaw();
    let thawed_at = Instant::now();
    eventually("connected again", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    println!(
        "connected again {:.1} s after the server answered",
        thawed_at.elapsed().as_secs_f64()
    );
    desk.shutdown().await;
    server.shutdown().await;
}

/// Issue 35.2: with only the live-update server stopped (the REST server answers), each socket
/// retry began a new outage and the status said "No connection to the hotel's server." nearly
/// all the time while edits saved. Tried: the socket's path alone frozen, then refused: the
/// status says live updates are reconnecting through every attempt, an edit reaches the server
/// meanwhile, and the desk is connected again once the live-update server is back.
#[tokio::test(flavor = "multi_thread")]
async fn with_only_live_updates_down_the_desk_says_so_and_keeps_saving() {
    let server = sandbox().await;
    let socket_side = CutProxy::start(server.addr()).await.unwrap();
    let (desk, _dir) = app_desk("socket-only");
    let pusher = server.pusher();
    desk.sign_in(hotelmate_core::SignInRequest {
        server_url: server.base_url(),
        username: "sean.murphy".into(),
        password: PASSWORD.into(),
        pusher: Some(
            hotelmate_core::session::config::PusherEndpoint::SelfHosted {
                key: pusher.key,
                host: socket_side.addr().ip().to_string(),
                port: socket_side.addr().port(),
                tls: false,
            },
        ),
    })
    .await
    .unwrap();
    eventually("the desk is online", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    let reconnecting =
        |status: &ConnectionStatus| matches!(status, ConnectionStatus::LiveReconnecting { .. });
    socket_side.freeze();
    eventually("the status names live updates", WAIT, || async {
        reconnecting(&desk.connection_status())
    })
    .await;
    socket_side.thaw();
    socket_side.cut();
    let id = desk.offers().list().unwrap()[0].id;
    desk.offers()
        .update(
            id,
            &serde_json::from_value(json!({"tag": "Saved without live updates"})).unwrap(),
        )
        .unwrap();
    let tok = token(&server, "anna.byrne").await;
    eventually("the edit reaches the server", WAIT, || async {
        rest(
            &server,
            &tok,
            Method::GET,
            &format!("/api/staff/hotel/killarney/offers/{id}/"),
            None,
        )
        .await["tag"]
            == "Saved without live updates"
    })
    .await;
    // Through several refused attempts of the socket, the status stays on live updates.
    let mut events = desk.subscribe();
    let mut told = Vec::new();
    while told.len() < 3 {
        if let Ok(Ok(DeskEvent::Connection { status })) =
            tokio::time::timeout(WAIT, events.recv()).await
        {
            told.push(status);
        } else {
            break;
        }
    }
    assert!(
        told.iter().all(reconnecting) && reconnecting(&desk.connection_status()),
        "only live updates are down: {told:?}"
    );
    socket_side.restore();
    eventually("connected again", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}
