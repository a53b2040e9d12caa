//! The field visit of `safeserve_e2e::field_run`, counted and timed in the real window (the
//! release build when present, as a technician's laptop runs it), printed beside the run that
//! found the problem (before: the list could only be signed by typing a measure into every
//! proposal first).

use safeserve_e2e::{desktop_binary, field_run, App};

fn main() -> anyhow::Result<()> {
    let binary = desktop_binary("release").or_else(|_| desktop_binary("debug"))?;
    let dir = tempfile::tempdir()?;
    let field_run::Setting { db, enterprise, photos } =
        field_run::prepare(dir.path(), chrono::Local::now().date_naive())?;
    let runtime = tokio::runtime::Runtime::new()?;
    let counts = runtime.block_on(async {
        let app = App::launch_signing_with(&binary, &db, dir.path()).await?;
        let counts = field_run::run(&app, &enterprise, &photos, "bench-field-visit").await;
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
    println!("| the app's own waiting | **{:.1} s** | 10.3 s | ≤ 5 s |", counts.waiting.as_secs_f64());
    println!("| longest single wait | {:.2} s ({}) | | |", counts.longest.0.as_secs_f64(), counts.longest.1);
    Ok(())
}
