//! The built-in demo hotel: the sandbox server run in-process on a loopback port, its data kept
//! in the desk's data folder so the demo session survives a restart.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

use hotelmate_sandbox::{DemoLogin, Sandbox, SandboxConfig, SandboxHandle, DEMO_LOGINS};

use super::DeskError;
use crate::config::{ApiBase, PusherEndpoint};

/// Where the running demo hotel answers.
#[derive(Debug, Clone)]
pub(super) struct DemoEndpoints {
    pub api_base: ApiBase,
    pub pusher: PusherEndpoint,
}

pub(super) struct DemoHotel {
    handle: SandboxHandle,
    endpoints: DemoEndpoints,
}

/// The demo receptionist "Try the demo hotel" signs in as.
pub(super) fn receptionist() -> &'static DemoLogin {
    &DEMO_LOGINS[0]
}

impl DemoHotel {
    pub async fn start(data_dir: &Path) -> Result<Self, DeskError> {
        let config = SandboxConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            data_dir: Some(data_dir.to_path_buf()),
            simulator: true,
        };
        let handle = Sandbox::start_with(config)
            .await
            .map_err(|err| DeskError::Demo(err.to_string()))?;
        let api_base = ApiBase::parse(&handle.base_url())?;
        let info = handle.pusher();
        let pusher = PusherEndpoint::SelfHosted {
            key: info.key,
            host: info.host,
            port: info.port,
            tls: info.tls,
        };
        tracing::info!(url = %api_base, "demo hotel started");
        Ok(Self {
            handle,
            endpoints: DemoEndpoints { api_base, pusher },
        })
    }

    pub fn endpoints(&self) -> DemoEndpoints {
        self.endpoints.clone()
    }

    pub async fn stop(self) {
        self.handle.shutdown().await;
    }
}
