//! Reads `tauri.conf.json` and the commands, each written once with `command!` in
//! `src/commands/<area>.rs` (the windows in `commands.rs`): declares the commands to Tauri,
//! writes the module list `commands` includes, the handler list main.rs includes, each window's
//! capability file, and the UI's typed command list: each command's arguments and result read
//! from its handler (ui/src/lib/commands.generated.ts), so a renamed argument or a changed
//! result fails the UI's type check. Generated files are rewritten only when their content
//! changes (they are committed, so a review shows what a window may call).

use std::collections::HashMap;
use std::path::Path;

include!("commands.rs");

/// One command as its area's file declares it.
struct Command {
    /// The file (`offers` for src/commands/offers.rs).
    module: String,
    handler: syn::ItemFn,
    /// The windows that may call it.
    windows: Vec<String>,
    /// It waits for the hotel's server before it answers (`asks: server`).
    asks_the_server: bool,
}

impl Command {
    fn name(&self) -> String {
        self.handler.sig.ident.to_string()
    }
}

fn main() {
    println!("cargo:rerun-if-changed=commands.rs");
    println!("cargo:rerun-if-changed=src/commands");
    let found = commands().and_then(|(commands, files)| {
        generate(&commands, &files)?;
        Ok(commands)
    });
    let commands = match found {
        Ok(commands) => commands,
        Err(error) => {
            println!("cargo:warning=cannot write the generated command files: {error}");
            std::process::exit(1);
        }
    };
    // Tauri keeps the names for the whole build; the build script ends right after.
    let names: &'static [&str] = commands
        .iter()
        .map(|c| &*c.name().leak())
        .collect::<Vec<_>>()
        .leak();
    let manifest = tauri_build::AppManifest::new().commands(names);
    let attributes = tauri_build::Attributes::new()
        .config_path("tauri.conf.json")
        .app_manifest(manifest);
    if let Err(error) = tauri_build::try_build(attributes) {
        println!("cargo:warning=tauri build failed: {error:#}");
        std::process::exit(1);
    }
}

/// Every command of src/commands/*.rs, by file then as written, and the parsed files.
fn commands() -> std::io::Result<(Vec<Command>, HashMap<String, syn::File>)> {
    let mut paths: Vec<_> = std::fs::read_dir("src/commands")?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .filter(|path| !path.ends_with("mod.rs"))
        .collect();
    paths.sort();
    let mut commands = Vec::new();
    let mut files = HashMap::new();
    for path in paths {
        let module = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        let text = std::fs::read_to_string(&path)?;
        let file = syn::parse_file(&text)
            .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display())))?;
        for item in &file.items {
            let syn::Item::Macro(m) = item else { continue };
            if !m.mac.path.is_ident("command") {
                continue;
            }
            let (windows, asks_the_server, rest) = declared(&m.mac.tokens.to_string());
            let handler = syn::parse_str::<syn::ItemFn>(&rest).map_err(|e| {
                std::io::Error::other(format!(
                    "{}: a command! that is not a function: {e}",
                    path.display()
                ))
            })?;
            for window in &windows {
                if !WINDOWS.iter().any(|(name, _, _)| name == window) {
                    return Err(std::io::Error::other(format!(
                        "{}: {} names the window '{window}', which commands.rs does not list",
                        path.display(),
                        handler.sig.ident
                    )));
                }
            }
            commands.push(Command {
                module: module.clone(),
                handler,
                windows,
                asks_the_server,
            });
        }
        files.insert(module, file);
    }
    Ok((commands, files))
}

/// What a `command!` declares before its function, as proc_macro2 prints it: the windows it
/// names (`windows: [main, display]`; without it, the desk window only), whether it waits for
/// the hotel's server (`asks: server`), and the function's text.
fn declared(text: &str) -> (Vec<String>, bool, String) {
    const ASKS: &str = "asks : server";
    let (windows, rest) = windows_of(text);
    match rest.find(ASKS) {
        Some(at) => (
            windows,
            true,
            format!("{}{}", &rest[..at], &rest[at + ASKS.len()..]),
        ),
        None => (windows, false, rest),
    }
}

/// The windows a command names (`windows: [main, display]`, as proc_macro2 prints it), and the
/// rest of its text; without it, the desk window only.
fn windows_of(text: &str) -> (Vec<String>, String) {
    let Some(start) = text.find("windows : [") else {
        return (vec![MAIN.to_owned()], text.to_owned());
    };
    let after = start + "windows : [".len();
    let Some(len) = text[after..].find(']') else {
        return (vec![MAIN.to_owned()], text.to_owned());
    };
    let windows = text[after..after + len]
        .split(',')
        .map(|w| w.trim().to_owned())
        .filter(|w| !w.is_empty())
        .collect();
    let rest = format!("{}{}", &text[..start], &text[after + len + 1..]);
    (windows, rest)
}

fn generate(commands: &[Command], files: &HashMap<String, syn::File>) -> std::io::Result<()> {
    let out_dir = std::env::var("OUT_DIR").map_err(std::io::Error::other)?;
    let handlers: Vec<String> = commands
        .iter()
        .map(|c| format!("    commands::{}::{},\n", c.module, c.name()))
        .collect();
    write_if_changed(
        &Path::new(&out_dir).join("handlers.rs"),
        &format!("tauri::generate_handler![\n{}]\n", handlers.concat()),
    )?;
    // Each area's file is a module of `commands` (a new area adds no line there).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").map_err(std::io::Error::other)?;
    let mut modules: Vec<&String> = files.keys().collect();
    modules.sort();
    let modules: Vec<String> = modules
        .iter()
        .map(|m| {
            format!(
                "#[path = {:?}]\npub mod {m};\n",
                format!("{manifest}/src/commands/{m}.rs")
            )
        })
        .collect();
    write_if_changed(&Path::new(&out_dir).join("modules.rs"), &modules.concat())?;
    for (window, identifier, description) in WINDOWS {
        let mut permissions = vec![
            "core:event:allow-listen".to_owned(),
            "core:event:allow-unlisten".to_owned(),
        ];
        permissions.extend(
            commands
                .iter()
                .filter(|c| c.windows.iter().any(|w| w == window))
                .map(|c| format!("allow-{}", c.name().replace('_', "-"))),
        );
        let listed: Vec<String> = permissions.iter().map(|p| format!("    \"{p}\"")).collect();
        let json = format!(
            "{{\n  \"$schema\": \"../gen/schemas/desktop-schema.json\",\n  \"identifier\": \"{identifier}\",\n  \"description\": \"{description}\",\n  \"windows\": [\"{window}\"],\n  \"permissions\": [\n{}\n  ]\n}}\n",
            listed.join(",\n")
        );
        write_if_changed(
            &Path::new("capabilities").join(format!("{window}.json")),
            &json,
        )?;
    }
    write_if_changed(
        &Path::new("..").join("ui/src/lib/commands.generated.ts"),
        &typescript(commands, files)?,
    )
}

/// The UI's typed command list: for each command, its arguments as Tauri takes them (camelCase
/// names; `null`: none; `"raw"`: a file as the raw body, with headers) and its result.
fn typescript(commands: &[Command], files: &HashMap<String, syn::File>) -> std::io::Result<String> {
    let mut entries = Vec::new();
    for command in commands {
        let entry = signature(&command.handler, &files[&command.module])
            .map_err(|e| std::io::Error::other(format!("{}: {e}", command.name())))?;
        entries.push(format!("  {}: {entry};", command.name()));
    }
    let asking: Vec<String> = commands
        .iter()
        .filter(|c| c.asks_the_server)
        .map(|c| format!("  \"{}\",", c.name()))
        .collect();
    Ok(format!(
        "// Generated by src-tauri/build.rs from the command handlers in src-tauri/src/commands/.\n// Do not edit by hand.\n\nimport type * as G from \"./generated\";\n\n/** Every command the shell registers: its arguments (`null`: none; `\"raw\"`: a file's bytes\n *  as the request body, with `headers`) and what it resolves to. A failure rejects with a\n *  `UiError`. */\nexport interface Commands {{\n{}\n}}\n\nexport type CommandName = keyof Commands;\n\n/** The commands that wait for the hotel's server before they answer (`asks: server`); the\n *  others answer from this desk. */\nexport const ASKS_THE_SERVER: ReadonlySet<CommandName> = new Set<CommandName>([\n{}\n]);\n",
        entries.join("\n"),
        asking.join("\n")
    ))
}

/// The functions of a command file: those declared with `command! { … }` and plain ones (its
/// helpers).
fn handlers(file: &syn::File) -> Vec<syn::ItemFn> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Macro(m) if m.mac.path.is_ident("command") => {
                syn::parse_str::<syn::ItemFn>(&declared(&m.mac.tokens.to_string()).2).ok()
            }
            syn::Item::Fn(f) => Some(f.clone()),
            _ => None,
        })
        .collect()
}

/// Arguments the shell fills in itself, never sent by the UI.
const INJECTED: &[&str] = &["State", "Request", "AppHandle", "Window", "WebviewWindow"];

fn signature(handler: &syn::ItemFn, file: &syn::File) -> Result<String, String> {
    let mut args = Vec::new();
    let mut raw = false;
    for input in &handler.sig.inputs {
        let syn::FnArg::Typed(arg) = input else {
            return Err("a command takes no self".into());
        };
        let syn::Pat::Ident(name) = &*arg.pat else {
            return Err("an argument must be a plain name".into());
        };
        let type_name = last_ident(&arg.ty);
        if type_name.as_deref() == Some("Request") {
            raw = true;
        }
        if type_name.is_some_and(|t| INJECTED.contains(&t.as_str())) {
            continue;
        }
        args.push(format!(
            "{}: {}",
            camel_case(&name.ident.to_string()),
            ts(&arg.ty)?
        ));
    }
    let result = match &handler.sig.output {
        syn::ReturnType::Default => "void".to_owned(),
        syn::ReturnType::Type(_, ty) => match result_ok(ty) {
            Some(ok) => ts(ok)?,
            None => ts(ty)?,
        },
    };
    let args = if raw {
        let body = tokens_of_body(handler, file);
        let mut headers: Vec<String> = Vec::new();
        for (call, required) in [
            ("upload (& request ,", true),
            ("header (& request ,", false),
            ("header (request ,", false),
        ] {
            for name in literals_after(&body, call) {
                headers.push(format!(
                    "\"{name}\"{}: string",
                    if required { "" } else { "?" }
                ));
            }
        }
        headers.push("\"file-name\"?: string".into());
        format!("args: \"raw\"; headers: {{ {} }}", headers.join("; "))
    } else if args.is_empty() {
        "args: null".to_owned()
    } else {
        format!("args: {{ {} }}", args.join("; "))
    };
    Ok(format!("{{ {args}; result: {result} }}"))
}

/// The handler's text, with the text of the file's helpers it calls (one level), as
/// proc_macro2 prints tokens (`upload (& request , "offer-id" , …)`).
fn tokens_of_body(handler: &syn::ItemFn, file: &syn::File) -> String {
    use quote::ToTokens;
    let text = |f: &syn::ItemFn| f.to_token_stream().to_string();
    let body = text(handler);
    let mut all = body.clone();
    for helper in handlers(file) {
        if helper.sig.ident != handler.sig.ident
            && body.contains(&format!("{} (", helper.sig.ident))
        {
            all.push_str(&text(&helper));
        }
    }
    all
}

/// The first string literal of each call `call` in `text`.
fn literals_after(text: &str, call: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices(call) {
        let rest = &text[at + call.len()..];
        if let Some(start) = rest.find('"') {
            if let Some(len) = rest[start + 1..].find('"') {
                found.push(rest[start + 1..start + 1 + len].to_owned());
            }
        }
    }
    found
}

fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(reference) => last_ident(&reference.elem),
        _ => None,
    }
}

/// `T` of `Result<T, UiError>`.
fn result_ok(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    generic_args(last).first().copied()
}

fn generic_args(segment: &syn::PathSegment) -> Vec<&syn::Type> {
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The TypeScript of a Rust type as serde sends it; named types are the core's generated ones.
fn ts(ty: &syn::Type) -> Result<String, String> {
    match ty {
        syn::Type::Reference(reference) => ts(&reference.elem),
        // Tauri answers `()` with null, which the screens read as nothing.
        syn::Type::Tuple(tuple) if tuple.elems.is_empty() => Ok("void".into()),
        syn::Type::Path(path) => {
            let last = path.path.segments.last().ok_or("an empty type")?;
            let inner = || -> Result<String, String> {
                match generic_args(last).as_slice() {
                    [one] => ts(one),
                    _ => Err(format!("{} needs one type", last.ident)),
                }
            };
            Ok(match last.ident.to_string().as_str() {
                "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize"
                | "f32" | "f64" => "number".into(),
                "String" | "str" => "string".into(),
                "bool" => "boolean".into(),
                "Option" => format!("{} | null", inner()?),
                "Vec" => format!("Array<{}>", inner()?),
                name if generic_args(last).is_empty() => format!("G.{name}"),
                name => return Err(format!("no TypeScript for {name}<…>")),
            })
        }
        _ => Err("a type build.rs cannot write in TypeScript".into()),
    }
}

fn camel_case(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn write_if_changed(path: &Path, content: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|current| current == content) {
        return Ok(());
    }
    std::fs::write(path, content)
}
