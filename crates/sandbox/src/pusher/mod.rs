//! The Pusher side of the sandbox: channel membership and delivery (`hub`), the protocol 7 WebSocket server
//! (`socket`), the HTTP trigger API (`http_api`) and the signatures both check (`signing`).

pub mod http_api;
pub mod hub;
pub mod signing;
pub mod socket;
