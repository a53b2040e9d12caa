//! Images made on the spot for the tests: no fixtures to download or keep in sync.

#![allow(dead_code)]

use turbojpeg::{Compressor, Image, PixelFormat, Subsamp};

/// Packed RGB test image.
#[derive(Clone, Debug, PartialEq)]
pub struct Pixels {
    pub width: usize,
    pub height: usize,
    pub data: Vec<u8>,
}

impl Pixels {
    pub fn from_fn(width: usize, height: usize, mut f: impl FnMut(usize, usize) -> [u8; 3]) -> Self {
        let mut data = Vec::with_capacity(width * height * 3);
        for y in 0..height {
            for x in 0..width {
                data.extend_from_slice(&f(x, y));
            }
        }
        Pixels { width, height, data }
    }

    pub fn get(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.width + x) * 3;
        [self.data[i], self.data[i + 1], self.data[i + 2]]
    }

    /// Turned 90° clockwise.
    pub fn rotate_cw(&self) -> Self {
        Pixels::from_fn(self.height, self.width, |x, y| self.get(y, self.height - 1 - x))
    }

    /// Mirrored left-right.
    pub fn mirror(&self) -> Self {
        Pixels::from_fn(self.width, self.height, |x, y| self.get(self.width - 1 - x, y))
    }

    /// Mean absolute difference per channel over a rectangle.
    pub fn mean_diff(&self, other: &Pixels, x0: usize, y0: usize, w: usize, h: usize) -> f64 {
        assert_eq!((self.width, self.height), (other.width, other.height), "same size");
        let mut sum = 0u64;
        for y in y0..y0 + h {
            for x in x0..x0 + w {
                let (a, b) = (self.get(x, y), other.get(x, y));
                sum += (0..3).map(|c| (a[c] as i32 - b[c] as i32).unsigned_abs() as u64).sum::<u64>();
            }
        }
        sum as f64 / (w * h * 3) as f64
    }

    pub fn mean_luma(&self, x0: usize, y0: usize, w: usize, h: usize) -> f64 {
        let mut sum = 0.0;
        for y in y0..y0 + h {
            for x in x0..x0 + w {
                let p = self.get(x, y);
                sum += 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64;
            }
        }
        sum / (w * h) as f64
    }
}

/// The EXIF orientation transform written out from the specification's wording, independently
/// of the crate's index arithmetic.
pub fn exif_transform(p: &Pixels, orientation: u16) -> Pixels {
    match orientation {
        1 => p.clone(),
        2 => p.mirror(),
        3 => p.rotate_cw().rotate_cw(),
        4 => p.rotate_cw().rotate_cw().mirror(),
        5 => p.mirror().rotate_cw().rotate_cw().rotate_cw(),
        6 => p.rotate_cw(),
        7 => p.mirror().rotate_cw(),
        8 => p.rotate_cw().rotate_cw().rotate_cw(),
        _ => panic!("orientation {orientation}"),
    }
}

pub fn encode_jpeg(p: &Pixels, quality: i32, subsamp: Subsamp) -> Vec<u8> {
    let mut c = Compressor::new().unwrap();
    c.set_quality(quality).unwrap();
    c.set_subsamp(subsamp).unwrap();
    c.compress_to_vec(Image {
        pixels: &p.data[..],
        width: p.width,
        pitch: p.width * 3,
        height: p.height,
        format: PixelFormat::RGB,
    })
    .unwrap()
}

pub fn decode_jpeg(jpeg: &[u8]) -> Pixels {
    let img = turbojpeg::decompress(jpeg, PixelFormat::RGB).expect("our output decodes");
    assert_eq!(img.pitch, img.width * 3);
    Pixels { width: img.width, height: img.height, data: img.pixels }
}

/// Inserts an APP1 "Exif" segment carrying `tiff` right after SOI, where cameras put it.
pub fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    let len = 2 + 6 + tiff.len();
    let mut out = Vec::with_capacity(jpeg.len() + len + 2);
    out.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE1]);
    out.extend_from_slice(&(len as u16).to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A TIFF header with one IFD holding only Orientation, built byte by byte (little- or
/// big-endian, as cameras write both).
pub fn orientation_tiff(orientation: u16, little_endian: bool) -> Vec<u8> {
    let u16b = |v: u16| if little_endian { v.to_le_bytes() } else { v.to_be_bytes() };
    let u32b = |v: u32| if little_endian { v.to_le_bytes() } else { v.to_be_bytes() };
    let mut t = Vec::new();
    t.extend_from_slice(if little_endian { b"II" } else { b"MM" });
    t.extend_from_slice(&u16b(42));
    t.extend_from_slice(&u32b(8)); // IFD0 offset
    t.extend_from_slice(&u16b(1)); // one entry
    t.extend_from_slice(&u16b(0x0112)); // Orientation
    t.extend_from_slice(&u16b(3)); // SHORT
    t.extend_from_slice(&u32b(1)); // count
    t.extend_from_slice(&u16b(orientation)); // value, left-justified in the 4-byte slot
    t.extend_from_slice(&[0, 0]);
    t.extend_from_slice(&u32b(0)); // no next IFD
    t
}

/// A TIFF with DateTimeOriginal and GPS, written by kamadak-exif's writer.
pub fn time_and_gps_tiff(
    datetime: &str,
    lat: (u32, u32, f64),
    lat_ref: &str,
    lon: (u32, u32, f64),
    lon_ref: &str,
) -> Vec<u8> {
    use exif::experimental::Writer;
    use exif::{Field, In, Rational, Tag, Value};
    let dms = |(d, m, s): (u32, u32, f64)| {
        Value::Rational(vec![
            Rational { num: d, denom: 1 },
            Rational { num: m, denom: 1 },
            Rational { num: (s * 1000.0).round() as u32, denom: 1000 },
        ])
    };
    let fields = [
        Field {
            tag: Tag::DateTimeOriginal,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![datetime.as_bytes().to_vec()]),
        },
        Field { tag: Tag::DateTime, ifd_num: In::PRIMARY, value: Value::Ascii(vec![b"2001:01:01 00:00:00".to_vec()]) },
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![lat_ref.as_bytes().to_vec()]),
        },
        Field { tag: Tag::GPSLatitude, ifd_num: In::PRIMARY, value: dms(lat) },
        Field {
            tag: Tag::GPSLongitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![lon_ref.as_bytes().to_vec()]),
        },
        Field { tag: Tag::GPSLongitude, ifd_num: In::PRIMARY, value: dms(lon) },
    ];
    let mut writer = Writer::new();
    for f in &fields {
        writer.push_field(f);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    writer.write(&mut out, false).unwrap();
    out.into_inner()
}

/// 64×48 with four distinct quadrants (red, green / blue, yellow): every one of the eight
/// orientations gives a different arrangement.
pub fn quadrants() -> Pixels {
    Pixels::from_fn(64, 48, |x, y| match (x < 32, y < 24) {
        (true, true) => [220, 30, 30],
        (false, true) => [30, 200, 40],
        (true, false) => [30, 40, 220],
        (false, false) => [230, 220, 30],
    })
}

/// Cheap content for big images (debug builds are slow): gradients and a grid.
pub fn gradient(width: usize, height: usize) -> Pixels {
    Pixels::from_fn(width, height, |x, y| {
        let grid = if x % 97 < 3 || y % 89 < 3 { 60 } else { 0 };
        [(x * 255 / width) as u8, (y * 255 / height) as u8, (((x + y) / 7) % 256) as u8 / 2 + grid]
    })
}

/// Deterministic pseudo-random numbers (no rand dependency needed).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }

    pub fn unit(&mut self) -> f64 {
        self.next_u32() as f64 / (1u64 << 31) as f64
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u32() as u8).collect()
    }
}

/// Photo-like content: a few large soft blobs of colour over a gradient, plus fine noise. Different
/// seeds give different "scenes".
pub fn scene(width: usize, height: usize, seed: u64) -> Pixels {
    let mut rng = Lcg(seed);
    let blobs: Vec<(f64, f64, f64, [f64; 3])> = (0..7)
        .map(|_| {
            (
                rng.unit(),
                rng.unit(),
                0.08 + rng.unit() * 0.25,
                [rng.unit() * 255.0 - 128.0, rng.unit() * 255.0 - 128.0, rng.unit() * 255.0 - 128.0],
            )
        })
        .collect();
    let base = [rng.unit() * 120.0 + 60.0, rng.unit() * 120.0 + 60.0, rng.unit() * 120.0 + 60.0];
    let mut noise = Lcg(seed ^ 0x9E37_79B9);
    Pixels::from_fn(width, height, |x, y| {
        let (u, v) = (x as f64 / width as f64, y as f64 / height as f64);
        let mut c = [base[0] + 40.0 * u, base[1] + 40.0 * v, base[2] - 30.0 * u];
        for (bx, by, r, col) in &blobs {
            let d2 = ((u - bx).powi(2) + (v - by).powi(2)) / (r * r);
            let w = (-d2).exp();
            for k in 0..3 {
                c[k] += col[k] * w;
            }
        }
        let n = (noise.next_u32() % 9) as f64 - 4.0;
        [(c[0] + n).clamp(0.0, 255.0) as u8, (c[1] + n).clamp(0.0, 255.0) as u8, (c[2] + n).clamp(0.0, 255.0) as u8]
    })
}

/// PNG bytes from RGB or RGBA pixels, optionally with an eXIf chunk after IHDR.
pub fn encode_png(width: u32, height: u32, data: &[u8], rgba: bool, exif: Option<&[u8]>) -> Vec<u8> {
    use image::ImageEncoder;
    let mut png = Vec::new();
    let color = if rgba { image::ExtendedColorType::Rgba8 } else { image::ExtendedColorType::Rgb8 };
    image::codecs::png::PngEncoder::new(&mut png).write_image(data, width, height, color).unwrap();
    match exif {
        None => png,
        Some(tiff) => {
            // Signature (8) + IHDR chunk (4 + 4 + 13 + 4).
            let mut out = png[..33].to_vec();
            out.extend_from_slice(&png_chunk(b"eXIf", tiff));
            out.extend_from_slice(&png[33..]);
            out
        }
    }
}

pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Rewrites the frame size in a baseline JPEG's SOF0 marker (header only: the data stays small).
pub fn patch_sof_size(jpeg: &[u8], width: u16, height: u16) -> Vec<u8> {
    let mut out = jpeg.to_vec();
    let mut i = 2;
    while i + 9 < out.len() {
        assert_eq!(out[i], 0xFF, "marker expected at {i}");
        let marker = out[i + 1];
        let len = u16::from_be_bytes([out[i + 2], out[i + 3]]) as usize;
        if marker == 0xC0 {
            out[i + 5..i + 7].copy_from_slice(&height.to_be_bytes());
            out[i + 7..i + 9].copy_from_slice(&width.to_be_bytes());
            return out;
        }
        i += 2 + len;
    }
    panic!("no SOF0");
}

pub fn stamp() -> safeserve_media::Stamp {
    safeserve_media::Stamp {
        time: "2026-11-23 14:05".into(),
        place: "西湖区 转塘街道".into(),
        enterprise: "杭州某某化工有限公司".into(),
        recorder: "记录人：张三".into(),
    }
}
