//! R10 credit grades and R13 evaluations: a documented, configurable score that turns what the
//! store knows about an agency (letters, overdue replies, unmet R1 conditions, untested staff,
//! low-price contracts, major hazards its visits missed, ratings) into A/B/C/D, with every
//! deduction named and its evidence listed, so a published grade can be explained line by line.
//!
//! The seeds give no numbers, so they live in a rule file (`assets/rules/grading.toml`, shipped
//! and compiled in) rather than in code. Grading is pure: the store gathers the inputs, this
//! module scores them.

use crate::labels::labelled_enum;
use crate::message::Message;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The shipped rule file, compiled in so a laptop always has rules to grade with.
pub const SHIPPED_RULES: &str = include_str!("../../../assets/rules/grading.toml");

labelled_enum! {
    /// A credit grade (R10). D is restricted: no government-commissioned work.
    Grade {
        A = "A", "A 级", "Grade A";
        B = "B", "B 级", "Grade B";
        C = "C", "C 级", "Grade C";
        D = "D", "D 级", "Grade D";
    }
}

labelled_enum! {
    /// What moved a score: the kinds of finding the rules deduct for, evaluations (which can
    /// add as well as take off) and the blacklist (which forces D).
    DeductionKind {
        Letter = "letter", "收到函告", "Letters received";
        LetterOverdue = "letter_overdue", "函告逾期未回复", "Letter replies overdue";
        UnmetCondition = "unmet_condition", "不符合机构条件（R1）", "Unmet R1 conditions";
        CapabilityTest = "capability_test", "技术人员能力测试未通过或未参加", "Technicians failed or untested";
        LowPrice = "low_price", "低价合同", "Low-price contracts";
        MajorHazardMissed = "major_hazard_missed", "抽查发现未列出的重大隐患", "Major hazards missed, found by spot checks";
        Evaluation = "evaluation", "服务评价", "Evaluations";
        Blacklist = "blacklist", "列入严重失信名单", "On the serious-dishonesty list";
    }
}

labelled_enum! {
    /// Who rated an agency (R13).
    RaterKind {
        Enterprise = "enterprise", "服务企业", "Enterprise served";
        Inspector = "inspector", "检查人员", "Inspector";
    }
}

/// Points per item and the most one kind of finding can take off.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PerItem {
    pub points: f64,
    pub cap: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct GradeThresholds {
    pub a: f64,
    pub b: f64,
    pub c: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct DeductionRules {
    pub letter: PerItem,
    pub letter_overdue: PerItem,
    pub unmet_condition: PerItem,
    pub capability_test: PerItem,
    pub low_price: PerItem,
    pub major_hazard_missed: PerItem,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct EvaluationRules {
    pub enterprise_weight: f64,
    pub inspector_weight: f64,
    /// Points per rating point above or below the neutral 3.
    pub points_per_step: f64,
    pub max_points: f64,
}

/// A grading rule file (see `assets/rules/grading.toml` for what each number means).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct GradeRules {
    pub name: String,
    pub version: String,
    pub base_score: f64,
    /// Letters, spot-check findings and evaluations count within this many days before grading.
    pub window_days: u32,
    pub thresholds: GradeThresholds,
    pub deductions: DeductionRules,
    pub evaluations: EvaluationRules,
}

/// A rule file that cannot be used; `line`/`column` (1-based) where the parser stopped.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct RuleError {
    pub message: Message,
    pub line: Option<usize>,
    pub column: Option<usize>,
    #[source]
    pub source: Option<Box<toml::de::Error>>,
}

impl RuleError {
    fn invalid(zh: String, en: String) -> Self {
        Self { message: Message::new(zh, en), line: None, column: None, source: None }
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl GradeRules {
    /// Reads a rule file, refusing one that does not parse (with the line and column) or whose
    /// numbers contradict each other (grade lines out of order, negative points, no weight).
    pub fn parse(text: &str) -> Result<GradeRules, RuleError> {
        let rules: GradeRules = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_column(text, s.start)).unzip();
            let what = e.message().trim().to_owned();
            let at_zh = match (line, column) {
                (Some(l), Some(c)) => format!("第 {l} 行第 {c} 列："),
                _ => String::new(),
            };
            let at_en = match (line, column) {
                (Some(l), Some(c)) => format!(" at line {l}, column {c}"),
                _ => String::new(),
            };
            RuleError {
                message: Message::new(
                    format!("评级规则文件无法解析：{at_zh}{what}"),
                    format!("The grade rule file does not parse{at_en}: {what}"),
                ),
                line,
                column,
                source: Some(Box::new(e)),
            }
        })?;
        rules.check()?;
        Ok(rules)
    }

    /// The rules shipped with SafeServe.
    #[expect(clippy::expect_used, reason = "the shipped rule file is compiled in and a unit test parses it")]
    pub fn shipped() -> GradeRules {
        GradeRules::parse(SHIPPED_RULES).expect("the shipped rule file is checked by a unit test")
    }

    /// "name version", as recorded with every grade change.
    pub fn label(&self) -> String {
        format!("{} {}", self.name, self.version)
    }

    fn check(&self) -> Result<(), RuleError> {
        if self.name.trim().is_empty() || self.version.trim().is_empty() {
            return Err(RuleError::invalid(
                "评级规则文件须写明名称（name）和版本（version）".into(),
                "The grade rule file needs a name and a version".into(),
            ));
        }
        let t = &self.thresholds;
        let numbers = [
            ("base_score", self.base_score),
            ("thresholds.a", t.a),
            ("thresholds.b", t.b),
            ("thresholds.c", t.c),
            ("evaluations.enterprise_weight", self.evaluations.enterprise_weight),
            ("evaluations.inspector_weight", self.evaluations.inspector_weight),
            ("evaluations.points_per_step", self.evaluations.points_per_step),
            ("evaluations.max_points", self.evaluations.max_points),
        ];
        let per_item = self.per_item_rules().map(|(k, p)| [(k, p.points), (k, p.cap)]);
        for (name, n) in numbers.into_iter().chain(per_item.into_iter().flatten().map(|(k, n)| (k.key(), n))) {
            if !n.is_finite() || n < 0.0 {
                return Err(RuleError::invalid(
                    format!("评级规则 {name} 须为非负数，现为 {n}"),
                    format!("Grade rule {name} must be a non-negative number, not {n}"),
                ));
            }
        }
        if !(t.a > t.b && t.b > t.c) {
            return Err(RuleError::invalid(
                format!("等级线须 A > B > C，现为 A {}、B {}、C {}", t.a, t.b, t.c),
                format!("Grade lines must be A > B > C; they are A {}, B {}, C {}", t.a, t.b, t.c),
            ));
        }
        let best = self.base_score + self.evaluations.max_points;
        if t.a > best {
            return Err(RuleError::invalid(
                format!("A 级线 {} 高于可能的最高分 {best}，无人能评为 A", t.a),
                format!("The A line {} is above the highest possible score {best}: no agency could be A", t.a),
            ));
        }
        if self.evaluations.enterprise_weight + self.evaluations.inspector_weight <= 0.0 {
            return Err(RuleError::invalid(
                "企业评价和检查人员评价的权重不能都为 0".into(),
                "The enterprise and inspector weights cannot both be 0".into(),
            ));
        }
        Ok(())
    }

    fn per_item_rules(&self) -> [(DeductionKind, PerItem); 6] {
        let d = &self.deductions;
        [
            (DeductionKind::Letter, d.letter),
            (DeductionKind::LetterOverdue, d.letter_overdue),
            (DeductionKind::UnmetCondition, d.unmet_condition),
            (DeductionKind::CapabilityTest, d.capability_test),
            (DeductionKind::LowPrice, d.low_price),
            (DeductionKind::MajorHazardMissed, d.major_hazard_missed),
        ]
    }

    /// The grade a score earns (the blacklist aside).
    pub fn grade_of(&self, score: f64) -> Grade {
        let t = &self.thresholds;
        if score >= t.a {
            Grade::A
        } else if score >= t.b {
            Grade::B
        } else if score >= t.c {
            Grade::C
        } else {
            Grade::D
        }
    }
}

/// One rating (1–5 each) of an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Rating {
    pub quality: u8,
    pub timeliness: u8,
    pub fees: u8,
}

impl Rating {
    fn mean(&self) -> f64 {
        (self.quality as f64 + self.timeliness as f64 + self.fees as f64) / 3.0
    }
}

/// What the store found about one agency, each finding as a line of evidence (a letter's
/// reference number, a person's name …). Counts are the lengths of the lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GradeInputs {
    pub letters: Vec<String>,
    pub overdue_replies: Vec<String>,
    /// Unmet R1 conditions other than the capability test (counted per person below).
    pub unmet_conditions: Vec<String>,
    pub capability_failures: Vec<String>,
    pub low_price_contracts: Vec<String>,
    pub missed_major_hazards: Vec<String>,
    pub enterprise_ratings: Vec<Rating>,
    pub inspector_ratings: Vec<Rating>,
    /// Active serious-dishonesty entries (their grounds); any one forces D.
    pub blacklist: Vec<String>,
}

/// One line of a score's explanation. `points` is what it did to the score: negative takes
/// off, positive (evaluations only) adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Deduction {
    pub kind: DeductionKind,
    pub count: u32,
    pub points: f64,
    pub message: Message,
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Grading {
    /// Rounded to two decimals, never below 0.
    pub score: f64,
    pub grade: Grade,
    pub deductions: Vec<Deduction>,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// "5" for 5.0, "2.5" for 2.5: points as people write them.
fn pts(x: f64) -> String {
    let r = round2(x);
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r}")
    }
}

fn mean(ratings: &[Rating]) -> Option<f64> {
    (!ratings.is_empty()).then(|| ratings.iter().map(Rating::mean).sum::<f64>() / ratings.len() as f64)
}

/// The evaluation line: each side's average, weighted (a side with no ratings drops out and
/// the other counts fully), mapped to points around the neutral 3.
fn evaluation(inputs: &GradeInputs, rules: &EvaluationRules) -> Option<Deduction> {
    let e = mean(&inputs.enterprise_ratings);
    let i = mean(&inputs.inspector_ratings);
    let (sum, weight) = [(e, rules.enterprise_weight), (i, rules.inspector_weight)]
        .iter()
        .filter_map(|(m, w)| m.map(|m| (m * w, *w)))
        .fold((0.0, 0.0), |(s, ws), (x, w)| (s + x, ws + w));
    if weight <= 0.0 {
        return None;
    }
    let avg = sum / weight;
    let points = round2(((avg - 3.0) * rules.points_per_step).clamp(-rules.max_points, rules.max_points));
    let count = (inputs.enterprise_ratings.len() + inputs.inspector_ratings.len()) as u32;
    let side = |m: Option<f64>| m.map_or("—".to_owned(), |m| format!("{m:.2}"));
    let (verb_zh, verb_en) = if points >= 0.0 { ("加", "adds") } else { ("扣", "takes off") };
    Some(Deduction {
        kind: DeductionKind::Evaluation,
        count,
        points,
        message: Message::new(
            format!(
                "服务评价 {count} 条，综合平均 {avg:.2} 分（企业 {}，检查人员 {}；3 分为中性），{verb_zh} {} 分",
                side(e),
                side(i),
                pts(points.abs())
            ),
            format!(
                "{count} ratings, weighted average {avg:.2} (enterprises {}, inspectors {}; 3 is neutral): {verb_en} {} points",
                side(e),
                side(i),
                pts(points.abs())
            ),
        ),
        evidence: vec![],
    })
}

/// Scores one agency. Pure: the same inputs and rules always give the same grade.
pub fn grade(inputs: &GradeInputs, rules: &GradeRules) -> Grading {
    let lists: [&Vec<String>; 6] = [
        &inputs.letters,
        &inputs.overdue_replies,
        &inputs.unmet_conditions,
        &inputs.capability_failures,
        &inputs.low_price_contracts,
        &inputs.missed_major_hazards,
    ];
    let mut deductions = Vec::new();
    for ((kind, rule), evidence) in rules.per_item_rules().into_iter().zip(lists) {
        if evidence.is_empty() {
            continue;
        }
        let count = evidence.len() as u32;
        let raw = count as f64 * rule.points;
        let off = round2(raw.min(rule.cap));
        let capped_zh =
            if raw > rule.cap { format!("（已达上限 {} 分）", pts(rule.cap)) } else { String::new() };
        let capped_en = if raw > rule.cap { format!(" (capped at {})", pts(rule.cap)) } else { String::new() };
        deductions.push(Deduction {
            kind,
            count,
            points: -off,
            message: Message::new(
                format!(
                    "{} {count} 项，每项扣 {} 分，共扣 {} 分{capped_zh}",
                    kind.label_zh(),
                    pts(rule.points),
                    pts(off)
                ),
                format!("{}: {count}, {} each, {} off{capped_en}", kind.label_en(), pts(rule.points), pts(off)),
            ),
            evidence: evidence.clone(),
        });
    }
    deductions.extend(evaluation(inputs, &rules.evaluations));
    let score = round2((rules.base_score + deductions.iter().map(|d| d.points).sum::<f64>()).max(0.0));
    let mut grade = rules.grade_of(score);
    if !inputs.blacklist.is_empty() {
        grade = Grade::D;
        deductions.push(Deduction {
            kind: DeductionKind::Blacklist,
            count: inputs.blacklist.len() as u32,
            points: 0.0,
            message: Message::new(
                "已列入严重失信名单，不论得分一律评为 D 级",
                "On the serious-dishonesty list: grade D whatever the score",
            ),
            evidence: inputs.blacklist.clone(),
        });
    }
    Grading { score, grade, deductions }
}

/// Ranks by score (highest first), then name; equal scores share a rank (1, 1, 3). Sorts
/// `items` in place and returns each one's rank, in the sorted order.
pub fn rank<T>(items: &mut [T], score: impl Fn(&T) -> f64, name: impl Fn(&T) -> &str) -> Vec<u32> {
    items.sort_by(|x, y| score(y).total_cmp(&score(x)).then_with(|| name(x).cmp(name(y))));
    let mut ranks = Vec::with_capacity(items.len());
    for i in 0..items.len() {
        let r = if i > 0 && score(&items[i]) == score(&items[i - 1]) { ranks[i - 1] } else { i as u32 + 1 };
        ranks.push(r);
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> GradeRules {
        GradeRules::shipped()
    }

    fn n(k: usize, what: &str) -> Vec<String> {
        (0..k).map(|i| format!("{what}{i}")).collect()
    }

    #[test]
    fn shipped_rules_parse_with_documented_defaults() {
        let r = rules();
        assert_eq!(r.base_score, 100.0);
        assert_eq!((r.thresholds.a, r.thresholds.b, r.thresholds.c), (90.0, 75.0, 60.0));
        assert!(!r.version.is_empty());
        assert!(r.label().contains(&r.version));
    }

    #[test]
    fn nothing_found_is_a_clean_a() {
        let g = grade(&GradeInputs::default(), &rules());
        assert_eq!((g.score, g.grade), (100.0, Grade::A));
        assert!(g.deductions.is_empty());
    }

    #[test]
    fn grade_lines_are_inclusive() {
        let r = rules();
        assert_eq!(r.grade_of(90.0), Grade::A);
        assert_eq!(r.grade_of(89.99), Grade::B);
        assert_eq!(r.grade_of(75.0), Grade::B);
        assert_eq!(r.grade_of(74.99), Grade::C);
        assert_eq!(r.grade_of(60.0), Grade::C);
        assert_eq!(r.grade_of(59.99), Grade::D);
        // Two letters (10 off) land exactly on the A line.
        let g = grade(&GradeInputs { letters: n(2, "杭应急函"), ..Default::default() }, &r);
        assert_eq!((g.score, g.grade), (90.0, Grade::A));
        let g = grade(&GradeInputs { letters: n(2, "L"), capability_failures: n(1, "张"), ..Default::default() }, &r);
        assert_eq!((g.score, g.grade), (88.0, Grade::B));
    }

    #[test]
    fn each_kind_is_capped() {
        let r = rules();
        let g = grade(&GradeInputs { letters: n(10, "L"), ..Default::default() }, &r);
        assert_eq!(g.score, 80.0, "10 letters × 5 = 50, capped at 20");
        let d = &g.deductions[0];
        assert_eq!((d.kind, d.count, d.points), (DeductionKind::Letter, 10, -20.0));
        assert_eq!(d.evidence.len(), 10);
        assert!(d.message.zh.contains("上限"), "{}", d.message.zh);
        // Just under the cap: no cap note.
        let g = grade(&GradeInputs { letters: n(4, "L"), ..Default::default() }, &r);
        assert_eq!(g.score, 80.0);
        assert!(!g.deductions[0].message.zh.contains("上限"));
    }

    #[test]
    fn kinds_add_up_and_score_never_goes_below_zero() {
        let r = rules();
        let all = GradeInputs {
            letters: n(9, "L"),
            overdue_replies: n(9, "O"),
            unmet_conditions: n(9, "U"),
            capability_failures: n(99, "C"),
            low_price_contracts: n(9, "P"),
            missed_major_hazards: n(9, "H"),
            enterprise_ratings: vec![Rating { quality: 1, timeliness: 1, fees: 1 }],
            ..Default::default()
        };
        let g = grade(&all, &r);
        // 20 + 15 + 32 + 10 + 15 + 25 + 8 = 125 off 100.
        assert_eq!((g.score, g.grade), (0.0, Grade::D));
        assert_eq!(g.deductions.len(), 7);
    }

    #[test]
    fn evaluations_are_neutral_at_three_and_weighted() {
        let r = rules();
        let three = Rating { quality: 3, timeliness: 3, fees: 3 };
        let g = grade(&GradeInputs { enterprise_ratings: vec![three; 4], ..Default::default() }, &r);
        assert_eq!(g.score, 100.0);
        assert_eq!(g.deductions[0].points, 0.0);
        // Enterprises 2 (−1), inspectors 4 (+1), equal weights: neutral.
        let two = Rating { quality: 2, timeliness: 2, fees: 2 };
        let four = Rating { quality: 4, timeliness: 4, fees: 4 };
        let g = grade(
            &GradeInputs { enterprise_ratings: vec![two], inspector_ratings: vec![four], ..Default::default() },
            &r,
        );
        assert_eq!(g.score, 100.0);
        // Only inspectors rated: their average counts fully. 4 → +4.
        let g = grade(&GradeInputs { inspector_ratings: vec![four], ..Default::default() }, &r);
        assert_eq!(g.score, 104.0);
        // All 1s: (1 − 3) × 4 = −8, the maximum; all 5s the same upwards.
        let one = Rating { quality: 1, timeliness: 1, fees: 1 };
        let g = grade(&GradeInputs { enterprise_ratings: vec![one], ..Default::default() }, &r);
        assert_eq!((g.score, g.grade), (92.0, Grade::A));
        let mut steep = r.clone();
        steep.evaluations.points_per_step = 10.0;
        let g = grade(&GradeInputs { enterprise_ratings: vec![one], ..Default::default() }, &steep);
        assert_eq!(g.score, 92.0, "capped at max_points");
        // Weights 3:1 tip the balance to the enterprises.
        let mut weighted = r.clone();
        weighted.evaluations.enterprise_weight = 0.75;
        weighted.evaluations.inspector_weight = 0.25;
        let g = grade(
            &GradeInputs { enterprise_ratings: vec![two], inspector_ratings: vec![four], ..Default::default() },
            &weighted,
        );
        assert_eq!(g.score, 98.0, "(2 × 0.75 + 4 × 0.25 − 3) × 4 = −2");
    }

    #[test]
    fn blacklist_forces_d_whatever_the_score() {
        let g =
            grade(&GradeInputs { blacklist: vec!["出具虚假或严重失实报告".into()], ..Default::default() }, &rules());
        assert_eq!((g.score, g.grade), (100.0, Grade::D));
        let last = g.deductions.last().unwrap();
        assert_eq!(last.kind, DeductionKind::Blacklist);
        assert_eq!(last.evidence, vec!["出具虚假或严重失实报告".to_owned()]);
    }

    #[test]
    fn a_file_that_does_not_parse_names_line_and_column() {
        let text = SHIPPED_RULES.replace("base_score = 100.0", "base_score = = 100");
        let e = GradeRules::parse(&text).unwrap_err();
        let line = SHIPPED_RULES.lines().position(|l| l.starts_with("base_score")).unwrap() + 1;
        assert_eq!(e.line, Some(line));
        assert!(e.column.is_some());
        assert!(e.message.zh.starts_with("评级规则文件无法解析"), "{}", e.message.zh);
        assert!(e.message.zh.contains(&format!("第 {line} 行")), "{}", e.message.zh);
        assert!(e.message.en.contains(&format!("line {line}")), "{}", e.message.en);
        assert!(e.source.is_some());

        let e = GradeRules::parse("name = \"x\"\nversion = \"1\"\n").unwrap_err();
        assert!(e.message.zh.contains("无法解析"), "missing fields: {}", e.message.zh);
        let e = GradeRules::parse(&format!("{SHIPPED_RULES}\nbonus = 3\n")).unwrap_err();
        assert!(e.message.en.contains("bonus"), "unknown key named: {}", e.message.en);
    }

    #[test]
    fn thresholds_out_of_order_are_refused() {
        let text = SHIPPED_RULES.replace("a = 90.0", "a = 70.0");
        let e = GradeRules::parse(&text).unwrap_err();
        assert!(e.message.zh.contains("A > B > C"), "{}", e.message.zh);
        assert_eq!(e.line, None);
        let equal = SHIPPED_RULES.replace("c = 60.0", "c = 75.0");
        assert!(GradeRules::parse(&equal).is_err());
        let unreachable = SHIPPED_RULES.replace("a = 90.0", "a = 120.0");
        assert!(GradeRules::parse(&unreachable).unwrap_err().message.zh.contains("最高分"));
        let negative = SHIPPED_RULES.replace("points = 5.0\ncap = 20.0", "points = -5.0\ncap = 20.0");
        assert!(GradeRules::parse(&negative).unwrap_err().message.zh.contains("非负数"));
        let no_weight = SHIPPED_RULES
            .replace("enterprise_weight = 0.5", "enterprise_weight = 0.0")
            .replace("inspector_weight = 0.5", "inspector_weight = 0.0");
        assert!(GradeRules::parse(&no_weight).unwrap_err().message.zh.contains("权重"));
    }

    #[test]
    fn ties_share_a_rank_and_names_break_them() {
        let mut items = vec![("乙", 80.0), ("甲", 95.0), ("丙", 80.0), ("丁", 70.0)];
        let ranks = rank(&mut items, |x| x.1, |x| x.0);
        assert_eq!(ranks, vec![1, 2, 2, 4]);
        assert_eq!(items.iter().map(|x| x.0).collect::<Vec<_>>(), vec!["甲", "丙", "乙", "丁"]);
    }
}
