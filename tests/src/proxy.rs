//! A TCP relay between a laptop and the server, for the network's faults: it keeps a copy of
//! every byte that crosses it (what an eavesdropper on the network sees) and can let one
//! request reach the server while its reply never comes back (a connection lost at the worst
//! moment). Plain threads; one per direction of each connection.

use anyhow::Result;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Shared {
    seen: Mutex<Vec<u8>>,
    /// The next request containing these bytes reaches the server; its reply is thrown away.
    drop_reply_to: Mutex<Option<Vec<u8>>>,
    dropped: AtomicBool,
}

pub struct Proxy {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

impl Proxy {
    /// Relays connections on a free loopback port to `upstream` (`host:port`).
    pub fn start(upstream: &str) -> Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let upstream = upstream.to_owned();
        let relay = shared.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else { continue };
                let shared = relay.clone();
                std::thread::spawn(move || connection(client, server, shared));
            }
        });
        Ok(Proxy { addr, shared })
    }

    /// `url` with its host and port replaced by the proxy's.
    pub fn url(&self, url: &str) -> String {
        let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
        let path = rest.find('/').map(|i| &rest[i..]).unwrap_or("");
        format!("{scheme}://{}{path}", self.addr)
    }

    /// Every byte that crossed, both ways.
    pub fn seen(&self) -> Vec<u8> {
        self.shared.seen.lock().expect("proxy").clone()
    }

    /// The next request whose bytes contain `needle` is delivered; its reply is not.
    pub fn drop_reply_to(&self, needle: &str) {
        *self.shared.drop_reply_to.lock().expect("proxy") = Some(needle.as_bytes().to_vec());
    }

    /// Whether a reply was thrown away.
    pub fn dropped(&self) -> bool {
        self.shared.dropped.load(Ordering::SeqCst)
    }
}

fn connection(client: TcpStream, server: TcpStream, shared: Arc<Shared>) {
    let cut = Arc::new(AtomicBool::new(false));
    let (Ok(mut from_server), Ok(mut to_client)) = (server.try_clone(), client.try_clone()) else { return };
    let (down_shared, down_cut) = (shared.clone(), cut.clone());
    let down = std::thread::spawn(move || {
        let mut buf = [0u8; 16 * 1024];
        while let Ok(n) = from_server.read(&mut buf) {
            if n == 0 {
                break;
            }
            if down_cut.load(Ordering::SeqCst) {
                // The reply reached the proxy; the laptop never sees it.
                down_shared.dropped.store(true, Ordering::SeqCst);
                let _ = to_client.shutdown(Shutdown::Both);
                break;
            }
            down_shared.seen.lock().expect("proxy").extend_from_slice(&buf[..n]);
            if to_client.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to_client.shutdown(Shutdown::Write);
    });
    let (mut from_client, mut to_server) = (client, server);
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n) = from_client.read(&mut buf) {
        if n == 0 {
            break;
        }
        {
            let mut armed = shared.drop_reply_to.lock().expect("proxy");
            if armed.as_deref().is_some_and(|needle| contains(&buf[..n], needle)) {
                *armed = None;
                cut.store(true, Ordering::SeqCst);
            }
        }
        shared.seen.lock().expect("proxy").extend_from_slice(&buf[..n]);
        if to_server.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to_server.shutdown(Shutdown::Write);
    let _ = down.join();
}
