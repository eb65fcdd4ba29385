//! A TCP proxy whose network can be cut and restored, so tests can put a hotel's failing
//! Wi-Fi between a desk and this server. Not used by the server itself.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Forwards every connection to `target` until [`CutProxy::cut`]: then open connections drop
/// and new ones are closed at once, until [`CutProxy::restore`].
pub struct CutProxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    tunnels: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl CutProxy {
    /// Listens on a free loopback port in front of `target`.
    pub async fn start(target: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let up = Arc::new(AtomicBool::new(true));
        let tunnels: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (accept_up, accept_tunnels) = (up.clone(), tunnels.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !accept_up.load(Ordering::SeqCst) {
                    continue;
                }
                let tunnel = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                accept_tunnels
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(tunnel);
            }
        });
        Ok(Self {
            addr,
            up,
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

    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for CutProxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}
