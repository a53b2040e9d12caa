//! Sign-in to the first list: the time from 登录 pressed to the enterprise list on screen, in
//! the real window (the release build when present), on the small demo, beside the issue's
//! anchor. Each run starts the app afresh and signs in once.

use anyhow::Result;
use safeserve_demo::{self as demo, DemoSize};
use safeserve_e2e::{desktop_binary, App};
use std::time::{Duration, Instant};

const RUNS: usize = 5;

fn main() -> Result<()> {
    let binary = desktop_binary("release").or_else(|_| desktop_binary("debug"))?;
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("demo.db");
    demo::generate(&db, DemoSize::Small, demo::DEFAULT_SEED, safeserve_e2e::today_of(&binary))?;
    let runtime = tokio::runtime::Runtime::new()?;
    let mut times = Vec::new();
    for _ in 0..RUNS {
        times.push(runtime.block_on(async {
            let app = App::launch(&binary, &db).await?;
            app.wait_for(&safeserve_e2e::input("sign-in-name")).await?.send_keys("technician").await?;
            app.wait_for(&safeserve_e2e::input("sign-in-password")).await?.send_keys(demo::DEMO_PASSWORD).await?;
            let submit = app.wait_for("[data-testid=sign-in-submit]").await?;
            let start = Instant::now();
            submit.click().await?;
            app.wait_for("[data-testid=enterprise-table][data-state=ready] [data-testid=enterprise-row]").await?;
            let took = start.elapsed();
            app.close().await?;
            anyhow::Ok(took)
        })?);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("sign-in to the first list: {} ({RUNS} runs, small demo, seen through WebDriver)", binary.display());
    println!("| figure | SafeServe | target |");
    println!("|---|---|---|");
    println!("| median | **{:.0} ms** | ≤ 1500 ms |", ms(times[RUNS / 2]));
    println!("| slowest | {:.0} ms | |", ms(times[RUNS - 1]));
    Ok(())
}
