//! The privacy centre in a real browser (headless Chromium over WebDriver), at a phone's
//! width (390 px) and a desktop's (1280 px): the stylesheet applies, nothing is wider than
//! the screen, the console stays empty (no Content-Security-Policy violation, no missing
//! file), the language switch works by a click and the pages work by keyboard alone.
//! With `GEBAO_SCREENSHOTS=dir` every page is also saved as `centre-<page>-<width>.png`
//! (`scripts/screenshots` writes `docs/screenshots/`). Without the app, a user signs in
//! with a one-time code sent to their phone, and a guardian opens their child's page.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod reqkit;

use common::{Kind, clean_text};
use gebao_testkit::Browser;
use serde_json::json;

const PAGES: [(&str, &str); 8] = [
    ("home", "/privacy"),
    ("policy", "/privacy/policy"),
    ("collection", "/privacy/lists/collection"),
    ("sharing", "/privacy/lists/sharing"),
    ("permissions", "/privacy/lists/permissions"),
    ("versions", "/privacy/policy/versions"),
    ("changes", "/privacy/policy/versions/2/changes"),
    ("home-en", "/privacy?lang=en"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_privacy_centre_in_a_real_browser() {
    let Some(phone) = Browser::start(390, 844).await else { return };
    let Some(desktop) = Browser::start(1280, 900).await else { return };
    let shots = std::env::var_os("GEBAO_SCREENSHOTS").map(std::path::PathBuf::from);
    common::run(Kind::Sqlite, |kit| async move {
        let s = kit.start().await;
        let v2 = clean_text().replace("privacy@example.cn", "privacy-office@example.cn");
        let res = s.post("/v1/policy/versions", &json!({ "manifest": v2, "effective": "2026-01-01" })).await;
        assert_eq!(res.status, 201, "{}", res.body);
        // An incident whose notice is published for those who cannot be told one by one.
        let opened = s
            .post(
                "/v1/incidents",
                &json!({
                    "title": "撞库攻击", "grade": "major", "affected": 1200, "description": "登录接口遭撞库",
                    "found_at": (chrono::Utc::now() - chrono::TimeDelta::hours(1)).to_rfc3339(),
                    "notice": { "categories": ["手机号", "昵称"], "cause": "攻击者使用其他网站泄露的密码尝试登录（撞库）",
                        "harm": "可能收到冒充客服的诈骗电话或短信", "measures": "已封堵异常登录并重置受影响账号的密码",
                        "advice": "请修改密码，不要向任何人透露验证码" },
                }),
            )
            .await;
        assert_eq!(opened.status, 201, "{}", opened.body);
        let incident = opened.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(s.post(&format!("/v1/incidents/{incident}/public-notice"), &json!({})).await.status, 200);
        let notice = format!("/privacy/notices/{incident}");
        let pages: Vec<(&str, &str)> =
            PAGES.into_iter().chain([("notices", "/privacy/notices"), ("notice", notice.as_str())]).collect();

        for (width, b) in [(390, &phone), (1280, &desktop)] {
            for &(name, path) in &pages {
                b.goto(&format!("{}{path}", s.base)).await;
                // The page is laid out for the screen (its viewport meta works on a phone).
                assert_eq!(b.eval("return window.innerWidth").await, json!(width), "{path}");
                let styled = b.eval("return getComputedStyle(document.body).marginTop").await;
                assert_eq!(styled, json!("0px"), "{path} at {width} px: the stylesheet did not apply");
                let wide = b.eval("return document.documentElement.scrollWidth").await;
                assert!(wide.as_u64().unwrap() <= width, "{path} is {wide} px wide on a {width} px screen");
                let console = b.console().await;
                assert!(console.is_empty(), "{path} at {width} px: {console:?}");
                if let Some(dir) = &shots {
                    std::fs::create_dir_all(dir).unwrap();
                    b.screenshot(&dir.join(format!("centre-{name}-{width}.png")), 2400).await;
                }
            }
        }

        // The end of the service announced (30 days of notice): the home page says it first,
        // and its notice has a page of its own.
        let m = gebao_core::load_manifest(&clean_text()).unwrap();
        let day = gebao_core::termination::earliest_end(&m, chrono::Utc::now(), &gebao_core::calendar::Calendar::builtin());
        assert_eq!(s.post("/v1/termination", &json!({ "end_day": day })).await.status, 201);
        for (width, b) in [(390, &phone), (1280, &desktop)] {
            for (name, path) in [("home-ending", "/privacy"), ("end", "/privacy/notices/end")] {
                b.goto(&format!("{}{path}", s.base)).await;
                let wide = b.eval("return document.documentElement.scrollWidth").await;
                assert!(wide.as_u64().unwrap() <= width, "{path} is {wide} px wide on a {width} px screen");
                let console = b.console().await;
                assert!(console.is_empty(), "{path} at {width} px: {console:?}");
                let text = b.eval("return document.body.innerText").await;
                assert!(text.as_str().unwrap().contains(&day.to_string()), "{path}: {text}");
                if let Some(dir) = &shots {
                    b.screenshot(&dir.join(format!("centre-{name}-{width}.png")), 2400).await;
                }
            }
        }
        assert_eq!(s.post("/v1/termination/cancel", &json!({})).await.status, 200);

        // A user opens the link the app minted, withdraws a consent with one tap, and the
        // decision API denies at once.
        s.register("u1", json!({})).await;
        s.consent("u1", "grant", common::purpose("recommend"), json!({})).await;
        assert!(s.decide("u1", "recommend", &["browsing"]).await.0);
        for (width, b) in [(390, &phone), (1280, &desktop)] {
            let portal = s.key(&[gebao_store::Scope::PortalWrite]).await;
            let link = s.post_as("/v1/subjects/u1/portal-links", Some(&portal), &json!({})).await.json();
            b.goto(&format!("{}{}", s.base, link["path"].as_str().unwrap())).await;
            assert!(b.url().await.ends_with("/privacy/me"), "{}", b.url().await);
            assert!(b.console().await.is_empty());
            if let Some(dir) = &shots {
                b.screenshot(&dir.join(format!("centre-me-{width}.png")), 2400).await;
            }
            // Filing a request: the first kind offered (查阅), one tap.
            b.goto(&format!("{}/privacy/me/requests", s.base)).await;
            b.click("form.file button").await;
            let filed = gebao_testkit::within(std::time::Duration::from_secs(5), || async {
                b.url().await.ends_with("/privacy/me/requests?filed=1")
            })
            .await;
            assert!(filed.as_secs() < 5);
            assert!(b.console().await.is_empty());
            let wide = b.eval("return document.documentElement.scrollWidth").await;
            assert!(wide.as_u64().unwrap() <= width, "the requests page is {wide} px wide");
            if let Some(dir) = &shots {
                b.screenshot(&dir.join(format!("centre-requests-{width}.png")), 2400).await;
            }
            b.goto(&format!("{}/privacy/me", s.base)).await;
            if width == 390 {
                b.click("form[action='/privacy/me/withdraw'] button").await;
                let landed = gebao_testkit::within(std::time::Duration::from_secs(5), || async {
                    b.url().await.ends_with("/privacy/me?done=1")
                })
                .await;
                assert!(landed.as_secs() < 5);
                assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("consent-withdrawn".into())));
                let shown = b.eval("return document.querySelector('.banner.ok').textContent").await;
                assert!(shown.as_str().unwrap().contains("已撤回"), "{shown}");
                if let Some(dir) = &shots {
                    b.screenshot(&dir.join("centre-me-withdrawn-390.png"), 2400).await;
                }
            }
        }

        // The language switch, by a click.
        phone.goto(&format!("{}/privacy/policy", s.base)).await;
        phone.click("a.lang").await;
        assert!(phone.url().await.ends_with("/privacy/policy?lang=en"));
        assert_eq!(phone.eval("return document.documentElement.lang").await, json!("en"));
        assert!(
            phone.eval("return document.querySelector('h1').textContent").await.as_str().unwrap().contains("Privacy")
        );

        // By keyboard alone: Tab reaches the first card with a visible focus ring, Enter opens it.
        desktop.goto(&format!("{}/privacy", s.base)).await;
        let mut reached = false;
        for _ in 0..6 {
            desktop.keys("\u{E004}").await;
            let href = desktop.eval("return document.activeElement.getAttribute('href')").await;
            if href == json!("/privacy/policy") {
                let ring = desktop.eval("return getComputedStyle(document.activeElement).outlineStyle").await;
                assert_ne!(ring, json!("none"), "the focused link shows no focus ring");
                reached = true;
                break;
            }
        }
        assert!(reached, "Tab never reached the policy card");
        desktop.keys("\u{E007}").await;
        assert!(desktop.url().await.ends_with("/privacy/policy"), "{}", desktop.url().await);
        s.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_by_code_in_a_real_browser() {
    let Some(phone) = Browser::start(390, 844).await else { return };
    let Some(desktop) = Browser::start(1280, 900).await else { return };
    let shots = std::env::var_os("GEBAO_SCREENSHOTS").map(std::path::PathBuf::from);
    common::run(Kind::Sqlite, |kit| async move {
        let r = reqkit::Receiver::start().await;
        let mut cfg = kit.config();
        cfg.requests.notifier_url = Some(r.url("notify"));
        cfg.requests.outbox_interval = std::time::Duration::from_millis(30);
        cfg.egress = r.egress();
        cfg.requests.portability = vec![gebao_server::config::PortabilityDestination {
            name: "partner".into(),
            label: "示例伙伴".into(),
            label_en: Some("Example partner".into()),
            url: r.url("port/partner"),
        }];
        let s = common::Server::start(cfg).await;
        for (n, (width, b)) in [(390, &phone), (1280, &desktop)].into_iter().enumerate() {
            let (parent, child, number) = (format!("g{n}"), format!("kid{n}"), format!("1380013800{n}"));
            s.register(&parent, json!({ "age": 38, "phone": number })).await;
            s.register(&child, json!({ "age": 9, "guardian": parent })).await;
            s.consent(&child, "grant", common::purpose("recommend"), json!({ "by_guardian": true })).await;

            b.goto(&format!("{}/privacy/login", s.base)).await;
            let wide = b.eval("return document.documentElement.scrollWidth").await;
            assert!(wide.as_u64().unwrap() <= width, "the sign-in page is {wide} px wide");
            if let Some(dir) = &shots {
                std::fs::create_dir_all(dir).unwrap();
                b.screenshot(&dir.join(format!("centre-login-{width}.png")), 2400).await;
            }
            b.click("#contact").await;
            b.keys(&number).await;
            b.click("form.file button").await;
            gebao_testkit::within(std::time::Duration::from_secs(5), || async {
                b.url().await.ends_with("/privacy/login/code")
            })
            .await;
            let sent = r.wait_calls("notify", n + 1).await;
            let code = sent[n].body["code"].as_str().unwrap().to_owned();
            if let Some(dir) = &shots {
                b.screenshot(&dir.join(format!("centre-code-{width}.png")), 2400).await;
            }
            b.click("#code").await;
            b.keys(&code).await;
            b.click("form.file button").await;
            gebao_testkit::within(std::time::Duration::from_secs(5), || async {
                b.url().await.ends_with("/privacy/me")
            })
            .await;
            let heading = b.eval("return document.querySelector('#wards').textContent").await;
            assert_eq!(heading, json!("我监护的未成年人"));
            if let Some(dir) = &shots {
                b.screenshot(&dir.join(format!("centre-me-guardian-{width}.png")), 2400).await;
            }
            // The guardian opens the child's page.
            b.click("section[aria-labelledby='wards'] a").await;
            gebao_testkit::within(std::time::Duration::from_secs(5), || async {
                b.url().await.contains("/privacy/me/wards/")
            })
            .await;
            let title = b.eval("return document.querySelector('h1').textContent").await;
            assert!(title.as_str().unwrap().contains(&child), "{title}");
            let wide = b.eval("return document.documentElement.scrollWidth").await;
            assert!(wide.as_u64().unwrap() <= width, "the ward's page is {wide} px wide");
            assert!(b.console().await.is_empty(), "{:?}", b.console().await);
            if let Some(dir) = &shots {
                b.screenshot(&dir.join(format!("centre-ward-{width}.png")), 2400).await;
            }
            // Portability: the destinations the operator configured, by name.
            b.goto(&format!("{}/privacy/me/requests", s.base)).await;
            let offered = b.eval("return document.querySelector('#destination option').textContent").await;
            assert_eq!(offered, json!("示例伙伴"));
            b.click("form[aria-labelledby='transfer'] button").await;
            gebao_testkit::within(std::time::Duration::from_secs(5), || async {
                b.url().await.ends_with("/privacy/me/requests?filed=1")
            })
            .await;
            assert!(b.console().await.is_empty(), "{:?}", b.console().await);
            if let Some(dir) = &shots {
                b.screenshot(&dir.join(format!("centre-portability-{width}.png")), 2400).await;
            }
        }
        s.stop().await;
    })
    .await;
}
