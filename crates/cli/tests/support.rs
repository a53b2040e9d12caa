//! The `safeserve` binary started as a script would start it, except that its signing key is
//! one of the tests' own (in the build's temporary folder), so running the tests never reads or
//! makes the key of the person running them. It signs in as the demo's supervisor: a demo
//! database is encrypted as a laptop's is.

use std::path::Path;
use std::process::{Command, Output};

pub fn cli() -> Command {
    let key = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-tests-device-key");
    let mut c = Command::new(env!("CARGO_BIN_EXE_safeserve"));
    c.env("SAFESERVE_DEVICE_KEY", key)
        .env("SAFESERVE_USER", "supervisor")
        .env("SAFESERVE_PASSWORD", safeserve_demo::DEMO_PASSWORD);
    c
}

pub fn safeserve(args: &[&str]) -> Output {
    cli().args(args).output().expect("run safeserve")
}

/// A connection to an encrypted demo database, opened as the demo's supervisor.
pub fn open_demo(db: &str) -> rusqlite::Connection {
    let mut keys = safeserve_store::keys::KeyFile::load_for(Path::new(db), "supervisor", |_| {
        safeserve_device::keyring_share(false)
    })
    .unwrap()
    .expect("a key file");
    let key = keys.unlock("supervisor", safeserve_demo::DEMO_PASSWORD, 0).unwrap();
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", *key.to_hex())).unwrap();
    conn
}
