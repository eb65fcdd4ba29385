//! The hotel's pictures: image slots, galleries and room types, and replacing a hotel image.

use hotelmate_core::desk::{ErrorCode, HotelImageSlot, ImagePatch, RoomTypePatch};
use hotelmate_core::features::pictures::PicturesOverview;
use hotelmate_core::media::Crop;
use hotelmate_core::{Desk, UiError};
use tauri::ipc::Request;
use tauri::State;

#[tauri::command]
pub fn pictures_overview(desk: State<'_, Desk>) -> Result<PicturesOverview, UiError> {
    Ok(desk.pictures().overview()?)
}

fn did_not_arrive() -> UiError {
    UiError {
        code: ErrorCode::InvalidInput,
        field: Some("image".into()),
        message: "The image did not arrive; try again.".into(),
    }
}

/// The part of the picture to keep, from the `crop` header (JSON), if the screen sent one.
fn crop_of(request: &Request<'_>) -> Result<Option<Crop>, UiError> {
    match super::header(request, "crop") {
        None => Ok(None),
        Some(text) => serde_json::from_str(&text).map(Some).map_err(|_| UiError {
            code: ErrorCode::InvalidInput,
            field: Some("crop".into()),
            message: "The chosen part of the picture did not arrive; choose it again.".into(),
        }),
    }
}

/// The image arrives as the raw request body; the slot, file name and crop as headers.
#[tauri::command]
pub async fn hotel_image_set(
    desk: State<'_, Desk>,
    request: Request<'_>,
) -> Result<PicturesOverview, UiError> {
    let file = super::raw_file(&request, "slot", "image").and_then(|(slot, name, bytes)| {
        let slot = serde_json::from_value::<HotelImageSlot>(slot.into()).ok()?;
        Some((slot, name, bytes))
    });
    let Some((slot, name, bytes)) = file else {
        return Err(did_not_arrive());
    };
    let crop = crop_of(&request)?;
    desk.hotel_images().set(slot, name, bytes, crop).await?;
    Ok(desk.pictures().overview()?)
}

/// Adds one picked or dropped file to a gallery (raw body; gallery id and file name as headers).
/// Returns the upload's number, which `UploadProgress` events and `UploadView` name.
#[tauri::command]
pub async fn gallery_image_add(
    desk: State<'_, Desk>,
    request: Request<'_>,
) -> Result<i64, UiError> {
    let file = super::raw_file(&request, "gallery-id", "image")
        .and_then(|(id, name, bytes)| Some((id.parse::<i64>().ok()?, name, bytes)));
    let Some((gallery, name, bytes)) = file else {
        return Err(did_not_arrive());
    };
    Ok(desk.pictures().add_image(gallery, name, bytes).await?)
}

/// Stops an upload; false when it had already finished.
#[tauri::command]
pub fn gallery_upload_cancel(desk: State<'_, Desk>, upload: i64) -> Result<bool, UiError> {
    Ok(desk.pictures().cancel_upload(upload)?)
}

/// Sends a refused upload again.
#[tauri::command]
pub fn gallery_upload_retry(
    desk: State<'_, Desk>,
    upload: i64,
) -> Result<PicturesOverview, UiError> {
    Ok(desk.pictures().retry_upload(upload)?)
}

/// A gallery's images in a new order (one `reorder_images` call when sent).
#[tauri::command]
pub fn gallery_images_reorder(
    desk: State<'_, Desk>,
    gallery: i64,
    ids: Vec<i64>,
) -> Result<PicturesOverview, UiError> {
    Ok(desk.pictures().reorder_images(gallery, &ids)?)
}

/// The galleries in a new order.
#[tauri::command]
pub fn galleries_reorder(
    desk: State<'_, Desk>,
    ids: Vec<i64>,
) -> Result<PicturesOverview, UiError> {
    Ok(desk.pictures().reorder_galleries(&ids)?)
}

/// Changes a gallery image's caption, alt text or featured flag (each may be sent alone; shown
/// at once, sent when possible).
#[tauri::command]
pub fn gallery_image_edit(
    desk: State<'_, Desk>,
    id: i64,
    patch: ImagePatch,
) -> Result<PicturesOverview, UiError> {
    Ok(desk.pictures().edit_image(id, &patch)?)
}

#[tauri::command]
pub fn room_type_create(
    desk: State<'_, Desk>,
    fields: RoomTypePatch,
) -> Result<PicturesOverview, UiError> {
    Ok(desk.room_types().create(&fields)?)
}

#[tauri::command]
pub fn room_type_update(
    desk: State<'_, Desk>,
    id: i64,
    changes: RoomTypePatch,
) -> Result<PicturesOverview, UiError> {
    Ok(desk.room_types().update(id, &changes)?)
}

/// Deletes a room type (the screen offers an undo before calling this).
#[tauri::command]
pub fn room_type_delete(desk: State<'_, Desk>, id: i64) -> Result<PicturesOverview, UiError> {
    Ok(desk.room_types().delete(id)?)
}

#[tauri::command]
pub fn room_types_reorder(
    desk: State<'_, Desk>,
    ids: Vec<i64>,
) -> Result<PicturesOverview, UiError> {
    Ok(desk.room_types().reorder(&ids)?)
}

/// A room type's new photo (raw body; room type id, file name and crop as headers).
#[tauri::command]
pub async fn room_type_set_photo(
    desk: State<'_, Desk>,
    request: Request<'_>,
) -> Result<PicturesOverview, UiError> {
    let file = super::raw_file(&request, "room-type-id", "photo")
        .and_then(|(id, name, bytes)| Some((id.parse::<i64>().ok()?, name, bytes)));
    let Some((id, name, bytes)) = file else {
        return Err(did_not_arrive());
    };
    let crop = crop_of(&request)?;
    Ok(desk.room_types().set_photo(id, name, bytes, crop).await?)
}

/// Deletes a gallery image (the screen offers an undo before calling this).
#[tauri::command]
pub fn gallery_image_delete(desk: State<'_, Desk>, id: i64) -> Result<PicturesOverview, UiError> {
    Ok(desk.pictures().delete_image(id)?)
}

#[tauri::command]
pub fn gallery_create(
    desk: State<'_, Desk>,
    fields: hotelmate_core::desk::GalleryPatch,
) -> Result<PicturesOverview, UiError> {
    Ok(desk.pictures().create_gallery(&fields)?)
}

#[tauri::command]
pub fn gallery_update(
    desk: State<'_, Desk>,
    id: i64,
    changes: hotelmate_core::desk::GalleryPatch,
) -> Result<PicturesOverview, UiError> {
    Ok(desk.pictures().update_gallery(id, &changes)?)
}

/// Deletes a gallery (the screen offers an undo before calling this).
#[tauri::command]
pub fn gallery_delete(desk: State<'_, Desk>, id: i64) -> Result<PicturesOverview, UiError> {
    Ok(desk.pictures().delete_gallery(id)?)
}
