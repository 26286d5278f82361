//! `gebao init` writes a starter manifest that passes `gebao check`, for every app type.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // tests and benches fail by panicking

mod common;
use common::*;
use predicates::prelude::*;

const ALL_TYPES: &[&str] = &[
    "地图导航",
    "网络约车",
    "即时通信",
    "网络社区",
    "网络支付",
    "网上购物",
    "餐饮外卖",
    "邮件快件寄递",
    "交通票务",
    "婚恋相亲",
    "求职招聘",
    "网络借贷",
    "房屋租售",
    "二手车交易",
    "问诊挂号",
    "旅游服务",
    "酒店服务",
    "网络游戏",
    "学习教育",
    "本地生活",
    "女性健康",
    "用车服务",
    "投资理财",
    "手机银行",
    "邮箱云盘",
    "远程会议",
    "网络直播",
    "在线影音",
    "短视频",
    "新闻资讯",
    "运动健身",
    "浏览器",
    "输入法",
    "安全管理",
    "电子图书",
    "拍摄美化",
    "应用商店",
    "实用工具",
    "演出票务",
    "other",
];

#[test]
fn starter_passes_check_for_every_app_type() {
    let dir = tempfile::tempdir().expect("temp dir");
    for t in ALL_TYPES {
        let path = dir.path().join(format!("{t}.toml"));
        gebao().args(["init", "--app-type", t, "--date", "2026-11-23", "-o"]).arg(&path).assert().success();
        let out = gebao().args(["check", "--fail-on", "warning", "--format", "json"]).arg(&path).assert();
        let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
        assert_eq!(v["findings"].as_array().map(Vec::len), Some(0), "{t}: {v:#}");
    }
}

#[test]
fn english_alias_of_app_type() {
    gebao()
        .args(["init", "--app-type", "online-shopping", "--stdout"])
        .assert()
        .success()
        .stdout(predicate::str::contains("app_type = \"网上购物\""));
}

#[test]
fn refuses_to_overwrite() {
    let (_dir, path) = manifest_file(b"# mine\n");
    gebao()
        .args(["init", "-t", "网络社区", "-o"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "# mine\n");
    gebao().args(["init", "-t", "网络社区", "--force", "-o"]).arg(&path).assert().success();
}

#[test]
fn unknown_app_type_suggests_one() {
    gebao()
        .args(["init", "-t", "网络社群", "--stdout"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("是否想写 `网络社区`"));
}

#[test]
fn list_types() {
    gebao()
        .args(["init", "--list-types"])
        .assert()
        .success()
        .stdout(predicate::str::contains("短视频").and(predicate::str::contains("基本功能无须个人信息")));
}
