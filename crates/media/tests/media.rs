//! Behaviour of the photo pipeline and the photo files, on images generated here.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests: a failure is the test failing, at its line")]

mod support;

use safeserve_media::{phash_distance, process, MediaError, PhotoFiles, PhotoFormat, Stamp};
use support::*;
use turbojpeg::Subsamp;

fn err(bytes: &[u8]) -> MediaError {
    match process(bytes, &stamp()) {
        Ok(p) => panic!("expected an error, got {p:?}"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------- orientation

#[test]
fn all_eight_exif_orientations_give_the_expected_pixels_in_the_thumbnail() {
    let source = quadrants();
    let jpeg = encode_jpeg(&source, 98, Subsamp::None);
    for orientation in 1..=8u16 {
        let photo = with_exif(&jpeg, &orientation_tiff(orientation, orientation % 2 == 1));
        let p = process(&photo, &stamp()).unwrap_or_else(|e| panic!("orientation {orientation}: {e}"));
        let expected = exif_transform(&source, orientation);
        assert_eq!(p.orientation, orientation);
        assert_eq!((p.width as usize, p.height as usize), (expected.width, expected.height), "size, o={orientation}");
        assert_eq!(
            (p.display_width as usize, p.display_height as usize),
            (expected.width, expected.height),
            "display size, o={orientation}"
        );
        let thumb = decode_jpeg(&p.thumb_jpeg);
        assert_eq!((thumb.width, thumb.height), (expected.width, expected.height), "thumb size, o={orientation}");
        assert_eq!((p.thumb_width as usize, p.thumb_height as usize), (thumb.width, thumb.height));
        let whole = thumb.mean_diff(&expected, 0, 0, expected.width, expected.height);
        assert!(whole < 12.0, "orientation {orientation}: mean difference {whole:.1} from the expected transform");
        // Quadrant centres, away from the JPEG-blurred edges, must match closely.
        let (qw, qh) = (expected.width / 2, expected.height / 2);
        for (cx, cy) in [(qw / 2, qh / 2), (qw + qw / 2, qh / 2), (qw / 2, qh + qh / 2), (qw + qw / 2, qh + qh / 2)] {
            let d = thumb.mean_diff(&expected, cx - 4, cy - 4, 8, 8);
            assert!(d < 20.0, "orientation {orientation}: quadrant at ({cx},{cy}) differs by {d:.1}");
        }
    }
}

#[test]
fn png_with_exif_orientation_six_is_turned_clockwise() {
    let source = quadrants();
    let png = encode_png(64, 48, &source.data, false, Some(&orientation_tiff(6, false)));
    let p = process(&png, &stamp()).unwrap();
    assert_eq!(p.format, PhotoFormat::Png);
    assert_eq!(p.orientation, 6);
    assert_eq!((p.width, p.height), (48, 64));
    let expected = exif_transform(&source, 6);
    let thumb = decode_jpeg(&p.thumb_jpeg);
    let d = thumb.mean_diff(&expected, 0, 0, 48, 64);
    assert!(d < 12.0, "mean difference {d:.1}");
}

#[test]
fn png_without_exif_keeps_its_orientation_and_transparent_pixels_become_white() {
    let rgba: Vec<u8> =
        (0..40 * 30).flat_map(|i| if i % 40 < 20 { [200, 10, 10, 255] } else { [0, 0, 0, 0] }).collect();
    let png = encode_png(40, 30, &rgba, true, None);
    let p = process(&png, &Stamp::default()).unwrap();
    assert_eq!((p.orientation, p.width, p.height), (1, 40, 30));
    let thumb = decode_jpeg(&p.thumb_jpeg);
    let right = thumb.get(35, 15);
    assert!(right.iter().all(|&c| c > 230), "transparent area is white, got {right:?}");
    let left = thumb.get(5, 15);
    assert!(left[0] > 170 && left[1] < 60, "opaque red stays red, got {left:?}");
}

// ---------------------------------------------------------------- EXIF

#[test]
fn exif_capture_time_and_gps_are_read_back() {
    let jpeg = encode_jpeg(&scene(320, 240, 1), 90, Subsamp::Sub2x2);
    let tiff = time_and_gps_tiff("2026:11:23 14:05:33", (30, 15, 36.5), "N", (120, 7, 12.0), "E");
    let p = process(&with_exif(&jpeg, &tiff), &stamp()).unwrap();
    let expected = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(14, 5, 33).unwrap();
    assert_eq!(p.taken_at, Some(expected), "DateTimeOriginal wins over DateTime");
    let (lat, lon) = p.gps.expect("gps read");
    assert!((lat - (30.0 + 15.0 / 60.0 + 36.5 / 3600.0)).abs() < 1e-6, "lat {lat}");
    assert!((lon - (120.0 + 7.0 / 60.0 + 12.0 / 3600.0)).abs() < 1e-6, "lon {lon}");
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn southern_and_western_references_make_coordinates_negative() {
    let jpeg = encode_jpeg(&scene(64, 64, 2), 90, Subsamp::Sub2x2);
    let tiff = time_and_gps_tiff("2025:01:02 03:04:05", (33, 52, 4.0), "S", (151, 12, 36.0), "W");
    let p = process(&with_exif(&jpeg, &tiff), &stamp()).unwrap();
    let (lat, lon) = p.gps.unwrap();
    assert!(lat < -33.8 && lat > -33.9, "lat {lat}");
    assert!(lon < -151.2 && lon > -151.3, "lon {lon}");
}

#[test]
fn photo_without_exif_has_no_time_no_gps_orientation_one_and_no_warning() {
    let p = process(&encode_jpeg(&scene(64, 48, 3), 90, Subsamp::Sub2x2), &stamp()).unwrap();
    assert_eq!((p.taken_at, p.gps, p.orientation), (None, None, 1));
    assert!(p.warnings.is_empty());
}

#[test]
fn broken_exif_block_keeps_the_photo_and_adds_a_warning() {
    let jpeg = encode_jpeg(&scene(200, 100, 4), 90, Subsamp::Sub2x2);
    // A TIFF header whose first IFD lies far outside the block.
    let broken = with_exif(&jpeg, b"II*\0\xF0\xFF\xFF\x0F garbage garbage");
    let p = process(&broken, &stamp()).expect("photo kept despite broken EXIF");
    assert_eq!((p.orientation, p.taken_at, p.gps), (1, None, None));
    assert_eq!((p.width, p.height), (200, 100));
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert_eq!(p.warnings[0].zh, "照片的 EXIF 信息已损坏，拍摄时间和位置无法读取；照片已按原样保存");
    assert!(!p.warnings[0].en.is_empty());
    // And an APP1 "Exif" with no TIFF at all.
    let p = process(&with_exif(&jpeg, b"\x00\x01"), &stamp()).expect("photo kept");
    assert_eq!(p.warnings.len(), 1);
}

// ---------------------------------------------------------------- refusals

#[test]
fn truncated_jpeg_is_corrupt_and_says_to_copy_the_original_again() {
    let jpeg = encode_jpeg(&scene(640, 480, 5), 90, Subsamp::Sub2x2);
    for cut in [jpeg.len() * 6 / 10, jpeg.len() - 2, 300] {
        let e = err(&jpeg[..cut]);
        assert_eq!(e.code(), "photo_corrupt", "cut at {cut} of {}: {e}", jpeg.len());
        assert_eq!(e.message().zh, "照片文件不完整或已损坏，无法读取，请重新拷贝原图");
        assert!(std::error::Error::source(&e).is_some(), "decoder error kept as the source");
    }
}

#[test]
fn jpeg_with_stray_bytes_before_a_marker_still_imports() {
    let mut jpeg = encode_jpeg(&scene(64, 64, 6), 90, Subsamp::Sub2x2);
    let eoi = jpeg.len() - 2;
    jpeg.insert(eoi, 0x00); // "Corrupt JPEG data: 1 extraneous bytes before marker 0xd9"
    assert!(process(&jpeg, &stamp()).is_ok());
}

#[test]
fn non_photo_files_are_refused_by_their_magic_bytes_with_a_message_naming_them() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("random", Lcg(42).bytes(10_000), "无法识别的文件格式"),
        ("text", "巡查记录\r\n2026-11-23 西湖区\n".repeat(20).into_bytes(), "这是文本文件"),
        ("gif", b"GIF89a\x10\x00\x10\x00\x80\x00\x00".to_vec(), "GIF"),
        ("bmp", b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00".to_vec(), "BMP"),
        ("webp", b"RIFF\x24\x00\x00\x00WEBPVP8 ".to_vec(), "WebP"),
        ("tiff", b"II*\x00\x08\x00\x00\x00".to_vec(), "TIFF"),
        ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(), "PDF"),
        ("docx", b"PK\x03\x04\x14\x00\x06\x00".to_vec(), "压缩包"),
        ("mp4", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom".to_vec(), "视频"),
    ];
    for (name, bytes, needle) in cases {
        let e = err(&bytes);
        assert_eq!(e.code(), "photo_unsupported_format", "{name}");
        assert!(e.message().zh.contains(needle), "{name}: {}", e.message().zh);
        assert!(!e.message().en.is_empty(), "{name}");
    }
}

#[test]
fn heic_is_refused_with_the_camera_setting_to_change() {
    let e = err(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x00");
    assert_eq!(e.code(), "photo_unsupported_format");
    assert_eq!(e.message().zh, "暂不支持 HEIC 格式照片，请在手机相机设置中选择“兼容性最佳”后重拍，或导出为 JPG");
    assert!(e.message().en.contains("Most Compatible"));
}

#[test]
fn empty_file_is_refused_as_empty() {
    let e = err(b"");
    assert_eq!(e.code(), "photo_empty");
    assert!(e.message().zh.contains("空的"));
}

#[test]
fn jpeg_named_png_or_png_named_jpeg_does_not_matter_only_bytes_do() {
    // There are no names here at all: the format comes from the bytes.
    let png = encode_png(8, 8, &[9u8; 8 * 8 * 3], false, None);
    assert_eq!(process(&png, &stamp()).unwrap().format, PhotoFormat::Png);
    let jpeg = encode_jpeg(&scene(8, 8, 1), 90, Subsamp::Sub2x2);
    assert_eq!(process(&jpeg, &stamp()).unwrap().format, PhotoFormat::Jpeg);
}

// ---------------------------------------------------------------- size

#[test]
fn hundred_megapixel_jpeg_imports_with_a_small_display_copy() {
    let (w, h) = (12000, 8400);
    let big = Pixels::from_fn(w, h, |x, y| [(x / 47) as u8, (y / 33) as u8, ((x + y) / 80) as u8]);
    let jpeg = encode_jpeg(&big, 80, Subsamp::Sub2x2);
    drop(big);
    let p = process(&jpeg, &stamp()).expect("100 MP photo imports");
    assert_eq!((p.width, p.height), (12000, 8400));
    assert!(p.display_width.max(p.display_height) <= 2048, "{p:?}");
    assert!(p.display_width.max(p.display_height) >= 1024, "{p:?}");
    assert!(p.thumb_width.max(p.thumb_height) <= 320);
    let display = decode_jpeg(&p.display_jpeg);
    assert_eq!((display.width as u32, display.height as u32), (p.display_width, p.display_height));
}

#[test]
fn jpeg_beyond_250_megapixels_is_refused_from_its_header() {
    let small = encode_jpeg(&scene(16, 16, 1), 90, Subsamp::Sub2x2);
    let e = err(&patch_sof_size(&small, 20000, 15000));
    assert_eq!(e.code(), "photo_too_large");
    let zh = e.message().zh;
    assert!(zh.contains("20000×15000") && zh.contains("30000 万像素") && zh.contains("25000 万像素"), "{zh}");
}

#[test]
fn huge_png_header_is_refused_before_decoding() {
    // Signature and IHDR only: 20000×20000 RGBA. Decoding it would need 1.6 GB (and fail: no data).
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&20000u32.to_be_bytes());
    ihdr.extend_from_slice(&20000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    png.extend_from_slice(&png_chunk(b"IHDR", &ihdr));
    let e = err(&png);
    assert_eq!(e.code(), "photo_too_large");
    assert!(e.message().zh.contains("40000 万像素") && e.message().zh.contains("10000 万像素"), "{}", e.message().zh);
}

#[test]
fn twelve_megapixel_photo_gets_a_2000px_display_copy_straight_from_scaled_decode() {
    let jpeg = encode_jpeg(&gradient(4000, 3000), 85, Subsamp::Sub2x2);
    let p = process(&with_exif(&jpeg, &orientation_tiff(6, true)), &stamp()).unwrap();
    assert_eq!((p.width, p.height), (3000, 4000));
    assert_eq!((p.display_width, p.display_height), (1500, 2000));
    assert_eq!((p.thumb_width, p.thumb_height), (240, 320));
    assert_eq!(p.phash.len(), 16);
    assert_eq!(p.sha256.len(), 64);
}

#[test]
fn six_thousand_pixel_photo_is_resized_to_exactly_2048() {
    let jpeg = encode_jpeg(&gradient(6000, 4000), 80, Subsamp::Sub2x2);
    let p = process(&jpeg, &stamp()).unwrap();
    assert_eq!((p.display_width, p.display_height), (2048, 1365));
}

#[test]
fn print_copy_is_made_once_from_the_display_copy_at_1024_pixels() {
    let jpeg = encode_jpeg(&gradient(4000, 3000), 85, Subsamp::Sub2x2);
    let p = process(&jpeg, &stamp()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = PhotoFiles::new(dir.path());
    let stored = files.store(&jpeg, &p).unwrap();
    let print = files.print_copy(&p.sha256, p.format).unwrap();
    let header = turbojpeg::read_header(&print).unwrap();
    // The 2000 px display copy decodes at 1/2 straight to 1000 px: close enough to need no resize.
    assert_eq!((header.width, header.height), (1000, 750), "print copy about PRINT_MAX_EDGE");
    assert!(print.len() < p.display_jpeg.len(), "the print copy is smaller than the display copy");
    assert!(stored.display.with_file_name(format!("{}.print.jpg", p.sha256)).is_file(), "kept for next time");
    assert_eq!(files.print_copy(&p.sha256, p.format).unwrap(), print);
    let e = files.print_copy(&"0".repeat(64), PhotoFormat::Jpeg).unwrap_err();
    assert_eq!(e.code(), "photo_missing");
    assert!(e.message().zh.contains("照片文件缺失"), "{}", e.message().zh);
}

// ---------------------------------------------------------------- hashes

#[test]
fn sha256_is_of_the_original_bytes() {
    let jpeg = encode_jpeg(&scene(100, 80, 11), 90, Subsamp::Sub2x2);
    let p = process(&jpeg, &stamp()).unwrap();
    use sha2::Digest;
    let expected: String = sha2::Sha256::digest(&jpeg).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(p.sha256, expected);
}

#[test]
fn same_photo_recompressed_or_resized_stays_within_four_bits_and_different_photos_are_far_apart() {
    let a = scene(960, 720, 21);
    let original = process(&encode_jpeg(&a, 92, Subsamp::Sub2x2), &stamp()).unwrap();
    let recompressed = process(&encode_jpeg(&a, 55, Subsamp::Sub2x2), &stamp()).unwrap();
    let half = Pixels::from_fn(480, 360, |x, y| a.get(x * 2, y * 2));
    let resized = process(&encode_jpeg(&half, 75, Subsamp::Sub2x2), &Stamp::default()).unwrap();
    for (what, other) in [("recompressed", &recompressed), ("resized", &resized)] {
        let d = phash_distance(&original.phash, &other.phash).unwrap();
        eprintln!("{what}: phash distance {d}");
        assert!(d <= 4, "{what}: distance {d} ({} vs {})", original.phash, other.phash);
    }
    for seed in [22, 23, 24] {
        let different = process(&encode_jpeg(&scene(960, 720, seed), 92, Subsamp::Sub2x2), &stamp()).unwrap();
        let d = phash_distance(&original.phash, &different.phash).unwrap();
        eprintln!("different scene {seed}: phash distance {d}");
        assert!(d >= 12, "seed {seed}: distance {d} ({} vs {})", original.phash, different.phash);
    }
}

#[test]
fn phash_is_taken_before_the_watermark() {
    let jpeg = encode_jpeg(&scene(1200, 900, 31), 90, Subsamp::Sub2x2);
    let stamped = process(&jpeg, &stamp()).unwrap();
    let plain = process(&jpeg, &Stamp::default()).unwrap();
    assert_eq!(stamped.phash, plain.phash);
    assert_eq!(stamped.thumb_jpeg, plain.thumb_jpeg, "thumbnail carries no watermark");
    assert_ne!(stamped.display_jpeg, plain.display_jpeg);
}

// ---------------------------------------------------------------- watermark

#[test]
fn watermark_band_is_visible_at_the_bottom_left_only() {
    let jpeg = encode_jpeg(&scene(1600, 1200, 41), 90, Subsamp::Sub2x2);
    let stamped = decode_jpeg(&process(&jpeg, &stamp()).unwrap().display_jpeg);
    let plain = decode_jpeg(&process(&jpeg, &Stamp::default()).unwrap().display_jpeg);
    let (w, h) = (stamped.width, stamped.height);
    assert_eq!((w, h), (1600, 1200));
    // Font about 2.6 % of 1600 = 42 px; four lines plus padding ≈ 250 px tall.
    let band = (40, h - 200, 300, 150);
    let d = stamped.mean_diff(&plain, band.0, band.1, band.2, band.3);
    assert!(d > 15.0, "band region differs by only {d:.1}");
    assert!(
        stamped.mean_luma(band.0, band.1, band.2, band.3) < plain.mean_luma(band.0, band.1, band.2, band.3),
        "band darkens on average"
    );
    // White text inside the band.
    let bright = (band.1..band.1 + band.3)
        .flat_map(|y| (band.0..band.0 + band.2).map(move |x| (x, y)))
        .filter(|&(x, y)| stamped.get(x, y).iter().all(|&c| c > 235))
        .count();
    assert!(bright > 500, "white text pixels in the band: {bright}");
    // The rest of the photo is untouched (same encoder, same pixels → same blocks).
    for (name, (x, y)) in [("top-left", (0, 0)), ("top-right", (w - 400, 0)), ("bottom-right", (w - 400, h - 300))] {
        let d = stamped.mean_diff(&plain, x, y, 400, 300);
        assert!(d < 0.5, "{name} changed by {d:.2}");
    }
}

#[test]
fn watermark_follows_orientation_so_it_is_at_the_displayed_bottom_left() {
    let jpeg = encode_jpeg(&scene(1200, 800, 42), 90, Subsamp::Sub2x2);
    let rotated = with_exif(&jpeg, &orientation_tiff(8, true));
    let stamped = decode_jpeg(&process(&rotated, &stamp()).unwrap().display_jpeg);
    let plain = decode_jpeg(&process(&rotated, &Stamp::default()).unwrap().display_jpeg);
    assert_eq!((stamped.width, stamped.height), (800, 1200));
    let bottom_left = stamped.mean_diff(&plain, 20, 1200 - 150, 200, 100);
    let top_right = stamped.mean_diff(&plain, 800 - 250, 0, 250, 250);
    assert!(bottom_left > 15.0 && top_right < 0.5, "bottom-left {bottom_left:.1}, top-right {top_right:.2}");
}

// ---------------------------------------------------------------- files

fn sample() -> (Vec<u8>, safeserve_media::Processed) {
    let jpeg = encode_jpeg(&scene(800, 600, 51), 90, Subsamp::Sub2x2);
    let p = process(&jpeg, &stamp()).unwrap();
    (jpeg, p)
}

fn all_files(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let path = e.path();
            out.push(path.strip_prefix(dir).unwrap().display().to_string());
            if path.is_dir() {
                out.extend(all_files(&path).into_iter().map(|f| format!("{}/{f}", e.file_name().to_string_lossy())));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn store_writes_three_content_addressed_files_and_the_original_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let files = PhotoFiles::new(dir.path().join("db.photos"));
    let (jpeg, p) = sample();
    let paths = files.store(&jpeg, &p).unwrap();
    assert_eq!(paths, files.paths(&p.sha256, PhotoFormat::Jpeg));
    let shard = &p.sha256[..2];
    assert_eq!(paths.original, dir.path().join("db.photos").join(shard).join(format!("{}.orig.jpg", p.sha256)));
    assert_eq!(std::fs::read(&paths.original).unwrap(), jpeg);
    assert_eq!(std::fs::read(&paths.display).unwrap(), p.display_jpeg);
    assert_eq!(std::fs::read(&paths.thumb).unwrap(), p.thumb_jpeg);
    assert_eq!(all_files(&dir.path().join("db.photos").join(shard)).len(), 3, "no temporary files left");
}

#[test]
fn storing_the_same_photo_twice_is_idempotent_and_rewrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let files = PhotoFiles::new(dir.path());
    let (jpeg, p) = sample();
    let first = files.store(&jpeg, &p).unwrap();
    // A rewrite goes through a temporary file and a rename, which gives the path a new inode.
    let identity = |path: &std::path::Path| {
        let m = std::fs::metadata(path).unwrap();
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&m);
        #[cfg(not(unix))]
        let inode = 0u64;
        (inode, m.modified().unwrap())
    };
    let before = [identity(&first.original), identity(&first.display), identity(&first.thumb)];
    let second = files.store(&jpeg, &p).unwrap();
    assert_eq!(first, second);
    assert_eq!(before, [identity(&second.original), identity(&second.display), identity(&second.thumb)]);
    assert_eq!(all_files(dir.path()).len(), 4, "{:?}", all_files(dir.path()));
}

#[test]
fn store_into_a_root_that_is_a_file_fails_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("photos");
    std::fs::write(&root, b"not a directory").unwrap();
    let (jpeg, p) = sample();
    let e = PhotoFiles::new(&root).store(&jpeg, &p).unwrap_err();
    assert_eq!(e.code(), "photo_write_failed", "{e}");
    assert!(e.message().zh.contains("没有保存"), "{}", e.message().zh);
    assert_eq!(all_files(dir.path()), vec!["photos".to_string()]);
    assert_eq!(std::fs::read(&root).unwrap(), b"not a directory");
}

#[test]
fn failure_on_the_last_file_removes_the_files_already_written() {
    let dir = tempfile::tempdir().unwrap();
    let files = PhotoFiles::new(dir.path());
    let (jpeg, p) = sample();
    let paths = files.paths(&p.sha256, p.format);
    // A directory squatting on the thumbnail's name makes its rename fail after the original and
    // the display copy are already in place.
    std::fs::create_dir_all(&paths.thumb).unwrap();
    let e = files.store(&jpeg, &p).unwrap_err();
    assert_eq!(e.code(), "photo_write_failed", "{e}");
    assert!(!paths.original.exists(), "original removed again");
    assert!(!paths.display.exists(), "display copy removed again");
    let shard = paths.thumb.parent().unwrap();
    assert_eq!(all_files(shard), vec![paths.thumb.file_name().unwrap().to_string_lossy().into_owned()]);
}

#[test]
fn failure_leaves_earlier_photos_alone() {
    let dir = tempfile::tempdir().unwrap();
    let files = PhotoFiles::new(dir.path());
    let (jpeg, p) = sample();
    let stored = files.store(&jpeg, &p).unwrap();
    // Same photo again, but the display copy is now different (a re-encode) and the thumbnail's
    // name is blocked: the existing original must survive the rollback.
    std::fs::remove_file(&stored.thumb).unwrap();
    std::fs::create_dir(&stored.thumb).unwrap();
    let mut changed = p.clone();
    changed.display_jpeg.push(0);
    assert!(files.store(&jpeg, &changed).is_err());
    assert_eq!(std::fs::read(&stored.original).unwrap(), jpeg, "pre-existing original kept");
    assert!(stored.display.exists(), "pre-existing display copy kept");
}

#[test]
fn store_refuses_bytes_that_are_not_the_processed_original() {
    let dir = tempfile::tempdir().unwrap();
    let (jpeg, p) = sample();
    let mut other = jpeg.clone();
    other.push(0);
    let e = PhotoFiles::new(dir.path()).store(&other, &p).unwrap_err();
    assert_eq!(e.code(), "photo_mismatch");
    assert!(all_files(dir.path()).is_empty());
}

#[test]
fn progressive_and_greyscale_jpegs_import_like_baseline_ones() {
    let source = gradient(3000, 2000);
    let mut c = turbojpeg::Compressor::new().unwrap();
    c.set_progressive(true).unwrap();
    c.set_quality(85).unwrap();
    let image = turbojpeg::Image {
        pixels: &source.data[..],
        width: source.width,
        pitch: source.width * 3,
        height: source.height,
        format: turbojpeg::PixelFormat::RGB,
    };
    let progressive = c.compress_to_vec(image).unwrap();
    let p = process(&progressive, &stamp()).expect("progressive JPEG");
    assert_eq!(
        (p.width, p.height, p.display_width, p.display_height),
        (3000, 2000, 1875, 1250),
        "5/8 scaled decode, no resize"
    );

    c.set_progressive(false).unwrap();
    c.set_subsamp(Subsamp::Gray).unwrap();
    let grey = c.compress_to_vec(image).unwrap();
    let p = process(&grey, &stamp()).expect("greyscale JPEG");
    assert_eq!((p.display_width, p.display_height), (1875, 1250));
}

// ---------------------------------------------------------------- sealed at rest

fn photo_key(b: u8) -> safeserve_media::PhotoKey {
    safeserve_media::PhotoKey::new(zeroize::Zeroizing::new([b; 32]))
}

#[test]
fn on_an_encrypted_laptop_every_photo_file_is_sealed_and_reads_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let files = PhotoFiles::new(dir.path()).sealed_with(photo_key(7));
    let (jpeg, p) = sample();
    let paths = files.store(&jpeg, &p).unwrap();
    let print = files.print_copy(&p.sha256, p.format).unwrap();
    let print_path = paths.display.with_file_name(format!("{}.print.jpg", p.sha256));
    for (path, plain) in [
        (&paths.original, &jpeg),
        (&paths.display, &p.display_jpeg),
        (&paths.thumb, &p.thumb_jpeg),
        (&print_path, &print),
    ] {
        let on_disk = std::fs::read(path).unwrap();
        assert!(safeserve_media::is_sealed(&on_disk), "{} is sealed", path.display());
        assert!(!on_disk.windows(16).any(|w| w == &plain[..16]), "nothing of the JPEG is in clear");
        assert_eq!(&files.read(path).unwrap(), plain, "{} reads back whole", path.display());
    }
    assert_eq!(files.print_copy(&p.sha256, p.format).unwrap(), print, "the sealed print copy is reused");
    // Stored again: nothing is rewritten, as in clear.
    files.store(&jpeg, &p).unwrap();

    // Signed out (no key), with another laptop's key, or swapped for another file: refused and
    // said so, never shown as something else.
    let e = PhotoFiles::new(dir.path()).read(&paths.display).unwrap_err();
    assert_eq!(e.code(), "signed_out");
    assert!(e.message().zh.contains("请先登录"), "{}", e.message().zh);
    let e = PhotoFiles::new(dir.path()).sealed_with(photo_key(8)).read(&paths.display).unwrap_err();
    assert_eq!(e.code(), "photo_missing");
    assert!(e.message().zh.contains("无法解密"), "{}", e.message().zh);
    std::fs::copy(&paths.thumb, &paths.display).unwrap();
    assert_eq!(files.read(&paths.display).unwrap_err().code(), "photo_missing", "a file under another's name");
}

#[test]
fn photos_stored_in_clear_are_sealed_once_when_the_laptop_is_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    let (jpeg, p) = sample();
    let paths = PhotoFiles::new(dir.path()).store(&jpeg, &p).unwrap();
    let files = PhotoFiles::new(dir.path()).sealed_with(photo_key(3));
    assert_eq!(files.read(&paths.original).unwrap(), jpeg, "a file still in clear reads as it is");
    // A store cut off midway left a temporary file: it is not a photo and is left alone.
    std::fs::write(paths.original.with_file_name(".left.tmp"), b"x").unwrap();
    assert_eq!(files.seal_all().unwrap(), 3);
    assert!(safeserve_media::is_sealed(&std::fs::read(&paths.original).unwrap()));
    assert_eq!(files.read(&paths.original).unwrap(), jpeg);
    assert_eq!(files.seal_all().unwrap(), 0, "done once, the folder is not walked again");
}
