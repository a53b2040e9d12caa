//! The `safeserve` binary started as a script would start it, except that its signing key is
//! one of the tests' own (in the build's temporary folder), so running the tests never reads or
//! makes the key of the person running them.

use std::path::Path;
use std::process::{Command, Output};

pub fn cli() -> Command {
    let key = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-tests-device-key");
    let mut c = Command::new(env!("CARGO_BIN_EXE_safeserve"));
    c.env("SAFESERVE_DEVICE_KEY", key);
    c
}

pub fn safeserve(args: &[&str]) -> Output {
    cli().args(args).output().expect("run safeserve")
}
