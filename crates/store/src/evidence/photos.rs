//! Photos as evidence. The original is kept byte for byte under its SHA-256 beside the
//! database (`NAME.photos/`), with a watermarked display copy and a thumbnail; the row and its
//! attachment to an item or a hazard are written in one transaction after the files are safely
//! on disk, so a failure leaves either the whole photo or none of it in the record.

use crate::base::rows::invalid;
use crate::base::views::{IngestedPhoto, PhotoRef, PhotoTarget};
use crate::evidence::visits;
use crate::{Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::Message;
use safeserve_media::{PhotoFiles, PhotoFormat, Processed, Stamp};
use std::collections::HashMap;
use std::path::PathBuf;

/// Perceptual hashes this close are the same picture (recompressed, resized, lightly cropped).
const LOOK_ALIKE_BITS: u32 = 4;

/// Which copy of a photo to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copy {
    Display,
    Thumb,
    Original,
}

const PHOTO_COLUMNS: &str = "p.sha256, p.width, p.height, p.taken_at, p.phash";

fn photo_ref(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<PhotoRef> {
    Ok(PhotoRef {
        sha256: r.get(at)?,
        width: r.get(at + 1)?,
        height: r.get(at + 2)?,
        taken_at: r.get(at + 3)?,
        phash: r.get(at + 4)?,
    })
}

pub(crate) fn item_photos(conn: &Connection, visit_id: &str) -> Result<Vec<(String, PhotoRef)>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT ip.code, {PHOTO_COLUMNS} FROM item_photos ip JOIN photos p ON p.sha256 = ip.sha256 \
         WHERE ip.visit_id = ?1 ORDER BY ip.added_at"
    ))?;
    let rows = stmt.query_map([visit_id], |r| Ok((r.get(0)?, photo_ref(r, 1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A hazard's photos: before and after rectification.
pub(crate) type BeforeAfter = (Vec<PhotoRef>, Vec<PhotoRef>);

/// Before- and after-photos of the hazards matching `filter` (on `h`), by hazard id.
pub(crate) fn hazard_photos(
    conn: &Connection,
    filter: &str,
    key: &str,
) -> Result<HashMap<String, BeforeAfter>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT hp.hazard_id, hp.phase, {PHOTO_COLUMNS} FROM hazard_photos hp \
         JOIN hazards h ON h.id = hp.hazard_id JOIN photos p ON p.sha256 = hp.sha256 \
         WHERE {filter} ORDER BY hp.added_at"
    ))?;
    let mut out: HashMap<String, BeforeAfter> = HashMap::new();
    let mut rows = stmt.query([key])?;
    while let Some(r) = rows.next()? {
        let entry = out.entry(r.get(0)?).or_default();
        let phase: String = r.get(1)?;
        if phase == "after" { &mut entry.1 } else { &mut entry.0 }.push(photo_ref(r, 2)?);
    }
    Ok(out)
}

pub(crate) fn hazard_has_after_photo(conn: &Connection, hazard_id: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM hazard_photos WHERE hazard_id = ?1 AND phase = 'after'")?
        .exists([hazard_id])?)
}

pub(crate) fn format_of(key: &str) -> PhotoFormat {
    if key == "png" {
        PhotoFormat::Png
    } else {
        PhotoFormat::Jpeg
    }
}

fn format_key(f: PhotoFormat) -> &'static str {
    match f {
        PhotoFormat::Png => "png",
        PhotoFormat::Jpeg => "jpeg",
    }
}

/// The row of a photo whose files are stored (nothing happens if it is already held).
pub(crate) fn record(conn: &Connection, bytes: usize, p: &Processed, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO photos(sha256, format, bytes, width, height, taken_at, latitude, longitude, \
         display_width, display_height, phash, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        p.sha256,
        format_key(p.format),
        bytes as i64,
        p.width,
        p.height,
        p.taken_at.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()),
        p.gps.map(|g| g.0),
        p.gps.map(|g| g.1),
        p.display_width,
        p.display_height,
        p.phash,
        now,
    ])?;
    Ok(())
}

pub(crate) fn attach_to_hazard(
    conn: &Connection,
    hazard_id: &str,
    after: bool,
    sha256: &str,
    now: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO hazard_photos(hazard_id, phase, sha256, added_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![hazard_id, if after { "after" } else { "before" }, sha256, now])?;
    Ok(())
}

impl Store {
    /// Where the photo files of this database live, sealed under the laptop's key when the
    /// database is encrypted.
    pub fn photo_files(&self) -> PhotoFiles {
        let files = Self::photo_files_of(&self.path);
        match &self.photo_key {
            Some(key) => files.sealed_with(key.clone()),
            None => files,
        }
    }

    /// The photo folder beside a database file: `NAME.db.photos/`.
    pub fn photo_files_of(db: &std::path::Path) -> PhotoFiles {
        let mut root = db.to_path_buf().into_os_string();
        root.push(".photos");
        PhotoFiles::new(PathBuf::from(root))
    }

    /// The watermark of a photo taken for `target`: its visit's place, the enterprise or
    /// agency, and the first person sent as recorder.
    pub(crate) fn stamp_for(&self, visit_id: Option<&str>, time: String) -> Result<Stamp, StoreError> {
        let Some(visit_id) = visit_id else {
            return Ok(Stamp { time, place: String::new(), enterprise: String::new(), recorder: String::new() });
        };
        let (place, lat, lon, target_name, recorder): (String, Option<f64>, Option<f64>, String, Option<String>) = self
            .conn
            .query_row(
                "SELECT v.place, v.latitude, v.longitude, coalesce(e.name, a.name), \
                     (SELECT p.name FROM visit_people vp JOIN people p ON p.id = vp.person_id \
                      WHERE vp.visit_id = v.id ORDER BY vp.position LIMIT 1) \
                     FROM visits v LEFT JOIN enterprises e ON e.id = v.enterprise_id \
                     LEFT JOIN agencies a ON a.id = v.agency_id WHERE v.id = ?1",
                [&visit_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "visit", id: visit_id.to_owned() })?;
        let place = match (place.trim().is_empty(), lat, lon) {
            (false, _, _) => place,
            (true, Some(lat), Some(lon)) => format!("{lat:.5}, {lon:.5}"),
            _ => String::new(),
        };
        Ok(Stamp {
            time,
            place,
            enterprise: target_name,
            recorder: recorder.map(|r| format!("记录人：{r}")).unwrap_or_default(),
        })
    }

    /// Whether a photo may be attached to `target`; the visit it belongs to. Item photos and
    /// before-photos belong to the open visit; after-photos come later (the enterprise's
    /// rectification, a re-inspection) but not once the hazard is closed.
    fn check_photo_target(&self, target: &PhotoTarget) -> Result<String, StoreError> {
        match target {
            PhotoTarget::Item { visit_id, .. } => {
                let visit = visit_id.to_string();
                visits::require_open(&self.conn, &visit)?;
                Ok(visit)
            }
            PhotoTarget::Hazard { hazard_id, after } => {
                let (visit, closed): (String, bool) = self
                    .conn
                    .query_row(
                        "SELECT visit_id, EXISTS (SELECT 1 FROM hazard_events ev WHERE ev.hazard_seq = h.seq \
                         AND ev.kind = 'closed') FROM hazards h WHERE id = ?1",
                        [hazard_id.to_string()],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?
                    .ok_or_else(|| StoreError::NotFound { what: "hazard", id: hazard_id.to_string() })?;
                if !after {
                    visits::require_open(&self.conn, &visit)?;
                } else if closed {
                    return Err(invalid(
                        "photos_after",
                        "该隐患已闭环销号，不能再添加照片",
                        "This hazard is closed; no more photos can be added",
                    ));
                }
                Ok(visit)
            }
        }
    }

    /// Takes a photo in and, when `target` is given, attaches it there. `time` is the
    /// watermark's time when the photo carries no EXIF capture time.
    pub fn ingest_photo(
        &mut self,
        original: &[u8],
        target: Option<&PhotoTarget>,
        now: &str,
        time: String,
    ) -> Result<IngestedPhoto, StoreError> {
        let visit = match target {
            None => None,
            Some(t) => Some(self.check_photo_target(t)?),
        };
        let stamp = self.stamp_for(visit.as_deref(), time)?;
        let processed = safeserve_media::process(original, &stamp).map_err(StoreError::from)?;
        let files = self.photo_files();
        let paths = files.store(original, &processed).map_err(StoreError::from)?;
        let tx = self.conn.transaction()?;
        let already_held = tx.prepare_cached("SELECT 1 FROM photos WHERE sha256 = ?1")?.exists([&processed.sha256])?;
        record(&tx, original.len(), &processed, now)?;
        match target {
            None => {}
            Some(PhotoTarget::Item { visit_id, code }) => {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO item_photos(visit_id, code, sha256, added_at) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![visit_id.to_string(), code, processed.sha256, now])?;
            }
            Some(PhotoTarget::Hazard { hazard_id, after }) => {
                attach_to_hazard(&tx, &hazard_id.to_string(), *after, &processed.sha256, now)?;
            }
        }
        let mut look_alikes = Vec::new();
        let mut stmt = tx.prepare_cached("SELECT sha256, phash FROM photos WHERE sha256 <> ?1")?;
        let mut rows = stmt.query([&processed.sha256])?;
        while let Some(r) = rows.next()? {
            let phash: String = r.get(1)?;
            if safeserve_media::phash_distance(&phash, &processed.phash).is_some_and(|d| d <= LOOK_ALIKE_BITS) {
                look_alikes.push(r.get(0)?);
            }
        }
        drop(rows);
        drop(stmt);
        tx.commit()?;
        Ok(IngestedPhoto {
            photo: PhotoRef {
                sha256: processed.sha256.clone(),
                width: processed.width,
                height: processed.height,
                taken_at: processed.taken_at.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()),
                phash: processed.phash.clone(),
            },
            display_path: paths.display.display().to_string(),
            thumb_path: paths.thumb.display().to_string(),
            display_width: processed.display_width,
            display_height: processed.display_height,
            already_held,
            look_alikes,
            warnings: processed.warnings,
        })
    }

    /// The JPEG printed in PDF forms (made from the display copy the first time).
    pub fn print_copy(&self, sha256: &str) -> Result<Vec<u8>, StoreError> {
        let format = self.photo_format(sha256)?;
        Ok(self.photo_files().print_copy(sha256, format)?)
    }

    fn photo_format(&self, sha256: &str) -> Result<PhotoFormat, StoreError> {
        let format: String = self
            .conn
            .prepare_cached("SELECT format FROM photos WHERE sha256 = ?1")?
            .query_row([sha256], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "photo", id: sha256.to_owned() })?;
        Ok(format_of(&format))
    }

    /// A held photo whose display copy (what forms print) is gone from the photo folder:
    /// what that means and how to put it right, or `None` when the file is there.
    pub(crate) fn missing_photo_file(&self, sha256: &str) -> Result<Option<Message>, StoreError> {
        let display = self.photo_path(sha256, Copy::Display)?;
        if display.is_file() {
            return Ok(None);
        }
        let short = &sha256[..12.min(sha256.len())];
        Ok(Some(Message::new(
            format!("照片 {short}… 的文件缺失（{}）：请重新添加同一张原图，或从备份恢复照片目录", display.display()),
            format!(
                "The file of photo {short}… is missing ({}): add the same original again, or restore the photo \
                 folder from a backup",
                display.display()
            ),
        )))
    }

    /// The content of one copy of a held photo (opened when the laptop seals its photos).
    pub fn read_photo(&self, sha256: &str, copy: Copy) -> Result<Vec<u8>, StoreError> {
        Ok(self.photo_files().read(&self.photo_path(sha256, copy)?)?)
    }

    /// The file of one copy of a held photo.
    pub fn photo_path(&self, sha256: &str, copy: Copy) -> Result<PathBuf, StoreError> {
        let paths = self.photo_files().paths(sha256, self.photo_format(sha256)?);
        Ok(match copy {
            Copy::Display => paths.display,
            Copy::Thumb => paths.thumb,
            Copy::Original => paths.original,
        })
    }
}

impl From<safeserve_media::MediaError> for StoreError {
    fn from(e: safeserve_media::MediaError) -> Self {
        StoreError::Photo { code: e.code(), message: e.message(), source: Box::new(e) }
    }
}
