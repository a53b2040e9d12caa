//! Signed documents (R6): a form's content is drawn from the records, checked, frozen as
//! canonical bytes, hashed and signed with the device's Ed25519 key in one transaction, and
//! never touched again (SQLite triggers refuse UPDATE and DELETE). Verification re-reads the
//! bytes, the signature, the photo files and the live records the document was drawn from, and
//! names whatever no longer matches.

use crate::views::{DocumentRequest, DocumentSummary, Draft, FormSpec, HazardView, Verification, VisitDetail};
use crate::{Store, StoreError};
use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate};
use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::checklist::Template;
use safeserve_core::document::{
    self as doc, CertificateFacts, DocumentContent, DocumentKind, DocumentRef, HazardFacts, ItemFacts, LetterFacts,
    Party, PersonFacts, PhotoFacts, PlanRow, SignedDocument, SignerRole, Verdict, VisitFacts,
};
use safeserve_core::hazard::HazardEventKind;
use safeserve_core::letter;
use safeserve_core::visit::VisitKind;
use safeserve_core::{mask_id_number, DocumentId, EnterpriseId, Message, VisitId};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

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
fn required_roles(kind: DocumentKind, visit: Option<VisitKind>) -> Vec<Vec<SignerRole>> {
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

fn party(conn: &Connection, table: &str, id: &str) -> Result<Party, StoreError> {
    let principal = if table == "enterprises" { "principal" } else { "''" };
    conn.prepare_cached(&format!("SELECT name, credit_code, address, {principal} FROM {table} WHERE id = ?1"))?
        .query_row([id], |r| {
            Ok(Party { name: r.get(0)?, credit_code: r.get(1)?, address: r.get(2)?, principal: r.get(3)? })
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: if table == "enterprises" { "enterprise" } else { "agency" },
            id: id.into(),
        })
}

/// The emergency management bureau of the city a division lies in, and its letters' prefix
/// (杭州市 → 杭州市应急管理局, 杭应急函).
fn bureau(conn: &Connection, division: &str) -> Result<(Party, String), StoreError> {
    let city = format!("{}00", division.get(..4).unwrap_or(division));
    let name: String = conn
        .prepare_cached("SELECT name FROM divisions WHERE code = ?1")?
        .query_row([&city], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| "杭州市".into());
    let prefix = format!("{}应急函", name.chars().next().unwrap_or('杭'));
    Ok((Party { name: format!("{name}应急管理局"), ..Party::default() }, prefix))
}

fn division_of(conn: &Connection, table: &str, id: &str) -> Result<String, StoreError> {
    Ok(conn.query_row(&format!("SELECT division FROM {table} WHERE id = ?1"), [id], |r| r.get(0))?)
}

fn photo_facts(p: &crate::views::PhotoRef) -> PhotoFacts {
    PhotoFacts {
        sha256: p.sha256.clone(),
        width: p.width,
        height: p.height,
        taken_at: p.taken_at.clone().unwrap_or_default(),
    }
}

fn hazard_facts(number: usize, h: &HazardView, verdict: String) -> HazardFacts {
    HazardFacts {
        number: number as u32 + 1,
        id: h.id.to_string(),
        major: h.level == safeserve_core::hazard::HazardLevel::Major,
        level: h.level.label_zh().into(),
        category: h.category.label_zh().into(),
        description: h.description.clone(),
        location: h.location.clone(),
        basis: h.basis.clone(),
        measure: h.measure.clone(),
        deadline: h.deadline.clone(),
        responsible: h.responsible.clone(),
        state: if h.state.overdue { "逾期未整改".into() } else { h.state.status.label_zh().into() },
        photos_before: h.photos_before.iter().map(photo_facts).collect(),
        photos_after: h.photos_after.iter().map(photo_facts).collect(),
        verdict,
    }
}

/// A re-inspection's verdict on a hazard: the last thing this visit recorded about it.
fn verdict_of(h: &HazardView, visit: VisitId) -> Option<String> {
    h.events.iter().rev().filter(|e| e.visit_id == Some(visit)).find_map(|e| match e.kind {
        HazardEventKind::Closed | HazardEventKind::Verified => Some("整改合格，予以销号".to_string()),
        HazardEventKind::KeptOpen => Some(format!("整改未完成，继续整改：{}", e.note)),
        _ => None,
    })
}

fn items(template: &Template, visit: &VisitDetail) -> Vec<ItemFacts> {
    let mut out = Vec::new();
    for section in &template.sections {
        for item in &section.items {
            let answer = visit.answers.iter().find(|a| a.code == item.code);
            out.push(ItemFacts {
                code: item.code.clone(),
                section: section.title.clone(),
                text: item.text.clone(),
                basis: item.basis.clone(),
                result: answer.and_then(|a| a.result).map(|r| r.label_zh().to_string()).unwrap_or_default(),
                note: answer.map(|a| a.note.clone()).unwrap_or_default(),
                photos: answer.map(|a| a.photos.iter().map(photo_facts).collect()).unwrap_or_default(),
            });
        }
    }
    out
}

impl Store {
    /// The content a form would freeze if signed now, and what still stands in the way.
    pub fn draft_document(&self, req: &DocumentRequest, now: DateTime<FixedOffset>) -> Result<Draft, StoreError> {
        let (content, mut problems) = self.build(req, now)?;
        problems.extend(content.problems());
        problems.extend(self.missing_photo_files(&content)?);
        Ok(Draft { content, problems })
    }

    fn build(
        &self,
        req: &DocumentRequest,
        now: DateTime<FixedOffset>,
    ) -> Result<(DocumentContent, Vec<Message>), StoreError> {
        let today = now.date_naive();
        let mut problems = Vec::new();
        let mut content = DocumentContent {
            signatures: req.signatures.clone(),
            replaces: req.replaces.map(|r| r.to_string()),
            correction_reason: req.correction_reason.trim().to_string(),
            ..DocumentContent::blank(req.kind, now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        };
        if req.replaces.is_some() && content.correction_reason.is_empty() {
            problems.push(Message::new("更正文书须写明更正原因", "A correction needs its reason"));
        }
        let visit_kind = if req.kind == DocumentKind::EnterpriseFile {
            let id = req.enterprise_id.ok_or_else(|| missing_source("enterprise_id"))?;
            let id_s = id.to_string();
            content.subject = party(&self.conn, "enterprises", &id_s)?;
            content.issuer = bureau(&self.conn, &division_of(&self.conn, "enterprises", &id_s)?)?.0;
            content.bundled = self.bundle_of(id)?;
            if content.bundled.is_empty() {
                problems.push(Message::new(
                    "该企业还没有已签字的文书，无法汇编一企一档",
                    "The enterprise has no signed documents to bundle yet",
                ));
            }
            None
        } else {
            let id = req.visit_id.ok_or_else(|| missing_source("visit_id"))?;
            let v = self.visit(id, today)?;
            self.fill_from_visit(&mut content, &v, &mut problems)?;
            Some(v.summary.kind)
        };
        for roles in required_roles(req.kind, visit_kind) {
            if !content.signatures.iter().any(|s| roles.contains(&s.role)) {
                let names: Vec<&str> = roles.iter().map(|r| r.label_zh()).collect();
                let en: Vec<&str> = roles.iter().map(|r| r.label_en()).collect();
                problems.push(Message::new(
                    format!("缺少{}的签字", names.join("或")),
                    format!("The signature of the {} is missing", en.join(" or ").to_lowercase()),
                ));
            }
        }
        Ok((content, problems))
    }

    fn fill_from_visit(
        &self,
        c: &mut DocumentContent,
        v: &VisitDetail,
        problems: &mut Vec<Message>,
    ) -> Result<(), StoreError> {
        let s = &v.summary;
        if s.ended_at.is_none() {
            problems.push(Message::new(
                "检查尚未结束：请先结束检查，记录冻结后才能签字",
                "The visit has not ended: end it first, so its record is frozen before signing",
            ));
        }
        let (table, id) = if s.kind.visits_agency() {
            ("agencies", s.target_id.as_str())
        } else {
            ("enterprises", s.target_id.as_str())
        };
        c.subject = party(&self.conn, table, id)?;
        let (bureau, prefix) = bureau(&self.conn, &division_of(&self.conn, table, id)?)?;
        c.issuer =
            if s.kind.by_agency() { self.agency_of_people(v)?.unwrap_or(bureau.clone()) } else { bureau.clone() };
        c.place = if v.place.description.trim().is_empty() {
            match (v.place.latitude, v.place.longitude) {
                (Some(la), Some(lo)) => format!("{la:.5}, {lo:.5}"),
                _ => String::new(),
            }
        } else {
            v.place.description.clone()
        };
        c.visit = Some(VisitFacts {
            id: s.id.to_string(),
            kind: s.kind.label_zh().into(),
            started_at: s.started_at.clone(),
            ended_at: s.ended_at.clone().unwrap_or_default(),
            place: c.place.clone(),
            checklist: format!("{}（第 {} 版）", v.template.title, v.template.version),
        });
        for p in &v.people {
            let id_number: String =
                self.conn.query_row("SELECT id_number FROM people WHERE id = ?1", [p.id.to_string()], |r| r.get(0))?;
            c.people.push(PersonFacts {
                name: p.name.clone(),
                id_number: mask_id_number(&id_number),
                certificates: p
                    .certificates
                    .iter()
                    .map(|cert| CertificateFacts {
                        kind: match &cert.specialty {
                            Some(sp) if !sp.is_empty() => format!("{}（{sp}）", cert.kind.label_zh()),
                            _ => cert.kind.label_zh().to_string(),
                        },
                        number: cert.number.clone(),
                        expires_on: cert.expires_on.clone().unwrap_or_default(),
                    })
                    .collect(),
            });
        }
        let hazards: Vec<HazardFacts> = match c.kind {
            DocumentKind::Reinspection => v
                .open_hazards
                .iter()
                .chain(self.settled_by(v, c.signed_at.get(..10).unwrap_or_default())?.iter())
                .filter_map(|h| verdict_of(h, s.id).map(|verdict| (h, verdict)))
                .enumerate()
                .map(|(i, (h, verdict))| hazard_facts(i, h, verdict))
                .collect(),
            _ => v.hazards.iter().enumerate().map(|(i, h)| hazard_facts(i, h, String::new())).collect(),
        };
        match c.kind {
            DocumentKind::InspectionRecord => {
                c.items = items(&v.template, v);
                c.hazards = hazards;
            }
            DocumentKind::HazardList | DocumentKind::RectificationNotice => c.hazards = hazards,
            DocumentKind::Reinspection => {
                if hazards.is_empty() {
                    problems
                        .push(Message::new("本次复查没有对任何隐患作出结论", "This re-inspection settled no hazard"));
                }
                c.hazards = hazards;
            }
            DocumentKind::ServicePlan => {
                let plan = v.plan.clone().unwrap_or_default();
                if plan.staff.is_empty() {
                    problems.push(Message::new("服务细化方案还没有列出派出人员", "The service plan lists no staff"));
                }
                c.plan = plan
                    .staff
                    .iter()
                    .enumerate()
                    .map(|(i, p)| PlanRow {
                        name: p.name.clone(),
                        specialty: p.specialty.clone(),
                        grade: p.grade.clone(),
                        duty: if i == 0 { "项目负责人" } else { "技术服务人员" }.into(),
                    })
                    .collect();
                c.assessment = match (plan.schedule.trim(), v.assessment.trim()) {
                    ("", a) => a.to_string(),
                    (s, "") => format!("服务安排：{s}"),
                    (s, a) => format!("服务安排：{s}\n{a}"),
                };
            }
            DocumentKind::Letter => {
                // The draft a supervisor approves holds the words; without one, the letter
                // offers every failed item and hazard of the inspection as they stand.
                let draft = crate::letters::draft(&self.conn, &s.id.to_string())?;
                let reply_days = draft.as_ref().map_or(letter::DEFAULT_REPLY_DAYS, |d| d.reply_days);
                let today = DateTime::parse_from_rfc3339(&c.signed_at).map(|d| d.date_naive()).unwrap_or_default();
                let reply_by = (today + Days::new(reply_days.into())).format("%Y-%m-%d").to_string();
                let (findings, mut demands) = match draft {
                    Some(d) => (d.findings.iter().map(|f| f.printed()).collect(), d.demands),
                    None => {
                        let mut findings: Vec<String> = v.hazards.iter().map(|h| h.description.clone()).collect();
                        if findings.is_empty() {
                            findings = c_items_failed(&v.template, v);
                        }
                        let demands = vec![
                            "对上述问题立即组织整改，完善服务记录和档案资料，杜绝弄虚作假；".into(),
                            "对相关技术服务人员开展警示教育，落实项目质量控制；".into(),
                        ];
                        (findings, demands)
                    }
                };
                demands.push(format!("于{}前将整改情况书面报送我局。", doc::chinese_date(&reply_by)));
                c.issuer = bureau;
                c.letter = Some(LetterFacts {
                    reference: format!("{prefix}〔{}〕□号", today.year()),
                    issuer: c.issuer.name.clone(),
                    recipient: c.subject.name.clone(),
                    demands,
                    findings,
                    reply_by,
                    dated: today.format("%Y-%m-%d").to_string(),
                    contact: c.signatures.first().map(|s| s.name.clone()).unwrap_or_default(),
                });
                c.title = format!("关于{}服务质量问题的函", c.subject.name);
            }
            DocumentKind::EnterpriseFile => {}
        }
        if c.kind == DocumentKind::RectificationNotice && c.hazards.is_empty() {
            problems.push(Message::new(
                "本次检查没有发现隐患，无需整改通知书",
                "No hazards were found: there is nothing to notify",
            ));
        }
        Ok(())
    }

    /// Hazards this (re-inspection) visit closed: no longer among the open ones.
    fn settled_by(&self, v: &VisitDetail, day: &str) -> Result<Vec<HazardView>, StoreError> {
        let today = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap_or_default();
        Ok(crate::hazards::views(&self.conn, crate::hazards::Scope::Target(&v.summary.target_id), today)?
            .into_iter()
            .filter(|h| {
                !v.open_hazards.iter().any(|o| o.id == h.id)
                    && h.events.iter().any(|e| e.visit_id == Some(v.summary.id))
            })
            .collect())
    }

    fn agency_of_people(&self, v: &VisitDetail) -> Result<Option<Party>, StoreError> {
        let Some(first) = v.people.first() else { return Ok(None) };
        let agency: Option<String> = self
            .conn
            .query_row(
                "SELECT agency_id FROM employments WHERE person_id = ?1 ORDER BY full_time DESC LIMIT 1",
                [first.id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        agency.map(|a| party(&self.conn, "agencies", &a)).transpose()
    }

    /// The newest version of each signed document of an enterprise (not earlier bundles).
    fn bundle_of(&self, id: EnterpriseId) -> Result<Vec<DocumentRef>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.kind, d.version, d.signed_at, d.content_hash, d.verification_code FROM documents d \
             WHERE d.enterprise_id = ?1 AND d.kind <> 'enterprise_file' \
             AND NOT EXISTS (SELECT 1 FROM documents n WHERE n.replaces = d.id) ORDER BY d.seq",
        )?;
        let rows = stmt.query_map([id.to_string()], |r| {
            Ok(DocumentRef {
                id: r.get(0)?,
                kind: crate::known(("文书类别", "document kind"), &r.get::<_, String>(1)?, DocumentKind::from_key)?,
                version: r.get(2)?,
                signed_at: r.get(3)?,
                content_hash: r.get(4)?,
                verification_code: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn missing_photo_files(&self, c: &DocumentContent) -> Result<Vec<Message>, StoreError> {
        let mut out = Vec::new();
        for p in c.photos() {
            out.extend(self.missing_photo_file(&p.sha256)?);
        }
        Ok(out)
    }

    /// Freezes and signs a document. `extra_checks` adds what the store cannot know (the fonts
    /// the forms print with). Refused with every problem named when anything is missing; nothing
    /// is written then.
    pub fn sign_document(
        &mut self,
        req: &DocumentRequest,
        key: &SigningKey,
        device_label: &str,
        now: DateTime<FixedOffset>,
        random: &[u8; 10],
        extra_checks: &dyn Fn(&DocumentContent) -> Vec<Message>,
    ) -> Result<SignedDocument, StoreError> {
        self.sign_numbered(req, key, device_label, now, random, extra_checks, None)
    }

    /// [`Store::sign_document`] with a letter's reference number given out elsewhere (by the
    /// central server, so the bureau's series has no gaps or repeats across laptops). `None`
    /// takes the next number of this database's own series.
    #[allow(clippy::too_many_arguments)]
    pub fn sign_numbered(
        &mut self,
        req: &DocumentRequest,
        key: &SigningKey,
        device_label: &str,
        now: DateTime<FixedOffset>,
        random: &[u8; 10],
        extra_checks: &dyn Fn(&DocumentContent) -> Vec<Message>,
        letter_number: Option<u32>,
    ) -> Result<SignedDocument, StoreError> {
        // Unchecked: the draft is read through `&self` inside the transaction, so what is signed
        // is exactly what the records say at commit.
        let tx = self.conn.unchecked_transaction()?;
        let Draft { mut content, mut problems } = self.draft_document(req, now)?;
        problems.extend(extra_checks(&content));
        let version = match req.replaces {
            Some(old) => self.check_replaceable(old, &content, &mut problems)?,
            None => {
                self.check_not_signed_yet(req, &mut problems)?;
                1
            }
        };
        if !problems.is_empty() {
            return Err(StoreError::NotReady { problems });
        }
        let kept_reference = match (req.replaces, &content.letter) {
            (Some(old), Some(_)) => self.document(old)?.content.letter.map(|l| l.reference),
            _ => None,
        };
        if let (Some(letter), Some(reference)) = (content.letter.as_mut(), kept_reference) {
            // A corrected letter is the same letter: it keeps its reference number.
            letter.reference = reference;
        } else if let Some(letter) = content.letter.as_mut() {
            let (prefix, year) =
                (letter_prefix(&letter.reference), letter.dated.get(..4).unwrap_or("0").parse::<i32>().unwrap_or(0));
            let n = match letter_number {
                Some(n) => take_letter_number(&tx, &prefix, year, n)?,
                None => next_letter_number(&tx, &prefix, year)?,
            };
            letter.reference = format!("{prefix}〔{year}〕{n}号");
        }
        let id = DocumentId::from_parts(now.timestamp_millis().max(0) as u64, random);
        let bytes = content.canonical_bytes();
        let hash: [u8; 32] = Sha256::digest(&bytes).into();
        let hash_hex = doc::hex(&hash);
        let device_key = doc::hex(key.verifying_key().as_bytes());
        let signed = SignedDocument {
            id,
            kind: content.kind,
            version,
            signature: doc::sign(key, id.0, &hash),
            verification_code: doc::verification_code(id.0, &hash),
            content_hash: hash_hex,
            device_key,
            content,
        };
        // This laptop's certificate from the bureau, once enrolled, travels with its documents.
        tx.execute(
            "INSERT INTO devices(public_key, label, first_seen, certificate) \
             VALUES (?1, ?2, ?3, (SELECT document_certificate FROM sync_account)) \
             ON CONFLICT(public_key) DO UPDATE SET certificate = coalesce(devices.certificate, excluded.certificate)",
            params![signed.device_key, device_label, signed.content.signed_at],
        )?;
        let (visit, enterprise, agency) = self.subject_ids(req)?;
        tx.execute(
            "INSERT INTO documents(id, kind, version, replaces, visit_id, enterprise_id, agency_id, content, \
             content_hash, device_key, signature, verification_code, signed_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                signed.id.to_string(),
                signed.kind.key(),
                version,
                req.replaces.map(|r| r.to_string()),
                visit,
                enterprise,
                agency,
                bytes,
                signed.content_hash,
                signed.device_key,
                signed.signature,
                signed.verification_code,
                signed.content.signed_at,
            ],
        )?;
        tx.commit()?;
        Ok(signed)
    }

    /// The visit, enterprise and agency a document is filed under.
    fn subject_ids(&self, req: &DocumentRequest) -> Result<FiledUnder, StoreError> {
        if let Some(e) = req.enterprise_id.filter(|_| req.kind == DocumentKind::EnterpriseFile) {
            return Ok((None, Some(e.to_string()), None));
        }
        let visit = req.visit_id.map(|v| v.to_string());
        let (e, a): (Option<String>, Option<String>) =
            self.conn.query_row("SELECT enterprise_id, agency_id FROM visits WHERE id = ?1", [&visit], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok((visit, e, a))
    }

    /// A form is signed once per visit; changing it afterwards is a correction (R6: both kept).
    fn check_not_signed_yet(&self, req: &DocumentRequest, problems: &mut Vec<Message>) -> Result<(), StoreError> {
        let Some(visit) = req.visit_id.filter(|_| req.kind != DocumentKind::EnterpriseFile) else { return Ok(()) };
        if let Some(existing) = self.latest_document(visit, req.kind)? {
            problems.push(Message::new(
                format!(
                    "本次检查的{}已签字（验证码 {}）；如需修改，请对其“更正”，原件将保留",
                    req.kind.label_zh(),
                    existing.verification_code
                ),
                format!(
                    "This visit's {} is already signed (code {}); to change it, sign a correction — the original is kept",
                    req.kind.label_en().to_lowercase(),
                    existing.verification_code
                ),
            ));
        }
        Ok(())
    }

    /// A correction replaces the newest version of a document of the same kind and subject.
    fn check_replaceable(
        &self,
        old: DocumentId,
        content: &DocumentContent,
        problems: &mut Vec<Message>,
    ) -> Result<u32, StoreError> {
        let found: Option<(String, u32, Option<String>, Option<String>)> = self
            .conn
            .query_row(
                "SELECT kind, version, visit_id, (SELECT n.id FROM documents n WHERE n.replaces = d.id) FROM documents d WHERE id = ?1",
                [old.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((kind, version, visit, replaced_by)) = found else {
            return Err(StoreError::NotFound { what: "document", id: old.to_string() });
        };
        if kind != content.kind.key() || visit.as_deref() != content.visit.as_ref().map(|v| v.id.as_str()) {
            problems.push(Message::new(
                "更正文书必须与原文书种类和所属检查相同",
                "A correction must be of the same form and visit as the document it replaces",
            ));
        }
        if let Some(newer) = replaced_by {
            problems.push(Message::new(
                format!("该文书已被更正（新版本 {newer}），请更正最新版本"),
                format!("This document was already corrected (by {newer}); correct the newest version"),
            ));
        }
        Ok(version + 1)
    }

    /// A stored row, if there is one with this id.
    fn stored_row(&self, id: &str) -> Result<Option<StoredDocument>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {DOC_COLUMNS} FROM documents WHERE id = ?1"))?
            .query_row([id], stored)
            .optional()?)
    }

    fn require_row(&self, id: DocumentId) -> Result<StoredDocument, StoreError> {
        self.stored_row(&id.to_string())?.ok_or_else(|| StoreError::NotFound { what: "document", id: id.to_string() })
    }

    /// One stored document, its bytes parsed back.
    pub fn document(&self, id: DocumentId) -> Result<SignedDocument, StoreError> {
        self.require_row(id)?.into_signed()
    }

    /// The newest signed version of a form of a visit.
    pub fn latest_document(&self, visit: VisitId, kind: DocumentKind) -> Result<Option<SignedDocument>, StoreError> {
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT id FROM documents WHERE visit_id = ?1 AND kind = ?2 ORDER BY version DESC, seq DESC LIMIT 1",
                params![visit.to_string(), kind.key()],
                |r| r.get(0),
            )
            .optional()?;
        id.map(|i| self.document(i.parse().map_err(|_| StoreError::NotFound { what: "document", id: i.clone() })?))
            .transpose()
    }

    /// The documents signed for a visit, or of an enterprise, newest first.
    pub fn documents(&self, of: DocumentsOf) -> Result<Vec<DocumentSummary>, StoreError> {
        let (filter, key) = match of {
            DocumentsOf::Visit(v) => ("d.visit_id = ?1", v.to_string()),
            DocumentsOf::Enterprise(e) => ("d.enterprise_id = ?1", e.to_string()),
            DocumentsOf::Agency(a) => ("d.agency_id = ?1", a.to_string()),
            DocumentsOf::Kind(k) => ("d.kind = ?1", k.key().to_string()),
        };
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {DOC_COLUMNS} FROM documents d WHERE {filter} ORDER BY d.seq DESC"))?;
        let rows = stmt.query_map([key], stored)?;
        let mut out = Vec::new();
        for row in rows {
            let row = row?;
            let superseded_by = self.replaced_by(&row.id)?;
            out.push(row.summary(superseded_by)?);
        }
        Ok(out)
    }

    pub fn document_summary(&self, id: DocumentId) -> Result<DocumentSummary, StoreError> {
        let row = self.require_row(id)?;
        row.summary(self.replaced_by(&row.id)?)
    }

    fn replaced_by(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM documents WHERE replaces = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    /// Checks a printed or exported document by its verification code (as typed from paper).
    /// The code only finds the document: [`Store::verify`] computes it again from the
    /// document's id and content.
    pub fn verify_code(&self, typed: &str, trust: &dyn SignerTrust) -> Result<Verification, StoreError> {
        let code = doc::normalise_code(typed);
        let id: Option<String> = self
            .conn
            .query_row("SELECT id FROM documents WHERE verification_code = ?1", [&code], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => {
                self.verify(id.parse().map_err(|_| StoreError::NotFound { what: "document", id })?, None, trust)
            }
            None => Ok(Verification::unknown(Message::new(
                format!("验证码 {code} 不属于本数据库中的任何文书"),
                format!("No document in this database has the code {code}"),
            ))),
        }
    }

    /// Checks a document: the content hash a PDF or QR code claims, the stored bytes, the
    /// verification code, the device's signature and whether `trust` believes its key, the
    /// photo files, and the live records the content was drawn from.
    pub fn verify(
        &self,
        id: DocumentId,
        claimed_hash: Option<&str>,
        trust: &dyn SignerTrust,
    ) -> Result<Verification, StoreError> {
        let Some(row) = self.stored_row(&id.to_string())? else {
            return Ok(Verification::unknown(Message::new(
                format!("文书 {id} 不在本数据库中（可能尚未同步）"),
                format!("Document {id} is not in this database (perhaps not synced yet)"),
            )));
        };
        let mut reasons = Vec::new();
        if let Some(claimed) = claimed_hash {
            if !claimed.eq_ignore_ascii_case(&row.content_hash) {
                reasons.push(Message::new(
                    "纸面/文件上的内容指纹与签字存档不一致：这份文件不是签字时生成的版本",
                    "The content hash on the paper or file differs from the signed record: this is not the document as signed",
                ));
            }
        }
        let actual: [u8; 32] = Sha256::digest(&row.content).into();
        if doc::hex(&actual) != row.content_hash {
            reasons.push(Message::new(
                "数据库中的文书内容已被改动（内容指纹不符）",
                "The document's content in the database was changed (its hash no longer matches)",
            ));
        }
        if doc::verification_code(id.0, &actual) != row.verification_code {
            reasons.push(Message::new(
                "验证码与文书内容不符：内容在签字后被改动",
                "The verification code does not match the document's content: it was changed after signing",
            ));
        }
        if !doc::signature_holds(&row.device_key, &row.signature, id.0, &actual) {
            reasons.push(Message::new(
                "设备签名无效：内容或签名在签字后被改动",
                "The device signature does not hold: content or signature changed after signing",
            ));
        } else {
            let certificate: Option<String> = self
                .conn
                .prepare_cached("SELECT certificate FROM devices WHERE public_key = ?1")?
                .query_row([&row.device_key], |r| r.get(0))
                .optional()?
                .flatten();
            if !trust.trusts(&row.device_key, certificate.as_deref()) {
                reasons.push(Message::new(
                    format!("签名设备（{}）既不是本机，也没有主管部门签发的证书：其签名不足为凭", doc::short(&row.device_key)),
                    format!(
                        "The signing device ({}) is neither this laptop nor vouched for by the bureau's certificate: its signature proves nothing",
                        doc::short(&row.device_key)
                    ),
                ));
            }
        }
        let signed = match serde_json::from_slice::<DocumentContent>(&row.content) {
            Ok(content) => Some(content),
            Err(_) => {
                reasons.push(Message::new(
                    "文书内容无法读取（已损坏）",
                    "The document's content cannot be read (damaged)",
                ));
                None
            }
        };
        if let Some(content) = &signed {
            reasons.extend(self.photo_changes(content)?);
            reasons.extend(self.record_changes(&row, content)?);
        }
        let superseded_by = self.replaced_by(&row.id)?;
        let verdict = match (reasons.is_empty(), &superseded_by) {
            (false, _) => Verdict::Altered,
            (true, Some(_)) => Verdict::Superseded,
            (true, None) => Verdict::Valid,
        };
        let newer = superseded_by.as_deref().map(|n| self.newest_in_chain(n)).transpose()?;
        // A document whose bytes no longer parse is still named as altered, just without a summary.
        Ok(Verification { verdict, reasons, document: row.summary(superseded_by).ok(), superseded_by: newer })
    }

    fn newest_in_chain(&self, id: &str) -> Result<DocumentSummary, StoreError> {
        let mut id = id.to_string();
        while let Some(n) = self.replaced_by(&id)? {
            id = n;
        }
        let row = self.stored_row(&id)?.ok_or(StoreError::NotFound { what: "document", id })?;
        row.summary(None)
    }

    fn photo_changes(&self, c: &DocumentContent) -> Result<Vec<Message>, StoreError> {
        let mut out = Vec::new();
        for p in c.photos() {
            let short = &p.sha256[..12.min(p.sha256.len())];
            let path = match self.photo_path(&p.sha256, crate::photos::Copy::Original) {
                Ok(path) => path,
                Err(StoreError::NotFound { .. }) => {
                    out.push(Message::new(
                        format!("照片 {short}… 的记录已从数据库中删除"),
                        format!("The record of photo {short}… was removed from the database"),
                    ));
                    continue;
                }
                Err(e) => return Err(e),
            };
            match std::fs::read(&path) {
                Ok(bytes) if doc::sha256_hex(&bytes) == p.sha256 => {}
                Ok(_) => out.push(Message::new(
                    format!("照片 {short}… 的原图文件已被改动：{}", path.display()),
                    format!("The original of photo {short}… was changed: {}", path.display()),
                )),
                Err(e) => out.push(Message::new(
                    format!("照片 {short}… 的原图文件缺失：{}（{e}）", path.display()),
                    format!("The original of photo {short}… is missing: {} ({e})", path.display()),
                )),
            }
        }
        Ok(out)
    }

    /// What changed in the records a document was drawn from since it was signed. Fields that
    /// legitimately move on (a hazard's state, after-photos added at re-inspection, register
    /// details) are left out; everything frozen at the visit's end is compared.
    fn record_changes(&self, row: &StoredDocument, signed: &DocumentContent) -> Result<Vec<Message>, StoreError> {
        if signed.kind == DocumentKind::EnterpriseFile {
            return self.bundle_changes(signed);
        }
        let Some(visit) = row.visit_id.as_deref() else { return Ok(Vec::new()) };
        let req = DocumentRequest {
            kind: signed.kind,
            visit_id: visit.parse().ok(),
            enterprise_id: None,
            signatures: signed.signatures.clone(),
            replaces: None,
            correction_reason: String::new(),
        };
        let signed_at = DateTime::parse_from_rfc3339(&signed.signed_at).unwrap_or_default();
        let live = match self.build(&req, signed_at) {
            Ok((live, _)) => live,
            Err(StoreError::NotFound { what, id }) => {
                return Ok(vec![Message::new(
                    format!("文书所依据的记录已被删除：{what} {id}"),
                    format!("A record the document was drawn from was deleted: {what} {id}"),
                )])
            }
            Err(e) => return Err(e),
        };
        let (a, b) = (comparable(signed), comparable(&live));
        let numbers = signed.hazards.iter().map(|h| (h.id.as_str(), h.number)).collect();
        let mut out = Vec::new();
        diff(&a, &b, &numbers, &mut Vec::new(), &mut out);
        Ok(out)
    }

    fn bundle_changes(&self, signed: &DocumentContent) -> Result<Vec<Message>, StoreError> {
        let mut out = Vec::new();
        for r in &signed.bundled {
            let hash: Option<String> = self
                .conn
                .query_row("SELECT content_hash FROM documents WHERE id = ?1", [&r.id], |row| row.get(0))
                .optional()?;
            if hash.as_deref() != Some(r.content_hash.as_str()) {
                out.push(Message::new(
                    format!("汇编的{}（验证码 {}）已不存在或被改动", r.kind.label_zh(), r.verification_code),
                    format!(
                        "The bundled {} (code {}) is gone or changed",
                        r.kind.label_en().to_lowercase(),
                        r.verification_code
                    ),
                ));
            }
        }
        Ok(out)
    }
}

/// The visit, enterprise and agency ids a document row is filed under.
type FiledUnder = (Option<String>, Option<String>, Option<String>);

/// Whom to list documents of.
#[derive(Debug, Clone, Copy)]
pub enum DocumentsOf {
    Visit(VisitId),
    Enterprise(EnterpriseId),
    Agency(safeserve_core::AgencyId),
    Kind(DocumentKind),
}

const DOC_COLUMNS: &str =
    "id, kind, version, replaces, visit_id, content, content_hash, device_key, signature, verification_code";

struct StoredDocument {
    id: String,
    version: u32,
    replaces: Option<String>,
    visit_id: Option<String>,
    content: Vec<u8>,
    content_hash: String,
    device_key: String,
    signature: String,
    verification_code: String,
}

fn stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredDocument> {
    Ok(StoredDocument {
        id: r.get(0)?,
        version: r.get(2)?,
        replaces: r.get(3)?,
        visit_id: r.get(4)?,
        content: r.get(5)?,
        content_hash: r.get(6)?,
        device_key: r.get(7)?,
        signature: r.get(8)?,
        verification_code: r.get(9)?,
    })
}

impl StoredDocument {
    fn parse(&self) -> Result<DocumentContent, StoreError> {
        serde_json::from_slice(&self.content).map_err(|e| StoreError::Invalid {
            field: "document",
            message: Message::new(
                format!("文书 {} 的内容已损坏，无法读取（{e}）", self.id),
                format!("Document {} is damaged and cannot be read ({e})", self.id),
            ),
        })
    }

    fn into_signed(self) -> Result<SignedDocument, StoreError> {
        let content = self.parse()?;
        Ok(SignedDocument {
            id: self.id.parse().map_err(|_| StoreError::NotFound { what: "document", id: self.id.clone() })?,
            kind: content.kind,
            version: self.version,
            content,
            content_hash: self.content_hash,
            device_key: self.device_key,
            signature: self.signature,
            verification_code: self.verification_code,
        })
    }

    fn summary(&self, superseded_by: Option<String>) -> Result<DocumentSummary, StoreError> {
        let c = self.parse()?;
        Ok(DocumentSummary {
            id: self.id.parse().map_err(|_| StoreError::NotFound { what: "document", id: self.id.clone() })?,
            kind: c.kind,
            title: c.title.clone(),
            version: self.version,
            subject: c.subject.name.clone(),
            signed_at: c.signed_at.clone(),
            signers: c
                .signatures
                .iter()
                .map(|s| {
                    format!("{} {}{}", s.role.label_zh(), s.name, if s.refusal.is_some() { "（拒绝签字）" } else { "" })
                })
                .collect(),
            verification_code: self.verification_code.clone(),
            replaces: self.replaces.as_deref().and_then(|r| r.parse().ok()),
            superseded_by: superseded_by.and_then(|r| r.parse().ok()),
            hazards: c.hazards.len() as u32,
            photos: c.photos().len() as u32,
        })
    }
}

fn letter_prefix(reference: &str) -> String {
    reference.split('〔').next().unwrap_or(reference).to_string()
}

/// Notes a number the server gave out, so this database's own series never hands it out again.
fn take_letter_number(conn: &Connection, prefix: &str, year: i32, n: u32) -> Result<u32, StoreError> {
    conn.prepare_cached(
        "INSERT INTO letter_numbers(prefix, year, last) VALUES (?1, ?2, ?3) \
         ON CONFLICT(prefix, year) DO UPDATE SET last = max(last, excluded.last)",
    )?
    .execute(params![prefix, year, n])?;
    Ok(n)
}

/// The next reference number of a letter series: allocated inside the signing transaction, so a
/// failed signing gives its number back and no number is ever used twice.
fn next_letter_number(conn: &Connection, prefix: &str, year: i32) -> Result<u32, StoreError> {
    // Letters that arrived by sync carry numbers this series has not given out itself.
    let mut stmt = conn.prepare_cached(
        "SELECT json_extract(CAST(content AS TEXT), '$.letter.reference') FROM documents \
         WHERE kind = 'letter' AND replaces IS NULL",
    )?;
    let held = stmt
        .query_map([], |r| r.get::<_, Option<String>>(0))?
        .filter_map(|r| r.ok().flatten())
        .filter_map(|reference| letter::parse_reference(&reference))
        .filter(|(p, y, _)| p == prefix && *y == year)
        .map(|(_, _, n)| n)
        .max()
        .unwrap_or(0);
    take_letter_number(conn, prefix, year, held)?;
    conn.execute("UPDATE letter_numbers SET last = last + 1 WHERE prefix = ?1 AND year = ?2", params![prefix, year])?;
    Ok(conn.query_row(
        "SELECT last FROM letter_numbers WHERE prefix = ?1 AND year = ?2",
        params![prefix, year],
        |r| r.get(0),
    )?)
}

/// A content as compared with the live records: what may legitimately change is blanked, and
/// hazards are keyed by id, since the R8 order moves as hazards are closed.
fn comparable(c: &DocumentContent) -> Value {
    let mut c = c.clone();
    c.subject = Party::default();
    c.issuer = Party::default();
    c.letter = None;
    c.title = String::new();
    c.replaces = None;
    c.correction_reason.clear();
    for h in &mut c.hazards {
        h.state.clear();
        h.number = 0;
        if c.kind != DocumentKind::Reinspection {
            h.photos_after.clear();
        }
    }
    let hazards: serde_json::Map<String, Value> =
        c.hazards.drain(..).map(|h| (h.id.clone(), serde_json::to_value(h).unwrap_or(Value::Null))).collect();
    let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
    v["hazards"] = Value::Object(hazards);
    v
}

fn field_name(key: &str) -> (&str, &str) {
    match key {
        "hazards" => ("隐患", "hazard"),
        "items" => ("检查项目", "checklist item"),
        "people" => ("检查人员", "person sent"),
        "visit" => ("检查记录", "visit"),
        "plan" => ("服务方案", "service plan"),
        "description" => ("隐患描述", "description"),
        "location" => ("位置", "location"),
        "level" | "major" => ("隐患等级", "level"),
        "category" => ("类别", "category"),
        "basis" => ("依据", "basis"),
        "measure" => ("整改措施", "measure"),
        "deadline" => ("整改期限", "deadline"),
        "responsible" => ("责任人", "responsible person"),
        "photos_before" | "photos" => ("照片", "photos"),
        "photos_after" => ("整改后照片", "after-photos"),
        "verdict" => ("复查结论", "verdict"),
        "result" => ("检查结果", "result"),
        "note" => ("说明", "note"),
        "started_at" => ("开始时间", "start time"),
        "ended_at" => ("结束时间", "end time"),
        "place" => ("地点", "place"),
        "name" => ("姓名", "name"),
        "id_number" => ("身份证号", "ID number"),
        "certificates" => ("证书", "certificates"),
        "assessment" => ("总体评估", "assessment"),
        "checklist" => ("检查表", "checklist"),
        other => (other, other),
    }
}

fn path_label(path: &[String], numbers: &HashMap<&str, u32>) -> (String, String) {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for p in path {
        if let Some(n) = numbers.get(p.as_str()) {
            zh.push(format!("第 {n} 项"));
            en.push(format!("#{n}"));
            continue;
        }
        match p.parse::<usize>() {
            Ok(i) => {
                zh.push(format!("第 {} 项", i + 1));
                en.push(format!("#{}", i + 1));
            }
            Err(_) => {
                let (z, e) = field_name(p);
                zh.push(z.to_string());
                en.push(e.to_string());
            }
        }
    }
    (zh.join(" · "), en.join(" · "))
}

fn shown(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("{} 项", a.len()),
        other => other.to_string(),
    };
    s.chars().take(40).collect()
}

/// Names each difference between the signed and the live content, by field.
fn diff(signed: &Value, live: &Value, numbers: &HashMap<&str, u32>, path: &mut Vec<String>, out: &mut Vec<Message>) {
    match (signed, live) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                path.push(k.clone());
                diff(va, b.get(k).unwrap_or(&Value::Null), numbers, path, out);
                path.pop();
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                path.push(i.to_string());
                diff(va, vb, numbers, path, out);
                path.pop();
            }
        }
        (a, b) if a != b => {
            let (zh, en) = path_label(path, numbers);
            out.push(Message::new(
                format!("签字后记录被改动：{zh}（签字时“{}”，现在“{}”）", shown(a), shown(b)),
                format!("Changed after signing: {en} (signed “{}”, now “{}”)", shown(a), shown(b)),
            ));
        }
        _ => {}
    }
}

fn missing_source(field: &'static str) -> StoreError {
    crate::enterprises::invalid(
        field,
        "未指定文书所依据的检查或企业",
        "The visit or enterprise the document is drawn from is missing",
    )
}

fn c_items_failed(template: &Template, v: &VisitDetail) -> Vec<String> {
    items(template, v)
        .into_iter()
        .filter(|i| i.result == safeserve_core::visit::ItemResult::Fail.label_zh())
        .map(|i| if i.note.is_empty() { i.text } else { format!("{}（{}）", i.text, i.note) })
        .collect()
}

/// Which device keys a laptop believes as signers of documents: its own (from its keyring) and
/// those the bureau vouched for with a certificate. A key that is merely in the local `devices`
/// table is not believed: anyone with the file could have put it there.
pub trait SignerTrust {
    /// `certificate`: the PEM held here for the device, as it arrived; checking it is the
    /// implementation's work.
    fn trusts(&self, device_key_hex: &str, certificate: Option<&str>) -> bool;
}

/// Trust decided by a function of the key and its certificate (tests, and tools that believe a
/// fixed set of keys).
impl<F: Fn(&str, Option<&str>) -> bool> SignerTrust for F {
    fn trusts(&self, device_key_hex: &str, certificate: Option<&str>) -> bool {
        self(device_key_hex, certificate)
    }
}
