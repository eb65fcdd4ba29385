//! A gallery in the real window, through a hotel uplink of 250 kB/s (a proxy shared by all of
//! the desk's connections) so uploads take long enough to watch: four photos picked at once
//! upload with a progress bar each and one of them is cancelled; a photo dropped from the
//! desktop with the network cut waits and arrives after reconnect; an image dragged to a new
//! place, and one moved with Alt+→, are one `reorder_images` call each; a colleague's new photo
//! appears without a refresh. Screenshots under target/e2e/ (the README's Gallery screen).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use fantoccini::Client;
use hotelmate_e2e::{
    artifacts_dir, as_user, click, screenshot, sign_in_through, token_of, type_into, until,
    AppProfile, Driver,
};
use hotelmate_sandbox::network::CutProxy;
use hotelmate_sandbox::Sandbox;
use reqwest::Method;
use serde_json::Value;

/// A photo with grain (so it stays large after the desk prepares it), its own for `n`.
fn photo(n: u32) -> std::path::PathBuf {
    let path = artifacts_dir().join(format!("gallery-upload-{n}.jpg"));
    let mut seed = 0x2545_f491_u32.wrapping_add(n * 7919);
    let picture = image::RgbImage::from_fn(1800, 1200, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let grain = (seed % 64) as u8;
        image::Rgb([(x / 8) as u8 ^ grain, (y / 6) as u8 ^ grain, (n * 60) as u8])
    });
    image::DynamicImage::ImageRgb8(picture).save(&path).unwrap();
    path
}

/// The image ids of the gallery as the server has it, in its order.
async fn server_order(server: &hotelmate_sandbox::SandboxHandle, id: i64) -> Vec<i64> {
    as_user(
        server,
        "anna.byrne",
        Method::GET,
        &format!("/api/staff/hotel/killarney/galleries/{id}/"),
    )
    .await["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

/// The first gallery's tiles as shown, in order.
async fn shown_order(app: &Client) -> Vec<i64> {
    app.execute(
        "const g = document.querySelector('[data-testid=gallery]');
         if (!g) return [];
         return [...g.querySelectorAll('[data-testid=gallery-image]')].map(t => Number(t.dataset.imageId));",
        vec![],
    )
    .await
    .unwrap()
    .as_array()
    .unwrap()
    .iter()
    .filter_map(Value::as_i64)
    .collect()
}

/// The first gallery's upload rows: (upload id, state, progress value, progress max).
async fn upload_rows(app: &Client) -> Vec<(String, String, f64, f64)> {
    let rows = app
        .execute(
            "const g = document.querySelector('[data-testid=gallery]');
             if (!g) return [];
             return [...g.querySelectorAll('[data-testid=upload]')].map(r => {
               const p = r.querySelector('[data-testid=upload-progress]');
               const known = p && p.position >= 0;
               return [r.dataset.uploadId || '', r.dataset.state || '',
                       known ? p.value : 0, known ? p.max : 0];
             });",
            vec![],
        )
        .await
        .unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap_or_default().to_owned(),
                r[1].as_str().unwrap_or_default().to_owned(),
                r[2].as_f64().unwrap_or(0.0),
                r[3].as_f64().unwrap_or(0.0),
            )
        })
        .collect()
}

/// Scrolls the screen's own pane to the first gallery (for the screenshots).
async fn show_gallery(app: &Client) {
    app.execute(
        "const g = document.querySelector('[data-testid=gallery]');
         let pane = g.parentElement;
         while (pane && pane.scrollHeight <= pane.clientHeight) pane = pane.parentElement;
         if (pane) pane.scrollTop += g.getBoundingClientRect().top - pane.getBoundingClientRect().top - 72;
         window.scrollTo(0, 0);",
        vec![],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn window_gallery_uploads_with_progress_cancel_offline_reorder_and_live() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let proxy = CutProxy::start_with_uplink(server.addr(), 250_000)
        .await
        .unwrap();
    let profile = AppProfile::new("gallery");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    sign_in_through(&app, &server, proxy.addr(), "sean.murphy").await;
    click(&app, "[data-testid=nav-pictures]").await;
    until("the first gallery shows its photos", || async {
        shown_order(&app).await.len() >= 3
    })
    .await;
    let gallery: i64 = app
        .execute(
            "return Number(document.querySelector('[data-testid=gallery]').dataset.galleryId);",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap();
    let before = server_order(&server, gallery).await;
    let upload_line = format!("POST /api/staff/hotel/killarney/galleries/{gallery}/upload_image/");

    // Four photos picked at once: three upload together, each with its progress; the fourth
    // waits its turn and is cancelled.
    let files: Vec<String> = (0..4).map(|n| photo(n).display().to_string()).collect();
    type_into(
        &app,
        "[data-testid=gallery] [data-testid=gallery-upload-input]",
        &files.join("\n"),
    )
    .await;
    // (The bar counts bytes handed to the network; the loopback's buffers take a photo's bytes
    // at once, so here a bar is seen filled, with "Saving on the server…", while the uplink
    // carries it.)
    until(
        "photos upload side by side, each with its progress bar",
        || async {
            let rows = upload_rows(&app).await;
            rows.iter()
                .filter(|(_, state, value, max)| state == "sending" && *value > 0.0 && *max > 0.0)
                .count()
                >= 2
        },
    )
    .await;
    show_gallery(&app).await;
    screenshot(&app, "62-gallery-uploading").await;
    until("the fourth photo waits its turn", || async {
        upload_rows(&app)
            .await
            .iter()
            .any(|(_, state, ..)| state == "waiting")
    })
    .await;
    // Cancel it, in one step with finding it (a free place may start it any moment: then the
    // last photo, on its way, is the one cancelled).
    let cancelled_state = app
        .execute(
            "const rows = [...document.querySelector('[data-testid=gallery]').querySelectorAll('[data-testid=upload]')]
               .filter(r => r.dataset.uploadId);
             const row = rows.find(r => r.dataset.state === 'waiting') || rows[rows.length - 1];
             row.querySelector('[data-testid=upload-cancel]').click();
             return row.dataset.state;",
            vec![],
        )
        .await
        .unwrap();
    eprintln!("cancelled a photo that was {cancelled_state}");
    until(
        "the three others are in the gallery, on the server and shown",
        || async {
            upload_rows(&app).await.is_empty()
                && server_order(&server, gallery).await.len() == before.len() + 3
                && shown_order(&app).await.len() == before.len() + 3
        },
    )
    .await;
    // Cancelled while it waited, it was never sent; if a place freed up just before the click,
    // it was on its way and is taken out again as soon as the server answers. Either way the
    // gallery does not keep it. The desk's log says which (its lines for the hotel's IT).
    let mut on_its_way = false;
    until("the desk logged what became of the cancelled photo", || {
        let log = profile.log();
        on_its_way = log.contains("an upload was cancelled on its way");
        let before_sending = log.contains("an upload was cancelled before it was sent");
        async move { on_its_way || before_sending }
    })
    .await;
    if on_its_way {
        until("the photo cancelled on its way was taken out again", || {
            let taken_out = profile
                .log()
                .contains("an upload cancelled on its way was taken out again");
            async move { taken_out }
        })
        .await;
    }
    let posts = server.requests_to(&upload_line);
    assert_eq!(
        posts,
        if on_its_way { 4 } else { 3 },
        "upload requests (on its way when cancelled: {on_its_way})"
    );
    assert_eq!(
        server_order(&server, gallery).await.len(),
        before.len() + 3,
        "the cancelled photo is not in the gallery"
    );

    // A photo dropped from the desktop with the network cut waits, then arrives.
    proxy.cut();
    let dropped: Value = app
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const canvas = document.createElement('canvas');
             canvas.width = 640; canvas.height = 480;
             const g = canvas.getContext('2d');
             g.fillStyle = '#2a6f97'; g.fillRect(0, 0, 640, 480);
             g.fillStyle = '#f4a261'; g.fillRect(100, 100, 300, 200);
             canvas.toBlob(blob => {
               const data = new DataTransfer();
               data.items.add(new File([blob], 'terrace-at-dusk.png', {type: 'image/png'}));
               const zone = document.querySelector('[data-testid=gallery] [data-testid=gallery-drop]')
                 || document.querySelector('[data-testid=gallery]');
               zone.dispatchEvent(new DragEvent('dragenter', {dataTransfer: data, bubbles: true, cancelable: true}));
               zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: data, bubbles: true, cancelable: true}));
               zone.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
               done(data.files.length);
             }, 'image/png');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(dropped, Value::from(1), "one file dropped");
    until("the dropped photo waits to be sent", || async {
        // Shown if it never waits (the test's output is kept only when it fails).
        eprintln!("upload rows now: {:?}", upload_rows(&app).await);
        upload_rows(&app)
            .await
            .iter()
            .any(|(_, state, ..)| state == "waiting")
    })
    .await;
    screenshot(&app, "63-gallery-upload-waiting").await;
    proxy.restore();
    until("the dropped photo arrives after reconnect", || async {
        upload_rows(&app).await.is_empty()
            && server_order(&server, gallery).await.len() == before.len() + 4
    })
    .await;
    assert_eq!(server.requests_to(&upload_line), posts + 1, "sent once");

    // Drag the first photo onto the third: one call, the order shown is the server's.
    let reorder_line =
        format!("POST /api/staff/hotel/killarney/galleries/{gallery}/reorder_images/");
    let order = shown_order(&app).await;
    app.execute(
        "const tiles = [...document.querySelector('[data-testid=gallery]').querySelectorAll('[data-testid=gallery-image]')];
         const [from, to] = [tiles[0], tiles[2]];
         const data = new DataTransfer();
         const box = to.getBoundingClientRect();
         const at = {dataTransfer: data, bubbles: true, cancelable: true,
                     clientX: box.right - 2, clientY: box.top + box.height / 2};
         from.dispatchEvent(new DragEvent('dragstart', {dataTransfer: data, bubbles: true, cancelable: true}));
         to.dispatchEvent(new DragEvent('dragenter', at));
         to.dispatchEvent(new DragEvent('dragover', at));
         to.dispatchEvent(new DragEvent('drop', at));
         from.dispatchEvent(new DragEvent('dragend', {dataTransfer: data, bubbles: true}));",
        vec![],
    )
    .await
    .unwrap();
    until(
        "the dragged photo moved, here and on the server",
        || async {
            let shown = shown_order(&app).await;
            shown != order && server_order(&server, gallery).await == shown
        },
    )
    .await;
    let dragged = shown_order(&app).await;
    assert_eq!(
        dragged.iter().position(|id| *id == order[0]),
        Some(2),
        "the first photo is now third: {order:?} → {dragged:?}"
    );
    assert_eq!(
        server.requests_to(&reorder_line),
        1,
        "one call for the drop"
    );

    // Alt+→ on the first tile moves it one place: one more call.
    app.execute(
        "const tile = document.querySelector('[data-testid=gallery] [data-testid=gallery-image]');
         tile.focus();
         tile.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', altKey: true, bubbles: true, cancelable: true}));",
        vec![],
    )
    .await
    .unwrap();
    let mut expected = dragged.clone();
    expected.swap(0, 1);
    until(
        "Alt+→ moved the photo one place, here and on the server",
        || async {
            shown_order(&app).await == expected && server_order(&server, gallery).await == expected
        },
    )
    .await;
    assert_eq!(
        server.requests_to(&reorder_line),
        2,
        "one call for the key press"
    );

    // A colleague adds a photo from the web app: it appears here without a refresh.
    let token = token_of(&server, "anna.byrne").await;
    let mut png = Vec::new();
    image::RgbImage::from_pixel(320, 240, image::Rgb([240, 200, 40]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let form = reqwest::multipart::Form::new().part(
        "image",
        reqwest::multipart::Part::bytes(png)
            .file_name("from-colleague.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let status = reqwest::Client::new()
        .post(format!(
            "{}/api/staff/hotel/killarney/galleries/{gallery}/upload_image/",
            server.base_url()
        ))
        .header("Authorization", format!("Token {token}"))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success());
    until(
        "the colleague's photo appears without a refresh",
        || async { shown_order(&app).await.len() == before.len() + 5 },
    )
    .await;
    show_gallery(&app).await;
    screenshot(&app, "64-gallery").await;
    app.close().await.unwrap();
    server.shutdown().await;
}

/// Issue 63.20: a file the desk could not make a photo of was counted "1 on the way" in its
/// gallery's header, as if it would arrive by itself. It is not on its way: the header counts
/// it apart, as needing the person, and says nothing is on the way.
#[tokio::test(flavor = "multi_thread")]
async fn window_a_file_that_is_no_photo_is_not_counted_on_the_way() {
    let server = Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let profile = AppProfile::new("gallery-failed-file");
    let mut driver = Driver::start(&profile);
    let app = driver.launch().await;
    hotelmate_e2e::sign_in(&app, &server, "sean.murphy").await;
    click(&app, "[data-testid=nav-pictures]").await;
    until("the first gallery shows its photos", || async {
        shown_order(&app).await.len() >= 3
    })
    .await;
    // A text file named as a photo: the desk cannot read a picture from it.
    let path = artifacts_dir().join("gallery-not-a-photo.jpg");
    std::fs::write(&path, b"this is a booking note, not a photo\n".repeat(40)).unwrap();
    type_into(
        &app,
        "[data-testid=gallery] [data-testid=gallery-upload-input]",
        &path.display().to_string(),
    )
    .await;
    let header = |testid: &'static str| {
        let app = app.clone();
        async move {
            hotelmate_e2e::content_of(
                &app,
                &format!("[data-testid=gallery] [data-testid={testid}]"),
            )
            .await
            .unwrap_or_default()
            .trim()
            .to_owned()
        }
    };
    until_explained_header(&app, "the file is counted as needing attention", || async {
        header("gallery-needs-attention").await == "1 needs your attention"
    })
    .await;
    let count = header("gallery-photo-count").await;
    assert!(
        !count.contains("on the way"),
        "a file that failed is not on its way: {count}"
    );
    show_gallery(&app).await;
    screenshot(&app, "64-gallery-file-not-a-photo").await;
    app.close().await.unwrap();
    server.shutdown().await;
}

/// [`until`], with the gallery's header in the message when it times out.
async fn until_explained_header<F, Fut>(app: &Client, what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    hotelmate_e2e::until_explained(what, check, || async {
        hotelmate_e2e::page_text(
            app,
            "return document.querySelector('[data-testid=gallery] .gallery-meta')?.textContent ?? ''",
            vec![],
        )
        .await
    })
    .await;
}
