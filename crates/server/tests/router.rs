//! The HTTP API in process, request by request, in the style of axum's examples:
//! `router(state).oneshot(request)` over a real SQLite storage in a temporary folder, no socket.
//! What reaches a handler, what is refused before it, and that every refusal is
//! `{code, zh, en}`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests: a failure is the test failing, at its line")]

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use ed25519_dalek::{Signer, SigningKey};
use safeserve_core::document::hex;
use safeserve_server::scope::Role;
use safeserve_server::{admin, api, state};
use safeserve_wire as wire;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Api {
    router: axum::Router,
    state: api::Shared,
    _dir: tempfile::TempDir,
}

impl Api {
    fn new() -> Api {
        let dir = tempfile::tempdir().unwrap();
        let state = state(dir.path(), None).unwrap();
        Api { router: api::router(state.clone()), state, _dir: dir }
    }

    async fn call(&self, req: Request<Body>) -> (StatusCode, Value) {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = to_bytes(resp.into_body(), 1 << 20).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.call(req.body(Body::from(body.to_string())).unwrap()).await
    }

    /// A laptop of a new user with `role`, enrolled; its access token.
    async fn enrolled(&self, name: &str, role: Role, agency: Option<&str>, division: Option<&str>) -> String {
        self.laptop(name, role, agency, division).await.token
    }

    /// A laptop of a new user with `role`, enrolled.
    async fn laptop(&self, name: &str, role: Role, agency: Option<&str>, division: Option<&str>) -> Laptop {
        let storage = self.state.storage.as_ref();
        admin::add_user(storage, name, role, agency.map(str::to_owned), division.map(str::to_owned), None).unwrap();
        let code = admin::enroll(storage, name, api::now_ms()).unwrap();
        let key = SigningKey::from_bytes(&[name.len() as u8; 32]);
        let public_key = hex(key.verifying_key().as_bytes());
        let signature = hex(&key.sign(&wire::enrolment_message(&code, &public_key)).to_bytes());
        let enrol = json!({"code": code, "public_key": public_key, "label": name, "signature": signature});
        let (status, body) = self.post("/v1/enrol", None, enrol).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        Laptop {
            token: body["access_token"].as_str().unwrap().to_owned(),
            device_id: body["device_id"].as_str().unwrap().to_owned(),
            key,
        }
    }
}

struct Laptop {
    token: String,
    device_id: String,
    key: SigningKey,
}

impl Laptop {
    /// A password-reset request for `code`, signed by this laptop's key.
    fn reset(&self, code: &str) -> Value {
        let signature = hex(&self.key.sign(&wire::password_reset_message(code, &self.device_id)).to_bytes());
        json!({"device_id": self.device_id, "code": code, "signature": signature})
    }
}

fn refusal(body: &Value, code: &str) {
    assert_eq!(body["code"], code, "{body}");
    for lang in ["zh", "en"] {
        assert!(body[lang].as_str().is_some_and(|s| !s.is_empty()), "{lang} missing: {body}");
    }
}

fn change(entity: &str, id: &str, hlc: i64, body: Value) -> Value {
    json!({"change_id": uuid::Uuid::now_v7(), "entity": entity, "record_id": id, "op": "upsert",
        "hlc": hlc, "base_hlc": null, "node": "n1", "body": body})
}

fn now_hlc() -> i64 {
    safeserve_core::sync::hlc_of_millis(api::now_ms())
}

#[tokio::test]
async fn health_answers_without_a_token() {
    let api = Api::new();
    let (status, body) = api.call(Request::get("/v1/health").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ok"], true);
}

#[tokio::test]
async fn no_token_an_unknown_one_and_a_malformed_body_are_refused_with_reasons() {
    let api = Api::new();
    let (status, body) = api.post("/v1/push", None, json!({"changes": []})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    refusal(&body, "token_missing");
    let (status, body) = api.post("/v1/push", Some("0123"), json!({"changes": []})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    refusal(&body, "token_unknown");
    let (status, body) = api.post("/v1/enrol", None, json!({"code": 1})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    refusal(&body, "bad_request");
}

#[tokio::test]
async fn a_technician_push_of_their_agencys_register_is_refused_in_its_receipt() {
    let api = Api::new();
    let token = api.enrolled("wang", Role::Technician, Some("A"), None).await;
    let agency = change("agency", "A", now_hlc(), json!({"id": "A", "name": "改名", "division": "330106"}));
    let (status, body) = api.post("/v1/push", Some(&token), json!({"changes": [agency]})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let receipt = &body["receipts"][0];
    assert_eq!(receipt["outcome"], "refused");
    let reason = receipt["reason"].as_str().unwrap();
    assert!(reason.contains("技术服务人员不能写入服务机构登记信息") && reason.contains("technician"), "{reason}");
}

#[tokio::test]
async fn a_push_from_a_clock_a_day_ahead_is_refused_whole_and_says_what_to_do() {
    let api = Api::new();
    let token = api.enrolled("zhao", Role::Supervisor, None, Some("3301")).await;
    let ahead = safeserve_core::sync::hlc_of_millis(api::now_ms() + 86_400_000);
    let ok = change("enterprise", "e1", now_hlc(), json!({"id": "e1", "division": "330106"}));
    let late = change("enterprise", "e2", ahead, json!({"id": "e2", "division": "330106"}));
    let (status, body) = api.post("/v1/push", Some(&token), json!({"changes": [ok, late]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    refusal(&body, "clock_ahead");
    assert!(body["zh"].as_str().unwrap().contains("小时"), "about a day, in hours: {body}");
    // Nothing of that push was kept: the laptop sends it all again once its clock is right.
    let pull = Request::get("/v1/pull?after=0").header(header::AUTHORIZATION, format!("Bearer {token}"));
    let (status, body) = api.call(pull.body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["changes"].as_array().unwrap().len(), 0, "{body}");
}

#[tokio::test]
async fn one_device_asking_too_fast_is_told_when_to_come_back() {
    let api = Api::new();
    let token = api.enrolled("li", Role::Inspector, None, Some("3301")).await;
    let mut answers = Vec::new();
    for _ in 0..800 {
        let pull = Request::get("/v1/pull?after=0").header(header::AUTHORIZATION, format!("Bearer {token}"));
        let resp = api.router.clone().oneshot(pull.body(Body::empty()).unwrap()).await.unwrap();
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait = resp.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
            let body: Value = serde_json::from_slice(&to_bytes(resp.into_body(), 1 << 16).await.unwrap()).unwrap();
            refusal(&body, "rate_limited");
            assert!(wait.is_some_and(|s| s >= 1), "Retry-After: {wait:?}");
            return;
        }
        answers.push(resp.status());
    }
    panic!("800 pulls in a burst were all answered: {:?}", answers.last());
}

#[tokio::test]
async fn a_reset_code_releases_the_recovery_key_once_to_a_signed_request_from_its_users_laptop() {
    let api = Api::new();
    let wang = api.laptop("wang", Role::Technician, Some("agency-1"), None).await;
    let li = api.laptop("li-x", Role::Technician, Some("agency-1"), None).await;
    let storage = api.state.storage.as_ref();
    let recovery = "ab".repeat(32);
    let code = admin::reset_password(storage, "wang", api::now_ms()).unwrap();

    // Before the laptop gave a recovery key, the code releases nothing (and stays unused).
    let (status, body) = api.post("/v1/password-reset", None, wang.reset(&code)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    refusal(&body, "reset_code_invalid");

    let (status, body) = api.post("/v1/device/recovery", None, json!({"recovery_key": recovery})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "only an enrolled laptop gives its key: {body}");
    let (status, body) = api.post("/v1/device/recovery", Some(&wang.token), json!({"recovery_key": "zz"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = api.post("/v1/device/recovery", Some(&wang.token), json!({"recovery_key": recovery})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = api.post("/v1/device/recovery", Some(&li.token), json!({"recovery_key": "cd".repeat(32)})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // Another user's laptop, a signature by another key, a code made up: refused, code unspent.
    let (status, body) = api.post("/v1/password-reset", None, li.reset(&code)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    refusal(&body, "reset_code_invalid");
    let mut forged = wang.reset(&code);
    forged["signature"] = li.reset(&code)["signature"].clone();
    let (status, body) = api.post("/v1/password-reset", None, forged).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    refusal(&body, "key_not_proven");
    let (status, _) = api.post("/v1/password-reset", None, wang.reset("0123456789AB")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, body) = api.post("/v1/password-reset", None, wang.reset(&code)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["recovery_key"], recovery.as_str());
    let (status, body) = api.post("/v1/password-reset", None, wang.reset(&code)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a code opens once: {body}");
    refusal(&body, "reset_code_invalid");

    // A revoked laptop gets nothing, whatever the code.
    let again = admin::reset_password(storage, "wang", api::now_ms()).unwrap();
    assert!(storage.revoke_device(&wang.device_id, api::now_ms()).unwrap());
    let (status, body) = api.post("/v1/password-reset", None, wang.reset(&again)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    refusal(&body, "reset_code_invalid");
    assert!(admin::reset_password(storage, "nobody", api::now_ms()).is_err());
}
