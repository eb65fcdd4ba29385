//! `cargo xtask doctor`: every tool, library and header the README commands rely on, found or
//! missing, with what provides each. `cargo xtask test` runs it right after the installs, so a
//! piece that could not be installed stops the run in its first minute with its fix, not
//! minutes into a build.

use std::path::Path;
use std::process::Command;

use crate::packages::{self, Package};
use crate::run::{on_path, workspace_root};
use crate::setup;

/// One thing the commands need.
struct Check {
    what: String,
    found: bool,
    /// Where it comes from: a Debian package or an xtask install step.
    from: String,
}

/// Which checks a command needs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// `cargo xtask demo`: building and running the app.
    App,
    /// `cargo xtask bundle`: the app, and the packaging tools.
    Bundle,
    /// `cargo xtask test`: everything.
    Tests,
}

fn package_checks(list: &[Package]) -> Vec<Check> {
    let missing = setup::missing_packages(list);
    list.iter()
        .map(|p| Check {
            what: format!("{} ({})", p.name, p.why),
            found: !missing.contains(&p.name),
            from: format!("apt-get install {}", p.name),
        })
        .collect()
}

fn command_check(program: &str, why: &str, from: &str) -> Check {
    Check {
        what: format!("{program} ({why})"),
        found: on_path(program),
        from: from.to_owned(),
    }
}

fn file_check(path: &Path, what: &str, from: &str) -> Check {
    Check {
        what: what.to_owned(),
        found: path.is_file(),
        from: from.to_owned(),
    }
}

fn pkg_config_check(library: &str, from: &str) -> Check {
    Check {
        what: format!("{library} (pkg-config)"),
        found: Command::new("pkg-config")
            .args(["--exists", library])
            .status()
            .is_ok_and(|s| s.success()),
        from: from.to_owned(),
    }
}

fn checks(needs: Needs) -> Vec<Check> {
    let root = workspace_root();
    let mut all = package_checks(packages::APP);
    all.extend(ui_checks(&root));
    if needs == Needs::App {
        return all;
    }
    all.extend(package_checks(packages::PACKAGING));
    if needs == Needs::Bundle {
        return all;
    }
    all.extend(package_checks(packages::TEST));
    all.extend(test_program_checks());
    all.extend(test_tool_checks(&root));
    all
}

/// What building the UI and the app needs: Node, npm, WebKit and the UI's packages.
fn ui_checks(root: &Path) -> Vec<Check> {
    let mut all = Vec::new();
    let node = setup::node_version();
    all.push(Check {
        what: format!(
            "node ≥ {}.{} (the UI toolchain), found {}",
            packages::NODE_MIN.0,
            packages::NODE_MIN.1,
            node.as_deref().unwrap_or("none")
        ),
        found: node.is_some_and(|v| packages::node_is_new_enough(&v)),
        from: format!(
            "xtask: node-linux-{}@{} from the npm registry into target/tools/node",
            setup::node_arch(),
            packages::NODE_VERSION
        ),
    });
    all.push(command_check("npm", "UI packages", "xtask (with Node)"));
    all.push(pkg_config_check("webkit2gtk-4.1", "libwebkit2gtk-4.1-dev"));
    all.push(file_check(
        &root.join("ui/node_modules/.package-lock.json"),
        "ui/node_modules (npm ci)",
        "xtask: npm ci in ui",
    ));
    all.push(file_check(
        &root.join("ui/node_modules/.bin/tauri"),
        "the tauri CLI (Tauri's bundler, for the .deb)",
        "xtask: npm ci in ui (@tauri-apps/cli)",
    ));
    all
}

/// The programs the tests run, from Debian's packages.
fn test_program_checks() -> Vec<Check> {
    let mut all = Vec::new();
    for (program, why, from) in [
        ("xvfb-run", "the tests' display", "xvfb"),
        ("keyctl", "a private kernel keyring", "keyutils"),
        ("dbus-run-session", "the tests' session bus", "dbus"),
        (
            "gnome-keyring-daemon",
            "the tests' keyring",
            "gnome-keyring",
        ),
        ("dunst", "notifications on each test computer", "dunst"),
        ("Xvfb", "each test computer's display", "xvfb"),
        (
            "dbus-daemon",
            "each test computer's session bus",
            "dbus-daemon",
        ),
        ("dbus-monitor", "each test computer's toast log", "dbus-bin"),
        ("xwininfo", "the window titles a test shows", "x11-utils"),
        (
            "dbus-send",
            "whether a test computer's daemons are up",
            "dbus-bin",
        ),
        (
            "WebKitWebDriver",
            "drives the app window",
            "webkit2gtk-driver",
        ),
        ("protoc", "building sockudo", "protobuf-compiler"),
        ("vipsthumbnail", "the media benchmark", "libvips-tools"),
        (
            "desktop-file-validate",
            "checks the package's desktop entry",
            "desktop-file-utils",
        ),
        ("dpkg-deb", "opens the package in the install test", "dpkg"),
    ] {
        all.push(command_check(program, why, from));
    }
    all.push(file_check(
        Path::new("/usr/include/google/protobuf/timestamp.proto"),
        "google/protobuf/timestamp.proto (building sockudo)",
        "libprotobuf-dev",
    ));
    all
}

/// The tools xtask installs for the tests into target/tools, the venv and tests/node.
fn test_tool_checks(root: &Path) -> Vec<Check> {
    vec![
        file_check(
            &setup::python_path(root),
            "the tests' Python venv",
            "xtask: python3 -m venv target/tools/python-venv",
        ),
        Check {
            what: "the Python `pusher` library (the tests' publisher)".into(),
            found: Command::new(setup::python_path(root))
                .args(["-c", "import pusher"])
                .output()
                .is_ok_and(|o| o.status.success()),
            from: "xtask: pip install pusher (in the venv)".into(),
        },
        Check {
            what: "cargo-nextest".into(),
            found: Command::new("cargo")
                .args(["nextest", "--version"])
                .output()
                .is_ok_and(|o| o.status.success()),
            from: "xtask: cargo install cargo-nextest --locked".into(),
        },
        file_check(
            &setup::tauri_driver_path(),
            "tauri-driver",
            "xtask: cargo install tauri-driver --locked",
        ),
        file_check(
            &setup::cargo_fuzz_path(root),
            "cargo-fuzz",
            "xtask: cargo install cargo-fuzz into target/tools",
        ),
        file_check(
            &setup::compiler_cache_path(root),
            "sccache (the compiler cache kept between clones)",
            "xtask: cargo install sccache into target/tools",
        ),
        file_check(
            &setup::tool_path(root, "sockudo", setup::Build::Unoptimised),
            "sockudo (the independent Pusher server of the tests)",
            "xtask: cargo install --debug sockudo into target/tools",
        ),
        file_check(
            &root.join("tests/node/node_modules/pusher-js/package.json"),
            "pusher-js (the reference client)",
            "xtask: npm ci in tests/node",
        ),
        file_check(
            &root.join("tests/node/node_modules/axe-core/axe.min.js"),
            "axe-core (the accessibility checks run in the app window)",
            "xtask: npm ci in tests/node",
        ),
    ]
}

/// Prints the table; an error names what is missing and where it comes from.
pub fn run(needs: Needs) -> Result<(), String> {
    let all = checks(needs);
    let width = all
        .iter()
        .map(|c| c.what.chars().count())
        .max()
        .unwrap_or(0);
    for check in &all {
        let mark = if check.found { "found  " } else { "MISSING" };
        let pad = width.saturating_sub(check.what.chars().count());
        eprintln!(
            "  {mark}  {}{}  <- {}",
            check.what,
            " ".repeat(pad),
            check.from
        );
    }
    let missing: Vec<String> = all
        .iter()
        .filter(|c| !c.found)
        .map(|c| format!("{} (from: {})", c.what, c.from))
        .collect();
    if missing.is_empty() {
        eprintln!("doctor: all {} checks found", all.len());
        Ok(())
    } else {
        Err(format!(
            "{} of {} things the commands need are missing:\n  {}",
            missing.len(),
            all.len(),
            missing.join("\n  ")
        ))
    }
}
