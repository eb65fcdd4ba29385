//! A gallery built offline on the 2026 server's public page, in the real window (issue 65 item
//! 4): an admin with the network cut adds a gallery to the Gallery section and drops 25 photos
//! into it at once (each shown waiting), quits, reopens the app with the network back, and the
//! server holds each photo once, in the order they were dropped. Driven over WebDriver against
//! an in-process sandbox (2026 generation); the cut goes through a TCP proxy. Screenshots under
//! target/e2e/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use fantoccini::Client;
use hotelmate_e2e::sandbox_2026;
use hotelmate_e2e::{
    as_user, click, open_screen, screenshot, sign_in_through, text_of, type_into, until,
    until_explained, AppProfile, CutProxy, Driver,
};
use hotelmate_sandbox::SandboxHandle;
use reqwest::Method;
use serde_json::Value;

const PHOTOS: usize = 25;

/// The photos waiting in the gallery named `name`, as shown.
async fn waiting(app: &Client, name: &str) -> usize {
    app.execute(
        "const g = [...document.querySelectorAll('[data-testid=page-gallery]')]
           .find(g => g.querySelector('h4')?.textContent === arguments[0]);
         return g ? g.querySelectorAll('[data-testid=page-gallery-upload]').length : -1;",
        vec![Value::from(name)],
    )
    .await
    .unwrap()
    .as_i64()
    .map_or(0, |n| n.max(0) as usize)
}

/// The gallery named `name` on the server with its images by (`sort_order`, id), if there is
/// exactly one.
async fn on_server(server: &SandboxHandle, name: &str) -> Option<Value> {
    let mut found = Vec::new();
    let mut page = 1;
    loop {
        let body = as_user(
            server,
            "sean.murphy",
            Method::GET,
            &format!("/api/staff/hotel/killarney/gallery-containers/?page={page}"),
        )
        .await;
        found.extend(
            body["results"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["name"] == name)
                .cloned(),
        );
        if body["next"].is_null() {
            break;
        }
        page += 1;
    }
    assert!(found.len() <= 1, "the gallery made once: {found:?}");
    let mut container = found.pop()?;
    container["images"]
        .as_array_mut()?
        .sort_by_key(|i| (i["sort_order"].as_i64(), i["id"].as_i64()));
    Some(container)
}

/// The red of each image's first pixel, in the gallery's order: the photos are drawn with red
/// 8 × their place, so this tells which photo is where.
async fn reds(container: &Value) -> Vec<u8> {
    let mut reds = Vec::new();
    for image in container["images"].as_array().unwrap() {
        let url = image["image_url"].as_str().unwrap();
        let bytes = reqwest::get(url).await.unwrap().bytes().await.unwrap();
        let picture = image::load_from_memory(&bytes).unwrap().to_rgb8();
        reds.push(picture.get_pixel(4, 4)[0]);
    }
    reds
}

#[tokio::test(flavor = "multi_thread")]
async fn window_an_admin_builds_a_gallery_of_25_photos_offline_and_after_a_restart_the_server_holds_each_once_in_order(
) {
    let server = sandbox_2026().await;
    let proxy = CutProxy::start(server.addr()).await.unwrap();
    let profile = AppProfile::new("page-gallery-offline");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in_through(&app, &server, proxy.addr(), "sean.murphy").await;
    open_screen(&app, "public_page").await;
    until(
        "the Gallery section shows its galleries to edit",
        || async {
            app.execute(
                "return document.querySelectorAll('[data-testid=page-gallery]').length;",
                vec![],
            )
            .await
            .ok()
                == Some(Value::from(2))
        },
    )
    .await;

    proxy.cut();
    until("the desk notices it is offline", || async {
        text_of(&app, "[data-testid=connection-state]")
            .await
            .contains("Offline")
    })
    .await;
    type_into(&app, "[data-testid=page-gallery-add-name]", "Spa").await;
    click(&app, "[data-testid=page-gallery-add] button[type=submit]").await;
    until("the new gallery shows at once", || async {
        waiting(&app, "Spa").await == 0
            && app
                .execute(
                    "return [...document.querySelectorAll('[data-testid=page-gallery] h4')]
                       .some(h => h.textContent === 'Spa');",
                    vec![],
                )
                .await
                .ok()
                == Some(Value::Bool(true))
    })
    .await;
    let dropped = app
        .execute_async(
            "const [count, done] = [arguments[0], arguments[arguments.length - 1]];
             const blobs = [];
             for (let i = 0; i < count; i++) {
               const canvas = document.createElement('canvas');
               canvas.width = 320; canvas.height = 240;
               const g = canvas.getContext('2d');
               g.fillStyle = `rgb(${i * 8}, 120, 200)`;
               g.fillRect(0, 0, 320, 240);
               blobs.push(new Promise(ok => canvas.toBlob(ok, 'image/png')));
             }
             Promise.all(blobs).then(all => {
               const data = new DataTransfer();
               all.forEach((blob, i) => data.items.add(
                 new File([blob], `spa-${String(i).padStart(2, '0')}.png`, {type: 'image/png'})));
               const zone = [...document.querySelectorAll('[data-testid=page-gallery]')]
                 .find(g => g.querySelector('h4')?.textContent === 'Spa');
               zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: data, bubbles: true, cancelable: true}));
               zone.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
               done(data.files.length);
             });",
            vec![Value::from(PHOTOS)],
        )
        .await
        .unwrap();
    assert_eq!(dropped, Value::from(PHOTOS));
    until_explained(
        "each photo shows waiting to be sent",
        || async { waiting(&app, "Spa").await == PHOTOS },
        || async { format!("{} waiting", waiting(&app, "Spa").await) },
    )
    .await;
    screenshot(&app, "65-page-gallery-waiting").await;
    assert!(
        on_server(&server, "Spa").await.is_none(),
        "nothing reached the server"
    );
    app.close().await.unwrap();

    proxy.restore();
    let app = driver.launch().await;
    open_screen(&app, "public_page").await;
    until_explained(
        "the server holds the 25 photos",
        || async {
            on_server(&server, "Spa")
                .await
                .is_some_and(|c| c["images"].as_array().map(Vec::len) == Some(PHOTOS))
        },
        || async { format!("{} still waiting", waiting(&app, "Spa").await) },
    )
    .await;
    let there = on_server(&server, "Spa").await.unwrap();
    let expected: Vec<u8> = (0..PHOTOS).map(|i| (i * 8) as u8).collect();
    let found = reds(&there).await;
    let close = found
        .iter()
        .zip(&expected)
        .all(|(got, want)| got.abs_diff(*want) <= 3);
    assert!(close, "each once, in the order dropped: {found:?}");
    until("the window shows them from the server", || async {
        waiting(&app, "Spa").await == 0
    })
    .await;
    screenshot(&app, "65-page-gallery-sent").await;
    app.close().await.ok();
}
