//! The team as a front desk lives it: the on-duty board catches up after the network was down
//! while colleagues clocked in and out, follows them live, survives a restart with no network;
//! my clock toggles on the server, is refused plainly offline and on a server that clocks only
//! by face, and follows me when I clock elsewhere. Real sandbox over HTTP and WebSocket, real
//! SQLite files, the real keyring of the test session; network cuts go through a TCP proxy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::{Duration, Instant};

use crate::support::*;
use hotelmate_core::desk::ErrorCode;
use hotelmate_core::features::team::{TeamBoard, TeamMember};
use hotelmate_core::{ConnectionStatus, Desk, UiError};
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::SandboxHandle;

const WAIT: Duration = Duration::from_secs(20);

fn member<'a>(board: &'a TeamBoard, name: &str) -> Option<&'a TeamMember> {
    board
        .groups
        .iter()
        .flat_map(|g| g.members.iter())
        .find(|m| m.name == name)
}

fn on_duty(desk: &Desk, name: &str) -> Option<bool> {
    member(&desk.team().board("").unwrap(), name).map(|m| m.on_duty)
}

/// A colleague clocks through the server as their own desk would.
async fn colleague_clocks(server: &SandboxHandle, username: &str) -> bool {
    let tok = token(server, username).await;
    let answer = rest(
        server,
        &tok,
        reqwest::Method::POST,
        "/api/staff/killarney/clock/",
        None,
    )
    .await;
    answer["is_on_duty"].as_bool().unwrap()
}

/// `is_on_duty` of `username` as the server has it (`me`).
async fn server_duty(server: &SandboxHandle, username: &str) -> bool {
    let tok = token(server, username).await;
    rest(
        server,
        &tok,
        reqwest::Method::GET,
        "/api/staff/killarney/me/",
        None,
    )
    .await["is_on_duty"]
        .as_bool()
        .unwrap()
}

async fn online(desk: &Desk) {
    eventually("the desk is connected", WAIT, || async {
        desk.connection_status() == ConnectionStatus::Online
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_board_catches_up_after_an_outage_follows_colleagues_live_and_opens_offline() {
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let home = Home::new("team-board");
    let desk = home.open();
    sign_in(&desk, &server, proxy.addr(), "anna.byrne").await;
    online(&desk).await;
    // The staff list and the open clock logs are two reads of the same reconcile.
    eventually(
        "the board lists the colleagues, with since when",
        WAIT,
        || async {
            let board = desk.team().board("").unwrap();
            on_duty(&desk, "Seán Murphy") == Some(true)
                && on_duty(&desk, "Niamh Kelly") == Some(false)
                && member(&board, "Seán Murphy").is_some_and(|m| m.on_duty_since.is_some())
        },
    )
    .await;
    let board = desk.team().board("").unwrap();
    let me = member(&board, "Anna Byrne").expect("I am on the board, from 'me'");
    assert!(
        me.is_me && me.on_duty,
        "the staff list leaves me out; the desk adds me: {me:?}"
    );
    assert!(
        member(&board, "Seán Murphy")
            .unwrap()
            .on_duty_since
            .is_some(),
        "since when, from the open clock log"
    );
    assert!(board.as_of.is_some());

    // The network goes; colleagues clock in and out meanwhile.
    proxy.cut();
    eventually("the desk sees it is offline", WAIT, || async {
        matches!(desk.connection_status(), ConnectionStatus::Offline { .. })
            || matches!(
                desk.connection_status(),
                ConnectionStatus::LiveReconnecting { .. }
            )
    })
    .await;
    assert!(
        colleague_clocks(&server, "niamh.kelly").await,
        "Niamh clocks in"
    );
    assert!(
        !colleague_clocks(&server, "sean.murphy").await,
        "Seán clocks out"
    );
    // The proxy closes every connection since the cut: what the desk shows now it shows
    // until the network returns (no wait would show more).
    assert_eq!(
        (on_duty(&desk, "Niamh Kelly"), on_duty(&desk, "Seán Murphy")),
        (Some(false), Some(true)),
        "nothing can arrive while the network is cut"
    );

    // It comes back: the reconnect reconciles, so both changes show though no event arrived,
    // with since when Niamh is on duty (her clock log; the two lists are read one after the
    // other, so the time may follow the "on duty" by a moment).
    proxy.restore();
    eventually("the board caught up after the outage", WAIT, || async {
        let board = desk.team().board("").unwrap();
        member(&board, "Niamh Kelly").is_some_and(|m| m.on_duty && m.on_duty_since.is_some())
            && on_duty(&desk, "Seán Murphy") == Some(false)
    })
    .await;
    online(&desk).await;

    // Live: a colleague clocks out and the board follows.
    let started = Instant::now();
    assert!(!colleague_clocks(&server, "niamh.kelly").await);
    eventually("the board shows Niamh clocked out", WAIT, || async {
        on_duty(&desk, "Niamh Kelly") == Some(false)
    })
    .await;
    println!(
        "a colleague's clock-out reached the board in {} ms (request to the server included)",
        started.elapsed().as_millis()
    );

    // Quit and reopen with no network: the board is there, as of the last reading.
    let as_of = desk.team().board("").unwrap().as_of;
    desk.shutdown().await;
    drop(desk);
    proxy.cut();
    let reopened = home.open();
    reopened.resume().await.unwrap().expect("still signed in");
    let board = reopened.team().board("").unwrap();
    assert_eq!(on_duty(&reopened, "Niamh Kelly"), Some(false));
    assert_eq!(on_duty(&reopened, "Seán Murphy"), Some(false));
    assert_eq!(board.as_of, as_of, "marked as of the last reading");
    let found = reopened.team().board("NIAMH").unwrap();
    let names: Vec<&str> = found
        .groups
        .iter()
        .flat_map(|g| g.members.iter().map(|m| m.name.as_str()))
        .collect();
    assert_eq!(names, vec!["Niamh Kelly"], "search works offline");
    reopened.shutdown().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn my_clock_toggles_on_the_server_waits_for_the_network_and_says_when_the_server_will_not() {
    let server = sandbox().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let (desk, _dir) = desk("team-clock");
    sign_in(&desk, &server, proxy.addr(), "anna.byrne").await;
    online(&desk).await;
    assert_eq!(desk.session().unwrap().is_on_duty, Some(true), "from 'me'");

    // Clock out, then in again: the server agrees each time.
    let session = desk.team().clock().await.unwrap();
    assert_eq!(session.is_on_duty, Some(false));
    assert!(!server_duty(&server, "anna.byrne").await);
    let board = desk.team().board("anna").unwrap();
    assert!(
        !board.groups[0].members[0].on_duty,
        "the board shows me clocked out at once"
    );
    let session = desk.team().clock().await.unwrap();
    assert_eq!(session.is_on_duty, Some(true));
    assert!(server_duty(&server, "anna.byrne").await);

    // Clocked elsewhere (another desk, or the face terminal): my state follows the event.
    assert!(!colleague_clocks(&server, "anna.byrne").await);
    eventually(
        "my clock follows a clock-out made elsewhere",
        WAIT,
        || async { desk.session().unwrap().is_on_duty == Some(false) },
    )
    .await;

    // Offline: refused in words, and nothing is sent later.
    proxy.cut();
    eventually("the desk knows it is offline", WAIT, || async {
        // A request must fail for the desk to know: the socket's loss alone is not "offline".
        let _ = desk.refresh_identity().await;
        matches!(desk.connection_status(), ConnectionStatus::Offline { .. })
    })
    .await;
    let refused: UiError = desk.team().clock().await.unwrap_err().into();
    assert_eq!(refused.code, ErrorCode::Network);
    assert!(refused.message.contains("offline"), "{}", refused.message);
    proxy.restore();
    online(&desk).await;
    desk.settled().await;
    assert!(
        !server_duty(&server, "anna.byrne").await,
        "a refused clock-in is not sent when the network returns"
    );

    // A server that clocks only by face (the reference backend answers 403).
    server.set_token_clock(false);
    let refused: UiError = desk.team().clock().await.unwrap_err().into();
    assert_eq!(refused.code, ErrorCode::ClockUnavailable);
    assert!(
        refused.message.contains("face-recognition terminal"),
        "{}",
        refused.message
    );
    assert!(desk.session().unwrap().clock_refused.is_some());
    assert!(!server_duty(&server, "anna.byrne").await);
    // …and my state still follows the clock there.
    server.set_token_clock(true);
    assert!(colleague_clocks(&server, "anna.byrne").await);
    eventually("my clock follows the terminal", WAIT, || async {
        desk.session().unwrap().is_on_duty == Some(true)
    })
    .await;
    desk.shutdown().await;
    server.shutdown().await;
}

/// Colleagues clocking in and out would be a stream of toasts on a busy morning: off until the
/// user switches them on, and the choice is kept across a restart.
#[tokio::test(flavor = "multi_thread")]
async fn clocking_toasts_are_off_until_switched_on_and_the_choice_is_kept() {
    use hotelmate_core::events::ResourceKind;
    let home = Home::new("team-toasts");
    let muted = |desk: &Desk, kind: ResourceKind| {
        desk.toast_settings()
            .iter()
            .find(|s| s.category == kind)
            .map(|s| s.muted)
    };
    let desk = home.open();
    assert_eq!(muted(&desk, ResourceKind::Staff), Some(true));
    assert_eq!(muted(&desk, ResourceKind::Offers), Some(false));
    assert_eq!(
        muted(&desk, ResourceKind::ClockLogs),
        None,
        "not a category of its own"
    );
    desk.set_toast_muted(ResourceKind::Staff, false)
        .await
        .unwrap();
    desk.set_toast_muted(ResourceKind::Offers, true)
        .await
        .unwrap();
    drop(desk);
    let reopened = home.open();
    assert_eq!(muted(&reopened, ResourceKind::Staff), Some(false));
    assert_eq!(muted(&reopened, ResourceKind::Offers), Some(true));
}
