//! Issue 35.7: the window survives its web process. WebKit's renderer can crash (a
//! `SkiaGPUWorker` segfault on WebKitGTK 2.50 under Xvfb left a blank window until the desk was
//! restarted). The shell watches each page's web process and loads the page again where it was.
//! A crashed page ends a WebDriver session, so after signing in over WebDriver the desk is
//! started again as a person starts it, and what comes back is read from the marks each page
//! writes once it has painted (the benchmark's, `HOTELMATE_BENCH_MARKS`): the test kills the
//! desk's web process and sees a new one paint the desk, then opens the display, kills its web
//! process and sees it paint its slides again. Real app window, real WebKit processes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::path::Path;
use std::process::Command;

use hotelmate_e2e::{
    launch_again, row_titles, set_display_pin, sign_in_demo, start_app, until, until_explained,
    web_processes, AppProfile, Driver,
};

/// Ends web process `pid` as a crash does. A SIGSEGV sent from outside does not: WebKit's
/// JavaScript engine handles that signal itself (for its own memory guards) and the process
/// carried on when tried; SIGKILL ends it as a crash or the out-of-memory killer do.
fn crash(pid: i32) {
    let status = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -KILL {pid}: {status}");
}

/// How many times a page marked `name` (each page load marks it once).
fn marked(marks: &Path, name: &str) -> usize {
    std::fs::read_to_string(marks)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.split_whitespace().next() == Some(name))
        .count()
}

/// Everything the desk wrote in its log.
fn whole_log(profile: &AppProfile) -> String {
    std::fs::read_dir(profile.data_dir.path().join("logs"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|f| std::fs::read_to_string(f.path()).unwrap_or_default())
        .collect()
}

/// What the desk wrote in its log lately, to explain a wait that timed out.
fn log_tail(profile: &AppProfile) -> String {
    whole_log(profile)
        .lines()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn window_the_desk_and_the_display_come_back_when_their_web_process_crashes() {
    let marks_dir = tempfile::tempdir().unwrap();
    let marks = marks_dir.path().join("marks");
    let profile =
        AppProfile::new("web-process").with_env("HOTELMATE_BENCH_MARKS", marks.to_str().unwrap());
    {
        let mut driver = Driver::start(&profile);
        let app = driver.launch().await;
        sign_in_demo(&app).await;
        set_display_pin(&app, "246813").await;
        hotelmate_e2e::open_screen(&app, "offers").await;
        until("the demo offers are listed", || async {
            row_titles(&app).await.len() >= 6
        })
        .await;
        app.close().await.unwrap();
    }
    until("the desk signed in over WebDriver has ended", || async {
        !hotelmate_e2e::app_running(&profile)
    })
    .await;

    // Counted before the start: read after it, a quick first paint would be counted as one
    // from before, and the wait below would wait for a second one that never comes.
    let painted = marked(&marks, "first-paint");
    let _desk = start_app(&profile);
    until_explained(
        "the desk paints, resumed",
        || async { marked(&marks, "first-paint") > painted && web_processes(&profile).len() == 1 },
        || async {
            format!(
                "first paints {} (before the start {painted}), desk running: {}, web processes {:?}\n{}",
                marked(&marks, "first-paint"),
                hotelmate_e2e::app_running(&profile),
                web_processes(&profile),
                log_tail(&profile)
            )
        },
    )
    .await;
    let desk_page = web_processes(&profile)[0];
    crash(desk_page);
    until_explained(
        "a new web process paints the desk again",
        || async {
            let now = web_processes(&profile);
            marked(&marks, "first-paint") == painted + 2 && now.len() == 1 && now[0] != desk_page
        },
        || async { format!("{:?}\n{}", web_processes(&profile), log_tail(&profile)) },
    )
    .await;

    // The display: its own page, killed the same way, paints its slides again.
    assert!(launch_again(&profile, &["--display"]).success());
    until_explained(
        "the display paints its first slide",
        || async { marked(&marks, "display-painted") == 1 },
        || async { format!("{:?}\n{}", web_processes(&profile), log_tail(&profile)) },
    )
    .await;
    // The desk window is closed while the display shows (issue 39.4): one page, the display's.
    until_explained(
        "only the display's page runs while it shows",
        || async { web_processes(&profile).len() == 1 },
        || async { format!("{:?}\n{}", web_processes(&profile), log_tail(&profile)) },
    )
    .await;
    let display_page = web_processes(&profile)[0];
    crash(display_page);
    until_explained(
        "the display paints its slides again",
        || async {
            marked(&marks, "display-painted") == 2
                && !web_processes(&profile).contains(&display_page)
        },
        || async { format!("{:?}\n{}", web_processes(&profile), log_tail(&profile)) },
    )
    .await;
}

/// Issue 35.7, a hang: the desk's page stops answering (its script loops for ever). The page
/// beats every 2 s; the shell takes a shown page silent for 10 s for hung, ends its web process
/// and loads it again, and a new web process paints the desk. Real app window, real WebKit.
#[tokio::test(flavor = "multi_thread")]
async fn window_a_hung_page_is_loaded_again() {
    let marks_dir = tempfile::tempdir().unwrap();
    let marks = marks_dir.path().join("marks");
    let profile =
        AppProfile::new("hung-page").with_env("HOTELMATE_BENCH_MARKS", marks.to_str().unwrap());
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in_demo(&app).await;
    until("the demo offers are listed", || async {
        row_titles(&app).await.len() >= 6
    })
    .await;
    let painted = marked(&marks, "first-paint");
    let pages = web_processes(&profile);
    assert_eq!(pages.len(), 1, "{pages:?}");
    // The page hangs a moment after the script returns (a script that never returned would
    // hold WebDriver too).
    app.execute(
        "setTimeout(() => { for (;;) {} }, 300); return true;",
        vec![],
    )
    .await
    .unwrap();
    until_explained(
        "a new web process paints the desk again",
        || async {
            let now = web_processes(&profile);
            marked(&marks, "first-paint") > painted && now.len() == 1 && now[0] != pages[0]
        },
        || async { format!("{:?}\n{}", web_processes(&profile), log_tail(&profile)) },
    )
    .await;
    assert!(
        whole_log(&profile).contains("the page stopped answering"),
        "{}",
        log_tail(&profile)
    );
    drop(app);
}
