//! Installs what the app and the tests need on Debian: apt packages (through sudo when not
//! root), npm packages, cargo tools and the Python `pusher` library. Each install is skipped
//! when already there, so a warm run costs a few seconds.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::packages::{self, Package};
use crate::run::{on_path, workspace_root, Step};

/// Where the tests find the cargo tools built for them (copied there from the cache of builds,
/// [`tool_cache`]).
pub fn tools_root(root: &Path) -> PathBuf {
    root.join("target/tools")
}

pub fn for_app() -> Result<(), String> {
    apt(packages::APP)?;
    node()?;
    npm_ci("ui")
}

/// What `cargo xtask bundle` needs: the app's, and Debian's and RPM's packaging tools.
pub fn for_bundle() -> Result<(), String> {
    apt(packages::PACKAGING)?;
    for_app()
}

/// What `cargo xtask bench app` needs: the app's, the private desktop session's (and
/// WebDriver, which signs the desk in once).
pub fn for_window_bench() -> Result<(), String> {
    let packages: Vec<&Package> = packages::APP.iter().chain(packages::TEST).collect();
    apt(&packages)?;
    tauri_driver()?;
    node()?;
    npm_ci("ui")
}

pub fn all() -> Result<(), String> {
    let packages: Vec<&Package> = packages::APP
        .iter()
        .chain(packages::PACKAGING)
        .chain(packages::TEST)
        .collect();
    apt(&packages)?;
    locale(TEST_LOCALE)?;
    node()?;
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
    sockudo()?;
    compiler_cache()
}

/// The locale the locale window test starts the desk in (Irish dates and times).
const TEST_LOCALE: &str = "en_IE.UTF-8";

/// Generates `name` (e.g. "en_IE.UTF-8") with localedef unless the C library has it already
/// (Debian's `locales` ships the definitions but generates only what is configured).
fn locale(name: &str) -> Result<(), String> {
    let wanted = name.to_lowercase().replace("utf-8", "utf8");
    let listed = Command::new("locale")
        .arg("-a")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_lowercase())
        .unwrap_or_default();
    if listed.lines().any(|line| line.trim() == wanted) {
        return Ok(());
    }
    let (language, charset) = name.split_once('.').unwrap_or((name, "UTF-8"));
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let mut args = vec!["localedef", "-i", language, "-f", charset, name];
    if !is_root {
        args.insert(0, "sudo");
    }
    let (program, rest) = args
        .split_first()
        .map_or(("localedef", &[][..]), |(p, r)| (*p, r));
    Step::new(program, rest).run()
}

/// The fuzzer driver, in target/tools (it runs on the stable toolchain with RUSTC_BOOTSTRAP).
pub fn cargo_fuzz_path(root: &Path) -> PathBuf {
    tool_path(root, "cargo-fuzz", Build::Unoptimised)
}

fn cargo_fuzz() -> Result<(), String> {
    // The driver only starts the fuzzer's build; its own speed does not matter.
    built_tool("cargo-fuzz", CARGO_FUZZ_VERSION, &[], Build::Unoptimised)
}

/// The versions of the cargo tools built for the tests (pinned: a build is kept per version).
const CARGO_FUZZ_VERSION: &str = "0.13.2";
const SOCKUDO_VERSION: &str = "5.2.0";

/// Where cargo tools built for the tests are kept between clones, one folder per tool and
/// version (`$XDG_CACHE_HOME` or `~/.cache`, `hotelmate-desk/tools/<tool>-<version>`): a fresh
/// clone copies a build of the same version instead of compiling it again (sockudo takes
/// minutes). `None` without a home folder: then each clone builds its own.
fn tool_cache(tool: &str, version: &str) -> Option<PathBuf> {
    build_cache(&format!("tools/{tool}-{version}"))
}

/// A folder of builds kept between clones of the desk (`$XDG_CACHE_HOME` or `~/.cache`,
/// `hotelmate-desk/<name>`); `None` without a home folder.
pub fn build_cache(name: &str) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("hotelmate-desk").join(name))
}

/// How a cargo tool is built for this workspace.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// Optimised (`cargo install`'s release profile): what a benchmark measures against.
    Optimised,
    /// Unoptimised (`cargo install --debug`): what the tests run against, built in a fraction
    /// of the time (sockudo: 14.6 minutes optimised on a fresh machine of 2 cores).
    Unoptimised,
}

impl Build {
    /// The suffix of its folder in the cache of builds and of its place in target/tools.
    fn suffix(self) -> &'static str {
        match self {
            Build::Optimised => "",
            Build::Unoptimised => "-debug",
        }
    }
}

/// Where the build `build` of `tool` is found in target/tools: `bin/<tool>` for the tests'
/// build, `optimised/bin/<tool>` for the benchmarks' when the two differ.
pub fn tool_path(root: &Path, tool: &str, build: Build) -> PathBuf {
    let dir = match build {
        Build::Unoptimised => tools_root(root),
        Build::Optimised => tools_root(root).join("optimised"),
    };
    dir.join("bin").join(tool)
}

/// Puts `tool` at `version`, built as `build`, at [`tool_path`]: copied from the cache of
/// builds when one is there, else built (`cargo install` with `extra` flags) into the cache
/// first.
fn built_tool(tool: &str, version: &str, extra: &[&str], build: Build) -> Result<(), String> {
    let root = workspace_root();
    let wanted = tool_path(&root, tool, build);
    if wanted.is_file() {
        return Ok(());
    }
    let cached = tool_cache(tool, &format!("{version}{}", build.suffix()));
    let install_root = cached.unwrap_or_else(|| {
        wanted
            .parent()
            .and_then(Path::parent)
            .map_or_else(|| tools_root(&root), Path::to_path_buf)
    });
    let built = install_root.join("bin").join(tool);
    if !built.is_file() {
        let install_arg = install_root.display().to_string();
        let version_arg = format!("={version}");
        let mut args = vec![
            "install",
            tool,
            "--version",
            &version_arg,
            "--locked",
            "--root",
            &install_arg,
        ];
        if build == Build::Unoptimised {
            args.push("--debug");
        }
        args.extend_from_slice(extra);
        Step::new("cargo", &args).run()?;
    }
    if built != wanted {
        let bin = wanted
            .parent()
            .ok_or_else(|| format!("{} has no folder", wanted.display()))?;
        std::fs::create_dir_all(bin)
            .map_err(|e| format!("cannot create {}: {e}", bin.display()))?;
        std::fs::copy(&built, &wanted).map_err(|e| {
            format!(
                "cannot copy {} to {}: {e}",
                built.display(),
                wanted.display()
            )
        })?;
        eprintln!(
            "==> {tool} {version}: the build kept in {}",
            install_root.display()
        );
    }
    Ok(())
}

/// cargo-nextest, at least the version `.config/nextest.toml` requires (an older one found on
/// the machine is replaced: it would refuse the configuration).
fn nextest() -> Result<(), String> {
    if Step::new("cargo", &["nextest", "show-config", "version"]).succeeds() {
        return Ok(());
    }
    Step::new("cargo", &["install", "cargo-nextest", "--locked"]).run()
}

/// The variables the tests read to find their tools and where to put artifacts.
pub fn test_env(root: &Path) -> Vec<(String, String)> {
    let show = |p: PathBuf| p.display().to_string();
    vec![
        (
            "HOTELMATE_APP_BIN".into(),
            show(crate::run::target_dir().join("debug/hotelmate-desk")),
        ),
        ("TAURI_DRIVER_BIN".into(), show(tauri_driver_path())),
        (
            "HOTELMATE_DEB_DIR".into(),
            show(crate::run::deb_dir("debug")),
        ),
        (
            "HOTELMATE_RPM_DIR".into(),
            show(crate::run::rpm_dir("debug")),
        ),
        (
            "SOCKUDO_BIN".into(),
            show(tool_path(root, "sockudo", Build::Unoptimised)),
        ),
        ("PUSHER_JS_DIR".into(), show(root.join("tests/node"))),
        ("PYTHON".into(), show(python_path(root))),
        (
            "HOTELMATE_E2E_ARTIFACTS".into(),
            show(root.join("target/e2e")),
        ),
    ]
}

/// The packages of `packages` that are not installed.
pub fn missing_packages<P: std::borrow::Borrow<Package>>(packages: &[P]) -> Vec<&'static str> {
    packages
        .iter()
        .map(|p| p.borrow().name)
        .filter(|package| {
            let output = Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", package])
                .output();
            !output
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        })
        .collect()
}

fn apt<P: std::borrow::Borrow<Package>>(packages: &[P]) -> Result<(), String> {
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

/// The tests' Python: a venv under target/tools, so the machine's Python (Debian's is
/// "externally managed" and has no pip) is never changed.
pub fn python_path(root: &Path) -> PathBuf {
    tools_root(root).join("python-venv/bin/python")
}

fn python_pusher() -> Result<(), String> {
    let root = workspace_root();
    let python = python_path(&root);
    let python_text = python.display().to_string();
    if python.is_file() && Step::new(&python_text, &["-c", "import pusher"]).succeeds() {
        return Ok(());
    }
    if !python.is_file() {
        let venv = tools_root(&root).join("python-venv").display().to_string();
        Step::new("python3", &["-m", "venv", &venv]).run()?;
    }
    Step::new(
        &python_text,
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

/// Where a Node from the npm registry goes when the machine's is too old.
fn node_root(root: &Path) -> PathBuf {
    tools_root(root).join("node")
}

/// The folders to put first on PATH: the registry Node and its npm, once installed.
pub fn tool_paths(root: &Path) -> Vec<PathBuf> {
    let modules = node_root(root).join("node_modules");
    vec![
        modules.join(format!("node-linux-{}/bin", node_arch())),
        modules.join(".bin"),
    ]
}

pub fn node_arch() -> &'static str {
    match std::env::consts::ARCH {
        "aarch64" => "arm64",
        _ => "x64",
    }
}

/// The machine's `node --version`, if it has one.
pub fn node_version() -> Option<String> {
    let output = Command::new("node").arg("--version").output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// A Node the UI toolchain runs on: the machine's if new enough, else `node-linux-<arch>` from
/// the npm registry (the binary ships inside the package) with its own npm, under target/tools.
fn node() -> Result<(), String> {
    if node_version().is_some_and(|v| packages::node_is_new_enough(&v)) {
        return Ok(());
    }
    if !on_path("npm") {
        apt(packages::NODE_BOOTSTRAP)?;
    }
    let prefix = node_root(&workspace_root()).display().to_string();
    let node = format!("node-linux-{}@{}", node_arch(), packages::NODE_VERSION);
    let npm = format!("npm@{}", packages::NPM_VERSION);
    Step::new(
        "npm",
        &[
            "install",
            "--prefix",
            &prefix,
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            &node,
            &npm,
        ],
    )
    .run()?;
    match node_version() {
        Some(version) if packages::node_is_new_enough(&version) => Ok(()),
        found => Err(format!(
            "installed Node {} into {prefix}, but `node --version` answers {found:?}",
            packages::NODE_VERSION
        )),
    }
}

fn cargo_home_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin").join(name)
}

pub fn tauri_driver_path() -> PathBuf {
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

/// The compiler cache, kept between clones: sccache, local storage only.
const SCCACHE_VERSION: &str = "0.19.0";

/// Installs the compiler cache and has xtask's cargo steps use it ([`use_compiler_cache`]).
fn compiler_cache() -> Result<(), String> {
    built_tool(
        "sccache",
        SCCACHE_VERSION,
        &["--no-default-features"],
        Build::Optimised,
    )?;
    use_compiler_cache();
    Ok(())
}

/// Where the compiler cache is found in this clone once `cargo xtask test` installed it.
pub fn compiler_cache_path(root: &Path) -> PathBuf {
    tool_path(root, "sccache", Build::Optimised)
}

/// Compiles through sccache when this clone has it (`cargo xtask test` installs it; `demo`,
/// `bundle` and `bench` then use it too, so their builds match the tests' and are not done
/// again), its store in the cache of builds kept between clones
/// (`~/.cache/hotelmate-desk/sccache`): a fresh clone's build of the dependencies, the bulk
/// of a cold `cargo xtask test`, reads what an earlier clone compiled instead of compiling it
/// again. The workspace's own crates are compiled incrementally, which sccache passes
/// through. A wrapper the developer set is kept; without a home folder there is no cache.
pub fn use_compiler_cache() {
    let sccache = compiler_cache_path(&workspace_root());
    let Some(store) = build_cache("sccache") else {
        return;
    };
    if !sccache.is_file() || std::env::var_os("RUSTC_WRAPPER").is_some() {
        return;
    }
    // xtask has no other thread yet: nothing reads the environment while it changes.
    std::env::set_var("RUSTC_WRAPPER", &sccache);
    std::env::set_var("SCCACHE_DIR", store);
    // A cache that cannot be reached compiles without it instead of failing the build.
    std::env::set_var("SCCACHE_IGNORE_SERVER_IO_ERROR", "1");
}

/// Stops the compiler cache's server when this run started it through [`use_compiler_cache`],
/// printing how much of the run's compiling it answered: no server is left running after
/// `cargo xtask test` (it would otherwise wait ten idle minutes).
pub fn stop_compiler_cache() {
    let sccache = compiler_cache_path(&workspace_root());
    let ours = std::env::var_os("RUSTC_WRAPPER").is_some_and(|wrapper| sccache == *wrapper);
    if !ours {
        return;
    }
    if let Err(error) = Step::new(&sccache.display().to_string(), &["--stop-server"]).run() {
        eprintln!("xtask: cannot stop the compiler cache's server: {error}");
    }
}

/// sockudo as the tests run it: unoptimised, as they need its behaviour, not its speed.
fn sockudo() -> Result<(), String> {
    built_tool(
        "sockudo",
        SOCKUDO_VERSION,
        SOCKUDO_FEATURES,
        Build::Unoptimised,
    )
}

/// sockudo as `bench realtime` measures on it: optimised, built the first time a benchmark
/// asks (the tests never wait for it).
pub fn sockudo_for_bench() -> Result<PathBuf, String> {
    built_tool(
        "sockudo",
        SOCKUDO_VERSION,
        SOCKUDO_FEATURES,
        Build::Optimised,
    )?;
    Ok(tool_path(&workspace_root(), "sockudo", Build::Optimised))
}

/// Only its local (single-process) adapters: no Redis, NATS or database drivers to build.
const SOCKUDO_FEATURES: &[&str] = &["--no-default-features", "--features", "local"];
