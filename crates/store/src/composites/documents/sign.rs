//! Freezing and signing: checked, numbered, written once in one transaction.

use super::*;

/// The visit, enterprise and agency ids a document row is filed under.
pub(super) type FiledUnder = (Option<String>, Option<String>, Option<String>);

impl Store {
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
    pub(super) fn subject_ids(&self, req: &DocumentRequest) -> Result<FiledUnder, StoreError> {
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
    pub(super) fn check_not_signed_yet(
        &self,
        req: &DocumentRequest,
        problems: &mut Vec<Message>,
    ) -> Result<(), StoreError> {
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
    pub(super) fn check_replaceable(
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
}
