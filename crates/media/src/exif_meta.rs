//! The few EXIF fields the inspection record needs: orientation, capture time, GPS position.
//! A damaged EXIF block never costs the photo: it costs these fields and adds a warning.

use std::io::Cursor;

use chrono::NaiveDateTime;
use exif::{In, Tag, Value};
use safeserve_core::message::Message;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExifMeta {
    pub orientation: u16,
    pub taken_at: Option<NaiveDateTime>,
    pub gps: Option<(f64, f64)>,
    pub warning: Option<Message>,
}

impl Default for ExifMeta {
    fn default() -> Self {
        ExifMeta { orientation: 1, taken_at: None, gps: None, warning: None }
    }
}

pub(crate) fn broken_exif_warning() -> Message {
    Message::new(
        "照片的 EXIF 信息已损坏，拍摄时间和位置无法读取；照片已按原样保存",
        "The photo's EXIF data is damaged, so the capture time and location cannot be read; the photo was kept as it is.",
    )
}

fn partial_exif_warning() -> Message {
    Message::new(
        "照片的 EXIF 信息部分损坏，已读取其中完好的部分；请核对拍摄时间和位置",
        "Part of the photo's EXIF data is damaged; the intact fields were read. Check the capture time and location.",
    )
}

/// Reads EXIF from a JPEG (APP1) or PNG (eXIf chunk) container.
pub(crate) fn read(container: &[u8]) -> ExifMeta {
    let mut reader = exif::Reader::new();
    reader.continue_on_error(true);
    match reader.read_from_container(&mut Cursor::new(container)) {
        Ok(exif) => from_exif(&exif),
        Err(exif::Error::NotFound(_)) => ExifMeta::default(),
        Err(e) => {
            let mut had_errors = false;
            match e.distill_partial_result(|errors| had_errors = !errors.is_empty()) {
                Ok(exif) => {
                    let mut meta = from_exif(&exif);
                    if had_errors {
                        meta.warning = Some(if meta == ExifMeta::default() {
                            broken_exif_warning()
                        } else {
                            partial_exif_warning()
                        });
                    }
                    meta
                }
                Err(_) => ExifMeta { warning: Some(broken_exif_warning()), ..ExifMeta::default() },
            }
        }
    }
}

fn from_exif(exif: &exif::Exif) -> ExifMeta {
    let orientation = exif
        .get_field(Tag::Orientation, In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .filter(|o| (1..=8).contains(o))
        .map_or(1, |o| o as u16);
    let taken_at = [Tag::DateTimeOriginal, Tag::DateTimeDigitized, Tag::DateTime]
        .iter()
        .find_map(|&tag| exif.get_field(tag, In::PRIMARY).and_then(|f| parse_datetime(&f.value)));
    ExifMeta { orientation, taken_at, gps: gps(exif), warning: None }
}

/// EXIF writes "YYYY:MM:DD HH:MM:SS" in the camera's local time, without a zone. Cameras with an
/// unset clock write blanks or zeros: those mean "unknown".
fn parse_datetime(value: &Value) -> Option<NaiveDateTime> {
    let Value::Ascii(lines) = value else { return None };
    let raw = lines.first()?;
    let text = std::str::from_utf8(raw).ok()?.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    let text = text.get(..19)?;
    NaiveDateTime::parse_from_str(text, "%Y:%m:%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S"))
        .ok()
}

/// Latitude and longitude in decimal degrees (WGS-84 as the receiver wrote it; not GCJ-02).
/// (0, 0) is what some phones write without a fix: treated as no position.
fn gps(exif: &exif::Exif) -> Option<(f64, f64)> {
    let lat = coordinate(exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S')?;
    let lon = coordinate(exif, Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W')?;
    let valid = lat.abs() <= 90.0 && lon.abs() <= 180.0 && !(lat == 0.0 && lon == 0.0);
    valid.then_some((lat, lon))
}

fn coordinate(exif: &exif::Exif, tag: Tag, ref_tag: Tag, negative: u8) -> Option<f64> {
    let Value::Rational(parts) = &exif.get_field(tag, In::PRIMARY)?.value else { return None };
    if parts.is_empty() || parts.iter().any(|r| r.denom == 0) {
        return None;
    }
    let part = |i: usize| parts.get(i).map_or(0.0, |r| r.to_f64());
    let degrees = part(0) + part(1) / 60.0 + part(2) / 3600.0;
    let sign = match &exif.get_field(ref_tag, In::PRIMARY)?.value {
        Value::Ascii(v) if v.first().and_then(|s| s.first()).is_some_and(|c| c.eq_ignore_ascii_case(&negative)) => -1.0,
        Value::Ascii(_) => 1.0,
        _ => return None,
    };
    degrees.is_finite().then_some(sign * degrees)
}
