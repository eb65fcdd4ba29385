//! The desk on either generation of HotelMate (API.md §1–9 and §10): the same test, with the
//! sandbox playing each. On the 2026 backend the desk reads what that server has (room types,
//! the on-duty board), says in words what it does not have (offers, galleries, the public page,
//! ...), and never asks it for those: the sandbox counts every request. Real sandbox over HTTP
//! and WebSocket, real SQLite files, the real keyring of the test session.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use hotelmate_core::desk::{ErrorCode, RoomTypePatch};
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

#[tokio::test(flavor = "multi_thread")]
async fn only_those_the_server_lets_manage_room_types_may_change_them_and_nothing_is_queued_for_the_rest(
) {
    for generation in [Generation::Classic, Generation::Hotelmate2026] {
        let server = Sandbox::start_generation("127.0.0.1:0".parse().unwrap(), generation)
            .await
            .unwrap();
        for (username, may_manage) in [
            ("anna.byrne", generation == Generation::Classic),
            ("sean.murphy", true),
        ] {
            let case = format!("{username} on {generation:?}");
            let home = Home::new("room-type-rights");
            let desk = home.open();
            sign_in(&desk, &server, server.addr(), username).await;
            let name = format!("Attic loft of {username}");
            let answer = desk.room_types().create(&RoomTypePatch {
                name: Some(name.clone()),
                starting_price_from: Some("149".into()),
                currency: Some("EUR".into()),
                ..RoomTypePatch::default()
            });
            if may_manage {
                answer.unwrap_or_else(|err| panic!("{case}: {err}"));
                let token = token(&server, username).await;
                eventually(
                    &format!("{case}: the room type reaches the server"),
                    WAIT,
                    || async {
                        server_rows(&server, &token, "room-types")
                            .await
                            .iter()
                            .any(|row| row["name"] == name.as_str())
                    },
                )
                .await;
            } else {
                let err = answer.expect_err(&case);
                assert_eq!(err.code(), ErrorCode::Forbidden, "{case}");
                assert!(
                    err.to_string().contains("may not change room types"),
                    "{case}: {err}"
                );
                assert_eq!(
                    desk.unsent_work().unwrap().total(),
                    0,
                    "{case}: nothing queued"
                );
                let photo = desk
                    .room_types()
                    .set_photo(1, "room.jpg".into(), vec![0xff, 0xd8, 0xff], None)
                    .await
                    .expect_err(&case);
                assert_eq!(photo.code(), ErrorCode::Forbidden, "{case}: {photo}");
            }
            desk.shutdown().await;
        }
        server.shutdown().await;
    }
}
