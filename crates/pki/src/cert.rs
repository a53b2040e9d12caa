//! Certificates: the bureau's authority, the certificates it issues to enrolled devices, and the
//! self-issued certificate of a laptop never enrolled.

use crate::{DocumentKey, PkiError};
use der::asn1::{Any, SetOfVec, UtcTime, Utf8StringRef};
use der::oid::ObjectIdentifier;
use der::{Decode, DecodePem, Encode, EncodePem};
use p256::ecdsa::{DerSignature, VerifyingKey};
use sha2::{Digest, Sha256};
use std::time::Duration;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;

const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const ORGANISATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const UNIT: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.11");
const TITLE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.12");
const SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");

/// Who a certificate names: the user (or the authority), their role, their bureau, and the
/// device.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subject {
    pub name: String,
    pub role: String,
    pub organisation: String,
    pub unit: String,
    /// The device's Ed25519 record key (hex), as the subject's serialNumber: the bureau's
    /// certificate vouches for the key that signs the records as well as for the PDF key.
    pub device: String,
}

impl Subject {
    fn to_name(&self) -> Result<Name, PkiError> {
        let mut rdns = Vec::new();
        for (oid, value) in [
            (ORGANISATION, &self.organisation),
            (UNIT, &self.unit),
            (TITLE, &self.role),
            (SERIAL_NUMBER, &self.device),
            (COMMON_NAME, &self.name),
        ] {
            if value.is_empty() {
                continue;
            }
            // UTF8String: names here are Chinese; serialNumber must be a PrintableString (hex is).
            let value = if oid == SERIAL_NUMBER {
                Any::encode_from(&der::asn1::PrintableStringRef::new(value)?)?
            } else {
                Any::encode_from(&Utf8StringRef::new(value)?)?
            };
            let atv = AttributeTypeAndValue { oid, value };
            rdns.push(RelativeDistinguishedName(SetOfVec::try_from(vec![atv])?));
        }
        Ok(RdnSequence(rdns))
    }
}

/// `CN=张三, T=技术人员, O=…`, readable (the `Display` of a name escapes every non-ASCII byte).
pub fn subject_text(cert: &Certificate) -> String {
    name_text(&cert.tbs_certificate.subject)
}

fn name_text(name: &Name) -> String {
    let mut parts = Vec::new();
    for rdn in name.0.iter().rev() {
        for atv in rdn.0.iter() {
            let key = match atv.oid {
                COMMON_NAME => "CN",
                ORGANISATION => "O",
                UNIT => "OU",
                TITLE => "T",
                _ => continue,
            };
            parts.push(format!("{key}={}", attribute_text(atv)));
        }
    }
    parts.join(", ")
}

fn attribute_text(atv: &AttributeTypeAndValue) -> String {
    atv.value
        .decode_as::<Utf8StringRef<'_>>()
        .map(|s| s.as_str().to_string())
        .or_else(|_| atv.value.decode_as::<der::asn1::PrintableStringRef<'_>>().map(|s| s.as_str().to_string()))
        .unwrap_or_default()
}

/// The organisation (the bureau) a certificate's subject names.
pub fn organisation_of(cert: &Certificate) -> String {
    attribute(cert, ORGANISATION).unwrap_or_default()
}

fn attribute(cert: &Certificate, oid: ObjectIdentifier) -> Option<String> {
    cert.tbs_certificate.subject.0.iter().flat_map(|rdn| rdn.0.iter()).find(|atv| atv.oid == oid).map(attribute_text)
}

/// The device record key (hex) a certificate names, if it names one.
pub fn device_of(cert: &Certificate) -> Option<String> {
    attribute(cert, SERIAL_NUMBER)
}

fn at(unix_seconds: u64) -> Result<Time, PkiError> {
    Ok(Time::UtcTime(UtcTime::from_unix_duration(Duration::from_secs(unix_seconds))?))
}

/// 2049-12-31T23:59:59Z, the last moment a UTCTime can name (RFC 5280 4.1.2.5): documents are
/// checked against the moment they were signed, for decades.
const LAST_UTC_TIME: u64 = 2_524_607_999;
/// 2025-01-01T00:00:00Z: before any SafeServe document.
const FIRST_DAY: u64 = 1_735_689_600;

fn serial(bytes: &[u8]) -> Result<SerialNumber, PkiError> {
    let mut b = [0u8; 16];
    b.copy_from_slice(&bytes[..16]);
    b[0] &= 0x7f; // positive
    b[0] |= 0x01; // and without a leading zero byte
    Ok(SerialNumber::new(&b)?)
}

fn spki(public_key_der: &[u8]) -> Result<SubjectPublicKeyInfoOwned, PkiError> {
    Ok(SubjectPublicKeyInfoOwned::from_der(public_key_der)?)
}

fn build(builder: CertificateBuilder<'_, p256::ecdsa::SigningKey>) -> Result<Certificate, PkiError> {
    builder.build::<DerSignature>().map_err(|e| PkiError::Build(e.to_string()))
}

/// The certificate of a laptop never enrolled: it names the laptop and says it was issued by
/// no one. The same key always gives the same certificate.
pub fn self_issued(key: &DocumentKey, subject: &Subject) -> Result<Certificate, PkiError> {
    let name = subject.to_name()?;
    let spki_der = key.public_key_der();
    let builder = CertificateBuilder::new(
        Profile::Leaf { issuer: name.clone(), enable_key_agreement: false, enable_key_encipherment: false },
        serial(&Sha256::digest(&spki_der))?,
        Validity { not_before: at(FIRST_DAY)?, not_after: at(LAST_UTC_TIME)? },
        name,
        spki(&spki_der)?,
        key.signing_key(),
    )
    .map_err(|e| PkiError::Build(e.to_string()))?;
    build(builder)
}

/// The bureau's certificate authority, kept by the central server.
pub struct Authority {
    key: DocumentKey,
    pub certificate: Certificate,
}

impl Authority {
    /// A new authority with a fresh key, valid from now to 2049.
    pub fn create(subject: &Subject, now_unix: u64) -> Result<Authority, PkiError> {
        let key = DocumentKey::generate()?;
        let spki_der = key.public_key_der();
        let builder = CertificateBuilder::new(
            Profile::Root,
            serial(&Sha256::digest(&spki_der))?,
            Validity { not_before: at(now_unix.saturating_sub(86_400))?, not_after: at(LAST_UTC_TIME)? },
            subject.to_name()?,
            spki(&spki_der)?,
            key.signing_key(),
        )
        .map_err(|e| PkiError::Build(e.to_string()))?;
        let certificate = build(builder)?;
        Ok(Authority { key, certificate })
    }

    pub fn from_pem(key_pem: &str, certificate_pem: &str) -> Result<Authority, PkiError> {
        let key = DocumentKey::from_pem(key_pem)?;
        let certificate = certificate_from_pem(certificate_pem)?;
        if public_key_der(&certificate) != key.public_key_der() {
            return Err(PkiError::Malformed("the authority's key and certificate do not belong together".into()));
        }
        Ok(Authority { key, certificate })
    }

    pub fn key_pem(&self) -> Result<String, PkiError> {
        self.key.to_pem()
    }

    /// A device certificate for `public_key_der` (SubjectPublicKeyInfo), valid ten years.
    pub fn issue(&self, public_key_der: &[u8], subject: &Subject, now_unix: u64) -> Result<Certificate, PkiError> {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).map_err(|e| PkiError::Random(e.to_string()))?;
        let not_after = (now_unix + 10 * 366 * 86_400).min(LAST_UTC_TIME);
        let builder = CertificateBuilder::new(
            Profile::Leaf {
                issuer: self.certificate.tbs_certificate.subject.clone(),
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
            serial(&random)?,
            Validity { not_before: at(now_unix.saturating_sub(86_400))?, not_after: at(not_after)? },
            subject.to_name()?,
            spki(public_key_der)?,
            self.key.signing_key(),
        )
        .map_err(|e| PkiError::Build(e.to_string()))?;
        build(builder)
    }
}

pub fn certificate_pem(cert: &Certificate) -> Result<String, PkiError> {
    Ok(cert.to_pem(der::pem::LineEnding::LF)?)
}

pub fn certificate_from_pem(pem: &str) -> Result<Certificate, PkiError> {
    Ok(Certificate::from_pem(pem.trim().as_bytes())?)
}

/// The certificate's SubjectPublicKeyInfo, DER.
pub fn public_key_der(cert: &Certificate) -> Vec<u8> {
    cert.tbs_certificate.subject_public_key_info.to_der().unwrap_or_default()
}

pub(crate) fn verifying_key(cert: &Certificate) -> Result<VerifyingKey, PkiError> {
    let bits = cert.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes();
    VerifyingKey::from_sec1_bytes(bits).map_err(|_| PkiError::Malformed("not a P-256 public key".into()))
}

/// Whether `authority` signed `cert`.
pub fn issued_by(cert: &Certificate, authority: &Certificate) -> bool {
    use p256::ecdsa::signature::Verifier;
    if cert.tbs_certificate.issuer != authority.tbs_certificate.subject {
        return false;
    }
    let (Ok(key), Ok(tbs)) = (verifying_key(authority), cert.tbs_certificate.to_der()) else { return false };
    let Some(sig) = cert.signature.as_bytes().and_then(|b| DerSignature::try_from(b).ok()) else { return false };
    key.verify(&tbs, &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bureau() -> Subject {
        Subject {
            name: "SafeServe 文书签发机构".into(), organisation: "杭州市应急管理局".into(), ..Default::default()
        }
    }

    #[test]
    fn the_authority_issues_device_certificates_that_name_the_user_and_role() {
        let ca = Authority::create(&bureau(), 1_800_000_000).unwrap();
        let device = DocumentKey::derive(&[1; 32]);
        let who = Subject {
            name: "张三".into(),
            role: "技术人员".into(),
            organisation: "杭州市应急管理局".into(),
            unit: "笔记本".into(),
            device: "ab".repeat(32),
        };
        let cert = ca.issue(&device.public_key_der(), &who, 1_800_000_000).unwrap();
        assert!(issued_by(&cert, &ca.certificate));
        assert_eq!(subject_text(&cert), "CN=张三, T=技术人员, OU=笔记本, O=杭州市应急管理局");
        assert_eq!(device_of(&cert), Some("ab".repeat(32)));
        assert_eq!(public_key_der(&cert), device.public_key_der());
        let other = Authority::create(&bureau(), 1_800_000_000).unwrap();
        assert!(!issued_by(&cert, &other.certificate), "another authority of the same name did not sign it");
        let back = certificate_from_pem(&certificate_pem(&cert).unwrap()).unwrap();
        assert_eq!(back, cert);
        let reloaded = Authority::from_pem(&ca.key_pem().unwrap(), &certificate_pem(&ca.certificate).unwrap()).unwrap();
        assert!(issued_by(&reloaded.issue(&device.public_key_der(), &who, 1_800_000_000).unwrap(), &ca.certificate));
    }

    #[test]
    fn a_self_issued_certificate_is_the_same_every_time() {
        let key = DocumentKey::derive(&[2; 32]);
        let who = Subject { name: "未登记设备（自签）".into(), ..Default::default() };
        assert_eq!(self_issued(&key, &who).unwrap(), self_issued(&key, &who).unwrap());
    }
}
