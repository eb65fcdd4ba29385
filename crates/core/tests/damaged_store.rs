//! Damage in the desk's own database: an outbox entry whose JSON cannot be read, and a cached
//! server row that is garbage. Neither is turned into an empty value: the entry is set aside as
//! refused and shown, nothing of it is sent; the cached row is fetched again from the server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use crate::support::*;

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_outbox_entry_is_shown_as_refused_and_a_damaged_cached_row_is_fetched_again() {
    let server = sandbox().await;
    let home = Home::new("damaged");
    let desk = home.open();
    sign_in(&desk, &server, server.addr(), "sean.murphy").await;
    eventually("the offers are loaded", WAIT, || async {
        desk.offers().list().unwrap().len() >= 6
    })
    .await;
    let offers = desk.offers().list().unwrap();
    let (edited, garbled) = (offers[0].clone(), offers[1].clone());
    desk.shutdown().await;
    drop(desk);

    // What was tried: a half-written edit (fields cut off mid-JSON), a reorder of the offers
    // whose order holds something that is not a row id (sent as it was read, the readable ids
    // alone would have been moved), and a cached row overwritten with bytes that are not JSON.
    {
        let db = rusqlite::Connection::open(home.dir.path().join("desk.sqlite3")).unwrap();
        db.execute(
            "INSERT INTO outbox (resource, op, target, fields, base, created_at)
             VALUES ('offers', 'update', ?1, '{\"title\": \"Half wr', '{}', 'now')",
            [edited.id],
        )
        .unwrap();
        db.execute(
            "INSERT INTO outbox (resource, op, target, fields, base, created_at)
             VALUES ('offers', 'reorder', 0, ?1, '{}', 'now')",
            [format!(
                "{{\"order\": [{}, \"first\", {}]}}",
                garbled.id, edited.id
            )],
        )
        .unwrap();
        db.execute(
            "UPDATE records SET server = 'not json at all' WHERE resource = 'offers' AND id = ?1",
            [garbled.id],
        )
        .unwrap();
    }

    let reopened = home.open();
    reopened.resume().await.unwrap().expect("opens signed in");
    let conflicts = reopened.conflicts().unwrap();
    let damaged = conflicts
        .iter()
        .find(|c| c.id == edited.id)
        .expect("the damaged edit is listed for the user");
    let refused = damaged.refused.as_deref().unwrap_or_default();
    assert!(
        refused.contains("damaged") && refused.contains("fields"),
        "says what is damaged: {refused}"
    );
    assert_eq!(
        reopened.outbox_summary().unwrap().rejected,
        2,
        "the edit and the reorder are both set aside"
    );
    eventually("the damaged cached row is fetched again", WAIT, || async {
        reopened
            .offers()
            .list()
            .unwrap()
            .iter()
            .any(|o| o.id == garbled.id && o.title == garbled.title)
    })
    .await;
    let tok = token(&server, "anna.byrne").await;
    let on_server = rest(
        &server,
        &tok,
        reqwest::Method::GET,
        &format!("/api/staff/hotel/killarney/offers/{}/", edited.id),
        None,
    )
    .await;
    assert_eq!(
        on_server["title"],
        edited.title.as_str(),
        "nothing of it was sent"
    );
    reopened.settled().await;
    assert_eq!(
        server.writes(),
        Vec::<serde_json::Value>::new(),
        "neither damaged change reached the server"
    );
    reopened.shutdown().await;
    server.shutdown().await;
}
