//! The staff console over HTTP, as a browser uses it, on SQLite and PostgreSQL: staff sign
//! in with a password and a TOTP code computed from their secret, a code works once, five
//! failures lock the account; a role without a permission is refused (403) and the refusal
//! audited; a privacy officer dry-runs, approves and carries out a deletion the user filed in
//! the privacy centre, and the user sees it done with the held rows explained; contact
//! points are masked unless unmasked with a reason (audited); sessions expire; forms
//! without the session's token, or from another origin, change nothing; a policy version is
//! previewed (findings, major change, purposes asking again) and then published exactly as
//! previewed, never over a version published meanwhile.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod reqkit;

use common::*;
use gebao_connectors::Connections;
use gebao_store::staff::{self, NewStaff, StaffRole, TotpSecret};
use gebao_store::{AuditAction, AuditRow, NewAudit, Scope};
use reqkit::{Receiver, file, start_with, vouch};
use serde_json::json;

gebao_testkit::on_both_engines!(crate::common::run;
    staff_sign_in_with_password_and_a_totp_code,
    five_failures_lock_the_account,
    a_role_without_the_permission_is_refused_and_audited,
    an_officer_dry_runs_and_approves_a_deletion_the_user_then_sees_done,
    sessions_expire_and_forms_need_their_token,
    consent_figures_count_each_user_once_and_name_nobody,
    an_officer_previews_then_publishes_a_major_change_and_consent_is_asked_again,
    support_files_a_phone_request_and_verifies_the_caller_by_code,
    the_incidents_page_shows_each_report_clock,
);

/// A browser that follows no redirect, so that each answer can be looked at.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Page {
    /// The `name=value` of a cookie the answer sets.
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap().to_owned())
    }

    fn set_cookie(&self, name: &str) -> String {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no cookie {name}"))
            .to_owned()
    }
}

async fn get(s: &Server, path: &str, cookie: Option<&str>) -> Page {
    let mut req = browser().get(format!("{}{path}", s.base));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    Page { status: res.status().as_u16(), headers: res.headers().clone(), body: res.text().await.unwrap() }
}

async fn post(s: &Server, path: &str, cookie: Option<&str>, form: &[(&str, &str)], origin: Option<&str>) -> Page {
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

/// The form token on a page.
fn csrf_of(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("a form token") + "name=\"csrf\" value=\"".len();
    body[at..at + 32].to_owned()
}

/// A member of staff as the test knows them: what they type.
struct Member {
    name: String,
    password: String,
    secret: TotpSecret,
}

impl Member {
    /// The code their authenticator shows `offset` steps from now.
    fn code(&self, offset: i64) -> String {
        self.secret.code_at(gebao_server::now_ms().div_euclid(30_000) + offset)
    }
}

/// Adds an account through the store, as `gebao staff add` does.
async fn add(s: &Server, name: &str, role: StaffRole) -> Member {
    add_at(s, name, role, gebao_server::now_ms()).await
}

/// The same, recorded as made at `now`.
async fn add_at(s: &Server, name: &str, role: StaffRole, now: i64) -> Member {
    let password = format!("{name}-correct horse battery");
    let secret = TotpSecret::generate();
    let new = NewStaff {
        name: name.into(),
        display_name: format!("{name} 同事"),
        role,
        password_hash: staff::hash_password(&password).unwrap(),
        totp_secret: secret.clone(),
        at_ms: now,
    };
    let audit = NewAudit {
        actor: "cli:test".into(),
        action: AuditAction::StaffAdd,
        target: format!("staff:{name}"),
        reason: None,
        detail: json!({ "role": role }),
        at_ms: now,
    };
    s.state.store.create_staff(new, audit).await.unwrap();
    Member { name: name.into(), password, secret }
}

/// Posts the sign-in form as the page gives it.
async fn try_sign_in(s: &Server, name: &str, password: &str, code: &str) -> Page {
    let form = get(s, "/console/login", None).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let pre = form.cookie("gebao_console_login").unwrap();
    let csrf = csrf_of(&form.body);
    post(
        s,
        "/console/login",
        Some(&pre),
        &[("csrf", &csrf), ("name", name), ("password", password), ("code", code)],
        None,
    )
    .await
}

/// Signs in with the code `offset` steps from now; the session cookie.
async fn sign_in(s: &Server, m: &Member, offset: i64) -> String {
    let res = try_sign_in(s, &m.name, &m.password, &m.code(offset)).await;
    assert_eq!(res.status, 303, "{}", res.body);
    res.cookie("gebao_console").unwrap()
}

async fn audit(s: &Server) -> Vec<AuditRow> {
    s.state.store.audit_after(0, 100_000).await.unwrap()
}

fn actions(rows: &[AuditRow], action: AuditAction) -> Vec<&AuditRow> {
    rows.iter().filter(|r| r.entry.action == action).collect()
}

const FAILED: &str = "登录失败：登录名、密码或动态验证码有误";

async fn staff_sign_in_with_password_and_a_totp_code(kit: Kit) {
    let s = kit.start().await;
    let officer = add(&s, "li.na", StaffRole::PrivacyOfficer).await;

    // Nobody signed in: the queue asks to sign in.
    let page = get(&s, "/console/requests", None).await;
    assert_eq!(page.status, 401);
    assert!(page.body.contains("请重新登录") && page.body.contains("name=\"code\""), "{}", page.body);
    assert!(page.headers["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));

    // Kept: the 30-second window may turn before it is offered again below.
    let code = officer.code(0);
    let res = try_sign_in(&s, &officer.name, &officer.password, &code).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.headers["location"], "/console");
    let set = res.set_cookie("gebao_console");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/console", "Max-Age=1800"] {
        assert!(set.contains(attr), "{set}");
    }
    assert!(!set.contains("Secure"), "plain http: {set}");
    let cookie = res.cookie("gebao_console").unwrap();
    let home = get(&s, "/console", Some(&cookie)).await;
    assert_eq!((home.status, home.headers["location"].to_str().unwrap()), (303, "/console/requests"));
    let queue = get(&s, "/console/requests", Some(&cookie)).await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert!(
        queue.body.contains("待处理请求") && queue.body.contains("li.na 同事（个人信息保护负责人）"),
        "{}",
        queue.body
    );
    let en = get(&s, "/console/requests?lang=en", Some(&cookie)).await.body;
    assert!(en.contains("Open requests") && en.contains("Privacy officer"), "{en}");

    // The same code is not taken twice, even with the right password.
    let again = try_sign_in(&s, &officer.name, &officer.password, &code).await;
    assert_eq!(again.status, 401);
    assert!(again.body.contains(FAILED), "{}", again.body);
    assert!(again.cookie("gebao_console").is_none());

    // A wrong password, a wrong code and an unknown name read the same.
    let wrong_pw = try_sign_in(&s, &officer.name, "not the password", &officer.code(1)).await;
    let unknown = try_sign_in(&s, "nobody", &officer.password, &officer.code(1)).await;
    let wrong_code = try_sign_in(&s, &officer.name, &officer.password, "000000").await;
    for p in [&wrong_pw, &unknown, &wrong_code] {
        assert_eq!(p.status, 401);
        assert!(p.body.contains(FAILED), "{}", p.body);
    }
    // Over https (behind a proxy that says so), the cookie is `Secure`.
    let form =
        browser().get(format!("{}/console/login", s.base)).header("x-forwarded-proto", "https").send().await.unwrap();
    let pre = form.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert!(pre.iter().any(|c| c.starts_with("gebao_console_login=") && c.contains("; Secure")), "{pre:?}");

    let log = audit(&s).await;
    assert_eq!(actions(&log, AuditAction::StaffLogin).len(), 1);
    let failed = actions(&log, AuditAction::StaffLoginFailed);
    assert_eq!(failed.len(), 4, "{failed:?}");
    let whys: Vec<&str> = failed.iter().map(|r| r.entry.detail["why"].as_str().unwrap()).collect();
    assert_eq!(whys, ["code-reused", "password", "unknown-name", "code"]);
    assert!(!log.iter().any(|r| r.entry.target.contains("nobody")), "a name typed is not recorded when unknown");
    s.stop().await;
}

async fn five_failures_lock_the_account(kit: Kit) {
    let s = kit.start().await;
    let m = add(&s, "wang", StaffRole::Support).await;
    for _ in 0..4 {
        assert_eq!(try_sign_in(&s, &m.name, "wrong password", &m.code(0)).await.status, 401);
    }
    // Four failures: not locked yet; a success clears the count.
    let cookie = sign_in(&s, &m, 0).await;
    assert_eq!(get(&s, "/console/requests", Some(&cookie)).await.status, 200);
    for _ in 0..4 {
        assert_eq!(try_sign_in(&s, &m.name, &m.password, "123456").await.status, 401);
    }
    let account = s.state.store.staff_accounts().await.unwrap().into_iter().find(|a| a.name == "wang").unwrap();
    assert!(!account.locked(gebao_server::now_ms()), "a success reset the count: {account:?}");
    assert_eq!(try_sign_in(&s, &m.name, &m.password, "123456").await.status, 401);
    let account = s.state.store.staff_accounts().await.unwrap().into_iter().find(|a| a.name == "wang").unwrap();
    let until = account.locked_until_ms.expect("locked");
    let now = gebao_server::now_ms();
    assert!((now + 14 * 60_000..=now + 15 * 60_000).contains(&until), "locked for 15 minutes: {until} vs {now}");
    // Locked: the right password and a fresh code do not sign in, and the page says nothing
    // more than for a wrong password.
    let res = try_sign_in(&s, &m.name, &m.password, &m.code(1)).await;
    assert_eq!(res.status, 401);
    assert!(res.body.contains(FAILED) && res.cookie("gebao_console").is_none(), "{}", res.body);
    let log = audit(&s).await;
    assert_eq!(actions(&log, AuditAction::StaffLocked).len(), 1);
    assert!(actions(&log, AuditAction::StaffLoginFailed).iter().any(|r| r.entry.detail["why"] == "locked"));
    s.stop().await;
}

/// The clean manifest with the operator's database declared, a table under a legal hold.
fn manifest_with_hold(r: &Receiver) -> String {
    format!(
        "{}\n[[datasets]]\nid = \"app\"\nname = \"业务库\"\nengine = \"sqlite\"\nconnection = \"app\"\n\n\
         [[datasets.tables]]\nname = \"users\"\nlabel = \"用户\"\nsubject = \"id\"\nerase = \"delete-row\"\n\
         columns.phone = {{ field = \"phone\" }}\ncolumns.nickname = {{ field = \"nickname\" }}\n\n\
         [[datasets.tables]]\nname = \"logs\"\nsubject = \"user_id\"\nerase = \"delete-row\"\n\
         columns.device = {{ field = \"device_id\" }}\nhold = {{ purpose = \"security_logs\", since = \"at\" }}\n",
        reqkit::manifest(r)
    )
}

async fn start_with_operator_db(kit: &Kit) -> (Server, Receiver, sqlx::SqlitePool, Vec<tempfile::TempDir>) {
    let r = Receiver::start().await;
    let dbdir = tempfile::tempdir().unwrap();
    let sql = format!(
        "CREATE TABLE users (id TEXT PRIMARY KEY, phone TEXT, nickname TEXT); \
         INSERT INTO users VALUES ('u1', '13812341234', '小明'); \
         CREATE TABLE logs (id INTEGER PRIMARY KEY, user_id TEXT, device TEXT, at TEXT); \
         INSERT INTO logs VALUES (1, 'u1', 'dev-1', '{}');",
        chrono::Utc::now().format("%Y-%m-%d %H:%M:%S")
    );
    let (db_url, db) = operator_sqlite(dbdir.path(), &sql).await;
    let connections = Connections::new([("app", &db_url)]).unwrap();
    let (s, dir) = start_with(kit, &r, &manifest_with_hold(&r), Some(connections)).await;
    s.register("u1", json!({ "phone": "13812341234", "email": "alice@example.com" })).await;
    (s, r, db, vec![dbdir, dir])
}

async fn a_role_without_the_permission_is_refused_and_audited(kit: Kit) {
    let (s, _r, _db, _dirs) = start_with_operator_db(&kit).await;
    let v = file(&s, json!({ "kind": "deletion", "subject": "u1" })).await;
    let id = v["id"].as_str().unwrap().to_owned();
    vouch(&s, &id, "u1").await;

    let support = add(&s, "zhao", StaffRole::Support).await;
    let cookie = sign_in(&s, &support, 0).await;
    let page = get(&s, &format!("/console/requests/{id}"), Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    // Masked, and no way to unmask, approve or carry out.
    assert!(page.body.contains("138****1234") && page.body.contains("a***@example.com"), "{}", page.body);
    assert!(!page.body.contains("13812341234") && !page.body.contains("alice@"), "{}", page.body);
    for action in ["/unmask", "/approve", "/execute", "/dry-run"] {
        assert!(!page.body.contains(&format!("{id}{action}")), "support is offered {action}");
    }
    // Posting anyway is refused, audited, and changes nothing.
    let csrf = csrf_of(&page.body);
    for action in ["approve", "execute", "unmask"] {
        let res = post(
            &s,
            &format!("/console/requests/{id}/{action}"),
            Some(&cookie),
            &[("csrf", &csrf), ("reason", "x")],
            None,
        )
        .await;
        assert_eq!(res.status, 403, "{action}: {}", res.body);
        assert!(res.body.contains("无权执行此操作") && res.body.contains("客服"), "{}", res.body);
    }
    assert_eq!(get(&s, &format!("/console/requests/{id}/dry-run"), Some(&cookie)).await.status, 403);
    assert_eq!(get(&s, "/console/audit", Some(&cookie)).await.status, 403);
    assert_eq!(reqkit::get(&s, &id).await["state"], "awaiting-approval");
    let log = audit(&s).await;
    let refused = actions(&log, AuditAction::StaffRefused);
    let perms: Vec<&str> = refused.iter().map(|r| r.entry.detail["permission"].as_str().unwrap()).collect();
    assert_eq!(perms, ["decide", "execute", "unmask", "dry-run", "view-audit"]);
    assert!(refused.iter().all(|r| r.entry.actor == "staff:zhao"));
    assert!(actions(&log, AuditAction::StaffUnmask).is_empty());

    // The auditor reads, never unmasks; the administrator sees the accounts, not requests.
    let auditor = add(&s, "qian", StaffRole::Auditor).await;
    let cookie = sign_in(&s, &auditor, 0).await;
    let page = get(&s, &format!("/console/requests/{id}"), Some(&cookie)).await;
    assert!(page.status == 200 && page.body.contains("138****1234") && !page.body.contains("/unmask"));
    // The auditor reads the audit log: the support's refusals are in it.
    let log = get(&s, "/console/audit", Some(&cookie)).await;
    assert_eq!(log.status, 200, "{}", log.body);
    assert!(log.body.contains("staff.refused") && log.body.contains("staff:zhao"), "{}", log.body);
    assert!(!log.body.contains("13812341234") && !log.body.contains("alice@"), "{}", log.body);
    let admin = add(&s, "sun", StaffRole::Admin).await;
    let cookie = sign_in(&s, &admin, 0).await;
    assert_eq!(get(&s, "/console/requests", Some(&cookie)).await.status, 403);
    assert_eq!(get(&s, "/console/audit", Some(&cookie)).await.status, 403);
    let staff = get(&s, "/console/staff", Some(&cookie)).await;
    assert_eq!(staff.status, 200);
    assert!(staff.body.contains("zhao") && staff.body.contains("审计员"), "{}", staff.body);
    s.stop().await;
}

/// The value of the hidden field `name` in a form on the page.
fn hidden(body: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let at = body.find(&marker)? + marker.len();
    Some(body[at..].split('"').next()?.to_owned())
}

async fn an_officer_previews_then_publishes_a_major_change_and_consent_is_asked_again(kit: Kit) {
    let s = kit.start().await;
    s.register("u1", json!({})).await;
    s.consent("u1", "grant", purpose("recommend"), json!({})).await;
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (true, None));

    let officer = add(&s, "li.na", StaffRole::PrivacyOfficer).await;
    let cookie = sign_in(&s, &officer, 0).await;
    let list = get(&s, "/console/policy", Some(&cookie)).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("现行") && list.body.contains("/console/policy/new"), "{}", list.body);
    let form = get(&s, "/console/policy/new", Some(&cookie)).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("[[purposes]]"), "the form holds the latest manifest: {}", form.body);
    let csrf = csrf_of(&form.body);

    // Adding a field to a consent-based purpose is a major change (CHG-01).
    let v2 = clean_text().replacen(
        r#"fields = ["browsing", "device_id"]"#,
        r#"fields = ["browsing", "device_id", "nickname"]"#,
        1,
    );
    let today = chrono::Utc::now().date_naive().pred_opt().unwrap().to_string();
    let fields = |base: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("manifest", v2.clone()),
            ("effective", today.clone()),
            ("reason", "推荐增加昵称字段".to_owned()),
            ("base", base.to_owned()),
        ]
    };
    let as_refs = |v: &[(&'static str, String)]| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let origin = Some(s.base.as_str());
    let post_form = |path: &'static str, f: Vec<(&'static str, String)>| {
        let cookie = cookie.clone();
        let s = &s;
        async move {
            let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(s, path, Some(&cookie), &pairs, origin).await
        }
    };
    let audit_before = audit(&s).await.len();
    let preview = post_form("/console/policy/preview", as_refs(&fields(""))).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("将发布为第 2 版") && preview.body.contains("这是重大变更"), "{}", preview.body);
    assert!(preview.body.contains("个性化推荐"), "the purpose asking again is named: {}", preview.body);
    assert!(preview.body.contains("purposes[") && preview.body.contains("nickname"), "the diff: {}", preview.body);
    assert!(preview.body.contains("确认发布"), "{}", preview.body);
    assert_eq!(hidden(&preview.body, "base").as_deref(), Some("1"));
    // The preview wrote nothing.
    assert_eq!(s.state.store.latest_policy().await.unwrap().unwrap().version, 1);
    assert_eq!(audit(&s).await.len(), audit_before);

    // A manifest that does not load: where and why, and nothing to publish.
    let broken = vec![
        ("csrf", csrf.clone()),
        ("manifest", v2.replacen("[[purposes]]", "[[purposes]\n", 1)),
        ("reason", "试一下".to_owned()),
    ];
    let bad = post_form("/console/policy/preview", broken).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("清单无法加载") && bad.body.contains("第 "), "{}", bad.body);
    assert!(!bad.body.contains("确认发布"), "{}", bad.body);
    // No reason: the form says so.
    let no_reason = post_form("/console/policy/preview", vec![("csrf", csrf.clone()), ("manifest", v2.clone())]).await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("请填写发布原因"), "{}", no_reason.body);

    // Publishing what was previewed: version 2, in force today, consent asked again.
    let done = post_form("/console/policy/publish", as_refs(&fields("1"))).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.headers["location"], "/console/policy/versions/2");
    assert_eq!(s.state.policies.current().version, 2);
    assert_eq!(s.decide("u1", "recommend", &["browsing"]).await, (false, Some("reconsent-required".into())));
    let log = audit(&s).await;
    let published = actions(&log, AuditAction::PolicyPublish);
    let entry = published.last().unwrap();
    assert_eq!(
        (entry.entry.actor.as_str(), entry.entry.target.as_str(), entry.entry.reason.as_deref()),
        ("staff:li.na", "policy:2", Some("推荐增加昵称字段"))
    );
    assert_eq!(entry.entry.detail["reconsent"], json!(["recommend"]));
    let page = get(&s, "/console/policy/versions/2", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("第 2 版") && page.body.contains("重大变更") && page.body.contains("个性化推荐"));

    // The same form again was previewed against version 1: refused, nothing published.
    let stale = post_form("/console/policy/publish", as_refs(&fields("1"))).await;
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(stale.body.contains("在此期间已发布了第 2 版政策"), "{}", stale.body);
    assert_eq!(s.state.store.latest_policy().await.unwrap().unwrap().version, 2);

    // Error-level findings block publishing: sensitive PI without separate consent (SEN-01).
    let with_error = v2.replacen("consent = { separate = true, withdraw", "consent = { withdraw", 1);
    assert_ne!(with_error, v2);
    let mut f = fields("2");
    f[1] = ("manifest", with_error);
    let blocked = post_form("/console/policy/preview", f.clone()).await;
    assert_eq!(blocked.status, 200, "{}", blocked.body);
    assert!(blocked.body.contains("SEN-01") && blocked.body.contains("不能发布"), "{}", blocked.body);
    assert!(!blocked.body.contains("确认发布"), "{}", blocked.body);
    let forced = post_form("/console/policy/publish", f).await;
    assert_eq!(forced.status, 422, "{}", forced.body);
    assert!(forced.body.contains("SEN-01"), "{}", forced.body);
    assert_eq!(s.state.store.latest_policy().await.unwrap().unwrap().version, 2);

    // The auditor reads the versions but publishes nothing; support sees neither.
    let auditor = add(&s, "qian", StaffRole::Auditor).await;
    let a = sign_in(&s, &auditor, 0).await;
    assert_eq!(get(&s, "/console/policy", Some(&a)).await.status, 200);
    assert!(!get(&s, "/console/policy", Some(&a)).await.body.contains("/console/policy/new"));
    assert_eq!(get(&s, "/console/policy/new", Some(&a)).await.status, 403);
    let a_csrf = csrf_of(&get(&s, "/console/policy", Some(&a)).await.body);
    let pairs = [("csrf", a_csrf.as_str()), ("manifest", v2.as_str()), ("reason", "x"), ("base", "2")];
    assert_eq!(post(&s, "/console/policy/publish", Some(&a), &pairs, origin).await.status, 403);
    let support = add(&s, "zhao", StaffRole::Support).await;
    let z = sign_in(&s, &support, 0).await;
    assert_eq!(get(&s, "/console/policy", Some(&z)).await.status, 403);
    assert_eq!(s.state.store.latest_policy().await.unwrap().unwrap().version, 2);
    s.stop().await;
}

async fn support_files_a_phone_request_and_verifies_the_caller_by_code(kit: Kit) {
    let r = Receiver::start().await;
    let (s, _dir) = start_with(&kit, &r, &reqkit::manifest(&r), None).await;
    s.register("u1", json!({ "phone": "13812341234" })).await;
    let support = add(&s, "zhao", StaffRole::Support).await;
    let cookie = sign_in(&s, &support, 0).await;
    let origin = Some(s.base.as_str());
    let queue = get(&s, "/console/requests", Some(&cookie)).await;
    assert!(queue.body.contains("/console/requests/new"), "{}", queue.body);
    let form = get(&s, "/console/requests/new", Some(&cookie)).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = csrf_of(&form.body);

    // Called in yesterday at 10:00 Beijing time: the deadline runs from then.
    let yesterday = (chrono::Utc::now() + chrono::TimeDelta::hours(8) - chrono::TimeDelta::days(1)).date_naive();
    let received = format!("{yesterday}T10:00");
    let filing = |kind: &'static str, subject: &'static str, note: &'static str| {
        let (csrf, received) = (csrf.clone(), received.clone());
        let (s, cookie) = (&s, cookie.clone());
        async move {
            let f = [
                ("csrf", csrf.as_str()),
                ("subject", subject),
                ("kind", kind),
                ("channel", "phone"),
                ("received", received.as_str()),
                ("role", "subject"),
                ("note", note),
            ];
            post(s, "/console/requests", Some(&cookie), &f, origin).await
        }
    };
    let filed = filing("deletion", "u1", "电话中要求删除浏览记录").await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let at = filed.headers["location"].to_str().unwrap().to_owned();
    let id = at.trim_start_matches("/console/requests/").to_owned();
    let v = reqkit::get(&s, &id).await;
    assert_eq!((v["kind"].as_str(), v["channel"].as_str()), (Some("deletion"), Some("phone")));
    assert_eq!(v["details"]["reason"], "电话中要求删除浏览记录");
    let received_ms =
        chrono::NaiveDateTime::parse_from_str(&received, "%Y-%m-%dT%H:%M").unwrap().and_utc().timestamp_millis()
            - 8 * 3_600_000;
    assert_eq!(v["received_ms"].as_i64(), Some(received_ms));
    let log = audit(&s).await;
    assert!(
        actions(&log, AuditAction::Request(gebao_store::RequestStep::Received))
            .iter()
            .any(|e| e.entry.actor == "staff:zhao"),
        "filed as staff"
    );

    // A request the form cannot make: no such user; a correction without its value. The
    // page says why and keeps what was typed; nothing is filed.
    let unknown = filing("access", "nobody", "").await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert!(unknown.body.contains("nobody") && unknown.body.contains("role=\"alert\""), "{}", unknown.body);
    let incomplete = filing("correction", "u1", "").await;
    assert_eq!(incomplete.status, 422, "{}", incomplete.body);
    assert!(incomplete.body.contains("更正请求需要选择字段"), "{}", incomplete.body);
    let filter = gebao_store::RequestFilter { open: true, limit: 100, ..Default::default() };
    assert_eq!(s.state.store.list_requests(&filter).await.unwrap().len(), 1);

    // Support sends a code (never shown to staff) and checks what the caller reads back.
    let page = get(&s, &at, Some(&cookie)).await;
    assert!(page.body.contains("/send-code") && !page.body.contains(&format!("{at}/verify\"")), "{}", page.body);
    let sent = post(&s, &format!("{at}/send-code"), Some(&cookie), &[("csrf", &csrf_of(&page.body))], origin).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let calls = r.wait_calls("notify", 1).await;
    let code = calls[0].body["code"].as_str().unwrap().to_owned();
    assert_eq!(calls[0].body["to"]["phone"], "13812341234");
    let page = get(&s, &at, Some(&cookie)).await;
    assert!(!page.body.contains(&code), "the code is never on the page");
    assert!(page.body.contains("已尝试 0 / 5 次"), "{}", page.body);
    let token = csrf_of(&page.body);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let tried = post(&s, &format!("{at}/code"), Some(&cookie), &[("csrf", &token), ("code", wrong)], origin).await;
    assert_eq!(tried.status, 422, "{}", tried.body);
    assert!(tried.body.contains("4"), "tries left: {}", tried.body);
    let right = post(&s, &format!("{at}/code"), Some(&cookie), &[("csrf", &token), ("code", &code)], origin).await;
    assert_eq!(right.status, 303, "{}", right.body);
    let v = reqkit::get(&s, &id).await;
    assert_eq!(v["verification"]["method"], "otp");
    assert!(v["verification"]["verified_ms"].is_number(), "{v}");
    assert_eq!(v["verification"]["verified_as"], "u1");

    // Support decides nothing: approving is refused and audited.
    let page = get(&s, &at, Some(&cookie)).await;
    let refused = post(&s, &format!("{at}/approve"), Some(&cookie), &[("csrf", &csrf_of(&page.body))], origin).await;
    assert_eq!(refused.status, 403);
    // An auditor may not file.
    let auditor = add(&s, "qian", StaffRole::Auditor).await;
    let a = sign_in(&s, &auditor, 0).await;
    assert_eq!(get(&s, "/console/requests/new", Some(&a)).await.status, 403);
    s.stop().await;
}

async fn the_incidents_page_shows_each_report_clock(kit: Kit) {
    let s = kit.start().await;
    let open = |title: &str, grade: &str, minutes_ago: i64| {
        let body = json!({
            "title": title, "grade": grade, "affected": 42, "description": "内部记录",
            "found_at": (chrono::Utc::now() - chrono::TimeDelta::minutes(minutes_ago)).to_rfc3339(),
        });
        let s = &s;
        async move { s.post("/v1/incidents", &body).await.json()["id"].as_str().unwrap().to_owned() }
    };
    open("日志泄露", "major", 200).await;
    open("误发邮件", "general", 10).await;
    let auditor = add(&s, "qian", StaffRole::Auditor).await;
    let cookie = sign_in(&s, &auditor, 0).await;
    let page = get(&s, "/console/incidents", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let row = page.body.split("<tr").find(|r| r.contains("日志泄露")).unwrap();
    assert!(row.contains("较大") && row.contains("即将到期") && row.contains("class=\"soon\""), "{row}");
    let row = page.body.split("<tr").find(|r| r.contains("误发邮件")).unwrap();
    assert!(row.contains("无需报告"), "{row}");
    assert!(!page.body.contains("内部记录") || page.body.contains("日志泄露"), "the description stays in the record");
    let support = add(&s, "zhao", StaffRole::Support).await;
    let z = sign_in(&s, &support, 0).await;
    assert_eq!(get(&s, "/console/incidents", Some(&z)).await.status, 403);
    s.stop().await;
}

/// Mints a privacy-centre link for `id` and opens it: the user's session cookie.
async fn consent_figures_count_each_user_once_and_name_nobody(kit: Kit) {
    let s = kit.start().await;
    for id in ["user-aaa", "user-bbb", "user-ccc"] {
        s.register(id, json!({})).await;
        s.consent(id, "grant", purpose("recommend"), json!({})).await;
    }
    s.consent("user-bbb", "withdraw", purpose("recommend"), json!({})).await;

    let auditor = add(&s, "qian", StaffRole::Auditor).await;
    let cookie = sign_in(&s, &auditor, 0).await;
    let page = get(&s, "/console/figures", Some(&cookie)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let row = page.body.split("<tr>").find(|r| r.contains("个性化推荐")).unwrap_or_else(|| panic!("{}", page.body));
    let cells: Vec<&str> = row.split("class=\"num\">").skip(1).map(|c| c.split('<').next().unwrap()).collect();
    assert_eq!(cells, ["1", "2", "1"], "version 1: two granted, one withdrawn: {row}");
    assert!(!page.body.contains("user-"), "figures name nobody: {}", page.body);
    // The English page says the same in English.
    let en = get(&s, "/console/figures?lang=en", Some(&cookie)).await;
    assert!(en.body.contains("Consent figures") && en.body.contains("Withdrawn"), "{}", en.body);

    // Support does not see figures: refused and audited.
    let support = add(&s, "zhao", StaffRole::Support).await;
    let cookie = sign_in(&s, &support, 0).await;
    assert_eq!(get(&s, "/console/figures", Some(&cookie)).await.status, 403);
    let log = audit(&s).await;
    assert!(actions(&log, AuditAction::StaffRefused).iter().any(|r| r.entry.detail["permission"] == "view-figures"));
    s.stop().await;
}

async fn user_session(s: &Server, id: &str) -> String {
    let token = s.key(&[Scope::PortalWrite]).await;
    let link = s.post_as(&format!("/v1/subjects/{id}/portal-links"), Some(&token), &json!({})).await;
    assert_eq!(link.status, 201, "{}", link.body);
    let res = get(s, link.json()["path"].as_str().unwrap(), None).await;
    assert_eq!(res.status, 303, "{}", res.body);
    res.cookie("gebao_portal").unwrap()
}

async fn an_officer_dry_runs_and_approves_a_deletion_the_user_then_sees_done(kit: Kit) {
    let (s, _r, db, _dirs) = start_with_operator_db(&kit).await;
    // The user asks for deletion in the privacy centre.
    let user = user_session(&s, "u1").await;
    let page = get(&s, "/privacy/me/requests", Some(&user)).await;
    let csrf = csrf_of(&page.body);
    let res =
        post(&s, "/privacy/me/requests", Some(&user), &[("csrf", &csrf), ("kind", "deletion"), ("note", "")], None)
            .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let listed = s.get("/v1/requests?subject=u1").await.json();
    let id = listed["items"][0]["id"].as_str().unwrap().to_owned();

    // The officer finds it in the queue, due in working days.
    let officer = add(&s, "li.na", StaffRole::PrivacyOfficer).await;
    let cookie = sign_in(&s, &officer, 0).await;
    let queue = get(&s, "/console/requests", Some(&cookie)).await.body;
    assert!(queue.contains(&format!("href=\"/console/requests/{id}\"")) && queue.contains("删除"), "{queue}");
    assert!(queue.contains(listed["items"][0]["due"]["date"].as_str().unwrap()), "{queue}");

    let page = get(&s, &format!("/console/requests/{id}"), Some(&cookie)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("138****1234") && !page.body.contains("13812341234"), "{}", page.body);
    let csrf = csrf_of(&page.body);

    // Unmasking needs a reason; with one, the page shows the number and the view is audited.
    let res =
        post(&s, &format!("/console/requests/{id}/unmask"), Some(&cookie), &[("csrf", &csrf), ("reason", " ")], None)
            .await;
    assert_eq!(res.status, 422, "{}", res.body);
    let reason = "用户来电要求核对手机号";
    let res = post(
        &s,
        &format!("/console/requests/{id}/unmask"),
        Some(&cookie),
        &[("csrf", &csrf), ("reason", reason)],
        None,
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.body.contains("13812341234") && res.body.contains("alice@example.com"), "{}", res.body);
    let log = audit(&s).await;
    let unmasked = actions(&log, AuditAction::StaffUnmask);
    assert_eq!(unmasked.len(), 1);
    assert_eq!(unmasked[0].entry.reason.as_deref(), Some(reason));
    assert_eq!(unmasked[0].entry.actor, "staff:li.na");
    let text = serde_json::to_string(&unmasked[0].entry).unwrap();
    assert!(!text.contains("13812341234") && !text.contains("\"u1\""), "no contact point or user id: {text}");

    // The dry run, as tables: statements with row counts, the held row and why.
    let plan = get(&s, &format!("/console/requests/{id}/dry-run"), Some(&cookie)).await;
    assert_eq!(plan.status, 200, "{}", plan.body);
    // The account row is referenced by the kept log, so its PI is blanked rather than the
    // row deleted.
    for needle in
        ["预演结果", "未做任何更改", "UPDATE &#34;users&#34;", "依法保留的行", "logs", "网络日志留存不少于六个月"]
    {
        assert!(plan.body.contains(needle), "`{needle}` missing: {}", plan.body);
    }
    assert_eq!(reqkit::get(&s, &id).await["state"], "awaiting-approval", "a dry run changes nothing");

    // Approve, then carry out.
    let res = post(
        &s,
        &format!("/console/requests/{id}/approve"),
        Some(&cookie),
        &[("csrf", &csrf), ("note", "已核对")],
        None,
    )
    .await;
    assert_eq!(
        (res.status, res.headers["location"].to_str().unwrap()),
        (303, format!("/console/requests/{id}").as_str())
    );
    // Approving twice is the API's 409, as a page.
    let again = post(&s, &format!("/console/requests/{id}/approve"), Some(&cookie), &[("csrf", &csrf)], None).await;
    assert_eq!(again.status, 409, "{}", again.body);
    let page = get(&s, &format!("/console/requests/{id}"), Some(&cookie)).await.body;
    assert!(page.contains(&format!("/console/requests/{id}/execute")), "{page}");
    let res = post(&s, &format!("/console/requests/{id}/execute"), Some(&cookie), &[("csrf", &csrf)], None).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let v = reqkit::get(&s, &id).await;
    assert_eq!(v["state"], "completed", "{v}");
    let events: Vec<&str> = v["events"].as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert!(events.contains(&"approve") && events.contains(&"complete"), "{events:?}");
    assert!(v["events"].as_array().unwrap().iter().any(|e| e["actor"] == "staff:li.na"));
    let phones: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE phone IS NOT NULL").fetch_one(&db).await.unwrap();
    let logs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM logs WHERE user_id = 'u1'").fetch_one(&db).await.unwrap();
    assert_eq!((phones, logs), (0, 1), "erased, except the log under its legal hold");

    // The request page shows the history and the deliveries to recipients.
    let page = get(&s, &format!("/console/requests/{id}"), Some(&cookie)).await.body;
    assert!(page.contains("处理记录") && page.contains("staff:li.na") && page.contains("recipient-deletion"), "{page}");

    // The user sees it done, with the kept rows explained by ground and date.
    let mine = get(&s, "/privacy/me/requests", Some(&user)).await.body;
    assert!(mine.contains("已办理完成") && mine.contains("依法保留部分信息至"), "{mine}");
    s.stop().await;
}

async fn sessions_expire_and_forms_need_their_token(kit: Kit) {
    let (s, _r, _db, _dirs) = start_with_operator_db(&kit).await;
    let v = file(&s, json!({ "kind": "deletion", "subject": "u1" })).await;
    let id = v["id"].as_str().unwrap().to_owned();
    vouch(&s, &id, "u1").await;
    // Made ten hours ago, so that sessions as old as 8 hours can be tried.
    let officer = add_at(&s, "li.na", StaffRole::PrivacyOfficer, gebao_server::now_ms() - 10 * 3_600_000).await;
    let cookie = sign_in(&s, &officer, 0).await;
    let page = get(&s, &format!("/console/requests/{id}"), Some(&cookie)).await;
    let csrf = csrf_of(&page.body);
    let approve = format!("/console/requests/{id}/approve");

    // Without the token, with another session's, or from another origin: refused, nothing changed.
    assert_eq!(post(&s, &approve, Some(&cookie), &[("note", "x")], None).await.status, 400);
    assert_eq!(post(&s, &approve, Some(&cookie), &[("csrf", &"0".repeat(32))], None).await.status, 403);
    assert_eq!(post(&s, &approve, Some(&cookie), &[("csrf", &csrf)], Some("https://evil.example")).await.status, 403);
    assert_eq!(post(&s, &approve, None, &[("csrf", &csrf)], None).await.status, 401);
    // The sign-in form needs its own token too.
    let res = post(
        &s,
        "/console/login",
        None,
        &[("csrf", &csrf), ("name", "li.na"), ("password", &officer.password), ("code", &officer.code(1))],
        None,
    )
    .await;
    assert_eq!(res.status, 403);
    assert_eq!(reqkit::get(&s, &id).await["state"], "awaiting-approval");

    // A session idle for more than 30 minutes, or older than 8 hours, has ended.
    let seal = |n: &str, iat: i64, seen: i64| {
        let claims = serde_json::to_vec(&json!({ "n": n, "iat": iat, "seen": seen })).unwrap();
        format!("gebao_console={}", hex::encode(s.state.crypto.encrypt(&claims, b"gebao-console-session").unwrap()))
    };
    let now = gebao_server::now_ms();
    let fresh = seal("li.na", now - 60_000, now - 60_000);
    assert_eq!(
        get(&s, "/console/requests", Some(&fresh)).await.status,
        200,
        "the cookie format is what the test thinks"
    );
    assert_eq!(
        get(&s, "/console/requests", Some(&seal("li.na", now - 40 * 60_000, now - 31 * 60_000))).await.status,
        401
    );
    assert_eq!(
        get(&s, "/console/requests", Some(&seal("li.na", now - 8 * 3_600_000 - 1, now - 1000))).await.status,
        401
    );
    // A page refreshes the idle time: the answer carries a new cookie.
    let page = get(&s, "/console/requests", Some(&cookie)).await;
    assert!(page.cookie("gebao_console").is_some_and(|c| c != cookie));

    // Signing out clears the cookie and ends every session of the member started before:
    // a copy of the cookie kept elsewhere is signed out too. Audited.
    let copy = page.cookie("gebao_console").unwrap();
    let res = post(&s, "/console/logout", Some(&cookie), &[("csrf", &csrf)], None).await;
    assert_eq!(res.status, 303);
    assert!(res.set_cookie("gebao_console").contains("Max-Age=0"));
    assert_eq!(get(&s, "/console/requests", Some(&copy)).await.status, 401);
    assert_eq!(get(&s, "/console/requests", Some(&fresh)).await.status, 401);
    assert!(actions(&audit(&s).await, AuditAction::StaffLogout).iter().any(|e| e.entry.actor == "staff:li.na"));
    // Signing in again starts a new session; disabling the account ends it.
    let fresh = sign_in(&s, &officer, 1).await;
    assert_eq!(get(&s, "/console/requests", Some(&fresh)).await.status, 200);
    let entry = NewAudit {
        actor: "cli:test".into(),
        action: AuditAction::StaffDisable,
        target: "staff:li.na".into(),
        reason: Some("left the company".into()),
        detail: json!({}),
        at_ms: gebao_server::now_ms(),
    };
    assert!(s.state.store.disable_staff("li.na", entry).await.unwrap());
    assert_eq!(get(&s, "/console/requests", Some(&fresh)).await.status, 401);
    assert_eq!(try_sign_in(&s, &officer.name, &officer.password, &officer.code(2)).await.status, 401);
    s.stop().await;
}

/// Saves the page as `console-<name>.png` in `dir`, when screenshots are asked for.
async fn shot(b: &gebao_testkit::Browser, dir: Option<&std::path::Path>, name: String) {
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).unwrap();
        b.screenshot(&dir.join(format!("console-{name}.png")), 3000).await;
    }
}

/// Fills the console's sign-in form in the browser and submits it; waits for the queue.
async fn browser_sign_in(b: &gebao_testkit::Browser, base: &str, m: &Member, offset: i64, lands: &str) {
    b.goto(&format!("{base}/console/login")).await;
    let fill = format!(
        "document.getElementById('name').value = {:?}; document.getElementById('password').value = {:?}; \
         document.getElementById('code').value = {:?}; return null",
        m.name,
        m.password,
        m.code(offset)
    );
    b.eval(&fill).await;
    b.click("form.stack button").await;
    gebao_testkit::within(std::time::Duration::from_secs(5), || async { b.url().await.ends_with(lands) }).await;
}

/// The console in headless Chromium at 390 px and 1280 px: each page fits the screen, loads
/// nothing refused (the console stays empty), and works; an officer approves by a click; a
/// page the role may not open is refused. With `GEBAO_SCREENSHOTS=dir` every page is also
/// saved as `console-<page>-<width>.png` (`scripts/screenshots`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_in_a_real_browser() {
    let Some(phone) = gebao_testkit::Browser::start(390, 844).await else { return };
    let Some(desktop) = gebao_testkit::Browser::start(1280, 900).await else { return };
    let shots = std::env::var_os("GEBAO_SCREENSHOTS").map(std::path::PathBuf::from);
    common::run(Kind::Sqlite, |kit| async move {
        let (s, _r, _db, _dirs) = start_with_operator_db(&kit).await;
        let v = file(&s, json!({ "kind": "deletion", "subject": "u1", "details": { "reason": "不再使用" } })).await;
        let id = v["id"].as_str().unwrap().to_owned();
        vouch(&s, &id, "u1").await;
        s.register("u2", json!({ "email": "bob@example.cn" })).await;
        s.consent("u2", "grant", purpose("recommend"), json!({})).await;
        file(&s, json!({ "kind": "copy", "subject": "u2" })).await;
        file(&s, json!({ "kind": "complaint", "subject": "u2", "details": { "text": "客服一直未答复" } })).await;
        for (title, grade, minutes) in [("对象存储误设为公开读", "major", 200), ("客服误发邮件", "general", 30)] {
            let body = json!({
                "title": title, "grade": grade, "affected": 1200, "description": "内部记录",
                "found_at": (chrono::Utc::now() - chrono::TimeDelta::minutes(minutes)).to_rfc3339(),
            });
            assert_eq!(s.post("/v1/incidents", &body).await.status, 201);
        }
        let officer = add(&s, "li.na", StaffRole::PrivacyOfficer).await;

        for (step, (width, b)) in [(390, &phone), (1280, &desktop)].into_iter().enumerate() {
            b.goto(&format!("{}/console/login", s.base)).await;
            shot(b, shots.as_deref(), format!("login-{width}")).await;
            browser_sign_in(b, &s.base, &officer, step as i64, "/console/requests").await;
            for (name, path) in [
                ("queue", "/console/requests".to_owned()),
                ("request", format!("/console/requests/{id}")),
                ("dry-run", format!("/console/requests/{id}/dry-run")),
                ("file", "/console/requests/new".to_owned()),
                ("policy", "/console/policy".to_owned()),
                ("policy-new", "/console/policy/new".to_owned()),
            ] {
                b.goto(&format!("{}{path}", s.base)).await;
                assert_eq!(b.eval("return window.innerWidth").await, json!(width), "{path}");
                let styled = b.eval("return getComputedStyle(document.body).marginTop").await;
                assert_eq!(styled, json!("0px"), "{path} at {width} px: the stylesheet did not apply");
                let wide = b.eval("return document.documentElement.scrollWidth").await;
                assert!(wide.as_u64().unwrap() <= width, "{path} is {wide} px wide on a {width} px screen");
                let console = b.console().await;
                assert!(console.is_empty(), "{path} at {width} px: {console:?}");
                shot(b, shots.as_deref(), format!("{name}-{width}")).await;
            }
        }

        // A major change previewed on both screens, then published by a click.
        for (width, b) in [(390, &phone), (1280, &desktop)] {
            b.goto(&format!("{}/console/policy/new", s.base)).await;
            let edit = r#"const t = document.getElementById('manifest');
                t.value = t.value.replace('fields = ["browsing", "device_id"]', 'fields = ["browsing", "device_id", "nickname"]');
                document.getElementById('reason').value = '推荐增加昵称字段'; return null"#;
            b.eval(edit).await;
            b.click("form.wide button").await;
            gebao_testkit::within(std::time::Duration::from_secs(5), || async {
                b.url().await.ends_with("/console/policy/preview")
            })
            .await;
            let summary = b.eval("return document.querySelector('.preview .banner').textContent").await;
            assert!(summary.as_str().unwrap().contains("重大变更"), "{summary}");
            let wide = b.eval("return document.documentElement.scrollWidth").await;
            let culprits = b.eval("return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390).slice(0,8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().width))").await;
            assert!(wide.as_u64().unwrap() <= width, "the preview is {wide} px wide on a {width} px screen: {culprits}");
            assert!(b.console().await.is_empty(), "the preview at {width} px");
            shot(b, shots.as_deref(), format!("policy-preview-{width}")).await;
        }
        desktop.click("form.confirm button").await;
        gebao_testkit::within(std::time::Duration::from_secs(5), || async {
            desktop.url().await.ends_with("/console/policy/versions/2")
        })
        .await;
        assert_eq!(s.state.policies.current().version, 2);
        for (width, b) in [(390, &phone), (1280, &desktop)] {
            b.goto(&format!("{}/console/policy/versions/2", s.base)).await;
            let wide = b.eval("return document.documentElement.scrollWidth").await;
            assert!(wide.as_u64().unwrap() <= width, "version 2 is {wide} px wide on a {width} px screen");
            assert!(b.console().await.is_empty(), "version 2 at {width} px");
            shot(b, shots.as_deref(), format!("policy-version-{width}")).await;
        }

        // The officer approves by a click; the request moves on.
        desktop.goto(&format!("{}/console/requests/{id}", s.base)).await;
        desktop.click(&format!("form[action='/console/requests/{id}/approve'] button")).await;
        gebao_testkit::within(std::time::Duration::from_secs(5), || async {
            reqkit::get(&s, &id).await["state"] == "in-progress"
        })
        .await;
        assert!(desktop.url().await.ends_with(&format!("/console/requests/{id}")));

        // Support signs in on the phone: masked, and the staff page is refused.
        phone.click("form[action='/console/logout'] button").await;
        gebao_testkit::within(std::time::Duration::from_secs(5), || async {
            phone.url().await.ends_with("/console/login")
        })
        .await;
        // Signing out ends every session of the member: the officer's on the desktop too.
        desktop.goto(&format!("{}/console/requests", s.base)).await;
        assert!(desktop.url().await.ends_with("/console/requests"));
        let signed_out = desktop.eval("return document.querySelector(\"form[action='/console/logout']\") === null").await;
        assert_eq!(signed_out, json!(true), "the desktop session outlived the sign-out");
        desktop.console().await;
        let support = add(&s, "zhao", StaffRole::Support).await;
        browser_sign_in(&phone, &s.base, &support, 0, "/console/requests").await;
        phone.goto(&format!("{}/console/staff", s.base)).await;
        let h1 = phone.eval("return document.querySelector('h1').textContent").await;
        assert_eq!(h1, json!("无权执行此操作"));
        shot(&phone, shots.as_deref(), "forbidden-390".into()).await;

        // The auditor reads the audit log, on both screens.
        let auditor = add(&s, "qian", StaffRole::Auditor).await;
        for (step, (width, b)) in [(390, &phone), (1280, &desktop)].into_iter().enumerate() {
            b.goto(&format!("{}/console/requests", s.base)).await;
            // What the refused page logged (its 403, or the sign-in page's 401) is not this
            // page's.
            b.console().await;
            let signed_in = b.eval("return document.querySelector(\"form[action='/console/logout']\") !== null").await;
            if signed_in == json!(true) {
                b.click("form[action='/console/logout'] button").await;
                gebao_testkit::within(std::time::Duration::from_secs(5), || async {
                    b.url().await.ends_with("/console/login")
                })
                .await;
            }
            browser_sign_in(b, &s.base, &auditor, step as i64, "/console/requests").await;
            b.goto(&format!("{}/console/audit", s.base)).await;
            let wide = b.eval("return document.documentElement.scrollWidth").await;
            assert!(wide.as_u64().unwrap() <= width, "the audit log is {wide} px wide on a {width} px screen");
            let console = b.console().await;
            assert!(console.is_empty(), "the audit log at {width} px: {console:?}");
            shot(b, shots.as_deref(), format!("audit-{width}")).await;
            // And the incidents.
            b.goto(&format!("{}/console/incidents", s.base)).await;
            let wide = b.eval("return document.documentElement.scrollWidth").await;
            assert!(wide.as_u64().unwrap() <= width, "the incidents are {wide} px wide on a {width} px screen");
            assert!(b.console().await.is_empty(), "the incidents at {width} px");
            shot(b, shots.as_deref(), format!("incidents-{width}")).await;
            // And the consent figures.
            b.goto(&format!("{}/console/figures", s.base)).await;
            let wide = b.eval("return document.documentElement.scrollWidth").await;
            assert!(wide.as_u64().unwrap() <= width, "the figures are {wide} px wide on a {width} px screen");
            assert!(b.console().await.is_empty(), "the figures at {width} px");
            shot(b, shots.as_deref(), format!("figures-{width}")).await;
        }
        s.stop().await;
    })
    .await;
}
