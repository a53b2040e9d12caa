//! The `people`, `certificates`, `employments` and `capability_tests` tables. A person's full
//! ID number is written here and read back only masked.

use crate::base::audit;
use crate::base::rows::parse_id;
use crate::base::rows::require;
use crate::base::search::{self, Register};
use crate::base::views::{CapabilityTestView, CertificateView, EmploymentView, NewPerson, PersonDetail, PersonSummary};
use crate::{Store, StoreError};
use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::audit::{Actor, AuditAct};
use safeserve_core::qualification::StaffMember;
use safeserve_core::register::{
    CapabilityTest, Certificate, CertificateKind, Employment, Person, PostForm, StaffRole, Training,
};
use safeserve_core::{mask_id_number, IdNumber, Message, PersonId};

/// Certificates expiring within this many days are flagged.
pub const EXPIRY_WARNING_DAYS: u64 = 60;

pub(crate) fn insert(conn: &Connection, p: &Person, created_at: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("INSERT INTO people(id, id_number, name, phone, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![p.id.to_string(), p.id_number, p.name, p.phone, created_at])?;
    let seq = conn.last_insert_rowid();
    for c in &p.certificates {
        insert_certificate(conn, p.id, c)?;
    }
    search::index_row(conn, Register::Person, seq)?;
    Ok(seq)
}

pub(crate) fn insert_certificate(conn: &Connection, person: PersonId, c: &Certificate) -> rusqlite::Result<()> {
    write_certificate(
        conn,
        "INSERT INTO certificates(person_id, kind, number, issuer, specialty, expires_on, level, issued_on) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        person,
        c,
    )
}

/// Writes a certificate's other fields over the one of the same kind and number the person holds.
pub(crate) fn update_certificate(conn: &Connection, person: PersonId, c: &Certificate) -> rusqlite::Result<()> {
    write_certificate(
        conn,
        "UPDATE certificates SET issuer = ?4, specialty = ?5, expires_on = ?6, level = ?7, issued_on = ?8 \
         WHERE person_id = ?1 AND kind = ?2 AND number = ?3",
        person,
        c,
    )
}

/// Runs `sql` with the certificate as ?1 (its holder) to ?8, in the table's column order.
fn write_certificate(conn: &Connection, sql: &str, person: PersonId, c: &Certificate) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute(params![
        person.to_string(),
        c.kind.key(),
        c.number,
        c.issuer,
        c.specialty,
        c.expires_on.map(|d| d.to_string()),
        c.level,
        c.issued_on.map(|d| d.to_string())
    ])?;
    Ok(())
}

/// Adds the employment, or — the person already employed at that agency — writes its terms
/// over the ones held.
pub(crate) fn insert_employment(conn: &Connection, e: &Employment) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO employments(person_id, agency_id, role, full_time, started_on, ended_on) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(person_id, agency_id) DO UPDATE SET \
         role = excluded.role, full_time = excluded.full_time, started_on = excluded.started_on, \
         ended_on = excluded.ended_on",
    )?
    .execute(params![
        e.person.to_string(),
        e.agency.to_string(),
        e.role.key(),
        e.full_time,
        e.started_on.map(|d| d.to_string()),
        e.ended_on.map(|d| d.to_string())
    ])?;
    Ok(())
}

/// A person's posts as the register holds them.
pub(crate) fn posts_of(conn: &Connection, person: PersonId) -> Result<Vec<Employment>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT agency_id, role, full_time, started_on, ended_on FROM employments WHERE person_id = ?1 ORDER BY agency_id",
    )?;
    let rows = stmt.query_map([person.to_string()], |r| {
        let role: String = r.get(1)?;
        let date = |i: usize| -> rusqlite::Result<Option<NaiveDate>> {
            Ok(r.get::<_, Option<String>>(i)?.and_then(|d| d.parse().ok()))
        };
        Ok(Employment {
            person,
            agency: parse_id(r, 0)?,
            role: crate::known(("人员身份", "staff role"), &role, StaffRole::from_key)?,
            full_time: r.get(2)?,
            started_on: date(3)?,
            ended_on: date(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The columns [`certificate_row`] reads, in its order.
pub(crate) const CERTIFICATE_COLUMNS: &str = "kind, number, issuer, specialty, expires_on, level, issued_on";

/// A certificate from a row holding [`CERTIFICATE_COLUMNS`] from column `at` on.
pub(crate) fn certificate_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Certificate> {
    let kind: String = r.get(at)?;
    let date = |i: usize| -> rusqlite::Result<Option<NaiveDate>> {
        Ok(r.get::<_, Option<String>>(at + i)?.and_then(|d| d.parse().ok()))
    };
    Ok(Certificate {
        kind: crate::known(("证书类别", "certificate kind"), &kind, CertificateKind::from_key)?,
        number: r.get(at + 1)?,
        issuer: r.get(at + 2)?,
        specialty: r.get(at + 3)?,
        expires_on: date(4)?,
        level: r.get(at + 5)?,
        issued_on: date(6)?,
    })
}

pub(crate) fn insert_capability_test(conn: &Connection, t: &CapabilityTest) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO capability_tests(person_id, taken_on, score, passed) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![t.person.to_string(), t.taken_on.to_string(), t.score, t.passed])?;
    Ok(())
}

pub(crate) fn certificates(conn: &Connection, person_id: &str) -> rusqlite::Result<Vec<Certificate>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE person_id = ?1 ORDER BY rowid"
    ))?;
    let rows = stmt.query_map([person_id], |r| certificate_row(r, 0))?;
    rows.collect()
}

/// A person's capability tests, newest first.
pub(crate) fn capability_tests(conn: &Connection, person: PersonId) -> rusqlite::Result<Vec<CapabilityTestView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT taken_on, score, passed FROM capability_tests WHERE person_id = ?1 ORDER BY taken_on DESC, rowid DESC",
    )?;
    let rows = stmt.query_map([person.to_string()], |r| {
        Ok(CapabilityTestView { person_id: person, taken_on: r.get(0)?, score: r.get(1)?, passed: r.get(2)? })
    })?;
    rows.collect()
}

fn latest_capability(conn: &Connection, person_id: &str) -> rusqlite::Result<Option<bool>> {
    conn.prepare_cached("SELECT passed FROM capability_tests WHERE person_id = ?1 ORDER BY taken_on DESC LIMIT 1")?
        .query_row([person_id], |r| r.get(0))
        .optional()
}

/// SQL saying the employment `alias` is current on the day bound as `:day`: begun by then and
/// not ended before it. An ended employment stays on record and no longer counts as staff.
pub(crate) fn current(alias: &str) -> String {
    format!(
        "({alias}.started_on IS NULL OR {alias}.started_on <= :day) AND ({alias}.ended_on IS NULL OR {alias}.ended_on >= :day)"
    )
}

/// An agency's staff on `today` as the R1 check needs them.
pub(crate) fn staff_of(conn: &Connection, agency_id: &str, today: NaiveDate) -> rusqlite::Result<Vec<StaffMember>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT p.id, p.name, e.role, e.full_time, \
           (SELECT json_group_array(a.name) FROM employments o JOIN agencies a ON a.id = o.agency_id \
             WHERE o.person_id = p.id AND o.agency_id <> e.agency_id AND o.full_time = 1 AND e.full_time = 1 \
             AND {}) \
         FROM employments e JOIN people p ON p.id = e.person_id WHERE e.agency_id = :agency AND {} ORDER BY p.seq",
        current("o"),
        current("e")
    ))?;
    let day = today.to_string();
    let rows = stmt.query_map(rusqlite::named_params! { ":agency": agency_id, ":day": day }, |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, bool>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, role, full_time, elsewhere) = row?;
        out.push(StaffMember {
            name,
            role: crate::known(("人员身份", "staff role"), &role, StaffRole::from_key)?,
            full_time,
            certificates: certificates(conn, &id)?,
            capability_passed: latest_capability(conn, &id)?,
            full_time_elsewhere: serde_json::from_str(&elsewhere).unwrap_or_default(),
        });
    }
    Ok(out)
}

pub(crate) fn certificate_views(
    conn: &Connection,
    person_id: &str,
    today: NaiveDate,
) -> rusqlite::Result<Vec<CertificateView>> {
    let soon = today.checked_add_days(Days::new(EXPIRY_WARNING_DAYS)).unwrap_or(today);
    let mut others = conn.prepare_cached(
        "SELECT DISTINCT a.name FROM certificates c JOIN employments e ON e.person_id = c.person_id \
         JOIN agencies a ON a.id = e.agency_id WHERE c.number = ?1 AND c.kind = ?2 AND c.person_id <> ?3 ORDER BY a.name",
    )?;
    certificates(conn, person_id)?
        .into_iter()
        .map(|c| {
            let also_claimed_by = others
                .query_map(params![c.number, c.kind.key(), person_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            Ok(CertificateView {
                expired: !c.is_valid_on(today),
                expiring_soon: c.is_valid_on(today) && !c.is_valid_on(soon),
                expires_on: c.expires_on.map(|d| d.to_string()),
                issued_on: c.issued_on.map(|d| d.to_string()),
                level: c.level,
                kind: c.kind,
                number: c.number,
                issuer: c.issuer,
                specialty: c.specialty,
                also_claimed_by,
            })
        })
        .collect()
}

fn person_summary(conn: &Connection, seq_or_id: PersonKey<'_>, today: NaiveDate) -> Result<PersonSummary, StoreError> {
    let (sql, key): (&str, rusqlite::types::Value) = match seq_or_id {
        PersonKey::Seq(s) => {
            ("SELECT id, name, coalesce(id_masked, id_number), phone FROM people WHERE seq = ?1", s.into())
        }
        PersonKey::Id(i) => {
            ("SELECT id, name, coalesce(id_masked, id_number), phone FROM people WHERE id = ?1", i.to_owned().into())
        }
    };
    let (id, name, id_number, phone): (PersonId, String, String, String) = conn
        .prepare_cached(sql)?
        .query_row([key], |r| Ok((parse_id(r, 0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what: "person", id: format!("{seq_or_id:?}") })?;
    let id_s = id.to_string();
    let mut stmt = conn.prepare_cached(
        "SELECT e.agency_id, a.name, e.role, e.full_time, e.started_on, e.ended_on \
         FROM employments e JOIN agencies a ON a.id = e.agency_id WHERE e.person_id = ?1 ORDER BY a.seq",
    )?;
    let day = today.to_string();
    let employments = stmt
        .query_map([&id_s], |r| {
            let role: String = r.get(2)?;
            let (started_on, ended_on): (Option<String>, Option<String>) = (r.get(4)?, r.get(5)?);
            // Dates are stored as YYYY-MM-DD, so they compare as text.
            let current = started_on.as_ref().is_none_or(|s| *s <= day) && ended_on.as_ref().is_none_or(|e| *e >= day);
            Ok(EmploymentView {
                agency_id: parse_id(r, 0)?,
                agency_name: r.get(1)?,
                role: crate::known(("人员身份", "staff role"), &role, StaffRole::from_key)?,
                full_time: r.get(3)?,
                started_on,
                ended_on,
                current,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(PersonSummary {
        id,
        name,
        id_number_masked: mask_id_number(&id_number),
        phone,
        employments,
        certificates: certificate_views(conn, &id_s, today)?,
        capability_passed: latest_capability(conn, &id_s)?,
    })
}

#[derive(Debug, Clone, Copy)]
enum PersonKey<'a> {
    Seq(i64),
    Id(&'a str),
}

pub(crate) fn staff_views(
    conn: &Connection,
    agency_id: &str,
    today: NaiveDate,
) -> Result<Vec<PersonSummary>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id FROM employments e JOIN people p ON p.id = e.person_id WHERE e.agency_id = ?1 ORDER BY p.seq",
    )?;
    let ids: Vec<String> = stmt.query_map([agency_id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    ids.iter().map(|id| person_summary(conn, PersonKey::Id(id), today)).collect()
}

impl Store {
    /// People matching `text` by name, phone or certificate number (newest first; empty text
    /// lists the newest).
    pub fn search_people(&self, text: &str, limit: usize, today: NaiveDate) -> Result<Vec<PersonSummary>, StoreError> {
        let seqs = search::newest_or_find(&self.conn, Register::Person, text, limit)?;
        seqs.into_iter().map(|s| person_summary(&self.conn, PersonKey::Seq(s), today)).collect()
    }

    /// Registers a person on an agency's staff. The ID number is checked (GB 11643) before
    /// anything is written.
    pub fn add_person(
        &mut self,
        form: &NewPerson,
        id: PersonId,
        by: &Actor,
        now: &str,
        today: NaiveDate,
    ) -> Result<PersonSummary, StoreError> {
        let id_number = IdNumber::parse(&form.id_number)
            .map_err(|e| StoreError::Invalid { field: "id_number", message: e.message() })?;
        require(&[("name", &form.name, "姓名", "name"), ("phone", &form.phone, "联系电话", "phone")])?;
        let tx = self.conn.transaction()?;
        let agency_known = tx
            .query_row("SELECT 1 FROM agencies WHERE id = ?1", [form.agency_id.to_string()], |_| Ok(()))
            .optional()?;
        if agency_known.is_none() {
            return Err(StoreError::Invalid {
                field: "agency_id",
                message: Message::new("请选择所属服务机构", "Choose the agency"),
            });
        }
        let taken: Option<String> = tx
            .query_row("SELECT name FROM people WHERE id_number = ?1", [id_number.expose()], |r| r.get(0))
            .optional()?;
        if let Some(name) = taken {
            return Err(StoreError::Invalid {
                field: "id_number",
                message: Message::new(
                    format!("该身份证号码已登记（{name}）"),
                    format!("This ID number is already registered ({name})"),
                ),
            });
        }
        let person = Person {
            id,
            id_number: id_number.expose().to_owned(),
            name: form.name.trim().to_owned(),
            phone: form.phone.trim().to_owned(),
            certificates: vec![],
        };
        insert(&tx, &person, now)?;
        insert_employment(
            &tx,
            &Employment {
                person: id,
                agency: form.agency_id,
                role: form.role,
                full_time: form.full_time,
                started_on: None,
                ended_on: None,
            },
        )?;
        let out = person_summary(&tx, PersonKey::Id(&id.to_string()), today)?;
        let agency: String =
            tx.query_row("SELECT name FROM agencies WHERE id = ?1", [form.agency_id.to_string()], |r| r.get(0))?;
        let detail = format!("登记从业人员，任职 {agency}");
        audit::append(&tx, &by.entry(now, AuditAct::AddRegister, subject(&out.id_number_masked, &out.name), detail))?;
        tx.commit()?;
        Ok(out)
    }
}

/// How the audit log names a person: "从业人员 <masked ID number> <name>" — never the full
/// number. Their history is the entries under this subject.
pub(crate) fn subject(masked: &str, name: &str) -> String {
    format!("从业人员 {masked} {name}")
}

/// A certificate as the audit log describes it: "注册安全工程师 ZJ0001（浙江省人社厅，2020-01-01 发，有效期至 2028-01-09）".
fn describe(c: &Certificate) -> String {
    let mut terms = vec![c.issuer.clone()];
    terms.extend(c.specialty.iter().map(|s| format!("专业 {s}")));
    terms.extend(c.level.iter().map(|l| format!("等级 {l}")));
    terms.extend(c.issued_on.map(|d| format!("{d} 发")));
    terms.push(c.expires_on.map_or_else(|| "长期有效".to_owned(), |d| format!("有效期至 {d}")));
    format!("{} {}（{}）", c.kind.label_zh(), c.number, terms.join("，"))
}

impl Store {
    /// Adds a certificate to a registered person, or — the person already holding one of that
    /// kind and number — writes the form's terms over it. The change is an audit entry with
    /// the certificate as it was; a certificate number someone else holds is taken (the screens
    /// show it as claimed twice), since the bureau enters what the paper says.
    pub fn record_certificate(
        &mut self,
        person: PersonId,
        form: &Certificate,
        by: &Actor,
        now: &str,
    ) -> Result<(), StoreError> {
        let c = form.checked()?;
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (seq, who) = registered(&tx, person)?;
        let held =
            certificates(&tx, &person.to_string())?.into_iter().find(|h| h.kind == c.kind && h.number == c.number);
        let detail = match held {
            Some(h) if h == c => return Ok(()),
            Some(h) => {
                update_certificate(&tx, person, &c)?;
                format!("证书：{} → {}", describe(&h), describe(&c))
            }
            None => {
                insert_certificate(&tx, person, &c)?;
                format!("新增证书：{}", describe(&c))
            }
        };
        search::reindex(&tx, Register::Person, seq)?;
        audit::append(&tx, &by.entry(now, AuditAct::ChangeRegister, who, detail))?;
        tx.commit()?;
        Ok(())
    }
}

/// A post as the audit log describes it: "杭州安泰：技术人员，专职，2024-03-01 起，至 2026-06-30".
fn describe_post(agency: &str, e: &Employment) -> String {
    let mut terms = vec![e.role.label_zh().to_owned(), if e.full_time { "专职" } else { "兼职" }.to_owned()];
    terms.extend(e.started_on.map(|d| format!("{d} 起")));
    terms.extend(e.ended_on.map(|d| format!("至 {d}")));
    format!("{agency}：{}", terms.join("，"))
}

/// The person's subject in the audit log and their search row, or not found.
fn registered(conn: &Connection, person: PersonId) -> Result<(i64, String), StoreError> {
    let (seq, name, number): (i64, String, String) = conn
        .query_row("SELECT seq, name, id_number FROM people WHERE id = ?1", [person.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound { what: "person", id: person.to_string() })?;
    Ok((seq, subject(&mask_id_number(&number), &name)))
}

impl Store {
    /// 任职: a post at an agency for a registered person, or — a post there already held —
    /// the form's terms written over it, the old ones in the audit log. A full-time post
    /// overlapping a full-time post at another agency is taken and returned as a note: the
    /// bureau records what is so, and R1 then counts the person at neither (人员交叉使用).
    pub fn record_post(
        &mut self,
        person: PersonId,
        form: &PostForm,
        by: &Actor,
        now: &str,
    ) -> Result<Vec<Message>, StoreError> {
        let post = form.checked(person)?;
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (seq, who) = registered(&tx, person)?;
        let agency: String = tx
            .query_row("SELECT name FROM agencies WHERE id = ?1", [post.agency.to_string()], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::Invalid {
                field: "agency_id",
                message: Message::new("请选择任职的服务机构", "Choose the agency"),
            })?;
        // Said every time the post is saved, changed or not: it is what the bureau must see.
        let notes = if post.full_time { full_time_elsewhere(&tx, &post)? } else { vec![] };
        let held = posts_of(&tx, person)?.into_iter().find(|e| e.agency == post.agency);
        let detail = match held {
            Some(h) if h == post => None,
            Some(h) => Some(format!("任职：{} → {}", describe_post(&agency, &h), describe_post(&agency, &post))),
            None => Some(format!("新增任职：{}", describe_post(&agency, &post))),
        };
        if let Some(detail) = detail {
            insert_employment(&tx, &post)?;
            search::reindex(&tx, Register::Person, seq)?;
            audit::append(&tx, &by.entry(now, AuditAct::ChangeRegister, who, detail))?;
            tx.commit()?;
        }
        Ok(notes
            .into_iter()
            .map(|other| {
                Message::new(
                    format!("同一时期在 {other} 专职（人员交叉使用）：两家机构的 R1 均不计入此人"),
                    format!("Full-time at {other} over the same time (shared staff): R1 counts them at neither agency"),
                )
            })
            .collect())
    }

    /// 培训记录: a course a registered person completed, as the bureau enters it.
    pub fn record_training(
        &mut self,
        person: PersonId,
        form: &Training,
        by: &Actor,
        now: &str,
        today: NaiveDate,
    ) -> Result<(), StoreError> {
        let t = form.checked(today)?;
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (_, who) = registered(&tx, person)?;
        tx.prepare_cached(
            "INSERT INTO training_records(person_id, course, organiser, completed_on, hours) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![person.to_string(), t.course, t.organiser, t.completed_on.to_string(), t.hours])?;
        let detail = format!("培训记录：{}（{}，{} 结业，{} 学时）", t.course, t.organiser, t.completed_on, t.hours);
        audit::append(&tx, &by.entry(now, AuditAct::ChangeRegister, who, detail))?;
        tx.commit()?;
        Ok(())
    }

    /// A person as the people screen opens them.
    pub fn person_detail(&self, person: PersonId, today: NaiveDate) -> Result<PersonDetail, StoreError> {
        let (_, who) = registered(&self.conn, person)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT course, organiser, completed_on, hours FROM training_records WHERE person_id = ?1 \
             ORDER BY completed_on DESC, rowid DESC",
        )?;
        let trainings = stmt
            .query_map([person.to_string()], |r| {
                let day: String = r.get(2)?;
                Ok(Training {
                    course: r.get(0)?,
                    organiser: r.get(1)?,
                    completed_on: day.parse().map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
                    })?,
                    hours: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(PersonDetail {
            person: person_summary(&self.conn, PersonKey::Id(&person.to_string()), today)?,
            trainings,
            capability_tests: capability_tests(&self.conn, person)?,
            // The subject ends with the name, so a longer name beginning with this one is not
            // this person.
            history: audit::about(&self.conn, &who)?.into_iter().filter(|e| e.subject == who).collect(),
        })
    }
}

/// The other agencies where the person holds a full-time post overlapping `post`.
fn full_time_elsewhere(conn: &Connection, post: &Employment) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.name FROM employments e JOIN agencies a ON a.id = e.agency_id \
         WHERE e.person_id = ?1 AND e.agency_id <> ?2 AND e.full_time = 1 \
           AND (e.started_on IS NULL OR ?4 IS NULL OR e.started_on <= ?4) \
           AND (e.ended_on IS NULL OR ?3 IS NULL OR e.ended_on >= ?3) ORDER BY a.seq",
    )?;
    let rows = stmt.query_map(
        params![
            post.person.to_string(),
            post.agency.to_string(),
            post.started_on.map(|d| d.to_string()),
            post.ended_on.map(|d| d.to_string())
        ],
        |r| r.get(0),
    )?;
    rows.collect()
}
