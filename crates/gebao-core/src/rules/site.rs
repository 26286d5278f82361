//! What a web page really does against what the manifest declares (`gebao scan site`):
//! the cookies it sets, what it keeps in the browser's storage and the third-party hosts it
//! contacts, before consent, after "accept all" and after "reject all" in the gebao banner.
//! The recording itself (a real browser) is `gebao-scan`; this module only compares its
//! facts with the manifest, so the rules stay pure and are tested like the others.

use super::{Ctx, Finding, Force, Rule, RuleId, Severity::*};
use crate::manifest::{CookieCategory, LegalBasis, Manifest, Recipient};
use crate::text::{Text, Text as B};

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Scan06,
        severity: Error,
        source: "PIPL 13, 14",
        binding: "PIPL 13, 14",
        force: Force::Law,
        title: B::new(
            "网页在用户同意前不设置非必要 Cookie",
            "A web page sets no non-essential cookie before the user consents",
        ),
        message: B::new(
            "网页在用户同意前就设置了{category} Cookie `{name}`（域 {domain}）",
            "the page sets {category} cookie `{name}` (domain {domain}) before the user consents",
        ),
        hint: B::new(
            "让设置它的脚本在同意后才运行（写成 `<script type=\"text/plain\" data-gebao-category=\"…\">`，或先判断 `gebao.granted(\"…\")`）；如它确为基本功能所必需，在 [[cookies]] 中将其 category 声明为 \"strictly-necessary\"",
            "let the script that sets it run only after consent (`<script type=\"text/plain\" data-gebao-category=\"…\">`, or check `gebao.granted(\"…\")` first); if it really is needed for the basic function, declare its category as \"strictly-necessary\" in [[cookies]]",
        ),
    },
    Rule {
        id: RuleId::Scan07,
        severity: Error,
        source: "PIPL 17",
        binding: "PIPL 17",
        force: Force::Law,
        title: B::new("网页设置的每个 Cookie 都在政策中列明", "Every cookie the web page sets is listed in the policy"),
        message: B::new(
            "网页设置了 Cookie `{name}`（域 {domain}，{phase}），清单的 [[cookies]] 没有声明它",
            "the page sets cookie `{name}` (domain {domain}, {phase}), which [[cookies]] does not declare",
        ),
        hint: B::new(
            "在 [[cookies]] 中声明它：name = \"{name}\"，并写明 category、provider（{provider}）、purpose，以及 lifetime 或 session = true；如不需要它，请从网页中删去设置它的代码",
            "declare it in [[cookies]]: name = \"{name}\" with its category, provider ({provider}), purpose, and lifetime or session = true; if the page does not need it, remove the code that sets it",
        ),
    },
    Rule {
        id: RuleId::Scan08,
        severity: Error,
        source: "PIPL 13, 14",
        binding: "PIPL 13, 14",
        force: Force::Law,
        title: B::new(
            "用户拒绝后网页不设置非必要 Cookie",
            "A web page sets no non-essential cookie after the user refuses",
        ),
        message: B::new(
            "用户点击“拒绝全部”后，网页仍设置了{category} Cookie `{name}`（域 {domain}）",
            "after the user chose “reject all”, the page still sets {category} cookie `{name}` (domain {domain})",
        ),
        hint: B::new(
            "只在 `gebao.granted(\"…\")` 为 true 时设置它，或把设置它的脚本写成 `<script type=\"text/plain\" data-gebao-category=\"…\">`；如它确为基本功能所必需，在 [[cookies]] 中将其 category 声明为 \"strictly-necessary\"",
            "set it only when `gebao.granted(\"…\")` is true, or mark the script that sets it `<script type=\"text/plain\" data-gebao-category=\"…\">`; if it really is needed for the basic function, declare its category as \"strictly-necessary\" in [[cookies]]",
        ),
    },
    Rule {
        id: RuleId::Scan09,
        severity: Warning,
        source: "PIPL 17, 23",
        binding: "PIPL 17",
        force: Force::Law,
        title: B::new(
            "网页请求的每个第三方主机都属于政策列明的接收方",
            "Every third-party host the web page contacts belongs to a recipient the policy lists",
        ),
        message: B::new(
            "网页向第三方主机 `{host}` 发出了请求（{phase}），[[recipients]] 中没有接收方声明该主机",
            "the page sends requests to third-party host `{host}` ({phase}), which no recipient in [[recipients]] declares",
        ),
        hint: B::new(
            "请确认谁运营该主机：每个请求都会向它提供访问者的 IP 地址和浏览器信息。如它是接收个人信息的第三方，在 [[recipients]] 中列明并写上 hosts = [\"{host}\"]；如它是您自己的服务，也可写在为您处理数据的接收方（如云服务）的 hosts 中",
            "confirm who runs the host: every request gives it the visitor's IP address and browser details. If it is a third party receiving PI, list it in [[recipients]] with hosts = [\"{host}\"]; if it is your own service, it can go in the hosts of the recipient that processes data for you (a cloud provider, say)",
        ),
    },
    Rule {
        id: RuleId::Scan10,
        severity: Error,
        source: "PIPL 13, 14, 23",
        binding: "PIPL 13, 14",
        force: Force::Law,
        title: B::new(
            "需经同意的接收方在用户同意前不会收到网页的请求",
            "A recipient that needs consent gets no request from the web page before consent",
        ),
        message: B::new(
            "{phase}，网页就向需经同意的接收方`{recipient}`（主机 `{host}`）发出了请求",
            "{phase}, the page already sends requests to `{recipient}` (host `{host}`), a recipient that needs consent",
        ),
        hint: B::new(
            "让加载它的脚本在用户同意后才运行（`<script type=\"text/plain\" data-gebao-category=\"…\">`，或先判断 `gebao.granted(\"…\")`）；如它不依赖同意（如受托处理者），请在 [[recipients]] 中如实写明其目的和法律依据",
            "load it only after consent (`<script type=\"text/plain\" data-gebao-category=\"…\">`, or check `gebao.granted(\"…\")` first); if it does not rest on consent (an entrusted processor, say), state its purposes and their legal basis in [[recipients]] as they are",
        ),
    },
    Rule {
        id: RuleId::Scan11,
        severity: Info,
        source: "PIPL 13, 14",
        binding: "PIPL 13, 14",
        force: Force::Law,
        title: B::new(
            "网页在用户同意前写入浏览器存储的内容都是基本功能所必需的",
            "What a web page writes to the browser's storage before consent is needed for the basic function",
        ),
        message: B::new(
            "请确认网页在用户同意前写入 {storage} 的 `{key}`{declared}是基本功能所必需的",
            "confirm that `{key}`{declared}, which the page writes to {storage} before the user consents, is needed for the basic function",
        ),
        hint: B::new(
            "如不是，让写入它的脚本在同意后才运行；如是，可在 [[cookies]] 中以 category = \"strictly-necessary\" 声明它（Cookie 及同类技术）",
            "if it is not, let the script that writes it run only after consent; if it is, you can declare it in [[cookies]] with category = \"strictly-necessary\" (cookies and similar technologies)",
        ),
    },
];

/// When something was recorded: each phase starts in a fresh browser profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    /// The page opened, nothing chosen.
    BeforeConsent,
    /// After "accept all" in the gebao banner (and each separate consent agreed), and a
    /// reload.
    Accepted,
    /// After "reject all" in the gebao banner, and a reload.
    Rejected,
}

impl serde::Serialize for Phase {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::BeforeConsent, Phase::Accepted, Phase::Rejected];

    /// The id used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::BeforeConsent => "before-consent",
            Phase::Accepted => "accepted",
            Phase::Rejected => "rejected",
        }
    }

    pub fn label(self) -> Text {
        match self {
            Phase::BeforeConsent => Text::new("用户同意前", "before consent"),
            Phase::Accepted => Text::new("点击“接受全部”后", "after “accept all”"),
            Phase::Rejected => Text::new("点击“拒绝全部”后", "after “reject all”"),
        }
    }
}

/// What a scan of a web page found, as the comparison needs it.
#[derive(Debug, Clone, Default)]
pub struct SiteFacts {
    /// One entry per phase that could be recorded: without the gebao banner, only
    /// [`Phase::BeforeConsent`].
    pub phases: Vec<(Phase, PhaseFacts)>,
}

/// What one phase recorded. Never a cookie's or a storage item's value.
#[derive(Debug, Clone, Default)]
pub struct PhaseFacts {
    pub cookies: Vec<SeenCookie>,
    /// Keys of `localStorage` written by the page.
    pub local_storage: Vec<String>,
    /// Keys of `sessionStorage` written by the page.
    pub session_storage: Vec<String>,
    /// Hosts of other sites than the page's that the page sent requests to (in the
    /// accepted and rejected phases: after the choice), without the gebao server's own.
    pub third_party_hosts: Vec<String>,
}

/// A cookie in the browser after the phase, by name and domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenCookie {
    pub name: String,
    /// As the browser keeps it (`.example.cn` for a domain cookie).
    pub domain: String,
    /// Set for another site than the page's.
    pub third_party: bool,
}

impl SiteFacts {
    fn phase(&self, p: Phase) -> Option<&PhaseFacts> {
        self.phases.iter().find(|(q, _)| *q == p).map(|(_, f)| f)
    }
}

/// The declared category of a cookie name, and its place in the manifest.
fn declared(m: &Manifest, name: &str) -> Option<(usize, CookieCategory)> {
    m.cookies.iter().position(|c| c.name == name).map(|i| (i, m.cookies[i].category))
}

/// Whether a recipient's processing rests on consent: it needs a separate consent, or one
/// of the purposes it serves has consent as its legal basis.
fn needs_consent(m: &Manifest, r: &Recipient) -> bool {
    r.separate_consent
        || r.purposes.iter().any(|p| m.purpose(p.as_str()).is_some_and(|p| p.basis == LegalBasis::Consent))
}

/// The category of a cookie as messages say it: its declared one, or "undeclared".
fn category_label(c: Option<CookieCategory>) -> Text {
    c.map_or(Text::new("未声明类别的", "undeclared"), |c| c.label())
}

/// Compares a scan of a web page with the manifest. With the manifest's text, findings are
/// placed in it.
pub fn compare(m: &Manifest, site: &SiteFacts, src: Option<&str>) -> Vec<Finding> {
    let mut cx = Ctx { m, out: Vec::new() };
    let before = site.phase(Phase::BeforeConsent);

    // SCAN-06: non-essential (or undeclared) cookies before consent.
    // A cookie that is not strictly necessary (or not declared at all), under `rule`.
    let non_essential = |cx: &mut Ctx<'_>, rule: RuleId, c: &SeenCookie| {
        let found = declared(m, &c.name);
        if found.is_some_and(|(_, cat)| cat.is_essential()) {
            return;
        }
        let at = found.map_or_else(|| "cookies".to_owned(), |(i, _)| format!("cookies[{i}]"));
        let label = category_label(found.map(|(_, cat)| cat));
        let args = [("name", c.name.as_str()), ("domain", c.domain.as_str())];
        cx.report_bilingual(rule, at, &args, &[("category", label.zh, label.en)]);
    };
    for c in before.map(|p| p.cookies.as_slice()).unwrap_or_default() {
        non_essential(&mut cx, RuleId::Scan06, c);
    }

    // SCAN-07: cookies [[cookies]] does not declare, once each, in the first phase seen.
    let mut told: Vec<&str> = Vec::new();
    for (phase, facts) in &site.phases {
        for c in &facts.cookies {
            if declared(m, &c.name).is_some() || told.contains(&c.name.as_str()) {
                continue;
            }
            told.push(&c.name);
            let label = phase.label();
            let provider = if c.third_party {
                (format!("设置它的第三方，域 {}", c.domain), format!("the third party of domain {}", c.domain))
            } else {
                ("\"first-party\"".to_owned(), "\"first-party\"".to_owned())
            };
            cx.report_bilingual(
                RuleId::Scan07,
                "cookies",
                &[("name", &c.name), ("domain", &c.domain)],
                &[("phase", label.zh, label.en), ("provider", &provider.0, &provider.1)],
            );
        }
    }

    // SCAN-08: non-essential cookies set after "reject all" (not those already set before
    // the choice, which SCAN-06 reports).
    if let Some(rejected) = site.phase(Phase::Rejected) {
        let earlier = |c: &SeenCookie| before.is_some_and(|b| b.cookies.iter().any(|x| x == c));
        for c in rejected.cookies.iter().filter(|c| !earlier(c)) {
            non_essential(&mut cx, RuleId::Scan08, c);
        }
    }

    // SCAN-09 and SCAN-10: third-party hosts, undeclared; or a consent-based recipient's,
    // before consent or after a refusal.
    let mut undeclared: Vec<&str> = Vec::new();
    for (phase, facts) in &site.phases {
        for host in &facts.third_party_hosts {
            let label = phase.label();
            let bi = [("phase", label.zh, label.en)];
            match m.recipients.iter().position(|r| r.serves_host(host)) {
                None if !undeclared.contains(&host.as_str()) => {
                    undeclared.push(host);
                    cx.report_bilingual(RuleId::Scan09, "recipients", &[("host", host)], &bi);
                }
                Some(i) if *phase != Phase::Accepted && needs_consent(m, &m.recipients[i]) => {
                    let r = &m.recipients[i];
                    let name = (r.name.as_str(), r.name_en.as_deref().unwrap_or(&r.name));
                    cx.report_bilingual(
                        RuleId::Scan10,
                        format!("recipients[{i}]"),
                        &[("host", host)],
                        &[("phase", label.zh, label.en), ("recipient", name.0, name.1)],
                    );
                }
                _ => {}
            }
        }
    }

    // SCAN-11: storage written before consent, unless declared strictly necessary.
    if let Some(b) = before {
        let stores = [("localStorage", &b.local_storage), ("sessionStorage", &b.session_storage)];
        for (storage, keys) in stores {
            for key in keys {
                let found = declared(m, key);
                if found.is_some_and(|(_, cat)| cat.is_essential()) {
                    continue;
                }
                let at = found.map_or_else(|| "cookies".to_owned(), |(i, _)| format!("cookies[{i}]"));
                let (zh, en) = match found {
                    Some((_, cat)) => {
                        (format!("（声明为{}）", cat.label().zh), format!(" (declared {})", cat.label().en))
                    }
                    None => (String::new(), String::new()),
                };
                cx.report_at(
                    RuleId::Scan11,
                    Info,
                    at,
                    &[("key", key), ("storage", storage)],
                    &[("declared", &zh, &en)],
                );
            }
        }
    }
    super::finish(cx.out, src)
}

#[cfg(test)]
mod tests;
