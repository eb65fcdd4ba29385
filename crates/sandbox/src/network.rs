//! A TCP proxy whose network can be cut and restored, so tests can put a hotel's failing
//! Wi-Fi between a desk and this server, optionally with a distance (each byte arrives a fixed
//! time after it was sent, as over a WAN). Not used by the server itself.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// Forwards every connection to `target` until [`CutProxy::cut`]: then open connections drop
/// and new ones are closed at once, until [`CutProxy::restore`].
pub struct CutProxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    /// While true, connections are accepted and held and nothing is delivered either way: a
    /// server that is there and never answers (a stopped process, a hung machine).
    frozen: tokio::sync::watch::Sender<bool>,
    tunnels: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl CutProxy {
    /// Listens on a free loopback port in front of `target`.
    pub async fn start(target: SocketAddr) -> std::io::Result<Self> {
        Self::start_with_delay(target, std::time::Duration::ZERO).await
    }

    /// As [`CutProxy::start`], each byte delivered `one_way` after it was sent (in both
    /// directions, so a request and its answer take twice that more), without limiting how
    /// much is in flight.
    pub async fn start_with_delay(
        target: SocketAddr,
        one_way: std::time::Duration,
    ) -> std::io::Result<Self> {
        Self::start_shaped(target, one_way, None).await
    }

    /// As [`CutProxy::start`], what clients send sharing an uplink of `bytes_per_second` (a
    /// hotel's upload bandwidth), while answers come at full speed.
    pub async fn start_with_uplink(
        target: SocketAddr,
        bytes_per_second: u64,
    ) -> std::io::Result<Self> {
        Self::start_shaped(target, std::time::Duration::ZERO, Some(bytes_per_second)).await
    }

    async fn start_shaped(
        target: SocketAddr,
        one_way: std::time::Duration,
        uplink: Option<u64>,
    ) -> std::io::Result<Self> {
        let link = uplink.map(|rate| Arc::new(Uplink::new(rate)));
        let socket = tokio::net::TcpSocket::new_v4()?;
        if link.is_some() {
            // A small receive window, so a slow uplink holds the sender back (and its progress
            // means bytes on their way) instead of the loopback's buffers taking a whole file.
            socket.set_recv_buffer_size(64 * 1024)?;
        }
        socket.bind("127.0.0.1:0".parse().map_err(std::io::Error::other)?)?;
        let listener = socket.listen(1024)?;
        let addr = listener.local_addr()?;
        let up = Arc::new(AtomicBool::new(true));
        let (frozen, _) = tokio::sync::watch::channel(false);
        let tunnels: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (accept_up, accept_tunnels) = (up.clone(), tunnels.clone());
        let accept_frozen = frozen.clone();
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                // The list of tunnels is held from the check to the tunnel's place in it, so a
                // cut is either seen here or drops this tunnel: a connection accepted as the
                // network was cut carried requests through the cut (chat's refused-file test,
                // one run in four).
                let mut tunnels = accept_tunnels
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                if !accept_up.load(Ordering::SeqCst) {
                    continue;
                }
                let link = link.clone();
                let gate = accept_frozen.subscribe();
                let tunnel = tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(target).await else {
                        return;
                    };
                    if let Some(link) = link {
                        let (client_read, client_write) = client.into_split();
                        let (mut server_read, server_write) = server.into_split();
                        let mut client_write = client_write;
                        tokio::join!(link.carry(client_read, server_write), async {
                            let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
                        });
                        return;
                    }
                    if one_way.is_zero() {
                        let (client_read, client_write) = client.into_split();
                        let (server_read, server_write) = server.into_split();
                        tokio::join!(
                            gated_copy(client_read, server_write, gate.clone()),
                            gated_copy(server_read, client_write, gate),
                        );
                        return;
                    }
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::join!(
                        delayed_copy(client_read, server_write, one_way),
                        delayed_copy(server_read, client_write, one_way),
                    );
                });
                tunnels.push(tunnel);
            }
        });
        Ok(Self {
            addr,
            up,
            frozen,
            tunnels,
            accept,
        })
    }

    /// Where clients connect instead of the target.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The network is gone: open connections drop, new ones are closed at once.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for tunnel in self
            .tunnels
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..)
        {
            tunnel.abort();
        }
    }

    /// The network is back: new connections reach the target again.
    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }

    /// The server stops answering but stays there: connections open and stay open, and
    /// nothing arrives either way, until [`CutProxy::thaw`] (only for a proxy with no distance
    /// and no uplink limit).
    pub fn freeze(&self) {
        self.frozen.send_replace(true);
    }

    /// Ends [`CutProxy::freeze`]: what was held flows on.
    pub fn thaw(&self) {
        self.frozen.send_replace(false);
    }
}

/// Copies `from` to `to`, each chunk held while the gate says frozen.
async fn gated_copy(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut frozen: tokio::sync::watch::Receiver<bool>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if frozen.wait_for(|frozen| !*frozen).await.is_err() {
            return;
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
    let _ = to.shutdown().await;
}

impl Drop for CutProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

/// An upload link shared by every connection: bytes leave at most at its rate.
struct Uplink {
    bytes_per_second: u64,
    /// When the link is free again.
    free_at: tokio::sync::Mutex<tokio::time::Instant>,
}

impl Uplink {
    fn new(bytes_per_second: u64) -> Self {
        Self {
            bytes_per_second: bytes_per_second.max(1),
            free_at: tokio::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }

    /// Copies `from` to `to` in small chunks, each sent once the link has carried the ones
    /// before it (of this and every other connection).
    async fn carry(
        &self,
        mut from: tokio::net::tcp::OwnedReadHalf,
        mut to: tokio::net::tcp::OwnedWriteHalf,
    ) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            let n = match from.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let done = {
                let mut free_at = self.free_at.lock().await;
                let start = (*free_at).max(tokio::time::Instant::now());
                *free_at = start
                    + std::time::Duration::from_secs_f64(n as f64 / self.bytes_per_second as f64);
                *free_at
            };
            tokio::time::sleep_until(done).await;
            if to.write_all(&buffer[..n]).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    }
}

/// Copies `from` to `to`, each chunk written `delay` after it was read.
async fn delayed_copy(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    delay: std::time::Duration,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (chunks, mut due) =
        tokio::sync::mpsc::unbounded_channel::<(tokio::time::Instant, Vec<u8>)>();
    let reader = async move {
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            match from.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    let at = tokio::time::Instant::now() + delay;
                    if chunks.send((at, buffer[..n].to_vec())).is_err() {
                        return;
                    }
                }
            }
        }
    };
    let writer = async move {
        while let Some((at, chunk)) = due.recv().await {
            tokio::time::sleep_until(at).await;
            if to.write_all(&chunk).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(reader, writer);
}
