//! `safeserve backup` and `safeserve check`: a laptop's database checked for damage, backed
//! up beside itself (`NAME.backups/`, encrypted with its key), the backups listed, and one
//! restored after showing what it holds — the database it replaces moved aside, never deleted.

use crate::{credentials, fail, now, open_existing};
use clap::Subcommand;
use safeserve_store::backups::{self, Holding};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum BackupCommand {
    /// Back the database up now into NAME.backups/ (备份), keeping the newest 7 or the number
    /// set with --keep (remembered beside the backups; the app keeps as many).
    Take {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        keep: Option<usize>,
    },
    /// The backups of a database, newest first, with what each holds (备份列表).
    List {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Restore a backup in place of the database (恢复). Without --yes, shows what the backup
    /// holds and changes nothing. The database replaced is kept as NAME.replaced-TIME.
    Restore {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        yes: bool,
    },
}

pub fn run(command: BackupCommand) -> ExitCode {
    match command {
        BackupCommand::Take { db, keep } => {
            let taken = open_existing(&db).and_then(|store| {
                if let Some(n) = keep {
                    backups::set_kept(&db, n)?;
                }
                let path = store.back_up(&now())?;
                store.prune_backups(backups::kept(&db))?;
                Ok(path)
            });
            match taken {
                Ok(path) => {
                    say!("已备份 backed up: {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
        BackupCommand::List { db, json } => {
            let key = match credentials::key_if_encrypted(&db) {
                Ok(k) => k,
                Err(e) => return fail(&e),
            };
            let listed: Vec<_> = backups::list(&db)
                .into_iter()
                .map(|b| {
                    let holding = backups::holding(&b.path, key.as_ref()).map_err(|e| e.message());
                    (b, holding)
                })
                .collect();
            if json {
                let rows: Vec<_> = listed
                    .iter()
                    .map(|(b, h)| {
                        serde_json::json!({
                            "path": b.path, "taken": backups::describe_time(b.taken), "bytes": b.bytes,
                            "holding": h.as_ref().ok(), "problem": h.as_ref().err(),
                        })
                    })
                    .collect();
                crate::output::json(&rows);
            } else if listed.is_empty() {
                say!("没有备份 no backups of {}", db.display());
            } else {
                for (b, h) in &listed {
                    let what = match h {
                        Ok(h) => describe(h),
                        Err(m) => format!("{} / {}", m.zh, m.en),
                    };
                    say!("{}  {}  {}", backups::describe_time(b.taken), b.path.display(), what);
                }
            }
            ExitCode::SUCCESS
        }
        BackupCommand::Restore { db, from, yes } => {
            let key = match credentials::key_if_encrypted(&db) {
                Ok(k) => k,
                Err(e) => return fail(&e),
            };
            if !yes {
                match backups::holding(&from, key.as_ref()) {
                    Ok(h) => say!("备份 backup {}: {}", from.display(), describe(&h)),
                    Err(e) => return fail(&e),
                }
                say!("未做任何改动；确认恢复请加 --yes。Nothing changed; add --yes to restore it.");
                return ExitCode::from(1);
            }
            // The restore checks the backup whole before anything moves, and says what it held.
            match backups::restore(&db, &from, key.as_ref(), &now()) {
                Ok(restored) => {
                    say!("备份 backup {}: {}", from.display(), describe(&restored.holding));
                    say!("已恢复 restored: {}", db.display());
                    if let Some(aside) = restored.replaced {
                        say!("原数据库保留为 the database replaced is kept as: {}", aside.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }
    }
}

/// `safeserve check`: `quick_check` (`--full`: `integrity_check`), on an encrypted file every
/// page against its MAC; a damaged file is named with its newest backup. Exit 0 whole, 2 damaged.
pub fn check(db: &Path, full: bool) -> ExitCode {
    match open_existing(db).and_then(|store| store.check(full)) {
        Ok(()) => {
            say!("数据库完好 the database is whole: {}", db.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn describe(h: &Holding) -> String {
    format!(
        "企业 {} 家，检查 {} 次，隐患 {} 条，已签文书 {} 份，照片 {} 张；最近一次检查 {} / {} enterprises, {} visits, {} hazards, {} signed documents, {} photos",
        h.enterprises,
        h.visits,
        h.hazards,
        h.signed_documents,
        h.photos,
        h.newest_visit.as_deref().unwrap_or("无"),
        h.enterprises,
        h.visits,
        h.hazards,
        h.signed_documents,
        h.photos
    )
}
