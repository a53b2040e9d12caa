//! The command surface, checked: every command the app registers is called by
//! `ui/src/api.ts` under its name, with the argument names the Rust function takes, argument
//! types that match its parameters and the type the Rust function answers — and api.ts calls
//! nothing the app does not register. The types on both sides are the ts-rs bindings, so a
//! renamed parameter, a changed answer or a command added on one side only fails here, not in
//! front of an inspector.
//!
//! Both files are read as text: the command functions have one plain shape (`pub async fn
//! name(params) -> Result<T, CommandError>`), and a signature this reading cannot follow
//! fails the test rather than being skipped.

use std::collections::BTreeMap;
use std::path::Path;

/// A command as Rust declares it: parameter (camelCase, as IPC names it) → TypeScript type,
/// and the TypeScript type of its answer. `None` for a raw body.
#[derive(Debug)]
struct Declared {
    params: Option<BTreeMap<String, String>>,
    answer: String,
}

/// A command as api.ts calls it.
#[derive(Debug)]
struct Called {
    /// Argument name → the declared type of the api function's parameter it passes, when it
    /// passes one as it is (`{ id }`); `None` for a raw body.
    args: Option<BTreeMap<String, Option<String>>>,
    answer: String,
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits at commas outside brackets.
fn top_level(list: &str, sep: char) -> Vec<String> {
    let (mut depth, mut cur, mut out) = (0i32, String::new(), Vec::new());
    for c in list.chars() {
        match c {
            '<' | '(' | '[' | '{' => depth += 1,
            '>' | ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        if c == sep && depth == 0 {
            out.push(cur.trim().to_owned());
            cur.clear();
        } else {
            cur.push(c);
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}

/// The TypeScript a Rust type crosses the IPC as (ts-rs names types after themselves).
fn ts_type(rust: &str) -> String {
    let t = rust.trim().replace(' ', "");
    let inner = |prefix: &str| t.strip_prefix(prefix).and_then(|r| r.strip_suffix('>')).map(str::to_owned);
    if let Some(x) = inner("Vec<") {
        return format!("{}[]", ts_type(&x));
    }
    if let Some(x) = inner("Option<") {
        return format!("{}|null", ts_type(&x));
    }
    if let Some(items) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        if items.is_empty() {
            return "null".into();
        }
        return format!("[{}]", top_level(items, ',').iter().map(|i| ts_type(i)).collect::<Vec<_>>().join(","));
    }
    match t.rsplit("::").next().unwrap_or(&t) {
        // chrono's dates travel as `YYYY-MM-DD`.
        "String" | "&str" | "NaiveDate" => "string".into(),
        "bool" => "boolean".into(),
        "u8" | "u16" | "u32" | "u64" | "i32" | "i64" | "f64" | "usize" => "number".into(),
        // Raw bytes back (a photo).
        "Response" => "ArrayBuffer".into(),
        other => other.into(),
    }
}

#[path = "../registered.rs"]
mod registered;
use registered::registered;

fn declared(dir: &Path) -> BTreeMap<String, Declared> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("commands folder") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("source");
        for chunk in text.split("\n#[tauri::command]\n").skip(1) {
            let sig = &chunk[..chunk.find('{').expect("a body")];
            let name = sig.split("fn ").nth(1).and_then(|r| r.split('(').next()).expect("fn name").trim().to_owned();
            // A command with no answer type answers `null`.
            let arrow = sig.rfind("->");
            let open = sig.find('(').expect("parameters");
            let close = sig[..arrow.unwrap_or(sig.len())].rfind(')').expect("parameters end");
            let mut params = Some(BTreeMap::new());
            for p in top_level(&sig[open + 1..close], ',') {
                let (pname, ptype) = p.split_once(':').unwrap_or_else(|| panic!("{name}: cannot read parameter {p:?}"));
                let ptype = ptype.trim();
                if ptype.starts_with("State<") || ptype.contains("AppHandle") || ptype.contains("Window") {
                    continue;
                }
                if ptype.starts_with("Request<") {
                    params = None;
                    continue;
                }
                let ts = match ptype.strip_prefix("Channel<") {
                    Some(item) => format!("Channel<{}>", ts_type(item.trim_end_matches('>'))),
                    None => ts_type(ptype),
                };
                if let Some(map) = params.as_mut() {
                    map.insert(camel(pname.trim().trim_start_matches("mut ")), ts);
                }
            }
            let ret = arrow.map_or("()", |a| sig[a + 2..].trim());
            // A command that cannot fail answers its value as it is.
            let ok = match ret.strip_prefix("Result<") {
                Some(r) => r
                    .strip_suffix(", CommandError>")
                    .unwrap_or_else(|| panic!("{name}: answers {ret}, not Result<_, CommandError>")),
                None => ret,
            };
            out.insert(name, Declared { params, answer: ts_type(ok) });
        }
    }
    out
}

fn called(api: &str) -> BTreeMap<String, Called> {
    let mut out = BTreeMap::new();
    // Each api entry: `name: (params) =>` … `call<T>('command', args)`.
    for (at, _) in api.match_indices("call<") {
        let before = &api[..at];
        if before.ends_with("function ") {
            continue;
        }
        let arrow = before.rfind("=>").expect("an api function");
        let head_start = before[..arrow].rfind(": (").expect("an api function's parameters") + 3;
        let head = &before[head_start..before[..arrow].rfind(')').expect("parameters end")];
        let param_types: BTreeMap<String, String> = top_level(head, ',')
            .iter()
            .filter_map(|p| p.split_once(':').map(|(n, t)| (n.trim().to_owned(), t.replace(' ', ""))))
            .collect();
        let rest = &api[at + 5..];
        let mut depth = 1;
        let close = rest
            .char_indices()
            .find(|&(_, c)| {
                depth += match c {
                    '<' => 1,
                    '>' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .expect("call<T> closes")
            .0;
        let answer = rest[..close].replace(' ', "");
        let after = &rest[close + 1..];
        let after = after.strip_prefix("('").expect("call<T>('command'");
        let name = after[..after.find('\'').expect("a quoted name")].to_owned();
        let tail = after[name.len() + 1..].trim_start();
        let args = match tail.strip_prefix(',').map(str::trim_start) {
            None => Some(BTreeMap::new()),
            Some(t) if t.starts_with('{') => {
                let body = &t[1..t.find('}').expect("args close")];
                Some(
                    top_level(body, ',')
                        .iter()
                        .map(|a| match a.split_once(':') {
                            Some((k, _)) => (k.trim().to_owned(), None),
                            None => (a.trim().to_owned(), param_types.get(a.trim()).cloned()),
                        })
                        .collect(),
                )
            }
            // A raw body (bytes).
            Some(_) => None,
        };
        out.insert(name, Called { args, answer });
    }
    out
}

#[test]
fn api_ts_calls_every_command_as_rust_declares_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).expect("lib.rs");
    let api = std::fs::read_to_string(root.join("../ui/src/api.ts")).expect("ui/src/api.ts");
    let registered = registered(&lib);
    let declared = declared(&root.join("src/commands"));
    let called = called(&api);
    assert!(registered.len() > 50 && called.len() > 50, "the surface was not read: {registered:?}");

    let mut problems = Vec::new();
    for name in &registered {
        let Some(d) = declared.get(name) else {
            problems.push(format!("{name}: registered but no #[tauri::command] fn found"));
            continue;
        };
        let Some(c) = called.get(name) else {
            problems.push(format!("{name}: registered but api.ts never calls it"));
            continue;
        };
        if c.answer != d.answer {
            problems.push(format!("{name}: api.ts expects {} but Rust answers {}", c.answer, d.answer));
        }
        match (&d.params, &c.args) {
            (Some(params), Some(args)) => {
                let (want, got): (Vec<_>, Vec<_>) = (params.keys().collect(), args.keys().collect());
                if want != got {
                    problems.push(format!("{name}: api.ts passes {got:?} but Rust takes {want:?}"));
                }
                for (arg, ty) in args {
                    if let (Some(ty), Some(rust)) = (ty, params.get(arg)) {
                        if ty != rust {
                            problems.push(format!("{name}: api.ts passes {arg} as {ty} but Rust takes {rust}"));
                        }
                    }
                }
            }
            (None, None) => {}
            (None, Some(_)) => {
                problems.push(format!("{name}: Rust reads a raw body but api.ts passes named arguments"))
            }
            (Some(_), None) => problems.push(format!("{name}: api.ts sends a raw body but Rust takes named arguments")),
        }
    }
    for name in called.keys() {
        if !registered.contains(name) {
            problems.push(format!("{name}: api.ts calls it but the app does not register it"));
        }
    }
    assert!(problems.is_empty(), "the IPC surface disagrees:\n{}", problems.join("\n"));
}

/// Every command that reaches the database asks for its act (`AppState::require`, or the
/// visit it records) before anything else; only signing in itself, and the status that says whether
/// the database opened, answer nobody in particular. Commands without state (a code's check
/// digit, the grade lines) hold nothing to protect.
#[test]
fn every_command_on_the_store_checks_who_is_signed_in() {
    const BEFORE_SIGN_IN: [&str; 6] =
        ["app_status", "session", "sign_in", "sign_out", "create_first_user", "reset_password"];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let (mut checked, mut problems) = (0, Vec::new());
    for entry in std::fs::read_dir(dir).expect("commands folder") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("source");
        for chunk in text.split("\n#[tauri::command]\n").skip(1) {
            let body_start = chunk.find('{').expect("a body");
            let (sig, body) = (&chunk[..body_start], &chunk[body_start..chunk.find("\n}\n").unwrap_or(chunk.len())]);
            let name = sig.split("fn ").nth(1).and_then(|r| r.split('(').next()).expect("fn name").trim();
            if !sig.contains("State<'_, AppState>") || BEFORE_SIGN_IN.contains(&name) {
                continue;
            }
            checked += 1;
            if !(body.contains("state.require(") || body.contains(".require_recording(")) {
                problems.push(name.to_owned());
            }
        }
    }
    assert!(checked > 50, "the commands were not read");
    assert!(problems.is_empty(), "commands that do not check the signed-in role: {problems:?}");
}

/// The window's capability grants every command the app registers and nothing that is not one:
/// with the app manifest (`build.rs`), a command missing here would be refused in front of an
/// inspector, and a stray grant would name a command that does not exist.
#[test]
fn the_window_is_granted_exactly_the_registered_commands_under_a_strict_csp() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).expect("lib.rs");
    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("../tauri.conf.json")).expect("tauri.conf.json"))
            .expect("tauri.conf.json is JSON");
    let security = &conf["app"]["security"];
    let capabilities = security["capabilities"].as_array().expect("capabilities");
    let granted: std::collections::BTreeSet<String> = capabilities
        .iter()
        .flat_map(|c| c["permissions"].as_array().expect("permissions").iter())
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|c| c.replace('-', "_")))
        .collect();
    let registered: std::collections::BTreeSet<String> = registered(&lib).into_iter().collect();
    assert_eq!(
        granted.symmetric_difference(&registered).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "granted and registered differ"
    );
    for c in capabilities {
        assert_eq!(c["windows"], serde_json::json!(["main"]), "only the app's own window: {c}");
        for p in c["permissions"].as_array().expect("permissions") {
            let p = p.as_str().expect("a permission by name");
            assert!(p.starts_with("allow-") || p == "core:event:default", "an unexpected grant: {p}");
        }
    }
    let csp = security["csp"].as_str().expect("a CSP");
    for directive in ["object-src 'none'", "base-uri 'none'", "form-action 'none'", "script-src 'self'"] {
        assert!(csp.contains(directive), "the CSP lacks {directive}: {csp}");
    }
}
