//! Where a webhook may go: public addresses only, unless the operator
//! allows private ones (`PORTAL_WEBHOOKS_ALLOW_PRIVATE`). Names are checked
//! as they are resolved, and the connection goes to the addresses checked,
//! so a name that resolves differently a second later (DNS rebinding)
//! gains nothing.

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Whether a webhook may be sent to private addresses.
#[derive(Clone, Copy, Debug)]
pub struct AddressPolicy {
    pub allow_private: bool,
}

/// A refusal, carried through the HTTP client's error to the delivery's record.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct NotPublic(String);

impl AddressPolicy {
    pub fn check(&self, ip: IpAddr) -> Result<(), super::Undelivered> {
        if self.allow_private || is_public(ip) {
            Ok(())
        } else {
            Err(super::Undelivered::Refused(not_public(ip)))
        }
    }
}

fn not_public(ip: IpAddr) -> String {
    format!("{ip} is not a public address (PORTAL_WEBHOOKS_ALLOW_PRIVATE allows it)")
}

impl Resolve for AddressPolicy {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            // One private address among public ones refuses the name: the
            // client might pick it.
            if let Some(bad) = found.iter().find(|a| !allow_private && !is_public(a.ip())) {
                let refusal = format!("{host} resolves to {}", not_public(bad.ip()));
                return Err(
                    Box::new(NotPublic(refusal)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

/// The refusal inside an HTTP client's error, if that is why it failed.
pub(super) fn refusal_in(error: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(refused) = cause.downcast_ref::<NotPublic>() {
            return Some(refused.0.clone());
        }
        source = cause.source();
    }
    None
}

/// Whether `ip` is an address on the public internet: not loopback,
/// private, shared (carrier NAT), link-local (cloud metadata services
/// live there), multicast, reserved, documentation or unspecified; an
/// IPv6 address that carries an IPv4 one is judged by that.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19)))
}

fn public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return public_v4(v4);
    }
    let segments = ip.segments();
    let embedded_v4 = |high: u16, low: u16| {
        Ipv4Addr::new((high >> 8) as u8, high as u8, (low >> 8) as u8, low as u8)
    };
    match segments {
        // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach an IPv4 address.
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => public_v4(embedded_v4(high, low)),
        [0x2002, high, low, ..] => public_v4(embedded_v4(high, low)),
        _ => {
            !(ip.is_unspecified()
                || ip.is_loopback()
                || ip.is_multicast()
                || (segments[0] & 0xfe00) == 0xfc00 // unique local
                || (segments[0] & 0xffc0) == 0xfe80 // link-local
                || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation
                || (segments[0] == 0x2001 && segments[1] == 0) // Teredo
                || segments[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible, deprecated
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(text: &str) -> bool {
        is_public(text.parse().unwrap())
    }

    #[test]
    fn the_internet_is_public() {
        for ip in [
            "93.184.215.14",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "2002:0808:0808::1",
        ] {
            assert!(public(ip), "{ip}");
        }
    }

    #[test]
    fn the_portals_own_networks_are_not() {
        for ip in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.5.4",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "192.0.0.8",
            "198.18.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fd00::1",
            "fc12::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:0001::1",
            "::127.0.0.1",
        ] {
            assert!(!public(ip), "{ip}");
        }
    }

    #[test]
    fn the_operator_may_allow_private_addresses() {
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(AddressPolicy {
            allow_private: true
        }
        .check(loopback)
        .is_ok());
        assert!(AddressPolicy {
            allow_private: false
        }
        .check(loopback)
        .is_err());
    }
}
