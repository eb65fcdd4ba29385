//! `cargo run -p hotelmate-sandbox -- --listen 127.0.0.1:8000 [--data-dir DIR] [--no-simulator] [--generation classic|2026]`: the demo hotel
//! as a standalone server, for a second desk on the same demo hotel.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use hotelmate_sandbox::{Generation, Sandbox, SandboxConfig, DEMO_LOGINS};

const USAGE: &str =
    "usage: hotelmate-sandbox [--listen ADDR:PORT] [--data-dir DIR] [--no-simulator] [--generation classic|2026]";

fn parse_args() -> Result<SandboxConfig, String> {
    let mut config = SandboxConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 8000)),
        data_dir: None,
        simulator: true,
        generation: Generation::Classic,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => {
                let v = args.next().ok_or("--listen needs ADDR:PORT")?;
                config.listen = v.parse().map_err(|e| format!("--listen {v}: {e}"))?;
            }
            "--data-dir" => {
                config.data_dir = Some(PathBuf::from(args.next().ok_or("--data-dir needs DIR")?));
            }
            "--no-simulator" => config.simulator = false,
            "--generation" => {
                let v = args.next().ok_or("--generation needs classic or 2026")?;
                config.generation = Generation::from_arg(&v)
                    .ok_or_else(|| format!("--generation {v}: classic or 2026"))?;
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "hotelmate_sandbox=info".into()),
        )
        .init();
    let config = match parse_args() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let sandbox = match Sandbox::start_with(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start the sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let p = sandbox.pusher();
    println!("HotelMate sandbox: {}", sandbox.base_url());
    println!(
        "hotel slug: {} (channel hotel-{})",
        sandbox.hotel_slug(),
        sandbox.hotel_slug()
    );
    println!(
        "pusher: app_id={} key={} secret={} host={} port={} tls={}",
        p.app_id, p.key, p.secret, p.host, p.port, p.tls
    );
    println!("logins:");
    for l in DEMO_LOGINS {
        println!(
            "  {} / {}  ({} {}, {})",
            l.username, l.password, l.first_name, l.last_name, l.role
        );
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("cannot wait for Ctrl-C: {e}");
    }
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
