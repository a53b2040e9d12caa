//! Who may write what: role × entity × operation, and the fields a role may change. Pure — it
//! sees the caller's scope (from the token), the change, and what the server holds of the
//! record — so every backend asks the same questions and the table is tested without a
//! socket. Scope (which records a caller may see and touch at all) is `scope`; this decides
//! what a role may do inside it. The table is written out in docs/sync.md.

use crate::scope::{Role, Scope};
use safeserve_core::document::DocumentKind;
use safeserve_core::sync::Entity;
use safeserve_core::visit::VisitKind;
use safeserve_core::ErrorCode;
use serde_json::{Map, Value};

/// What a change does to its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
    Delete,
}

/// A change as the policy sees it.
pub struct Write<'a> {
    pub entity: Entity,
    pub op: Operation,
    /// The new value (`None` for a delete).
    pub body: Option<&'a Map<String, Value>>,
    /// The value the server holds now (`None` when it holds none).
    pub held: Option<&'a Map<String, Value>>,
    /// The kind of the visit the record is part of (the visit's own for a visit), when the
    /// server holds that visit.
    pub visit_kind: Option<VisitKind>,
}

/// A refusal, with a stable code and what the person who made the change is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: ErrorCode,
    pub zh: String,
    pub en: String,
}

impl Refusal {
    fn new(code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> Refusal {
        Refusal { code, zh: zh.into(), en: en.into() }
    }

    /// One line with both languages, as receipts carry it.
    pub fn reason(&self) -> String {
        format!("{} / {}", self.zh, self.en)
    }
}

fn role_zh(role: Role) -> &'static str {
    match role {
        Role::Technician => "技术服务人员",
        Role::Inspector => "执法检查人员",
        Role::Supervisor => "负责人",
        Role::Admin => "管理员",
    }
}

fn not_for(role: Role, what_zh: &str, what_en: &str) -> Refusal {
    Refusal::new(
        ErrorCode::RoleNotAllowed,
        format!("{}不能写入{what_zh}", role_zh(role)),
        format!("A {} cannot write {what_en}", role.key()),
    )
}

/// The fields of an enterprise that people in the field correct (the rest is the register's).
pub const ENTERPRISE_CONTACT_FIELDS: [&str; 4] = ["address", "principal", "safety_contact", "phone"];

fn text<'a>(body: Option<&'a Map<String, Value>>, key: &str) -> Option<&'a str> {
    body.and_then(|b| b.get(key)).and_then(Value::as_str)
}

fn commissioned(body: Option<&Map<String, Value>>) -> bool {
    body.and_then(|b| b.get("government_commissioned"))
        .is_some_and(|v| v.as_bool().unwrap_or(false) || v.as_i64().is_some_and(|n| n != 0))
}

/// Which roles may write the records of a visit of this kind.
fn visit_writers(kind: VisitKind) -> &'static [Role] {
    if kind.by_agency() {
        &[Role::Technician, Role::Admin]
    } else {
        &[Role::Inspector, Role::Supervisor, Role::Admin]
    }
}

/// A published edition must parse as an import does and carry the key and version it is
/// named by: every laptop takes what the server hands out, so a bad one stops here.
fn template_problem(body: &Map<String, Value>) -> Result<(), Refusal> {
    let refusal = |zh: String, en: String| Refusal::new(ErrorCode::InvalidInput, zh, en);
    let text = body.get("body").and_then(Value::as_str).unwrap_or_default();
    let t = safeserve_core::checklist::Template::parse(text).map_err(|problems| {
        refusal(
            format!("检查表模板无效：{}", problems.iter().map(|m| m.zh.as_str()).collect::<Vec<_>>().join("；")),
            format!(
                "The checklist template is invalid: {}",
                problems.iter().map(|m| m.en.as_str()).collect::<Vec<_>>().join("; ")
            ),
        )
    })?;
    let named = (body.get("key").and_then(Value::as_str), body.get("version").and_then(Value::as_u64));
    if named != (Some(t.key.as_str()), Some(u64::from(t.version))) {
        return Err(refusal(
            format!("检查表模板的编号与内容不符（内容为 {} 第 {} 版）", t.key, t.version),
            format!("The checklist template's name does not match its content ({} v{})", t.key, t.version),
        ));
    }
    Ok(())
}

pub fn decide(scope: &Scope, w: &Write<'_>) -> Result<(), Refusal> {
    let role = scope.role;
    let registers = [Role::Supervisor, Role::Admin];
    let bureau = [Role::Inspector, Role::Supervisor, Role::Admin];
    if w.op == Operation::Delete && !matches!(w.entity, Entity::VisitItem | Entity::ItemPhoto) {
        // Registers are shared by every laptop in scope; evidence is append-only.
        return Err(Refusal::new(
            ErrorCode::DeleteRefused,
            "登记信息和证据记录不能删除（只有进行中检查的单项结论和照片可以撤回）",
            "Registers and evidence cannot be deleted (only an open visit's answers and photos can be withdrawn)",
        ));
    }
    let allowed = |roles: &[Role], zh: &str, en: &str| {
        if roles.contains(&role) {
            Ok(())
        } else {
            Err(not_for(role, zh, en))
        }
    };
    match w.entity {
        Entity::Conflict => Err(Refusal::new(
            ErrorCode::ServerOnly,
            "冲突记录只由服务器生成",
            "Conflicts are written by the server only",
        )),
        Entity::Agency => allowed(&registers, "服务机构登记信息", "an agency's register entry"),
        Entity::Person => {
            allowed(&registers, "从业人员、证书和能力测试信息", "people, certificates or capability tests")
        }
        Entity::Enterprise => match (w.op, role) {
            (_, Role::Supervisor | Role::Admin) | (Operation::Create, _) => Ok(()),
            _ => {
                let changed = w
                    .body
                    .into_iter()
                    .flatten()
                    .filter(|(k, v)| {
                        !ENTERPRISE_CONTACT_FIELDS.contains(&k.as_str()) && w.held.and_then(|h| h.get(*k)) != Some(*v)
                    })
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>();
                if changed.is_empty() {
                    Ok(())
                } else {
                    Err(Refusal::new(
                        ErrorCode::FieldNotAllowed,
                        format!(
                            "{}只能更正企业的地址、负责人、安全联系人和电话，不能修改：{}",
                            role_zh(role),
                            changed.join("、")
                        ),
                        format!(
                            "A {} may correct only an enterprise's contact details, not: {}",
                            role.key(),
                            changed.join(", ")
                        ),
                    ))
                }
            }
        },
        Entity::Contract => {
            let commissioned = commissioned(w.body) || commissioned(w.held);
            match role {
                Role::Technician if commissioned => {
                    Err(not_for(role, "政府委托的检查合同", "a government-commissioned contract"))
                }
                Role::Inspector if !commissioned => {
                    Err(not_for(role, "机构的服务合同", "an agency's own service contract"))
                }
                _ => Ok(()),
            }
        }
        Entity::Visit
        | Entity::VisitItem
        | Entity::Hazard
        | Entity::HazardEvent
        | Entity::ItemPhoto
        | Entity::HazardPhoto => {
            let kind = match w.entity {
                Entity::Visit => text(w.body, "kind").and_then(VisitKind::from_key),
                _ => w.visit_kind,
            };
            let Some(kind) = kind else {
                if w.entity == Entity::Visit {
                    return Err(Refusal::new(
                        ErrorCode::VisitKind,
                        "检查（服务）记录的类型无效",
                        "The visit's kind is not one SafeServe knows",
                    ));
                }
                // Its visit is not on the server: the parent check refuses it, saying so.
                return Ok(());
            };
            if w.entity == Entity::Visit {
                if let Some(held) = text(w.held, "kind").and_then(VisitKind::from_key).filter(|k| *k != kind) {
                    return Err(Refusal::new(
                        ErrorCode::FieldNotAllowed,
                        format!("记录的类型不能从“{}”改为“{}”", held.label_zh(), kind.label_zh()),
                        format!("A visit's kind cannot change from {} to {}", held.key(), kind.key()),
                    ));
                }
            }
            allowed(
                visit_writers(kind),
                &format!("“{}”记录", kind.label_zh()),
                &format!("the records of a {}", kind.label_en().to_lowercase()),
            )
        }
        Entity::Document => {
            let kind = text(w.body, "kind").and_then(DocumentKind::from_key);
            match (kind, w.visit_kind) {
                (Some(DocumentKind::Letter), _) => allowed(&registers, "函告", "a letter"),
                (_, Some(visit)) => allowed(
                    visit_writers(visit),
                    &format!("“{}”的文书", visit.label_zh()),
                    &format!("the documents of a {}", visit.label_en().to_lowercase()),
                ),
                (_, None) => Ok(()),
            }
        }
        Entity::LetterDraft | Entity::LetterEvent => allowed(&bureau, "函告", "letters"),
        Entity::Evaluation => allowed(&bureau, "服务机构评价", "agency evaluations"),
        Entity::BlacklistEntry | Entity::BlacklistLift => allowed(&registers, "黑名单记录", "blacklist entries"),
        Entity::AgencyAct => allowed(&registers, "执业告知和平台移除记录", "practice notices and platform removals"),
        Entity::Template => {
            allowed(&registers, "检查表模板", "checklist templates")?;
            w.body.map_or(Ok(()), template_problem)
        }
        // Every laptop sends its own audit log, whoever is signed in there.
        Entity::AuditEntry => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope(role: Role) -> Scope {
        let agency = (role == Role::Technician).then(|| "A".to_owned());
        let division = matches!(role, Role::Inspector | Role::Supervisor).then(|| "3301".to_owned());
        Scope { role, agency, division }
    }

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().expect("an object")
    }

    fn may(role: Role, entity: Entity, op: Operation, body: Value, visit: Option<VisitKind>) -> bool {
        let body = obj(body);
        let w = Write { entity, op, body: Some(&body), held: None, visit_kind: visit };
        decide(&scope(role), &w).is_ok()
    }

    use Role::{Admin as A, Inspector as I, Supervisor as S, Technician as T};
    const ALL: [Role; 4] = [T, I, S, A];

    /// Who may create each kind of record, role by role: the table of docs/sync.md.
    #[test]
    fn each_role_creates_only_its_own_kinds_of_record() {
        let service = Some(VisitKind::Service);
        let inspection = Some(VisitKind::AgencyInspection);
        let spot = Some(VisitKind::SpotCheck);
        let cases: Vec<(Entity, Value, Option<VisitKind>, [bool; 4])> = vec![
            (Entity::Agency, json!({"id": "A"}), None, [false, false, true, true]),
            (Entity::Person, json!({"id": "p"}), None, [false, false, true, true]),
            (Entity::Enterprise, json!({"id": "e"}), None, [true, true, true, true]),
            (Entity::Contract, json!({"government_commissioned": false}), None, [true, false, true, true]),
            (Entity::Contract, json!({"government_commissioned": 1}), None, [false, true, true, true]),
            (Entity::Visit, json!({"kind": "service"}), None, [true, false, false, true]),
            (Entity::Visit, json!({"kind": "first_service"}), None, [true, false, false, true]),
            (Entity::Visit, json!({"kind": "agency_inspection"}), None, [false, true, true, true]),
            (Entity::Visit, json!({"kind": "spot_check"}), None, [false, true, true, true]),
            (Entity::Hazard, json!({}), service, [true, false, false, true]),
            (Entity::HazardEvent, json!({}), spot, [false, true, true, true]),
            (Entity::ItemPhoto, json!({}), inspection, [false, true, true, true]),
            (Entity::VisitItem, json!({}), service, [true, false, false, true]),
            (Entity::Document, json!({"kind": "hazard_list"}), service, [true, false, false, true]),
            (Entity::Document, json!({"kind": "inspection_record"}), inspection, [false, true, true, true]),
            (Entity::Document, json!({"kind": "letter"}), inspection, [false, false, true, true]),
            (Entity::LetterDraft, json!({}), inspection, [false, true, true, true]),
            (Entity::LetterEvent, json!({}), None, [false, true, true, true]),
            (Entity::Evaluation, json!({}), None, [false, true, true, true]),
            (Entity::BlacklistEntry, json!({}), None, [false, false, true, true]),
            (Entity::BlacklistLift, json!({}), None, [false, false, true, true]),
            (Entity::AgencyAct, json!({}), None, [false, false, true, true]),
            (
                Entity::Template,
                json!({"key": "agency-inspection", "version": 1, "body": include_str!(
                "../../../assets/templates/agency-inspection.v1.json")}),
                None,
                [false, false, true, true],
            ),
            (Entity::Conflict, json!({}), None, [false, false, false, false]),
        ];
        for (entity, body, visit, expected) in cases {
            for (role, want) in ALL.into_iter().zip(expected) {
                assert_eq!(
                    may(role, entity, Operation::Create, body.clone(), visit),
                    want,
                    "{} creating {} {body}",
                    role.key(),
                    entity.key()
                );
            }
        }
    }

    #[test]
    fn people_in_the_field_correct_an_enterprise_contact_and_nothing_else() {
        let held = obj(json!({"id": "e", "name": "甲化工", "division": "330106", "phone": "1", "principal": "王"}));
        let contact = obj(json!({"id": "e", "name": "甲化工", "division": "330106", "phone": "2", "principal": "李"}));
        let renamed = obj(json!({"id": "e", "name": "乙化工", "division": "330200", "phone": "2"}));
        for role in [T, I] {
            let update = |body| Write {
                entity: Entity::Enterprise,
                op: Operation::Update,
                body: Some(body),
                held: Some(&held),
                visit_kind: None,
            };
            assert!(decide(&scope(role), &update(&contact)).is_ok());
            let refused = decide(&scope(role), &update(&renamed)).unwrap_err();
            assert_eq!(refused.code, "field_not_allowed");
            assert!(refused.zh.contains("name") && refused.zh.contains("division"), "{}", refused.zh);
        }
        let renamed = Write {
            entity: Entity::Enterprise,
            op: Operation::Update,
            body: Some(&renamed),
            held: Some(&held),
            visit_kind: None,
        };
        assert!(decide(&scope(S), &renamed).is_ok());
    }

    #[test]
    fn registers_and_evidence_are_never_deleted_by_anyone() {
        for entity in [
            Entity::Enterprise,
            Entity::Agency,
            Entity::Person,
            Entity::Contract,
            Entity::Hazard,
            Entity::HazardEvent,
            Entity::Document,
            Entity::Visit,
        ] {
            for role in ALL {
                let w = Write {
                    entity,
                    op: Operation::Delete,
                    body: None,
                    held: None,
                    visit_kind: Some(VisitKind::Service),
                };
                assert_eq!(
                    decide(&scope(role), &w).unwrap_err().code,
                    "delete_refused",
                    "{} {}",
                    role.key(),
                    entity.key()
                );
            }
        }
        // An open visit's answer withdrawn by whoever records the visit.
        let w = Write {
            entity: Entity::VisitItem,
            op: Operation::Delete,
            body: None,
            held: None,
            visit_kind: Some(VisitKind::Service),
        };
        assert!(decide(&scope(T), &w).is_ok());
        assert!(decide(&scope(I), &w).is_err());
    }

    #[test]
    fn a_commission_stays_one_and_a_visit_keeps_its_kind() {
        let held = obj(json!({"government_commissioned": true}));
        let claimed_market = obj(json!({"government_commissioned": false}));
        let w = Write {
            entity: Entity::Contract,
            op: Operation::Update,
            body: Some(&claimed_market),
            held: Some(&held),
            visit_kind: None,
        };
        assert!(decide(&scope(T), &w).is_err(), "a technician cannot turn a commission into their contract");
        let held = obj(json!({"kind": "agency_inspection"}));
        let now = obj(json!({"kind": "service"}));
        let w = Write {
            entity: Entity::Visit,
            op: Operation::Update,
            body: Some(&now),
            held: Some(&held),
            visit_kind: None,
        };
        assert_eq!(decide(&scope(A), &w).unwrap_err().code, "field_not_allowed");
    }

    #[test]
    fn every_refusal_says_it_in_both_languages() {
        let w = Write { entity: Entity::Agency, op: Operation::Update, body: None, held: None, visit_kind: None };
        let r = decide(&scope(T), &w).unwrap_err();
        assert!(r.zh.contains("技术服务人员") && r.en.contains("technician"), "{r:?}");
        assert!(r.reason().contains(" / "));
    }
}
