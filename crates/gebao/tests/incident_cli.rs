//! `gebao incident` against a running `gebao serve` (SQLite): an incident is opened, its
//! notice completed, the report to the regulator recorded, the individuals told from a file
//! of user ids, the deliveries followed, and the incident closed — in readable text and
//! JSON; bad input is named before any call and a refusal of the server is shown with the
//! field it names.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests fail by panicking

mod common;
use common::serve::*;
use common::*;
use predicates::prelude::PredicateBooleanExt;
use serde_json::Value;

const SCOPES: &str = "subjects:write,incidents:read,incidents:write";

#[test]
fn open_report_notify_and_close_an_incident() {
    let notifier = Notifier::start();
    let mut backend = Backend::sqlite();
    backend.configure(&notifier.config());
    let delivered = notifier.count.clone();
    let token = backend.key(SCOPES);
    let server = Server::start(&backend);
    for id in ["u1", "u2"] {
        register(&server.base, &token, id);
    }
    let cli = |args: &[&str]| {
        let mut c = gebao();
        c.args(["incident"]).args(args).args(["--server", &server.base, "--token", &token]);
        c
    };
    let json_of = |args: &[&str]| -> Value {
        let out = cli(args).arg("--json").assert().success();
        serde_json::from_slice(&out.get_output().stdout).expect("JSON")
    };
    let found = (chrono::Utc::now() - chrono::TimeDelta::minutes(20)).to_rfc3339();
    let opened = json_of(&[
        "open",
        "--title",
        "撞库攻击",
        "--grade",
        "major",
        "--found-at",
        &found,
        "--affected",
        "2",
        "--description",
        "登录接口遭撞库",
        "--categories",
        "手机号,昵称",
        "--cause",
        "撞库攻击",
    ]);
    let id = opened["id"].as_str().unwrap().to_owned();
    assert_eq!(opened["standing"], "running", "{opened:#}");

    // The notice completed item by item; what was there stays.
    let updated =
        json_of(&["update", &id, "--harm", "可能收到诈骗电话", "--measures", "已重置密码", "--advice", "请修改密码"]);
    assert_eq!(updated["notice_missing"], serde_json::json!([]), "{updated:#}");
    assert_eq!(updated["notice"]["cause"], "撞库攻击");

    // Readable: the grade in Chinese, the clock, the report.
    cli(&["report", &id, "--reference", "BJ-1"]).assert().success();
    let shown = cli(&["--lang", "zh-CN", "show", &id]).assert().success();
    let text = String::from_utf8_lossy(&shown.get_output().stdout).into_owned();
    for needle in ["较大", "撞库攻击", "报告期限", "已报告", "initial", "北京市互联网信息办公室", "(BJ-1)"]
    {
        assert!(text.contains(needle), "`{needle}` not in:\n{text}");
    }

    // Tell the individuals from a file (with a comment and an unknown id).
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("affected.txt");
    std::fs::write(&list, "# 受影响用户\nu1\nu2\n\nghost\n").unwrap();
    let q = json_of(&["notify", &id, "--file", list.to_str().unwrap()]);
    assert_eq!((q["queued"].as_u64(), q["unknown"].clone()), (Some(2), serde_json::json!(["ghost"])), "{q:#}");
    let notices = json_of(&["notices", &id]);
    assert_eq!(notices["total"], 2, "{notices:#}");
    let started = std::time::Instant::now();
    while delivered.load(std::sync::atomic::Ordering::SeqCst) < 2 {
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "the notifier got no notices");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = cli(&["--lang", "zh-CN", "notices", &id]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("共 2 条告知") && !text.contains("u1"), "{text}");

    // Published in the privacy centre for those who cannot be told one by one.
    let published = json_of(&["publish", &id]);
    assert!(published["public_notice_ms"].is_i64(), "{published:#}");
    let page = client().get(format!("{}/privacy/notices/{id}", server.base)).send().unwrap();
    assert_eq!(page.status(), 200);

    // Closed once reported; a closed incident does not change.
    cli(&["close", &id, "--note", "已处置"]).assert().success();
    cli(&["update", &id, "--affected", "3"])
        .assert()
        .failure()
        .stderr(predicates::str::contains("HTTP 409").and(predicates::str::contains("(`id`)")));
    let listed = cli(&["--lang", "en", "list"]).assert().success();
    assert!(String::from_utf8_lossy(&listed.get_output().stdout).contains("No incidents."));

    // Bad input is named before any call.
    cli(&["open", "--title", "x", "--grade", "big", "--found-at", &found, "--affected", "1", "--description", "x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("`big` is not a grade"));
    cli(&["report", &id, "--kind", "later"]).assert().code(2);
}
