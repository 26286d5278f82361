//! First or third party: a host belongs to the page's site when both have the same
//! registrable domain (the public-suffix list: `a.example.com.cn` and `b.example.com.cn` are
//! one site, `a.github.io` and `b.github.io` two). An IP address or a single-label host
//! (`localhost`) is a site of its own. Ports do not matter, as for cookies.

/// The site of a host: its registrable domain, or the host itself.
pub fn site_of(host: &str) -> String {
    let host = host.trim_start_matches('.').trim_end_matches('.').to_ascii_lowercase();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.parse::<std::net::IpAddr>().is_ok() {
        return bare.to_owned();
    }
    psl::domain_str(&host).map_or(host.clone(), str::to_owned)
}

/// Whether `host` (or a cookie's domain, `.example.cn`) belongs to another site than `site`.
pub fn is_third_party(host: &str, site: &str) -> bool {
    site_of(host) != site
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_follow_the_public_suffix_list() {
        assert_eq!(site_of("www.example.com.cn"), "example.com.cn");
        assert_eq!(site_of(".Example.CN"), "example.cn");
        assert_eq!(site_of("hm.baidu.com"), "baidu.com");
        assert_eq!(site_of("user.github.io"), "user.github.io");
        assert_eq!(site_of("localhost"), "localhost");
        assert_eq!(site_of("127.0.0.1"), "127.0.0.1");
        assert_eq!(site_of("[::1]"), "::1");
        assert!(!is_third_party("static.example.cn", "example.cn"));
        assert!(is_third_party("127.0.0.1", "localhost"));
        assert!(is_third_party("other.github.io", "user.github.io"));
    }
}
