//! Page 1 of every form, rasterised at 60 dpi, against a reference picture in
//! `tests/reference/<kind>.png`: an accidental layout change (a moved table, a lost QR code,
//! a signature no longer drawn) fails here. After an intended change, look at the new pages and
//! refresh the references with `SAFESERVE_UPDATE_REFERENCE=1 cargo nextest run -p safeserve-report`.

use crate::common;

use std::path::Path;
use std::process::Command;

/// Mean absolute difference per channel (0–255) and the share of pixels differing by more
/// than 10 % in some channel. Anti-aliasing differences between poppler versions stay far
/// below the limits; a moved block of text does not.
fn difference(a: &image::RgbImage, b: &image::RgbImage) -> (f64, f64) {
    let mut sum = 0u64;
    let mut changed = 0usize;
    for (p, q) in a.pixels().zip(b.pixels()) {
        let d: Vec<u8> = (0..3).map(|i| p[i].abs_diff(q[i])).collect();
        sum += d.iter().map(|&x| u64::from(x)).sum::<u64>();
        if d.iter().any(|&x| x > 25) {
            changed += 1;
        }
    }
    let n = (a.width() * a.height()) as f64;
    (sum as f64 / (n * 3.0), changed as f64 / n)
}

#[test]
fn first_pages_match_their_references() {
    let dir = tempfile::tempdir().unwrap();
    let refs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference");
    let update = std::env::var_os("SAFESERVE_UPDATE_REFERENCE").is_some();
    let (docs, photos) = common::all_samples();
    let mut failures = Vec::new();
    for doc in &docs {
        let pdf = safeserve_report::render(doc, &photos).unwrap();
        let pdf_path = dir.path().join(format!("{}.pdf", doc.kind.key()));
        std::fs::write(&pdf_path, pdf).unwrap();
        let prefix = dir.path().join(doc.kind.key());
        let out = Command::new("pdftoppm")
            .args(["-r", "60", "-f", "1", "-l", "1", "-singlefile", "-png"])
            .arg(&pdf_path)
            .arg(&prefix)
            .output()
            .expect("pdftoppm runs (poppler-utils; `./dev test` installs it)");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let png = prefix.with_extension("png");
        let reference = refs.join(format!("{}.png", doc.kind.key()));
        if update {
            std::fs::create_dir_all(&refs).unwrap();
            std::fs::copy(&png, &reference).unwrap();
            continue;
        }
        let Ok(want) = std::fs::read(&reference) else {
            panic!("no reference {} — create it with SAFESERVE_UPDATE_REFERENCE=1", reference.display());
        };
        let want = image::load_from_memory_with_format(&want, image::ImageFormat::Png).unwrap().to_rgb8();
        let got = image::load_from_memory_with_format(&std::fs::read(&png).unwrap(), image::ImageFormat::Png)
            .unwrap()
            .to_rgb8();
        if want.dimensions() != got.dimensions() {
            failures.push(format!(
                "{}: size {:?} instead of {:?}",
                doc.kind.key(),
                got.dimensions(),
                want.dimensions()
            ));
            continue;
        }
        let (mean, changed) = difference(&want, &got);
        if mean > 2.0 || changed > 0.01 {
            let keep = std::env::temp_dir().join(format!("safeserve-{}-page1.png", doc.kind.key()));
            let _ = std::fs::copy(&png, &keep);
            failures.push(format!(
                "{}: mean difference {mean:.2}, {:.2} % of pixels changed (new page kept at {})",
                doc.kind.key(),
                changed * 100.0,
                keep.display()
            ));
        }
    }
    assert!(failures.is_empty(), "page 1 no longer looks like its reference:\n{}", failures.join("\n"));
}
