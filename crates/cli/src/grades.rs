//! `safeserve grades`: grades every agency (R10), records the grades that changed with their
//! reasons, prints the ranking (or one JSON object per agency) and writes the publishable
//! Excel ranking. `safeserve blacklist`: the serious-dishonesty list (R11) — enter, lift, list.
//!
//! A rule file that does not parse is refused before the database is opened, so nothing is
//! written: the message names the line and column.

use chrono::NaiveDate;
use clap::Subcommand;
use safeserve_core::blacklist::{BlacklistGround, NewBlacklistEntry, SubjectKind};
use safeserve_core::grading::{Grade, GradeRules, SHIPPED_RULES};
use safeserve_core::{AgencyId, Message, PersonId};
use safeserve_store::grades::top_deductions;
use safeserve_store::views::BlacklistLiftView;
use std::path::Path;
use std::process::ExitCode;

fn say_error(m: &Message) -> ExitCode {
    crate::output::error(m)
}

/// The rules from `path`, or the shipped ones.
fn load_rules(path: Option<&Path>) -> Result<GradeRules, Message> {
    let text = match path {
        Some(p) => std::fs::read_to_string(p).map_err(|e| {
            Message::new(
                format!("无法读取评级规则文件 {}（{e}）", p.display()),
                format!("Cannot read the rule file {} ({e})", p.display()),
            )
        })?,
        None => SHIPPED_RULES.to_owned(),
    };
    GradeRules::parse(&text).map_err(|e| match path {
        Some(p) => {
            Message::new(format!("{}：{}", p.display(), e.message.zh), format!("{}: {}", p.display(), e.message.en))
        }
        None => e.message,
    })
}

pub fn grades(db: &Path, rules: Option<&Path>, day: NaiveDate, json: bool, out: Option<&Path>) -> ExitCode {
    let rules = match load_rules(rules) {
        Ok(r) => r,
        Err(m) => return say_error(&m),
    };
    let mut store = match crate::open_existing(db) {
        Ok(s) => s,
        Err(e) => return crate::fail(&e),
    };
    let started = std::time::Instant::now();
    let ranking = match store.grade_agencies(&rules, day, &crate::now()) {
        Ok(r) => r,
        Err(e) => return crate::fail(&e),
    };
    let took = started.elapsed();
    if let Some(out) = out {
        if let Err(m) = write_workbook(&ranking, &rules, day, out) {
            return say_error(&m);
        }
    }
    if json {
        for a in &ranking {
            crate::output::json(a);
        }
        return ExitCode::SUCCESS;
    }
    say!("信用评级 credit grades — {day} — 规则 rules: {}", rules.label());
    say!("{:>4}  {:<2}  {:>6}  机构名称 · 主要扣分", "名次", "等级", "得分");
    for a in &ranking {
        let mut flags = String::new();
        if a.blacklisted {
            flags.push_str(" [严重失信名单 blacklisted]");
        }
        if let Some(r) = &a.removal {
            flags.push_str(&format!(" [{} 移除系统平台 removed from the platform]", r.decided_on));
        }
        if a.changed {
            flags.push_str(&format!(" [{} → {}]", a.previous.map_or("—", Grade::key), a.grade.key()));
        }
        let top = top_deductions(a, 3);
        say!(
            "{:>4}  {:<4}  {:>6.2}  {}{}{}",
            a.rank,
            a.grade.key(),
            a.score,
            a.name,
            flags,
            if top.is_empty() { String::new() } else { format!(" · {top}") }
        );
    }
    let count = |g: Grade| ranking.iter().filter(|a| a.grade == g).count();
    say!(
        "共 {} 家 agencies: A {} · B {} · C {} · D {}；本次记录等级变动 {} 家 changes recorded ({:.2} s)",
        ranking.len(),
        count(Grade::A),
        count(Grade::B),
        count(Grade::C),
        count(Grade::D),
        ranking.iter().filter(|a| a.changed).count(),
        took.as_secs_f64()
    );
    if let Some(out) = out {
        say!("已导出 Excel exported: {}", out.display());
    }
    ExitCode::SUCCESS
}

/// The published ranking workbook.
fn write_workbook(
    ranking: &[safeserve_store::grades::GradedAgency],
    rules: &GradeRules,
    day: NaiveDate,
    out: &Path,
) -> Result<(), Message> {
    safeserve_print::spreadsheets::ranking(ranking, rules, day, out).map_err(|e| e.message())
}

#[derive(Subcommand)]
pub enum BlacklistCommand {
    /// Put an agency or a person on the list (列入严重失信名单). GROUND is one of:
    /// affiliation_or_subcontracting, false_report, accident_responsibility, certificate_fraud.
    Enter {
        #[arg(long)]
        db: std::path::PathBuf,
        #[arg(long, conflicts_with = "person", required_unless_present = "person")]
        agency: Option<AgencyId>,
        #[arg(long)]
        person: Option<PersonId>,
        #[arg(long)]
        ground: Option<String>,
        #[arg(long, default_value = "")]
        evidence: String,
        /// A document, visit or letter id the evidence is in.
        #[arg(long)]
        evidence_ref: Option<String>,
        #[arg(long, default_value = "")]
        by: String,
        /// Date of the decision (default: today).
        #[arg(long)]
        on: Option<NaiveDate>,
        /// A grade rule file for re-grading the agency (default: the shipped rules).
        #[arg(long)]
        rules: Option<std::path::PathBuf>,
    },
    /// Lift an entry (移出名单); the entry stays on record.
    Lift {
        #[arg(long)]
        db: std::path::PathBuf,
        #[arg(long)]
        entry: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        by: String,
        #[arg(long)]
        on: Option<NaiveDate>,
        #[arg(long)]
        rules: Option<std::path::PathBuf>,
    },
    /// List entries, newest first (名单); lifted ones only with --all.
    List {
        #[arg(long)]
        db: std::path::PathBuf,
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
}

fn print_change(c: &safeserve_store::blacklist::BlacklistChange) {
    let e = &c.entry;
    match &e.lifted {
        None => say!(
            "已列入 entered: {} {}（{}）— {}",
            e.subject_kind.label_zh(),
            e.subject_name,
            e.id,
            e.ground.label_zh()
        ),
        Some(l) => {
            say!("已移出 lifted: {} {}（{}）于 {}", e.subject_kind.label_zh(), e.subject_name, e.id, l.lifted_on)
        }
    }
    if let Some(g) = &c.grade {
        say!("信用等级 grade: {} → {}（得分 {:.2}）", g.previous.map_or("—", Grade::key), g.grade.key(), g.score);
    }
}

pub fn blacklist(command: BlacklistCommand) -> ExitCode {
    match command {
        BlacklistCommand::Enter { db, agency, person, ground, evidence, evidence_ref, by, on, rules } => {
            let ground = match ground.as_deref().map(|g| (g, BlacklistGround::from_key(g))) {
                Some((_, Some(g))) => Some(g),
                Some((g, None)) => {
                    let keys: Vec<&str> = BlacklistGround::ALL.iter().map(|g| g.key()).collect();
                    return say_error(&Message::new(
                        format!("未知的列入情形 {g}，应为：{}", keys.join("、")),
                        format!("Unknown ground {g}; one of: {}", keys.join(", ")),
                    ));
                }
                None => None,
            };
            let rules = match load_rules(rules.as_deref()) {
                Ok(r) => r,
                Err(m) => return say_error(&m),
            };
            let (subject_kind, subject_id) = match (agency, person) {
                (Some(a), _) => (SubjectKind::Agency, a.to_string()),
                (None, Some(p)) => (SubjectKind::Person, p.to_string()),
                (None, None) => unreachable!("clap requires one of --agency and --person"),
            };
            let form = NewBlacklistEntry {
                subject_kind,
                subject_id,
                ground,
                evidence,
                evidence_ref,
                entered_by: by,
                entered_on: on.unwrap_or_else(crate::today).to_string(),
            };
            let mut store = match crate::open_existing(&db) {
                Ok(s) => s,
                Err(e) => return crate::fail(&e),
            };
            match store.enter_blacklist(&form, uuid::Uuid::now_v7(), &rules, crate::today(), &crate::now()) {
                Ok(c) => {
                    print_change(&c);
                    ExitCode::SUCCESS
                }
                Err(e) => crate::fail(&e),
            }
        }
        BlacklistCommand::Lift { db, entry, reason, by, on, rules } => {
            let rules = match load_rules(rules.as_deref()) {
                Ok(r) => r,
                Err(m) => return say_error(&m),
            };
            let mut store = match crate::open_existing(&db) {
                Ok(s) => s,
                Err(e) => return crate::fail(&e),
            };
            let on = on.unwrap_or_else(crate::today).to_string();
            let lift = BlacklistLiftView { reason, lifted_by: by, lifted_on: on };
            match store.lift_blacklist(&entry, &lift, &rules, crate::today(), &crate::now()) {
                Ok(c) => {
                    print_change(&c);
                    ExitCode::SUCCESS
                }
                Err(e) => crate::fail(&e),
            }
        }
        BlacklistCommand::List { db, all, json } => {
            let store = match crate::open_existing(&db) {
                Ok(s) => s,
                Err(e) => return crate::fail(&e),
            };
            let entries = match store.blacklist(!all) {
                Ok(e) => e,
                Err(e) => return crate::fail(&e),
            };
            for e in &entries {
                if json {
                    crate::output::json(e);
                    continue;
                }
                say!(
                    "{} · {} {} · {} · {}{}\n    {}",
                    e.entered_on,
                    e.subject_kind.label_zh(),
                    e.subject_name,
                    e.ground.label_zh(),
                    e.id,
                    e.lifted.as_ref().map_or(String::new(), |l| format!(" · 已于 {} 移出：{}", l.lifted_on, l.reason)),
                    e.evidence
                );
            }
            if !json {
                say!("共 {} 条 entries", entries.len());
            }
            ExitCode::SUCCESS
        }
    }
}
