//! logind as the app meets it on a laptop, on a private bus (`dbus-daemon`): it hands out
//! sleep inhibitor locks and announces sleeps (`PrepareForSleep`). A test cannot close a lid or
//! suspend this machine; what is under test is the app's answer to the OS's announcement.

use crate::Terminating;
use anyhow::{Context, Result};
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use zbus::blocking::Connection;

const PATH: &str = "/org/freedesktop/login1";
const MANAGER: &str = "org.freedesktop.login1.Manager";

#[derive(Default)]
struct Locks {
    taken: AtomicUsize,
    released: AtomicUsize,
}

struct Manager(Arc<Locks>);

#[zbus::interface(name = "org.freedesktop.login1.Manager")]
impl Manager {
    /// As logind: the lock lasts while the caller keeps the descriptor open; its closing is
    /// seen here as the end of the pipe.
    fn inhibit(&self, what: &str, _who: &str, _why: &str, mode: &str) -> zbus::fdo::Result<zbus::zvariant::OwnedFd> {
        if (what, mode) != ("sleep", "delay") {
            return Err(zbus::fdo::Error::InvalidArgs(format!("{what}/{mode}")));
        }
        let (mut reader, writer) = std::io::pipe().map_err(|e| zbus::fdo::Error::Failed(e.to_string()))?;
        self.0.taken.fetch_add(1, Ordering::SeqCst);
        let locks = self.0.clone();
        std::thread::spawn(move || {
            let _ = reader.read_to_end(&mut Vec::new());
            locks.released.fetch_add(1, Ordering::SeqCst);
        });
        Ok(std::os::fd::OwnedFd::from(writer).into())
    }
}

pub struct Logind {
    /// What the app is given as `DBUS_SYSTEM_BUS_ADDRESS`.
    pub address: String,
    bus: Connection,
    locks: Arc<Locks>,
    _daemon: Terminating,
}

impl Logind {
    pub fn start(dir: &std::path::Path) -> Result<Logind> {
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .arg(format!("--address=unix:path={}", dir.join("system_bus_socket").display()))
            .stdout(Stdio::piped())
            .spawn()
            .context("start dbus-daemon (dbus-daemon is installed with the desktop's prerequisites)")?;
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().context("piped")?).read_line(&mut address)?;
        let address = address.trim().to_owned();
        let daemon = Terminating(daemon);
        let locks = Arc::new(Locks::default());
        let bus = zbus::blocking::connection::Builder::address(address.as_str())?
            .name("org.freedesktop.login1")?
            .serve_at(PATH, Manager(locks.clone()))?
            .build()?;
        Ok(Logind { address, bus, locks, _daemon: daemon })
    }

    /// Announces a sleep (`true`, the lid closing) or a wake (`false`).
    pub fn prepare_for_sleep(&self, going: bool) -> Result<()> {
        self.bus.emit_signal(None::<()>, PATH, MANAGER, "PrepareForSleep", &(going,))?;
        Ok(())
    }

    /// Sleep inhibitor locks taken so far, and released.
    pub fn locks(&self) -> (usize, usize) {
        (self.locks.taken.load(Ordering::SeqCst), self.locks.released.load(Ordering::SeqCst))
    }
}
