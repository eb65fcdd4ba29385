//! `cargo xtask bundle`: the installable packages, made by Tauri's bundler (the `tauri` CLI from
//! the npm registry, pinned in ui/package.json) from `src-tauri/tauri.conf.json`: icons, desktop
//! entry, category, dependencies, and the version of the workspace's Cargo.toml.
//!
//! - `cargo xtask bundle`: a release build, then the `.deb` under target/release/bundle/deb/.
//! - `cargo xtask bundle --appimage`: also the AppImage. Tauri's AppImage bundler downloads
//!   linuxdeploy and the AppImage runtime from GitHub at bundle time; a machine that cannot reach
//!   GitHub gets that said plainly, after the `.deb` is made.
//! - [`debug_deb`]: the `.deb` of the debug build the tests already made, for the install test
//!   (packaging is what it checks, so it needs no second, release, build).
//!
//! Not for: signing or publishing packages.

use std::path::{Path, PathBuf};

use crate::run::{workspace_root, Step};
use crate::setup;

/// Where the bundler writes the `.deb` of a profile (`debug` or `release`).
pub fn deb_dir(root: &Path, profile: &str) -> PathBuf {
    root.join("target").join(profile).join("bundle/deb")
}

/// `cargo xtask bundle [--appimage]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let appimage = match args {
        [] => false,
        [flag] if flag == "--appimage" => true,
        _ => return Err("usage: cargo xtask bundle [--appimage]".into()),
    };
    setup::for_app()?;
    crate::doctor::run(crate::doctor::Needs::App)?;
    crate::build_ui()?;
    Step::new("cargo", &["build", "--release", "-p", "hotelmate-desk"]).run()?;
    let root = workspace_root();
    bundle(&root, "release", "deb")?;
    report(&deb_dir(&root, "release"))?;
    if appimage {
        bundle(&root, "release", "appimage").map_err(|error| {
            format!(
                "{error}\nThe AppImage bundler fetches linuxdeploy and the AppImage runtime from \
                 github.com while it runs; this machine must reach GitHub for it. The .deb above \
                 is complete."
            )
        })?;
        println!(
            "AppImage: {}",
            root.join("target/release/bundle/appimage").display()
        );
    }
    Ok(())
}

/// The `.deb` of the debug build (which must exist), for the tests.
pub fn debug_deb(root: &Path) -> Result<(), String> {
    bundle(root, "debug", "deb")
}

fn bundle(root: &Path, profile: &str, kind: &str) -> Result<(), String> {
    let out = root.join("target").join(profile).join("bundle").join(kind);
    // One package per run: an older version's file left beside it would be ambiguous.
    if out.exists() {
        std::fs::remove_dir_all(&out)
            .map_err(|e| format!("cannot empty {}: {e}", out.display()))?;
    }
    let cli = root.join("ui/node_modules/.bin/tauri");
    let mut args = vec!["bundle", "--ci", "--bundles", kind];
    if profile == "debug" {
        args.push("--debug");
    }
    Step::new(&cli.display().to_string(), &args).run()
}

fn report(dir: &Path) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("no packages in {}: {e}", dir.display()))?;
    for entry in entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "deb"))
    {
        let size = entry.metadata().map(|m| m.len()).unwrap_or_default();
        println!(
            "{} ({:.1} MB)",
            entry.path().display(),
            size as f64 / 1_000_000.0
        );
    }
    Ok(())
}
