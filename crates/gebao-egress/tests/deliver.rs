//! Deliveries over real sockets: listeners on 127.0.0.1, port 0. Nothing here connects
//! anywhere else; URLs of other addresses are asserted refused by `check` before
//! `deliver` is called, so a regression fails the test instead of sending traffic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{Listener, Reply, run_doc_verifier};
use gebao_egress::{
    DeliveryClass, DestinationConfig, Egress, EgressConfig, Lookup, LookupFuture, Outgoing, Secret, StaticLookup,
    TOLERANCE, headers, verify_signature,
};
use serde_json::{Value, json};
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const SECRET: &str = "0123456789abcdef0123456789abcdef";

fn entry(name: &str, url: &str, allow_private: bool) -> DestinationConfig {
    DestinationConfig { name: name.into(), url: url.into(), secret: Some(Secret::new(SECRET)), allow_private }
}

fn egress_with(entries: Vec<DestinationConfig>, timeout_ms: u64, lookup: Arc<dyn Lookup>) -> Egress {
    let config = EgressConfig { destinations: entries, timeout_ms, connect_timeout_ms: 2_000, ..Default::default() };
    Egress::with_lookup(&config, lookup).unwrap()
}

fn egress(entries: Vec<DestinationConfig>) -> Egress {
    egress_with(entries, 5_000, Arc::new(StaticLookup::default()))
}

fn body() -> Value {
    json!({"kind": "portability", "user": "u_1", "data": {"name": "张三", "phone": "13800000000"}})
}

async fn send(egress: &Egress, url: &str) -> gebao_egress::Attempt {
    let body = body();
    egress.deliver(&Outgoing { url, kind: "portability", delivery_id: "obx_01TEST", body: &body }).await
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

#[tokio::test]
async fn an_allowed_private_destination_receives_a_signed_delivery() {
    let mut l = Listener::start(Reply::json(200, r#"{"acknowledged": true}"#)).await;
    let e = egress(vec![entry("notifier", &format!("http://127.0.0.1:{}/hooks", l.port()), true)]);
    let a = send(&e, &l.url("/hooks/otp")).await;
    assert_eq!(a.delivery.class, DeliveryClass::Delivered, "{:?}", a.delivery);
    assert_eq!(a.delivery.status, Some(200));
    assert_eq!(a.delivery.destination.as_deref(), Some("notifier"));
    assert!(a.answer.as_ref().is_some_and(|x| x.acknowledged()));

    let r = l.next_request().await;
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/hooks/otp"));
    assert_eq!(r.body, serde_json::to_vec(&body()).unwrap());
    let h = |name: &str| r.headers.get(name).cloned().unwrap_or_default();
    assert_eq!(h("content-type"), "application/json");
    assert_eq!(h("user-agent"), format!("gebao/{}", env!("CARGO_PKG_VERSION")));
    assert_eq!(h(headers::DELIVERY), "obx_01TEST");
    assert_eq!(h(headers::IDEMPOTENCY_KEY), "obx_01TEST");
    assert_eq!(h(headers::KIND), "portability");
    assert!(!r.headers.contains_key("authorization"));
    let (ts, sig) = (h(headers::TIMESTAMP), h(headers::SIGNATURE));
    assert!((now() - ts.parse::<i64>().unwrap()).abs() <= 5);
    assert_eq!(verify_signature(SECRET.as_bytes(), &ts, &r.body, &sig, now(), TOLERANCE), Ok(()));
    // And the documented Python verifier, a separate implementation, agrees.
    match run_doc_verifier("python", SECRET, &ts, &r.body, &sig) {
        Some(ok) => assert!(ok, "the Python verifier refused gebao's signature"),
        None => eprintln!("skipped the Python verifier: no python3"),
    }
}

#[tokio::test]
async fn without_allow_private_nothing_reaches_the_listener() {
    let l = Listener::start(Reply::json(200, "{}")).await;
    let e = egress(vec![entry("notifier", &format!("http://127.0.0.1:{}", l.port()), false)]);
    let a = send(&e, &l.url("/")).await;
    assert_eq!(a.delivery.class, DeliveryClass::Refused);
    assert_eq!(a.delivery.code, "egress.blocked-address");
    assert_eq!(a.delivery.status, None);
    assert!(a.delivery.reason.contains("回环") && a.delivery.reason.contains("loopback"), "{}", a.delivery.reason);
    assert!(!a.delivery.reason.contains("127.0.0.1"));
    assert_eq!(l.connections().await, 0);
}

/// Counts lookups, answering from a table.
struct Counting(StaticLookup, AtomicUsize);

impl Lookup for Counting {
    fn lookup<'a>(&'a self, name: &'a str) -> LookupFuture<'a> {
        self.1.fetch_add(1, Ordering::SeqCst);
        self.0.lookup(name)
    }
}

#[tokio::test]
async fn every_loopback_spelling_is_refused() {
    let l = Listener::start(Reply::json(200, "{}")).await;
    let p = l.port();
    let loopback: IpAddr = "127.0.0.1".parse().unwrap();
    let lookup = Arc::new(Counting(StaticLookup::new([("loopback.example.com", vec![loopback])]), AtomicUsize::new(0)));
    // Each host is listed (allow_private = false), so only the address policy refuses.
    let hosts = ["127.0.0.1", "0.0.0.0", "localhost", "[::1]", "[::ffff:127.0.0.1]", "loopback.example.com"];
    let entries = hosts.iter().enumerate().map(|(i, h)| entry(&format!("d{i}"), &format!("http://{h}:{p}"), false));
    let e = egress_with(entries.collect(), 5_000, lookup.clone());
    let unlisted = egress(Vec::new());
    for host in [
        "127.0.0.1",
        "2130706433",
        "0x7f000001",
        "0x7f.1",
        "017700000001",
        "0177.0.0.1",
        "127.1",
        "0.0.0.0",
        "0",
        "localhost",
        "localhost.",
        "LocalHost",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
        "loopback.example.com",
    ] {
        let url = format!("http://{host}:{p}/steal");
        let a = send(&e, &url).await;
        assert_eq!(a.delivery.class, DeliveryClass::Refused, "{url}: {:?}", a.delivery);
        assert!(
            ["egress.blocked-address", "egress.local-name"].contains(&a.delivery.code.as_str()),
            "{url}: {}",
            a.delivery.code
        );
        assert_eq!(send(&unlisted, &url).await.delivery.code, "egress.not-allowed", "{url}");
    }
    // The DNS name was refused on its resolved address, in the resolver reqwest uses.
    assert!(lookup.1.load(Ordering::SeqCst) >= 1);
    assert_eq!(l.connections().await, 0);
}

/// Answers a public address first, then 127.0.0.1: a rebinding DNS server.
struct Rebinding(AtomicUsize);

impl Lookup for Rebinding {
    fn lookup<'a>(&'a self, _name: &'a str) -> LookupFuture<'a> {
        let first = self.0.fetch_add(1, Ordering::SeqCst) == 0;
        let ip: IpAddr = if first { "93.184.216.34" } else { "127.0.0.1" }.parse().unwrap();
        Box::pin(async move { Ok(vec![ip]) })
    }
}

#[tokio::test]
async fn dns_rebinding_is_caught_where_the_connection_is_made() {
    let l = Listener::start(Reply::json(200, "{}")).await;
    let url = format!("http://rebind.example.com:{}/", l.port());
    let lookup = Arc::new(Rebinding(AtomicUsize::new(0)));
    let e = egress_with(
        vec![entry("partner", &format!("http://rebind.example.com:{}", l.port()), false)],
        5_000,
        lookup.clone(),
    );
    // The check sees the public address (and connects nowhere)…
    assert!(e.check_resolved(&url).await.is_ok());
    // …and took the only public answer: from here on the name is 127.0.0.1.
    assert_eq!(lookup.0.load(Ordering::SeqCst), 1);
    // …the connection resolves again, to 127.0.0.1, and is refused.
    let a = send(&e, &url).await;
    assert_eq!(a.delivery.class, DeliveryClass::Refused, "{:?}", a.delivery);
    assert_eq!(a.delivery.code, "egress.blocked-address");
    assert!(a.refusal.unwrap().to_string().contains("127.0.0.1"));
    assert_eq!(l.connections().await, 0);
}

#[tokio::test]
async fn credentials_in_the_url_are_refused_and_never_shown() {
    let l = Listener::start(Reply::json(200, "{}")).await;
    let e = egress(vec![entry("notifier", &format!("http://127.0.0.1:{}", l.port()), true)]);
    let url = format!("http://user:hunter2@127.0.0.1:{}/steal", l.port());
    let a = send(&e, &url).await;
    assert_eq!(a.delivery.class, DeliveryClass::Refused);
    assert_eq!(a.delivery.code, "egress.userinfo");
    let shown = format!("{:?} {}", a.delivery, a.refusal.unwrap());
    assert!(!shown.contains("hunter2") && !shown.contains("user:hunter2"), "{shown}");
    assert_eq!(l.connections().await, 0);
}

#[tokio::test]
async fn the_metadata_service_and_unlisted_hosts_are_refused() {
    let lookup = Arc::new(Counting(StaticLookup::default(), AtomicUsize::new(0)));
    let e = egress_with(
        vec![entry("meta", "http://169.254.169.254", true), entry("partner", "https://api.partner.example.com", false)],
        5_000,
        lookup.clone(),
    );
    for (url, code) in [
        ("http://169.254.169.254/latest/meta-data/iam/", "egress.blocked-address"),
        ("http://[::ffff:169.254.169.254]/", "egress.not-allowed"),
        ("http://100.100.100.200/latest/meta-data/", "egress.not-allowed"),
        ("https://other.example.com/hooks", "egress.not-allowed"),
        ("https://api.partner.example.com.evil.example/", "egress.not-allowed"),
        ("http://api.partner.example.com/", "egress.insecure-scheme"),
        ("ftp://api.partner.example.com/", "egress.scheme"),
    ] {
        // Checked first: a regression must fail here, not send traffic.
        assert_eq!(e.check(url).map(|_| ()).unwrap_err().code(), code, "{url}");
        let a = send(&e, url).await;
        assert_eq!((a.delivery.class, a.delivery.code.as_str()), (DeliveryClass::Refused, code), "{url}");
    }
    assert_eq!(lookup.1.load(Ordering::SeqCst), 0, "no name was even resolved");
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let target = Listener::start(Reply::json(200, "{}")).await;
    let location = target.url("/elsewhere");
    let redirect =
        Listener::start(Reply::Fixed { status: 302, headers: vec![("location", location)], body: Vec::new() }).await;
    // Both listeners are allowed: only the redirect policy keeps the second one quiet.
    let e = egress(vec![entry("a", &redirect.url(""), true), entry("b", &target.url(""), true)]);
    let a = send(&e, &redirect.url("/hook")).await;
    assert_eq!(a.delivery.class, DeliveryClass::Rejected, "{:?}", a.delivery);
    assert_eq!(a.delivery.status, Some(302));
    assert!(a.delivery.reason.contains("redirect not followed"));
    assert_eq!(redirect.connections().await, 1);
    assert_eq!(target.connections().await, 0);
}

#[tokio::test]
async fn a_server_error_is_a_failure_with_its_status() {
    let l = Listener::start(Reply::json(500, r#"{"error":"db down at 10.0.0.5"}"#)).await;
    let e = egress(vec![entry("a", &l.url(""), true)]);
    let a = send(&e, &l.url("/")).await;
    assert_eq!((a.delivery.class, a.delivery.status), (DeliveryClass::Failed, Some(500)));
    assert!(a.delivery.retryable());
    assert!(a.answer.is_none());
    assert!(!a.delivery.reason.contains("10.0.0.5"));
    let l = Listener::start(Reply::json(404, "{}")).await;
    let e = egress(vec![entry("a", &l.url(""), true)]);
    let a = send(&e, &l.url("/")).await;
    assert_eq!((a.delivery.class, a.delivery.status), (DeliveryClass::Rejected, Some(404)));
    assert!(!a.delivery.retryable());
}

async fn huge_answer(chunked: bool) {
    const TEN_MIB: u64 = 10 * 1024 * 1024;
    let l = Listener::start(Reply::Huge { len: TEN_MIB, chunked }).await;
    let e = egress(vec![entry("a", &l.url(""), true)]);
    let a = send(&e, &l.url("/")).await;
    assert_eq!((a.delivery.class, a.delivery.status), (DeliveryClass::Delivered, Some(200)), "{:?}", a.delivery);
    assert!(a.answer.is_none());
    assert!(a.delivery.reason.contains("too long"), "{}", a.delivery.reason);
    // gebao hung up: the listener could not write the rest.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !l.writer_done.load(Ordering::SeqCst) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let written = l.body_written.load(Ordering::SeqCst);
    assert!(l.writer_done.load(Ordering::SeqCst), "the listener is still writing");
    eprintln!("answer bytes the listener could write: {written}");
    assert!(written < 2 * 1024 * 1024, "{written} bytes of the answer were taken");
}

#[tokio::test]
async fn a_ten_mib_answer_is_not_read_with_content_length() {
    huge_answer(false).await;
}

#[tokio::test]
async fn a_ten_mib_answer_is_not_read_when_chunked() {
    huge_answer(true).await;
}

#[tokio::test]
async fn the_answer_is_never_echoed() {
    let answer = r#"{"acknowledged":true,"internal_secret":"x","token":"s3cr3t-internal-value"}"#;
    let l = Listener::start(Reply::json(200, answer)).await;
    let e = egress(vec![entry("recipient", &l.url(""), true)]);
    let a = send(&e, &l.url("/ack")).await;
    assert_eq!(a.delivery.class, DeliveryClass::Delivered);
    assert_eq!(a.delivery.reason, "HTTP 200");
    let stored = serde_json::to_string(&a.delivery).unwrap();
    let logged = format!("{a:?}");
    for shown in [&a.delivery.reason, &stored, &logged] {
        for leak in ["internal_secret", "s3cr3t", "acknowledged", "\"x\""] {
            assert!(!shown.contains(leak), "{leak} in {shown}");
        }
    }
    // The caller that expects an acknowledgement reads just that.
    assert!(a.answer.unwrap().acknowledged());
}

#[tokio::test]
async fn a_silent_receiver_times_out() {
    let l = Listener::start(Reply::Stall).await;
    let e = egress_with(vec![entry("a", &l.url(""), true)], 300, Arc::new(StaticLookup::default()));
    let started = Instant::now();
    let a = send(&e, &l.url("/")).await;
    assert_eq!((a.delivery.class, a.delivery.code.as_str()), (DeliveryClass::Failed, "timeout"), "{:?}", a.delivery);
    assert_eq!(a.delivery.status, None);
    assert!(a.delivery.retryable());
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_closed_port_is_a_failure_not_a_refusal() {
    // A port nobody listens on: bound, then closed.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = free.local_addr().unwrap().port();
    drop(free);
    let e = egress(vec![entry("a", &format!("http://127.0.0.1:{closed}"), true)]);
    let a = send(&e, &format!("http://127.0.0.1:{closed}/")).await;
    assert_eq!((a.delivery.class, a.delivery.code.as_str()), (DeliveryClass::Failed, "connect"), "{:?}", a.delivery);
}

#[tokio::test]
async fn invalid_delivery_ids_never_reach_a_header() {
    let l = Listener::start(Reply::json(200, "{}")).await;
    let e = egress(vec![entry("a", &l.url(""), true)]);
    let body = body();
    let url = l.url("/");
    let a = e.deliver(&Outgoing { url: &url, kind: "otp", delivery_id: "x\r\nx-evil: 1", body: &body }).await;
    assert_eq!((a.delivery.class, a.delivery.code.as_str()), (DeliveryClass::Refused, "egress.invalid-header"));
    assert_eq!(l.connections().await, 0);
}
