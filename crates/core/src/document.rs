//! Signed documents (R6): the forms SafeServe prints, frozen at signing.
//!
//! A document's [`DocumentContent`] holds everything its printed form shows, already in the words
//! printed (labels resolved to Chinese at signing), so a PDF drawn years later from the frozen
//! content says exactly what was signed, whatever the registers or the labels say by then. The
//! content is serialised once to canonical JSON (struct fields in declaration order, no maps,
//! integers only for the strokes); those bytes are hashed with SHA-256 and the device signs
//! [`signing_message`] with its Ed25519 key. Neither the bytes nor the signature are ever
//! rewritten: a correction is a new version whose content names the document it replaces.

use crate::labels::labelled_enum;
use crate::message::Message;
use crate::visit::VisitKind;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use uuid::Uuid;

labelled_enum! {
    /// The printable forms of `DOMAIN.md`.
    DocumentKind {
        HazardList = "hazard_list", "隐患清单", "Hazard list";
        InspectionRecord = "inspection_record", "现场检查记录", "Inspection record";
        RectificationNotice = "rectification_notice", "整改通知书", "Rectification notice";
        Reinspection = "reinspection", "复查意见", "Re-inspection record";
        ServicePlan = "service_plan", "服务细化方案", "Service plan";
        Letter = "letter", "函告", "Letter";
        EnterpriseFile = "enterprise_file", "一企一档", "Enterprise file";
    }
}

labelled_enum! {
    /// In what capacity someone signs.
    SignerRole {
        Principal = "principal", "企业主要负责人", "Enterprise principal";
        Technician = "technician", "技术服务人员", "Technician";
        Inspector = "inspector", "检查人员", "Inspector";
        Supervisor = "supervisor", "负责人", "Supervisor";
    }
}

/// The canonical format's version, part of the signed bytes.
pub const CONTENT_FORMAT: u32 = 1;

/// Who a document is about, or who issues it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Party {
    pub name: String,
    pub credit_code: String,
    pub address: String,
    /// 主要负责人 / 法定代表人 as the register knew them at signing.
    pub principal: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct VisitFacts {
    pub id: String,
    /// e.g. 技术服务.
    pub kind: String,
    pub started_at: String,
    pub ended_at: String,
    pub place: String,
    /// Checklist title and edition, e.g. 企业安全隐患排查表（第 1 版）.
    pub checklist: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CertificateFacts {
    /// e.g. 注册安全工程师（化工）.
    pub kind: String,
    pub number: String,
    /// `YYYY-MM-DD`, empty when it never expires.
    pub expires_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PersonFacts {
    pub name: String,
    /// Masked as `330102********1234`: the full number is never printed.
    pub id_number: String,
    pub certificates: Vec<CertificateFacts>,
}

/// A photo as evidence: its bytes are named by their SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PhotoFacts {
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub taken_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ItemFacts {
    pub code: String,
    pub section: String,
    pub text: String,
    pub basis: String,
    /// 符合 / 不符合 / 不适用.
    pub result: String,
    pub note: String,
    pub photos: Vec<PhotoFacts>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HazardFacts {
    /// 1-based, in the printed (R8) order.
    pub number: u32,
    pub id: String,
    pub major: bool,
    /// 重大隐患 / 一般隐患.
    pub level: String,
    pub category: String,
    pub description: String,
    pub location: String,
    pub basis: String,
    pub measure: String,
    /// `YYYY-MM-DD`.
    pub deadline: String,
    pub responsible: String,
    /// Where it stood at signing, e.g. 待整改.
    pub state: String,
    pub photos_before: Vec<PhotoFacts>,
    pub photos_after: Vec<PhotoFacts>,
    /// A re-inspection's verdict, e.g. 整改合格，予以销号.
    pub verdict: String,
}

/// One person of a service plan (服务细化方案).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanRow {
    pub name: String,
    pub specialty: String,
    /// e.g. 注册安全工程师 / 中级职称.
    pub grade: String,
    pub duty: String,
}

/// A letter (函告, R12) from a bureau to an agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LetterFacts {
    /// 文号, e.g. 杭应急函〔2026〕12号.
    pub reference: String,
    /// The bureau that sends it, e.g. 杭州市应急管理局.
    pub issuer: String,
    /// The agency addressed (主送).
    pub recipient: String,
    pub findings: Vec<String>,
    pub demands: Vec<String>,
    /// `YYYY-MM-DD`: the agency replies in writing by then.
    pub reply_by: String,
    /// `YYYY-MM-DD`: the date printed in Chinese under the issuer.
    pub dated: String,
    pub contact: String,
}

/// A document bundled in an enterprise file (一企一档).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DocumentRef {
    pub id: String,
    pub kind: DocumentKind,
    pub version: u32,
    pub signed_at: String,
    pub content_hash: String,
    pub verification_code: String,
}

/// A handwritten stroke, as drawn on the pad: points `[x, y, pressure]`, x and y in pad units
/// (the pad is `width` × `height` of them), pressure in thousandths. Integers, so the canonical
/// bytes never depend on how a float is printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Stroke {
    pub points: Vec<[i32; 3]>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HandSignature {
    pub role: SignerRole,
    pub name: String,
    /// The visiting signer's certificates from the register, as printed (e.g. 注册安全工程师
    /// 3301…), put there by the laptop from the signed-in user (`signer::Signer::bind`), never
    /// typed. Absent from the signed bytes when empty, so older documents keep their hash.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<String>>")]
    pub certificates: Vec<String>,
    pub width: u32,
    pub height: u32,
    pub strokes: Vec<Stroke>,
    /// The enterprise's principal would not sign: what the technician or inspector recorded of
    /// it, printed in the principal's box instead of a signature (a case that happens on site,
    /// and must not leave the list unsigned). Absent from the signed bytes when not used, so
    /// documents signed before it existed keep their hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub refusal: Option<String>,
}

impl HandSignature {
    /// For the principal's signature, the register's principal when the name recorded on site
    /// is someone else's (a deputy signed): both are frozen and printed, never one silently put
    /// for the other. `None` when the names agree, the register names nobody, or this is not
    /// the principal's signature.
    pub fn registered_principal<'a>(&self, registered: &'a str) -> Option<&'a str> {
        let registered_name = registered.trim();
        (self.role == SignerRole::Principal && !registered_name.is_empty() && self.name.trim() != registered_name)
            .then_some(registered_name)
    }
}

/// Everything a printed form shows, frozen at signing. Sections a form does not use stay empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DocumentContent {
    pub format: u32,
    pub kind: DocumentKind,
    pub title: String,
    /// The enterprise or agency the document is about.
    pub subject: Party,
    /// The agency or bureau that issues it.
    pub issuer: Party,
    pub visit: Option<VisitFacts>,
    pub people: Vec<PersonFacts>,
    pub items: Vec<ItemFacts>,
    /// Major first (R8).
    pub hazards: Vec<HazardFacts>,
    pub assessment: String,
    pub plan: Vec<PlanRow>,
    pub letter: Option<LetterFacts>,
    /// What an enterprise file bundles.
    pub bundled: Vec<DocumentRef>,
    pub signatures: Vec<HandSignature>,
    /// RFC 3339 with the +08:00 offset.
    pub signed_at: String,
    pub place: String,
    /// The document this one corrects, and why.
    pub replaces: Option<String>,
    pub correction_reason: String,
}

/// A document as stored: its frozen content with the hash, the device's signature and the code
/// printed on paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SignedDocument {
    pub id: crate::DocumentId,
    pub kind: DocumentKind,
    /// 1 for the first signing, +1 for each correction.
    pub version: u32,
    pub content: DocumentContent,
    /// SHA-256 of the canonical bytes, hex.
    pub content_hash: String,
    /// The signing device's Ed25519 public key, hex.
    pub device_key: String,
    pub signature: String,
    pub verification_code: String,
}

impl SignedDocument {
    pub fn qr_payload(&self) -> String {
        qr_payload(self.id.0, &self.content_hash)
    }
}

/// Why a document cannot be signed yet. Checked before signing, so no broken or silently
/// incomplete document is ever frozen.
impl DocumentContent {
    /// A form with its title and time and every section still empty, to be filled from the records.
    pub fn blank(kind: DocumentKind, signed_at: String) -> Self {
        DocumentContent {
            format: CONTENT_FORMAT,
            kind,
            title: kind.label_zh().into(),
            subject: Party::default(),
            issuer: Party::default(),
            visit: None,
            people: vec![],
            items: vec![],
            hazards: vec![],
            assessment: String::new(),
            plan: vec![],
            letter: None,
            bundled: vec![],
            signatures: vec![],
            signed_at,
            place: String::new(),
            replaces: None,
            correction_reason: String::new(),
        }
    }

    pub fn problems(&self) -> Vec<Message> {
        let mut out = Vec::new();
        for s in &self.signatures {
            if s.name.trim().is_empty() {
                out.push(Message::new(
                    format!("{}未填写姓名", s.role.label_zh()),
                    format!("The {} has no name", s.role.label_en().to_lowercase()),
                ));
            }
            if let Some(note) = &s.refusal {
                if s.role != SignerRole::Principal {
                    out.push(Message::new(
                        format!("{}不能记为拒绝签字，只有企业主要负责人可以", s.role.label_zh()),
                        format!(
                            "Only the principal can be recorded as refusing; the {} must sign",
                            s.role.label_en().to_lowercase()
                        ),
                    ));
                }
                if note.trim().is_empty() {
                    out.push(Message::new(
                        "请写明企业主要负责人拒绝签字的情况（时间、理由、在场人员）",
                        "Write down how the principal refused to sign (when, why, who was present)",
                    ));
                }
                continue;
            }
            if s.strokes.iter().all(|st| st.points.len() < 2) {
                out.push(Message::new(
                    format!("{}尚未签字（签名板上没有笔迹）", s.role.label_zh()),
                    format!("The {} has not signed: the pad holds no strokes", s.role.label_en().to_lowercase()),
                ));
            }
        }
        for h in &self.hazards {
            for gap in crate::hazard::HazardGap::of(&h.measure, &h.deadline) {
                let which = Message::new(
                    format!("隐患 {}（{}）", h.number, short(&h.description)),
                    format!("Hazard {} ({})", h.number, short(&h.description)),
                );
                out.push(gap.message_for(&which));
            }
        }
        if let Some(l) = &self.letter {
            if l.findings.iter().all(|f| f.trim().is_empty()) {
                out.push(Message::new("函告没有列出任何问题", "The letter lists no findings"));
            }
        }
        out
    }

    /// Every photo the document shows, each once.
    pub fn photos(&self) -> Vec<&PhotoFacts> {
        let mut seen = std::collections::HashSet::new();
        self.items
            .iter()
            .flat_map(|i| i.photos.iter())
            .chain(self.hazards.iter().flat_map(|h| h.photos_before.iter().chain(h.photos_after.iter())))
            .filter(|p| seen.insert(p.sha256.as_str()))
            .collect()
    }

    /// All text the form prints, for checking the fonts hold every character before signing.
    pub fn printed_text(&self) -> String {
        let mut s = serde_json::to_string(self).unwrap_or_default();
        s.push_str(self.kind.label_zh());
        s
    }

    /// The canonical bytes: what is hashed and signed.
    #[expect(clippy::expect_used, reason = "plain data with string keys: serde_json cannot fail on it")]
    pub fn canonical_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("document content always serialises")
    }
}

/// The first twelve characters of `s` (with … when cut), for naming a record in a message.
pub fn short(s: &str) -> String {
    let mut t: String = s.chars().take(12).collect();
    if s.chars().count() > 12 {
        t.push('…');
    }
    t
}

/// Lower-case hex of the SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

/// What the device signs: a domain tag, the document id and the content hash, so a signature
/// can never be moved to another document or another version of the same content.
pub fn signing_message(id: Uuid, content_hash: &[u8; 32]) -> Vec<u8> {
    let mut m = b"SafeServe signed document v1\n".to_vec();
    m.extend_from_slice(id.as_bytes());
    m.extend_from_slice(content_hash);
    m
}

/// The device's signature over a document, hex-encoded.
pub fn sign(key: &SigningKey, id: Uuid, content_hash: &[u8; 32]) -> String {
    hex(&key.sign(&signing_message(id, content_hash)).to_bytes())
}

/// Whether `signature_hex` is `public_key_hex`'s signature of this document.
pub fn signature_holds(public_key_hex: &str, signature_hex: &str, id: Uuid, content_hash: &[u8; 32]) -> bool {
    let (Some(pk), Some(sig)) = (unhex(public_key_hex), unhex(signature_hex)) else { return false };
    let (Ok(pk), Ok(sig)) = (<[u8; 32]>::try_from(pk), <[u8; 64]>::try_from(sig)) else { return false };
    let Ok(key) = VerifyingKey::from_bytes(&pk) else { return false };
    key.verify(&signing_message(id, content_hash), &Signature::from_bytes(&sig)).is_ok()
}

/// Crockford base32: no I, L, O or U, so a code read off paper is typed back without confusion.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The code printed on every page: 80 bits of SHA-256(id ‖ content hash), as `XXXX-XXXX-XXXX-XXXX`.
pub fn verification_code(id: Uuid, content_hash: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(id.as_bytes());
    h.update(content_hash);
    let d = h.finalize();
    let mut bits: u128 = 0;
    for b in &d[..10] {
        bits = (bits << 8) | u128::from(*b);
    }
    let mut out = String::with_capacity(19);
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let v = ((bits >> (75 - 5 * i)) & 31) as usize;
        out.push(CROCKFORD[v] as char);
    }
    out
}

/// A code as typed by a person: case, spaces and dashes ignored, O read as 0 and I/L as 1.
pub fn normalise_code(typed: &str) -> String {
    let cleaned: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    cleaned.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect::<Vec<_>>().join("-")
}

/// What the QR code on a printed page holds.
pub fn qr_payload(id: Uuid, content_hash_hex: &str) -> String {
    format!("SAFESERVE:DOC:{id}:{content_hash_hex}")
}

/// Reads a QR payload back into the document id and content hash.
pub fn parse_qr_payload(s: &str) -> Option<(Uuid, String)> {
    let rest = s.trim().strip_prefix("SAFESERVE:DOC:")?;
    let (id, hash) = rest.split_once(':')?;
    let id = Uuid::parse_str(id).ok()?;
    (hash.len() == 64 && unhex(hash).is_some()).then(|| (id, hash.to_ascii_lowercase()))
}

labelled_enum! {
    /// What verifying a document found.
    Verdict {
        Valid = "valid", "有效", "Valid";
        Altered = "altered", "已被篡改", "Altered";
        Superseded = "superseded", "已被更正版本取代", "Superseded by a correction";
        Unknown = "unknown", "查无此文书", "No such document";
    }
}

/// `2026-11-23` → `2026年11月23日`, as documents print dates.
pub fn chinese_date(iso: &str) -> String {
    match chrono::NaiveDate::parse_from_str(iso.get(..10).unwrap_or(iso), "%Y-%m-%d") {
        Ok(d) => {
            use chrono::Datelike;
            format!("{}年{}月{}日", d.year(), d.month(), d.day())
        }
        Err(_) => iso.to_string(),
    }
}

/// A form a visit can have signed, and who signs it: one role of each group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FormSpec {
    pub kind: DocumentKind,
    pub signers: Vec<Vec<SignerRole>>,
}

/// R6: the forms of a visit and their signers.
/// The forms that can be signed for a visit of this kind with `hazards` hazards, each with who
/// must sign it.
pub fn forms_for(kind: VisitKind, hazards: usize) -> Vec<FormSpec> {
    form_kinds(kind, hazards)
        .into_iter()
        .map(|form| FormSpec { kind: form, signers: required_roles(form, Some(kind)) })
        .collect()
}

fn form_kinds(kind: VisitKind, hazards: usize) -> Vec<DocumentKind> {
    let mut out = vec![DocumentKind::HazardList];
    if matches!(kind, VisitKind::AgencyInspection | VisitKind::SpotCheck) {
        out.push(DocumentKind::InspectionRecord);
    }
    if hazards > 0 && kind != VisitKind::Reinspection {
        out.push(DocumentKind::RectificationNotice);
    }
    match kind {
        VisitKind::Reinspection => out.push(DocumentKind::Reinspection),
        VisitKind::FirstService => out.push(DocumentKind::ServicePlan),
        VisitKind::AgencyInspection => out.push(DocumentKind::Letter),
        _ => {}
    }
    out
}

/// Who must sign each form, one role of each group: the visitor's role follows who makes the
/// visit (either a technician or an inspector re-inspects).
pub fn required_roles(kind: DocumentKind, visit: Option<VisitKind>) -> Vec<Vec<SignerRole>> {
    let visitor = match visit {
        Some(k) if k.by_agency() => vec![SignerRole::Technician],
        Some(VisitKind::Reinspection) => vec![SignerRole::Technician, SignerRole::Inspector],
        _ => vec![SignerRole::Inspector],
    };
    match kind {
        DocumentKind::Letter => vec![vec![SignerRole::Supervisor]],
        DocumentKind::EnterpriseFile => vec![],
        _ => vec![vec![SignerRole::Principal], visitor],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_principal_who_refuses_is_recorded_with_a_note_and_the_visitor_still_signs() {
        let mut c = content();
        let refused = HandSignature { strokes: vec![], refusal: Some(String::new()), ..c.signatures[0].clone() };
        c.signatures = vec![refused];
        let zh: Vec<_> = c.problems().into_iter().map(|m| m.zh).collect();
        assert!(zh.iter().any(|p| p.contains("拒绝签字的情况")), "a refusal needs its note: {zh:?}");
        assert!(!zh.iter().any(|p| p.contains("尚未签字")), "no strokes are asked of a refusing principal: {zh:?}");
        c.signatures[0].refusal = Some("主要负责人称需请示总公司，拒绝签字，安全员张某在场".into());
        assert!(c.problems().is_empty(), "{:?}", c.problems());
        let technician = HandSignature { role: SignerRole::Technician, ..c.signatures[0].clone() };
        c.signatures.push(technician);
        assert!(c.problems().iter().any(|p| p.zh.contains("只有企业主要负责人")));
        let before = content().canonical_bytes();
        assert!(!String::from_utf8(before).unwrap().contains("refusal"), "unused, it is not in the signed bytes");
    }

    fn content() -> DocumentContent {
        DocumentContent {
            subject: Party { name: "杭州某某化工有限公司".into(), ..Default::default() },
            signatures: vec![HandSignature {
                role: SignerRole::Principal,
                name: "王伟".into(),
                certificates: vec![],
                width: 600,
                height: 240,
                strokes: vec![Stroke { points: vec![[1, 2, 500], [30, 40, 600]] }],
                refusal: None,
            }],
            place: "转塘街道".into(),
            ..DocumentContent::blank(DocumentKind::HazardList, "2026-11-23T10:00:00+08:00".into())
        }
    }

    #[test]
    fn canonical_bytes_round_trip_to_the_same_bytes() {
        let c = content();
        let bytes = c.canonical_bytes();
        let back: DocumentContent = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back.canonical_bytes(), bytes, "parsing and re-serialising must give the signed bytes");
    }

    #[test]
    fn a_signature_holds_only_for_its_document_and_content() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let pk = hex(key.verifying_key().as_bytes());
        let id = Uuid::from_u128(42);
        let hash: [u8; 32] = Sha256::digest(content().canonical_bytes()).into();
        let sig = sign(&key, id, &hash);
        assert!(signature_holds(&pk, &sig, id, &hash));
        let mut other = hash;
        other[0] ^= 1;
        assert!(!signature_holds(&pk, &sig, id, &other), "changed content must not verify");
        assert!(!signature_holds(&pk, &sig, Uuid::from_u128(43), &hash), "another document must not verify");
    }

    #[test]
    fn verification_code_reads_back_through_typing_mistakes() {
        let code = verification_code(Uuid::from_u128(1), &[0; 32]);
        assert_eq!(code.len(), 19);
        assert!(!code.contains(['I', 'L', 'O', 'U']));
        assert_eq!(normalise_code(&code.to_lowercase().replace('-', " ")), code);
    }

    #[test]
    fn a_signature_without_strokes_or_a_hazard_without_deadline_is_named() {
        let mut c = content();
        c.signatures[0].strokes.clear();
        c.hazards.push(HazardFacts {
            number: 1,
            id: "h".into(),
            major: true,
            level: "重大隐患".into(),
            category: "粉尘防爆".into(),
            description: "除尘系统未设置泄爆装置".into(),
            location: "打磨车间".into(),
            basis: String::new(),
            measure: "加装泄爆片".into(),
            deadline: String::new(),
            responsible: "王伟".into(),
            state: "待整改".into(),
            photos_before: vec![],
            photos_after: vec![],
            verdict: String::new(),
        });
        let p = c.problems();
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].zh.contains("尚未签字"));
        assert!(p[1].zh.contains("没有整改期限"));
    }

    #[test]
    fn qr_payload_parses_back() {
        let id = Uuid::from_u128(9);
        let h = sha256_hex(b"x");
        assert_eq!(parse_qr_payload(&qr_payload(id, &h)), Some((id, h)));
        assert_eq!(parse_qr_payload("SAFESERVE:DOC:nope:00"), None);
        assert_eq!(chinese_date("2026-11-03"), "2026年11月3日");
    }
}
