//! Registers through Excel in the real desktop window: a clerk's workbook chosen in the file
//! input, its preview (new, changed field by field, unchanged, refused with the problem by row
//! and column), nothing written until 确认导入, then the register and the audit log as the
//! confirmation left them; a ledger exported; a technician refused by Rust when asking directly.

use anyhow::{ensure, Context, Result};
use fantoccini::Locator;
use safeserve_core::import::ImportKind;
use safeserve_core::CreditCode;
use safeserve_demo::{self as demo, DemoSize};
use safeserve_e2e::{desktop_binary, today, until, App};
use safeserve_store::views::EnterpriseQuery;

/// Where column `key` sits in a ledger's row.
fn at(key: &str) -> usize {
    ImportKind::Enterprises.columns().iter().position(|c| c.key == key).expect("a column of the register")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_clerks_workbook_is_previewed_row_by_row_and_taken_only_when_confirmed() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;

    // The clerk's file: the register as the laptop's own ledger writes it, one principal
    // changed, one enterprise new, one code mistyped, and one row twice.
    let (registered, workbook) = {
        let store = safeserve_e2e::open_db(&db)?;
        let mut rows = Vec::new();
        store.enterprise_ledger("", |r| rows.push(r))?;
        let registered = store.counts()?.enterprises;
        let mut changed = rows[0].clone();
        changed[at("principal")] = "钱塘新".into();
        let unchanged = rows[1].clone();
        let mut new = rows[2].clone();
        new[at("credit_code")] = CreditCode::complete("91330106MA2HNT8K1").context("a code")?.as_str().to_owned();
        new[at("name")] = "杭州新登记试验化工有限公司".into();
        let mut mistyped = rows[3].clone();
        let code = &mut mistyped[at("credit_code")];
        let last = if code.ends_with('0') { '1' } else { '0' };
        code.pop();
        code.push(last);
        let mut ledger = safeserve_sheets::write::Ledger::new(ImportKind::Enterprises)?;
        for row in [&changed, &unchanged, &new, &mistyped, &unchanged] {
            ledger.push(row);
        }
        let path = dir.path().join("西湖区企业名录.xlsx");
        ledger.finish(&path)?;
        (registered, path)
    };

    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    let result = async {
        app.sign_in("supervisor").await?;
        app.click("[data-testid=nav-imports]").await?;
        app.wait_for("[data-testid=import-card]").await?;
        // A file that is not a workbook is named as such, in both languages.
        let text = dir.path().join("名录.xlsx");
        std::fs::write(&text, "统一社会信用代码,企业名称\n")?;
        app.wait_for("[data-testid=import-input]").await?.send_keys(&text.display().to_string()).await?;
        let refused =
            app.text("[data-testid=import-card] [data-testid=command-error][data-code=workbook_unreadable]").await?;
        ensure!(refused.contains("这不是 Excel 工作簿"), "{refused}");
        app.wait_for("[data-testid=import-input]").await?.send_keys(&workbook.display().to_string()).await?;
        let preview = app.wait_for("[data-testid=import-preview]").await?;
        let counts: Vec<String> = {
            let mut c = Vec::new();
            for a in ["data-new", "data-changed", "data-unchanged", "data-refused"] {
                c.push(preview.attr(a).await?.unwrap_or_default());
            }
            c
        };
        ensure!(counts == ["1", "1", "1", "2"], "new, changed, unchanged, refused: {counts:?}");
        // Problems come first, by row and column, in Chinese.
        app.wait_for("[data-testid=import-rows-refused] [data-testid=import-row]").await?;
        let problems = app.text("[data-testid=import-rows-refused]").await?;
        ensure!(problems.contains("统一社会信用代码（A 列）") && problems.contains("校验位错误"), "{problems}");
        ensure!(problems.contains("与第 3 行的信用代码相同"), "the row twice is named: {problems}");
        app.look("import-preview.png").await?;
        // Nothing is written by the preview.
        let search = |text: &str| {
            let app = &app;
            let query = EnterpriseQuery { text: text.to_owned(), ..Default::default() };
            async move {
                let hits = app.invoke("search_enterprises", serde_json::json!({ "query": query })).await?;
                anyhow::Ok(hits.map_err(anyhow::Error::msg)?.as_array().map_or(0, Vec::len))
            }
        };
        ensure!(search("新登记试验化工").await? == 0, "the preview wrote the new enterprise");

        app.click("[data-testid=import-tab-changed]").await?;
        let change = app.text("[data-testid=import-rows-changed] [data-testid=import-change]").await?;
        ensure!(change.starts_with("主要负责人") && change.contains("钱塘新"), "{change}");
        app.look("import-preview-changed.png").await?;

        app.click("[data-testid=import-confirm]").await?;
        let done = app.text("[data-testid=import-done]").await?;
        ensure!(done.contains("新增 1") && done.contains("更新 1") && done.contains("未导入 2"), "{done}");
        ensure!(search("新登记试验化工").await? == 1, "the new enterprise is searchable");
        let log = app.invoke("audit_log", serde_json::json!({})).await?.map_err(anyhow::Error::msg)?;
        let entries = log["entries"].as_array().context("audit entries")?;
        let change =
            entries.iter().find(|e| e["act"] == "change_register").context("the change is in the audit log")?;
        let detail = change["detail"].as_str().unwrap_or_default();
        ensure!(detail.starts_with("主要负责人：") && detail.ends_with("→ 钱塘新"), "{detail}");
        ensure!(change["user_name"] == "演示监管负责人", "{change}");
        app.look("import-done.png").await?;

        // The same file again: nothing left to take.
        app.wait_for("[data-testid=import-input]").await?.send_keys(&workbook.display().to_string()).await?;
        let again = app.wait_for("[data-testid=import-preview][data-unchanged='3']").await?;
        ensure!(again.attr("data-new").await?.as_deref() == Some("0"), "nothing new the second time");
        ensure!(
            app.client.find(Locator::Css("[data-testid=import-confirm][disabled]")).await.is_ok(),
            "nothing to take"
        );
        app.click("[data-testid=import-drop]").await?;

        // The ledger: every enterprise, in the template's columns.
        app.click("[data-testid=ledger-export]").await?;
        let written = app.wait_for("[data-testid=ledger-written]").await?.attr("data-path").await?.unwrap_or_default();
        let mut rows = 0;
        safeserve_sheets::read_register::<safeserve_sheets::SheetError>(
            std::path::Path::new(&written),
            ImportKind::Enterprises,
            |_, _, _| {
                rows += 1;
                Ok(())
            },
        )?;
        ensure!(rows == registered + 1, "{rows} rows in the ledger for {} enterprises", registered + 1);
        let _ = std::fs::remove_file(&written);

        // A technician exports ledgers but is not offered the import, and Rust refuses it.
        app.click("[data-testid=sign-out]").await?;
        app.sign_in("technician").await?;
        app.click("[data-testid=nav-imports]").await?;
        app.wait_for("[data-testid=ledger-card]").await?;
        ensure!(app.client.find(Locator::Css("[data-testid=import-card]")).await.is_err(), "no import offered");
        for command in ["preview_import", "confirm_import"] {
            let code = app.invoke(command, serde_json::json!({ "token": "x" })).await?.err().unwrap_or_default();
            ensure!(code == "role_not_allowed", "{command} answered a technician {code}");
        }
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("import-failure.png").await;
    }
    app.close().await?;
    result
}

#[tokio::test(flavor = "multi_thread")]
async fn people_come_in_with_their_posts_and_a_second_full_time_post_is_shown_not_refused() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    let people = ImportKind::People.columns();
    let col = |key: &str| people.iter().position(|c| c.key == key).expect("a column of the people register");
    let new_number = safeserve_core::IdNumber::complete("33010619850505123").context("an ID number")?;
    let workbook = {
        let store = safeserve_e2e::open_db(&db)?;
        // Someone full-time at one agency, as the people ledger shows them (number masked) …
        let mut rows = Vec::new();
        store.people_ledger("", |r| rows.push(r))?;
        let mut second = rows.into_iter().find(|r| r[col("full_time")] == "专职").context("a full-time post")?;
        let other = store
            .search_agencies("", 50, today())?
            .into_iter()
            .find(|a| a.credit_code != second[col("agency")])
            .context("a second agency")?;
        // … now also full-time at a second agency, and someone new there part-time.
        second[col("agency")] = other.credit_code.clone();
        for k in [
            "cert_kind",
            "cert_number",
            "cert_issuer",
            "cert_specialty",
            "cert_level",
            "cert_issued_on",
            "cert_expires_on",
        ] {
            second[col(k)].clear();
        }
        let mut new = vec![String::new(); people.len()];
        for (k, v) in [
            ("id_number", new_number.expose()),
            ("name", "新入职测试"),
            ("phone", "13900000001"),
            ("agency", other.credit_code.as_str()),
            ("role", "兼职人员"),
            ("cert_kind", "安全评价师"),
            ("cert_number", "PJ-E2E-0001"),
            ("cert_issuer", "人力资源和社会保障部"),
        ] {
            new[col(k)] = v.to_owned();
        }
        let mut ledger = safeserve_sheets::write::Ledger::new(ImportKind::People)?;
        ledger.push(&second);
        ledger.push(&new);
        let path = dir.path().join("从业人员.xlsx");
        ledger.finish(&path)?;
        path
    };

    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    let result = async {
        app.sign_in("supervisor").await?;
        app.click("[data-testid=nav-imports]").await?;
        app.click("[data-testid=import-kind-people]").await?;
        app.wait_for("[data-testid=import-kind][data-kind=people]").await?;
        app.wait_for("[data-testid=import-input]").await?.send_keys(&workbook.display().to_string()).await?;
        let preview = app.wait_for("[data-testid=import-preview][data-new='1'][data-changed='1']").await?;
        ensure!(preview.attr("data-refused").await?.as_deref() == Some("0"), "nothing refused");
        app.click("[data-testid=import-tab-changed]").await?;
        let note = app.text("[data-testid=import-rows-changed] [data-testid=import-note]").await?;
        ensure!(note.contains("同时为") && note.contains("专职人员"), "the second full-time post is shown: {note}");
        let page = app.text("[data-testid=imports]").await?;
        ensure!(!page.contains(new_number.expose()), "no whole ID number on screen");
        app.look("import-people-preview.png").await?;
        app.click("[data-testid=import-confirm]").await?;
        let done = app.text("[data-testid=import-done]").await?;
        ensure!(done.contains("新增 1") && done.contains("更新 1"), "{done}");
        let found = app.invoke("search_people", serde_json::json!({ "text": "新入职测试" })).await?;
        let found = found.map_err(anyhow::Error::msg)?;
        ensure!(found.as_array().is_some_and(|a| a.len() == 1), "the new person is in the register: {found}");
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("import-people-failure.png").await;
    }
    app.close().await?;
    result
}

/// 执业告知 and 移除系统平台 on an agency's screen: a county served without a notice is an unmet
/// R1 condition until the supervisor records the notice; the removal, with its reason, shows on
/// the agency and in the agency list, and the laptop then refuses the agency a new contract; a
/// technician asking Rust directly is refused.
#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_records_a_practice_notice_and_removes_an_agency_from_the_platform() -> Result<()> {
    use safeserve_core::qualification::ConditionKind;
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    // An agency given a new client in a county it never notified.
    let (agency, county) = {
        let mut store = safeserve_e2e::open_db(&db)?;
        let a = store.search_agencies("", 50, today())?.into_iter().next().context("an agency")?;
        let notified: Vec<String> = store.agency_acts(a.id)?.into_iter().filter_map(|x| x.county).collect();
        let e = store
            .search_enterprises(&EnterpriseQuery { limit: Some(500), ..Default::default() })?
            .into_iter()
            .find(|e| !notified.iter().any(|c| e.division.starts_with(c.as_str())))
            .context("an enterprise in a county the agency never notified")?;
        let form = safeserve_store::views::NewContract {
            agency_id: a.id,
            enterprise_id: e.id,
            service_types: vec![safeserve_core::register::ServiceType::SafetyManagement],
            content: "安全管理服务".into(),
            visits_per_year: 4,
            starts_on: today().to_string(),
            ends_on: (today() + chrono::Days::new(364)).to_string(),
            fee_fen: 1_200_000,
            acceptance_standard: "出具书面隐患清单".into(),
            terms: Default::default(),
            filed_with: None,
            filed_on: None,
            government_commissioned: false,
        };
        store.add_contract(
            &form,
            safeserve_core::ContractId(uuid::Uuid::now_v7()),
            &safeserve_e2e::now().to_rfc3339(),
            today(),
        )?;
        let county_name = e.division_name.split(" · ").next().unwrap_or_default().to_owned();
        (a, county_name)
    };

    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    let result = async {
        app.sign_in("supervisor").await?;
        app.click("[data-testid=nav-agencies]").await?;
        app.wait_for("[data-testid=agency-search] input, input[data-testid=agency-search]")
            .await?
            .send_keys(&agency.name)
            .await?;
        app.click(&format!("[data-testid=agency-row][data-id='{}'] td", agency.id)).await?;
        app.wait_for("[data-testid=agency-standing]").await?;
        let gap = app.text("[data-testid=unmet-condition][data-kind=practice_notice]").await?;
        ensure!(gap.contains(&county), "the county is named: {gap}");

        // The notice: its county chosen from the division register.
        let before = app.client.find_all(Locator::Css("[data-testid=agency-act]")).await?.len();
        app.click("[data-testid=notice-add]").await?;
        app.settled().await?;
        app.choose("[data-testid=agency-act-county]", &county).await?;
        app.wait_for("[data-testid=agency-act-note]").await?.send_keys("杭应急告〔2026〕118号").await?;
        app.wait_for("[data-testid=agency-act-by]").await?.send_keys("王建国").await?;
        app.click("[data-testid=agency-act-submit]").await?;
        safeserve_e2e::until("the notice is listed and R1 no longer names the county", async || {
            let listed = app.client.find_all(Locator::Css("[data-testid=agency-act]")).await?.len() == before + 1;
            let gap = app.client.find(Locator::Css("[data-testid=unmet-condition][data-kind=practice_notice]")).await;
            Ok(listed && gap.is_err())
        })
        .await?;

        // The removal: refused without a reason in the form, then recorded with one.
        app.click("[data-testid=platform-remove]").await?;
        app.settled().await?;
        app.wait_for("[data-testid=agency-act-by]").await?.send_keys("王建国").await?;
        app.click("[data-testid=agency-act-submit]").await?;
        app.wait_for(".ant-form-item-explain-error").await?;
        app.wait_for("[data-testid=agency-act-note]")
            .await?
            .send_keys("连续两次函告逾期未回复，经局务会研究决定")
            .await?;
        app.click("[data-testid=agency-act-submit]").await?;
        let alert = app.text("[data-testid=removal-alert]").await?;
        ensure!(alert.contains("移除系统平台") && alert.contains("连续两次函告逾期未回复"), "{alert}");
        app.wait_for("[data-testid=agency-detail] [data-testid=removal-tag]").await?;
        app.look("agency-removed.png").await?;

        // A restoration with too short a reason: Rust refuses it, under the field, as typed.
        app.click("[data-testid=platform-restore]").await?;
        app.settled().await?;
        app.wait_for("[data-testid=agency-act-note]").await?.send_keys("恢复").await?;
        app.wait_for("[data-testid=agency-act-by]").await?.send_keys("王建国").await?;
        app.click("[data-testid=agency-act-submit]").await?;
        safeserve_e2e::until("the refusal is under the reason", async || {
            Ok(app.text(".ant-form-item-explain-error").await.unwrap_or_default().contains("请写明恢复系统平台的理由"))
        })
        .await?;
        let kept = app.wait_for("[data-testid=agency-act-note]").await?.prop("value").await?.unwrap_or_default();
        ensure!(kept == "恢复", "the reason stays as typed: {kept:?}");
        app.click(".ant-modal-close").await?;

        // In the list too; and the laptop now refuses the agency a new contract.
        app.click("[data-testid=nav-agencies]").await?;
        app.wait_for(&format!("[data-testid=agency-row][data-id='{}'] [data-testid=removal-tag]", agency.id)).await?;
        let store = safeserve_e2e::open_db(&db)?;
        let detail = store.agency_detail(agency.id, today())?;
        ensure!(detail.unmet.iter().all(|u| u.kind != ConditionKind::PracticeNotice), "{:?}", detail.unmet);
        let removal = detail.agency.removal.context("removed")?;
        ensure!(removal.decided_by == "王建国", "{removal:?}");
        let mut form = store.agency_detail(agency.id, today())?.contracts.into_iter().next().context("a contract")?;
        form.starts_on = today().to_string();
        let problems = store.contract_problems(&safeserve_store::views::NewContract {
            agency_id: agency.id,
            enterprise_id: form.enterprise_id,
            service_types: form.service_types,
            content: form.content,
            visits_per_year: form.visits_per_year,
            starts_on: today().to_string(),
            ends_on: (today() + chrono::Days::new(364)).to_string(),
            fee_fen: 1_000_000,
            acceptance_standard: form.acceptance_standard,
            terms: form.terms,
            filed_with: None,
            filed_on: None,
            government_commissioned: false,
        })?;
        ensure!(problems.iter().any(|p| p.zh.contains("移除系统平台")), "{problems:?}");

        // A technician asking Rust directly is refused.
        app.click("[data-testid=sign-out]").await?;
        app.sign_in("technician").await?;
        let form = serde_json::json!({ "form": { "agency_id": agency.id.to_string(), "kind": "platform_restoration",
            "county": null, "note": "自行恢复平台", "decided_by": "x", "decided_on": today().to_string() } });
        let code = app.invoke("record_agency_act", form).await?.err().unwrap_or_default();
        ensure!(code == "role_not_allowed", "a technician got {code}");
        ensure!(safeserve_e2e::open_db(&db)?.agency_summary(agency.id, today())?.removal.is_some(), "still removed");
        Ok(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("agency-standing-failure.png").await;
    }
    app.close().await?;
    result
}

/// 登记服务机构 and 编辑登记信息: a supervisor registers an agency in the form (R1 then names
/// its small office), grows the office in an edit, and the agency's history shows both with
/// the old value; a taken credit code is refused under its field; a technician asking Rust
/// directly is refused.
#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_registers_an_agency_by_hand_and_its_edits_keep_their_history() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    let taken = safeserve_e2e::open_db(&db)?.search_agencies("", 1, today())?.remove(0).credit_code;
    let code = CreditCode::complete("91330106MA2HNT8Q1").context("a code")?.as_str().to_owned();
    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    let result = async {
        app.sign_in("supervisor").await?;
        app.click("[data-testid=nav-agencies]").await?;
        app.click("[data-testid=agency-new]").await?;
        app.wait_for("[data-testid=agency-form]").await?;
        app.settled().await?;
        let field = |id: &str| format!("[data-testid={id}] input, input[data-testid={id}]");
        app.wait_for(&field("agency-form-credit-code")).await?.send_keys(&taken).await?;
        app.wait_for(&field("agency-form-name")).await?.send_keys("杭州新启安全技术服务有限公司").await?;
        app.wait_for(&field("agency-form-address")).await?.send_keys("西湖区文三路 1 号").await?;
        app.retype(&field("agency-form-area"), "90").await?;
        app.choose("[data-testid=agency-form-division]", "西湖区").await?;
        app.click("[data-testid=agency-form-services] label").await?;
        app.wait_for(&field("agency-form-fee-safety_management")).await?.send_keys("30000").await?;
        app.click("[data-testid=agency-form-submit]").await?;
        // The code belongs to a registered agency: said under the field, the form kept.
        until("the taken code is named", async || {
            Ok(app.text("[data-testid=agency-form]").await.unwrap_or_default().contains("该信用代码已登记"))
        })
        .await?;
        app.retype(&field("agency-form-credit-code"), &code).await?;
        app.click("[data-testid=agency-form-submit]").await?;
        app.wait_for("[data-testid=agency-detail] [data-testid=agency-history][data-count='1']").await?;
        ensure!(app.text("[data-testid=agency-detail-name]").await?.contains("杭州新启"), "the new agency is shown");
        let unmet = app.text("[data-testid=agency-unmet]").await?;
        ensure!(unmet.contains("100"), "R1 names the 90 m² office: {unmet}");

        app.click("[data-testid=agency-edit]").await?;
        app.wait_for("[data-testid=agency-form]").await?;
        app.settled().await?;
        app.retype(&field("agency-form-area"), "150").await?;
        app.click("[data-testid=agency-form-submit]").await?;
        app.wait_for("[data-testid=agency-history][data-count='2']").await?;
        let history = app.text("[data-testid=agency-history]").await?;
        ensure!(history.contains("90 → 150") && history.contains("登记新记录"), "{history}");
        app.look("agency-history.png").await?;

        app.click("[data-testid=sign-out]").await?;
        app.sign_in("technician").await?;
        let form = serde_json::json!({
            "credit_code": code, "name": "x", "address": "x", "office_area_m2": 500.0, "division": "330106",
            "service_types": ["safety_management"], "high_risk_industries": [], "platform_registered": true,
            "documents": [], "fees": []
        });
        let answer = app.invoke("save_agency", serde_json::json!({ "form": form, "id": null })).await?;
        ensure!(answer.err().as_deref() == Some("role_not_allowed"), "a technician may not register an agency");
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("agency-form-failure.png").await;
    }
    app.close().await?;
    result
}

/// 添加证书 in the people register: an engineering title without its specialty is refused
/// under that field by Rust, with what was typed kept; with it, the certificate shows on the
/// person and the change is in the audit log with the person's masked ID number.
#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_is_added_to_a_registered_person_by_hand() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    let person = safeserve_e2e::open_db(&db)?.search_people("", 1, today())?.remove(0);
    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    let result = async {
        app.sign_in("supervisor").await?;
        app.click("[data-testid=nav-people]").await?;
        app.wait_for("input[data-testid=people-search]").await?.send_keys(&person.name).await?;
        let row = format!("[data-testid=person-row][data-id='{}']", person.id);
        app.click(&format!("{row} [data-testid=certificate-add]")).await?;
        app.wait_for("[data-testid=certificate-form]").await?;
        app.settled().await?;
        app.choose("[data-testid=certificate-kind]", "中级职称").await?;
        app.wait_for("[data-testid=certificate-number]").await?.send_keys("ZC-2026-0815").await?;
        app.wait_for("[data-testid=certificate-issuer]").await?.send_keys("浙江省人力资源和社会保障厅").await?;
        app.wait_for("[data-testid=certificate-expires-on] input, input[data-testid=certificate-expires-on]")
            .await?
            .send_keys("2030-12-31\u{E007}")
            .await?;
        app.click("[data-testid=certificate-submit]").await?;
        until("the missing specialty is named", async || {
            Ok(app.text("[data-testid=certificate-form]").await.unwrap_or_default().contains("职称证书请填写专业"))
        })
        .await?;
        app.wait_for("[data-testid=certificate-specialty]").await?.send_keys("化工工艺").await?;
        app.click("[data-testid=certificate-submit]").await?;
        until("the certificate shows on the person", async || {
            Ok(app.text(&row).await.unwrap_or_default().contains("中级职称（化工工艺）"))
        })
        .await?;
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("certificate-failure.png").await;
    }
    app.close().await?;
    result?;
    let store = safeserve_e2e::open_db(&db)?;
    let held =
        store.search_people(&person.name, 5, today())?.into_iter().find(|p| p.id == person.id).context("the person")?;
    let added = held.certificates.iter().find(|c| c.number == "ZC-2026-0815").context("the certificate")?;
    ensure!(added.specialty.as_deref() == Some("化工工艺"), "{added:?}");
    ensure!(added.expires_on.as_deref() == Some("2030-12-31"), "the date picked: {added:?}");
    let log = store.audit_log(5)?;
    let entry = log.entries.iter().find(|e| e.entry.detail.contains("ZC-2026-0815")).context("an audit entry")?;
    ensure!(
        entry.entry.subject.contains(&person.id_number_masked),
        "named by the masked number: {}",
        entry.entry.subject
    );
    Ok(())
}

/// 任职 and 培训记录 in the window: a supervisor opens a person from the people register, gives
/// them a full-time post at a second agency (the overlap with their first post named as shared
/// staff), ends it on a day picked from the calendar, adds a training, and the person's history
/// lists each act with the terms it replaced; a technician asking Rust directly is refused.
#[tokio::test(flavor = "multi_thread")]
async fn a_person_is_given_a_second_post_and_a_training_and_their_history_shows_both() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, today())?;
    let (person, other) = {
        let store = safeserve_e2e::open_db(&db)?;
        let person = store
            .search_people("", 50, today())?
            .into_iter()
            .find(|p| p.employments.len() == 1 && p.employments[0].full_time && p.employments[0].current)
            .context("a person full-time at one agency")?;
        let other = store
            .search_agencies("", 5, today())?
            .into_iter()
            .find(|a| a.id != person.employments[0].agency_id)
            .context("another agency")?;
        (person, other)
    };
    let app = App::launch(&desktop_binary("debug")?, &db).await?;
    let post_row = format!("[data-testid=person-post][data-id='{}']", other.id);
    let result = async {
        app.sign_in("supervisor").await?;
        app.click("[data-testid=nav-people]").await?;
        app.wait_for("input[data-testid=people-search]").await?.send_keys(&person.name).await?;
        app.click(&format!("[data-testid=person-row][data-id='{}'] [data-testid=person-open]", person.id)).await?;
        app.wait_for("[data-testid=person-detail][data-state=ready]").await?;
        app.settled().await?;

        // A second full-time post: taken, and the overlap named.
        app.click("[data-testid=post-add]").await?;
        app.wait_for("[data-testid=post-form]").await?;
        app.settled().await?;
        app.choose("[data-testid=post-form] [data-testid=agency-select]", &other.name).await?;
        app.wait_for("input[data-testid=post-started-on], [data-testid=post-started-on] input")
            .await?
            .send_keys("2026-01-01\u{E007}")
            .await?;
        app.click("[data-testid=post-submit]").await?;
        until("the shared post is named", async || {
            Ok(app.text("[data-testid=post-notes]").await.unwrap_or_default().contains("人员交叉使用"))
        })
        .await?;
        app.click(".ant-modal-confirm-btns button").await?;
        until("the warning has closed", async || {
            Ok(app.client.find_all(Locator::Css(".ant-modal-confirm")).await?.is_empty())
        })
        .await?;
        app.wait_for(&post_row).await?;

        // It ends: picked from the calendar, the row struck through.
        app.click(&format!("{post_row} [data-testid=post-edit]")).await?;
        app.wait_for("[data-testid=post-agency-fixed]").await?;
        app.settled().await?;
        app.wait_for("input[data-testid=post-ended-on], [data-testid=post-ended-on] input")
            .await?
            .send_keys("2026-06-30\u{E007}")
            .await?;
        app.click("[data-testid=post-submit]").await?;
        until("the overlap with the first agency is named again", async || {
            Ok(app
                .text("[data-testid=post-notes]")
                .await
                .unwrap_or_default()
                .contains(&person.employments[0].agency_name))
        })
        .await?;
        app.click(".ant-modal-confirm-btns button").await?;
        until("the warning has closed", async || {
            Ok(app.client.find_all(Locator::Css(".ant-modal-confirm")).await?.is_empty())
        })
        .await?;
        app.wait_for(&format!("{post_row}[data-current=false]")).await?;

        // A training, on today's date as the form offers it.
        app.click("[data-testid=training-add]").await?;
        app.wait_for("[data-testid=training-form]").await?;
        app.settled().await?;
        app.wait_for("[data-testid=training-course]").await?.send_keys("安全评价师继续教育").await?;
        app.wait_for("[data-testid=training-organiser]").await?.send_keys("浙江省应急管理厅").await?;
        app.wait_for("input[data-testid=training-hours], [data-testid=training-hours] input")
            .await?
            .send_keys("16")
            .await?;
        app.click("[data-testid=training-submit]").await?;
        app.wait_for("[data-testid=person-trainings][data-count='1']").await?;

        until("the history lists the post's change", async || {
            let history = app.text("[data-testid=person-history]").await.unwrap_or_default();
            Ok(history.contains("至 2026-06-30") && history.contains("→") && history.contains("安全评价师继续教育"))
        })
        .await?;
        app.look("person-drawer.png").await?;

        // Esc closes the drawer, as at the keyboard (the saved toasts sit over its close button).
        app.client.active_element().await?.send_keys("\u{E00C}").await?;
        until("the drawer has closed", async || {
            Ok(app.client.find_all(Locator::Css(".ant-drawer-open")).await?.is_empty())
        })
        .await?;
        app.click("[data-testid=sign-out]").await?;
        app.sign_in("technician").await?;
        let post = serde_json::json!({ "agency_id": other.id.to_string(), "role": "technician", "full_time": false,
            "started_on": null, "ended_on": null });
        let answer =
            app.invoke("record_post", serde_json::json!({ "personId": person.id.to_string(), "post": post })).await?;
        ensure!(answer.err().as_deref() == Some("role_not_allowed"), "a technician may not record a post");
        Ok::<_, anyhow::Error>(())
    }
    .await;
    if result.is_err() {
        let _ = app.screenshot("person-drawer-failure.png").await;
    }
    app.close().await?;
    result?;

    let store = safeserve_e2e::open_db(&db)?;
    let detail = store.person_detail(person.id, today())?;
    let post = detail.person.employments.iter().find(|e| e.agency_id == other.id).context("the second post")?;
    ensure!(
        (post.started_on.as_deref(), post.ended_on.as_deref(), post.full_time)
            == (Some("2026-01-01"), Some("2026-06-30"), true),
        "{post:?}"
    );
    ensure!(detail.trainings.len() == 1 && detail.trainings[0].hours == 16.0, "{:?}", detail.trainings);
    ensure!(detail.trainings[0].completed_on == today(), "the date the form offered");
    ensure!(detail.history.iter().all(|e| e.subject.contains(&person.id_number_masked)), "named by the masked number");
    Ok(())
}
