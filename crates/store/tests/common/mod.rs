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

/// A copy of the small demo, in its own temporary folder. nextest runs every test in a process
/// of its own, so the demo is made once per build of the tests in the build folder's temporary
/// folder, under a lock the other test processes wait on, and copied from there.
pub fn fresh_db() -> (tempfile::TempDir, PathBuf) {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    let src = TEMPLATE.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        let built = std::fs::metadata(&exe).unwrap().modified().unwrap();
        let build = built.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs().to_string();
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("store-tests-demo");
        let dir = root.join(&build);
        std::fs::create_dir_all(&dir).unwrap();
        // Demos made by earlier builds of the tests are of no use to this one.
        for old in std::fs::read_dir(&root).unwrap() {
            let old = old.unwrap().path();
            if old.file_name().is_some_and(|n| n != build.as_str()) {
                let _ = std::fs::remove_dir_all(old);
            }
        }
        let lock = std::fs::File::create(dir.join("lock")).unwrap();
        lock.lock().unwrap();
        let path = dir.join("demo.db");
        if !dir.join("complete").exists() {
            demo::generate(&path, demo::DemoSize::Small, demo::DEFAULT_SEED, today()).unwrap();
            std::fs::File::create(dir.join("complete")).unwrap();
        }
        path
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    std::fs::copy(src, &path).unwrap();
    (dir, path)
}
