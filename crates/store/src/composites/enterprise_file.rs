//! 一企一档: an enterprise with its contracts, the agencies serving it, its visits, its
//! hazards and their timeline — a read model across registers and evidence.

use crate::base::views::{ContractView, EnterpriseFile, HazardView, TimelineEntry, TimelineKind, VisitSummary};
use crate::evidence::{hazards, visits};
use crate::registers::contracts;
use crate::registers::enterprises::{summary, summary_sql};
use crate::{Store, StoreError};
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use safeserve_core::hazard::HazardLevel;
use safeserve_core::{EnterpriseId, Message};

/// The enterprise file's timeline, newest first: contracts signed, visits made, hazards found
/// and what happened to them.
fn timeline(contracts: &[ContractView], visits: &[VisitSummary], hazards: &[HazardView]) -> Vec<TimelineEntry> {
    let mut out = Vec::with_capacity(contracts.len() + visits.len() + hazards.len() * 2);
    for c in contracts {
        out.push(TimelineEntry {
            at: c.starts_on.clone(),
            kind: TimelineKind::Contract,
            id: c.id.to_string(),
            title: Message::new(format!("服务合同 · {}", c.agency_name), format!("Contract · {}", c.agency_name)),
            detail: Message::new(
                format!("{} 至 {}，{} 元", c.starts_on, c.ends_on, c.fee_yuan),
                format!("{} to {}, ¥{}", c.starts_on, c.ends_on, c.fee_yuan),
            ),
            major: false,
        });
    }
    for v in visits {
        let people = v.people.join("、");
        out.push(TimelineEntry {
            at: v.started_at.clone(),
            kind: TimelineKind::Visit,
            id: v.id.to_string(),
            title: Message::new(
                format!("{} · {people}", v.kind.label_zh()),
                format!("{} · {people}", v.kind.label_en()),
            ),
            detail: Message::new(
                format!("重大隐患 {} 项，一般隐患 {} 项", v.hazards_major, v.hazards_general),
                format!("{} major and {} general hazards", v.hazards_major, v.hazards_general),
            ),
            major: v.hazards_major > 0,
        });
    }
    for h in hazards {
        for e in &h.events {
            let detail =
                if e.note.is_empty() { h.description.clone() } else { format!("{}（{}）", h.description, e.note) };
            out.push(TimelineEntry {
                at: e.at.clone(),
                kind: TimelineKind::Hazard,
                id: h.id.to_string(),
                title: Message::new(
                    format!("{} · {}", h.level.label_zh(), e.kind.label_zh()),
                    format!("{} hazard · {}", h.level.label_en(), e.kind.label_en()),
                ),
                detail: Message::new(detail.clone(), detail),
                major: h.level == HazardLevel::Major,
            });
        }
    }
    out.sort_by(|a, b| b.at.cmp(&a.at));
    out
}

impl Store {
    /// 一企一档: the enterprise, its contracts and the agencies serving it on `today`.
    pub fn enterprise_file(&self, id: EnterpriseId, today: NaiveDate) -> Result<EnterpriseFile, StoreError> {
        let id_s = id.to_string();
        let sql = summary_sql("WHERE e.id = ?1");
        let enterprise = self
            .conn
            .prepare_cached(&sql)?
            .query_row([&id_s], summary)
            .optional()?
            .ok_or(StoreError::NotFound { what: "enterprise", id: id_s.clone() })?;
        let (principal, safety_contact, phone) = self.conn.query_row(
            "SELECT principal, safety_contact, phone FROM enterprises WHERE id = ?1",
            [&id_s],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let contracts = contracts::views_by(&self.conn, "enterprise_id", &id_s, today)?;
        let mut serving_agencies = Vec::new();
        for c in contracts.iter().filter(|c| c.active) {
            if !serving_agencies.iter().any(|a: &crate::base::views::AgencySummary| a.id == c.agency_id) {
                serving_agencies.push(self.agency_summary(c.agency_id, today)?);
            }
        }
        let visits = visits::summaries(&self.conn, "WHERE v.enterprise_id = ?1 ORDER BY v.seq DESC", &id_s)?;
        let hazards = hazards::views(&self.conn, hazards::Scope::Target(&id_s), today)?;
        let timeline = timeline(&contracts, &visits, &hazards);
        Ok(EnterpriseFile {
            enterprise,
            principal,
            safety_contact,
            phone,
            contracts,
            serving_agencies,
            hazard_counts: hazards::counts(&hazards),
            visits,
            hazards,
            timeline,
        })
    }
}
