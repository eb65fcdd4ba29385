//! `cargo xtask bench converge [--desks N] [--rounds N]`: the convergence harness at hotel size
//! (10 desks by default), in the private desktop session (each desk keeps its token in the
//! keyring). Prints the figures and writes `target/bench/converge.json`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hotelmate_e2e::converge::{run, Plan};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|at| args.get(at + 1))
            .map(|v| {
                v.parse()
                    .unwrap_or_else(|_| panic!("{name} takes a number"))
            })
            .unwrap_or(default)
    };
    for arg in args.iter().filter(|a| a.starts_with("--")) {
        assert!(
            ["--desks", "--rounds", "--seed"].contains(&arg.as_str()),
            "unknown flag {arg} (--desks N, --rounds N, --seed N)"
        );
    }
    let program = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|examples| examples.parent())
        .unwrap()
        .join("converge_desk");
    assert!(
        program.exists(),
        "build the desk program first: cargo build -p hotelmate-e2e --bins"
    );
    let report = run(Plan {
        desks: flag("--desks", 10),
        rounds: flag("--rounds", 40),
        changes: 3,
        seed: flag("--seed", 2026) as u64,
        desk_program: program,
    })
    .await;
    report.print();
    let out = hotelmate_e2e::workspace_root().join("target/bench");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("converge.json"),
        serde_json::to_string_pretty(&report.to_json()).unwrap(),
    )
    .unwrap();
}
