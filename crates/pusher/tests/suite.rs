//! pusher-channels's integration tests as one test binary: every file beside this one is a module
//! of it, so they are compiled and linked once, not once per file (issue 37.4). The crate sets
//! `autotests = false`: a file here that is not named below would not be built at all, which
//! `tests/layers.rs` in the core checks for every crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

mod support;

mod every_event_delivered;
mod faults;
mod scripted_server;
mod scripted_subscriptions;
mod sockudo_channels;
mod storms;
