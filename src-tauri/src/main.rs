//! HotelMate Desk's shell: wiring only. Every behaviour lives in `hotelmate-core`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]
// Unit tests may run long; the production code is checked in its own build (issue 64.5).
#![cfg_attr(test, allow(clippy::too_many_lines))]

mod autostart;
mod bench;
mod browser;
mod commands;
mod daily_updates;
#[cfg(feature = "demo")]
mod demo;
mod events;
mod heartbeat;
mod images;
mod kiosk;
mod logging;
mod single;
mod tray;
mod updates;
mod windows;

use hotelmate_core::session::config::DataDir;
use hotelmate_core::session::system::SystemSettings;
use hotelmate_core::{Desk, DeskOptions};
use tauri::{Manager, RunEvent};

/// How WebKitGTK paints, decided before it starts (it reads these once; a live page that
/// changes them relaunches its web process). Answers whether the screen is painted on the CPU.
fn choose_rendering() -> bool {
    // WebKitGTK's DMA-BUF renderer paints a blank white window in virtual machines, remote
    // sessions and on some GPUs; the desk must always show. An explicit setting still wins
    // (the WebDriver tests set 0: WebKitWebDriver's screenshots stall without the renderer).
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
    // With no GPU (a cheap front-desk PC, a lobby mini PC, a virtual machine), WebKitGTK's Skia
    // still starts GPU painting threads on Mesa's software GL, and one of them (SkiaGPUWorker)
    // was seen to crash the page's web process (WebKitGTK 2.50.6 on Xvfb, issue 35.7): paint on
    // the CPU there, which is what that GL would do anyway, minus the crash. Decided before
    // WebKit starts (switching a live page relaunches its web process); set outside, it wins.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_SKIA_ENABLE_CPU_RENDERING").is_none()
        && !windows::has_gpu_render_node(std::path::Path::new("/dev/dri"))
    {
        std::env::set_var("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1");
    }
    // The CPU paints the page when WebKit is told to, and also with the DMA-BUF renderer off:
    // since WebKitGTK 2.44 that turns accelerated compositing off altogether (the older GPU
    // paths it fell back to were removed), whatever graphics chip the computer has.
    let on = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    on("WEBKIT_DISABLE_DMABUF_RENDERER") || on("WEBKIT_SKIA_ENABLE_CPU_RENDERING")
}

/// How often WebKit's script engine collects its garbage, decided before WebKit starts (each
/// web process reads it once). JavaScriptCore sizes its heap for a browser: a full collection
/// after about 32 MiB of script objects. The desk's pages keep a few MiB alive, so on the
/// reception display a full collection came only every 15 to 20 minutes, and the WebKit
/// objects the garbage still held (about 2 MiB a minute; most likely each slide's page
/// elements, as it grew as much with nothing painted) waited for it: the web process grew
/// 30-40 MiB and fell back, which on a lobby PC looks like a leak (issue 39.4). At 8 MiB it
/// collects about four times as often, each time a few milliseconds on a heap that small.
/// Set outside, it wins.
fn size_script_heap() {
    if std::env::var_os("JSC_largeHeapSize").is_none() {
        std::env::set_var("JSC_largeHeapSize", (8 * 1024 * 1024).to_string());
    }
}

fn main() {
    size_script_heap();
    let cpu_painting = choose_rendering();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--hash-pin") {
        hash_pin();
    }
    // What this computer's IT presets; a file the desk cannot use stops it with the reason,
    // rather than leaving unlocked what IT locked.
    let system = match SystemSettings::load() {
        Ok(system) => system,
        Err(error) => fail(&error.to_string()),
    };
    let data_dir = match DataDir::from_env() {
        Ok(dir) => dir,
        Err(error) => fail(&error.to_string()),
    };
    logging::init(&data_dir);
    let instance = match single::claim(data_dir.path(), &args) {
        single::Instance::Handed => return,
        single::Instance::First(listener) => listener,
    };
    let open_display = args.iter().any(|a| a == "--display");
    let socket_dir = data_dir.path().to_path_buf();
    let webview_folder = windows::WebviewFolder(data_dir.webview());
    let options = DeskOptions {
        demo: demo_hotel(),
        system,
        cpu_painting,
        ..DeskOptions::from_env(data_dir)
    };
    let desk = match Desk::open(options) {
        Ok(desk) => desk,
        Err(error) => fail(&error.to_string()),
    };
    let app = tauri::Builder::default()
        .manage(desk.clone())
        .manage(kiosk::Kiosk::default())
        .manage(webview_folder)
        .manage(heartbeat::Heartbeats::default())
        .manage(updates::Updates::new(
            updates::install_rights(),
            updates::Limits::DESK,
        ))
        .register_asynchronous_uri_scheme_protocol(images::SCHEME, images::serve)
        .setup(move |app| setup(app, open_display, instance))
        .on_window_event(on_window_event)
        // The list is written once, in src-tauri/commands.rs (see build.rs).
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handlers.rs")))
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(move |_, event| match event {
            RunEvent::ExitRequested { .. } => single::release(&socket_dir),
            RunEvent::Exit => {
                single::release(&socket_dir);
                tauri::async_runtime::block_on(desk.shutdown());
            }
            _ => {}
        }),
        Err(error) => fail(&format!("the window could not be created: {error}")),
    }
}

/// The windows, tray, event forwarding and daily tasks, once the app runs. `--display`, or a
/// computer set to be a reception display, opens into it, and the desk window is made hidden:
/// nothing behind the kiosk can be reached.
fn setup(
    app: &mut tauri::App,
    open_display: bool,
    instance: Option<std::os::unix::net::UnixListener>,
) -> Result<(), Box<dyn std::error::Error>> {
    let is_display = app
        .state::<Desk>()
        .display()
        .settings()
        .is_ok_and(|s| s.is_display);
    let kiosk_first = open_display || is_display;
    windows::create(app, kiosk_first)?;
    let handle = app.handle().clone();
    if let Err(error) = tray::install(&handle) {
        // A desktop without a tray (some kiosks): the window still works.
        tracing::warn!(%error, "no tray icon");
    }
    events::forward(handle.clone(), app.state::<Desk>().subscribe());
    daily_updates::look_daily(handle.clone());
    heartbeat::watch(&handle);
    if let Some(listener) = instance {
        single::listen(listener, handle.clone());
    }
    if kiosk_first {
        if let Err(error) = kiosk::open(&handle) {
            tracing::warn!(%error, "the reception display cannot open");
        }
    }
    Ok(())
}

/// On a front-desk PC closing the window keeps the desk (and its toasts) running. Otherwise
/// closing it quits, also with the (hidden) reception display window.
fn on_window_event(window: &tauri::Window, event: &tauri::WindowEvent) {
    if let tauri::WindowEvent::CloseRequested { api, .. } = event {
        if window.label() != "main" {
            // The display is a kiosk: it is left through its unlock, not closed.
            api.prevent_close();
            return;
        }
        if window.state::<Desk>().close_to_tray() {
            api.prevent_close();
            if let Err(error) = window.hide() {
                tracing::warn!(%error, "cannot hide the window");
            }
        } else {
            api.prevent_close();
            windows::quit(window.app_handle());
        }
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

/// `hotelmate-desk --hash-pin`: reads a PIN on standard input and prints its hash, for the
/// system settings file's `[display] pin_hash`.
fn hash_pin() -> ! {
    let mut pin = String::new();
    if let Err(error) = std::io::stdin().read_line(&mut pin) {
        eprintln!("cannot read the PIN: {error}");
        std::process::exit(2);
    }
    match hotelmate_core::desk::hash_new_pin(&pin) {
        Ok(hash) => {
            println!("{hash}");
            std::process::exit(0)
        }
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(2)
        }
    }
}

fn fail(message: &str) -> ! {
    tracing::error!("{message}");
    eprintln!("HotelMate Desk cannot start: {message}");
    std::process::exit(1)
}
