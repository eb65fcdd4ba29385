//! Contract tests for API.md §2 (login and me) and §13 facts 1–5, over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use crate::common::{keys, sorted, start, PASSWORD};
use serde_json::{json, Value};

const LOGIN_KEYS: &[&str] = &[
    "username",
    "token",
    "hotel_id",
    "hotel_name",
    "hotel_slug",
    "is_staff",
    "is_superuser",
    "access_level",
    "hotel",
    "allowed_navs",
    "profile_image_url",
    "role",
    "department",
    "staff_id",
];

#[tokio::test]
async fn login_returns_exactly_the_14_keys_and_a_40_hex_token() {
    let c = start().await;
    let (s, v) = c
        .post(
            "/api/staff/login/",
            None,
            json!({"username": "anna.byrne", "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(keys(&v), sorted(LOGIN_KEYS));
    let token = v["token"].as_str().unwrap();
    assert_eq!(token.len(), 40);
    assert!(token
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(v["hotel_slug"], "killarney");
    assert_eq!(v["hotel_id"], 1);
    assert_eq!(v["hotel_name"], "Hotel Killarney");
    assert_eq!(
        v["hotel"],
        json!({"id": 1, "name": "Hotel Killarney", "slug": "killarney"})
    );
    assert_eq!(v["role"], "Receptionist");
    assert_eq!(v["department"], "Front Office");
    assert_eq!(v["access_level"], "regular_staff");
    assert_eq!(v["is_staff"], false);
    assert!(v["staff_id"].is_i64());
    assert!(v["allowed_navs"].is_array());
    // §13.5: the public_id, not a URL.
    let image = v["profile_image_url"].as_str().unwrap();
    assert!(!image.starts_with("http"), "{image}");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn login_returns_the_same_token_every_time() {
    let c = start().await;
    let a = c.token("anna.byrne").await;
    let b = c.token("anna.byrne").await;
    assert_eq!(a, b);
    assert_ne!(a, c.token("sean.murphy").await);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn login_accepts_form_and_multipart_bodies() {
    let c = start().await;
    let r = c
        .http
        .post(c.url("/api/staff/login/"))
        .form(&[("username", "niamh.kelly"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let form = reqwest::multipart::Form::new()
        .text("username", "sean.murphy")
        .text("password", PASSWORD);
    let r = c
        .http
        .post(c.url("/api/staff/login/"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["access_level"], "staff_admin");
    assert_eq!(v["role"], "Manager");
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn login_missing_fields_are_400_field_errors() {
    let c = start().await;
    let (s, v) = c
        .post("/api/staff/login/", None, json!({"password": PASSWORD}))
        .await;
    assert_eq!(s, 400);
    assert_eq!(v, json!({"username": ["This field is required."]}));
    let (s, v) = c
        .post("/api/staff/login/", None, json!({"username": "anna.byrne"}))
        .await;
    assert_eq!(s, 400);
    assert_eq!(v, json!({"password": ["This field is required."]}));
    let (s, v) = c.post("/api/staff/login/", None, json!({})).await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"username": ["This field is required."], "password": ["This field is required."]})
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn login_wrong_credentials_are_400_non_field_errors() {
    let c = start().await;
    let expected = json!({"non_field_errors": ["Unable to log in with provided credentials."]});
    let (s, v) = c
        .post(
            "/api/staff/login/",
            None,
            json!({"username": "anna.byrne", "password": "nope"}),
        )
        .await;
    assert_eq!((s, v), (400, expected.clone()));
    let (s, v) = c
        .post(
            "/api/staff/login/",
            None,
            json!({"username": "nobody", "password": PASSWORD}),
        )
        .await;
    assert_eq!((s, v), (400, expected));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn login_with_an_unknown_token_is_401_invalid_token() {
    let c = start().await;
    let (s, v) = c
        .post(
            "/api/staff/login/",
            Some("0000000000000000000000000000000000000000"),
            json!({"username": "anna.byrne", "password": PASSWORD}),
        )
        .await;
    assert_eq!((s, v), (401, json!({"detail": "Invalid token."})));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn login_with_a_bearer_header_is_anonymous_and_works() {
    let c = start().await;
    let r = c
        .http
        .post(c.url("/api/staff/login/"))
        .header(
            "Authorization",
            "Bearer 0000000000000000000000000000000000000000",
        )
        .json(&json!({"username": "anna.byrne", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn me_returns_the_staff_serializer() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c.get("/api/staff/killarney/me/", Some(&t)).await;
    assert_eq!(s, 200);
    for k in [
        "id",
        "first_name",
        "last_name",
        "email",
        "phone_number",
        "is_active",
        "is_on_duty",
        "user",
        "department",
        "department_detail",
        "role",
        "role_detail",
        "hotel",
        "access_level",
        "hotel_name",
        "hotel_slug",
        "profile_image",
        "has_registered_face",
        "allowed_navs",
        "has_fcm_token",
        "is_staff_member",
        "role_slug",
    ] {
        assert!(v.get(k).is_some(), "me lacks {k}: {v}");
    }
    assert_eq!(v["first_name"], "Anna");
    assert_eq!(v["last_name"], "Byrne");
    assert_eq!(v["department_detail"]["slug"], "front-office");
    assert_eq!(v["role_slug"], "receptionist");
    assert!(v["profile_image_url"]
        .as_str()
        .unwrap()
        .starts_with("http://"));
    for k in [
        "id",
        "username",
        "email",
        "is_active",
        "staff_profile",
        "used_registration_code",
        "staff_created",
    ] {
        assert!(v["user"].get(k).is_some(), "user lacks {k}");
    }
    // The reference backend's nested shapes (issue 9): a string flag and the whole profile.
    assert_eq!(v["user"]["staff_created"], "Yes");
    let profile = &v["user"]["staff_profile"];
    assert_eq!(profile["department"]["slug"], "front-office");
    assert_eq!(profile["role"]["slug"], "receptionist");
    assert_eq!(profile["hotel"]["slug"], "killarney");
    assert_eq!(profile["profile_image_url"], v["profile_image_url"]);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn me_without_an_image_has_no_profile_image_url_key() {
    let c = start().await;
    let t = c.token("sean.murphy").await;
    let (s, v) = c.get("/api/staff/killarney/me/", Some(&t)).await;
    assert_eq!(s, 200);
    assert_eq!(v["first_name"], "Seán");
    assert!(v.get("profile_image_url").is_none());
    assert_eq!(v["profile_image"], Value::Null);
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn me_with_a_wrong_slug_is_404() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    let (s, v) = c.get("/api/staff/galway-bay/me/", Some(&t)).await;
    assert_eq!(
        (s, v),
        (
            404,
            json!({"detail": "Staff profile not found for the current user and hotel."})
        )
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn me_without_credentials_or_with_bearer_is_401_with_www_authenticate() {
    let c = start().await;
    let t = c.token("anna.byrne").await;
    for auth in [None, Some(format!("Bearer {t}"))] {
        let mut req = c.http.get(c.url("/api/staff/killarney/me/"));
        if let Some(a) = &auth {
            req = req.header("Authorization", a);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 401);
        assert_eq!(r.headers()["www-authenticate"], "Token");
        let v: Value = r.json().await.unwrap();
        assert_eq!(
            v,
            json!({"detail": "Authentication credentials were not provided."})
        );
    }
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn me_with_an_unknown_token_is_401_invalid_token() {
    let c = start().await;
    let (s, v) = c
        .get(
            "/api/staff/killarney/me/",
            Some("ffffffffffffffffffffffffffffffffffffffff"),
        )
        .await;
    assert_eq!((s, v), (401, json!({"detail": "Invalid token."})));
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn unknown_urls_answer_the_django_html_404_page() {
    let c = start().await;
    for path in [
        "/api/nothing/here/",
        "/api/staff/hotel/killarney/settings/gallery/upload/",
    ] {
        let r = c.http.get(c.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let body = r.text().await.unwrap();
        assert!(body.contains("Page not found"), "{body}");
    }
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn wrong_method_is_a_drf_405() {
    let c = start().await;
    let (s, v) = c
        .send(
            reqwest::Method::PUT,
            "/api/staff/login/",
            None,
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (s, v),
        (405, json!({"detail": "Method \"PUT\" not allowed."}))
    );
    c.sandbox.shutdown().await;
}

#[tokio::test]
async fn tokens_persist_across_restarts_with_a_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let config = |dir: &std::path::Path| hotelmate_sandbox::SandboxConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: Some(dir.to_path_buf()),
        simulator: false,
        generation: hotelmate_sandbox::Generation::Classic,
    };
    let first = hotelmate_sandbox::Sandbox::start_with(config(dir.path()))
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let login = |base: String| {
        let http = http.clone();
        async move {
            let v: Value = http
                .post(format!("{base}/api/staff/login/"))
                .json(&json!({"username": "anna.byrne", "password": PASSWORD}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["token"].as_str().unwrap().to_string()
        }
    };
    let t1 = login(first.base_url()).await;
    first.shutdown().await;
    let second = hotelmate_sandbox::Sandbox::start_with(config(dir.path()))
        .await
        .unwrap();
    let t2 = login(second.base_url()).await;
    assert_eq!(t1, t2);
    second.shutdown().await;
}

#[tokio::test]
async fn wrong_method_still_authenticates_first_like_drf() {
    let c = start().await;
    let (s, v) = c
        .send(
            reqwest::Method::POST,
            "/api/staff/killarney/me/",
            None,
            None,
        )
        .await;
    assert_eq!(
        (s, v),
        (
            401,
            json!({"detail": "Authentication credentials were not provided."})
        )
    );
    let (s, v) = c
        .send(
            reqwest::Method::DELETE,
            "/api/staff/login/",
            Some("1111111111111111111111111111111111111111"),
            None,
        )
        .await;
    assert_eq!((s, v), (401, json!({"detail": "Invalid token."})));
    let t = c.token("anna.byrne").await;
    let (s, v) = c
        .send(
            reqwest::Method::POST,
            "/api/staff/hotel/killarney/offers/1/",
            Some(&t),
            None,
        )
        .await;
    assert_eq!(
        (s, v),
        (405, json!({"detail": "Method \"POST\" not allowed."}))
    );
    c.sandbox.shutdown().await;
}
