//! Floods and sizes: what keeps one misbehaving client — or ten thousand requests with 64 MB
//! bodies — from taking the server's memory or its laptops' turn.
//!
//! - Headers must arrive within [`HEADER_TIMEOUT`] and a whole request be answered within
//!   [`REQUEST_TIMEOUT`] (a trickled upload is cut off, not held open forever).
//! - Bodies are bounded per route: 64 KB where no token is needed yet (enrolment, tokens); the
//!   authenticated routes read their (larger) body only after the token is checked.
//! - At most [`MAX_IN_FLIGHT`] requests are handled at once; the others wait their turn.
//! - Rate limits per address (before anything else) and per device (after its token), each a
//!   token bucket; beyond them `429` with `Retry-After`, which the laptop's client honours. The
//!   public verification page has a stricter one of its own.
//!
//! Behind a TLS proxy on this machine every connection comes from loopback; the address is
//! then the proxy's `X-Forwarded-For`, believed from loopback only.

use crate::api::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use safeserve_core::ErrorCode;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// Bodies read before a token has been checked.
pub const PRE_AUTH_BODY: usize = 64 * 1024;
pub const MAX_IN_FLIGHT: usize = 128;

fn quota(per_second: u32, burst: u32) -> Quota {
    let n = |v: u32| NonZeroU32::new(v).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(n(per_second)).allow_burst(n(burst))
}

pub struct Limits {
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    connections: DefaultKeyedRateLimiter<IpAddr>,
    by_device: DefaultKeyedRateLimiter<String>,
    public: DefaultKeyedRateLimiter<IpAddr>,
    in_flight: Arc<Semaphore>,
    clock: DefaultClock,
}

impl Default for Limits {
    fn default() -> Limits {
        // A sync is bursts of requests (2,000 changes a push, a photo a megabyte a request):
        // generous bursts, a steady rate well above what a laptop needs and far below a flood.
        Limits {
            by_address: RateLimiter::keyed(quota(200, 1_000)),
            // A laptop keeps its connection; new ones come by the handful.
            connections: RateLimiter::keyed(quota(20, 100)),
            by_device: RateLimiter::keyed(quota(100, 500)),
            // A person checking papers: a few pages a second at most.
            public: RateLimiter::keyed(quota(2, 20)),
            in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
            clock: DefaultClock::default(),
        }
    }
}

fn too_many(wait: Duration) -> ApiError {
    let secs = wait.as_secs().max(1);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        format!("请求过于频繁，请 {secs} 秒后再试（数据都保存在本机）"),
        format!("Too many requests; try again in {secs} s (everything is kept on the laptop)"),
    )
    .retry_after(secs)
}

impl Limits {
    /// A device's turn, after its token has been checked.
    pub fn device(&self, device: &str) -> Result<(), ApiError> {
        self.by_device.check_key(&device.to_owned()).map_err(|n| too_many(n.wait_time_from(self.clock.now())))
    }

    fn address(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.by_address.check_key(&ip).map_err(|n| too_many(n.wait_time_from(self.clock.now())))
    }

    /// Whether a new connection from `ip` is worth a TLS handshake: one address opening
    /// connections faster than any laptop does is closed before the handshake's cost.
    pub fn connection(&self, ip: IpAddr) -> bool {
        self.connections.check_key(&ip).is_ok()
    }

    /// Forgets buckets that have refilled, so addresses seen once do not accumulate.
    pub fn forget_idle(&self) {
        self.by_address.retain_recent();
        self.connections.retain_recent();
        self.by_device.retain_recent();
        self.public.retain_recent();
    }
}

/// The public verification page's stricter rate per address, on top of [`guard`]'s.
pub async fn public(State(limits): State<Arc<Limits>>, req: Request, next: Next) -> Response {
    if let Some(ip) = client_ip(&req) {
        if let Err(n) = limits.public.check_key(&ip) {
            return too_many(n.wait_time_from(limits.clock.now())).into_response();
        }
    }
    next.run(req).await
}

/// The client's address: the peer's, or the proxy's `X-Forwarded-For` when the peer is this
/// machine (nginx in front).
fn client_ip(req: &Request) -> Option<IpAddr> {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>()?.0.ip();
    if peer.is_loopback() {
        let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok());
        if let Some(ip) = forwarded.and_then(|v| v.rsplit(',').next()).and_then(|v| v.trim().parse().ok()) {
            return Some(ip);
        }
    }
    Some(peer)
}

/// A body announced larger than `limit` (its `Content-Length`) is refused before a byte of it
/// is read; one that is not announced is cut off at `limit` by axum's `DefaultBodyLimit`.
pub async fn announced(State(limit): State<usize>, req: Request, next: Next) -> Response {
    let announced =
        req.headers().get(axum::http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return too_large(limit).into_response();
    }
    next.run(req).await
}

pub fn too_large(limit: usize) -> ApiError {
    let size =
        if limit >= 1024 * 1024 { format!("{} MB", limit / 1024 / 1024) } else { format!("{} KB", limit / 1024) };
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::BodyTooLarge,
        format!("请求内容超过 {size} 上限"),
        format!("The body is over the {size} limit"),
    )
}

/// The outermost layer: rate per address, then a place among those in flight, then the
/// request's deadline.
pub async fn guard(State(limits): State<Arc<Limits>>, req: Request, next: Next) -> Response {
    if let Some(ip) = client_ip(&req) {
        if let Err(e) = limits.address(ip) {
            return e.into_response();
        }
    }
    let Ok(_turn) = limits.in_flight.clone().acquire_owned().await else {
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Stopping,
            "服务器正在停止",
            "The server is stopping",
        )
        .into_response();
    };
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            ErrorCode::RequestTimeout,
            format!("请求超过 {} 秒未完成，已中止；同步会从中断处继续", REQUEST_TIMEOUT.as_secs()),
            format!(
                "The request took over {} s and was stopped; the sync resumes where it stopped",
                REQUEST_TIMEOUT.as_secs()
            ),
        )
        .into_response(),
    }
}
