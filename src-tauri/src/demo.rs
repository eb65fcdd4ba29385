//! The built-in demo hotel: the sandbox server, run in-process on a loopback port, plugged into
//! the core's demo seam. Only in builds with the `demo` feature.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

use hotelmate_core::desk::{DemoFuture, DemoLauncher, DemoServer};
use hotelmate_core::session::config::PusherEndpoint;
use hotelmate_sandbox::{Sandbox, SandboxConfig, DEMO_LOGINS};

/// Which HotelMate the demo hotel plays: `HOTELMATE_DEMO_GENERATION` (`classic`, the default,
/// or `2026`; `cargo xtask demo --generation 2026` sets it). A value it does not know is said,
/// not taken for the default.
fn demo_generation() -> Result<hotelmate_sandbox::Generation, String> {
    match std::env::var("HOTELMATE_DEMO_GENERATION") {
        Err(_) => Ok(hotelmate_sandbox::Generation::Classic),
        Ok(name) if name.is_empty() => Ok(hotelmate_sandbox::Generation::Classic),
        Ok(name) => hotelmate_sandbox::Generation::from_arg(&name).ok_or_else(|| {
            format!(
                "HOTELMATE_DEMO_GENERATION={name} is not a HotelMate generation (classic or 2026)"
            )
        }),
    }
}

/// Starts Hotel Killarney with its simulated guests and colleagues.
pub struct SandboxDemo;

impl DemoLauncher for SandboxDemo {
    fn start<'a>(&'a self, data_dir: &'a Path) -> DemoFuture<'a, Result<DemoServer, String>> {
        Box::pin(async move {
            let config = SandboxConfig {
                listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                data_dir: Some(data_dir.to_path_buf()),
                simulator: true,
                generation: demo_generation()?,
            };
            let handle = Sandbox::start_with(config)
                .await
                .map_err(|err| err.to_string())?;
            let pusher = handle.pusher();
            let login = &DEMO_LOGINS[0];
            Ok(DemoServer {
                api_base: handle.base_url(),
                pusher: PusherEndpoint::SelfHosted {
                    key: pusher.key,
                    host: pusher.host,
                    port: pusher.port,
                    tls: pusher.tls,
                },
                username: login.username.to_owned(),
                password: login.password.to_owned(),
                stop: Box::new(move || Box::pin(handle.shutdown())),
            })
        })
    }
}
