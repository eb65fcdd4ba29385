//! What the README commands need on a Debian 12 machine, written once: the installer
//! (`setup`) installs from these lists and `cargo xtask doctor` checks against them.

/// A Debian package and why the project needs it.
pub struct Package {
    pub name: &'static str,
    pub why: &'static str,
}

const fn package(name: &'static str, why: &'static str) -> Package {
    Package { name, why }
}

/// Building and running the app (DESIGN.md, Testing).
pub const APP: &[Package] = &[
    package(
        "libwebkit2gtk-4.1-dev",
        "the app's webview (WebKitGTK) headers",
    ),
    package("build-essential", "a C compiler for -sys crates"),
    package("libxdo-dev", "Tauri's keyboard/menu support"),
    package("libssl-dev", "OpenSSL headers for -sys crates"),
    package("libayatana-appindicator3-dev", "the tray icon"),
    package("librsvg2-dev", "SVG icons"),
    package("pkg-config", "finding the C libraries above"),
    package(
        "gnome-keyring",
        "the Secret Service that keeps the sign-in token",
    ),
    package(
        "dbus-x11",
        "a session bus for the keyring and notifications",
    ),
    package(
        "python3-venv",
        "the private Python of the tests' Pusher publisher",
    ),
];

/// Making and checking the installable packages (`cargo xtask bundle`, and the debug packages
/// of `cargo xtask test`).
pub const PACKAGING: &[Package] = &[
    package(
        "dpkg-dev",
        "dpkg-shlibdeps, the .deb's Depends from the binary's libraries",
    ),
    package("binutils", "strip, the packaged binary without symbols"),
    package(
        "rpm",
        "rpmbuild, the .rpm; rpm2archive and rpm2cpio, opening .rpm files",
    ),
    package("cpio", "unpacking an .rpm's files in the install test"),
    package("lintian", "Debian's package checker, on the .deb"),
    package("rpmlint", "the RPM package checker, on the .rpm"),
];

/// The private desktop session of the tests, sockudo's build, and the benchmarks' references.
pub const TEST: &[Package] = &[
    package("xvfb", "the tests' private display"),
    package("xauth", "xvfb-run"),
    package(
        "webkit2gtk-driver",
        "WebKitWebDriver, which drives the app window",
    ),
    package("dunst", "a notification daemon on each test computer"),
    package(
        "dbus-daemon",
        "each test computer's own session bus (tests/src/machine.rs)",
    ),
    package(
        "dbus-bin",
        "dbus-monitor and dbus-send: each test computer's toast log, and its daemons' readiness",
    ),
    package(
        "libsecret-tools",
        "secret-tool, to look into the test keyring",
    ),
    package("keyutils", "keyctl, a private kernel keyring session"),
    package(
        "desktop-file-utils",
        "desktop-file-validate, checking the package's desktop entry",
    ),
    package("imagemagick", "test images"),
    package(
        "x11-utils",
        "xwininfo, the window titles a test computer's display shows",
    ),
    package(
        "fonts-noto-color-emoji",
        "emoji in guests' messages, as the package recommends",
    ),
    package(
        "locales",
        "localedef, the en_IE.UTF-8 locale of the locale window test",
    ),
    package(
        "libvips-tools",
        "vipsthumbnail, the media benchmark's reference",
    ),
    package("cmake", "building sockudo"),
    package("protobuf-compiler", "protoc, building sockudo"),
    // With --no-install-recommends protoc comes without google/protobuf/*.proto.
    package(
        "libprotobuf-dev",
        "protoc's well-known types, building sockudo",
    ),
];

/// Debian's Node.js, only to bootstrap a newer one from the npm registry when the machine has
/// no Node at least [`NODE_MIN`] (Debian 12's is 18).
pub const NODE_BOOTSTRAP: &[Package] = &[
    package("nodejs", "runs npm once, to fetch a newer Node"),
    package("npm", "fetches a newer Node from the npm registry"),
];

/// The oldest Node the UI toolchain runs on (vite 8).
pub const NODE_MIN: (u32, u32) = (20, 19);
/// The Node installed from the npm registry (`node-linux-<arch>`, the binary inside the
/// package) when the machine's is missing or older than [`NODE_MIN`].
pub const NODE_VERSION: &str = "22.23.3";
/// The npm installed beside it.
pub const NPM_VERSION: &str = "10";

/// Whether a `node --version` answer (`v20.20.2`) is new enough.
pub fn node_is_new_enough(version: &str) -> bool {
    let mut parts = version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    (major, minor) >= NODE_MIN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_12s_node_is_too_old_and_the_ui_toolchains_minimum_is_enough() {
        assert!(!node_is_new_enough("v18.19.0"));
        assert!(!node_is_new_enough("v20.18.1"));
        assert!(node_is_new_enough("v20.19.0"));
        assert!(node_is_new_enough("v22.23.3\n"));
        assert!(!node_is_new_enough(""));
    }
}
