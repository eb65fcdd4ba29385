//! The Pusher side of the sandbox: channel membership and delivery (`hub`), the protocol 7 WebSocket server
//! (`socket`), the HTTP trigger API (`http_api`) and the signatures both check (`signing`).

pub(crate) mod http_api;
pub(crate) mod hub;
pub(crate) mod signing;
pub(crate) mod socket;

use std::sync::Arc;

/// What the Pusher endpoints need of the server they run in: the app's credentials and the hub
/// of sockets. The server's state hands it out (`FromRef`), so this side knows nothing of it.
#[derive(Clone)]
pub(crate) struct Endpoint {
    pub(crate) hub: Arc<hub::Hub>,
    pub(crate) pusher: Arc<crate::PusherInfo>,
}
