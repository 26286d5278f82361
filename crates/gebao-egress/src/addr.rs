//! What kind of address an IP is, and whether a destination may be sent data there.
//!
//! This is the last line of defence against server-side request forgery: whatever the URL
//! looked like, these are the addresses gebao actually connects to (literal hosts are checked
//! before sending, names after resolution, in the resolver reqwest connects through).
//! IPv6 forms that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
//! `::a.b.c.d`, SIIT `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:aabb:ccdd::`)
//! are judged by the IPv4 address they carry.

use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The kind of an address, as far as egress is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AddrClass {
    /// A globally routable unicast address.
    Public,
    /// 127.0.0.0/8, ::1.
    Loopback,
    /// 0.0.0.0/8 ("this network"; 0.0.0.0 reaches the local host on Linux), ::.
    Unspecified,
    /// 10/8, 172.16/12, 192.168/16, fc00::/7 (unique local), 64:ff9b:1::/48 (local NAT64).
    Private,
    /// 100.64.0.0/10, carrier-grade NAT (RFC 6598).
    SharedCgnat,
    /// 169.254.0.0/16, fe80::/10.
    LinkLocal,
    /// An instance metadata service: 169.254.169.254 (AWS, Huawei Cloud, Azure, GCP),
    /// 169.254.0.23 (Tencent Cloud), 100.100.100.200 (Alibaba Cloud), fd00:ec2::254 (AWS).
    CloudMetadata,
    /// 224.0.0.0/4, ff00::/8.
    Multicast,
    /// 255.255.255.255.
    Broadcast,
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20.
    Documentation,
    /// 198.18.0.0/15 (RFC 2544).
    Benchmarking,
    /// Anything else that is not global unicast: 240/4, 192.0.0/24, 192.88.99/24, 100::/64,
    /// 2001::/23 (Teredo, ORCHID, …), 5f00::/16, fec0::/10, everything outside 2000::/3.
    Reserved,
}

impl AddrClass {
    /// Whether a destination may be sent data at an address of this class.
    ///
    /// `allow_private` opens loopback, private, CGNAT, documentation and benchmarking ranges
    /// (an internal notifier). It never opens unspecified, multicast, broadcast, reserved or
    /// link-local addresses: none of them is a place a webhook receiver lives, and link-local
    /// is where cloud metadata services (and their credentials) are.
    pub fn allowed(self, allow_private: bool) -> bool {
        match self {
            AddrClass::Public => true,
            AddrClass::Loopback
            | AddrClass::Private
            | AddrClass::SharedCgnat
            | AddrClass::Documentation
            | AddrClass::Benchmarking => allow_private,
            AddrClass::Unspecified
            | AddrClass::LinkLocal
            | AddrClass::CloudMetadata
            | AddrClass::Multicast
            | AddrClass::Broadcast
            | AddrClass::Reserved => false,
        }
    }

    /// A stable machine name (`loopback`, `private`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            AddrClass::Public => "public",
            AddrClass::Loopback => "loopback",
            AddrClass::Unspecified => "unspecified",
            AddrClass::Private => "private",
            AddrClass::SharedCgnat => "shared-cgnat",
            AddrClass::LinkLocal => "link-local",
            AddrClass::CloudMetadata => "cloud-metadata",
            AddrClass::Multicast => "multicast",
            AddrClass::Broadcast => "broadcast",
            AddrClass::Documentation => "documentation",
            AddrClass::Benchmarking => "benchmarking",
            AddrClass::Reserved => "reserved",
        }
    }

    /// The class in Chinese, for messages.
    pub fn zh(self) -> &'static str {
        match self {
            AddrClass::Public => "公网地址",
            AddrClass::Loopback => "回环地址",
            AddrClass::Unspecified => "未指定地址",
            AddrClass::Private => "内网地址",
            AddrClass::SharedCgnat => "运营商级 NAT 地址",
            AddrClass::LinkLocal => "链路本地地址",
            AddrClass::CloudMetadata => "云主机元数据服务地址",
            AddrClass::Multicast => "组播地址",
            AddrClass::Broadcast => "广播地址",
            AddrClass::Documentation => "文档示例地址",
            AddrClass::Benchmarking => "基准测试地址",
            AddrClass::Reserved => "保留地址",
        }
    }

    /// The class in English, for messages.
    pub fn en(self) -> &'static str {
        match self {
            AddrClass::Public => "a public address",
            AddrClass::Loopback => "a loopback address",
            AddrClass::Unspecified => "an unspecified address",
            AddrClass::Private => "a private address",
            AddrClass::SharedCgnat => "a carrier-grade NAT address",
            AddrClass::LinkLocal => "a link-local address",
            AddrClass::CloudMetadata => "a cloud metadata service address",
            AddrClass::Multicast => "a multicast address",
            AddrClass::Broadcast => "the broadcast address",
            AddrClass::Documentation => "a documentation address",
            AddrClass::Benchmarking => "a benchmarking address",
            AddrClass::Reserved => "a reserved address",
        }
    }
}

/// Classifies an address.
pub fn classify(ip: IpAddr) -> AddrClass {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], len: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn classify_v4(ip: Ipv4Addr) -> AddrClass {
    const METADATA: [[u8; 4]; 3] = [[169, 254, 169, 254], [169, 254, 0, 23], [100, 100, 100, 200]];
    if METADATA.contains(&ip.octets()) {
        return AddrClass::CloudMetadata;
    }
    const TABLE: &[([u8; 4], u32, AddrClass)] = &[
        ([0, 0, 0, 0], 8, AddrClass::Unspecified),
        ([10, 0, 0, 0], 8, AddrClass::Private),
        ([100, 64, 0, 0], 10, AddrClass::SharedCgnat),
        ([127, 0, 0, 0], 8, AddrClass::Loopback),
        ([169, 254, 0, 0], 16, AddrClass::LinkLocal),
        ([172, 16, 0, 0], 12, AddrClass::Private),
        ([192, 0, 0, 0], 24, AddrClass::Reserved),
        ([192, 0, 2, 0], 24, AddrClass::Documentation),
        ([192, 88, 99, 0], 24, AddrClass::Reserved),
        ([192, 168, 0, 0], 16, AddrClass::Private),
        ([198, 18, 0, 0], 15, AddrClass::Benchmarking),
        ([198, 51, 100, 0], 24, AddrClass::Documentation),
        ([203, 0, 113, 0], 24, AddrClass::Documentation),
        ([224, 0, 0, 0], 4, AddrClass::Multicast),
        ([255, 255, 255, 255], 32, AddrClass::Broadcast),
        ([240, 0, 0, 0], 4, AddrClass::Reserved),
    ];
    TABLE.iter().find(|(net, len, _)| in_v4(ip, *net, *len)).map_or(AddrClass::Public, |(_, _, c)| *c)
}

fn in_v6(ip: Ipv6Addr, net: [u16; 8], len: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
    u128::from(ip) & mask == u128::from(Ipv6Addr::from(net)) & mask
}

/// The IPv4 address in the low 32 bits.
fn low_v4(ip: Ipv6Addr) -> Ipv4Addr {
    let bits = u128::from(ip);
    Ipv4Addr::from((bits & 0xffff_ffff) as u32)
}

fn classify_v6(ip: Ipv6Addr) -> AddrClass {
    if ip.is_unspecified() {
        return AddrClass::Unspecified;
    }
    if ip.is_loopback() {
        return AddrClass::Loopback;
    }
    if ip == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
        return AddrClass::CloudMetadata;
    }
    // Forms that carry an IPv4 address: judged by it.
    const EMBEDDING: &[([u16; 8], u32)] = &[
        ([0, 0, 0, 0, 0, 0xffff, 0, 0], 96),    // IPv4-mapped
        ([0, 0, 0, 0, 0, 0, 0, 0], 96),         // IPv4-compatible (deprecated)
        ([0, 0, 0, 0, 0xffff, 0, 0, 0], 96),    // IPv4-translated (SIIT)
        ([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96), // NAT64, well-known prefix
    ];
    if EMBEDDING.iter().any(|(net, len)| in_v6(ip, *net, *len)) {
        return classify_v4(low_v4(ip));
    }
    if in_v6(ip, [0x2002, 0, 0, 0, 0, 0, 0, 0], 16) {
        // 6to4: the IPv4 address is bits 16..48.
        let bits = u128::from(ip);
        return classify_v4(Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32));
    }
    const TABLE: &[([u16; 8], u32, AddrClass)] = &[
        ([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48, AddrClass::Private),
        ([0x100, 0, 0, 0, 0, 0, 0, 0], 64, AddrClass::Reserved),
        ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32, AddrClass::Documentation),
        ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23, AddrClass::Reserved),
        ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20, AddrClass::Documentation),
        ([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16, AddrClass::Reserved),
        ([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, AddrClass::Private),
        ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, AddrClass::LinkLocal),
        ([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, AddrClass::Reserved),
        ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, AddrClass::Multicast),
    ];
    if let Some((_, _, c)) = TABLE.iter().find(|(net, len, _)| in_v6(ip, *net, *len)) {
        return *c;
    }
    if in_v6(ip, [0x2000, 0, 0, 0, 0, 0, 0, 0], 3) { AddrClass::Public } else { AddrClass::Reserved }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> AddrClass {
        classify(s.parse().unwrap())
    }

    #[test]
    fn ipv4_ranges() {
        let cases = [
            ("8.8.8.8", AddrClass::Public),
            ("1.1.1.1", AddrClass::Public),
            ("0.0.0.0", AddrClass::Unspecified),
            ("0.1.2.3", AddrClass::Unspecified),
            ("10.0.0.1", AddrClass::Private),
            ("100.64.0.1", AddrClass::SharedCgnat),
            ("100.127.255.255", AddrClass::SharedCgnat),
            ("100.128.0.1", AddrClass::Public),
            ("100.100.100.200", AddrClass::CloudMetadata),
            ("127.0.0.1", AddrClass::Loopback),
            ("127.255.0.9", AddrClass::Loopback),
            ("169.254.1.1", AddrClass::LinkLocal),
            ("169.254.169.254", AddrClass::CloudMetadata),
            ("169.254.0.23", AddrClass::CloudMetadata),
            ("172.16.0.1", AddrClass::Private),
            ("172.31.255.255", AddrClass::Private),
            ("172.32.0.1", AddrClass::Public),
            ("192.0.0.8", AddrClass::Reserved),
            ("192.0.2.1", AddrClass::Documentation),
            ("192.88.99.1", AddrClass::Reserved),
            ("192.168.1.1", AddrClass::Private),
            ("198.18.0.1", AddrClass::Benchmarking),
            ("198.19.255.255", AddrClass::Benchmarking),
            ("198.51.100.7", AddrClass::Documentation),
            ("203.0.113.9", AddrClass::Documentation),
            ("224.0.0.1", AddrClass::Multicast),
            ("239.255.255.250", AddrClass::Multicast),
            ("240.0.0.1", AddrClass::Reserved),
            ("255.255.255.255", AddrClass::Broadcast),
        ];
        for (ip, want) in cases {
            assert_eq!(c(ip), want, "{ip}");
        }
    }

    #[test]
    fn ipv6_ranges() {
        let cases = [
            ("2606:4700::1111", AddrClass::Public),
            ("240e::1", AddrClass::Public),
            ("::", AddrClass::Unspecified),
            ("::1", AddrClass::Loopback),
            ("::ffff:127.0.0.1", AddrClass::Loopback),
            ("::ffff:7f00:1", AddrClass::Loopback),
            ("::ffff:8.8.8.8", AddrClass::Public),
            ("::ffff:10.1.2.3", AddrClass::Private),
            ("::ffff:169.254.169.254", AddrClass::CloudMetadata),
            ("::ffff:0.0.0.0", AddrClass::Unspecified),
            ("::127.0.0.1", AddrClass::Loopback),
            ("::ffff:0:127.0.0.1", AddrClass::Loopback),
            ("64:ff9b::127.0.0.1", AddrClass::Loopback),
            ("64:ff9b::8.8.8.8", AddrClass::Public),
            ("64:ff9b:1::1", AddrClass::Private),
            ("2002:7f00:1::", AddrClass::Loopback),
            ("2002:a9fe:a9fe::1", AddrClass::CloudMetadata),
            ("2002:808:808::1", AddrClass::Public),
            ("100::1", AddrClass::Reserved),
            ("2001::1", AddrClass::Reserved),
            ("2001:db8::1", AddrClass::Documentation),
            ("3fff::1", AddrClass::Documentation),
            ("5f00::1", AddrClass::Reserved),
            ("fc00::1", AddrClass::Private),
            ("fd12:3456::1", AddrClass::Private),
            ("fd00:ec2::254", AddrClass::CloudMetadata),
            ("fe80::1", AddrClass::LinkLocal),
            ("febf::1", AddrClass::LinkLocal),
            ("fec0::1", AddrClass::Reserved),
            ("ff02::1", AddrClass::Multicast),
            ("4000::1", AddrClass::Reserved),
        ];
        for (ip, want) in cases {
            assert_eq!(c(ip), want, "{ip}");
        }
    }

    #[test]
    fn allow_private_opens_only_internal_unicast() {
        assert!(AddrClass::Public.allowed(false));
        for class in [AddrClass::Loopback, AddrClass::Private, AddrClass::SharedCgnat] {
            assert!(!class.allowed(false), "{class:?}");
            assert!(class.allowed(true), "{class:?}");
        }
        for class in [
            AddrClass::Unspecified,
            AddrClass::LinkLocal,
            AddrClass::CloudMetadata,
            AddrClass::Multicast,
            AddrClass::Broadcast,
            AddrClass::Reserved,
        ] {
            assert!(!class.allowed(true), "{class:?}");
        }
    }
}
