#[expect(clippy::expect_used, reason = "a build script reports failure by panicking")]
fn main() {
    // The Tauri config lives at the repository top, where the customer wants it.
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
        .expect("tauri build script");
}
