//! The desk's two windows, made here rather than by the config so each carries the guards a
//! window showing hostile text needs (issue 28.5): it never leaves the app's own page (a link in
//! a guest's message or an offer's preview opens in the system browser through the UI's own
//! command, never inside the desk, where a fake sign-in page would look like the desk), it opens
//! no new window, and it downloads nothing by itself (attachments are saved by the core, under
//! a safe name). With `--display` or on a reception display computer the desk window is created
//! hidden, so the desk behind the kiosk cannot be reached; while the display shows, the desk
//! window is closed altogether and made again when it is left (`kiosk`). The display's window is made when it
//! is first opened, not at start.

use tauri::webview::{DownloadEvent, NewWindowResponse};
use tauri::{App, AppHandle, Manager, Url, WebviewWindow, WebviewWindowBuilder};

/// The desk window's label.
pub const MAIN: &str = "main";
/// The reception display's window's label.
pub const DISPLAY: &str = "display";

/// Where the windows' web views keep their own data: inside the desk's data folder.
pub struct WebviewFolder(pub std::path::PathBuf);

/// Whether `url` is the app's own page (the bundled UI, served by Tauri's protocol).
pub fn is_own_page(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        "about" => url.path() == "blank",
        _ => false,
    }
}

/// Creates the desk window (`main`, hidden when `desk_hidden`) from the config, guarded. The
/// reception display's window is made only when it is first opened ([`display`]): a hidden
/// window still costs a WebKit web process of its own (about 190 MiB) from the start.
pub fn create(app: &App, desk_hidden: bool) -> Result<(), String> {
    build(app.handle(), MAIN, !desk_hidden).map(drop)
}

/// The desk window, made again (hidden, guarded) when it was closed while the reception
/// display showed (`kiosk`).
pub fn desk(app: &AppHandle) -> Result<WebviewWindow, String> {
    match app.get_webview_window(MAIN) {
        Some(window) => Ok(window),
        None => {
            let window = build(app, MAIN, false)?;
            // Titled as the config has it: the unread count goes back in at once (it came
            // back titled "HotelMate Desk" until the chat next changed, issue 63.20).
            match app.state::<hotelmate_core::Desk>().chat().unread_total() {
                Ok(unread) => show_unread_in_title(app, unread),
                Err(error) => tracing::debug!(%error, "the unread count is not known yet"),
            }
            Ok(window)
        }
    }
}

/// The app's name, in the desk window's title and the tray's tooltip.
pub const APP_TITLE: &str = "HotelMate Desk";

/// The desk window's title with the unread total of guest messages: "(3) HotelMate Desk", or
/// the app's name alone at 0.
pub fn show_unread_in_title(app: &AppHandle, unread: u32) {
    let title = match unread {
        0 => APP_TITLE.to_owned(),
        n => format!("({n}) {APP_TITLE}"),
    };
    if let Some(window) = app.get_webview_window(MAIN) {
        if let Err(error) = window.set_title(&title) {
            tracing::debug!(%error, "cannot update the window's title");
        }
    }
}

/// The reception display's window, made (hidden, guarded) the first time it is asked for.
pub fn display(app: &AppHandle) -> Result<WebviewWindow, String> {
    match app.get_webview_window(DISPLAY) {
        Some(window) => Ok(window),
        None => build(app, DISPLAY, false),
    }
}

/// Makes the window `label` of the config, with the guards every window has.
fn build(app: &AppHandle, label: &str, visible: bool) -> Result<WebviewWindow, String> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|config| config.label == label)
        .ok_or_else(|| format!("the {label} window is missing from this build"))?;
    let guard = label.to_owned();
    let popup = label.to_owned();
    let download = label.to_owned();
    let mut builder = WebviewWindowBuilder::from_config(app, config)
        .map_err(|error| format!("the {label} window's settings: {error}"))?;
    if let Some(folder) = app.try_state::<WebviewFolder>() {
        builder = builder.data_directory(folder.0.clone());
    }
    builder
        // No "Inspect Element" in any build, the debug packages the tests install included:
        // a front-desk PC is not a developer's (the tests drive the window over WebDriver).
        .devtools(false)
        .visible(visible)
        .on_navigation(move |url| {
            let own = is_own_page(url);
            if !own {
                tracing::warn!(window = %guard, url = %url, "a navigation away from the desk was refused");
            }
            own
        })
        .on_new_window(move |url, _| {
            tracing::warn!(window = %popup, url = %url, "a new window was refused");
            NewWindowResponse::Deny
        })
        .on_download(move |_, event| {
            if let DownloadEvent::Requested { url, .. } = event {
                tracing::warn!(window = %download, url = %url, "a download by the page was refused");
            }
            false
        })
        .build()
        .map_err(|error| format!("the {label} window cannot be made: {error}"))
        .inspect(|window| survive_its_web_process(window, label))
}

/// Keeps the window's page alive (issue 35.7): when its web process dies (a crash of WebKit's
/// renderer, as a `SkiaGPUWorker` segfault on WebKitGTK 2.50 under Xvfb showed, or the system
/// killing it), the page is loaded again at once, where it was: the desk reopens on the
/// screen the person had, the display resumes its rotation. Said once in the log each time.
fn survive_its_web_process(window: &WebviewWindow, label: &str) {
    let label = label.to_owned();
    let watched = window.with_webview(move |webview| {
        #[cfg(target_os = "linux")]
        {
            use webkit2gtk::WebViewExt;
            let view = webview.inner();
            view.connect_web_process_terminated(move |view, reason| {
                tracing::warn!(window = %label, ?reason, "the page's web process ended; loading the page again");
                view.reload();
            });
        }
        #[cfg(not(target_os = "linux"))]
        let _ = (webview, label);
    });
    if let Err(error) = watched {
        tracing::warn!(%error, "the window's web process is not watched");
    }
}

/// Quits the desk. With work not yet sent it says so first, in a notification that outlives
/// the window (before, quitting with work waiting said nothing): the work is kept on this
/// computer and goes when the desk runs again.
pub fn quit(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let desk = app.state::<hotelmate_core::Desk>().inner().clone();
        match desk.work_kept_at_quit() {
            Ok(None) => {}
            Ok(Some(words)) => {
                hotelmate_core::notify::show_message(
                    "HotelMate Desk closed with work waiting",
                    &words,
                )
                .await;
            }
            Err(error) => tracing::warn!(%error, "cannot count the work waiting at quit"),
        }
        app.exit(0);
    });
}

/// Shows and focuses a window (`main` or `display`) as it is. Callers that mean "the desk"
/// go through `kiosk::show_desk`, which asks the display first while it shows.
pub fn show(app: &tauri::AppHandle, label: &str) {
    if let Some(window) = app.get_webview_window(label) {
        let shown = window
            .unminimize()
            .and_then(|()| window.show())
            .and_then(|()| window.set_focus());
        if let Err(error) = shown {
            tracing::warn!(%error, label, "cannot show a window");
        }
    }
}

/// Hides a window (the desk, while the reception display shows).
pub fn hide(app: &tauri::AppHandle, label: &str) {
    if let Some(window) = app.get_webview_window(label) {
        if let Err(error) = window.hide() {
            tracing::warn!(%error, label, "cannot hide a window");
        }
    }
}

/// Whether `dri` (`/dev/dri`) holds a GPU's render node (`renderD128`…): without one, the
/// web views paint on the CPU (see `main`).
pub fn has_gpu_render_node(dri: &std::path::Path) -> bool {
    std::fs::read_dir(dri).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_computer_without_a_render_node_paints_on_the_cpu() {
        let dri = tempfile::tempdir().unwrap();
        assert!(
            !has_gpu_render_node(&dri.path().join("missing")),
            "no /dev/dri"
        );
        std::fs::write(dri.path().join("card0"), b"").unwrap();
        assert!(!has_gpu_render_node(dri.path()), "a display card only");
        std::fs::write(dri.path().join("renderD128"), b"").unwrap();
        assert!(has_gpu_render_node(dri.path()), "a render node");
    }

    /// Issue 36.5: the CSP named `http://hmimg.localhost` (the image scheme's Windows form),
    /// so an `<img>` in an offer's details reached port 80 of the manager's PC. The desk is
    /// built for Linux, where WebKitGTK serves custom schemes as themselves: no source of its
    /// CSP is an `http:` or `https:` address.
    #[test]
    fn the_content_policy_names_no_web_address() {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        let csp = config["app"]["security"]["csp"].as_object().unwrap();
        assert!(csp.contains_key("img-src"), "{csp:?}");
        for (directive, sources) in csp {
            for source in sources.as_str().unwrap().split_whitespace() {
                assert!(
                    !source.starts_with("http:") && !source.starts_with("https:"),
                    "{directive} allows {source}"
                );
            }
        }
    }

    #[test]
    fn only_the_apps_own_page_may_be_shown() {
        for own in [
            "tauri://localhost/index.html",
            "tauri://localhost/index.html#/display",
            "http://tauri.localhost/index.html",
            "about:blank",
        ] {
            assert!(
                is_own_page(&Url::parse(own).unwrap_or_else(|e| panic!("{own}: {e}"))),
                "{own}"
            );
        }
        for away in [
            "https://evil.example/login",
            "http://127.0.0.1:8000/",
            "tauri://evil/index.html",
            "file:///etc/passwd",
            "data:text/html,<h1>Sign in</h1>",
            "http://tauri.localhost.evil.example/",
        ] {
            assert!(
                !is_own_page(&Url::parse(away).unwrap_or_else(|e| panic!("{away}: {e}"))),
                "{away}"
            );
        }
    }
}
