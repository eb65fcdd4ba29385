//! Installs what the app and the tests need on Debian: apt packages (through sudo when not
//! root), npm packages, cargo tools and the Python `pusher` library. Each install is skipped
//! when already there, so a warm run costs a few seconds.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run::{on_path, workspace_root, Step};

/// Building and running the app (DESIGN.md, Testing).
const APP_PACKAGES: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "build-essential",
    "libxdo-dev",
    "libssl-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "pkg-config",
    "gnome-keyring",
    "dbus-x11",
];

/// The private desktop session of the tests, sockudo's build, and the benchmarks' references.
const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "dunst",
    "libsecret-tools",
    "keyutils",
    "imagemagick",
    "libvips-tools",
    "cmake",
    "protobuf-compiler",
];

/// Where cargo tools built for the tests go (inside target/, so CI can cache them).
pub fn tools_root(root: &Path) -> PathBuf {
    root.join("target/tools")
}

pub fn for_app() -> Result<(), String> {
    apt(APP_PACKAGES)?;
    npm_ci("ui")
}

pub fn all() -> Result<(), String> {
    let packages: Vec<&str> = APP_PACKAGES.iter().chain(TEST_PACKAGES).copied().collect();
    apt(&packages)?;
    npm_ci("ui")?;
    if workspace_root()
        .join("tests/node/package-lock.json")
        .is_file()
    {
        npm_ci("tests/node")?;
    }
    python_pusher()?;
    nextest()?;
    tauri_driver()?;
    cargo_fuzz()?;
    sockudo()
}

/// The fuzzer driver, in target/tools (it runs on the stable toolchain with RUSTC_BOOTSTRAP).
pub fn cargo_fuzz_path(root: &Path) -> PathBuf {
    tools_root(root).join("bin/cargo-fuzz")
}

fn cargo_fuzz() -> Result<(), String> {
    let root = workspace_root();
    if cargo_fuzz_path(&root).is_file() {
        return Ok(());
    }
    let tools = tools_root(&root).display().to_string();
    Step::new(
        "cargo",
        &["install", "cargo-fuzz", "--locked", "--root", &tools],
    )
    .run()
}

fn nextest() -> Result<(), String> {
    if Step::new("cargo", &["nextest", "--version"]).succeeds() {
        return Ok(());
    }
    Step::new("cargo", &["install", "cargo-nextest", "--locked"]).run()
}

/// The variables the tests read to find their tools and where to put artifacts.
pub fn test_env(root: &Path) -> Vec<(String, String)> {
    let tools = tools_root(root);
    let show = |p: PathBuf| p.display().to_string();
    vec![
        (
            "HOTELMATE_APP_BIN".into(),
            show(root.join("target/debug/hotelmate-desk")),
        ),
        ("TAURI_DRIVER_BIN".into(), show(tauri_driver_path())),
        ("SOCKUDO_BIN".into(), show(tools.join("bin/sockudo"))),
        ("PUSHER_JS_DIR".into(), show(root.join("tests/node"))),
        ("PYTHON".into(), "python3".into()),
        (
            "HOTELMATE_E2E_ARTIFACTS".into(),
            show(root.join("target/e2e")),
        ),
    ]
}

fn missing_packages<'a>(packages: &[&'a str]) -> Vec<&'a str> {
    packages
        .iter()
        .copied()
        .filter(|package| {
            let output = Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", package])
                .output();
            !output
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        })
        .collect()
}

fn apt(packages: &[&str]) -> Result<(), String> {
    let missing = missing_packages(packages);
    if missing.is_empty() {
        return Ok(());
    }
    if !on_path("apt-get") {
        return Err(format!(
            "these Debian packages are needed and apt-get is not available: {}",
            missing.join(" ")
        ));
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let prefix: Vec<&str> = if is_root { vec![] } else { vec!["sudo"] };
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = prefix.clone();
        all.extend_from_slice(args);
        let (program, rest) = all
            .split_first()
            .map(|(p, r)| (*p, r.to_vec()))
            .unwrap_or(("apt-get", vec![]));
        Step::new(program, &rest)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .run()
    };
    run(&["apt-get", "update", "-qq"])?;
    let mut install = vec!["apt-get", "install", "-y", "-qq", "--no-install-recommends"];
    install.extend(missing.iter().copied());
    run(&install)
}

fn npm_ci(dir: &str) -> Result<(), String> {
    let root = workspace_root().join(dir);
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    let fresh = match (modified(&lock), modified(&installed)) {
        (Some(lock), Some(installed)) => installed >= lock,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    Step::new(
        "npm",
        &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
    )
    .dir(dir)
    .run()
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn python_pusher() -> Result<(), String> {
    if Step::new("python3", &["-c", "import pusher"]).succeeds() {
        return Ok(());
    }
    Step::new(
        "python3",
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "pusher",
        ],
    )
    .run()
}

fn cargo_home_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin").join(name)
}

fn tauri_driver_path() -> PathBuf {
    cargo_home_bin("tauri-driver")
}

fn tauri_driver() -> Result<(), String> {
    if tauri_driver_path().is_file() {
        return Ok(());
    }
    Step::new(
        "cargo",
        &["install", "tauri-driver", "--version", "^2", "--locked"],
    )
    .run()
}

fn sockudo() -> Result<(), String> {
    let root = tools_root(&workspace_root());
    if root.join("bin/sockudo").is_file() {
        return Ok(());
    }
    let root_arg = root.display().to_string();
    Step::new(
        "cargo",
        &[
            "install",
            "sockudo",
            "--locked",
            "--no-default-features",
            "--features",
            "local",
            "--root",
            &root_arg,
        ],
    )
    .run()
}
