//! The desk on either generation of HotelMate (API.md §1–9 and §10): the same test, with the
//! sandbox playing each. On the 2026 backend the desk reads what that server has (room types,
//! the on-duty board), says in words what it does not have (offers, galleries, the public page,
//! ...), and never asks it for those: the sandbox counts every request. Real sandbox over HTTP
//! and WebSocket, real SQLite files, the real keyring of the test session.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;
use hotelmate_core::desk::{ErrorCode, RoomTypePatch};
use hotelmate_core::events::ResourceKind;
use hotelmate_sandbox::{Generation, Sandbox, SandboxHandle};

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
                // Everything but the 2026 page builder (API.md §17: sections, heroes,
                // galleries, lists and cards) and the 2026 front desk's lists and room board
                // (§15), which it has not.
                assert!(
                    unavailable.iter().all(|area| matches!(
                        area.resource,
                        ResourceKind::PublicPage
                            | ResourceKind::PageSections
                            | ResourceKind::PageHeroes
                            | ResourceKind::PageGalleries
                            | ResourceKind::PageGalleryImages
                            | ResourceKind::PageLists
                            | ResourceKind::PageCards
                            | ResourceKind::PagePresets
                            | ResourceKind::Arrivals
                            | ResourceKind::Departures
                            | ResourceKind::InHouse
                            | ResourceKind::RoomBoard
                    )),
                    "{unavailable:?}"
                );
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
                    ResourceKind::GuestPage,
                    // The older server's front desk (§16).
                    ResourceKind::DeskRooms,
                    ResourceKind::DueOut,
                    ResourceKind::DeskBookings,
                ] {
                    assert!(said(kind).is_some(), "{kind:?} is said to be missing");
                }
                assert!(
                    said(ResourceKind::Conversations).is_none(),
                    "guest chat works"
                );
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
                            "/api/rooms/",
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

/// `username`'s duty as the server has it, through the "who am I" every generation answers
/// everyone (the 2026 one by `duty_status`).
async fn server_duty(server: &SandboxHandle, generation: Generation, username: &str) -> bool {
    let tok = token(server, username).await;
    let path = match generation {
        Generation::Classic => "/api/staff/killarney/me/",
        Generation::Hotelmate2026 => "/api/staff/hotel/killarney/me/",
    };
    let me = rest(server, &tok, reqwest::Method::GET, path, None).await;
    match me.get("duty_status").and_then(|d| d.as_str()) {
        Some(duty) => duty != "off_duty",
        None => me["is_on_duty"].as_bool().unwrap(),
    }
}

/// `username` clocks in somewhere else than this desk (another computer, a browser), the way
/// that generation lets them.
async fn clocks_in_elsewhere(server: &SandboxHandle, generation: Generation, username: &str) {
    let tok = token(server, username).await;
    match generation {
        Generation::Classic => {
            rest(
                server,
                &tok,
                reqwest::Method::POST,
                "/api/staff/killarney/clock/",
                None,
            )
            .await;
        }
        Generation::Hotelmate2026 => {
            let me = rest(
                server,
                &tok,
                reqwest::Method::GET,
                "/api/staff/hotel/killarney/me/",
                None,
            )
            .await;
            rest(
                server,
                &tok,
                reqwest::Method::POST,
                "/api/staff/hotel/killarney/attendance/clock-logs/unrostered-confirm/",
                Some(serde_json::json!({"staff_id": me["id"]})),
            )
            .await;
        }
    }
}

/// A receptionist clocks in and out from the desk on both generations — on the 2026 one as an
/// unrostered clock-in pending a manager's approval, closed by its log even after a restart —
/// and a manager's desk sees it live on the board; a clock-in made elsewhere (another computer,
/// through the server's API) is followed live and clocked out from the desk (issue 67.3).
#[tokio::test(flavor = "multi_thread")]
async fn a_receptionist_clocks_in_and_out_on_either_generation_and_a_manager_sees_it_live() {
    for generation in [Generation::Classic, Generation::Hotelmate2026] {
        let server = Sandbox::start_generation("127.0.0.1:0".parse().unwrap(), generation)
            .await
            .unwrap();
        let case = |what: &str| format!("{generation:?}: {what}");
        let manager = Home::new("clock-manager");
        let manager_desk = manager.open();
        sign_in(&manager_desk, &server, server.addr(), "sean.murphy").await;
        let home = Home::new("clock-receptionist");
        let desk = home.open();
        sign_in(&desk, &server, server.addr(), "niamh.kelly").await;
        let session = desk.session().unwrap();
        assert_eq!(session.is_on_duty, Some(false), "{generation:?}");
        match generation {
            Generation::Classic => assert_eq!(session.clock_note, None),
            Generation::Hotelmate2026 => assert!(
                session
                    .clock_note
                    .as_deref()
                    .is_some_and(|note| note.contains("pending a manager's approval")),
                "{:?}",
                session.clock_note
            ),
        }
        let niamh_on = |desk: &hotelmate_core::Desk| {
            desk.team()
                .board("Niamh")
                .unwrap()
                .groups
                .iter()
                .flat_map(|g| g.members.iter())
                .find(|m| m.name == "Niamh Kelly")
                .map(|m| m.on_duty)
        };
        eventually(&case("the manager's board has Niamh"), WAIT, || async {
            niamh_on(&manager_desk) == Some(false)
        })
        .await;

        let session = desk.team().clock().await.unwrap();
        assert_eq!(session.is_on_duty, Some(true), "{generation:?}");
        assert!(server_duty(&server, generation, "niamh.kelly").await);
        eventually(&case("the manager sees Niamh clock in"), WAIT, || async {
            niamh_on(&manager_desk) == Some(true)
        })
        .await;

        // A restart: the desk still clocks Niamh out (on 2026, by the log it kept).
        desk.shutdown().await;
        let desk = home.open();
        desk.resume().await.unwrap().expect("still signed in");
        eventually(&case("connected again"), WAIT, || async {
            desk.connection_status() == hotelmate_core::ConnectionStatus::Online
        })
        .await;
        let session = desk.team().clock().await.unwrap();
        assert_eq!(session.is_on_duty, Some(false), "{generation:?}");
        assert!(!server_duty(&server, generation, "niamh.kelly").await);
        eventually(&case("the manager sees Niamh clock out"), WAIT, || async {
            niamh_on(&manager_desk) == Some(false)
        })
        .await;

        // Clocked in elsewhere: the desk follows it live.
        clocks_in_elsewhere(&server, generation, "niamh.kelly").await;
        eventually(
            &case("the desk follows a clock-in elsewhere"),
            WAIT,
            || async { desk.session().unwrap().is_on_duty == Some(true) },
        )
        .await;
        // Clocked out from the desk (issue 67.3; on 2026 the newest own log, §14.7 rule 5).
        let out = desk.team().clock().await.unwrap();
        assert_eq!(out.is_on_duty, Some(false), "{generation:?}");
        assert!(!server_duty(&server, generation, "niamh.kelly").await);
        if generation == Generation::Hotelmate2026 {
            // The 2026 server has no token toggle, and the desk never asked for it.
            let asked: Vec<String> = server
                .request_counts()
                .into_keys()
                .filter(|line| line.contains("/api/staff/killarney/clock/"))
                .collect();
            assert!(asked.is_empty(), "{asked:?}");
        }
        desk.shutdown().await;
        manager_desk.shutdown().await;
        server.shutdown().await;
    }
}

/// The hero image's address as the server gives it to an admin: the classic settings'
/// `hero_image_display`, the 2026 settings object's `hero_image` (a full address there).
async fn server_hero(server: &SandboxHandle, generation: Generation) -> Option<String> {
    let tok = token(server, "sean.murphy").await;
    let settings = rest(
        server,
        &tok,
        reqwest::Method::GET,
        "/api/staff/hotel/killarney/settings/",
        None,
    )
    .await;
    let field = match generation {
        Generation::Classic => "hero_image_display",
        Generation::Hotelmate2026 => "hero_image",
    };
    settings[field].as_str().map(str::to_owned)
}

/// The hotel's images on either generation: shown and replaced by whoever the server lets
/// read its settings (everyone on the classic backend, admins on the 2026 one, whose settings
/// object gives full addresses under other names); a 2026 receptionist is told why not, in
/// words, instead of seeing three missing images.
#[tokio::test(flavor = "multi_thread")]
async fn the_hotels_images_show_and_are_replaced_where_the_server_lets_this_person_and_say_why_not_elsewhere(
) {
    use hotelmate_core::desk::HotelImageSlot;
    let mut photo = Vec::new();
    image::RgbImage::from_fn(1600, 900, |x, _| image::Rgb([(x % 256) as u8, 90, 160]))
        .write_to(
            &mut std::io::Cursor::new(&mut photo),
            image::ImageFormat::Png,
        )
        .unwrap();
    for generation in [Generation::Classic, Generation::Hotelmate2026] {
        let server = Sandbox::start_generation("127.0.0.1:0".parse().unwrap(), generation)
            .await
            .unwrap();
        for (username, may_see) in [
            ("anna.byrne", generation == Generation::Classic),
            ("sean.murphy", true),
        ] {
            let case = format!("{username} on {generation:?}");
            let home = Home::new("hotel-images-generations");
            let desk = home.open();
            sign_in(&desk, &server, server.addr(), username).await;
            if may_see {
                let hero = server_hero(&server, generation).await;
                assert!(hero.is_some(), "{case}: the demo hotel has a hero image");
                eventually(&format!("{case}: the hero shows"), WAIT, || async {
                    desk.pictures().overview().unwrap().hotel_images[0].url == hero
                })
                .await;
                desk.hotel_images()
                    .set(HotelImageSlot::Hero, "wide.png".into(), photo.clone(), None)
                    .await
                    .unwrap();
                eventually(
                    &format!("{case}: the new hero reached the server and shows"),
                    WAIT,
                    || async {
                        let now = server_hero(&server, generation).await;
                        let slot = desk.pictures().overview().unwrap().hotel_images[0].clone();
                        now != hero && slot.url == now && !slot.pending
                    },
                )
                .await;
            } else {
                eventually(
                    &format!("{case}: the hotel's images say why not"),
                    WAIT,
                    || async {
                        desk.unavailable_areas().iter().any(|area| {
                            area.resource == ResourceKind::Settings
                                && area.message.contains("may not see")
                        })
                    },
                )
                .await;
                assert!(
                    desk.pictures()
                        .overview()
                        .unwrap()
                        .hotel_images
                        .iter()
                        .all(|slot| slot.url.is_none()),
                    "{case}"
                );
            }
            desk.shutdown().await;
        }
        server.shutdown().await;
    }
}

/// Issue 63.11: on the 2026 server, which has no offers and no galleries (API.md §10.2), the
/// desk accepted new offers, offer edits, galleries and gallery photos and kept them pending for
/// ever (the lobby even listed a desk-only offer). Each is refused at once in the area's words
/// and nothing is queued or sent. Tried: an offer created, a gallery created and a photo added
/// to a gallery; the lobby then lists no offer.
#[tokio::test(flavor = "multi_thread")]
async fn on_the_2026_server_offers_and_galleries_are_refused_at_once_and_nothing_is_queued() {
    use hotelmate_core::desk::GalleryPatch;
    use hotelmate_core::features::offers::OfferPatch;
    let server = sandbox_2026().await;
    let home = Home::new("absent-areas");
    let desk = home.open();
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    eventually("the areas this server lacks are known", WAIT, || async {
        desk.unavailable_areas()
            .iter()
            .any(|area| area.resource == ResourceKind::Offers)
    })
    .await;
    let refused = |err: hotelmate_core::DeskError, what: &str, words: &str| {
        assert_eq!(err.code(), ErrorCode::Unavailable, "{what}: {err}");
        assert!(err.to_string().contains(words), "{what}: {err}");
    };
    let offer = desk.offers().create(&OfferPatch {
        title: Some("Winter break".into()),
        short_description: Some("Two nights".into()),
        ..OfferPatch::default()
    });
    refused(offer.expect_err("an offer"), "a new offer", "has no offers");
    let gallery = desk.pictures().create_gallery(&GalleryPatch {
        name: Some("Lake".into()),
        ..GalleryPatch::default()
    });
    refused(
        gallery.expect_err("a gallery"),
        "a new gallery",
        "page-builder sections",
    );
    let photo = desk
        .pictures()
        .add_image(1, "lake.jpg".into(), vec![0xff, 0xd8, 0xff])
        .await;
    assert!(photo.is_err(), "a photo for a gallery that server has not");
    assert_eq!(desk.unsent_work().unwrap().total(), 0, "nothing queued");
    assert!(
        desk.offers().list().unwrap().is_empty(),
        "no desk-only offer"
    );
    assert!(
        desk.display().content().unwrap().offers.is_empty(),
        "the lobby lists no offer"
    );
    let asked: Vec<String> = server
        .request_counts()
        .into_keys()
        .filter(|line| line.contains("/offers/") || line.contains("/galleries/"))
        .collect();
    assert!(asked.is_empty(), "nothing sent: {asked:?}");
    desk.shutdown().await;
    server.shutdown().await;
}
