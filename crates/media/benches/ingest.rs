//! Ingest benchmark: `safeserve_media::process` on a 12 MP JPEG with EXIF orientation 6, against
//! libvips making just the 2048 px copy and the 320 px thumbnail from the same file, in the same
//! run, iterations interleaved so both see the same machine load.
//!
//! Target: median(process) <= 0.75 × median(libvips).
//!
//! libvips runs in process through pyvips: a Python worker times each iteration itself and
//! answers over a pipe, so interpreter start-up is not counted. The Python used is
//! `$SAFESERVE_PYVIPS_PYTHON`, else `~/.cache/safeserve/pyvips-venv/bin/python3`, else `python3`.
//! Without pyvips it falls back to two `vipsthumbnail` processes (start-up included, and said so);
//! without either the comparison is skipped and the output says it was not made.
//!
//! The test photo is made once in `$SAFESERVE_BENCH_DIR` (default: the system temp dir) with
//! ImageMagick (`/usr/bin/convert`, plasma fractal + noise, q92), or generated in Rust if that is
//! missing. Iterations: `$SAFESERVE_BENCH_ITERS` (default 21).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark: a failure ends the run")]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use safeserve_media::{process, process_with_timings, StageTimes, Stamp};

const PYVIPS_WORKER: &str = r#"
import sys, time
import pyvips
pyvips.cache_set_max(0)  # every iteration does the full work
path = sys.argv[1]
for line in sys.stdin:
    t = time.perf_counter()
    display = pyvips.Image.thumbnail(path, 2048)  # shrink-on-load + auto-rotate
    a = display.jpegsave_buffer(Q=85)
    thumb = pyvips.Image.thumbnail(path, 320)
    b = thumb.jpegsave_buffer(Q=80)
    ms = (time.perf_counter() - t) * 1000.0
    print(f"{ms:.3f} {display.width}x{display.height} {thumb.width}x{thumb.height} {len(a)} {len(b)}", flush=True)
"#;

fn main() {
    let iterations: usize =
        std::env::var("SAFESERVE_BENCH_ITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(21).max(3);
    let dir = std::env::var_os("SAFESERVE_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("safeserve-bench"));
    std::fs::create_dir_all(&dir).expect("bench dir");
    let (path, origin) = test_photo(&dir);
    let bytes = std::fs::read(&path).expect("read test photo");
    let header = turbojpeg::read_header(&bytes).expect("test photo is a JPEG");
    println!(
        "test photo: {} ({}×{}, {:.1} MB, EXIF orientation 6; {origin})",
        path.display(),
        header.width,
        header.height,
        bytes.len() as f64 / 1e6
    );
    let stamp = Stamp {
        time: "2026-11-23 14:05".into(),
        place: "西湖区 转塘街道".into(),
        enterprise: "杭州某某化工有限公司".into(),
        recorder: "记录人：张三".into(),
    };

    let p = process(&bytes, &stamp).expect("process the test photo");
    println!(
        "process output: display {}×{} ({} KB), thumb {}×{} ({} KB), phash {}, orientation {}",
        p.display_width,
        p.display_height,
        p.display_jpeg.len() / 1024,
        p.thumb_width,
        p.thumb_height,
        p.thumb_jpeg.len() / 1024,
        p.phash,
        p.orientation
    );

    let mut vips = Vips::start(&path);
    match &vips {
        Vips::InProcess { .. } => println!("libvips: in process through pyvips"),
        Vips::Processes => {
            println!("libvips: pyvips not available; two `vipsthumbnail` processes per iteration (start-up included)")
        }
        Vips::Missing(why) => println!("libvips: NOT AVAILABLE ({why}); the comparison will not be made"),
    }

    // Warm-up: page cache, allocator, lazy font parsing, libvips' own start-up.
    for _ in 0..2 {
        let _ = ours(&path, &stamp);
        let _ = vips.run(&path);
    }

    let mut ours_ms = Vec::new();
    let mut vips_ms = Vec::new();
    let mut stages = Vec::new();
    for _ in 0..iterations {
        let (ms, times) = ours(&path, &stamp);
        ours_ms.push(ms);
        stages.push(times);
        if let Some(ms) = vips.run(&path) {
            vips_ms.push(ms);
        }
    }

    let mut decode_ms = Vec::new();
    let mut decode_half_ms = Vec::new();
    for _ in 0..iterations {
        decode_ms.push(time_ms(|| {
            let _ = turbojpeg::decompress(&bytes, turbojpeg::PixelFormat::RGB).unwrap();
        }));
        decode_half_ms.push(time_ms(|| {
            let mut d = turbojpeg::Decompressor::new().unwrap();
            d.set_scaling_factor(turbojpeg::ScalingFactor::ONE_HALF).unwrap();
            let h = d.read_header(&bytes).unwrap().scaled(turbojpeg::ScalingFactor::ONE_HALF);
            let mut px = vec![0u8; h.width * h.height * 3];
            let image = turbojpeg::Image {
                pixels: &mut px[..],
                width: h.width,
                pitch: h.width * 3,
                height: h.height,
                format: turbojpeg::PixelFormat::RGB,
            };
            d.decompress(&bytes, image).unwrap();
        }));
    }

    println!();
    println!("{iterations} iterations each, interleaved; milliseconds");
    println!("{:<52} {:>8} {:>8}", "", "median", "p95");
    report("safeserve_media::process (file read included)", &ours_ms);
    if !vips_ms.is_empty() {
        report("libvips 2048 px q85 + 320 px q80", &vips_ms);
    }
    println!("for information:");
    report("  turbojpeg full decode alone (12 MP RGB)", &decode_ms);
    report("  turbojpeg 1/2 scaled decode alone", &decode_half_ms);
    let stage = |name: &str, f: fn(&StageTimes) -> Duration| {
        let v: Vec<f64> = stages.iter().map(|t| f(t).as_secs_f64() * 1000.0).collect();
        report(name, &v);
    };
    stage("  stage: EXIF read", |t| t.exif);
    stage("  stage: decode (DCT-scaled)", |t| t.decode);
    stage("  stage: resize to display", |t| t.resize);
    stage("  stage: orient", |t| t.orient);
    stage("  stage: thumbnail resize", |t| t.thumb_resize);
    stage("  stage: watermark", |t| t.watermark);
    stage("  stage: display encode", |t| t.display_encode);
    stage("  stage: thumbnail encode (2nd thread)", |t| t.thumb_encode);
    stage("  stage: phash (2nd thread)", |t| t.phash);
    stage("  stage: sha256 (2nd thread)", |t| t.sha256);
    stage("  process total (no file read)", |t| t.total);

    println!();
    if vips_ms.is_empty() {
        println!("comparison NOT made: libvips is not available (apt-get install libvips42 libvips-dev libvips-tools; pip install pyvips)");
    } else {
        let ratio = median(&ours_ms) / median(&vips_ms);
        let how = if matches!(vips, Vips::InProcess { .. }) { "in process" } else { "as processes, start-up included" };
        println!(
            "ratio process / libvips ({how}) = {ratio:.2} (target <= 0.75): {}",
            if ratio <= 0.75 { "MET" } else { "NOT MET" }
        );
    }
}

fn ours(path: &Path, stamp: &Stamp) -> (f64, StageTimes) {
    let t = Instant::now();
    let bytes = std::fs::read(path).unwrap();
    let (_, times) = process_with_timings(&bytes, stamp).unwrap();
    (t.elapsed().as_secs_f64() * 1000.0, times)
}

fn time_ms(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64() * 1000.0
}

fn median(v: &[f64]) -> f64 {
    percentile(v, 0.5)
}

fn percentile(v: &[f64], q: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let rank = (q * (s.len() - 1) as f64).round() as usize;
    s[rank.min(s.len() - 1)]
}

fn report(name: &str, v: &[f64]) {
    println!("{name:<52} {:>8.1} {:>8.1}", median(v), percentile(v, 0.95));
}

enum Vips {
    InProcess { child: std::process::Child, answers: BufReader<std::process::ChildStdout> },
    Processes,
    Missing(String),
}

impl Vips {
    fn start(photo: &Path) -> Vips {
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(p) = std::env::var_os("SAFESERVE_PYVIPS_PYTHON") {
            candidates.push(p.into());
        }
        if let Some(home) = std::env::var_os("HOME") {
            candidates.push(Path::new(&home).join(".cache/safeserve/pyvips-venv/bin/python3"));
        }
        candidates.push("python3".into());
        for python in candidates {
            let ok = Command::new(&python)
                .args(["-c", "import pyvips"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                continue;
            }
            let spawned = Command::new(&python)
                .args(["-c", PYVIPS_WORKER])
                .arg(photo)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn();
            if let Ok(mut child) = spawned {
                let answers = BufReader::new(child.stdout.take().expect("piped stdout"));
                return Vips::InProcess { child, answers };
            }
        }
        let has_vipsthumbnail =
            Command::new("vipsthumbnail").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
        if has_vipsthumbnail {
            Vips::Processes
        } else {
            Vips::Missing("neither pyvips nor vipsthumbnail found".into())
        }
    }

    fn run(&mut self, photo: &Path) -> Option<f64> {
        match self {
            Vips::InProcess { child, answers } => {
                child.stdin.as_mut()?.write_all(b"run\n").ok()?;
                let mut line = String::new();
                answers.read_line(&mut line).ok()?;
                line.split_whitespace().next()?.parse().ok()
            }
            Vips::Processes => {
                let out = std::env::temp_dir();
                let t = Instant::now();
                for (size, name) in [("2048", "vips-display.jpg[Q=85]"), ("320", "vips-thumb.jpg[Q=80]")] {
                    let status = Command::new("vipsthumbnail")
                        .arg(photo)
                        .args(["--size", size, "-o"])
                        .arg(out.join(name))
                        .status()
                        .ok()?;
                    if !status.success() {
                        return None;
                    }
                }
                Some(t.elapsed().as_secs_f64() * 1000.0)
            }
            Vips::Missing(_) => None,
        }
    }
}

impl Drop for Vips {
    fn drop(&mut self) {
        if let Vips::InProcess { child, .. } = self {
            drop(child.stdin.take()); // EOF ends the worker's loop
            let _ = child.wait();
        }
    }
}

/// The 12 MP test photo with EXIF orientation 6, made once and reused.
fn test_photo(dir: &Path) -> (PathBuf, &'static str) {
    let path = dir.join("photo-12mp-o6.jpg");
    let convert = Path::new("/usr/bin/convert");
    if path.exists() {
        return (path, "cached");
    }
    let base = dir.join("photo-12mp-base.jpg");
    let made_by_imagemagick = convert.exists()
        && Command::new(convert)
            .args([
                "-seed",
                "7",
                "-size",
                "4000x3000",
                "plasma:fractal",
                "-blur",
                "0x1",
                "-attenuate",
                "0.4",
                "+noise",
                "Gaussian",
                "-quality",
                "92",
            ])
            .arg(&base)
            .status()
            .is_ok_and(|s| s.success());
    let (jpeg, origin) = if made_by_imagemagick {
        (std::fs::read(&base).expect("ImageMagick output"), "made by ImageMagick plasma:fractal + noise, q92")
    } else {
        (generated_photo(), "generated in Rust (ImageMagick not found), q92")
    };
    let _ = std::fs::remove_file(&base);
    std::fs::write(&path, with_orientation(&jpeg, 6)).expect("write test photo");
    (path, origin)
}

/// High-entropy photo-like content when ImageMagick is missing: smooth colour fields plus noise.
fn generated_photo() -> Vec<u8> {
    let (w, h) = (4000usize, 3000usize);
    let mut state = 7u64;
    let mut data = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let n = ((state >> 59) as i32) - 16;
            let (u, v) = (x as f32 / w as f32, y as f32 / h as f32);
            let base = [
                128.0 + 90.0 * (u * 9.0 + (v * 5.0).sin()).sin(),
                128.0 + 90.0 * (v * 7.0 + (u * 4.0).cos()).sin(),
                128.0 + 90.0 * ((u + v) * 6.0).cos(),
            ];
            data.extend(base.iter().map(|c| (*c as i32 + n).clamp(0, 255) as u8));
        }
    }
    let image =
        turbojpeg::Image { pixels: &data[..], width: w, pitch: w * 3, height: h, format: turbojpeg::PixelFormat::RGB };
    turbojpeg::compress(image, 92, turbojpeg::Subsamp::Sub2x2).unwrap().to_vec()
}

/// Inserts an APP1 Exif segment with only Orientation after SOI.
fn with_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
    tiff.extend_from_slice(&orientation.to_le_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let len = (2 + 6 + tiff.len()) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}
