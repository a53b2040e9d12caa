//! The figure behind docs/report.md: a hazard list of ~20 pages (50 hazards, 40 camera-like
//! photos of 1200×900), rendered N times; the same document set in Typst (Python package
//! `typst`, same photos, same font files) for comparison.
//!
//! Run: `cargo bench -p safeserve-report --bench hazard_list`. Typst is looked for in the venv
//! `~/.cache/safeserve/typst-venv` (or `$SAFESERVE_TYPST_PYTHON`); without it our figures are
//! still printed, with the commands that create the venv.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark: a failure ends the run")]

#[path = "../tests/common/mod.rs"]
mod common;

use safeserve_core::document::{chinese_date, SignedDocument};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 10;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Sum of the embedded font programs' lengths (`/FontFile*` streams), from the PDF itself.
fn font_bytes(pdf: &[u8]) -> usize {
    let doc = lopdf::Document::load_mem(pdf).expect("our PDF parses");
    let mut total = 0;
    for obj in doc.objects.values() {
        if let Ok(d) = obj.as_dict() {
            for key in [&b"FontFile"[..], b"FontFile2", b"FontFile3"] {
                if let Ok(r) = d.get(key).and_then(|o| o.as_reference()) {
                    if let Ok(s) = doc.get_object(r).and_then(|o| o.as_stream()) {
                        total += s.content.len();
                    }
                }
            }
        }
    }
    total
}

fn typst_python() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("SAFESERVE_TYPST_PYTHON") {
        return Some(PathBuf::from(p));
    }
    let home = std::env::var("HOME").ok()?;
    let p = PathBuf::from(home).join(".cache/safeserve/typst-venv/bin/python3");
    let ok = p.exists()
        && Command::new(&p).args(["-c", "import typst"]).output().map(|o| o.status.success()).unwrap_or(false);
    ok.then_some(p)
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// A Typst document with the same content: header facts, the 8-column hazard table with a
/// repeated header, the photos two per row, the signature strokes as paths, page N of M.
fn typst_source(doc: &SignedDocument, dir: &Path) -> String {
    let c = &doc.content;
    let mut s = String::new();
    s.push_str(&format!(
        "#set page(paper: \"a4\", margin: (x: 18mm, top: 20mm, bottom: 29mm), footer: context [#set text(9pt); 验证码 {} #h(1fr) 第 #counter(page).display() 页 共 #counter(page).final().first() 页])\n",
        doc.verification_code
    ));
    s.push_str("#set text(font: \"Noto Sans CJK SC\", size: 9.5pt, lang: \"zh\")\n");
    s.push_str(&format!(
        "#align(center)[#text(10.5pt)[{}] \\ #text(20pt, weight: \"bold\")[{}]]\n",
        esc(&c.issuer.name),
        esc(&c.title)
    ));
    s.push_str(&format!(
        "#table(columns: (27mm, 1fr, 27mm, 1fr), [企业名称], table.cell(colspan: 3)[{}], [统一社会信用代码], [{}], [主要负责人], [{}], [地址], table.cell(colspan: 3)[{}])\n",
        esc(&c.subject.name), esc(&c.subject.credit_code), esc(&c.subject.principal), esc(&c.subject.address)
    ));
    s.push_str("#table(columns: (auto, auto, 1fr), table.header([姓名], [身份证号], [资格证书]),\n");
    for p in &c.people {
        let certs: Vec<String> = p.certificates.iter().map(|k| format!("{} · {}", k.kind, k.number)).collect();
        s.push_str(&format!("[{}], [{}], [{}],\n", esc(&p.name), esc(&p.id_number), esc(&certs.join("; "))));
    }
    s.push_str(")\n");
    s.push_str("#set text(size: 8.5pt)\n#table(columns: (5.5%, 8.5%, 8%, 26%, 14%, 18.5%, 11.5%, 7.5%), table.header([序号], [隐患等级], [类别], [隐患描述 / 位置], [依据], [整改措施], [整改期限], [责任人]),\n");
    for h in &c.hazards {
        let fill = if h.major { "fill: rgb(\"#fde0e0\"), " } else { "" };
        s.push_str(&format!(
            "table.cell({fill}[{}]), table.cell({fill}[{}]), table.cell({fill}[{}]), table.cell({fill}[{} \\ 位置：{}]), table.cell({fill}[{}]), table.cell({fill}[{}]), table.cell({fill}[{}]), table.cell({fill}[{}]),\n",
            h.number,
            esc(&h.level),
            esc(&h.category),
            esc(&h.description),
            esc(&h.location),
            esc(&h.basis),
            esc(&h.measure),
            chinese_date(&h.deadline),
            esc(&h.responsible)
        ));
    }
    s.push_str(")\n#grid(columns: (1fr, 1fr), gutter: 6mm,\n");
    for sig in &c.signatures {
        s.push_str(&format!("box(width: 100%, height: 44mm, stroke: 0.6pt)[{}（签字）\n", sig.role.label_zh()));
        for st in &sig.strokes {
            let pts: Vec<String> = st
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let verb = if i == 0 { "move" } else { "line" };
                    format!("curve.{verb}(({:.2}mm, {:.2}mm))", p[0] as f32 * 0.13, p[1] as f32 * 0.09)
                })
                .collect();
            s.push_str(&format!(
                "#place(top + left, dy: 6mm, curve(stroke: 1pt + rgb(\"#0d1a59\"), {}))\n",
                pts.join(", ")
            ));
        }
        s.push_str(&format!(
            "#place(bottom + left)[姓名：{} \\ 日期：{}]],\n",
            esc(&sig.name),
            chinese_date(&c.signed_at)
        ));
    }
    s.push_str(")\n#set text(size: 7.5pt)\n#grid(columns: (1fr, 1fr), gutter: 6mm,\n");
    for h in &c.hazards {
        for p in &h.photos_before {
            let file = dir.join(format!("{}.jpg", p.sha256));
            s.push_str(&format!(
                "[#image(\"{}\", width: 100%) 隐患 {} · 整改前 · {}],\n",
                file.file_name().unwrap().to_string_lossy(),
                h.number,
                p.taken_at
            ));
        }
    }
    s.push_str(")\n");
    s
}

const TYPST_SCRIPT: &str = r#"
import sys, time, typst
src, fonts = sys.argv[1], sys.argv[2]
c = typst.Compiler(src, font_paths=[fonts])
t = time.perf_counter()
pdf = c.compile()
dt = time.perf_counter() - t
print(f"{dt:.6f} {len(pdf)}")
"#;

fn main() {
    let mut photos = common::Photos::default();
    let doc = common::hazard_list(&mut photos, 50, 40, 1200, 900);
    let photo_bytes: usize = photos.files.values().map(Vec::len).sum();
    println!(
        "hazard list: 50 hazards, 40 photos 1200×900 (mean {} KB, total {:.2} MB)",
        photo_bytes / 40 / 1024,
        photo_bytes as f64 / 1e6
    );

    let t = Instant::now();
    let first = safeserve_report::render(&doc, &photos).expect("renders");
    let cold = t.elapsed();
    let mut times = Vec::new();
    let mut pdf = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        pdf = safeserve_report::render(&doc, &photos).expect("renders");
        times.push(t.elapsed());
    }
    assert_eq!(pdf, first, "the same document gives the same bytes");
    let ours = median(times);
    let pages = lopdf::Document::load_mem(&pdf).map(|d| d.get_pages().len()).unwrap_or(0);
    let fonts = font_bytes(&pdf);
    println!(
        "safeserve-report: {pages} pages, median {:.1} ms over {RUNS} runs (first run, fonts parsed: {:.1} ms), {:.2} MB, font data {} KB",
        ours.as_secs_f64() * 1e3,
        cold.as_secs_f64() * 1e3,
        pdf.len() as f64 / 1e6,
        fonts / 1024
    );

    // The PDF signature (ECDSA P-256, CMS with a certificate), as `safeserve-print` makes it,
    // and the check of the signed file: its signature over the byte range and its stamp.
    let key = safeserve_pki::DocumentKey::derive(&[7; 32]);
    let subject = safeserve_pki::Subject { name: "基准测试设备".into(), ..Default::default() };
    let chain = vec![safeserve_pki::self_issued(&key, &subject).expect("certificate")];
    let mut sign_times = Vec::new();
    let mut check_times = Vec::new();
    let mut signed = pdf.clone();
    for _ in 0..RUNS {
        signed.clone_from(&pdf);
        let t = Instant::now();
        let digest = safeserve_report::pades::signature(&signed).expect("a signature field").digest();
        let cms = safeserve_pki::sign_detached(&key, &chain, &digest).expect("signs");
        safeserve_report::pades::fill(&mut signed, &cms).expect("fits");
        sign_times.push(t.elapsed());
        let t = Instant::now();
        let sig = safeserve_report::pades::signature(&signed).expect("signed");
        let holds = sig.verify().is_ok() && sig.appended == 0;
        let stamp = safeserve_report::read_stamp(&signed);
        check_times.push(t.elapsed());
        assert!(holds && stamp.is_some(), "the signed file checks");
    }
    let (sign, check) = (median(sign_times), median(check_times));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("PDF signature: median {:.2} ms per document (target ≤ 10 ms)", ms(sign));
    println!(
        "verify, the file's own proof (byte range, CMS signature, stamp): median {:.1} ms (target ≤ 50 ms); \
         a file another laptop signed is also drawn again and compared: {:.1} ms",
        ms(check),
        ms(check + ours)
    );

    let Some(python) = typst_python() else {
        println!("Typst: not measured — create its venv with:");
        println!(
            "  python3 -m venv ~/.cache/safeserve/typst-venv && ~/.cache/safeserve/typst-venv/bin/pip install typst"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    for (sha, bytes) in &photos.files {
        std::fs::write(dir.path().join(format!("{sha}.jpg")), bytes).expect("photo written");
    }
    let src = dir.path().join("hazard_list.typ");
    std::fs::write(&src, typst_source(&doc, dir.path())).expect("source written");
    let script = dir.path().join("compile.py");
    std::fs::write(&script, TYPST_SCRIPT).expect("script written");
    let fonts_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/fonts");
    // One process per compilation: Typst memoises layout within a process (comemo), and
    // repeated compiles of one source would measure its cache, not its work. Fonts are loaded
    // before the clock starts, as ours are parsed once per process.
    let mut typst_times = Vec::new();
    let mut typst_size = 0;
    for _ in 0..RUNS {
        let out = Command::new(&python).arg(&script).arg(&src).arg(&fonts_dir).output().expect("python runs");
        if !out.status.success() {
            println!("Typst failed: {}", String::from_utf8_lossy(&out.stderr));
            return;
        }
        let line = String::from_utf8_lossy(&out.stdout);
        let mut it = line.split_whitespace();
        let secs: f64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
        typst_size = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        typst_times.push(Duration::from_secs_f64(secs));
    }
    let typst = median(typst_times);
    println!(
        "Typst (python typst): median {:.1} ms over {RUNS} runs, {:.2} MB",
        typst.as_secs_f64() * 1e3,
        typst_size as f64 / 1e6
    );
    println!(
        "ratio ours/Typst: time {:.2}× (target ≤ 0.5×), signed {:.3}× (target ≤ 0.1×), size {:.2}× (target ≤ 1×)",
        ours.as_secs_f64() / typst.as_secs_f64(),
        (ours + sign).as_secs_f64() / typst.as_secs_f64(),
        pdf.len() as f64 / typst_size as f64
    );
}
