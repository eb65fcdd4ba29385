//! The public page's hero and galleries on the 2026 server (page builder), for those who may
//! edit the page: a hero's title, text, picture and logo; galleries added, renamed and deleted;
//! photos added, captioned, ordered and deleted. Each change is kept by the desk and sent when
//! the server can be reached.

use hotelmate_core::features::public_page::{
    HeroImage, HeroPatch, PageImagePatch, PublicPage, PublicPageHandle, SectionUndo,
};
use hotelmate_core::{Desk, UiError};
use tauri::ipc::Request;
use tauri::State;

command! {
    /// A hero's title or text (neither blank).
    pub fn page_hero_edit(desk: State<'_, Desk>, section: i64, patch: HeroPatch) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().edit_hero(section, &patch)?)
    }
}

command! {
    /// A hero's background picture from a picked or dropped file (raw body; the section's id
    /// and the file name as headers).
    pub async fn page_hero_image_set(desk: State<'_, Desk>, request: Request<'_>) -> Result<PublicPage, UiError> {
        let (section, file) = super::upload(&request, "section-id", "picture", super::id)?;
        Ok(desk
            .handle::<PublicPageHandle>()
            .set_hero_image(section, HeroImage::Background, file.name, file.bytes)
            .await?)
    }
}

command! {
    /// A hero's logo from a picked or dropped file.
    pub async fn page_hero_logo_set(desk: State<'_, Desk>, request: Request<'_>) -> Result<PublicPage, UiError> {
        let (section, file) = super::upload(&request, "section-id", "logo", super::id)?;
        Ok(desk
            .handle::<PublicPageHandle>()
            .set_hero_image(section, HeroImage::Logo, file.name, file.bytes)
            .await?)
    }
}

command! {
    /// Removes a hero's picture or logo (the other stays).
    pub fn page_hero_image_clear(desk: State<'_, Desk>, section: i64, which: HeroImage) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().clear_hero_image(section, which)?)
    }
}

command! {
    /// A new gallery, last in its section.
    pub fn page_gallery_add(desk: State<'_, Desk>, section: i64, name: String) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().add_gallery(section, &name)?)
    }
}

command! {
    pub fn page_gallery_rename(desk: State<'_, Desk>, id: i64, name: String) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().rename_gallery(id, &name)?)
    }
}

command! {
    pub fn page_gallery_delete(desk: State<'_, Desk>, id: i64) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().delete_gallery(id)?)
    }
}

command! {
    /// Takes back a gallery's delete that has not reached the server; says so when it is too late.
    pub async fn page_gallery_undo_delete(desk: State<'_, Desk>, id: i64) -> Result<SectionUndo, UiError> {
        Ok(desk.handle::<PublicPageHandle>().undo_delete_gallery(id).await?)
    }
}

command! {
    /// Adds one picked or dropped photo to a gallery (raw body; the gallery's id and the file
    /// name as headers). Returns the upload's number, which `UploadProgress` events name.
    pub async fn page_gallery_photo_add(desk: State<'_, Desk>, request: Request<'_>) -> Result<i64, UiError> {
        let (gallery, file) = super::upload(&request, "gallery-id", "photo", super::id)?;
        Ok(desk
            .handle::<PublicPageHandle>()
            .add_gallery_photo(gallery, file.name, file.bytes)
            .await?)
    }
}

command! {
    /// A photo's caption or alt text.
    pub fn page_gallery_image_edit(desk: State<'_, Desk>, id: i64, patch: PageImagePatch) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().edit_gallery_image(id, &patch)?)
    }
}

command! {
    /// One place earlier (`by` -1) or later (`by` 1).
    pub fn page_gallery_image_move(desk: State<'_, Desk>, gallery: i64, id: i64, by: i64) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().move_gallery_image(gallery, id, by)?)
    }
}

command! {
    /// A gallery's photos in a new order (ids first to last), after a drag.
    pub fn page_gallery_images_reorder(desk: State<'_, Desk>, gallery: i64, ids: Vec<i64>) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().reorder_gallery_images(gallery, &ids)?)
    }
}

command! {
    pub fn page_gallery_image_delete(desk: State<'_, Desk>, id: i64) -> Result<PublicPage, UiError> {
        Ok(desk.handle::<PublicPageHandle>().delete_gallery_image(id)?)
    }
}

command! {
    /// Takes back a photo's delete that has not reached the server; says so when it is too late.
    pub async fn page_gallery_image_undo_delete(desk: State<'_, Desk>, id: i64) -> Result<SectionUndo, UiError> {
        Ok(desk.handle::<PublicPageHandle>().undo_delete_gallery_image(id).await?)
    }
}
