//! Writes every sample form into a folder, for looking at them:
//! `cargo run -p safeserve-report --example dump -- /tmp/forms`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a developer tool: a failure ends it with its line")]
#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let (docs, photos) = common::all_samples();
    for d in &docs {
        let t = std::time::Instant::now();
        let pdf = safeserve_report::render(d, &photos).unwrap_or_else(|e| panic!("{:?}: {}", d.kind, e.message()));
        eprintln!("{:?}: {} bytes in {:?}", d.kind, pdf.len(), t.elapsed());
        std::fs::write(format!("{dir}/{}.pdf", d.kind.key()), pdf).unwrap();
    }
    let cover = docs.last().unwrap();
    let pdf = safeserve_report::render_bundle(cover, &docs[..5], &photos).unwrap();
    std::fs::write(format!("{dir}/bundle.pdf"), pdf).unwrap();
}
