//! `cargo xtask bench converge [--desks N] [--rounds N] [--seed N] [--resource
//! offers|galleries|room_types|cards|page_gallery_images]`: the convergence harness at hotel
//! size (10 desks, 40 rounds of offers by default; `cards` and `page_gallery_images` on the
//! 2026 server), in the private desktop session (each desk keeps its token in the
//! keyring). Prints the figures and writes `target/bench/converge.json` (offers) or
//! `target/bench/converge-<resource>.json`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

use hotelmate_e2e::converge::{run, Plan, Resource};

const FLAGS: &str = "--desks N, --rounds N, --seed N, --resource offers|galleries|room_types|cards|page_gallery_images";

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter().position(|a| a == name).map(|at| {
            args.get(at + 1)
                .unwrap_or_else(|| panic!("{name} takes a value ({FLAGS})"))
        })
    };
    let number = |name: &str, default: u64| {
        value(name).map_or(default, |v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} takes a number"))
        })
    };
    for arg in args.iter().filter(|a| a.starts_with("--")) {
        assert!(
            ["--desks", "--rounds", "--seed", "--resource"].contains(&arg.as_str()),
            "unknown flag {arg} ({FLAGS})"
        );
    }
    let resource = value("--resource").map_or(Resource::Offers, |name| {
        Resource::parse(name).unwrap_or_else(|| panic!("no resource '{name}' ({FLAGS})"))
    });
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
        desks: number("--desks", 10) as usize,
        rounds: number("--rounds", 40) as usize,
        changes: 3,
        seed: number("--seed", 2026),
        resource,
        desk_program: program,
    })
    .await;
    report.print();
    let out = hotelmate_e2e::bench_dir();
    std::fs::create_dir_all(&out).unwrap();
    let file = match resource {
        Resource::Offers => "converge.json".to_owned(),
        other => format!("converge-{}.json", other.name()),
    };
    std::fs::write(
        out.join(file),
        serde_json::to_string_pretty(&report.to_json()).unwrap(),
    )
    .unwrap();
}
