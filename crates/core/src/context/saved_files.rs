//! A file saved on this computer for the person (a guest's file, an export): under a name that
//! cannot leave its folder or replace another file.

/// A file name without folders or characters file systems refuse.
pub(crate) fn safe_file_name(name: &str) -> String {
    let name = crate::rules::text::strip_disguises(name);
    let cleaned: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_control() || ":*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        "attachment".into()
    } else {
        cleaned
    }
}

/// Where a file the person keeps goes: their Downloads folder, or the home folder; refused on
/// `field` when the computer has neither.
pub(crate) fn downloads_folder(
    field: &'static str,
) -> Result<std::path::PathBuf, crate::context::DeskError> {
    directories::UserDirs::new()
        .and_then(|dirs| dirs.download_dir().map(std::path::Path::to_path_buf))
        .or_else(|| directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf()))
        .ok_or(crate::context::DeskError::InvalidInput {
            field,
            message: "This computer has no Downloads or home folder to save into".into(),
        })
}

/// `name`, or `name (2)`, … : the first that does not exist in `folder`.
pub(crate) fn free_path(folder: &std::path::Path, name: &str) -> std::path::PathBuf {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    let mut path = folder.join(name);
    let mut n = 2;
    while path.exists() {
        path = folder.join(format!("{stem} ({n}){ext}"));
        n += 1;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_attachment_never_escapes_the_folder_or_overwrites() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("a<b>.pdf"), "a_b_.pdf");
        assert_eq!(safe_file_name(".."), "attachment");
        assert_eq!(
            safe_file_name("invoice\u{202E}fdp.txt"),
            "invoicefdp.txt",
            "a right-to-left override never disguises a saved file's type"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("menu.pdf"), b"x").unwrap();
        assert_eq!(
            free_path(dir.path(), "menu.pdf"),
            dir.path().join("menu (2).pdf")
        );
    }
}
