//! The HTTP client a laptop talks to the server with. Blocking (the desktop runs it on a worker
//! thread, the CLI directly): a sync is a sequence of steps each of which must finish before
//! the next one starts.

use crate::tls::{self, Pin, Vouching};
use crate::SyncError;
use reqwest::blocking::{Client as Http, RequestBuilder, Response};
use reqwest::header::{ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE};
use reqwest::StatusCode;
use safeserve_core::sync::Change;
use safeserve_core::ErrorCode;
use safeserve_wire::{
    self as wire, ErrorBody, Health, PhotoList, PullResponse, PushRequest, PushResponse, UploadState,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;

/// Bytes on the wire (bodies, as sent and received, compressed where they are).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WireBytes {
    pub sent: u64,
    pub received: u64,
}

pub struct Client {
    base: String,
    http: Http,
    access: Option<String>,
    pub wire: WireBytes,
    /// Upload chunk size; smaller chunks lose less to a broken connection.
    pub chunk: usize,
}

/// The longest `Retry-After` a sync waits out by itself.
const MAX_RETRY_AFTER_SECS: u64 = 10;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Client {
    /// A client for an enrolled laptop: HTTPS trusting only `pin` (the system's roots when the
    /// laptop was enrolled before pinning), or plain HTTP to this machine.
    pub fn new(server: &str, pin: Option<&Pin>) -> Result<Client, SyncError> {
        Client::build(server, |_| match pin {
            Some(pin) => tls::pinned(pin),
            None => tls::system(),
        })
    }

    /// A client for enrolment, trusting the CA certificate given (PEM) or the system's roots;
    /// the second value tells, after the first request, which certificate vouched for the server.
    pub fn enrolling(server: &str, ca_pem: Option<&str>) -> Result<(Client, Option<Arc<Vouching>>), SyncError> {
        let mut vouching = None;
        let client = Client::build(server, |_| {
            let (config, v) = tls::enrolment(ca_pem)?;
            vouching = Some(v);
            Ok(config)
        })?;
        Ok((client, vouching))
    }

    fn build(
        server: &str,
        tls: impl FnOnce(&reqwest::Url) -> Result<rustls::ClientConfig, tls::TrustError>,
    ) -> Result<Client, SyncError> {
        let base = server.trim().trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&base).map_err(|_| SyncError::BadAddress(base.clone()))?;
        // reqwest sets TLS up even for a plain-HTTP client; ring is the one provider here.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let builder = Http::builder().connect_timeout(Duration::from_secs(5)).timeout(Duration::from_secs(120));
        let builder = match url.scheme() {
            "https" => builder.tls_backend_preconfigured(tls(&url)?).https_only(true),
            "http" if tls::is_loopback(&url) => builder,
            "http" => return Err(SyncError::PlainHttp(base)),
            _ => return Err(SyncError::BadAddress(base)),
        };
        let http = builder.build().map_err(|e| SyncError::Unreachable { server: base.clone(), source: e })?;
        Ok(Client { base, http, access: None, wire: WireBytes::default(), chunk: 1024 * 1024 })
    }

    /// A failed request: a certificate the laptop does not trust, or a network that is not there.
    fn failed(&self, e: reqwest::Error) -> SyncError {
        match tls::certificate_problem(&e) {
            Some(problem) => SyncError::Untrusted { server: self.base.clone(), problem },
            None => SyncError::Unreachable { server: self.base.clone(), source: e },
        }
    }

    pub fn server(&self) -> &str {
        &self.base
    }

    pub fn access_token(&self) -> Option<&str> {
        self.access.as_deref()
    }

    pub fn set_access(&mut self, token: String) {
        self.access = Some(token);
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn send(&mut self, req: RequestBuilder, sent: usize) -> Result<Response, SyncError> {
        let mut req = req.header(ACCEPT_ENCODING, "zstd").header(wire::CLOCK_HEADER, now_ms().to_string());
        if let Some(token) = &self.access {
            req = req.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        let mut retries = 0;
        let resp = loop {
            let again = req.try_clone();
            // Counted before sending: bytes of a request cut off mid-way were on the wire too.
            self.wire.sent += sent as u64;
            let resp = req.send().map_err(|e| self.failed(e))?;
            // A busy server says when to come back: a few short waits belong to the sync,
            // a longer one is the next sync's (the error says try later).
            let wait = (resp.status() == StatusCode::TOO_MANY_REQUESTS)
                .then(|| resp.headers().get(reqwest::header::RETRY_AFTER))
                .flatten()
                .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
                .filter(|&secs| secs <= MAX_RETRY_AFTER_SECS && retries < 3);
            match (wait, again) {
                (Some(secs), Some(again)) => {
                    retries += 1;
                    std::thread::sleep(Duration::from_secs(secs));
                    req = again;
                }
                _ => break resp,
            }
        };
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status();
        let bytes = self.body(resp)?;
        let body: ErrorBody = serde_json::from_slice(&bytes).unwrap_or(ErrorBody {
            code: ErrorCode::ServerError,
            zh: format!("服务器返回 {status}"),
            en: format!("The server answered {status}"),
        });
        Err(SyncError::Refused { status: status.as_u16(), body })
    }

    /// A response body, decompressed when the server compressed it.
    fn body(&mut self, resp: Response) -> Result<Vec<u8>, SyncError> {
        let zstd = resp.headers().get(CONTENT_ENCODING).is_some_and(|v| v == "zstd");
        let bytes = resp.bytes().map_err(|e| self.failed(e))?;
        self.wire.received += bytes.len() as u64;
        if zstd {
            zstd::bulk::decompress(&bytes, wire::MAX_BODY).map_err(|e| SyncError::Unreadable(e.into()))
        } else {
            Ok(bytes.to_vec())
        }
    }

    fn json<T: DeserializeOwned>(&mut self, resp: Response) -> Result<T, SyncError> {
        let bytes = self.body(resp)?;
        serde_json::from_slice(&bytes).map_err(|e| SyncError::Unreadable(e.into()))
    }

    /// POSTs a JSON body compressed with zstd; the answer is JSON.
    fn post<T: DeserializeOwned>(&mut self, path: &str, body: &impl Serialize) -> Result<T, SyncError> {
        let resp = self.post_only(path, body)?;
        self.json(resp)
    }

    /// POSTs a JSON body compressed with zstd.
    fn post_only(&mut self, path: &str, body: &impl Serialize) -> Result<Response, SyncError> {
        let raw = serde_json::to_vec(body).map_err(|e| SyncError::Unencodable(e.into()))?;
        let packed = zstd::bulk::compress(&raw, 3).map_err(|e| SyncError::Unencodable(e.into()))?;
        let n = packed.len();
        let req = self
            .http
            .post(self.url(path))
            .header(CONTENT_TYPE, "application/json")
            .header(CONTENT_ENCODING, "zstd")
            .body(packed);
        self.send(req, n)
    }

    pub fn health(&mut self) -> Result<Health, SyncError> {
        let req = self.http.get(self.url("/v1/health")).timeout(Duration::from_secs(3));
        let resp = self.send(req, 0)?;
        self.json(resp)
    }

    pub fn enrol(&mut self, request: &wire::EnrolRequest) -> Result<wire::Enrolled, SyncError> {
        self.post("/v1/enrol", request)
    }

    /// Trades the refresh token for a new access token and a new refresh token (the old one
    /// dies on the server the moment it is used).
    pub fn refresh(&mut self, refresh_token: &str) -> Result<wire::Tokens, SyncError> {
        let tokens: wire::Tokens =
            self.post("/v1/token", &wire::RefreshRequest { refresh_token: refresh_token.to_owned() })?;
        self.access = Some(tokens.access_token.clone());
        Ok(tokens)
    }

    pub fn push(&mut self, changes: Vec<Change>) -> Result<PushResponse, SyncError> {
        self.post("/v1/push", &PushRequest { changes })
    }

    pub fn pull(&mut self, after: i64, limit: usize) -> Result<PullResponse, SyncError> {
        let req = self.http.get(self.url(&format!("/v1/pull?after={after}&limit={limit}")));
        let resp = self.send(req, 0)?;
        self.json(resp)
    }

    /// The bureau's certificate for this laptop's document key (laptops enrolled before the
    /// server issued them at enrolment).
    pub fn certificate(&mut self, request: &wire::CertificateRequest) -> Result<wire::Certified, SyncError> {
        self.post("/v1/certificate", request)
    }

    /// Gives the server the recovery key this laptop sealed its database key under.
    pub fn set_recovery_key(&mut self, request: &wire::RecoveryKey) -> Result<(), SyncError> {
        self.post_only("/v1/device/recovery", request).map(drop)
    }

    /// This laptop's recovery key, for an administrator's password-reset code (no token).
    pub fn password_reset(&mut self, request: &wire::PasswordResetRequest) -> Result<wire::RecoveryKey, SyncError> {
        self.post("/v1/password-reset", request)
    }

    /// The reference number of a letter in its bureau's series (see `POST /v1/letters/number`).
    pub fn letter_number(&mut self, request: &wire::LetterNumberRequest) -> Result<u32, SyncError> {
        let answer: wire::LetterNumber = self.post("/v1/letters/number", request)?;
        Ok(answer.number)
    }

    /// Which of these photos the server still needs.
    pub fn missing_photos(&mut self, sha256: Vec<String>) -> Result<Vec<String>, SyncError> {
        let list: PhotoList = self.post("/v1/photos/missing", &PhotoList { sha256 })?;
        Ok(list.sha256)
    }

    pub fn upload_state(&mut self, sha256: &str, size: u64) -> Result<UploadState, SyncError> {
        let req = self.http.get(self.url(&format!("/v1/photos/{sha256}/upload?size={size}")));
        let resp = self.send(req, 0)?;
        self.json(resp)
    }

    /// Uploads a photo original from wherever the server's copy stops, chunk by chunk; the
    /// server checks the SHA-256 of the whole before it accepts the photo. `sent` is told the
    /// bytes of each chunk as it goes.
    pub fn upload_photo(&mut self, sha256: &str, original: &[u8], sent: &mut dyn FnMut(u64)) -> Result<(), SyncError> {
        let size = original.len() as u64;
        let mut state = self.upload_state(sha256, size)?;
        while !state.complete {
            let from = usize::try_from(state.offset).unwrap_or(usize::MAX).min(original.len());
            let chunk = &original[from..original.len().min(from + self.chunk)];
            if chunk.is_empty() {
                // The server wants bytes past the end: sending nothing would ask again forever.
                let past = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, format!("offset {}", state.offset));
                return Err(SyncError::Photo(sha256.to_owned(), past));
            }
            let req = self
                .http
                .put(self.url(&format!("/v1/photos/{sha256}/upload?offset={}&size={size}", state.offset)))
                .header(CONTENT_TYPE, "application/octet-stream")
                .body(chunk.to_vec());
            let resp = self.send(req, chunk.len())?;
            state = self.json(resp)?;
            sent(chunk.len() as u64);
        }
        Ok(())
    }

    pub fn download_photo(&mut self, sha256: &str) -> Result<Vec<u8>, SyncError> {
        let req = self.http.get(self.url(&format!("/v1/photos/{sha256}")));
        let resp = self.send(req, 0)?;
        self.body(resp)
    }

    /// Whether an error means "try again later" (the network) rather than "this will not work".
    pub fn is_retryable(e: &SyncError) -> bool {
        match e {
            SyncError::Unreachable { .. } => true,
            SyncError::Refused { status, .. } => *status >= 500 || *status == StatusCode::TOO_MANY_REQUESTS.as_u16(),
            _ => false,
        }
    }
}
