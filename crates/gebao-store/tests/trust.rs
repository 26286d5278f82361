//! What the store must never allow, on SQLite and PostgreSQL: evidence rewritten by someone
//! who can write the database (and recomputes hashes), state rows edited behind gebao's
//! back, erased data left in the files, a change that other instances do not hear of.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use gebao_core::decision::{ConsentAction, SubjectStatus};
use gebao_store::anchor::Checkpoint;
use gebao_store::crypto::Keys;
use gebao_store::*;
use sha2::{Digest, Sha256};

fn key(id: &str, secret: u8, scopes: Vec<Scope>) -> NewApiKey {
    NewApiKey { id: id.into(), name: format!("{id} name"), hash: [secret; 32], scopes, created_ms: T0 }
}

/// What a forger without the master key can compute: the chain's old, unkeyed hash.
fn plain_sha(prev: &str, content: &str) -> String {
    let mut d = Sha256::new();
    d.update(prev.as_bytes());
    d.update(content.as_bytes());
    hex::encode(d.finalize())
}

/// A forger edits the last consent and recomputes its hash and the head, as the review's
/// script did: the keyed chain finds it.
async fn recomputed_forgery_is_found(env: Env) {
    let s = &env.store;
    register(s.as_ref(), 1).await;
    s.append_consents(grants(3, 1, T0)).await.unwrap();
    let prev: String = {
        let rows = s.consents_after(0, 10).await.unwrap();
        rows[2].prev_hash.clone()
    };
    let forged = plain_sha(&prev, "{\"action\":\"withdraw\"}");
    env.raw.exec(&format!("UPDATE consents SET action = 'withdraw', hash = '{forged}' WHERE seq = 3")).await;
    env.raw.exec(&format!("UPDATE chain_heads SET hash = '{forged}' WHERE chain = 'consents'")).await;
    let r = s.verify(None).await.unwrap();
    assert_eq!(r.consents.first_broken, Some(3), "{r:?}");
}

/// The last record deleted and the head moved back to the record before it (genuine values
/// from the table, but no MAC for them): found.
async fn head_moved_back_is_found(env: Env) {
    let s = &env.store;
    register(s.as_ref(), 1).await;
    let rows = s.append_consents(grants(3, 1, T0)).await.unwrap();
    env.raw.exec("DELETE FROM consents WHERE seq = 3").await;
    env.raw.exec(&format!("UPDATE chain_heads SET seq = 2, hash = '{}' WHERE chain = 'consents'", rows[1].hash)).await;
    let r = s.verify(None).await.unwrap();
    assert!(!r.consents.is_intact(), "{r:?}");
}

/// A head row saved earlier and put back after deleting newer records verifies by itself;
/// the external anchor finds it.
async fn rolled_back_head_is_found_by_the_anchor(env: Env) {
    let s = &env.store;
    register(s.as_ref(), 1).await;
    s.append_consents(grants(2, 1, T0)).await.unwrap();
    let saved = env.raw.text("SELECT mac FROM chain_heads WHERE chain = 'consents'").await;
    let saved_hash = env.raw.text("SELECT hash FROM chain_heads WHERE chain = 'consents'").await;
    s.append_consents(grants(2, 1, T0 + 10)).await.unwrap();
    let anchor: Vec<Checkpoint> = s.chain_heads().await.unwrap();
    assert!(s.verify(Some(&anchor)).await.unwrap().is_intact());
    env.raw.exec("DELETE FROM consents WHERE seq > 2").await;
    env.raw
        .exec(&format!(
            "UPDATE chain_heads SET seq = 2, hash = '{saved_hash}', mac = '{saved}' WHERE chain = 'consents'"
        ))
        .await;
    assert!(s.verify(None).await.unwrap().consents.is_intact(), "without the anchor the rollback is invisible");
    let r = s.verify(Some(&anchor)).await.unwrap();
    let problem = r.anchor.as_ref().and_then(|a| a.problem.clone()).unwrap_or_default();
    assert!(problem.contains("consents record 4"), "{r:?}");
    assert!(!r.is_intact());
}

/// Un-revoking a key, or giving it more scopes, in the database: the key is refused when
/// used, and verify names it.
async fn api_key_edits_are_refused_and_reported(env: Env) {
    let s = &env.store;
    s.create_api_key(key("k1", 1, vec![Scope::DecisionsRead]), audit("key.create", "")).await.unwrap();
    s.create_api_key(key("k2", 2, vec![Scope::DecisionsRead]), audit("key.create", "")).await.unwrap();
    assert!(s.revoke_api_key("k1", audit("key.revoke", "")).await.unwrap());
    assert_eq!(s.api_key_by_hash(&[1; 32]).await.unwrap(), None);
    assert!(s.verify(None).await.unwrap().is_intact());

    env.raw.exec("UPDATE api_keys SET revoked_ms = NULL WHERE id = 'k1'").await;
    assert!(matches!(s.api_key_by_hash(&[1; 32]).await, Err(StoreError::Tampered(_))));
    env.raw.exec(r#"UPDATE api_keys SET scopes = '["decisions:read","keys:admin"]' WHERE id = 'k2'"#).await;
    assert!(matches!(s.api_key_by_hash(&[2; 32]).await, Err(StoreError::Tampered(_))));
    let r = s.verify(None).await.unwrap();
    let targets: Vec<&str> = r.state.problems.iter().map(|p| p.target.as_str()).collect();
    assert_eq!(targets, ["key:k1", "key:k2"], "{r:?}");
    assert!(!r.is_intact());
}

/// A staff account's role raised, its password hash replaced or its disabling undone in the
/// database: the account is refused when read (signing in) and verify names it; a code
/// step is taken once.
async fn staff_edits_are_refused_and_reported(env: Env) {
    use gebao_store::staff::{NewStaff, StaffRole, TotpSecret};
    let s = &env.store;
    let new = |name: &str, role| NewStaff {
        name: name.into(),
        display_name: format!("{name} 同事"),
        role,
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA${name}"),
        totp_secret: TotpSecret(vec![7; 20]),
        at_ms: T0,
    };
    s.create_staff(new("wang", StaffRole::Support), audit("staff.add", "")).await.unwrap();
    s.create_staff(new("zhao", StaffRole::Auditor), audit("staff.add", "")).await.unwrap();
    s.create_staff(new("qian", StaffRole::Support), audit("staff.add", "")).await.unwrap();
    assert!(matches!(
        s.create_staff(new("wang", StaffRole::Admin), audit("staff.add", "")).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(s.disable_staff("qian", audit("staff.disable", "")).await.unwrap());
    assert!(!s.disable_staff("qian", audit("staff.disable", "")).await.unwrap());
    let creds = s.staff_credentials("wang").await.unwrap().unwrap();
    assert_eq!((creds.account.role, creds.totp_secret.0.clone()), (StaffRole::Support, vec![7; 20]));
    assert!(s.staff_signed_in("wang", 100, audit("staff.login", "")).await.unwrap());
    assert!(!s.staff_signed_in("wang", 100, audit("staff.login", "")).await.unwrap(), "a step is used once");
    assert!(!s.staff_signed_in("wang", 99, audit("staff.login", "")).await.unwrap(), "an older step neither");
    assert!(s.verify(None).await.unwrap().is_intact());
    // The secret is not in the database in clear.
    let stored = env.raw.bytes("SELECT totp_secret FROM staff WHERE name = 'wang'").await.unwrap();
    assert!(!stored.windows(20).any(|w| w == [7; 20]));

    env.raw.exec("UPDATE staff SET role = 'privacy-officer' WHERE name = 'wang'").await;
    env.raw.exec("UPDATE staff SET password_hash = 'x' WHERE name = 'zhao'").await;
    env.raw.exec("UPDATE staff SET disabled_ms = NULL WHERE name = 'qian'").await;
    for name in ["wang", "zhao", "qian"] {
        assert!(matches!(s.staff_credentials(name).await, Err(StoreError::Tampered(_))), "{name}");
    }
    let r = s.verify(None).await.unwrap();
    let targets: Vec<&str> = r.state.problems.iter().map(|p| p.target.as_str()).collect();
    assert_eq!(targets, ["staff:qian", "staff:wang", "staff:zhao"], "{r:?}");
}

/// A subject's status edited, a policy version rewritten, a subject row deleted or slipped
/// in: each found.
async fn state_edits_are_reported(env: Env) {
    let s = &env.store;
    let a = s.put_subject(subject("a"), audit("subject.register", "")).await.unwrap();
    let b = s.put_subject(subject("b"), audit("subject.register", "")).await.unwrap();
    s.set_subject_status("a", SubjectStatus::Restricted, audit("subject.restrict", "")).await.unwrap();
    let v = NewPolicyVersion { manifest: "[controller]".into(), ..bare_policy() };
    s.publish_policy(v, audit("policy.publish", "")).await.unwrap();
    assert!(s.verify(None).await.unwrap().is_intact());

    env.raw.exec("UPDATE subjects SET status = 'active' WHERE id = 'a'").await;
    env.raw.exec("UPDATE policy_versions SET manifest = '[controller] # rewritten' WHERE version = 1").await;
    env.raw.exec("DELETE FROM subjects WHERE id = 'b'").await;
    let r = s.verify(None).await.unwrap();
    let mut targets: Vec<String> = r.state.problems.iter().map(|p| p.target.clone()).collect();
    targets.sort();
    let mut want = vec![format!("subject:{}", a.pseudonym), format!("subject:{}", b.pseudonym), "policy:1".to_owned()];
    want.sort();
    assert_eq!(targets, want, "{r:?}");
}

/// Past the first page of verify's reads (2,000 rows): the first subject registered is
/// updated after the batch and one late in it restricted after that, so their last states
/// lie pages beyond their first; one deep in the log is deleted from the table. Only the
/// deleted one is reported.
async fn state_checks_span_pages(env: Env) {
    let s = &env.store;
    let batch = (0..4500).map(|i| (subject(&format!("s{i}")), audit("subject.register", ""))).collect();
    s.put_subjects(batch).await.unwrap();
    let mut moved = subject("s0");
    moved.age = Some(30);
    s.put_subject(moved, audit("subject.update", "")).await.unwrap();
    s.set_subject_status("s4400", SubjectStatus::Restricted, audit("subject.restrict", "")).await.unwrap();
    let before = s.verify(None).await.unwrap();
    assert!(before.is_intact(), "{before:?}");
    assert_eq!(before.state.rows, 4500);

    let gone = s.subject("s3100").await.unwrap().unwrap();
    env.raw.exec("DELETE FROM subjects WHERE id = 's3100'").await;
    let r = s.verify(None).await.unwrap();
    let targets: Vec<&str> = r.state.problems.iter().map(|p| p.target.as_str()).collect();
    assert_eq!(targets, [format!("subject:{}", gone.pseudonym)], "{r:?}");
    assert_eq!(r.state.rows, 4499);
}

/// Erasing a subject keeps every chain intact (the ledger never held the id; the evidence
/// digest stays), drops the evidence, and leaves a tombstone; the change feed announces it.
async fn erasure_keeps_the_proof(env: Env) {
    let s = &env.store;
    let mut u = subject("victim-7f3a9c");
    u.phone = Some("13912345678".into());
    u.birth_date = chrono::NaiveDate::from_ymd_opt(1990, 5, 17);
    s.put_subject(u, audit("subject.register", "")).await.unwrap();
    let mut c = consent("victim-7f3a9c", "recommend", ConsentAction::Grant, T0);
    c.evidence = serde_json::json!({"shown": "政策 v1", "phone": "13912345678"});
    s.append_consents(vec![c]).await.unwrap();
    let before = s.changes_after(0, 100).await.unwrap().len();
    let out = s.erase_subject("victim-7f3a9c", audit("subject.erase", "")).await.unwrap();
    assert!(matches!(out, Some(SubjectOutcome::Erased { .. })));
    let r = s.verify(None).await.unwrap();
    assert!(r.is_intact(), "{r:?}");
    let ledger = s.consents_after(0, 10).await.unwrap();
    assert_eq!((ledger[0].record.evidence.clone(), ledger[0].subject_key), (serde_json::Value::Null, None));
    assert!(ledger[0].record.subject.starts_with("p_"));
    let changes = s.changes_after(0, 100).await.unwrap();
    assert_eq!(changes.len(), before + 1);
    assert_eq!(changes.last().unwrap().change, ChangeKind::Subject(keys().subject_key("victim-7f3a9c")));
    assert!(s.load_page("", 10, i64::MAX).await.unwrap().is_empty());
    let tombstones = s.tombstones_after(&gebao_store::crypto::SubjectKey([0; 16]), 10).await.unwrap();
    assert_eq!(tombstones.len(), 1);
    if env.kind == Kind::Sqlite {
        // The bytes are gone from the file and its WAL, not just hidden.
        let path = env.url.trim_start_matches("sqlite://").to_owned();
        for needle in ["victim-7f3a9c", "13912345678", "1990-05-17"] {
            for file in [path.clone(), format!("{path}-wal")] {
                let bytes = std::fs::read(&file).unwrap_or_default();
                let hits = bytes.windows(needle.len()).filter(|w| *w == needle.as_bytes()).count();
                assert_eq!(hits, 0, "`{needle}` left {hits} times in {file}");
            }
        }
    }
}

/// Subjects, keys and policy versions announce themselves in the change feed, numbered in
/// commit order.
async fn change_feed(env: Env) {
    let s = &env.store;
    s.put_subject(subject("u1"), audit("subject.register", "")).await.unwrap();
    s.create_api_key(key("k1", 1, vec![Scope::DecisionsRead]), audit("key.create", "")).await.unwrap();
    s.revoke_api_key("k1", audit("key.revoke", "")).await.unwrap();
    s.set_subject_status("u1", SubjectStatus::Restricted, audit("subject.restrict", "")).await.unwrap();
    let all = s.changes_after(0, 100).await.unwrap();
    let k = keys().subject_key("u1");
    assert_eq!(all.iter().map(|c| c.seq).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(
        all.iter().map(|c| c.change.clone()).collect::<Vec<_>>(),
        [
            ChangeKind::Subject(k),
            ChangeKind::ApiKey("k1".into()),
            ChangeKind::ApiKey("k1".into()),
            ChangeKind::Subject(k)
        ]
    );
    assert_eq!(s.changes_after(3, 100).await.unwrap().len(), 1);
    // The feed names subjects by keyed hash, never by id.
    assert_eq!(env.raw.int("SELECT COUNT(*) FROM changes WHERE key LIKE '%u1%'").await, 0);
}

/// The change feed is pruned as a prefix: the changes older than the cut-off are deleted
/// up to the first one younger, so what is kept has no holes; the newest is always kept and
/// numbering goes on from it; `first_change` tells a reader what it can no longer read.
async fn change_feed_is_pruned_as_a_prefix(env: Env) {
    let s = &env.store;
    assert_eq!(s.prune_changes(i64::MAX).await.unwrap(), 0, "an empty feed");
    assert_eq!(s.first_change().await.unwrap(), 0);
    for id in ["u1", "u2", "u3", "u4"] {
        s.put_subject(subject(id), audit("subject.register", "")).await.unwrap();
    }
    // Recorded at 1000, 5000, 2000 and 1000: the third is old but after a young one.
    for (seq, at) in [(1, 1000), (2, 5000), (3, 2000), (4, 1000)] {
        env.raw.exec(&format!("UPDATE changes SET at_ms = {at} WHERE seq = {seq}")).await;
    }
    assert_eq!(s.prune_changes(3000).await.unwrap(), 1);
    assert_eq!(s.first_change().await.unwrap(), 2);
    let seqs = |v: Vec<gebao_store::Change>| v.iter().map(|c| c.seq).collect::<Vec<_>>();
    assert_eq!(seqs(s.changes_after(0, 10).await.unwrap()), [2, 3, 4]);
    assert_eq!(s.prune_changes(10_000).await.unwrap(), 2, "all but the newest");
    assert_eq!(seqs(s.changes_after(0, 10).await.unwrap()), [4]);
    assert_eq!(s.prune_changes(10_000).await.unwrap(), 0);
    s.put_subject(subject("u5"), audit("subject.register", "")).await.unwrap();
    assert_eq!(seqs(s.changes_after(0, 10).await.unwrap()), [4, 5]);
    assert_eq!(s.first_change().await.unwrap(), 4);
    assert!(s.verify(None).await.unwrap().is_intact());
}

/// Another master key sees a forged chain: the key is what makes the hashes.
async fn another_key_cannot_vouch(env: Env) {
    let s = &env.store;
    register(s.as_ref(), 1).await;
    s.append_consents(grants(2, 1, T0)).await.unwrap();
    let other = gebao_store::open(&env.url, Keys::from_master(&[9; 32])).await.unwrap();
    assert!(!other.verify(None).await.unwrap().consents.is_intact());
}

gebao_testkit::on_both_engines!(crate::common::run;
    recomputed_forgery_is_found,
    head_moved_back_is_found,
    rolled_back_head_is_found_by_the_anchor,
    api_key_edits_are_refused_and_reported,
    staff_edits_are_refused_and_reported,
    state_edits_are_reported,
    state_checks_span_pages,
    erasure_keeps_the_proof,
    change_feed,
    change_feed_is_pruned_as_a_prefix,
    another_key_cannot_vouch,
    portal_links_are_single_use_and_short_lived,
    portal_codes_are_limited_counted_and_single_use,
    impact_assessments_are_versions_and_edits_are_reported,
);

/// An impact assessment is appended as the next version of its id; a record edited or
/// deleted in the database is named by verify (PIPL 56: kept, as made, three years).
async fn impact_assessments_are_versions_and_edits_are_reported(env: Env) {
    let s = &env.store;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let record = |risk: &str| pia::PiaRecord {
        id: "pia-push".into(),
        version: 0,
        trigger: "recipient:push-sdk".into(),
        title: "委托处理 · 推送".into(),
        title_en: "Entrusting · push".into(),
        assessed: day,
        risk: risk.into(),
        assessor: "张三".into(),
        conclusions: pia::Conclusions {
            lawfulness: "合法".into(), impact: "较小".into(), measures: "加密".into()
        },
        summary: None,
        draft: Vec::new(),
        policy_version: 1,
        keep_until: chrono::NaiveDate::from_ymd_opt(2029, 11, 30).unwrap(),
        created_ms: T0,
        created_by: "key:k1".into(),
    };
    let a = s.record_pia(record("low"), audit("pia.record", "")).await.unwrap();
    let b = s.record_pia(record("high"), audit("pia.record", "")).await.unwrap();
    assert_eq!((a.version, b.version), (1, 2));
    let all = s.pia_records(Some("pia-push")).await.unwrap();
    assert_eq!(all.iter().map(|r| (r.version, r.risk.as_str())).collect::<Vec<_>>(), [(1, "low"), (2, "high")]);
    assert!(s.verify(None).await.unwrap().is_intact());

    env.raw
        .exec("UPDATE pia_records SET body = REPLACE(body, '\"high\"', '\"low\"') WHERE record = 'pia-push:2'")
        .await;
    env.raw.exec("DELETE FROM pia_records WHERE record = 'pia-push:1'").await;
    let r = s.verify(None).await.unwrap();
    let targets: Vec<&str> = r.state.problems.iter().map(|p| p.target.as_str()).collect();
    assert_eq!(targets, ["pia:pia-push:2", "pia:pia-push:1"], "{r:?}");
}

/// Two instances starting together on an empty PostgreSQL publish exactly one version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_version_is_published_once() {
    run_pg(|url| async move {
        let a = SqlStore::open(&url, keys()).await.unwrap();
        let b = SqlStore::open(&url, keys()).await.unwrap();
        a.migrate().await.unwrap();
        b.migrate().await.unwrap();
        let v = bare_policy();
        let (x, y) = tokio::join!(
            a.publish_first_policy(v.clone(), audit("policy.publish", "")),
            b.publish_first_policy(v, audit("policy.publish", ""))
        );
        let published = [x.unwrap(), y.unwrap()].into_iter().flatten().count();
        assert_eq!(published, 1);
        assert_eq!(a.policy_versions().await.unwrap().len(), 1);
        a.close().await;
        b.close().await;
    })
    .await;
}

fn link_audit() -> NewAudit {
    audit("portal.link", "subject-key:test")
}

/// A privacy-centre sign-in link works once, only before it expires, and goes with the
/// subject's erasure; two takers at once: one wins.
async fn portal_links_are_single_use_and_short_lived(env: Env) {
    let s = &env.store;
    s.put_subject(subject("u-link"), audit("subject.register", "")).await.unwrap();
    let key = keys().subject_key("u-link");
    let (a, b, c) = ([1u8; 32], [2u8; 32], [3u8; 32]);
    s.create_portal_link(&a, &key, T0 + 600_000, link_audit()).await.unwrap();
    s.create_portal_link(&b, &key, T0 + 600_000, link_audit()).await.unwrap();
    s.create_portal_link(&c, &key, T0 + 600_000, link_audit()).await.unwrap();
    assert_eq!(
        s.take_portal_link(&[9u8; 32], T0 + 1, audit("portal.sign-in", "")).await.unwrap(),
        None,
        "an unknown link"
    );
    let (x, y) = tokio::join!(
        s.take_portal_link(&a, T0 + 1, audit("portal.sign-in", "")),
        s.take_portal_link(&a, T0 + 1, audit("portal.sign-in", ""))
    );
    let won: Vec<_> = [x.unwrap(), y.unwrap()].into_iter().flatten().collect();
    assert_eq!(won, vec![key], "exactly one of two simultaneous uses succeeds");
    assert_eq!(s.take_portal_link(&a, T0 + 2, audit("portal.sign-in", "")).await.unwrap(), None, "a used link");
    assert_eq!(
        s.take_portal_link(&b, T0 + 600_000, audit("portal.sign-in", "")).await.unwrap(),
        None,
        "an expired link"
    );
    s.erase_subject("u-link", audit("subject.erase", "")).await.unwrap();
    assert_eq!(
        s.take_portal_link(&c, T0 + 3, audit("portal.sign-in", "")).await.unwrap(),
        None,
        "a link of an erased subject"
    );
    let rows = env.raw.int("SELECT COUNT(*) FROM portal_links").await;
    assert_eq!(rows, 0, "the erased subject's links are deleted");
    let signed_in = env.raw.int("SELECT COUNT(*) FROM audit_log WHERE action = 'portal.sign-in'").await;
    assert_eq!(signed_in, 1, "the one use is audited");
}

/// A privacy-centre sign-in code: limits per contact point and per address, five tries,
/// once, before it expires, audited under the pseudonym, and gone with the subject.
async fn portal_codes_are_limited_counted_and_single_use(env: Env) {
    use gebao_store::portal::{CodeCheck, CodeIssued, CodeLimits, NewPortalCode};
    let s = &env.store;
    let subject = s.put_subject(subject("u-code"), audit("subject.register", "")).await.unwrap();
    let key = subject.key;
    let limits = CodeLimits { window_ms: 900_000, per_contact: 2, per_client: 3 };
    let code = |n: u8, contact: u8, client: u8, known: bool| NewPortalCode {
        challenge_hash: [n; 32],
        contact_index: [contact; 32],
        client_hash: [client; 32],
        code: known.then_some((key, [100 + n; 32])),
        created_ms: T0,
        expires_ms: T0 + 600_000,
    };
    let sent = |n: u8| {
        let mut a = audit("portal.code", "");
        a.detail = serde_json::json!({ "n": n });
        Some(a)
    };
    let at = |ms: i64| {
        let mut a = audit("portal.sign-in", "");
        a.at_ms = ms;
        a
    };
    assert_eq!(s.issue_portal_code(code(1, 1, 1, true), limits, vec![], sent(1)).await.unwrap(), CodeIssued::Kept);
    assert_eq!(s.issue_portal_code(code(2, 1, 1, true), limits, vec![], sent(2)).await.unwrap(), CodeIssued::Kept);
    assert_eq!(s.issue_portal_code(code(3, 1, 2, true), limits, vec![], sent(3)).await.unwrap(), CodeIssued::Limited);
    assert_eq!(s.issue_portal_code(code(4, 2, 1, false), limits, vec![], None).await.unwrap(), CodeIssued::Kept);
    assert_eq!(s.issue_portal_code(code(5, 3, 1, false), limits, vec![], None).await.unwrap(), CodeIssued::Limited);
    assert_eq!(env.raw.int("SELECT COUNT(*) FROM portal_codes").await, 3);

    // Wrong four times, then right: in; then used.
    for left in (1..=4).rev() {
        assert_eq!(s.check_portal_code(&[1; 32], &[0; 32], 5, at(T0 + 1)).await.unwrap(), CodeCheck::Wrong { left });
    }
    assert_eq!(s.check_portal_code(&[1; 32], &[101; 32], 5, at(T0 + 1)).await.unwrap(), CodeCheck::SignedIn(key));
    assert_eq!(s.check_portal_code(&[1; 32], &[101; 32], 5, at(T0 + 2)).await.unwrap(), CodeCheck::Unknown);
    // Five wrong: locked, even the right code.
    for _ in 0..4 {
        s.check_portal_code(&[2; 32], &[0; 32], 5, at(T0 + 1)).await.unwrap();
    }
    assert_eq!(s.check_portal_code(&[2; 32], &[0; 32], 5, at(T0 + 1)).await.unwrap(), CodeCheck::Locked);
    assert_eq!(s.check_portal_code(&[2; 32], &[102; 32], 5, at(T0 + 1)).await.unwrap(), CodeCheck::Locked);
    // An unknown contact point's row signs in no one; an expired code neither.
    assert_eq!(s.check_portal_code(&[4; 32], &[104; 32], 5, at(T0 + 1)).await.unwrap(), CodeCheck::Wrong { left: 4 });
    s.issue_portal_code(code(6, 4, 4, true), limits, vec![], sent(6)).await.unwrap();
    assert_eq!(s.check_portal_code(&[6; 32], &[106; 32], 5, at(T0 + 600_000)).await.unwrap(), CodeCheck::Expired);
    // Asked for at the same instant: still no more than the limit.
    let (a, b, c, d) = tokio::join!(
        s.issue_portal_code(code(20, 9, 20, false), limits, vec![], None),
        s.issue_portal_code(code(21, 9, 21, false), limits, vec![], None),
        s.issue_portal_code(code(22, 9, 22, false), limits, vec![], None),
        s.issue_portal_code(code(23, 9, 23, false), limits, vec![], None),
    );
    let kept = [a, b, c, d].into_iter().filter(|r| r.as_ref().unwrap() == &CodeIssued::Kept).count();
    assert_eq!(kept, 2, "two of four simultaneous codes for one contact point");
    let actions = env.raw.int("SELECT COUNT(*) FROM audit_log WHERE action IN ('portal.code', 'portal.sign-in')").await;
    assert_eq!(actions, 4, "three codes sent, one sign-in");
    let target = env.raw.text("SELECT target FROM audit_log WHERE action = 'portal.sign-in'").await;
    assert_eq!(target, format!("subject:{}", subject.pseudonym));
    s.erase_subject("u-code", audit("subject.erase", "")).await.unwrap();
    assert_eq!(env.raw.int("SELECT COUNT(*) FROM portal_codes WHERE subject_key IS NOT NULL").await, 0);
}
