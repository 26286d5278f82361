//! `docs/webhooks.md` is true: its verifiers, run as written in their own languages,
//! accept what gebao signs and refuse tampering, replays and other secrets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{doc_snippet, run_doc_verifier};
use gebao_egress::{TOLERANCE, sign, verify_signature};
use std::time::{SystemTime, UNIX_EPOCH};

const SECRET: &str = "0123456789abcdef0123456789abcdef";

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

#[test]
fn every_verifier_is_at_most_five_lines() {
    for lang in ["python", "js", "go", "java"] {
        let lines = doc_snippet(lang).lines().count();
        assert!(lines <= 5, "{lang}: {lines} lines");
    }
}

#[test]
fn the_documented_example_is_signed_correctly() {
    let doc = include_str!("../../../docs/webhooks.md");
    let sig = sign(SECRET.as_bytes(), 1_767_225_600, br#"{"a":1}"#);
    assert!(doc.contains(&format!("X-Gebao-Signature: {sig}")), "{sig}");
    assert_eq!(
        verify_signature(SECRET.as_bytes(), "1767225600", br#"{"a":1}"#, &sig, 1_767_225_600, TOLERANCE),
        Ok(())
    );
}

fn check_language(lang: &str) {
    let body = r#"{"kind":"portability","user":"u_1","data":{"name":"张三","phone":"13800000000"}}"#.as_bytes();
    let ts = now();
    let sig = sign(SECRET.as_bytes(), ts, body);
    let Some(genuine) = run_doc_verifier(lang, SECRET, &ts.to_string(), body, &sig) else {
        eprintln!("skipped: no runtime for {lang}");
        return;
    };
    assert!(genuine, "{lang} refused a genuine delivery");
    let tampered = br#"{"kind":"portability","user":"u_2"}"#;
    assert_eq!(run_doc_verifier(lang, SECRET, &ts.to_string(), tampered, &sig), Some(false), "{lang}: tampered");
    let old = ts - 600;
    let replay = sign(SECRET.as_bytes(), old, body);
    assert_eq!(run_doc_verifier(lang, SECRET, &old.to_string(), body, &replay), Some(false), "{lang}: replay");
    let other = "fedcba9876543210fedcba9876543210";
    assert_eq!(run_doc_verifier(lang, other, &ts.to_string(), body, &sig), Some(false), "{lang}: other secret");
}

#[test]
fn python_verifier_as_documented() {
    check_language("python");
}

#[test]
fn node_verifier_as_documented() {
    check_language("js");
}

#[test]
fn go_verifier_as_documented() {
    check_language("go");
}

#[test]
fn java_verifier_as_documented() {
    check_language("java");
}
