//! The privacy centre's public pages, as a user's browser gets them: zh-CN first, English
//! on request, every link leading to a page, nothing loaded from anywhere else, every
//! version and what changed, and the centre's own 404 page.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Kit, Resp, Server, attribute_values, clean_text, crawl_centre};
use serde_json::json;

gebao_testkit::on_both_engines!(crate::common::run;
    every_page_is_reachable_chinese_first_and_self_contained,
    english_is_one_switch_away,
    versions_show_what_changed_and_the_text_as_published,
    unknown_pages_get_the_centres_own_404,
    lists_are_published_in_every_form,
);

const CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";

/// What every page of the centre must be: HTML in its language, under the strict policy,
/// with no script, no inline style and nothing from another origin.
fn assert_page(path: &str, res: &Resp, lang: &str) {
    // The user's own pages ask an anonymous visitor to open the centre from the app.
    let status = if path.starts_with("/privacy/me") { 401 } else { 200 };
    assert_eq!(res.status, status, "GET {path}: {}", res.body);
    assert_eq!(res.content_type, "text/html; charset=utf-8", "GET {path}");
    assert_eq!(res.headers["content-security-policy"], CSP, "GET {path}");
    assert_eq!(res.headers["x-content-type-options"], "nosniff", "GET {path}");
    assert_eq!(res.headers["referrer-policy"], "same-origin", "GET {path}");
    assert_eq!(res.headers["content-language"], lang, "GET {path}");
    assert!(res.body.contains(&format!("<html lang=\"{lang}\">")), "GET {path}");
    assert!(
        !res.body.contains("<script") && !res.body.contains(" style=\""),
        "GET {path} has a script or an inline style"
    );
    for attr in ["href", "src", "action"] {
        for v in attribute_values(&res.body, attr) {
            let local = v.starts_with('/') && !v.starts_with("//") || v.starts_with('#');
            assert!(local, "GET {path}: {attr}=\"{v}\" leaves this server");
        }
    }
}

async fn every_page_is_reachable_chinese_first_and_self_contained(kit: Kit) {
    let s = kit.start().await;
    let pages = crawl_centre(&s, "/privacy").await;
    let paths: Vec<&str> = pages.iter().map(|(p, _)| p.as_str()).collect();
    for expected in [
        "/privacy",
        "/privacy/policy",
        "/privacy/lists/collection",
        "/privacy/lists/sharing",
        "/privacy/lists/permissions",
        "/privacy/policy/versions",
        "/privacy/policy/versions/1",
    ] {
        assert!(paths.contains(&expected), "{expected} is not linked: {paths:?}");
    }
    for (path, res) in &pages {
        // The language switch leads to the English pages; those are checked below.
        let lang = if path.contains("lang=en") { "en" } else { "zh-CN" };
        assert_page(path, res, lang);
    }
    let home = &pages.iter().find(|(p, _)| p == "/privacy").unwrap().1.body;
    for text in
        ["示例社区 隐私中心", "隐私政策", "第 1 版", "个人信息收集清单", "privacy@example.cn", "我的-设置-帮助与反馈"]
    {
        assert!(home.contains(text), "the home page lacks `{text}`");
    }
    let policy = &pages.iter().find(|(p, _)| p == "/privacy/policy").unwrap().1.body;
    assert!(policy.contains("<h1>示例社区个人信息保护政策</h1>") && policy.contains("nav class=\"toc\""), "{policy}");
    let list = &pages.iter().find(|(p, _)| p == "/privacy/lists/collection").unwrap().1.body;
    assert!(list.contains("<td data-label="), "list cells carry their heading for phones");
    // The stylesheet is this server's own.
    let css = s.get_as("/privacy/assets/centre.css", None).await;
    assert_eq!((css.status, css.content_type.as_str()), (200, "text/css; charset=utf-8"));
    assert!(!css.body.contains("url(") && !css.body.contains("@import"), "the stylesheet loads something");
    s.stop().await;
}

async fn english_is_one_switch_away(kit: Kit) {
    let s = kit.start().await;
    let zh = s.get_as("/privacy/policy", None).await;
    assert!(attribute_values(&zh.body, "href").contains(&"/privacy/policy?lang=en".to_owned()));
    let pages = crawl_centre(&s, "/privacy?lang=en").await;
    assert!(pages.len() >= 7, "{}", pages.len());
    for (path, res) in &pages {
        if path.contains("lang=en") {
            assert_page(path, res, "en");
        }
    }
    let home = &pages[0].1.body;
    assert!(home.contains("Example Community Privacy Centre") && home.contains("Earlier versions"), "{home}");
    // Every link of an English page stays English, but the switch back.
    for v in attribute_values(home, "href").iter().filter(|v| v.starts_with("/privacy") && !v.contains("/assets/")) {
        assert!(v.ends_with("?lang=en") || v == "/privacy", "{v}");
    }
    // A language that does not exist: a page that says which do, in Chinese first.
    let bad = s.get_as("/privacy/policy?lang=fr", None).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("lang=zh-CN") && bad.body.contains("lang=en"), "{}", bad.body);
    assert_eq!(bad.headers["content-security-policy"], CSP);
    s.stop().await;
}

async fn versions_show_what_changed_and_the_text_as_published(kit: Kit) {
    let s = kit.start().await;
    publish(&s, &clean_text().replace("privacy@example.cn", "privacy-office@example.cn")).await;
    let versions = s.get_as("/privacy/policy/versions", None).await;
    assert_page("/privacy/policy/versions", &versions, "zh-CN");
    let b = &versions.body;
    let (v2, v1) = (b.find("第 2 版").unwrap(), b.find("第 1 版").unwrap());
    assert!(v2 < v1, "newest first");
    assert!(b[v2..v1].contains("现行版本") && b[v2..v1].contains("重大变更"), "{b}");
    assert!(b[v1..].contains("历史版本") && b[v1..].contains("首个版本"), "{b}");

    let changes = s.get_as("/privacy/policy/versions/2/changes", None).await;
    assert_page("/privacy/policy/versions/2/changes", &changes, "zh-CN");
    let c = &changes.body;
    assert!(c.contains("第 2 版的变化") && c.contains("共 1 处变化，其中 1 处为重大变更"), "{c}");
    assert!(c.contains("<del>privacy@example.cn</del>") && c.contains("<ins>privacy-office@example.cn</ins>"), "{c}");
    assert!(c.contains("联络方式及投诉渠道发生变化"), "the trigger is named: {c}");
    let en = s.get_as("/privacy/policy/versions/2/changes?lang=en", None).await.body;
    assert!(en.contains("What changed in version 2") && en.contains("1 of them major"), "{en}");

    // The archived version is the text published then, marked as not in force.
    let old = s.get_as("/privacy/policy/versions/1", None).await;
    assert_page("/privacy/policy/versions/1", &old, "zh-CN");
    assert!(old.body.contains("这是第 1 版") && old.body.contains("不是现行版本"), "{}", old.body);
    assert!(old.body.contains("privacy@example.cn") && !old.body.contains("privacy-office@example.cn"), "{}", old.body);
    let now = s.get_as("/privacy/policy", None).await.body;
    assert!(now.contains("privacy-office@example.cn") && !now.contains("不是现行版本"));
    let first = s.get_as("/privacy/policy/versions/1/changes", None).await.body;
    assert!(first.contains("这是首个版本"), "{first}");
    s.stop().await;
}

async fn unknown_pages_get_the_centres_own_404(kit: Kit) {
    let s = kit.start().await;
    for path in [
        "/privacy/nope",
        "/privacy/policy/versions/99",
        "/privacy/policy/versions/0",
        "/privacy/policy/versions/abc/changes",
        "/privacy/lists/other",
        "/privacy/lists/other?lang=en",
    ] {
        let res = s.get_as(path, None).await;
        assert_eq!(res.status, 404, "GET {path}");
        assert_eq!(res.content_type, "text/html; charset=utf-8", "GET {path}");
        assert_eq!(res.headers["content-security-policy"], CSP, "GET {path}");
        let words = if path.ends_with("lang=en") { "Page not found" } else { "页面不存在" };
        assert!(res.body.contains(words) && res.body.contains("href=\"/privacy"), "GET {path}: {}", res.body);
    }
    // The API keeps its problem documents.
    assert_eq!(s.get_as("/v1/nope", None).await.problem(404), None);
    s.stop().await;
}

async fn publish(s: &Server, manifest: &str) {
    let res = s.post("/v1/policy/versions", &json!({ "manifest": manifest, "effective": "2026-01-01" })).await;
    assert_eq!(res.status, 201, "{}", res.body);
}

/// The three lists beside the policy, on the API: a page, Markdown, or their part of the
/// public model as JSON, in both languages.
async fn lists_are_published_in_every_form(kit: Kit) {
    let s = kit.start().await;
    for (list, title_zh, title_en, keys) in [
        ("collection", "个人信息收集清单", "Collection", &["fields", "purposes", "scenarios"][..]),
        ("sharing", "第三方共享", "Shar", &["recipients"][..]),
        ("permissions", "应用权限", "Permission", &["permissions"][..]),
    ] {
        let path = format!("/v1/policy/lists/{list}");
        let html = s.get_as(&path, None).await;
        assert_eq!((html.status, html.content_type.as_str()), (200, "text/html; charset=utf-8"), "{path}");
        assert!(html.body.starts_with("<!doctype html>") && html.body.contains(title_zh), "{path}: {}", html.body);
        assert_eq!(html.headers["x-gebao-policy-version"], "1");
        let md = s.get_as(&format!("{path}?format=md&lang=en"), None).await;
        assert_eq!((md.status, md.content_type.as_str()), (200, "text/markdown; charset=utf-8"), "{path}");
        assert_eq!(md.headers["content-language"], "en");
        assert!(md.body.starts_with("# ") && md.body.contains(title_en), "{path}: {}", md.body);
        let json = s.get_as(&format!("{path}?format=json"), None).await;
        assert_eq!(json.content_type, "application/json", "{path}");
        let model = json.json();
        let got: Vec<&str> = model.as_object().unwrap().keys().map(String::as_str).collect();
        let mut want = keys.to_vec();
        want.sort_unstable();
        assert_eq!(got, want, "{path}");
        assert!(model[keys[0]].as_array().is_some_and(|a| !a.is_empty()), "{path}: {model}");
    }
    let res = s.get_as("/v1/policy/lists/sharing?format=pdf", None).await;
    assert_eq!(res.problem(400).as_deref(), Some("format"));
    s.stop().await;
}
