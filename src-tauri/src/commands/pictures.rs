//! The hotel's pictures: image slots, galleries and room types, and replacing a hotel image.

use hotelmate_core::desk::{ErrorCode, HotelImageSlot};
use hotelmate_core::pictures::PicturesOverview;
use hotelmate_core::{Desk, UiError};
use tauri::ipc::Request;
use tauri::State;

#[tauri::command]
pub fn pictures_overview(desk: State<'_, Desk>) -> Result<PicturesOverview, UiError> {
    Ok(desk.pictures().overview()?)
}

/// The image arrives as the raw request body; the slot and file name as headers.
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
        return Err(UiError {
            code: ErrorCode::InvalidInput,
            field: Some("image".into()),
            message: "The image did not arrive; try again.".into(),
        });
    };
    desk.hotel_images().set(slot, name, bytes).await?;
    Ok(desk.pictures().overview()?)
}

/// Changes a gallery image's caption and alt text (shown at once, sent when possible).
#[tauri::command]
pub fn gallery_image_edit(
    desk: State<'_, Desk>,
    id: i64,
    caption: String,
    alt_text: String,
) -> Result<PicturesOverview, UiError> {
    Ok(desk.pictures().edit_image(id, &caption, &alt_text)?)
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
