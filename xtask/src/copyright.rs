//! The packages' copyright file, in Debian's machine-readable format (DEP-5), made from what the
//! program is built of: every crate compiled into it (its `license` in `cargo metadata`, normal
//! dependencies of the desk only) and every npm package bundled into its window (the UI build's
//! own list, `ui/dist/.vite/licenses.json`, written by vite's `build.license`). Each licence
//! named is given once in full (SPDX's text), or by its path under /usr/share/common-licenses
//! when Debian ships it there.
//!
//! Not for: deciding which licences are acceptable.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The desk's own crates: the paragraph for `*`.
const OWN_CRATES: &[&str] = &[
    "hotelmate-desk",
    "hotelmate-core",
    "pusher-channels",
    "hotelmate-sandbox",
];

/// SPDX licences whose text Debian keeps in /usr/share/common-licenses (under this name).
const COMMON_LICENSES: &[(&str, &str)] = &[
    ("Apache-2.0", "Apache-2.0"),
    ("CC0-1.0", "CC0-1.0"),
    ("MPL-2.0", "MPL-2.0"),
    ("GPL-2.0", "GPL-2"),
    ("GPL-3.0", "GPL-3"),
    ("LGPL-2.1", "LGPL-2.1"),
    ("LGPL-3.0", "LGPL-3"),
];

/// One part of the program from elsewhere.
struct Component {
    /// `vendor/rust/serde-1.0.219`.
    path: String,
    copyright: Vec<String>,
    /// The DEP-5 form of its licence expression.
    license: String,
    comment: String,
}

/// What the copyright file says about the desk itself.
pub struct Upstream<'a> {
    pub name: &'a str,
    pub contact: &'a str,
    pub holder: &'a str,
    /// The workspace's SPDX expression (`MIT OR Apache-2.0`).
    pub license: &'a str,
}

/// The whole file.
pub fn generate(root: &Path, upstream: &Upstream) -> Result<String, String> {
    let mut licenses = BTreeMap::new();
    let own = dep5_expression(upstream.license, &mut licenses)
        .map_err(|e| format!("the workspace's licence '{}': {e}", upstream.license))?;
    let mut components = rust_components(root, &mut licenses)?;
    components.extend(ui_components(root, &mut licenses)?);

    let mut out = String::new();
    out.push_str("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n");
    out.push_str(&format!("Upstream-Name: {}\n", upstream.name));
    out.push_str(&format!("Upstream-Contact: {}\n", upstream.contact));
    out.push_str(
        "Comment: Made by `cargo xtask bundle` from the licences that the Rust crates compiled\n \
         into /usr/bin/hotelmate-desk declare (cargo metadata) and those of the npm packages\n \
         bundled into its window (the UI build's own list). vendor/rust/ and vendor/npm/ name\n \
         those sources.\n",
    );
    out.push_str(&format!(
        "\nFiles: *\nCopyright: {}\nLicense: {own}\n",
        upstream.holder
    ));
    for component in &components {
        out.push_str(&format!("\nFiles: {}/*\n", component.path));
        out.push_str(&format!("Copyright: {}\n", component.copyright.join("\n ")));
        out.push_str(&format!("License: {}\n", component.license));
        out.push_str(&format!("Comment: {}\n", component.comment));
    }
    for (name, text) in &licenses {
        out.push_str(&format!("\nLicense: {name}\n{}", indent(text)));
    }
    Ok(out)
}

/// The crates of the desk's program: the normal dependencies of `hotelmate-desk`, followed
/// through the resolved graph for this machine's platform.
/// `cargo metadata` of the workspace, resolved for this machine's platform.
fn cargo_metadata(root: &Path) -> Result<Value, String> {
    let host = host_triple()?;
    let output = Command::new("cargo")
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--filter-platform",
            &host,
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cargo metadata's answer is not JSON: {e}"))
}

/// The packages `start` needs to run (normal dependencies, followed through the graph),
/// itself included.
fn normal_dependencies<'a>(metadata: &'a Value, start: &'a str) -> BTreeSet<&'a str> {
    let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let mut seen = BTreeSet::from([start]);
    let mut pending = vec![start];
    while let Some(id) = pending.pop() {
        let deps = nodes
            .get(id)
            .and_then(|n| n["deps"].as_array())
            .into_iter()
            .flatten();
        for dep in deps {
            let normal = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null());
            if let (true, Some(pkg)) = (normal, dep["pkg"].as_str()) {
                if seen.insert(pkg) {
                    pending.push(pkg);
                }
            }
        }
    }
    seen
}

fn rust_components(
    root: &Path,
    licenses: &mut BTreeMap<String, String>,
) -> Result<Vec<Component>, String> {
    let metadata = cargo_metadata(root)?;
    let packages: BTreeMap<&str, &Value> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p["id"].as_str()?, p)))
        .collect();
    let start = packages
        .iter()
        .find(|(_, p)| p["name"] == "hotelmate-desk")
        .map(|(id, _)| *id)
        .ok_or("cargo metadata lists no package hotelmate-desk")?;
    let seen = normal_dependencies(&metadata, start);
    let mut components = Vec::new();
    for id in seen {
        let package = packages
            .get(id)
            .ok_or_else(|| format!("cargo metadata resolves {id} but does not describe it"))?;
        let name = package["name"].as_str().unwrap_or_default();
        if OWN_CRATES.contains(&name) {
            continue;
        }
        let version = package["version"].as_str().unwrap_or_default();
        let declared = package["license"].as_str().ok_or_else(|| {
            format!(
                "the crate {name} {version} declares no SPDX licence (only a licence file); \
                 name its licence here before it ships"
            )
        })?;
        let license = dep5_expression(declared, licenses)
            .map_err(|e| format!("the crate {name} {version}'s licence '{declared}': {e}"))?;
        let authors: Vec<String> = package["authors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str().map(str::to_owned))
            .collect();
        components.push(Component {
            path: format!("vendor/rust/{name}-{version}"),
            copyright: if authors.is_empty() {
                vec![format!("the authors of {name}")]
            } else {
                authors
            },
            license,
            comment: format!("the Rust crate {name} {version}, compiled into the program"),
        });
    }
    components.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(components)
}

/// The npm packages bundled into the window, as the UI build listed them.
fn ui_components(
    root: &Path,
    licenses: &mut BTreeMap<String, String>,
) -> Result<Vec<Component>, String> {
    let list = root.join("ui/dist/.vite/licenses.json");
    let text = std::fs::read_to_string(&list).map_err(|e| {
        format!(
            "cannot read {} ({e}); the UI build (npm run build) writes it",
            list.display()
        )
    })?;
    let bundled: Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", list.display()))?;
    let mut components = Vec::new();
    for package in bundled.as_array().into_iter().flatten() {
        let name = package["name"].as_str().unwrap_or_default();
        let version = package["version"].as_str().unwrap_or_default();
        let declared = package["identifier"]
            .as_str()
            .ok_or_else(|| format!("the npm package {name} {version} declares no licence"))?;
        let license = dep5_expression(declared, licenses)
            .map_err(|e| format!("the npm package {name} {version}'s licence '{declared}': {e}"))?;
        // The package's own licence file names its holders.
        let holders: Vec<String> = package["text"]
            .as_str()
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with("Copyright") && !l.contains("<year>"))
            .map(|l| l.trim_start_matches("Copyright").trim().to_owned())
            .collect();
        components.push(Component {
            path: format!("vendor/npm/{name}-{version}"),
            copyright: if holders.is_empty() {
                vec![format!("the authors of {name}")]
            } else {
                holders
            },
            license,
            comment: format!("the npm package {name} {version}, bundled into the window"),
        });
    }
    components.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(components)
}

fn host_triple() -> Result<String, String> {
    let output = Command::new("rustc")
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc -vV: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .ok_or_else(|| "rustc -vV names no host".to_owned())
}

/// An SPDX expression in DEP-5's words (`MIT or Apache-2.0`, `Apache-2.0 with LLVM exception`,
/// `GPL-2+`), and the text of each licence it names added to `licenses`.
fn dep5_expression(
    spdx_expression: &str,
    licenses: &mut BTreeMap<String, String>,
) -> Result<String, String> {
    let parsed = spdx::Expression::parse_mode(spdx_expression, spdx::ParseMode::LAX)
        .map_err(|e| e.to_string())?;
    // The expression is kept in postfix order: rebuild it, bracketing what the other operator
    // joins.
    let mut stack: Vec<(String, Option<spdx::expression::Operator>)> = Vec::new();
    for node in parsed.iter() {
        match node {
            spdx::expression::ExprNode::Req(req) => {
                stack.push((license_name(&req.req, licenses)?, None));
            }
            spdx::expression::ExprNode::Op(op) => {
                let (right, right_op) = stack.pop().ok_or("an operator with nothing after it")?;
                let (left, left_op) = stack.pop().ok_or("an operator with nothing before it")?;
                let word = match op {
                    spdx::expression::Operator::And => "and",
                    spdx::expression::Operator::Or => "or",
                };
                let side = |text: String, joined: Option<spdx::expression::Operator>| {
                    if joined.is_some_and(|inner| inner != *op) {
                        format!("({text})")
                    } else {
                        text
                    }
                };
                stack.push((
                    format!("{} {word} {}", side(left, left_op), side(right, right_op)),
                    Some(*op),
                ));
            }
        }
    }
    match stack.as_slice() {
        [(text, _)] => Ok(text.clone()),
        _ => Err("not one expression".into()),
    }
}

/// One licence's DEP-5 name, its text recorded.
fn license_name(
    req: &spdx::LicenseReq,
    licenses: &mut BTreeMap<String, String>,
) -> Result<String, String> {
    let (id, or_later) = match &req.license {
        spdx::LicenseItem::Spdx { id, or_later } => (*id, *or_later),
        spdx::LicenseItem::Other(other) => {
            return Err(format!(
                "{other} is not on SPDX's list; its text must be named"
            ))
        }
    };
    let base = id
        .name
        .trim_end_matches("-only")
        .trim_end_matches("-or-later");
    let plus = or_later || id.name.ends_with("-or-later");
    let name = format!("{base}{}", if plus { "+" } else { "" });
    let text = match COMMON_LICENSES.iter().find(|(spdx, _)| *spdx == base) {
        Some((_, file)) => format!(
            "On Debian systems, the complete text of the {} can be found in\n\
             /usr/share/common-licenses/{file}.",
            id.full_name
        ),
        None => id.text().to_owned(),
    };
    let Some(addition) = &req.addition else {
        licenses.entry(name.clone()).or_insert(text);
        return Ok(name);
    };
    let exception = addition
        .id()
        .ok_or_else(|| format!("the addition {addition} is not on SPDX's list"))?;
    let full = format!(
        "{name} with {} exception",
        exception.name.trim_end_matches("-exception")
    );
    licenses
        .entry(full.clone())
        .or_insert_with(|| format!("{text}\n\n{}", exception.text()));
    Ok(full)
}

/// A DEP-5 field's continuation lines: each line indented, empty lines as " .".
fn indent(text: &str) -> String {
    let mut out = String::new();
    for line in text.trim().lines() {
        let line = line.trim_end().replace('\t', "    ");
        if line.is_empty() {
            out.push_str(" .\n");
        } else {
            out.push(' ');
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spdx_expressions_read_as_debian_writes_them() {
        let mut texts = BTreeMap::new();
        let cases = [
            ("MIT OR Apache-2.0", "MIT or Apache-2.0"),
            ("MIT/Apache-2.0", "MIT or Apache-2.0"),
            (
                "(MIT OR Apache-2.0) AND Unicode-3.0",
                "(MIT or Apache-2.0) and Unicode-3.0",
            ),
            (
                "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT",
                "Apache-2.0 with LLVM exception or Apache-2.0 or MIT",
            ),
            ("GPL-2.0-or-later", "GPL-2.0+"),
            (
                "MIT AND (Apache-2.0 OR ISC) AND BSD-3-Clause",
                "MIT and (Apache-2.0 or ISC) and BSD-3-Clause",
            ),
        ];
        for (spdx, dep5) in cases {
            assert_eq!(dep5_expression(spdx, &mut texts).unwrap(), dep5, "{spdx}");
        }
        assert!(texts["MIT"].contains("Permission is hereby granted"));
        assert!(texts["Apache-2.0"].contains("/usr/share/common-licenses/Apache-2.0"));
        assert!(texts["Apache-2.0 with LLVM exception"].contains("LLVM"));
        assert!(dep5_expression("MIT OR NOT-A-LICENCE", &mut texts).is_err());
    }
}
