//! How a laptop trusts its server. Tokens, full ID numbers and GPS-tagged photos cross the
//! network, so the laptop speaks HTTPS (rustls on ring) and refuses plain `http://` except to
//! its own loopback (a server on the same machine: demos, tests).
//!
//! Enrolment decides whom to trust: the CA certificate the administrator hands out
//! (`--ca FILE`), or else the system's roots. Whichever certificate vouched for the server then
//! is recorded with the account ([`Pin`]) and is the only one later syncs trust, so a
//! certificate for the server's name from any other authority — a proxy's, a misissued one —
//! is refused. Renewing the server's certificate under the same CA needs nothing on the laptops.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::sync::{Arc, Mutex};

/// Why a trust setting cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("no certificate in the PEM text")]
    Empty,
    #[error("a certificate cannot be read: {0}")]
    Unreadable(String),
    #[error("TLS set-up: {0}")]
    Setup(#[from] rustls::Error),
}

pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The certificates a laptop trusts for its server, as PEM (stored with the sync account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    certs: Vec<CertificateDer<'static>>,
}

impl Pin {
    pub fn from_pem(pem: &str) -> Result<Pin, TrustError> {
        let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TrustError::Unreadable(e.to_string()))?;
        if certs.is_empty() {
            return Err(TrustError::Empty);
        }
        roots(&certs)?;
        Ok(Pin { certs })
    }

    pub fn to_pem(&self) -> String {
        self.certs.iter().map(pem).collect()
    }
}

fn pem(cert: &CertificateDer<'_>) -> String {
    pem::encode(&pem::Pem::new("CERTIFICATE", cert.to_vec()))
}

fn roots(certs: &[CertificateDer<'static>]) -> Result<RootCertStore, TrustError> {
    let mut store = RootCertStore::empty();
    for cert in certs {
        store.add(cert.clone()).map_err(|e| TrustError::Unreadable(e.to_string()))?;
    }
    Ok(store)
}

fn config(verifier: Arc<dyn ServerCertVerifier>) -> Result<ClientConfig, TrustError> {
    Ok(ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

fn webpki(certs: &[CertificateDer<'static>]) -> Result<Arc<WebPkiServerVerifier>, TrustError> {
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots(certs)?), provider())
        .build()
        .map_err(|e| TrustError::Unreadable(e.to_string()))
}

/// The TLS set-up of a laptop enrolled with `pin`: only the pinned certificates are roots.
pub fn pinned(pin: &Pin) -> Result<ClientConfig, TrustError> {
    config(webpki(&pin.certs)?)
}

/// The system's root certificates (Debian's `/etc/ssl/certs`, Windows' store …).
fn system_roots() -> Vec<CertificateDer<'static>> {
    rustls_native_certs::load_native_certs().certs
}

/// The TLS set-up of an enrolment, and what will tell which certificate vouched for the server.
pub(crate) fn enrolment(ca_pem: Option<&str>) -> Result<(ClientConfig, Arc<Vouching>), TrustError> {
    let candidates = match ca_pem {
        Some(pem) => Pin::from_pem(pem)?.certs,
        None => system_roots(),
    };
    let vouching = Arc::new(Vouching { all: webpki(&candidates)?, candidates, found: Mutex::new(None) });
    Ok((config(vouching.clone())?, vouching))
}

/// A verifier that accepts what any candidate root accepts and remembers which one it was.
#[derive(Debug)]
pub struct Vouching {
    candidates: Vec<CertificateDer<'static>>,
    all: Arc<WebPkiServerVerifier>,
    found: Mutex<Option<CertificateDer<'static>>>,
}

impl Vouching {
    /// The certificate that vouched for the server, once a connection was made.
    pub fn pin(&self) -> Option<Pin> {
        let found = self.found.lock().unwrap_or_else(|e| e.into_inner()).clone()?;
        Some(Pin { certs: vec![found] })
    }
}

impl ServerCertVerifier for Vouching {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // All candidates at once first: the error, if any, is the one a user should read.
        let verified = self.all.verify_server_cert(end_entity, intermediates, server_name, ocsp, now)?;
        for candidate in &self.candidates {
            let one = webpki(std::slice::from_ref(candidate)).map_err(|e| rustls::Error::General(e.to_string()))?;
            if one.verify_server_cert(end_entity, intermediates, server_name, ocsp, now).is_ok() {
                *self.found.lock().unwrap_or_else(|e| e.into_inner()) = Some(candidate.clone());
                break;
            }
        }
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.all.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.all.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.all.supported_verify_schemes()
    }
}

/// The TLS set-up of a laptop enrolled before pinning: the system's roots.
pub(crate) fn system() -> Result<ClientConfig, TrustError> {
    config(webpki(&system_roots())?)
}

/// Whether a URL's host is this machine (the only place plain HTTP may go).
pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let ip = host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>();
    host.eq_ignore_ascii_case("localhost") || ip.is_ok_and(|ip| ip.is_loopback())
}

/// The certificate problem behind a failed request, if that is what it was.
pub(crate) fn certificate_problem(e: &reqwest::Error) -> Option<rustls::Error> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls.clone());
        }
        // An io::Error hides the error it wraps from `source()` (and rustls' is wrapped twice).
        source = match err.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_survives_its_pem_form() {
        let ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = ca.self_signed(&key).unwrap();
        let pin = Pin::from_pem(&cert.pem()).unwrap();
        assert_eq!(pin.to_pem().replace('\r', ""), cert.pem().replace('\r', ""));
        assert_eq!(Pin::from_pem(&pin.to_pem()).unwrap(), pin);
        assert!(matches!(Pin::from_pem("not a certificate"), Err(TrustError::Empty)));
    }

    #[test]
    fn plain_http_is_only_for_this_machine() {
        for (url, local) in [
            ("http://127.0.0.1:8470", true),
            ("http://127.8.0.1", true),
            ("http://localhost:1", true),
            ("http://[::1]:9", true),
            ("http://10.0.0.5:8470", false),
            ("http://safeserve.example.cn", false),
            ("http://localhost.example.cn", false),
        ] {
            assert_eq!(is_loopback(&reqwest::Url::parse(url).unwrap()), local, "{url}");
        }
    }
}
