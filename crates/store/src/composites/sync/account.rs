//! Where this database syncs to, the sync screen's status, and the conflicts the server decided.

use super::*;

/// Where this database syncs to (set at enrolment) and how far it has pulled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncAccount {
    pub server: String,
    pub device_id: String,
    pub user_name: String,
    pub role: Role,
    /// The user's scope as the server described it (for display only: the server decides).
    pub scope: String,
    pub refresh_token: String,
    pub cursor: i64,
    /// The certificate (PEM) later syncs trust for the server, recorded at enrolment.
    pub server_trust: Option<String>,
    /// The certificate (PEM) the bureau issued at enrolment for this laptop's document key.
    pub document_certificate: Option<String>,
    /// The bureau's root certificate (PEM): the authority behind every device certificate.
    pub bureau_authority: Option<String>,
    /// The bureau's public address (`https://…`), whose `/verify/{code}` page the QR codes of
    /// documents printed here open.
    pub verify_url: Option<String>,
    /// The person in the register the server linked the user to: who signs for the visiting
    /// side of documents made here (`Store::signer`).
    pub person_id: Option<String>,
}

/// What the sync screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub server: Option<String>,
    pub user_name: Option<String>,
    pub role: Option<Role>,
    pub scope: Option<String>,
    /// Changes written here that the server has not given a receipt for.
    pub pending: u32,
    /// Changes the server refused (with the reasons in [`SyncStatus::refusals`]).
    pub refused: u32,
    pub refusals: Vec<String>,
    /// Pulled changes that could not be applied here yet (with the reasons in
    /// [`SyncStatus::waiting_reasons`]); kept and tried again after every pull.
    pub waiting: u32,
    pub waiting_reasons: Vec<String>,
    /// Photos whose original the server has not confirmed.
    pub photos_pending: u32,
    /// Conflicts not yet reviewed.
    pub conflicts: u32,
    pub last_sync: Option<String>,
    /// Why the last attempt failed (the server unreachable, a token refused …).
    pub last_error: Option<Message>,
    /// This laptop's clock minus the server's, measured at the last sync.
    pub clock_skew_ms: Option<i64>,
}

/// One field of a conflict: the value kept and the value that lost.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FieldConflict {
    pub field: String,
    pub kept: String,
    pub lost: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ConflictView {
    pub id: String,
    pub entity: Entity,
    pub record_id: String,
    /// The record's name (an enterprise's, a person's …) when it has one.
    pub title: String,
    pub fields: Vec<FieldConflict>,
    pub kept_node: String,
    pub lost_node: String,
    pub at: String,
    pub reviewed_at: Option<String>,
}

impl Store {
    pub fn sync_account(&self) -> Result<Option<SyncAccount>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT server, device_id, user_name, role, scope, refresh_token, cursor, server_trust, \
                 document_certificate, bureau_authority, verify_url, person_id FROM sync_account",
                [],
                |r| {
                    Ok(SyncAccount {
                        server: r.get(0)?,
                        device_id: r.get(1)?,
                        user_name: r.get(2)?,
                        role: crate::known(("角色", "role"), &r.get::<_, String>(3)?, Role::from_key)?,
                        scope: r.get(4)?,
                        refresh_token: r.get(5)?,
                        cursor: r.get(6)?,
                        server_trust: r.get(7)?,
                        document_certificate: r.get(8)?,
                        bureau_authority: r.get(9)?,
                        verify_url: r.get(10)?,
                        person_id: r.get(11)?,
                    })
                },
            )
            .optional()?)
    }

    /// Enrolment: where this laptop syncs from now on. The clock's node name stays as it was
    /// made with the database, so edits made before enrolment still count as this laptop's.
    pub fn save_sync_account(&mut self, a: &SyncAccount) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO sync_account(one, server, device_id, user_name, role, scope, refresh_token, cursor, \
             server_trust, document_certificate, bureau_authority, verify_url, person_id) \
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                a.server,
                a.device_id,
                a.user_name,
                a.role.key(),
                a.scope,
                a.refresh_token,
                a.cursor,
                a.server_trust,
                a.document_certificate,
                a.bureau_authority,
                a.verify_url,
                a.person_id
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The bureau's certificate for this laptop's key, on its row of `devices`: the documents
    /// it signs from now on carry it to other laptops.
    pub fn record_device_certificate(&self, public_key: &str, certificate: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE devices SET certificate = ?2 WHERE public_key = ?1 AND certificate IS NULL",
            params![public_key, certificate],
        )?;
        Ok(())
    }

    /// The server moved (a new address); the account and cursor stay.
    pub fn set_sync_server(&self, server: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE sync_account SET server = ?1", [server])?;
        Ok(())
    }

    /// The refresh token is replaced at every use (the old one is dead on the server).
    pub fn save_refresh_token(&self, token: &str) -> Result<(), StoreError> {
        self.conn.execute("UPDATE sync_account SET refresh_token = ?1", [token])?;
        Ok(())
    }

    /// The end of a sync attempt: when it succeeded (`at`) or what went wrong.
    pub fn record_sync_attempt(
        &self,
        at: Option<&str>,
        error: Option<&Message>,
        clock_skew_ms: Option<i64>,
    ) -> Result<(), StoreError> {
        let error = error.map(serde_json::to_string).transpose()?;
        self.conn.execute(
            "UPDATE sync_account SET last_sync = coalesce(?1, last_sync), last_error = ?2, \
             clock_skew_ms = coalesce(?3, clock_skew_ms)",
            params![at, error, clock_skew_ms],
        )?;
        Ok(())
    }

    pub fn sync_status(&self) -> Result<SyncStatus, StoreError> {
        let count = |sql: &str| -> Result<u32, StoreError> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        let account = self
            .conn
            .query_row(
                "SELECT server, user_name, role, scope, last_sync, last_error, clock_skew_ms FROM sync_account",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        crate::known(("角色", "role"), &r.get::<_, String>(2)?, Role::from_key)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Option<i64>>(6)?,
                    ))
                },
            )
            .optional()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT entity || ' ' || record_id || '：' || coalesce(refusal, '') FROM outbox \
             WHERE outcome = 'refused' ORDER BY seq DESC LIMIT 20",
        )?;
        let refusals = stmt.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        let waiting_reasons = self.first_waiting(20)?.iter().map(ToString::to_string).collect();
        let (server, user_name, role, scope, last_sync, last_error, clock_skew_ms) = match account {
            Some((s, u, r, sc, l, e, k)) => (Some(s), Some(u), Some(r), Some(sc), l, e, k),
            None => Default::default(),
        };
        Ok(SyncStatus {
            enrolled: server.is_some(),
            server,
            user_name,
            role,
            scope,
            pending: count("SELECT count(*) FROM outbox WHERE receipt IS NULL AND outcome IS NULL")?,
            refused: count("SELECT count(*) FROM outbox WHERE outcome = 'refused'")?,
            refusals,
            waiting: count("SELECT count(*) FROM sync_waiting")?,
            waiting_reasons,
            photos_pending: count(
                "SELECT count(*) FROM photos WHERE sha256 NOT IN (SELECT sha256 FROM sync_photos WHERE uploaded = 1)",
            )?,
            conflicts: count("SELECT count(*) FROM sync_conflicts WHERE reviewed_at IS NULL")?,
            last_sync,
            last_error: last_error.map(|e| serde_json::from_str(&e).unwrap_or_else(|_| Message::new(e.clone(), e))),
            clock_skew_ms,
        })
    }

    /// Conflicts the server recorded for records held here, newest first.
    pub fn conflicts(&self) -> Result<Vec<ConflictView>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, entity, record_id, kept, lost, kept_node, lost_node, at, reviewed_at FROM sync_conflicts \
             ORDER BY at DESC LIMIT 200",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                crate::known(("记录类别", "record kind"), &r.get::<_, String>(1)?, Entity::from_key)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, entity, record_id, kept, lost, kept_node, lost_node, at, reviewed_at) = row?;
            let kept: Map<String, Json> = serde_json::from_str(&kept).unwrap_or_default();
            let lost: Map<String, Json> = serde_json::from_str(&lost).unwrap_or_default();
            let show = |v: Option<&Json>| match v {
                None | Some(Json::Null) => String::new(),
                Some(Json::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            };
            // An ID number is shown masked, whatever the laptop holds: the full number, or the
            // server's keyed hash beside the masked form (`id_masked`, not a field of its own).
            let shown = |m: &Map<String, Json>, k: &str| match (k, m.get("id_masked")) {
                ("id_number", Some(masked)) => show(Some(masked)),
                ("id_number", None) => safeserve_core::mask_id_number(&show(m.get(k))),
                _ => show(m.get(k)),
            };
            let fields = kept
                .keys()
                .chain(lost.keys().filter(|k| !kept.contains_key(*k)))
                .filter(|k| *k != "id_masked" && kept.get(*k) != lost.get(*k))
                .map(|k| FieldConflict { field: k.clone(), kept: shown(&kept, k), lost: shown(&lost, k) })
                .collect();
            let title = show(kept.get("name").or_else(|| kept.get("description")).or_else(|| kept.get("code")));
            out.push(ConflictView { id, entity, record_id, title, fields, kept_node, lost_node, at, reviewed_at });
        }
        Ok(out)
    }

    pub fn review_conflict(&self, id: &str, now: &str) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE sync_conflicts SET reviewed_at = ?2 WHERE id = ?1 AND reviewed_at IS NULL",
            params![id, now],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound { what: "conflict", id: id.to_owned() });
        }
        Ok(())
    }
}
