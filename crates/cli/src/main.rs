//! `safeserve`: the command line over the same store the desktop app opens, for
//! administrators and scripts. Every subcommand takes `--db PATH` where it needs a database
//! and `--json` for one JSON object per line. Exit status: 0 done, 1 the answer is "no"
//! (an invalid code), 2 an error (message in Chinese and English on stderr).

/// `println!` for the program's output: a reader that has stopped reading (`| head -1`) ends
/// the program quietly, as a Unix tool does, where `println!` would panic on the closed pipe.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::line(::std::format_args!($($arg)*))
    };
}

/// `print!` of [`say!`]: no newline added.
macro_rules! say_raw {
    ($($arg:tt)*) => {
        $crate::output::raw(::std::format_args!($($arg)*))
    };
}

mod backtrace;
mod backup;
mod coverage;
mod credentials;
mod documents;
mod grades;
mod letter;
mod output;
mod registers;
mod sync;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use safeserve_core::{CodeCheck, EnterpriseId};
use safeserve_demo::{self as demo, DemoSize};
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
        /// Leave the database unencrypted (for tests and measurements; a laptop's is always
        /// encrypted, its demo users signing in with the demo password).
        #[arg(long)]
        plain: bool,
    },
    /// Write the key of an encrypted database to a file, for scripts that run unattended
    /// (写出数据库密钥文件). Signs in with SAFESERVE_USER and SAFESERVE_PASSWORD.
    KeyFile {
        #[arg(long)]
        db: PathBuf,
        /// The file to write (readable by its owner only; an existing file is never replaced).
        #[arg(long)]
        to: PathBuf,
    },
    /// Check a database for damage (检查数据库完好). Exit 0 whole, 2 damaged (naming the
    /// newest backup). --full reads every index as well.
    Check {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        full: bool,
    },
    /// Backups of a laptop's database: take, list, restore (备份与恢复).
    Backup {
        #[command(subcommand)]
        command: backup::BackupCommand,
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
    /// Letters to agencies (函告): replies, the reference number register, printing.
    Letter {
        #[command(subcommand)]
        command: letter::LetterCommand,
    },
    /// Accident back-trace (R12): every agency, contract, visit, hazard and signed document of
    /// the months before an accident at an enterprise (事故关联倒查). Exit 2 for an unknown
    /// enterprise or a date in the future.
    Backtrace {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        enterprise: EnterpriseId,
        /// The accident date, YYYY-MM-DD.
        #[arg(long)]
        date: NaiveDate,
        /// Months traced back before the accident.
        #[arg(long, default_value_t = safeserve_core::backtrace::DEFAULT_MONTHS)]
        months: u32,
        /// Write the report as a PDF to this file.
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, conflicts_with = "out")]
        json: bool,
    },
    /// Photos (照片).
    Photo {
        #[command(subcommand)]
        command: PhotoCommand,
    },
    /// List visits with their hazards, major first (检查记录及隐患，重大隐患在前).
    Visits {
        #[arg(long)]
        db: PathBuf,
        /// Only this enterprise's visits.
        #[arg(long)]
        enterprise: Option<EnterpriseId>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Checklist templates (检查表).
    Template {
        #[command(subcommand)]
        command: TemplateCommand,
    },
    /// Import a register from an Excel workbook (导入登记表): every row previewed — new,
    /// changed (old → new), unchanged, or refused with its problems by row and column — then
    /// the rows without problems written in one go, each change kept in the audit log.
    /// KIND: enterprises. Exit 0 all taken, 3 some rows refused (the rest written), 2 the file
    /// could not be read (nothing written).
    Import {
        #[arg(value_parser = registers::kind)]
        kind: safeserve_core::import::ImportKind,
        file: PathBuf,
        #[arg(long)]
        db: PathBuf,
        /// Preview only: write nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write a register's blank import template, its columns explained (下载导入模板).
    ImportTemplate {
        #[arg(value_parser = registers::kind)]
        kind: safeserve_core::import::ImportKind,
        #[arg(long)]
        to: PathBuf,
    },
    /// Export a register as an Excel ledger in the import template's columns (导出台账).
    Ledger {
        #[arg(value_parser = registers::kind)]
        kind: safeserve_core::import::ImportKind,
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        to: PathBuf,
        /// Only under this division (a district or township code).
        #[arg(long, default_value = "")]
        within: String,
    },
    /// Print a signed document as its A4 PDF form (打印文书). ID: the document, or the visit
    /// (its newest signed version of the form), or for enterprise-file the enterprise.
    Report {
        #[arg(value_enum)]
        form: documents::Form,
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        id: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a PDF, or a verification code read off paper, against the record (验证文书).
    /// Exit 0 valid, 1 altered, superseded or unknown.
    Verify {
        #[arg(long)]
        db: PathBuf,
        file: Option<PathBuf>,
        #[arg(long, conflicts_with = "file")]
        code: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List signed documents, newest first (已签文书).
    Documents {
        #[arg(long)]
        db: PathBuf,
        #[arg(long, conflicts_with = "enterprise")]
        visit: Option<safeserve_core::VisitId>,
        #[arg(long)]
        enterprise: Option<EnterpriseId>,
        /// Only this form (all forms when neither --visit nor --enterprise is given).
        #[arg(long, value_enum, default_value = "hazard-list")]
        form: documents::Form,
        #[arg(long)]
        json: bool,
    },
    /// Enrol this laptop with the central server, with a one-time code from an administrator
    /// (注册到服务器). The device key that signs documents is the one registered.
    Enroll {
        #[arg(long)]
        db: PathBuf,
        /// The server's address: https://… (http:// only for a server on this machine).
        #[arg(long)]
        server: String,
        #[arg(long)]
        code: String,
        /// The CA certificate (PEM) the administrator gave, when the server's certificate is
        /// not from an authority this system trusts. Later syncs trust only the certificate
        /// that vouched for the server at enrolment.
        #[arg(long)]
        ca: Option<PathBuf>,
    },
    /// Sync with the server: push what was recorded here, pull what is new (同步).
    /// Exit 0 done, 1 done with refusals, 2 error, 3 server unreachable (try later).
    Sync {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Write everything this database holds — or only its registers — to one file for a
    /// server's administrator to load (`safeserve-server admin import --from FILE`) (导出到服务器).
    Export {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Only the registers (agencies with their practice notices and removals,
        /// enterprises, people, contracts), not visits, hazards, documents and photos.
        #[arg(long)]
        registers_only: bool,
    },
    /// Coverage (R14): parks, production-type small/micro and high-risk enterprises under
    /// service, per district and township, against the targets (服务覆盖率).
    Coverage {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        json: bool,
        /// The day counted (default: today).
        #[arg(long)]
        date: Option<NaiveDate>,
        /// Only this division: a code (330106) or code prefix.
        #[arg(long)]
        within: Option<String>,
        /// Also write the tables to this Excel file (.xlsx).
        #[arg(long)]
        xlsx: Option<PathBuf>,
    },
    /// Grade every agency, record the grades that changed and print the ranking (信用评级).
    /// A rule file that does not parse: exit 2, nothing written.
    Grades {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        json: bool,
        /// A grade rule file (TOML); default: the shipped assets/rules/grading.toml.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Also write the publishable ranking to this Excel file (.xlsx).
        #[arg(long)]
        xlsx: Option<PathBuf>,
        /// Grading date (default: today).
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// The serious-dishonesty list: enter, lift, list (严重失信名单).
    Blacklist {
        #[command(subcommand)]
        command: grades::BlacklistCommand,
    },
}

#[derive(Subcommand)]
enum PhotoCommand {
    /// Take photos into the database: original kept, display copy, thumbnail, hashes (导入照片).
    Ingest {
        #[arg(long)]
        db: PathBuf,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum TemplateCommand {
    /// Check a checklist and store it (导入检查表): a JSON edition, or an Excel sheet laid out
    /// as bureaus write checklists (.xlsx/.xls; `template sheet` writes one to start from).
    Import {
        #[arg(long)]
        db: PathBuf,
        file: PathBuf,
    },
    /// Write an edition as an Excel checklist (title, 检查表标识/版本/检查对象/适用行业, one row
    /// per item, sections merged down their rows), to edit into the next edition.
    Sheet {
        #[arg(long)]
        db: PathBuf,
        /// The template's key, e.g. dust-explosion.
        key: String,
        /// The edition; the latest when left out.
        #[arg(long)]
        version: Option<u32>,
        /// The .xlsx to write.
        out: PathBuf,
    },
}

/// China's calendar date, as the app's (documents are dated there).
fn today() -> NaiveDate {
    safeserve_print::now().date_naive()
}

fn fail(e: &StoreError) -> ExitCode {
    if matches!(e, StoreError::NeedsKey { .. }) {
        let (m, hint) = (e.message(), credentials::hint());
        return output::error(&safeserve_core::Message::new(
            format!("{}\n{}", m.zh, hint.zh),
            format!("{}\n{}", m.en, hint.en),
        ));
    }
    output::error(&e.message())
}

fn open_existing(db: &std::path::Path) -> Result<Store, StoreError> {
    credentials::open(db, false)
}

fn now() -> String {
    safeserve_print::now().to_rfc3339()
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::KeyFile { db, to } => match credentials::write_key_file(&db, &to) {
            Ok(()) => {
                say!("密钥文件已写出 key file written: {}", to.display());
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
        Command::Demo { db, size, seed, as_of, force, plain } => {
            if db.exists() && !force {
                eprintln!("错误：{} 已存在，未做改动（如需覆盖请加 --force）\nerror: {} exists; nothing changed (use --force to replace it)", db.display(), db.display());
                return ExitCode::from(2);
            }
            let size = match size {
                Size::Small => DemoSize::Small,
                Size::Large => DemoSize::Large,
            };
            let started = Instant::now();
            // The demo's documents are signed by this laptop, the one signer it believes.
            let device = match safeserve_device::load_or_create(&safeserve_device::default_data_dir()) {
                Ok(d) => d,
                Err(e) => return output::error(&safeserve_print::PrintError::from(e).message()),
            };
            let made = demo::generate_signed_by(&db, size, seed, as_of.unwrap_or_else(today), &device.key)
                .and_then(|c| if plain { Ok(c) } else { demo::encrypt_for_laptop(&db).map(|()| c) });
            match made {
                Ok(c) => {
                    say!(
                        "演示数据库已生成 demo database written: {} — {} enterprises, {} agencies, {} people, {} contracts, \
                         {} visits, {} hazards in {:.1} s",
                        db.display(),
                        c.enterprises,
                        c.agencies,
                        c.people,
                        c.contracts,
                        c.visits,
                        c.hazards,
                        started.elapsed().as_secs_f64()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        Command::Search { db, query, limit, json } => {
            let store = match open_existing(&db) {
                Ok(s) => s,
                Err(e) => return fail(&e),
            };
            match store.search_all(&query, limit, today()) {
                Ok(hits) => {
                    for h in hits {
                        if json {
                            crate::output::json(&h);
                        } else {
                            let kind = match h.kind {
                                safeserve_store::views::HitKind::Enterprise => "企业",
                                safeserve_store::views::HitKind::Agency => "机构",
                                safeserve_store::views::HitKind::Person => "人员",
                            };
                            say!("[{kind}] {}  {}  ({})", h.title, h.subtitle, h.id);
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
                crate::output::json(&check);
            } else {
                let kind = match check.kind {
                    safeserve_core::CodeKind::CreditCode => "统一社会信用代码 credit code",
                    safeserve_core::CodeKind::IdNumber => "身份证号码 ID number",
                };
                match (&check.error, &check.display) {
                    (None, Some(d)) => say!("有效 valid: {kind} {d}"),
                    (Some(m), _) => say!("无效 invalid: {kind} — {}（{}）", m.zh, m.en),
                    (None, None) => unreachable!("a check is either valid or has an error"),
                }
            }
            if check.valid {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Command::Photo { command: PhotoCommand::Ingest { db, files, json } } => ingest_photos(&db, &files, json),
        Command::Visits { db, enterprise, limit, json } => list_visits(&db, enterprise, limit, json),
        Command::Template { command: TemplateCommand::Import { db, file } } => import_template(&db, &file),
        Command::Template { command: TemplateCommand::Sheet { db, key, version, out } } => {
            template_sheet(&db, &key, version, &out)
        }
        Command::Letter { command } => letter::run(command),
        Command::Check { db, full } => backup::check(&db, full),
        Command::Import { kind, file, db, dry_run, json } => registers::import(&db, kind, &file, dry_run, json),
        Command::ImportTemplate { kind, to } => registers::template(kind, &to),
        Command::Ledger { kind, db, to, within } => registers::ledger(&db, kind, &within, &to),
        Command::Backup { command } => backup::run(command),
        Command::Report { form, db, id, out } => documents::report(&db, form, &id, &out),
        Command::Verify { db, file, code, json } => documents::verify(&db, file.as_deref(), code.as_deref(), json),
        Command::Documents { db, visit, enterprise, form, json } => {
            let of = match (visit, enterprise) {
                (Some(v), _) => safeserve_store::documents::DocumentsOf::Visit(v),
                (None, Some(e)) => safeserve_store::documents::DocumentsOf::Enterprise(e),
                (None, None) => safeserve_store::documents::DocumentsOf::Kind(form.kind()),
            };
            documents::list(&db, of, json)
        }
        Command::Enroll { db, server, code, ca } => sync::enroll(&db, &server, &code, ca.as_deref()),
        Command::Sync { db, json } => sync::sync(&db, json),
        Command::Export { db, out, registers_only } => sync::export(&db, &out, registers_only),
        Command::Coverage { db, json, date, within, xlsx } => {
            coverage::coverage(&db, date.unwrap_or_else(today), within.as_deref(), json, xlsx.as_deref())
        }
        Command::Grades { db, json, rules, xlsx, date } => {
            grades::grades(&db, rules.as_deref(), date.unwrap_or_else(today), json, xlsx.as_deref())
        }
        Command::Blacklist { command } => grades::blacklist(command),
        Command::Backtrace { db, enterprise, date, months, out, json } => backtrace::run(
            &backtrace::Request { db: &db, enterprise, date, months, out: out.as_deref(), json },
            today(),
        ),
    }
}

/// Each file is taken in on its own: one bad photo is reported and the others still go in.
fn ingest_photos(db: &std::path::Path, files: &[PathBuf], json: bool) -> ExitCode {
    let mut store = match open_existing(db) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let mut failed = false;
    for file in files {
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("错误：无法读取 {}（{e}）\nerror: cannot read {} ({e})", file.display(), file.display());
                failed = true;
                continue;
            }
        };
        let time = safeserve_print::now().format("%Y-%m-%d %H:%M").to_string();
        match store.ingest_photo(&bytes, None, &now(), time) {
            Ok(p) => {
                if json {
                    let line = serde_json::json!({
                        "file": file.display().to_string(),
                        "id": p.photo.sha256,
                        "sha256": p.photo.sha256,
                        "width": p.photo.width,
                        "height": p.photo.height,
                        "display": { "width": p.display_width, "height": p.display_height, "path": p.display_path },
                        "thumbnail": { "path": p.thumb_path },
                        "phash": p.photo.phash,
                        "taken_at": p.photo.taken_at,
                        "already_held": p.already_held,
                        "look_alikes": p.look_alikes,
                        "warnings": p.warnings,
                    });
                    say!("{line}");
                } else {
                    say!(
                        "{}  sha256 {}  display {}×{} {}  thumb {}  phash {}{}",
                        file.display(),
                        p.photo.sha256,
                        p.display_width,
                        p.display_height,
                        p.display_path,
                        p.thumb_path,
                        p.photo.phash,
                        if p.already_held { "  (已存在 already held)" } else { "" }
                    );
                    for w in &p.warnings {
                        say!("  注意：{}（{}）", w.zh, w.en);
                    }
                    if !p.look_alikes.is_empty() {
                        say!("  疑似重复使用的照片 looks like: {}", p.look_alikes.join(", "));
                    }
                }
            }
            Err(e) => {
                let m = e.message();
                eprintln!("错误：{}：{}\nerror: {}: {}", file.display(), m.zh, file.display(), m.en);
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

fn list_visits(db: &std::path::Path, enterprise: Option<EnterpriseId>, limit: usize, json: bool) -> ExitCode {
    let store = match open_existing(db) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let visits = match store.visits(enterprise, limit) {
        Ok(v) => v,
        Err(e) => return fail(&e),
    };
    for v in visits {
        let detail = match store.visit(v.id, today()) {
            Ok(d) => d,
            Err(e) => return fail(&e),
        };
        if json {
            let line = serde_json::json!({ "visit": v, "hazards": detail.hazards });
            say!("{line}");
            continue;
        }
        say!(
            "{} {} · {} · {} · {}{}",
            &v.started_at[..16.min(v.started_at.len())],
            v.kind.label_zh(),
            v.target_name,
            v.people.join("、"),
            v.template_title,
            if v.ended_at.is_none() { " （未完成 unfinished）" } else { "" }
        );
        for h in &detail.hazards {
            say!(
                "  [{}] {} · {} · 期限 {}{}",
                h.level.label_zh(),
                h.description,
                h.state.status.label_zh(),
                h.deadline,
                if h.state.overdue { " · 已逾期 OVERDUE" } else { "" }
            );
        }
    }
    ExitCode::SUCCESS
}

fn import_template(db: &std::path::Path, file: &std::path::Path) -> ExitCode {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("错误：无法读取 {}（{e}）\nerror: cannot read {} ({e})", file.display(), file.display());
            return ExitCode::from(2);
        }
    };
    // A workbook is read as a bureau's checklist sheet; anything else as a JSON edition.
    let workbook = matches!(file.extension().and_then(|e| e.to_str()), Some("xlsx" | "xls" | "XLSX" | "XLS"));
    let read = if workbook {
        safeserve_sheets::checklists::read_checklist(bytes.as_slice())
    } else {
        match String::from_utf8(bytes) {
            Ok(json) => safeserve_core::checklist::Template::parse(&json),
            Err(_) => Err(vec![safeserve_core::Message::new(
                "检查表文件不是 UTF-8 文本的 JSON，也不是 .xlsx/.xls 工作簿",
                "The checklist file is neither UTF-8 JSON nor an .xlsx/.xls workbook",
            )]),
        }
    };
    let mut store = match open_existing(db) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    match store.publish_template(read, &now()) {
        Ok((t, new)) => {
            let state = if new { "已导入 imported" } else { "已存在，未改动 already present, unchanged" };
            say!("{state}: {} v{} — {}（{} 项 items）", t.key, t.version, t.title, t.items);
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn template_sheet(db: &std::path::Path, key: &str, version: Option<u32>, out: &std::path::Path) -> ExitCode {
    let store = match open_existing(db) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let version = match version {
        Some(v) => Ok(v),
        None => store.templates().map(|all| all.into_iter().find(|t| t.key == key).map_or(0, |t| t.version)),
    };
    let template = match version.and_then(|v| store.template(key, v)) {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };
    let written = safeserve_sheets::checklists::checklist_workbook(&template).and_then(|bytes| {
        std::fs::write(out, bytes).map_err(|source| safeserve_sheets::SheetError::Io { path: out.to_owned(), source })
    });
    match written {
        Ok(()) => {
            say!("已写出 written: {} v{} → {}", template.key, template.version, out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            let m = e.message();
            eprintln!("错误：{}\nerror: {}", m.zh, m.en);
            ExitCode::from(1)
        }
    }
}
