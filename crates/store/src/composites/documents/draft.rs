//! What a form would freeze if signed now, drawn from the records, and what still stands in its way.

use super::*;

pub(super) fn party(conn: &Connection, table: &str, id: &str) -> Result<Party, StoreError> {
    let principal = if table == "enterprises" { "principal" } else { "''" };
    conn.prepare_cached(&format!("SELECT name, credit_code, address, {principal} FROM {table} WHERE id = ?1"))?
        .query_row([id], |r| {
            Ok(Party { name: r.get(0)?, credit_code: r.get(1)?, address: r.get(2)?, principal: r.get(3)? })
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: if table == "enterprises" { "enterprise" } else { "agency" },
            id: id.into(),
        })
}

/// The emergency management bureau of the city a division lies in, and its letters' prefix
/// (杭州市 → 杭州市应急管理局, 杭应急函).
pub(super) fn bureau(conn: &Connection, division: &str) -> Result<(Party, String), StoreError> {
    let city = format!("{}00", division.get(..4).unwrap_or(division));
    let name: String = conn
        .prepare_cached("SELECT name FROM divisions WHERE code = ?1")?
        .query_row([&city], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| "杭州市".into());
    let prefix = format!("{}应急函", name.chars().next().unwrap_or('杭'));
    Ok((Party { name: format!("{name}应急管理局"), ..Party::default() }, prefix))
}

pub(super) fn division_of(conn: &Connection, table: &str, id: &str) -> Result<String, StoreError> {
    Ok(conn.query_row(&format!("SELECT division FROM {table} WHERE id = ?1"), [id], |r| r.get(0))?)
}

pub(super) fn photo_facts(p: &crate::base::views::PhotoRef) -> PhotoFacts {
    PhotoFacts {
        sha256: p.sha256.clone(),
        width: p.width,
        height: p.height,
        taken_at: p.taken_at.clone().unwrap_or_default(),
    }
}

pub(super) fn hazard_facts(number: usize, h: &HazardView, verdict: String) -> HazardFacts {
    HazardFacts {
        number: number as u32 + 1,
        id: h.id.to_string(),
        major: h.level == safeserve_core::hazard::HazardLevel::Major,
        level: h.level.label_zh().into(),
        category: h.category.label_zh().into(),
        description: h.description.clone(),
        location: h.location.clone(),
        basis: h.basis.clone(),
        measure: h.measure.clone(),
        deadline: h.deadline.clone(),
        responsible: h.responsible.clone(),
        state: if h.state.overdue { "逾期未整改".into() } else { h.state.status.label_zh().into() },
        photos_before: h.photos_before.iter().map(photo_facts).collect(),
        photos_after: h.photos_after.iter().map(photo_facts).collect(),
        verdict,
    }
}

/// A re-inspection's verdict on a hazard: the last thing this visit recorded about it.
pub(super) fn verdict_of(h: &HazardView, visit: VisitId) -> Option<String> {
    h.events.iter().rev().filter(|e| e.visit_id == Some(visit)).find_map(|e| match e.kind {
        HazardEventKind::Closed | HazardEventKind::Verified => Some("整改合格，予以销号".to_string()),
        HazardEventKind::KeptOpen => Some(format!("整改未完成，继续整改：{}", e.note)),
        _ => None,
    })
}

pub(super) fn items(template: &Template, visit: &VisitDetail) -> Vec<ItemFacts> {
    let mut out = Vec::new();
    for section in &template.sections {
        for item in &section.items {
            let answer = visit.answers.iter().find(|a| a.code == item.code);
            out.push(ItemFacts {
                code: item.code.clone(),
                section: section.title.clone(),
                text: item.text.clone(),
                basis: item.basis.clone(),
                result: answer.and_then(|a| a.result).map(|r| r.label_zh().to_string()).unwrap_or_default(),
                note: answer.map(|a| a.note.clone()).unwrap_or_default(),
                photos: answer.map(|a| a.photos.iter().map(photo_facts).collect()).unwrap_or_default(),
            });
        }
    }
    out
}

pub(super) fn missing_source(field: &'static str) -> StoreError {
    crate::base::rows::invalid(
        field,
        "未指定文书所依据的检查或企业",
        "The visit or enterprise the document is drawn from is missing",
    )
}

pub(super) fn c_items_failed(template: &Template, v: &VisitDetail) -> Vec<String> {
    items(template, v)
        .into_iter()
        .filter(|i| i.result == safeserve_core::visit::ItemResult::Fail.label_zh())
        .map(|i| if i.note.is_empty() { i.text } else { format!("{}（{}）", i.text, i.note) })
        .collect()
}

impl Store {
    /// The content a form would freeze if signed now, and what still stands in the way.
    pub fn draft_document(&self, req: &DocumentRequest, now: DateTime<FixedOffset>) -> Result<Draft, StoreError> {
        let (content, mut problems) = self.build(req, now)?;
        problems.extend(content.problems());
        problems.extend(self.missing_photo_files(&content)?);
        Ok(Draft { content, problems })
    }

    pub(super) fn build(
        &self,
        req: &DocumentRequest,
        now: DateTime<FixedOffset>,
    ) -> Result<(DocumentContent, Vec<Message>), StoreError> {
        let today = now.date_naive();
        let mut problems = Vec::new();
        let mut content = DocumentContent {
            signatures: req.signatures.clone(),
            replaces: req.replaces.map(|r| r.to_string()),
            correction_reason: req.correction_reason.trim().to_string(),
            ..DocumentContent::blank(req.kind, now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        };
        if req.replaces.is_some() && content.correction_reason.is_empty() {
            problems.push(Message::new("更正文书须写明更正原因", "A correction needs its reason"));
        }
        let visit_kind = if req.kind == DocumentKind::EnterpriseFile {
            let id = req.enterprise_id.ok_or_else(|| missing_source("enterprise_id"))?;
            let id_s = id.to_string();
            content.subject = party(&self.conn, "enterprises", &id_s)?;
            content.issuer = bureau(&self.conn, &division_of(&self.conn, "enterprises", &id_s)?)?.0;
            content.bundled = self.bundle_of(id)?;
            if content.bundled.is_empty() {
                problems.push(Message::new(
                    "该企业还没有已签字的文书，无法汇编一企一档",
                    "The enterprise has no signed documents to bundle yet",
                ));
            }
            None
        } else {
            let id = req.visit_id.ok_or_else(|| missing_source("visit_id"))?;
            let v = self.visit(id, today)?;
            self.fill_from_visit(&mut content, &v, &mut problems)?;
            Some(v.summary.kind)
        };
        for roles in doc::required_roles(req.kind, visit_kind) {
            if !content.signatures.iter().any(|s| roles.contains(&s.role)) {
                let names: Vec<&str> = roles.iter().map(|r| r.label_zh()).collect();
                let en: Vec<&str> = roles.iter().map(|r| r.label_en()).collect();
                problems.push(Message::new(
                    format!("缺少{}的签字", names.join("或")),
                    format!("The signature of the {} is missing", en.join(" or ").to_lowercase()),
                ));
            }
        }
        Ok((content, problems))
    }

    pub(super) fn fill_from_visit(
        &self,
        c: &mut DocumentContent,
        v: &VisitDetail,
        problems: &mut Vec<Message>,
    ) -> Result<(), StoreError> {
        let s = &v.summary;
        if s.ended_at.is_none() {
            problems.push(Message::new(
                "检查尚未结束：请先结束检查，记录冻结后才能签字",
                "The visit has not ended: end it first, so its record is frozen before signing",
            ));
        }
        let (table, id) = if s.kind.visits_agency() {
            ("agencies", s.target_id.as_str())
        } else {
            ("enterprises", s.target_id.as_str())
        };
        c.subject = party(&self.conn, table, id)?;
        let (bureau, prefix) = bureau(&self.conn, &division_of(&self.conn, table, id)?)?;
        c.issuer =
            if s.kind.by_agency() { self.agency_of_people(v)?.unwrap_or(bureau.clone()) } else { bureau.clone() };
        c.place = if v.place.description.trim().is_empty() {
            match (v.place.latitude, v.place.longitude) {
                (Some(la), Some(lo)) => format!("{la:.5}, {lo:.5}"),
                _ => String::new(),
            }
        } else {
            v.place.description.clone()
        };
        c.visit = Some(VisitFacts {
            id: s.id.to_string(),
            kind: s.kind.label_zh().into(),
            started_at: s.started_at.clone(),
            ended_at: s.ended_at.clone().unwrap_or_default(),
            place: c.place.clone(),
            checklist: format!("{}（第 {} 版）", v.template.title, v.template.version),
        });
        for p in &v.people {
            let id_number: String = self.conn.query_row(
                "SELECT coalesce(id_masked, id_number) FROM people WHERE id = ?1",
                [p.id.to_string()],
                |r| r.get(0),
            )?;
            c.people.push(PersonFacts {
                name: p.name.clone(),
                id_number: mask_id_number(&id_number),
                certificates: p
                    .certificates
                    .iter()
                    .map(|cert| CertificateFacts {
                        kind: match &cert.specialty {
                            Some(sp) if !sp.is_empty() => format!("{}（{sp}）", cert.kind.label_zh()),
                            _ => cert.kind.label_zh().to_string(),
                        },
                        number: cert.number.clone(),
                        expires_on: cert.expires_on.clone().unwrap_or_default(),
                    })
                    .collect(),
            });
        }
        let hazards: Vec<HazardFacts> = match c.kind {
            DocumentKind::Reinspection => v
                .open_hazards
                .iter()
                .chain(self.settled_by(v, c.signed_at.get(..10).unwrap_or_default())?.iter())
                .filter_map(|h| verdict_of(h, s.id).map(|verdict| (h, verdict)))
                .enumerate()
                .map(|(i, (h, verdict))| hazard_facts(i, h, verdict))
                .collect(),
            _ => v.hazards.iter().enumerate().map(|(i, h)| hazard_facts(i, h, String::new())).collect(),
        };
        match c.kind {
            DocumentKind::InspectionRecord => {
                c.items = items(&v.template, v);
                c.hazards = hazards;
            }
            DocumentKind::HazardList | DocumentKind::RectificationNotice => c.hazards = hazards,
            DocumentKind::Reinspection => {
                if hazards.is_empty() {
                    problems
                        .push(Message::new("本次复查没有对任何隐患作出结论", "This re-inspection settled no hazard"));
                }
                c.hazards = hazards;
            }
            DocumentKind::ServicePlan => {
                let plan = v.plan.clone().unwrap_or_default();
                if plan.staff.is_empty() {
                    problems.push(Message::new("服务细化方案还没有列出派出人员", "The service plan lists no staff"));
                }
                c.plan = plan
                    .staff
                    .iter()
                    .enumerate()
                    .map(|(i, p)| PlanRow {
                        name: p.name.clone(),
                        specialty: p.specialty.clone(),
                        grade: p.grade.clone(),
                        duty: if i == 0 { "项目负责人" } else { "技术服务人员" }.into(),
                    })
                    .collect();
                c.assessment = match (plan.schedule.trim(), v.assessment.trim()) {
                    ("", a) => a.to_string(),
                    (s, "") => format!("服务安排：{s}"),
                    (s, a) => format!("服务安排：{s}\n{a}"),
                };
            }
            DocumentKind::Letter => {
                // The draft a supervisor approves holds the words; without one, the letter
                // offers every failed item and hazard of the inspection as they stand.
                let draft = crate::supervision::letters::draft(&self.conn, &s.id.to_string())?;
                let reply_days = draft.as_ref().map_or(letter::DEFAULT_REPLY_DAYS, |d| d.reply_days);
                let today = DateTime::parse_from_rfc3339(&c.signed_at).map(|d| d.date_naive()).unwrap_or_default();
                let reply_by = (today + Days::new(reply_days.into())).format("%Y-%m-%d").to_string();
                let (findings, mut demands) = match draft {
                    Some(d) => (d.findings.iter().map(|f| f.printed()).collect(), d.demands),
                    None => {
                        let mut findings: Vec<String> = v.hazards.iter().map(|h| h.description.clone()).collect();
                        if findings.is_empty() {
                            findings = c_items_failed(&v.template, v);
                        }
                        let demands = vec![
                            "对上述问题立即组织整改，完善服务记录和档案资料，杜绝弄虚作假；".into(),
                            "对相关技术服务人员开展警示教育，落实项目质量控制；".into(),
                        ];
                        (findings, demands)
                    }
                };
                demands.push(format!("于{}前将整改情况书面报送我局。", doc::chinese_date(&reply_by)));
                c.issuer = bureau;
                c.letter = Some(LetterFacts {
                    reference: format!("{prefix}〔{}〕□号", today.year()),
                    issuer: c.issuer.name.clone(),
                    recipient: c.subject.name.clone(),
                    demands,
                    findings,
                    reply_by,
                    dated: today.format("%Y-%m-%d").to_string(),
                    contact: c.signatures.first().map(|s| s.name.clone()).unwrap_or_default(),
                });
                c.title = format!("关于{}服务质量问题的函", c.subject.name);
            }
            DocumentKind::EnterpriseFile => {}
        }
        if c.kind == DocumentKind::RectificationNotice && c.hazards.is_empty() {
            problems.push(Message::new(
                "本次检查没有发现隐患，无需整改通知书",
                "No hazards were found: there is nothing to notify",
            ));
        }
        Ok(())
    }

    /// Hazards this (re-inspection) visit closed: no longer among the open ones.
    pub(super) fn settled_by(&self, v: &VisitDetail, day: &str) -> Result<Vec<HazardView>, StoreError> {
        let today = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap_or_default();
        Ok(crate::evidence::hazards::views(
            &self.conn,
            crate::evidence::hazards::Scope::Target(&v.summary.target_id),
            today,
        )?
        .into_iter()
        .filter(|h| {
            !v.open_hazards.iter().any(|o| o.id == h.id) && h.events.iter().any(|e| e.visit_id == Some(v.summary.id))
        })
        .collect())
    }

    pub(super) fn agency_of_people(&self, v: &VisitDetail) -> Result<Option<Party>, StoreError> {
        let Some(first) = v.people.first() else { return Ok(None) };
        let agency: Option<String> = self
            .conn
            .query_row(
                "SELECT agency_id FROM employments WHERE person_id = ?1 ORDER BY full_time DESC LIMIT 1",
                [first.id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        agency.map(|a| party(&self.conn, "agencies", &a)).transpose()
    }

    /// The newest version of each signed document of an enterprise (not earlier bundles).
    pub(super) fn bundle_of(&self, id: EnterpriseId) -> Result<Vec<DocumentRef>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.kind, d.version, d.signed_at, d.content_hash, d.verification_code FROM documents d \
             WHERE d.enterprise_id = ?1 AND d.kind <> 'enterprise_file' \
             AND NOT EXISTS (SELECT 1 FROM documents n WHERE n.replaces = d.id) ORDER BY d.seq",
        )?;
        let rows = stmt.query_map([id.to_string()], |r| {
            Ok(DocumentRef {
                id: r.get(0)?,
                kind: crate::known(("文书类别", "document kind"), &r.get::<_, String>(1)?, DocumentKind::from_key)?,
                version: r.get(2)?,
                signed_at: r.get(3)?,
                content_hash: r.get(4)?,
                verification_code: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(super) fn missing_photo_files(&self, c: &DocumentContent) -> Result<Vec<Message>, StoreError> {
        let mut out = Vec::new();
        for p in c.photos() {
            out.extend(self.missing_photo_file(&p.sha256)?);
        }
        Ok(out)
    }
}
