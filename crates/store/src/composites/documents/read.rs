//! Signed documents as stored: one, the newest of a kind, or those of a visit or enterprise.

use super::*;

/// Whom to list documents of.
#[derive(Debug, Clone, Copy)]
pub enum DocumentsOf {
    Visit(VisitId),
    Enterprise(EnterpriseId),
    Agency(safeserve_core::AgencyId),
    Kind(DocumentKind),
}

pub(super) const DOC_COLUMNS: &str =
    "id, kind, version, replaces, visit_id, content, content_hash, device_key, signature, verification_code";

pub(super) struct StoredDocument {
    pub(super) id: String,
    pub(super) version: u32,
    pub(super) replaces: Option<String>,
    pub(super) visit_id: Option<String>,
    pub(super) content: Vec<u8>,
    pub(super) content_hash: String,
    pub(super) device_key: String,
    pub(super) signature: String,
    pub(super) verification_code: String,
}

pub(super) fn stored(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredDocument> {
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
    pub(super) fn parse(&self) -> Result<DocumentContent, StoreError> {
        serde_json::from_slice(&self.content).map_err(|e| StoreError::Invalid {
            field: "document",
            message: Message::new(
                format!("文书 {} 的内容已损坏，无法读取（{e}）", self.id),
                format!("Document {} is damaged and cannot be read ({e})", self.id),
            ),
        })
    }

    pub(super) fn into_signed(self) -> Result<SignedDocument, StoreError> {
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

    pub(super) fn summary(&self, superseded_by: Option<String>) -> Result<DocumentSummary, StoreError> {
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

impl Store {
    /// A stored row, if there is one with this id.
    pub(super) fn stored_row(&self, id: &str) -> Result<Option<StoredDocument>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {DOC_COLUMNS} FROM documents WHERE id = ?1"))?
            .query_row([id], stored)
            .optional()?)
    }

    pub(super) fn require_row(&self, id: DocumentId) -> Result<StoredDocument, StoreError> {
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

    pub(super) fn replaced_by(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM documents WHERE replaces = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }
}
