//! A laptop's database encrypted at rest: made from a plain one in place, unreadable without
//! its key, opened only by a user's password through the key file.

use crate::common::{fresh_db, NOW};
use rusqlite::Connection;
use safeserve_core::sync::Role;
use safeserve_store::encryption::encrypt_in_place;
use safeserve_store::keys::{key_file_path, DbKey, KeyFile};
use safeserve_store::views::{EnterpriseQuery, NewUser};
use safeserve_store::{is_encrypted, OpenOptions, Store, StoreError};
use std::path::Path;

/// Every file in `dir` that holds `needle`'s bytes.
fn files_holding(dir: &Path, needle: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let bytes = std::fs::read(p).unwrap();
            bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn an_encrypted_database_holds_nothing_in_clear_and_opens_only_with_its_key() {
    let (dir, db) = fresh_db();
    let (id_number, enterprise): (String, String) = {
        let c = Connection::open(&db).unwrap();
        (
            c.query_row("SELECT id_number FROM people ORDER BY seq LIMIT 1", [], |r| r.get(0)).unwrap(),
            c.query_row("SELECT name FROM enterprises ORDER BY seq LIMIT 1", [], |r| r.get(0)).unwrap(),
        )
    };
    let counts = Store::open(&db).unwrap().counts().unwrap();
    // A plain backup from an earlier migration lies beside it, as on a laptop that upgraded.
    std::fs::copy(&db, dir.path().join("t.db.bak-v10")).unwrap();
    assert!(!files_holding(dir.path(), &id_number).is_empty(), "the plain files hold the number");

    let key = DbKey::random();
    encrypt_in_place(&db, &key, || KeyFile::new(&db).seal("wang", "correct horse 42", &key)).unwrap();
    assert!(is_encrypted(&db));
    assert!(key_file_path(&db).exists());
    assert_eq!(files_holding(dir.path(), &id_number), Vec::<String>::new(), "an ID number in clear");
    let name_bytes = &enterprise[..enterprise.len().min(12)];
    assert_eq!(files_holding(dir.path(), name_bytes), Vec::<String>::new(), "an enterprise name in clear");

    // Without a key the database waits for a sign-in; with another key it is refused untouched.
    let before = std::fs::read(&db).unwrap();
    let err = Store::open(&db).err().expect("refused");
    assert!(matches!(err, StoreError::NeedsKey { .. }), "{err:?}");
    let err = Store::open_with(&db, &OpenOptions::keyed(DbKey::random())).err().expect("refused");
    assert!(matches!(err, StoreError::KeyMismatch { .. }), "{err:?}");
    assert!(err.message().zh.contains("其他电脑"), "{}", err.message().zh);
    assert_eq!(std::fs::read(&db).unwrap(), before, "a refused open changes nothing");

    // The password opens the key file's seal, and the key the database, with everything in it.
    let key = KeyFile::load(&db).unwrap().unwrap().unlock("wang", "correct horse 42", 0).unwrap();
    let mut store = Store::open_with(&db, &OpenOptions::keyed(key.clone())).unwrap();
    assert_eq!(store.counts().unwrap(), counts);
    let found = store.search_enterprises(&EnterpriseQuery { text: enterprise.clone(), ..Default::default() }).unwrap();
    assert!(found.iter().any(|e| e.name == enterprise), "the search index came across");
    let user = NewUser {
        name: "li".into(),
        display_name: "李".into(),
        role: Role::Technician,
        person_id: None,
        password: "another one".into(),
    };
    store.add_user(&user, NOW).unwrap();
    let reader = Store::open_reader(&db, Some(&key)).unwrap();
    assert!(reader.users().unwrap().iter().any(|u| u.name == "li"), "the reader sees the new user");
    drop((store, reader));
    // The WAL written since is ciphertext too, and so is the old backup.
    assert_eq!(files_holding(dir.path(), "another one"), Vec::<String>::new());
    let backup = dir.path().join("t.db.bak-v10");
    assert!(!std::fs::read(&backup).unwrap().starts_with(b"SQLite format 3"), "the backup is encrypted");
    assert_eq!(Store::open_reader(&backup, Some(&key)).unwrap().counts().unwrap(), counts);
}

#[test]
fn a_key_file_written_without_the_swap_leaves_the_plain_database_whole() {
    let (_dir, db) = fresh_db();
    let counts = Store::open(&db).unwrap().counts().unwrap();
    let key = DbKey::random();
    let stopped = encrypt_in_place(&db, &key, || {
        Err(StoreError::KeyFile { path: key_file_path(&db), reason: "disk full".into() })
    });
    assert!(stopped.is_err());
    assert!(!is_encrypted(&db), "the plain file is still the database");
    assert_eq!(Store::open(&db).unwrap().counts().unwrap(), counts);
}

/// The photo files go with the database: sealed when it is encrypted, opened through the key,
/// and a photo taken afterwards is sealed as it is stored.
#[test]
fn the_photos_are_sealed_with_the_database_and_read_back_through_its_key() {
    use safeserve_store::photos::Copy;
    let (_dir, db) = fresh_db();
    let png = |seed: u8| {
        let img =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x as u8).wrapping_mul(seed), (y * 5) as u8, seed]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let before = png(3);
    let (sha, thumb) = {
        let mut store = Store::open(&db).unwrap();
        let sha = store.ingest_photo(&before, None, NOW, "2026-11-23 10:05".into()).unwrap().photo.sha256;
        let thumb = store.read_photo(&sha, Copy::Thumb).unwrap();
        (sha, thumb)
    };
    let files = Store::photo_files_of(&db);
    let original = files.paths(&sha, safeserve_media::PhotoFormat::Png).original;
    assert_eq!(std::fs::read(&original).unwrap(), before, "in clear before");

    let key = DbKey::random();
    encrypt_in_place(&db, &key, || KeyFile::new(&db).seal("wang", "correct horse 42", &key)).unwrap();
    assert!(safeserve_media::is_sealed(&std::fs::read(&original).unwrap()), "the original is sealed");
    let mut store = Store::open_with(&db, &OpenOptions::keyed(key)).unwrap();
    assert_eq!(store.read_photo(&sha, Copy::Original).unwrap(), before, "the original reads back byte for byte");
    assert_eq!(store.read_photo(&sha, Copy::Thumb).unwrap(), thumb);

    let after = png(9);
    let taken = store.ingest_photo(&after, None, NOW, "2026-11-23 10:06".into()).unwrap().photo.sha256;
    let path = store.photo_path(&taken, Copy::Display).unwrap();
    assert!(safeserve_media::is_sealed(&std::fs::read(&path).unwrap()), "a photo taken afterwards is sealed");
    assert_eq!(store.read_photo(&taken, Copy::Original).unwrap(), after);
    // Another laptop's key does not open them, and says so.
    let other = files.sealed_with(DbKey::random().photo_key());
    let e = other.read(&path).unwrap_err();
    assert_eq!(e.code(), safeserve_core::ErrorCode::PhotoMissing);
}
