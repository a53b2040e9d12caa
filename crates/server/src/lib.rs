//! `safeserve-server`: the central server laptops sync with. It enrols devices with their
//! Ed25519 keys, hands out short-lived access tokens and rotating refresh tokens, and runs the
//! sync API over its storage (SQLite and files in one folder by default). Handlers are thin
//! (`api`); who may see what is `scope`; what is kept is behind the `storage::Storage` trait.

pub mod admin;
pub mod api;
pub mod backup;
pub mod bureau;
pub mod id_numbers;
pub mod limits;
pub mod photos;
pub mod policy;
pub mod schema;
pub mod scope;
pub mod sqlite;
pub mod storage;
pub mod tls;
pub mod verify_page;

use api::AppState;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How long an access token lives; tests shorten it with `SAFESERVE_ACCESS_TTL_SECS`.
pub fn access_ttl() -> Duration {
    let secs = std::env::var("SAFESERVE_ACCESS_TTL_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(15 * 60);
    Duration::from_secs(secs)
}

pub const REFRESH_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// How long after its first use a refresh token may be presented again when nothing traded for
/// it has been used since: a reply lost on a factory floor's network is retried well within it.
pub const REFRESH_RETRY: Duration = Duration::from_secs(10 * 60);

pub fn state(data: &Path, public_url: Option<&str>) -> anyhow::Result<Arc<AppState>> {
    let storage = sqlite::SqliteStorage::open(data)?;
    Ok(Arc::new(AppState {
        storage: Arc::new(storage),
        limits: Arc::default(),
        photos: photos::PhotoFiles::new(data)?,
        access_ttl: access_ttl(),
        refresh_ttl: REFRESH_TTL,
        bureau: Arc::new(bureau::Bureau::load_or_create(data)?),
        id_numbers: Arc::new(id_numbers::IdNumberKey::load_or_create(data)?),
        public_url: public_url.map(|u| u.trim_end_matches('/').to_owned()),
    }))
}

/// The server's certificate chain and private key, PEM files.
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Serves until SIGINT or SIGTERM, then finishes the requests under way: HTTPS with `tls`,
/// else plain HTTP for a TLS proxy in front (laptops refuse plain HTTP to any other machine).
/// The address bound is printed first (`listening on https://…`), so a caller that asked for
/// port 0 learns it.
pub async fn serve(
    data: &Path,
    listen: SocketAddr,
    tls: Option<&TlsFiles>,
    public_url: Option<&str>,
) -> anyhow::Result<()> {
    let _lock = backup::lock_data(data)?;
    let config = tls.map(|t| tls::server_config(&t.cert, &t.key)).transpose()?;
    let state = state(data, public_url)?;
    let limits = state.limits.clone();
    let idle = limits.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(60)).await;
            idle.forget_idle();
        }
    });
    let app = api::router(state).layer(axum::middleware::from_fn(log_request));
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, data = %data.display(), tls = config.is_some(), "serving");
    match config {
        Some(config) => {
            let listener = tls::TlsListener::new(listener, config, limits)?;
            println!("listening on https://{addr}");
            connections(listener, app).await;
        }
        None => {
            if !addr.ip().is_loopback() {
                tracing::warn!(%addr, "plain HTTP on a network address: laptops connect only through a TLS proxy");
            }
            println!("listening on http://{addr}");
            connections(listener, app).await;
        }
    }
    tracing::info!("stopped");
    Ok(())
}

/// Serves each connection with HTTP/1.1, headers due within [`limits::HEADER_TIMEOUT`], the
/// peer's address handed to the handlers; on SIGINT/SIGTERM stops accepting and lets the
/// requests under way finish (30 s at most).
async fn connections<L>(mut listener: L, app: axum::Router)
where
    L: axum::serve::Listener<Addr = SocketAddr>,
{
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits::HEADER_TIMEOUT);
    let builder = builder.http1_only();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(shutdown());
    loop {
        let (io, peer) = tokio::select! {
            conn = listener.accept() => conn,
            _ = &mut stop => break,
        };
        let service = app.clone().map_request(move |req: axum::http::Request<hyper::body::Incoming>| {
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            req
        });
        let conn = builder.serve_connection(TokioIo::new(io), TowerToHyperService::new(service)).into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(%peer, error = %e, "connection ended");
            }
        });
    }
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_secs(30)) => tracing::warn!("requests still under way after 30 s; stopping"),
    }
}

async fn log_request(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    tracing::info!(%method, %path, status = resp.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    resp
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
