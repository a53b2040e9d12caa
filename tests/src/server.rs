//! A real `safeserve-server` process on a free loopback port, and the `safeserve` CLI, for the
//! sync tests. The server speaks HTTPS with a certificate from a CA the test makes (kept in
//! the data folder, so a restarted server presents the same one); laptops enrol trusting that
//! CA. The server prints the address it bound; readiness is its health endpoint, polled with a
//! deadline.

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

/// A certificate authority made by a test, and the server certificates it issues.
pub struct TestCa {
    params: rcgen::CertificateParams,
    key: rcgen::KeyPair,
    /// The CA's own certificate, PEM: what a laptop is given at enrolment.
    pub pem: String,
}

impl TestCa {
    pub fn new(name: &str) -> Result<TestCa> {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())?;
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        params.key_usages = vec![rcgen::KeyUsagePurpose::KeyCertSign, rcgen::KeyUsagePurpose::CrlSign];
        let key = rcgen::KeyPair::generate()?;
        let pem = params.self_signed(&key)?.pem();
        Ok(TestCa { params, key, pem })
    }

    /// A server certificate for this machine's loopback names: (certificate PEM, key PEM).
    pub fn issue(&self) -> Result<(String, String)> {
        let mut params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])?;
        params.distinguished_name.push(rcgen::DnType::CommonName, "safeserve test server");
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let key = rcgen::KeyPair::generate()?;
        let cert = params.signed_by(&key, &rcgen::Issuer::from_params(&self.params, &self.key))?;
        Ok((cert.pem(), key.serialize_pem()))
    }

    /// Writes a server certificate and key into `dir/tls/` (kept if already there).
    pub fn install(&self, dir: &Path) -> Result<TlsFiles> {
        let files = TlsFiles::in_dir(dir);
        if !files.cert.exists() {
            std::fs::create_dir_all(dir.join("tls"))?;
            let (cert, key) = self.issue()?;
            std::fs::write(&files.cert, cert)?;
            std::fs::write(&files.key, key)?;
            std::fs::write(&files.ca, &self.pem)?;
        }
        Ok(files)
    }
}

/// Where a test server's TLS files are.
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub ca: PathBuf,
}

impl TlsFiles {
    fn in_dir(dir: &Path) -> TlsFiles {
        let tls = dir.join("tls");
        TlsFiles { cert: tls.join("server.pem"), key: tls.join("server.key"), ca: tls.join("ca.pem") }
    }
}

pub struct Server {
    child: Child,
    pub url: String,
    pub data: PathBuf,
    /// The CA certificate (PEM) laptops enrol with, and its file; `None` for plain HTTP.
    pub ca: Option<String>,
    pub ca_file: Option<PathBuf>,
}

impl Server {
    /// A server speaking HTTPS with a certificate from the data folder's test CA.
    pub fn start(data: &Path) -> Result<Server> {
        Server::start_with_env(data, &[])
    }

    pub fn start_with_env(data: &Path, env: &[(&str, &str)]) -> Result<Server> {
        Server::launch(data, env, &[], Some(&Server::test_ca_files(data)?), None)
    }

    /// The data folder's certificate from the test CA, made the first time.
    fn test_ca_files(data: &Path) -> Result<TlsFiles> {
        let files = TlsFiles::in_dir(data);
        if !files.cert.exists() {
            TestCa::new("SafeServe test CA")?.install(data)?;
        }
        Ok(files)
    }

    /// A server speaking plain HTTP on loopback (what laptops accept without TLS).
    pub fn start_plain(data: &Path) -> Result<Server> {
        Server::launch(data, &[], &[], None, None)
    }

    /// A plain-HTTP server on loopback started with more `serve` arguments.
    pub fn start_plain_with(data: &Path, args: &[&str]) -> Result<Server> {
        Server::launch(data, &[], args, None, None)
    }

    /// A server presenting `cert`/`key` (PEM files).
    pub fn start_with_tls(data: &Path, files: &TlsFiles) -> Result<Server> {
        Server::launch(data, &[], &[], Some(files), None)
    }

    /// A server speaking TLS with the test CA whose log (at `info`, as an operator runs it)
    /// goes to the file `log`, to be read as an operator would.
    pub fn start_logged(data: &Path, log: &Path) -> Result<Server> {
        Server::launch(data, &[], &[], Some(&Server::test_ca_files(data)?), Some(log))
    }

    fn launch(
        data: &Path,
        env: &[(&str, &str)],
        args: &[&str],
        tls: Option<&TlsFiles>,
        log: Option<&Path>,
    ) -> Result<Server> {
        let mut cmd = Command::new(binary("safeserve-server")?);
        cmd.args(["serve", "--data"]).arg(data).args(["--listen", "127.0.0.1:0"]).args(args);
        let (ca, ca_file) = match tls {
            Some(files) => {
                cmd.arg("--tls-cert").arg(&files.cert).arg("--tls-key").arg(&files.key);
                (Some(std::fs::read_to_string(&files.ca).context("the test CA")?), Some(files.ca.clone()))
            }
            None => (None, None),
        };
        cmd.stdout(Stdio::piped());
        match log {
            Some(file) => cmd.env("RUST_LOG", "safeserve_server=info").stderr(std::fs::File::create(file)?),
            None => cmd.env("RUST_LOG", "safeserve_server=warn").stderr(Stdio::inherit()),
        };
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
        let server = Server { child, url, data: data.to_owned(), ca, ca_file };
        server.wait_healthy()?;
        Ok(server)
    }

    /// The server's process id (for its memory figures).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's CA as a laptop pins it.
    pub fn pin(&self) -> Result<Option<safeserve_sync::tls::Pin>> {
        Ok(self.ca.as_deref().map(safeserve_sync::tls::Pin::from_pem).transpose()?)
    }

    /// A sync client that trusts this server's CA.
    pub fn client(&self) -> Result<safeserve_sync::Client> {
        Ok(safeserve_sync::Client::new(&self.url, self.pin()?.as_ref())?)
    }

    /// A bare HTTP client that trusts this server's CA, for requests a laptop would not make.
    pub fn http(&self) -> Result<reqwest::blocking::Client> {
        let builder = reqwest::blocking::Client::builder();
        let builder = match self.pin()? {
            Some(pin) => builder.tls_backend_preconfigured(safeserve_sync::tls::pinned(&pin)?),
            None => builder,
        };
        Ok(builder.build()?)
    }

    /// Enrols a laptop's database the way `safeserve enroll --ca` does.
    pub fn enroll(
        &self,
        store: &mut safeserve_store::Store,
        code: &str,
        key: &ed25519_dalek::SigningKey,
        label: &str,
    ) -> std::result::Result<safeserve_store::sync::SyncAccount, safeserve_sync::SyncError> {
        safeserve_sync::enroll(store, &self.url, code, key, label, self.ca.as_deref())
    }

    fn wait_healthy(&self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut client = self.client()?;
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

    /// Loads a laptop database into the server's data folder as an administrator does:
    /// `safeserve export` beside the database, then `admin import` of that file.
    pub fn import(data: &Path, db: &Path, registers_only: bool) -> Result<String> {
        let file = db.with_extension("export");
        let (db_arg, file_arg) = (db.to_str().context("utf-8 path")?, file.to_str().context("utf-8 path")?);
        let mut args = vec!["export", "--db", db_arg, "--out", file_arg];
        if registers_only {
            args.push("--registers-only");
        }
        let out = cli(&args, &[])?;
        ensure!(out.status.success(), "safeserve {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        Server::admin(data, &["import", "--from", file_arg])
    }

    /// The small demo as of `as_of` (`demo`, the laptop database it is) loaded into a server's
    /// data folder (`data`): the registers only, or everything with visits, signed documents
    /// and photos. Generating, exporting and importing it takes about 40 s in a debug build and
    /// gives every test the same files, so it is made once per build of the programs, under a
    /// lock other test processes wait on, and each test gets a copy of its own.
    pub fn loaded_demo(data: &Path, demo: &Path, as_of: chrono::NaiveDate, registers_only: bool) -> Result<()> {
        let built = |p: &Path| -> Result<u64> {
            Ok(std::fs::metadata(p)?.modified()?.duration_since(std::time::UNIX_EPOCH)?.as_secs())
        };
        let exe = std::env::current_exe()?;
        let build = format!(
            "{:x}",
            built(&exe)?
                ^ built(&binary("safeserve")?)?.rotate_left(21)
                ^ built(&binary("safeserve-server")?)?.rotate_left(42)
        );
        let root = crate::target_dir().join("tmp").join("e2e-demo-servers");
        let cache = root.join(&build).join(format!("{as_of}-{}", if registers_only { "registers" } else { "all" }));
        std::fs::create_dir_all(&cache)?;
        // Copies made by earlier builds are of no use to this one.
        for old in std::fs::read_dir(&root)? {
            let old = old?.path();
            if old.file_name().is_some_and(|n| n != build.as_str()) {
                let _ = std::fs::remove_dir_all(old);
            }
        }
        let lock = std::fs::File::create(cache.with_extension("lock"))?;
        lock.lock()?;
        let (cached_demo, cached_data) = (cache.join("demo.db"), cache.join("server"));
        if !cache.join("complete").exists() {
            let _ = std::fs::remove_dir_all(&cached_data);
            safeserve_demo::generate(
                &cached_demo,
                safeserve_demo::DemoSize::Small,
                safeserve_demo::DEFAULT_SEED,
                as_of,
            )?;
            Server::import(&cached_data, &cached_demo, registers_only)?;
            std::fs::File::create(cache.join("complete"))?;
        }
        copy_tree(&cached_data, data)?;
        std::fs::copy(&cached_demo, demo)?;
        let photos = |db: &Path| safeserve_store::Store::photo_files_of(db).root().to_owned();
        copy_tree(&photos(&cached_demo), &photos(demo))
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

/// Copies a folder and everything in it (a missing folder copies as nothing).
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    if !from.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// The `safeserve` program, signing with a key of the tests' own (in the build folder): running
/// the tests never reads or makes the key of the person running them.
pub fn safeserve() -> Result<Command> {
    let mut cmd = Command::new(binary("safeserve")?);
    cmd.env("SAFESERVE_DEVICE_KEY", crate::target_dir().join("tmp").join("e2e-device-key"));
    let (var, days) = crate::clock_env();
    cmd.env(var, days);
    Ok(cmd)
}

/// `safeserve ARGS…` with extra environment.
pub fn cli(args: &[&str], env: &[(&str, &Path)]) -> Result<Output> {
    let mut cmd = safeserve()?;
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

/// An attacker's request over TLS without a client library in the way: the head of a POST
/// announcing a `declared`-byte body (with `token`, if any), then `sent` bytes of it, and the
/// server's answer (status, body) read until it closes. `from` binds another loopback address
/// (another machine, as far as the server can tell).
pub fn announce(
    server: &Server,
    from: Option<std::net::IpAddr>,
    path: &str,
    token: Option<&str>,
    declared: u64,
    sent: usize,
) -> Result<(u16, String)> {
    use std::io::{Read, Write};
    let addr: std::net::SocketAddr = server.url.trim_start_matches("https://").parse()?;
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    if let Some(ip) = from {
        socket.bind(&std::net::SocketAddr::new(ip, 0).into())?;
    }
    socket.connect(&addr.into())?;
    let tcp: std::net::TcpStream = socket.into();
    tcp.set_read_timeout(Some(Duration::from_secs(30)))?;
    let pin = server.pin()?.context("the server speaks TLS")?;
    let config = std::sync::Arc::new(safeserve_sync::tls::pinned(&pin)?);
    let conn = rustls::ClientConnection::new(config, rustls::pki_types::ServerName::try_from("127.0.0.1")?)?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
    );
    tls.write_all(head.as_bytes())?;
    // The server may answer and close before taking all of it; what it does not take is lost.
    let _ = tls.write_all(&vec![b' '; sent]);
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Ok((status, body))
}
