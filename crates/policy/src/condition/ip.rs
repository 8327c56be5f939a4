//! Address ranges of `IpAddress`/`NotIpAddress`: IPv4 and IPv6, as a CIDR block
//! (`203.0.113.0/24`, `2001:db8::/32`) or a single address. Host bits set in a block
//! (`10.1.2.3/8`) are ignored, so the block is `10.0.0.0/8`. An IPv4 address never
//! falls in an IPv6 block nor the other way round.

use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IpNet {
    V4 { network: u32, mask: u32 },
    V6 { network: u128, mask: u128 },
}

impl IpNet {
    pub(crate) fn parse(text: &str) -> Option<IpNet> {
        let (addr, len) = match text.split_once('/') {
            Some((addr, len)) => {
                if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) || len.len() > 3 {
                    return None;
                }
                (addr, Some(len.parse::<u32>().ok()?))
            }
            None => (text, None),
        };
        match addr.parse::<IpAddr>().ok()? {
            IpAddr::V4(a) => {
                let len = len.unwrap_or(32);
                let mask = u32::MAX.checked_shl(32u32.checked_sub(len)?).unwrap_or(0);
                Some(IpNet::V4 {
                    network: u32::from(a) & mask,
                    mask,
                })
            }
            IpAddr::V6(a) => {
                let len = len.unwrap_or(128);
                let mask = u128::MAX.checked_shl(128u32.checked_sub(len)?).unwrap_or(0);
                Some(IpNet::V6 {
                    network: u128::from(a) & mask,
                    mask,
                })
            }
        }
    }

    pub(crate) fn contains(&self, addr: IpAddr) -> bool {
        match (self, addr) {
            (IpNet::V4 { network, mask }, IpAddr::V4(a)) => u32::from(a) & mask == *network,
            (IpNet::V6 { network, mask }, IpAddr::V6(a)) => u128::from(a) & mask == *network,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(net: &str, addr: &str) -> bool {
        let net = IpNet::parse(net).unwrap();
        net.contains(addr.parse().unwrap())
    }

    #[test]
    fn blocks_and_addresses() {
        assert!(inside("203.0.113.0/24", "203.0.113.77"));
        assert!(!inside("203.0.113.0/24", "203.0.114.1"));
        assert!(inside("10.1.2.3/8", "10.200.0.1"));
        assert!(inside("0.0.0.0/0", "8.8.8.8"));
        assert!(inside("192.0.2.1", "192.0.2.1"));
        assert!(!inside("192.0.2.1", "192.0.2.2"));
        assert!(inside("2001:db8::/32", "2001:db8:1::5"));
        assert!(!inside("2001:db8::/32", "2001:db9::5"));
        assert!(inside("::/0", "::1"));
        assert!(!inside("0.0.0.0/0", "::1"));
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "",
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0/8",
            "::/129",
            "x",
            "1.2.3.4/-1",
        ] {
            assert!(IpNet::parse(bad).is_none(), "{bad}");
        }
    }
}
