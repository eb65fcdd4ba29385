//! The page builder's page-level paths on the 2026 server (API.md §17.2, §17.4, §17.7, §17.8):
//! `apply-page-style/`, `sections/create/`, `public-page-builder/` and its bootstrap,
//! `status/`, the staff and public presets, the bulk upload with its numbering, and the
//! public read.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::builder::{editor, hotel_id, save};
use crate::auth::Caller;
use crate::body::RawBody;
use crate::builder::public::{page_of, public_page, row_json, section_public};
use crate::builder::{Kind, GALLERY, HERO, IMAGE, LIST, NEWS, PAGE, ROOMS, SECTION};
use crate::errors::ApiError;
use crate::pagination::{PageRequest, PAGE_SIZE};
use crate::state::AppState;
use crate::timefmt::now_drf;

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    const BASE: &str = "/api/staff/hotel/{hotel_slug}";
    Router::new()
        .route(
            &format!("{BASE}/public-page/apply-page-style/"),
            post(apply_page_style),
        )
        .route(&format!("{BASE}/sections/create/"), post(create_section))
        .route(&format!("{BASE}/public-page-builder/"), get(builder))
        .route(
            &format!("{BASE}/public-page-builder/bootstrap-default/"),
            post(bootstrap_default),
        )
        .route(&format!("{BASE}/status/"), get(status))
        .route(
            &format!("{BASE}/gallery-images/bulk-upload/"),
            post(bulk_upload),
        )
        .route(&format!("{BASE}/presets/"), get(staff_presets))
        .route(&format!("{BASE}/presets/grouped/"), get(grouped_presets))
        .route("/api/public/hotel/{hotel_slug}/page/", get(public_read))
        .route("/api/public/presets/", get(public_presets))
}

/// `GET /api/public/hotel/<slug>/page/` (§17.8): no token, no throttling.
async fn public_read(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let db = state.db();
    Ok(Json(public_page(&state, &db, &slug)?))
}

/// `GET /api/public/presets/` (§17.7): `AllowAny`, the whole table and its grouping.
async fn public_presets(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let presets = crate::builder::presets::all(&state.db())?;
    Ok(Json(crate::builder::presets::public_answer(presets)))
}

/// `GET …/presets/`: `IsAuthenticated` and `HasHotelInfoNav` only (§17.7), paginated.
async fn staff_presets(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    let user = caller.require_user()?;
    let staff = crate::people::by_user(&state.db(), user.user_id)?;
    let nav =
        staff.is_some_and(|s| s.is_superuser || s.navs_2026().iter().any(|n| n == "hotel_info"));
    if !nav {
        return Err(ApiError::forbidden(
            "You do not have permission to perform this action.",
        ));
    }
    hotel_id(&state.db(), &slug)?;
    Ok(Json(
        PageRequest::new(&headers, &uri, &state.base_url)
            .paginate(crate::builder::presets::all(&state.db())?, PAGE_SIZE)?,
    ))
}

/// `GET …/presets/grouped/`: the §1.1 defect, a 500 for everyone.
async fn grouped_presets() -> ApiError {
    ApiError::server_error(
        "TypeError: PresetViewSet.grouped() got an unexpected keyword argument 'hotel_slug'",
    )
}

/// The hotel's sections in the staff shape, hidden ones included.
fn staff_sections(state: &AppState, hotel: i64) -> Result<Vec<Value>, ApiError> {
    let db = state.db();
    Ok(SECTION
        .of_hotel(&db, hotel)?
        .iter()
        .map(|s| row_json(state, &db, &SECTION, s))
        .collect::<rusqlite::Result<_>>()?)
}

/// `POST …/public-page/apply-page-style/` (§17.2): the page's and every active section's
/// style, and their children's; bulk updates leave `updated_at` alone (the hero's moves).
async fn apply_page_style(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let hotel = editor(&state, &caller, &slug)?;
    let data = body.parse().await?;
    let style = match data.get("style_variant") {
        None | Some(Value::Null) => {
            return Err(ApiError::error(
                StatusCode::BAD_REQUEST,
                "style_variant is required (1-5)",
            ))
        }
        Some(v) => v
            .as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            .filter(|n| (1..=5).contains(n)),
    };
    let Some(style) = style else {
        return Err(ApiError::error(
            StatusCode::BAD_REQUEST,
            "style_variant must be an integer between 1 and 5",
        ));
    };
    let page = {
        let db = state.db();
        let mut page = page_of(&db, hotel)?;
        page.data
            .insert("global_style_variant".into(), json!(style));
        page.data.insert("updated_at".into(), json!(now_drf()));
        PAGE.update(&db, &page)?;
        let mut count = 0;
        for mut section in SECTION.of_hotel(&db, hotel)? {
            if !section
                .data
                .get("is_active")
                .and_then(Value::as_bool)
                .unwrap_or(true)
            {
                continue;
            }
            count += 1;
            section.data.insert("style_variant".into(), json!(style));
            SECTION.update(&db, &section)?;
            for kind in [&HERO, &GALLERY, &LIST, &NEWS] {
                for mut child in kind.children_of(&db, section.id)? {
                    child.data.insert("style_variant".into(), json!(style));
                    if std::ptr::eq(kind, &HERO) {
                        child.data.insert("updated_at".into(), json!(now_drf()));
                    }
                    kind.update(&db, &child)?;
                }
            }
        }
        (row_json(&state, &db, &PAGE, &page)?, count)
    };
    Ok(Json(json!({
        "message": format!("Applied style preset {style} to all sections"),
        "public_page": page.0,
        "updated_sections_count": page.1,
        "sections": staff_sections(&state, hotel)?,
    })))
}

/// `POST …/sections/create/` (§17.2): a section and its first typed child; a rooms section's
/// answer fails after saving when the public shape cannot be made (§17.9 item 1).
async fn create_section(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    body: RawBody,
) -> Result<Response, ApiError> {
    let hotel = editor(&state, &caller, &slug)?;
    let data = body.parse().await?;
    let field = |key: &str| data.get(key).cloned();
    let kind = match field("section_type").as_ref().and_then(Value::as_str) {
        Some(t @ ("hero" | "gallery" | "list" | "news" | "rooms")) => t.to_owned(),
        _ => {
            return Err(ApiError::error(
                StatusCode::BAD_REQUEST,
                "Invalid section_type",
            ))
        }
    };
    let position = match field("position") {
        None => 0,
        Some(v) => match v.as_i64().filter(|n| *n >= 0) {
            Some(n) => n,
            None => return Err(ApiError::server_error("IntegrityError: position")),
        },
    };
    let title = format!("{}{}", kind[..1].to_uppercase(), &kind[1..]);
    let name = field("name")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{title} Section"));
    let container = field("container_name").and_then(|v| v.as_str().map(str::to_owned));
    let db = state.db();
    let mut fields = Map::new();
    fields.insert("hotel".into(), json!(hotel));
    fields.insert("position".into(), json!(position));
    fields.insert("name".into(), json!(name));
    let section = insert(&db, &SECTION, hotel, hotel, fields)?;
    let child: (&Kind, Value) = match kind.as_str() {
        "hero" => (
            &HERO,
            json!({"hero_title": "Update Hero Title", "hero_text": "Update hero text here."}),
        ),
        "gallery" => (
            &GALLERY,
            json!({"name": container.unwrap_or_else(|| "Gallery 1".into())}),
        ),
        "list" => (&LIST, json!({"title": container.unwrap_or_default()})),
        "news" => (
            &NEWS,
            json!({"title": field("article_title").and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| "Update Article Title".into()),
                "date": crate::timefmt::date_in(0), "summary": "Update the summary of this article."}),
        ),
        _ => (
            &ROOMS,
            json!({"subtitle": "Choose the perfect stay for your visit"}),
        ),
    };
    insert(
        &db,
        child.0,
        hotel,
        section.id,
        child.1.as_object().cloned().unwrap_or_default(),
    )?;
    let shown = section_public(&state, &db, &section)?;
    state.log_write(
        json!({"resource": "section", "op": "create", "id": section.id, "fields": data.fields}),
    );
    Ok((
        StatusCode::CREATED,
        Json(json!({"message": format!("{title} section created"), "section": shown})),
    )
        .into_response())
}

/// Stores a row of `kind` under `parent` with `fields` over its defaults.
fn insert(
    db: &rusqlite::Connection,
    kind: &Kind,
    hotel: i64,
    parent: i64,
    fields: Map<String, Value>,
) -> Result<crate::builder::Stored, ApiError> {
    let mut body = crate::body::RequestData {
        is_json: true,
        ..Default::default()
    };
    body.fields = fields;
    body.fields.insert(kind.parent_key.into(), json!(parent));
    save(db, kind, hotel, None, &body, &Map::new(), false)
}

/// `GET …/public-page-builder/` (§17.2).
async fn builder(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let hotel = editor(&state, &caller, &slug)?;
    let sections = staff_sections(&state, hotel)?;
    let brief = state.db().query_row(
        "SELECT id, slug, name, city, country, tagline, booking_url FROM hotels WHERE id = ?1",
        [hotel],
        |r| {
            Ok(
                json!({"id": r.get::<_, i64>(0)?, "slug": r.get::<_, String>(1)?,
                "name": r.get::<_, String>(2)?, "city": r.get::<_, String>(3)?,
                "country": r.get::<_, String>(4)?, "tagline": r.get::<_, String>(5)?,
                "booking_url": r.get::<_, String>(6)?}),
            )
        },
    )?;
    Ok(Json(json!({
        "hotel": brief,
        "is_empty": sections.is_empty(),
        "sections": sections,
        "presets": {"element_types": ["hero", "text_block", "image_block", "gallery", "cards_list",
            "reviews_list", "rooms_list", "contact_block", "map_block", "footer_block"],
            "section_presets": []},
    })))
}

/// `POST …/public-page-builder/bootstrap-default/`: only on an empty hotel; the sandbox makes
/// the rooms section of the default (generic elements are not served).
async fn bootstrap_default(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let hotel = editor(&state, &caller, &slug)?;
    let db = state.db();
    let count = SECTION.of_hotel(&db, hotel)?.len();
    if count > 0 {
        return Err(ApiError::detail(
            StatusCode::BAD_REQUEST,
            &format!("Hotel already has {count} section(s)"),
        ));
    }
    let mut fields = Map::new();
    fields.insert("position".into(), json!(2));
    fields.insert("name".into(), json!("Rooms"));
    let rooms = insert(&db, &SECTION, hotel, hotel, fields)?;
    insert(&db, &ROOMS, hotel, rooms.id, Map::new())?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"message": "Bootstrap complete"})),
    )
        .into_response())
}

/// `GET …/status/` (§17.2): the hotel-level hero, not a section's.
async fn status(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let hotel = editor(&state, &caller, &slug)?;
    let db = state.db();
    let count = SECTION.of_hotel(&db, hotel)?.len();
    let (brief, image) = db.query_row(
        "SELECT id, name, slug, city, country, hero_image FROM hotels WHERE id = ?1",
        [hotel],
        |r| {
            Ok((
                json!({"id": r.get::<_, i64>(0)?, "name": r.get::<_, String>(1)?,
                    "slug": r.get::<_, String>(2)?, "city": r.get::<_, String>(3)?,
                    "country": r.get::<_, String>(4)?}),
                r.get::<_, Option<String>>(5)?,
            ))
        },
    )?;
    let url = state.media_url_opt(image.as_deref());
    Ok(Json(json!({
        "hotel": brief,
        "branding": {"has_hero_image": url.is_some(), "hero_image_url": url},
        "public_page": {"section_count": count, "is_empty": count == 0},
    })))
}

/// `POST …/gallery-images/bulk-upload/` (§17.4): 1–20 images into any container (its hotel
/// is not checked), numbered from the highest `sort_order` + 1, or from 0 again when the
/// highest is 0.
async fn bulk_upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(slug): Path<String>,
    body: RawBody,
) -> Result<Response, ApiError> {
    let hotel = editor(&state, &caller, &slug)?;
    let data = body.parse().await?;
    let (gallery, stored) = bulk_checked(&state, &data)?;
    let db = state.db();
    let highest = IMAGE
        .children_of(&db, gallery.id)?
        .iter()
        .map(|i| i.int("sort_order"))
        .max();
    let first = match highest {
        None | Some(0) => 0,
        Some(n) => n + 1,
    };
    let mut images = Vec::new();
    for (i, path) in stored.into_iter().enumerate() {
        let mut fields = Map::new();
        fields.insert("image".into(), json!(path));
        fields.insert("sort_order".into(), json!(first + i as i64));
        let row = insert(&db, &IMAGE, hotel, gallery.id, fields)?;
        images.push(row_json(&state, &db, &IMAGE, &row)?);
    }
    state.log_write(json!({"resource": "image", "op": "bulk", "id": gallery.id, "fields": {"count": images.len()}}));
    Ok((
        StatusCode::CREATED,
        Json(json!({"message": format!("{} image(s) uploaded successfully", images.len()), "images": images})),
    )
        .into_response())
}

/// The bulk upload's serializer: the container (any hotel's) and 1–20 images, each stored.
fn bulk_checked(
    state: &AppState,
    data: &crate::body::RequestData,
) -> Result<(crate::builder::Stored, Vec<String>), ApiError> {
    let files: Vec<_> = data
        .file_list
        .iter()
        .filter(|(k, _)| k == "images")
        .collect();
    let mut errors = Map::new();
    let gallery = match data
        .get("gallery")
        .map(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
    {
        None => {
            errors.insert("gallery".into(), json!([crate::validate::REQUIRED]));
            None
        }
        Some(id) => {
            let found = id.and_then(|id| GALLERY.get(&state.db(), id).ok().flatten());
            if found.is_none() {
                let shown = data
                    .get("gallery")
                    .map(|v| v.as_str().map_or(v.to_string(), str::to_owned));
                errors.insert(
                    "gallery".into(),
                    json!([format!(
                        "Invalid pk \"{}\" - object does not exist.",
                        shown.unwrap_or_default()
                    )]),
                );
            }
            found
        }
    };
    if files.is_empty() {
        errors.insert("images".into(), json!([crate::validate::REQUIRED]));
    } else if files.len() > 20 {
        errors.insert(
            "images".into(),
            json!(["Ensure this field has no more than 20 elements."]),
        );
    }
    let mut stored = Vec::new();
    let mut bad = Map::new();
    for (at, (_, file)) in files.iter().enumerate().take(20) {
        match crate::media::store_upload(state, &file.bytes) {
            Ok(path) => stored.push(path),
            Err(_) => {
                bad.insert(at.to_string(), json!([super::upload_field_error()]));
            }
        }
    }
    if !bad.is_empty() && !errors.contains_key("images") {
        errors.insert("images".into(), Value::Object(bad));
    }
    let Some(gallery) = gallery.filter(|_| errors.is_empty()) else {
        return Err(ApiError::json(
            StatusCode::BAD_REQUEST,
            Value::Object(errors),
        ));
    };
    Ok((gallery, stored))
}
