//! Loading many records at once into a new database: one transaction, no journal, no fsync,
//! a large page cache. The demo generator (`safeserve-demo`) fills its databases through it.
//!
//! A load writes what it is given and checks no rule: it is for a file nobody else has open
//! and that is thrown away whole if the load fails (the demo builds beside its target and
//! renames the file into place when complete). Turn recording off first
//! ([`Store::set_recording`]) when the records are nobody's edits and must not reach the
//! server's outbox.

use crate::base::rows::parse_id;
use crate::base::search;
use crate::base::views::{BlacklistLiftView, CertificateView};
use crate::evidence::{hazards, photos};
use crate::registers::{agencies, contracts, divisions, enterprises, people};
use crate::supervision::blacklist;
use crate::supervision::evaluations::{self, NewEvaluation};
use crate::{Store, StoreError};
use rusqlite::params;
use safeserve_core::blacklist::NewBlacklistEntry;
use safeserve_core::checklist::Template;
use safeserve_core::contract::ReferenceFees;
use safeserve_core::hazard::HazardEventKind;
use safeserve_core::register::{Agency, CapabilityTest, Employment, Enterprise, Person};
use safeserve_core::visit::{ItemResult, ServicePlan, VisitKind};
use safeserve_core::{PersonId, VisitId};
use safeserve_media::Processed;

pub use crate::evidence::hazards::Inserted as HazardRecord;
pub use crate::registers::contracts::Written as ContractWritten;

/// An open load. [`BulkLoad::finish`] commits it and restores the evidence settings. A load
/// dropped unfinished is abandoned: without a journal SQLite cannot promise a clean rollback,
/// so its file is for throwing away.
pub struct BulkLoad<'s> {
    store: &'s mut Store,
    finished: bool,
}

/// A person as a visit keeps them: their certificates as they stood that day, serialised
/// once however many visits they make.
pub struct VisitPerson {
    id: PersonId,
    certificates: String,
}

impl VisitPerson {
    pub fn new(id: PersonId, certificates: &[CertificateView]) -> Result<Self, StoreError> {
        Ok(VisitPerson { id, certificates: serde_json::to_string(certificates)? })
    }
}

/// A visit as it ended: who went, with which template, and what the first visit planned (R6).
pub struct VisitRecord<'a> {
    pub id: VisitId,
    pub kind: VisitKind,
    pub enterprise_id: &'a str,
    pub template: &'a Template,
    pub started_at: &'a str,
    pub ended_at: &'a str,
    pub place: &'a str,
    pub assessment: &'a str,
    pub plan: Option<&'a ServicePlan>,
    pub people: &'a [&'a VisitPerson],
}

/// A hazard as a loader may want to photograph it: where, when, whose, and whether closed.
pub struct LoadedHazard {
    pub id: String,
    pub location: String,
    pub created_at: String,
    pub enterprise: String,
    /// The first person on the hazard's visit.
    pub recorded_by: Option<String>,
    pub closed: bool,
}

/// A visit whose papers a loader may want signed: the enterprise's principal and the first
/// person on the visit sign them.
pub struct LoadedVisit {
    pub id: VisitId,
    pub enterprise_id: String,
    pub principal: String,
    pub technician: String,
}

impl Store {
    /// Starts a load (see the module's documentation for when that is right).
    pub fn bulk_load(&mut self) -> Result<BulkLoad<'_>, StoreError> {
        self.begin_bulk_load()?;
        self.conn.execute_batch("BEGIN")?;
        Ok(BulkLoad { store: self, finished: false })
    }
}

impl BulkLoad<'_> {
    fn conn(&self) -> &rusqlite::Connection {
        &self.store.conn
    }

    /// Commits, merges the search indexes into one segment each, and puts the journal back.
    pub fn finish(mut self) -> Result<(), StoreError> {
        self.conn().execute_batch("COMMIT")?;
        self.finished = true;
        search::optimize(self.conn())?;
        self.store.end_bulk_load()
    }

    pub fn division(&self, code: &str, name: &str, parent: Option<&str>) -> Result<(), StoreError> {
        Ok(divisions::insert(self.conn(), code, name, parent)?)
    }

    /// An agency with the reference fees it publishes (R2).
    pub fn agency(&self, a: &Agency, fees: &ReferenceFees, created_at: &str) -> Result<(), StoreError> {
        agencies::insert(self.conn(), a, created_at)?;
        Ok(contracts::set_reference_fees(self.conn(), &a.id.to_string(), fees)?)
    }

    /// A person with their certificates.
    pub fn person(&self, p: &Person, created_at: &str) -> Result<(), StoreError> {
        people::insert(self.conn(), p, created_at)?;
        Ok(())
    }

    /// Records an employment unless the person already works at that agency; says which.
    pub fn employment(&self, e: &Employment) -> Result<bool, StoreError> {
        let held: bool = self
            .conn()
            .prepare_cached("SELECT count(*) > 0 FROM employments WHERE person_id = ?1 AND agency_id = ?2")?
            .query_row([e.person.to_string(), e.agency.to_string()], |r| r.get(0))?;
        if !held {
            people::insert_employment(self.conn(), e)?;
        }
        Ok(!held)
    }

    pub fn capability_test(&self, t: &CapabilityTest) -> Result<(), StoreError> {
        Ok(people::insert_capability_test(self.conn(), t)?)
    }

    pub fn enterprise(&self, e: &Enterprise, created_at: &str) -> Result<(), StoreError> {
        enterprises::insert(self.conn(), e, created_at)?;
        Ok(())
    }

    pub fn contract(
        &self,
        c: &safeserve_core::register::Contract,
        written: &ContractWritten,
        created_at: &str,
    ) -> Result<(), StoreError> {
        contracts::insert(self.conn(), c, written, created_at)
    }

    /// A visit and the people on it; returns its seq, which its answers and hazards name.
    pub fn visit(&self, v: &VisitRecord<'_>) -> Result<i64, StoreError> {
        let plan = v.plan.map(serde_json::to_string).transpose()?;
        let id = v.id.to_string();
        self.conn()
            .prepare_cached(
                "INSERT INTO visits(id, kind, enterprise_id, template_key, template_version, started_at, ended_at, \
                 place, assessment, plan) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                id,
                v.kind.key(),
                v.enterprise_id,
                v.template.key,
                v.template.version,
                v.started_at,
                v.ended_at,
                v.place,
                v.assessment,
                plan,
            ])?;
        let seq = self.conn().last_insert_rowid();
        for (position, p) in v.people.iter().enumerate() {
            self.conn()
                .prepare_cached(
                    "INSERT INTO visit_people(visit_id, person_id, position, certificates) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![id, p.id.to_string(), position as i64, p.certificates])?;
        }
        Ok(seq)
    }

    /// A visit's answer to one checklist item.
    pub fn answer(&self, visit_seq: i64, code: &str, result: ItemResult, at: &str) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO visit_items(visit_seq, code, result, note, updated_at) VALUES (?1, ?2, ?3, '', ?4)",
            )?
            .execute(params![visit_seq, code, result.key(), at])?;
        Ok(())
    }

    /// A hazard and its `reported` event; returns its seq.
    pub fn hazard(&self, h: &HazardRecord<'_>, at: &str) -> Result<i64, StoreError> {
        Ok(hazards::insert(self.conn(), h, at)?)
    }

    pub fn hazard_event(
        &self,
        hazard_seq: i64,
        kind: HazardEventKind,
        at: &str,
        visit_seq: Option<i64>,
    ) -> Result<(), StoreError> {
        Ok(hazards::append_event(self.conn(), hazard_seq, kind, at, visit_seq, "")?)
    }

    /// The newest hazards loaded, newest first.
    pub fn newest_hazards(&self, limit: usize) -> Result<Vec<LoadedHazard>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT h.id, h.location, h.created_at, e.name, \
             (SELECT p.name FROM visit_people vp JOIN people p ON p.id = vp.person_id \
              WHERE vp.visit_id = h.visit_id ORDER BY vp.position LIMIT 1), \
             EXISTS (SELECT 1 FROM hazard_events ev WHERE ev.hazard_seq = h.seq AND ev.kind = 'closed') \
             FROM hazards h JOIN enterprises e ON e.id = h.enterprise_id ORDER BY h.seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(LoadedHazard {
                id: r.get(0)?,
                location: r.get(1)?,
                created_at: r.get(2)?,
                enterprise: r.get(3)?,
                recorded_by: r.get(4)?,
                closed: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A photo whose files are stored, attached to a hazard before or after rectification.
    pub fn hazard_photo(
        &self,
        hazard_id: &str,
        after: bool,
        original_bytes: usize,
        p: &Processed,
        at: &str,
    ) -> Result<(), StoreError> {
        photos::record(self.conn(), original_bytes, p, at)?;
        Ok(photos::attach_to_hazard(self.conn(), hazard_id, after, &p.sha256, at)?)
    }

    /// Ended visits with photographed hazards, in the order they were made.
    pub fn visits_with_photos(&self) -> Result<Vec<LoadedVisit>, StoreError> {
        self.visits(
            "SELECT DISTINCT v.id, v.enterprise_id, e.principal, {FIRST} FROM hazard_photos hp \
             JOIN hazards h ON h.id = hp.hazard_id JOIN visits v ON v.id = h.visit_id \
             JOIN enterprises e ON e.id = v.enterprise_id WHERE v.ended_at IS NOT NULL ORDER BY v.seq",
        )
    }

    /// The newest first visits that recorded a service plan, newest first.
    pub fn newest_service_plans(&self, limit: usize) -> Result<Vec<LoadedVisit>, StoreError> {
        self.visits(&format!(
            "SELECT v.id, v.enterprise_id, e.principal, {{FIRST}} FROM visits v \
             JOIN enterprises e ON e.id = v.enterprise_id \
             WHERE v.kind = 'first_service' AND v.plan IS NOT NULL ORDER BY v.seq DESC LIMIT {limit}"
        ))
    }

    fn visits(&self, sql: &str) -> Result<Vec<LoadedVisit>, StoreError> {
        const FIRST: &str = "(SELECT p.name FROM visit_people vp JOIN people p ON p.id = vp.person_id \
                             WHERE vp.visit_id = v.id ORDER BY vp.position LIMIT 1)";
        let mut stmt = self.conn().prepare(&sql.replace("{FIRST}", FIRST))?;
        let rows = stmt.query_map([], |r| {
            Ok(LoadedVisit {
                id: parse_id(r, 0)?,
                enterprise_id: r.get(1)?,
                principal: r.get(2)?,
                technician: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A rating of an agency, as given (the form's checks are [`Store::add_evaluation`]'s).
    pub fn evaluation(&self, form: &NewEvaluation, id: uuid::Uuid, recorded_at: &str) -> Result<(), StoreError> {
        Ok(evaluations::insert(self.conn(), form, id, recorded_at)?)
    }

    /// An entry on the serious-dishonesty list, as given (the form's checks are
    /// [`Store::enter_blacklist`]'s; agencies are graded when the load is done).
    pub fn blacklist_entry(
        &self,
        entry: &NewBlacklistEntry,
        id: uuid::Uuid,
        recorded_at: &str,
    ) -> Result<(), StoreError> {
        Ok(blacklist::insert_entry(self.conn(), &id.to_string(), entry, recorded_at)?)
    }

    /// The lifting of an entry (the entry itself stays).
    pub fn blacklist_lift(&self, entry: uuid::Uuid, lift: &BlacklistLiftView) -> Result<(), StoreError> {
        Ok(blacklist::insert_lift(self.conn(), &entry.to_string(), lift)?)
    }

    /// A practice notice from every agency to every county where it holds a contract, dated
    /// the day its first contract there began: the register of a bureau that has kept its
    /// notices. Ids come from agency and county, so the same load gives the same records.
    pub fn practice_notices_for_contracts(&self, decided_by: &str, recorded_at: &str) -> Result<usize, StoreError> {
        use sha2::{Digest, Sha256};
        let mut stmt = self.conn().prepare(
            "SELECT c.agency_id, substr(e.division, 1, 6), min(c.starts_on) FROM contracts c \
             JOIN enterprises e ON e.id = c.enterprise_id GROUP BY 1, 2 ORDER BY 1, 2",
        )?;
        let served = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut insert = self.conn().prepare(
            "INSERT INTO agency_acts(id, agency_id, kind, county, note, decided_by, decided_on, recorded_at) \
             VALUES (?1, ?2, 'practice_notice', ?3, '', ?4, ?5, ?6)",
        )?;
        for (agency, county, on) in &served {
            let digest = Sha256::digest(format!("practice_notice/{agency}/{county}"));
            let mut bytes = [0u8; 16];
            bytes.copy_from_slice(&digest[..16]);
            let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
            insert.execute(params![id.to_string(), agency, county, decided_by, on, recorded_at])?;
        }
        Ok(served.len())
    }
}

impl Drop for BulkLoad<'_> {
    fn drop(&mut self) {
        if !self.finished {
            // Best effort only (see `BulkLoad`): the file is thrown away by whoever made it.
            let _ = self.conn().execute_batch("ROLLBACK");
            let _ = self.store.end_bulk_load();
        }
    }
}
