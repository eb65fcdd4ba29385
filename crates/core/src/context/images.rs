//! Images staff drop or pick, prepared for upload (every feature with photos uses this).

use super::{Context, DeskError};

impl Context {
    /// Prepares a dropped or picked image (format check, bounded decode, orientation, resize,
    /// metadata stripped) off the async threads and keeps it in the media cache, to be uploaded.
    pub(crate) async fn prepare_image(
        &self,
        file_name: String,
        bytes: Vec<u8>,
        crop: Option<crate::media::Crop>,
    ) -> Result<crate::media::CachedImage, DeskError> {
        let cache = self.media.clone();
        tokio::task::spawn_blocking(move || {
            let policy = crate::media::ImagePolicy {
                crop,
                ..crate::media::ImagePolicy::default()
            };
            let prepared = crate::media::prepare(&file_name, &bytes, &policy)?;
            cache.put_prepared(&prepared)
        })
        .await
        .map_err(|err| DeskError::Interrupted(format!("preparing the image: {err}")))?
        .map_err(DeskError::from)
    }
}
