//! The Public page screen in the real window on a 2026 HotelMate server (API.md §17, issue
//! 65.1): a front desk agent sees the page as guests see it, read-only, with one sentence saying
//! who can change it; an admin sees every section in order with its type, the hidden draft
//! marked. Screenshots under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use hotelmate_e2e::{
    content_of, open_screen, screenshot, sign_in, until, until_explained, AppProfile, Driver,
};
use hotelmate_sandbox::{Generation, Sandbox, SandboxHandle};

/// The sections the screen lists: (name line, type, hidden), in order.
async fn sections(app: &fantoccini::Client) -> Vec<(String, String, bool)> {
    let listed = app
        .execute(
            "return [...document.querySelectorAll('[data-testid=public-page-section]')].map(s => \
             [s.querySelector('h3').textContent.trim(), \
              s.querySelector('[data-testid=public-page-section-type]').textContent.trim(), \
              !!s.querySelector('[data-testid=public-page-hidden]')]);",
            vec![],
        )
        .await;
    // A read while the page is being drawn may fail: asked again by the caller's `until`.
    listed
        .ok()
        .and_then(|listed| serde_json::from_value(listed).ok())
        .unwrap_or_default()
}

/// The app signed in as `username` on the Public page; the profile and the driver live as long
/// as the test holds them (dropped, the app goes with them).
async fn open_as(
    server: &SandboxHandle,
    profile: &str,
    username: &str,
) -> (AppProfile, Driver, fantoccini::Client) {
    let profile = AppProfile::new(profile);
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, server, username).await;
    open_screen(&app, "public_page").await;
    (profile, driver, app)
}

#[tokio::test(flavor = "multi_thread")]
async fn window_an_agent_reads_the_public_page_read_only_and_an_admin_sees_its_sections() {
    let server =
        Sandbox::start_generation("127.0.0.1:0".parse().unwrap(), Generation::Hotelmate2026)
            .await
            .unwrap();
    {
        let (_agent_profile, _agent_driver, agent) =
            open_as(&server, "public-page-agent", "anna.byrne").await;
        until_explained(
            "the agent sees the published sections",
            || async { sections(&agent).await.len() == 3 },
            || async {
                content_of(&agent, "body")
                    .await
                    .unwrap_or_else(|| "no body".into())
                    .chars()
                    .take(1500)
                    .collect()
            },
        )
        .await;
        let note = content_of(&agent, "[data-testid=public-page-read-only]").await;
        assert!(
            note.as_deref()
                .is_some_and(|n| n.contains("super staff admins")),
            "{note:?}"
        );
        let shown = sections(&agent).await;
        let types: Vec<&str> = shown.iter().map(|s| s.1.as_str()).collect();
        assert_eq!(types, ["Hero", "Gallery", "List of cards"]);
        assert!(shown.iter().all(|s| !s.2), "no hidden section for an agent");
        let cards = agent
            .execute(
                "return document.querySelectorAll('[data-testid=public-page-card]').length;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(cards, serde_json::json!(3));
        screenshot(&agent, "65-public-page-agent").await;
        agent.close().await.ok();
    }

    let (_admin_profile, _admin_driver, admin) =
        open_as(&server, "public-page-admin", "sean.murphy").await;
    until(
        "the admin sees every section, the hidden draft too",
        || async { sections(&admin).await.len() == 4 },
    )
    .await;
    let shown = sections(&admin).await;
    assert_eq!(shown[3].0, "Spring 2027 (draft)");
    assert!(shown[3].2, "the draft is marked hidden");
    assert!(
        content_of(&admin, "[data-testid=public-page-read-only]")
            .await
            .is_none(),
        "no read-only sentence for an editor"
    );
    screenshot(&admin, "65-public-page-admin").await;
    admin.close().await.ok();
}
