//! Where the desk may fetch a picture from: the hotel's own server (its exact origin) and the
//! hotel's media hosts (https; Cloudinary's by default), never an address someone typed into
//! text. A guest controls message text and a server controls every field it sends, so without
//! this rule a guest could make every desk fetch `http://127.0.0.1:…` or a cloud metadata
//! address (169.254.169.254) within seconds, with nobody clicking.
//!
//! Private, loopback and link-local addresses are refused unless the hotel server itself is
//! there (the demo hotel and a sandbox run on this computer); a media host's name that resolves
//! to such an address is refused too (checked when the name is resolved, see
//! [`ImageHosts::resolved_ok`]).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::Url;

use crate::session::config::ApiBase;

/// Cloudinary, where HotelMate keeps its media (API.md: every image field is a Cloudinary URL).
pub(crate) const DEFAULT_MEDIA_HOSTS: &[&str] = &["res.cloudinary.com"];

/// The variable that replaces the media hosts (comma-separated host names).
pub(crate) const MEDIA_HOSTS_ENV: &str = "HOTELMATE_MEDIA_HOSTS";

/// Why a picture's address is not fetched, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{url}' is not fetched: {reason}")]
pub struct HostRefused {
    /// The picture's address.
    pub url: String,
    /// Why it is not fetched, in words.
    pub reason: &'static str,
}

/// The hosts a signed-in desk may fetch pictures from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageHosts {
    /// The hotel server's scheme, host and port.
    hotel: (String, String, u16),
    /// Media host names (lower case), fetched over https only.
    media: Vec<String>,
}

impl ImageHosts {
    /// The hosts of a desk signed in to `server`: its exact origin, and the `media` host names
    /// (fetched over https only).
    pub fn new(server: &ApiBase, media: &[String]) -> Self {
        let url = server.url();
        Self {
            hotel: origin(url).unwrap_or_default(),
            media: media
                .iter()
                .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
        }
    }

    /// The media hosts of this computer: `HOTELMATE_MEDIA_HOSTS`, else [`DEFAULT_MEDIA_HOSTS`].
    pub(crate) fn media_hosts_from_env() -> Vec<String> {
        match std::env::var(MEDIA_HOSTS_ENV) {
            Ok(list) if !list.trim().is_empty() => list.split(',').map(str::to_owned).collect(),
            _ => DEFAULT_MEDIA_HOSTS
                .iter()
                .map(|h| (*h).to_owned())
                .collect(),
        }
    }

    /// Whether `url` may be fetched, by its address alone (a media host's name is checked
    /// again when it is resolved).
    pub(crate) fn check(&self, url: &str) -> Result<(), HostRefused> {
        let refuse = |reason| HostRefused {
            url: url.to_owned(),
            reason,
        };
        let parsed = Url::parse(url).map_err(|_| refuse("it is not a web address"))?;
        if parsed.username() != "" || parsed.password().is_some() {
            return Err(refuse("it carries a user name or password"));
        }
        let at = origin(&parsed).ok_or_else(|| refuse("it is not a web address"))?;
        if at == self.hotel {
            return Ok(());
        }
        // A hotel server on this computer (the demo hotel, a sandbox, a test proxy in front of
        // one) serves its pictures from this computer too, on its own port or another: the
        // same loopback host is the server's machine, whatever the port.
        if at.1 == self.hotel.1 && literal_ip(&at.1).is_some_and(|ip| ip.is_loopback()) {
            return Ok(());
        }
        if at.0 != "https" {
            return Err(refuse("pictures are fetched over https only"));
        }
        let host = at.1.as_str();
        if !self.media.iter().any(|m| m == host) {
            return Err(refuse(
                "it is neither the hotel's server nor one of its media hosts",
            ));
        }
        if let Some(ip) = literal_ip(host) {
            if is_private(ip) {
                return Err(refuse("it is an address inside a private network"));
            }
        }
        Ok(())
    }

    /// Whether a name `host` resolved to `ip` may be connected to: the hotel server's own name
    /// may be anywhere (a hotel may run it on its own network), a media host only on the public
    /// internet.
    pub(crate) fn resolved_ok(&self, host: &str, ip: IpAddr) -> bool {
        host.eq_ignore_ascii_case(&self.hotel.1) || !is_private(ip)
    }
}

/// Scheme, host (lower case, IPv6 without brackets) and port of a web address.
fn origin(url: &Url) -> Option<(String, String, u16)> {
    let scheme = url.scheme();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = match url.host()? {
        url::Host::Domain(name) => name.trim_end_matches('.').to_ascii_lowercase(),
        url::Host::Ipv4(ip) => ip.to_string(),
        url::Host::Ipv6(ip) => ip.to_string(),
    };
    Some((scheme.to_owned(), host, url.port_or_known_default()?))
}

fn literal_ip(host: &str) -> Option<IpAddr> {
    host.parse().ok()
}

/// Loopback, private, link-local, carrier-grade NAT, unspecified, broadcast, multicast and
/// documentation ranges, unique-local IPv6, and IPv4 written inside IPv6 (mapped or
/// compatible): anything that is not a public address on the internet.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private_v4(v4);
            }
            let segments = v6.segments();
            // IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::/96) carry an IPv4 address.
            if segments[..6] == [0, 0, 0, 0, 0, 0] && !v6.is_loopback() && !v6.is_unspecified()
                || segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
            {
                let [a, b] = segments[6].to_be_bytes();
                let [c, d] = segments[7].to_be_bytes();
                return is_private_v4(Ipv4Addr::new(a, b, c, d));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (segments[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (segments[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (segments[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
                || segments[0] == 0x2001 && segments[1] == 0x0db8 // documentation
                || v6 == Ipv6Addr::LOCALHOST
        }
    }
}

fn is_private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240 // reserved
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(server: &str) -> ImageHosts {
        ImageHosts::new(
            &ApiBase::parse(server).unwrap(),
            &["res.cloudinary.com".to_owned()],
        )
    }

    #[test]
    fn private_loopback_and_link_local_addresses_in_every_form_are_private() {
        for private in [
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.1",
            "172.16.5.4",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.1.2.3",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2001:db8::1",
        ] {
            let ip: IpAddr = private.parse().unwrap();
            assert!(is_private(ip), "{private} is private");
        }
        for public in [
            "8.8.8.8",
            "151.101.1.1",
            "2a00:1450:4009::200e",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = public.parse().unwrap();
            assert!(!is_private(ip), "{public} is public");
        }
    }

    #[test]
    fn only_the_hotel_servers_origin_and_its_media_hosts_over_https_are_fetched() {
        let remote = hosts("https://api.hotel.example");
        assert!(remote
            .check("https://res.cloudinary.com/hotelmate/image/upload/v1/pool.jpg")
            .is_ok());
        assert!(remote
            .check("https://api.hotel.example/media/pool.jpg")
            .is_ok());
        assert!(remote.check("https://API.hotel.example:443/m.png").is_ok());
        for refused in [
            "http://res.cloudinary.com/pool.jpg",          // not https
            "https://evil.example/pool.jpg",               // not a known host
            "https://api.hotel.example:8443/pool.jpg",     // another port of the server
            "http://api.hotel.example/pool.jpg",           // the server's host, another scheme
            "http://169.254.169.254/latest/meta-data.png", // cloud metadata
            "http://127.0.0.1:9/x.png",
            "http://[::1]:9/x.png",
            "http://[::ffff:127.0.0.1]/x.png",
            "https://user:pw@res.cloudinary.com/a.png",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "not a url",
        ] {
            assert!(remote.check(refused).is_err(), "{refused} must be refused");
        }
    }

    #[test]
    fn a_hotel_server_on_this_computer_is_allowed_but_no_other_address_there() {
        let local = hosts("http://127.0.0.1:8000");
        assert!(local.check("http://127.0.0.1:8000/media/pool.png").is_ok());
        // The server's machine: its media may come through another port (a proxy in front).
        assert!(local.check("http://127.0.0.1:8001/media/pool.png").is_ok());
        for refused in [
            "http://127.0.0.2:8000/x.png", // another loopback address: not the server's
            "http://localhost:8000/x.png", // another name: another origin
            "http://10.0.0.5:8000/x.png",
            "http://169.254.169.254/latest/meta-data/x.png",
        ] {
            assert!(local.check(refused).is_err(), "{refused} must be refused");
        }
    }

    #[test]
    fn a_media_host_name_resolving_to_a_private_address_is_refused() {
        let remote = hosts("https://api.hotel.example");
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        let metadata: IpAddr = "169.254.169.254".parse().unwrap();
        let public: IpAddr = "151.101.1.1".parse().unwrap();
        assert!(!remote.resolved_ok("res.cloudinary.com", loopback));
        assert!(!remote.resolved_ok("res.cloudinary.com", metadata));
        assert!(remote.resolved_ok("res.cloudinary.com", public));
        // The hotel's own server may be on the hotel's network.
        assert!(remote.resolved_ok("api.hotel.example", "10.0.0.8".parse().unwrap()));
    }
}
