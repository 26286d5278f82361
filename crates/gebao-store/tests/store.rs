//! The store test suite. Every test runs on SQLite and on PostgreSQL (see `suite!` at the
//! end); PostgreSQL tests skip with a notice when the server is unreachable, and fail
//! instead under `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use gebao_core::decision::{ConsentAction, ConsentScope, SubjectStatus};
use gebao_core::ids::PurposeId;
use gebao_store::chain::GENESIS;
use gebao_store::crypto::{ContactKind, Keys};
use gebao_store::*;
use std::collections::BTreeMap;

fn key(id: &str, secret: u8, scopes: Vec<Scope>) -> NewApiKey {
    NewApiKey { id: id.into(), name: format!("{id} name"), hash: [secret; 32], scopes, created_ms: T0 }
}

async fn api_keys(env: Env) {
    let s = &env.store;
    let k1 = s
        .create_api_key(key("k1", 1, vec![Scope::DecisionsRead, Scope::ConsentsWrite]), audit("key.create", "key:k1"))
        .await
        .unwrap();
    assert_eq!(k1.scopes, vec![Scope::DecisionsRead, Scope::ConsentsWrite]);
    s.create_api_key(key("k2", 2, vec![Scope::KeysAdmin]), audit("key.create", "key:k2")).await.unwrap();
    let dup = s.create_api_key(key("k1", 3, vec![]), audit("key.create", "key:k1")).await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");
    let same_secret = s.create_api_key(key("k3", 1, vec![]), audit("key.create", "key:k3")).await;
    assert!(matches!(same_secret, Err(StoreError::Conflict(_))), "{same_secret:?}");

    assert_eq!(s.api_key_by_hash(&[1; 32]).await.unwrap(), Some(k1.clone()));
    assert_eq!(s.api_key_by_hash(&[9; 32]).await.unwrap(), None);
    assert!(s.revoke_api_key("k1", audit("key.revoke", "key:k1")).await.unwrap());
    assert!(!s.revoke_api_key("k1", audit("key.revoke", "key:k1")).await.unwrap());
    assert!(!s.revoke_api_key("nope", audit("key.revoke", "key:nope")).await.unwrap());
    assert_eq!(s.api_key_by_hash(&[1; 32]).await.unwrap(), None, "a revoked key must not authenticate");

    let all = s.api_keys().await.unwrap();
    assert_eq!(all.iter().map(|k| (k.id.as_str(), k.revoked_ms)).collect::<Vec<_>>(), [("k1", Some(T0)), ("k2", None)]);
    // Two creations and one effective revocation were audited; failed writes were not.
    let log = s.audit_after(0, 100).await.unwrap();
    assert_eq!(
        log.iter().map(|a| a.entry.action.to_string()).collect::<Vec<_>>(),
        ["key.create", "key.create", "key.revoke"]
    );
}

async fn subjects(env: Env) {
    let s = &env.store;
    let mut new = subject("u1");
    new.phone = Some("+86 138-0013-8000".into());
    new.email = Some("Li.Lei@Example.CN".into());
    new.age = Some(15);
    new.guardian = Some("g1".into());
    let got = s.put_subject(new.clone(), audit("subject.register", "subject:u1")).await.unwrap();
    assert_eq!(got.status, SubjectStatus::Active);
    assert_eq!((got.phone.as_deref(), got.email.as_deref()), (Some("+86 138-0013-8000"), Some("Li.Lei@Example.CN")));
    assert_eq!((got.age, got.age_known_on), (Some(15), chrono::NaiveDate::from_ymd_opt(2025, 1, 1)));
    assert_eq!(s.subject("u1").await.unwrap(), Some(got.clone()));
    assert_eq!(s.subject("nobody").await.unwrap(), None);

    // Encrypted at rest: neither the number nor the address appears in the stored bytes.
    for col in ["phone_enc", "email_enc"] {
        let raw = env.raw.bytes(&format!("SELECT {col} FROM subjects WHERE id = 'u1'")).await.unwrap();
        for clear in [&b"13800138000"[..], b"0013", b"Li.Lei", b"li.lei", b"Example"] {
            assert!(!raw.windows(clear.len()).any(|w| w == clear), "{col} holds contact data in clear");
        }
    }
    // …and no text column holds them either.
    let n = env.raw.int("SELECT COUNT(*) FROM subjects WHERE guardian LIKE '%138%' OR id LIKE '%138%'").await;
    assert_eq!(n, 0);

    // Found by blind index, whatever the formatting of the query.
    let k = keys();
    let by_phone = s.subjects_by_index(&k.blind_index(ContactKind::Phone, "13800138000")).await.unwrap();
    assert_eq!(by_phone.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(), ["u1"]);
    let by_mail = s.subjects_by_index(&k.blind_index(ContactKind::Email, " li.lei@example.cn")).await.unwrap();
    assert_eq!(by_mail.len(), 1);
    assert!(s.subjects_by_index(&k.blind_index(ContactKind::Phone, "13900000000")).await.unwrap().is_empty());

    // An update replaces the profile, keeps the creation time and the day the (unchanged)
    // age was stated.
    let mut upd = new.clone();
    upd.phone = None;
    upd.at_ms = T0 + 86_400_000 * 40;
    let got2 = s.put_subject(upd, audit("subject.register", "subject:u1")).await.unwrap();
    assert_eq!((got2.created_ms, got2.updated_ms), (T0, T0 + 86_400_000 * 40));
    assert_eq!(got2.age_known_on, got.age_known_on);
    assert_eq!(got2.phone, None);
    assert!(s.subjects_by_index(&k.blind_index(ContactKind::Phone, "13800138000")).await.unwrap().is_empty());

    // Status.
    let r =
        s.set_subject_status("u1", SubjectStatus::Restricted, audit("subject.restrict", "subject:u1")).await.unwrap();
    assert_eq!(r.map(|x| x.status), Some(SubjectStatus::Restricted));
    assert_eq!(s.subject("u1").await.unwrap().map(|x| x.status), Some(SubjectStatus::Restricted));
    let none =
        s.set_subject_status("ghost", SubjectStatus::Restricted, audit("subject.restrict", "subject:ghost")).await;
    assert_eq!(none.unwrap(), None);
    // A cancelled account is erased, never given a status.
    let cancel = s.set_subject_status("u1", SubjectStatus::Cancelled, audit("subject.cancel", "")).await;
    assert!(matches!(cancel, Err(StoreError::Conflict(_))), "{cancel:?}");
    // A later profile update does not reset the status.
    let got3 = s.put_subject(new, audit("subject.register", "subject:u1")).await.unwrap();
    assert_eq!(got3.status, SubjectStatus::Restricted);
    // A starting instance reads what decisions need of it (status, age, pseudonym), as stored.
    let page = s.load_page("", 10, i64::MAX).await.unwrap();
    let state = page.iter().find(|(st, _)| st.id == "u1").map(|(st, _)| st.clone());
    assert_eq!(state, Some(SubjectState::from(&got3)));

    // The registrations of a batch follow each other in pseudonym order (its first 8 hex
    // digits count up, from a random start): a bulk import writes the indexes on
    // pseudonyms in order instead of all over them. The rest stays keyed and random.
    let batch: Vec<_> = (0..20).map(|i| (subject(&format!("o{i}")), audit("subject.register", ""))).collect();
    assert_eq!(s.put_subjects(batch).await.unwrap(), 20);
    let mut orders = Vec::new();
    for i in 0..20 {
        let p = s.subject(&format!("o{i}")).await.unwrap().unwrap().pseudonym;
        assert!(p.len() == 26 && p.starts_with("p_"), "{p}");
        orders.push((u32::from_str_radix(&p[2..10], 16).unwrap(), p[10..].to_owned()));
    }
    for pair in orders.windows(2) {
        // One apart, or a few where another registration came between (wrapping at 2³²).
        assert!((1..1000).contains(&pair[1].0.wrapping_sub(pair[0].0)), "{orders:?}");
        assert_ne!(pair[0].1, pair[1].1);
    }

    // Another master key cannot even find the subject (its key is a keyed hash of the id),
    // nor verify the chains.
    let other = gebao_store::open(&env.url, Keys::from_master(&[7; 32])).await.unwrap();
    assert_eq!(other.subject("u1").await.unwrap(), None);
    assert!(!other.verify(None).await.unwrap().is_intact());
    assert!(s.verify(None).await.unwrap().is_intact());
}

async fn consent_ledger(env: Env) {
    let s = &env.store;
    register(s.as_ref(), 3).await;
    let audit_before = s.audit_after(0, 1000).await.unwrap().len();
    let first = s
        .append_consents(vec![
            consent("s0", "recommend", ConsentAction::Grant, T0),
            consent("s1", "recommend", ConsentAction::Grant, T0 + 1),
            consent("s0", "recommend", ConsentAction::Withdraw, T0 + 2),
        ])
        .await
        .unwrap();
    assert_eq!(first.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(first[0].prev_hash, GENESIS);
    assert_eq!(first[1].prev_hash, first[0].hash);
    let second = s.append_consents(grants(2, 2, T0 + 10)).await.unwrap();
    assert_eq!(second.iter().map(|r| r.seq).collect::<Vec<_>>(), [4, 5]);
    assert_eq!(second[0].prev_hash, first[2].hash);
    assert!(s.append_consents(Vec::new()).await.unwrap().is_empty());

    let all = s.consents_after(0, 100).await.unwrap();
    assert_eq!(all.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert_eq!(all[..3], first[..], "what is read back is what was returned");
    let page = s.consents_after(2, 2).await.unwrap();
    assert_eq!(page.iter().map(|r| r.seq).collect::<Vec<_>>(), [3, 4]);
    let s0 = s.consents_of("s0").await.unwrap();
    assert_eq!(
        s0.iter().map(|r| (r.seq, r.record.action)).collect::<Vec<_>>(),
        [(1, ConsentAction::Grant), (3, ConsentAction::Withdraw), (4, ConsentAction::Grant)]
    );
    assert!(s.consents_of("nobody").await.unwrap().is_empty());

    // A starting instance's pages: every subject with its records up to the ledger seq given.
    let page = s.load_page("", 100, i64::MAX).await.unwrap();
    let shape: BTreeMap<String, Vec<i64>> =
        page.iter().map(|(subj, rows)| (subj.id.clone(), rows.iter().map(|(seq, _)| *seq).collect())).collect();
    assert_eq!(shape, BTreeMap::from([("s0".into(), vec![1, 3, 4]), ("s1".into(), vec![2, 5]), ("s2".into(), vec![])]));
    for (state, rows) in &page {
        let ledger: Vec<_> = s.consents_of(&state.id).await.unwrap().iter().map(|r| (r.seq, r.to_engine())).collect();
        assert_eq!(rows, &ledger, "{}: each record as the ledger holds it", state.id);
    }
    let upto: Vec<usize> = s.load_page("", 100, 3).await.unwrap().iter().map(|(_, rows)| rows.len()).collect();
    assert_eq!(upto, [2, 1, 0], "records after the position are left to the change feed");
    let order: Vec<&str> = page.iter().map(|(subj, _)| subj.pseudonym.as_str()).collect();
    assert!(order.is_sorted(), "pages by pseudonym: {order:?}");
    let next = s.load_page(order[0], 1, i64::MAX).await.unwrap();
    assert_eq!(next[0].0.pseudonym, order[1], "the page after a pseudonym starts past it");
    assert_eq!(s.positions().await.unwrap().0, 5);

    // One audit entry per consent, in the same order.
    let log = s.audit_after(audit_before as i64, 1000).await.unwrap();
    assert_eq!(log.len(), 5);
    // The ledger and the audit log name the subject by its pseudonym, never by its id.
    let p0 = s.subject("s0").await.unwrap().unwrap().pseudonym;
    assert_eq!(
        (log[2].entry.action.to_string().as_str(), log[2].entry.target.as_str()),
        ("consent.withdraw", format!("subject:{p0}").as_str())
    );
    assert_eq!(env.raw.int("SELECT COUNT(*) FROM consents WHERE subject = 's0'").await, 0);
    assert_eq!(log[2].entry.detail["seq"], 3);
    assert!(s.verify(None).await.unwrap().is_intact());
}

async fn failed_batch_writes_nothing(env: Env) {
    let s = &env.store;
    register(s.as_ref(), 1).await;
    s.append_consents(grants(2, 1, T0)).await.unwrap();
    let audit_before = s.audit_after(0, 1000).await.unwrap().len();
    let mut batch = grants(3, 1, T0 + 10);
    batch.push(consent("ghost", "recommend", ConsentAction::Grant, T0 + 20));
    match s.append_consents(batch).await {
        Err(StoreError::NotFound(m)) => assert!(m.contains("ghost"), "{m}"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_eq!(s.consents_after(0, 100).await.unwrap().len(), 2);
    assert_eq!(s.audit_after(0, 1000).await.unwrap().len(), audit_before);
    // The chain goes on from where it was.
    let next = s.append_consents(grants(1, 1, T0 + 30)).await.unwrap();
    assert_eq!(next[0].seq, 3);
    assert!(s.verify(None).await.unwrap().is_intact());
}

/// The figures count each subject once per scope, by its latest record and that record's
/// policy version, in the database.
async fn consent_figures(env: Env) {
    let s = &env.store;
    assert!(s.consent_figures().await.unwrap().is_empty(), "an empty ledger has no figures");
    register(s.as_ref(), 4).await;
    let at_v2 = |mut c: NewConsent| {
        c.policy_version = 2;
        c
    };
    s.append_consents(vec![
        consent("s0", "recommend", ConsentAction::Grant, T0),
        consent("s1", "recommend", ConsentAction::Grant, T0 + 1),
        consent("s2", "recommend", ConsentAction::Grant, T0 + 2),
        // s0 withdraws, s1 grants again under version 2: each counts once, by its latest.
        consent("s0", "recommend", ConsentAction::Withdraw, T0 + 3),
        at_v2(consent("s1", "recommend", ConsentAction::Grant, T0 + 4)),
        at_v2(consent("s3", "marketing", ConsentAction::Withdraw, T0 + 5)),
    ])
    .await
    .unwrap();
    let purpose = |p: &str| ConsentScope::Purpose { purpose: PurposeId(p.into()) };
    let figures: Vec<(ConsentScope, i64, i64, i64)> = s
        .consent_figures()
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.scope, f.policy_version, f.granted, f.withdrawn))
        .collect();
    assert_eq!(
        figures,
        [(purpose("marketing"), 2, 0, 1), (purpose("recommend"), 1, 1, 1), (purpose("recommend"), 2, 1, 0)]
    );
}

fn policy(major: bool, reconsent: &[&str]) -> NewPolicyVersion {
    NewPolicyVersion {
        manifest: "[app]\nname = \"示例\"\n".into(),
        effective: chrono::NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
        rendered: BTreeMap::from([
            ("zh-CN.md".into(), "# 隐私政策".into()),
            ("en.md".into(), "# Privacy policy".into()),
        ]),
        diff: serde_json::json!({"changes": [{"kind": "purpose-added", "id": "recommend"}]}),
        major,
        reconsent: reconsent.iter().map(|s| s.to_string()).collect(),
        published_ms: T0,
    }
}

async fn policy_versions(env: Env) {
    let s = &env.store;
    assert_eq!(s.latest_policy().await.unwrap(), None);
    assert!(s.policy_versions().await.unwrap().is_empty());
    let v1 = s.publish_policy(policy(false, &[]), audit("policy.publish", "")).await.unwrap();
    let v2 = s.publish_policy(policy(true, &["recommend"]), audit("policy.publish", "")).await.unwrap();
    assert_eq!((v1.version, v2.version), (1, 2));
    assert_eq!(s.policy_version(1).await.unwrap(), Some(v1.clone()));
    assert_eq!(s.policy_version(9).await.unwrap(), None);
    assert_eq!(s.latest_policy().await.unwrap(), Some(v2.clone()));
    let metas = s.policy_versions().await.unwrap();
    assert_eq!(metas.iter().map(|m| (m.version, m.major)).collect::<Vec<_>>(), [(1, false), (2, true)]);
    assert_eq!(metas[1].reconsent, ["recommend"]);
    let log = s.audit_after(0, 10).await.unwrap();
    assert_eq!(log.iter().map(|a| a.entry.target.as_str()).collect::<Vec<_>>(), ["policy:1", "policy:2"]);
}

async fn audit_log(env: Env) {
    let s = &env.store;
    let a = s.append_audit(audit("admin.login", "cli")).await.unwrap();
    let b = s.append_audit(audit("config.change", "server")).await.unwrap();
    assert_eq!((a.seq, b.seq), (1, 2));
    assert_eq!((a.prev_hash.as_str(), b.prev_hash.as_str()), (GENESIS, a.hash.as_str()));
    let log = s.audit_after(0, 10).await.unwrap();
    assert_eq!(log, vec![a.clone(), b]);
    assert_eq!(s.audit_after(1, 10).await.unwrap().len(), 1);
    assert_eq!(s.audit_after(0, 0).await.unwrap().len(), 0);
    let r = s.verify(None).await.unwrap();
    assert!(r.is_intact(), "{r:?}");
    assert_eq!((r.audit.records, r.consents.records), (2, 0));
}

async fn tamper_consents(env: Env) {
    let s = &env.store;
    register(s.as_ref(), 2).await;
    s.append_consents(grants(5, 2, T0)).await.unwrap();
    assert!(s.verify(None).await.unwrap().is_intact());
    assert_eq!(env.raw.exec("UPDATE consents SET action = 'withdraw' WHERE seq = 3").await, 1);
    let r = s.verify(None).await.unwrap();
    assert_eq!(r.consents.first_broken, Some(3), "{r:?}");
    assert_eq!(r.consents.records, 5);
    assert!(r.consents.reason.is_some());
    assert!(r.audit.is_intact(), "{r:?}");
}

async fn tamper_consents_evidence_and_tail(env: Env) {
    let s = &env.store;
    register(s.as_ref(), 1).await;
    s.append_consents(grants(4, 1, T0)).await.unwrap();
    env.raw.exec(r#"UPDATE consents SET evidence = '{"ui":"forged"}' WHERE seq = 2"#).await;
    assert_eq!(s.verify(None).await.unwrap().consents.first_broken, Some(2));
    env.raw.exec("DELETE FROM consents WHERE seq >= 2").await;
    // Deleting the end of the chain is caught through the recorded chain head.
    let r = s.verify(None).await.unwrap();
    assert_eq!(r.consents.first_broken, Some(2), "{r:?}");
}

async fn tamper_audit(env: Env) {
    let s = &env.store;
    for i in 0..4 {
        s.append_audit(audit("admin.action", &format!("thing:{i}"))).await.unwrap();
    }
    env.raw.exec("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2").await;
    let r = s.verify(None).await.unwrap();
    assert_eq!(r.audit.first_broken, Some(2), "{r:?}");
    assert_eq!(r.audit.records, 4);
    assert!(r.consents.is_intact());
}

fn incident(id: &str, found_ms: i64) -> incident::Incident {
    incident::Incident {
        id: id.into(),
        version: 1,
        title: "撞库攻击".into(),
        grade: gebao_core::incidents::Grade::Major,
        occurred_ms: None,
        found_ms,
        opened_ms: found_ms,
        affected: 1200,
        minors: false,
        description: "登录接口遭撞库".into(),
        notice: Default::default(),
        reports: Vec::new(),
        closed_ms: None,
        public_notice_ms: None,
        updated_ms: found_ms,
    }
}

fn step(version: i64, kind: &str) -> incident::IncidentEvent {
    incident::IncidentEvent {
        version,
        at_ms: T0,
        actor: "cli:test".into(),
        kind: kind.into(),
        detail: serde_json::json!({}),
    }
}

/// An incident is written with its event and audit entry; a change made on an older version
/// is refused and writes nothing; the open list leaves closed ones out.
async fn incidents(env: Env) {
    let s = &env.store;
    s.create_incident(incident("inc_a", T0), step(1, "opened"), audit("incident.open", "incident:inc_a"))
        .await
        .unwrap();
    s.create_incident(incident("inc_b", T0 + 1000), step(1, "opened"), audit("incident.open", "incident:inc_b"))
        .await
        .unwrap();
    let again = s.create_incident(incident("inc_a", T0), step(1, "opened"), audit("incident.open", "x")).await;
    assert!(again.is_err(), "the same id twice");

    let mut next = incident("inc_a", T0);
    next.version = 2;
    next.reports.push(incident::Report {
        kind: incident::ReportKind::Initial,
        at_ms: T0 + 3_600_000,
        to: "北京市互联网信息办公室".into(),
        reference: Some("BJ-1".into()),
    });
    assert!(
        s.change_incident(1, next.clone(), step(2, "reported"), audit("incident.report", "incident:inc_a"))
            .await
            .unwrap()
    );
    // The same change again was made on version 1: refused, nothing written.
    let audit_before = s.audit_after(0, 1000).await.unwrap().len();
    assert!(!s.change_incident(1, next.clone(), step(2, "reported"), audit("incident.report", "x")).await.unwrap());
    assert_eq!(s.audit_after(0, 1000).await.unwrap().len(), audit_before);

    let (stored, events) = s.incident("inc_a").await.unwrap().unwrap();
    assert_eq!(stored, next);
    assert_eq!(events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["opened", "reported"]);
    let mut closed = next.clone();
    closed.version = 3;
    closed.closed_ms = Some(T0 + 7_200_000);
    assert!(s.change_incident(2, closed, step(3, "closed"), audit("incident.close", "incident:inc_a")).await.unwrap());
    let open: Vec<String> = s.incidents(true, 10).await.unwrap().into_iter().map(|i| i.id).collect();
    assert_eq!(open, ["inc_b"]);
    let all: Vec<String> = s.incidents(false, 10).await.unwrap().into_iter().map(|i| i.id).collect();
    assert_eq!(all, ["inc_b", "inc_a"], "the most recently found first");
    assert!(s.incident("inc_x").await.unwrap().is_none());
    assert!(s.verify(None).await.unwrap().audit.is_intact());
}

async fn migrate_is_idempotent(env: Env) {
    env.store.migrate().await.unwrap();
    env.store.migrate().await.unwrap();
    env.store.ping().await.unwrap();
    let engine = env.store.engine();
    assert_eq!(engine, if env.kind == Kind::Sqlite { Engine::Sqlite } else { Engine::Postgres });
}

gebao_testkit::on_both_engines!(crate::common::run;
    api_keys,
    subjects,
    consent_ledger,
    consent_figures,
    failed_batch_writes_nothing,
    policy_versions,
    audit_log,
    tamper_consents,
    tamper_consents_evidence_and_tail,
    tamper_audit,
    migrate_is_idempotent,
    incidents,
);
