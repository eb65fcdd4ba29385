//! hotelmate-core's integration tests as one test binary: every file beside this one is a module
//! of it, so they are compiled and linked once, not once per file (issue 37.4). The crate sets
//! `autotests = false`: a file here that is not named below would not be built at all, which
//! `tests/layers.rs` in the core checks for every crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod support;

mod chat;
mod chat_lost_events;
mod damaged_store;
mod display;
mod engine;
mod error_classes;
mod front_desk;
mod front_desk_day;
mod front_desk_older;
mod front_desk_stays;
mod generations;
mod guest_page;
mod hostile;
mod hotel_details;
mod killed_replay;
mod killed_upload;
mod layers;
mod learned_refusals;
mod lifecycle;
mod media;
mod my_shifts;
mod offers_sync;
mod older_server;
mod older_server_republish;
mod page_cards;
mod page_edits;
mod page_galleries;
mod page_hero;
mod page_styles;
mod pictures_sync;
mod private_data;
mod provisioning;
mod public_page;
mod reconnect_load;
mod replay_bases;
mod server_load;
mod server_silence;
mod session;
mod shown_images;
mod sizes;
mod team;
