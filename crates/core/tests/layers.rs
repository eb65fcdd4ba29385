//! No import circles between the modules of any crate in the workspace: a module may use its
//! own submodules and the modules "below" it, and nothing it uses may use it back, directly or
//! round a longer loop. Checked on the source text, at two levels: the top-level modules
//! (`desk` → `features` → `context` → `engine` → …) and every file's module. A `crate::…` or
//! `super::…` path names the module it ends in; comments and everything after a file's first
//! `#[cfg(test)]` (its tests) are left out, since tests may reach anywhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

/// Every `.rs` file under `src`, by its module path (`a/b/mod.rs` and `a/b.rs` are `a::b`).
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    let mut found = BTreeMap::new();
    let mut folders = vec![src.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(src).unwrap().with_extension("");
                let mut parts: Module = relative
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                if parts.len() == 1 && parts[0] == "main" && src.join("lib.rs").exists() {
                    continue; // a binary beside the library: its own crate
                }
                if matches!(
                    parts.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    parts.pop();
                }
                if parts.first().map(String::as_str) == Some("bin") {
                    continue; // each file in `bin/` is a crate of its own
                }
                if parts.last().map(String::as_str) == Some("tests") {
                    continue; // unit tests in a file of their own: test code, as after `#[cfg(test)]`
                }
                found.insert(parts, path);
            }
        }
    }
    found
}

/// The source without comments and without its tests.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module paths a source names after `prefix` (`crate::` or `super::`).
fn paths_after<'a>(code: &'a str, prefix: &'a str) -> impl Iterator<Item = Vec<&'a str>> + 'a {
    code.match_indices(prefix).filter_map(move |(at, _)| {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            return None; // `$crate::`, `my_crate::`, the second `super::` of `super::super::`
        }
        let rest = &code[at + prefix.len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let path: Vec<&str> = rest[..end].split("::").filter(|p| !p.is_empty()).collect();
        (!path.is_empty()).then_some(path)
    })
}

/// The modules `module`'s code (in `file`) names through `crate::…` and `super::…` paths, each
/// the longest module of `all` the path starts with.
fn named_modules(all: &BTreeMap<Module, PathBuf>, module: &[String], file: &Path) -> Vec<Module> {
    let longest = |parts: Vec<String>| -> Option<Module> {
        (1..=parts.len())
            .rev()
            .map(|n| parts[..n].to_vec())
            .find(|p| all.contains_key(p))
    };
    let code = code(&std::fs::read_to_string(file).unwrap());
    let mut targets = Vec::new();
    for path in paths_after(&code, "crate::") {
        targets.extend(longest(path.iter().map(|p| (*p).to_owned()).collect()));
    }
    for path in paths_after(&code, "super::") {
        let ups = 1 + path.iter().take_while(|p| **p == "super").count();
        let mut parts: Module = module[..module.len().saturating_sub(ups)].to_vec();
        parts.extend(path.iter().skip(ups - 1).map(|p| (*p).to_owned()));
        targets.extend(longest(parts));
    }
    targets
}

/// Which module uses which, at `depth` (1: top-level modules; large: every file).
fn edges(all: &BTreeMap<Module, PathBuf>, depth: usize) -> BTreeMap<String, BTreeSet<String>> {
    let key = |m: &[String]| m[..m.len().min(depth)].join("::");
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, file) in all {
        let targets: BTreeSet<Module> = named_modules(all, module, file).into_iter().collect();
        let from = key(module);
        for target in targets {
            let to = key(&target);
            let nested = |a: &str, b: &str| a.starts_with(&format!("{b}::"));
            if from != to && !nested(&from, &to) && !nested(&to, &from) && !to.is_empty() {
                uses.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    uses
}

/// The loops in `uses`: the strongly connected groups of more than one module.
fn circles(uses: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reaches = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_owned()];
        while let Some(m) = todo.pop() {
            for next in uses.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> = uses.keys().map(|m| (m, reaches(m))).collect();
    let mut groups: BTreeSet<Vec<String>> = BTreeSet::new();
    for (m, from_m) in &reach {
        let group: Vec<String> = from_m
            .iter()
            .filter(|other| reach.get(other).is_some_and(|r| r.contains(*m)))
            .cloned()
            .collect();
        if group.len() > 1 {
            groups.insert(group);
        }
    }
    groups.into_iter().collect()
}

#[test]
fn no_crate_in_the_workspace_has_an_import_circle() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let crates = [
        "crates/core/src",
        "crates/pusher/src",
        "crates/sandbox/src",
        "src-tauri/src",
        "tests/src",
        "xtask/src",
    ];
    let mut found = Vec::new();
    for src in crates {
        let all = modules(&workspace.join(src));
        assert!(
            all.len() > 1,
            "{src} has no modules: the check would pass vacuously"
        );
        for depth in [1, usize::MAX] {
            for circle in circles(&edges(&all, depth)) {
                found.push(format!("{src}: {}", circle.join(" ↔ ")));
            }
        }
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

/// The files of a `tests/` folder that are not in its one test binary: each crate sets
/// `autotests = false` and names its test files as modules of `tests/suite.rs`, so one left out
/// would not be built or run, and nothing else would say so.
fn outside_the_suite(tests: &Path) -> Vec<String> {
    let suite = std::fs::read_to_string(tests.join("suite.rs")).unwrap();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(tests).unwrap() {
        let path = entry.unwrap().path();
        let Some(name) = path.file_stem().and_then(|n| n.to_str()) else {
            continue;
        };
        let is_module = path.extension().is_some_and(|e| e == "rs") || path.join("mod.rs").exists();
        if is_module && name != "suite" && !suite.lines().any(|line| line == format!("mod {name};"))
        {
            missing.push(format!("{}", path.display()));
        }
    }
    missing
}

#[test]
fn every_test_file_is_in_its_crates_one_test_binary() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut missing = Vec::new();
    for crate_dir in ["crates/core", "crates/pusher", "crates/sandbox", "tests"] {
        let manifest =
            std::fs::read_to_string(workspace.join(crate_dir).join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains("autotests = false")
                && manifest.contains("path = \"tests/suite.rs\""),
            "{crate_dir} builds its tests as one binary, tests/suite.rs"
        );
        missing.extend(outside_the_suite(&workspace.join(crate_dir).join("tests")));
    }
    assert!(
        missing.is_empty(),
        "not in their crate's tests/suite.rs, so never built or run:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_suite_check_finds_a_file_left_out() {
    let folder = std::env::temp_dir().join(format!("suite-{}", std::process::id()));
    std::fs::create_dir_all(folder.join("support")).unwrap();
    std::fs::write(folder.join("support/mod.rs"), "").unwrap();
    std::fs::write(folder.join("suite.rs"), "mod support;\n\nmod kept;\n").unwrap();
    std::fs::write(folder.join("kept.rs"), "").unwrap();
    std::fs::write(folder.join("forgotten.rs"), "").unwrap();
    let missing = outside_the_suite(&folder);
    assert_eq!(
        missing,
        vec![folder.join("forgotten.rs").display().to_string()]
    );
    std::fs::remove_dir_all(&folder).unwrap();
}

#[test]
fn the_check_finds_a_circle_where_there_is_one() {
    let folder = std::env::temp_dir().join(format!("layers-{}", std::process::id()));
    std::fs::create_dir_all(folder.join("a")).unwrap();
    std::fs::write(folder.join("lib.rs"), "mod a; mod b;").unwrap();
    std::fs::write(folder.join("a/mod.rs"), "use crate::b::Thing; mod c;").unwrap();
    std::fs::write(folder.join("a/c.rs"), "use super::super::b;").unwrap();
    std::fs::write(
        folder.join("b.rs"),
        "// crate::a in a comment does not count\nuse crate::a::c::X;",
    )
    .unwrap();
    let all = modules(&folder);
    let top = circles(&edges(&all, 1));
    assert_eq!(top, vec![vec!["a".to_owned(), "b".to_owned()]]);
    let files = circles(&edges(&all, usize::MAX));
    assert_eq!(files, vec![vec!["a::c".to_owned(), "b".to_owned()]]);
    std::fs::remove_dir_all(&folder).unwrap();
}

/// `code` split into what is outside string literals and what is inside them.
fn code_and_strings(code: &str) -> (String, String) {
    let (mut outside, mut inside) = (String::new(), String::new());
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            outside.push(c);
            continue;
        }
        outside.push_str("\"\"");
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => break,
                c => inside.push(c),
            }
        }
        inside.push('\n');
    }
    (outside, inside)
}

/// The names of the engine's source that are some feature's: in the code, a feature module's
/// name (`chat`, `offers`, …) as a word or a word's first part (`chat_outbox`), a path into
/// `features`, a resource or mount by name; in its strings (SQL), a feature's table
/// (`chat_outbox`). A method of the same name (`path.display()`) and a word in a message ("the
/// server does not offer …") are not.
fn feature_names_in(code: &str, features: &[String]) -> Vec<String> {
    let (code, strings) = code_and_strings(code);
    let mut found: Vec<String> = ["crate::features", "ResourceKind::", "Mount::"]
        .into_iter()
        .filter(|marker| code.contains(marker))
        .map(str::to_owned)
        .collect();
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .filter(|word| !word.starts_with('.'))
            .map(|word| word.split('.').next().unwrap_or_default().to_owned())
            .collect()
    };
    let is_feature = |name: &str| features.iter().any(|feature| feature == name);
    let named = |word: &str| features.iter().any(|f| word.starts_with(&format!("{f}_")));
    let code_names = words(&code)
        .into_iter()
        .filter(|w| is_feature(w) || named(w));
    let tables = words(&strings).into_iter().filter(|w| named(w));
    for name in code_names.chain(tables) {
        if !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

/// Issue 37.1: the engine knows no feature. Each feature registers its tables, migrations,
/// pending work and resources; the engine's code (its tests aside) names none of them: no
/// feature module, no `chat_…` table, no path into `features`, no resource or mount by name.
#[test]
fn the_engine_names_no_feature() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let features: Vec<String> = std::fs::read_dir(core.join("features"))
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            path.file_stem().unwrap().to_string_lossy().into_owned()
        })
        .filter(|name| name != "mod")
        .collect();
    assert!(features.contains(&"chat".to_owned()), "{features:?}");
    let engine = modules(&core.join("engine"));
    assert!(engine.len() > 10, "the engine's files were not found");
    let mut found = Vec::new();
    for (module, path) in engine {
        let names = feature_names_in(&code(&std::fs::read_to_string(&path).unwrap()), &features);
        if !names.is_empty() {
            found.push(format!(
                "engine::{}: {}",
                module.join("::"),
                names.join(", ")
            ));
        }
    }
    assert!(
        found.is_empty(),
        "the engine names features:\n{}",
        found.join("\n")
    );
}

/// The keys under which an outbox entry stores what its operation carries (an added photo's
/// file name, a reorder's ids, …), as string literals in `code`.
fn operation_keys_in(code: &str) -> Vec<String> {
    const KEYS: &[&str] = &["adds", "images_before", "order", "place"];
    let (_, strings) = code_and_strings(code);
    strings
        .lines()
        .filter(|literal| KEYS.contains(literal))
        .map(str::to_owned)
        .collect()
}

/// Issue 37.1: operations are typed values. What an operation carries besides the person's
/// fields is stored under keys of the entry's JSON, and only the outbox (`engine/store/outbox`)
/// names them; everything else asks the entry's accessors (`entry.order()`,
/// `entry.added_file()`, …). The keys' constants are private to the store, so code elsewhere
/// could only name them as a literal, which this finds.
#[test]
fn only_the_outbox_names_the_keys_an_operation_is_stored_under() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let outbox = core.join("engine/store/outbox");
    let mut found = Vec::new();
    for (module, path) in modules(&core) {
        if path.starts_with(&outbox) || path == outbox.with_extension("rs") {
            continue;
        }
        let keys = operation_keys_in(&code(&std::fs::read_to_string(&path).unwrap()));
        if !keys.is_empty() {
            found.push(format!("{}: {}", module.join("::"), keys.join(", ")));
        }
    }
    assert!(
        found.is_empty(),
        "an operation's stored keys named outside the outbox:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_key_check_finds_a_key_in_a_string_only() {
    assert!(operation_keys_in("let order = entry.order();").is_empty());
    let code = "entry.fields.get(\"adds\").and_then(Value::as_str)";
    assert_eq!(operation_keys_in(code), ["adds"]);
    assert!(operation_keys_in("\"SELECT * FROM outbox ORDER BY seq\"").is_empty());
}

#[test]
fn the_feature_check_finds_a_feature_named_in_code_only() {
    let features = ["chat".to_owned(), "display".to_owned()];
    let code = "let p = path.display();\n\
                let t = \"a chat in words, a \\\"display\\\" too\";";
    assert!(feature_names_in(code, &features).is_empty());
    let code = "fn f() { chat_outbox(); }";
    assert_eq!(feature_names_in(code, &features), ["chat_outbox"]);
    let code = "conn.execute(\"DELETE FROM chat_drafts\", [])";
    assert_eq!(feature_names_in(code, &features), ["chat_drafts"]);
    let code = "use crate::features::chat::X; match kind { ResourceKind::Offers => {} }";
    assert_eq!(
        feature_names_in(code, &features),
        ["crate::features", "ResourceKind::", "chat"]
    );
}

/// Every line of the desk's own code (core, shell and UI; generated files and tests left out)
/// that names one of `names`, outside `own` (folders end in `/`), as `(file, line)`. Comment
/// lines are left out: prose may mention anything.
fn named_outside(root: &Path, names: &[&str], own: &[&str]) -> Vec<(String, String)> {
    const GENERATED: &[&str] = &[
        "ui/src/lib/generated.ts",
        "ui/src/lib/commands.generated.ts",
    ];
    let mut found = Vec::new();
    let mut folders: Vec<PathBuf> = ["crates/core/src", "src-tauri/src", "ui/src"]
        .iter()
        .map(|f| root.join(f))
        .collect();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let source = ["rs", "ts", "svelte"]
                .iter()
                .any(|e| path.extension().is_some_and(|x| x == *e));
            let mine = own
                .iter()
                .any(|o| relative == *o || (o.ends_with('/') && relative.starts_with(o)));
            if !source || mine || GENERATED.contains(&relative.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let text = if relative.ends_with(".rs") {
                // Without its unit tests (a `#[cfg(test)]` item elsewhere in it is code).
                text.split("#[cfg(test)]\nmod ")
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            } else {
                text
            };
            for line in text.lines() {
                let trimmed = line.trim_start();
                let comment = ["//", "/*", "*", "<!--"]
                    .iter()
                    .any(|c| trimmed.starts_with(c));
                if !comment && names.iter().any(|n| line.contains(n)) {
                    found.push((relative.clone(), trimmed.to_owned()));
                }
            }
        }
    }
    found.sort();
    found
}

/// The files outside its own folders that name a resource by hand, each with how many of its
/// lines do.
fn registrations_of(names: &[&str], own: &[&str]) -> (BTreeMap<String, usize>, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let found = named_outside(&root, names, own);
    let mut files = BTreeMap::new();
    for (file, _) in &found {
        *files.entry(file.clone()).or_insert(0) += 1;
    }
    (files, format!("{found:#?}"))
}

/// The three one-line registrations of a resource: its feature in `features!`, its kind in
/// `resource_kinds!`, its screen in the screens list (that line and the import of the
/// component it names).
fn three_registrations() -> BTreeMap<String, usize> {
    BTreeMap::from([
        ("crates/core/src/events.rs".to_owned(), 1),
        ("crates/core/src/features/mod.rs".to_owned(), 1),
        ("ui/src/features/index.ts".to_owned(), 2),
    ])
}

/// Issue 37.2: a synced resource is its feature folder, its commands file and its screen
/// folder, plus one line in each of three lists. The README's worked example, the Hotel screen,
/// is checked: whatever else names it by hand (an accessor on `Desk`, a call in `backend.ts`, a
/// store in the desk's list, a button in the side bar) is a place the next resource would have
/// to be added too.
#[test]
fn the_worked_example_resource_is_its_folders_and_three_registrations() {
    let (files, found) = registrations_of(
        &[
            "hotel_details",
            "HotelDetails",
            "hotelDetails",
            "./hotel_details/",
        ],
        &[
            "crates/core/src/features/hotel_details/",
            "src-tauri/src/commands/hotel_details.rs",
            "ui/src/features/hotel_details/",
        ],
    );
    assert_eq!(files, three_registrations(), "{found}");
}

/// Issue 37.2's proof: the resource added after the layout was made (the Guest page, the
/// public page as guests see it) took its three folders and the same three lines, nothing else.
#[test]
fn the_resource_added_last_took_its_folders_and_three_registrations() {
    let (files, found) = registrations_of(
        &["guest_page", "GuestPage", "guestPage", "./guest_page/"],
        &[
            "crates/core/src/features/guest_page/",
            "src-tauri/src/commands/guest_page.rs",
            "ui/src/features/guest_page/",
        ],
    );
    assert_eq!(files, three_registrations(), "{found}");
}

/// The check sees a resource named where it should not be: the offers, an older feature, are
/// still named in the desk's handles, the UI's backend and its stores.
#[test]
fn the_registration_check_finds_a_resource_named_elsewhere() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let found = named_outside(&root, &["Offers<"], &["crates/core/src/features/offers/"]);
    assert!(
        found
            .iter()
            .any(|(file, _)| file == "crates/core/src/desk/handles.rs"),
        "{found:#?}"
    );
}

/// The names of the store's queueing calls a source makes directly (`store.queue_create(…)`),
/// whitespace and line breaks between the parts allowed.
fn direct_queue_calls(code: &str) -> Vec<String> {
    let squeezed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed
        .match_indices("store.queue_")
        .map(|(at, _)| {
            let rest = &squeezed[at + "store.".len()..];
            rest.split('(').next().unwrap_or(rest).to_owned()
        })
        .collect()
}

/// Issue 63.11: a change the server cannot take (an area its generation lacks or refuses this
/// account) is refused at once, never queued. Every resource change is queued through the
/// context's `queue_*` calls, which ask `may_queue` first; a feature or the desk calling the
/// store's queueing directly would skip that question. (The chat keeps its own queue.)
#[test]
fn every_change_of_a_resource_is_queued_through_the_contexts_check() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed = [
        core.join("context"),
        core.join("engine"),
        core.join("features/chat"),
    ];
    let mut found = Vec::new();
    for (module, path) in modules(&core) {
        if allowed.iter().any(|dir| path.starts_with(dir)) {
            continue;
        }
        let calls = direct_queue_calls(&code(&std::fs::read_to_string(&path).unwrap()));
        if !calls.is_empty() {
            found.push(format!("{}: {}", module.join("::"), calls.join(", ")));
        }
    }
    assert!(
        found.is_empty(),
        "changes queued without the context's check (use cx.queue_* or cx.may_queue):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_queue_check_finds_a_call_split_over_lines() {
    assert_eq!(
        direct_queue_calls("self.cx\n    .store\n    .queue_image(SPEC.name(), id, None)?;"),
        ["queue_image"]
    );
    assert!(direct_queue_calls("self.cx.queue_image(&SPEC, id, None)?;").is_empty());
}

/// The types a source gives inherent methods (`impl Store {`, `impl<'a> Store<'a> {`), by the
/// last part of their path; trait impls (`impl Trait for Store`) and `impl Trait` in a type
/// (an item's `impl` opens its line) are not.
fn inherent_impls_in(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices("impl") {
        let line_start = code[..at].rfind('\n').map_or(0, |n| n + 1);
        if !code[line_start..at].trim().is_empty() {
            continue;
        }
        let rest = &code[at + "impl".len()..];
        if !rest.starts_with([' ', '<', '\n']) {
            continue; // `implements`, `impl_trait!`
        }
        let Some(header) = rest.split('{').next() else {
            continue;
        };
        if header.contains(" for ") || header.contains(';') {
            continue;
        }
        let mut header = header.trim();
        if header.starts_with('<') {
            // Skip the impl's own generics (`impl<'a> …`).
            let mut depth = 0;
            let end = header.char_indices().find_map(|(i, c)| {
                depth += match c {
                    '<' => 1,
                    '>' => -1,
                    _ => 0,
                };
                (depth == 0).then_some(i)
            });
            header = end.map_or("", |end| header[end + 1..].trim());
        }
        let path = header.split('<').next().unwrap_or_default().trim();
        let name = path.rsplit("::").next().unwrap_or_default();
        if !name.is_empty() {
            found.push(name.to_owned());
        }
    }
    found
}

/// Issue 64.4: the engine's `Store` has no feature's methods. A feature's SQL lives on its own
/// type over the store, in its folder (the chat's `ChatStore`); an `impl Store` anywhere outside
/// the engine would add methods named for one feature to the engine's type.
#[test]
fn the_engines_store_has_no_methods_outside_the_engine() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for (module, path) in modules(&core) {
        if module.first().map(String::as_str) == Some("engine") {
            continue;
        }
        let code = code(&std::fs::read_to_string(&path).unwrap());
        if inherent_impls_in(&code).iter().any(|name| name == "Store") {
            found.push(module.join("::"));
        }
    }
    assert!(
        found.is_empty(),
        "methods added to the engine's Store outside the engine (give the feature its own \
         type over the store, as the chat's ChatStore):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_store_check_finds_an_impl_of_the_store_only() {
    let code = "impl Store {\n    fn chat_thread(&self) {}\n}";
    assert_eq!(inherent_impls_in(code), ["Store"]);
    let code = "impl crate::engine::store::Store {}";
    assert_eq!(inherent_impls_in(code), ["Store"]);
    let code = "impl<'a> ChatStore<'a> {}\nimpl LocalData for Store {}\nfn f(s: impl Fn()) {}";
    assert_eq!(inherent_impls_in(code), ["ChatStore"]);
}

/// The features whose modules under `src/features` name another feature's module, as
/// `(from, to)`: through `crate::features::…` or `super::…` paths, tests left out.
fn feature_reaches(src: &Path) -> BTreeSet<(String, String)> {
    let all = modules(src);
    let mut found = BTreeSet::new();
    for (module, file) in &all {
        let (Some("features"), Some(own)) = (
            module.first().map(String::as_str),
            module.get(1).map(String::as_str),
        ) else {
            continue;
        };
        for target in named_modules(&all, module, file) {
            if target.first().map(String::as_str) == Some("features") {
                if let Some(other) = target.get(1).filter(|other| *other != own) {
                    found.insert((own.to_owned(), other.clone()));
                }
            }
        }
    }
    found
}

/// The features made of others, each reach with why: the display shows the offers, the team
/// board and the hotel's images (and on the 2026 server the published public page); what a
/// desk kept from the older server is its offers and galleries, put on the 2026 page as cards
/// and gallery containers; a check-out at the front desk drops the room's cached guest
/// conversations, as the server deletes them; the Pictures
/// screen shows galleries, room types and hotel images together, and the galleries' and room
/// types' handles answer with its overview; the 2026 page's galleries show photos on their way
/// as the Pictures screen does (its `UploadView` and local-image address, one shape for the
/// UI's upload list). A reach not listed here fails the check, and so
/// does one listed that is gone (the list only shrinks).
const COMPOSED_OF: &[(&str, &str)] = &[
    ("display", "hotel_images"),
    ("display", "offers"),
    ("display", "pictures"),
    ("display", "public_page"),
    ("display", "team"),
    ("front_desk", "chat"),
    ("galleries", "pictures"),
    ("older_server", "galleries"),
    ("older_server", "offers"),
    ("older_server", "pictures"),
    ("older_server", "public_page"),
    ("pictures", "galleries"),
    ("pictures", "hotel_images"),
    ("public_page", "galleries"),
    ("pictures", "room_types"),
    ("room_types", "pictures"),
];

/// Issue 64.4: no feature reaches into another's module for what both need (the desk's sign-in
/// into the display's staff keys, the chat's spec into the hotel images' refusal): a helper two
/// features share sits below both (`context`, `rules`, `engine`). Only the features made of
/// others, listed with why, name other features.
#[test]
fn no_feature_names_another_features_module() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = feature_reaches(&core);
    let listed: BTreeSet<(String, String)> = COMPOSED_OF
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    let new: Vec<_> = found.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&found).collect();
    assert!(
        new.is_empty(),
        "features that name another feature's module (move what both need below them):\n{new:?}"
    );
    assert!(gone.is_empty(), "listed in COMPOSED_OF but gone: {gone:?}");
}

#[test]
fn the_feature_reach_check_finds_a_reach_through_crate_and_super() {
    let folder = std::env::temp_dir().join(format!("reaches-{}", std::process::id()));
    for dir in [
        "features/chat",
        "features/display",
        "features/offers",
        "context",
    ] {
        std::fs::create_dir_all(folder.join(dir)).unwrap();
    }
    std::fs::write(folder.join("lib.rs"), "mod context; mod features;").unwrap();
    std::fs::write(folder.join("context/mod.rs"), "pub fn keys() {}").unwrap();
    std::fs::write(
        folder.join("features/mod.rs"),
        "mod chat; mod display; mod offers;",
    )
    .unwrap();
    std::fs::write(folder.join("features/offers/mod.rs"), "pub fn spec() {}").unwrap();
    std::fs::write(
        folder.join("features/chat/mod.rs"),
        "mod spec; use crate::context::keys; use super::chat::spec;",
    )
    .unwrap();
    std::fs::write(
        folder.join("features/chat/spec.rs"),
        "use super::super::display::keys;\n// crate::features::offers in a comment",
    )
    .unwrap();
    std::fs::write(
        folder.join("features/display/mod.rs"),
        "use crate::features::offers::spec;\n#[cfg(test)]\nuse crate::features::chat;",
    )
    .unwrap();
    let found = feature_reaches(&folder);
    let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    assert_eq!(
        found,
        BTreeSet::from([pair("chat", "display"), pair("display", "offers")])
    );
    std::fs::remove_dir_all(&folder).unwrap();
}
