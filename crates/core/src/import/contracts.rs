//! The contract register in a workbook: who serves whom, for what, how often, over which term
//! and for how much (R3), one contract a row. Both parties are named by credit code and must
//! be registered; a contract is the same contract when its agency, enterprise and first day
//! are, so a ledger edited and imported back updates it rather than adding a second one.

use super::{
    amount, code, column, date, empty_required, labels, yes_no, yuan, Cell, Column, FieldChange, Header, RowProblem,
};
use crate::codes::CreditCode;
use crate::ids::{AgencyId, ContractId, EnterpriseId};
use crate::message::Message;
use crate::register::{Contract, ServiceType};
use chrono::NaiveDate;

pub const CONTRACT_COLUMNS: [Column; 14] = [
    column(
        "agency_code",
        "服务机构信用代码",
        &["机构信用代码", "服务机构统一社会信用代码", "受托方信用代码"],
        true,
        "服务机构须已登记（先导入服务机构名录）；请把此列设为文本",
        "91330106MA2B3C4D5D",
    ),
    column(
        "agency_name",
        "服务机构名称",
        &["受托方", "服务机构"],
        false,
        "核对用：以信用代码为准，与登记名称不同时预览中提示",
        "杭州某某安全技术服务有限公司",
    ),
    column(
        "enterprise_code",
        "生产经营单位信用代码",
        &["企业信用代码", "委托单位信用代码", "委托方信用代码"],
        true,
        "生产经营单位须已登记；请把此列设为文本",
        "91330106MA2B3C4D6B",
    ),
    column(
        "enterprise_name",
        "生产经营单位名称",
        &["委托单位", "委托方", "企业名称"],
        false,
        "核对用：以信用代码为准",
        "杭州某某化工有限公司",
    ),
    column("service_types", "服务类型", &["委托服务类型"], true, "可填多项，用顿号“、”分隔", "安全管理服务"),
    column("content", "服务内容", &["委托服务内容"], true, "", "隐患排查、安全管理制度完善"),
    column(
        "visits_per_year",
        "每年服务次数",
        &["服务频次", "服务频次（次/年）"],
        true,
        "到企业现场服务的次数，正整数",
        "4",
    ),
    column("starts_on", "服务起始日期", &["合同起始日期", "起始日期", "开始日期"], true, "", "2026-01-01"),
    column("ends_on", "服务终止日期", &["合同终止日期", "终止日期", "截止日期", "结束日期"], true, "", "2026-12-31"),
    column(
        "fee",
        "合同金额（元）",
        &["合同金额", "服务费用", "服务费用（元）"],
        true,
        "整个服务期的金额（R2 与参考收费比较）",
        "20000",
    ),
    column("acceptance_standard", "验收标准", &[], false, "表中没有这一列时保留原登记", "按合同约定的服务内容逐项验收"),
    column(
        "filed_with",
        "报备乡镇（街道）",
        &["备案部门", "报备部门"],
        false,
        "已向乡镇（街道）报备的写其名称，未报备的留空",
        "转塘街道",
    ),
    column("filed_on", "报备日期", &["备案日期"], false, "", "2026-01-05"),
    column(
        "government_commissioned",
        "政府委托",
        &["是否政府委托"],
        false,
        "政府购买服务的检查合同填“是”（R9）；留空为否",
        "否",
    ),
];

/// A contract as one row gives it, every field checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ContractRow {
    pub agency_code: String,
    /// As typed, for checking against the register; `None` where the sheet has no such column.
    pub agency_name: Option<String>,
    pub enterprise_code: String,
    pub enterprise_name: Option<String>,
    pub service_types: Vec<ServiceType>,
    pub content: String,
    pub visits_per_year: u32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub fee_fen: i64,
    /// `None` where the sheet has no such column (the register's value stays); so too below.
    pub acceptance_standard: Option<String>,
    /// `Some("")`: the sheet says the contract is not filed.
    pub filed_with: Option<String>,
    pub filed_on: Option<Option<NaiveDate>>,
    pub government_commissioned: Option<bool>,
}

/// Where a contract is filed (R3): with whom and on which day, as the register holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filing {
    pub with: Option<String>,
    pub on: Option<NaiveDate>,
}

/// The two parties of a contract as a ledger names them: credit code and name of each.
#[derive(Debug, Clone, Copy)]
pub struct Parties<'a> {
    pub agency: (&'a str, &'a str),
    pub enterprise: (&'a str, &'a str),
}

/// The same contract: its agency, its enterprise and its first day.
pub type ContractKey = (String, String, NaiveDate);

fn credit_code(c: &Cell) -> Result<String, Message> {
    CreditCode::parse(&code(c)?).map(|c| c.as_str().to_owned()).map_err(|e| e.message())
}

fn required_date(c: &Cell) -> Result<NaiveDate, Message> {
    date(c)?.ok_or_else(empty_required)
}

impl ContractRow {
    /// Row `row` of a contract workbook, or every problem it has.
    pub fn read(header: &Header, row: u32, cells: &[Cell]) -> Result<Self, Vec<RowProblem>> {
        let mut r = super::RowReader { header, row, cells, problems: Vec::new() };
        let agency_code = r.check("agency_code", credit_code);
        let agency_name = r.text("agency_name");
        let enterprise_code = r.check("enterprise_code", credit_code);
        let enterprise_name = r.text("enterprise_name");
        let service_types = r.check("service_types", |c| match labels::<ServiceType>(c)? {
            v if v.is_empty() => Err(empty_required()),
            v => Ok(v),
        });
        let content = r.text("content");
        let visits_per_year = r.check("visits_per_year", |c| match amount(c)?.ok_or_else(empty_required)? {
            n if n >= 1.0 && n.fract() == 0.0 && n <= 366.0 => Ok(n as u32),
            n => Err(Message::new(
                format!("每年服务次数应为 1 到 366 的整数，不是“{n}”"),
                format!("Visits a year must be a whole number from 1 to 366, not {n}"),
            )),
        });
        let starts_on = r.check("starts_on", required_date);
        let ends_on = r.check("ends_on", required_date);
        if let (Some(from), Some(to)) = (starts_on, ends_on) {
            if to < from {
                r.problem(
                    "ends_on",
                    Message::new(
                        format!("终止日期 {to} 早于起始日期 {from}"),
                        format!("The term ends ({to}) before it starts ({from})"),
                    ),
                );
            }
        }
        let fee_fen = r.check("fee", |c| match amount(c)?.ok_or_else(empty_required)? {
            y if y > 0.0 => Ok((y * 100.0).round() as i64),
            _ => Err(Message::new("合同金额须大于 0（R2：合同应写明服务费用）", "The fee must be more than 0 (R2)")),
        });
        let acceptance_standard = r.text("acceptance_standard");
        let filed_with = r.text("filed_with");
        let filed_on = if header.has("filed_on") { r.check("filed_on", date).map(Some) } else { Some(None) };
        let government_commissioned = if header.has("government_commissioned") {
            r.check("government_commissioned", |c| match c {
                Cell::Empty => Ok(false),
                c => yes_no(c),
            })
            .map(Some)
        } else {
            Some(None)
        };
        let read = || {
            Some(ContractRow {
                agency_code: agency_code?,
                agency_name,
                enterprise_code: enterprise_code?,
                enterprise_name,
                service_types: service_types?,
                content: content?,
                visits_per_year: visits_per_year?,
                starts_on: starts_on?,
                ends_on: ends_on?,
                fee_fen: fee_fen?,
                acceptance_standard,
                filed_with,
                filed_on: filed_on?,
                government_commissioned: government_commissioned?,
            })
        };
        match read() {
            Some(row) if r.problems.is_empty() => Ok(row),
            _ => Err(r.problems),
        }
    }

    pub fn key(&self) -> ContractKey {
        (self.agency_code.clone(), self.enterprise_code.clone(), self.starts_on)
    }

    /// The contract this row records between `agency` and `enterprise` (`current` is `None`)
    /// or makes of `current`, with its filing: a column the sheet does not have keeps the
    /// register's value.
    pub fn to_contract(
        &self,
        id: ContractId,
        agency: AgencyId,
        enterprise: EnterpriseId,
        current: Option<(&Contract, &Filing)>,
    ) -> (Contract, Filing) {
        let filing = Filing {
            with: match &self.filed_with {
                Some(w) => Some(w.clone()).filter(|w| !w.is_empty()),
                None => current.and_then(|(_, f)| f.with.clone()),
            },
            on: self.filed_on.unwrap_or_else(|| current.and_then(|(_, f)| f.on)),
        };
        let contract = Contract {
            id: current.map_or(id, |(c, _)| c.id),
            agency,
            enterprise,
            service_types: self.service_types.clone(),
            content: self.content.clone(),
            visits_per_year: self.visits_per_year,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            fee_fen: self.fee_fen,
            acceptance_standard: self
                .acceptance_standard
                .clone()
                .or_else(|| current.map(|(c, _)| c.acceptance_standard.clone()))
                .unwrap_or_default(),
            filed: filing.with.is_some(),
            government_commissioned: self
                .government_commissioned
                .or_else(|| current.map(|(c, _)| c.government_commissioned))
                .unwrap_or(false),
        };
        (contract, filing)
    }

    /// What this row changes in the registered contract, column by column; empty when nothing.
    pub fn changes(&self, current: &Contract, filing: &Filing, parties: Parties<'_>) -> Vec<FieldChange> {
        let (next, next_filing) =
            self.to_contract(current.id, current.agency, current.enterprise, Some((current, filing)));
        let old = contract_cells(current, filing, parties);
        let new = contract_cells(&next, &next_filing, parties);
        CONTRACT_COLUMNS
            .iter()
            .zip(old.into_iter().zip(new))
            .filter(|(_, (o, n))| o != n)
            .map(|(c, (old, new))| FieldChange { field: c.header.to_owned(), old, new })
            .collect()
    }

    /// Where the names typed differ from the registered ones: a note on the row, since the
    /// credit code decides who the party is.
    pub fn name_notes(&self, header: &Header, row: u32, parties: Parties<'_>) -> Vec<RowProblem> {
        let mut out = Vec::new();
        for (key, typed, (_, registered)) in [
            ("agency_name", &self.agency_name, parties.agency),
            ("enterprise_name", &self.enterprise_name, parties.enterprise),
        ] {
            if let Some(typed) = typed.as_deref().filter(|t| !t.is_empty() && *t != registered) {
                out.push(header.problem_at(
                    key,
                    row,
                    Message::new(
                        format!("表中名称“{typed}”与登记的“{registered}”不同，以信用代码为准"),
                        format!(
                            "The name {typed:?} differs from the registered {registered:?}; the credit code decides"
                        ),
                    ),
                ));
            }
        }
        out
    }
}

/// A contract as a row of its ledger, in [`CONTRACT_COLUMNS`]' order.
pub fn contract_cells(c: &Contract, filing: &Filing, parties: Parties<'_>) -> Vec<String> {
    vec![
        parties.agency.0.to_owned(),
        parties.agency.1.to_owned(),
        parties.enterprise.0.to_owned(),
        parties.enterprise.1.to_owned(),
        c.service_types.iter().map(|s| s.label_zh()).collect::<Vec<_>>().join("、"),
        c.content.clone(),
        c.visits_per_year.to_string(),
        c.starts_on.to_string(),
        c.ends_on.to_string(),
        yuan(c.fee_fen),
        c.acceptance_standard.clone(),
        filing.with.clone().unwrap_or_default(),
        filing.on.map(|d| d.to_string()).unwrap_or_default(),
        if c.government_commissioned { "是" } else { "否" }.to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::ImportKind;

    fn header() -> Header {
        let cells: Vec<Cell> = CONTRACT_COLUMNS.iter().map(|c| Cell::Text(c.header.to_owned())).collect();
        Header::find(ImportKind::Contracts, &[(1, cells)]).unwrap()
    }

    fn row(values: [&str; 14]) -> Vec<Cell> {
        values.iter().map(|v| if v.is_empty() { Cell::Empty } else { Cell::Text((*v).to_owned()) }).collect()
    }

    const A: &str = "91330106MA2B3C4D5D";

    #[test]
    fn a_row_reads_with_its_term_fee_and_filing_and_every_problem_is_named_by_column() {
        let h = header();
        #[rustfmt::skip]
        let good = ContractRow::read(&h, 2, &row([A, "", A, "", "安全管理服务、宣传教育服务", "隐患排查", "4", "2026/1/1", "2026年12月31日", "20,000.5", "", "转塘街道", "", ""])).unwrap();
        assert_eq!(good.service_types, vec![ServiceType::SafetyManagement, ServiceType::PublicityTraining]);
        assert_eq!((good.visits_per_year, good.fee_fen), (4, 2_000_050));
        assert_eq!(good.ends_on, NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!((good.filed_with.as_deref(), good.government_commissioned), (Some("转塘街道"), Some(false)));

        #[rustfmt::skip]
        let bad = ContractRow::read(&h, 3, &row(["9133", "", A, "", "修车", "", "0.5", "2026-13-01", "2025-01-01", "0", "", "", "昨天", "也许"])).unwrap_err();
        let said: Vec<String> = bad.iter().map(|p| format!("{}|{}", p.column, p.message.zh)).collect();
        for (column, says) in [
            ("服务机构信用代码（A 列）", "18"),
            ("服务类型（E 列）", "不是可选的值"),
            ("服务内容（F 列）", "必填"),
            ("每年服务次数（G 列）", "整数"),
            ("服务起始日期（H 列）", "无法识别的日期"),
            ("合同金额（元）（J 列）", "大于 0"),
            ("报备日期（M 列）", "无法识别的日期"),
            ("政府委托（N 列）", "“是”或“否”"),
        ] {
            assert!(said.iter().any(|s| s.starts_with(column) && s.contains(says)), "{column} {says}: {said:#?}");
        }
        #[rustfmt::skip]
        let backwards = ContractRow::read(&h, 4, &row([A, "", A, "", "安全管理服务", "隐患排查", "4", "2026-06-01", "2026-01-01", "100", "", "", "", ""])).unwrap_err();
        assert!(
            backwards[0].column.starts_with("服务终止日期") && backwards[0].message.zh.contains("早于"),
            "{backwards:?}"
        );
    }

    #[test]
    fn an_absent_column_keeps_the_register_and_an_edited_cell_is_a_change() {
        let h = header();
        #[rustfmt::skip]
        let r = ContractRow::read(&h, 2, &row([A, "", A, "", "安全管理服务", "隐患排查", "6", "2026-01-01", "2026-12-31", "20000", "", "", "", "否"])).unwrap();
        let id = ContractId::from_parts(0, &[1; 10]);
        let (agency, enterprise) = (AgencyId::from_parts(0, &[2; 10]), EnterpriseId::from_parts(0, &[3; 10]));
        let (mut current, _) = r.to_contract(id, agency, enterprise, None);
        current.visits_per_year = 4;
        let filing = Filing { with: Some("转塘街道".into()), on: NaiveDate::from_ymd_opt(2026, 1, 5) };
        let parties = Parties { agency: (A, "安泰"), enterprise: (A, "某化工") };
        let changes = r.changes(&current, &filing, parties);
        let shown: Vec<String> = changes.iter().map(|c| format!("{}: {} → {}", c.field, c.old, c.new)).collect();
        // The sheet's empty filing cells say "not filed": a change, with the old values kept.
        assert_eq!(
            shown,
            vec!["每年服务次数: 4 → 6", "报备乡镇（街道）: 转塘街道 → ", "报备日期: 2026-01-05 → "],
            "{shown:#?}"
        );
    }
}
