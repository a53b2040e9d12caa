use crate::error::CommandError;
use safeserve_core::access::Act;
use safeserve_core::audit::{AuditAct, AuditEntry};
use safeserve_core::{ErrorCode, Message};
use safeserve_store::backups::{self, Holding};
use safeserve_store::keys::{DbKey, KeyFile, KeyringShare};
use safeserve_store::views::{RegisterCounts, UserView};
use safeserve_store::{is_encrypted, OpenOptions, Store, StoreError};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use ts_rs::TS;

/// The open database, or why it could not be opened. A database that fails to open still
/// lets the window start, so the user reads the reason instead of seeing a crash.
///
/// The database is encrypted; it opens when someone signs in, with the key their password
/// unseals from the key file, and stays open (with the key in memory) until the app quits, so
/// syncing goes on while the window is locked. A plain database — a laptop's first start, or
/// one kept before laptops were encrypted — is encrypted at its first sign-in.
#[derive(Clone)]
pub struct AppState {
    pub db_path: PathBuf,
    store: Arc<Mutex<Result<Store, CommandError>>>,
    /// The database key, once a sign-in has unsealed it.
    key: Arc<Mutex<Option<DbKey>>>,
    /// Audit entries from before the database opened (refused sign-ins), written at the next
    /// sign-in.
    pending_audit: Arc<Mutex<Vec<AuditEntry>>>,
    /// A read-only connection for searches and read models, opened on first use.
    reader: Arc<Mutex<Option<Store>>>,
    /// Where the device key file lives when there is no OS keyring.
    data_dir: PathBuf,
    /// This laptop's signing key, loaded (or made) the first time something is signed.
    device: Arc<OnceLock<Result<safeserve_device::DeviceKey, CommandError>>>,
    /// The background sync with the central server.
    pub sync: crate::sync_worker::SyncWorker,
    /// Who is signed in: every command asks it for the act it performs.
    pub session: crate::session::Session,
    /// Why the last daily backup failed, shown on the backup screen until one succeeds.
    backup_problem: Arc<Mutex<Option<Message>>>,
    /// The app, once it runs: what tells the window of a backup that failed.
    app: Arc<OnceLock<tauri::AppHandle>>,
    /// Which database file is the laptop's: counted up when a restore puts another in its
    /// place. The sync worker holds it for reading through each sync and reopens its own
    /// connection when it changed, so it never writes into the file a restore set aside.
    pub database_epoch: Arc<std::sync::RwLock<u64>>,
}

/// The visit a recording command writes to, named by itself or by one of its hazards.
#[derive(Clone, Copy)]
pub enum Recorded {
    Visit(safeserve_core::VisitId),
    Hazard(safeserve_core::HazardId),
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppStatus {
    pub db_path: String,
    pub counts: Option<RegisterCounts>,
    pub error: Option<CommandError>,
    /// Days the app's calendar runs from the system clock (0 but in a test build pinned to a
    /// date): the window proposes dates on the same calendar the rules check against.
    pub clock_shift_days: i32,
}

impl AppState {
    pub fn open(db_path: PathBuf, data_dir: PathBuf) -> Self {
        let store = Store::open(&db_path).map_err(CommandError::from);
        if let Some(e) = store.as_ref().err().filter(|e| e.code != ErrorCode::SignedOut) {
            eprintln!("safeserve: {}: {}", db_path.display(), e.message.zh);
        }
        Self {
            db_path,
            store: Arc::new(Mutex::new(store)),
            key: Arc::default(),
            pending_audit: Arc::default(),
            reader: Arc::default(),
            data_dir,
            device: Arc::default(),
            sync: Default::default(),
            session: Default::default(),
            backup_problem: Arc::default(),
            app: Arc::default(),
            database_epoch: Arc::default(),
        }
    }

    /// Runs `f` on the store on a blocking thread, off the async runtime that serves IPC.
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, CommandError> + Send + 'static,
    ) -> Result<T, CommandError> {
        let store = self.store.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = store.lock().map_err(|_| CommandError::internal("store lock poisoned"))?;
            match guard.as_mut() {
                Ok(s) => f(s),
                Err(e) => Err(e.clone()),
            }
        })
        .await
        .map_err(CommandError::internal)?
    }

    /// Runs a read on the read-only connection: searches and read models answer while the
    /// other connection is busy writing (a photo import, a pulled page). It is opened after the
    /// writing connection, which migrates the database; one that could not open says why.
    pub async fn with_reader<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, CommandError> + Send + 'static,
    ) -> Result<T, CommandError> {
        let (reader, store, path) = (self.reader.clone(), self.store.clone(), self.db_path.clone());
        let key = self.key()?;
        tauri::async_runtime::spawn_blocking(move || {
            let mut slot = reader.lock().map_err(|_| CommandError::internal("reader lock poisoned"))?;
            let s = match slot.take() {
                Some(s) => s,
                None => {
                    if let Err(e) = store.lock().map_err(|_| CommandError::internal("store lock poisoned"))?.as_ref() {
                        return Err(e.clone());
                    }
                    Store::open_reader(&path, key.as_ref())?
                }
            };
            let out = f(&s);
            *slot = Some(s);
            out
        })
        .await
        .map_err(CommandError::internal)?
    }

    /// Runs `f` on a connection of its own, for work that waits on the network (enrolment, a
    /// letter's number from the server): the window's other commands go on meanwhile instead
    /// of queueing behind the shared connection. SQLite keeps the two apart; no transaction
    /// spans the wait.
    pub async fn with_own_connection<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, CommandError> + Send + 'static,
    ) -> Result<T, CommandError> {
        let state = self.clone();
        tauri::async_runtime::spawn_blocking(move || f(&mut state.connect()?)).await.map_err(CommandError::internal)?
    }

    pub(crate) fn key(&self) -> Result<Option<DbKey>, CommandError> {
        Ok(self.key.lock().map_err(|_| CommandError::internal("key lock poisoned"))?.clone())
    }

    /// A connection of its own to the database (the sync worker's, a long network wait's),
    /// once a sign-in has opened it.
    pub fn connect(&self) -> Result<Store, CommandError> {
        let key = self.key()?;
        if key.is_none() && is_encrypted(&self.db_path) {
            return Err(StoreError::NeedsKey { path: self.db_path.clone() }.into());
        }
        Ok(Store::open_with(&self.db_path, &OpenOptions { key, ..Default::default() })?)
    }

    /// Signs `name` in with `password`: through the key file for an encrypted database (the
    /// password unseals the key, which opens the database), through the `users` table for a
    /// plain one — which is then encrypted, its key sealed under this password.
    pub async fn unlock(&self, name: String, password: String) -> Result<UserView, CommandError> {
        let state = self.clone();
        let password = zeroize::Zeroizing::new(password);
        let user = tauri::async_runtime::spawn_blocking(move || -> Result<UserView, CommandError> {
            let now_ms = chrono::Utc::now().timestamp_millis();
            let path = state.db_path.clone();
            // The reader first, then the store: the order `with_reader` takes them in.
            let mut reader = state.reader.lock().map_err(|_| CommandError::internal("reader lock poisoned"))?;
            let mut store = state.store.lock().map_err(|_| CommandError::internal("store lock poisoned"))?;
            let user = if is_encrypted(&path) {
                let mut file = KeyFile::load_for(&path, &name, safeserve_device::keyring_share)?.ok_or_else(|| {
                    StoreError::KeyFile { path: safeserve_store::keys::key_file_path(&path), reason: "missing".into() }
                })?;
                let key = file.unlock(&name, &password, now_ms)?;
                state.open_keyed(&mut store, &mut reader, key)?;
                let opened = store.as_mut().map_err(|e| e.clone())?;
                find_user(opened, &name)?
            } else {
                let user = store.as_mut().map_err(|e| e.clone())?.sign_in(&name, &password, now_ms)?;
                state.encrypt(&mut store, &mut reader)?;
                user
            };
            Ok(user)
        })
        .await
        .map_err(CommandError::internal)??;
        self.flush_pending_audit().await;
        self.sync.wake();
        self.daily_backup();
        Ok(user)
    }

    /// Sets a new password with an administrator's one-time code (the user forgot theirs) and
    /// signs the user in: the server releases this laptop's recovery key, which opens the
    /// database key, now sealed under `new_password`.
    pub async fn reset_password(&self, code: String, new_password: String) -> Result<UserView, CommandError> {
        let device = self.device()?;
        let state = self.clone();
        let new_password = zeroize::Zeroizing::new(new_password);
        let user = tauri::async_runtime::spawn_blocking(move || -> Result<UserView, CommandError> {
            let (name, key) = safeserve_sync::recovery::reset_password(
                &state.db_path,
                keyring_share(),
                &device.key,
                &code,
                &new_password,
            )?;
            let mut reader = state.reader.lock().map_err(|_| CommandError::internal("reader lock poisoned"))?;
            let mut store = state.store.lock().map_err(|_| CommandError::internal("store lock poisoned"))?;
            state.open_keyed(&mut store, &mut reader, key)?;
            find_user(store.as_mut().map_err(|e| e.clone())?, &name)
        })
        .await
        .map_err(CommandError::internal)??;
        self.flush_pending_audit().await;
        self.sync.wake();
        self.daily_backup();
        Ok(user)
    }

    /// Opens the encrypted database with `key`, unless a sign-in opened it already.
    fn open_keyed(
        &self,
        store: &mut Result<Store, CommandError>,
        reader: &mut Option<Store>,
        key: DbKey,
    ) -> Result<(), CommandError> {
        if self.key()?.is_none() {
            *reader = None;
            *store = Ok(Store::open_with(&self.db_path, &OpenOptions::keyed(key.clone()))?);
            *self.key.lock().map_err(|_| CommandError::internal("key lock poisoned"))? = Some(key);
        }
        Ok(())
    }

    /// Encrypts the plain database under a new key sealed for each of its users, with every
    /// connection to the plain file closed first; a failure leaves the plain database open as
    /// it was. The key file is written before the encrypted file takes the database's name.
    pub(crate) fn encrypt(
        &self,
        store: &mut Result<Store, CommandError>,
        reader: &mut Option<Store>,
    ) -> Result<(), CommandError> {
        let path = self.db_path.clone();
        *reader = None;
        *store = Err(CommandError::internal("the database is being encrypted"));
        match safeserve_store::encryption::encrypt_for_users(&path, keyring_share()) {
            Ok(key) => {
                *store = Store::open_with(&path, &OpenOptions::keyed(key.clone())).map_err(CommandError::from);
                *self.key.lock().map_err(|_| CommandError::internal("key lock poisoned"))? = Some(key);
                store.as_ref().map(|_| ()).map_err(|e| e.clone())
            }
            Err(e) => {
                *store = Store::open(&path).map_err(CommandError::from);
                Err(e.into())
            }
        }
    }

    /// Runs `f` holding both connections, for what must close and reopen them (the first
    /// user's encryption).
    pub async fn with_connections<T: Send + 'static>(
        &self,
        f: impl FnOnce(&AppState, &mut Result<Store, CommandError>, &mut Option<Store>) -> Result<T, CommandError>
            + Send
            + 'static,
    ) -> Result<T, CommandError> {
        let state = self.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let mut reader = state.reader.lock().map_err(|_| CommandError::internal("reader lock poisoned"))?;
            let mut store = state.store.lock().map_err(|_| CommandError::internal("store lock poisoned"))?;
            f(&state, &mut store, &mut reader)
        })
        .await
        .map_err(CommandError::internal)?
    }

    /// The day's backup, after a sign-in, on a read-only connection of its own: the first
    /// list does not wait for it and it never competes with the window's saves for the write
    /// lock (`VACUUM INTO` only reads). A failure is kept for the backup screen and logged; the
    /// next sign-in tries again.
    fn daily_backup(&self) {
        let state = self.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let taken = state
                .backup_reader()
                .and_then(|store| Ok(store.daily_backup(&china_now(), backups::kept(&state.db_path))?));
            state.note_backup(taken.map(|_| ()));
        });
    }

    fn backup_reader(&self) -> Result<Store, CommandError> {
        Ok(Store::open_reader(&self.db_path, self.key()?.as_ref())?)
    }

    /// Lets the state tell the window of what happens off its commands (a failed backup).
    pub fn attach(&self, app: tauri::AppHandle) {
        let _ = self.app.set(app);
    }

    /// Keeps the outcome of a backup for the backup screen; a failure is also told to the
    /// window at once (`backup-failed`), so it is seen wherever the user is.
    fn note_backup(&self, outcome: Result<(), CommandError>) {
        if let Err(e) = &outcome {
            eprintln!("safeserve: backup: {}", e.message.en);
            if let Some(app) = self.app.get() {
                use tauri::Emitter;
                let _ = app.emit("backup-failed", e.message.clone());
            }
        }
        if let Ok(mut problem) = self.backup_problem.lock() {
            *problem = outcome.err().map(|e| e.message);
        }
    }

    /// Why the last backup failed, if it did.
    pub fn backup_problem(&self) -> Option<Message> {
        self.backup_problem.lock().ok().and_then(|p| p.clone())
    }

    /// 备份 now (the newest `kept` are kept), on a read-only connection of its own.
    pub async fn back_up_now(&self) -> Result<PathBuf, CommandError> {
        let state = self.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let taken = state.backup_reader().and_then(|store| {
                let path = store.back_up(&china_now())?;
                store.prune_backups(backups::kept(&state.db_path))?;
                Ok(path)
            });
            state.note_backup(taken.as_ref().map(|_| ()).map_err(Clone::clone));
            taken
        })
        .await
        .map_err(CommandError::internal)?
    }

    /// What the backup at `path` holds, checked whole (with this laptop's key).
    pub async fn holding(&self, path: PathBuf) -> Result<Holding, CommandError> {
        let key = self.key()?;
        tauri::async_runtime::spawn_blocking(move || Ok(backups::holding(&path, key.as_ref())?))
            .await
            .map_err(CommandError::internal)?
    }

    /// Puts the backup at `path` in place of the database: both connections closed first, the
    /// database replaced moved aside, then reopened. A backup that does not check whole is
    /// refused before anything moves, and the database reopens as it was.
    pub async fn restore(&self, path: PathBuf) -> Result<backups::Restored, CommandError> {
        let now = china_now();
        self.with_connections(move |state, store, reader| {
            let key = state.key()?;
            // Waits for a sync under way to end; the worker reopens on the restored file.
            let mut epoch = state.database_epoch.write().map_err(|_| CommandError::internal("epoch lock poisoned"))?;
            *epoch += 1;
            *reader = None;
            *store = Err(CommandError::internal("the database is being restored"));
            let restored = backups::restore(&state.db_path, &path, key.as_ref(), &now);
            *store = state.connect();
            let restored = restored?;
            store.as_ref().map_err(Clone::clone)?;
            Ok(restored)
        })
        .await
    }

    async fn flush_pending_audit(&self) {
        let entries = self.pending_audit.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default();
        for entry in entries {
            self.write_audit(entry).await;
        }
    }

    /// The signed-in user, if their role may record — and sign the documents of — the visit
    /// `of` belongs to: an agency's service by its technicians, the rest by the bureau.
    pub async fn require_recording(&self, of: Recorded) -> Result<UserView, CommandError> {
        self.require(Act::View).await?;
        let kind = self
            .with_reader(move |s| {
                Ok(match of {
                    Recorded::Visit(id) => s.visit_kind(id)?,
                    Recorded::Hazard(id) => s.hazard_visit_kind(id)?,
                })
            })
            .await?;
        self.require(Act::record(kind)).await
    }

    /// The signed-in user, if their role may do `act` (the session decides); an act refused
    /// for the role is written to the audit log.
    pub async fn require(&self, act: Act) -> Result<UserView, CommandError> {
        let result = self.session.require(act);
        if let Err(e) = &result {
            if e.code == ErrorCode::RoleNotAllowed {
                self.audit(AuditAct::Refused, "", act.key()).await;
            }
        }
        result
    }

    /// Writes what the signed-in user just did to the audit log. The act has happened by then:
    /// an entry that cannot be written is reported in the log, not passed off as the act failing.
    pub async fn audit(&self, act: AuditAct, subject: impl Into<String>, detail: impl Into<String>) {
        let user = self.session.user();
        self.audit_for(user.as_ref(), "", act, subject.into(), detail.into()).await;
    }

    /// An audit entry for `user`, or — nobody signed in, as for a refused sign-in — for the
    /// name that was typed.
    pub async fn audit_for(
        &self,
        user: Option<&UserView>,
        typed: &str,
        act: AuditAct,
        subject: String,
        detail: String,
    ) {
        let entry = AuditEntry {
            at: safeserve_print::now().to_rfc3339(),
            user_id: user.map(|u| u.id.clone()),
            user_name: user.map_or(typed, |u| u.display_name.as_str()).to_owned(),
            role: user.map(|u| u.role),
            act,
            subject,
            detail,
        };
        self.write_audit(entry).await;
    }

    async fn write_audit(&self, entry: AuditEntry) {
        let kept = entry.clone();
        match self.with_store(move |s| Ok(s.record_audit(&entry)?)).await {
            Ok(_) => {}
            // Not signed in yet, the database still closed: the entry waits for the next sign-in.
            Err(e) if e.code == ErrorCode::SignedOut => {
                if let Ok(mut pending) = self.pending_audit.lock() {
                    pending.push(kept);
                }
            }
            Err(e) => eprintln!("safeserve: the audit log could not be written: {}", e.message.en),
        }
    }

    pub fn device(&self) -> Result<safeserve_device::DeviceKey, CommandError> {
        self.device
            .get_or_init(|| {
                safeserve_device::load_or_create(&self.data_dir)
                    .map_err(|e| CommandError::from(safeserve_print::PrintError::from(e)))
            })
            .clone()
    }

    /// This laptop's PDF signer (its document key and certificate), which also says whose
    /// signatures it believes.
    pub async fn pdf_signer(&self) -> Result<safeserve_print::PdfSigner, CommandError> {
        let device = self.device()?;
        self.with_store(move |s| Ok(safeserve_print::PdfSigner::load(s, &device)?)).await
    }

    pub async fn status(&self) -> AppStatus {
        let db_path = self.db_path.display().to_string();
        let clock_shift_days = safeserve_print::clock::shift_days();
        if self.session.user().is_none() {
            // Whether the database opened is said before sign-in (an encrypted one waiting for
            // the sign-in is not a fault); what it holds is not.
            let error = self.with_store(|_| Ok(())).await.err().filter(|e| e.code != ErrorCode::SignedOut);
            return AppStatus { db_path, counts: None, error, clock_shift_days };
        }
        match self.with_store(|s| Ok(s.counts()?)).await {
            Ok(counts) => AppStatus { db_path, counts: Some(counts), error: None, clock_shift_days },
            Err(e) => AppStatus { db_path, counts: None, error: Some(e), clock_shift_days },
        }
    }
}

/// The user signed in as `name` (matched as the `users` table matches names).
/// The OS keyring's share for a seal made now (made in the keyring on first use), if a
/// keyring answers.
fn keyring_share() -> Option<KeyringShare> {
    safeserve_device::keyring_share(true).map(|b| KeyringShare::new(zeroize::Zeroizing::new(b)))
}

fn find_user(store: &Store, name: &str) -> Result<UserView, CommandError> {
    let wanted = name.trim().to_lowercase();
    store
        .users()?
        .into_iter()
        .find(|u| u.name.to_lowercase() == wanted)
        .ok_or_else(|| CommandError::internal(format!("the key file names {name}, the database does not")))
}

/// Now in China's time (the real clock, as the files' own times are): what names a backup or a
/// replaced database, so the name and the time the window shows agree.
fn china_now() -> String {
    chrono::Utc::now().with_timezone(&safeserve_core::shanghai()).to_rfc3339()
}
