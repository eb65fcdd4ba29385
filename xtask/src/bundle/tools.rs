//! Small steps of making a package: running a tool and keeping its output, and file
//! operations that say which file failed.

use std::path::Path;
use std::process::Command;

pub(super) fn output(command: &mut Command) -> Result<String, String> {
    let shown = format!("{command:?}");
    let result = command
        .output()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if result.status.success() {
        Ok(String::from_utf8_lossy(&result.stdout).into_owned())
    } else {
        Err(format!(
            "{shown} failed ({}): {}",
            result.status,
            String::from_utf8_lossy(&result.stderr)
        ))
    }
}

pub(super) fn run_quietly(command: &mut Command) -> Result<(), String> {
    output(command).map(drop)
}

pub(super) fn gzip(source: &Path, target: &Path) -> Result<(), String> {
    // -n: no name or time inside, so the same page gives the same bytes.
    let compressed = Command::new("gzip")
        .args(["-9n", "-c"])
        .arg(source)
        .output()
        .map_err(|e| format!("cannot run gzip: {e}"))?;
    if !compressed.status.success() {
        return Err(format!("gzip {} failed", source.display()));
    }
    std::fs::write(target, compressed.stdout)
        .map_err(|e| format!("cannot write {}: {e}", target.display()))
}

pub(super) fn fresh_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        remove(dir)?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

pub(super) fn remove(path: &Path) -> Result<(), String> {
    let removed = if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    };
    removed.map_err(|e| format!("cannot remove {}: {e}", path.display()))
}

pub(super) fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

pub(super) fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}
