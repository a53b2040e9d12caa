//! Who may see and write what. Every record carries scope keys the server works out itself
//! from the record and the records it points at — `a:<agency id>` (an agency's own records and
//! what it serves) and `d:<division code>` (where the record is). A user's scope comes from
//! their token: a technician holds their agency's key, an inspector or supervisor the keys
//! under their jurisdiction's code, an administrator everything. Nothing a request body
//! claims about scope is believed.

use safeserve_core::sync::{body_list as list, Entity};
use serde_json::{Map, Value};

pub use safeserve_core::sync::Role;

/// How a certificate names the role: `机构技术人员（technician）`.
pub fn role_title(role: Role) -> String {
    format!("{}（{}）", role.label_zh(), role.key())
}

/// A caller's scope, from their token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub role: Role,
    /// A technician's agency.
    pub agency: Option<String>,
    /// An inspector's or supervisor's jurisdiction: a division code prefix (`33`, `3301`, `330106`).
    pub division: Option<String>,
}

impl Scope {
    pub fn covers(&self, key: &str) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Technician => self.agency.as_deref().is_some_and(|a| key.strip_prefix("a:") == Some(a)),
            Role::Inspector | Role::Supervisor => {
                self.division.as_deref().is_some_and(|d| key.strip_prefix("d:").is_some_and(|k| k.starts_with(d)))
            }
        }
    }

    pub fn covers_any(&self, keys: &[String]) -> bool {
        keys.iter().any(|k| self.covers(k))
    }

    /// The key a new record made by this caller is given besides its own (a technician's
    /// agency, so a client enterprise they register is theirs to see).
    pub fn creator_key(&self) -> Option<String> {
        match self.role {
            Role::Technician => self.agency.as_ref().map(|a| format!("a:{a}")),
            _ => None,
        }
    }

    /// The scope in words, for the laptop's sync screen.
    pub fn describe(&self) -> String {
        match self.role {
            Role::Admin => "全部".to_owned(),
            Role::Technician => format!("机构 {}", self.agency.as_deref().unwrap_or("")),
            Role::Inspector | Role::Supervisor => format!("辖区 {}", self.division.as_deref().unwrap_or("")),
        }
    }
}

/// What a record's keys are worked out from: its own fields, and the keys of records it names.
pub struct Derived {
    /// The record's id as the body says it (a change whose `record_id` differs is refused).
    pub record_id: String,
    /// Keys from the record's own fields.
    pub keys: Vec<String>,
    /// Records whose keys the record inherits: `(entity, id, which keys)`.
    pub inherits: Vec<(Entity, String, Inherit)>,
    /// Records the writer must be able to see.
    pub parents: Vec<(Entity, String)>,
    /// Keys this record gives another record: a contract makes its enterprise visible to the
    /// agency that serves it.
    pub grants: Vec<(Entity, String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inherit {
    All,
    Divisions,
    Agencies,
}

impl Inherit {
    pub fn accepts(self, key: &str) -> bool {
        match self {
            Inherit::All => true,
            Inherit::Divisions => key.starts_with("d:"),
            Inherit::Agencies => key.starts_with("a:"),
        }
    }
}

fn s<'a>(body: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str).filter(|v| !v.is_empty())
}

fn need(body: &Map<String, Value>, key: &str) -> Result<String, String> {
    s(body, key).map(str::to_owned).ok_or_else(|| format!("缺少字段 {key}"))
}

/// A photo link's `sha256`, and its photo's: 64 lowercase hex digits. Laptops name files by
/// it, so one malformed value accepted here would be refused by every laptop in scope.
fn photo_sha(body: &Map<String, Value>) -> Result<String, String> {
    let sha = need(body, "sha256")?;
    let nested = body.get("photo").and_then(Value::as_object).and_then(|p| s(p, "sha256"));
    if !crate::photos::is_sha256(&sha) || nested.is_some_and(|n| n != sha) {
        return Err(format!("照片摘要 sha256 无效：{sha}"));
    }
    Ok(sha)
}

pub fn derive(entity: Entity, body: &Map<String, Value>) -> Result<Derived, String> {
    let mut d = Derived { record_id: String::new(), keys: vec![], inherits: vec![], parents: vec![], grants: vec![] };
    match entity {
        Entity::Agency => {
            d.record_id = need(body, "id")?;
            d.keys = vec![format!("d:{}", need(body, "division")?), format!("a:{}", d.record_id)];
        }
        Entity::Enterprise => {
            d.record_id = need(body, "id")?;
            d.keys = vec![format!("d:{}", need(body, "division")?)];
        }
        Entity::Person => {
            d.record_id = need(body, "id")?;
            for job in list(body, "employments") {
                if let Some(agency) = s(&job, "agency_id") {
                    d.keys.push(format!("a:{agency}"));
                    d.inherits.push((Entity::Agency, agency.to_owned(), Inherit::Divisions));
                }
            }
        }
        Entity::Contract => {
            d.record_id = need(body, "id")?;
            let (agency, enterprise) = (need(body, "agency_id")?, need(body, "enterprise_id")?);
            d.keys = vec![format!("a:{agency}")];
            d.inherits.push((Entity::Enterprise, enterprise.clone(), Inherit::Divisions));
            d.parents = vec![(Entity::Agency, agency.clone()), (Entity::Enterprise, enterprise.clone())];
            d.grants.push((Entity::Enterprise, enterprise, format!("a:{agency}")));
        }
        Entity::Visit => {
            d.record_id = need(body, "id")?;
            if let Some(agency) = s(body, "agency_id") {
                d.keys.push(format!("a:{agency}"));
                d.inherits.push((Entity::Agency, agency.to_owned(), Inherit::Divisions));
                d.parents.push((Entity::Agency, agency.to_owned()));
            } else {
                let enterprise = need(body, "enterprise_id")?;
                d.inherits.push((Entity::Enterprise, enterprise.clone(), Inherit::Divisions));
                d.parents.push((Entity::Enterprise, enterprise));
                // A service visit belongs to the agency of the people sent, not to every
                // agency that serves the enterprise.
                for p in list(body, "people") {
                    if let Some(person) = s(&p, "person_id") {
                        d.inherits.push((Entity::Person, person.to_owned(), Inherit::Agencies));
                    }
                }
            }
        }
        Entity::VisitItem => {
            let visit = need(body, "visit_id")?;
            d.record_id = format!("{visit}/{}", need(body, "code")?);
            d.inherits.push((Entity::Visit, visit.clone(), Inherit::All));
            d.parents.push((Entity::Visit, visit));
        }
        Entity::Hazard => {
            d.record_id = need(body, "id")?;
            let visit = need(body, "visit_id")?;
            d.inherits.push((Entity::Visit, visit.clone(), Inherit::All));
            d.parents.push((Entity::Visit, visit));
        }
        Entity::HazardEvent => {
            let hazard = need(body, "hazard_id")?;
            d.record_id = format!("{hazard}/{}/{}", need(body, "kind")?, need(body, "at")?);
            d.inherits.push((Entity::Hazard, hazard.clone(), Inherit::All));
            d.parents.push((Entity::Hazard, hazard));
        }
        Entity::ItemPhoto => {
            let visit = need(body, "visit_id")?;
            d.record_id = format!("{visit}/{}/{}", need(body, "code")?, photo_sha(body)?);
            d.inherits.push((Entity::Visit, visit.clone(), Inherit::All));
            d.parents.push((Entity::Visit, visit));
        }
        Entity::HazardPhoto => {
            let hazard = need(body, "hazard_id")?;
            d.record_id = format!("{hazard}/{}/{}", need(body, "phase")?, photo_sha(body)?);
            d.inherits.push((Entity::Hazard, hazard.clone(), Inherit::All));
            d.parents.push((Entity::Hazard, hazard));
        }
        Entity::Document => {
            d.record_id = need(body, "id")?;
            if let Some(visit) = s(body, "visit_id") {
                d.inherits.push((Entity::Visit, visit.to_owned(), Inherit::All));
                d.parents.push((Entity::Visit, visit.to_owned()));
            }
            if let Some(enterprise) = s(body, "enterprise_id") {
                d.inherits.push((Entity::Enterprise, enterprise.to_owned(), Inherit::Divisions));
                d.parents.push((Entity::Enterprise, enterprise.to_owned()));
            }
            if let Some(agency) = s(body, "agency_id") {
                d.keys.push(format!("a:{agency}"));
                d.inherits.push((Entity::Agency, agency.to_owned(), Inherit::Divisions));
                d.parents.push((Entity::Agency, agency.to_owned()));
            }
        }
        Entity::Conflict => return Err("冲突记录只由服务器生成".to_owned()),
        Entity::LetterDraft => {
            let visit = need(body, "visit_id")?;
            d.record_id = visit.clone();
            d.inherits.push((Entity::Visit, visit.clone(), Inherit::All));
            d.parents.push((Entity::Visit, visit));
        }
        Entity::LetterEvent => {
            let letter = need(body, "letter_id")?;
            d.record_id = format!("{letter}/{}/{}", need(body, "kind")?, need(body, "recorded_at")?);
            d.inherits.push((Entity::Document, letter.clone(), Inherit::All));
            d.parents.push((Entity::Document, letter));
        }
        Entity::Evaluation | Entity::AgencyAct => {
            d.record_id = need(body, "id")?;
            let agency = need(body, "agency_id")?;
            d.keys.push(format!("a:{agency}"));
            d.inherits.push((Entity::Agency, agency.clone(), Inherit::Divisions));
            d.parents.push((Entity::Agency, agency));
        }
        Entity::BlacklistEntry => {
            d.record_id = need(body, "id")?;
            let subject = need(body, "subject_id")?;
            let entity = if need(body, "subject_kind")? == "agency" { Entity::Agency } else { Entity::Person };
            d.inherits.push((entity, subject.clone(), Inherit::All));
            d.parents.push((entity, subject));
        }
        Entity::BlacklistLift => {
            let entry = need(body, "entry_id")?;
            d.record_id = entry.clone();
            d.inherits.push((Entity::BlacklistEntry, entry.clone(), Inherit::All));
            d.parents.push((Entity::BlacklistEntry, entry));
        }
        // No scope key: every laptop pulls the bureau's checklist editions (`pull`).
        Entity::Template => {
            d.record_id =
                format!("{}/{}", need(body, "key")?, body.get("version").and_then(Value::as_u64).unwrap_or(0));
        }
        // No scope key: a laptop's audit log is read on the server (`admin audit`), and no
        // laptop pulls it.
        Entity::AuditEntry => {
            let entry: safeserve_core::audit::SyncedAuditEntry = serde_json::from_value(Value::Object(body.clone()))
                .map_err(|e| format!("审计日志条目无法读取：{e}"))?;
            d.record_id = entry.record_id();
        }
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(role: Role, agency: Option<&str>, division: Option<&str>) -> Scope {
        Scope { role, agency: agency.map(str::to_owned), division: division.map(str::to_owned) }
    }

    #[test]
    fn a_technician_covers_their_agency_only() {
        let t = scope(Role::Technician, Some("A"), None);
        assert!(t.covers("a:A"));
        assert!(!t.covers("a:AB"));
        assert!(!t.covers("a:B"));
        assert!(!t.covers("d:330106"));
    }

    #[test]
    fn an_inspector_covers_their_jurisdiction_by_code_prefix() {
        let i = scope(Role::Inspector, None, Some("3301"));
        assert!(i.covers("d:330106"));
        assert!(i.covers("d:330106001"));
        assert!(!i.covers("d:330201"));
        assert!(!i.covers("a:3301"));
        assert!(scope(Role::Admin, None, None).covers("d:1"));
    }

    #[test]
    fn record_ids_come_from_the_body() {
        let body: Map<String, Value> =
            serde_json::from_str(r#"{"visit_id":"v1","code":"A.1","result":"pass"}"#).unwrap();
        assert_eq!(derive(Entity::VisitItem, &body).unwrap().record_id, "v1/A.1");
        let contract: Map<String, Value> =
            serde_json::from_str(r#"{"id":"c","agency_id":"A","enterprise_id":"E"}"#).unwrap();
        let d = derive(Entity::Contract, &contract).unwrap();
        assert_eq!(d.grants, vec![(Entity::Enterprise, "E".to_owned(), "a:A".to_owned())]);
        assert!(derive(Entity::Enterprise, &Map::new()).is_err());
    }

    #[test]
    fn a_photo_link_names_its_photo_by_a_well_formed_hash() {
        let sha = "ab".repeat(32);
        let link = |sha: &str, nested: &str| -> Map<String, Value> {
            serde_json::from_value(serde_json::json!({
                "visit_id": "v1", "code": "A.1", "sha256": sha, "photo": { "sha256": nested }
            }))
            .unwrap()
        };
        assert_eq!(derive(Entity::ItemPhoto, &link(&sha, &sha)).unwrap().record_id, format!("v1/A.1/{sha}"));
        for (bad, nested) in
            [("../../etc/passwd", "../../etc/passwd"), (&"AB".repeat(32), &"AB".repeat(32)), (&sha, "cd")]
        {
            let refused = derive(Entity::ItemPhoto, &link(bad, nested)).err().expect("refused");
            assert!(refused.contains("sha256"), "{refused}");
        }
    }
}
