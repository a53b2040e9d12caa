//! `safeserve-pki`: what makes a SafeServe PDF check itself in any reader.
//!
//! - The **document key** is ECDSA P-256: the curve Adobe Reader, Foxit and poppler's `pdfsig`
//!   all verify (Ed25519 in PDF signatures is not widely supported). It is derived from the
//!   laptop's Ed25519 device seed, so a laptop has one secret, kept where the device key is
//!   kept, and can never grow a second document key beside it. Signatures follow RFC 6979
//!   (deterministic), so the same document signed twice gives the same bytes.
//! - **Certificates**: the central server is the bureau's certificate authority and issues each
//!   enrolled device a certificate naming its user, role and bureau ([`Authority`]); a laptop
//!   never enrolled signs with a self-issued certificate that says so ([`self_issued`]).
//! - **CMS detached signatures** (RFC 5652) over a PDF's byte ranges, with the signed attributes
//!   PAdES baseline B-B asks for (content type, message digest, signing certificate v2, no
//!   signing time: the PDF's `/M` carries it) — [`sign_detached`], [`verify_detached`].
//!
//! Of PDFs it knows only where a signature sits in a file's bytes ([`pdf`]); of SafeServe's
//! records, nothing.

mod cert;
pub mod pdf;
mod signature;

pub use cert::{
    certificate_from_pem, certificate_pem, device_of, issued_by, organisation_of, public_key_der, self_issued,
    subject_text, Authority, Subject,
};
pub use signature::{sign_detached, verify_detached, SignedBy};
pub use x509_cert::Certificate;

use p256::ecdsa::SigningKey;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("malformed certificate or signature: {0}")]
    Malformed(String),
    #[error("the signature does not hold: {0}")]
    Invalid(&'static str),
    #[error("cannot build a certificate or signature: {0}")]
    Build(String),
    #[error("the operating system gave no randomness: {0}")]
    Random(String),
}

impl From<der::Error> for PkiError {
    fn from(e: der::Error) -> Self {
        PkiError::Malformed(e.to_string())
    }
}

/// A P-256 key that signs PDFs (a device's) or certificates (the bureau's authority).
#[derive(Clone)]
pub struct DocumentKey(SigningKey);

impl std::fmt::Debug for DocumentKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DocumentKey").field(&"…").finish()
    }
}

impl DocumentKey {
    /// The device's document key, derived from its Ed25519 seed: the same seed always gives the
    /// same key. (A hash lands outside P-256's scalar range about once in 2³²; the counter steps
    /// past it.)
    pub fn derive(device_seed: &[u8; 32]) -> DocumentKey {
        for counter in 0u8..=u8::MAX {
            let d = Sha256::new()
                .chain_update(b"SafeServe document key v1\0")
                .chain_update(device_seed)
                .chain_update([counter])
                .finalize();
            if let Ok(key) = SigningKey::from_slice(&d) {
                return DocumentKey(key);
            }
        }
        unreachable!("256 hashes outside the P-256 scalar range")
    }

    /// A fresh random key (the authority's).
    pub fn generate() -> Result<DocumentKey, PkiError> {
        loop {
            let mut d = [0u8; 32];
            getrandom::fill(&mut d).map_err(|e| PkiError::Random(e.to_string()))?;
            if let Ok(key) = SigningKey::from_slice(&d) {
                return Ok(DocumentKey(key));
            }
        }
    }

    /// PKCS #8 PEM, for the authority's key file.
    pub fn to_pem(&self) -> Result<String, PkiError> {
        use p256::pkcs8::{EncodePrivateKey, LineEnding};
        Ok(self.0.to_pkcs8_pem(LineEnding::LF).map_err(|e| PkiError::Build(e.to_string()))?.to_string())
    }

    pub fn from_pem(pem: &str) -> Result<DocumentKey, PkiError> {
        use p256::pkcs8::DecodePrivateKey;
        SigningKey::from_pkcs8_pem(pem).map(DocumentKey).map_err(|e| PkiError::Malformed(e.to_string()))
    }

    /// SubjectPublicKeyInfo, DER: what a certificate request carries.
    pub fn public_key_der(&self) -> Vec<u8> {
        use p256::pkcs8::EncodePublicKey;
        self.0.verifying_key().to_public_key_der().map(|d| d.into_vec()).unwrap_or_default()
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_seed_gives_one_document_key() {
        let a = DocumentKey::derive(&[7; 32]);
        let b = DocumentKey::derive(&[7; 32]);
        let c = DocumentKey::derive(&[8; 32]);
        assert_eq!(a.public_key_der(), b.public_key_der());
        assert_ne!(a.public_key_der(), c.public_key_der());
        let back = DocumentKey::from_pem(&a.to_pem().unwrap()).unwrap();
        assert_eq!(back.public_key_der(), a.public_key_der());
    }
}
