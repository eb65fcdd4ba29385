//! The `.deb` as a hotel's IT person installs it: the package `cargo xtask test` bundled from the
//! debug build (HOTELMATE_DEB_DIR) is unpacked into a temporary root with dpkg-deb, as dpkg would
//! lay it out, and the installed binary is started under the tests' display. Installing into the
//! machine itself would outlive the test; the files, metadata and program are the same.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use hotelmate_e2e::{
    click, row_titles, screenshot, text_of, until, workspace_root, AppProfile, Driver,
};

fn the_package() -> PathBuf {
    let dir = std::env::var_os("HOTELMATE_DEB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/bundle/deb"));
    let debs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "no packages in {} ({e}); cargo xtask test bundles one",
                dir.display()
            )
        })
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "deb"))
        .collect();
    assert_eq!(
        debs.len(),
        1,
        "exactly one package in {}: {debs:?}",
        dir.display()
    );
    debs.into_iter().next().unwrap()
}

fn dpkg_deb(args: &[&str], deb: &Path) -> String {
    let output = Command::new("dpkg-deb")
        .args(args)
        .arg(deb)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "dpkg-deb {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn field(control: &str, name: &str) -> String {
    control
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("no {name} in the package's control file:\n{control}"))
        .to_owned()
}

/// The version of the workspace's Cargo.toml, which the package must carry.
fn workspace_version() -> String {
    let manifest = std::fs::read_to_string(workspace_root().join("Cargo.toml")).unwrap();
    let section = manifest.split("[workspace.package]").nth(1).unwrap();
    let line = section.lines().find(|l| l.starts_with("version")).unwrap();
    line.split('"').nth(1).unwrap().to_owned()
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

#[test]
fn the_package_says_what_it_is_and_needs_only_what_debian_has() {
    let deb = the_package();
    let control = dpkg_deb(&["-f"], &deb);
    assert_eq!(field(&control, "Package"), "hotel-mate-desk");
    assert_eq!(field(&control, "Version"), workspace_version());
    assert!(field(&control, "Description").starts_with("Staff desk for HotelMate hotels"));
    assert!(
        control.contains("demo hotel is included"),
        "long description: {control}"
    );
    let depends = field(&control, "Depends");
    for needed in [
        "libwebkit2gtk-4.1-0",
        "libgtk-3-0",
        "libayatana-appindicator3-1",
    ] {
        assert!(
            depends.contains(needed),
            "Depends lacks {needed}: {depends}"
        );
    }
    // Every dependency is a Debian 12 package this machine (set up by xtask from Debian's
    // archive alone) has: the package installs on a stock Debian 12 with those.
    for package in depends.split(',').map(str::trim) {
        assert!(
            installed(package),
            "{package} (a dependency of the .deb) is not installed here"
        );
    }
    assert_eq!(field(&control, "Recommends"), "gnome-keyring");
}

#[tokio::test(flavor = "multi_thread")]
async fn window_the_installed_package_starts_on_the_sign_in_screen_and_opens_the_demo_hotel() {
    let deb = the_package();
    let root = tempfile::tempdir().unwrap();
    let unpack = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(root.path())
        .status()
        .unwrap();
    assert!(unpack.success(), "dpkg-deb -x");

    let binary = root.path().join("usr/bin/hotelmate-desk");
    let desktop = root
        .path()
        .join("usr/share/applications/HotelMate Desk.desktop");
    let entry = std::fs::read_to_string(&desktop).unwrap();
    for line in [
        "Name=HotelMate Desk",
        "Exec=hotelmate-desk",
        "Icon=hotelmate-desk",
        "Categories=Office;",
        "Type=Application",
        "StartupWMClass=hotelmate-desk",
    ] {
        assert!(
            entry.lines().any(|l| l == line),
            "desktop entry lacks '{line}':\n{entry}"
        );
    }
    let validate = Command::new("desktop-file-validate")
        .arg(&desktop)
        .output()
        .unwrap();
    assert!(
        validate.status.success() && validate.stdout.is_empty(),
        "desktop-file-validate: {}{}",
        String::from_utf8_lossy(&validate.stdout),
        String::from_utf8_lossy(&validate.stderr)
    );
    for size in ["32x32", "128x128"] {
        let icon = root.path().join(format!(
            "usr/share/icons/hicolor/{size}/apps/hotelmate-desk.png"
        ));
        let dimensions = image::image_dimensions(&icon).unwrap();
        let side: u32 = size.split('x').next().unwrap().parse().unwrap();
        assert_eq!(dimensions, (side, side), "{}", icon.display());
    }

    // The installed program, from the package's files alone: the UI and the demo hotel are
    // inside the binary.
    let profile = AppProfile::new("installed");
    let mut driver = Driver::start(&profile);
    let app = driver.launch_binary(&binary).await;
    assert_eq!(
        text_of(&app, "[data-testid=try-demo]").await,
        "Try the demo hotel"
    );
    screenshot(&app, "30-installed-package-sign-in").await;
    click(&app, "[data-testid=try-demo]").await;
    until(
        "the installed desk lists the demo hotel's offers",
        || async { row_titles(&app).await.len() >= 6 },
    )
    .await;
    until("every offer shows its photo", || async {
        app.execute(
            "const imgs = [...document.querySelectorAll('[data-testid=offer-thumb]')];
             return imgs.length >= 6 && imgs.every(i => i.complete && i.naturalWidth > 0);",
            vec![],
        )
        .await
        .is_ok_and(|all| all == serde_json::Value::Bool(true))
    })
    .await;
    screenshot(&app, "31-installed-package-demo").await;
}
