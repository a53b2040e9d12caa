//! `safeserve-sync` brings a laptop's database and the central server together: enrolment
//! with the device key, then push (outbox → receipts), photo uploads that resume, pull by
//! cursor, and photo downloads. Each step stores its result before the next begins, so a
//! sync cut off anywhere (network, power, `kill -9`) resumes where it stopped and never
//! applies or sends anything twice. The protocol is written down in docs/sync.md.

pub mod client;
pub mod lock;
pub mod recovery;
pub mod tls;
use safeserve_wire as wire;

pub use client::{Client, WireBytes};

use ed25519_dalek::{Signer, SigningKey};
use safeserve_core::document::hex;
use safeserve_core::sync::SyncPhase;
use safeserve_core::{ErrorCode, Message};
use safeserve_store::documents::{LetterNumbers, LetterSeries, NumberUnavailable};
use safeserve_store::sync::SyncAccount;
use safeserve_store::{Store, StoreError};
use serde::Serialize;
use std::time::Instant;

/// How many changes one push carries and one pull page asks for.
pub const PUSH_BATCH: usize = 2_000;
pub const PULL_PAGE: usize = 5_000;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("server address {0} is not an http(s) URL")]
    BadAddress(String),
    #[error("plain http to {0}, which is not this machine")]
    PlainHttp(String),
    #[error("the server's certificate cannot be used: {0}")]
    Trust(#[from] tls::TrustError),
    #[error("{server} presented a certificate this laptop does not trust: {problem}")]
    Untrusted { server: String, problem: rustls::Error },
    #[error("cannot reach {server}")]
    Unreachable {
        server: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("the server refused ({status}): {}", body.en)]
    Refused { status: u16, body: wire::ErrorBody },
    #[error("not enrolled with a server")]
    NotEnrolled,
    /// The server's answer could not be unpacked or read as what the protocol says comes back.
    #[error("unexpected answer from the server")]
    Unreadable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A request could not be encoded (a record that does not serialise, compression failing).
    #[error("a request could not be encoded")]
    Unencodable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("photo {0} cannot be read")]
    Photo(String, #[source] std::io::Error),
    #[error(transparent)]
    Lock(#[from] lock::LockError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    pub fn code(&self) -> ErrorCode {
        match self {
            SyncError::BadAddress(_) => ErrorCode::BadAddress,
            SyncError::PlainHttp(_) => ErrorCode::PlainHttp,
            SyncError::Trust(_) => ErrorCode::ServerCertificateUnusable,
            SyncError::Untrusted { .. } => ErrorCode::ServerUntrusted,
            SyncError::Unreachable { .. } => ErrorCode::ServerUnreachable,
            SyncError::Refused { body, .. } => body.code,
            SyncError::NotEnrolled => ErrorCode::NotEnrolled,
            SyncError::Unreadable(_) | SyncError::Unencodable(_) => ErrorCode::Protocol,
            SyncError::Photo(..) => ErrorCode::PhotoMissing,
            SyncError::Lock(_) => ErrorCode::SyncLock,
            SyncError::Store(e) => e.code(),
        }
    }

    /// What the person at the laptop is told, Chinese first.
    pub fn message(&self) -> Message {
        match self {
            SyncError::BadAddress(a) => Message::new(
                format!("服务器地址“{a}”无效，应以 http:// 或 https:// 开头"),
                format!("Server address \"{a}\" must start with http:// or https://"),
            ),
            SyncError::PlainHttp(a) => Message::new(
                format!(
                    "不能用 http:// 连接 {a}：访问令牌、身份证号和照片会以明文经过网络。请使用 https:// 地址\
                     （http:// 只用于本机 127.0.0.1 / localhost 上的服务器）"
                ),
                format!(
                    "Refusing plain http:// to {a}: tokens, ID numbers and photos would cross the network in clear. \
                     Use the https:// address (http:// is only for a server on this machine)"
                ),
            ),
            SyncError::Trust(e) => Message::new(
                format!("服务器证书（CA）文件无法使用：{e}。请使用管理员提供的 PEM 格式证书"),
                format!("The server certificate (CA) file cannot be used: {e}. Use the PEM file your administrator gave you"),
            ),
            SyncError::Untrusted { server, problem } => Message::new(
                format!(
                    "服务器 {server} 出示的证书不受本机信任（{problem}），连接已中止，未发送任何数据。\
                     可能有人冒充服务器；如服务器确已更换证书机构，请管理员确认后重新注册本机"
                ),
                format!(
                    "{server} presented a certificate this laptop does not trust ({problem}); nothing was sent. \
                     Someone may be posing as the server; if its certificate authority really changed, enrol again"
                ),
            ),
            SyncError::Unreachable { server, .. } => Message::new(
                format!("无法连接服务器 {server}。数据都保存在本机，联网后会自动同步"),
                format!("Cannot reach {server}. Everything is kept on this laptop and syncs once online"),
            ),
            SyncError::Refused { body, .. } => Message::new(body.zh.clone(), body.en.clone()),
            SyncError::NotEnrolled => Message::new(
                "本机尚未注册到服务器，请在“同步”中填写服务器地址和注册码",
                "This laptop is not enrolled with a server yet",
            ),
            SyncError::Unreadable(e) => {
                Message::new(format!("服务器的应答无法识别：{e}"), format!("Unexpected answer from the server: {e}"))
            }
            SyncError::Unencodable(e) => {
                Message::new(format!("同步请求无法编码：{e}"), format!("The sync request could not be encoded: {e}"))
            }
            SyncError::Photo(p, e) => {
                Message::new(format!("照片文件 {p} 无法读取：{e}"), format!("Photo file {p} cannot be read: {e}"))
            }
            SyncError::Lock(e) => Message::new(
                format!("无法锁定同步文件 {}：{}", e.path.display(), e.source),
                format!("Cannot lock the sync file {}: {}", e.path.display(), e.source),
            ),
            SyncError::Store(e) => e.message(),
        }
    }
}

/// Where a sync is, for a progress bar.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub phase: SyncPhase,
    pub done: u64,
    pub total: u64,
    pub bytes: u64,
}

/// What one sync did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    pub pushed: u64,
    pub superseded: u64,
    pub refused: u64,
    pub refusals: Vec<String>,
    /// Changes stamped while this laptop's clock ran ahead, stamped again from the right time.
    pub restamped: u64,
    pub pulled: u64,
    pub applied: u64,
    pub skipped: u64,
    pub rejected: Vec<String>,
    pub photos_uploaded: u64,
    pub photo_bytes_sent: u64,
    pub photos_downloaded: u64,
    /// Photos that could not be fetched this time (the server lacks the file, the bytes do not
    /// match their hash …), each with its reason; they are asked for again at the next sync.
    pub photos_failed: Vec<String>,
    pub wire: WireBytes,
    pub clock_skew_ms: Option<i64>,
    pub seconds: f64,
}

/// Enrols this laptop: proves it holds `key` (the key its documents are signed with), and
/// stores the server, the user, the refresh token and the certificate that vouched for the
/// server (`ca_pem`, the CA the administrator gave, or else one of the system's roots) in the
/// database; later syncs trust only that certificate. The bureau's certificate for the
/// laptop's document key, and the bureau's root, are kept too: PDFs are signed with them.
pub fn enroll(
    store: &mut Store,
    server: &str,
    code: &str,
    key: &SigningKey,
    label: &str,
    ca_pem: Option<&str>,
) -> Result<SyncAccount, SyncError> {
    let (mut client, vouching) = Client::enrolling(server, ca_pem)?;
    let public_key = hex(key.verifying_key().as_bytes());
    let code = code.trim().to_uppercase();
    let signature = hex(&key.sign(&wire::enrolment_message(&code, &public_key)).to_bytes());
    let document_key = Some(hex(&safeserve_pki::DocumentKey::derive(&key.to_bytes()).public_key_der()));
    let enrolled =
        client.enrol(&wire::EnrolRequest { code, public_key, label: label.to_owned(), signature, document_key })?;
    let account = SyncAccount {
        server: client.server().to_owned(),
        device_id: enrolled.device_id,
        user_name: enrolled.user_name,
        role: enrolled.role,
        scope: enrolled.scope,
        refresh_token: enrolled.tokens.refresh_token,
        cursor: 0,
        server_trust: vouching.and_then(|v| v.pin()).map(|pin| pin.to_pem()),
        document_certificate: enrolled.certificate,
        bureau_authority: enrolled.authority,
        verify_url: enrolled.verify_url,
        person_id: enrolled.person_id,
    };
    store.save_sync_account(&account)?;
    if let Some(cert) = &account.document_certificate {
        store.record_device_certificate(&hex(key.verifying_key().as_bytes()), cert)?;
    }
    Ok(account)
}

/// A laptop enrolled before the server issued certificates asks for the bureau's certificate
/// of its document key, once: afterwards its PDFs name the user, role and bureau, and other
/// laptops believe the documents it signs. `Ok(false)`: not enrolled, or it holds one already.
pub fn certify(store: &mut Store, key: &SigningKey) -> Result<bool, SyncError> {
    match store.sync_account()? {
        Some(a) if a.document_certificate.is_none() => {}
        _ => return Ok(false),
    }
    let _turn = lock::SyncLock::acquire(store.path())?;
    let mut client = connect(store)?;
    let document_key = hex(&safeserve_pki::DocumentKey::derive(&key.to_bytes()).public_key_der());
    let certified = client.certificate(&wire::CertificateRequest { document_key })?;
    // Read again: `connect` stored a new refresh token.
    let mut account = store.sync_account()?.ok_or(SyncError::NotEnrolled)?;
    account.document_certificate = Some(certified.certificate.clone());
    account.bureau_authority = Some(certified.authority);
    account.verify_url = certified.verify_url.or(account.verify_url);
    store.save_sync_account(&account)?;
    store.record_device_certificate(&hex(key.verifying_key().as_bytes()), &certified.certificate)?;
    Ok(true)
}

/// A client for an enrolled laptop's server, trusting what was pinned at enrolment.
pub fn client_for(account: &SyncAccount) -> Result<Client, SyncError> {
    let pin = account.server_trust.as_deref().map(tls::Pin::from_pem).transpose()?;
    Client::new(&account.server, pin.as_ref())
}

/// Opens a session: trades the stored refresh token for an access token, storing the new
/// refresh token at once. Callers hold the database's [`lock::SyncLock`] across it.
pub fn connect(store: &mut Store) -> Result<Client, SyncError> {
    let account = store.sync_account()?.ok_or(SyncError::NotEnrolled)?;
    let mut client = client_for(&account)?;
    let tokens = client.refresh(&account.refresh_token)?;
    store.save_refresh_token(&tokens.refresh_token)?;
    Ok(client)
}

/// Letter numbers from the server, for an enrolled laptop approving a letter. The inspection
/// is pushed first (the server gives numbers only for inspections it holds in the
/// supervisor's jurisdiction), taking turns with any sync of the same database. Offline, an
/// enrolled laptop cannot approve a letter: the error says so and the draft stays as it was.
pub struct ServerNumbers;

impl LetterNumbers for ServerNumbers {
    fn take(&mut self, store: &mut Store, series: &LetterSeries) -> Result<u32, NumberUnavailable> {
        let taken = (|| {
            let _turn = lock::SyncLock::acquire(store.path())?;
            let mut client = connect(store)?;
            push(&mut client, store, &mut SyncReport::default(), &mut |_| {})?;
            let request = wire::LetterNumberRequest {
                visit_id: series.visit_id.clone(),
                prefix: series.prefix.clone(),
                year: series.year,
            };
            client.letter_number(&request)
        })();
        taken.map_err(|e| {
            let (code, message) = match &e {
                SyncError::Unreachable { server, .. } => (
                    ErrorCode::LetterNumberOffline,
                    Message::new(
                        format!(
                            "签发函告需要连接服务器 {server} 取得文号（全局统一编号，不重号、不跳号）。草稿已保存，联网后再签发"
                        ),
                        format!(
                            "Approving a letter takes its reference number from {server}, which cannot be reached. The draft is kept; approve it once online"
                        ),
                    ),
                ),
                e => (e.code(), e.message()),
            };
            NumberUnavailable { code, message, source: Some(Box::new(e)) }
        })
    }
}

/// One whole sync: push, photos up, pull, photos down. The outcome (or the error) is
/// recorded in the database for the sync status.
pub fn sync(store: &mut Store, progress: &mut dyn FnMut(&Progress)) -> Result<SyncReport, SyncError> {
    // Taken before the refresh token is read: a sync waiting here reads the one the sync
    // before it received.
    let result = lock::SyncLock::acquire(store.path())
        .map_err(SyncError::from)
        .and_then(|_turn| connect(store).and_then(|mut client| sync_with(&mut client, store, progress)));
    let now = chrono::Utc::now().to_rfc3339();
    match &result {
        Ok(report) => store.record_sync_attempt(Some(&now), None, report.clock_skew_ms)?,
        Err(e) => store.record_sync_attempt(None, Some(&e.message()), None)?,
    }
    result
}

/// The steps of a sync with an open session.
pub fn sync_with(
    client: &mut Client,
    store: &mut Store,
    progress: &mut dyn FnMut(&Progress),
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let mut report = SyncReport::default();
    push(client, store, &mut report, progress)?;
    upload_photos(client, store, &mut report, progress)?;
    pull(client, store, &mut report, progress)?;
    download_photos(client, store, &mut report, progress)?;
    report.wire = client.wire;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

pub fn push(
    client: &mut Client,
    store: &mut Store,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(), SyncError> {
    report.restamped += store.restamp_after_a_fast_clock(chrono::Utc::now().timestamp_millis())? as u64;
    let total = store.sync_status()?.pending as u64;
    loop {
        let batch = store.pending_changes(PUSH_BATCH)?;
        if batch.is_empty() {
            return Ok(());
        }
        let sent_at = chrono::Utc::now().timestamp_millis();
        let answer = client.push(batch)?;
        report.clock_skew_ms = Some(sent_at - answer.server_time_ms);
        store.store_receipts(&answer.receipts)?;
        for r in &answer.receipts {
            match r.outcome {
                safeserve_core::sync::Outcome::Applied => report.pushed += 1,
                safeserve_core::sync::Outcome::Superseded => report.superseded += 1,
                safeserve_core::sync::Outcome::Refused => {
                    report.refused += 1;
                    report.refusals.push(r.reason.clone().unwrap_or_default());
                }
            }
        }
        let done = report.pushed + report.superseded + report.refused;
        progress(&Progress { phase: SyncPhase::Push, done, total: total.max(done), bytes: client.wire.sent });
    }
}

pub fn upload_photos(
    client: &mut Client,
    store: &mut Store,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(), SyncError> {
    let held = store.photos_to_upload()?;
    if held.is_empty() {
        return Ok(());
    }
    let missing = client.missing_photos(held.iter().map(|p| p.sha256.clone()).collect())?;
    // Whatever the server already holds is confirmed without sending a byte.
    let present: Vec<String> = held.iter().filter(|p| !missing.contains(&p.sha256)).map(|p| p.sha256.clone()).collect();
    store.confirm_photos(&present)?;
    let total: u64 = held.iter().filter(|p| missing.contains(&p.sha256)).map(|p| p.bytes).sum();
    let mut done = 0u64;
    for photo in held.iter().filter(|p| missing.contains(&p.sha256)) {
        // Opened here: on an encrypted laptop the file on disk is sealed, and the server keeps
        // the original as it was taken (its SHA-256 is the photo's name).
        let original = store.photo_files().read(&photo.path).map_err(safeserve_store::StoreError::from)?;
        client.upload_photo(&photo.sha256, &original, &mut |n| {
            done += n;
            progress(&Progress { phase: SyncPhase::Photos, done, total, bytes: done });
        })?;
        store.confirm_photos(std::slice::from_ref(&photo.sha256))?;
        report.photos_uploaded += 1;
    }
    report.photo_bytes_sent = done;
    Ok(())
}

pub fn pull(
    client: &mut Client,
    store: &mut Store,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(), SyncError> {
    let mut cursor = store.sync_account()?.ok_or(SyncError::NotEnrolled)?.cursor;
    let result = pull_pages(client, store, &mut cursor, report, progress);
    // Search entries of records pulled in bulk are written once, at the end (also after an
    // error: what was applied is searchable).
    store.end_bulk_pull()?;
    // What this laptop could not apply is what still waits, whichever page brought it (a child
    // that came before its parent and applied with it is not among them).
    report.rejected = store.waiting_changes()?.iter().map(ToString::to_string).collect();
    result
}

fn pull_pages(
    client: &mut Client,
    store: &mut Store,
    cursor: &mut i64,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(), SyncError> {
    loop {
        let page = client.pull(*cursor, PULL_PAGE)?;
        if page.more {
            store.begin_bulk_pull();
        }
        report.pulled += page.changes.len() as u64;
        let applied = store.apply_pulled(&page.changes, page.next)?;
        report.applied += (applied.applied + applied.released) as u64;
        report.skipped += applied.skipped as u64;
        *cursor = page.next;
        progress(&Progress {
            phase: SyncPhase::Pull,
            done: report.pulled,
            total: report.pulled,
            bytes: client.wire.received,
        });
        if !page.more {
            return Ok(());
        }
    }
}

pub fn download_photos(
    client: &mut Client,
    store: &mut Store,
    report: &mut SyncReport,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(), SyncError> {
    let wanted = store.photos_to_download()?;
    let total = wanted.len() as u64;
    for sha in wanted {
        let received = client.download_photo(&sha).and_then(|bytes| {
            let at = chrono::Utc::now().format("%Y-%m-%d %H:%M").to_string();
            Ok(store.receive_photo(&sha, &bytes, at)?)
        });
        match received {
            Ok(()) => report.photos_downloaded += 1,
            // The connection or the server is down: the rest would fail the same way.
            Err(e) if Client::is_retryable(&e) => return Err(e),
            // This photo alone: the others still come down, and it is asked for next time.
            Err(e) => {
                let m = e.message();
                report.photos_failed.push(format!("{sha}：{}（{}）", m.zh, m.en));
            }
        }
        progress(&Progress {
            phase: SyncPhase::Download,
            done: report.photos_downloaded,
            total,
            bytes: client.wire.received,
        });
    }
    Ok(())
}
