//! hotelmate-e2e's integration tests as one test binary: every file beside this one is a module
//! of it, so they are compiled and linked once, not once per file (issue 37.4). The crate sets
//! `autotests = false`: a file here that is not named below would not be built at all, which
//! `tests/layers.rs` in the core checks for every crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod converge;
mod keyring_restart;
mod package_checkers;
mod pusher_on_sandbox;
mod window_accessibility;
mod window_details;
mod window_display;
mod window_front_desk;
mod window_front_desk_day;
mod window_front_desk_older;
mod window_front_desk_stays;
mod window_gallery;
mod window_generations;
mod window_guards;
mod window_hotel;
mod window_installed_package;
mod window_kiosk;
mod window_lobby_2026;
mod window_messages;
mod window_messages_busy;
mod window_messages_sizes;
mod window_my_shifts;
mod window_offer_cards;
mod window_offers;
mod window_older_server_republish;
mod window_outside_text;
mod window_page_gallery;
mod window_pictures;
mod window_provisioning;
mod window_public_page;
mod window_restart;
mod window_screens;
mod window_session;
mod window_shared_desk;
mod window_team;
mod window_updates;
mod window_web_process;
