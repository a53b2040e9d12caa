//! The field visit of `safeserve_e2e::field_run`, counted and timed in the real window (the
//! release build when present, as a technician's laptop runs it), printed beside the run that
//! found the problem (before: the list could only be signed by typing a measure into every
//! proposal first).

use safeserve_e2e::{desktop_binary, field_run, App};

fn main() -> anyhow::Result<()> {
    let binary = desktop_binary("release").or_else(|_| desktop_binary("debug"))?;
    let dir = tempfile::tempdir()?;
    let field_run::Setting { db, enterprise, photos } =
        field_run::prepare(dir.path(), safeserve_e2e::today_of(&binary))?;
    let runtime = tokio::runtime::Runtime::new()?;
    let counts = runtime.block_on(async {
        // The renderer a user of this machine gets: without a GPU render node the app turns
        // WebKit's DMA-BUF renderer off (src-tauri/src/lib.rs), except under WebDriver, where
        // WebKit's screenshots have hung with it off. The bench takes no screenshots, so it
        // asks for what the user has.
        let user_renderer: &[(&str, &std::ffi::OsStr)] =
            if has_render_node() { &[] } else { &[("WEBKIT_DISABLE_DMABUF_RENDERER", std::ffi::OsStr::new("1"))] };
        let app = App::launch_signing_env(&binary, &db, dir.path(), user_renderer).await?;
        app.sign_in("technician").await?;
        let counts = field_run::run(&app, &enterprise, &photos, None).await;
        app.close().await?;
        counts
    })?;
    println!(
        "field visit: {} ({}): 10 items, 3 hazards, 6 photos, both signatures, list opened",
        enterprise.name,
        binary.display()
    );
    println!("| figure | SafeServe | before (with the workaround) | target |");
    println!("|---|---|---|---|");
    println!("| interactions beyond free text | **{}** | 51 | ≤ 40 |", counts.interactions());
    println!("| · clicks | {} | 31 | |", counts.clicks);
    println!("| · non-text keys | {} | 16 | |", counts.keys);
    println!("| · file selections | {} | — | |", counts.selections);
    println!("| · pen strokes | {} | 4 | |", counts.strokes);
    println!("| scrolls to reach the next action | **{}** | 10 | 0 |", counts.scrolls);
    println!(
        "| the app's own waiting (input event to painted result) | **{:.1} s** | 10.3 s | ≤ 5 s |",
        counts.waiting.as_secs_f64()
    );
    println!("| · the same waits seen through WebDriver | {:.1} s | | |", counts.observed.as_secs_f64());
    println!("\nthe slowest waits:");
    for (took, then) in counts.slowest(8) {
        println!("  {:>6.0} ms  {then}", took.as_secs_f64() * 1000.0);
    }
    Ok(())
}

fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri")
        .map(|dir| dir.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}
