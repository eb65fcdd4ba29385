//! `cargo xtask bundle`: the installable packages. Tauri's bundler (the `tauri` CLI from the npm
//! registry, pinned in ui/package.json) lays each one out from `src-tauri/tauri.conf.json`
//! (binary, icons, desktop entry, descriptions) and marks the binary with the kind of package it
//! is in (its updater installs that kind); [`finish`] then makes of it what the distributions
//! accept, with their own tools: the binary stripped, the manual page, the copyright file
//! (made by [`crate::copyright`]), the changelog, and the dependencies read off the binary.
//!
//! - `cargo xtask bundle`: a release build, then `hotelmate-desk_<version>_<arch>.deb` under
//!   `<target>/release/bundle/deb/` and `hotelmate-desk-<version>-1.<arch>.rpm` under
//!   `<target>/release/bundle/rpm/`, each checked by lintian and rpmlint, which must say
//!   nothing.
//! - `cargo xtask bundle --appimage`: also the AppImage. Tauri's AppImage bundler downloads
//!   linuxdeploy and the AppImage runtime from GitHub at bundle time; a machine that cannot reach
//!   GitHub gets that said plainly, after the packages are made.
//! - `cargo xtask bundle --debug`: the same two packages of the debug build, checked the same
//!   way (quicker, while working on the packaging).
//! - [`debug_packages`]: the same two packages of the debug build the tests already made, for
//!   the install and package tests (packaging is what they check, so no release build).
//!
//! Not for: signing or publishing packages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::run::{bundle_dir, deb_dir, rpm_dir, workspace_root, Step};
use crate::setup;

mod rpm;
mod tools;
use rpm::finish_rpm;
pub use rpm::rpmlint;
use tools::{copy, fresh_dir, gzip, output, remove, run_quietly, write};

/// The package's name, its program's and its documentation folder's.
const NAME: &str = "hotelmate-desk";

/// Libraries the program loads at run time (so no tool finds them in the binary), as Debian
/// names their package and as RPM names what the library provides.
const LOADED_AT_RUN_TIME: &[(&str, &str)] = &[
    // The tray icon: libappindicator-sys opens it with dlopen.
    (
        "libayatana-appindicator3-1",
        "libayatana-appindicator3.so.1()(64bit)",
    ),
];

/// The finished packages of one build.
pub struct Packages {
    pub deb: PathBuf,
    pub rpm: PathBuf,
}

const USAGE: &str =
    "usage: cargo xtask bundle [--appimage | --debug] [--maintainer \"Name <address>\"]";

/// `cargo xtask bundle [--appimage | --debug] [--maintainer "Name <address>"]`. The packages'
/// maintainer (the `.deb`'s Maintainer, the `.rpm`'s Packager, the copyright file's contact) is
/// the shell's Cargo.toml `authors`, unless whoever builds them names another.
pub fn run(args: &[String]) -> Result<(), String> {
    let (mut profile, mut appimage, mut maintainer) = ("release", false, None);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--appimage" if profile == "release" => appimage = true,
            "--debug" if !appimage => profile = "debug",
            "--maintainer" => {
                let value = args.next().ok_or(USAGE)?;
                maintainer = Some(checked_maintainer(value)?);
            }
            _ => return Err(USAGE.into()),
        }
    }
    let started = Instant::now();
    setup::for_bundle()?;
    crate::doctor::run(crate::doctor::Needs::Bundle)?;
    crate::build_ui()?;
    let mut build = vec!["build", "-p", NAME];
    if profile == "release" {
        build.push("--release");
    }
    Step::new("cargo", &build).run()?;
    let root = workspace_root();
    let packages = make(&root, profile, maintainer)?;
    let lintian = lintian(&packages.deb, &[])?;
    let rpmlint = rpmlint(&root, &packages.rpm)?;
    for (path, checker, said) in [
        (&packages.deb, "lintian", &lintian),
        (&packages.rpm, "rpmlint", &rpmlint),
    ] {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or_default();
        println!(
            "{} ({:.1} MB)\n  {checker}: {}",
            path.display(),
            size as f64 / 1_000_000.0,
            if said.trim().is_empty() {
                "nothing to say"
            } else {
                said.trim()
            }
        );
    }
    println!("bundled in {:.0} s", started.elapsed().as_secs_f64());
    if appimage {
        tauri_bundle(&root, "release", "appimage").map_err(|error| {
            format!(
                "{error}\nThe AppImage bundler fetches linuxdeploy and the AppImage runtime from \
                 github.com while it runs; this machine must reach GitHub for it. The packages \
                 above are complete."
            )
        })?;
        println!(
            "AppImage: {}",
            bundle_dir("release").join("appimage").display()
        );
    }
    Ok(())
}

/// The `.deb` and `.rpm` of the debug build (which must exist), for the tests.
pub fn debug_packages(root: &Path) -> Result<Packages, String> {
    make(root, "debug", None)
}

/// `value` when it is `Name <user@host>`, as Debian's and RPM's fields take a maintainer.
fn checked_maintainer(value: &str) -> Result<&str, String> {
    let value = value.trim();
    let well_formed = value
        .strip_suffix('>')
        .and_then(|rest| rest.split_once(" <"))
        .is_some_and(|(name, address)| {
            !name.trim().is_empty()
                && address
                    .split_once('@')
                    .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
                && !address.contains(char::is_whitespace)
        });
    if well_formed {
        Ok(value)
    } else {
        Err(format!(
            "the maintainer '{value}' is not of the form \"Name <user@host>\" that packages need"
        ))
    }
}

/// Bundles the build of `profile` and finishes both packages, signed by `maintainer` when
/// given (else by the shell's Cargo.toml `authors`).
fn make(root: &Path, profile: &str, maintainer: Option<&str>) -> Result<Packages, String> {
    for dir in [deb_dir(profile), rpm_dir(profile)] {
        // One package per run: an older version's file left beside it would be ambiguous.
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .map_err(|e| format!("cannot empty {}: {e}", dir.display()))?;
        }
    }
    tauri_bundle(root, profile, "deb,rpm")?;
    let mut facts = Facts::read(root, &only_file(&deb_dir(profile), "deb")?)?;
    if let Some(maintainer) = maintainer {
        facts.maintainer = maintainer.to_owned();
    }
    let deb = finish_deb(root, profile, &facts)?;
    let rpm = finish_rpm(root, profile, &facts)?;
    // The bundler's own folders, beside the finished packages, are its leftovers.
    for dir in [deb_dir(profile), rpm_dir(profile)] {
        for entry in std::fs::read_dir(&dir)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .flatten()
        {
            if entry.path().is_dir() {
                remove(&entry.path())?;
            }
        }
    }
    Ok(Packages { deb, rpm })
}

/// `fast` for the debug build's packages, `small` for the release's: the debug packages are made
/// for the tests alone (the install and package tests open them, nobody downloads them), and
/// xz took 20 s (37 s of processor time) of every `cargo xtask test` on their 64 MB of debug
/// program, gzip at its fastest 1 s. The release package a hotel downloads stays as
/// small as xz makes it.
fn fast_or_small<'a>(profile: &str, fast: &'a [&'a str], small: &'a [&'a str]) -> &'a [&'a str] {
    if profile == "debug" {
        fast
    } else {
        small
    }
}

fn tauri_bundle(root: &Path, profile: &str, kinds: &str) -> Result<(), String> {
    let cli = root.join("ui/node_modules/.bin/tauri");
    let mut args = vec!["bundle", "--ci", "--bundles", kinds];
    if profile == "debug" {
        args.push("--debug");
    }
    Step::new(&cli.display().to_string(), &args).run()
}

/// The one file with this extension in `dir`.
fn only_file(dir: &Path, extension: &str) -> Result<PathBuf, String> {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("no packages in {}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == extension))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "expected one .{extension} in {}, found {found:?}",
            dir.display()
        )),
    }
}

/// What both packages say of themselves, as the bundler wrote it from tauri.conf.json and
/// Cargo.toml.
struct Facts {
    version: String,
    maintainer: String,
    summary: String,
    /// Paragraphs of the long description.
    description: Vec<String>,
    recommends: String,
    section: String,
    license: String,
}

impl Facts {
    fn read(root: &Path, raw_deb: &Path) -> Result<Self, String> {
        let control = output(Command::new("dpkg-deb").arg("-f").arg(raw_deb))?;
        let fields = parse_control(&control);
        let field = |name: &str| {
            fields
                .get(name)
                .cloned()
                .ok_or_else(|| format!("the bundler's control file has no {name}:\n{control}"))
        };
        let described = field("Description")?;
        let mut lines = described.lines();
        let summary = lines.next().unwrap_or_default().trim().to_owned();
        let mut description = vec![String::new()];
        for line in lines.map(str::trim) {
            match (line, description.last_mut()) {
                (".", _) => description.push(String::new()),
                (text, Some(last)) => {
                    if !last.is_empty() {
                        last.push(' ');
                    }
                    last.push_str(text);
                }
                (_, None) => {}
            }
        }
        description.retain(|p| !p.is_empty());
        let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
            .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
        let license = manifest
            .lines()
            .find_map(|l| l.strip_prefix("license = "))
            .map(|l| l.trim_matches('"').to_owned())
            .ok_or("the workspace's Cargo.toml names no licence")?;
        Ok(Self {
            version: field("Version")?,
            maintainer: field("Maintainer")?,
            summary,
            description,
            recommends: fields.get("Recommends").cloned().unwrap_or_default(),
            section: fields
                .get("Section")
                .cloned()
                .unwrap_or_else(|| "misc".into()),
            license,
        })
    }
}

/// A control file's fields (continuation lines kept, joined by newlines).
fn parse_control(text: &str) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with(' ') {
            if let Some(value) = current.as_ref().and_then(|name| fields.get_mut(name)) {
                let value: &mut String = value;
                value.push('\n');
                value.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.insert(name.to_owned(), value.trim().to_owned());
            current = Some(name.to_owned());
        }
    }
    fields
}

/// Makes the `.deb` of the bundler's a Debian package: see the module's doc.
fn finish_deb(root: &Path, profile: &str, facts: &Facts) -> Result<PathBuf, String> {
    let dir = deb_dir(profile);
    let raw = only_file(&dir, "deb")?;
    let tree = bundle_dir(profile).join("deb-tree");
    fresh_dir(&tree)?;
    run_quietly(Command::new("dpkg-deb").arg("-R").arg(&raw).arg(&tree))?;
    let arch = output(
        Command::new("dpkg-deb")
            .args(["-f"])
            .arg(&raw)
            .arg("Architecture"),
    )?
    .trim()
    .to_owned();
    add_common_files(root, &tree, facts)?;
    let doc = tree.join("usr/share/doc").join(NAME);
    std::fs::create_dir_all(&doc).map_err(|e| format!("cannot create {}: {e}", doc.display()))?;
    write(&doc.join("copyright"), &copyright(root, facts)?)?;
    gzip(&root.join("packaging/changelog"), &doc.join("changelog.gz"))?;
    // What lintian is told to let pass, each with its reason on the line before.
    let overrides = root.join("packaging/lintian-overrides");
    if overrides.is_file() {
        let dir = tree.join("usr/share/lintian/overrides");
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        copy(&overrides, &dir.join(NAME))?;
    }
    normalise_modes(&tree)?;

    let control = control(&tree, &arch, facts)?;
    let debian = tree.join("DEBIAN");
    // The bundler's files are made anew here: the control above, the sums of the files as
    // they now are.
    for entry in std::fs::read_dir(&debian)
        .map_err(|e| format!("cannot read {}: {e}", debian.display()))?
        .flatten()
    {
        remove(&entry.path())?;
    }
    write(&debian.join("control"), &control)?;
    write(&debian.join("md5sums"), &md5sums(&tree)?)?;
    normalise_modes(&tree)?;

    let out = dir.join(format!("{NAME}_{}_{arch}.deb", facts.version));
    remove(&raw)?;
    run_quietly(
        Command::new("dpkg-deb")
            .args(["--root-owner-group", "--build"])
            .args(fast_or_small(profile, &["-Zgzip", "-z1"], &["-Zxz"]))
            .arg(&tree)
            .arg(&out),
    )?;
    remove(&tree)?;
    Ok(out)
}

/// The package's control file: the facts, the libraries the program needs and its size.
fn control(tree: &Path, arch: &str, facts: &Facts) -> Result<String, String> {
    let mut depends = shlibdeps(tree)?;
    for (package, _) in LOADED_AT_RUN_TIME {
        if !depends
            .iter()
            .any(|d| d.split(' ').next() == Some(*package))
        {
            depends.push((*package).to_owned());
        }
    }
    let mut control = format!(
        "Package: {NAME}\nVersion: {}\nArchitecture: {arch}\nMaintainer: {}\n\
         Installed-Size: {}\nDepends: {}\n",
        facts.version,
        facts.maintainer,
        installed_size(tree)?,
        depends.join(", ")
    );
    if !facts.recommends.is_empty() {
        control.push_str(&format!("Recommends: {}\n", facts.recommends));
    }
    control.push_str(&format!(
        "Section: {}\nPriority: optional\nDescription: {}\n",
        facts.section, facts.summary
    ));
    for (i, paragraph) in facts.description.iter().enumerate() {
        if i > 0 {
            control.push_str(" .\n");
        }
        for line in wrap(paragraph, 79) {
            control.push_str(&format!(" {line}\n"));
        }
    }
    Ok(control)
}

/// The program stripped of its symbols (as Debian's dh_strip does) and the manual page, in a
/// package's tree.
fn add_common_files(root: &Path, tree: &Path, facts: &Facts) -> Result<(), String> {
    let binary = tree.join("usr/bin").join(NAME);
    run_quietly(
        Command::new("strip")
            .args(["--remove-section=.comment", "--remove-section=.note"])
            .arg(&binary),
    )?;
    let man = tree.join("usr/share/man/man1");
    std::fs::create_dir_all(&man).map_err(|e| format!("cannot create {}: {e}", man.display()))?;
    let page = std::fs::read_to_string(root.join("packaging/hotelmate-desk.1"))
        .map_err(|e| format!("cannot read the manual page: {e}"))?;
    // The page's date and version are the package's.
    let date = changelog_date(&root.join("packaging/changelog"))?;
    let page = page.replacen(
        ".TH HOTELMATE-DESK 1 \"\" \"HotelMate Desk\"",
        &format!(
            ".TH HOTELMATE-DESK 1 \"{date}\" \"HotelMate Desk {}\"",
            facts.version
        ),
        1,
    );
    let source = tree.join("hotelmate-desk.1");
    write(&source, &page)?;
    gzip(&source, &man.join("hotelmate-desk.1.gz"))?;
    remove(&source)
}

/// The copyright file of both packages.
fn copyright(root: &Path, facts: &Facts) -> Result<String, String> {
    crate::copyright::generate(
        root,
        &crate::copyright::Upstream {
            name: "HotelMate Desk",
            contact: &facts.maintainer,
            holder: "HotelMate",
            license: &facts.license,
        },
    )
}

/// The top entry's date of the Debian changelog, as a manual page dates itself (2026-11-24).
fn changelog_date(changelog: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(changelog)
        .map_err(|e| format!("cannot read {}: {e}", changelog.display()))?;
    let line = text
        .lines()
        .find(|l| l.starts_with(" -- "))
        .ok_or("the changelog has no sign-off line")?;
    let date = line
        .split("  ")
        .nth(1)
        .ok_or("the changelog's sign-off line has no date")?;
    output(Command::new("date").args(["-u", "-d", date, "+%Y-%m-%d"])).map(|d| d.trim().to_owned())
}

/// The package's Depends, from the libraries the binary is linked with (dpkg-shlibdeps reads
/// which Debian package has each, and the version the binary needs).
fn shlibdeps(tree: &Path) -> Result<Vec<String>, String> {
    let work = tree
        .parent()
        .ok_or("the package tree has no parent")?
        .join("shlibdeps");
    fresh_dir(&work.join("debian"))?;
    write(
        &work.join("debian/control"),
        &format!("Source: {NAME}\n\nPackage: {NAME}\nArchitecture: any\n"),
    )?;
    let binary = tree.join("usr/bin").join(NAME);
    let found = output(
        Command::new("dpkg-shlibdeps")
            .args(["-O", "--warnings=0", "-e"])
            .arg(&binary)
            .current_dir(&work),
    )?;
    remove(&work)?;
    let depends = found
        .lines()
        .find_map(|l| l.strip_prefix("shlibs:Depends="))
        .ok_or_else(|| format!("dpkg-shlibdeps found no libraries: {found}"))?;
    Ok(depends.split(", ").map(str::to_owned).collect())
}

/// Installed-Size as dpkg-gencontrol counts it: KiB, each file rounded up, a folder 1.
fn installed_size(tree: &Path) -> Result<u64, String> {
    fn walk(dir: &Path, total: &mut u64) -> Result<(), String> {
        for entry in std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .flatten()
        {
            let path = entry.path();
            if path.file_name().is_some_and(|n| n == "DEBIAN") {
                continue;
            }
            let meta =
                std::fs::symlink_metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            if meta.is_dir() {
                *total += 1;
                walk(&path, total)?;
            } else {
                *total += meta.len().div_ceil(1024);
            }
        }
        Ok(())
    }
    let mut total = 0;
    walk(tree, &mut total)?;
    Ok(total)
}

/// Every file of the tree, `/usr/...`, sorted.
fn list_files(tree: &Path, dir: &Path, files: &mut Vec<String>) -> Result<(), String> {
    for entry in std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "DEBIAN") {
                continue;
            }
            list_files(tree, &path, files)?;
        } else if let Ok(relative) = path.strip_prefix(tree) {
            files.push(format!("/{}", relative.display()));
        }
    }
    files.sort();
    Ok(())
}

fn md5sums(tree: &Path) -> Result<String, String> {
    let mut files = Vec::new();
    list_files(tree, tree, &mut files)?;
    let relative: Vec<&str> = files.iter().map(|f| f.trim_start_matches('/')).collect();
    output(Command::new("md5sum").args(&relative).current_dir(tree))
}

/// Folders 0755, files 0644, programs 0755: what Debian's policy asks of a package's files.
fn normalise_modes(tree: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    fn walk(dir: &Path, executable: bool) -> Result<(), String> {
        set_mode(dir, 0o755)?;
        for entry in std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, path.ends_with("usr/bin"))?;
            } else {
                set_mode(&path, if executable { 0o755 } else { 0o644 })?;
            }
        }
        Ok(())
    }
    fn set_mode(path: &Path, mode: u32) -> Result<(), String> {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| format!("cannot set the mode of {}: {e}", path.display()))
    }
    walk(tree, false)
}

/// Lines of at most `width` characters, broken between words.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// What lintian says of a `.deb` (errors, warnings; nothing when it is clean), failing when
/// it finds either. `suppress` names tags a caller has a reason to let pass.
pub fn lintian(deb: &Path, suppress: &[&str]) -> Result<String, String> {
    let mut command = Command::new("lintian");
    command.args(["--fail-on", "error,warning"]);
    if !suppress.is_empty() {
        command.args(["--suppress-tags", &suppress.join(",")]);
    }
    let result = command
        .arg(deb)
        .output()
        .map_err(|e| format!("cannot run lintian: {e}"))?;
    let said = String::from_utf8_lossy(&result.stdout).into_owned();
    if result.status.success() {
        Ok(said)
    } else {
        Err(format!(
            "lintian finds fault with {}:\n{said}{}",
            deb.display(),
            String::from_utf8_lossy(&result.stderr)
        ))
    }
}

#[cfg(test)]
mod tests;
