//! The private desktop session the tests run in (DESIGN.md, Testing):
//! `keyctl session - xvfb-run -a dbus-run-session -- <this program> __desktop-session <command>`.
//! Inside it, an unlocked GNOME Keyring (Secret Service). The window tests start a computer of
//! their own inside it for each desk (display, bus, keyring, notification daemon and its log:
//! `tests/src/machine.rs`), so that they can run side by side. Nothing of the developer's own
//! desktop (keyring, notifications, display) is touched.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::run::workspace_root;

pub const INNER_COMMAND: &str = "__desktop-session";
const KEYRING_PASSWORD: &str = "hotelmate-test-session";

/// Runs `program args` inside a fresh private desktop session.
pub fn run_in_private_session(
    program: &str,
    args: &[String],
    env: &[(String, String)],
) -> Result<(), String> {
    let this = session_program()?;
    let mut command = Command::new("keyctl");
    command
        .args([
            "session",
            "-",
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 3840x3840x24",
            "dbus-run-session",
            "--",
        ])
        .arg(this)
        .arg(INNER_COMMAND)
        .arg(program)
        .args(args)
        .current_dir(workspace_root());
    for (key, value) in env {
        command.env(key, value);
    }
    eprintln!("==> (private desktop session) {program} {}", args.join(" "));
    let status = command
        .status()
        .map_err(|e| format!("cannot start the private desktop session: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// Runs this program with `args` (one of its hidden commands) inside a fresh private desktop
/// session.
pub fn run_self_in_private_session(
    args: &[String],
    env: &[(String, String)],
) -> Result<(), String> {
    let this = session_program()?;
    run_in_private_session(&this.display().to_string(), args, env)
}

/// This program, copied to `target/tools/` to be started inside the session. The file cargo
/// built may be gone by then: `cargo build --workspace` can link another build of xtask to the
/// same path (its dependencies' features unified with the other crates'), and the running
/// program's own path then reads "… (deleted)". The running program is still readable as
/// `/proc/self/exe`.
fn session_program() -> Result<PathBuf, String> {
    let copy = crate::run::target_dir().join("tools/xtask-desktop-session");
    let copied = std::fs::create_dir_all(copy.parent().unwrap_or(Path::new("."))).and_then(|()| {
        // A running copy from an earlier session cannot be written over: replace it.
        let _ = std::fs::remove_file(&copy);
        std::fs::copy("/proc/self/exe", &copy)
    });
    match copied {
        Ok(_) => Ok(copy),
        Err(err) => {
            eprintln!(
                "xtask: cannot copy itself for the desktop session ({err}); using its own path"
            );
            std::env::current_exe().map_err(|e| format!("cannot find the xtask program: {e}"))
        }
    }
}

/// Inside the session: start the daemons, run the command, stop the daemons.
pub fn inner(args: &[String]) -> Result<(), String> {
    let (program, rest) = args
        .split_first()
        .ok_or("no command given to the desktop session")?;
    // Each session its own folder: a second session (tests run while a benchmark runs) once
    // shared this one, removed the first one's keyring file at its start, and the first one's
    // desks lost their sign-in tokens (a restarted desk could not resume).
    let sessions = workspace_root().join("target/e2e/session");
    remove_finished_sessions(&sessions);
    let session_dir = sessions.join(std::process::id().to_string());
    let _ = std::fs::remove_dir_all(&session_dir);
    let runtime_dir = session_dir.join("runtime");
    let data_home = session_dir.join("data");
    for dir in [&runtime_dir, &data_home] {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    restrict(&runtime_dir);
    std::env::set_var("XDG_RUNTIME_DIR", &runtime_dir);
    std::env::set_var("XDG_DATA_HOME", &data_home);

    start_keyring()?;

    let status = Command::new(program)
        .args(rest)
        .current_dir(workspace_root())
        .status();
    if let Ok(pid) = std::env::var("GNOME_KEYRING_PID") {
        let _ = Command::new("kill").arg(pid).status();
    }
    let _ = std::fs::remove_dir_all(&session_dir);
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`{program}` failed ({status})")),
        Err(error) => Err(format!("cannot start `{program}`: {error}")),
    }
}

/// Removes the folders of sessions whose process is gone (one killed before it cleaned up);
/// a running session's folder is left alone.
fn remove_finished_sessions(sessions: &Path) {
    let Ok(entries) = std::fs::read_dir(sessions) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let running = name
            .to_str()
            .and_then(|pid| pid.parse::<u32>().ok())
            .is_some_and(|pid| Path::new("/proc").join(pid.to_string()).exists());
        if !running {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn restrict(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
}

/// `gnome-keyring-daemon --unlock` reads the password on stdin and prints the variables clients
/// need; an unlocked "login" collection becomes the default one.
fn start_keyring() -> Result<(), String> {
    let mut child = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets", "--daemonize"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start gnome-keyring-daemon: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(KEYRING_PASSWORD.as_bytes())
            .map_err(|e| format!("gnome-keyring-daemon: {e}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("gnome-keyring-daemon: {e}"))?;
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if let Some((key, value)) = line.split_once('=') {
            std::env::set_var(key, value);
        }
    }
    Ok(())
}
