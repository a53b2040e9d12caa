//! Who signs in to a laptop: users with Argon2id passwords, and wrong passwords that slow the
//! next try down.

use crate::common::NOW;
use safeserve_core::sync::Role;
use safeserve_core::ErrorCode;
use safeserve_store::views::NewUser;
use safeserve_store::Store;

fn form(name: &str, password: &str) -> NewUser {
    NewUser {
        name: name.into(),
        display_name: "王检查".into(),
        role: Role::Inspector,
        person_id: None,
        password: password.into(),
    }
}

#[test]
fn a_user_signs_in_with_their_password_and_the_file_holds_only_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("laptop.db");
    let mut store = Store::open(&db).unwrap();
    assert!(store.users().unwrap().is_empty(), "a new laptop has no user yet");
    let added = store.add_user(&form("wang", "correct horse 42"), NOW).unwrap();
    assert_eq!((added.role, added.display_name.as_str()), (Role::Inspector, "王检查"));

    let signed = store.sign_in("WANG", "correct horse 42", 0).unwrap();
    assert_eq!(signed.id, added.id, "names are matched whatever their case");
    let wrong = store.sign_in("wang", "correct horse 43", 0).unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::SignInFailed);
    let unknown = store.sign_in("li", "correct horse 42", 0).unwrap_err();
    assert_eq!(unknown.message(), wrong.message(), "an unknown name is not told from a wrong password");

    drop(store);
    let bytes = std::fs::read(&db).unwrap();
    let wal = std::fs::read(db.with_extension("db-wal")).unwrap_or_default();
    for file in [&bytes, &wal] {
        assert!(!file.windows(16).any(|w| w == b"correct horse 42"), "the password is never stored");
    }
    assert!(bytes.windows(10).any(|w| w == b"$argon2id$") || wal.windows(10).any(|w| w == b"$argon2id$"));
}

#[test]
fn after_three_wrong_passwords_each_try_waits_and_the_wait_outlives_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("laptop.db");
    let mut store = Store::open(&db).unwrap();
    store.add_user(&form("wang", "123456"), NOW).unwrap();
    for _ in 0..2 {
        assert_eq!(store.sign_in("wang", "654321", 1_000).unwrap_err().code(), ErrorCode::SignInFailed);
    }
    let third = store.sign_in("wang", "654321", 1_000).unwrap_err();
    assert_eq!(third.code(), ErrorCode::SignInThrottled);
    assert!(third.message().zh.contains("1 秒"), "{}", third.message().zh);

    // Reopened (the app quit and started again), the wait holds, even for the right password.
    drop(store);
    let mut store = Store::open(&db).unwrap();
    assert_eq!(store.sign_in("wang", "123456", 1_500).unwrap_err().code(), ErrorCode::SignInThrottled);
    // Once it is over, the right password is taken and the count starts again.
    assert!(store.sign_in("wang", "123456", 2_000).is_ok());
    assert_eq!(store.sign_in("wang", "654321", 2_000).unwrap_err().code(), ErrorCode::SignInFailed);
}

#[test]
fn a_short_password_an_empty_name_or_a_taken_name_is_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("laptop.db")).unwrap();
    let short = store.add_user(&form("wang", "12345"), NOW).unwrap_err();
    assert_eq!((short.code(), short.field()), (ErrorCode::InvalidInput, Some("password")));
    assert_eq!(store.add_user(&form(" ", "123456"), NOW).unwrap_err().field(), Some("name"));
    store.add_user(&form("wang", "123456"), NOW).unwrap();
    let taken = store.add_user(&form("Wang", "abcdef"), NOW).unwrap_err();
    assert_eq!(taken.field(), Some("name"));
    assert_eq!(store.users().unwrap().len(), 1, "nothing was added by a refused form");
}
