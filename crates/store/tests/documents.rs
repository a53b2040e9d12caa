//! Signed documents on a real SQLite file with real photo files: signing freezes the content,
//! corrections keep both versions, and verification names every kind of tampering — a byte of
//! the stored content, a stroke, a photo file, a record the document was drawn from.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rusqlite::Connection;
use safeserve_core::document::{self as doc, DocumentKind, HandSignature, SignerRole, Stroke, Verdict};
use safeserve_core::DocumentId;
use safeserve_demo as demo;
use safeserve_store::documents::DocumentsOf;
use safeserve_store::views::*;
use safeserve_store::{Store, StoreError};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-23T16:00:00+08:00").unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The small demo (with its photo files and signed documents), generated once and copied.
fn fresh_db() -> (tempfile::TempDir, PathBuf) {
    static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, src) = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        demo::generate(
            &path,
            demo::DemoSize::Small,
            demo::DEFAULT_SEED,
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        )
        .unwrap();
        (dir, path)
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    std::fs::copy(src, &path).unwrap();
    copy_dir(Store::photo_files_of(src).root(), Store::photo_files_of(&path).root());
    (dir, path)
}

fn sig(role: SignerRole, name: &str) -> HandSignature {
    HandSignature {
        role,
        name: name.into(),
        certificates: vec![],
        width: 600,
        height: 200,
        strokes: vec![Stroke { points: vec![[10, 20, 500], [200, 120, 700], [400, 60, 500]] }],
        refusal: None,
    }
}

/// An ended demo visit whose hazards have photos.
fn visit_with_photos(store: &Store) -> (safeserve_core::VisitId, String) {
    let docs = store.documents(DocumentsOf::Enterprise(first_enterprise(store))).unwrap();
    let d = docs.iter().find(|d| d.kind == DocumentKind::HazardList).unwrap();
    let signed = store.document(d.id).unwrap();
    (signed.content.visit.as_ref().unwrap().id.parse().unwrap(), signed.content.subject.name.clone())
}

fn first_enterprise(store: &Store) -> safeserve_core::EnterpriseId {
    let files = store.documents(DocumentsOf::Kind(DocumentKind::EnterpriseFile)).unwrap();
    let f = store.document(files[0].id).unwrap();
    let bundled = store.document(f.content.bundled[0].id.parse().unwrap()).unwrap();
    let visit: safeserve_core::VisitId = bundled.content.visit.unwrap().id.parse().unwrap();
    store.visit(visit, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()).unwrap().summary.target_id.parse().unwrap()
}

/// Signs `kind` for `visit`; the demo already signed most forms of its visits, so a first
/// signing here is a correction of the demo's version.
fn sign(
    store: &mut Store,
    kind: DocumentKind,
    visit: safeserve_core::VisitId,
    replaces: Option<DocumentId>,
) -> Result<doc::SignedDocument, StoreError> {
    let replaces = replaces.or_else(|| store.latest_document(visit, kind).unwrap().map(|d| d.id));
    store.sign_document(
        &request(kind, visit, replaces),
        &demo::documents::demo_key(7),
        "测试设备",
        now(),
        &rand_bytes(),
        &|_| Vec::new(),
    )
}

fn request(kind: DocumentKind, visit: safeserve_core::VisitId, replaces: Option<DocumentId>) -> DocumentRequest {
    DocumentRequest {
        kind,
        visit_id: Some(visit),
        enterprise_id: None,
        signatures: vec![sig(SignerRole::Principal, "王喆"), sig(SignerRole::Technician, "李明")],
        replaces,
        correction_reason: if replaces.is_some() { "整改期限写错".into() } else { String::new() },
    }
}

fn rand_bytes() -> [u8; 10] {
    let u = uuid::Uuid::now_v7();
    u.as_bytes()[6..16].try_into().unwrap()
}

/// A copy of the demo with one of its hazard lists just signed again (as a correction).
fn signed_list() -> (tempfile::TempDir, PathBuf, Store, doc::SignedDocument) {
    let (dir, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let (visit, _) = visit_with_photos(&store);
    let d = sign(&mut store, DocumentKind::HazardList, visit, None).unwrap();
    (dir, path, store, d)
}

/// The keys these tests' documents are signed with, as a laptop believes its own: the demo
/// device's and the test device's.
fn trusted(key: &str, _certificate: Option<&str>) -> bool {
    [demo::documents::demo_key(demo::DEFAULT_SEED), demo::documents::demo_key(7)]
        .iter()
        .any(|k| doc::hex(k.verifying_key().as_bytes()) == key)
}

/// Opens the file behind the store's back, as someone editing it with a SQLite tool would.
fn raw(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

#[test]
fn a_signed_hazard_list_verifies_and_holds_its_hazards_photos_and_strokes() {
    let (_d, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let (visit, enterprise) = visit_with_photos(&store);
    let d = sign(&mut store, DocumentKind::HazardList, visit, None).unwrap();
    assert!(d.version >= 2, "a correction of the demo's list");
    assert_eq!(d.content.subject.name, enterprise);
    assert!(!d.content.hazards.is_empty() && !d.content.photos().is_empty(), "hazards with photos");
    assert!(d.content.hazards.windows(2).all(|w| w[0].major >= w[1].major), "major first (R8)");
    assert!(d.content.people.iter().all(|p| p.id_number.contains("********")), "ID numbers masked");
    assert_eq!(d.content.signatures[0].strokes[0].points.len(), 3, "strokes kept as vectors");
    let v = store.verify(d.id, Some(&d.content_hash), &trusted).unwrap();
    assert_eq!(v.verdict, Verdict::Valid, "{:?}", v.reasons);
    let by_code = store.verify_code(&d.verification_code.to_lowercase().replace('-', " "), &trusted).unwrap();
    assert_eq!(by_code.verdict, Verdict::Valid, "typed code with spaces and lower case");
}

#[test]
fn the_device_signature_verifies_with_openssl() {
    let (dir, _path, _store, d) = signed_list();
    // SubjectPublicKeyInfo for Ed25519 (RFC 8410): a fixed 12-byte prefix and the raw key.
    let mut spki = vec![0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
    spki.extend(doc::unhex(&d.device_key).unwrap());
    let hash: [u8; 32] = doc::unhex(&d.content_hash).unwrap().try_into().unwrap();
    let files =
        [("pub.der", spki), ("msg", doc::signing_message(d.id.0, &hash)), ("sig", doc::unhex(&d.signature).unwrap())];
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let run = |msg: &str| {
        std::process::Command::new("openssl")
            .args([
                "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", "pub.der", "-rawin", "-in", msg,
                "-sigfile", "sig",
            ])
            .current_dir(dir.path())
            .output()
            .expect("openssl is installed")
    };
    let ok = run("msg");
    assert!(ok.status.success(), "openssl must accept SafeServe's signature: {}", String::from_utf8_lossy(&ok.stderr));
    let mut other = doc::signing_message(d.id.0, &hash);
    *other.last_mut().unwrap() ^= 1;
    std::fs::write(dir.path().join("msg2"), other).unwrap();
    assert!(!run("msg2").status.success(), "openssl must refuse a changed message");
}

#[test]
fn signed_documents_can_be_neither_updated_nor_deleted() {
    let (_d, path) = fresh_db();
    let store = Store::open(&path).unwrap();
    drop(store);
    let c = raw(&path);
    let e = c.execute("UPDATE documents SET signed_at = 'x'", []).unwrap_err();
    assert!(e.to_string().contains("never changed"), "{e}");
    let e = c.execute("DELETE FROM documents", []).unwrap_err();
    assert!(e.to_string().contains("never deleted"), "{e}");
}

#[test]
fn one_changed_byte_of_content_is_detected() {
    let (_d, path, store, d) = signed_list();
    drop(store);
    let c = raw(&path);
    c.execute_batch("DROP TRIGGER documents_frozen").unwrap();
    let mut bytes: Vec<u8> =
        c.query_row("SELECT content FROM documents WHERE id = ?1", [d.id.to_string()], |r| r.get(0)).unwrap();
    let at = bytes.windows(4).position(|w| w == b"\"\xe5\x8f\x91").unwrap_or(bytes.len() / 2);
    bytes[at + 3] ^= 0x01;
    c.execute("UPDATE documents SET content = ?2 WHERE id = ?1", rusqlite::params![d.id.to_string(), bytes]).unwrap();
    drop(c);
    let v = Store::open(&path).unwrap().verify(d.id, None, &trusted).unwrap();
    assert_eq!(v.verdict, Verdict::Altered);
    assert!(v.reasons.iter().any(|r| r.zh.contains("内容指纹不符")), "{:?}", v.reasons);
}

#[test]
fn a_changed_stroke_with_a_recomputed_hash_fails_the_device_signature() {
    let (_d, path, store, d) = signed_list();
    drop(store);
    let mut content = d.content.clone();
    content.signatures[0].strokes[0].points[1][0] += 1;
    let bytes = content.canonical_bytes();
    let c = raw(&path);
    c.execute_batch("DROP TRIGGER documents_frozen").unwrap();
    c.execute(
        "UPDATE documents SET content = ?2, content_hash = ?3 WHERE id = ?1",
        rusqlite::params![d.id.to_string(), bytes, doc::sha256_hex(&bytes)],
    )
    .unwrap();
    drop(c);
    let store = Store::open(&path).unwrap();
    let v = store.verify(d.id, None, &trusted).unwrap();
    assert_eq!(v.verdict, Verdict::Altered);
    assert!(v.reasons.iter().any(|r| r.zh.contains("设备签名无效")), "{:?}", v.reasons);
    // The paper copy still carries the hash as signed: it no longer matches the record either.
    let v = store.verify(d.id, Some(&d.content_hash), &trusted).unwrap();
    assert!(v.reasons.iter().any(|r| r.zh.contains("内容指纹与签字存档不一致")), "{:?}", v.reasons);
}

/// A forger with the database file: changes a hazard in the document and in its row, hashes
/// and signs the new content with a key of their own put into `devices`, and keeps the old
/// code so the paper still "matches". The key vouches for nothing and the code is computed
/// again from the content, so the document is altered — by code as by id.
#[test]
fn a_document_re_signed_with_an_inserted_key_under_its_old_code_is_altered() {
    let (_d, path, store, d) = signed_list();
    drop(store);
    let mut content = d.content.clone();
    content.hazards[0].description = format!("{}（已整改完毕）", content.hazards[0].description);
    let bytes = content.canonical_bytes();
    let hash: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(&bytes).into();
    let forger = ed25519_dalek::SigningKey::from_bytes(&[99; 32]);
    let forger_hex = doc::hex(forger.verifying_key().as_bytes());
    let c = raw(&path);
    c.execute_batch("DROP TRIGGER documents_frozen; DROP TRIGGER hazards_frozen").unwrap();
    c.execute(
        "INSERT INTO devices(public_key, label, first_seen) VALUES (?1, '本局设备', '2026-01-01T00:00:00+08:00')",
        [&forger_hex],
    )
    .unwrap();
    c.execute(
        "UPDATE documents SET content = ?2, content_hash = ?3, device_key = ?4, signature = ?5 WHERE id = ?1",
        rusqlite::params![d.id.to_string(), bytes, doc::hex(&hash), forger_hex, doc::sign(&forger, d.id.0, &hash)],
    )
    .unwrap();
    c.execute(
        "UPDATE hazards SET description = ?2 WHERE id = ?1",
        rusqlite::params![content.hazards[0].id, content.hazards[0].description],
    )
    .unwrap();
    drop(c);
    let store = Store::open(&path).unwrap();
    for v in [store.verify(d.id, None, &trusted).unwrap(), store.verify_code(&d.verification_code, &trusted).unwrap()] {
        assert_eq!(v.verdict, Verdict::Altered, "{:?}", v.reasons);
        assert!(v.reasons.iter().any(|r| r.zh.contains("验证码与文书内容不符")), "{:?}", v.reasons);
        assert!(v.reasons.iter().any(|r| r.zh.contains("没有主管部门签发的证书")), "{:?}", v.reasons);
    }
    // Even a laptop that believed the inserted key would see the code no longer fits.
    let believing = |_: &str, _: Option<&str>| true;
    let v = store.verify(d.id, None, &believing).unwrap();
    assert_eq!(v.verdict, Verdict::Altered);
    assert_eq!(v.reasons.len(), 1, "only the code gives it away: {:?}", v.reasons);
}

#[test]
fn a_changed_photo_file_is_detected_and_named() {
    let (_d, _path, store, d) = signed_list();
    let photo = &d.content.photos()[0].sha256;
    let original = store.photo_path(photo, safeserve_store::photos::Copy::Original).unwrap();
    let mut bytes = std::fs::read(&original).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&original, bytes).unwrap();
    let v = store.verify(d.id, None, &trusted).unwrap();
    assert_eq!(v.verdict, Verdict::Altered);
    assert!(v.reasons.iter().any(|r| r.zh.contains(&photo[..12]) && r.zh.contains("已被改动")), "{:?}", v.reasons);
}

#[test]
fn a_hazard_record_changed_after_signing_is_named_by_field() {
    let (_d, path, store, d) = signed_list();
    drop(store);
    let c = raw(&path);
    c.execute_batch("DROP TRIGGER hazards_frozen").unwrap();
    c.execute("UPDATE hazards SET measure = '已整改' WHERE id = ?1", [&d.content.hazards[0].id]).unwrap();
    drop(c);
    let v = Store::open(&path).unwrap().verify(d.id, None, &trusted).unwrap();
    assert_eq!(v.verdict, Verdict::Altered);
    assert!(
        v.reasons.iter().any(|r| r.zh.contains("隐患 · 第 1 项 · 整改措施") && r.zh.contains("已整改")),
        "{:?}",
        v.reasons
    );
}

#[test]
fn a_correction_supersedes_the_original_and_both_are_kept() {
    let (_d, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let (visit, _) = visit_with_photos(&store);
    let v1 = sign(&mut store, DocumentKind::HazardList, visit, None).unwrap();
    let v2 = sign(&mut store, DocumentKind::HazardList, visit, Some(v1.id)).unwrap();
    assert_eq!(v2.version, v1.version + 1);
    assert_eq!(v2.content.replaces.as_deref(), Some(v1.id.to_string().as_str()));
    let old = store.verify(v1.id, Some(&v1.content_hash), &trusted).unwrap();
    assert_eq!(old.verdict, Verdict::Superseded);
    assert_eq!(old.superseded_by.unwrap().id, v2.id);
    assert_eq!(store.verify(v2.id, None, &trusted).unwrap().verdict, Verdict::Valid);
    let again = request(DocumentKind::HazardList, visit, None);
    match store.sign_document(&again, &demo::documents::demo_key(7), "t", now(), &rand_bytes(), &|_| Vec::new()) {
        Err(StoreError::NotReady { problems }) => {
            assert!(problems.iter().any(|p| p.zh.contains("已签字")), "{problems:?}")
        }
        other => panic!("signing a signed form again without correcting must be refused: {other:?}"),
    }
    match sign(&mut store, DocumentKind::HazardList, visit, Some(v1.id)) {
        Err(StoreError::NotReady { problems }) => assert!(problems[0].zh.contains("已被更正"), "{problems:?}"),
        other => panic!("correcting a superseded version must be refused: {other:?}"),
    }
    let listed = store.documents(DocumentsOf::Visit(visit)).unwrap();
    assert!(listed.iter().any(|d| d.id == v1.id && d.superseded_by == Some(v2.id)));
    assert!(listed.iter().any(|d| d.id == v2.id));
}

#[test]
fn signing_without_strokes_or_with_a_missing_photo_file_is_refused_and_writes_nothing() {
    let (_d, path) = fresh_db();
    let mut store = Store::open(&path).unwrap();
    let (visit, _) = visit_with_photos(&store);
    let before = store.counts().unwrap().documents;
    let mut req = DocumentRequest {
        kind: DocumentKind::HazardList,
        visit_id: Some(visit),
        enterprise_id: None,
        signatures: vec![
            sig(SignerRole::Principal, "王喆"),
            HandSignature { strokes: vec![], ..sig(SignerRole::Technician, "李明") },
        ],
        replaces: None,
        correction_reason: String::new(),
    };
    let key = demo::documents::demo_key(7);
    match store.sign_document(&req, &key, "t", now(), &rand_bytes(), &|_| Vec::new()) {
        Err(e @ StoreError::NotReady { .. }) => {
            assert_eq!(e.code(), "document_not_ready");
            assert!(e.message().zh.contains("技术服务人员尚未签字"), "{}", e.message().zh);
        }
        other => panic!("{other:?}"),
    }
    req.signatures[1] = sig(SignerRole::Technician, "李明");
    let draft = store.draft_document(&req, now()).unwrap();
    let display = store.photo_path(&draft.content.photos()[0].sha256, safeserve_store::photos::Copy::Display).unwrap();
    std::fs::remove_file(&display).unwrap();
    match store.sign_document(&req, &key, "t", now(), &rand_bytes(), &|_| Vec::new()) {
        Err(StoreError::NotReady { problems }) => {
            assert!(problems.iter().any(|p| p.zh.contains("文件缺失")), "{problems:?}")
        }
        other => panic!("{other:?}"),
    }
    let fonts = |_: &_| vec![safeserve_core::Message::new("字体缺少：𪚥", "missing glyph")];
    std::fs::copy(&path, path.with_extension("unused")).unwrap();
    match store.sign_document(&req, &key, "t", now(), &rand_bytes(), &fonts) {
        Err(StoreError::NotReady { problems }) => assert!(problems.iter().any(|p| p.zh.contains("𪚥"))),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.counts().unwrap().documents, before, "nothing written");
}

#[test]
fn unknown_ids_and_codes_are_unknown() {
    let (_d, path) = fresh_db();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.verify(DocumentId(uuid::Uuid::now_v7()), None, &trusted).unwrap().verdict, Verdict::Unknown);
    assert_eq!(store.verify_code("0000-0000-0000-0000", &trusted).unwrap().verdict, Verdict::Unknown);
}

#[test]
fn the_demo_holds_signed_lists_a_correction_and_an_enterprise_file_all_valid() {
    let (_d, path) = fresh_db();
    let store = Store::open(&path).unwrap();
    assert!(store.counts().unwrap().documents >= 10);
    let files = store.documents(DocumentsOf::Kind(DocumentKind::EnterpriseFile)).unwrap();
    assert_eq!(files.len(), 1);
    let f = store.verify(files[0].id, None, &trusted).unwrap();
    assert_eq!(f.verdict, Verdict::Valid, "{:?}", f.reasons);
    for d in store.documents(DocumentsOf::Kind(DocumentKind::HazardList)).unwrap() {
        let v = store.verify(d.id, None, &trusted).unwrap();
        let expected = if d.superseded_by.is_some() { Verdict::Superseded } else { Verdict::Valid };
        assert_eq!(v.verdict, expected, "{:?}", v.reasons);
    }
}
