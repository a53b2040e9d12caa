//! Damage and faults on a laptop's (encrypted) database: a process killed in the middle of
//! saving loses no save it acknowledged, a full disk fails a save whole and says so, a bit
//! flipped in the write-ahead log is found before SQLite reads it and one in a page by the
//! check and the backup; backups restore whole.

use crate::common::{fresh_db, today, NOW};
use crate::visits::{answer, enterprise_with_staff, qualified, start};
use safeserve_core::visit::{ItemResult, VisitKind};
use safeserve_core::{HazardId, VisitId};
use safeserve_store::encryption::encrypt_in_place;
use safeserve_store::keys::{DbKey, KeyFile};
use safeserve_store::views::{HazardField, NewHazard};
use safeserve_store::{OpenOptions, Store};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

const PASSWORD: &str = "correct horse 42";

/// The small demo, encrypted as a laptop's is, with an open visit and one proposal to copy.
fn encrypted_visit() -> (tempfile::TempDir, std::path::PathBuf, DbKey, VisitId, NewHazard) {
    let (dir, db) = fresh_db();
    let key = DbKey::random();
    encrypt_in_place(&db, &key, || KeyFile::new(&db).seal("wang", PASSWORD, &key)).unwrap();
    let mut store = Store::open_with(&db, &OpenOptions::keyed(key.clone())).unwrap();
    let (e, staff) = enterprise_with_staff(&store, false);
    let visit = start(&mut store, VisitKind::Service, &e.id.to_string(), qualified(&staff), None).unwrap();
    let v = visit.summary.id;
    let mut proposal = answer(&mut store, v, "FI-03", ItemResult::Fail).unwrap();
    proposal.item_code = None;
    (dir, db, key, v, proposal)
}

/// The hazard the save loop writes as its `n`th.
fn nth(n: u64) -> HazardId {
    HazardId(uuid::Uuid::from_u128(0x5afe_0000_0000_0000_0000_0000_0000_0000 | u128::from(n)))
}

/// The saving half of the kill loop, run in a process of its own by
/// `a_process_killed_while_saving_loses_no_acknowledged_save`: from hazard `FROM` on, adds the
/// hazard and saves its location, each an autosave of its own, and says so on stdout only
/// after the store returned.
#[test]
#[ignore = "run by the kill loop in a process it kills"]
fn save_loop_child() {
    let var = |name: &str| std::env::var(name).expect(name);
    let db = var("SAVE_LOOP_DB");
    let key = DbKey::from_hex(&var("SAVE_LOOP_KEY")).unwrap();
    let visit = VisitId(var("SAVE_LOOP_VISIT").parse().unwrap());
    let proposal: NewHazard = serde_json::from_str(&var("SAVE_LOOP_PROPOSAL")).unwrap();
    let from: u64 = var("SAVE_LOOP_FROM").parse().unwrap();
    let mut store = Store::open_with(&db, &OpenOptions::keyed(key)).unwrap();
    let mut out = std::io::stdout().lock();
    for n in from.. {
        let id = nth(n);
        // The add may have been committed by a run killed before it said so.
        if store.hazard(id, today()).is_err() {
            let form = NewHazard { description: format!("第{n}次保存"), ..proposal.clone() };
            store.add_hazard(visit, &form, id, NOW, today()).unwrap();
        }
        std::io::Write::write_all(&mut out, format!("added {n}\n").as_bytes()).unwrap();
        store.save_hazard_field(id, &HazardField::Location(format!("位置{n}"))).unwrap();
        std::io::Write::write_all(&mut out, format!("located {n}\n").as_bytes()).unwrap();
    }
}

/// A small generator so each run kills at other moments (no crate for so little).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn a_process_killed_while_saving_loses_no_acknowledged_save() {
    let (_dir, db, key, visit, proposal) = encrypted_visit();
    let mut rng = Lcg(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64);
    let (mut added, mut located) = (BTreeSet::new(), BTreeSet::new());
    let mut kills = 0;
    while added.len() + located.len() < 1000 {
        let from = added.iter().next_back().map_or(0, |n| n + 1);
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "faults::save_loop_child", "--ignored", "--nocapture"])
            .env("SAVE_LOOP_DB", &db)
            .env("SAVE_LOOP_KEY", key.to_hex().as_str())
            .env("SAVE_LOOP_VISIT", visit.to_string())
            .env("SAVE_LOOP_PROPOSAL", serde_json::to_string(&proposal).unwrap())
            .env("SAVE_LOOP_FROM", from.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Killed after a few acknowledged saves and a moment more, so the kill falls anywhere:
        // inside a transaction, inside a commit's fsync, between two saves.
        // One line the child wrote, counted when it acknowledges a save.
        let mut record = |line: &str| {
            let (what, n) = line.split_once(' ')?;
            let n = n.parse::<u64>().ok()?;
            match what {
                "added" => added.insert(n),
                "located" => located.insert(n),
                _ => return None,
            };
            Some(())
        };
        let acks = rng.below(40);
        let mut seen = 0;
        while seen < acks {
            let Some(Ok(line)) = lines.next() else { break };
            if record(&line).is_some() {
                seen += 1;
            }
        }
        std::thread::sleep(std::time::Duration::from_micros(rng.below(3000)));
        child.kill().unwrap(); // SIGKILL
                               // What the child said before dying was acknowledged too.
        for line in lines.map_while(Result::ok) {
            record(&line);
        }
        child.wait().unwrap();
        kills += 1;
        assert!(kills < 2000, "the child makes no progress");
    }

    let store = Store::open_with(&db, &OpenOptions::keyed(key)).unwrap();
    store.check(true).unwrap_or_else(|e| panic!("integrity_check after {kills} kills: {e:?}"));
    for n in &added {
        let h = store.hazard(nth(*n), today()).unwrap_or_else(|e| panic!("acknowledged hazard {n} lost: {e}"));
        assert_eq!(h.description, format!("第{n}次保存"));
    }
    for n in &located {
        assert_eq!(store.hazard(nth(*n), today()).unwrap().location, format!("位置{n}"), "acknowledged save {n}");
    }
    eprintln!("{} saves acknowledged over {kills} kills, none lost", added.len() + located.len());
}

#[test]
fn a_full_disk_fails_the_save_whole_and_says_so() {
    let (_dir, db, key, visit, proposal) = encrypted_visit();
    // The file may grow by a few pages only: SQLite answers SQLITE_FULL as on a full disk.
    let pages: u32 = {
        let store = Store::open_with(&db, &OpenOptions::keyed(key.clone())).unwrap();
        store.check(false).unwrap();
        (std::fs::metadata(&db).unwrap().len() / 4096) as u32
    };
    let options = OpenOptions { max_pages: Some(pages + 4), ..OpenOptions::keyed(key.clone()) };
    let mut store = Store::open_with(&db, &options).unwrap();
    let long = "配电箱门未关闭，内部积灰严重。".repeat(300);
    let mut saved = Vec::new();
    let err = loop {
        let id = HazardId(uuid::Uuid::now_v7());
        let form = NewHazard { description: format!("{} {}", saved.len(), long), ..proposal.clone() };
        match store.add_hazard(visit, &form, id, NOW, today()) {
            Ok(_) => saved.push(id),
            Err(e) => break (id, e),
        }
        assert!(saved.len() < 200, "the cap never bit");
    };
    let (refused, err) = err;
    assert_eq!(err.code(), safeserve_core::ErrorCode::DiskFull, "{err:?}");
    assert!(err.message().zh.contains("磁盘空间已满"), "{}", err.message().zh);
    assert!(err.message().en.contains("disk is full"), "{}", err.message().en);
    // Nothing of the refused save, everything before it.
    assert!(store.hazard(refused, today()).is_err(), "a partial save");
    for id in &saved {
        assert!(store.hazard(*id, today()).unwrap().description.ends_with(&long));
    }
    drop(store);
    // With room again, the same save goes through and the file is whole.
    let mut store = Store::open_with(&db, &OpenOptions::keyed(key)).unwrap();
    let form = NewHazard { description: "有空间后再次保存".into(), ..proposal };
    store.add_hazard(visit, &form, refused, NOW, today()).unwrap();
    store.check(true).unwrap();
}

/// The database closed cleanly, then one bit flipped at `offset` of its file.
fn flip(path: &Path, offset: u64) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[offset as usize] ^= 0x20;
    std::fs::write(path, bytes).unwrap();
}

/// A page rotten on disk: reading every page (the check, the next backup) finds it and names
/// the newest backup, which opens whole; the damaged file is left as it was.
#[test]
fn a_bit_flipped_in_a_page_is_found_by_the_check_and_the_newest_backup_offered() {
    let (dir, db, key, _visit, _proposal) = encrypted_visit();
    let backup = {
        let store = Store::open_with(&db, &OpenOptions::keyed(key.clone())).unwrap();
        store.back_up(NOW).unwrap()
    };
    let size = std::fs::metadata(&db).unwrap().len();
    // Inside a page in the middle of the file (not the first, which holds the salt).
    flip(&db, size / 2 + 1234);
    let before = std::fs::read(&db).unwrap();
    let store = Store::open_with(&db, &OpenOptions::keyed(key.clone())).unwrap();
    let name = backup.file_name().unwrap().to_string_lossy().into_owned();
    for err in [store.check(false).unwrap_err(), store.back_up(NOW).unwrap_err()] {
        assert_eq!(err.code(), safeserve_core::ErrorCode::DatabaseCorrupt, "{err:?}");
        assert!(err.message().zh.contains("已损坏") && err.message().zh.contains(&name), "{}", err.message().zh);
        assert!(err.message().en.contains("damaged") && err.message().en.contains(&name), "{}", err.message().en);
    }
    drop(store);
    assert_eq!(std::fs::read(&db).unwrap(), before, "the damaged file is left as it was");
    assert_eq!(safeserve_store::backups::list(&db).len(), 1, "no partial backup left behind");
    // The backup it offers opens and is whole.
    let restored = Store::open_with(&backup, &OpenOptions { create: false, ..OpenOptions::keyed(key) }).unwrap();
    restored.check(true).unwrap();
    drop(dir);
}

#[test]
fn a_bit_flipped_in_the_write_ahead_log_is_found_before_sqlite_reads_it() {
    let (_dir, db, key, visit, proposal) = encrypted_visit();
    let wal = {
        let mut store = Store::open_with(&db, &OpenOptions::keyed(key.clone())).unwrap();
        store.check(false).unwrap();
        for n in 0..5 {
            let form = NewHazard { description: format!("崩溃前保存{n}"), ..proposal.clone() };
            store.add_hazard(visit, &form, HazardId(uuid::Uuid::now_v7()), NOW, today()).unwrap();
        }
        // As after a crash: the log not checkpointed into the file.
        let wal = std::fs::read(safeserve_store::wal_path(&db)).unwrap();
        std::mem::forget(store);
        wal
    };
    assert!(wal.len() > 32 + 5 * 4096, "the saves are in the log: {}", wal.len());
    let mut damaged = wal.clone();
    damaged[32 + 24 + 2000] ^= 0x01; // inside the first frame's page
    std::fs::write(safeserve_store::wal_path(&db), &damaged).unwrap();
    let before = std::fs::read(&db).unwrap();
    let err = Store::open_with(&db, &OpenOptions::keyed(key.clone())).err().expect("a damaged log is refused");
    assert_eq!(err.code(), safeserve_core::ErrorCode::DatabaseCorrupt, "{err:?}");
    assert!(err.message().zh.contains("预写日志"), "{}", err.message().zh);
    assert_eq!(std::fs::read(&db).unwrap(), before, "nothing checkpointed");
    assert_eq!(std::fs::read(safeserve_store::wal_path(&db)).unwrap(), damaged, "the log left as it was");
    // The log as it was written opens with every save in it.
    std::fs::write(safeserve_store::wal_path(&db), &wal).unwrap();
    let store = Store::open_with(&db, &OpenOptions::keyed(key)).unwrap();
    store.check(true).unwrap();
}

/// A backup taken while another connection keeps saving holds every save acknowledged before
/// it began, restores in place of the database (which is moved aside, not deleted) and passes
/// `integrity_check`.
#[test]
fn a_backup_taken_under_steady_saving_restores_whole_with_every_earlier_save() {
    let (_dir, db, key, visit, proposal) = encrypted_visit();
    // Opened before the saving starts: opening writes (templates, the recording flag), the
    // backup itself only reads.
    let store = Store::open_with(&db, &OpenOptions::keyed(key.clone())).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let writer = {
        let (db, key, stop, acknowledged) = (db.clone(), key.clone(), stop.clone(), acknowledged.clone());
        std::thread::spawn(move || {
            let mut store = Store::open_with(&db, &OpenOptions::keyed(key)).unwrap();
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let form = NewHazard { description: format!("备份期间保存{n}"), ..proposal.clone() };
                store.add_hazard(visit, &form, nth(n), NOW, today()).unwrap();
                acknowledged.lock().unwrap().push(n);
                n += 1;
            }
        })
    };
    while acknowledged.lock().unwrap().len() < 50 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let before: Vec<u64> = acknowledged.lock().unwrap().clone();
    let backup = store.back_up(NOW).unwrap();
    let during = acknowledged.lock().unwrap().len();
    std::thread::sleep(std::time::Duration::from_millis(100));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    let after = acknowledged.lock().unwrap().len();
    drop(store);
    assert!(after > during, "the saving went on after the backup: {during} → {after}");

    let holding = safeserve_store::backups::holding(&backup, Some(&key)).unwrap();
    assert!(holding.hazards >= before.len() as i64, "{holding:?}");
    let aside =
        safeserve_store::backups::restore(&db, &backup, Some(&key), NOW).unwrap().replaced.expect("moved aside");
    let restored = Store::open_with(&db, &OpenOptions::keyed(key.clone())).unwrap();
    restored.check(true).unwrap();
    for n in &before {
        assert_eq!(restored.hazard(nth(*n), today()).unwrap().description, format!("备份期间保存{n}"));
    }
    // What was saved after the backup is not in it, and not lost: the replaced file holds it.
    let last = nth(after as u64 - 1);
    assert!(restored.hazard(last, today()).is_err());
    let replaced = Store::open_with(&aside, &OpenOptions { create: false, ..OpenOptions::keyed(key) }).unwrap();
    assert!(replaced.hazard(last, today()).is_ok());
}

#[test]
fn a_damaged_backup_is_not_restored_and_the_database_is_left_alone() {
    let (_dir, db, key, _visit, _proposal) = encrypted_visit();
    let backup = Store::open_with(&db, &OpenOptions::keyed(key.clone())).unwrap().back_up(NOW).unwrap();
    let size = std::fs::metadata(&backup).unwrap().len();
    flip(&backup, size / 2 + 99);
    let before = std::fs::read(&db).unwrap();
    let err = safeserve_store::backups::restore(&db, &backup, Some(&key), NOW).unwrap_err();
    assert_eq!(err.code(), safeserve_core::ErrorCode::DatabaseCorrupt, "{err:?}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn the_daily_backup_is_taken_once_a_day_and_the_oldest_pruned() {
    let (_dir, db, key, _visit, _proposal) = encrypted_visit();
    let store = Store::open_with(&db, &OpenOptions::keyed(key.clone())).unwrap();
    let first = store.daily_backup(NOW, 2).unwrap().expect("none yet: taken");
    assert!(store.daily_backup(NOW, 2).unwrap().is_none(), "one a day");
    // Backups of three days: only the newest two are kept.
    let age = |path: &Path, days: u64| {
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(days * 24 * 3600)).unwrap();
    };
    age(&first, 3);
    let second = store.daily_backup(NOW, 2).unwrap().expect("a day old: taken again");
    age(&second, 2);
    store.daily_backup(NOW, 2).unwrap().expect("taken again");
    let kept = safeserve_store::backups::list(&db);
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(!kept.iter().any(|b| b.path == first), "the oldest pruned");
    for b in kept {
        assert!(safeserve_store::backups::holding(&b.path, Some(&key)).is_ok());
    }
}
