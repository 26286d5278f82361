//! Cookies and similar technologies, and browser privacy signals (PIPL 13, 14, 17; 35273 5.5).

use super::notice::filled;
use super::{Ctx, Force, Rule, RuleId, Severity::*};
use crate::manifest::{Platform, SignalHandling};
use crate::text::Text as B;

pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::Coo01,
        severity: Error,
        source: "PIPL 17",
        binding: "PIPL 17",
        force: Force::Law,
        title: B::new(
            "每个 Cookie 都写明类别、提供方、用途和有效期",
            "Every cookie states its category, provider, purpose and lifetime",
        ),
        message: B::new("Cookie `{name}` 缺少{what}", "cookie `{name}` has no {what}"),
        hint: B::new(
            "为该 Cookie 填写 provider（\"first-party\" 或第三方名称）、purpose，以及 lifetime（如 \"1 year\"）或 session = true",
            "give the cookie a `provider` (\"first-party\" or the third party's name), a `purpose`, and a `lifetime` (e.g. \"1 year\") or `session = true`",
        ),
    },
    Rule {
        id: RuleId::Coo02,
        severity: Error,
        source: "PIPL 13, 14",
        binding: "PIPL 13, 14",
        force: Force::Law,
        title: B::new(
            "非必要 Cookie（功能、分析、广告类）在用户同意后才能设置",
            "Non-essential cookies (functional, analytics, advertising) are set only after consent",
        ),
        message: B::new(
            "{category} Cookie `{name}` 在用户同意前就被设置",
            "{category} cookie `{name}` is set before the user consents",
        ),
        hint: B::new(
            "在用户同意后再设置该 Cookie，并将 set_before_consent 设为 false",
            "set the cookie only after consent, and set `set_before_consent = false`",
        ),
    },
    Rule {
        id: RuleId::Coo03,
        severity: Info,
        source: "—",
        binding: "—",
        force: Force::Practice,
        title: B::new(
            "说明并遵从“请勿追踪”（DNT）和全球隐私控制（GPC）信号",
            "State and honour Do-Not-Track and Global Privacy Control signals",
        ),
        message: B::new("{signal}信号{what}", "the {signal} signal {what}"),
        hint: B::new(
            "中国法律法规和国家标准没有关于 DNT、GPC 信号的规定，这是建议做法：可在 [tracking] 中设置 do_not_track = \"honoured\" 和 gpc = \"honoured\"，并在收到信号时关闭非必要 Cookie 和跟踪",
            "no Chinese law or standard speaks of DNT or GPC; this is a suggested practice: set `do_not_track = \"honoured\"` and `gpc = \"honoured\"` in [tracking], and turn non-essential cookies and tracking off when the signal is sent",
        ),
    },
];

pub fn check(cx: &mut Ctx<'_>) {
    let m = cx.m;

    for (i, c) in m.cookies.iter().enumerate() {
        let at = format!("cookies[{i}]");
        let name = c.name.as_str();

        // COO-01 (PIPL 17): the category is required by the format; the rest is checked here.
        if !filled(c.provider.as_deref()) {
            cx.report_bilingual(
                RuleId::Coo01,
                format!("{at}.provider"),
                &[("name", name)],
                &[("what", "提供方（provider）", "provider")],
            );
        }
        if !filled(c.purpose.as_deref()) {
            cx.report_bilingual(
                RuleId::Coo01,
                format!("{at}.purpose"),
                &[("name", name)],
                &[("what", "用途（purpose）", "purpose")],
            );
        }
        if c.lifetime.is_none() && !c.session {
            cx.report_bilingual(
                RuleId::Coo01,
                format!("{at}.lifetime"),
                &[("name", name)],
                &[("what", "有效期（lifetime，或 session = true）", "lifetime (`lifetime`, or `session = true`)")],
            );
        }

        // COO-02 (PIPL 13, 14)
        if !c.category.is_essential() && c.set_before_consent {
            let label = c.category.label();
            cx.report_bilingual(
                RuleId::Coo02,
                format!("{at}.set_before_consent"),
                &[("name", name)],
                &[("category", label.zh, label.en)],
            );
        }
    }

    // COO-03: only where there is something a browser signal could switch off.
    let web = m.permissions.iter().any(|p| p.platforms.contains(&Platform::Web));
    if m.cookies.is_empty() && !web {
        return;
    }
    for (key, zh, en, handling) in [
        ("do_not_track", "“请勿追踪”（DNT）", "Do-Not-Track", m.tracking.do_not_track),
        ("gpc", "全球隐私控制（GPC）", "Global Privacy Control", m.tracking.gpc),
    ] {
        let what = match handling {
            Some(SignalHandling::Honoured) => continue,
            Some(SignalHandling::Ignored) => ("被忽略", "is ignored"),
            None => ("的处理方式未说明", "is not said to be honoured or ignored"),
        };
        cx.report_bilingual(
            RuleId::Coo03,
            format!("tracking.{key}"),
            &[],
            &[("signal", zh, en), ("what", what.0, what.1)],
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::manifest::*;
    use crate::rules::RuleId;
    use crate::rules::tests::{assert_quiet, assert_rule};

    /// The clean manifest's session cookie and analytics cookie.
    const SESSION: usize = 0;
    const STAT: usize = 1;

    #[test]
    fn coo_01() {
        assert_rule(RuleId::Coo01, |m| m.cookies[STAT].provider = None);
        assert_rule(RuleId::Coo01, |m| m.cookies[STAT].purpose = Some(String::new()));
        assert_rule(RuleId::Coo01, |m| m.cookies[STAT].lifetime = None);
        assert_rule(RuleId::Coo01, |m| m.cookies[SESSION].session = false);
    }

    #[test]
    fn coo_02() {
        assert_rule(RuleId::Coo02, |m| m.cookies[STAT].set_before_consent = true);
        // Strictly necessary cookies need no consent.
        assert_quiet(RuleId::Coo02, |m| m.cookies[SESSION].set_before_consent = true);
    }

    #[test]
    fn coo_03() {
        assert_rule(RuleId::Coo03, |m| m.tracking.gpc = None);
        assert_rule(RuleId::Coo03, |m| m.tracking.do_not_track = Some(SignalHandling::Ignored));
        assert_rule(RuleId::Coo03, |m| {
            m.cookies.clear();
            m.tracking = Tracking::default();
            m.permissions[0].platforms.push(Platform::Web);
        });
        // No cookies and no web version: nothing for a browser signal to switch off.
        assert_quiet(RuleId::Coo03, |m| {
            m.cookies.clear();
            m.tracking = Tracking::default();
        });
    }
}
