//! `cargo xtask <command>`: the project's README commands, in Rust.
//!
//! - `demo`: install what the app needs, build the UI and the app, and open it on the demo hotel.
//! - `test`: install everything the tests need, then run every check and test, and every
//!   benchmark in its short form (the CI command).
//! - `bench [realtime|media|sync|pictures|chat [--messages N] [--seconds S]|load|converge
//!   [--desks N] [--rounds N] [--seed N] [--resource offers|galleries|room_types|cards|page_gallery_images]|soak
//!   [--hours N]|app [--runs N] [--idle-seconds S]|hostile|server-load|front-desk]`: the
//!   benchmarks, each against a reference in the same run; tables on stdout, JSON under
//!   `target/bench/`. `chat` is the core's Messages reads, then a guest's flood of the real
//!   window (10,000 messages in 90 s) beside a pusher-js client on the same channel.
//!   `front-desk` is the Front desk screen's paint and search with 300 rooms and 600 bookings. `app` is the release desk's start to its painted
//!   cached offers and its memory after a minute idle, beside a minimal Tauri window
//!   ([`bench_app`]). `bench --short [names]`: each on small numbers with the tests' unoptimised
//!   builds, to show it still runs (figures under `target/bench/short/`, not measurements).
//! - `bundle [--appimage | --debug] [--maintainer "Name <address>"]`: the installable `.deb` and `.rpm` (and AppImage) of a
//!   release build (or of the debug build), checked by lintian and rpmlint.
//! - `nextest [nextest args]`: only `cargo nextest run` with those arguments, in the tests'
//!   private desktop session (after `cargo xtask setup`); a developer's quick loop. When the
//!   arguments name a window test (`window_`), the UI and the app are built first.
//! - `setup`: only the installs (idempotent; fast when everything is there).
//! - `doctor`: what the commands rely on, found or missing, with what provides each.
//!
//! Not for: anything the app itself does at run time.

// Unit tests may run long; the production code is checked in its own build (issue 64.5).
#![cfg_attr(test, allow(clippy::too_many_lines))]

mod bench_app;
mod bundle;
mod copyright;
mod desktop;
mod doctor;
mod packages;
mod run;
mod setup;

use std::process::ExitCode;

use run::{workspace_root, Step};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    use_tool_paths();
    setup::use_compiler_cache();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("nextest") => nextest_only(&args[1..]),
        Some("bundle") => bundle::run(&args[1..]),
        Some("setup") => setup::all(),
        Some("doctor") => doctor::run(doctor::Needs::Tests),
        Some("bench") => bench(&args[1..]),
        Some(desktop::INNER_COMMAND) => desktop::inner(&args[1..]),
        Some(bench_app::INNER_COMMAND) => bench_app::inner(&args[1..]),
        Some(SHORT_BESIDE_COMMAND) => short_benches_one_by_one(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask <demo [--generation classic|2026] | test [nextest filters] | nextest [nextest args] | bundle [--appimage | --debug] [--maintainer \"Name <address>\"] | bench [--short] [realtime|media|sync|pictures|chat [--messages N] [--seconds S]|load|converge [--desks N] [--rounds N] [--seed N] [--resource offers|galleries|room_types|cards|page_gallery_images]|soak [--hours N] [--minutes N]|app [--runs N] [--idle-seconds S]|hostile|server-load|front-desk] | setup | doctor>");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Puts the tools xtask installs under target/tools (a Node from the npm registry) first on
/// PATH, for xtask's own steps and everything they start (tests that run `node`).
fn use_tool_paths() {
    let root = workspace_root();
    let mut paths = setup::tool_paths(&root);
    if let Some(current) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&current));
    }
    if let Ok(joined) = std::env::join_paths(paths) {
        std::env::set_var("PATH", joined);
    }
}

/// Builds the UI and runs the app, signed out or on its saved session. The app is built as
/// `cargo xtask test` builds it (the whole workspace, one feature set), so right after the
/// tests it starts in seconds instead of rebuilding its dependencies.
/// Runs the app on the demo hotel; `--generation 2026` makes the demo hotel play the 2026
/// HotelMate backend (API.md §10) instead of the classic one.
fn demo(args: &[String]) -> Result<(), String> {
    let generation = match args {
        [] => None,
        [flag, name] if flag == "--generation" && (name == "classic" || name == "2026") => {
            Some(name.clone())
        }
        _ => return Err("usage: cargo xtask demo [--generation classic|2026]".into()),
    };
    setup::for_app()?;
    doctor::run(doctor::Needs::App)?;
    build_ui()?;
    Step::new("cargo", &["build", "--workspace", "--bins"]).run()?;
    let app = run::target_dir().join("debug/hotelmate-desk");
    let mut step = Step::new(&app.display().to_string(), &[]);
    if let Some(name) = generation {
        step = step.env("HOTELMATE_DEMO_GENERATION", &name);
    }
    step.run()
}

pub(crate) fn build_ui() -> Result<(), String> {
    Step::new("npm", &["run", "build"]).dir("ui").run()
}

/// How long `cargo xtask test` fuzzes the Pusher frame decoder.
const FUZZ_SECONDS: u32 = 30;

/// Runs the pusher-channels frame decoder under libFuzzer for a bounded time. cargo-fuzz needs
/// unstable compiler flags; RUSTC_BOOTSTRAP lets the machine's stable toolchain accept them.
fn fuzz_frame_decoder(root: &std::path::Path) -> Step {
    let fuzz = setup::cargo_fuzz_path(root).display().to_string();
    let limit = format!("-max_total_time={FUZZ_SECONDS}");
    let mut step = Step::new(&fuzz, &["run", "frame_decoder", "--", &limit])
        .dir("crates/pusher/fuzz")
        .env("RUSTC_BOOTSTRAP", "1");
    // The fuzzer's release build (with its sanitizer) is kept between clones, as the tools are:
    // a fresh clone rebuilds only the Pusher crate and the target, not their dependencies.
    if let Some(kept) = setup::build_cache("fuzz-target") {
        step = step.env("CARGO_TARGET_DIR", kept);
    }
    step
}

/// Runs a harness (an example of the cross-process tests) with its own flags and these
/// variables inside the private desktop session (windows, the keyring): measured, by `cargo`
/// with `cargo_run` (`run`, or `run --release`); short, the tests' build of it
/// ([`build_examples`]).
fn run_harness_with(
    cargo_run: &[&str],
    example: &str,
    flags: &[String],
    env: &[(String, String)],
    form: Form,
) -> Result<(), String> {
    if form == Form::Short {
        let program = built_example(example);
        return desktop::run_in_private_session(&program, flags, env);
    }
    let mut args: Vec<String> = cargo_run.iter().map(|a| (*a).to_owned()).collect();
    args.extend(
        ["-p", "hotelmate-e2e", "--example", example, "--"]
            .iter()
            .map(|a| (*a).to_owned()),
    );
    args.extend(flags.iter().cloned());
    desktop::run_in_private_session("cargo", &args, env)
}

/// Every example (the harnesses and the benchmarks' programs), as the tests build the
/// workspace: `cargo run -p <package> --example` would resolve the features of one package and
/// compile a second variant of the core, ring and rustls (about 140 s on a fresh clone).
fn build_examples() -> Result<(), String> {
    Step::new("cargo", &["build", "--workspace", "--examples"]).run()
}

/// Where [`build_examples`] put the example `name`.
fn built_example(name: &str) -> String {
    run::target_dir()
        .join("debug/examples")
        .join(name)
        .display()
        .to_string()
}

/// The benchmarks, by name.
const BENCHES: &[&str] = &[
    "realtime",
    "media",
    "sync",
    "pictures",
    "chat",
    "load",
    "converge",
    "soak",
    "app",
    "hostile",
    "server-load",
    "front-desk",
];

/// The benchmarks (all of them when none is named). `--short` first runs each on small numbers
/// with the tests' unoptimised builds ([`Form::Short`]).
fn bench(args: &[String]) -> Result<(), String> {
    let (form, names) = match args.split_first() {
        Some((flag, rest)) if flag == "--short" => (Form::Short, rest),
        _ => (Form::Measured, args),
    };
    // `soak --hours 72`, `converge --desks 10 --resource galleries`, `chat --messages 2000`: a
    // harness's own flags follow its name and go to it as they are (the harness checks them).
    let (names, harness_flags) = match names.iter().position(|n| n.starts_with("--")) {
        Some(at)
            if at == 1
                && matches!(
                    names[0].as_str(),
                    "soak" | "converge" | "chat" | "app" | "hostile"
                ) =>
        {
            (&names[..at], names[at..].to_vec())
        }
        _ => (names, Vec::new()),
    };
    let chosen: Vec<&str> = if names.is_empty() {
        BENCHES.to_vec()
    } else {
        names.iter().map(String::as_str).collect()
    };
    // `app` installs only what it needs (no fuzzer, no sockudo).
    if chosen.iter().any(|name| *name != "app") {
        setup::all()?;
    }
    let root = workspace_root();
    if form == Form::Short {
        build_ui_and_bins()?;
        build_examples()?;
        if names.is_empty() {
            return short_benches(&root);
        }
    }
    for name in chosen {
        run_bench(name, &harness_flags, &root, form)?;
    }
    Ok(())
}

/// The short benchmarks that drive a desk's window or process, each in a private desktop
/// session of its own: mostly waiting on a desk to start, sign in and answer, so they run beside
/// the others ([`short_benches`]).
const SHORT_BESIDE: &[&str] = &["chat", "converge", "soak", "app", "server-load"];

/// The hidden command that runs short benchmarks one after another, already built: the lane of
/// [`short_benches`] that runs beside.
const SHORT_BESIDE_COMMAND: &str = "__short-benches";

/// Every benchmark in its short form (built already), in two lanes: those of [`SHORT_BESIDE`]
/// in a second xtask beside the others, its output printed when it ends (so that each lane's
/// output reads in order). One after another they took about 150 s of every `cargo xtask
/// test`, with the processor often idle.
fn short_benches(root: &std::path::Path) -> Result<(), String> {
    // This very program: the file cargo built may be gone (`cargo build --workspace` links
    // another build of xtask to its path; see `desktop::session_program`).
    let mut args = vec![SHORT_BESIDE_COMMAND];
    args.extend_from_slice(SHORT_BESIDE);
    let beside = Step::new("/proc/self/exe", &args)
        .start_into(&root.join("target/bench/short/beside.log"))?;
    let here = BENCHES
        .iter()
        .filter(|name| !SHORT_BESIDE.contains(name))
        .try_for_each(|name| run_bench(name, &[], root, Form::Short));
    let beside = beside.finish();
    here.and(beside)
}

/// [`SHORT_BESIDE_COMMAND`]: the short benchmarks `names`, one after another, then where their
/// time went.
fn short_benches_one_by_one(names: &[String]) -> Result<(), String> {
    let root = workspace_root();
    let outcome = names
        .iter()
        .try_for_each(|name| run_bench(name, &[], &root, Form::Short));
    run::print_times();
    outcome
}

/// How a benchmark runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// Optimised builds (and an optimised sockudo), full sizes: the figures the README gives.
    Measured,
    /// The tests' unoptimised builds and small numbers (`bench --short`, and the end of `cargo
    /// xtask test`): shows from a fresh clone that each benchmark still builds, finds what it
    /// starts and runs to its end, so a broken bench fails the suite. It measures nothing: its
    /// figures go to `target/bench/short/`, and a goal it misses is not a failure (what a
    /// harness checks of correctness, such as nothing lost, it still checks).
    Short,
}

impl Form {
    /// `cargo bench`'s arguments for the core's benchmark `name`: measured, optimised with the
    /// core's own features; short, the tests' unoptimised build with the workspace's features,
    /// so that only the benchmark itself is compiled after the tests (`-p hotelmate-core`
    /// resolves the features of one package, and compiled a second variant of the core and of
    /// ring and rustls: about 140 s on a fresh clone).
    fn bench(self, name: &str) -> Vec<&str> {
        match self {
            Form::Measured => vec!["bench", "-p", "hotelmate-core", "--bench", name],
            Form::Short => vec!["bench", "--workspace", "--profile", "dev", "--bench", name],
        }
    }

    /// The harness's own flags: the person's, or a short run's small numbers.
    fn flags(self, given: &[String], short: &[&str]) -> Vec<String> {
        match self {
            Form::Short if given.is_empty() => short.iter().map(|f| (*f).to_owned()).collect(),
            _ => given.to_vec(),
        }
    }

    /// The variables every harness of this form runs with.
    fn env(self, root: &std::path::Path) -> Vec<(String, String)> {
        let mut env = setup::test_env(root);
        if self == Form::Short {
            env.push((bench_app::SHORT_VARIABLE.to_owned(), "1".to_owned()));
        }
        env
    }

    /// `step` with this form's variables.
    fn with_env(self, mut step: Step, root: &std::path::Path) -> Step {
        for (key, value) in self.env(root) {
            step = step.env(&key, value);
        }
        step
    }
}

/// One benchmark, with its harness's own flags.
fn run_bench(
    name: &str,
    harness_flags: &[String],
    root: &std::path::Path,
    form: Form,
) -> Result<(), String> {
    let core_bench = |bench: &str| form.with_env(Step::new("cargo", &form.bench(bench)), root);
    match name {
        "realtime" => bench_realtime(root, form),
        "media" | "sync" | "pictures" => core_bench(name).run(),
        // The Front desk screen's reads with a real hotel's numbers (issue 66.9).
        "front-desk" => core_bench("front_desk").run(),
        "chat" => {
            // The Messages screen's reads, then a guest's flood on the real window (issue 28),
            // which runs in the private desktop session.
            core_bench("chat").run()?;
            let flags = form.flags(harness_flags, &["--messages", "60", "--seconds", "5"]);
            bench_guest_flood(&flags, root, form)
        }
        "app" => bench_app::run(
            &form.flags(harness_flags, &["--runs", "1", "--idle-seconds", "2"]),
            form == Form::Short,
        ),
        "soak" => bench_soak(
            &form.flags(harness_flags, &["--minutes", "1", "--sample-minutes", "1"]),
            root,
            form,
        ),
        "server-load" => bench_server_load(harness_flags, root, form),
        "hostile" => {
            // A hostile server's endless list in the core, then issue 36's hostile inputs on
            // a real window (the private desktop session).
            core_bench("hostile").run()?;
            if form == Form::Measured {
                build_ui_and_bins()?;
            }
            let flags = form.flags(harness_flags, &["--conversations", "100"]);
            run_harness_with(&["run"], "hostile_memory", &flags, &form.env(root), form)
        }
        "converge" => {
            // Desk processes keep their tokens in the keyring: the private session.
            if form == Form::Measured {
                Step::new(
                    "cargo",
                    &["build", "--release", "-p", "hotelmate-e2e", "--bins"],
                )
                .run()?;
            }
            let flags = form.flags(harness_flags, &["--desks", "2", "--rounds", "2"]);
            let run = ["run", "--release"];
            run_harness_with(&run, "converge", &flags, &form.env(root), form)
        }
        "load" => {
            let args: &[&str] = match form {
                Form::Measured => &["500", "5"],
                Form::Short => &["20", "1"],
            };
            example(root, "hotelmate-sandbox", "load", args, form).run()
        }
        other => Err(format!(
            "no benchmark named '{other}' (choose from {})",
            BENCHES.join(", ")
        )),
    }
}

/// `pusher-channels` beside pusher-js on the same sockudo.
fn bench_realtime(root: &std::path::Path, form: Form) -> Result<(), String> {
    let step = example(root, "pusher-channels", "realtime_bench", &[], form);
    match form {
        // Measured on an optimised sockudo, not the tests' unoptimised one.
        Form::Measured => step.env("SOCKUDO_BIN", setup::sockudo_for_bench()?).run(),
        // The tests' sockudo (in the tests' variables), one small round.
        Form::Short => step
            .env("BENCH_ROUNDS", "1")
            .env("BENCH_LATENCY_EVENTS", "50")
            .env("BENCH_BURST_EVENTS", "500")
            .run(),
    }
}

/// A package's example with its arguments: optimised by `cargo run`, or for a short run the
/// tests' build of it ([`build_examples`]).
fn example(root: &std::path::Path, package: &str, name: &str, args: &[&str], form: Form) -> Step {
    let step = match form {
        Form::Measured => {
            let mut all = vec!["run", "--release", "-p", package, "--example", name];
            if !args.is_empty() {
                all.push("--");
                all.extend_from_slice(args);
            }
            Step::new("cargo", &all)
        }
        Form::Short => Step::new(&built_example(name), args),
    };
    form.with_env(step, root)
}

/// The server's load from signed-in desks. A signed-in desk keeps its token in the keyring:
/// the private session.
fn bench_server_load(
    harness_flags: &[String],
    root: &std::path::Path,
    form: Form,
) -> Result<(), String> {
    let mut args: Vec<String> = form
        .bench("server_load")
        .iter()
        .map(|a| (*a).to_owned())
        .collect();
    args.push("--".to_owned());
    args.extend(harness_flags.iter().cloned());
    desktop::run_in_private_session("cargo", &args, &form.env(root))
}

/// The UI and the tests' build of the desk and the harnesses' programs (their features, so
/// nothing is compiled again after the tests): what `hostile`'s window harness starts, and what
/// a short run starts, built once before its benchmarks (`cargo xtask test` has built both
/// already).
fn build_ui_and_bins() -> Result<(), String> {
    build_ui()?;
    Step::new("cargo", &["build", "--workspace", "--bins"]).run()
}

/// The desk the benchmark runs and the variables it runs with: the release desk (`cargo build
/// --release` made it, as the package holds it), or for a short run the tests' own.
fn desk_for(form: Form, root: &std::path::Path) -> Result<Vec<(String, String)>, String> {
    let mut env = form.env(root);
    if form == Form::Short {
        // Built once for the short run ([`build_ui_and_bins`]).
        return Ok(env);
    }
    build_ui()?;
    Step::new("cargo", &["build", "--release", "-p", "hotelmate-desk"]).run()?;
    for (key, value) in &mut env {
        if key == "HOTELMATE_APP_BIN" {
            *value = run::target_dir()
                .join("release/hotelmate-desk")
                .display()
                .to_string();
        }
    }
    Ok(env)
}

/// The desk a hotel runs (the release build, as the package holds it), flooded by an optimised
/// sandbox standing in for the hotel's server.
fn bench_guest_flood(
    harness_flags: &[String],
    root: &std::path::Path,
    form: Form,
) -> Result<(), String> {
    let env = desk_for(form, root)?;
    let run = ["run", "--release"];
    run_harness_with(&run, "guest_flood", harness_flags, &env, form)
}

/// `bench soak`: the release desk's reception display beside the minimal Tauri window showing
/// one photo, both measured for hours in the private desktop session (issue 39.4). The harness
/// itself (WebDriver, the sandbox, the sampling) is a debug build: it is not what is measured.
fn bench_soak(harness_flags: &[String], root: &std::path::Path, form: Form) -> Result<(), String> {
    setup::for_window_bench()?;
    let mut env = desk_for(form, root)?;
    let minimal = bench_app::build_minimal_window(form == Form::Short)?;
    env.push((
        "HOTELMATE_MINIMAL_WINDOW_BIN".into(),
        minimal.display().to_string(),
    ));
    run_harness_with(&["run"], "display_soak", harness_flags, &env, form)
}

/// Every check and every test; ends with the test runner's summary line and the compiler
/// cache's figures.
fn test(filters: &[String]) -> Result<(), String> {
    let outcome = checks_and_tests(filters);
    setup::stop_compiler_cache();
    outcome
}

/// A developer's quick loop: `cargo nextest run <args>` in the private desktop session the
/// tests need (keyring, D-Bus, X display), without the checks, the packages or the benchmarks
/// of `test`. The UI and the app are built first when a window test is asked for.
fn nextest_only(args: &[String]) -> Result<(), String> {
    let root = workspace_root();
    if args.iter().any(|arg| arg.contains("window_")) {
        build_ui()?;
        Step::new("cargo", &["build", "--workspace", "--bins"]).run()?;
    }
    std::fs::create_dir_all(root.join("target/e2e"))
        .map_err(|e| format!("cannot create target/e2e: {e}"))?;
    let mut nextest: Vec<String> = ["nextest", "run"].map(String::from).to_vec();
    nextest.extend(args.iter().cloned());
    // The compiler cache's server is left running: other builds on this machine may use it.
    desktop::run_in_private_session("cargo", &nextest, &setup::test_env(&root))
}

/// Every check and every test, in the order a developer would want them to fail.
fn checks_and_tests(filters: &[String]) -> Result<(), String> {
    setup::all()?;
    doctor::run(doctor::Needs::Tests)?;
    let root = workspace_root();
    Step::new("cargo", &["fmt", "--all", "--", "--check"]).run()?;
    build_ui()?;
    Step::new(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )
    .run()?;
    // After the shell's build script has written the commands' TypeScript signatures from the
    // Rust handlers: a call that no longer matches its command fails here.
    Step::new("npm", &["run", "check"]).dir("ui").run()?;
    // The UI's unit tests: the stores' rules and the guard that only stores call the shell.
    Step::new("npm", &["test"]).dir("ui").run()?;
    Step::new("cargo", &["build", "--workspace", "--bins"]).run()?;
    // The install tests unpack these packages and start what they installed; the package
    // tests run lintian and rpmlint on them.
    let started = std::time::Instant::now();
    bundle::debug_packages(&root)?;
    run::note_time(
        "the debug build's packages (bundled, then finished)",
        started.elapsed().as_secs_f64(),
    );
    Step::new("cargo", &["test", "--workspace", "--doc"]).run()?;
    let artifacts = root.join("target/e2e");
    std::fs::create_dir_all(&artifacts)
        .map_err(|e| format!("cannot create {}: {e}", artifacts.display()))?;
    let mut nextest: Vec<String> = ["nextest", "run", "--workspace", "--no-fail-fast"]
        .map(String::from)
        .to_vec();
    nextest.extend(filters.iter().cloned());
    let started = std::time::Instant::now();
    let outcome = desktop::run_in_private_session("cargo", &nextest, &setup::test_env(&root));
    run::note_time(
        "cargo nextest run (building the tests, then running them)",
        started.elapsed().as_secs_f64(),
    );
    // The fuzzer (one processor for 30 s) runs beside the benchmarks' short runs, which leave
    // the processors idle a third of their time; alone when only some tests were asked for.
    let outcome = outcome.and_then(|()| {
        let fuzzing =
            fuzz_frame_decoder(&root).start_into(&root.join("target/fuzz/frame_decoder.log"))?;
        let benches = short_benches_after_tests(filters, &root);
        let fuzzed = fuzzing.finish();
        benches.and(fuzzed)
    });
    run::print_times();
    outcome
}

/// After the tests: every benchmark, short (issue 37.4: a bench that no longer runs from a
/// fresh clone fails here, not when someone next measures); not when only some tests were asked
/// for.
fn short_benches_after_tests(filters: &[String], root: &std::path::Path) -> Result<(), String> {
    if !filters.is_empty() {
        return Ok(());
    }
    // The UI and the binaries were built above ([`build_ui_and_bins`]'s work is done).
    let started = std::time::Instant::now();
    let benches = build_examples().and_then(|()| short_benches(root));
    run::note_time(
        "every benchmark, short (unoptimised, small numbers)",
        started.elapsed().as_secs_f64(),
    );
    benches
}
