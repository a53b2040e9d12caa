//! R7 — capability match (000 §三(三)): before a visit to a high-risk enterprise starts, the
//! people sent are checked against the work: a valid certificate each, and among them a
//! mid-level or senior engineer of a specialty that fits the industry. A mismatch does not
//! forbid the visit, but going on needs a written reason, which is kept with it.

use crate::message::Message;
use crate::register::{Certificate, CertificateKind, Industry};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A person about to be sent, with their certificates.
#[derive(Debug, Clone)]
pub struct Sent<'a> {
    pub name: &'a str,
    pub certificates: &'a [Certificate],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Mismatch {
    /// The person concerned, or `None` for the team as a whole.
    pub person: Option<String>,
    pub message: Message,
}

/// Every mismatch between the people sent and the work, on `day`.
pub fn mismatches(industry: Industry, sent: &[Sent<'_>], day: NaiveDate) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if sent.is_empty() {
        out.push(Mismatch {
            person: None, message: Message::new("没有选择派出人员", "No one has been chosen to go")
        });
        return out;
    }
    for p in sent {
        for c in p.certificates.iter().filter(|c| !c.is_valid_on(day)) {
            let expired = c.expires_on.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
            out.push(Mismatch {
                person: Some(p.name.to_string()),
                message: Message::new(
                    format!("{}的{}（{}）已于 {expired} 过期", p.name, c.kind.label_zh(), c.number),
                    format!("{}'s {} ({}) expired on {expired}", p.name, c.kind.label_en(), c.number),
                ),
            });
        }
        if !p.certificates.iter().any(|c| c.is_valid_on(day)) {
            out.push(Mismatch {
                person: Some(p.name.to_string()),
                message: Message::new(
                    format!("{}没有有效的执业资格证书或职称", p.name),
                    format!("{} holds no valid certificate or title", p.name),
                ),
            });
        }
    }
    if industry.is_high_risk() {
        let specialties = industry.qualifying_specialties();
        if !sent.iter().any(|p| is_specialist(industry, p, day)) {
            let list = specialties.join("、");
            out.push(Mismatch {
                person: None,
                message: Message::new(
                    format!("{}企业需要派出{list}专业中级及以上职称人员，派出人员中没有", industry.label_zh()),
                    format!(
                        "A {} enterprise needs a mid-level or senior engineer in {}; none of the people sent is one",
                        industry.label_en(),
                        specialties.join(", ")
                    ),
                ),
            });
        }
    }
    out
}

/// A mid-level or senior engineer of a specialty that fits a high-risk `industry`, valid on `day`.
fn is_specialist(industry: Industry, p: &Sent<'_>, day: NaiveDate) -> bool {
    let specialties = industry.qualifying_specialties();
    p.certificates.iter().any(|c| {
        matches!(c.kind, CertificateKind::MidTitle | CertificateKind::SeniorTitle)
            && c.is_valid_on(day)
            && c.specialty.as_deref().is_some_and(|s| specialties.contains(&s))
    })
}

/// Whom to propose sending, out of `staff` (in register order), so that a visit starts without
/// an R7 mismatch when the staff allow it: for a high-risk industry a fitting specialist first,
/// then others holding a valid certificate; `n` at most. Indices into `staff`.
pub fn propose(industry: Option<Industry>, staff: &[Sent<'_>], day: NaiveDate, n: usize) -> Vec<usize> {
    let valid = |p: &Sent<'_>| p.certificates.iter().any(|c| c.is_valid_on(day));
    let mut chosen: Vec<usize> = Vec::with_capacity(n);
    if let Some(industry) = industry.filter(|i| i.is_high_risk()) {
        chosen.extend(staff.iter().position(|p| is_specialist(industry, p, day)));
    }
    for (i, p) in staff.iter().enumerate() {
        if chosen.len() >= n {
            break;
        }
        if valid(p) && !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    chosen.truncate(n);
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(kind: CertificateKind, specialty: Option<&str>, expires: (i32, u32, u32)) -> Certificate {
        Certificate {
            kind,
            number: "C-1".into(),
            issuer: "浙江省".into(),
            specialty: specialty.map(Into::into),
            expires_on: NaiveDate::from_ymd_opt(expires.0, expires.1, expires.2),
            level: None,
            issued_on: None,
        }
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn a_chemical_plant_needs_a_chemical_engineer() {
        let safety = [cert(CertificateKind::RegisteredSafetyEngineer, None, (2028, 1, 1))];
        let m = mismatches(Industry::Chemical, &[Sent { name: "张三", certificates: &safety }], day());
        assert_eq!(m.len(), 1);
        assert!(m[0].message.zh.contains("化工工艺"), "{}", m[0].message);

        let chem = [cert(CertificateKind::MidTitle, Some("化工工艺"), (2028, 1, 1))];
        let sent = [Sent { name: "张三", certificates: &safety }, Sent { name: "李四", certificates: &chem }];
        assert!(mismatches(Industry::Chemical, &sent, day()).is_empty());
        assert!(mismatches(Industry::Textile, &sent[..1], day()).is_empty(), "ordinary industries need no specialist");
    }

    #[test]
    fn an_expired_title_does_not_count_and_is_named() {
        let chem = [cert(CertificateKind::MidTitle, Some("化工工艺"), (2026, 11, 22))];
        let m = mismatches(Industry::Chemical, &[Sent { name: "李四", certificates: &chem }], day());
        let zh: Vec<_> = m.iter().map(|m| m.message.zh.clone()).collect();
        assert!(zh.iter().any(|z| z.contains("2026-11-22 过期")), "{zh:?}");
        assert!(zh.iter().any(|z| z.contains("没有有效")), "{zh:?}");
        assert!(zh.iter().any(|z| z.contains("中级及以上")), "{zh:?}");
    }

    #[test]
    fn the_proposal_puts_a_fitting_specialist_first() {
        let safety = [cert(CertificateKind::RegisteredSafetyEngineer, None, (2028, 1, 1))];
        let expired = [cert(CertificateKind::RegisteredSafetyEngineer, None, (2025, 1, 1))];
        let dust = [cert(CertificateKind::MidTitle, Some("安全工程"), (2028, 1, 1))];
        let staff = [
            Sent { name: "甲", certificates: &safety },
            Sent { name: "乙", certificates: &expired },
            Sent { name: "丙", certificates: &safety },
            Sent { name: "丁", certificates: &dust },
        ];
        let industry = Industry::DustExplosion;
        assert!(industry.is_high_risk() && industry.qualifying_specialties().contains(&"安全工程"));
        let chosen = propose(Some(industry), &staff, day(), 2);
        assert_eq!(chosen, vec![3, 0], "the specialist, then the first other with a valid certificate");
        let sent: Vec<_> = chosen.iter().map(|&i| staff[i].clone()).collect();
        assert!(mismatches(industry, &sent, day()).is_empty());
        assert_eq!(propose(Some(Industry::Textile), &staff, day(), 2), vec![0, 2], "no expired certificates");
        assert_eq!(propose(None, &staff[..2], day(), 2), vec![0]);
    }

    #[test]
    fn nobody_sent_is_a_mismatch() {
        assert_eq!(mismatches(Industry::Textile, &[], day()).len(), 1);
    }
}
