//! Every form drawn from real records: visits recorded through the store on the demo database,
//! signed, printed to PDF and read back with `pdftotext`, checked with `qpdf --check`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests: a failure is the test failing, at its line")]

use chrono::{DateTime, FixedOffset, NaiveDate};
use safeserve_core::document::{DocumentKind, HandSignature, SignedDocument, SignerRole, Stroke, Verdict};
use safeserve_core::register::Industry;
use safeserve_core::visit::{ItemResult, VisitKind};
use safeserve_core::{HazardId, PersonId, VisitId};
use safeserve_demo as demo;
use safeserve_store::views::*;
use safeserve_store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "2026-11-23T10:00:00+08:00";

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-23T16:00:00+08:00").unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn png(seed: u8) -> Vec<u8> {
    let img =
        image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([(x as u8).wrapping_mul(seed), (y * 5) as u8, seed]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn sig(role: SignerRole, name: &str) -> HandSignature {
    HandSignature {
        role,
        name: name.into(),
        certificates: vec![],
        width: 600,
        height: 200,
        strokes: vec![Stroke { points: vec![[40, 150, 400], [120, 40, 700], [220, 160, 600], [400, 60, 500]] }],
        refusal: None,
    }
}

struct World {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    store: Store,
    key: ed25519_dalek::SigningKey,
    signer: safeserve_print::PdfSigner,
}

impl World {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("forms.db");
        // The laptop's demo, signed by the laptop (`safeserve demo` does the same).
        let key = demo::documents::demo_key(99);
        demo::generate_signed_by(&db, demo::DemoSize::Small, demo::DEFAULT_SEED, today(), &key).unwrap();
        let store = Store::open(&db).unwrap();
        let device = safeserve_device::DeviceKey {
            key: key.clone(),
            home: safeserve_device::KeyHome::File(dir.path().join("k")),
        };
        let signer = safeserve_print::PdfSigner::load(&store, &device).unwrap();
        World { dir: dir.path().to_path_buf(), _dir: dir, store, key, signer }
    }

    fn start(&mut self, kind: VisitKind, target: String, people: Vec<PersonId>) -> VisitDetail {
        let template = if kind == VisitKind::AgencyInspection { "agency-inspection" } else { "enterprise-general" };
        self.start_with(kind, template, target, people)
    }

    fn start_with(&mut self, kind: VisitKind, template: &str, target: String, people: Vec<PersonId>) -> VisitDetail {
        self.store
            .start_visit(
                &NewVisit {
                    kind,
                    target_id: target,
                    template_key: template.into(),
                    template_version: None,
                    people,
                    place: Place { latitude: None, longitude: None, description: "二号车间".into() },
                    mismatch_reason: Some("测试".into()),
                },
                VisitId(uuid::Uuid::now_v7()),
                NOW,
                today(),
            )
            .unwrap()
    }

    /// Fails `failing` (each becoming a hazard, the first with a photo), passes the rest, ends.
    fn record(&mut self, v: &VisitDetail, failing: &[&str]) -> Vec<HazardId> {
        let id = v.summary.id;
        let mut hazards = Vec::new();
        for (i, code) in failing.iter().enumerate() {
            let answer =
                VisitField::Answer {
                    code: (*code).into(), result: Some(ItemResult::Fail), note: "现场发现".into()
                };
            let form =
                self.store.save_visit_field(id, &answer, NOW, today()).unwrap().expect("a failure proposes a hazard");
            let h = self.store.add_hazard(id, &form, HazardId(uuid::Uuid::now_v7()), NOW, today()).unwrap().id;
            if i == 0 {
                let target = PhotoTarget::Hazard { hazard_id: h, after: false };
                self.store.ingest_photo(&png(3), Some(&target), NOW, "2026-11-23 10:05".into()).unwrap();
            }
            hazards.push(h);
        }
        self.pass_rest(v, failing);
        hazards
    }

    fn pass_rest(&mut self, v: &VisitDetail, except: &[&str]) {
        for code in v.template.items().map(|i| i.code.clone()).collect::<Vec<_>>() {
            if !except.contains(&code.as_str()) {
                let answer = VisitField::Answer { code, result: Some(ItemResult::Pass), note: String::new() };
                self.store.save_visit_field(v.summary.id, &answer, NOW, today()).unwrap();
            }
        }
        self.store.end_visit(v.summary.id, NOW, today()).unwrap();
    }

    fn sign(&mut self, kind: DocumentKind, visit: VisitId, signers: &[(SignerRole, &str)]) -> SignedDocument {
        self.try_sign(kind, visit, signers).unwrap()
    }

    fn try_sign(
        &mut self,
        kind: DocumentKind,
        visit: VisitId,
        signers: &[(SignerRole, &str)],
    ) -> Result<SignedDocument, safeserve_store::StoreError> {
        self.sign_request(DocumentRequest {
            kind,
            visit_id: Some(visit),
            enterprise_id: None,
            signatures: signers.iter().map(|(r, n)| sig(*r, n)).collect(),
            replaces: None,
            correction_reason: String::new(),
        })
    }

    fn sign_correction(
        &mut self,
        kind: DocumentKind,
        visit: VisitId,
        replaces: safeserve_core::DocumentId,
        signers: &[(SignerRole, &str)],
    ) -> SignedDocument {
        self.sign_request(DocumentRequest {
            kind,
            visit_id: Some(visit),
            enterprise_id: None,
            signatures: signers.iter().map(|(r, n)| sig(*r, n)).collect(),
            replaces: Some(replaces),
            correction_reason: "要求整改的期限写错".into(),
        })
        .unwrap()
    }

    fn sign_request(&mut self, req: DocumentRequest) -> Result<SignedDocument, safeserve_store::StoreError> {
        let random: [u8; 10] = uuid::Uuid::now_v7().as_bytes()[6..16].try_into().unwrap();
        self.store.sign_document(&req, &self.key, "测试设备", now(), &random, &safeserve_print::font_problems)
    }

    /// The PDF written, checked by qpdf, and its text.
    fn print(&self, doc: &SignedDocument) -> String {
        let path = safeserve_print::write_pdf(&self.store, &self.signer, doc.id, &self.dir).unwrap();
        let qpdf =
            Command::new("qpdf").arg("--check").arg(&path).output().expect("qpdf is installed (./dev installs it)");
        assert!(qpdf.status.success(), "qpdf --check {}: {}", path.display(), String::from_utf8_lossy(&qpdf.stdout));
        text(&path)
    }
}

fn text(path: &Path) -> String {
    let out = Command::new("pdftotext").arg(path).arg("-").output().expect("pdftotext is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn served_enterprise(store: &Store) -> (String, Vec<PersonId>) {
    served_enterprise_in(store, None)
}

/// An enterprise (of `industry`, when given) served by an agency with two certified people.
fn served_enterprise_in(store: &Store, industry: Option<Industry>) -> (String, Vec<PersonId>) {
    let found = store
        .search_enterprises(&EnterpriseQuery {
            text: String::new(),
            division: None,
            industry,
            high_risk_only: false,
            limit: Some(200),
        })
        .unwrap();
    for e in found {
        let file = store.enterprise_file(e.id, today()).unwrap();
        if let Some(a) = file.serving_agencies.first() {
            let staff = store.agency_detail(a.id, today()).unwrap().staff;
            let people: Vec<PersonId> =
                staff.iter().filter(|p| !p.certificates.is_empty()).map(|p| p.id).take(2).collect();
            if people.len() == 2 {
                return (e.id.to_string(), people);
            }
        }
    }
    panic!("the demo has served enterprises");
}

fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A field user fails every item of every shipped checklist, registers each proposed hazard as
/// proposed, ends the visit and signs the list: nothing any template proposes can block signing.
#[test]
fn every_shipped_template_walks_from_failed_items_to_a_signed_hazard_list() {
    let mut w = World::new();
    let (general, people) = served_enterprise(&w.store);
    let (dust, dust_people) = served_enterprise_in(&w.store, Some(Industry::DustExplosion));
    let agency = w.store.enterprise_file(general.parse().unwrap(), today()).unwrap().serving_agencies[0].id;
    let templates = w.store.templates().unwrap();
    assert_eq!(templates.len(), 3, "one newest edition per shipped checklist");
    for t in templates {
        let (kind, target, sent, visitor) = match t.key.as_str() {
            "agency-inspection" => {
                (VisitKind::AgencyInspection, agency.to_string(), people.clone(), SignerRole::Inspector)
            }
            "dust-explosion" => (VisitKind::Service, dust.clone(), dust_people.clone(), SignerRole::Technician),
            _ => (VisitKind::Service, general.clone(), people.clone(), SignerRole::Technician),
        };
        let v = w.start_with(kind, &t.key, target, sent);
        let id = v.summary.id;
        for item in v.template.items() {
            assert!(!item.measure.trim().is_empty(), "{} v{} {} proposes a measure", t.key, t.version, item.code);
            assert!(!item.text.starts_with("不存在以下情形"), "{} {} reads as what must hold", t.key, item.code);
            let answer =
                VisitField::Answer { code: item.code.clone(), result: Some(ItemResult::Fail), note: String::new() };
            let proposal =
                w.store.save_visit_field(id, &answer, NOW, today()).unwrap().expect("a failure proposes a hazard");
            w.store.add_hazard(id, &proposal, HazardId(uuid::Uuid::now_v7()), NOW, today()).unwrap();
        }
        let ended = w.store.end_visit(id, NOW, today()).unwrap();
        assert!(ended.gaps.is_empty(), "{:?}", ended.gaps);
        let list = w.sign(DocumentKind::HazardList, id, &[(SignerRole::Principal, "王喆"), (visitor, "李明")]);
        assert_eq!(
            list.content.hazards.len(),
            v.template.items().count(),
            "{}: every failed item is on the list",
            t.key
        );
        assert_eq!(w.store.verify(list.id, None, &w.signer).unwrap().verdict, Verdict::Valid);
        let printed = compact(&w.print(&list));
        let measure = compact(&list.content.hazards[0].measure);
        assert!(printed.contains(&measure.chars().take(6).collect::<String>()), "{}: the measure is printed", t.key);
    }
}

/// A principal who will not sign: the refusal, in the words recorded on site, stands in the
/// principal's box; the technician signs; the list is signed, printed and valid.
#[test]
fn a_refusal_to_sign_is_recorded_printed_and_verifies() {
    let mut w = World::new();
    let (enterprise, people) = served_enterprise(&w.store);
    let v = w.start(VisitKind::Service, enterprise, people);
    w.record(&v, &["FI-02"]);
    let note = "主要负责人称须请示集团总部，拒绝签字；安全员周某在场";
    let refused = HandSignature { strokes: vec![], refusal: Some(note.into()), ..sig(SignerRole::Principal, "王喆") };
    let list = w
        .sign_request(DocumentRequest {
            kind: DocumentKind::HazardList,
            visit_id: Some(v.summary.id),
            enterprise_id: None,
            signatures: vec![refused, sig(SignerRole::Technician, "李明")],
            replaces: None,
            correction_reason: String::new(),
        })
        .unwrap();
    assert_eq!(w.store.verify(list.id, None, &w.signer).unwrap().verdict, Verdict::Valid);
    let printed = compact(&w.print(&list));
    assert!(printed.contains("拒绝签字") && printed.contains("请示集团总部"), "{printed}");
}

/// The technician's side of a list is the signed-in user as the register knows them, whatever
/// was typed, with their certificates in force; a deputy signing for the principal is printed
/// beside the register's principal.
#[test]
fn the_visiting_signer_is_the_signed_in_user_from_the_register_and_a_deputy_is_printed_as_one() {
    let mut w = World::new();
    let (enterprise, people) = served_enterprise(&w.store);
    let registered = w.store.enterprise_file(enterprise.parse().unwrap(), today()).unwrap().principal;
    let v = w.start(VisitKind::Service, enterprise, people);
    w.record(&v, &["FI-02"]);
    let user = w.store.users().unwrap().into_iter().find(|u| u.role == safeserve_core::sync::Role::Technician).unwrap();
    let me = w.store.signer(&user, today()).unwrap();
    assert_ne!(me.name, user.display_name, "the demo's technician is a person of the register");
    assert!(!me.certificates.is_empty(), "with certificates in force");
    let far = NaiveDate::from_ymd_opt(2100, 1, 1).unwrap();
    assert!(w.store.signer(&user, far).unwrap().certificates.is_empty(), "expired certificates are not claimed");

    let mut signatures = vec![sig(SignerRole::Principal, "赵代签"), sig(SignerRole::Technician, "李明")];
    me.bind(&mut signatures).unwrap();
    let list = w
        .sign_request(DocumentRequest {
            kind: DocumentKind::HazardList,
            visit_id: Some(v.summary.id),
            enterprise_id: None,
            signatures,
            replaces: None,
            correction_reason: String::new(),
        })
        .unwrap();
    assert_eq!(w.store.verify(list.id, None, &w.signer).unwrap().verdict, Verdict::Valid);
    let printed = compact(&w.print(&list));
    assert!(printed.contains(&compact(&me.name)) && !printed.contains("李明"), "{printed}");
    for c in &me.certificates {
        assert!(printed.contains(&compact(c)), "the certificate {c} is printed: {printed}");
    }
    assert!(printed.contains("赵代签"), "{printed}");
    assert!(printed.contains(&format!("登记的主要负责人为{registered}")), "{printed}");
}

#[test]
fn every_form_prints_from_real_records_and_reads_back_in_chinese() {
    let mut w = World::new();
    let (enterprise, people) = served_enterprise(&w.store);
    use SignerRole::*;

    // A service visit: hazard list and rectification notice.
    let v = w.start(VisitKind::Service, enterprise.clone(), people.clone());
    let hazards = w.record(&v, &["FI-01", "FI-03", "EL-01"]);
    let list = w.sign(DocumentKind::HazardList, v.summary.id, &[(Principal, "王喆"), (Technician, "李明")]);
    let t = compact(&w.print(&list));
    assert!(t.contains("隐患清单") && t.contains(&compact(&list.content.subject.name)), "{t}");
    assert!(t.contains(&list.verification_code), "the code is printed");
    assert!(t.contains("王喆"), "a name outside GB2312 prints (system font fallback)");
    let major = t.find("重大隐患").unwrap();
    let general = t.rfind("一般隐患").unwrap();
    assert!(major < general, "major hazards first (R8)");
    let notice = w.sign(DocumentKind::RectificationNotice, v.summary.id, &[(Principal, "王喆"), (Technician, "李明")]);
    let t = compact(&w.print(&notice));
    assert!(
        t.contains("整改通知书")
            && t.contains(
                &compact(&notice.content.hazards[0].deadline.replace('-', "")).chars().take(4).collect::<String>()
            )
    );

    // A re-inspection: one closed with an after-photo, one kept open.
    let re = w.start(VisitKind::Reinspection, enterprise.clone(), people.clone());
    let after = PhotoTarget::Hazard { hazard_id: hazards[0], after: true };
    w.store.ingest_photo(&png(7), Some(&after), NOW, "2026-11-23 15:00".into()).unwrap();
    w.store.reinspect(re.summary.id, hazards[0], &Reinspection::Close, NOW).unwrap();
    w.store
        .reinspect(re.summary.id, hazards[1], &Reinspection::KeepOpen { reason: "灭火器仍未更换".into() }, NOW)
        .unwrap();
    w.pass_rest(&re, &[]);
    let reinspection = w.sign(DocumentKind::Reinspection, re.summary.id, &[(Principal, "王喆"), (Inspector, "赵刚")]);
    assert_eq!(reinspection.content.hazards.len(), 2);
    let t = compact(&w.print(&reinspection));
    assert!(t.contains("复查意见") && t.contains("予以销号") && t.contains("灭火器仍未更换"), "{t}");

    // An agency inspection: inspection record and two letters numbered without a gap.
    let agency = w.store.enterprise_file(enterprise.parse().unwrap(), today()).unwrap().serving_agencies[0].id;
    let inspection = w.start(VisitKind::AgencyInspection, agency.to_string(), people.clone());
    let first_item = inspection.template.items().next().unwrap().code.clone();
    w.record(&inspection, &[first_item.as_str()]);
    let record =
        w.sign(DocumentKind::InspectionRecord, inspection.summary.id, &[(Principal, "陈静"), (Inspector, "赵刚")]);
    let t = compact(&w.print(&record));
    assert!(t.contains("现场检查记录") && t.contains(&first_item), "{t}");
    let first = w.sign(DocumentKind::Letter, inspection.summary.id, &[(Supervisor, "孙伟")]);
    let second_inspection = w.start(VisitKind::AgencyInspection, agency.to_string(), people.clone());
    w.record(&second_inspection, &[first_item.as_str()]);
    let second = w.sign(DocumentKind::Letter, second_inspection.summary.id, &[(Supervisor, "孙伟")]);
    let corrected = w.sign_correction(DocumentKind::Letter, inspection.summary.id, first.id, &[(Supervisor, "孙伟")]);
    let refs: Vec<&str> =
        [&first, &second, &corrected].iter().map(|l| l.content.letter.as_ref().unwrap().reference.as_str()).collect();
    assert_eq!(
        refs,
        ["杭应急函〔2026〕1号", "杭应急函〔2026〕2号", "杭应急函〔2026〕1号"],
        "numbered without gaps; a corrected letter keeps its number"
    );
    let t = compact(&w.print(&second));
    assert!(t.contains("杭应急函〔2026〕2号") && t.contains("杭州市应急管理局") && t.contains("2026年12月8日"), "{t}");
    let again = w.try_sign(DocumentKind::Letter, inspection.summary.id, &[(Supervisor, "孙伟")]);
    assert!(
        matches!(&again, Err(safeserve_store::StoreError::NotReady { problems }) if problems[0].zh.contains("已签字")),
        "a form is signed once per visit; changes are corrections: {again:?}"
    );
    let letters = [corrected];

    // The demo's signed service plan.
    let plans = w.store.documents(safeserve_store::documents::DocumentsOf::Kind(DocumentKind::ServicePlan)).unwrap();
    let plan = w.store.document(plans[0].id).unwrap();
    let t = compact(&w.print(&plan));
    assert!(t.contains("服务细化方案") && t.contains(&compact(&plan.content.plan[0].name)), "{t}");

    // The enterprise file bundles them all, each keeping its own code.
    let device = safeserve_device::DeviceKey { key: w.key.clone(), home: safeserve_device::KeyHome::Keyring };
    let request = safeserve_print::enterprise_file_request(enterprise.parse().unwrap());
    let bundle = safeserve_print::sign(&mut w.store, &device, &request, &mut NoLetterNumbers).unwrap();
    let bundle = w.store.document(bundle.id).unwrap();
    assert!(bundle.content.bundled.len() >= 3);
    let t = compact(&w.print(&bundle));
    assert!(t.contains("一企一档"));
    for r in &bundle.content.bundled {
        assert!(t.contains(&r.verification_code), "bundled {:?} {} is in the file", r.kind, r.verification_code);
    }
    for d in [&list, &notice, &reinspection, &record, &letters[0], &bundle] {
        let v = w.store.verify(d.id, Some(&d.content_hash), &w.signer).unwrap();
        assert_eq!(v.verdict, Verdict::Valid, "{:?}: {:?}", d.kind, v.reasons);
    }
}

/// `pdfsig`'s verdict on a file: the signature line and whether the whole file is signed.
fn pdfsig(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("pdfsig").arg(&path).output().expect("pdfsig (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn replace_once(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len(), "in place");
    let at = bytes.windows(from.len()).position(|w| w == from).expect("found");
    let mut out = bytes.to_vec();
    out[at..at + from.len()].copy_from_slice(to);
    out
}

fn verdict(w: &World, bytes: &[u8]) -> (Verdict, String) {
    let v = safeserve_print::verify_pdf(&w.store, &w.signer, bytes).unwrap();
    (v.verdict, v.reasons.iter().map(|r| r.zh.clone()).collect::<Vec<_>>().join(" | "))
}

#[test]
fn a_pdf_is_judged_by_its_bytes_and_signature_not_by_its_stamp() {
    let w = World::new();
    let docs = w.store.documents(safeserve_store::documents::DocumentsOf::Kind(DocumentKind::HazardList)).unwrap();
    let current = docs.iter().find(|d| d.superseded_by.is_none()).unwrap();
    let (doc, bytes) = safeserve_print::pdf(&w.store, &w.signer, current.id).unwrap();
    assert_eq!(verdict(&w, &bytes).0, Verdict::Valid, "{}", verdict(&w, &bytes).1);
    let (_, again) = safeserve_print::pdf(&w.store, &w.signer, current.id).unwrap();
    assert_eq!(again, bytes, "signed twice, the same bytes");
    let sig = pdfsig(&w.dir, "untouched.pdf", &bytes);
    assert!(sig.contains("Signature Validation: Signature is Valid."), "{sig}");
    assert!(sig.contains("Total document signed"), "{sig}");
    assert!(sig.contains("ETSI.CAdES.detached"), "{sig}");

    // An incremental update after %%EOF: a new version of an object appended, as an editor saves.
    let mut appended = bytes.clone();
    appended.extend_from_slice(b"\n1 0 obj\n<< /Changed true >>\nendobj\ntrailer\n<< >>\n%%EOF\n");
    let (v, why) = verdict(&w, &appended);
    assert_eq!(v, Verdict::Altered, "{why}");
    assert!(why.contains("签名之后文件被追加了内容"), "{why}");
    let sig = pdfsig(&w.dir, "appended.pdf", &appended);
    assert!(sig.contains("Not total document signed"), "{sig}");

    // One object replaced in place: a byte of a photo flipped.
    let photo_start = bytes.windows(2).position(|p| p == [0xFF, 0xD8]).expect("a JPEG in the file");
    let mut flipped = bytes.clone();
    flipped[photo_start + 400] ^= 0x55;
    let (v, why) = verdict(&w, &flipped);
    assert_eq!(v, Verdict::Altered, "{why}");
    assert!(why.contains("数字签名不成立") && why.contains("图片或其他对象"), "{why}");
    let sig = pdfsig(&w.dir, "flipped.pdf", &flipped);
    assert!(!sig.contains("Signature is Valid."), "{sig}");

    // A page's content changed: the file rewritten with one more line on page 1.
    let mut edited = lopdf::Document::load_mem(&bytes).unwrap();
    let first = *edited.get_pages().values().next().unwrap();
    let mut content = edited.get_page_content(first);
    content.extend_from_slice(b"\nBT /F1 12 Tf 100 100 Td (forged) Tj ET\n");
    edited.change_page_content(first, content).unwrap();
    let mut rewritten = Vec::new();
    edited.save_to(&mut rewritten).unwrap();
    let (v, why) = verdict(&w, &rewritten);
    assert_eq!(v, Verdict::Altered, "{why}");
    assert!(why.contains("第 1 页的内容与签字存档不一致"), "{why}");
    assert!(!why.contains("第 2 页"), "only page 1 changed: {why}");

    // The stamp of one document carried by another's file.
    let other = docs.iter().find(|d| d.superseded_by.is_some()).unwrap();
    let (other_doc, other_bytes) = safeserve_print::pdf(&w.store, &w.signer, other.id).unwrap();
    let own = format!("SAFESERVE:DOC:{}:{}", other_doc.id.0, other_doc.content_hash);
    let borrowed = format!("SAFESERVE:DOC:{}:{}", doc.id.0, doc.content_hash);
    let moved = replace_once(&other_bytes, own.as_bytes(), borrowed.as_bytes());
    let (v, why) = verdict(&w, &moved);
    assert_eq!(v, Verdict::Altered, "{why}");

    // A file made from scratch that carries a real document's stamp.
    let scratch =
        format!("%PDF-1.4\n1 0 obj\n<< /SafeServeStamp ({borrowed}) >>\nendobj\ntrailer\n<< /Info 1 0 R >>\n%%EOF\n");
    let (v, why) = verdict(&w, scratch.as_bytes());
    assert_eq!(v, Verdict::Altered, "{why}");
    assert!(why.contains("没有 SafeServe 的数字签名"), "{why}");

    // A signature by a key this laptop does not trust, over an otherwise perfect file.
    let stranger_key = safeserve_device::DeviceKey {
        key: demo::documents::demo_key(7),
        home: safeserve_device::KeyHome::File(w.dir.join("other")),
    };
    let stranger =
        safeserve_print::PdfSigner::load(&Store::open(w.dir.join("stranger.db")).unwrap(), &stranger_key).unwrap();
    let (_, theirs) = safeserve_print::pdf(&w.store, &stranger, current.id).unwrap();
    let (v, why) = verdict(&w, &theirs);
    assert_eq!(v, Verdict::Altered, "{why}");
    assert!(why.contains("既不是本机的"), "{why}");

    // Superseded documents still say so; a truncated file and files of other kinds are never valid.
    let (_, old) = safeserve_print::pdf(&w.store, &w.signer, other.id).unwrap();
    assert_eq!(verdict(&w, &old).0, Verdict::Superseded);
    let (v, why) = verdict(&w, &bytes[..bytes.len() / 2]);
    assert_ne!(v, Verdict::Valid, "{why}");
    assert!(why.contains("已损坏") || why.contains("数字签名"), "{why}");
    for foreign in [&b"%PDF-1.4\n%%EOF\n"[..], b"PK\x03\x04 a zip", b""] {
        let (v, why) = verdict(&w, foreign);
        assert_eq!(v, Verdict::Unknown, "{why}");
        assert!(why.contains("不是 SafeServe 生成") || why.contains("不是 PDF 文件"), "{why}");
    }
}

/// A laptop enrolled with the bureau: its own key and certificate, and the bureau's root.
fn enrolled(
    store: &mut Store,
    bureau: &safeserve_pki::Authority,
    key: &ed25519_dalek::SigningKey,
    user: &str,
) -> String {
    let device_hex = safeserve_core::document::hex(key.verifying_key().as_bytes());
    let subject = safeserve_pki::Subject {
        name: user.into(),
        role: "机构技术人员（technician）".into(),
        organisation: "杭州市应急管理局".into(),
        unit: "笔记本".into(),
        device: device_hex.clone(),
    };
    let document_key = safeserve_pki::DocumentKey::derive(&key.to_bytes()).public_key_der();
    let cert = safeserve_pki::certificate_pem(&bureau.issue(&document_key, &subject, 1_800_000_000).unwrap()).unwrap();
    store
        .save_sync_account(&safeserve_store::sync::SyncAccount {
            server: "https://127.0.0.1:1".into(),
            device_id: user.into(),
            user_name: user.into(),
            role: safeserve_core::sync::Role::Technician,
            scope: String::new(),
            refresh_token: String::new(),
            cursor: 0,
            server_trust: None,
            document_certificate: Some(cert.clone()),
            bureau_authority: Some(safeserve_pki::certificate_pem(&bureau.certificate).unwrap()),
            verify_url: None,
            person_id: None,
        })
        .unwrap();
    cert
}

/// Another laptop the bureau vouches for prints a document: the file is valid here, and
/// `pdfsig` names the user the bureau's certificate names. The same laptop cannot put its
/// signature to pages the record does not hold, and a certificate from another authority
/// vouches for nothing.
#[test]
fn a_laptop_the_bureau_vouches_for_signs_what_the_record_holds_and_nothing_else() {
    let bureau = safeserve_pki::Authority::create(
        &safeserve_pki::Subject {
            name: "杭州市应急管理局 文书签发".into(),
            organisation: "杭州市应急管理局".into(),
            ..Default::default()
        },
        1_800_000_000,
    )
    .unwrap();
    let mut w = World::new();
    let key = w.key.clone();
    enrolled(&mut w.store, &bureau, &key, "赵敏");
    let here = safeserve_device::DeviceKey { key, home: safeserve_device::KeyHome::File(w.dir.join("k")) };
    w.signer = safeserve_print::PdfSigner::load(&w.store, &here).unwrap();

    let other_key = demo::documents::demo_key(7);
    let mut other_store = Store::open(w.dir.join("other.db")).unwrap();
    let other_cert = enrolled(&mut other_store, &bureau, &other_key, "钱进");
    let other_device =
        safeserve_device::DeviceKey { key: other_key.clone(), home: safeserve_device::KeyHome::File(w.dir.join("o")) };
    let other = safeserve_print::PdfSigner::load(&other_store, &other_device).unwrap();

    let docs = w.store.documents(safeserve_store::documents::DocumentsOf::Kind(DocumentKind::HazardList)).unwrap();
    let current = docs.iter().find(|d| d.superseded_by.is_none()).unwrap();
    let (doc, theirs) = safeserve_print::pdf(&w.store, &other, current.id).unwrap();
    let (v, why) = verdict(&w, &theirs);
    assert_eq!(v, Verdict::Valid, "{why}");
    let sig = pdfsig(&w.dir, "vouched.pdf", &theirs);
    assert!(sig.contains("Signature is Valid.") && sig.contains("钱进"), "{sig}");

    // A laptop that cannot draw the document again (a photo's display and print copies are
    // gone, its original is intact) does not take another laptop's file on trust.
    let photo = &w.store.document(current.id).unwrap().content.photos()[0].sha256.clone();
    let original = w.store.photo_path(photo, safeserve_store::photos::Copy::Original).unwrap();
    let folder = w.store.photo_path(photo, safeserve_store::photos::Copy::Display).unwrap();
    let mut moved = Vec::new();
    for entry in std::fs::read_dir(folder.parent().unwrap()).unwrap() {
        let path = entry.unwrap().path();
        if path != original && path.file_name().unwrap().to_string_lossy().starts_with(photo.as_str()) {
            let aside = w.dir.join(path.file_name().unwrap());
            std::fs::rename(&path, &aside).unwrap();
            moved.push((aside, path));
        }
    }
    assert!(!moved.is_empty(), "the photo's copies were there");
    let (v, why) = verdict(&w, &theirs);
    assert_eq!(v, Verdict::Altered, "{why}");
    assert!(why.contains("本机无法重新生成"), "{why}");
    for (aside, path) in moved {
        std::fs::rename(aside, path).unwrap();
    }
    assert_eq!(verdict(&w, &theirs).0, Verdict::Valid, "with its copies back");

    // Another document's pages under this document's stamp, signed by the vouched-for laptop.
    let previous = docs.iter().find(|d| d.superseded_by.is_some()).unwrap();
    let (prev_doc, prev_bytes) = safeserve_print::pdf(&w.store, &other, previous.id).unwrap();
    // (The stamp is in the document information and in the XMP metadata: both are changed.)
    let (from, to) = (
        format!("SAFESERVE:DOC:{}:{}", prev_doc.id.0, prev_doc.content_hash),
        format!("SAFESERVE:DOC:{}:{}", doc.id.0, doc.content_hash),
    );
    let mut forged = prev_bytes.clone();
    while forged.windows(from.len()).any(|w| w == from.as_bytes()) {
        forged = replace_once(&forged, from.as_bytes(), to.as_bytes());
    }
    other.sign(&mut forged).unwrap();
    assert!(pdfsig(&w.dir, "forged.pdf", &forged).contains("Signature is Valid."), "the signature itself holds");
    let (v, why) = verdict(&w, &forged);
    assert_eq!(v, Verdict::Altered, "{why}");
    assert!(why.contains("页的内容与签字存档不一致") || why.contains("页数不符"), "{why}");

    // Documents signed by the other laptop: believed with the bureau's certificate, not without.
    let signed_there = safeserve_core::document::hex(other_key.verifying_key().as_bytes());
    assert!(safeserve_store::SignerTrust::trusts(&w.signer, &signed_there, Some(&other_cert)));
    assert!(!safeserve_store::SignerTrust::trusts(&w.signer, &signed_there, None));
    let elsewhere = safeserve_pki::Authority::create(
        &safeserve_pki::Subject { name: "杭州市应急管理局 文书签发".into(), ..Default::default() },
        1_800_000_000,
    )
    .unwrap();
    let mut third = Store::open(w.dir.join("third.db")).unwrap();
    let forged_cert = enrolled(&mut third, &elsewhere, &other_key, "钱进");
    assert!(
        !safeserve_store::SignerTrust::trusts(&w.signer, &signed_there, Some(&forged_cert)),
        "another authority's certificate"
    );
    assert!(
        !safeserve_store::SignerTrust::trusts(&w.signer, &"ab".repeat(32), Some(&other_cert)),
        "a certificate names one device"
    );
}

/// Numbers for a laptop that signs no letter here: asking for one is a failure of the test.
struct NoLetterNumbers;

impl safeserve_store::documents::LetterNumbers for NoLetterNumbers {
    fn take(
        &mut self,
        _: &mut safeserve_store::Store,
        series: &safeserve_store::documents::LetterSeries,
    ) -> Result<u32, safeserve_store::documents::NumberUnavailable> {
        panic!("no letter is signed here, yet a number of {series:?} was asked for")
    }
}

/// Markup typed into free text (a hazard's description, place and measure, a signer's name)
/// is printed as the characters typed: nothing in a form is read as markup.
#[test]
fn markup_typed_into_free_text_prints_as_the_text_it_is() {
    let mut w = World::new();
    let (enterprise, people) = served_enterprise(&w.store);
    let v = w.start(VisitKind::Service, enterprise, people);
    let script = "<script>alert('隐患')</script>";
    let img = "<img src=x onerror=alert(1)>&amp;";
    let answer = VisitField::Answer { code: "FI-02".into(), result: Some(ItemResult::Fail), note: String::new() };
    let mut form = w.store.save_visit_field(v.summary.id, &answer, NOW, today()).unwrap().expect("a proposal");
    form.description = format!("{script}配电箱未接地");
    form.location = img.into();
    form.measure = format!("{img}立即整改");
    w.store.add_hazard(v.summary.id, &form, HazardId(uuid::Uuid::now_v7()), NOW, today()).unwrap();
    w.pass_rest(&v, &["FI-02"]);
    let list = w.sign(
        DocumentKind::HazardList,
        v.summary.id,
        &[(SignerRole::Principal, "<b>王喆</b>"), (SignerRole::Technician, "李明")],
    );
    let printed = compact(&w.print(&list));
    for typed in [format!("{script}配电箱未接地"), compact(img), "<b>王喆</b>".into()] {
        assert!(printed.contains(&typed), "{typed} is printed as typed: {printed}");
    }
}
