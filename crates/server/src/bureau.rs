//! The bureau's certificate authority. The server keeps its root key and certificate in its
//! data folder (`bureau-ca.key.pem`, readable by the server's user only, and `bureau-ca.pem`),
//! made on first use, and issues each device at enrolment a certificate for its document key
//! naming the user, their role, the bureau and the device's record key. Readers (Adobe, Foxit,
//! pdfsig) trust the root that `admin ca export` writes; laptops receive it at enrolment.

use anyhow::Context;
use safeserve_pki::{Authority, Certificate, Subject};
use std::path::{Path, PathBuf};

const KEY_FILE: &str = "bureau-ca.key.pem";
const CERT_FILE: &str = "bureau-ca.pem";
/// The authority's files in a data folder, its private key first (what a backup carries).
/// What a backup carries besides the database and photos: the authority, and the key people's
/// ID numbers are hashed with for the roles that receive them masked.
pub const FILES: [&str; 3] = [KEY_FILE, CERT_FILE, crate::id_numbers::KEY_FILE];
/// Of those, the secrets: readable by their owner only, wherever they are put back.
pub const PRIVATE: [&str; 2] = [KEY_FILE, crate::id_numbers::KEY_FILE];
/// The bureau a root made without `admin ca init --bureau` names.
pub const DEFAULT_BUREAU: &str = "安全生产监督管理部门";

pub struct Bureau {
    authority: Authority,
    name: String,
}

fn paths(data: &Path) -> (PathBuf, PathBuf) {
    (data.join(KEY_FILE), data.join(CERT_FILE))
}

impl Bureau {
    /// The authority of the server whose data folder is `data`, made (named [`DEFAULT_BUREAU`])
    /// when there is none yet.
    pub fn load_or_create(data: &Path) -> anyhow::Result<Bureau> {
        match Bureau::load(data)? {
            Some(b) => Ok(b),
            None => Bureau::create(data, DEFAULT_BUREAU),
        }
    }

    fn load(data: &Path) -> anyhow::Result<Option<Bureau>> {
        let (key, cert) = paths(data);
        let key_pem = match std::fs::read_to_string(&key) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("无法读取 / cannot read {}", key.display())),
        };
        let cert_pem =
            std::fs::read_to_string(&cert).with_context(|| format!("无法读取 / cannot read {}", cert.display()))?;
        let authority = Authority::from_pem(&key_pem, &cert_pem).with_context(|| {
            format!("文书签发机构的密钥或证书已损坏 / the bureau's key or certificate is damaged: {}", data.display())
        })?;
        let name = safeserve_pki::organisation_of(&authority.certificate);
        Ok(Some(Bureau { authority, name }))
    }

    /// A new root for `bureau`; refused when the folder already holds one (every certificate
    /// issued so far would stop being trusted).
    pub fn create(data: &Path, bureau: &str) -> anyhow::Result<Bureau> {
        let (key, cert) = paths(data);
        anyhow::ensure!(
            !key.exists(),
            "已有文书签发机构，未做改动 / the bureau's authority already exists: {}",
            key.display()
        );
        std::fs::create_dir_all(data)?;
        let subject = Subject {
            name: format!("{bureau} SafeServe 文书签发"),
            organisation: bureau.to_owned(),
            ..Default::default()
        };
        let authority = Authority::create(&subject, now_unix())?;
        write_private(&key, authority.key_pem()?.as_bytes())?;
        std::fs::write(&cert, safeserve_pki::certificate_pem(&authority.certificate)?)
            .with_context(|| format!("无法写入 / cannot write {}", cert.display()))?;
        tracing::info!(bureau, "bureau certificate authority created");
        Ok(Bureau { authority, name: bureau.to_owned() })
    }

    pub fn root(&self) -> &Certificate {
        &self.authority.certificate
    }

    pub fn root_pem(&self) -> anyhow::Result<String> {
        Ok(safeserve_pki::certificate_pem(self.root())?)
    }

    /// A device's certificate: its document key (SubjectPublicKeyInfo, DER), for `user` in
    /// `role` on the device labelled `label` whose record key is `device_key` (hex).
    pub fn issue(
        &self,
        document_key: &[u8],
        user: &str,
        role: &str,
        label: &str,
        device_key: &str,
    ) -> anyhow::Result<String> {
        let subject = Subject {
            name: user.to_owned(),
            role: role.to_owned(),
            organisation: self.name.clone(),
            unit: label.to_owned(),
            device: device_key.to_owned(),
        };
        let cert = self.authority.issue(document_key, &subject, now_unix())?;
        Ok(safeserve_pki::certificate_pem(&cert)?)
    }
}

fn now_unix() -> u64 {
    chrono::Utc::now().timestamp().max(0) as u64
}

pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path).with_context(|| format!("无法写入 / cannot write {}", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}
