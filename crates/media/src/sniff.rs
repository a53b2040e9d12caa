//! What a file is, from its first bytes. File names lie (a WeChat "photo.jpg" is often WebP, an
//! iPhone export HEIC), magic bytes do not.

/// What the magic bytes say a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    Jpeg,
    Png,
    Heic,
    Avif,
    Gif,
    Bmp,
    Webp,
    /// TIFF, and the RAW formats built on it (DNG, CR2, NEF, ARW).
    Tiff,
    Pdf,
    /// ZIP, and the Office documents built on it (docx, xlsx).
    Zip,
    /// MP4, MOV, 3GP.
    Video,
    Text,
    Unknown,
}

pub fn sniff(bytes: &[u8]) -> FileKind {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return FileKind::Jpeg;
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return FileKind::Png;
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return FileKind::Gif;
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return FileKind::Webp;
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return FileKind::Tiff;
    }
    if starts(b"%PDF-") {
        return FileKind::Pdf;
    }
    if starts(b"PK\x03\x04") {
        return FileKind::Zip;
    }
    if bytes.get(4..8) == Some(b"ftyp") {
        return iso_bmff_kind(bytes);
    }
    // "BM" + a little-endian file size + two reserved zero words: two bytes alone would also
    // match text that starts with "BM".
    if starts(b"BM") && bytes.len() >= 14 && bytes[6..10] == [0, 0, 0, 0] {
        return FileKind::Bmp;
    }
    if looks_like_text(bytes) {
        return FileKind::Text;
    }
    FileKind::Unknown
}

/// HEIF/AVIF and MP4/MOV share the ISO base media container; the major and compatible brands
/// in the `ftyp` box tell them apart.
fn iso_bmff_kind(bytes: &[u8]) -> FileKind {
    let box_len = bytes.get(0..4).map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let end = box_len.clamp(16, 256).min(bytes.len());
    let major = bytes.get(8..12).unwrap_or_default();
    let compatible: Vec<&[u8]> = bytes.get(16..end).unwrap_or_default().chunks_exact(4).collect();
    let has = |brand: &[u8]| major == brand || compatible.contains(&brand);
    if has(b"avif") || has(b"avis") {
        FileKind::Avif
    } else if [b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"].iter().any(|b| has(*b)) {
        FileKind::Heic
    } else {
        FileKind::Video
    }
}

/// Text in any ASCII-compatible encoding (UTF-8, GB18030): no control bytes other than
/// whitespace in the first 4 KiB. Random or binary data has some almost surely.
fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    !head.is_empty() && head.iter().all(|&b| (b >= 0x20 && b != 0x7F) || matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heic_and_avif_and_mp4_are_told_apart_by_brand() {
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"), FileKind::Heic);
        assert_eq!(sniff(b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic"), FileKind::Heic);
        assert_eq!(sniff(b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf"), FileKind::Avif);
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom"), FileKind::Video);
    }

    #[test]
    fn text_starting_with_bm_is_text_not_bmp() {
        assert_eq!(sniff("BM 检查记录\n".as_bytes()), FileKind::Text);
        assert_eq!(sniff(b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00\x00\x00"), FileKind::Bmp);
    }
}
