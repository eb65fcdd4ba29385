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

/// How long each step of this run took, in order (for [`print_times`]).
static TIMES: std::sync::Mutex<Vec<(String, f64)>> = std::sync::Mutex::new(Vec::new());

/// Notes how long a step not run through [`Step`] took.
pub fn note_time(step: &str, seconds: f64) {
    TIMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push((step.to_owned(), seconds));
}

/// Prints how long each step of this run took, the longest first, and their total: where a
/// run's time goes (building, installing, testing), read off every CI log.
pub fn print_times() {
    let mut times = TIMES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let total: f64 = times.iter().map(|(_, s)| s).sum();
    times.sort_by(|a, b| b.1.total_cmp(&a.1));
    eprintln!("\nWhere the time went ({total:.0} s in steps):");
    for (step, seconds) in times.iter().filter(|(_, s)| *s >= 1.0) {
        let step: String = step.chars().take(100).collect();
        eprintln!("  {seconds:>6.0} s  {step}");
    }
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
        let started = std::time::Instant::now();
        let status = self
            .command
            .status()
            .map_err(|e| format!("cannot start `{}`: {e}", self.shown))?;
        let seconds = started.elapsed().as_secs_f64();
        eprintln!("<== {seconds:.0} s: {}", self.shown);
        note_time(&self.shown, seconds);
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{}` failed ({status})", self.shown))
        }
    }

    /// Starts the step without waiting for it, both its outputs going to `log`: a step that
    /// runs beside others, its output kept apart from theirs. [`Started::finish`] waits for it.
    pub fn start_into(mut self, log: &Path) -> Result<Started, String> {
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let out = std::fs::File::create(log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot write {}: {e}", log.display()))?;
        eprintln!(
            "==> {} (beside what follows; its output in {}, printed when it ends)",
            self.shown,
            log.display()
        );
        let child = self
            .command
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start `{}`: {e}", self.shown))?;
        Ok(Started {
            child,
            shown: self.shown,
            log: log.to_path_buf(),
            started: std::time::Instant::now(),
        })
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

/// A step running beside others ([`Step::start_into`]).
pub struct Started {
    child: std::process::Child,
    shown: String,
    log: PathBuf,
    started: std::time::Instant,
}

impl Started {
    /// Waits for the step to end, then prints its output in one piece and notes its time.
    pub fn finish(mut self) -> Result<(), String> {
        let ended = self.child.wait();
        let seconds = self.started.elapsed().as_secs_f64();
        eprintln!("==> the output of `{}`, which ran beside:", self.shown);
        match std::fs::read_to_string(&self.log) {
            Ok(printed) => eprint!("{printed}"),
            Err(e) => eprintln!("(cannot read {}: {e})", self.log.display()),
        }
        eprintln!("<== {seconds:.0} s (beside): {}", self.shown);
        note_time(&format!("{} (beside)", self.shown), seconds);
        match ended {
            Ok(status) if status.success() => Ok(()),
            Ok(status) => Err(format!(
                "`{}` failed ({status}); its output is above",
                self.shown
            )),
            Err(e) => Err(format!("`{}` did not end: {e}", self.shown)),
        }
    }
}

/// Whether `program` is on the PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
