//! The user's own pages of the privacy centre, as a browser uses them: a link the
//! operator's backend mints opens them once; the user sees their consents and withdraws one
//! in one tap, and decisions deny at once; forged, foreign or stale requests change
//! nothing; a session reaches its own subject only and ends with the subject's erasure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Kit, Server, attribute_values, purpose};
use gebao_store::Scope;
use serde_json::json;

gebao_testkit::on_both_engines!(crate::common::run;
    a_minted_link_opens_my_consents_once,
    withdrawal_is_one_tap_and_decisions_deny_at_once,
    forged_foreign_or_stale_requests_change_nothing,
    a_session_ends_with_its_subject,
    requests_are_filed_and_followed_in_the_centre,
);

/// A browser without redirects followed, so that each answer can be looked at.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// What a page answered.
struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

async fn get(s: &Server, path: &str, cookie: Option<&str>) -> Page {
    let mut req = browser().get(format!("{}{path}", s.base));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    Page { status: res.status().as_u16(), headers: res.headers().clone(), body: res.text().await.unwrap() }
}

async fn post_form(s: &Server, path: &str, cookie: Option<&str>, form: &[(&str, &str)], origin: Option<&str>) -> Page {
    let mut req = browser().post(format!("{}{path}", s.base)).form(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    let res = req.send().await.unwrap();
    Page { status: res.status().as_u16(), headers: res.headers().clone(), body: res.text().await.unwrap() }
}

/// Mints a link for `id` with a key that may do nothing else.
async fn mint(s: &Server, id: &str) -> String {
    let token = s.key(&[Scope::PortalWrite]).await;
    let res = s.post_as(&format!("/v1/subjects/{id}/portal-links"), Some(&token), &json!({})).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let link = res.json();
    assert!(link["expires_ms"].as_i64().unwrap() > gebao_server::now_ms());
    link["path"].as_str().unwrap().to_owned()
}

/// Opens a minted link; the session cookie it sets (`name=value`).
async fn sign_in(s: &Server, path: &str) -> String {
    let res = get(s, path, None).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.headers["location"], "/privacy/me");
    let set = res.headers["set-cookie"].to_str().unwrap().to_owned();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/privacy", "Max-Age=1800"] {
        assert!(set.contains(attr), "{set}");
    }
    set.split(';').next().unwrap().to_owned()
}

/// The session's form token on a page.
fn csrf_of(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("a form token") + "name=\"csrf\" value=\"".len();
    body[at..at + 32].to_owned()
}

/// The hidden fields of the first withdrawal form on a page.
fn first_form(body: &str) -> Vec<(String, String)> {
    let form = &body[body.find("<form method=\"post\" action=\"/privacy/me/withdraw\"").expect("a withdrawal form")..];
    let form = &form[..form.find("</form>").unwrap()];
    let names = attribute_values(form, "name");
    let values = attribute_values(form, "value");
    names.into_iter().zip(values).collect()
}

async fn a_minted_link_opens_my_consents_once(kit: Kit) {
    let s = kit.start().await;
    s.register("u1", json!({})).await;
    s.consent("u1", "grant", purpose("recommend"), json!({})).await;
    // Minting needs `portal:write`; a key without it is refused.
    let other = s.key(&[Scope::SubjectsWrite]).await;
    let res = s.post_as("/v1/subjects/u1/portal-links", Some(&other), &json!({})).await;
    assert_eq!(res.status, 403, "{}", res.body);
    assert_eq!(s.post("/v1/subjects/nobody/portal-links", &json!({})).await.problem(404).as_deref(), Some("id"));

    let link = mint(&s, "u1").await;
    assert!(link.starts_with("/privacy/login?t=gpl_"), "{link}");
    let audit = s.get("/v1/audit?limit=100").await.body;
    assert!(audit.contains("portal.link") && !audit.contains(link.trim_start_matches("/privacy/login?t=")), "{audit}");
    let cookie = sign_in(&s, &link).await;
    // Once only.
    let again = get(&s, &link, None).await;
    assert_eq!(again.status, 403);
    assert!(again.body.contains("链接无效或已过期"), "{}", again.body);
    assert_eq!(again.headers["cache-control"], "no-store");

    let me = get(&s, "/privacy/me", Some(&cookie)).await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.headers["cache-control"], "no-store");
    assert!(
        me.body.contains("我的同意") && me.body.contains("个性化推荐") && me.body.contains("已同意"),
        "{}",
        me.body
    );
    let fields = first_form(&me.body);
    assert!(fields.iter().any(|(n, v)| n == "csrf" && v.len() == 32), "{fields:?}");
    assert!(fields.contains(&("purpose".into(), "recommend".into())), "{fields:?}");
    assert!(me.body.contains("aria-label=\"撤回对“个性化推荐”的同意\""), "the button names what it withdraws");
    // Without the cookie: the page says to open the centre from the app.
    let anon = get(&s, "/privacy/me", None).await;
    assert_eq!(anon.status, 401);
    assert!(anon.body.contains("请先登录"), "{}", anon.body);
    s.stop().await;
}

async fn withdrawal_is_one_tap_and_decisions_deny_at_once(kit: Kit) {
    let s = kit.start().await;
    for u in ["u1", "u2"] {
        s.register(u, json!({})).await;
        s.consent(u, "grant", purpose("recommend"), json!({})).await;
    }
    assert!(s.decide("u1", "recommend", &["browsing"]).await.0);
    let cookie = sign_in(&s, &mint(&s, "u1").await).await;
    let me = get(&s, "/privacy/me", Some(&cookie)).await;
    let mut form = first_form(&me.body);
    // A forged subject in the form is ignored: the session names the subject.
    form.push(("subject".into(), "u2".into()));
    let form: Vec<(&str, &str)> = form.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let res = post_form(&s, "/privacy/me/withdraw", Some(&cookie), &form, Some(&s.base)).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.headers["location"], "/privacy/me?done=1");
    // Denied from the moment the page answered.
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("consent-withdrawn".into())));
    assert!(s.decide("u2", "recommend", &["browsing"]).await.0, "another user's consent is untouched");
    let ledger = s.get("/v1/subjects/u1/consents").await.json();
    let last = ledger["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["channel"].as_str()),
        (Some("withdraw"), Some("privacy-centre")),
        "{last}"
    );
    let after = get(&s, "/privacy/me?done=1", Some(&cookie)).await.body;
    assert!(
        after.contains("已撤回。")
            && after.contains("已撤回</span>")
            && !after.contains("action=\"/privacy/me/withdraw\""),
        "{after}"
    );
    s.stop().await;
}

async fn forged_foreign_or_stale_requests_change_nothing(kit: Kit) {
    let s = kit.start().await;
    s.register("u1", json!({})).await;
    s.consent("u1", "grant", purpose("recommend"), json!({})).await;
    let cookie = sign_in(&s, &mint(&s, "u1").await).await;
    let me = get(&s, "/privacy/me", Some(&cookie)).await;
    let good = first_form(&me.body);
    let good: Vec<(&str, &str)> = good.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let without_csrf: Vec<(&str, &str)> = good.iter().copied().filter(|(n, _)| *n != "csrf").collect();
    let wrong_csrf: Vec<(&str, &str)> =
        good.iter().map(|&(n, v)| if n == "csrf" { (n, "00000000000000000000000000000000") } else { (n, v) }).collect();
    let tampered = {
        let (name, value) = cookie.split_once('=').unwrap();
        let mut v = value.to_owned();
        let last = if v.ends_with('0') { '1' } else { '0' };
        v.pop();
        v.push(last);
        format!("{name}={v}")
    };
    for (what, cookie, form, origin, status) in [
        ("no token", Some(cookie.as_str()), &without_csrf, None, 400),
        ("a wrong token", Some(cookie.as_str()), &wrong_csrf, None, 403),
        ("another origin", Some(cookie.as_str()), &good, Some("https://evil.example"), 403),
        ("no session", None, &good, None, 401),
        ("a tampered session", Some(tampered.as_str()), &good, None, 401),
    ] {
        let res = post_form(&s, "/privacy/me/withdraw", cookie, form, origin).await;
        assert_eq!(res.status, status, "{what}: {}", res.body);
        assert!(res.body.contains("<html lang=\"zh-CN\">"), "{what}: an HTML page");
    }
    assert!(s.decide("u1", "recommend", &["browsing"]).await.0, "nothing was withdrawn");
    // Links that are not ours, or too long, open nothing.
    for link in ["/privacy/login", "/privacy/login?t=gpl_0000", &format!("/privacy/login?t={}", "a".repeat(500))] {
        assert_eq!(get(&s, link, None).await.status, 403, "{link}");
    }
    s.stop().await;
}

async fn a_session_ends_with_its_subject(kit: Kit) {
    let s = kit.start().await;
    s.register("u1", json!({})).await;
    let link = mint(&s, "u1").await;
    let cookie = sign_in(&s, &link).await;
    let unused = mint(&s, "u1").await;
    assert_eq!(get(&s, "/privacy/me", Some(&cookie)).await.status, 200);
    let res = s.post("/v1/subjects/u1/cancel", &json!({})).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(get(&s, "/privacy/me", Some(&cookie)).await.status, 401, "the session ended with the subject");
    assert_eq!(get(&s, &unused, None).await.status, 403, "its unused links went with it");
    assert_eq!(s.post("/v1/subjects/u1/portal-links", &json!({})).await.problem(410).as_deref(), Some("id"));
    // Signing out ends the session in the browser.
    s.register("u2", json!({})).await;
    let c2 = sign_in(&s, &mint(&s, "u2").await).await;
    let out = post_form(&s, "/privacy/logout", Some(&c2), &[], None).await;
    assert_eq!(out.status, 303);
    assert!(out.headers["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    s.stop().await;
}

async fn requests_are_filed_and_followed_in_the_centre(kit: Kit) {
    let s = kit.start().await;
    s.register("u1", json!({})).await;
    let cookie = sign_in(&s, &mint(&s, "u1").await).await;
    let me = get(&s, "/privacy/me", Some(&cookie)).await.body;
    assert!(me.contains("href=\"/privacy/me/requests\""), "{me}");
    let page = get(&s, "/privacy/me/requests", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("您还没有提出过请求") && page.body.contains("<option value=\"copy\">复制</option>"),
        "{}",
        page.body
    );
    let csrf = csrf_of(&page.body);

    // A copy request: filed, the identity vouched by the signed-in session, due in working days.
    let res =
        post_form(&s, "/privacy/me/requests", Some(&cookie), &[("csrf", &csrf), ("kind", "copy"), ("note", "")], None)
            .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.headers["location"], "/privacy/me/requests?filed=1");
    let listed = s.get("/v1/requests?subject=u1").await.json();
    let r = &listed["items"][0];
    assert_eq!((r["kind"].as_str(), r["channel"].as_str()), (Some("copy"), Some("privacy-centre")), "{listed}");
    assert_eq!(r["verification"]["method"], "operator-asserted", "{r}");
    let due = r["due"]["date"].as_str().unwrap().to_owned();
    let page = get(&s, "/privacy/me/requests?filed=1", Some(&cookie)).await.body;
    assert!(
        page.contains("请求已提交")
            && page.contains("<strong>复制</strong>")
            && page.contains(&format!("答复期限：{due}")),
        "{page}"
    );

    // A complaint needs its text: the page says so, and nothing is filed.
    let res = post_form(
        &s,
        "/privacy/me/requests",
        Some(&cookie),
        &[("csrf", &csrf), ("kind", "complaint"), ("note", " ")],
        None,
    )
    .await;
    assert_eq!(res.status, 422, "{}", res.body);
    assert!(res.body.contains("请求未提交"), "{}", res.body);
    // Nor without the session's token, nor a kind the form does not offer.
    let res = post_form(
        &s,
        "/privacy/me/requests",
        Some(&cookie),
        &[("csrf", "0".repeat(32).as_str()), ("kind", "copy")],
        None,
    )
    .await;
    assert_eq!(res.status, 403);
    let res =
        post_form(&s, "/privacy/me/requests", Some(&cookie), &[("csrf", &csrf), ("kind", "portability")], None).await;
    assert_eq!(res.status, 400);
    assert_eq!(s.get("/v1/requests?subject=u1").await.json()["items"].as_array().unwrap().len(), 1);

    // A correction: which field, the right value.
    assert!(page.contains("<option value=\"nickname\">昵称</option>") || page.contains("value=\"nickname\""), "{page}");
    let form = [("csrf", csrf.as_str()), ("kind", "correction"), ("field", "nickname"), ("value", "小明")];
    assert_eq!(post_form(&s, "/privacy/me/requests", Some(&cookie), &form, None).await.status, 303);
    let all = s.get("/v1/requests?subject=u1").await.json();
    let correction = all["items"].as_array().unwrap().iter().find(|r| r["kind"] == "correction").cloned().unwrap();
    assert_eq!(correction["details"]["corrections"][0]["value"], "小明", "{correction}");
    for (field, value, status) in [("nickname", " ", 400), ("no_such_field", "x", 422)] {
        let form = [("csrf", csrf.as_str()), ("kind", "correction"), ("field", field), ("value", value)];
        assert_eq!(post_form(&s, "/privacy/me/requests", Some(&cookie), &form, None).await.status, status, "{field}");
    }
    assert_eq!(s.get("/v1/requests?subject=u1").await.json()["items"].as_array().unwrap().len(), 2);

    // Not done yet: no copy to download, not even by its address.
    let copy_path = format!("/privacy/me/requests/{}/copy", r["id"].as_str().unwrap());
    assert_eq!(get(&s, &copy_path, Some(&cookie)).await.status, 404);

    // Refused by staff: the user reads the ground and the remedy.
    let id = r["id"].as_str().unwrap().to_owned();
    let res =
        s.post(&format!("/v1/requests/{id}/refuse"), &json!({ "reason": "manifestly-unfounded-or-excessive" })).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let page = get(&s, "/privacy/me/requests", Some(&cookie)).await.body;
    assert!(page.contains("已拒绝") && page.contains("未能办理的原因"), "{page}");
    assert!(page.contains("投诉") || page.contains("诉讼"), "the remedy is told: {page}");

    // A copy request carried out by staff: the user downloads the copy, and no one else can.
    let res = post_form(&s, "/privacy/me/requests", Some(&cookie), &[("csrf", &csrf), ("kind", "access")], None).await;
    assert_eq!(res.status, 303);
    let all = s.get("/v1/requests?subject=u1&state=in-progress").await.json();
    let access = all["items"].as_array().unwrap().iter().find(|r| r["kind"] == "access").cloned().unwrap();
    let aid = access["id"].as_str().unwrap().to_owned();
    let done = s.post(&format!("/v1/requests/{aid}/execute"), &json!({})).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.json()["state"], "completed", "{}", done.body);
    let page = get(&s, "/privacy/me/requests", Some(&cookie)).await.body;
    let href = format!("/privacy/me/requests/{aid}/copy");
    assert!(page.contains(&format!("href=\"{href}\"")), "{page}");
    let res = browser().get(format!("{}{href}", s.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip archive");
    s.register("u9", json!({})).await;
    let other = sign_in(&s, &mint(&s, "u9").await).await;
    assert_eq!(get(&s, &href, Some(&other)).await.status, 404, "another user's copy is not found");
    assert_eq!(get(&s, &href, None).await.status, 401);
    s.stop().await;
}
