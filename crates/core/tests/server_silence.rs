//! Issue 63.13, an honest status when the hotel's two servers fail apart: in a real hotel the
//! Django server and the live-update (Pusher) server are separate, so a live socket says
//! nothing of the server that answers requests. Here the REST API goes through a proxy the test
//! freezes or cuts, while the live socket reaches the sandbox's Pusher server directly (or the
//! other way round). The desk's silence before it asks is shortened from a minute
//! (`DeskOptions::answer_stale`) so the tests take seconds; the rule is the same.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::{Duration, Instant};

use crate::support::*;
use hotelmate_core::events::OfflineCause;
use hotelmate_core::session::config::PusherEndpoint;
use hotelmate_core::{ConnectionStatus, Desk, DeskEvent, SignInRequest};
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::SandboxHandle;

const WAIT: Duration = Duration::from_secs(30);
/// The silence after which the shown status may no longer say "Connected" (a minute in the
/// app).
const STALE: Duration = Duration::from_secs(6);
/// How long a request waits for its answer (10 s in the app).
const TIMEOUT: Duration = Duration::from_secs(2);

/// A desk whose REST requests go through `rest` and whose live socket goes to `socket`, asking
/// the server after `stale` of silence, its other options as `change` sets them.
async fn split_desk(
    name: &str,
    server: &SandboxHandle,
    (rest, socket): (std::net::SocketAddr, std::net::SocketAddr),
    stale: Duration,
    change: impl FnOnce(&mut hotelmate_core::DeskOptions),
) -> (Desk, Home) {
    let home = Home::new(name);
    let desk = home.open_with(|options| {
        options.answer_stale = stale;
        options.request_timeout = TIMEOUT;
        change(options);
    });
    desk.sign_in(SignInRequest {
        server_url: format!("http://{rest}"),
        username: "sean.murphy".into(),
        password: PASSWORD.into(),
        pusher: Some(PusherEndpoint::SelfHosted {
            key: server.pusher().key,
            host: socket.ip().to_string(),
            port: socket.port(),
            tls: false,
        }),
    })
    .await
    .unwrap();
    eventually("the desk is online", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    desk.settled().await;
    (desk, home)
}

fn not_answering(status: &ConnectionStatus) -> bool {
    matches!(
        status,
        ConnectionStatus::Offline {
            cause: OfflineCause::NotAnswering,
            ..
        }
    )
}

/// The reviewer's count: an idle desk said "Connected" for 590 s while its Django server was
/// frozen (the separate live-update server kept answering the socket's pings; only the
/// ten-minute read found it). With the window shown, a server silent for the stale time is
/// asked whether it answers: a moment later with no answer the status says it is checking, and
/// once the request's wait is over that the server is not answering; it is back once the
/// server answers.
#[tokio::test(flavor = "multi_thread")]
async fn a_frozen_server_behind_a_live_socket_is_not_called_connected_once_its_silence_is_stale() {
    let server = sandbox().await;
    let rest_side = CutProxy::start(server.addr()).await.unwrap();
    let (desk, _home) = split_desk(
        "frozen-django",
        &server,
        (rest_side.addr(), server.addr()),
        STALE,
        |_| (),
    )
    .await;
    let mut events = desk.subscribe();
    let last_answer = Instant::now();

    rest_side.freeze();
    let frozen_at = Instant::now();
    eventually(
        "the status stops saying Connected",
        STALE + Duration::from_secs(3),
        || async { desk.connection_status() != ConnectionStatus::Online },
    )
    .await;
    let left = frozen_at.elapsed();
    let silent = last_answer.elapsed();
    eventually(
        "the status says the server is not answering",
        TIMEOUT * 3,
        || async { not_answering(&desk.connection_status()) },
    )
    .await;
    println!(
        "a frozen server behind a live socket stopped being called Connected {:.1} s after it \
         froze ({:.1} s after its last answer; asked after {} s of silence), and was said not \
         to answer {:.1} s after it froze",
        left.as_secs_f64(),
        silent.as_secs_f64(),
        STALE.as_secs(),
        frozen_at.elapsed().as_secs_f64()
    );
    assert!(
        silent <= STALE + Duration::from_millis(1500),
        "called Connected {:.1} s after the last answer",
        silent.as_secs_f64()
    );
    let mut told = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let DeskEvent::Connection { status } = event {
            told.push(status);
        }
    }
    assert!(
        told.len() == 2 && told[0] == ConnectionStatus::Checking && not_answering(&told[1]),
        "checking, then not answering: {told:?}"
    );

    rest_side.thaw();
    eventually("connected again", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}

/// The idle budget holds (at most one request a minute in the app, here one per stale time):
/// with the window hidden the server's root is never asked only for the status; shown, an idle
/// desk asks it once per silence, and the lists no event announces (galleries, room types, the
/// conversations), read every quiet interval, are read one per silence then, not all at once
/// with a probe in each silence after (which cost 1.3 requests a minute). Each phase is a span
/// of time on purpose: the test counts what a desk asks while nothing happens.
#[tokio::test(flavor = "multi_thread")]
async fn an_idle_desk_asks_once_per_silence_while_shown_and_nothing_while_hidden() {
    let server = sandbox().await;
    let rest_side = CutProxy::start(server.addr()).await.unwrap();
    let stale = Duration::from_secs(2);
    let quiet = stale * 6;
    let (desk, _home) = split_desk(
        "idle-budget",
        &server,
        (rest_side.addr(), server.addr()),
        stale,
        |options| options.quiet_interval = quiet,
    )
    .await;
    let asked = |before: &std::collections::BTreeMap<String, u64>| {
        let now = server.request_counts();
        let more = |line: &String, n: &u64| n - before.get(line).copied().unwrap_or(0);
        let all: u64 = now.iter().map(|(line, n)| more(line, n)).sum();
        (
            all,
            now.get("HEAD /")
                .map_or(0, |n| more(&"HEAD /".to_owned(), n)),
        )
    };

    desk.window_shown(false);
    let hidden_span = stale * 3;
    let before = server.request_counts();
    tokio::time::sleep(hidden_span).await;
    let (hidden, hidden_probes) = asked(&before);

    desk.window_shown(true);
    let span = quiet * 2;
    let before = server.request_counts();
    tokio::time::sleep(span).await;
    let (shown, shown_probes) = asked(&before);
    let silences = span.as_secs() / stale.as_secs();
    println!(
        "idle, asked after {} s of silence, lists read every {} s: hidden {} s, {hidden} \
         requests ({hidden_probes} probes); shown {} s, {shown} requests ({shown_probes} probes) \
         for {silences} silences",
        stale.as_secs(),
        quiet.as_secs(),
        hidden_span.as_secs(),
        span.as_secs()
    );
    assert_eq!(hidden_probes, 0, "asked while hidden");
    assert!(shown_probes >= 1, "never asked while shown");
    assert!(
        shown <= silences + 2,
        "{shown} requests in {} s shown, one silence every {} s",
        span.as_secs(),
        stale.as_secs()
    );
    assert_eq!(desk.connection_status(), ConnectionStatus::Online);
    desk.shutdown().await;
    server.shutdown().await;
}

/// A window shown again after a long silence while hidden does not say "Connected" of a
/// server that froze meanwhile: it asks at once, says it is checking once the question has
/// gone unanswered a moment, and then that the server is not answering.
#[tokio::test(flavor = "multi_thread")]
async fn a_window_shown_after_a_long_silence_checks_before_it_says_connected() {
    let server = sandbox().await;
    let rest_side = CutProxy::start(server.addr()).await.unwrap();
    let (desk, _home) = split_desk(
        "shown-again",
        &server,
        (rest_side.addr(), server.addr()),
        STALE,
        |_| (),
    )
    .await;
    desk.window_shown(false);
    rest_side.freeze();
    let last_answer = Instant::now();
    // Hidden, nobody is told anything and nothing is asked: the silence grows stale.
    tokio::time::sleep(STALE + Duration::from_secs(1)).await;
    assert_eq!(desk.connection_status(), ConnectionStatus::Online);

    let shown_at = Instant::now();
    desk.window_shown(true);
    eventually("the status checks", Duration::from_secs(3), || async {
        desk.connection_status() == ConnectionStatus::Checking
    })
    .await;
    let checking = shown_at.elapsed();
    eventually("the status says not answering", WAIT, || async {
        not_answering(&desk.connection_status())
    })
    .await;
    println!(
        "shown again {:.1} s after the last answer: checking after {:.1} s, not answering after \
         {:.1} s",
        (shown_at - last_answer).as_secs_f64(),
        checking.as_secs_f64(),
        shown_at.elapsed().as_secs_f64()
    );
    rest_side.thaw();
    eventually("connected again", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}

/// The reviewer's count: for the first second of an outage of the live-update server alone it
/// said "No connection to the hotel's server" (until a probe answered). It says live updates
/// are reconnecting from the first moment, and only that, while the server answers.
#[tokio::test(flavor = "multi_thread")]
async fn a_socket_only_outage_says_live_updates_reconnecting_from_its_first_moment() {
    let server = sandbox().await;
    let socket_side = CutProxy::start(server.addr()).await.unwrap();
    let (desk, _home) = split_desk(
        "socket-only",
        &server,
        (server.addr(), socket_side.addr()),
        STALE,
        |_| (),
    )
    .await;
    let mut events = desk.subscribe();
    socket_side.cut();
    let mut told = Vec::new();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .expect("the status never changed")
            .unwrap();
        if let DeskEvent::Connection { status } = event {
            let reconnecting = matches!(status, ConnectionStatus::LiveReconnecting { .. });
            told.push(status);
            if reconnecting {
                break;
            }
        }
    }
    assert_eq!(told.len(), 1, "live updates reconnecting at once: {told:?}");
    // The probe the loss sends finds the server answering: nothing else is said.
    desk.settled().await;
    assert!(
        matches!(
            desk.connection_status(),
            ConnectionStatus::LiveReconnecting { .. }
        ),
        "{:?}",
        desk.connection_status()
    );
    while let Ok(event) = events.try_recv() {
        if let DeskEvent::Connection { status } = event {
            assert!(
                matches!(status, ConnectionStatus::LiveReconnecting { .. }),
                "only live updates are out: {status:?}"
            );
        }
    }
    socket_side.restore();
    eventually("connected again", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}
