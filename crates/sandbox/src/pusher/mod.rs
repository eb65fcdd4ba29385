//! The Pusher side of the sandbox: channel membership and delivery (`hub`), the protocol 7 WebSocket server
//! (`socket`), the HTTP trigger API (`http_api`) and the signatures both check (`signing`).

pub(crate) mod http_api;
pub(crate) mod hub;
pub(crate) mod signing;
pub(crate) mod socket;
