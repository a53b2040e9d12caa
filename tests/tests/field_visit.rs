//! The on-site visit of a dust-explosion enterprise, from the first click to the signed hazard
//! list opened, in the real window (see `safeserve_e2e::field_run`): it can be done, with no
//! scroll to reach the next action and within 40 interactions beyond typed text. The time it
//! takes is the field-visit benchmark's to report, not this test's.

use anyhow::Result;
use safeserve_e2e::{field_run, App};
use safeserve_store::documents::DocumentsOf;

#[tokio::test(flavor = "multi_thread")]
async fn a_technician_records_and_signs_a_dust_explosion_visit_without_scrolling() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let today = safeserve_e2e::today();
    let field_run::Setting { db, enterprise, photos } = field_run::prepare(dir.path(), today)?;
    let app = App::launch_signing(&db, dir.path()).await?;
    app.sign_in("technician").await?;
    let result = field_run::run(&app, &enterprise, &photos, Some("field-visit")).await;
    if result.is_err() {
        let _ = app.screenshot("field-visit-failure.png").await;
    }
    app.close().await?;
    let counts = result?;
    println!("{counts:?}");
    anyhow::ensure!(counts.scrolls == 0, "the next action was out of reach {} times", counts.scrolls);
    anyhow::ensure!(counts.interactions() <= 40, "{} interactions beyond typed text", counts.interactions());

    // What the window did is in the record: one signed, valid hazard list of three hazards
    // with six photos, every item answered.
    let store = safeserve_e2e::open_db(&db)?;
    let visit = store.visits(Some(enterprise.id), 1)?.pop().expect("the visit is recorded");
    let docs = store.documents(DocumentsOf::Visit(visit.id))?;
    anyhow::ensure!(docs.len() == 1, "one document: {docs:?}");
    let v = store.verify(docs[0].id, None, &safeserve_e2e::app_trust(dir.path())?)?;
    anyhow::ensure!(v.verdict == safeserve_core::document::Verdict::Valid, "{:?}", v.reasons);
    let detail = store.visit(visit.id, today)?;
    anyhow::ensure!(detail.hazards.len() == 3, "three hazards");
    anyhow::ensure!(detail.hazards.iter().all(|h| h.photos_before.len() == 2), "two photos each");
    Ok(())
}
