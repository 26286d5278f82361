//! The decision state at scale (a benchmark, ignored by default): N subjects with five
//! consents each in memory — bytes per subject, the snapshot's size and the time to write it
//! and to read it back (a restart's work before the ledger's tail), and decisions per
//! second from memory. Commands and figures: docs/benchmarks.md ("Scale").
//!
//! `GEBAO_SCALE_SUBJECTS=10000000 cargo test --release -p gebao-server --test scale -- --ignored --nocapture`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gebao_core::calendar::Calendar;
use gebao_core::decision::{ConsentAction, ConsentRecord, ConsentScope, DecisionQuery, Engine, SubjectStatus};
use gebao_core::ids::PurposeId;
use gebao_server::memory::Subjects;
use gebao_server::memory::snapshot::{self, Header};
use gebao_store::Subject;
use gebao_store::crypto::{Keys, SubjectKey};
use std::collections::HashMap;
use std::time::Instant;

fn rss_bytes() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").parse::<usize>().ok())
        .unwrap_or(0)
        * 1024
}

fn key(i: u64) -> SubjectKey {
    // Uniform like the real keyed hashes.
    let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (i >> 7);
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&h.to_le_bytes());
    k[8..].copy_from_slice(&h.rotate_left(29).wrapping_mul(0xBF58_476D_1CE4_E5B9).to_le_bytes());
    SubjectKey(k)
}

fn subject(i: u64) -> Subject {
    Subject {
        id: format!("u{i}"),
        key: key(i),
        pseudonym: format!("p_{i:024x}"),
        status: SubjectStatus::Active,
        birth_date: None,
        age: Some(30),
        age_known_on: chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
        guardian: None,
        phone: None,
        email: None,
        erased: Default::default(),
        created_ms: 0,
        updated_ms: 0,
    }
}

fn scopes() -> Vec<ConsentScope> {
    use gebao_core::decision::SeparateKind;
    use gebao_core::ids::RecipientId;
    let p = |s: &str| PurposeId(s.into());
    vec![
        ConsentScope::Purpose { purpose: p("recommend") },
        ConsentScope::Purpose { purpose: p("push") },
        ConsentScope::Purpose { purpose: p("nearby") },
        ConsentScope::Sensitive { purpose: p("nearby") },
        ConsentScope::Recipient { recipient: RecipientId("push-sdk".into()), separate: SeparateKind::Provision },
    ]
}

#[test]
#[ignore = "a benchmark: run with --ignored --release"]
fn decision_state_at_scale() {
    let n: u64 = std::env::var("GEBAO_SCALE_SUBJECTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let scopes = scopes();
    let subjects = Subjects::new();
    let base = rss_bytes();
    let started = Instant::now();
    let mut rows: Vec<(i64, ConsentRecord)> = Vec::with_capacity(5);
    for i in 0..n {
        rows.clear();
        for (j, scope) in scopes.iter().enumerate() {
            let record = ConsentRecord {
                scope: scope.clone(),
                action: ConsentAction::Grant,
                policy_version: 1,
                at_ms: 1_760_000_000_000,
                by_guardian: false,
            };
            rows.push(((i * 5 + j as u64) as i64 + 1, record));
        }
        subjects.load_subject(&(&subject(i)).into(), &rows);
    }
    let filled = started.elapsed();
    let rss = rss_bytes().saturating_sub(base);
    let heap = subjects.heap_bytes();
    eprintln!(
        "{n} subjects × 5 consents: filled in {filled:?}; state {heap} B = {:.1} B/subject; resident +{rss} B = {:.1} B/subject",
        heap as f64 / n as f64,
        rss as f64 / n as f64
    );
    assert_eq!(subjects.len() as u64, n);

    // Decisions from memory, the server's path without HTTP.
    let manifest = gebao_core::load_manifest(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../gebao-core/src/rules/testdata/clean.toml"))
            .unwrap(),
    )
    .unwrap();
    let engine = Engine::new(&manifest, 1, &HashMap::new(), Calendar::builtin());
    let asks = 2_000_000u64;
    let started = Instant::now();
    let mut allowed = 0u64;
    for i in 0..asks {
        let k = key((i * 7919) % n);
        let q = DecisionQuery {
            purpose: "recommend",
            fields: &["browsing"],
            recipient: None,
            collected_at_ms: None,
            now_ms: 1_780_000_000_000,
        };
        if subjects.with(&k, |s| engine.decide(s, &q).allow) == Some(true) {
            allowed += 1;
        }
    }
    let took = started.elapsed();
    assert_eq!(allowed, asks, "every subject granted `recommend`");
    eprintln!("{asks} decisions on random subjects: {:.0} ns each (one thread)", took.as_nanos() as f64 / asks as f64);

    // The snapshot: written, then read back into an empty state (a restart's work).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.memory");
    let keys = Keys::from_master(&[7; 32]);
    let header = Header {
        ledger_seq: (n * 5) as i64,
        ledger_hash: "h".into(),
        change_seq: 0,
        audit_seq: 0,
        audit_hash: String::new(),
        written_ms: 0,
        subjects: n,
    };
    let started = Instant::now();
    let bytes = snapshot::write(&path, &keys, &subjects, &header).unwrap();
    let wrote = started.elapsed();
    drop(subjects);
    // Read back three times (the machine is shared and noisy): the median is reported.
    let mut reads = Vec::new();
    let mut read_back = || {
        let started = Instant::now();
        let (read_header, parts) = snapshot::open(&path, &keys).unwrap();
        let back = Subjects::new();
        snapshot::fill(&path, &keys, &parts, &back, &Default::default()).unwrap();
        reads.push(started.elapsed());
        (read_header, back)
    };
    drop(read_back());
    drop(read_back());
    let (read_header, back) = read_back();
    reads.sort();
    let read = reads[1];
    assert_eq!(read_header, header);
    assert_eq!(back.len() as u64, n);
    assert_eq!(
        back.with(&key(n / 2), |s| engine
            .decide(
                s,
                &DecisionQuery {
                    purpose: "recommend",
                    fields: &["browsing"],
                    recipient: None,
                    collected_at_ms: None,
                    now_ms: 1_780_000_000_000
                }
            )
            .allow),
        Some(true)
    );
    let block = vec![7u8; 256 << 20];
    let started = Instant::now();
    std::hint::black_box(blake3::keyed_hash(&[7; 32], &block));
    let mac_rate = block.len() as f64 / started.elapsed().as_secs_f64() / 1e9;
    eprintln!("the snapshot's MAC (keyed BLAKE3): {mac_rate:.2} GB/s on one thread");
    eprintln!(
        "snapshot: {bytes} B ({:.1} B/subject), written in {wrote:?}, read and checked in {read:?} \
         (median of {reads:?}; {} threads)",
        bytes as f64 / n as f64,
        std::thread::available_parallelism().map_or(1, |p| p.get())
    );
}
