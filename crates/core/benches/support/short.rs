//! A short run of a benchmark (`HOTELMATE_BENCH_SHORT` set, as `cargo xtask bench --short` and
//! `cargo xtask test` set it): the same steps on small numbers, to show the benchmark still runs
//! from a fresh clone. Its figures are not measurements.

/// Whether this is a short run.
pub fn short() -> bool {
    std::env::var_os("HOTELMATE_BENCH_SHORT").is_some()
}

/// `full`, or `small` in a short run (the hostile cases are the same in both).
#[allow(dead_code)]
pub fn size<T>(full: T, small: T) -> T {
    if short() {
        small
    } else {
        full
    }
}

/// Where the benchmark writes its figures: `target/bench/`, or `target/bench/short/` for a
/// short run, which never overwrites a measurement.
pub fn out_dir() -> std::path::PathBuf {
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    if short() {
        out.join("short")
    } else {
        out
    }
}
