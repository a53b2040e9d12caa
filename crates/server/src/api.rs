//! The HTTP API (`/v1/…`): thin handlers that check the token, bound and decode the body, and
//! call the storage on tokio's blocking pool. Every refusal is a 4xx with a JSON body
//! `{code, zh, en}`; internal errors are logged and answered without their details.

use crate::photos::{is_sha256, PhotoFiles, Upload, UploadError};
use crate::scope::Role;
use crate::storage::{Access, Caller, Device, IssuedTokens, Refresh, Storage, StorageError};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::header::{ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use safeserve_core::document::sha256_hex;
use safeserve_core::ErrorCode;
use safeserve_wire::{self as wire, ErrorBody};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

pub struct AppState {
    pub storage: Arc<dyn Storage>,
    pub limits: Arc<crate::limits::Limits>,
    pub photos: PhotoFiles,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    /// The bureau's certificate authority.
    pub bureau: Arc<crate::bureau::Bureau>,
    /// What people's ID numbers are hashed with for the roles that receive them masked.
    pub id_numbers: Arc<crate::id_numbers::IdNumberKey>,
    /// The address the public reaches this server at (`serve --public-url`), for the QR codes
    /// of documents printed on enrolled laptops.
    pub public_url: Option<String>,
}

pub type Shared = Arc<AppState>;

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A refusal: status, stable code, message in Chinese and English.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, zh: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError { status, body: ErrorBody { code, zh: zh.into(), en: en.into() }, retry_after: None }
    }

    /// Tells the client when to come back (`Retry-After`, seconds).
    pub fn retry_after(mut self, secs: u64) -> ApiError {
        self.retry_after = Some(secs);
        self
    }

    pub(crate) fn bad_request(what: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            format!("请求格式有误：{what}"),
            format!("Malformed request: {what}"),
        )
    }

    /// A fault of the server itself (a task that panicked, a reply it could not encode, the
    /// bureau's key it could not read): logged with its cause, reported as 500.
    pub(crate) fn internal(what: &str, error: impl std::fmt::Display) -> ApiError {
        tracing::error!(%error, "{what}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "服务器内部错误，已记录；请稍后再试",
            "The server failed internally and logged it; try again later",
        )
    }

    fn forbidden() -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, ErrorCode::OutOfScope, "无权访问该记录", "Not within this account's scope")
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> ApiError {
        tracing::error!(error = %e, "storage error");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::StorageUnavailable,
            "服务器暂时无法处理，请稍后再试",
            "The server cannot handle this right now; try again later",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(self.body)).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        resp
    }
}

type Result<T> = std::result::Result<T, ApiError>;

/// Runs storage work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &Shared,
    f: impl FnOnce(&dyn Storage) -> std::result::Result<T, StorageError> + Send + 'static,
) -> Result<T> {
    let storage = state.storage.clone();
    tokio::task::spawn_blocking(move || f(storage.as_ref()))
        .await
        .map_err(|e| ApiError::internal("storage task failed", e))?
        .map_err(ApiError::from)
}

/// A JSON body, zstd-compressed when the client asks for it.
fn reply(headers: &HeaderMap, value: &impl Serialize) -> Response {
    let json = match serde_json::to_vec(value) {
        Ok(j) => j,
        Err(e) => return ApiError::internal("reply not encodable", e).into_response(),
    };
    let wants_zstd = headers.get(ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("zstd"));
    if wants_zstd {
        if let Ok(packed) = zstd::bulk::compress(&json, 3) {
            return ([(CONTENT_TYPE, "application/json"), (CONTENT_ENCODING, "zstd")], packed).into_response();
        }
    }
    ([(CONTENT_TYPE, "application/json")], json).into_response()
}

/// Decodes a request body (zstd or plain JSON), bounded in size before and after decompression.
fn decode<T: DeserializeOwned>(headers: &HeaderMap, body: std::result::Result<Bytes, BytesRejection>) -> Result<T> {
    let body = body.map_err(body_rejected)?;
    let body = &body;
    let zstd = headers.get(CONTENT_ENCODING).is_some_and(|v| v == "zstd");
    let plain;
    let bytes: &[u8] = if zstd {
        plain = zstd::bulk::decompress(body, wire::MAX_BODY).map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BodyTooLarge,
                "请求内容无法解压或解压后过大",
                "The body cannot be decompressed or is too large once decompressed",
            )
        })?;
        &plain
    } else {
        body
    };
    serde_json::from_slice(bytes).map_err(ApiError::bad_request)
}

/// axum's own refusals (body over the limit, unreadable) as our JSON errors.
fn body_rejected(e: BytesRejection) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BodyTooLarge,
            "请求内容超过上限",
            "The body is over the limit",
        )
    } else {
        ApiError::bad_request(e.body_text())
    }
}

fn query<T>(q: std::result::Result<Query<T>, QueryRejection>) -> Result<T> {
    q.map(|Query(q)| q).map_err(|e| ApiError::bad_request(e.body_text()))
}

fn hash_token(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

fn new_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

/// Mints an access and a refresh token; only their hashes are stored.
fn mint(state: &AppState) -> (wire::Tokens, IssuedTokens) {
    let (access, refresh) = (new_token(), new_token());
    let now = now_ms();
    let issued = IssuedTokens {
        access_hash: hash_token(&access),
        access_expires_ms: now + state.access_ttl.as_millis() as i64,
        refresh_hash: hash_token(&refresh),
        refresh_expires_ms: now + state.refresh_ttl.as_millis() as i64,
    };
    (
        wire::Tokens { access_token: access, access_expires_in: state.access_ttl.as_secs(), refresh_token: refresh },
        issued,
    )
}

fn unauthorized(code: ErrorCode, zh: &str, en: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, zh, en)
}

impl FromRequestParts<Shared> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Caller> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| unauthorized(ErrorCode::TokenMissing, "缺少访问令牌，请重新登录", "No access token"))?;
        let hash = hash_token(token.trim());
        let access = blocking(state, move |s| s.access(&hash, now_ms())).await?;
        let caller = match access {
            Access::Valid(c) => c,
            Access::Expired => {
                return Err(unauthorized(ErrorCode::TokenExpired, "访问令牌已过期", "The access token has expired"))
            }
            Access::Revoked => {
                return Err(unauthorized(
                    ErrorCode::DeviceRevoked,
                    "本设备已被停用，请联系管理员重新注册",
                    "This device has been revoked; ask an administrator to enrol it again",
                ))
            }
            Access::Unknown => {
                return Err(unauthorized(ErrorCode::TokenUnknown, "访问令牌无效", "Unknown access token"))
            }
        };
        state.limits.device(&caller.device_id)?;
        // The laptop's clock as it says, against ours: recorded, never trusted for ordering.
        if let Some(theirs) =
            parts.headers.get(wire::CLOCK_HEADER).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<i64>().ok())
        {
            let skew = theirs - now_ms();
            let device = caller.device_id.clone();
            blocking(state, move |s| s.record_clock_skew(&device, skew)).await?;
        }
        Ok(caller)
    }
}

pub fn router(state: Shared) -> Router {
    use crate::limits::PRE_AUTH_BODY as SMALL;
    // Bodies are bounded per route, by what they announce and by what arrives: small where no
    // token has been checked yet; the others are read only after the `Caller` extractor has
    // checked the token.
    fn bounded(route: axum::routing::MethodRouter<Shared>, limit: usize) -> axum::routing::MethodRouter<Shared> {
        route
            .layer(DefaultBodyLimit::max(limit))
            .layer(axum::middleware::from_fn_with_state(limit, crate::limits::announced))
    }
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/enrol", bounded(post(enrol), SMALL))
        .route("/v1/token", bounded(post(token), SMALL))
        .route("/v1/push", bounded(post(push), wire::MAX_BODY))
        .route("/v1/pull", get(pull))
        .route("/v1/letters/number", bounded(post(letter_number), SMALL))
        .route("/v1/certificate", bounded(post(certificate), SMALL))
        .route("/v1/device/recovery", bounded(post(set_recovery_key), SMALL))
        // No token (the laptop is locked): the stricter rate per address of the public pages.
        .route(
            "/v1/password-reset",
            bounded(post(password_reset), SMALL)
                .layer(axum::middleware::from_fn_with_state(state.limits.clone(), crate::limits::public)),
        )
        .route("/v1/photos/missing", bounded(post(photos_missing), wire::MAX_BODY))
        .route("/v1/photos/{sha}/upload", bounded(get(upload_state).put(upload_chunk), wire::MAX_CHUNK))
        .route("/v1/photos/{sha}", get(photo))
        // The public verification page: no token, its own stricter rate per address.
        .route(
            "/verify",
            get(crate::verify_page::form_page)
                .merge(bounded(post(crate::verify_page::pdf_page), crate::verify_page::MAX_PDF))
                .layer(axum::middleware::from_fn_with_state(state.limits.clone(), crate::limits::public)),
        )
        .route(
            "/verify/{code}",
            get(crate::verify_page::code_page)
                .layer(axum::middleware::from_fn_with_state(state.limits.clone(), crate::limits::public)),
        )
        .layer(axum::middleware::from_fn_with_state(state.limits.clone(), crate::limits::guard))
        .with_state(state)
}

async fn health() -> axum::Json<wire::Health> {
    axum::Json(wire::Health { ok: true, version: env!("CARGO_PKG_VERSION").to_owned() })
}

async fn enrol(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let req: wire::EnrolRequest = decode(&headers, body)?;
    let code = req.code.trim().to_uppercase();
    let key = verifying_key(&req.public_key).ok_or_else(|| ApiError::bad_request("public_key"))?;
    let signature = signature(&req.signature).ok_or_else(|| ApiError::bad_request("signature"))?;
    if key.verify(&wire::enrolment_message(&code, &req.public_key), &signature).is_err() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::KeyNotProven,
            "设备未能证明持有其签名密钥",
            "The device did not prove it holds its key",
        ));
    }
    let (tokens, issued) = mint(&state);
    let device = Device {
        id: uuid::Uuid::now_v7().to_string(),
        user: String::new(),
        label: req.label.chars().take(100).collect(),
        public_key: req.public_key.to_lowercase(),
        enrolled_at_ms: now_ms(),
        revoked_at_ms: None,
        clock_skew_ms: None,
    };
    let code_hash = hash_token(&code);
    let dev = device.clone();
    let user = blocking(&state, move |s| s.enrol(&code_hash, &dev, &issued, now_ms())).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::EnrolmentCodeInvalid,
            "注册码无效、已使用或已过期，请向管理员索取新的注册码",
            "The enrolment code is unknown, used or expired",
        )
    })?;
    tracing::info!(device = %device.id, user = %user.name, "device enrolled");
    // The bureau vouches for the laptop's document key under the user's name. A key that is
    // not a P-256 SubjectPublicKeyInfo gets no certificate (the laptop then signs PDFs with its
    // self-issued one), never a refused enrolment: the code is already spent.
    let certificate = req.document_key.as_deref().and_then(safeserve_core::document::unhex).and_then(|der| {
        state
            .bureau
            .issue(&der, &user.name, &crate::scope::role_title(user.role), &device.label, &device.public_key)
            .inspect_err(|e| tracing::warn!(device = %device.id, error = %e, "no certificate issued"))
            .ok()
    });
    let enrolled = wire::Enrolled {
        device_id: device.id,
        user_name: user.name.clone(),
        role: user.role,
        scope: user.scope().describe(),
        tokens,
        authority: certificate.as_ref().and_then(|_| state.bureau.root_pem().ok()),
        certificate,
        verify_url: state.public_url.clone(),
        person_id: user.person.clone(),
    };
    Ok(reply(&headers, &enrolled))
}

fn verifying_key(hex: &str) -> Option<VerifyingKey> {
    let bytes = <[u8; 32]>::try_from(safeserve_core::document::unhex(hex)?).ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

fn signature(hex: &str) -> Option<Signature> {
    Some(Signature::from_bytes(&<[u8; 64]>::try_from(safeserve_core::document::unhex(hex)?).ok()?))
}

/// Keeps the recovery key the caller's laptop sealed its database key under: what lets an
/// administrator's reset code open that laptop for a new password.
async fn set_recovery_key(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let req: wire::RecoveryKey = decode(&headers, body)?;
    let key = req.recovery_key.trim().to_lowercase();
    if safeserve_core::document::unhex(&key).is_none_or(|b| b.len() != 32) {
        return Err(ApiError::bad_request("recovery_key"));
    }
    let device = caller.device_id.clone();
    blocking(&state, move |s| s.set_recovery_key(&device, &key)).await?;
    tracing::info!(device = %caller.device_id, user = %caller.user.name, "recovery key kept");
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A locked laptop's user forgot their password: with the administrator's one-time code, and
/// signed by the laptop's own key (the code alone, read out over the phone, opens nothing), the
/// laptop gets back its recovery key. A code that does not fit is left unused and answered the
/// same whatever the reason, so it tells a guesser nothing.
async fn password_reset(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let req: wire::PasswordResetRequest = decode(&headers, body)?;
    let code = req.code.trim().to_uppercase();
    let signature = signature(&req.signature).ok_or_else(|| ApiError::bad_request("signature"))?;
    let id = req.device_id.clone();
    let device = blocking(&state, move |s| Ok(s.devices()?.into_iter().find(|d| d.id == id))).await?;
    let proven = device
        .as_ref()
        .and_then(|d| verifying_key(&d.public_key))
        .is_some_and(|k| k.verify(&wire::password_reset_message(&code, &req.device_id), &signature).is_ok());
    if !proven {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::KeyNotProven,
            "设备未能证明持有其签名密钥",
            "The device did not prove it holds its key",
        ));
    }
    let (code_hash, id) = (hash_token(&code), req.device_id.clone());
    let released = blocking(&state, move |s| s.redeem_password_reset(&code_hash, &id, now_ms())).await?;
    let Some(recovery_key) = released else {
        tracing::warn!(device = %req.device_id, "password reset refused");
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::ResetCodeInvalid,
            "重设码无效、已使用、已过期或不是本机用户的，请向管理员索取新的重设码",
            "The reset code is unknown, used, expired or not for this laptop's user",
        ));
    };
    tracing::info!(device = %req.device_id, "password reset: recovery key released");
    Ok(reply(&headers, &wire::RecoveryKey { recovery_key }))
}

/// The bureau's certificate for the caller's document key, for a laptop enrolled before the
/// server issued them at enrolment: it names the caller's user and role and the device.
async fn certificate(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let req: wire::CertificateRequest = decode(&headers, body)?;
    let der =
        safeserve_core::document::unhex(&req.document_key).ok_or_else(|| ApiError::bad_request("document_key"))?;
    let id = caller.device_id.clone();
    let device = blocking(&state, move |s| Ok(s.devices()?.into_iter().find(|d| d.id == id)))
        .await?
        .ok_or_else(|| unauthorized(ErrorCode::DeviceRevoked, "本设备未登记", "This device is not enrolled"))?;
    let certificate = state
        .bureau
        .issue(&der, &caller.user.name, &crate::scope::role_title(caller.user.role), &device.label, &device.public_key)
        .map_err(|_| ApiError::bad_request("document_key"))?;
    let authority = state.bureau.root_pem().map_err(|e| ApiError::internal("bureau certificate unreadable", e))?;
    tracing::info!(device = %device.id, user = %caller.user.name, "certificate issued");
    Ok(reply(&headers, &wire::Certified { certificate, authority, verify_url: state.public_url.clone() }))
}

async fn token(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let req: wire::RefreshRequest = decode(&headers, body)?;
    let hash = hash_token(req.refresh_token.trim());
    let (tokens, issued) = mint(&state);
    match blocking(&state, move |s| s.use_refresh(&hash, &issued, now_ms())).await? {
        Refresh::Valid { .. } => Ok(reply(&headers, &tokens)),
        Refresh::Reused => {
            tracing::warn!("refresh token reused; device revoked");
            Err(unauthorized(
                ErrorCode::TokenReused,
                "刷新令牌被重复使用，为安全起见本设备已被停用，请联系管理员重新注册",
                "A refresh token was used twice; the device has been revoked",
            ))
        }
        Refresh::Expired => {
            Err(unauthorized(ErrorCode::TokenExpired, "登录已过期，请重新注册本设备", "The refresh token has expired"))
        }
        Refresh::Revoked => {
            Err(unauthorized(ErrorCode::DeviceRevoked, "本设备已被停用，请联系管理员", "This device has been revoked"))
        }
        Refresh::Unknown => Err(unauthorized(ErrorCode::TokenUnknown, "刷新令牌无效", "Unknown refresh token")),
    }
}

async fn push(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let req: wire::PushRequest = decode(&headers, body)?;
    if req.changes.len() > wire::MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BatchTooLarge,
            format!("一次最多推送 {} 条变更", wire::MAX_BATCH),
            format!("At most {} changes per push", wire::MAX_BATCH),
        ));
    }
    check_clocks(&req.changes, now_ms())?;
    let n = req.changes.len();
    let device = caller.device_id.clone();
    let receipts = blocking(&state, move |s| s.push(&caller, &req.changes, now_ms())).await?;
    let refused = receipts.iter().filter(|r| r.outcome == safeserve_core::sync::Outcome::Refused).count();
    tracing::info!(device = %device, changes = n, refused, "push");
    Ok(reply(&headers, &wire::PushResponse { receipts, server_time_ms: now_ms() }))
}

/// Refuses a push stamped by a clock too far ahead of ours, or by a malformed node: the whole
/// push, so the laptop keeps every change and sends them again once its clock is right.
fn check_clocks(changes: &[safeserve_core::sync::Change], now_ms: i64) -> Result<()> {
    use safeserve_core::sync::{is_valid_node, latest_acceptable_hlc};
    if let Some(c) = changes.iter().find(|c| !is_valid_node(&c.node)) {
        return Err(ApiError::bad_request(format!("node {:?}", c.node.chars().take(80).collect::<String>())));
    }
    let Some(ahead) = changes.iter().map(|c| c.hlc).max().filter(|&h| h > latest_acceptable_hlc(now_ms)) else {
        return Ok(());
    };
    let minutes = (ahead / 65_536).saturating_sub(now_ms) / 60_000;
    let (zh, en) = match minutes {
        m if m >= 2 * 24 * 60 => (format!("{} 天", m / 1440), format!("{} days", m / 1440)),
        m if m >= 120 => (format!("{} 小时", m / 60), format!("{} hours", m / 60)),
        m => (format!("{m} 分钟"), format!("{m} minutes")),
    };
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::ClockAhead,
        format!(
            "本机记录的时间比服务器快了约 {zh}（电脑的日期或时间不对）。请把电脑的日期和时间改正确后再同步；\
             本机记录的数据都在，一条也不会丢"
        ),
        format!(
            "This laptop's records are stamped about {en} ahead of the server (its date or time is wrong). \
             Correct the laptop's date and time, then sync again; nothing recorded here is lost"
        ),
    ))
}

#[derive(Deserialize)]
struct PullQuery {
    after: Option<i64>,
    limit: Option<usize>,
}

async fn pull(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    q: std::result::Result<Query<PullQuery>, QueryRejection>,
) -> Result<Response> {
    let q = query(q)?;
    let after = q.after.unwrap_or(0).max(0);
    let limit = q.limit.unwrap_or(wire::MAX_BATCH).clamp(1, wire::MAX_BATCH);
    let role = caller.user.role;
    let mut page = blocking(&state, move |s| s.pull(&caller, after, limit)).await?;
    for change in &mut page.changes {
        state.id_numbers.shape(role, change);
    }
    Ok(reply(
        &headers,
        &wire::PullResponse { changes: page.changes, next: page.next, more: page.more, server_time_ms: now_ms() },
    ))
}

/// A letter's reference number, given out only to supervisors (who approve letters) and only
/// for an inspection in their jurisdiction; the role and the scope come from the token.
async fn letter_number(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let req: wire::LetterNumberRequest = decode(&headers, body)?;
    if !matches!(caller.user.role, Role::Supervisor | Role::Admin) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::NotSupervisor,
            "只有负责人可以签发函告并取得文号",
            "Only a supervisor can approve a letter and take its number",
        ));
    }
    let prefix_ok = (1..=12).contains(&req.prefix.chars().count()) && req.prefix.ends_with('函');
    if !prefix_ok || !(2000..=2100).contains(&req.year) {
        return Err(ApiError::bad_request("letter series"));
    }
    let (visit, prefix, year) = (req.visit_id.clone(), req.prefix.clone(), req.year);
    let user = caller.user.name.clone();
    match blocking(&state, move |s| Ok(s.letter_number(&caller, &visit, &prefix, year, now_ms()))).await? {
        Ok(Some(number)) => {
            tracing::info!(user = %user, visit = %req.visit_id, prefix = %req.prefix, year, number, "letter number");
            Ok(reply(&headers, &wire::LetterNumber { number }))
        }
        Ok(None) => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::VisitUnknown,
            "服务器上没有这次检查（或不在本账号的辖区内）：请先同步，再签发函告",
            "The server does not hold this inspection in your jurisdiction: sync first, then approve the letter",
        )),
        Err(StorageError::LetterNumbered { reference }) => Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::LetterNumbered,
            format!("该检查的函告已取得文号 {reference}"),
            format!("The letter of this inspection is already numbered {reference}"),
        )),
        Err(e) => Err(e.into()),
    }
}

fn check_sha(sha: &str) -> Result<()> {
    if is_sha256(sha) {
        Ok(())
    } else {
        Err(ApiError::bad_request("sha256"))
    }
}

async fn photos_missing(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    let req: wire::PhotoList = decode(&headers, body)?;
    if req.sha256.len() > 100_000 {
        return Err(ApiError::bad_request("too many photos in one question"));
    }
    // Only photos the caller's records name are answered for: whether the server holds
    // someone else's photo is not theirs to learn.
    let missing = blocking(&state, move |s| {
        let mut out = Vec::new();
        for sha in req.sha256 {
            if is_sha256(&sha) && s.photo_visible(&caller, &sha)? && !s.photo_held(&sha)? {
                out.push(sha);
            }
        }
        Ok(out)
    })
    .await?;
    Ok(reply(&headers, &wire::PhotoList { sha256: missing }))
}

#[derive(Deserialize)]
struct UploadQuery {
    offset: Option<u64>,
    size: Option<u64>,
}

async fn visible(state: &Shared, caller: Caller, sha: &str) -> Result<()> {
    let sha = sha.to_owned();
    if blocking(state, move |s| s.photo_visible(&caller, &sha)).await? {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

async fn upload_state(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    Path(sha): Path<String>,
) -> Result<Response> {
    check_sha(&sha)?;
    visible(&state, caller, &sha).await?;
    let complete = state.photos.exists(&sha);
    let offset = if complete { 0 } else { state.photos.offset(&sha) };
    Ok(reply(&headers, &wire::UploadState { offset, complete }))
}

async fn upload_chunk(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    Path(sha): Path<String>,
    q: std::result::Result<Query<UploadQuery>, QueryRejection>,
    body: std::result::Result<Bytes, BytesRejection>,
) -> Result<Response> {
    check_sha(&sha)?;
    let q = query(q)?;
    let body = body.map_err(body_rejected)?;
    let (Some(offset), Some(size)) = (q.offset, q.size) else { return Err(ApiError::bad_request("offset, size")) };
    if size == 0 || size > wire::MAX_PHOTO || body.len() > wire::MAX_CHUNK {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PhotoTooLarge,
            "照片或分块超过大小上限",
            "The photo or chunk is over the size limit",
        ));
    }
    visible(&state, caller, &sha).await?;
    if state.photos.exists(&sha) {
        return Ok(reply(&headers, &wire::UploadState { offset: size, complete: true }));
    }
    let shared = state.clone();
    let sha2 = sha.clone();
    let result = tokio::task::spawn_blocking(move || shared.photos.append(&sha2, offset, size, &body))
        .await
        .map_err(|e| ApiError::internal("photo upload task failed", e))?;
    match result {
        Ok(Upload::Partial(offset)) => Ok(reply(&headers, &wire::UploadState { offset, complete: false })),
        Ok(Upload::Complete) => {
            blocking(&state, move |s| s.photo_completed(&sha, size, now_ms())).await?;
            Ok(reply(&headers, &wire::UploadState { offset: size, complete: true }))
        }
        Err(UploadError::WrongOffset { expected, .. }) => Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::WrongOffset,
            format!("续传位置不符，服务器已有 {expected} 字节"),
            format!("Wrong offset; the server holds {expected} bytes"),
        )),
        Err(UploadError::TooLong) => Err(ApiError::bad_request("more bytes than the declared size")),
        Err(UploadError::Mismatch) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::PhotoChecksumMismatch,
            "照片校验值不符，已丢弃，请重新上传",
            "The photo does not match its SHA-256; discarded, upload again",
        )),
        Err(UploadError::Io(e)) => Err(ApiError::from(StorageError::Io(e))),
    }
}

/// A photo original, streamed from its file: a 200 MB photo costs a buffer, not 200 MB.
async fn photo(State(state): State<Shared>, caller: Caller, Path(sha): Path<String>) -> Result<Response> {
    check_sha(&sha)?;
    visible(&state, caller, &sha).await?;
    let not_held = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::PhotoNotHeld,
            "服务器尚未收到该照片",
            "The server does not hold this photo yet",
        )
    };
    let file = tokio::fs::File::open(state.photos.path(&sha)).await.map_err(|_| not_held())?;
    let len = file.metadata().await.map_err(|_| not_held())?.len();
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024));
    Ok(([(CONTENT_TYPE, "application/octet-stream".to_owned()), (CONTENT_LENGTH, len.to_string())], body)
        .into_response())
}
