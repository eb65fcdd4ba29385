//! A TCP proxy that can cut, black-hole, delay and hold the connections passing through it, and a
//! minimal HTTP CONNECT proxy.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

const PASS: u8 = 0;
const BLACKHOLE: u8 = 1;
const REFUSE: u8 = 2;

pub struct FaultProxy {
    pub port: u16,
    mode: Arc<AtomicU8>,
    delay_ms: Arc<AtomicU64>,
    /// While set, nothing from the server is forwarded or read.
    hold: Arc<AtomicBool>,
    cut: watch::Sender<u64>,
    pub accepted: Arc<AtomicU64>,
    /// How many `pusher:pong` messages were forwarded from the server (its frames are not
    /// masked, so the name is in the bytes): each one a ping of the client's answered.
    pongs: watch::Sender<u64>,
}

impl FaultProxy {
    pub async fn start(target_port: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mode = Arc::new(AtomicU8::new(PASS));
        let delay_ms = Arc::new(AtomicU64::new(0));
        let hold = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(AtomicU64::new(0));
        let (pongs, _) = watch::channel(0u64);
        let (cut, _) = watch::channel(0u64);
        let proxy = Self {
            port,
            mode: mode.clone(),
            delay_ms: delay_ms.clone(),
            hold: hold.clone(),
            cut: cut.clone(),
            accepted: accepted.clone(),
            pongs: pongs.clone(),
        };
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                accepted.fetch_add(1, Ordering::SeqCst);
                if mode.load(Ordering::SeqCst) == REFUSE {
                    drop(client);
                    continue;
                }
                let (mode, delay_ms, hold, mut cut, pongs) = (
                    mode.clone(),
                    delay_ms.clone(),
                    hold.clone(),
                    cut.subscribe(),
                    pongs.clone(),
                );
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(("127.0.0.1", target_port)).await else {
                        return;
                    };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    let up = pump(
                        client_read,
                        server_write,
                        mode.clone(),
                        delay_ms.clone(),
                        None,
                        None,
                    );
                    let down = pump(
                        server_read,
                        client_write,
                        mode,
                        delay_ms,
                        Some(hold),
                        Some(pongs),
                    );
                    tokio::select! {
                        _ = up => {}
                        _ = down => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        proxy
    }

    /// Drops every open connection (both sides see the TCP connection end).
    pub fn cut(&self) {
        self.cut.send_modify(|generation| *generation += 1);
    }

    /// Bytes in both directions are swallowed; connections stay open (a dead NAT, a sleeping laptop).
    pub fn blackhole(&self) {
        self.mode.store(BLACKHOLE, Ordering::SeqCst);
    }

    /// New connections are accepted and closed at once (a server that dies mid-handshake).
    pub fn refuse(&self) {
        self.mode.store(REFUSE, Ordering::SeqCst);
    }

    pub fn pass(&self) {
        self.mode.store(PASS, Ordering::SeqCst);
    }

    /// Stops reading from the server, so its data backs up as if the client had stalled; the
    /// connection stays open.
    pub fn hold_downstream(&self) {
        self.hold.store(true, Ordering::SeqCst);
    }

    /// Forwards what the server sent again, starting with what was held.
    pub fn release_downstream(&self) {
        self.hold.store(false, Ordering::SeqCst);
    }

    /// Waits until `more` of the server's pongs reach the client from now: that many of its
    /// pings answered (at most 30 s, the test fails after).
    pub async fn until_more_pongs(&self, more: u64) {
        let mut forwarded = self.pongs.subscribe();
        let since = *forwarded.borrow();
        let answered = tokio::time::timeout(
            Duration::from_secs(30),
            forwarded.wait_for(|pongs| *pongs >= since + more),
        )
        .await;
        assert!(
            matches!(answered, Ok(Ok(_))),
            "{more} pings answered within 30 s: {} of them",
            *self.pongs.borrow() - since
        );
    }

    /// Every chunk waits this long before it is forwarded.
    pub fn delay(&self, delay: Duration) {
        self.delay_ms
            .store(delay.as_millis() as u64, Ordering::SeqCst);
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mode: Arc<AtomicU8>,
    delay_ms: Arc<AtomicU64>,
    hold: Option<Arc<AtomicBool>>,
    pongs: Option<watch::Sender<u64>>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    let held = || {
        hold.as_ref()
            .is_some_and(|hold| hold.load(Ordering::SeqCst))
    };
    loop {
        while held() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if mode.load(Ordering::SeqCst) == BLACKHOLE {
            continue;
        }
        let delay = delay_ms.load(Ordering::SeqCst);
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
        if let Some(pongs) = &pongs {
            let found = buf[..n]
                .windows(PONG.len())
                .filter(|window| *window == PONG)
                .count();
            if found > 0 {
                pongs.send_modify(|forwarded| *forwarded += found as u64);
            }
        }
    }
}

/// The name of the server's answer to a ping, as it appears in an unmasked frame.
const PONG: &[u8] = b"pusher:pong";

/// A minimal HTTP CONNECT proxy that records the targets it was asked for.
pub struct ConnectProxy {
    pub port: u16,
    pub requests: Arc<std::sync::Mutex<Vec<String>>>,
}

impl ConnectProxy {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = requests.clone();
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    while !head.ends_with(b"\r\n\r\n") {
                        let mut byte = [0u8; 1];
                        if client.read_exact(&mut byte).await.is_err() {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).to_string();
                    log.lock().unwrap().push(head.clone());
                    let target = head
                        .split_whitespace()
                        .nth(1)
                        .unwrap_or_default()
                        .to_owned();
                    let Ok(mut server) = TcpStream::connect(target.as_str()).await else {
                        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                        return;
                    };
                    let _ = client
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .await;
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                });
            }
        });
        Self { port, requests }
    }
}
