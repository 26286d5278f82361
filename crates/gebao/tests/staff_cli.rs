//! `gebao staff`: an account added on the command line signs in to the console of a running
//! `gebao serve` with the printed password and a code computed from the printed TOTP
//! secret; `list` never shows secrets; `reset` gives new credentials; `disable` ends it.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
use common::serve::*;
use common::*;
use gebao_store::staff::TotpSecret;
use serde_json::Value;

fn browser() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// Signs in with the console's form; the status of the answer.
fn sign_in(base: &str, name: &str, password: &str, secret: &TotpSecret, offset: i64) -> u16 {
    let form = browser().get(format!("{base}/console/login")).send().expect("login page");
    let pre = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("gebao_console_login="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .expect("a pre-session cookie");
    let body = form.text().unwrap();
    let at = body.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    let csrf = &body[at..at + 32];
    let code = secret.code_at(chrono::Utc::now().timestamp().div_euclid(30) + offset);
    let res = browser()
        .post(format!("{base}/console/login"))
        .header("cookie", pre)
        .form(&[("csrf", csrf), ("name", name), ("password", password), ("code", &code)])
        .send()
        .expect("sign in");
    res.status().as_u16()
}

#[test]
fn staff_added_on_the_command_line_sign_in_to_the_console() {
    let b = Backend::sqlite();
    let out = gebao()
        .args(["staff", "add", "li.na", "--role", "privacy-officer", "--display-name", "李娜", "--json"])
        .args(b.args())
        .assert()
        .success();
    let added: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    let password = added["password"].as_str().unwrap().to_owned();
    assert_eq!(password.chars().count(), 20);
    let uri = added["totp_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/gebao:li.na?secret=") && uri.contains("&period=30"), "{uri}");
    let secret = TotpSecret::from_base32(added["totp_secret"].as_str().unwrap()).unwrap();

    // A password from stdin, too short, is refused; a bad name or role too.
    gebao()
        .args(["staff", "add", "wang", "--role", "support", "--password-stdin"])
        .args(b.args())
        .write_stdin("short\n")
        .assert()
        .code(2);
    gebao().args(["staff", "add", "Wang Wei", "--role", "support"]).args(b.args()).assert().code(2);
    gebao().args(["staff", "add", "wang", "--role", "root"]).args(b.args()).assert().code(2);
    gebao().args(["staff", "add", "li.na", "--role", "support"]).args(b.args()).assert().code(2);
    let out = gebao()
        .args(["staff", "add", "wang", "--role", "support", "--password-stdin"])
        .args(b.args())
        .write_stdin("a long enough passphrase\n")
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("TOTP 密钥") && !text.contains("初始密码"),
        "a password read from stdin is not printed: {text}"
    );

    let out = gebao().args(["staff", "list"]).args(b.args()).assert().success();
    let list = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(list.contains("li.na") && list.contains("privacy-officer") && list.contains("有效"), "{list}");
    assert!(!list.contains(&password) && !list.contains("argon2"), "no secret is listed: {list}");

    let server = Server::start(&b);
    assert_eq!(sign_in(&server.base, "li.na", &password, &secret, 0), 303);

    // A reset: the old password no longer works, the new one does.
    let out = gebao().args(["staff", "reset", "li.na", "--json"]).args(b.args()).assert().success();
    let reset: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    let new_secret = TotpSecret::from_base32(reset["totp_secret"].as_str().unwrap()).unwrap();
    assert_eq!(sign_in(&server.base, "li.na", &password, &new_secret, 1), 401);
    let new_password = reset["password"].as_str().unwrap();
    assert_eq!(sign_in(&server.base, "li.na", new_password, &new_secret, 1), 303);

    gebao().args(["staff", "disable", "li.na", "--reason", "left"]).args(b.args()).assert().success();
    gebao().args(["staff", "disable", "li.na"]).args(b.args()).assert().code(2);
    gebao().args(["staff", "reset", "nobody"]).args(b.args()).assert().code(2);
    let list = gebao().args(["staff", "list", "--json"]).args(b.args()).assert().success();
    let list: Value = serde_json::from_slice(&list.get_output().stdout).expect("JSON");
    assert!(list[0]["disabled_ms"].as_i64().is_some(), "{list}");
}
