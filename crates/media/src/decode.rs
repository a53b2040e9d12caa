//! JPEG and PNG to RGB, already as small as the display copy allows.
//!
//! JPEG uses libjpeg-turbo's DCT-domain scaling (n/8): a 12 MP photo decoded at 1/2 is a
//! 2000×1500 display copy with no resize, and a 108 MP one decoded at 1/8 never needs more than a
//! few MB of pixels. PNG has no scaled decode, so its header is checked before anything is
//! allocated.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder};
use turbojpeg::{Colorspace, Decompressor, PixelFormat, ScalingFactor};

use crate::orient::Rgb;
use crate::MediaError;

/// Largest JPEG taken in (scaled decode keeps memory small up to here; phones make 108 MP).
pub(crate) const JPEG_MAX_PIXELS: u64 = 250_000_000;
/// Largest PNG taken in: PNG is decoded at full size, 3–8 bytes a pixel.
pub(crate) const PNG_MAX_PIXELS: u64 = 100_000_000;

pub(crate) struct Decoded {
    /// The pixels, possibly already scaled down.
    pub image: Rgb,
    /// Size of the stored image, before orientation.
    pub width: u32,
    pub height: u32,
}

/// The scale n/8 (n = 1..=8) for a JPEG whose long edge is `long`, so that the decoded long edge
/// is close to `target`: the smallest scale that still reaches `target`, unless the largest one
/// that stays under it comes closer (then no resize is needed at all).
pub(crate) fn jpeg_scale(long: u32, target: u32) -> ScalingFactor {
    if long <= target {
        return ScalingFactor::ONE;
    }
    let scaled = |n: usize| ScalingFactor::new(n, 8).scale(long as usize) as u32;
    let at_least = (1..=8).find(|&n| scaled(n) >= target);
    let at_most = (1..=8).rev().find(|&n| scaled(n) <= target);
    let n = match (at_least, at_most) {
        (Some(up), Some(down)) => {
            if target - scaled(down) < scaled(up) - target {
                down
            } else {
                up
            }
        }
        (Some(up), None) => up,
        (None, Some(down)) => down,
        (None, None) => 8,
    };
    ScalingFactor::new(n, 8)
}

pub(crate) fn jpeg(bytes: &[u8], target_long_edge: u32) -> Result<Decoded, MediaError> {
    let mut decompressor = Decompressor::new().map_err(|e| MediaError::internal("turbojpeg init", e))?;
    let header = decompressor.read_header(bytes).map_err(MediaError::corrupt)?;
    let (width, height) = (header.width as u64, header.height as u64);
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt { source: None });
    }
    if width * height > JPEG_MAX_PIXELS {
        return Err(MediaError::TooLarge { width, height, limit_pixels: JPEG_MAX_PIXELS });
    }
    if matches!(header.colorspace, Colorspace::CMYK | Colorspace::YCCK) {
        return Err(MediaError::UnsupportedColorSpace { colorspace: format!("{:?}", header.colorspace) });
    }
    let factor = if header.is_lossless {
        ScalingFactor::ONE
    } else {
        jpeg_scale(header.width.max(header.height) as u32, target_long_edge)
    };
    decompressor.set_scaling_factor(factor).map_err(|e| MediaError::internal("turbojpeg scaling", e))?;
    let scaled = header.scaled(factor);
    let mut image = Rgb::new(scaled.width as u32, scaled.height as u32);
    let output = turbojpeg::Image {
        pixels: &mut image.data[..],
        width: scaled.width,
        pitch: scaled.width * 3,
        height: scaled.height,
        format: PixelFormat::RGB,
    };
    match decompressor.decompress(bytes, output) {
        Ok(()) => {}
        // libjpeg-turbo reports warnings as failures. Stray bytes before a marker are common in
        // camera files and harmless (every viewer shows the photo); anything else, notably
        // "Premature end of JPEG file" from a truncated copy, leaves grey where the photo was.
        Err(turbojpeg::Error::TurboJpegError(message)) if message.contains("extraneous bytes before marker") => {}
        Err(e) => return Err(MediaError::corrupt(e)),
    }
    Ok(Decoded { image, width: header.width as u32, height: header.height as u32 })
}

/// Width and height from a PNG's IHDR, read before the decoder allocates anything.
pub(crate) fn png_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(12..16) != Some(b"IHDR") {
        return None;
    }
    let be = |r: std::ops::Range<usize>| bytes.get(r).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    Some((be(16..20)?, be(20..24)?))
}

pub(crate) fn png(bytes: &[u8]) -> Result<Decoded, MediaError> {
    let (width, height) = png_dimensions(bytes).ok_or(MediaError::Corrupt { source: None })?;
    let too_large =
        || MediaError::TooLarge { width: width as u64, height: height as u64, limit_pixels: PNG_MAX_PIXELS };
    if width as u64 * height as u64 > PNG_MAX_PIXELS {
        return Err(too_large());
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // 100 MP of 16-bit RGBA is 800 MB: allowed, but not one byte more.
    limits.max_alloc = Some(PNG_MAX_PIXELS * 8 + (64 << 20));
    let mut decoder = image::codecs::png::PngDecoder::with_limits(Cursor::new(bytes), limits.clone())
        .map_err(|e| classify_image_error(e, too_large))?;
    decoder.set_limits(limits).map_err(|e| classify_image_error(e, too_large))?;
    let decoded = DynamicImage::from_decoder(decoder).map_err(|e| classify_image_error(e, too_large))?;
    Ok(Decoded { image: flatten(decoded), width, height })
}

fn classify_image_error(e: image::ImageError, too_large: impl FnOnce() -> MediaError) -> MediaError {
    match e {
        image::ImageError::Limits(_) => too_large(),
        image::ImageError::Unsupported(_) => MediaError::corrupt(e),
        other => MediaError::corrupt(other),
    }
}

/// RGB8 for every PNG flavour; transparency is composited on white (screenshots, drawings).
fn flatten(img: DynamicImage) -> Rgb {
    let (width, height) = (img.width(), img.height());
    if !img.color().has_alpha() {
        return Rgb { width, height, data: img.into_rgb8().into_raw() };
    }
    let rgba = img.into_rgba8().into_raw();
    let mut data = Vec::with_capacity(width as usize * height as usize * 3);
    for p in rgba.chunks_exact(4) {
        let a = p[3] as u32;
        for &c in &p[..3] {
            data.push(((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8);
        }
    }
    Rgb { width, height, data }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_for_a_12_mp_photo_is_one_half_with_no_resize_needed() {
        assert_eq!(jpeg_scale(4000, 2048), ScalingFactor::ONE_HALF);
    }

    #[test]
    fn scale_picks_whichever_side_of_the_target_is_closer() {
        // 6000: 3/8 = 2250 (202 over) beats 2/8 = 1500 (548 under).
        assert_eq!(jpeg_scale(6000, 2048), ScalingFactor::new(3, 8));
        // 12000: 1/8 = 1500 (548 under) beats 2/8 = 3000 (952 over).
        assert_eq!(jpeg_scale(12000, 2048), ScalingFactor::ONE_EIGHTH);
        // Already small enough: full size.
        assert_eq!(jpeg_scale(2048, 2048), ScalingFactor::ONE);
        // 4000 for a 320 thumbnail: 1/8 = 500 (180 over) beats nothing under.
        assert_eq!(jpeg_scale(4000, 320), ScalingFactor::ONE_EIGHTH);
        // 30000 px long edge: even 1/8 is over the target, so 1/8.
        assert_eq!(jpeg_scale(30000, 2048), ScalingFactor::ONE_EIGHTH);
    }
}
