//! Opening the socket: TCP (directly or through an HTTP CONNECT proxy), TLS with rustls, WebSocket upgrade.

use std::sync::Arc;

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use crate::config::{Config, Proxy};

/// The socket the connection task owns.
pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A proxy's answer header is small; a longer one is not an HTTP proxy.
const MAX_PROXY_RESPONSE_BYTES: usize = 16 * 1024;

/// Why opening the socket failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TransportError {
    #[error("cannot reach {target}: {source}")]
    Tcp {
        target: String,
        source: std::io::Error,
    },
    #[error("proxy {proxy} refused CONNECT to {target}: {status}")]
    ProxyRefused {
        proxy: String,
        target: String,
        status: String,
    },
    #[error("proxy {proxy} broke the CONNECT exchange: {reason}")]
    ProxyProtocol { proxy: String, reason: String },
    #[error("WebSocket handshake with {url} failed: {source}")]
    WebSocket {
        url: String,
        source: Box<tokio_tungstenite::tungstenite::Error>,
    },
    #[error("TLS setup failed: {0}")]
    Tls(String),
}

/// The rustls configuration: ring as the crypto provider and the webpki roots, so the client needs no
/// process-wide provider and no system certificate store.
pub(crate) fn tls_config(config: &Config) -> Result<Arc<rustls::ClientConfig>, TransportError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for der in &config.extra_roots {
        roots
            .add(rustls::pki_types::CertificateDer::from(der.clone()))
            .map_err(|error| {
                TransportError::Tls(format!("cannot trust the extra root certificate: {error}"))
            })?;
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|error| TransportError::Tls(error.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(Arc::new(config))
}

pub(crate) async fn open(
    config: &Config,
    force_tls: bool,
    tls: &Arc<rustls::ClientConfig>,
) -> Result<Socket, TransportError> {
    let host = config.host();
    let port = config.port(force_tls);
    let target = format!("{}:{port}", bracket(&host));
    let stream = match &config.proxy {
        Some(proxy) => connect_via_proxy(proxy, &target).await?,
        None => TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|source| TransportError::Tcp {
                target: target.clone(),
                source,
            })?,
    };
    // Pusher frames are small and latency matters more than packet count.
    let _ = stream.set_nodelay(true);
    let url = config.url_with(force_tls);
    let request =
        url.as_str()
            .into_client_request()
            .map_err(|source| TransportError::WebSocket {
                url: url.clone(),
                source: Box::new(source),
            })?;
    // tungstenite's own limit protects memory; the decoder drops frames over the configured
    // limit (as `DEFAULT_MAX_FRAME_BYTES` documents both).
    let limit = config
        .max_frame_bytes
        .saturating_mul(crate::config::MAX_MESSAGE_FACTOR)
        .max(64 * 1024);
    let ws_config = WebSocketConfig::default()
        .max_message_size(Some(limit))
        .max_frame_size(Some(limit));
    let connector = if config.uses_tls(force_tls) {
        Connector::Rustls(tls.clone())
    } else {
        Connector::Plain
    };
    let (socket, _response) = tokio_tungstenite::client_async_tls_with_config(
        request,
        stream,
        Some(ws_config),
        Some(connector),
    )
    .await
    .map_err(|source| TransportError::WebSocket {
        url,
        source: Box::new(source),
    })?;
    Ok(socket)
}

fn bracket(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

async fn connect_via_proxy(proxy: &Proxy, target: &str) -> Result<TcpStream, TransportError> {
    let proxy_name = format!("{}:{}", bracket(&proxy.host), proxy.port);
    let mut stream = TcpStream::connect((proxy.host.as_str(), proxy.port))
        .await
        .map_err(|source| TransportError::Tcp {
            target: proxy_name.clone(),
            source,
        })?;
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(credentials) = &proxy.credentials {
        let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
        request.push_str(&format!("Proxy-Authorization: Basic {encoded}\r\n"));
    }
    request.push_str("\r\n");
    let protocol_error = |reason: String| TransportError::ProxyProtocol {
        proxy: proxy_name.clone(),
        reason,
    };
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|error| protocol_error(error.to_string()))?;
    // Read byte by byte up to the blank line, so no byte of the tunnel is consumed.
    let mut head = Vec::with_capacity(256);
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_PROXY_RESPONSE_BYTES {
            return Err(protocol_error("answer header too long".into()));
        }
        let byte = stream
            .read_u8()
            .await
            .map_err(|error| protocol_error(format!("closed before answering: {error}")))?;
        head.push(byte);
    }
    let head = String::from_utf8_lossy(&head);
    let status_line = head.lines().next().unwrap_or_default().to_owned();
    let code = status_line.split_whitespace().nth(1).unwrap_or_default();
    if !status_line.starts_with("HTTP/1.") || !code.starts_with('2') {
        return Err(TransportError::ProxyRefused {
            proxy: proxy_name,
            target: target.to_owned(),
            status: status_line,
        });
    }
    Ok(stream)
}
