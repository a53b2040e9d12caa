//! Every record as changes, for the export file a server's administrator loads.

use super::*;

/// Deterministic change id for a record exported as it stands (an import can be repeated).
pub(super) fn export_change_id(entity: Entity, record_id: &str, body: &str) -> Uuid {
    let mut h = Sha256::new();
    h.update(entity.key());
    h.update([0]);
    h.update(record_id);
    h.update([0]);
    h.update(body);
    let d = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&d[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// How many of [`EXPORT_ORDER`]'s first entries are the registers: the checklist editions
/// the bureau published, agencies with their notices and removals, enterprises, people and
/// contracts.
const REGISTERS: usize = 6;

/// The views holding each entity's bodies, parents before children.
pub const EXPORT_ORDER: [(Entity, &str); 18] = [
    (Entity::Template, "sync_template"),
    (Entity::Agency, "sync_agency"),
    (Entity::Enterprise, "sync_enterprise"),
    (Entity::Person, "sync_person"),
    (Entity::AgencyAct, "sync_agency_act"),
    (Entity::Contract, "sync_contract"),
    (Entity::Visit, "sync_visit"),
    (Entity::VisitItem, "sync_visit_item"),
    (Entity::Hazard, "sync_hazard"),
    (Entity::HazardEvent, "sync_hazard_event"),
    (Entity::ItemPhoto, "sync_item_photo"),
    (Entity::HazardPhoto, "sync_hazard_photo"),
    (Entity::Document, "sync_document"),
    (Entity::LetterDraft, "sync_letter_draft"),
    (Entity::LetterEvent, "sync_letter_event"),
    (Entity::Evaluation, "sync_evaluation"),
    (Entity::BlacklistEntry, "sync_blacklist_entry"),
    (Entity::BlacklistLift, "sync_blacklist_lift"),
];

impl Store {
    /// Every record held here as changes, parents first, for the export file a server loads
    /// (`safeserve export`, then `safeserve-server admin import`). Change ids are derived from
    /// the content, so an import repeated is applied once. With `registers_only`, just
    /// agencies (with their practice notices and removals), enterprises, people and
    /// contracts. `each` may fail with its own error, which ends the export.
    pub fn export_changes<E: From<StoreError>>(
        &self,
        registers_only: bool,
        mut each: impl FnMut(Change) -> Result<(), E>,
    ) -> Result<u64, E> {
        let node = self.sync_node()?;
        let now = safeserve_core::sync::hlc_of_millis(chrono::Utc::now().timestamp_millis());
        let mut n = 0;
        let entities = if registers_only { &EXPORT_ORDER[..REGISTERS] } else { &EXPORT_ORDER[..] };
        for &(entity, view) in entities {
            let mut stmt = self
                .conn
                .prepare(&format!(
                    "SELECT s.record_id, s.body, v.hlc, v.node FROM {view} s \
                     LEFT JOIN sync_versions v ON v.entity = ?1 AND v.record_id = s.record_id"
                ))
                .map_err(StoreError::from)?;
            let mut rows = stmt.query([entity.key()]).map_err(StoreError::from)?;
            while let Some(r) = rows.next().map_err(StoreError::from)? {
                let row = || -> Result<(String, String, Option<i64>, Option<String>), StoreError> {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                };
                let (record_id, body, hlc, other) = row()?;
                let node = other.unwrap_or_else(|| node.clone());
                each(Change {
                    change_id: export_change_id(entity, &record_id, &body),
                    entity,
                    record_id,
                    op: Op::Upsert,
                    hlc: hlc.unwrap_or(now),
                    base_hlc: None,
                    node,
                    body: Some(RawValue::from_string(body).map_err(unreadable)?),
                })?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// The public keys (hex) and labels of the devices whose signatures are held here.
    pub fn signing_devices(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT public_key, label FROM devices")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
