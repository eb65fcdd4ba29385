//! The `.deb` and the `.rpm` as a hotel's IT person installs them: the packages `cargo xtask
//! test` bundled from the debug build (HOTELMATE_DEB_DIR, HOTELMATE_RPM_DIR) are unpacked into a
//! temporary root (dpkg-deb; rpm2cpio and cpio), as dpkg and rpm would lay them out, and the
//! installed binary is started under the tests' display. Installing into the machine itself
//! would outlive the test; the files, metadata and program are the same.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::path::{Path, PathBuf};
use std::process::Command;

use hotelmate_e2e::{
    bundled_package, row_titles, screenshot, sign_in_demo, text_of, until, workspace_root,
    AppProfile, Driver,
};

fn the_package() -> PathBuf {
    bundled_package("HOTELMATE_DEB_DIR", "deb")
}

fn the_rpm() -> PathBuf {
    bundled_package("HOTELMATE_RPM_DIR", "rpm")
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
    assert_eq!(field(&control, "Package"), "hotelmate-desk");
    assert!(
        field(&control, "Maintainer").contains('@'),
        "a Maintainer with an address: {control}"
    );
    assert_eq!(field(&control, "Version"), workspace_version());
    assert!(field(&control, "Description").starts_with("Staff desk for HotelMate hotels"));
    assert!(
        control.contains("demo hotel is included"),
        "long description: {control}"
    );
    // Read off the binary's libraries (dpkg-shlibdeps), with the tray's library, which the
    // desk loads at run time; each package once.
    let depends = field(&control, "Depends");
    let names: Vec<&str> = depends
        .split(',')
        .map(|d| d.trim().split(' ').next().unwrap())
        .collect();
    for needed in [
        "libc6",
        "libwebkit2gtk-4.1-0",
        "libgtk-3-0",
        "libayatana-appindicator3-1",
    ] {
        assert_eq!(
            names.iter().filter(|n| **n == needed).count(),
            1,
            "Depends names {needed} once: {depends}"
        );
    }
    // Every dependency is a Debian 12 package this machine (set up by xtask from Debian's
    // archive alone) has: the package installs on a stock Debian 12 with those.
    for package in names {
        assert!(
            installed(package),
            "{package} (a dependency of the .deb) is not installed here"
        );
    }
    assert_eq!(
        field(&control, "Recommends"),
        "gnome-keyring, fonts-noto-color-emoji"
    );
}

#[test]
fn the_rpm_says_what_it_is_and_needs_libraries_by_soname() {
    let rpm = the_rpm();
    let query = |format: &str| {
        let output = Command::new("rpm")
            .args(["-qp", "--qf", format])
            .arg(&rpm)
            .output()
            .unwrap();
        assert!(output.status.success(), "rpm -qp {format}");
        String::from_utf8(output.stdout).unwrap()
    };
    assert_eq!(query("%{NAME}"), "hotelmate-desk");
    assert_eq!(query("%{VERSION}"), workspace_version());
    assert_eq!(query("%{SUMMARY}"), "Staff desk for HotelMate hotels");
    assert_eq!(query("%{LICENSE}"), "MIT OR Apache-2.0");
    let requires = query("[%{REQUIRENAME}\n]");
    // Sonames, which Fedora and openSUSE both resolve to their own package names.
    for needed in [
        "libwebkit2gtk-4.1.so.0()(64bit)",
        "libgtk-3.so.0()(64bit)",
        "libayatana-appindicator3.so.1()(64bit)",
    ] {
        assert!(
            requires.lines().any(|l| l == needed),
            "Requires lacks {needed}:\n{requires}"
        );
    }
    let files = Command::new("rpm")
        .args(["-qpl"])
        .arg(&rpm)
        .output()
        .unwrap();
    let files = String::from_utf8(files.stdout).unwrap();
    for file in [
        "/usr/bin/hotelmate-desk",
        "/usr/share/man/man1/hotelmate-desk.1.gz",
        "/usr/share/licenses/hotelmate-desk/copyright",
    ] {
        assert!(files.lines().any(|l| l == file), "no {file} in:\n{files}");
    }
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
    installed_desk_opens_the_demo_hotel(root.path(), "3").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn window_the_installed_rpm_starts_on_the_sign_in_screen_and_opens_the_demo_hotel() {
    let rpm = the_rpm();
    let root = tempfile::tempdir().unwrap();
    // Through a file: cpio stops at its archive's end, and rpm2cpio would fail on the pipe.
    let archive = root.path().join("payload.cpio");
    let written = Command::new("rpm2cpio")
        .arg(&rpm)
        .stdout(std::fs::File::create(&archive).unwrap())
        .status()
        .unwrap();
    let unpack = Command::new("cpio")
        .args(["-idm", "--quiet", "--no-absolute-filenames"])
        .current_dir(root.path())
        .stdin(std::fs::File::open(&archive).unwrap())
        .status()
        .unwrap();
    assert!(written.success() && unpack.success(), "rpm2cpio, cpio -idm");
    std::fs::remove_file(&archive).unwrap();
    installed_desk_opens_the_demo_hotel(root.path(), "3r").await;
}

/// The package unpacked at `root`: its desktop entry, icons, and its program, started, opening
/// the demo hotel. `shot` prefixes the screenshots' names.
async fn installed_desk_opens_the_demo_hotel(root: &Path, shot: &str) {
    let binary = root.join("usr/bin/hotelmate-desk");
    let desktop = root.join("usr/share/applications/HotelMate Desk.desktop");
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
        let icon = root.join(format!(
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
    screenshot(&app, &format!("{shot}0-installed-package-sign-in")).await;
    sign_in_demo(&app).await;
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
    screenshot(&app, &format!("{shot}1-installed-package-demo")).await;
}
