//! A visit as it is recorded and signed: its template, people, answers, hazards (and the
//! target's open ones at a re-inspection) and what it still lacks before it can end.

use crate::base::templates;
use crate::base::views::{GapAt, ItemAnswer, Place, VisitDetail, VisitGap};
use crate::evidence::hazards;
use crate::evidence::visits::{self, answers, summaries};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use safeserve_core::document::short;
use safeserve_core::hazard::HazardGap;
use safeserve_core::visit::{ServicePlan, VisitKind};
use safeserve_core::{Message, VisitId};
use std::collections::HashMap;

impl Store {
    /// What `v` still lacks before it can end and its hazard list be signed, each where it is.
    fn gaps(&self, v: &VisitDetail) -> Result<Vec<VisitGap>, StoreError> {
        let mut out = Vec::new();
        let answers: HashMap<&str, &ItemAnswer> = v.answers.iter().map(|a| (a.code.as_str(), a)).collect();
        for item in v.template.items() {
            let at = || GapAt::Item { code: item.code.clone() };
            let answer = answers.get(item.code.as_str());
            if answer.and_then(|a| a.result).is_none() {
                let message = Message::new(
                    format!("检查项 {} 未填写检查结果", item.code),
                    format!("Item {} has no result yet", item.code),
                );
                out.push(VisitGap { at: at(), message });
            }
            for p in answer.map(|a| a.photos.as_slice()).unwrap_or_default() {
                out.extend(self.missing_photo_file(&p.sha256)?.map(|message| VisitGap { at: at(), message }));
            }
        }
        for h in &v.hazards {
            let at = || GapAt::Hazard { id: h.id };
            let which = Message::new(
                format!("隐患「{}」", short(&h.description)),
                format!("Hazard \"{}\"", short(&h.description)),
            );
            for gap in HazardGap::of(&h.measure, &h.deadline) {
                out.push(VisitGap { at: at(), message: gap.message_for(&which) });
            }
            for p in &h.photos_before {
                out.extend(self.missing_photo_file(&p.sha256)?.map(|message| VisitGap { at: at(), message }));
            }
        }
        Ok(out)
    }

    /// A visit with its template, answers and hazards.
    pub fn visit(&self, id: VisitId, today: NaiveDate) -> Result<VisitDetail, StoreError> {
        let id_s = id.to_string();
        let summary = summaries(&self.conn, "WHERE v.id = ?1", &id_s)?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "visit", id: id_s.clone() })?;
        #[allow(clippy::type_complexity)]
        let (key, version, lat, lon, place, assessment, plan, mismatches, reason): (
            String,
            u32,
            Option<f64>,
            Option<f64>,
            String,
            String,
            Option<String>,
            String,
            Option<String>,
        ) = self
            .conn
            .prepare_cached(
                "SELECT template_key, template_version, latitude, longitude, place, assessment, plan, mismatches, \
             mismatch_reason FROM visits WHERE id = ?1",
            )?
            .query_row([&id_s], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
            })?;
        let people = visits::people_of(&self.conn, &id_s)?;
        let open_hazards = if summary.kind == VisitKind::Reinspection {
            hazards::views(&self.conn, hazards::Scope::Target(&summary.target_id), today)?
                .into_iter()
                .filter(|h| h.visit_id != id && h.state.status != safeserve_core::hazard::HazardStatus::Closed)
                .collect()
        } else {
            Vec::new()
        };
        let mut detail = VisitDetail {
            template: templates::load(&self.conn, &key, version)?,
            place: Place { latitude: lat, longitude: lon, description: place },
            plan_staff: visits::plan_staff(&people),
            people,
            answers: answers(&self.conn, &id_s)?,
            hazards: hazards::views(&self.conn, hazards::Scope::Visit(&id_s), today)?,
            mismatches: serde_json::from_str(&mismatches).unwrap_or_default(),
            mismatch_reason: reason,
            assessment,
            plan: plan.and_then(|p| serde_json::from_str::<ServicePlan>(&p).ok()),
            open_hazards,
            summary,
            gaps: Vec::new(),
        };
        detail.gaps = self.gaps(&detail)?;
        Ok(detail)
    }
}
