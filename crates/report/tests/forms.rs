//! Every form rendered to a real PDF and read back with poppler and qpdf, as a person or a
//! checker would read it.

use crate::common;

use common::{all_samples, Photos, ENTERPRISE, LONG_DESCRIPTION};
use safeserve_core::document::{DocumentKind, SignedDocument};
use safeserve_report::{missing_characters, read_stamp, render, render_bundle, ReportError};
use std::path::{Path, PathBuf};
use std::process::Command;

fn write(dir: &Path, name: &str, pdf: &[u8]) -> PathBuf {
    let p = dir.join(format!("{name}.pdf"));
    std::fs::write(&p, pdf).unwrap();
    p
}

fn run(cmd: &str, args: &[&str]) -> std::process::Output {
    Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} could not run ({e}); `./dev test` installs poppler-utils and qpdf"))
}

/// `pdftotext` in reading order: a table cell's wrapped lines come out together.
fn reading_order(pdf: &Path) -> String {
    let out = run("pdftotext", &["-enc", "UTF-8", &pdf.to_string_lossy(), "-"]);
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `pdftotext -layout` of pages `first..=last` (all when `None`).
fn text(pdf: &Path, pages: Option<(usize, usize)>) -> String {
    let mut args = vec!["-layout".to_string(), "-enc".into(), "UTF-8".into()];
    if let Some((f, l)) = pages {
        args.extend(["-f".into(), f.to_string(), "-l".into(), l.to_string()]);
    }
    args.extend([pdf.to_string_lossy().into_owned(), "-".into()]);
    let out = run("pdftotext", &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn qpdf_check(pdf: &Path) {
    let out = run("qpdf", &["--check", &pdf.to_string_lossy()]);
    assert!(
        out.status.success(),
        "qpdf --check {}: {}{}",
        pdf.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf).unwrap().get_pages().len()
}

/// Sum of the embedded font programs (`/FontFile*` streams).
fn font_bytes(pdf: &[u8]) -> usize {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut total = 0;
    for obj in doc.objects.values() {
        if let Ok(d) = obj.as_dict() {
            for key in [&b"FontFile"[..], b"FontFile2", b"FontFile3"] {
                if let Ok(r) = d.get(key).and_then(|o| o.as_reference()) {
                    total += doc.get_object(r).and_then(|o| o.as_stream()).map(|s| s.content.len()).unwrap_or(0);
                }
            }
        }
    }
    total
}

/// Text with the line structure and runs of spaces removed: table cells wrap, so a phrase is
/// looked for in the cell's lines joined.
fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn sample(kind: DocumentKind) -> (SignedDocument, Photos) {
    let (docs, photos) = all_samples();
    (docs.into_iter().find(|d| d.kind == kind).unwrap(), photos)
}

/// The words each form must print.
fn expected(doc: &SignedDocument) -> Vec<String> {
    let c = &doc.content;
    let mut words = vec![c.title.clone(), doc.verification_code.clone()];
    match doc.kind {
        DocumentKind::Letter => {
            let l = c.letter.as_ref().unwrap();
            words.extend([
                l.reference.clone(),
                l.recipient.clone(),
                "2026年11月23日".into(),
                "请你单位于2026年12月10日前".into(),
                "—1—".into(),
            ]);
        }
        DocumentKind::ServicePlan => {
            words.extend([ENTERPRISE.into(), "孙晓燕".into(), "企业现状评估".into(), "王喆".into()])
        }
        DocumentKind::EnterpriseFile => words.extend([ENTERPRISE.into(), "文书目录".into(), "隐患清单".into()]),
        DocumentKind::InspectionRecord => {
            words.extend([ENTERPRISE.into(), "是否建立粉尘清扫制度并记录".into(), "不符合".into()])
        }
        _ => words.extend([ENTERPRISE.into(), "污水处理池有限空间".into(), "王喆".into()]),
    }
    if doc.kind == DocumentKind::HazardList {
        words.extend([squeezed(LONG_DESCRIPTION), "李堃".into(), "330102********1234".into(), "ZJ2023110456".into()]);
    }
    words.into_iter().map(|w| squeezed(&w)).collect()
}

#[test]
fn every_form_prints_its_words_page_numbers_code_and_stamp() {
    let dir = tempfile::tempdir().unwrap();
    let (docs, photos) = all_samples();
    for doc in &docs {
        let pdf = render(doc, &photos).unwrap_or_else(|e| panic!("{:?}: {}", doc.kind, e.message()));
        let path = write(dir.path(), doc.kind.key(), &pdf);
        qpdf_check(&path);
        let n = pages(&pdf);
        let all = squeezed(&text(&path, None)) + &squeezed(&reading_order(&path));
        for w in expected(doc) {
            assert!(all.contains(&w), "{:?} does not print {w:?}:\n{all}", doc.kind);
        }
        for page in 1..=n {
            let t = squeezed(&text(&path, Some((page, page))));
            assert!(
                t.contains(&format!("第{page}页共{n}页")),
                "{:?} page {page} lacks 第 {page} 页 共 {n} 页",
                doc.kind
            );
            assert!(t.contains(&doc.verification_code), "{:?} page {page} lacks the verification code", doc.kind);
        }
        let fonts = font_bytes(&pdf);
        assert!(fonts > 0 && fonts <= 1_000_000, "{:?}: {fonts} bytes of font data", doc.kind);
        assert_eq!(read_stamp(&pdf), Some((doc.id.0, doc.content_hash.clone())), "{:?}", doc.kind);
    }
}

#[test]
fn the_hazard_table_flows_across_pages_with_its_header_and_major_hazards_first() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, photos) = sample(DocumentKind::HazardList);
    let pdf = render(&doc, &photos).unwrap();
    let path = write(dir.path(), "hazard_list", &pdf);
    assert!(pages(&pdf) >= 3, "14 hazards and photos take several pages");
    let page2 = squeezed(&text(&path, Some((2, 2))));
    assert!(
        page2.contains("序号") && page2.contains("隐患描述/位置") && page2.contains("整改期限"),
        "no header on page 2:\n{page2}"
    );
    // The level column, in printed order: every 重大隐患 before the first 一般隐患.
    let levels: Vec<&str> = text(&path, None)
        .lines()
        .filter(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        .filter_map(|l| ["重大隐患", "一般隐患"].into_iter().find(|k| l.contains(k)))
        .collect();
    assert_eq!(levels.len(), 14, "{levels:?}");
    assert_eq!(levels.iter().filter(|l| **l == "重大隐患").count(), 2);
    assert!(levels.windows(2).all(|w| !(w[0] == "一般隐患" && w[1] == "重大隐患")), "{levels:?}");
    // Photos are embedded as the JPEG files they are.
    let lo = lopdf::Document::load_mem(&pdf).unwrap();
    let jpegs: Vec<usize> = lo
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Filter").and_then(|f| f.as_name()).map(|n| n == b"DCTDecode").unwrap_or(false))
        .map(|s| s.content.len())
        .collect();
    let mut expected: Vec<usize> = photos.files.values().map(Vec::len).collect();
    let mut got = jpegs.clone();
    expected.sort();
    got.sort();
    assert!(got.iter().all(|g| expected.contains(g)) && got.len() == 6, "{got:?}");
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let (doc, photos) = sample(DocumentKind::RectificationNotice);
    assert_eq!(render(&doc, &photos).unwrap(), render(&doc, &photos).unwrap());
}

#[test]
fn a_missing_photo_is_an_error_not_a_pdf() {
    let (doc, mut photos) = sample(DocumentKind::HazardList);
    let gone = doc.content.hazards[0].photos_before[0].sha256.clone();
    photos.files.remove(&gone);
    match render(&doc, &photos) {
        Err(ReportError::MissingPhoto { sha256, reason }) => {
            assert_eq!(sha256, gone);
            assert!(!reason.is_empty());
            let m = ReportError::MissingPhoto { sha256, reason }.message();
            assert!(m.zh.starts_with(&format!("照片 {}… 的文件缺失：", &gone[..8])), "{}", m.zh);
            assert!(m.en.contains("missing"));
        }
        other => panic!("expected MissingPhoto, got {:?}", other.map(|b| b.len())),
    }
}

#[test]
fn bytes_that_are_not_a_jpeg_are_refused() {
    let (doc, mut photos) = sample(DocumentKind::Reinspection);
    let sha = doc.content.hazards[1].photos_after[0].sha256.clone();
    photos.files.insert(sha.clone(), b"\x89PNG\r\n\x1a\nnot a jpeg".to_vec());
    assert!(matches!(render(&doc, &photos), Err(ReportError::BadJpeg { sha256 }) if sha256 == sha));
}

#[test]
fn a_character_no_font_holds_is_refused_before_and_at_rendering() {
    let (docs, photos) = all_samples();
    for d in &docs {
        assert_eq!(missing_characters(&d.content), Vec::<char>::new(), "{:?}", d.kind);
    }
    let (mut doc, photos2) = (docs[2].clone(), photos);
    doc.content.hazards[0].description.push_str("（见\u{10FFFD}号标识）");
    doc.content.subject.principal = "王\u{2A6A5}".into();
    let missing = missing_characters(&doc.content);
    assert!(missing.contains(&'\u{10FFFD}') && missing.contains(&'\u{2A6A5}'), "{missing:?}");
    match render(&doc, &photos2) {
        Err(ReportError::MissingGlyphs(chars)) => {
            assert!(chars.contains(&'\u{10FFFD}'));
            let m = ReportError::MissingGlyphs(chars).message();
            assert!(m.zh.contains("U+10FFFD"), "{}", m.zh);
        }
        other => panic!("expected MissingGlyphs, got {:?}", other.map(|b| b.len())),
    }
}

#[test]
fn names_outside_gb2312_print_from_the_system_fonts() {
    // 喆 and 堃 are not in GB2312: the shipped subset lacks them, Debian's Noto CJK has them.
    let dir = tempfile::tempdir().unwrap();
    let (doc, photos) = sample(DocumentKind::ServicePlan);
    let pdf = render(&doc, &photos).unwrap();
    let t = squeezed(&text(&write(dir.path(), "plan", &pdf), None));
    assert!(t.contains("王喆") && t.contains("李堃"), "{t}");
}

#[test]
fn a_correction_says_what_it_replaces_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, photos) = sample(DocumentKind::RectificationNotice);
    let mut c = doc.content.clone();
    c.replaces = Some("隐患清单 01940000-0000-7000-8000-000000000003 第 1 版".into());
    c.correction_reason = "整改期限填写错误".into();
    let doc = common::sign(c, 30);
    let pdf = render(&doc, &photos).unwrap();
    let t = squeezed(&text(&write(dir.path(), "corrected", &pdf), None));
    assert!(
        t.contains("本文书更正并取代隐患清单01940000-0000-7000-8000-000000000003第1版")
            && t.contains("原因：整改期限填写错误"),
        "{t}"
    );
}

#[test]
fn a_bundle_numbers_pages_across_documents_each_with_its_own_code() {
    let dir = tempfile::tempdir().unwrap();
    let (docs, photos) = all_samples();
    let cover = docs.last().unwrap().clone();
    let bundled = &docs[..5];
    let alone: Vec<usize> = bundled.iter().map(|d| pages(&render(d, &photos).unwrap())).collect();
    let pdf = render_bundle(&cover, bundled, &photos).unwrap();
    let path = write(dir.path(), "bundle", &pdf);
    qpdf_check(&path);
    let n = pages(&pdf);
    let cover_pages = n - alone.iter().sum::<usize>();
    assert!(cover_pages >= 1, "a cover and index page first");
    assert_eq!(read_stamp(&pdf), Some((cover.id.0, cover.content_hash.clone())));
    let index = squeezed(&text(&path, Some((1, cover_pages))));
    let mut start = cover_pages + 1;
    for (d, len) in bundled.iter().zip(&alone) {
        assert!(index.contains(&d.verification_code), "index lists {}", d.verification_code);
        let first = squeezed(&text(&path, Some((start, start))));
        assert!(first.contains(&format!("第{start}页共{n}页")), "page {start} of {n}");
        assert!(first.contains(&d.verification_code), "page {start} carries the code of {:?}", d.kind);
        assert!(
            index.contains(&format!("{}{start}", d.verification_code)),
            "the index gives page {start} for {:?}",
            d.kind
        );
        start += len;
    }
    // A bundle never leaves out a listed document.
    assert!(matches!(
        render_bundle(&cover, &bundled[..4], &photos),
        Err(ReportError::NotInIndex(_) | ReportError::ListedMissing { .. } | ReportError::OtherVersion(_))
    ));
    // Alone, the enterprise file is its cover and index.
    assert_eq!(pages(&render(&cover, &photos).unwrap()), cover_pages);
}

#[test]
fn the_letter_keeps_the_official_layout() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, photos) = sample(DocumentKind::Letter);
    let pdf = render(&doc, &photos).unwrap();
    let path = write(dir.path(), "letter", &pdf);
    let fonts = run("pdffonts", &[&path.to_string_lossy()]);
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    assert!(fonts.contains("NotoSerifCJKsc-Regular") && fonts.contains("NotoSerifCJKsc-Bold"), "{fonts}");
    let t = text(&path, Some((1, 1)));
    let issuer = t.lines().position(|l| l.contains("杭州市应急管理局")).unwrap();
    let reference = t.lines().position(|l| l.contains("杭应急函〔2026〕12号")).unwrap();
    let title = t.lines().position(|l| l.contains("关于浙江安泰")).unwrap();
    assert!(issuer < reference && reference < title, "issuer, reference number, title in this order:\n{t}");
    assert!(t.contains("一、存在的问题") && t.contains("（一）"), "{t}");
}
