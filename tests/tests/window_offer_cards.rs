//! The Offers screen on a 2026 HotelMate server in the real window (issue 65 item 5, API.md
//! §17.5): an admin chooses the proposed offers list and adds three cards with the network cut,
//! quits, reopens with the network back, and the server holds each card once, in order; and two
//! desks change one card's title within a second and neither change vanishes unseen (the server
//! has one, the other desk is asked, with both titles shown). Screenshots under target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use fantoccini::Client;
use hotelmate_e2e::sandbox_2026;
use hotelmate_e2e::{
    click, open_screen, retype, screenshot, sign_in, sign_in_through, text_of, type_into, until,
    until_explained, AppProfile, CutProxy, Driver,
};
use hotelmate_sandbox::SandboxHandle;
use serde_json::Value;

const NEW: [&str; 3] = ["Spa Day", "Golf Weekend", "Family Break"];

/// The card titles the screen lists, in order.
async fn card_titles(app: &Client) -> Vec<String> {
    app.execute(
        "return [...document.querySelectorAll('[data-testid=offer-card-title]')] \
         .map(t => t.textContent.trim());",
        vec![],
    )
    .await
    .ok()
    .and_then(|v| serde_json::from_value(v).ok())
    .unwrap_or_default()
}

/// The demo offers list's cards on the server, by (`sort_order`, id).
async fn on_server(server: &SandboxHandle) -> Vec<String> {
    let token = hotelmate_e2e::token_of(server, "sean.murphy").await;
    let client = reqwest::Client::new();
    let mut cards: Vec<Value> = Vec::new();
    for page in 1..=5 {
        let body: Value = client
            .get(format!(
                "{}/api/staff/hotel/killarney/cards/?page={page}",
                server.base_url()
            ))
            .header("Authorization", format!("Token {token}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        cards.extend(body["results"].as_array().cloned().unwrap_or_default());
        if body["next"].is_null() {
            break;
        }
    }
    let list = cards
        .iter()
        .find(|c| c["title"] == "Lakeside Spa Retreat")
        .map(|c| c["list_container"].clone());
    cards.retain(|c| Some(&c["list_container"]) == list.as_ref());
    cards.sort_by_key(|c| (c["sort_order"].as_i64(), c["id"].as_i64()));
    cards
        .iter()
        .map(|c| c["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Opens the Offers screen and uses the list the desk proposes (the demo's "Offers").
async fn use_proposed_list(app: &Client) {
    open_screen(app, "offers").await;
    until_explained(
        "the desk proposes the offers list",
        || async {
            hotelmate_e2e::content_of(app, "[data-testid=offer-cards-choose]")
                .await
                .is_some()
                || card_titles(app).await.len() == 3
        },
        || async {
            hotelmate_e2e::content_of(app, "body")
                .await
                .unwrap_or_default()
                .chars()
                .take(1500)
                .collect()
        },
    )
    .await;
    if hotelmate_e2e::content_of(app, "[data-testid=offer-cards-choose]")
        .await
        .is_some()
    {
        click(app, "[data-testid=offer-cards-choose]").await;
    }
    until("the offers list's cards show", || async {
        card_titles(app).await.len() == 3
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_an_admin_adds_three_cards_offline_quits_reopens_online_and_the_server_has_each_once_in_order(
) {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let profile = AppProfile::new("offer-cards-offline");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in_through(&app, &server, proxy.addr(), "sean.murphy").await;
    use_proposed_list(&app).await;

    proxy.cut();
    until("the desk notices it is offline", || async {
        text_of(&app, "[data-testid=connection-state]")
            .await
            .contains("Offline")
    })
    .await;
    for (n, title) in NEW.iter().enumerate() {
        type_into(&app, "[data-testid=offer-card-new-title]", title).await;
        click(&app, "[data-testid=offer-card-add]").await;
        until("the new card shows at once", || async {
            card_titles(&app).await.len() == 4 + n
        })
        .await;
    }
    screenshot(&app, "65-offer-cards-offline").await;
    app.close().await.unwrap();

    proxy.restore();
    let app = driver.launch().await;
    open_screen(&app, "offers").await;
    let expected = [
        "Lakeside Spa Retreat",
        "Golf Getaway",
        "Winter Escape",
        NEW[0],
        NEW[1],
        NEW[2],
    ];
    until_explained(
        "the server holds each card once, in order",
        || async { on_server(&server).await == expected },
        || async { format!("{:?}", on_server(&server).await) },
    )
    .await;
    until("the window shows them in that order", || async {
        card_titles(&app).await == expected
    })
    .await;
    screenshot(&app, "65-offer-cards-reopened").await;
    app.close().await.unwrap();
    server.shutdown().await;
}

/// Opens card `title` in the editor, types `new_title` and saves.
async fn retitle(app: &Client, title: &str, new_title: &str) {
    app.execute(
        "[...document.querySelectorAll('[data-testid=offer-card-row]')] \
         .find(r => r.querySelector('[data-testid=offer-card-title]').textContent.trim() === arguments[0]) \
         .querySelector('.row-main').click();",
        vec![title.into()],
    )
    .await
    .unwrap();
    retype(app, "[data-testid=offer-card-title-input]", new_title).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_two_desks_retitle_one_card_within_a_second_and_neither_change_vanishes_unseen() {
    let server = sandbox_2026().await;
    let (profile_a, profile_b) = (
        AppProfile::new("offer-cards-a"),
        AppProfile::new("offer-cards-b"),
    );
    let (mut driver_a, mut driver_b) = (Driver::start(&profile_a), Driver::start(&profile_b));
    let a = driver_a.launch().await;
    let b = driver_b.launch().await;
    sign_in(&a, &server, "sean.murphy").await;
    sign_in(&b, &server, "sean.murphy").await;
    use_proposed_list(&a).await;
    use_proposed_list(&b).await;
    retitle(&a, "Golf Getaway", "Golf for Two").await;
    retitle(&b, "Golf Getaway", "Golf & Dine").await;
    // Both saves within a second of each other.
    click(&a, "[data-testid=offer-card-save]").await;
    click(&b, "[data-testid=offer-card-save]").await;

    let asked = |app: &Client| {
        let app = app.clone();
        async move {
            hotelmate_e2e::content_of(&app, "[data-testid=conflict-count]")
                .await
                .is_some_and(|t| t.contains("needs you"))
        }
    };
    until_explained(
        "one of the desks asks its person",
        || async { asked(&a).await || asked(&b).await },
        || async {
            format!(
                "a: {:?} b: {:?} server: {:?}",
                hotelmate_e2e::content_of(&a, "[data-testid=status-bar]").await,
                hotelmate_e2e::content_of(&b, "[data-testid=status-bar]").await,
                on_server(&server).await
            )
        },
    )
    .await;
    let there = on_server(&server).await;
    let kept = there
        .iter()
        .find(|t| *t == "Golf for Two" || *t == "Golf & Dine")
        .cloned()
        .expect("one of the two titles is on the server");
    let desk = if asked(&a).await { &a } else { &b };
    click(desk, "[data-testid=conflict-count]").await;
    let (mine, theirs) = (
        text_of(desk, "[data-testid=mine]").await,
        text_of(desk, "[data-testid=theirs]").await,
    );
    let mut both = [mine.clone(), theirs.clone()];
    both.sort();
    assert_eq!(
        both,
        ["Golf & Dine".to_owned(), "Golf for Two".to_owned()],
        "both titles are shown to the person who decides"
    );
    assert!(
        mine == kept || theirs == kept,
        "{kept} among {mine}/{theirs}"
    );
    screenshot(desk, "65-offer-cards-two-desks").await;
    a.close().await.unwrap();
    b.close().await.unwrap();
    server.shutdown().await;
}
