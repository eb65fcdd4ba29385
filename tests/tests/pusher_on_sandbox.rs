//! pusher-channels against the sandbox's Pusher endpoint (two independent readings of the
//! protocol): REST writes arrive as events with `data` decoded, and a private channel is
//! authorized with an HMAC signature the sandbox checks. The test's authorizer signs with the
//! demo app's secret, as a hotel's auth endpoint would on the server side.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::time::Duration;

use hmac::{Hmac, Mac};
use pusher_channels::{AuthError, AuthRequest, ChannelAuth, Client, Config};
use sha2::Sha256;

const WAIT: Duration = Duration::from_secs(10);

async fn login(base: &str) -> String {
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/api/staff/login/"))
        .json(&serde_json::json!({"username": "sean.murphy", "password": "killarney-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_writes_reach_a_pusher_channels_client_as_decoded_events() {
    let server = hotelmate_sandbox::Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let info = server.pusher();
    let client = Client::connect(Config::self_hosted(
        &info.host, info.port, info.tls, &info.key,
    ))
    .unwrap();
    let channel = client.subscribe("hotel-killarney").await.unwrap();
    let mut events = channel.events();
    tokio::time::timeout(WAIT, channel.subscribed())
        .await
        .unwrap()
        .unwrap();

    let token = login(&server.base_url()).await;
    let created: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "{}/api/staff/hotel/killarney/offers/",
            server.base_url()
        ))
        .header("Authorization", format!("Token {token}"))
        .json(&serde_json::json!({"title": "Pusher check", "short_description": "Live"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut seen = Vec::new();
    tokio::time::timeout(WAIT, async {
        while seen.len() < 2 {
            let event = events.recv().await.unwrap();
            if event.event.starts_with("offer") {
                seen.push(event);
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(seen[0].event, "offer-created");
    assert_eq!(
        seen[0].data["offer"]["id"], created["id"],
        "data arrives decoded: {:?}",
        seen[0].data
    );
    assert_eq!(seen[1].event, "offers-updated");
    assert_eq!(seen[1].data["action"], "sync");
    client.shutdown().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_private_channel_authorized_for_the_socket_receives_client_events_of_another_client() {
    let server = hotelmate_sandbox::Sandbox::start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let info = server.pusher();
    let connect = |secret: String| {
        let key = info.key.clone();
        let config = Config::self_hosted(&info.host, info.port, info.tls, &info.key)
            .with_authorizer(move |request: AuthRequest| {
                let (key, secret) = (key.clone(), secret.clone());
                async move {
                    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
                        .map_err(|e| AuthError::new(e.to_string()))?;
                    mac.update(format!("{}:{}", request.socket_id, request.channel).as_bytes());
                    let signature = hex::encode(mac.finalize().into_bytes());
                    Ok::<_, AuthError>(ChannelAuth {
                        auth: format!("{key}:{signature}"),
                        channel_data: None,
                        shared_secret: None,
                    })
                }
            });
        Client::connect(config).unwrap()
    };
    let front_desk = connect(info.secret.clone());
    let back_office = connect(info.secret.clone());
    let a = front_desk
        .subscribe("private-killarney-staff-desk")
        .await
        .unwrap();
    let b = back_office
        .subscribe("private-killarney-staff-desk")
        .await
        .unwrap();
    tokio::time::timeout(WAIT, a.subscribed())
        .await
        .unwrap()
        .unwrap();
    tokio::time::timeout(WAIT, b.subscribed())
        .await
        .unwrap()
        .unwrap();
    let mut b_events = b.events();
    a.trigger("client-typing", serde_json::json!({"who": "Anna"}))
        .await
        .unwrap();
    let event = tokio::time::timeout(WAIT, async {
        loop {
            let event = b_events.recv().await.unwrap();
            if event.event == "client-typing" {
                break event;
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(event.data["who"], "Anna");

    let impostor = connect("not-the-secret".into());
    let refused = impostor
        .subscribe("private-killarney-staff-desk")
        .await
        .unwrap();
    let outcome = tokio::time::timeout(WAIT, refused.subscribed())
        .await
        .unwrap();
    assert!(outcome.is_err(), "a wrong signature must not subscribe");
    for client in [front_desk, back_office, impostor] {
        client.shutdown().await;
    }
    server.shutdown().await;
}
