//! Signing in and out. A laptop never enrolled makes its first user at first start; an
//! enrolled one makes it with the server's name and role for the user it was enrolled to.
//! The password unseals the database's key (Argon2id, with a growing wait after wrong ones):
//! signing in is what opens the encrypted database (`AppState::unlock`).

use crate::error::CommandError;
use crate::state::AppState;
use safeserve_core::access::Act;
use safeserve_core::audit::AuditAct;
use safeserve_core::sync::Role;
use safeserve_core::{ErrorCode, Message};
use safeserve_store::views::{NewUser, UserView};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

/// Who is at the laptop, and what they may do: the window draws its menus from `acts`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SessionView {
    pub user: Option<UserView>,
    pub acts: Vec<Act>,
    /// Nobody can sign in to this laptop yet: the first user is made now.
    pub first_start: bool,
    /// The role of the server user this laptop is enrolled to, which its user takes.
    pub enrolled_role: Option<Role>,
    /// Minutes of idleness after which the app locks.
    pub idle_lock_minutes: u32,
    /// The sign-in name whose forgotten password an administrator's code can reset on this
    /// laptop (an enrolled laptop that gave the server its recovery key).
    pub password_reset_for: Option<String>,
}

async fn view(state: &AppState) -> Result<SessionView, CommandError> {
    let user = state.session.user();
    let (first_start, enrolled_role) =
        match state.with_store(|s| Ok((s.users()?.is_empty(), s.sync_account()?.map(|a| a.role)))).await {
            Ok(found) => found,
            // Encrypted and not opened yet: its key file has users, or it would not be encrypted.
            Err(e) if e.code == ErrorCode::SignedOut => (false, None),
            Err(e) => return Err(e),
        };
    Ok(SessionView {
        acts: user.as_ref().map(|u| u.role.acts()).unwrap_or_default(),
        user,
        first_start,
        enrolled_role,
        idle_lock_minutes: u32::try_from(state.session.idle_minutes()).unwrap_or(u32::MAX),
        password_reset_for: safeserve_sync::recovery::target(&state.db_path).ok().flatten().map(|t| t.user),
    })
}

#[tauri::command]
pub async fn session(state: State<'_, AppState>) -> Result<SessionView, CommandError> {
    view(&state).await
}

#[tauri::command]
pub async fn sign_in(state: State<'_, AppState>, name: String, password: String) -> Result<SessionView, CommandError> {
    let typed = name.clone();
    let user = match state.unlock(name, password).await {
        Ok(user) => user,
        Err(e) => {
            state.audit_for(None, &typed, AuditAct::SignInFailed, String::new(), e.message.zh.clone()).await;
            return Err(e);
        }
    };
    state.session.start(user);
    state.audit(AuditAct::SignIn, "", "").await;
    view(&state).await
}

/// A forgotten password: the administrator's one-time code and a new password sign the
/// laptop's enrolled user in (see `safeserve_sync::recovery`).
#[tauri::command]
pub async fn reset_password(
    state: State<'_, AppState>,
    code: String,
    new_password: String,
) -> Result<SessionView, CommandError> {
    let user = match state.reset_password(code, new_password).await {
        Ok(user) => user,
        Err(e) => {
            let name = safeserve_sync::recovery::target(&state.db_path).ok().flatten().map(|t| t.user);
            let detail = e.message.zh.clone();
            state
                .audit_for(None, name.as_deref().unwrap_or(""), AuditAct::PasswordReset, "refused".into(), detail)
                .await;
            return Err(e);
        }
    };
    state.session.start(user);
    state.audit(AuditAct::PasswordReset, "", "").await;
    view(&state).await
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> Result<SessionView, CommandError> {
    if state.session.user().is_some() {
        state.audit(AuditAct::SignOut, "", "").await;
    }
    state.session.end();
    view(&state).await
}

/// The first user of this laptop, signed in at once; the database is encrypted under their
/// password before anything else is recorded. Refused once anyone can sign in: a laptop's
/// users are not made by whoever finds it open. On an enrolled laptop the user takes the role
/// the server gave.
#[tauri::command]
pub async fn create_first_user(state: State<'_, AppState>, form: NewUser) -> Result<SessionView, CommandError> {
    let at = super::registers::now();
    let user = state
        .with_connections(move |state, store, reader| {
            let s = store.as_mut().map_err(|e| e.clone())?;
            if !s.users()?.is_empty() {
                return Err(CommandError {
                    code: ErrorCode::RoleNotAllowed,
                    message: Message::new("本机已有用户，请登录", "This laptop has users already: sign in"),
                    field: None,
                });
            }
            // On an enrolled laptop the server says who the user is: their role and the person
            // in the register they sign as.
            let account = s.sync_account()?;
            let role = account.as_ref().map_or(form.role, |a| a.role);
            let person_id = account.and_then(|a| a.person_id).and_then(|p| p.parse().ok());
            let user = s.add_user(&NewUser { role, person_id, ..form }, &at)?;
            state.encrypt(store, reader)?;
            Ok(user)
        })
        .await?;
    state.sync.wake();
    state.session.start(user);
    state.audit(AuditAct::FirstUser, "", "").await;
    view(&state).await
}

/// After enrolment the signed-in user is the server's user: their role, and the person in the
/// register they sign as, are from then on what the server says.
pub(crate) async fn bind_to_server(state: &AppState, user: UserView) -> Result<(), CommandError> {
    let bound = state
        .with_store(move |s| {
            let account = s.sync_account()?.ok_or_else(|| CommandError::internal("enrolled without an account"))?;
            // A person id the laptop cannot read links nobody: the user then signs with the
            // name they were made with, never someone else's.
            let person = account.person_id.as_deref().and_then(|p| p.parse().ok());
            Ok(s.bind_user(&user.id, account.role, person)?)
        })
        .await?;
    state.session.update(bound);
    Ok(())
}

/// The newest entries of the audit log, with whether the whole log still chains (supervisors).
#[tauri::command]
pub async fn audit_log(state: State<'_, AppState>) -> Result<safeserve_store::audit::AuditLog, CommandError> {
    state.require(Act::ReadAudit).await?;
    state.with_reader(|s| Ok(s.audit_log(500)?)).await
}
