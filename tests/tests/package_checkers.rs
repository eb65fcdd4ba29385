//! What the distributions' own checkers say of the packages `cargo xtask test` bundled from the
//! debug build (HOTELMATE_DEB_DIR, HOTELMATE_RPM_DIR): lintian and rpmlint, as a Debian or
//! Fedora admin would run them. `cargo xtask bundle` runs both on the release packages, which
//! must be as clean.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::process::Command;

use hotelmate_e2e::{bundled_package, workspace_root};

#[test]
fn lintian_finds_no_error_and_no_warning_in_the_deb() {
    let deb = bundled_package("HOTELMATE_DEB_DIR", "deb");
    let output = Command::new("lintian")
        .args(["--fail-on", "error,warning"])
        .arg(&deb)
        .output()
        .expect("lintian runs (cargo xtask setup installs it)");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success()
            && !said
                .lines()
                .any(|l| l.starts_with("E: ") || l.starts_with("W: ")),
        "lintian on {}:\n{said}{}",
        deb.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn rpmlint_finds_no_error_and_no_warning_in_the_rpm() {
    let rpm = bundled_package("HOTELMATE_RPM_DIR", "rpm");
    // The project's settings: Fedora's and openSUSE's where Debian's rpmlint has none, and
    // two filters, each with its reason.
    let output = Command::new("rpmlint")
        .arg("-c")
        .arg(workspace_root().join("packaging/rpmlint.toml"))
        .arg(&rpm)
        .output()
        .expect("rpmlint runs (cargo xtask setup installs it)");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && said.contains(" 0 errors, 0 warnings"),
        "rpmlint on {}:\n{said}{}",
        rpm.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}
