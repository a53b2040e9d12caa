//! Registers in Excel from the command line: `safeserve import KIND FILE` (a preview of every
//! row, then the rows without problems written; `--dry-run` only previews),
//! `safeserve import-template KIND --to FILE` and `safeserve ledger KIND --to FILE`.

use safeserve_core::access::Act;
use safeserve_core::audit::Actor;
use safeserve_core::import::ImportKind;
use safeserve_core::Message;
use safeserve_sheets::ImportError;
use safeserve_store::import::{ImportPlan, RowAction};
use safeserve_store::Store;
use std::path::Path;
use std::process::ExitCode;

/// A register's name as typed after the command (`enterprises`).
pub fn kind(s: &str) -> Result<ImportKind, String> {
    ImportKind::from_key(s).ok_or_else(|| {
        let keys: Vec<&str> = ImportKind::ALL.iter().map(|k| k.key()).collect();
        format!("登记表应为 one of: {}", keys.join(", "))
    })
}

fn fail(e: &ImportError) -> ExitCode {
    match e {
        ImportError::Store(e) => crate::fail(e),
        ImportError::Sheet(_) => crate::output::error(&e.message()),
    }
}

/// Who the import is recorded as: the user the command line signed in as (who must keep the
/// registers), or — opened with a key file, or a plain database — the command line itself.
fn actor(store: &Store) -> Result<Actor, Message> {
    let typed = std::env::var(crate::credentials::USER_VAR)
        .ok()
        .filter(|_| std::env::var_os(crate::credentials::KEY_FILE_VAR).is_none());
    let Some(name) = typed else {
        return Ok(Actor { user_id: None, user_name: "命令行 command line".into(), role: None });
    };
    let users = store.users().map_err(|e| e.message())?;
    let user = users
        .into_iter()
        .find(|u| u.name == name)
        .ok_or_else(|| Message::new(format!("本机没有用户 {name}"), format!("No user {name} on this laptop")))?;
    user.role.check(Act::EditRegisters)?;
    Ok(user.actor())
}

/// The preview, a line per row that is not simply new: problems, and what a change changes.
fn print_plan(plan: &ImportPlan) {
    for r in &plan.rows {
        for n in &r.notes {
            say!("第 {} 行 提示 note {}：{}（{}）", n.row, n.column, n.message.zh, n.message.en);
        }
        match &r.action {
            RowAction::New | RowAction::Unchanged => {}
            RowAction::Changed { changes } => {
                say!("第 {} 行 更新 {} {}", r.row, r.key, r.name);
                for c in changes {
                    say!("    {}：{} → {}", c.field, c.old, c.new);
                }
            }
            RowAction::Refused { problems } => {
                for p in problems {
                    let column = if p.column.is_empty() { String::new() } else { format!(" {}", p.column) };
                    say!("第 {} 行{column}：{}（{}）", p.row, p.message.zh, p.message.en);
                }
            }
        }
    }
}

pub fn import(db: &Path, kind: ImportKind, file: &Path, dry_run: bool, json: bool) -> ExitCode {
    let mut store = match crate::open_existing(db) {
        Ok(s) => s,
        Err(e) => return crate::fail(&e),
    };
    let by = match actor(&store) {
        Ok(a) => a,
        Err(m) => return crate::output::error(&m),
    };
    let (plan, read) = match safeserve_sheets::plan(&store, kind, file, crate::today()) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    let planned = plan.counts();
    if !json {
        say!(
            "工作表 sheet “{}”，表头在第 {} 行 header in row {}，数据 {} 行 data rows",
            read.sheet,
            read.header.row,
            read.header.row,
            read.rows
        );
        print_plan(&plan);
        let m = planned.message();
        say!("预览 preview：{}（{}）", m.zh, m.en);
    }
    let applied = if dry_run {
        if !json {
            say!("仅预览，未写入 dry run: nothing written");
        }
        None
    } else {
        let name = file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
        match store.apply_import(&plan, &by, &name, &crate::now()) {
            Ok(c) => Some(c),
            Err(e) => return crate::fail(&e),
        }
    };
    if json {
        crate::output::json(&serde_json::json!({ "plan": plan, "planned": planned, "applied": applied }));
    } else if let Some(c) = applied {
        let m = c.message();
        say!("已导入 imported：{}（{}）", m.zh, m.en);
    }
    // Rows left out are worth a script's attention: exit 3, the rest written.
    if planned.refused > 0 {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn template(kind: ImportKind, to: &Path) -> ExitCode {
    let written = safeserve_sheets::write::template(kind)
        .map_err(|e| e.message())
        .and_then(|bytes| safeserve_print::write_file(to, &bytes).map_err(|e| e.message()));
    match written {
        Ok(()) => {
            say!("已写出导入模板 template written: {}", to.display());
            ExitCode::SUCCESS
        }
        Err(m) => crate::output::error(&m),
    }
}

pub fn ledger(db: &Path, kind: ImportKind, within: &str, to: &Path) -> ExitCode {
    let store = match crate::open_existing(db) {
        Ok(s) => s,
        Err(e) => return crate::fail(&e),
    };
    match safeserve_sheets::ledger(&store, kind, within, to) {
        Ok(n) => {
            say!("已导出 {} 行 {n} rows exported: {}", n, to.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
