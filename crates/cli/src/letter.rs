//! `safeserve letter`: the letters (函告) held in a database — their reply state, the reference
//! number register checked for gaps and repeats, recording a reply, and printing by 文号.

use clap::{Subcommand, ValueEnum};
use safeserve_core::letter::{LetterEventKind, ReplyState};
use safeserve_core::Message;
use safeserve_store::letters::NewLetterEvent;
use safeserve_store::views::LetterView;
use safeserve_store::{Store, StoreError};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum LetterCommand {
    /// Every letter with its reference, agency, deadline and reply state (函告及回复情况).
    List {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The reference number series (文号登记): count, highest, missing and repeated numbers.
    /// Exit 1 when any series has a gap or a repeat.
    Numbers {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Record the agency's reply, or the bureau's acceptance or rejection of it (登记回复).
    Reply {
        #[arg(long)]
        db: PathBuf,
        /// The letter's 文号 (杭应急函〔2026〕3号) or its document id.
        #[arg(long)]
        letter: String,
        #[arg(long, value_enum, default_value = "replied")]
        kind: EventArg,
        #[arg(long)]
        date: chrono::NaiveDate,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        by: String,
    },
    /// Print a letter by its 文号 or id, through the letter form (打印函告).
    Print {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        letter: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum EventArg {
    Replied,
    Accepted,
    Rejected,
}

fn today() -> chrono::NaiveDate {
    safeserve_print::now().date_naive()
}

/// A letter by its reference number or id.
fn find(store: &Store, letter: &str) -> Result<LetterView, StoreError> {
    let wanted = letter.trim();
    store
        .letters(None, today())?
        .into_iter()
        .find(|l| l.reference == wanted || l.id.to_string() == wanted || l.latest.to_string() == wanted)
        .ok_or_else(|| StoreError::NotFound { what: "letter", id: wanted.to_owned() })
}

fn state_zh(l: &LetterView) -> String {
    match l.state {
        ReplyState::Awaiting => "待回复".into(),
        ReplyState::Overdue => format!("逾期 {} 天未回复", l.days_overdue),
        ReplyState::Replied => "已回复待审核".into(),
        ReplyState::Accepted => "已采纳".into(),
    }
}

pub fn run(command: LetterCommand) -> ExitCode {
    match command {
        LetterCommand::List { db, json } => with_store(&db, |store| {
            let letters = store.letters(None, today())?;
            if json {
                say!("{}", serde_json::to_string_pretty(&letters).unwrap_or_default());
            } else {
                say!("函告 {} 件", letters.len());
                for l in &letters {
                    say!(
                        "{}  {}  发文 {}  回复期限 {}  {}",
                        l.reference,
                        l.recipient,
                        l.dated,
                        l.reply_by,
                        state_zh(l)
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }),
        LetterCommand::Numbers { db, json } => with_store(&db, |store| {
            let series = store.letter_numbers()?;
            let broken = series.iter().any(|s| !s.missing.is_empty() || !s.repeated.is_empty());
            if json {
                say!("{}", serde_json::to_string_pretty(&series).unwrap_or_default());
            } else {
                for s in &series {
                    let join = |v: &[u32]| v.iter().map(u32::to_string).collect::<Vec<_>>().join("、");
                    say!(
                        "{}〔{}〕 共 {} 件，最大 {} 号；缺号：{}；重号：{}",
                        s.prefix,
                        s.year,
                        s.count,
                        s.highest,
                        if s.missing.is_empty() { "无".into() } else { join(&s.missing) },
                        if s.repeated.is_empty() { "无".into() } else { join(&s.repeated) },
                    );
                }
            }
            Ok(if broken { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }),
        LetterCommand::Reply { db, letter, kind, date, note, by } => with_store(&db, |store| {
            let l = find(store, &letter)?;
            let kind = match kind {
                EventArg::Replied => LetterEventKind::Replied,
                EventArg::Accepted => LetterEventKind::Accepted,
                EventArg::Rejected => LetterEventKind::Rejected,
            };
            let now = safeserve_print::now().to_rfc3339();
            let event = NewLetterEvent { kind, on_date: date, note, by };
            let l = store.record_letter_event(l.id, &event, &now, today())?;
            say!("{}：{}", l.reference, state_zh(&l));
            Ok(ExitCode::SUCCESS)
        }),
        LetterCommand::Print { db, letter, out } => with_store(&db, |store| {
            let l = find(store, &letter)?;
            let printed = crate::documents::pdf_signer(store)
                .and_then(|signer| safeserve_print::pdf(store, &signer, l.latest))
                .and_then(|(doc, bytes)| {
                    safeserve_print::write_file(&out, &bytes)?;
                    Ok((doc, bytes.len()))
                });
            match printed {
                Ok((doc, size)) => {
                    say!("{} → {}（{} KB）验证码 {}", l.reference, out.display(), size / 1024, doc.verification_code);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Ok(say(&e.message())),
            }
        }),
    }
}

fn say(m: &Message) -> ExitCode {
    crate::output::error(m)
}

fn with_store(db: &Path, f: impl FnOnce(&mut Store) -> Result<ExitCode, StoreError>) -> ExitCode {
    match crate::open_existing(db).and_then(|mut s| f(&mut s)) {
        Ok(code) => code,
        Err(e) => crate::fail(&e),
    }
}
