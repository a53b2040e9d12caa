//! What the store's integration tests share: the day they run on, and a fresh copy of the small
//! demo database (generated once per test binary, copied for each test so tests never see each
//! other's writes).

#![allow(dead_code)] // each test binary uses its own part of this module

use chrono::NaiveDate;
use safeserve_demo as demo;
use std::path::PathBuf;
use std::sync::OnceLock;

pub const NOW: &str = "2026-11-23T10:00:00+08:00";

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// A copy of the small demo, in its own temporary folder.
pub fn fresh_db() -> (tempfile::TempDir, PathBuf) {
    static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, src) = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        demo::generate(&path, demo::DemoSize::Small, demo::DEFAULT_SEED, today()).unwrap();
        (dir, path)
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    std::fs::copy(src, &path).unwrap();
    (dir, path)
}
