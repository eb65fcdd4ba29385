//! The hotel's pictures: image slots, galleries and room types, and replacing a hotel image.

use hotelmate_core::desk::{ErrorCode, HotelImageSlot};
use hotelmate_core::pictures::PicturesOverview;
use hotelmate_core::{Desk, UiError};
use tauri::ipc::{InvokeBody, Request};
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
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let slot = header("slot").and_then(|s| serde_json::from_value::<HotelImageSlot>(s.into()).ok());
    let name = header("file-name")
        .map(|n| super::offers::urlencoding_decode(&n))
        .unwrap_or_else(|| "image".into());
    let (Some(slot), InvokeBody::Raw(bytes)) = (slot, request.body()) else {
        return Err(UiError {
            code: ErrorCode::InvalidInput,
            field: Some("image".into()),
            message: "The image did not arrive; try again.".into(),
        });
    };
    desk.hotel_images().set(slot, name, bytes.clone()).await?;
    Ok(desk.pictures().overview()?)
}
