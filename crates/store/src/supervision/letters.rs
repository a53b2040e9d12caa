//! Letters (函告, R12) around their signing: the findings an inspection offers a letter, each
//! with its evidence; the draft a supervisor approves; after signing, the agency's reply against
//! the deadline; and the reference-number register checked for gaps and repeats.
//!
//! Approval is signing the letter form (`documents.rs`), which takes the draft's words; the
//! reference number is given out at that moment, by the central server when this laptop is
//! enrolled (one series per bureau and year across every laptop), else by this database.

use crate::base::views::{LetterNumberSeries, LetterView};

/// A reply to a letter, or the bureau's review of it, as recorded.
#[derive(Debug, Clone)]
pub struct NewLetterEvent {
    pub kind: LetterEventKind,
    pub on_date: NaiveDate,
    pub note: String,
    pub by: String,
}
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use safeserve_core::document::{DocumentContent, DocumentKind};
use safeserve_core::letter::{self, Finding, FindingSource, LetterDraft, LetterEventKind};
use safeserve_core::visit::{ItemResult, VisitKind};
use safeserve_core::{DocumentId, Message, VisitId};
use std::collections::BTreeMap;

pub(crate) fn draft(conn: &Connection, visit: &str) -> Result<Option<LetterDraft>, StoreError> {
    let row: Option<(String, String, u32, String)> = conn
        .prepare_cached("SELECT findings, demands, reply_days, drafted_by FROM letter_drafts WHERE visit_id = ?1")?
        .query_row([visit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    Ok(row.map(|(findings, demands, reply_days, drafted_by)| LetterDraft {
        visit_id: visit.to_owned(),
        findings: serde_json::from_str(&findings).unwrap_or_default(),
        demands: serde_json::from_str(&demands).unwrap_or_default(),
        reply_days,
        drafted_by,
    }))
}

impl Store {
    /// What an agency inspection offers a letter: its failed checklist items, its hazards and
    /// the agency's unmet R1 conditions, each with the evidence on file.
    pub fn letter_candidates(&self, visit: VisitId, today: NaiveDate) -> Result<Vec<Finding>, StoreError> {
        let v = self.visit(visit, today)?;
        let record: Option<String> = self
            .conn
            .query_row(
                "SELECT verification_code FROM documents WHERE visit_id = ?1 AND kind = 'inspection_record' \
                 ORDER BY version DESC LIMIT 1",
                [visit.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let on_record = |photos: usize| {
            let mut e = Vec::new();
            if photos > 0 {
                e.push(format!("现场照片 {photos} 张"));
            }
            if let Some(code) = &record {
                e.push(format!("见现场检查记录（核验码 {code}）"));
            }
            e
        };
        let mut out = Vec::new();
        for section in &v.template.sections {
            for item in &section.items {
                let Some(a) = v.answers.iter().find(|a| a.code == item.code && a.result == Some(ItemResult::Fail))
                else {
                    continue;
                };
                let mut evidence = Vec::new();
                if !item.basis.trim().is_empty() {
                    evidence.push(format!("依据{}", item.basis.trim()));
                }
                if !a.note.trim().is_empty() {
                    evidence.push(format!("检查记录：{}", a.note.trim()));
                }
                evidence.extend(on_record(a.photos.len()));
                out.push(Finding {
                    source: FindingSource::Item { code: item.code.clone() },
                    text: format!("{}不符合要求", item.text.trim().trim_end_matches(['。', '？', '?'])),
                    evidence,
                });
            }
        }
        for h in &v.hazards {
            let mut evidence = vec![format!("{}隐患，位置：{}", h.level.label_zh(), h.location)];
            if !h.basis.trim().is_empty() {
                evidence.push(format!("依据{}", h.basis.trim()));
            }
            evidence.extend(on_record(h.photos_before.len()));
            out.push(Finding {
                source: FindingSource::Hazard { id: h.id.to_string() },
                text: h.description.clone(),
                evidence,
            });
        }
        if v.summary.kind == VisitKind::AgencyInspection {
            if let Ok(agency) = v.summary.target_id.parse() {
                for u in self.agency_detail(agency, today)?.unmet {
                    out.push(Finding {
                        source: FindingSource::Condition { condition: format!("{:?}", u.kind) },
                        text: u.message.zh.clone(),
                        evidence: u.evidence.iter().take(5).cloned().collect(),
                    });
                }
            }
        }
        Ok(out)
    }

    pub fn letter_draft(&self, visit: VisitId) -> Result<Option<LetterDraft>, StoreError> {
        draft(&self.conn, &visit.to_string())
    }

    /// Saves the draft of the letter of an ended agency inspection. Refused, with nothing
    /// written, when it lists no findings or demands, or when the letter is already signed
    /// (a signed letter changes only by a correction).
    pub fn save_letter_draft(&mut self, d: &LetterDraft, now: &str) -> Result<(), StoreError> {
        let visit: VisitId =
            d.visit_id.parse().map_err(|_| StoreError::NotFound { what: "visit", id: d.visit_id.clone() })?;
        let (kind, ended): (String, Option<String>) = self
            .conn
            .query_row("SELECT kind, ended_at FROM visits WHERE id = ?1", [visit.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "visit", id: d.visit_id.clone() })?;
        let mut problems = letter::draft_problems(d);
        if kind != VisitKind::AgencyInspection.key() {
            problems.push(Message::new(
                "只有对服务机构的检查可以拟写函告",
                "Only an agency inspection can lead to a letter",
            ));
        }
        if ended.is_none() {
            problems.push(Message::new(
                "检查还没有结束，请先结束检查再拟写函告",
                "End the inspection before drafting its letter",
            ));
        }
        let signed: bool = self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM documents WHERE visit_id = ?1 AND kind = 'letter')",
            [visit.to_string()],
            |r| r.get(0),
        )?;
        if signed {
            problems.push(Message::new(
                "该函告已签发，不能再修改草稿；如需改动请签发更正版本",
                "The letter is signed; change it by signing a correction",
            ));
        }
        if !problems.is_empty() {
            return Err(StoreError::Refused { problems });
        }
        let findings: Vec<Finding> =
            d.findings.iter().map(|f| Finding { text: f.text.trim().to_owned(), ..f.clone() }).collect();
        let demands: Vec<&str> = d.demands.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
        self.conn.execute(
            "INSERT INTO letter_drafts(visit_id, findings, demands, reply_days, drafted_by, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(visit_id) DO UPDATE SET findings = excluded.findings, \
             demands = excluded.demands, reply_days = excluded.reply_days, drafted_by = excluded.drafted_by, \
             updated_at = excluded.updated_at",
            params![
                visit.to_string(),
                serde_json::to_string(&findings).unwrap_or_default(),
                serde_json::to_string(&demands).unwrap_or_default(),
                d.reply_days,
                d.drafted_by.trim(),
                now
            ],
        )?;
        Ok(())
    }

    /// Records the agency's reply to a letter, or the bureau's acceptance or rejection of it.
    pub fn record_letter_event(
        &mut self,
        letter: DocumentId,
        event: &NewLetterEvent,
        now: &str,
        today: NaiveDate,
    ) -> Result<LetterView, StoreError> {
        let NewLetterEvent { kind, on_date, note, by } = event;
        let (kind, on_date) = (*kind, *on_date);
        let view = self.letter(letter, today)?;
        let events: Vec<LetterEventKind> = view.events.iter().map(|e| e.kind).collect();
        let mut problems: Vec<Message> = letter::event_problem(&events, kind).into_iter().collect();
        if on_date > today {
            problems.push(Message::new(format!("日期 {on_date} 晚于今天"), format!("{on_date} is after today")));
        }
        if on_date.to_string().as_str() < view.dated.as_str() {
            problems.push(Message::new(
                format!("日期 {on_date} 早于函告的发文日期 {}", view.dated),
                format!("{on_date} is before the letter's date {}", view.dated),
            ));
        }
        if kind == LetterEventKind::Replied && note.trim().is_empty() {
            problems.push(Message::new("请填写回复的主要内容", "Enter what the reply says"));
        }
        if by.trim().is_empty() {
            problems.push(Message::new("请填写登记人", "Enter who records this"));
        }
        if !problems.is_empty() {
            return Err(StoreError::Refused { problems });
        }
        self.conn.execute(
            "INSERT INTO letter_events(letter_id, kind, on_date, note, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![view.id.to_string(), kind.key(), on_date.to_string(), note.trim(), by.trim(), now],
        )?;
        self.letter(letter, today)
    }

    /// One signed letter (its newest version) with its reply state on `today`.
    pub fn letter(&self, id: DocumentId, today: NaiveDate) -> Result<LetterView, StoreError> {
        // By the letter (its first version's id) or by any of its versions.
        self.letters_where(
            "EXISTS (SELECT 1 FROM chain c2 WHERE c2.id = ?1 AND c2.first = chain.first)",
            &id.to_string(),
            today,
        )?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "letter", id: id.to_string() })
    }

    /// Every signed letter (newest version of each), newest first; `agency` narrows to one.
    pub fn letters(&self, agency: Option<&str>, today: NaiveDate) -> Result<Vec<LetterView>, StoreError> {
        match agency {
            Some(a) => self.letters_where("d.agency_id = ?1", a, today),
            None => self.letters_where("?1 = ''", "", today),
        }
    }

    fn letters_where(&self, filter: &str, arg: &str, today: NaiveDate) -> Result<Vec<LetterView>, StoreError> {
        // Events hang on the first version: a corrected letter is the same letter.
        let mut stmt = self.conn.prepare_cached(&format!(
            "WITH RECURSIVE chain(id, first) AS ( \
               SELECT id, id FROM documents WHERE kind = 'letter' AND replaces IS NULL \
               UNION ALL SELECT d.id, chain.first FROM documents d JOIN chain ON d.replaces = chain.id) \
             SELECT d.id, chain.first, d.content, d.agency_id, d.visit_id, d.version, d.verification_code, d.signed_at \
             FROM documents d JOIN chain ON chain.id = d.id \
             WHERE NOT EXISTS (SELECT 1 FROM documents n WHERE n.replaces = d.id) AND {filter} \
             ORDER BY d.seq DESC"
        ))?;
        let rows = stmt
            .query_map([arg], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, u32>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, first, content, agency_id, visit_id, version, code, signed_at) in rows {
            let content: DocumentContent = serde_json::from_slice(&content).map_err(|e| StoreError::Corrupt {
                path: self.path.clone(),
                source: Some(rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Blob, e.into())),
            })?;
            let Some(facts) = content.letter else { continue };
            let mut ev = self.conn.prepare_cached(
                "SELECT kind, on_date, note, recorded_by, recorded_at FROM letter_events WHERE letter_id IN (?1, ?2) ORDER BY seq",
            )?;
            let events = ev
                .query_map([&first, &id], |r| {
                    Ok(crate::base::views::LetterEventView {
                        kind: crate::known(
                            ("函告事件", "letter event"),
                            &r.get::<_, String>(0)?,
                            LetterEventKind::from_key,
                        )?,
                        on_date: r.get(1)?,
                        note: r.get(2)?,
                        recorded_by: r.get(3)?,
                        recorded_at: r.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let reply_by = NaiveDate::parse_from_str(&facts.reply_by, "%Y-%m-%d").unwrap_or(today);
            let kinds: Vec<LetterEventKind> = events.iter().map(|e| e.kind).collect();
            out.push(LetterView {
                id: first.parse().map_err(|_| StoreError::NotFound { what: "letter", id: first.clone() })?,
                latest: id.parse().map_err(|_| StoreError::NotFound { what: "letter", id: id.clone() })?,
                version,
                reference: facts.reference,
                agency_id,
                visit_id,
                recipient: facts.recipient,
                title: content.title,
                findings: facts.findings,
                dated: facts.dated,
                reply_by: facts.reply_by,
                state: letter::reply_state(reply_by, &kinds, today),
                days_overdue: (today - reply_by).num_days().max(0) as u32,
                events,
                verification_code: code,
                signed_at,
            });
        }
        Ok(out)
    }

    /// The reference numbers of every letter held here (first versions; a correction keeps its
    /// letter's number), per series: how many, the highest, and any number missing or used twice.
    pub fn letter_numbers(&self) -> Result<Vec<LetterNumberSeries>, StoreError> {
        let mut series: BTreeMap<(String, i32), BTreeMap<u32, Vec<String>>> = BTreeMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, content FROM documents WHERE kind = ?1 AND replaces IS NULL ORDER BY seq")?;
        let rows = stmt
            .query_map([DocumentKind::Letter.key()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (id, content) in rows {
            let reference = serde_json::from_slice::<DocumentContent>(&content)
                .ok()
                .and_then(|c| c.letter)
                .map(|l| l.reference)
                .unwrap_or_default();
            if let Some((prefix, year, n)) = letter::parse_reference(&reference) {
                series.entry((prefix, year)).or_default().entry(n).or_default().push(id);
            }
        }
        Ok(series
            .into_iter()
            .map(|((prefix, year), numbers)| {
                let highest = numbers.keys().next_back().copied().unwrap_or(0);
                LetterNumberSeries {
                    missing: (1..=highest).filter(|n| !numbers.contains_key(n)).collect(),
                    repeated: numbers.iter().filter(|(_, ids)| ids.len() > 1).map(|(n, _)| *n).collect(),
                    count: numbers.values().map(Vec::len).sum::<usize>() as u32,
                    prefix,
                    year,
                    highest,
                }
            })
            .collect())
    }
}
