//! Why a URL may not be sent data, and why a configuration is not accepted. Every error has
//! a stable machine code and a message in zh-CN then English that names the URL without its
//! credentials or query (see [`crate::redact_url`]) and says how to fix it.

use crate::addr::AddrClass;
use std::net::IpAddr;

/// A URL gebao will not send data to. Safe to log and to show to the operator: URLs in it
/// are redacted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} / {}", self.zh(), self.en())]
pub enum EgressError {
    /// Not a URL at all. The text is not repeated: it may hold anything.
    InvalidUrl,
    /// `user:pass@` in the URL: refused always (credentials would be sent as Basic auth,
    /// and stored and shown with the URL).
    Userinfo { url: String },
    /// A scheme other than http and https.
    Scheme { url: String, scheme: String },
    /// No destination of the allowlist matches.
    NotAllowed { url: String },
    /// `http://` where the matching destination says `https://`.
    InsecureScheme { url: String, destination: String },
    /// The host is, or resolves only to, an address the destination may not be sent to.
    BlockedAddress { url: String, destination: String, addr: IpAddr, class: AddrClass },
    /// `localhost` or a `.localhost` name, for a destination without `allow_private`.
    LocalName { url: String, destination: String },
    /// The host name does not resolve (only from [`crate::Egress::check_resolved`]).
    Unresolvable { url: String },
    /// A delivery id or kind that cannot be sent as a header (`[A-Za-z0-9._:-]{1,128}`).
    InvalidHeader { field: &'static str },
}

impl EgressError {
    /// The machine code, stable across versions.
    pub fn code(&self) -> &'static str {
        match self {
            EgressError::InvalidUrl => "egress.invalid-url",
            EgressError::Userinfo { .. } => "egress.userinfo",
            EgressError::Scheme { .. } => "egress.scheme",
            EgressError::NotAllowed { .. } => "egress.not-allowed",
            EgressError::InsecureScheme { .. } => "egress.insecure-scheme",
            EgressError::BlockedAddress { .. } => "egress.blocked-address",
            EgressError::LocalName { .. } => "egress.local-name",
            EgressError::Unresolvable { .. } => "egress.unresolvable",
            EgressError::InvalidHeader { .. } => "egress.invalid-header",
        }
    }

    /// The message in zh-CN, with the fix.
    pub fn zh(&self) -> String {
        match self {
            EgressError::InvalidUrl => "目标不是有效的 URL。请填写 https://主机/路径 形式的地址。".into(),
            EgressError::Userinfo { url } => {
                format!(
                    "拒绝发送到 {url}：URL 中含有用户名或密码（user:pass@）。请去掉凭据，接收方用签名（X-Gebao-Signature）验证来源。"
                )
            }
            EgressError::Scheme { url, scheme } => {
                format!("拒绝发送到 {url}：不支持的协议 {scheme}。只支持 https（内部服务可用 http）。")
            }
            EgressError::NotAllowed { url } => {
                format!(
                    "拒绝发送到 {url}：该地址不在外发白名单中。请在配置的 [[destinations]] 中添加该目标（含签名密钥）。"
                )
            }
            EgressError::InsecureScheme { url, destination } => {
                format!("拒绝发送到 {url}：目标 “{destination}” 要求 https。请改用 https:// 地址。")
            }
            EgressError::BlockedAddress { url, destination, addr, class } => format!(
                "拒绝发送到 {url}：目标 “{destination}” 的地址 {addr} 是{}。如确为内部服务，请在该目标上设置 allow_private = true。",
                class.zh()
            ),
            EgressError::LocalName { url, destination } => format!(
                "拒绝发送到 {url}：localhost 指向本机。如确为内部服务，请在目标 “{destination}” 上设置 allow_private = true。"
            ),
            EgressError::Unresolvable { url } => format!("无法解析 {url} 的主机名。请检查域名是否正确。"),
            EgressError::InvalidHeader { field } => {
                format!("{field} 只能包含字母、数字和 . _ : -，长度 1–128。")
            }
        }
    }

    /// The message in English, with the fix.
    pub fn en(&self) -> String {
        match self {
            EgressError::InvalidUrl => "the target is not a valid URL; write https://host/path".into(),
            EgressError::Userinfo { url } => format!(
                "refused to send to {url}: the URL holds a user name or password (user:pass@); remove them, receivers authenticate gebao by X-Gebao-Signature"
            ),
            EgressError::Scheme { url, scheme } => {
                format!("refused to send to {url}: unsupported scheme {scheme}; use https (http for internal services)")
            }
            EgressError::NotAllowed { url } => format!(
                "refused to send to {url}: not in the egress allowlist; add it to [[destinations]] in the configuration, with a signing secret"
            ),
            EgressError::InsecureScheme { url, destination } => {
                format!("refused to send to {url}: destination \"{destination}\" requires https; use an https:// URL")
            }
            EgressError::BlockedAddress { url, destination, addr, class } => format!(
                "refused to send to {url}: address {addr} of destination \"{destination}\" is {}; if this is an internal service, set allow_private = true on it",
                class.en()
            ),
            EgressError::LocalName { url, destination } => format!(
                "refused to send to {url}: localhost is this machine; if this is an internal service, set allow_private = true on destination \"{destination}\""
            ),
            EgressError::Unresolvable { url } => format!("cannot resolve the host of {url}; check the name"),
            EgressError::InvalidHeader { field } => {
                format!("{field} may only hold letters, digits and . _ : -, 1 to 128 of them")
            }
        }
    }

    /// A short text without URL or address, for [`crate::Delivery::reason`].
    pub(crate) fn short(&self) -> String {
        let (zh, en) = match self {
            EgressError::InvalidUrl => ("目标不是有效的 URL", "not a valid URL"),
            EgressError::Userinfo { .. } => ("URL 含有凭据", "the URL holds credentials"),
            EgressError::Scheme { .. } => ("协议不受支持", "unsupported scheme"),
            EgressError::NotAllowed { .. } => ("目标不在外发白名单中", "destination not in the egress allowlist"),
            EgressError::InsecureScheme { .. } => ("该目标要求 https", "the destination requires https"),
            EgressError::BlockedAddress { class, .. } => {
                return format!("拒绝：目标地址是{} / refused: the destination is {}", class.zh(), class.en());
            }
            EgressError::LocalName { .. } => ("目标是本机", "the destination is this machine"),
            EgressError::Unresolvable { .. } => ("无法解析主机名", "cannot resolve the host"),
            EgressError::InvalidHeader { .. } => ("投递编号或类型无效", "invalid delivery id or kind"),
        };
        format!("拒绝：{zh} / refused: {en}")
    }
}

/// A configuration that is not accepted; names the destination by its `name`, never its
/// secret.
#[derive(Debug, thiserror::Error)]
#[error("{} / {}", self.zh(), self.en())]
pub enum ConfigError {
    EmptyName,
    DuplicateName {
        name: String,
    },
    /// The url of an entry is not `scheme://host[:port][/path]`.
    Url {
        name: String,
        problem: UrlProblem,
    },
    MissingSecret {
        name: String,
    },
    ShortSecret {
        name: String,
    },
    /// A zero timeout or answer limit.
    Limits,
    /// The HTTP client could not be built (TLS roots).
    Client {
        reason: String,
    },
}

impl ConfigError {
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::EmptyName => "egress-config.empty-name",
            ConfigError::DuplicateName { .. } => "egress-config.duplicate-name",
            ConfigError::Url { .. } => "egress-config.url",
            ConfigError::MissingSecret { .. } => "egress-config.missing-secret",
            ConfigError::ShortSecret { .. } => "egress-config.short-secret",
            ConfigError::Limits => "egress-config.limits",
            ConfigError::Client { .. } => "egress-config.client",
        }
    }

    pub fn zh(&self) -> String {
        match self {
            ConfigError::EmptyName => "外发目标缺少 name。请为每个 [[destinations]] 起一个名字。".into(),
            ConfigError::DuplicateName { name } => format!("外发目标名 “{name}” 重复。请使用不同的名字。"),
            ConfigError::Url { name, problem } => {
                format!(
                    "外发目标 “{name}” 的 url 无效（{}）。格式：https://主机[:端口][/路径前缀]，主机可写 *.example.com。",
                    problem.zh()
                )
            }
            ConfigError::MissingSecret { name } => format!(
                "外发目标 “{name}” 没有 secret，无法签名，不会向其发送。请用 `openssl rand -hex 32` 生成并与接收方共享。"
            ),
            ConfigError::ShortSecret { name } => format!(
                "外发目标 “{name}” 的 secret 太短（至少 {} 个字符）。请用 `openssl rand -hex 32` 生成。",
                crate::config::MIN_SECRET_LEN
            ),
            ConfigError::Limits => "外发超时和应答上限必须大于 0。".into(),
            ConfigError::Client { reason } => format!("无法创建 HTTP 客户端：{reason}"),
        }
    }

    pub fn en(&self) -> String {
        match self {
            ConfigError::EmptyName => "an egress destination has no name; give each [[destinations]] one".into(),
            ConfigError::DuplicateName { name } => format!("egress destination name \"{name}\" is used twice"),
            ConfigError::Url { name, problem } => format!(
                "the url of egress destination \"{name}\" is invalid ({}); write https://host[:port][/path-prefix], the host may be *.example.com",
                problem.en()
            ),
            ConfigError::MissingSecret { name } => format!(
                "egress destination \"{name}\" has no secret, so nothing can be signed or sent to it; generate one with `openssl rand -hex 32` and share it with the receiver"
            ),
            ConfigError::ShortSecret { name } => format!(
                "the secret of egress destination \"{name}\" is too short (at least {} characters); generate one with `openssl rand -hex 32`",
                crate::config::MIN_SECRET_LEN
            ),
            ConfigError::Limits => "egress timeouts and the answer limit must be greater than 0".into(),
            ConfigError::Client { reason } => format!("cannot build the HTTP client: {reason}"),
        }
    }
}

/// What is wrong with the url of a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlProblem {
    Parse,
    Scheme,
    Userinfo,
    QueryOrFragment,
    NoHost,
    /// `*` anywhere but a whole first label, on an IP address, or before a single label.
    Wildcard,
}

impl UrlProblem {
    pub const ALL: [UrlProblem; 6] = [
        UrlProblem::Parse,
        UrlProblem::Scheme,
        UrlProblem::Userinfo,
        UrlProblem::QueryOrFragment,
        UrlProblem::NoHost,
        UrlProblem::Wildcard,
    ];

    pub fn zh(self) -> &'static str {
        match self {
            UrlProblem::Parse => "无法解析",
            UrlProblem::Scheme => "只支持 http 和 https",
            UrlProblem::Userinfo => "不能含有用户名或密码",
            UrlProblem::QueryOrFragment => "不能含有查询串或片段",
            UrlProblem::NoHost => "缺少主机",
            UrlProblem::Wildcard => "通配符只能是 *.域名，且域名至少两级",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            UrlProblem::Parse => "not a URL",
            UrlProblem::Scheme => "only http and https",
            UrlProblem::Userinfo => "no user name or password",
            UrlProblem::QueryOrFragment => "no query or fragment",
            UrlProblem::NoHost => "no host",
            UrlProblem::Wildcard => "a wildcard is only *.domain, with at least two labels after it",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_error_speaks_both_languages() {
        let url = "https://a.example/x".to_string();
        let errors = [
            EgressError::InvalidUrl,
            EgressError::Userinfo { url: url.clone() },
            EgressError::Scheme { url: url.clone(), scheme: "ftp".into() },
            EgressError::NotAllowed { url: url.clone() },
            EgressError::InsecureScheme { url: url.clone(), destination: "d".into() },
            EgressError::BlockedAddress {
                url: url.clone(),
                destination: "d".into(),
                addr: "127.0.0.1".parse().unwrap(),
                class: AddrClass::Loopback,
            },
            EgressError::LocalName { url: url.clone(), destination: "d".into() },
            EgressError::Unresolvable { url },
            EgressError::InvalidHeader { field: "kind" },
        ];
        for e in errors {
            assert!(has_cjk(&e.zh()), "{}", e.code());
            assert!(!has_cjk(&e.en()) && !e.en().is_empty(), "{}", e.code());
            assert!(e.short().chars().count() <= 200);
            assert!(!e.short().contains("a.example"));
            assert!(e.code().starts_with("egress."));
        }
        let configs = [
            ConfigError::EmptyName,
            ConfigError::DuplicateName { name: "n".into() },
            ConfigError::Url { name: "n".into(), problem: UrlProblem::Parse },
            ConfigError::MissingSecret { name: "n".into() },
            ConfigError::ShortSecret { name: "n".into() },
            ConfigError::Limits,
            ConfigError::Client { reason: "r".into() },
        ];
        for p in UrlProblem::ALL {
            assert!(has_cjk(p.zh()) && !has_cjk(p.en()), "{p:?}");
        }
        for e in configs {
            assert!(has_cjk(&e.zh()), "{}", e.code());
            assert!(!has_cjk(&e.en()) && !e.en().is_empty(), "{}", e.code());
        }
    }
}
