//! Desktop cold start to the first enterprise list on screen, and resident memory after
//! start, under X (Xvfb when no display is set). The app prints `SAFESERVE_UI_READY` when its
//! interface reports the first list rendered. Uses the release build when present.
//! `SAFESERVE_BENCH_DB=PATH` measures on that database (e.g. the large demo).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark: a failure ends the run")]

use safeserve_demo::{self as demo, DemoSize};
use safeserve_e2e::{desktop_binary, Display};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 9;

/// A `Name:   N kB` line of a /proc file.
fn proc_kib(pid: u32, file: &str, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn rss_kib(pid: u32) -> u64 {
    proc_kib(pid, "status", "VmRSS:")
}

/// Proportional set size: shared pages divided among the processes sharing them, so a sum over
/// several processes does not count the same library twice.
fn pss_kib(pid: u32) -> u64 {
    proc_kib(pid, "smaps_rollup", "Pss:")
}

/// The app and every process under it (WebKit runs its web and network processes apart).
fn tree(root: u32) -> Vec<u32> {
    let mut all = vec![root];
    let mut i = 0;
    while i < all.len() {
        let parent = all[i];
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
            let ppid = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| s.rsplit(')').next()?.split_whitespace().nth(1)?.parse::<u32>().ok());
            if ppid == Some(parent) && !all.contains(&pid) {
                all.push(pid);
            }
        }
        i += 1;
    }
    all
}

fn main() -> anyhow::Result<()> {
    let binary = desktop_binary("release").or_else(|_| desktop_binary("debug"))?;
    let tmp = tempfile::tempdir()?;
    let db = match std::env::var_os("SAFESERVE_BENCH_DB") {
        Some(p) => std::path::PathBuf::from(p),
        None => {
            let p = tmp.path().join("small.db");
            demo::generate(&p, DemoSize::Small, demo::DEFAULT_SEED, safeserve_e2e::today_of(&binary))?;
            p
        }
    };
    let display = Display::get()?;
    println!("desktop start-up: {} on {} ({RUNS} runs)", binary.display(), db.display());
    let mut starts = Vec::new();
    let mut pages = Vec::new();
    let mut app_rss = Vec::new();
    let mut tree_rss = Vec::new();
    let mut tree_pss = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let mut child = Command::new(&binary)
            .args(["--db".as_ref(), db.as_os_str()])
            .env("DISPLAY", &display.name)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let ready = lines.by_ref().map_while(Result::ok).find(|l| l.contains("SAFESERVE_UI_READY"));
        let elapsed = started.elapsed();
        let Some(ready) = ready else { anyhow::bail!("the app exited before its first list rendered") };
        let page_ms: f64 = ready.rsplit("page_ms=").next().and_then(|v| v.trim().parse().ok()).unwrap_or(f64::NAN);
        pages.push(page_ms);
        // Let the first paint settle before reading memory.
        std::thread::sleep(Duration::from_millis(500));
        let pid = child.id();
        app_rss.push(rss_kib(pid));
        let processes = tree(pid);
        tree_rss.push(processes.iter().map(|&p| rss_kib(p)).sum::<u64>());
        tree_pss.push(processes.iter().map(|&p| pss_kib(p)).sum::<u64>());
        starts.push(elapsed);
        let _ = Command::new("kill").arg("-TERM").arg(pid.to_string()).status();
        let _ = child.wait();
    }
    starts.sort();
    pages.sort_by(f64::total_cmp);
    app_rss.sort();
    tree_rss.sort();
    tree_pss.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "cold start to first list: median {:.0} ms, worst {:.0} ms (target ≤ 1500 ms)",
        ms(starts[RUNS / 2]),
        ms(starts[RUNS - 1])
    );
    println!("  of which the page, from navigation start to first list: median {:.0} ms", pages[RUNS / 2]);
    println!(
        "resident memory after start: app process median {:.0} MB; app + WebKit processes median {:.0} MB, worst {:.0} MB (target ≤ 200 MB)",
        app_rss[RUNS / 2] as f64 / 1024.0,
        tree_rss[RUNS / 2] as f64 / 1024.0,
        tree_rss[RUNS - 1] as f64 / 1024.0
    );
    println!(
        "proportional memory (PSS, shared pages counted once) of app + WebKit processes: median {:.0} MB",
        tree_pss[RUNS / 2] as f64 / 1024.0
    );
    Ok(())
}
