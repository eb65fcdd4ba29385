//! The `.rpm`: the bundler's RPM package rebuilt by rpmbuild with the same files as the
//! `.deb` (see the parent module), its changelog in RPM's form, and rpmlint's verdict.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

/// Recommended packages whose RPM name differs from the Debian one the .deb names.
const RPM_NAMES: &[(&str, &str)] = &[("fonts-noto-color-emoji", "google-noto-color-emoji-fonts")];

/// Makes the `.rpm` of the bundler's an RPM package the same way, rebuilt by rpmbuild (which
/// reads the libraries the binary needs off it, as sonames every RPM distribution resolves).
pub(super) fn finish_rpm(root: &Path, profile: &str, facts: &Facts) -> Result<PathBuf, String> {
    let dir = rpm_dir(profile);
    let raw = only_file(&dir, "rpm")?;
    let work = bundle_dir(profile).join("rpm-work");
    fresh_dir(&work)?;
    let tree = work.join("root");
    fresh_dir(&tree)?;
    unpack(&raw, &work, &tree)?;
    let arch = output(
        Command::new("rpm")
            .args(["-qp", "--qf", "%{ARCH}"])
            .arg(&raw),
    )?;
    add_common_files(root, &tree, facts)?;
    let licenses = tree.join("usr/share/licenses").join(NAME);
    std::fs::create_dir_all(&licenses)
        .map_err(|e| format!("cannot create {}: {e}", licenses.display()))?;
    write(&licenses.join("copyright"), &copyright(root, facts)?)?;
    normalise_modes(&tree)?;

    let mut files = Vec::new();
    list_files(&tree, &tree, &mut files)?;
    let spec = spec(root, facts, &tree, &files)?;
    let spec_path = work.join(format!("{NAME}.spec"));
    write(&spec_path, &spec)?;
    let topdir = format!("_topdir {}", work.join("rpmbuild").display());
    run_quietly(
        Command::new("rpmbuild")
            .args(["-bb", "--quiet", "--define", &topdir])
            // The binary is stripped above; no debuginfo package, no build-id links.
            .args(["--define", "debug_package %{nil}"])
            .args(["--define", "_build_id_links none"])
            .args(["--define", "__strip /bin/true"])
            .args(fast_or_small(
                profile,
                &["--define", "_binary_payload w1.gzdio"],
                &[],
            ))
            .arg(&spec_path),
    )?;
    let built = work
        .join("rpmbuild/RPMS")
        .join(&arch)
        .join(format!("{NAME}-{}-1.{arch}.rpm", facts.version));
    let out = dir.join(built.file_name().ok_or("rpmbuild made no file")?);
    remove(&raw)?;
    std::fs::rename(&built, &out).map_err(|e| format!("cannot move {}: {e}", built.display()))?;
    remove(&work)?;
    Ok(out)
}

/// Unpacks the bundler's package into `tree`. rpm2archive, not rpm2cpio: Debian 12's rpm2cpio
/// exits 1 on the bundler's package, having written all of it.
fn unpack(raw: &Path, work: &Path, tree: &Path) -> Result<(), String> {
    let archive = work.join("payload.tar");
    let package =
        std::fs::File::open(raw).map_err(|e| format!("cannot open {}: {e}", raw.display()))?;
    let written = std::fs::File::create(&archive)
        .map_err(|e| format!("cannot create {}: {e}", archive.display()))?;
    run_quietly(
        Command::new("rpm2archive")
            .arg("-n")
            .stdin(package)
            .stdout(written),
    )?;
    run_quietly(
        Command::new("tar")
            .arg("-xf")
            .arg(&archive)
            .arg("-C")
            .arg(tree),
    )?;
    remove(&archive)?;
    Ok(())
}

/// The spec rpmbuild makes the package from: the facts, what it needs, its files and its
/// changelog.
fn spec(root: &Path, facts: &Facts, tree: &Path, files: &[String]) -> Result<String, String> {
    let mut spec = format!(
        "Name: {NAME}\nVersion: {}\nRelease: 1\nSummary: {}\nLicense: {}\n\
         Group: Applications/Productivity\nPackager: {}\n",
        facts.version, facts.summary, facts.license, facts.maintainer
    );
    for (_, provided) in LOADED_AT_RUN_TIME {
        spec.push_str(&format!("Requires: {provided}\n"));
    }
    for recommended in facts.recommends.split(',').map(str::trim) {
        if !recommended.is_empty() {
            let name = RPM_NAMES
                .iter()
                .find(|(debian, _)| *debian == recommended)
                .map_or(recommended, |(_, rpm)| rpm);
            spec.push_str(&format!("Recommends: {name}\n"));
        }
    }
    spec.push_str("\n%description\n");
    for (i, paragraph) in facts.description.iter().enumerate() {
        if i > 0 {
            spec.push('\n');
        }
        for line in wrap(paragraph, 79) {
            spec.push_str(&format!("{line}\n"));
        }
    }
    spec.push_str(&format!(
        "\n%install\ncp -a '{}'/. %{{buildroot}}/\n\n%files\n",
        tree.display()
    ));
    for file in files {
        let marker = if file.starts_with("/usr/share/licenses/") {
            "%license "
        } else if file.starts_with("/usr/share/man/") {
            "%doc "
        } else {
            ""
        };
        spec.push_str(&format!("{marker}\"{file}\"\n"));
    }
    spec.push_str("\n%changelog\n");
    spec.push_str(&rpm_changelog(&root.join("packaging/changelog"))?);
    Ok(spec)
}

/// The Debian changelog in RPM's form.
fn rpm_changelog(changelog: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(changelog)
        .map_err(|e| format!("cannot read {}: {e}", changelog.display()))?;
    let mut out = String::new();
    let mut version = String::new();
    let mut items: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix(&format!("{NAME} (")) {
            version = rest.split(')').next().unwrap_or_default().to_owned();
        } else if let Some(item) = line.strip_prefix("  * ") {
            items.push(item.to_owned());
        } else if let Some(more) = line.strip_prefix("    ") {
            if let Some(last) = items.last_mut() {
                last.push(' ');
                last.push_str(more);
            }
        } else if let Some(sign_off) = line.strip_prefix(" -- ") {
            let (who, date) = sign_off
                .split_once("  ")
                .ok_or("a changelog sign-off line without a date")?;
            let day = output(Command::new("date").args(["-u", "-d", date, "+%a %b %d %Y"]))?;
            out.push_str(&format!("* {} {who} - {version}-1\n", day.trim()));
            for item in items.drain(..) {
                for (i, line) in wrap(&item, 77).iter().enumerate() {
                    out.push_str(if i == 0 { "- " } else { "  " });
                    out.push_str(line);
                    out.push('\n');
                }
            }
            out.push('\n');
        }
    }
    Ok(out)
}

/// What rpmlint says of an `.rpm` with the project's settings (packaging/rpmlint.toml, each
/// filter with its reason), failing on any error or warning.
pub fn rpmlint(root: &Path, rpm: &Path) -> Result<String, String> {
    let result = Command::new("rpmlint")
        .arg("-c")
        .arg(root.join("packaging/rpmlint.toml"))
        .arg(rpm)
        .output()
        .map_err(|e| format!("cannot run rpmlint: {e}"))?;
    let said = String::from_utf8_lossy(&result.stdout).into_owned();
    let clean = said.contains(" 0 errors, 0 warnings");
    if result.status.success() && clean {
        Ok(said)
    } else {
        Err(format!(
            "rpmlint finds fault with {}:\n{said}{}",
            rpm.display(),
            String::from_utf8_lossy(&result.stderr)
        ))
    }
}
