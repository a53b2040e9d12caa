//! R14 — coverage (002 §二): the share of small/micro parks (小微企业园区), production-type
//! small/micro enterprises and high-risk enterprises that are under service, per district and
//! township, against the province's targets (40% / 70% / 100%).
//!
//! The rule lives here so the laptop, the CLI and the server count alike; the store only
//! aggregates rows and hands the counts to these functions. What the words mean:
//!
//! - **Under service** (在服务): the enterprise holds at least one contract active on the day,
//!   start and end dates inclusive ([`Contract::is_active_on`]). A contract ending on the day
//!   still counts; one starting the next day does not yet.
//! - **Production-type** (生产型): every industry except trade and services (商贸服务) and
//!   warehousing and logistics (仓储物流) — [`Industry::is_production`]. High-risk industries are
//!   production-type too.
//! - **Small/micro** (小微): size small or micro ([`EnterpriseSize::is_small_or_micro`]).
//! - **High-risk** (高危): [`Industry::is_high_risk`], any size.
//! - **A park under service**: a park is the set of enterprises whose `park` names it; it counts
//!   as under service when at least [`CoverageRules::park_served_percent`] (default 50%) of its
//!   enterprises are. A park belongs to the township holding most of its enterprises (ties: the
//!   lowest code), so it is counted once, in one township and one district.
//!
//! Targets and the park share are percentages in whole numbers, compared as integers
//! (`served × 100 ≥ target × total`), so an edge such as "exactly half" never depends on
//! floating-point rounding. A measure with nothing to count (no high-risk enterprise in a
//! township) is [`Attainment::NoneToCount`]: neither 0% nor met, and never a division by zero.

use crate::labels::labelled_enum;
use crate::message::Message;
use crate::register::{Contract, EnterpriseSize, Industry};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

labelled_enum! {
    /// The three figures of R14.
    Measure {
        Parks = "parks", "小微企业园区", "Small/micro parks";
        ProductionSmallMicro = "production_small_micro", "生产型小微企业", "Production-type small/micro enterprises";
        HighRisk = "high_risk", "高危企业", "High-risk enterprises";
    }
}

/// The province's targets (002 §二), in whole percent. A city that sets its own changes them
/// here; the report carries the targets it was computed against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Targets {
    pub parks: u32,
    pub production_small_micro: u32,
    pub high_risk: u32,
}

impl Default for Targets {
    fn default() -> Self {
        Self { parks: 40, production_small_micro: 70, high_risk: 100 }
    }
}

impl Targets {
    pub fn of(&self, measure: Measure) -> u32 {
        match measure {
            Measure::Parks => self.parks,
            Measure::ProductionSmallMicro => self.production_small_micro,
            Measure::HighRisk => self.high_risk,
        }
    }
}

/// Everything R14 leaves to the product: the targets and when a park counts as served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CoverageRules {
    pub targets: Targets,
    /// A park is under service when at least this share (whole percent) of its enterprises
    /// are. The seeds give no number; half is the default.
    pub park_served_percent: u32,
}

impl Default for CoverageRules {
    fn default() -> Self {
        Self { targets: Targets::default(), park_served_percent: 50 }
    }
}

impl Industry {
    /// Production-type (生产型) for R14: anything but trade/services and warehousing/logistics.
    pub fn is_production(self) -> bool {
        !matches!(self, Industry::Trade | Industry::Warehousing)
    }
}

impl EnterpriseSize {
    /// Small or micro (小微) for R14.
    pub fn is_small_or_micro(self) -> bool {
        matches!(self, EnterpriseSize::Small | EnterpriseSize::Micro)
    }
}

/// Whether an enterprise with these contracts is under service on `day`.
pub fn is_served<'a>(contracts: impl IntoIterator<Item = &'a Contract>, day: NaiveDate) -> bool {
    contracts.into_iter().any(|c| c.is_active_on(day))
}

/// The enterprise measures an enterprise of this industry and size is counted in (parks are
/// counted per park, not per enterprise).
pub fn counted_in(industry: Industry, size: EnterpriseSize) -> impl Iterator<Item = Measure> {
    let production = industry.is_production() && size.is_small_or_micro();
    [(Measure::ProductionSmallMicro, production), (Measure::HighRisk, industry.is_high_risk())]
        .into_iter()
        .filter_map(|(m, counted)| counted.then_some(m))
}

/// How many are under service out of how many there are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub served: u32,
    pub total: u32,
}

impl Tally {
    pub fn new(served: u32, total: u32) -> Self {
        debug_assert!(served <= total, "{served} served of {total}");
        Self { served, total }
    }

    pub fn add(&mut self, other: Tally) {
        self.served += other.served;
        self.total += other.total;
    }

    /// `None` when there is nothing to count.
    pub fn share(&self) -> Option<f64> {
        (self.total > 0).then(|| f64::from(self.served) / f64::from(self.total))
    }

    /// Whether the share reaches `percent`, in integers; `None` when there is nothing to count.
    pub fn reaches(&self, percent: u32) -> Option<bool> {
        (self.total > 0).then(|| u64::from(self.served) * 100 >= u64::from(percent) * u64::from(self.total))
    }
}

/// A park (its enterprises' tally) is under service when enough of its enterprises are.
pub fn park_is_served(enterprises: Tally, rules: &CoverageRules) -> bool {
    enterprises.reaches(rules.park_served_percent).unwrap_or(false)
}

/// The township a park belongs to, from its enterprise count per division: the one holding most
/// of them, the lowest code on a tie. `None` for a park with no enterprises.
pub fn park_home<'a>(counts: impl IntoIterator<Item = (&'a str, u32)>) -> Option<&'a str> {
    counts.into_iter().filter(|(_, n)| *n > 0).min_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0))).map(|(code, _)| code)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Attainment {
    Met,
    Unmet,
    /// No park or enterprise of this kind here: no share, no verdict.
    NoneToCount,
}

impl Attainment {
    pub fn label(self) -> Message {
        match self {
            Attainment::Met => Message::new("达标", "Met"),
            Attainment::Unmet => Message::new("未达标", "Below target"),
            Attainment::NoneToCount => Message::new("无此类对象", "None to count"),
        }
    }
}

/// One measure of one division.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MeasureCoverage {
    pub measure: Measure,
    pub served: u32,
    pub total: u32,
    /// 0.0–1.0; `None` when `total` is 0.
    pub share: Option<f64>,
    /// Whole percent.
    pub target_percent: u32,
    pub attainment: Attainment,
}

impl MeasureCoverage {
    pub fn new(measure: Measure, tally: Tally, targets: &Targets) -> Self {
        let target_percent = targets.of(measure);
        let attainment = match tally.reaches(target_percent) {
            Some(true) => Attainment::Met,
            Some(false) => Attainment::Unmet,
            None => Attainment::NoneToCount,
        };
        Self { measure, served: tally.served, total: tally.total, share: tally.share(), target_percent, attainment }
    }
}

/// The three tallies of one division while counting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DivisionTally {
    pub parks: Tally,
    pub production_small_micro: Tally,
    pub high_risk: Tally,
}

impl DivisionTally {
    /// `enterprises` of one industry and size, of which `served` are under service.
    pub fn add_enterprises(&mut self, industry: Industry, size: EnterpriseSize, enterprises: Tally) {
        for m in counted_in(industry, size) {
            self.tally_mut(m).add(enterprises);
        }
    }

    /// One park, from its enterprises' tally.
    pub fn add_park(&mut self, enterprises: Tally, rules: &CoverageRules) {
        self.parks.add(Tally::new(u32::from(park_is_served(enterprises, rules)), 1));
    }

    pub fn merge(&mut self, other: &DivisionTally) {
        for m in Measure::ALL {
            self.tally_mut(*m).add(other.tally(*m));
        }
    }

    pub fn tally(&self, measure: Measure) -> Tally {
        match measure {
            Measure::Parks => self.parks,
            Measure::ProductionSmallMicro => self.production_small_micro,
            Measure::HighRisk => self.high_risk,
        }
    }

    fn tally_mut(&mut self, measure: Measure) -> &mut Tally {
        match measure {
            Measure::Parks => &mut self.parks,
            Measure::ProductionSmallMicro => &mut self.production_small_micro,
            Measure::HighRisk => &mut self.high_risk,
        }
    }

    pub fn row(
        &self,
        code: impl Into<String>,
        name: impl Into<String>,
        parent: Option<String>,
        rules: &CoverageRules,
    ) -> CoverageRow {
        let m = |measure| MeasureCoverage::new(measure, self.tally(measure), &rules.targets);
        CoverageRow {
            code: code.into(),
            name: name.into(),
            parent,
            parks: m(Measure::Parks),
            production_small_micro: m(Measure::ProductionSmallMicro),
            high_risk: m(Measure::HighRisk),
        }
    }
}

/// One division's coverage. Field names are the measures' keys, so the UI can index a row by
/// a `Measure`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CoverageRow {
    /// 6-digit district/county or 9-digit township code; empty for the total row.
    pub code: String,
    pub name: String,
    /// A township's district.
    pub parent: Option<String>,
    pub parks: MeasureCoverage,
    pub production_small_micro: MeasureCoverage,
    pub high_risk: MeasureCoverage,
}

impl CoverageRow {
    pub fn measure(&self, measure: Measure) -> &MeasureCoverage {
        match measure {
            Measure::Parks => &self.parks,
            Measure::ProductionSmallMicro => &self.production_small_micro,
            Measure::HighRisk => &self.high_risk,
        }
    }
}

/// Coverage of a jurisdiction on a day: the whole, each district, each township.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CoverageReport {
    #[ts(type = "string")]
    pub day: NaiveDate,
    /// The division-code prefix counted; `None`: the whole database (the city).
    pub within: Option<String>,
    pub rules: CoverageRules,
    /// Everything in scope (合计).
    pub total: CoverageRow,
    /// In code order.
    pub districts: Vec<CoverageRow>,
    /// In code order.
    pub townships: Vec<CoverageRow>,
}

/// One cell of a published coverage table (spreadsheet, command line).
#[derive(Debug, Clone, PartialEq)]
pub enum TableCell {
    Text(String),
    Count(u32),
    /// 0.0–1.0.
    Share(f64),
}

/// A coverage table as published: the same columns in the spreadsheet and on the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageTable {
    /// 区县 or 乡镇街道 (also the spreadsheet's sheet name).
    pub name: &'static str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<TableCell>>,
}

impl CoverageReport {
    /// The district table (the total row last) and the township table.
    pub fn tables(&self) -> [CoverageTable; 2] {
        let measure_header = |header: &mut Vec<String>| {
            for m in Measure::ALL {
                let l = m.label_zh();
                header.extend([
                    format!("{l}·已服务"),
                    format!("{l}·总数"),
                    format!("{l}·覆盖率"),
                    format!("{l}·目标"),
                    format!("{l}·是否达标"),
                ]);
            }
        };
        let measure_cells = |row: &CoverageRow, cells: &mut Vec<TableCell>| {
            for m in Measure::ALL {
                let c = row.measure(*m);
                cells.push(TableCell::Count(c.served));
                cells.push(TableCell::Count(c.total));
                cells.push(match c.share {
                    Some(s) => TableCell::Share(s),
                    None => TableCell::Text("—".to_owned()),
                });
                cells.push(TableCell::Share(f64::from(c.target_percent) / 100.0));
                cells.push(TableCell::Text(c.attainment.label().zh));
            }
        };

        let mut header = vec!["区县代码".to_owned(), "区县".to_owned()];
        measure_header(&mut header);
        let mut rows = Vec::new();
        for r in self.districts.iter().chain([&self.total]) {
            let mut cells = vec![TableCell::Text(r.code.clone()), TableCell::Text(r.name.clone())];
            measure_cells(r, &mut cells);
            rows.push(cells);
        }
        let districts = CoverageTable { name: "区县", header, rows };

        let district_name = |code: &Option<String>| {
            code.as_deref()
                .and_then(|c| self.districts.iter().find(|d| d.code == c))
                .map(|d| d.name.clone())
                .unwrap_or_default()
        };
        let mut header = vec!["乡镇街道代码".to_owned(), "乡镇街道".to_owned(), "所属区县".to_owned()];
        measure_header(&mut header);
        let mut rows = Vec::new();
        for r in &self.townships {
            let mut cells = vec![
                TableCell::Text(r.code.clone()),
                TableCell::Text(r.name.clone()),
                TableCell::Text(district_name(&r.parent)),
            ];
            measure_cells(r, &mut cells);
            rows.push(cells);
        }
        [districts, CoverageTable { name: "乡镇街道", header, rows }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AgencyId, ContractId, EnterpriseId};

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn contract(starts_on: NaiveDate, ends_on: NaiveDate) -> Contract {
        Contract {
            id: ContractId::from_parts(1, &[1; 10]),
            agency: AgencyId::from_parts(2, &[2; 10]),
            enterprise: EnterpriseId::from_parts(3, &[3; 10]),
            service_types: vec![],
            content: "安全管理服务".into(),
            visits_per_year: 4,
            starts_on,
            ends_on,
            fee_fen: 500_000,
            acceptance_standard: "按约定".into(),
            filed: true,
            government_commissioned: false,
        }
    }

    #[test]
    fn a_contract_ending_on_the_day_still_serves() {
        let c = contract(day() - chrono::Days::new(364), day());
        assert!(is_served([&c], day()));
        assert!(!is_served([&c], day().succ_opt().unwrap()), "the day after, it has ended");
    }

    #[test]
    fn a_contract_starting_the_next_day_does_not_serve_yet() {
        let next = day().succ_opt().unwrap();
        let c = contract(next, next + chrono::Days::new(364));
        assert!(!is_served([&c], day()));
        assert!(is_served([&c], next), "it serves from its first day");
    }

    #[test]
    fn one_active_contract_among_expired_ones_is_enough_and_none_is_not_served() {
        let expired = contract(day() - chrono::Days::new(700), day() - chrono::Days::new(336));
        let current = contract(day() - chrono::Days::new(10), day() + chrono::Days::new(354));
        assert!(!is_served([&expired], day()));
        assert!(is_served([&expired, &current], day()));
        assert!(!is_served(std::iter::empty::<&Contract>(), day()));
    }

    #[test]
    fn production_type_is_everything_but_trade_and_warehousing() {
        let not: Vec<Industry> = Industry::ALL.iter().copied().filter(|i| !i.is_production()).collect();
        assert_eq!(not, vec![Industry::Warehousing, Industry::Trade]);
        assert!(Industry::ALL.iter().filter(|i| i.is_high_risk()).all(|i| i.is_production()));
    }

    #[test]
    fn an_enterprise_is_counted_in_the_measures_its_industry_and_size_name() {
        let m = |i, s| counted_in(i, s).collect::<Vec<_>>();
        assert_eq!(m(Industry::Machinery, EnterpriseSize::Micro), vec![Measure::ProductionSmallMicro]);
        assert_eq!(m(Industry::Machinery, EnterpriseSize::Medium), vec![]);
        assert_eq!(m(Industry::Trade, EnterpriseSize::Small), vec![], "trade is not production-type");
        assert_eq!(
            m(Industry::Chemical, EnterpriseSize::Small),
            vec![Measure::ProductionSmallMicro, Measure::HighRisk]
        );
        assert_eq!(m(Industry::Chemical, EnterpriseSize::Large), vec![Measure::HighRisk], "high-risk of any size");
    }

    #[test]
    fn a_park_exactly_at_the_half_share_is_served_and_one_under_it_is_not() {
        let rules = CoverageRules::default();
        assert!(park_is_served(Tally::new(2, 4), &rules), "exactly 50%");
        assert!(park_is_served(Tally::new(1, 2), &rules));
        assert!(!park_is_served(Tally::new(2, 5), &rules), "40% is under half");
        assert!(!park_is_served(Tally::new(0, 0), &rules), "a park with no enterprises is not served");
        let strict = CoverageRules { park_served_percent: 60, ..rules };
        assert!(!park_is_served(Tally::new(1, 2), &strict), "the share is configurable");
        assert!(park_is_served(Tally::new(3, 5), &strict), "60% exactly, compared in integers");
    }

    #[test]
    fn a_park_belongs_to_the_township_holding_most_of_it_lowest_code_on_a_tie() {
        assert_eq!(park_home([("330106002", 3), ("330106001", 5)]), Some("330106001"));
        assert_eq!(park_home([("330106002", 4), ("330106001", 4)]), Some("330106001"));
        assert_eq!(park_home([("330106003", 0)]), None);
    }

    #[test]
    fn targets_are_met_at_exactly_the_target_and_not_one_enterprise_below() {
        let t = Targets::default();
        assert_eq!((t.parks, t.production_small_micro, t.high_risk), (40, 70, 100));
        let at = MeasureCoverage::new(Measure::ProductionSmallMicro, Tally::new(7, 10), &t);
        assert_eq!(at.attainment, Attainment::Met);
        assert_eq!(at.share, Some(0.7));
        let below = MeasureCoverage::new(Measure::ProductionSmallMicro, Tally::new(69, 100), &t);
        assert_eq!(below.attainment, Attainment::Unmet);
        let parks = MeasureCoverage::new(Measure::Parks, Tally::new(2, 5), &t);
        assert_eq!(parks.attainment, Attainment::Met, "2 of 5 parks is 40%");
        let high = MeasureCoverage::new(Measure::HighRisk, Tally::new(99, 100), &t);
        assert_eq!(high.attainment, Attainment::Unmet, "high-risk needs every one");
    }

    #[test]
    fn nothing_to_count_is_neither_zero_percent_nor_met() {
        let c = MeasureCoverage::new(Measure::HighRisk, Tally::default(), &Targets::default());
        assert_eq!(c.share, None);
        assert_eq!(c.attainment, Attainment::NoneToCount);
        assert_eq!(c.target_percent, 100);
        let zero = Targets { high_risk: 0, ..Targets::default() };
        assert_eq!(
            MeasureCoverage::new(Measure::HighRisk, Tally::default(), &zero).attainment,
            Attainment::NoneToCount
        );
    }

    #[test]
    fn a_division_tally_counts_enterprises_and_parks_and_merges_into_its_district() {
        let rules = CoverageRules::default();
        let mut a = DivisionTally::default();
        a.add_enterprises(Industry::Chemical, EnterpriseSize::Micro, Tally::new(1, 2));
        a.add_enterprises(Industry::Trade, EnterpriseSize::Micro, Tally::new(3, 3));
        a.add_enterprises(Industry::Textile, EnterpriseSize::Small, Tally::new(4, 5));
        a.add_park(Tally::new(1, 2), &rules);
        let mut b = DivisionTally::default();
        b.add_enterprises(Industry::Mining, EnterpriseSize::Large, Tally::new(2, 2));
        b.add_park(Tally::new(0, 3), &rules);
        let mut district = DivisionTally::default();
        district.merge(&a);
        district.merge(&b);
        assert_eq!(district.production_small_micro, Tally::new(5, 7));
        assert_eq!(district.high_risk, Tally::new(3, 4));
        assert_eq!(district.parks, Tally::new(1, 2));

        let row = district.row("330106", "西湖区", None, &rules);
        assert_eq!(row.parks.attainment, Attainment::Met, "1 of 2 parks is 50% ≥ 40%");
        assert_eq!(row.production_small_micro.attainment, Attainment::Met, "5 of 7 is 71% ≥ 70%");
        assert_eq!(row.high_risk.attainment, Attainment::Unmet);
        assert_eq!(row.measure(Measure::HighRisk).share, Some(0.75));
    }

    #[test]
    fn tables_have_one_row_per_division_plus_the_total_and_mark_empty_shares() {
        let rules = CoverageRules::default();
        let mut t = DivisionTally::default();
        t.add_enterprises(Industry::Machinery, EnterpriseSize::Small, Tally::new(1, 2));
        let report = CoverageReport {
            day: day(),
            within: None,
            rules,
            total: t.row("", "合计", None, &rules),
            districts: vec![t.row("330106", "西湖区", None, &rules)],
            townships: vec![t.row("330106001", "北山街道", Some("330106".into()), &rules)],
        };
        let [districts, townships] = report.tables();
        assert_eq!(districts.name, "区县");
        assert_eq!(districts.header.len(), 2 + 3 * 5);
        assert_eq!(districts.rows.len(), 2);
        assert_eq!(districts.rows[1][1], TableCell::Text("合计".into()));
        assert_eq!(townships.rows[0][2], TableCell::Text("西湖区".into()));
        // Parks: none here — no share, and no verdict.
        assert_eq!(districts.rows[0][4], TableCell::Text("—".into()));
        assert_eq!(districts.rows[0][6], TableCell::Text("无此类对象".into()));
        assert_eq!(districts.rows[0][9], TableCell::Share(0.5));
        assert_eq!(districts.rows[0][10], TableCell::Share(0.7));
        assert!(districts
            .rows
            .iter()
            .chain(&townships.rows)
            .all(|r| r.len() == districts.header.len() || r.len() == townships.header.len()));
    }

    #[test]
    fn the_report_serialises_shares_as_null_when_empty() {
        let rules = CoverageRules::default();
        let row = DivisionTally::default().row("330106", "西湖区", None, &rules);
        let json = serde_json::to_value(&row).unwrap();
        assert_eq!(json["high_risk"]["share"], serde_json::Value::Null);
        assert_eq!(json["high_risk"]["attainment"], "none_to_count");
        assert_eq!(json["parks"]["measure"], "parks");
    }
}
