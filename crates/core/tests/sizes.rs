//! Headroom, guarded (issue 64.5): no production file passes [`MAX_FILE_LINES`]. A file's
//! production part is its text before its first `#[cfg(test)]` (the unit tests after it may run
//! long); a file of unit tests of its own (`tests.rs`, or in a `tests/` folder) is test code.
//! Production functions are held to 80 lines by clippy's `too_many_lines` (`clippy.toml`).

use std::path::{Path, PathBuf};

/// The most lines a production file may have.
const MAX_FILE_LINES: usize = 600;

/// The `src` folders of the workspace's shipped and developer crates (the end-to-end tests'
/// crate, examples and benches are test code).
const SOURCES: &[&str] = &[
    "crates/core/src",
    "crates/pixels/src",
    "crates/pusher/src",
    "crates/sandbox/src",
    "src-tauri/src",
    "xtask/src",
];

/// The lines of `text` before its first `#[cfg(test)]`.
fn production_lines(text: &str) -> usize {
    text.split("#[cfg(test)]")
        .next()
        .unwrap_or_default()
        .lines()
        .count()
}

/// The production files under `src` longer than `max` lines, with their production lines.
fn too_long(src: &Path, max: usize) -> Vec<(PathBuf, usize)> {
    let mut found = Vec::new();
    let mut folders = vec![src.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "tests" {
                    folders.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") && name != "tests.rs" {
                let lines = production_lines(&std::fs::read_to_string(&path).unwrap());
                if lines > max {
                    found.push((path, lines));
                }
            }
        }
    }
    found.sort();
    found
}

#[test]
fn no_production_file_passes_600_lines() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut found = Vec::new();
    for src in SOURCES {
        let src = workspace.join(src);
        assert!(src.is_dir(), "{} is not a folder", src.display());
        found.extend(too_long(&src, MAX_FILE_LINES));
    }
    assert!(
        found.is_empty(),
        "production files over {MAX_FILE_LINES} lines (split them by responsibility):\n{found:#?}"
    );
}

#[test]
fn the_size_check_counts_only_the_production_part() {
    let folder = std::env::temp_dir().join(format!("sizes-{}", std::process::id()));
    std::fs::create_dir_all(folder.join("a/tests")).unwrap();
    let lines = |n: usize| "fn f() {}\n".repeat(n);
    let tests = format!("#[cfg(test)]\nmod tests {{\n{}}}\n", lines(500));
    std::fs::write(folder.join("long.rs"), lines(601) + &tests).unwrap();
    std::fs::write(folder.join("a/kept.rs"), lines(600) + &tests).unwrap();
    std::fs::write(folder.join("a/tests.rs"), lines(900)).unwrap();
    std::fs::write(folder.join("a/tests/more.rs"), lines(900)).unwrap();
    std::fs::write(folder.join("a/deep.rs"), lines(700)).unwrap();
    let found = too_long(&folder, MAX_FILE_LINES);
    assert_eq!(
        found,
        [
            (folder.join("a/deep.rs"), 700),
            (folder.join("long.rs"), 601)
        ]
    );
    std::fs::remove_dir_all(&folder).unwrap();
}
