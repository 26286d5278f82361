//! In-process decisions: the cost of `Engine::decide` on the hot path.
//! Run: `cargo bench -p gebao-core --bench decision`; figures in docs/benchmarks.md.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // benches fail by panicking

use criterion::{Criterion, criterion_group, criterion_main};
use gebao_core::calendar::Calendar;
use gebao_core::decision::{ConsentAction, ConsentRecord, ConsentScope, DecisionQuery, Engine, SubjectState};
use gebao_core::ids::PurposeId;
use std::collections::HashMap;
use std::hint::black_box;

const NOW: i64 = 1_790_000_000_000;

fn bench(c: &mut Criterion) {
    let m = gebao_core::load_manifest(include_str!("../src/rules/testdata/clean.toml")).expect("clean manifest");
    let engine = Engine::new(&m, 1, &HashMap::new(), Calendar::builtin());
    let mut subject = SubjectState::default();
    for (p, sensitive) in [("recommend", false), ("nearby", false), ("nearby", true), ("push", false)] {
        let purpose = PurposeId(p.into());
        let scope = if sensitive { ConsentScope::Sensitive { purpose } } else { ConsentScope::Purpose { purpose } };
        subject.apply(&ConsentRecord {
            scope,
            action: ConsentAction::Grant,
            policy_version: 1,
            at_ms: NOW - 1,
            by_guardian: false,
        });
    }
    let mut g = c.benchmark_group("decision");
    let allow_contract = DecisionQuery {
        purpose: "register",
        fields: &["phone", "nickname"],
        recipient: None,
        collected_at_ms: None,
        now_ms: NOW,
    };
    g.bench_function("allow_contract_basis", |b| {
        b.iter(|| engine.decide(black_box(&subject), black_box(&allow_contract)))
    });
    let allow_consent = DecisionQuery {
        purpose: "recommend",
        fields: &["browsing", "device_id"],
        recipient: None,
        collected_at_ms: None,
        now_ms: NOW,
    };
    g.bench_function("allow_consent_basis", |b| {
        b.iter(|| engine.decide(black_box(&subject), black_box(&allow_consent)))
    });
    let allow_sensitive = DecisionQuery {
        purpose: "nearby",
        fields: &["precise_location"],
        recipient: None,
        collected_at_ms: Some(NOW - 86_400_000),
        now_ms: NOW,
    };
    g.bench_function("allow_sensitive_with_retention", |b| {
        b.iter(|| engine.decide(black_box(&subject), black_box(&allow_sensitive)))
    });
    // The same with "10 working days": the retention check counts on the holiday calendar.
    let working = include_str!("../src/rules/testdata/clean.toml").replace(
        r#"retention = { period = "7 days", then = "delete" }"#,
        r#"retention = { period = "10 working days", then = "delete" }"#,
    );
    let working = gebao_core::load_manifest(&working).expect("clean manifest, working days");
    let working = Engine::new(&working, 1, &HashMap::new(), Calendar::builtin());
    g.bench_function("allow_sensitive_with_working_day_retention", |b| {
        b.iter(|| working.decide(black_box(&subject), black_box(&allow_sensitive)))
    });
    let deny =
        DecisionQuery { purpose: "recommend", fields: &["phone"], recipient: None, collected_at_ms: None, now_ms: NOW };
    g.bench_function("deny_field_not_declared", |b| b.iter(|| engine.decide(black_box(&subject), black_box(&deny))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
