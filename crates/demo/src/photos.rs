//! Demo photos: synthetic site pictures (a wall, equipment boxes, a warning stripe), made
//! deterministically from the generator's seed, taken in through the same pipeline as a real
//! photo (watermark, display copy, thumbnail, hashes) and attached to the newest hazards as
//! before-photos, and to the closed ones among them as after-photos too.

use super::Gen;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::RgbImage;
use rand::Rng;
use safeserve_media::{PhotoFiles, Stamp};
use safeserve_store::bulk::BulkLoad;
use safeserve_store::StoreError;

/// How many hazards get photos. Few, so the large demo stays within its time budget.
const HAZARDS_WITH_PHOTOS: usize = 40;

/// Fills a rectangle of a packed RGB buffer row by row (cheap even in an unoptimised build,
/// where the tests run the generator).
fn fill(buf: &mut [u8], width: usize, (x0, y0, x1, y1): (usize, usize, usize, usize), rgb: [u8; 3]) {
    let row: Vec<u8> = std::iter::repeat_n(rgb, x1 - x0).flatten().collect();
    for y in y0..y1 {
        buf[(y * width + x0) * 3..(y * width + x1) * 3].copy_from_slice(&row);
    }
}

fn picture(g: &mut Gen) -> Vec<u8> {
    let (w, h) = (640usize, 480usize);
    let mut buf = vec![0u8; w * h * 3];
    let wall: [u8; 3] = [g.rng.random_range(150..230), g.rng.random_range(150..230), g.rng.random_range(140..220)];
    // A wall darkening towards the floor, the floor, a few boxes (cabinets, machines).
    for band in 0..8 {
        let shade = band as u8 * 5;
        let c = wall.map(|v| v.saturating_sub(shade));
        fill(&mut buf, w, (0, band * h * 3 / 32, w, (band + 1) * h * 3 / 32), c);
    }
    fill(&mut buf, w, (0, h * 3 / 4, w, h), [90, 90, 95]);
    for _ in 0..g.rng.random_range(2..5) {
        let (bw, bh) = (g.rng.random_range(60..200), g.rng.random_range(60..240));
        let x0 = g.rng.random_range(0..w - bw);
        let c = [g.rng.random_range(20..200), g.rng.random_range(20..200), g.rng.random_range(20..200)];
        fill(&mut buf, w, (x0, h * 3 / 4 - bh, x0 + bw, h * 3 / 4), c);
    }
    // A yellow-and-black warning stripe.
    let sy = g.rng.random_range(h / 5..h / 2);
    for k in 0..w / 20 {
        let c = if k % 2 == 0 { [240, 200, 20] } else { [20, 20, 20] };
        fill(&mut buf, w, (k * 20, sy, (k + 1) * 20, sy + 20), c);
    }
    let img = RgbImage::from_raw(w as u32, h as u32, buf).expect("sized to fit");
    let mut out = Vec::new();
    let png = PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Sub);
    img.write_with_encoder(png).expect("encoding to memory");
    out
}

pub(super) fn generate(g: &mut Gen, load: &BulkLoad<'_>, files: &PhotoFiles) -> Result<(), StoreError> {
    for h in load.newest_hazards(HAZARDS_WITH_PHOTOS)? {
        let phases: &[bool] = if h.closed { &[false, true] } else { &[false] };
        for &after in phases {
            let bytes = picture(g);
            let stamp = Stamp {
                time: h.created_at.get(..16).unwrap_or_default().replace('T', " "),
                place: h.location.clone(),
                enterprise: h.enterprise.clone(),
                recorder: h.recorded_by.as_deref().map(|r| format!("记录人：{r}")).unwrap_or_default(),
            };
            let processed = safeserve_media::process(&bytes, &stamp)?;
            files.store(&bytes, &processed)?;
            load.hazard_photo(&h.id, after, bytes.len(), &processed, &h.created_at)?;
        }
    }
    Ok(())
}
