//! Contracts and commissions (R2, R3, R9) and letters (函告, R12): composing a letter from an
//! inspection's findings, the agency's reply against its deadline. Approving a letter is signing
//! its form (`documents::sign_document`), which takes the reference number.

use super::registers::{now, parse, today};
use crate::error::CommandError;
use crate::state::AppState;
use chrono::NaiveDate;
use safeserve_core::access::Act;
use safeserve_core::audit::AuditAct;
use safeserve_core::letter::{Finding, LetterDraft, LetterEventKind};
use safeserve_core::{ContractId, DocumentId, ErrorCode, Message, VisitId};
use safeserve_store::letters::NewLetterEvent;
use safeserve_store::views::{ContractView, LetterView, NewContract};
use tauri::State;

/// Everything that bars a contract or commission from being recorded, checked as it is typed.
#[tauri::command]
pub async fn contract_problems(state: State<'_, AppState>, form: NewContract) -> Result<Vec<Message>, CommandError> {
    state.require(Act::View).await?;
    state.with_store(move |s| Ok(s.contract_problems(&form)?)).await
}

#[tauri::command]
pub async fn add_contract(state: State<'_, AppState>, form: NewContract) -> Result<ContractView, CommandError> {
    state.require(if form.government_commissioned { Act::Commission } else { Act::RecordContract }).await?;
    let id = ContractId(uuid::Uuid::now_v7());
    let commissioned = form.government_commissioned;
    let contract = state.with_store(move |s| Ok(s.add_contract(&form, id, &now(), today())?)).await?;
    if commissioned {
        state.audit(AuditAct::Commission, contract.id.to_string(), contract.agency_name.clone()).await;
    }
    Ok(contract)
}

#[tauri::command]
pub async fn letter_candidates(state: State<'_, AppState>, visit_id: String) -> Result<Vec<Finding>, CommandError> {
    state.require(Act::Supervise).await?;
    let id: VisitId = parse(&visit_id)?;
    state.with_store(move |s| Ok(s.letter_candidates(id, today())?)).await
}

#[tauri::command]
pub async fn letter_draft(state: State<'_, AppState>, visit_id: String) -> Result<Option<LetterDraft>, CommandError> {
    state.require(Act::Supervise).await?;
    let id: VisitId = parse(&visit_id)?;
    state.with_store(move |s| Ok(s.letter_draft(id)?)).await
}

#[tauri::command]
pub async fn save_letter_draft(state: State<'_, AppState>, draft: LetterDraft) -> Result<(), CommandError> {
    state.require(Act::ComposeLetter).await?;
    state.with_store(move |s| Ok(s.save_letter_draft(&draft, &now())?)).await
}

#[tauri::command]
pub async fn list_letters(
    state: State<'_, AppState>,
    agency_id: Option<String>,
) -> Result<Vec<LetterView>, CommandError> {
    state.require(Act::View).await?;
    state.with_store(move |s| Ok(s.letters(agency_id.as_deref(), today())?)).await
}

#[tauri::command]
pub async fn record_letter_event(
    state: State<'_, AppState>,
    letter_id: String,
    kind: LetterEventKind,
    on_date: String,
    note: String,
    by: String,
) -> Result<LetterView, CommandError> {
    state.require(Act::ComposeLetter).await?;
    let id: DocumentId = parse(&letter_id)?;
    let on = NaiveDate::parse_from_str(on_date.trim(), "%Y-%m-%d").map_err(|_| CommandError {
        code: ErrorCode::InvalidInput,
        message: Message::new(format!("日期“{on_date}”无效"), format!("\"{on_date}\" is not a date")),
        field: Some("on_date".to_owned()),
    })?;
    let event = NewLetterEvent { kind, on_date: on, note, by };
    state.with_store(move |s| Ok(s.record_letter_event(id, &event, &now(), today())?)).await
}

/// The letter reference series held here, each with its missing and repeated numbers.
#[tauri::command]
pub async fn letter_numbers(
    state: State<'_, AppState>,
) -> Result<Vec<safeserve_store::views::LetterNumberSeries>, CommandError> {
    state.require(Act::Supervise).await?;
    state.with_store(|s| Ok(s.letter_numbers()?)).await
}
