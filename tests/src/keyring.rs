//! A desktop session's keyring as a laptop's login leaves it: gnome-keyring-daemon serving the
//! Secret Service on a private session bus (`dbus-daemon`), its login keyring unlocked at start.
//! The app finds it through `DBUS_SESSION_BUS_ADDRESS`; the test reads and changes what it holds
//! with `secret-tool`, as a user with the desktop's "Passwords and Keys" would.

use crate::Terminating;
use anyhow::{ensure, Context, Result};
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What SafeServe names its keyring entries by (`safeserve-device`).
const SERVICE: &str = "SafeServe";

/// A session bus without service activation (no `<servicedir>`), open to its one user.
const BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=SOCKET</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

pub struct SessionKeyring {
    /// What the app is given as `DBUS_SESSION_BUS_ADDRESS`.
    pub address: OsString,
    /// The daemon's own home: its keyring files, apart from the app's data.
    home: PathBuf,
    _keyring: Terminating,
    _bus: Terminating,
}

impl SessionKeyring {
    pub fn start(dir: &Path) -> Result<SessionKeyring> {
        let home = dir.join("keyring-home");
        let run = home.join("run");
        std::fs::create_dir_all(&run)?;
        // The runtime folder is the user's own, as logind makes it.
        std::fs::set_permissions(&run, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
        // A session bus that starts nothing by itself: the system's service files would start a
        // second, locked gnome-keyring for the first client that asks before ours is up.
        let config = home.join("session-bus.conf");
        let socket = home.join("session_bus_socket");
        std::fs::write(&config, BUS_CONFIG.replace("SOCKET", &socket.to_string_lossy()))?;
        let mut bus = Command::new("dbus-daemon")
            .args(["--nofork", "--print-address=1"])
            .arg(format!("--config-file={}", config.display()))
            .stdout(Stdio::piped())
            .spawn()
            .context("start dbus-daemon")?;
        let mut address = String::new();
        BufReader::new(bus.stdout.take().context("piped")?).read_line(&mut address)?;
        let bus = Terminating(bus);
        ensure!(!address.trim().is_empty(), "dbus-daemon did not start (its error is above)");
        let address = OsString::from(address.trim());
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .arg(format!("--control-directory={}", run.join("keyring").display()))
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_RUNTIME_DIR", &run)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("start gnome-keyring-daemon (./dev installs gnome-keyring)")?;
        // The login password unlocks (and at first makes) the login keyring, as at a desktop login.
        let mut stdin = keyring.stdin.take().context("piped")?;
        stdin.write_all(b"desktop login password")?;
        drop(stdin);
        let started = SessionKeyring { address, home, _keyring: Terminating(keyring), _bus: bus };
        let deadline = Instant::now() + Duration::from_secs(20);
        // Ready once an entry can be written and read back.
        loop {
            if started.store("probe", "ready").is_ok() && started.lookup("probe")?.as_deref() == Some("ready") {
                started.clear("probe")?;
                return Ok(started);
            }
            ensure!(Instant::now() < deadline, "gnome-keyring-daemon did not answer within 20 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The environment that puts a process in this desktop session.
    pub fn env(&self) -> [(&'static str, &std::ffi::OsStr); 1] {
        [("DBUS_SESSION_BUS_ADDRESS", self.address.as_os_str())]
    }

    /// Where the daemon keeps its own (encrypted) keyring files.
    pub fn home(&self) -> &Path {
        &self.home
    }

    fn secret_tool(&self) -> Command {
        let mut cmd = Command::new("secret-tool");
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.address);
        cmd
    }

    /// The secret SafeServe keeps under `user`, if the keyring holds one.
    pub fn lookup(&self, user: &str) -> Result<Option<String>> {
        let out = self.secret_tool().args(["lookup", "service", SERVICE, "username", user]).output()?;
        Ok(out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned()))
    }

    /// Takes SafeServe's secret under `user` out of the keyring.
    pub fn clear(&self, user: &str) -> Result<()> {
        let status = self.secret_tool().args(["clear", "service", SERVICE, "username", user]).status()?;
        ensure!(status.success(), "secret-tool clear {user}: {status}");
        Ok(())
    }

    /// Puts `secret` in the keyring under `user`, with the attributes the keyring crate
    /// searches SafeServe's entries by.
    pub fn store(&self, user: &str, secret: &str) -> Result<()> {
        let mut child = self
            .secret_tool()
            .args(["store", "--label=SafeServe", "service", SERVICE, "username", user])
            .args(["target", "default", "application", "rust-keyring"])
            .stdin(Stdio::piped())
            .spawn()?;
        child.stdin.take().context("piped")?.write_all(secret.as_bytes())?;
        let status = child.wait()?;
        ensure!(status.success(), "secret-tool store {user}: {status}");
        Ok(())
    }
}
