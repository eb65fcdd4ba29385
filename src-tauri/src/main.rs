//! HotelMate Desk's shell: wiring only. Every behaviour lives in `hotelmate-core`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
#[cfg(feature = "demo")]
mod demo;
mod events;
mod images;

use hotelmate_core::config::DataDir;
use hotelmate_core::{Desk, DeskOptions};
use tauri::{Manager, RunEvent};

fn main() {
    // WebKitGTK's DMA-BUF renderer paints a blank white window in virtual machines, remote
    // sessions and on some GPUs; the desk must always show. An explicit setting still wins
    // (the WebDriver tests set 0: WebKitWebDriver's screenshots stall without the renderer).
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
    let data_dir = match DataDir::from_env() {
        Ok(dir) => dir,
        Err(error) => fail(&error.to_string()),
    };
    logging::init(&data_dir);
    let options = DeskOptions {
        demo: demo_hotel(),
        ..DeskOptions::from_env(data_dir)
    };
    let desk = match Desk::open(options) {
        Ok(desk) => desk,
        Err(error) => fail(&error.to_string()),
    };
    let app = tauri::Builder::default()
        .manage(desk.clone())
        .register_asynchronous_uri_scheme_protocol(images::SCHEME, images::serve)
        .setup(|app| {
            events::forward(app.handle().clone(), app.state::<Desk>().subscribe());
            Ok(())
        })
        // The list is written once, in src-tauri/commands.rs (see build.rs).
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handlers.rs")))
        .build(tauri::generate_context!("../tauri.conf.json"));
    match app {
        Ok(app) => app.run(move |_, event| {
            if let RunEvent::Exit = event {
                tauri::async_runtime::block_on(desk.shutdown());
            }
        }),
        Err(error) => fail(&format!("the window could not be created: {error}")),
    }
}

/// The built-in demo hotel of this build, if it has one.
#[cfg(feature = "demo")]
fn demo_hotel() -> Option<std::sync::Arc<dyn hotelmate_core::desk::DemoLauncher>> {
    Some(std::sync::Arc::new(demo::SandboxDemo))
}

#[cfg(not(feature = "demo"))]
fn demo_hotel() -> Option<std::sync::Arc<dyn hotelmate_core::desk::DemoLauncher>> {
    None
}

fn fail(message: &str) -> ! {
    tracing::error!("{message}");
    eprintln!("HotelMate Desk cannot start: {message}");
    std::process::exit(1)
}

mod logging {
    use hotelmate_core::config::DataDir;
    use tracing_subscriber::EnvFilter;

    /// Logs to stderr and to `<data dir>/logs/desk.log`. Secrets are never formatted (their
    /// types print `***`).
    pub fn init(data_dir: &DataDir) {
        let filter = EnvFilter::try_from_env("HOTELMATE_LOG")
            .unwrap_or_else(|_| EnvFilter::new("info,tao=warn,wry=warn"));
        let file = std::fs::create_dir_all(data_dir.logs())
            .and_then(|()| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(data_dir.logs().join("desk.log"))
            })
            .ok();
        let builder = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false);
        match file {
            Some(file) => builder.with_writer(std::sync::Mutex::new(file)).init(),
            None => builder.with_writer(std::io::stderr).init(),
        }
    }
}
