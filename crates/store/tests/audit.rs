//! The audit log: appended and chained; a change made around its triggers is found.

use crate::common::NOW;
use safeserve_core::audit::{AuditAct, AuditEntry};
use safeserve_core::sync::Role;
use safeserve_store::Store;

fn entry(act: AuditAct, subject: &str) -> AuditEntry {
    AuditEntry {
        at: NOW.into(),
        user_id: Some("u1".into()),
        user_name: "王检查".into(),
        role: Some(Role::Inspector),
        act,
        subject: subject.into(),
        detail: String::new(),
    }
}

#[test]
fn entries_are_appended_in_order_and_the_file_refuses_to_change_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("laptop.db");
    let mut store = Store::open(&db).unwrap();
    for (act, subject) in [(AuditAct::SignIn, ""), (AuditAct::Sign, "doc-1"), (AuditAct::Export, "a.pdf")] {
        store.record_audit(&entry(act, subject)).unwrap();
    }
    let log = store.audit_log(2).unwrap();
    assert_eq!((log.total, log.broken_at), (3, None));
    assert_eq!(log.entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 2], "newest first, as many as asked");
    drop(store);

    let conn = rusqlite::Connection::open(&db).unwrap();
    for sql in ["UPDATE audit_log SET subject = 'doc-2' WHERE seq = 2", "DELETE FROM audit_log WHERE seq = 2"] {
        let e = conn.execute(sql, []).unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
}

#[test]
fn an_entry_edited_or_removed_around_the_triggers_is_found_where_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("laptop.db");
    let mut store = Store::open(&db).unwrap();
    for i in 1..=5 {
        store.record_audit(&entry(AuditAct::Export, &format!("file-{i}.pdf"))).unwrap();
    }
    drop(store);

    // Someone with the file and sqlite3 takes the triggers off and edits an entry.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_never_changes; DROP TRIGGER audit_log_never_shrinks;
         UPDATE audit_log SET subject = 'other.pdf' WHERE seq = 3;",
    )
    .unwrap();
    assert_eq!(Store::open(&db).unwrap().audit_log(10).unwrap().broken_at, Some(3));

    // Put back, but the entry before it taken out instead.
    let subject_3 = "file-3.pdf";
    conn.execute("UPDATE audit_log SET subject = ?1 WHERE seq = 3", [subject_3]).unwrap();
    assert_eq!(Store::open(&db).unwrap().audit_log(10).unwrap().broken_at, None);
    conn.execute("DELETE FROM audit_log WHERE seq = 2", []).unwrap();
    assert_eq!(Store::open(&db).unwrap().audit_log(10).unwrap().broken_at, Some(3));
}

#[test]
fn a_corrected_contact_is_in_the_audit_log_with_the_values_it_replaced() {
    use safeserve_store::views::{EnterpriseContact, EnterpriseQuery};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    safeserve_demo::generate(
        &db,
        safeserve_demo::DemoSize::Small,
        safeserve_demo::DEFAULT_SEED,
        crate::common::today(),
    )
    .unwrap();
    let mut store = Store::open(&db).unwrap();
    let e = store.search_enterprises(&EnterpriseQuery::default()).unwrap().remove(0);
    let file = store.enterprise_file(e.id, crate::common::today()).unwrap();
    let by = safeserve_core::audit::Actor {
        user_id: Some("u1".into()),
        user_name: "王检查".into(),
        role: Some(Role::Inspector),
    };
    let contact = EnterpriseContact {
        address: e.address.clone(),
        principal: "新负责人".into(),
        safety_contact: file.safety_contact.clone(),
        phone: file.phone.clone(),
    };
    store.correct_enterprise_contact(e.id, &contact, &by, NOW).unwrap();
    // The same details again change nothing and log nothing.
    store.correct_enterprise_contact(e.id, &contact, &by, NOW).unwrap();
    let log = store.audit_log(10).unwrap();
    let changes: Vec<_> = log.entries.iter().filter(|v| v.entry.act == AuditAct::ChangeRegister).collect();
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0].entry.detail, format!("主要负责人：{} → 新负责人", file.principal));
    assert_eq!(changes[0].entry.user_name, "王检查");
}
