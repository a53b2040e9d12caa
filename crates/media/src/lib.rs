//! `safeserve-media`: the photo pipeline. It owns turning an inspector's original photo (JPEG or
//! PNG bytes) into what the app shows and keeps: a watermarked display copy (long edge ≤ 2048), a
//! thumbnail (≤ 320), the SHA-256 of the original, a perceptual hash for spotting the same photo
//! reused elsewhere, and the EXIF capture time, position and orientation — plus content-addressed
//! files on disk ([`PhotoFiles`]). Originals are never modified.
//!
//! It depends on `safeserve-core` for [`Message`] only, and must not depend on the store, the
//! desktop shell or any network crate: callers hand it bytes and a formatted [`Stamp`], and decide
//! where records go.
//!
//! Speed matters (an inspection imports dozens of 12 MP photos at once): JPEGs are decoded with
//! libjpeg-turbo's DCT scaling straight to about display size, orientation is applied after the
//! downscale, and SHA-256 and the thumbnail's encoding run on a second thread.

mod decode;
mod error;
mod exif_meta;
mod files;
mod orient;
mod sealed;
mod sniff;
mod watermark;

use std::time::{Duration, Instant};

use safeserve_core::message::Message;
use sha2::{Digest, Sha256};

pub use error::MediaError;
pub use files::{PhotoFiles, StoredPaths};
pub use sealed::{is_sealed, PhotoKey};
pub use sniff::FileKind;

use orient::Rgb;

/// Long edge of the print copy: 1024 px across an 80 mm photo box is about 325 dpi, print
/// resolution, at a fifth of the display copy's bytes.
pub const PRINT_MAX_EDGE: u32 = 1024;
const PRINT_QUALITY: i32 = 80;
/// Long edge of the display copy, in pixels (at most).
pub const DISPLAY_MAX_EDGE: u32 = 2048;
/// Long edge of the thumbnail, in pixels (at most).
pub const THUMB_MAX_EDGE: u32 = 320;
const DISPLAY_QUALITY: i32 = 85;
const THUMB_QUALITY: i32 = 80;

/// The watermark lines, already formatted by the caller (Chinese), top to bottom. Empty lines are
/// skipped; characters outside the embedded GB2312 font are drawn as boxes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stamp {
    /// e.g. "2026-11-23 14:05"
    pub time: String,
    /// e.g. "西湖区 转塘街道"
    pub place: String,
    /// e.g. "杭州某某化工有限公司"
    pub enterprise: String,
    /// e.g. "记录人：张三"
    pub recorder: String,
}

/// Format of the original, from its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhotoFormat {
    Jpeg,
    Png,
}

impl PhotoFormat {
    /// File extension used for stored originals.
    pub fn extension(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "jpg",
            PhotoFormat::Png => "png",
        }
    }

    pub fn mime_type(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "image/jpeg",
            PhotoFormat::Png => "image/png",
        }
    }
}

/// Everything derived from one original photo.
#[derive(Clone, PartialEq)]
pub struct Processed {
    /// Lower-case hex SHA-256 of the original bytes, untouched.
    pub sha256: String,
    pub format: PhotoFormat,
    /// Size of the original after EXIF orientation.
    pub width: u32,
    pub height: u32,
    /// EXIF DateTimeOriginal (else DateTimeDigitized, else DateTime): the camera's local clock.
    pub taken_at: Option<chrono::NaiveDateTime>,
    /// EXIF latitude and longitude in decimal degrees (WGS-84 as written; south and west negative).
    pub gps: Option<(f64, f64)>,
    /// EXIF orientation found (1 when none or unreadable).
    pub orientation: u16,
    /// JPEG, long edge ≤ [`DISPLAY_MAX_EDGE`], oriented, watermarked.
    pub display_jpeg: Vec<u8>,
    pub display_width: u32,
    pub display_height: u32,
    /// JPEG, long edge ≤ [`THUMB_MAX_EDGE`], oriented, no watermark.
    pub thumb_jpeg: Vec<u8>,
    pub thumb_width: u32,
    pub thumb_height: u32,
    /// 16 hex characters: image_hasher Gradient 8×8 of the oriented thumbnail, before watermark.
    pub phash: String,
    /// Things the inspector should know that did not stop the import (e.g. damaged EXIF).
    pub warnings: Vec<Message>,
}

impl std::fmt::Debug for Processed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Processed")
            .field("sha256", &self.sha256)
            .field("format", &self.format)
            .field("size", &(self.width, self.height))
            .field("taken_at", &self.taken_at)
            .field("gps", &self.gps)
            .field("orientation", &self.orientation)
            .field("display", &(self.display_width, self.display_height, self.display_jpeg.len()))
            .field("thumb", &(self.thumb_width, self.thumb_height, self.thumb_jpeg.len()))
            .field("phash", &self.phash)
            .field("warnings", &self.warnings)
            .finish()
    }
}

/// Wall time of each stage of [`process_with_timings`]. `sha256`, `phash` and `thumb_encode` run
/// on a second thread, overlapping the others; `total` is the wall time of the whole call.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    pub exif: Duration,
    pub decode: Duration,
    pub resize: Duration,
    pub orient: Duration,
    pub thumb_resize: Duration,
    pub watermark: Duration,
    pub display_encode: Duration,
    pub thumb_encode: Duration,
    pub phash: Duration,
    pub sha256: Duration,
    pub total: Duration,
}

/// Takes in one original photo: checks it by magic bytes, reads EXIF, makes the watermarked
/// display copy and the thumbnail, and hashes it. The original bytes are not modified.
pub fn process(original: &[u8], stamp: &Stamp) -> Result<Processed, MediaError> {
    process_with_timings(original, stamp).map(|(p, _)| p)
}

/// [`process`], also reporting how long each stage took (for the benchmark and logs).
pub fn process_with_timings(original: &[u8], stamp: &Stamp) -> Result<(Processed, StageTimes), MediaError> {
    let started = Instant::now();
    if original.is_empty() {
        return Err(MediaError::Empty);
    }
    let format = match sniff::sniff(original) {
        FileKind::Jpeg => PhotoFormat::Jpeg,
        FileKind::Png => PhotoFormat::Png,
        kind => return Err(MediaError::UnsupportedFormat { kind }),
    };
    std::thread::scope(|scope| {
        let sha = scope.spawn(|| {
            let t = Instant::now();
            (sha256_hex(original), t.elapsed())
        });
        let mut times = StageTimes::default();
        let result = derive(original, format, stamp, scope, &mut times);
        let (sha256, sha_time) = sha.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        times.sha256 = sha_time;
        let mut processed = result?;
        processed.sha256 = sha256;
        times.total = started.elapsed();
        Ok((processed, times))
    })
}

fn derive<'scope>(
    original: &'scope [u8],
    format: PhotoFormat,
    stamp: &Stamp,
    scope: &'scope std::thread::Scope<'scope, '_>,
    times: &mut StageTimes,
) -> Result<Processed, MediaError> {
    let mut clock = Instant::now();
    let mut lap = |slot: &mut Duration| {
        let now = Instant::now();
        *slot = now - clock;
        clock = now;
    };

    let meta = exif_meta::read(original);
    lap(&mut times.exif);

    let decoded = match format {
        PhotoFormat::Jpeg => decode::jpeg(original, DISPLAY_MAX_EDGE)?,
        PhotoFormat::Png => decode::png(original)?,
    };
    lap(&mut times.decode);

    let (dw, dh) = fit(decoded.image.width, decoded.image.height, DISPLAY_MAX_EDGE);
    let display = resize(decoded.image, dw, dh)?;
    lap(&mut times.resize);

    let mut display = orient::orient(display, meta.orientation);
    lap(&mut times.orient);

    let (tw, th) = fit(display.width, display.height, THUMB_MAX_EDGE);
    let thumb = resize_ref(&display, tw, th)?;
    lap(&mut times.thumb_resize);

    let thumb_job = scope.spawn(move || -> Result<_, MediaError> {
        let t = Instant::now();
        let phash = phash_hex(&thumb)?;
        let phash_time = t.elapsed();
        let t = Instant::now();
        let jpeg = encode(&thumb, THUMB_QUALITY)?;
        Ok((phash, phash_time, jpeg, t.elapsed(), thumb.width, thumb.height))
    });

    watermark::draw(&mut display, stamp)?;
    lap(&mut times.watermark);
    let display_jpeg = encode(&display, DISPLAY_QUALITY)?;
    lap(&mut times.display_encode);

    let (phash, phash_time, thumb_jpeg, thumb_time, thumb_width, thumb_height) =
        thumb_job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    times.phash = phash_time;
    times.thumb_encode = thumb_time;

    let (width, height) = orient::oriented_size(decoded.width, decoded.height, meta.orientation);
    Ok(Processed {
        sha256: String::new(),
        format,
        width,
        height,
        taken_at: meta.taken_at,
        gps: meta.gps,
        orientation: meta.orientation,
        display_jpeg,
        display_width: display.width,
        display_height: display.height,
        thumb_jpeg,
        thumb_width,
        thumb_height,
        phash,
        warnings: meta.warning.into_iter().collect(),
    })
}

/// The copy printed in PDF forms, made from the watermarked display copy (so it carries the same
/// stamp): a DCT-scaled decode at 1/2 and a re-encode, about 15 ms.
pub fn print_copy(display_jpeg: &[u8]) -> Result<Vec<u8>, MediaError> {
    let decoded = decode::jpeg(display_jpeg, PRINT_MAX_EDGE)?;
    let (w, h) = fit(decoded.image.width, decoded.image.height, PRINT_MAX_EDGE);
    let image = if (w, h) == (decoded.image.width, decoded.image.height) {
        decoded.image
    } else {
        resize(decoded.image, w, h)?
    };
    encode(&image, PRINT_QUALITY)
}

/// Hamming distance between two perceptual hashes from [`Processed::phash`]; None when either is
/// not hex or their lengths differ. 0–4 of 64: the same photo (recompressed, resized);
/// 12 and more: different photos.
pub fn phash_distance(a: &str, b: &str) -> Option<u32> {
    if a.len() != b.len() || a.is_empty() || !a.is_ascii() || !b.is_ascii() {
        return None;
    }
    let mut distance = 0;
    for (ca, cb) in a.chars().zip(b.chars()) {
        distance += (ca.to_digit(16)? ^ cb.to_digit(16)?).count_ones();
    }
    Some(distance)
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Size that fits `width`×`height` inside a `max` long edge, keeping the aspect ratio.
fn fit(width: u32, height: u32, max: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max {
        return (width, height);
    }
    let scale = |side: u32| ((side as u64 * max as u64 + long as u64 / 2) / long as u64).max(1) as u32;
    (scale(width), scale(height))
}

fn resize(src: Rgb, width: u32, height: u32) -> Result<Rgb, MediaError> {
    if (src.width, src.height) == (width, height) {
        return Ok(src);
    }
    resize_ref(&src, width, height)
}

fn resize_ref(src: &Rgb, width: u32, height: u32) -> Result<Rgb, MediaError> {
    use fast_image_resize::{
        images::Image, images::ImageRef, FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer,
    };
    if (src.width, src.height) == (width, height) {
        return Ok(src.clone());
    }
    let from = ImageRef::new(src.width, src.height, &src.data, PixelType::U8x3)
        .map_err(|e| MediaError::internal("resize source", e))?;
    let mut to = Image::new(width, height, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new().resize(&from, &mut to, &options).map_err(|e| MediaError::internal("resize", e))?;
    Ok(Rgb { width, height, data: to.into_vec() })
}

fn encode(img: &Rgb, quality: i32) -> Result<Vec<u8>, MediaError> {
    let mut compressor = turbojpeg::Compressor::new().map_err(|e| MediaError::internal("turbojpeg init", e))?;
    compressor.set_quality(quality).map_err(|e| MediaError::internal("turbojpeg quality", e))?;
    compressor.set_subsamp(turbojpeg::Subsamp::Sub2x2).map_err(|e| MediaError::internal("turbojpeg subsampling", e))?;
    let image = turbojpeg::Image {
        pixels: &img.data[..],
        width: img.width as usize,
        pitch: img.width as usize * 3,
        height: img.height as usize,
        format: turbojpeg::PixelFormat::RGB,
    };
    compressor.compress_to_vec(image).map_err(|e| MediaError::internal("turbojpeg encode", e))
}

fn phash_hex(thumb: &Rgb) -> Result<String, MediaError> {
    use image_hasher::{HashAlg, HasherConfig};
    let img = image::RgbImage::from_raw(thumb.width, thumb.height, thumb.data.clone())
        .ok_or(MediaError::Internal { what: "thumbnail buffer size", source: None })?;
    let hasher = HasherConfig::new().hash_alg(HashAlg::Gradient).hash_size(8, 8).to_hasher();
    Ok(hex(hasher.hash_image(&img).as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_aspect_and_caps_the_long_edge() {
        assert_eq!(fit(4000, 3000, 2048), (2048, 1536));
        assert_eq!(fit(3000, 4000, 320), (240, 320));
        assert_eq!(fit(100, 50, 320), (100, 50));
        assert_eq!(fit(10000, 1, 320), (320, 1));
    }

    #[test]
    fn phash_distance_counts_differing_bits_and_rejects_garbage() {
        assert_eq!(phash_distance("0000000000000000", "0000000000000000"), Some(0));
        assert_eq!(phash_distance("0000000000000000", "ffffffffffffffff"), Some(64));
        assert_eq!(phash_distance("00000000000000f1", "0000000000000000"), Some(5));
        assert_eq!(phash_distance("00", "0000"), None);
        assert_eq!(phash_distance("zz", "00"), None);
        assert_eq!(phash_distance("", ""), None);
    }
}
