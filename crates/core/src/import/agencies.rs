//! The agency register in a workbook: what R1 asks of an agency (office, services offered,
//! registration on the provincial platform, management documents, high-risk industries it
//! serves) and the reference fees it publishes (R2), one agency a row — and the same facts typed into the agency form.

use super::{
    amount, code, column, empty_required, half_width, labels, yes_no, yuan, Cell, Column, DivisionNames, FieldChange,
    Header, RowProblem,
};
use crate::codes::CreditCode;
use crate::contract::ReferenceFees;
use crate::division::DivisionCode;
use crate::form::{problem, FieldProblem};
use crate::ids::AgencyId;
use crate::labels::Labelled;
use crate::message::Message;
use crate::register::{Agency, Industry, ManagementDocument, ServiceType};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const AGENCY_COLUMNS: [Column; 13] = [
    column(
        "credit_code",
        "统一社会信用代码",
        &["信用代码", "社会信用代码"],
        true,
        "18 位，含校验位；请把此列设为文本",
        "91330106MA2B3C4D5D",
    ),
    column(
        "name",
        "机构名称",
        &["服务机构名称", "单位名称", "名称"],
        true,
        "营业执照上的全称",
        "杭州某某安全技术服务有限公司",
    ),
    column("address", "办公地址", &["地址", "注册地址"], true, "", "西湖区文三路 1 号"),
    column(
        "office_area_m2",
        "办公面积（平方米）",
        &["办公面积", "办公场所面积"],
        true,
        "R1 要求不少于 100 平方米",
        "120",
    ),
    column(
        "division",
        "所在区县（乡镇）",
        &["所在区县", "所属区县", "行政区划", "行政区划代码"],
        true,
        "区县或乡镇（街道）的名称或 GB/T 2260 代码",
        "西湖区",
    ),
    column(
        "service_types",
        "服务类型",
        &["提供的服务类型", "服务范围"],
        true,
        "可填多项，用顿号“、”分隔",
        "安全管理服务、专业技术服务",
    ),
    column(
        "high_risk_industries",
        "服务的高危行业",
        &["高危行业"],
        false,
        "服务或拟服务的高危行业，用顿号分隔；没有的留空",
        "化工",
    ),
    column("platform_registered", "已在省平台登记", &["省平台登记", "是否在省平台登记"], true, "是或否", "是"),
    column(
        "documents",
        "已有管理文件",
        &["管理文件", "管理制度"],
        false,
        "用顿号分隔；表中没有这一列时保留原登记",
        "内部管理制度、服务规范与程序",
    ),
    column("fee_safety_management", "参考收费：安全管理服务（元/年）", &[], false, "公开的参考收费（R2）", "30000"),
    column("fee_professional_technical", "参考收费：专业技术服务（元/年）", &[], false, "", "50000"),
    column("fee_publicity_training", "参考收费：宣传教育服务（元/年）", &[], false, "", "8000"),
    column("fee_other", "参考收费：其他安全服务（元/年）", &[], false, "", ""),
];

/// The fee column of each service type, in [`AGENCY_COLUMNS`]' order.
const FEE_COLUMNS: [(&str, ServiceType); 4] = [
    ("fee_safety_management", ServiceType::SafetyManagement),
    ("fee_professional_technical", ServiceType::ProfessionalTechnical),
    ("fee_publicity_training", ServiceType::PublicityTraining),
    ("fee_other", ServiceType::Other),
];

/// An agency as one row gives it, every field checked.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyRow {
    pub credit_code: String,
    pub name: String,
    pub address: String,
    pub office_area_m2: f64,
    pub division: DivisionCode,
    pub service_types: Vec<ServiceType>,
    /// `None` where the sheet has no such column (the register's value stays).
    pub high_risk_industries: Option<Vec<Industry>>,
    pub platform_registered: bool,
    pub documents: Option<Vec<ManagementDocument>>,
    /// The fee of each service type whose column the sheet has, in fen; `None`: left empty.
    pub fees: Vec<(ServiceType, Option<i64>)>,
}

impl AgencyRow {
    /// Row `row` of an agency workbook, or every problem it has.
    pub fn read(header: &Header, row: u32, cells: &[Cell], divisions: &DivisionNames) -> Result<Self, Vec<RowProblem>> {
        let mut r = super::RowReader { header, row, cells, problems: Vec::new() };
        let credit_code = r.check("credit_code", |c| {
            let typed = code(c)?;
            CreditCode::parse(&typed).map(|c| c.as_str().to_owned()).map_err(|e| e.message())
        });
        let name = r.text("name");
        let address = r.text("address");
        let office_area_m2 = r.check("office_area_m2", |c| amount(c)?.ok_or_else(empty_required));
        let division = r.check("division", |c| divisions.resolve(c));
        let service_types = r.check("service_types", |c| match labels::<ServiceType>(c)? {
            v if v.is_empty() => Err(empty_required()),
            v => Ok(v),
        });
        let high_risk_industries = if header.has("high_risk_industries") {
            r.check("high_risk_industries", |c| {
                let v = labels::<Industry>(c)?;
                match v.iter().find(|i| !i.is_high_risk()) {
                    Some(i) => Err(Message::new(
                        format!("“{}”不是高危行业", i.label_zh()),
                        format!("{} is not a high-risk industry", i.label_en()),
                    )),
                    None => Ok(v),
                }
            })
            .map(Some)
        } else {
            Some(None)
        };
        let platform_registered = r.check("platform_registered", yes_no);
        let documents = if header.has("documents") {
            r.check("documents", labels::<ManagementDocument>).map(Some)
        } else {
            Some(None)
        };
        let mut fees = Vec::new();
        for (key, service) in FEE_COLUMNS {
            if header.has(key) {
                if let Some(yuan) = r.check(key, amount) {
                    fees.push((service, yuan.map(|y| (y * 100.0).round() as i64)));
                }
            }
        }
        let read = || {
            Some(AgencyRow {
                credit_code: credit_code?,
                name: name?,
                address: address?,
                office_area_m2: office_area_m2?,
                division: division?,
                service_types: service_types?,
                high_risk_industries: high_risk_industries?,
                platform_registered: platform_registered?,
                documents: documents?,
                fees,
            })
        };
        match read() {
            Some(row) if r.problems.is_empty() => Ok(row),
            _ => Err(r.problems),
        }
    }

    /// The agency this row registers (`current` is `None`) or makes of `current`, and its
    /// fees: a column the sheet does not have keeps the register's value.
    pub fn to_agency(&self, id: AgencyId, current: Option<(&Agency, &ReferenceFees)>) -> (Agency, ReferenceFees) {
        let agency = Agency {
            id: current.map_or(id, |(c, _)| c.id),
            credit_code: self.credit_code.clone(),
            name: self.name.clone(),
            address: self.address.clone(),
            office_area_m2: self.office_area_m2,
            division: self.division.clone(),
            service_types: self.service_types.clone(),
            high_risk_industries: self
                .high_risk_industries
                .clone()
                .or_else(|| current.map(|(c, _)| c.high_risk_industries.clone()))
                .unwrap_or_default(),
            platform_registered: self.platform_registered,
            documents: self.documents.clone().or_else(|| current.map(|(c, _)| c.documents.clone())).unwrap_or_default(),
        };
        let mut fees = current.map(|(_, f)| f.clone()).unwrap_or_default();
        for (service, fee) in &self.fees {
            match fee {
                Some(f) => fees.insert(*service, *f),
                None => fees.remove(service),
            };
        }
        (agency, fees)
    }

    /// What this row changes in the registered agency, column by column; empty when nothing.
    pub fn changes(&self, current: &Agency, fees: &ReferenceFees, division_name: &str) -> Vec<FieldChange> {
        let (next, next_fees) = self.to_agency(current.id, Some((current, fees)));
        let old = agency_cells(current, division_name, fees);
        let new = agency_cells(&next, division_name, &next_fees);
        AGENCY_COLUMNS
            .iter()
            .zip(old.into_iter().zip(new))
            .filter(|(c, (o, n))| o != n && !(c.key == "division" && current.division == next.division))
            .map(|(c, (old, new))| FieldChange { field: c.header.to_owned(), old, new })
            .collect()
    }
}

/// An agency as a row of its ledger, in [`AGENCY_COLUMNS`]' order; `division` is what the
/// division column shows.
pub fn agency_cells(a: &Agency, division: &str, fees: &ReferenceFees) -> Vec<String> {
    fn joined<T: Labelled>(v: &[T]) -> String {
        v.iter().map(|x| x.label_zh()).collect::<Vec<_>>().join("、")
    }
    let area = if a.office_area_m2.fract() == 0.0 {
        format!("{}", a.office_area_m2 as i64)
    } else {
        a.office_area_m2.to_string()
    };
    let mut cells = vec![
        a.credit_code.clone(),
        a.name.clone(),
        a.address.clone(),
        area,
        division.to_owned(),
        joined(&a.service_types),
        joined(&a.high_risk_industries),
        if a.platform_registered { "是" } else { "否" }.to_owned(),
        joined(&a.documents),
    ];
    for (_, service) in FEE_COLUMNS {
        cells.push(fees.get(&service).map(|f| yuan(*f)).unwrap_or_default());
    }
    cells
}

/// One published reference fee (R2): yuan a year for a service type.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReferenceFee {
    pub service: ServiceType,
    pub yuan: f64,
}

/// An agency as the 登记/编辑服务机构 form gives it: the same facts as a row of the agency
/// workbook, typed into fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AgencyForm {
    pub credit_code: String,
    pub name: String,
    pub address: String,
    pub office_area_m2: f64,
    /// The district's or township's GB/T 2260 code.
    pub division: String,
    pub service_types: Vec<ServiceType>,
    pub high_risk_industries: Vec<Industry>,
    pub platform_registered: bool,
    pub documents: Vec<ManagementDocument>,
    /// The fees it publishes; a service type left out publishes none.
    pub fees: Vec<ReferenceFee>,
}

impl AgencyForm {
    /// The form as the row the register is written from, or the first field that is wrong.
    /// Whether the division is one this laptop knows is the store's to say.
    pub fn check(&self) -> Result<AgencyRow, FieldProblem> {
        let credit_code = CreditCode::parse(&half_width(&self.credit_code))
            .map_err(|e| FieldProblem { field: "credit_code", message: e.message() })?;
        let required = |field: &'static str, value: &str, zh: &str, en: &str| {
            let v = value.trim();
            if v.is_empty() {
                Err(problem(field, format!("请填写{zh}"), format!("Enter the {en}")))
            } else {
                Ok(v.to_owned())
            }
        };
        let name = required("name", &self.name, "机构名称", "agency's name")?;
        let address = required("address", &self.address, "办公地址", "office address")?;
        if !self.office_area_m2.is_finite() || self.office_area_m2 < 0.0 {
            return Err(problem(
                "office_area_m2",
                "办公面积应为不小于 0 的数字",
                "The office area is a number, 0 or more",
            ));
        }
        let division = DivisionCode::parse(self.division.trim())
            .map_err(|_| problem("division", "请选择所在区县或乡镇（街道）", "Choose the district or township"))?;
        if self.service_types.is_empty() {
            return Err(problem("service_types", "请至少选择一种服务类型", "Choose at least one service type"));
        }
        if let Some(i) = self.high_risk_industries.iter().find(|i| !i.is_high_risk()) {
            return Err(problem(
                "high_risk_industries",
                format!("“{}”不是高危行业", i.label_zh()),
                format!("{} is not a high-risk industry", i.label_en()),
            ));
        }
        let mut fees = Vec::new();
        for (_, service) in FEE_COLUMNS {
            let fee = self.fees.iter().find(|f| f.service == service);
            match fee {
                Some(f) if !f.yuan.is_finite() || f.yuan < 0.0 => {
                    return Err(problem(
                        "fees",
                        "参考收费应为不小于 0 的金额",
                        "A reference fee is an amount, 0 or more",
                    ));
                }
                Some(f) => fees.push((service, Some((f.yuan * 100.0).round() as i64))),
                None => fees.push((service, None)),
            }
        }
        Ok(AgencyRow {
            credit_code: credit_code.as_str().to_owned(),
            name,
            address,
            office_area_m2: self.office_area_m2,
            division,
            service_types: self.service_types.clone(),
            high_risk_industries: Some(self.high_risk_industries.clone()),
            platform_registered: self.platform_registered,
            documents: Some(self.documents.clone()),
            fees,
        })
    }
}

/// The fees as the form shows them, in the ledger's order.
pub fn fee_list(fees: &ReferenceFees) -> Vec<ReferenceFee> {
    FEE_COLUMNS
        .iter()
        .filter_map(|(_, s)| fees.get(s).map(|fen| ReferenceFee { service: *s, yuan: *fen as f64 / 100.0 }))
        .collect()
}
