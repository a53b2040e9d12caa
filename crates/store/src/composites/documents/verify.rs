//! Verification: the bytes, the signature and its signer, the photo files and the live records the document was drawn from — each difference named.

use super::*;

/// A content as compared with the live records: what may legitimately change is blanked, and
/// hazards are keyed by id, since the R8 order moves as hazards are closed.
pub(super) fn comparable(c: &DocumentContent) -> Value {
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

pub(super) fn field_name(key: &str) -> (&str, &str) {
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

pub(super) fn path_label(path: &[String], numbers: &HashMap<&str, u32>) -> (String, String) {
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

pub(super) fn shown(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("{} 项", a.len()),
        other => other.to_string(),
    };
    s.chars().take(40).collect()
}

/// Names each difference between the signed and the live content, by field.
pub(super) fn diff(
    signed: &Value,
    live: &Value,
    numbers: &HashMap<&str, u32>,
    path: &mut Vec<String>,
    out: &mut Vec<Message>,
) {
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

impl Store {
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

    pub(super) fn newest_in_chain(&self, id: &str) -> Result<DocumentSummary, StoreError> {
        let mut id = id.to_string();
        while let Some(n) = self.replaced_by(&id)? {
            id = n;
        }
        let row = self.stored_row(&id)?.ok_or(StoreError::NotFound { what: "document", id })?;
        row.summary(None)
    }

    pub(super) fn photo_changes(&self, c: &DocumentContent) -> Result<Vec<Message>, StoreError> {
        let mut out = Vec::new();
        let files = self.photo_files();
        for p in c.photos() {
            let short = &p.sha256[..12.min(p.sha256.len())];
            let path = match self.photo_path(&p.sha256, crate::evidence::photos::Copy::Original) {
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
            match files.read(&path) {
                Ok(bytes) if doc::sha256_hex(&bytes) == p.sha256 => {}
                Ok(_) => out.push(Message::new(
                    format!("照片 {short}… 的原图文件已被改动：{}", path.display()),
                    format!("The original of photo {short}… was changed: {}", path.display()),
                )),
                Err(safeserve_media::MediaError::Read { source: e, .. }) => out.push(Message::new(
                    format!("照片 {short}… 的原图文件缺失：{}（{e}）", path.display()),
                    format!("The original of photo {short}… is missing: {} ({e})", path.display()),
                )),
                // A sealed file that does not open: its message says why.
                Err(e) => out.push(e.message()),
            }
        }
        Ok(out)
    }

    /// What changed in the records a document was drawn from since it was signed. Fields that
    /// legitimately move on (a hazard's state, after-photos added at re-inspection, register
    /// details) are left out; everything frozen at the visit's end is compared.
    pub(super) fn record_changes(
        &self,
        row: &StoredDocument,
        signed: &DocumentContent,
    ) -> Result<Vec<Message>, StoreError> {
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

    pub(super) fn bundle_changes(&self, signed: &DocumentContent) -> Result<Vec<Message>, StoreError> {
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
