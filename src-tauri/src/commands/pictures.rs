//! The hotel's pictures: image slots, galleries and room types, and replacing a hotel image.

use hotelmate_core::desk::Crop;
use hotelmate_core::desk::{ErrorCode, HotelImageSlot, ImagePatch, RoomTypePatch};
use hotelmate_core::features::pictures::PicturesOverview;
use hotelmate_core::{Desk, UiError};
use tauri::ipc::Request;
use tauri::State;

command! {
    pub fn pictures_overview(desk: State<'_, Desk>) -> Result<PicturesOverview, UiError> {
        Ok(desk.pictures().overview()?)
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

command! {
    /// The image arrives as the raw request body; the slot, file name and crop as headers.
    pub async fn hotel_image_set(
        desk: State<'_, Desk>,
        request: Request<'_>,
    ) -> Result<PicturesOverview, UiError> {
        let (slot, file) = super::upload(&request, "slot", "image", |slot| {
            serde_json::from_value::<HotelImageSlot>(slot.into()).ok()
        })?;
        let crop = crop_of(&request)?;
        desk.hotel_images()
            .set(slot, file.name, file.bytes, crop)
            .await?;
        Ok(desk.pictures().overview()?)
    }
}

command! {
    /// Adds one picked or dropped file to a gallery (raw body; gallery id and file name as headers).
    /// Returns the upload's number, which `UploadProgress` events and `UploadView` name.
    pub async fn gallery_image_add(
        desk: State<'_, Desk>,
        request: Request<'_>,
    ) -> Result<i64, UiError> {
        let (gallery, file) = super::upload(&request, "gallery-id", "image", super::id)?;
        Ok(desk
            .pictures()
            .add_image(gallery, file.name, file.bytes)
            .await?)
    }
}

command! {
    /// Stops an upload; false when it had already finished.
    pub fn gallery_upload_cancel(desk: State<'_, Desk>, upload: i64) -> Result<bool, UiError> {
        Ok(desk.pictures().cancel_upload(upload)?)
    }
}

command! {
    /// Sends a refused upload again.
    pub fn gallery_upload_retry(
        desk: State<'_, Desk>,
        upload: i64,
    ) -> Result<PicturesOverview, UiError> {
        Ok(desk.pictures().retry_upload(upload)?)
    }
}

command! {
    /// A gallery's images in a new order (one `reorder_images` call when sent).
    pub fn gallery_images_reorder(
        desk: State<'_, Desk>,
        gallery: i64,
        ids: Vec<i64>,
    ) -> Result<PicturesOverview, UiError> {
        Ok(desk.pictures().reorder_images(gallery, &ids)?)
    }
}

command! {
    /// The galleries in a new order.
    pub fn galleries_reorder(
        desk: State<'_, Desk>,
        ids: Vec<i64>,
    ) -> Result<PicturesOverview, UiError> {
        Ok(desk.pictures().reorder_galleries(&ids)?)
    }
}

command! {
    /// Changes a gallery image's caption, alt text or featured flag (each may be sent alone; shown
    /// at once, sent when possible).
    pub fn gallery_image_edit(
        desk: State<'_, Desk>,
        id: i64,
        patch: ImagePatch,
    ) -> Result<PicturesOverview, UiError> {
        Ok(desk.pictures().edit_image(id, &patch)?)
    }
}

command! {
    pub fn room_type_create(
        desk: State<'_, Desk>,
        fields: RoomTypePatch,
    ) -> Result<PicturesOverview, UiError> {
        Ok(desk.room_types().create(&fields)?)
    }
}

command! {
    pub fn room_type_update(
        desk: State<'_, Desk>,
        id: i64,
        changes: RoomTypePatch,
    ) -> Result<PicturesOverview, UiError> {
        Ok(desk.room_types().update(id, &changes)?)
    }
}

command! {
    /// Deletes a room type (the screen offers an undo before calling this).
    pub fn room_type_delete(desk: State<'_, Desk>, id: i64) -> Result<PicturesOverview, UiError> {
        Ok(desk.room_types().delete(id)?)
    }
}

command! {
    pub fn room_types_reorder(
        desk: State<'_, Desk>,
        ids: Vec<i64>,
    ) -> Result<PicturesOverview, UiError> {
        Ok(desk.room_types().reorder(&ids)?)
    }
}

command! {
    /// A room type's new photo (raw body; room type id, file name and crop as headers).
    pub async fn room_type_set_photo(
        desk: State<'_, Desk>,
        request: Request<'_>,
    ) -> Result<PicturesOverview, UiError> {
        let (id, file) = super::upload(&request, "room-type-id", "photo", super::id)?;
        let crop = crop_of(&request)?;
        Ok(desk
            .room_types()
            .set_photo(id, file.name, file.bytes, crop)
            .await?)
    }
}

command! {
    /// Deletes a gallery image (the screen offers an undo before calling this).
    pub fn gallery_image_delete(desk: State<'_, Desk>, id: i64) -> Result<PicturesOverview, UiError> {
        Ok(desk.pictures().delete_image(id)?)
    }
}

command! {
    pub fn gallery_create(
        desk: State<'_, Desk>,
        fields: hotelmate_core::desk::GalleryPatch,
    ) -> Result<PicturesOverview, UiError> {
        Ok(desk.pictures().create_gallery(&fields)?)
    }
}

command! {
    pub fn gallery_update(
        desk: State<'_, Desk>,
        id: i64,
        changes: hotelmate_core::desk::GalleryPatch,
    ) -> Result<PicturesOverview, UiError> {
        Ok(desk.pictures().update_gallery(id, &changes)?)
    }
}

command! {
    /// Deletes a gallery (the screen offers an undo before calling this).
    pub fn gallery_delete(desk: State<'_, Desk>, id: i64) -> Result<PicturesOverview, UiError> {
        Ok(desk.pictures().delete_gallery(id)?)
    }
}
