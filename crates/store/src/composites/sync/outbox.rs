//! The outbox the triggers of migration 0004 fill: pending changes, receipts, and the clock's node.

use super::*;

/// A change, id or body that is not what the protocol says it is.
pub(super) fn unreadable(e: impl std::fmt::Display) -> StoreError {
    SyncDataError::Unreadable(e.to_string()).into()
}

impl Store {
    /// Whether writes here go to the outbox. Off while the demo generator fills a database
    /// (its records are not anybody's edits); opening a database always turns it back on.
    pub fn set_recording(&self, on: bool) -> Result<(), StoreError> {
        self.conn.execute("UPDATE sync_clock SET applying = ?1 WHERE applying <> ?1", [!on as i64])?;
        Ok(())
    }

    /// This database's node name (the clock's tie-breaker).
    /// Puts right what a clock that ran ahead stamped, once the clock is right again: the
    /// server refuses changes stamped more than ten minutes ahead of it, so pending changes
    /// stamped beyond that from `now_ms` are stamped again from now, in their order (with the
    /// versions and later edits that name their stamps), and the clock starts again from now.
    /// Returns how many were stamped again. While the laptop's clock is still ahead nothing
    /// changes here and the server's refusal says what to do.
    pub fn restamp_after_a_fast_clock(&mut self, now_ms: i64) -> Result<usize, StoreError> {
        let limit = latest_acceptable_hlc(now_ms);
        let tx = self.conn.transaction()?;
        let (clock, node): (i64, String) =
            tx.query_row("SELECT hlc, node FROM sync_clock", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if clock <= limit {
            return Ok(0);
        }
        let ahead: Vec<(i64, i64)> = tx
            .prepare(
                "SELECT seq, hlc FROM outbox WHERE receipt IS NULL AND outcome IS NULL AND hlc > ?1 ORDER BY hlc, seq",
            )?
            .query_map([limit], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let start = hlc_of_millis(now_ms);
        for (i, (seq, old)) in ahead.iter().enumerate() {
            let new = start + i as i64 + 1;
            tx.execute("UPDATE outbox SET hlc = ?2 WHERE seq = ?1", params![seq, new])?;
            tx.execute(
                "UPDATE outbox SET base_hlc = ?2 WHERE base_hlc = ?1 AND receipt IS NULL AND outcome IS NULL",
                params![old, new],
            )?;
            tx.execute("UPDATE sync_versions SET hlc = ?2 WHERE hlc = ?1 AND node = ?3", params![old, new, node])?;
        }
        tx.execute("UPDATE sync_clock SET hlc = ?1", [start + ahead.len() as i64])?;
        tx.commit()?;
        Ok(ahead.len())
    }

    pub fn sync_node(&self) -> Result<String, StoreError> {
        Ok(self.conn.query_row("SELECT node FROM sync_clock", [], |r| r.get(0))?)
    }

    /// Changes without a receipt, oldest first.
    pub fn pending_changes(&self, limit: usize) -> Result<Vec<Change>, StoreError> {
        let node = self.sync_node()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT change_id, entity, record_id, op, hlc, base_hlc, body FROM outbox \
             WHERE receipt IS NULL AND outcome IS NULL ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, entity, record_id, op, hlc, base_hlc, body) = row?;
            out.push(Change {
                change_id: Uuid::parse_str(&id).map_err(unreadable)?,
                entity: Entity::from_key(&entity).ok_or_else(|| unreadable(&entity))?,
                record_id,
                op: Op::from_key(&op).ok_or_else(|| unreadable(&op))?,
                hlc,
                base_hlc,
                node: node.clone(),
                body: body.map(RawValue::from_string).transpose().map_err(unreadable)?,
            });
        }
        Ok(out)
    }

    /// Stores the server's receipts; from now on those changes count as synced. The body of
    /// a change the server took (applied, or superseded by a newer value) goes: the server
    /// holds it and the record itself holds the laptop's value, so a copy of people's details
    /// is not kept for nothing. A refused change keeps its body, to be shown.
    pub fn store_receipts(&mut self, receipts: &[Receipt]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "UPDATE outbox SET receipt = ?2, outcome = ?3, refusal = ?4, \
                 body = CASE WHEN ?3 = 'refused' THEN body END \
                 WHERE change_id = ?1 AND outcome IS NULL",
            )?;
            for r in receipts {
                stmt.execute(params![r.change_id.simple().to_string(), r.seq, r.outcome.key(), r.reason])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
