//! The evidence stamp drawn on the display copy, as Chinese field-camera apps do: a translucent
//! dark band at the bottom left, an amber accent bar, white text lines (time, place, enterprise,
//! recorder). The original is never touched.

use std::sync::OnceLock;

use ab_glyph::{Font, FontArc, FontRef, FontVec, GlyphId, PxScale, ScaleFont};

use crate::orient::Rgb;
use crate::{MediaError, Stamp};

/// Noto Sans SC Regular cut to GB2312 (both levels) + ASCII + CJK punctuation + full-width forms;
/// see `assets/fonts/subset.sh` and `assets/fonts/OFL.txt`.
static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-Regular-GB2312.otf");

/// Text height as a share of the image's long edge.
const FONT_SHARE: f32 = 0.026;
/// Smallest text size drawn, so a tiny image still gets a legible (if dominant) stamp.
const MIN_PX: f32 = 9.0;
const BAND_ALPHA: f32 = 0.45;
const ACCENT: [u8; 3] = [0xF5, 0xA6, 0x23];

/// Debian's Noto Sans CJK (package `fonts-noto-cjk`) and the face of it that is Simplified
/// Chinese: the full character set, for names and places outside GB2312 (喆, 堃, 玥 …).
const SYSTEM_FONTS: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
];

pub(crate) fn font() -> Result<&'static FontArc, MediaError> {
    static FONT: OnceLock<Option<FontArc>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok().map(FontArc::new))
        .as_ref()
        .ok_or(MediaError::Internal { what: "embedded watermark font does not parse", source: None })
}

/// The system's full CJK font, read (16 MB) only the first time a character is missing from
/// the embedded subset; `None` on a machine without it, where such characters become boxes.
fn fallback() -> Option<&'static FontArc> {
    static FALLBACK: OnceLock<Option<FontArc>> = OnceLock::new();
    FALLBACK
        .get_or_init(|| {
            SYSTEM_FONTS.iter().find_map(|(path, index)| {
                let bytes = std::fs::read(path).ok()?;
                FontVec::try_from_vec_and_index(bytes, *index).ok().map(FontArc::new)
            })
        })
        .as_ref()
}

/// A glyph and the font it comes from.
type Glyph = (&'static FontArc, GlyphId);

/// The font that has `c`, and its glyph; `None`: no font has it (drawn as a box).
fn glyph(primary: &'static FontArc, c: char) -> Option<Glyph> {
    let id = primary.glyph_id(c);
    if id.0 != 0 {
        return Some((primary, id));
    }
    let fallback = fallback()?;
    let id = fallback.glyph_id(c);
    (id.0 != 0).then_some((fallback, id))
}

/// Where the band went, for tests and callers that want to avoid it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Band {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// Draws the stamp; returns the band's rectangle, or None when every line is empty.
pub(crate) fn draw(img: &mut Rgb, stamp: &Stamp) -> Result<Option<Band>, MediaError> {
    let lines: Vec<String> = [&stamp.time, &stamp.place, &stamp.enterprise, &stamp.recorder]
        .into_iter()
        .map(|s| s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if lines.is_empty() || img.width < 8 || img.height < 8 {
        return Ok(None);
    }
    let font = font()?;
    let long_edge = img.width.max(img.height) as f32;
    let mut px = (long_edge * FONT_SHARE).max(MIN_PX);
    let margin = (px * 0.6).round();
    let pad = (px * 0.5).round();
    let accent = (px * 0.16).round().max(2.0);
    let available = img.width as f32 - 2.0 * margin - 2.0 * pad - accent;
    let widest = lines.iter().map(|l| line_width(font, px, l)).fold(0.0f32, f32::max);
    // A long enterprise name shrinks the text rather than running off the photo (down to 60 %).
    if widest > available && available > 0.0 {
        px = (px * available / widest).max(px * 0.6);
    }
    let scaled = font.as_scaled(PxScale::from(px));
    let line_height = (px * 1.32).ceil();
    let text_width = lines.iter().map(|l| line_width(font, px, l)).fold(0.0f32, f32::max);

    let band_w = (accent + 2.0 * pad + text_width).ceil().min(img.width as f32 - margin) as u32;
    let band_h = (2.0 * pad + line_height * lines.len() as f32).ceil().min(img.height as f32 - margin) as u32;
    let band = Band {
        x: margin as u32,
        y: img.height.saturating_sub(margin as u32 + band_h),
        width: band_w.max(1),
        height: band_h.max(1),
    };
    fill(img, band, [0, 0, 0], BAND_ALPHA);
    fill(img, Band { width: accent as u32, ..band }, ACCENT, 1.0);

    let text_left = band.x as f32 + accent + pad;
    let clip = (band.x + band.width, band.y + band.height);
    for (i, line) in lines.iter().enumerate() {
        // Centre the ascent-descent box in the line.
        let top = band.y as f32 + pad + line_height * i as f32;
        let baseline = top + (line_height - (scaled.ascent() - scaled.descent())) / 2.0 + scaled.ascent();
        draw_line(img, font, px, line, text_left, baseline.round(), clip);
    }
    Ok(Some(band))
}

/// Each character of `line` with its font and glyph, and the kerning before it (only between
/// two glyphs of the same font).
fn shaped(font: &'static FontArc, px: f32, line: &str) -> Vec<(char, Option<Glyph>, f32)> {
    let mut out = Vec::with_capacity(line.len());
    let mut previous: Option<Glyph> = None;
    for c in line.chars() {
        let g = glyph(font, c);
        let kern = match (previous, g) {
            (Some((pf, pid)), Some((f, id))) if std::ptr::eq(pf, f) => f.as_scaled(PxScale::from(px)).kern(pid, id),
            _ => 0.0,
        };
        out.push((c, g, kern));
        previous = g;
    }
    out
}

fn line_width(font: &'static FontArc, px: f32, line: &str) -> f32 {
    shaped(font, px, line).into_iter().map(|(c, g, kern)| kern + advance(px, c, g)).sum()
}

fn advance(px: f32, c: char, g: Option<Glyph>) -> f32 {
    match g {
        Some((font, id)) => font.as_scaled(PxScale::from(px)).h_advance(id),
        // Missing from every font: a box one full-width cell wide (CJK) or half (others).
        None if c.len_utf8() > 1 => px,
        None => px * 0.5,
    }
}

fn draw_line(img: &mut Rgb, font: &'static FontArc, px: f32, line: &str, left: f32, baseline: f32, clip: (u32, u32)) {
    let mut x = left;
    for (c, g, kern) in shaped(font, px, line) {
        x += kern;
        let adv = advance(px, c, g);
        let Some((font, id)) = g else {
            missing_box(img, x, baseline, adv, px, clip);
            x += adv;
            continue;
        };
        if let Some(outlined) = font.outline_glyph(id.with_scale_and_position(px, ab_glyph::point(x, baseline))) {
            let bounds = outlined.px_bounds();
            outlined.draw(|gx, gy, coverage| {
                let (px_x, px_y) = (bounds.min.x as i64 + gx as i64, bounds.min.y as i64 + gy as i64);
                if px_x >= 0 && px_y >= 0 && (px_x as u32) < clip.0 && (px_y as u32) < clip.1 {
                    blend(img, px_x as u32, px_y as u32, [255, 255, 255], coverage.min(1.0));
                }
            });
        }
        x += adv;
    }
}

/// The usual "tofu" for a character the font lacks: an outlined box, never a panic.
fn missing_box(img: &mut Rgb, x: f32, baseline: f32, advance: f32, px: f32, clip: (u32, u32)) {
    let stroke = (px / 14.0).max(1.0);
    let (left, right) = (x + advance * 0.1, x + advance * 0.9);
    let (top, bottom) = (baseline - px * 0.8, baseline + px * 0.05);
    for (l, t, r, b) in [
        (left, top, right, top + stroke),
        (left, bottom - stroke, right, bottom),
        (left, top, left + stroke, bottom),
        (right - stroke, top, right, bottom),
    ] {
        let (l, t) = (l.max(0.0).round() as u32, t.max(0.0).round() as u32);
        let (r, b) = (r.max(0.0).round() as u32, b.max(0.0).round() as u32);
        let r = r.min(clip.0);
        let b = b.min(clip.1);
        if r > l && b > t {
            fill(img, Band { x: l, y: t, width: r - l, height: b - t }, [255, 255, 255], 1.0);
        }
    }
}

fn fill(img: &mut Rgb, rect: Band, color: [u8; 3], alpha: f32) {
    let x_end = (rect.x + rect.width).min(img.width);
    let y_end = (rect.y + rect.height).min(img.height);
    for y in rect.y..y_end {
        for x in rect.x..x_end {
            blend(img, x, y, color, alpha);
        }
    }
}

#[inline]
fn blend(img: &mut Rgb, x: u32, y: u32, color: [u8; 3], alpha: f32) {
    if x >= img.width || y >= img.height {
        return;
    }
    let i = (y as usize * img.width as usize + x as usize) * 3;
    for (channel, c) in img.data[i..i + 3].iter_mut().zip(color) {
        *channel = (*channel as f32 * (1.0 - alpha) + c as f32 * alpha + 0.5) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_cff_font_parses_and_has_outlines_for_chinese_and_digits() {
        let font = font().expect("font parses");
        for c in ['杭', '州', '化', '工', '记', '录', '人', '：', '2', 'A', '，'] {
            let id = font.glyph_id(c);
            assert_ne!(id.0, 0, "{c} is in the subset");
            assert!(font.outline_glyph(id.with_scale(40.0)).is_some(), "{c} has an outline");
        }
    }

    #[test]
    fn a_name_outside_gb2312_is_drawn_from_the_system_font_when_it_is_there() {
        let primary = font().unwrap();
        assert_eq!(primary.glyph_id('喆').0, 0, "喆 is not in the embedded GB2312 subset");
        let installed = SYSTEM_FONTS.iter().any(|(p, _)| std::path::Path::new(p).exists());
        match glyph(primary, '喆') {
            Some((f, id)) => {
                assert!(installed && !std::ptr::eq(f, primary));
                assert!(f.outline_glyph(id.with_scale(40.0)).is_some());
            }
            None => assert!(!installed, "the system font is installed but was not used"),
        }
        assert!(glyph(primary, '杭').is_some_and(|(f, _)| std::ptr::eq(f, primary)), "the subset comes first");
    }

    #[test]
    fn character_outside_every_font_draws_a_box_without_panicking() {
        let mut img = Rgb::new(400, 300);
        let stamp = Stamp {
            time: "2026-11-23 14:05".into(),
            place: "😀\u{1F6A7}".into(),
            enterprise: "\u{10FFFF}".into(),
            recorder: "记录人：王喆".into(),
        };
        let band = draw(&mut img, &stamp).unwrap().expect("band drawn");
        assert!(band.x + band.width <= 400 && band.y + band.height <= 300);
    }

    #[test]
    fn empty_stamp_draws_nothing() {
        let mut img = Rgb::new(100, 100);
        let before = img.clone();
        let stamp =
            Stamp { time: " ".into(), place: String::new(), enterprise: String::new(), recorder: String::new() };
        assert_eq!(draw(&mut img, &stamp).unwrap(), None);
        assert_eq!(img, before);
    }
}
