//! The desk on either generation of HotelMate (API.md §1–9 and §10): the same test, with the
//! sandbox playing each. On the 2026 backend the desk reads what that server has (room types,
//! the on-duty board), says in words what it does not have (offers, galleries, the public page,
//! ...), and never asks it for those: the sandbox counts every request. Real sandbox over HTTP
//! and WebSocket, real SQLite files, the real keyring of the test session.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use hotelmate_core::events::ResourceKind;
use hotelmate_sandbox::{Generation, Sandbox};
use support::*;

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread")]
async fn each_generation_shows_what_its_server_has_and_says_what_it_has_not() {
    for generation in [Generation::Classic, Generation::Hotelmate2026] {
        let server = Sandbox::start_generation("127.0.0.1:0".parse().unwrap(), generation)
            .await
            .unwrap();
        let home = Home::new("generations");
        let desk = home.open();
        sign_in(&desk, &server, server.addr(), "anna.byrne").await;
        eventually(
            &format!("{generation:?}: the room types and the team are read"),
            WAIT,
            || async {
                !desk.pictures().overview().unwrap().room_types.is_empty()
                    && desk.team().board("").unwrap().total > 1
            },
        )
        .await;
        let unavailable = desk.unavailable_areas();
        let said = |kind: ResourceKind| {
            unavailable
                .iter()
                .find(|area| area.resource == kind)
                .map(|area| area.message.clone())
        };
        match generation {
            Generation::Classic => {
                assert!(unavailable.is_empty(), "{unavailable:?}");
                eventually("the offers are read", WAIT, || async {
                    !desk.offers().list().unwrap().is_empty()
                })
                .await;
            }
            Generation::Hotelmate2026 => {
                let offers = said(ResourceKind::Offers).expect("the Offers screen says why");
                assert!(offers.contains("has no offers"), "{offers}");
                assert!(!offers.contains("asks the server again"), "{offers}");
                for kind in [
                    ResourceKind::Galleries,
                    ResourceKind::HotelDetails,
                    ResourceKind::Conversations,
                ] {
                    assert!(said(kind).is_some(), "{kind:?} is said to be missing");
                }
                assert!(desk.offers().list().unwrap().is_empty());
                // Never asked for: no request for an area this server does not have.
                let asked: Vec<String> = server
                    .request_counts()
                    .into_keys()
                    .filter(|line| {
                        [
                            "/offers/",
                            "/galleries/",
                            "/api/chat/",
                            "/api/hotel/public/",
                        ]
                        .iter()
                        .any(|path| line.contains(path))
                    })
                    .collect();
                assert!(asked.is_empty(), "asked for what is not there: {asked:?}");
            }
        }
        desk.shutdown().await;
        server.shutdown().await;
    }
}
