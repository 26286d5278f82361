//! The user's own pages of the privacy centre, as a browser uses them: a link the
//! operator's backend mints opens them once; the user sees their consents and withdraws one
//! in one tap, and decisions deny at once; forged, foreign or stale requests change
//! nothing; a session reaches its own subject only and ends with the subject's erasure.
//! Without the app: a one-time code to the registered phone or e-mail signs in, once, with
//! limits, and tells no one whether a contact point is registered. A guardian acts for
//! their wards under 14 and no one else; portability goes only to configured destinations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod reqkit;

use common::{Kit, Server, attribute_values, purpose};
use gebao_server::config::PortabilityDestination;
use gebao_store::Scope;
use reqkit::Receiver;
use serde_json::json;
use std::time::Duration;

gebao_testkit::on_both_engines!(crate::common::run;
    a_minted_link_opens_my_consents_once,
    withdrawal_is_one_tap_and_decisions_deny_at_once,
    forged_foreign_or_stale_requests_change_nothing,
    a_session_ends_with_its_subject,
    requests_are_filed_and_followed_in_the_centre,
    a_code_signs_in_once,
    five_wrong_codes_lock_the_code,
    an_unknown_contact_point_gets_the_same_answer_and_no_message,
    codes_are_limited_per_contact_point_and_per_address,
    an_expired_code_or_a_gone_subject_signs_in_no_one,
    a_guardian_acts_for_a_child_under_14_and_no_one_else,
    portability_goes_only_to_a_configured_destination,
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
    let audit = s.get("/v1/audit?limit=100").await.body;
    assert!(audit.contains("portal.sign-in") && audit.contains("\"via\":\"link\""), "the sign-in is audited: {audit}");
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
    for link in ["/privacy/login?t=", "/privacy/login?t=gpl_0000", &format!("/privacy/login?t={}", "a".repeat(500))] {
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

/// A server whose notifier and portability receiver is `r`.
async fn with_notifier(kit: &Kit, r: &Receiver) -> Server {
    let mut cfg = kit.config();
    cfg.requests.notifier_url = Some(r.url("notify"));
    cfg.requests.outbox_interval = Duration::from_millis(30);
    cfg.requests.portability = vec![PortabilityDestination {
        name: "partner".into(),
        label: "示例伙伴".into(),
        label_en: Some("Example partner".into()),
        url: r.url("port/partner"),
    }];
    cfg.egress = r.egress();
    Server::start(cfg).await
}

/// The `name=value` of the cookie `name` a page set.
fn set_cookie(p: &Page, name: &str) -> Option<String> {
    p.headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

/// A browser on the sign-in pages: its cookies, as a `Cookie` header.
struct Visitor {
    cookies: Vec<String>,
}

impl Visitor {
    /// Opens `/privacy/login`: the contact form and its pre-session cookie.
    async fn open(s: &Server) -> (Visitor, String) {
        let page = get(s, "/privacy/login", None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("登录隐私中心") && page.body.contains("name=\"contact\""), "{}", page.body);
        let pre = set_cookie(&page, "gebao_pre").expect("a pre-session cookie");
        let raw = page.headers["set-cookie"].to_str().unwrap();
        assert!(raw.contains("HttpOnly") && raw.contains("SameSite=Strict"), "{raw}");
        (Visitor { cookies: vec![pre] }, csrf_of(&page.body))
    }

    fn header(&self) -> String {
        self.cookies.join("; ")
    }

    /// Asks for a code for `contact`; the page answered (the challenge cookie kept).
    async fn ask(&mut self, s: &Server, csrf: &str, contact: &str) -> Page {
        let res =
            post_form(s, "/privacy/login", Some(&self.header()), &[("csrf", csrf), ("contact", contact)], None).await;
        if let Some(c) = set_cookie(&res, "gebao_code") {
            self.cookies.retain(|k| !k.starts_with("gebao_code="));
            self.cookies.push(c);
        }
        res
    }

    async fn enter(&self, s: &Server, csrf: &str, code: &str) -> Page {
        post_form(s, "/privacy/login/code", Some(&self.header()), &[("csrf", csrf), ("code", code)], None).await
    }
}

/// The code the notifier got in its `n`th call (1-based).
async fn code_sent(r: &Receiver, n: usize) -> serde_json::Value {
    r.wait_calls("notify", n).await[n - 1].body.clone()
}

async fn a_code_signs_in_once(kit: Kit) {
    let r = Receiver::start().await;
    let s = with_notifier(&kit, &r).await;
    s.register("u1", json!({ "phone": "13800138000" })).await;
    s.consent("u1", "grant", purpose("recommend"), json!({})).await;
    // In English too, and the language is kept through the forms.
    let en = get(&s, "/privacy/login?lang=en", None).await;
    assert!(
        en.body.contains("Sign in to the Privacy Centre") && en.body.contains("action=\"/privacy/login?lang=en\""),
        "{}",
        en.body
    );
    // A signed-out visitor is offered the code sign-in.
    let anon = get(&s, "/privacy/me", None).await;
    assert!(anon.status == 401 && anon.body.contains("href=\"/privacy/login\""), "{}", anon.body);
    let (mut v, csrf) = Visitor::open(&s).await;
    // Typed the way people type it: the blind index finds the registered number.
    let asked = v.ask(&s, &csrf, " +86 138-0013-8000 ").await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    assert_eq!(asked.headers["location"], "/privacy/login/code");
    let form = get(&s, "/privacy/login/code", Some(&v.header())).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("输入验证码") && form.body.contains("autocomplete=\"one-time-code\""), "{}", form.body);
    let sent = code_sent(&r, 1).await;
    assert!(r.calls("notify")[0].signed, "signed like every delivery");
    assert_eq!((sent["kind"].as_str(), sent["user"].as_str()), (Some("portal-code"), Some("u1")), "{sent}");
    assert_eq!(sent["to"]["phone"], "13800138000", "the notifier gets the contact point to send to");
    let code = sent["code"].as_str().unwrap().to_owned();
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
    assert!(sent["message"]["zh-CN"].as_str().unwrap().contains(&code));

    let res = v.enter(&s, &csrf, &code).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.headers["location"], "/privacy/me");
    let session = set_cookie(&res, "gebao_portal").expect("the session");
    let me = get(&s, "/privacy/me", Some(&session)).await;
    assert_eq!(me.status, 200);
    assert!(me.body.contains("个性化推荐"), "the same pages as a link opens");
    // Once only.
    let again = v.enter(&s, &csrf, &code).await;
    assert_eq!(again.status, 401);
    assert!(again.body.contains("已过期或已使用") && set_cookie(&again, "gebao_portal").is_none(), "{}", again.body);
    // Audited under the pseudonym; neither the number nor the code is in the log or the outbox.
    let audit = s.get("/v1/audit?limit=200").await.body;
    assert!(audit.contains("portal.code") && audit.contains("portal.sign-in"), "{audit}");
    assert!(!audit.contains("13800138000") && !audit.contains(&code), "{audit}");
    let raw = gebao_testkit::Raw::connect(&kit.url).await;
    assert_eq!(raw.int("SELECT COUNT(*) FROM portal_codes").await, 1);
    // The delivered code is gone from the outbox.
    gebao_testkit::within(Duration::from_secs(5), || async {
        raw.int("SELECT COUNT(*) FROM outbox WHERE kind = 'otp' AND payload_enc IS NULL").await == 1
    })
    .await;
    raw.close().await;
    s.stop().await;
}

async fn five_wrong_codes_lock_the_code(kit: Kit) {
    let r = Receiver::start().await;
    let s = with_notifier(&kit, &r).await;
    s.register("u1", json!({ "email": "Li.Lei@Example.cn" })).await;
    let (mut v, csrf) = Visitor::open(&s).await;
    assert_eq!(v.ask(&s, &csrf, "li.lei@example.cn").await.status, 303);
    let sent = code_sent(&r, 1).await;
    assert_eq!(sent["to"]["email"], "Li.Lei@Example.cn");
    let code = sent["code"].as_str().unwrap().to_owned();
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for left in (1..=4).rev() {
        let res = v.enter(&s, &csrf, wrong).await;
        assert_eq!(res.status, 401);
        assert!(res.body.contains(&format!("还可以再试 {left} 次")), "{}", res.body);
    }
    let res = v.enter(&s, &csrf, wrong).await;
    assert!(res.body.contains("尝试次数过多") && !res.body.contains("name=\"code\""), "{}", res.body);
    // Locked: even the right code no longer signs in.
    let res = v.enter(&s, &csrf, &code).await;
    assert_eq!(res.status, 401);
    assert!(res.body.contains("尝试次数过多") && set_cookie(&res, "gebao_portal").is_none(), "{}", res.body);
    // Not a code: said so, and not counted.
    let res = v.enter(&s, &csrf, "12ab").await;
    assert_eq!(res.status, 400);
    // Forms without this browser's token, or from elsewhere, are refused.
    let res = post_form(&s, "/privacy/login", None, &[("csrf", &csrf), ("contact", "li.lei@example.cn")], None).await;
    assert_eq!(res.status, 403, "no pre-session cookie");
    let res = post_form(
        &s,
        "/privacy/login",
        Some(&v.header()),
        &[("csrf", "0".repeat(32).as_str()), ("contact", "li.lei@example.cn")],
        None,
    )
    .await;
    assert_eq!(res.status, 403, "a wrong token");
    let res = post_form(
        &s,
        "/privacy/login",
        Some(&v.header()),
        &[("csrf", &csrf), ("contact", "li.lei@example.cn")],
        Some("https://evil.example"),
    )
    .await;
    assert_eq!(res.status, 403, "another origin");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(r.calls("notify").len(), 1, "no refused form sent a code");
    // Rubbish is not a contact point.
    assert_eq!(v.ask(&s, &csrf, "not a phone").await.status, 400);
    s.stop().await;
}

async fn an_unknown_contact_point_gets_the_same_answer_and_no_message(kit: Kit) {
    let r = Receiver::start().await;
    let s = with_notifier(&kit, &r).await;
    s.register("u1", json!({ "phone": "13800138000" })).await;
    let (mut known, csrf_k) = Visitor::open(&s).await;
    let (mut unknown, csrf_u) = Visitor::open(&s).await;
    let started = std::time::Instant::now();
    let a = known.ask(&s, &csrf_k, "13800138000").await;
    let t_known = started.elapsed();
    let started = std::time::Instant::now();
    let b = unknown.ask(&s, &csrf_u, "13900139000").await;
    let t_unknown = started.elapsed();
    assert_eq!((a.status, b.status), (303, 303));
    assert_eq!(a.headers["location"], b.headers["location"]);
    assert_eq!(a.body, b.body);
    let attrs = |p: &Page| {
        let raw = p.headers["set-cookie"].to_str().unwrap().to_owned();
        raw.split_once(';').unwrap().1.to_owned()
    };
    assert_eq!(attrs(&a), attrs(&b), "the same cookie");
    // Both take at least the same floor, whatever was found.
    assert!(t_known >= Duration::from_millis(300) && t_unknown >= Duration::from_millis(300));
    let fa = get(&s, "/privacy/login/code", Some(&known.header())).await;
    let fb = get(&s, "/privacy/login/code", Some(&unknown.header())).await;
    assert_eq!(fa.body.replace(&csrf_k, ""), fb.body.replace(&csrf_u, ""), "the same code form");
    // A wrong code reads the same too.
    let (wa, wb) = (known.enter(&s, &csrf_k, "000000").await, unknown.enter(&s, &csrf_u, "000000").await);
    assert_eq!((wa.status, wb.status), (401, 401));
    assert_eq!(wa.body.replace(&csrf_k, ""), wb.body.replace(&csrf_u, ""));
    // Only the registered number got a message.
    r.wait_calls("notify", 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let calls = r.calls("notify");
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["to"]["phone"], "13800138000");
    let raw = gebao_testkit::Raw::connect(&kit.url).await;
    assert_eq!(raw.int("SELECT COUNT(*) FROM outbox").await, 1, "no outbox item for the unknown number");
    assert_eq!(raw.int("SELECT COUNT(*) FROM portal_codes WHERE subject_key IS NULL AND code_hash IS NULL").await, 1);
    raw.close().await;
    s.stop().await;
}

async fn codes_are_limited_per_contact_point_and_per_address(kit: Kit) {
    let r = Receiver::start().await;
    let s = with_notifier(&kit, &r).await;
    s.register("u1", json!({ "phone": "13800138000" })).await;
    let (mut v, csrf) = Visitor::open(&s).await;
    for contact in ["13800138000", "13900139000"] {
        for _ in 0..3 {
            assert_eq!(v.ask(&s, &csrf, contact).await.status, 303, "{contact}");
        }
        // The fourth in 15 minutes: the same refusal, registered or not.
        let res = v.ask(&s, &csrf, contact).await;
        assert_eq!(res.status, 429, "{contact}");
        assert!(res.body.contains("过于频繁"), "{}", res.body);
    }
    r.wait_calls("notify", 3).await;
    // Per address: ten codes in the window from one address, whatever the contact points.
    for n in 0..4 {
        assert_eq!(v.ask(&s, &csrf, &format!("1370013700{n}")).await.status, 303);
    }
    let res = v.ask(&s, &csrf, "13600136000").await;
    assert_eq!(res.status, 429, "the eleventh code from this address");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(r.calls("notify").len(), 3, "only the registered number's three codes were sent");
    s.stop().await;
}

async fn an_expired_code_or_a_gone_subject_signs_in_no_one(kit: Kit) {
    let r = Receiver::start().await;
    let s = with_notifier(&kit, &r).await;
    s.register("u1", json!({ "phone": "13800138000" })).await;
    let (mut v, csrf) = Visitor::open(&s).await;
    assert_eq!(v.ask(&s, &csrf, "13800138000").await.status, 303);
    let code = code_sent(&r, 1).await["code"].as_str().unwrap().to_owned();
    let raw = gebao_testkit::Raw::connect(&kit.url).await;
    // Ten minutes later.
    raw.exec("UPDATE portal_codes SET expires_ms = created_ms - 1").await;
    let res = v.enter(&s, &csrf, &code).await;
    assert_eq!(res.status, 401);
    assert!(res.body.contains("已过期") && set_cookie(&res, "gebao_portal").is_none(), "{}", res.body);

    // A cancelled account cannot sign in with a code it was sent before.
    assert_eq!(v.ask(&s, &csrf, "13800138000").await.status, 303);
    let code = code_sent(&r, 2).await["code"].as_str().unwrap().to_owned();
    assert_eq!(s.post("/v1/subjects/u1/cancel", &json!({})).await.status, 200);
    let res = v.enter(&s, &csrf, &code).await;
    assert_eq!(res.status, 401);
    assert!(set_cookie(&res, "gebao_portal").is_none());
    assert_eq!(raw.int("SELECT COUNT(*) FROM portal_codes WHERE subject_key IS NOT NULL").await, 0, "gone with it");
    // Nor is a code sent to its number any more.
    assert_eq!(v.ask(&s, &csrf, "13800138000").await.status, 303);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(r.calls("notify").len(), 2);
    raw.close().await;
    s.stop().await;
}

async fn a_guardian_acts_for_a_child_under_14_and_no_one_else(kit: Kit) {
    let s = kit.start().await;
    s.register("g1", json!({ "age": 40 })).await;
    s.register("kid", json!({ "age": 10, "guardian": "g1" })).await;
    s.register("teen", json!({ "age": 15, "guardian": "g1" })).await;
    s.register("g2", json!({ "age": 40 })).await;
    s.register("other-kid", json!({ "age": 9, "guardian": "g2" })).await;
    for kid in ["kid", "teen", "other-kid"] {
        s.consent(kid, "grant", purpose("recommend"), json!({ "by_guardian": true })).await;
        assert!(s.decide(kid, "recommend", &["browsing"]).await.0, "{kid}");
    }
    let key = |id: &str| s.state.crypto.subject_key(id).to_hex();
    let cookie = sign_in(&s, &mint(&s, "g1").await).await;
    let me = get(&s, "/privacy/me", Some(&cookie)).await.body;
    let kid_href = format!("/privacy/me/wards/{}", key("kid"));
    assert!(me.contains("我监护的未成年人") && me.contains(&format!("href=\"{kid_href}\"")), "{me}");
    assert!(!me.contains(&key("teen")) && !me.contains("teen"), "a 15-year-old is not listed: {me}");

    let page = get(&s, &kid_href, Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("被监护人（用户 kid）") && page.body.contains("已同意"), "{}", page.body);
    let action = format!("{kid_href}/withdraw");
    assert!(page.body.contains(&format!("action=\"{action}\"")), "{}", page.body);
    let csrf = csrf_of(&page.body);
    let form = [("csrf", csrf.as_str()), ("kind", "purpose"), ("purpose", "recommend")];
    // Another child, a 15-year-old, a key that names no one: not found, even by editing
    // the address, and nothing changes.
    for id in ["teen", "other-kid", "g2", "g1"] {
        let href = format!("/privacy/me/wards/{}", key(id));
        assert_eq!(get(&s, &href, Some(&cookie)).await.status, 404, "{id}");
        assert_eq!(post_form(&s, &format!("{href}/withdraw"), Some(&cookie), &form, None).await.status, 404, "{id}");
        assert_eq!(get(&s, &format!("{href}/requests"), Some(&cookie)).await.status, 404, "{id}");
    }
    assert_eq!(get(&s, "/privacy/me/wards/zz", Some(&cookie)).await.status, 404);
    assert!(s.decide("teen", "recommend", &["browsing"]).await.0);
    assert!(s.decide("other-kid", "recommend", &["browsing"]).await.0);
    // The child's own guardian withdraws in one tap; decisions deny at once.
    let res = post_form(&s, &action, Some(&cookie), &form, None).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.headers["location"], format!("{kid_href}?done=1"));
    // (The child's consent is the guardian's: without it, the engine's reason says so.)
    assert_eq!(s.decide("kid", "recommend", &["browsing"]).await, (false, Some("guardian-consent-missing".into())));
    let ledger = s.get("/v1/subjects/kid/consents").await.json();
    let last = ledger["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["by_guardian"], true, "{last}");
    // Another guardian's session does not reach this child.
    let other = sign_in(&s, &mint(&s, "g2").await).await;
    assert_eq!(get(&s, &kid_href, Some(&other)).await.status, 404);

    // Requests for the child, as its guardian.
    let requests = get(&s, &format!("{kid_href}/requests"), Some(&cookie)).await;
    assert_eq!(requests.status, 200, "{}", requests.body);
    let csrf = csrf_of(&requests.body);
    let res =
        post_form(&s, &format!("{kid_href}/requests"), Some(&cookie), &[("csrf", &csrf), ("kind", "access")], None)
            .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.headers["location"], format!("{kid_href}/requests?filed=1"));
    let listed = s.get("/v1/requests?subject=kid").await.json();
    let r = &listed["items"][0];
    assert_eq!((r["requester"]["id"].as_str(), r["requester"]["role"].as_str()), (Some("g1"), Some("guardian")), "{r}");
    assert_eq!(r["state"], "in-progress", "the guardian is entitled: {r}");
    let page = get(&s, &format!("{kid_href}/requests"), Some(&cookie)).await.body;
    assert!(page.contains("<strong>查阅</strong>"), "{page}");
    let res = post_form(
        &s,
        &format!("/privacy/me/wards/{}/requests", key("teen")),
        Some(&cookie),
        &[("csrf", &csrf), ("kind", "access")],
        None,
    )
    .await;
    assert_eq!(res.status, 404);
    assert!(s.get("/v1/requests?subject=teen").await.json()["items"].as_array().unwrap().is_empty());
    s.stop().await;
}

async fn portability_goes_only_to_a_configured_destination(kit: Kit) {
    let r = Receiver::start().await;
    let s = with_notifier(&kit, &r).await;
    s.register("u1", json!({})).await;
    let cookie = sign_in(&s, &mint(&s, "u1").await).await;
    let page = get(&s, "/privacy/me/requests", Some(&cookie)).await.body;
    assert!(page.contains("<option value=\"partner\">示例伙伴</option>"), "{page}");
    assert!(!page.contains(&r.base), "the form names no URL");
    let csrf = csrf_of(&page);
    // A forged destination — a URL, or a name not configured — is refused; nothing filed.
    for forged in ["https://evil.example/collect", &r.url("port/partner"), "nobody"] {
        let form = [("csrf", csrf.as_str()), ("kind", "portability"), ("destination", forged)];
        assert_eq!(post_form(&s, "/privacy/me/requests", Some(&cookie), &form, None).await.status, 400, "{forged}");
    }
    let form = [("csrf", csrf.as_str()), ("kind", "portability")];
    assert_eq!(post_form(&s, "/privacy/me/requests", Some(&cookie), &form, None).await.status, 400);
    assert!(s.get("/v1/requests?subject=u1").await.json()["items"].as_array().unwrap().is_empty());
    let form = [("csrf", csrf.as_str()), ("kind", "portability"), ("destination", "partner")];
    let res = post_form(&s, "/privacy/me/requests", Some(&cookie), &form, None).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let listed = s.get("/v1/requests?subject=u1").await.json();
    let req = &listed["items"][0];
    assert_eq!(req["kind"], "portability");
    assert_eq!(req["details"]["destination"], r.url("port/partner"), "{req}");
    let page = get(&s, "/privacy/me/requests", Some(&cookie)).await.body;
    assert!(page.contains("转移至：示例伙伴"), "{page}");
    // Carried out by staff: the copy goes to that destination, and nowhere else.
    let id = req["id"].as_str().unwrap();
    let done = s.post(&format!("/v1/requests/{id}/execute"), &json!({})).await;
    assert_eq!(done.status, 200, "{}", done.body);
    let sent = r.wait_calls("port/partner", 1).await;
    assert_eq!(sent[0].body["kind"], "portability");
    assert!(sent[0].signed);
    s.stop().await;
}
