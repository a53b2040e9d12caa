//! Photo files sealed at rest on an encrypted laptop.
//!
//! A lost laptop must not show its photos any more than its database: on a laptop whose
//! database is encrypted every photo file (original, display copy, thumbnail, print copy) is
//! sealed with XChaCha20-Poly1305 under a key derived from the database key. A sealed file is
//! `SSPHOTO1`, a random 24-byte nonce and the ciphertext with its tag; the file's own name is
//! the associated data, so a sealed file moved under another photo's name does not open.
//! Files without the mark are read as they are: photos stored before the laptop was encrypted
//! stay readable until [`crate::PhotoFiles::seal_all`] has sealed them, and a JPEG or PNG can
//! never start with the mark.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

const MARK: &[u8; 8] = b"SSPHOTO1";
const NONCE: usize = 24;

/// The key photo files are sealed with: 32 bytes, zeroed when dropped, never printed.
#[derive(Clone)]
pub struct PhotoKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for PhotoKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PhotoKey(…)")
    }
}

impl PhotoKey {
    pub fn new(bytes: Zeroizing<[u8; 32]>) -> Self {
        Self(bytes)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&*self.0).into())
    }
}

/// Whether `bytes` are a sealed photo file.
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(MARK)
}

/// `plain` sealed for the file called `name`.
pub(crate) fn seal(key: &PhotoKey, name: &str, plain: &[u8]) -> Vec<u8> {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    // Encrypting into a Vec fails only when allocation does; that is a panic anywhere else too.
    #[allow(clippy::expect_used, reason = "the AEAD fails only when it cannot allocate")]
    let sealed = key.cipher().encrypt(&nonce, Payload { msg: plain, aad: name.as_bytes() }).expect("sealing a photo");
    let mut out = Vec::with_capacity(MARK.len() + NONCE + sealed.len());
    out.extend_from_slice(MARK);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

/// Why a sealed file could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unsealing {
    /// The laptop is not signed in to its encrypted database (no key).
    NoKey,
    /// The tag does not match: the file was changed or damaged, comes from another laptop, or
    /// was renamed.
    Damaged,
}

/// The content of a photo file: opened when sealed, as it is otherwise.
pub(crate) fn open(key: Option<&PhotoKey>, name: &str, bytes: Vec<u8>) -> Result<Vec<u8>, Unsealing> {
    if !is_sealed(&bytes) {
        return Ok(bytes);
    }
    let key = key.ok_or(Unsealing::NoKey)?;
    let rest = &bytes[MARK.len()..];
    if rest.len() < NONCE {
        return Err(Unsealing::Damaged);
    }
    let (nonce, sealed) = rest.split_at(NONCE);
    key.cipher()
        .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: name.as_bytes() })
        .map_err(|_| Unsealing::Damaged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> PhotoKey {
        PhotoKey::new(Zeroizing::new([b; 32]))
    }

    #[test]
    fn a_sealed_file_opens_only_with_its_key_and_under_its_name() {
        let plain = b"\xff\xd8\xff\xe0 a jpeg".to_vec();
        let sealed = seal(&key(1), "a.display.jpg", &plain);
        assert!(is_sealed(&sealed));
        assert!(!sealed.windows(6).any(|w| w == b"a jpeg"), "the content is not in clear");
        assert_eq!(open(Some(&key(1)), "a.display.jpg", sealed.clone()), Ok(plain.clone()));
        assert_eq!(open(Some(&key(2)), "a.display.jpg", sealed.clone()), Err(Unsealing::Damaged));
        assert_eq!(open(Some(&key(1)), "b.display.jpg", sealed.clone()), Err(Unsealing::Damaged));
        assert_eq!(open(None, "a.display.jpg", sealed.clone()), Err(Unsealing::NoKey));
        let mut flipped = sealed;
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(open(Some(&key(1)), "a.display.jpg", flipped), Err(Unsealing::Damaged));
        assert_eq!(open(None, "x", plain.clone()), Ok(plain), "a file stored in clear reads as it is");
        assert_eq!(open(Some(&key(1)), "x", MARK.to_vec()), Err(Unsealing::Damaged), "a cut-off file");
    }
}
