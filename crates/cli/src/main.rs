//! `safeserve`: the command line over the same store the desktop app opens, for
//! administrators and scripts. Every subcommand takes `--db PATH` where it needs a database
//! and `--json` for one JSON object per line. Exit status: 0 done, 1 the answer is "no"
//! (an invalid code), 2 an error (message in Chinese and English on stderr).

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use safeserve_core::CodeCheck;
use safeserve_store::demo::{self, DemoSize};
use safeserve_store::{Store, StoreError};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "safeserve", version, about = "SafeServe 安全生产社会化服务监管 — command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Size {
    Small,
    Large,
}

#[derive(Subcommand)]
enum Command {
    /// Create a demo database of Hangzhou registers (生成演示数据库).
    Demo {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, value_enum, default_value = "small")]
        size: Size,
        #[arg(long, default_value_t = demo::DEFAULT_SEED)]
        seed: u64,
        /// Reference date the data is drawn around (default: today).
        #[arg(long)]
        as_of: Option<NaiveDate>,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Search enterprises, agencies and people (检索企业、机构、人员).
    Search {
        #[arg(long)]
        db: PathBuf,
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Check a unified social credit code or an ID-card number (校验信用代码或身份证号).
    CheckCode {
        code: String,
        #[arg(long)]
        json: bool,
    },
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn fail(e: &StoreError) -> ExitCode {
    let m = e.message();
    eprintln!("错误：{}\nerror: {}", m.zh, m.en);
    ExitCode::from(2)
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Demo { db, size, seed, as_of, force } => {
            if db.exists() && !force {
                eprintln!("错误：{} 已存在，未做改动（如需覆盖请加 --force）\nerror: {} exists; nothing changed (use --force to replace it)", db.display(), db.display());
                return ExitCode::from(2);
            }
            let size = match size {
                Size::Small => DemoSize::Small,
                Size::Large => DemoSize::Large,
            };
            let started = Instant::now();
            match demo::generate(&db, size, seed, as_of.unwrap_or_else(today)) {
                Ok(c) => {
                    println!(
                        "演示数据库已生成 demo database written: {} — {} enterprises, {} agencies, {} people, {} contracts in {:.1} s",
                        db.display(),
                        c.enterprises,
                        c.agencies,
                        c.people,
                        c.contracts,
                        started.elapsed().as_secs_f64()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        Command::Search { db, query, limit, json } => {
            let store =
                match Store::open_with(&db, &safeserve_store::OpenOptions { create: false, ..Default::default() }) {
                    Ok(s) => s,
                    Err(e) => return fail(&e),
                };
            match store.search_all(&query, limit, today()) {
                Ok(hits) => {
                    for h in hits {
                        if json {
                            println!("{}", serde_json::to_string(&h).expect("hits serialise"));
                        } else {
                            let kind = match h.kind {
                                safeserve_store::views::HitKind::Enterprise => "企业",
                                safeserve_store::views::HitKind::Agency => "机构",
                                safeserve_store::views::HitKind::Person => "人员",
                            };
                            println!("[{kind}] {}  {}  ({})", h.title, h.subtitle, h.id);
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        Command::CheckCode { code, json } => {
            let check = CodeCheck::run(&code, None);
            if json {
                println!("{}", serde_json::to_string(&check).expect("checks serialise"));
            } else {
                let kind = match check.kind {
                    safeserve_core::CodeKind::CreditCode => "统一社会信用代码 credit code",
                    safeserve_core::CodeKind::IdNumber => "身份证号码 ID number",
                };
                match (&check.error, &check.display) {
                    (None, Some(d)) => println!("有效 valid: {kind} {d}"),
                    (Some(m), _) => println!("无效 invalid: {kind} — {}（{}）", m.zh, m.en),
                    (None, None) => unreachable!("a check is either valid or has an error"),
                }
            }
            if check.valid {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
    }
}
