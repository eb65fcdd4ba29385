//! Running one step of a command, with its name printed first and a plain error after.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set (relative to the workspace),
/// else the workspace's target/.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

/// Where the bundler writes the packages of a profile (`debug` or `release`).
pub fn bundle_dir(profile: &str) -> PathBuf {
    target_dir().join(profile).join("bundle")
}

/// Where the .deb of a profile is written.
pub fn deb_dir(profile: &str) -> PathBuf {
    bundle_dir(profile).join("deb")
}

/// Where the .rpm of a profile is written.
pub fn rpm_dir(profile: &str) -> PathBuf {
    bundle_dir(profile).join("rpm")
}

pub struct Step {
    command: Command,
    shown: String,
}

impl Step {
    pub fn new(program: &str, args: &[&str]) -> Self {
        let mut command = Command::new(program);
        command.args(args).current_dir(workspace_root());
        Self {
            command,
            shown: format!("{program} {}", args.join(" ")),
        }
    }

    pub fn dir(mut self, relative: &str) -> Self {
        self.command.current_dir(workspace_root().join(relative));
        self.shown = format!("(in {relative}) {}", self.shown);
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn run(mut self) -> Result<(), String> {
        eprintln!("==> {}", self.shown);
        let status = self
            .command
            .status()
            .map_err(|e| format!("cannot start `{}`: {e}", self.shown))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{}` failed ({status})", self.shown))
        }
    }

    /// Runs quietly; true when it succeeded.
    pub fn succeeds(mut self) -> bool {
        self.command
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

/// Whether `program` is on the PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
