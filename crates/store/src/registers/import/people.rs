//! The people register from a workbook: a person's rows (one per certificate and per post)
//! gathered under their ID number, compared with the register, and written with their
//! certificates and posts. A person full-time at two agencies, or a certificate number
//! someone else holds, is a note on the preview — the register records what the bureau
//! was told; R1 and the signals decide what it means — never a refusal.

use super::{change_detail, ImportCounts, ImportPlan, PlannedRow, Record, RowAction};
use crate::base::audit;
use crate::base::search::{self, Register};
use crate::registers::people;
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use safeserve_core::audit::{Actor, AuditAct};
use safeserve_core::import::people::{row_key, AgencyNames, PersonKey, PersonRecord, PersonRow};
use safeserve_core::import::{Cell, Header, ImportKind, RowProblem};
use safeserve_core::register::{Certificate, Employment, Person};
use safeserve_core::{mask_id_number, AgencyId, Message, PersonId};
use std::collections::HashMap;

/// A registered person as the plan compares them.
struct Registered {
    seq: i64,
    id: PersonId,
    name: String,
    phone: String,
}

/// A person's rows as read, in file order.
type Rows = Vec<(u32, Result<PersonRow, Vec<RowProblem>>)>;

/// Builds a people import's plan as the workbook is read; the people are compared with the
/// register once every row is in (a person's rows may be anywhere in the file).
pub struct PeoplePlanner<'s> {
    store: &'s Store,
    agencies: AgencyNames,
    today: NaiveDate,
    /// People in the order of their first row.
    order: Vec<PersonKey>,
    rows: HashMap<PersonKey, Rows>,
    /// Rows whose ID number cannot be read: refused on their own.
    unreadable: Vec<PlannedRow>,
}

impl PeoplePlanner<'_> {
    /// Reads row `row` of the sheet and puts it with its person's other rows.
    pub fn push(&mut self, header: &Header, row: u32, cells: &[Cell]) -> Result<(), StoreError> {
        let read = PersonRow::read(header, row, cells, &self.agencies);
        match row_key(header, cells) {
            Some(key) => {
                if !self.rows.contains_key(&key) {
                    self.order.push(key.clone());
                }
                self.rows.entry(key).or_default().push((row, read));
            }
            None => {
                let typed = header.cell_text("id_number", cells).unwrap_or_default();
                let name = header.cell_text("name", cells).unwrap_or_default();
                let problems = read.err().unwrap_or_default();
                self.unreadable.push(PlannedRow::refused(row, mask_id_number(&typed), name, problems));
            }
        }
        Ok(())
    }

    /// Every person compared with the register: new, changed, unchanged or refused.
    pub fn finish(mut self) -> Result<ImportPlan, StoreError> {
        let conn = &self.store.conn;
        let mut masked = None;
        let mut claimed: HashMap<(String, String), (PersonKey, String)> = HashMap::new();
        let mut planned = std::mem::take(&mut self.unreadable);
        for key in &self.order {
            let rows = self.rows.remove(key).unwrap_or_default();
            let first = rows.first().map_or(0, |(r, _)| *r);
            let typed_name = rows.iter().find_map(|(_, r)| r.as_ref().ok().map(|p| p.name.clone())).unwrap_or_default();
            let problems: Vec<RowProblem> =
                rows.iter().filter_map(|(_, r)| r.as_ref().err()).flatten().cloned().collect();
            if !problems.is_empty() {
                planned.push(PlannedRow::refused(first, key.masked(), typed_name, problems));
                continue;
            }
            let read: Vec<(u32, PersonRow)> = rows.into_iter().filter_map(|(n, r)| r.ok().map(|p| (n, p))).collect();
            let record = match PersonRecord::gather(&read) {
                Ok(r) => r,
                Err(problems) => {
                    planned.push(PlannedRow::refused(first, key.masked(), typed_name, problems));
                    continue;
                }
            };
            let current = match find(conn, &record, &mut masked)? {
                Ok(c) => c,
                Err(problem) => {
                    let problem = RowProblem { row: first, column: "身份证号码".into(), message: problem };
                    planned.push(PlannedRow::refused(first, key.masked(), typed_name, vec![problem]));
                    continue;
                }
            };
            let (action, posts) = match &current {
                None => (RowAction::New, Vec::new()),
                Some(c) => {
                    let (certs, posts) =
                        (people::certificates(conn, &c.id.to_string())?, people::posts_of(conn, c.id)?);
                    match record.changes(&c.name, &c.phone, &certs, &posts) {
                        changes if changes.is_empty() => (RowAction::Unchanged, posts),
                        changes => (RowAction::Changed { changes }, posts),
                    }
                }
            };
            let mut notes = Vec::new();
            if let Some(n) = full_time_at_two(conn, &record, &posts, self.today)? {
                notes.push(RowProblem { row: first, column: "所属服务机构".into(), message: n });
            }
            for c in &record.certificates {
                let mut holders = also_held(conn, c, current.as_ref().map(|p| p.id))?;
                let (key, name) = claimed
                    .entry((c.kind.key().to_owned(), c.number.clone()))
                    .or_insert((record.key.clone(), record.name.clone()));
                if *key != record.key && !holders.contains(name) {
                    holders.push(name.clone());
                }
                if !holders.is_empty() {
                    notes.push(RowProblem {
                        row: first,
                        column: "证书编号".into(),
                        message: Message::new(
                            format!("证书 {} 也登记在{}名下（证书挂靠？）", c.number, holders.join("、")),
                            format!("Certificate {} is also registered to {} (lent?)", c.number, holders.join(", ")),
                        ),
                    });
                }
            }
            planned.push(PlannedRow {
                row: first,
                key: key.masked(),
                name: record.name.clone(),
                action,
                notes,
                record: Some(Record::Person(record)),
            });
        }
        planned.sort_by_key(|r| r.row);
        Ok(ImportPlan { kind: ImportKind::People, rows: planned })
    }
}

/// The registered person a record names: by the whole number, or — a ledger's masked number —
/// the one person of that name whose number masks the same. `Ok(None)`: not registered (a
/// masked number cannot register anyone, so that is a problem).
fn find(
    conn: &Connection,
    record: &PersonRecord,
    masked: &mut Option<HashMap<(String, String), Vec<i64>>>,
) -> Result<Result<Option<Registered>, Message>, StoreError> {
    let seq = match &record.key {
        PersonKey::Full(number) => conn
            .prepare_cached("SELECT seq FROM people WHERE id_number = ?1")?
            .query_row([number], |r| r.get(0))
            .optional()?,
        PersonKey::Masked(m) => {
            if masked.is_none() {
                *masked = Some(masked_index(conn)?);
            }
            match masked.as_ref().and_then(|i| i.get(&(m.clone(), record.name.clone()))).map(Vec::as_slice) {
                Some([one]) => Some(*one),
                Some(many) if many.len() > 1 => {
                    return Ok(Err(Message::new(
                        format!("有 {} 名“{}”的脱敏号码都是 {m}：请填写完整的身份证号码", many.len(), record.name),
                        format!("{} people named {} share the masked number {m}; give the whole number", many.len(), record.name),
                    )))
                }
                _ => {
                    return Ok(Err(Message::new(
                        format!("脱敏的号码只能用来更新已登记的人员，本机没有号码为 {m} 的“{}”：新增人员请填写完整的身份证号码", record.name),
                        format!("A masked number only updates a registered person; there is no {} with {m}: give the whole number to register someone", record.name),
                    )))
                }
            }
        }
    };
    let Some(seq) = seq else { return Ok(Ok(None)) };
    let found =
        conn.prepare_cached("SELECT seq, id, name, phone FROM people WHERE seq = ?1")?.query_row([seq], |r| {
            Ok(Registered { seq: r.get(0)?, id: crate::base::rows::parse_id(r, 1)?, name: r.get(2)?, phone: r.get(3)? })
        })?;
    Ok(Ok(Some(found)))
}

/// (masked number, name) → the people it fits, for a ledger's rows to find their person.
fn masked_index(conn: &Connection) -> rusqlite::Result<HashMap<(String, String), Vec<i64>>> {
    let mut out: HashMap<(String, String), Vec<i64>> = HashMap::new();
    let mut stmt = conn.prepare("SELECT seq, coalesce(id_masked, ''), id_number, name FROM people")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (held_masked, number): (String, String) = (r.get(1)?, r.get(2)?);
        let shown = if held_masked.is_empty() { mask_id_number(&number) } else { held_masked };
        out.entry((shown, r.get(3)?)).or_default().push(r.get(0)?);
    }
    Ok(out)
}

/// A person full-time at two agencies or more on `today` once the record's posts are in
/// (人员交叉使用): R1 counts them at none, which the preview says.
fn full_time_at_two(
    conn: &Connection,
    record: &PersonRecord,
    registered: &[Employment],
    today: NaiveDate,
) -> Result<Option<Message>, StoreError> {
    let mut full_time: Vec<AgencyId> = registered
        .iter()
        .filter(|h| !record.employments.iter().any(|e| e.agency == h.agency))
        .filter(|h| h.full_time && h.is_current_on(today))
        .map(|h| h.agency)
        .collect();
    for e in &record.employments {
        let current = e.started_on.is_none_or(|s| s <= today) && e.ended_on.is_none_or(|d| d >= today);
        if e.full_time && current {
            full_time.push(e.agency);
        }
    }
    if full_time.len() < 2 {
        return Ok(None);
    }
    let mut names = Vec::new();
    for agency in &full_time {
        let name: Option<String> = conn
            .prepare_cached("SELECT name FROM agencies WHERE id = ?1")?
            .query_row([agency.to_string()], |r| r.get(0))
            .optional()?;
        names.extend(name);
    }
    Ok(Some(Message::new(
        format!("同时为{}的专职人员（人员交叉使用），任何一家的专职人员都不计入", names.join("、")),
        format!("Full-time at {} at once (staff shared across agencies): counted as staff at none", names.join(", ")),
    )))
}

/// Who else in the register holds certificate `c` (its kind and number).
fn also_held(conn: &Connection, c: &Certificate, not: Option<PersonId>) -> rusqlite::Result<Vec<String>> {
    let not = not.map(|p| p.to_string()).unwrap_or_default();
    conn.prepare_cached(
        "SELECT DISTINCT p.name FROM certificates c JOIN people p ON p.id = c.person_id \
         WHERE c.kind = ?1 AND c.number = ?2 AND c.person_id <> ?3 ORDER BY p.name",
    )?
    .query_map(params![c.kind.key(), c.number, not], |r| r.get(0))?
    .collect()
}

impl Store {
    /// Every person working (or having worked) at an agency under `division_prefix` (empty:
    /// everyone) as rows of the register's ledger, in registration order: as many rows as the
    /// person has certificates or posts, the agency by its credit code. The ID number is
    /// masked — a ledger is a file outside the encrypted database — and a masked number
    /// imported back finds its person by name.
    pub fn people_ledger(&self, division_prefix: &str, mut row: impl FnMut(Vec<String>)) -> Result<(), StoreError> {
        use safeserve_core::import::people::{certificate_cells, employment_cells};
        let mut stmt = self.conn.prepare(
            "SELECT p.id, coalesce(p.id_masked, ''), p.id_number, p.name, p.phone FROM people p \
             WHERE ?1 = '' OR EXISTS (SELECT 1 FROM employments e JOIN agencies a ON a.id = e.agency_id \
               WHERE e.person_id = p.id AND substr(a.division, 1, length(?1)) = ?1) ORDER BY p.seq",
        )?;
        let codes: HashMap<String, String> = self
            .conn
            .prepare("SELECT id, credit_code FROM agencies")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut rows = stmt.query([division_prefix])?;
        while let Some(r) = rows.next()? {
            let id: PersonId = crate::base::rows::parse_id(r, 0)?;
            let (held_masked, number, name, phone): (String, String, String, String) =
                (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
            let shown = if held_masked.is_empty() { mask_id_number(&number) } else { held_masked };
            let certs = people::certificates(&self.conn, &id.to_string())?;
            let posts = people::posts_of(&self.conn, id)?;
            for i in 0..certs.len().max(posts.len()).max(1) {
                let mut cells = vec![shown.clone(), name.clone(), phone.clone()];
                let post = posts.get(i).map(|e| (codes.get(&e.agency.to_string()).map_or("", String::as_str), e));
                cells.extend(employment_cells(post));
                cells.extend(certificate_cells(certs.get(i)));
                row(cells);
            }
        }
        Ok(())
    }

    /// A planner for a people workbook, with this laptop's agencies to read names by and
    /// `today` to tell current posts from ended ones.
    pub fn plan_people_import(&self, today: NaiveDate) -> Result<PeoplePlanner<'_>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id, credit_code, name FROM agencies")?;
        let held: Vec<(AgencyId, String, String)> = stmt
            .query_map([], |r| Ok((crate::base::rows::parse_id(r, 0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let agencies = AgencyNames::new(held.iter().map(|(id, code, name)| (*id, code.as_str(), name.as_str())));
        Ok(PeoplePlanner {
            store: self,
            agencies,
            today,
            order: Vec::new(),
            rows: HashMap::new(),
            unreadable: Vec::new(),
        })
    }

    /// Writes the people of `plan` that have no problem, in one transaction, each compared
    /// with the register again: a new person with their certificates and posts; a registered
    /// one's name, phone, certificates and posts where they differ (nothing the file does not
    /// list is removed), each change an audit entry with the old value.
    pub fn apply_people_import(
        &mut self,
        plan: &ImportPlan,
        by: &Actor,
        file: &str,
        now: &str,
        mut new_id: impl FnMut() -> PersonId,
    ) -> Result<ImportCounts, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut counts = ImportCounts { refused: plan.counts().refused, ..ImportCounts::default() };
        let mut masked = None;
        let records = plan.rows.iter().filter_map(|r| match &r.record {
            Some(Record::Person(p)) => Some(p),
            _ => None,
        });
        for record in records {
            let current = match find(&tx, record, &mut masked)? {
                Ok(c) => c,
                // Gone since the preview (a sync removed the person it matched): left out.
                Err(_) => {
                    counts.refused += 1;
                    continue;
                }
            };
            let Some(current) = current else {
                let PersonKey::Full(number) = &record.key else { continue };
                let person = Person {
                    id: new_id(),
                    id_number: number.clone(),
                    name: record.name.clone(),
                    phone: record.phone.clone(),
                    certificates: record.certificates.clone(),
                };
                let seq = people::insert(&tx, &person, now)?;
                for e in &record.employments {
                    people::insert_employment(&tx, &post(person.id, e))?;
                }
                // The search finds people by their agencies' names too.
                search::reindex(&tx, Register::Person, seq)?;
                counts.new += 1;
                continue;
            };
            let (held, posts) =
                (people::certificates(&tx, &current.id.to_string())?, people::posts_of(&tx, current.id)?);
            let changes = record.changes(&current.name, &current.phone, &held, &posts);
            if changes.is_empty() {
                counts.unchanged += 1;
                continue;
            }
            if (record.name.as_str(), record.phone.as_str()) != (current.name.as_str(), current.phone.as_str()) {
                tx.prepare_cached("UPDATE people SET name = ?1, phone = ?2 WHERE seq = ?3")?.execute(params![
                    record.name,
                    record.phone,
                    current.seq
                ])?;
            }
            for c in &record.certificates {
                match held.iter().find(|h| h.kind == c.kind && h.number == c.number) {
                    None => people::insert_certificate(&tx, current.id, c)?,
                    Some(h) if h != c => people::update_certificate(&tx, current.id, c)?,
                    Some(_) => {}
                }
            }
            for e in &record.employments {
                let next = post(current.id, e);
                if !posts.contains(&next) {
                    people::insert_employment(&tx, &next)?;
                }
            }
            search::reindex(&tx, Register::Person, current.seq)?;
            let subject = people::subject(&record.key.masked(), &current.name);
            audit::append(&tx, &by.entry(now, AuditAct::ChangeRegister, subject, change_detail(&changes)))?;
            counts.changed += 1;
        }
        let subject = format!("{}：{file}", ImportKind::People.label_zh());
        audit::append(&tx, &by.entry(now, AuditAct::ImportRegister, subject, counts.message().zh))?;
        tx.commit()?;
        Ok(counts)
    }
}

fn post(person: PersonId, e: &safeserve_core::import::people::EmploymentRow) -> Employment {
    Employment {
        person,
        agency: e.agency,
        role: e.role,
        full_time: e.full_time,
        started_on: e.started_on,
        ended_on: e.ended_on,
    }
}
