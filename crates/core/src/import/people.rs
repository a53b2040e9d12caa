//! The people register in a workbook, as bureaus keep it: one row per certificate and per
//! post, so a person with two certificates, or at two agencies, has several rows under the
//! same ID number. Each row is read here on its own; the store gathers a person's rows and
//! compares them with the register.

use super::{
    code, column, date, empty_required, formula_error, label, text, Cell, Column, FieldChange, Header, RowProblem,
};
use crate::codes::{mask_id_number, IdNumber};
use crate::ids::AgencyId;
use crate::message::Message;
use crate::register::{Certificate, CertificateKind, Employment, StaffRole};
use chrono::NaiveDate;
use std::collections::HashMap;

pub const PEOPLE_COLUMNS: [Column; 15] = [
    column(
        "id_number",
        "身份证号码",
        &["身份证号", "公民身份号码", "身份证"],
        true,
        "18 位，末位可为 X；请把此列设为文本。导出的台账中是脱敏号码（如 330106********1234），只能用来更新已登记的同名人员",
        "330106198001011234",
    ),
    column("name", "姓名", &["人员姓名"], true, "", "王建国"),
    column("phone", "联系电话", &["手机", "电话", "手机号码"], true, "", "13800000000"),
    column(
        "agency",
        "所属服务机构",
        &["服务机构", "机构名称", "所在机构", "工作单位"],
        false,
        "服务机构的统一社会信用代码或登记的全称；一人在几家机构任职的，每家一行",
        "杭州某某安全技术服务有限公司",
    ),
    column("role", "人员身份", &["岗位", "身份"], false, "填写了服务机构的必填", "专职技术人员"),
    column(
        "full_time",
        "专职/兼职",
        &["用工形式", "是否专职", "专兼职"],
        false,
        "专职或兼职；留空时兼职人员为兼职，其余为专职",
        "专职",
    ),
    column("started_on", "入职日期", &["聘用日期", "任职日期"], false, "", "2023-03-01"),
    column("ended_on", "离职日期", &["解聘日期", "离职时间"], false, "仍在职的留空；离职后不再计入机构的专职人员", ""),
    column(
        "cert_kind",
        "证书类别",
        &["证书名称", "资格证书", "证书类型"],
        false,
        "一人多证的，每证一行；没有证书的留空",
        "注册安全工程师",
    ),
    column("cert_number", "证书编号", &["证书号", "注册编号"], false, "填写了证书类别的必填", "ZJ20230001"),
    column("cert_issuer", "发证机关", &["发证单位"], false, "填写了证书类别的必填", "浙江省人力资源和社会保障厅"),
    column("cert_specialty", "专业", &["证书专业", "职称专业"], false, "职称的专业，如“化工工艺”", "化工安全"),
    column("cert_level", "等级", &["级别", "证书等级"], false, "", "中级"),
    column("cert_issued_on", "发证日期", &["取得日期"], false, "", "2023-01-10"),
    column(
        "cert_expires_on",
        "有效期至",
        &["有效期", "有效期限", "有效截止日期"],
        false,
        "长期有效的留空",
        "2028-01-09",
    ),
];

/// How a row names its person.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PersonKey {
    /// The whole ID number, checked.
    Full(String),
    /// The masked number a ledger shows (330106********1234): it only finds a registered
    /// person of the same name, never registers one.
    Masked(String),
}

impl PersonKey {
    /// As it may be shown: masked either way.
    pub fn masked(&self) -> String {
        match self {
            PersonKey::Full(n) => mask_id_number(n),
            PersonKey::Masked(m) => m.clone(),
        }
    }
}

/// A post at an agency as one row gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmploymentRow {
    pub agency: AgencyId,
    /// The agency's name, for messages.
    pub agency_name: String,
    pub role: StaffRole,
    pub full_time: bool,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

/// One row of a people workbook, every field checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub key: PersonKey,
    pub name: String,
    pub phone: String,
    pub employment: Option<EmploymentRow>,
    pub certificate: Option<Certificate>,
}

/// The agencies a row may name, by credit code or registered name.
#[derive(Debug, Clone, Default)]
pub struct AgencyNames {
    codes: HashMap<String, (AgencyId, String)>,
    names: HashMap<String, Vec<AgencyId>>,
}

impl AgencyNames {
    /// From (id, credit code, name) of every agency the laptop knows.
    pub fn new<'a>(agencies: impl IntoIterator<Item = (AgencyId, &'a str, &'a str)>) -> Self {
        let mut out = AgencyNames::default();
        for (id, code, name) in agencies {
            out.codes.insert(code.to_owned(), (id, name.to_owned()));
            out.names.entry(squeeze(name)).or_default().push(id);
        }
        out
    }

    /// The agency a cell names, with its registered name.
    pub fn resolve(&self, cell: &Cell) -> Result<(AgencyId, String), Message> {
        let typed = code(cell)?.to_uppercase();
        if let Some(found) = self.codes.get(&typed) {
            return Ok(found.clone());
        }
        match self.names.get(&squeeze(&text(cell))).map(Vec::as_slice) {
            Some([one]) => Ok((*one, text(cell))),
            Some(many) if !many.is_empty() => Err(Message::new(
                format!("有 {} 家服务机构名为“{}”，请填写统一社会信用代码", many.len(), text(cell)),
                format!("{} agencies are named {}; give the credit code", many.len(), text(cell)),
            )),
            _ => Err(Message::new(
                format!("服务机构“{}”尚未登记：请先登记该机构，或填写已登记机构的信用代码", text(cell)),
                format!(
                    "No agency {} is registered: register it first, or give a registered agency's credit code",
                    text(cell)
                ),
            )),
        }
    }
}

/// A name with spaces of every width taken out and brackets of either width made one.
fn squeeze(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect()
}

/// 专职 or 兼职, as clerks write it.
fn full_time(cell: &Cell) -> Result<Option<bool>, Message> {
    match cell {
        Cell::Bool(b) => Ok(Some(*b)),
        Cell::Error(e) => Err(formula_error(e)),
        c => match text(c).as_str() {
            "" => Ok(None),
            "专职" | "全职" | "是" | "Y" | "y" | "1" => Ok(Some(true)),
            "兼职" | "否" | "N" | "n" | "0" => Ok(Some(false)),
            other => Err(Message::new(
                format!("“{other}”应为“专职”或“兼职”"),
                format!("{other:?} should be 专职 (full-time) or 兼职 (part-time)"),
            )),
        },
    }
}

fn id_number(cell: &Cell) -> Result<PersonKey, Message> {
    let typed = code(cell)?.to_uppercase();
    if typed.is_empty() {
        return Err(empty_required());
    }
    if typed.contains('*') {
        return Ok(PersonKey::Masked(typed));
    }
    IdNumber::parse(&typed).map(|n| PersonKey::Full(n.expose().to_owned())).map_err(|e| e.message())
}

/// The end of a term before its start. `names`: (start, end), each (zh, en).
fn not_before(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    names: ((&str, &str), (&str, &str)),
) -> Result<(), Message> {
    let ((start_zh, start_en), (end_zh, end_en)) = names;
    match (start, end) {
        (Some(s), Some(e)) if e < s => Err(Message::new(
            format!("{end_zh}（{e}）早于{start_zh}（{s}）"),
            format!("The {end_en} ({e}) is before the {start_en} ({s})"),
        )),
        _ => Ok(()),
    }
}

impl PersonRow {
    /// Row `row` of a people workbook, or every problem it has.
    pub fn read(header: &Header, row: u32, cells: &[Cell], agencies: &AgencyNames) -> Result<Self, Vec<RowProblem>> {
        let mut r = super::RowReader { header, row, cells, problems: Vec::new() };
        let key = r.check("id_number", id_number);
        let name = r.text("name");
        let phone = r.check("phone", |c| {
            let p = code(c)?;
            if p.is_empty() {
                Err(empty_required())
            } else {
                Ok(p)
            }
        });
        let employment = r.employment(agencies);
        let certificate = r.certificate();
        match (key, name, phone) {
            (Some(key), Some(name), Some(phone)) if r.problems.is_empty() => {
                Ok(PersonRow { key, name, phone, employment: employment.flatten(), certificate: certificate.flatten() })
            }
            _ => Err(r.problems),
        }
    }
}

impl super::RowReader<'_> {
    /// Whether the sheet has column `key` and this row something in it.
    fn filled(&self, key: &str) -> bool {
        !text(self.cell(key)).is_empty()
    }

    /// The row's post, `Some(None)` where it names none; `None` where it has a problem.
    fn employment(&mut self, agencies: &AgencyNames) -> Option<Option<EmploymentRow>> {
        let terms = ["role", "full_time", "started_on", "ended_on"];
        if !self.filled("agency") {
            if let Some(k) = terms.iter().find(|k| self.filled(k)) {
                let header = self.header.column(k).header;
                self.problem(
                    "agency",
                    Message::new(
                        format!("填写了“{header}”，但没有填写所属服务机构"),
                        format!("{header} is given without the agency"),
                    ),
                );
                return None;
            }
            return Some(None);
        }
        let agency = self.check("agency", |c| agencies.resolve(c));
        let role =
            self.check("role", |c| if text(c).is_empty() { Err(empty_required()) } else { label::<StaffRole>(c) });
        let full = self.check("full_time", full_time);
        let started_on = self.check("started_on", date);
        let ended_on = self.check("ended_on", date);
        if let (Some(s), Some(e)) = (started_on, ended_on) {
            if let Err(m) = not_before(s, e, (("入职日期", "start date"), ("离职日期", "end date"))) {
                self.problem("ended_on", m);
            }
        }
        let ((agency, agency_name), role, full) = (agency?, role?, full?);
        Some(Some(EmploymentRow {
            agency,
            agency_name,
            role,
            full_time: full.unwrap_or(role != StaffRole::PartTime),
            started_on: started_on?,
            ended_on: ended_on?,
        }))
    }

    /// The row's certificate, `Some(None)` where it names none; `None` where it has a problem.
    fn certificate(&mut self) -> Option<Option<Certificate>> {
        let fields =
            ["cert_number", "cert_issuer", "cert_specialty", "cert_level", "cert_issued_on", "cert_expires_on"];
        if !self.filled("cert_kind") {
            if let Some(k) = fields.iter().find(|k| self.filled(k)) {
                let header = self.header.column(k).header;
                self.problem(
                    "cert_kind",
                    Message::new(
                        format!("填写了“{header}”，但没有填写证书类别"),
                        format!("{header} is given without the certificate's kind"),
                    ),
                );
                return None;
            }
            return Some(None);
        }
        let kind = self.check("cert_kind", label::<CertificateKind>);
        let required_code = |c: &Cell| {
            let t = code(c)?;
            if t.is_empty() {
                Err(empty_required())
            } else {
                Ok(t)
            }
        };
        let number = self.check("cert_number", required_code);
        let issuer = self.check("cert_issuer", |c| {
            let t = text(c);
            if t.is_empty() {
                Err(empty_required())
            } else {
                Ok(t)
            }
        });
        let optional = |t: String| (!t.is_empty()).then_some(t);
        let specialty = optional(text(self.cell("cert_specialty")));
        let level = optional(text(self.cell("cert_level")));
        let issued_on = self.check("cert_issued_on", date);
        let expires_on = self.check("cert_expires_on", date);
        if let (Some(i), Some(e)) = (issued_on, expires_on) {
            if let Err(m) = not_before(i, e, (("发证日期", "issue date"), ("有效期", "expiry date"))) {
                self.problem("cert_expires_on", m);
            }
        }
        Some(Some(Certificate {
            kind: kind?,
            number: number?,
            issuer: issuer?,
            specialty,
            expires_on: expires_on?,
            level,
            issued_on: issued_on?,
        }))
    }
}

/// The person a row names, read from its ID number alone (so a row with other problems is
/// still shown with its person's other rows); `None` where the number itself cannot be read.
pub fn row_key(header: &Header, cells: &[Cell]) -> Option<PersonKey> {
    header.position("id_number").and_then(|i| cells.get(i)).and_then(|c| id_number(c).ok())
}

/// A person as all their rows in a workbook give them.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRecord {
    pub key: PersonKey,
    pub name: String,
    pub phone: String,
    pub certificates: Vec<Certificate>,
    pub employments: Vec<EmploymentRow>,
}

fn row_problem(row: u32, column: &str, message: Message) -> RowProblem {
    RowProblem { row, column: column.to_owned(), message }
}

impl PersonRecord {
    /// One person from their rows (in file order, each already read): the name and phone must
    /// agree, and a certificate (kind and number) or a post (agency) given twice must say the
    /// same both times.
    pub fn gather(rows: &[(u32, PersonRow)]) -> Result<Self, Vec<RowProblem>> {
        let mut problems = Vec::new();
        let Some((first_row, first)) = rows.first() else { return Err(problems) };
        let mut record = PersonRecord {
            key: first.key.clone(),
            name: first.name.clone(),
            phone: first.phone.clone(),
            certificates: Vec::new(),
            employments: Vec::new(),
        };
        let mut cert_rows: Vec<u32> = Vec::new();
        let mut job_rows: Vec<u32> = Vec::new();
        for (row, r) in rows {
            for (column, this, that) in [("姓名", &r.name, &first.name), ("联系电话", &r.phone, &first.phone)] {
                if this != that {
                    problems.push(row_problem(
                        *row,
                        column,
                        Message::new(
                            format!("与第 {first_row} 行是同一身份证号码，但{column}不同（“{that}”与“{this}”）"),
                            format!("Same ID number as row {first_row} with a different {column} ({that} / {this})"),
                        ),
                    ));
                }
            }
            if let Some(c) = &r.certificate {
                match record.certificates.iter().position(|h| h.kind == c.kind && h.number == c.number) {
                    None => {
                        record.certificates.push(c.clone());
                        cert_rows.push(*row);
                    }
                    Some(i) if record.certificates[i] != *c => problems.push(row_problem(
                        *row,
                        "证书编号",
                        Message::new(
                            format!("证书 {} 在第 {} 行已有，两行内容不同", c.number, cert_rows[i]),
                            format!("Certificate {} is in row {} too, with other details", c.number, cert_rows[i]),
                        ),
                    )),
                    Some(_) => {}
                }
            }
            if let Some(e) = &r.employment {
                match record.employments.iter().position(|h| h.agency == e.agency) {
                    None => {
                        record.employments.push(e.clone());
                        job_rows.push(*row);
                    }
                    Some(i) if record.employments[i] != *e => problems.push(row_problem(
                        *row,
                        "所属服务机构",
                        Message::new(
                            format!("在{}的任职在第 {} 行已有，两行内容不同", e.agency_name, job_rows[i]),
                            format!("The post at {} is in row {} too, with other terms", e.agency_name, job_rows[i]),
                        ),
                    )),
                    Some(_) => {}
                }
            }
        }
        if problems.is_empty() {
            Ok(record)
        } else {
            Err(problems)
        }
    }

    /// What this record changes in the registered person (their name, phone, certificates and
    /// posts); certificates and posts the file does not list are left as they are.
    pub fn changes(
        &self,
        name: &str,
        phone: &str,
        certificates: &[Certificate],
        posts: &[Employment],
    ) -> Vec<FieldChange> {
        let mut out = Vec::new();
        for (field, old, new) in [("姓名", name, &self.name), ("联系电话", phone, &self.phone)] {
            if old != new {
                out.push(FieldChange { field: field.into(), old: old.into(), new: new.clone() });
            }
        }
        for c in &self.certificates {
            let held = certificates.iter().find(|h| h.kind == c.kind && h.number == c.number);
            if held != Some(c) {
                out.push(FieldChange {
                    field: format!("证书 {}（{}）", c.number, c.kind.label_zh()),
                    old: held.map(certificate_summary).unwrap_or_default(),
                    new: certificate_summary(c),
                });
            }
        }
        for e in &self.employments {
            let held = posts.iter().find(|h| h.agency == e.agency);
            let now = (e.role, e.full_time, e.started_on, e.ended_on);
            if held.map(|h| (h.role, h.full_time, h.started_on, h.ended_on)) != Some(now) {
                out.push(FieldChange {
                    field: format!("任职 {}", e.agency_name),
                    old: held.map(|h| post_summary(h.role, h.full_time, h.started_on, h.ended_on)).unwrap_or_default(),
                    new: post_summary(e.role, e.full_time, e.started_on, e.ended_on),
                });
            }
        }
        out
    }
}

/// "浙江省人社厅；专业 化工；等级 中级；2023-01-10 发；有效期至 2028-01-09".
pub fn certificate_summary(c: &Certificate) -> String {
    let mut parts = vec![c.issuer.clone()];
    parts.extend(c.specialty.as_ref().map(|s| format!("专业 {s}")));
    parts.extend(c.level.as_ref().map(|l| format!("等级 {l}")));
    parts.extend(c.issued_on.map(|d| format!("{d} 发")));
    parts.push(c.expires_on.map_or_else(|| "长期有效".to_owned(), |d| format!("有效期至 {d}")));
    parts.join("；")
}

/// "专职技术人员，专职，2023-03-01 起，2025-06-30 止".
pub fn post_summary(role: StaffRole, full_time: bool, started: Option<NaiveDate>, ended: Option<NaiveDate>) -> String {
    let mut parts = vec![role.label_zh().to_owned(), if full_time { "专职" } else { "兼职" }.to_owned()];
    parts.extend(started.map(|d| format!("{d} 起")));
    parts.extend(ended.map(|d| format!("{d} 止")));
    parts.join("，")
}

/// A person's certificate as cells of the ledger (kind … expiry), empty where there is none.
pub fn certificate_cells(c: Option<&Certificate>) -> [String; 7] {
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    match c {
        None => Default::default(),
        Some(c) => [
            c.kind.label_zh().to_owned(),
            c.number.clone(),
            c.issuer.clone(),
            c.specialty.clone().unwrap_or_default(),
            c.level.clone().unwrap_or_default(),
            day(c.issued_on),
            day(c.expires_on),
        ],
    }
}

/// A post as cells of the ledger (agency … left), the agency shown by `agency` (its credit
/// code, which the import reads back); empty where there is none.
pub fn employment_cells(e: Option<(&str, &Employment)>) -> [String; 5] {
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    match e {
        None => Default::default(),
        Some((agency, e)) => [
            agency.to_owned(),
            e.role.label_zh().to_owned(),
            if e.full_time { "专职" } else { "兼职" }.to_owned(),
            day(e.started_on),
            day(e.ended_on),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::super::ImportKind;
    use super::*;

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    fn agencies() -> AgencyNames {
        AgencyNames::new([
            (AgencyId(uuid::Uuid::from_u128(1)), "91330106MA2B3C4D5D", "杭州安泰安全技术服务有限公司"),
            (AgencyId(uuid::Uuid::from_u128(2)), "91350100M000100Y43", "同名机构"),
            (AgencyId(uuid::Uuid::from_u128(3)), "91330100MA27XXXX01", "同名机构"),
        ])
    }

    fn header() -> Header {
        let cells: Vec<Cell> = PEOPLE_COLUMNS.iter().map(|c| t(c.header)).collect();
        Header::find(ImportKind::People, &[(1, cells)]).expect("header")
    }

    fn row(values: &[(&str, &str)]) -> Vec<Cell> {
        PEOPLE_COLUMNS
            .iter()
            .map(|c| values.iter().find(|(k, _)| *k == c.key).map_or(Cell::Empty, |(_, v)| t(v)))
            .collect()
    }

    const ID: &str = "11010519491231002X";

    #[test]
    fn a_row_with_a_post_and_a_certificate() {
        let cells = row(&[
            ("id_number", "１１０１０５１９４９１２３１００２ｘ"),
            ("name", "王建国"),
            ("phone", "138 0000 0000"),
            ("agency", "杭州安泰安全技术服务有限公司"),
            ("role", "兼职人员"),
            ("started_on", "2023年3月1日"),
            ("cert_kind", "注册安全工程师"),
            ("cert_number", "ZJ2023 0001"),
            ("cert_issuer", "浙江省人力资源和社会保障厅"),
            ("cert_level", "中级"),
            ("cert_expires_on", "2028/1/9"),
        ]);
        let p = PersonRow::read(&header(), 2, &cells, &agencies()).expect("no problems");
        assert_eq!(p.key, PersonKey::Full(ID.into()));
        assert_eq!(p.phone, "13800000000");
        let e = p.employment.expect("a post");
        assert_eq!((e.role, e.full_time), (StaffRole::PartTime, false), "兼职人员 defaults to part-time");
        assert_eq!(e.started_on, NaiveDate::from_ymd_opt(2023, 3, 1));
        let c = p.certificate.expect("a certificate");
        assert_eq!((c.number.as_str(), c.level.as_deref()), ("ZJ20230001", Some("中级")));
        assert_eq!(c.expires_on, NaiveDate::from_ymd_opt(2028, 1, 9));
    }

    #[test]
    fn every_problem_of_a_row_by_column() {
        let cells = row(&[
            ("id_number", "110105194912310021"),
            ("name", "王建国"),
            ("phone", ""),
            ("agency", "同名机构"),
            ("role", "经理"),
            ("cert_number", "ZJ1"),
            ("ended_on", "2020-01-01"),
            ("started_on", "2021-01-01"),
        ]);
        let problems = PersonRow::read(&header(), 7, &cells, &agencies()).expect_err("refused");
        let shown: Vec<String> = problems.iter().map(|p| format!("{}|{}", p.column, p.message.zh)).collect();
        for (column, says) in [
            ("身份证号码（A 列）", "校验"),
            ("联系电话（C 列）", "必填"),
            ("所属服务机构（D 列）", "有 2 家服务机构名为“同名机构”"),
            ("人员身份（E 列）", "“经理”不是可选的值"),
            ("离职日期（H 列）", "早于入职日期"),
            ("证书类别（I 列）", "填写了“证书编号”，但没有填写证书类别"),
        ] {
            assert!(shown.iter().any(|s| s.starts_with(column) && s.contains(says)), "{column} {says}: {shown:#?}");
        }
    }

    #[test]
    fn a_ledgers_masked_number_is_taken_as_masked_and_a_row_without_post_or_certificate_is_a_person() {
        let cells = row(&[("id_number", "110105********002X"), ("name", "王建国"), ("phone", "13800000000")]);
        let p = PersonRow::read(&header(), 3, &cells, &agencies()).expect("no problems");
        assert_eq!(p.key, PersonKey::Masked("110105********002X".into()));
        assert_eq!((p.employment, p.certificate), (None, None));
        assert_eq!(PersonKey::Full(ID.into()).masked(), "110105********002X");
    }

    fn person(at: u32, cert: Option<&str>, agency: Option<&str>, phone: &str) -> (u32, PersonRow) {
        let mut values = vec![("id_number", ID), ("name", "王建国"), ("phone", phone)];
        if let Some(n) = cert {
            values.extend([("cert_kind", "安全评价师"), ("cert_number", n), ("cert_issuer", "浙江省")]);
        }
        if let Some(a) = agency {
            values.extend([("agency", a), ("role", "专职技术人员")]);
        }
        (at, PersonRow::read(&header(), at, &row(&values), &agencies()).expect("read"))
    }

    #[test]
    fn a_persons_rows_gather_into_one_record_and_disagreeing_rows_are_named() {
        let rows = [
            person(2, Some("A1"), Some("91330106MA2B3C4D5D"), "13800000000"),
            person(3, Some("A2"), None, "13800000000"),
            person(4, Some("A1"), Some("91330106MA2B3C4D5D"), "13800000000"),
        ];
        let record = PersonRecord::gather(&rows).expect("one person");
        assert_eq!((record.certificates.len(), record.employments.len()), (2, 1), "the same certificate twice is once");

        let problems =
            PersonRecord::gather(&[rows[0].clone(), person(5, None, None, "13900000000")]).expect_err("phones");
        assert_eq!(problems[0].row, 5);
        assert!(problems[0].message.zh.contains("与第 2 行是同一身份证号码，但联系电话不同"), "{problems:?}");

        // Against the register: a new certificate and a changed post are the changes.
        let held = vec![rows[0].1.certificate.clone().expect("cert")];
        let post = Employment {
            person: crate::ids::PersonId(uuid::Uuid::from_u128(9)),
            agency: AgencyId(uuid::Uuid::from_u128(1)),
            role: StaffRole::PartTime,
            full_time: false,
            started_on: None,
            ended_on: None,
        };
        let changes = record.changes("王建国", "13800000000", &held, &[post]);
        let shown: Vec<String> = changes.iter().map(|c| format!("{}: {} → {}", c.field, c.old, c.new)).collect();
        assert_eq!(
            shown,
            [
                "证书 A2（安全评价师）:  → 浙江省；长期有效",
                "任职 杭州安泰安全技术服务有限公司: 兼职人员，兼职 → 专职技术人员，专职"
            ]
        );
    }
}
