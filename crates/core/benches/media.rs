//! Media benchmark: a 12-megapixel photo-like JPEG to a 2560 px upload, our pipeline against
//! `vipsthumbnail` (libvips) on the same file in the same minute. Prints a table and writes
//! `target/bench/media.json`; every time is also given as a ratio to vips, since absolute times on
//! shared machines are noisy.
//!
//! Ours runs on one thread and also makes the 480 px thumbnail; vips gets its default threads,
//! and is measured a second time held to one thread. Its times include starting the process.
//! Each round runs every contender once, so a burst of load on the machine hits them all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)]

#[path = "support/short.rs"]
mod short;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use hotelmate_core::media::{prepare, ImagePolicy};
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{Rgb, RgbImage};
use serde_json::json;

fn width_px() -> u32 {
    short::size(4000, 2800)
}
fn height_px() -> u32 {
    short::size(3000, 2100)
}
/// What phone cameras write; the input is bigger than the output would be at 85.
const INPUT_QUALITY: u8 = 92;
fn runs() -> usize {
    short::size(7, 1)
}
const VIPS: &str = "vipsthumbnail";

struct Row {
    name: &'static str,
    times: Vec<Duration>,
    output_bytes: usize,
    output_size: (u32, u32),
    /// Against a Lanczos3 resize of the input kept as pixels: how much the output lost.
    psnr_db: Option<f64>,
}

impl Row {
    fn median_ms(&self) -> f64 {
        let mut sorted = self.times.clone();
        sorted.sort();
        sorted[sorted.len() / 2].as_secs_f64() * 1000.0
    }

    fn min_ms(&self) -> f64 {
        self.times
            .iter()
            .min()
            .map_or(0.0, |t| t.as_secs_f64() * 1000.0)
    }
}

fn main() {
    let out_dir = short::out_dir();
    fs::create_dir_all(&out_dir).unwrap();
    let out_dir = out_dir.canonicalize().unwrap();
    let input_path = out_dir.join("media-input.jpg");

    let started = Instant::now();
    let input = photo_jpeg();
    fs::write(&input_path, &input).unwrap();
    let (width_px, height_px, runs) = (width_px(), height_px(), runs());
    println!(
        "input: {width_px}×{height_px} JPEG q{INPUT_QUALITY}, {} bytes (made in {:.1} s); {runs} runs each",
        input.len(),
        started.elapsed().as_secs_f64()
    );

    let reference = reference_resize(&input);
    // Tagged sRGB (most cameras) the pixels are left as they are; tagged Display P3 (an iPhone
    // export) they are converted to sRGB, on purpose, so that row has no PSNR.
    let tagged_srgb = with_profile(&input, &moxcms::ColorProfile::new_srgb());
    let tagged_p3 = with_profile(&input, &moxcms::ColorProfile::new_display_p3());
    let mut contenders = vec![
        ours("hotelmate-core media", &input, true),
        ours("  same, tagged sRGB", &tagged_srgb, true),
        ours("  same, tagged Display P3", &tagged_p3, false),
    ];
    if vips_available() {
        contenders.push(vips(&input_path, &out_dir, "vipsthumbnail", None));
        contenders.push(vips(
            &input_path,
            &out_dir,
            "vipsthumbnail, 1 thread",
            Some("1"),
        ));
    } else {
        println!("{VIPS} not found (Debian package libvips-tools): only our pipeline is timed");
    }
    let rows = measure(contenders, &reference);
    let vips_ms = rows
        .iter()
        .find(|row| row.name == "vipsthumbnail")
        .map(Row::median_ms);

    println!();
    println!(
        "{:<26} {:>10} {:>10} {:>11} {:>10} {:>12} {:>7} {:>8}",
        "pipeline",
        "median ms",
        "min ms",
        "ratio/vips",
        "output px",
        "output bytes",
        "saved",
        "PSNR dB"
    );
    let mut json_rows = Vec::new();
    for row in &rows {
        let ratio = vips_ms.map(|vips| row.median_ms() / vips);
        let saved = 1.0 - row.output_bytes as f64 / input.len() as f64;
        println!(
            "{:<26} {:>10.1} {:>10.1} {:>11} {:>10} {:>12} {:>6.1}% {:>8}",
            row.name,
            row.median_ms(),
            row.min_ms(),
            ratio.map_or("-".into(), |r| format!("{r:.2}")),
            format!("{}×{}", row.output_size.0, row.output_size.1),
            row.output_bytes,
            saved * 100.0,
            row.psnr_db.map_or("-".into(), |db| format!("{db:.2}")),
        );
        json_rows.push(json!({
            "pipeline": row.name,
            "median_ms": row.median_ms(),
            "min_ms": row.min_ms(),
            "runs_ms": row.times.iter().map(|t| t.as_secs_f64() * 1000.0).collect::<Vec<_>>(),
            "ratio_to_vips": ratio,
            "output_width": row.output_size.0,
            "output_height": row.output_size.1,
            "output_bytes": row.output_bytes,
            "bytes_saved_vs_input": input.len().saturating_sub(row.output_bytes),
            "fraction_saved_vs_input": saved,
            "psnr_db_vs_reference": row.psnr_db,
        }));
    }
    let report = json!({
        "benchmark": "media",
        "input": { "width": width_px, "height": height_px, "bytes": input.len(), "quality": INPUT_QUALITY },
        "target_long_edge_px": ImagePolicy::default().max_edge_px,
        "runs": runs,
        "reference": "vipsthumbnail -s 2560x2560 -o out.jpg[Q=85,strip]",
        "psnr_reference": "the input resized with image's Lanczos3, not encoded",
        "results": json_rows,
    });
    let json_path = out_dir.join("media.json");
    fs::write(&json_path, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    println!("\nwrote {}", json_path.display());
}

/// Gradients, a few soft shapes and sensor-like noise: compresses about like a phone photo.
fn photo_jpeg() -> Vec<u8> {
    let mut seed = 0x1234_5678_u32;
    let image = RgbImage::from_fn(width_px(), height_px(), |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % 13) as f32 - 6.0;
        let (fx, fy) = (x as f32 / width_px() as f32, y as f32 / height_px() as f32);
        let sky = 200.0 - 120.0 * fy;
        let waves = 25.0 * ((fx * 37.0).sin() * (fy * 23.0).cos());
        let sun = 60.0 * (-(((fx - 0.7).powi(2) + (fy - 0.25).powi(2)) * 40.0)).exp();
        let channel = |base: f32| (base + noise).clamp(0.0, 255.0) as u8;
        Rgb([
            channel(sky * 0.55 + waves + sun + 40.0 * fx),
            channel(sky * 0.75 + waves * 0.6 + sun * 0.8),
            channel(sky + waves * 0.3 - 30.0 * fx),
        ])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, INPUT_QUALITY)
        .encode_image(&image)
        .unwrap();
    out
}

/// The JPEG with an ICC profile segment (APP2) right after its start.
fn with_profile(jpeg: &[u8], profile: &moxcms::ColorProfile) -> Vec<u8> {
    let profile = profile.encode().unwrap();
    let mut payload = b"ICC_PROFILE\0\x01\x01".to_vec();
    payload.extend_from_slice(&profile);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE2]);
    out.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The input resized to the same size with a slow, exact filter and kept as pixels.
fn reference_resize(input: &[u8]) -> RgbImage {
    let decoded = image::load_from_memory(input).unwrap();
    let (width, height) = (2560, 2560 * height_px() / width_px());
    image::imageops::resize(&decoded.to_rgb8(), width, height, FilterType::Lanczos3)
}

fn psnr_db(output: &[u8], reference: &RgbImage) -> f64 {
    let output = image::load_from_memory(output).unwrap().to_rgb8();
    assert_eq!(output.dimensions(), reference.dimensions());
    let squared_error: f64 = output
        .as_raw()
        .iter()
        .zip(reference.as_raw())
        .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
        .sum();
    let mse = squared_error / output.as_raw().len() as f64;
    10.0 * (255.0 * 255.0 / mse).log10()
}

/// One way of making the upload: a run returns its time and the bytes it wrote.
struct Contender<'a> {
    name: &'static str,
    run: Box<dyn FnMut() -> (Duration, Vec<u8>) + 'a>,
    /// Whether its pixels should match the reference (not when colours are converted on purpose).
    compare: bool,
}

/// Runs every contender once per round, so a burst of load on the machine hits all of them.
fn measure(mut contenders: Vec<Contender<'_>>, reference: &RgbImage) -> Vec<Row> {
    for contender in &mut contenders {
        (contender.run)(); // warm-up
    }
    let mut times = vec![Vec::with_capacity(runs()); contenders.len()];
    let mut outputs = vec![Vec::new(); contenders.len()];
    for _ in 0..runs() {
        for (index, contender) in contenders.iter_mut().enumerate() {
            let (elapsed, output) = (contender.run)();
            times[index].push(elapsed);
            outputs[index] = output;
        }
    }
    contenders
        .iter()
        .zip(times)
        .zip(outputs)
        .map(|((contender, times), output)| {
            let decoded = image::load_from_memory(&output).unwrap();
            Row {
                name: contender.name,
                times,
                output_bytes: output.len(),
                output_size: (decoded.width(), decoded.height()),
                psnr_db: contender.compare.then(|| psnr_db(&output, reference)),
            }
        })
        .collect()
}

fn ours<'a>(name: &'static str, input: &'a [u8], compare: bool) -> Contender<'a> {
    let policy = ImagePolicy::default();
    let run = move || {
        let started = Instant::now();
        let prepared = prepare("bench.jpg", input, &policy).unwrap();
        (started.elapsed(), prepared.image.bytes)
    };
    Contender {
        name,
        run: Box::new(run),
        compare,
    }
}

fn vips_available() -> bool {
    Command::new(VIPS)
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

fn vips<'a>(
    input: &'a Path,
    out_dir: &Path,
    name: &'static str,
    concurrency: Option<&'static str>,
) -> Contender<'a> {
    let output: PathBuf = out_dir.join("media-vips.jpg");
    let run = move || {
        let mut command = Command::new(VIPS);
        command
            .arg(input)
            .args(["-s", "2560x2560", "-o"])
            .arg(format!("{}[Q=85,strip]", output.display()));
        if let Some(threads) = concurrency {
            command.env("VIPS_CONCURRENCY", threads);
        }
        let started = Instant::now();
        let status = command.status().unwrap();
        let elapsed = started.elapsed();
        assert!(status.success(), "{VIPS} failed: {status}");
        (elapsed, fs::read(&output).unwrap())
    };
    Contender {
        name,
        run: Box::new(run),
        compare: true,
    }
}
