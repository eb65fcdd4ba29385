//! hotelmate-sandbox's integration tests as one test binary: every file beside this one is a module
//! of it, so they are compiled and linked once, not once per file (issue 37.4). The crate sets
//! `autotests = false`: a file here that is not named below would not be built at all, which
//! `tests/layers.rs` in the core checks for every crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod common;

mod bad_input;
mod chat;
mod chat_2026;
mod chat_attachments;
mod chat_edit;
mod demo_data;
mod front_desk_2026;
mod front_desk_classic;
mod galleries;
mod garbage;
mod my_attendance;
mod offers;
mod page_builder;
mod page_cards;
mod page_media;
mod public_and_legacy;
mod pusher_http_api;
mod pusher_js;
mod pusher_protocol;
mod python_pusher;
mod room_types;
mod seen_2026;
mod session;
mod settings;
mod staff;
mod stays_2026;
