//! The Tauri build: the config from the repository top, and an app manifest that puts
//! SafeServe's own commands under Tauri's permission system. With a manifest, a command is
//! answered only for a window whose capability grants its `allow-…` permission (see the
//! `desktop` capability in `tauri.conf.json`); without one, every window could call every
//! command. The command list is read from `generate_handler!` in `src/lib.rs`, so the manifest
//! cannot drift from what the app registers.

#[path = "src/registered.rs"]
mod registered;

#[expect(clippy::expect_used, reason = "a build script reports failure by panicking")]
fn main() {
    println!("cargo:rerun-if-changed=src/lib.rs");
    let lib = std::fs::read_to_string("src/lib.rs").expect("src/lib.rs");
    let commands: Vec<&'static str> =
        registered::registered(&lib).into_iter().map(|c| &*Box::leak(c.into_boxed_str())).collect();
    let commands: &'static [&'static str] = Box::leak(commands.into_boxed_slice());
    assert!(!commands.is_empty(), "no command found in generate_handler! of src/lib.rs");
    // The Tauri config lives at the repository top, where the customer wants it.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri build script");
}
