//! Photo originals in and out: what the server has not confirmed, what to fetch, and storing one received.

use super::*;

/// A photo original the server has not confirmed yet.
#[derive(Debug, Clone)]
pub struct PhotoToUpload {
    pub sha256: String,
    pub path: PathBuf,
    pub bytes: u64,
}

impl Store {
    /// Photo originals held here that the server has not confirmed, oldest first.
    pub fn photos_to_upload(&self) -> Result<Vec<PhotoToUpload>, StoreError> {
        self.photo_originals("WHERE sha256 NOT IN (SELECT sha256 FROM sync_photos WHERE uploaded = 1)")
    }

    /// Every photo original held here (an import loads them all into a server).
    pub fn all_photo_originals(&self) -> Result<Vec<PhotoToUpload>, StoreError> {
        self.photo_originals("")
    }

    pub(super) fn photo_originals(&self, filter: &str) -> Result<Vec<PhotoToUpload>, StoreError> {
        let files = self.photo_files();
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT sha256, format, bytes FROM photos {filter} ORDER BY imported_at"))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (sha256, format, bytes) = row?;
            let path = files.paths(&sha256, crate::evidence::photos::format_of(&format)).original;
            // A photo whose original is not here (pulled, not yet downloaded) is not ours to send.
            if path.exists() {
                out.push(PhotoToUpload { sha256, path, bytes: bytes as u64 });
            }
        }
        Ok(out)
    }

    /// The server holds these originals (checked against their SHA-256 there).
    pub fn confirm_photos(&self, shas: &[String]) -> Result<(), StoreError> {
        let mut stmt =
            self.conn.prepare_cached("INSERT OR REPLACE INTO sync_photos(sha256, uploaded) VALUES (?1, 1)")?;
        for s in shas {
            stmt.execute([s])?;
        }
        Ok(())
    }

    /// Photos named by pulled records whose files are not here yet.
    pub fn photos_to_download(&self) -> Result<Vec<String>, StoreError> {
        let files = self.photo_files();
        let mut stmt = self.conn.prepare_cached("SELECT sha256, format FROM photos ORDER BY imported_at")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (sha, format) = row?;
            if !files.paths(&sha, crate::evidence::photos::format_of(&format)).original.exists() {
                out.push(sha);
            }
        }
        Ok(out)
    }

    /// Takes in a photo original fetched from the server: its bytes must hash to `sha256`;
    /// the display copy and thumbnail are made here as at ingest.
    pub fn receive_photo(&self, sha256: &str, original: &[u8], time: String) -> Result<(), StoreError> {
        if safeserve_core::document::sha256_hex(original) != sha256 {
            return Err(SyncDataError::PhotoMismatch(sha256.to_owned()).into());
        }
        let visit: Option<String> = self
            .conn
            .query_row(
                "SELECT visit_id FROM item_photos WHERE sha256 = ?1 UNION ALL \
                 SELECT h.visit_id FROM hazard_photos hp JOIN hazards h ON h.id = hp.hazard_id WHERE hp.sha256 = ?1 \
                 LIMIT 1",
                [sha256],
                |r| r.get(0),
            )
            .optional()?;
        let visit = visit.filter(|v| seq_of(&self.conn, "visits", v).ok().flatten().is_some());
        let stamp = self.stamp_for(visit.as_deref(), time)?;
        let processed = safeserve_media::process(original, &stamp)?;
        self.photo_files().store(original, &processed)?;
        Ok(())
    }
}
