//! A PDF signature as it sits in a file's bytes (ISO 32000-1 12.8): the `/ByteRange` and the
//! `/Contents` hole of the signature dictionary SafeServe writes. Reading it needs no PDF
//! parser, so the server checks a dropped file with this alone; writing the field is
//! `safeserve_report::pades`.

/// Where `needle` first occurs in `haystack` at or after `from` (memchr's SIMD search: a
/// hazard list with its photos is 10 MB, and a byte-by-byte scan of it costs tens of ms).
pub fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(haystack.get(from..)?, needle).map(|i| i + from)
}

/// The literal string after the key `/{key}` (`/SafeServeStamp (SAFESERVE:DOC:…)`), where it
/// is written plainly.
pub fn stamp<'a>(pdf: &'a [u8], key: &[u8]) -> Option<&'a str> {
    let mut needle = b"/".to_vec();
    needle.extend_from_slice(key);
    let open = value_of(pdf, &needle, 0)?;
    if pdf[open] != b'(' {
        return None;
    }
    let rest = &pdf[open + 1..];
    let end = rest.iter().take(256).position(|&b| b == b')')?;
    std::str::from_utf8(&rest[..end]).ok()
}

/// Where the value of the dictionary key `key` starts (PDF writers may or may not put
/// whitespace between a key and its value).
pub fn value_of(pdf: &[u8], key: &[u8], from: usize) -> Option<usize> {
    let at = find(pdf, key, from)? + key.len();
    at.checked_add(pdf.get(at..)?.iter().position(|b| !b.is_ascii_whitespace())?)
}

/// A document PDF's signature, as found in the file.
pub struct Signature<'a> {
    /// The two signed spans: before and after the hole.
    pub covered: [&'a [u8]; 2],
    /// The hole's bytes, hex-decoded (the CMS signature and its zero padding).
    pub cms: Vec<u8>,
    /// Bytes after the signed range: content added after signing (an incremental update).
    pub appended: usize,
}

/// The signature SafeServe wrote into a PDF, or `None` when the file has no such signature
/// dictionary (a file SafeServe did not write, or one rewritten by another program).
pub fn signature(pdf: &[u8]) -> Option<Signature<'_>> {
    let sub = value_of(pdf, b"/SubFilter", 0)?;
    if !pdf[sub..].starts_with(b"/ETSI.CAdES.detached") {
        return None;
    }
    let open = value_of(pdf, b"/ByteRange", sub)?;
    if pdf[open] != b'[' {
        return None;
    }
    let open = open + 1;
    let close = open + pdf.get(open..)?.iter().position(|&b| b == b']')?;
    let numbers: Vec<usize> = std::str::from_utf8(&pdf[open..close])
        .ok()?
        .split_ascii_whitespace()
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    let [0, a, b, c] = numbers[..] else { return None };
    let end = b.checked_add(c)?;
    if a >= b || end > pdf.len() || pdf[a] != b'<' || pdf[b - 1] != b'>' {
        return None;
    }
    let hex = &pdf[a + 1..b - 1];
    let cms = hex
        .chunks(2)
        .map(|p| std::str::from_utf8(p).ok().and_then(|s| u8::from_str_radix(s, 16).ok()))
        .collect::<Option<Vec<u8>>>()?;
    Some(Signature { covered: [&pdf[..a], &pdf[b..end]], cms, appended: pdf.len() - end })
}

impl Signature<'_> {
    /// SHA-256 of the signed spans: what the CMS signature's message digest must be.
    pub fn digest(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        Sha256::new().chain_update(self.covered[0]).chain_update(self.covered[1]).finalize().into()
    }

    /// Whether the CMS signature holds over the signed spans, and whose certificate made it.
    pub fn verify(&self) -> Result<crate::SignedBy, crate::PkiError> {
        crate::verify_detached(&self.cms, &self.digest())
    }
}
