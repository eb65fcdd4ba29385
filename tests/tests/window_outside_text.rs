//! Issue 36.6, "one way to show outside text", in the real window: a colleague's browser writes
//! disguising characters (a right-to-left override, an isolate, a zero-width space, an invisible
//! plus, a stray tag character, a soft hyphen, a Hangul filler) into an offer, a gallery and its
//! photo's caption and a room type, and a guest with such a name writes such a message with such
//! a file. The test walks every screen the words reach (Overview, Offers, Pictures, Messages'
//! list and thread header, Team), the toast the guest's message raised and the reception
//! display, and finds every one of those characters shown as a mark ("[U+202E]") and none of
//! them raw in any text or label on screen. Only the editors' own fields hold the raw text: they
//! are what is saved back. Screenshots under target/e2e/ (80-…).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use fantoccini::Client;
use hotelmate_e2e::{
    click, open_screen, row_titles, screenshot, server_offers, sign_in, switch_to, token_of, until,
    until_explained, AppProfile, Driver,
};
use hotelmate_sandbox::{Sandbox, SandboxHandle};
use serde_json::{json, Value};

const ROOM_102: i64 = 2;
const BASE: &str = "/api/staff/hotel/killarney";

/// Each character the walk looks for, with the mark it must be shown as.
const DISGUISES: [(char, &str); 7] = [
    ('\u{202E}', "[U+202E]"),
    ('\u{2066}', "[U+2066]"),
    ('\u{200B}', "[U+200B]"),
    ('\u{2064}', "[U+2064]"),
    ('\u{E0041}', "[U+E0041]"),
    ('\u{00AD}', "[U+00AD]"),
    ('\u{3164}', "[U+3164]"),
];

/// `label` followed by every disguise: with U+202E obeyed, "Spa [RLO]gnp.exe" reads "Spa exe.png".
fn disguised(label: &str) -> String {
    format!("{label} \u{202E}gnp.exe\u{2066}\u{200B}\u{2064}\u{E0041}\u{00AD}\u{3164}")
}

/// `label` as the desk must show it.
fn revealed(label: &str) -> String {
    format!("{label} [U+202E]gnp.exe[U+2066][U+200B][U+2064][U+E0041][U+00AD][U+3164]")
}

/// Every text and label on the page (text nodes, `aria-label`, `title`, `alt`, `placeholder`),
/// without the values of the fields a person edits; and, of those, each that holds one of the
/// disguising characters, with where it is.
async fn page_words(app: &Client) -> (String, Vec<String>) {
    let chars: String = DISGUISES.iter().map(|(c, _)| *c).collect();
    let value = app
        .execute(
            "const hidden = [...arguments[0]];
             const words = [];
             const found = [];
             const where = (el) => el?.closest('[data-testid]')?.dataset.testid ?? el?.tagName ?? '?';
             const take = (text, el) => {
               if (text.trim() === '') return;
               words.push(text);
               if ([...text].some(c => hidden.includes(c))) found.push(`${where(el)}: ${JSON.stringify(text)}`);
             };
             const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
             for (let node = walker.nextNode(); node; node = walker.nextNode()) {
               const parent = node.parentElement;
               if (parent && (parent.closest('script, style, textarea'))) continue;
               take(node.data, parent);
             }
             for (const el of document.body.querySelectorAll('*')) {
               for (const name of ['aria-label', 'title', 'alt', 'placeholder']) {
                 const text = el.getAttribute(name);
                 if (text) take(text, el);
               }
               if (el.tagName === 'OPTION') take(el.value, el);
             }
             return [words.join('\\n'), found];",
            vec![json!(chars)],
        )
        .await
        .unwrap();
    let words = match value[0].as_str() {
        Some(words) => words.to_owned(),
        None => panic!("the page's words could not be read: {value:.300}"),
    };
    let found = value[1]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    (words, found)
}

/// Waits until the page shows each of `wanted` (revealed), then asserts nothing on it is raw.
async fn walk(app: &Client, place: &str, wanted: &[String]) {
    until_explained(
        &format!("{place} shows the outside words as marks"),
        || async {
            let (words, _) = page_words(app).await;
            wanted.iter().all(|w| words.contains(w.as_str()))
        },
        || async {
            let (words, _) = page_words(app).await;
            let missing: Vec<&String> = wanted
                .iter()
                .filter(|w| !words.contains(w.as_str()))
                .collect();
            let start: String = words.chars().take(3000).collect();
            format!("missing {missing:?}; the page says: {start}")
        },
    )
    .await;
    let (_, raw) = page_words(app).await;
    assert!(
        raw.is_empty(),
        "{place} shows disguising characters raw: {raw:?}"
    );
}

/// Sends `body` to `path` as a colleague's browser does.
async fn colleague(
    server: &SandboxHandle,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> Value {
    let token = token_of(server, "niamh.kelly").await;
    let answer = reqwest::Client::new()
        .request(method, format!("{}{path}", server.base_url()))
        .header("Authorization", format!("Token {token}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{path}: {}", answer.status());
    answer.json().await.unwrap()
}

/// The first row of the staff list at `path`.
async fn first_of(server: &SandboxHandle, path: &str) -> Value {
    let page = colleague(server, reqwest::Method::GET, path, Value::Null).await;
    page["results"][0].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn window_every_place_shows_disguising_characters_from_guests_and_the_server_as_marks() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    // Before the desk signs in, a colleague's browser writes the disguises into the server's
    // words, and a guest of that kind checks in.
    // The first offer in the hotel's order: the display's first slide.
    let offer = server_offers(&server)
        .await
        .into_iter()
        .min_by_key(|offer| offer["sort_order"].as_i64())
        .expect("the hotel has offers");
    colleague(
        &server,
        reqwest::Method::PATCH,
        &format!("{BASE}/offers/{}/", offer["id"]),
        json!({
            "title": disguised("Spa"),
            "short_description": disguised("Relax"),
            "tag": "\u{202E}WEN",
            "is_active": true,
            "valid_from": null,
            "valid_to": null,
        }),
    )
    .await;
    let gallery = first_of(&server, &format!("{BASE}/galleries/")).await;
    colleague(
        &server,
        reqwest::Method::PATCH,
        &format!("{BASE}/galleries/{}/", gallery["id"]),
        json!({ "name": disguised("Lobby"), "description": disguised("Our lobby") }),
    )
    .await;
    let room_type = first_of(&server, &format!("{BASE}/room-types/")).await;
    colleague(
        &server,
        reqwest::Method::PATCH,
        &format!("{BASE}/room-types/{}/", room_type["id"]),
        json!({ "name": disguised("Suite"), "short_description": disguised("Sea view") }),
    )
    .await;

    server
        .rename_guest(ROOM_102, "Mary", &disguised("Byrne"))
        .unwrap();

    let profile = AppProfile::new("outside-text");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in(&app, &server, "anna.byrne").await;
    until("the offers are listed", || async {
        row_titles(&app).await.len() >= 6
    })
    .await;

    // A guest of that kind writes, with a file of that kind.
    let file = reqwest::multipart::Form::new().part(
        "files",
        reqwest::multipart::Part::bytes(b"just text".to_vec())
            .file_name("invoice\u{202E}fdp.txt")
            .mime_str("text/plain")
            .unwrap(),
    );
    let sent = reqwest::Client::new()
        .post(format!(
            "{}/api/chat/killarney/conversations/{ROOM_102}/upload-attachment/",
            server.base_url()
        ))
        .multipart(file)
        .send()
        .await
        .unwrap();
    assert!(
        sent.status().is_success(),
        "the guest's file was taken: {}",
        sent.status()
    );
    let sent = reqwest::Client::new()
        .post(format!(
            "{}/api/chat/killarney/conversations/{ROOM_102}/messages/send/",
            server.base_url()
        ))
        .json(&json!({ "message": disguised("Hello from") }))
        .send()
        .await
        .unwrap();
    assert!(
        sent.status().is_success(),
        "the guest's message was taken: {}",
        sent.status()
    );

    // Overview and Offers: the title, description and tag.
    open_screen(&app, "overview").await;
    walk(&app, "the Overview", &[revealed("Spa")]).await;
    open_screen(&app, "offers").await;
    walk(
        &app,
        "the Offers list",
        &[revealed("Spa"), revealed("Relax"), "[U+202E]WEN".to_owned()],
    )
    .await;
    screenshot(&app, "80-outside-text-offers").await;

    // Pictures: the gallery's name and description, the room type's name and description.
    open_screen(&app, "pictures").await;
    walk(
        &app,
        "Pictures",
        &[
            revealed("Lobby"),
            revealed("Our lobby"),
            revealed("Suite"),
            revealed("Sea view"),
        ],
    )
    .await;
    screenshot(&app, "81-outside-text-pictures").await;

    // Messages: the list names the guest; the thread's header, message and file.
    open_screen(&app, "messages").await;
    let guest = format!("Mary {}", revealed("Byrne"));
    walk(&app, "the Messages list", std::slice::from_ref(&guest)).await;
    click(
        &app,
        &format!("[data-testid=conversation][data-conversation-id='{ROOM_102}']"),
    )
    .await;
    walk(
        &app,
        "the guest's thread",
        &[
            guest.clone(),
            revealed("Hello from"),
            "invoice[U+202E]fdp.txt".to_owned(),
        ],
    )
    .await;
    screenshot(&app, "82-outside-text-thread").await;

    // The toasts the guest raised name them and quote them marked, never raw.
    until("the guest's message was toasted", || async {
        profile.notifications().contains(&revealed("Hello from"))
    })
    .await;
    let log = profile.notifications();
    for (c, _) in DISGUISES {
        assert!(
            !log.contains(c),
            "a toast carries U+{:04X} raw: {log}",
            u32::from(c)
        );
    }

    // Team and Hotel hold no outside words here, but nothing raw either.
    open_screen(&app, "team").await;
    walk(&app, "the Team board", &[]).await;

    // The reception display shows the offer's words marked: that offer is its first slide.
    click(&app, "[data-testid=open-display]").await;
    switch_to(&app, true).await;
    walk(&app, "the reception display", &[revealed("Spa")]).await;
    screenshot(&app, "83-outside-text-display").await;
}
