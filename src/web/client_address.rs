//! Who is on the other end: the peer's address, or, when the peer is a proxy this deployment trusts
//! (GONGHUI_TRUSTED_PROXIES), the nearest address in X-Forwarded-For that is not one of those
//! proxies. The header alone is never believed: anyone can send it. Rate limits and the audit trail
//! rely on this address.

use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;

/// One trusted proxy address or network ("10.0.0.5", "172.16.0.0/12", "fd00::/8").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

impl FromStr for TrustedProxy {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let (address, prefix) = text.split_once('/').unwrap_or((text, ""));
        let network: IpAddr = address
            .parse()
            .map_err(|_| format!("not an IP address: {address}"))?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            bits
        } else {
            prefix
                .parse()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("not a prefix length: /{prefix}"))?
        };
        Ok(Self { network, prefix })
    }
}

/// The list of GONGHUI_TRUSTED_PROXIES, comma-separated; empty means none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<TrustedProxy>);

impl FromStr for TrustedProxies {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.split(',')
            .filter(|item| !item.trim().is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

impl TrustedProxy {
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address.to_canonical()) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(network) & mask == u32::from(address) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(network) & mask == u128::from(address) & mask
            }
            _ => false,
        }
    }
}

/// The client's address as this deployment can vouch for it.
pub fn client_ip(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &TrustedProxies,
) -> Option<IpAddr> {
    let trusted = &trusted.0;
    let peer = peer?.to_canonical();
    let is_trusted = |address: IpAddr| trusted.iter().any(|proxy| proxy.contains(address));
    if !is_trusted(peer) {
        return Some(peer);
    }
    // Each proxy appends the address it received from; read from the nearest hop outwards.
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map_while(|hop| hop.trim().parse::<IpAddr>().ok())
        .collect();
    let mut client = peer;
    for hop in forwarded.into_iter().rev() {
        client = hop.to_canonical();
        if !is_trusted(client) {
            break;
        }
    }
    Some(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(list: &[&str]) -> TrustedProxies {
        list.join(",").parse().expect("valid")
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().expect("header"));
        headers
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().expect("ip"))
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let headers = forwarded("203.0.113.7");
        assert_eq!(
            client_ip(ip("198.51.100.1"), &headers, &proxies(&[])),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_ip(ip("198.51.100.1"), &headers, &proxies(&["10.0.0.0/8"])),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_ip(ip("10.1.2.3"), &headers, &proxies(&["10.0.0.0/8"])),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn a_forged_first_hop_is_skipped_for_the_nearest_untrusted_one() {
        // The client sent "1.2.3.4" itself; the proxy appended the address it really saw.
        let headers = forwarded("1.2.3.4, 203.0.113.7, 10.0.0.2");
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &proxies(&["10.0.0.0/24"])),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn networks_and_single_addresses_parse_and_match() {
        let proxy: TrustedProxy = "172.16.0.0/12".parse().unwrap();
        assert!(proxy.contains("172.20.1.1".parse().unwrap()));
        assert!(!proxy.contains("172.32.0.1".parse().unwrap()));
        assert!(
            proxy.contains("::ffff:172.20.1.1".parse().unwrap()),
            "IPv4-mapped"
        );
        let single: TrustedProxy = "::1".parse().unwrap();
        assert!(single.contains("::1".parse().unwrap()));
        assert!("10.0.0.0/33".parse::<TrustedProxy>().is_err());
        assert!("proxy.local".parse::<TrustedProxy>().is_err());
        assert_eq!(
            " , ".parse::<TrustedProxies>(),
            Ok(TrustedProxies::default())
        );
        let everything: TrustedProxy = "0.0.0.0/0".parse().unwrap();
        assert!(everything.contains("8.8.8.8".parse().unwrap()));
    }
}
