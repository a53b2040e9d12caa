//! CMS detached signatures over a digest (RFC 5652), shaped as PAdES baseline B-B asks
//! (ETSI EN 319 142-1 §6.3): signed attributes content-type, message-digest and
//! signing-certificate-v2; no signing-time (the PDF's `/M` carries the moment).

use crate::cert::verifying_key;
use crate::{DocumentKey, PkiError};
use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier};
use der::asn1::{Any, OctetStringRef, SetOfVec};
use der::oid::ObjectIdentifier;
use der::{Decode, Encode, Reader, SliceReader};
use p256::ecdsa::DerSignature;
use sha2::{Digest, Sha256};
use x509_cert::attr::Attribute;
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const SIGNING_CERTIFICATE_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// SigningCertificateV2 (RFC 5035) naming `cert` by its SHA-256 (the default algorithm, so
/// omitted): SEQUENCE { SEQUENCE OF { ESSCertIDv2 { certHash } } }.
fn signing_certificate_v2(cert: &Certificate) -> Result<Attribute, PkiError> {
    let hash = Sha256::digest(cert.to_der()?);
    let mut value = vec![0x30, 0x26, 0x30, 0x24, 0x30, 0x22, 0x04, 0x20];
    value.extend_from_slice(&hash);
    let mut values = SetOfVec::new();
    values.insert(Any::from_der(&value)?)?;
    Ok(Attribute { oid: SIGNING_CERTIFICATE_V2, values })
}

fn sha256_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned { oid: SHA256, parameters: None }
}

/// A detached CMS SignedData over content whose SHA-256 is `digest`, signed by `key`, carrying
/// `chain` (the signer's certificate first), DER.
pub fn sign_detached(key: &DocumentKey, chain: &[Certificate], digest: &[u8; 32]) -> Result<Vec<u8>, PkiError> {
    let signer = chain.first().ok_or_else(|| PkiError::Build("no certificate to sign with".into()))?;
    let build = |e: cms::builder::Error| PkiError::Build(e.to_string());
    let content = EncapsulatedContentInfo { econtent_type: DATA, econtent: None };
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: signer.tbs_certificate.issuer.clone(),
        serial_number: signer.tbs_certificate.serial_number.clone(),
    });
    let mut info =
        SignerInfoBuilder::new(key.signing_key(), sid, sha256_algorithm(), &content, Some(digest)).map_err(build)?;
    info.add_signed_attribute(signing_certificate_v2(signer)?).map_err(build)?;
    let mut data = SignedDataBuilder::new(&content);
    data.add_digest_algorithm(sha256_algorithm()).map_err(build)?;
    for cert in chain {
        data.add_certificate(CertificateChoices::Certificate(cert.clone())).map_err(build)?;
    }
    data.add_signer_info::<p256::ecdsa::SigningKey, DerSignature>(info).map_err(build)?;
    Ok(data.build().map_err(build)?.to_der()?)
}

/// Who signed a detached signature that holds.
#[derive(Debug, Clone)]
pub struct SignedBy {
    pub certificate: Certificate,
    /// Every certificate the signature carries (the signer's among them).
    pub chain: Vec<Certificate>,
}

/// Checks a detached CMS signature (`cms` may be followed by zero padding, as in a PDF's
/// `/Contents`) against the SHA-256 of the content it claims to sign. Says who signed it;
/// whether to trust that certificate is the caller's question.
pub fn verify_detached(cms: &[u8], digest: &[u8; 32]) -> Result<SignedBy, PkiError> {
    use p256::ecdsa::signature::Verifier;
    let mut reader = SliceReader::new(cms)?;
    let info: ContentInfo = reader.decode()?;
    let rest = reader.remaining_len();
    if !cms[cms.len() - usize::try_from(rest).unwrap_or(0)..].iter().all(|&b| b == 0) {
        return Err(PkiError::Malformed("data after the signature".into()));
    }
    if info.content_type != SIGNED_DATA {
        return Err(PkiError::Malformed("not a CMS SignedData".into()));
    }
    let data: SignedData = info.content.decode_as()?;
    if data.encap_content_info.econtent.is_some() {
        return Err(PkiError::Invalid("the signature is not detached"));
    }
    let chain: Vec<Certificate> = data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    let [signer] = data.signer_infos.0.as_slice() else {
        return Err(PkiError::Invalid("not exactly one signer"));
    };
    let SignerIdentifier::IssuerAndSerialNumber(id) = &signer.sid else {
        return Err(PkiError::Invalid("the signer is not named by issuer and serial number"));
    };
    let certificate = chain
        .iter()
        .find(|c| c.tbs_certificate.issuer == id.issuer && c.tbs_certificate.serial_number == id.serial_number)
        .cloned()
        .ok_or(PkiError::Invalid("the signer's certificate is not in the signature"))?;
    if signer.digest_alg.oid != SHA256 || signer.signature_algorithm.oid != ECDSA_SHA256 {
        return Err(PkiError::Invalid("not ECDSA with SHA-256"));
    }
    let attrs = signer.signed_attrs.as_ref().ok_or(PkiError::Invalid("no signed attributes"))?;
    let claimed = attrs
        .iter()
        .find(|a| a.oid == MESSAGE_DIGEST)
        .and_then(|a| a.values.get(0))
        .and_then(|v| v.decode_as::<OctetStringRef<'_>>().ok())
        .ok_or(PkiError::Invalid("no message digest"))?;
    if claimed.as_bytes() != digest {
        return Err(PkiError::Invalid("the signed bytes were changed"));
    }
    let names_signer = attrs
        .iter()
        .find(|a| a.oid == SIGNING_CERTIFICATE_V2)
        .and_then(|a| a.values.get(0))
        .is_some_and(|v| v.value().ends_with(&Sha256::digest(certificate.to_der().unwrap_or_default())));
    if !names_signer {
        return Err(PkiError::Invalid("the signing certificate attribute does not name the signer"));
    }
    let signature = DerSignature::try_from(signer.signature.as_bytes())
        .map_err(|_| PkiError::Invalid("malformed ECDSA signature"))?;
    verifying_key(&certificate)?
        .verify(&attrs.to_der()?, &signature)
        .map_err(|_| PkiError::Invalid("the signature does not match its signer's key"))?;
    Ok(SignedBy { certificate, chain })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{self_issued, Subject};

    #[test]
    fn a_detached_signature_holds_for_its_digest_only_and_is_deterministic() {
        let key = DocumentKey::derive(&[3; 32]);
        let cert = self_issued(&key, &Subject { name: "测试".into(), ..Default::default() }).unwrap();
        let digest: [u8; 32] = Sha256::digest(b"the signed bytes").into();
        let cms = sign_detached(&key, std::slice::from_ref(&cert), &digest).unwrap();
        assert_eq!(cms, sign_detached(&key, std::slice::from_ref(&cert), &digest).unwrap(), "RFC 6979: same bytes");
        let mut padded = cms.clone();
        padded.resize(cms.len() + 100, 0);
        assert_eq!(verify_detached(&padded, &digest).unwrap().certificate, cert);
        let other: [u8; 32] = Sha256::digest(b"other bytes").into();
        assert!(matches!(verify_detached(&cms, &other), Err(PkiError::Invalid(_))));
        let mut flipped = cms.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 1;
        assert!(verify_detached(&flipped, &digest).is_err());
        assert!(verify_detached(b"not cms", &digest).is_err());
    }
}
