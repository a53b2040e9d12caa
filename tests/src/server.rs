//! A real `safeserve-server` process on a free loopback port, and the `safeserve` CLI, for the
//! sync tests. The server prints the address it bound; readiness is its health endpoint,
//! polled with a deadline.

use anyhow::{bail, ensure, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A binary of this workspace built beside the test (`target/<profile>/NAME`), refused when it
/// is older than its sources.
pub fn binary(name: &str) -> Result<PathBuf> {
    let exe = std::env::current_exe().context("test binary path")?;
    let profile = exe.ancestors().nth(2).and_then(Path::file_name).context("target/<profile>/deps/<bin>")?;
    crate::binaries::workspace_binary(&profile.to_string_lossy(), name)
}

pub struct Server {
    child: Child,
    pub url: String,
    pub data: PathBuf,
}

impl Server {
    pub fn start(data: &Path) -> Result<Server> {
        Server::start_with_env(data, &[])
    }

    pub fn start_with_env(data: &Path, env: &[(&str, &str)]) -> Result<Server> {
        let mut cmd = Command::new(binary("safeserve-server")?);
        cmd.args(["serve", "--data"]).arg(data).args(["--listen", "127.0.0.1:0"]);
        cmd.env("RUST_LOG", "safeserve_server=warn").stdout(Stdio::piped()).stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().context("start safeserve-server")?;
        let stdout = child.stdout.take().expect("piped");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let url = line.trim().strip_prefix("listening on ").map(str::to_owned);
        let Some(url) = url else {
            let _ = child.kill();
            bail!("server did not say where it listens: {line:?}");
        };
        let server = Server { child, url, data: data.to_owned() };
        server.wait_healthy()?;
        Ok(server)
    }

    fn wait_healthy(&self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut client = safeserve_sync::Client::new(&self.url)?;
        loop {
            match client.health() {
                Ok(h) if h.ok => return Ok(()),
                _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
                other => bail!("server at {} not healthy: {other:?}", self.url),
            }
        }
    }

    /// `kill -9`: no chance to finish anything.
    pub fn kill9(mut self) -> Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    /// SIGTERM, and wait for a graceful exit.
    pub fn stop(mut self) -> Result<std::process::ExitStatus> {
        Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status()?;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            ensure!(Instant::now() < deadline, "server did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `safeserve-server admin --data DIR ARGS…`, its standard output on success.
    pub fn admin(data: &Path, args: &[&str]) -> Result<String> {
        let out = Command::new(binary("safeserve-server")?).arg("admin").arg("--data").arg(data).args(args).output()?;
        ensure!(out.status.success(), "admin {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        Ok(String::from_utf8(out.stdout)?)
    }

    /// A one-time enrolment code for a user.
    pub fn enrolment_code(&self, user: &str) -> Result<String> {
        Ok(Server::admin(&self.data, &["enroll", "--user", user])?.trim().to_owned())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `safeserve ARGS…` with extra environment.
pub fn cli(args: &[&str], env: &[(&str, &Path)]) -> Result<Output> {
    let mut cmd = Command::new(binary("safeserve")?);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    Ok(cmd.output()?)
}

/// A noisy PNG of about `bytes` bytes (noise does not compress), different for each `seed`:
/// a photo the size of a real one, made without a camera.
pub fn noisy_png(bytes: usize, seed: u64) -> Vec<u8> {
    let side = ((bytes as f64 / 3.0).sqrt()) as u32;
    let mut state = 0x2545_f491_4f6c_dd1d ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let img = image::RgbImage::from_fn(side, side, |_, _| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        image::Rgb([state as u8, (state >> 8) as u8, (state >> 16) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).expect("PNG encodes in memory");
    out.into_inner()
}
