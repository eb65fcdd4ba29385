//! The seam through which a built-in demo hotel is started. The core knows only this trait: the
//! shell plugs in the sandbox server (its default `demo` feature), so a build without it carries
//! no server code, no demo passwords and no demo Pusher secret, and "Try the demo hotel" says
//! plainly that this build has none.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;

use super::Desk;
use crate::context::DeskError;
use crate::session::config::{ApiBase, PusherEndpoint};

/// A future a launcher returns (boxed, so the trait stays object-safe).
pub type DemoFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Starts a demo hotel on this computer.
pub trait DemoLauncher: Send + Sync + 'static {
    /// Starts the demo hotel, keeping its data in `data_dir` so a demo session survives a
    /// restart. The error is a plain-words sentence.
    fn start<'a>(&'a self, data_dir: &'a Path) -> DemoFuture<'a, Result<DemoServer, String>>;
}

/// A running demo hotel: where it answers, whom "Try the demo hotel" signs in as, and how to
/// stop it.
pub struct DemoServer {
    /// The demo hotel's API address.
    pub api_base: String,
    /// Where the demo hotel's live updates connect.
    pub pusher: PusherEndpoint,
    /// The staff login "Try the demo hotel" signs in as.
    pub username: String,
    /// That login's password.
    pub password: String,
    /// Stops the demo hotel.
    pub stop: Box<dyn FnOnce() -> DemoFuture<'static, ()> + Send>,
}

impl std::fmt::Debug for DemoServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoServer")
            .field("api_base", &self.api_base)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The demo hotel while it runs.
pub(super) struct RunningDemo {
    api_base: ApiBase,
    pusher: PusherEndpoint,
    username: String,
    password: String,
    stop: Box<dyn FnOnce() -> DemoFuture<'static, ()> + Send>,
}

impl Desk {
    /// Starts the demo hotel if it is not running; answers where it is and whom to sign in as.
    pub(super) async fn start_demo(
        &self,
    ) -> Result<(ApiBase, PusherEndpoint, String, String), DeskError> {
        let mut slot = self.inner.demo.lock().await;
        if slot.is_none() {
            let launcher = self.inner.options.demo.as_ref().ok_or_else(|| {
                DeskError::Demo("this build of the desk has no demo hotel".into())
            })?;
            let server = launcher
                .start(&self.inner.options.data_dir.demo_hotel())
                .await
                .map_err(DeskError::Demo)?;
            tracing::info!(url = %server.api_base, "demo hotel started");
            *slot = Some(RunningDemo {
                api_base: ApiBase::parse(&server.api_base)?,
                pusher: server.pusher,
                username: server.username,
                password: server.password,
                stop: server.stop,
            });
        }
        let demo = slot
            .as_ref()
            .ok_or_else(|| DeskError::Interrupted("starting the demo hotel".into()))?;
        Ok((
            demo.api_base.clone(),
            demo.pusher.clone(),
            demo.username.clone(),
            demo.password.clone(),
        ))
    }

    pub(super) async fn stop_demo(&self) {
        if let Some(demo) = self.inner.demo.lock().await.take() {
            (demo.stop)().await;
        }
    }
}
