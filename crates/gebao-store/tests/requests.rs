//! Rights requests, their events and the outbox, on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use gebao_core::requests::{RefusalReason, RequestKind, RequestState};
use gebao_store::crypto::ContactKind;
use gebao_store::*;
use serde_json::json;

const DAY: i64 = 86_400_000;

pub fn item(id: &str, request: Option<&str>, channel: Channel) -> NewOutbox {
    NewOutbox {
        id: id.into(),
        kind: OutboxKind::RecipientDeletion,
        channel,
        target: "http://127.0.0.1:9/hook".into(),
        payload: json!({"subject": "u1", "code": "123456"}),
        request_id: request.map(str::to_owned),
        recipient: Some("cloud".into()),
        dedupe: None,
        sensitive: false,
        max_attempts: 3,
        created_ms: T0,
    }
}

async fn request_lifecycle(env: Env) {
    let s = &env.store;
    register(s.as_ref(), 1).await;
    let r = new_request("r1", "s0", RequestKind::Correction, T0, T0 + 20 * DAY);
    let stored = s
        .create_request(
            r.clone(),
            event("received", None, RequestState::Received),
            audit("request.received", "request:r1"),
            vec![item("o1", Some("r1"), Channel::Webhook)],
        )
        .await
        .unwrap();
    assert_eq!(stored.version, 0);
    assert_eq!(s.request("r1").await.unwrap(), Some(r.clone()));
    let dup =
        s.create_request(r.clone(), event("received", None, RequestState::Received), audit("x", "y"), vec![]).await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");

    // Details are PI (a corrected phone number): never in clear in the database.
    let raw = env.raw.bytes("SELECT details_enc FROM requests WHERE id = 'r1'").await.unwrap();
    assert!(!raw.windows(11).any(|w| w == b"13900001111"));

    // Optimistic update.
    let mut next = stored.clone();
    next.state = RequestState::InProgress;
    next.verification.attempts = 2;
    next.verification.otp_hash = Some("h".into());
    next.progress.insert("main".into());
    let updated = s
        .update_request(
            next.clone(),
            event("identity-verified", Some(RequestState::Received), RequestState::InProgress),
            audit("request.identity-verified", "request:r1"),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(updated.version, 1);
    assert_eq!(s.request("r1").await.unwrap().unwrap(), updated);
    // A writer holding the old version loses.
    let stale = s.update_request(next, event("fail", None, RequestState::InProgress), audit("x", "y"), vec![]).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    let mut ghost = updated.clone();
    ghost.id = "nope".into();
    let missing = s.update_request(ghost, event("fail", None, RequestState::InProgress), audit("x", "y"), vec![]).await;
    assert!(matches!(missing, Err(StoreError::NotFound(_))), "{missing:?}");

    // Refusal, closed.
    let mut refused = updated.clone();
    refused.state = RequestState::Refused;
    refused.closed_ms = Some(T0 + DAY);
    refused.refusal = Some(Refusal {
        reason: RefusalReason::LegalRetention,
        explanation: "法定".into(),
        explanation_en: "legal".into(),
        remedy: "投诉".into(),
        remedy_en: "complain".into(),
        note: None,
    });
    let refused = s
        .update_request(
            refused,
            event("refuse", Some(RequestState::InProgress), RequestState::Refused),
            audit("request.refuse", "request:r1"),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(s.request("r1").await.unwrap().unwrap().refusal.unwrap().reason, RefusalReason::LegalRetention);

    let events = s.request_events("r1").await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.event.event.as_str()).collect::<Vec<_>>(),
        ["received", "identity-verified", "refuse"]
    );
    assert_eq!(events[1].event.from, Some(RequestState::Received));
    // Each write was audited with it; the failed ones were not.
    let log = s.audit_after(0, 100).await.unwrap();
    let actions: Vec<String> = log.iter().map(|a| a.entry.action.to_string()).collect();
    assert_eq!(actions, ["subject.register", "request.received", "request.identity-verified", "request.refuse"]);
    assert_eq!(s.outbox_of_request("r1").await.unwrap().len(), 1);
    assert_eq!(refused.version, 2);
    assert!(s.verify(None).await.unwrap().is_intact());
}

async fn request_listing(env: Env) {
    let s = &env.store;
    register(s.as_ref(), 2).await;
    for (i, (subject, kind, due)) in [
        ("s0", RequestKind::Access, 5),
        ("s0", RequestKind::Access, 3),
        ("s1", RequestKind::Deletion, 9),
        ("s0", RequestKind::Deletion, 1),
    ]
    .into_iter()
    .enumerate()
    {
        let r = new_request(&format!("r{i}"), subject, kind, T0 + i as i64 * DAY, T0 + due * DAY);
        s.create_request(r, event("received", None, RequestState::Received), audit("request.received", "r"), vec![])
            .await
            .unwrap();
    }
    let mut done = s.request("r3").await.unwrap().unwrap();
    done.state = RequestState::Completed;
    done.closed_ms = Some(T0);
    s.update_request(done, event("complete", None, RequestState::Completed), audit("c", "r"), vec![]).await.unwrap();

    let ids = |v: Vec<RightsRequest>| v.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let all = RequestFilter { limit: 100, ..Default::default() };
    assert_eq!(ids(s.list_requests(&all).await.unwrap()), ["r3", "r1", "r0", "r2"]);
    let open = RequestFilter { open: true, ..all.clone() };
    assert_eq!(ids(s.list_requests(&open).await.unwrap()), ["r1", "r0", "r2"]);
    let due = RequestFilter { due_before_ms: Some(T0 + 5 * DAY), ..open.clone() };
    assert_eq!(ids(s.list_requests(&due).await.unwrap()), ["r1", "r0"]);
    let st = RequestFilter { states: vec![RequestState::Completed], ..all.clone() };
    assert_eq!(ids(s.list_requests(&st).await.unwrap()), ["r3"]);
    let by = RequestFilter { subject: Some("s0".into()), kind: Some(RequestKind::Access), ..all.clone() };
    assert_eq!(ids(s.list_requests(&by).await.unwrap()), ["r1", "r0"]);
    let page = RequestFilter { limit: 2, ..all.clone() };
    assert_eq!(ids(s.list_requests(&page).await.unwrap()), ["r3", "r1"]);
    let next = RequestFilter { after: Some((T0 + 3 * DAY, "r1".into())), ..page };
    assert_eq!(ids(s.list_requests(&next).await.unwrap()), ["r0", "r2"]);

    assert_eq!(s.count_requests("s0", RequestKind::Access, T0).await.unwrap(), 2);
    assert_eq!(s.count_requests("s0", RequestKind::Access, T0 + DAY).await.unwrap(), 1);
    assert_eq!(s.count_requests("s1", RequestKind::Access, T0).await.unwrap(), 0);
}

/// Paging through requests that share a due time gives each exactly once, in byte order of
/// the id, whatever the database's own collation (the PostgreSQL test databases sort text
/// linguistically, as most deployments do: there `ra` < `rA` and `r_a` < `rA`).
async fn request_pages_share_a_due_time(env: Env) {
    let s = &env.store;
    register(s.as_ref(), 1).await;
    let ids = ["ra", "rZ", "r_a", "rA", "r-b", "r0", "early", "late"];
    for id in ids {
        let due = match id {
            "early" => T0 + DAY,
            "late" => T0 + 9 * DAY,
            _ => T0 + 5 * DAY,
        };
        let r = new_request(id, "s0", RequestKind::Access, T0, due);
        s.create_request(r, event("received", None, RequestState::Received), audit("request.received", "r"), vec![])
            .await
            .unwrap();
    }
    let expected = ["early", "r-b", "r0", "rA", "rZ", "r_a", "ra", "late"];
    let all = RequestFilter { limit: 100, ..Default::default() };
    let listed: Vec<String> = s.list_requests(&all).await.unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(listed, expected);
    for limit in [1, 2, 3] {
        let (mut paged, mut after) = (Vec::new(), None);
        loop {
            let page = s.list_requests(&RequestFilter { limit, after: after.clone(), ..all.clone() }).await.unwrap();
            let Some(last) = page.last() else { break };
            after = Some((last.due_ms, last.id.clone()));
            paged.extend(page.into_iter().map(|r| r.id));
        }
        assert_eq!(paged, expected, "pages of {limit}");
    }
}

async fn outbox_claims_retries_and_acks(env: Env) {
    let s = &env.store;
    let mut otp = item("o-otp", None, Channel::Webhook);
    otp.kind = OutboxKind::Otp;
    otp.sensitive = true;
    let mut later = item("o-later", None, Channel::Webhook);
    later.created_ms = T0 + 10 * DAY;
    later.sensitive = true;
    let manual = item("o-manual", None, Channel::Manual);
    let ids = s.enqueue_outbox(vec![otp, later, manual], vec![audit("outbox.enqueue", "x")]).await.unwrap();
    assert_eq!(ids.len(), 3);
    // Encrypted at rest.
    let raw = env.raw.bytes("SELECT payload_enc FROM outbox WHERE id = 'o-otp'").await.unwrap();
    assert!(!raw.windows(6).any(|w| w == b"123456"));

    // Only the due webhook item is claimed; a second claim meanwhile gets nothing.
    let got = s.claim_outbox(T0, 30_000, 10).await.unwrap();
    assert_eq!(got.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(), ["o-otp"]);
    assert_eq!((got[0].attempts, got[0].payload["code"].as_str()), (1, Some("123456")));
    assert!(s.claim_outbox(T0 + 1, 30_000, 10).await.unwrap().is_empty());
    let claim = got[0].claim.clone().unwrap();

    // A failure with a retry time puts it back, after the backoff.
    let failed = Outcome::Failed { status: Some(500), error: "HTTP 500".into(), retry_at_ms: Some(T0 + 1000) };
    let it = s.record_outbox("o-otp", &claim, T0 + 5, failed.clone(), None).await.unwrap();
    assert_eq!((it.state, it.last_error.as_deref(), it.claim), (OutboxState::Pending, Some("HTTP 500"), None));
    // The old claim no longer holds it.
    assert!(matches!(s.record_outbox("o-otp", &claim, T0, failed, None).await, Err(StoreError::Conflict(_))));
    assert!(s.claim_outbox(T0 + 999, 30_000, 10).await.unwrap().is_empty());
    let again = s.claim_outbox(T0 + 1000, 30_000, 10).await.unwrap();
    assert_eq!((again.len(), again[0].attempts), (1, 2));
    let delivered = Outcome::Delivered { status: Some(200), ack: None };
    let it = s
        .record_outbox("o-otp", again[0].claim.as_deref().unwrap(), T0 + 1001, delivered, Some(audit("d", "o")))
        .await
        .unwrap();
    assert_eq!((it.state, it.delivered_ms, it.ack_ms), (OutboxState::Delivered, Some(T0 + 1001), None));
    // A sensitive payload (the one-time code) is gone once delivered.
    assert_eq!(it.payload, serde_json::Value::Null);

    // A lease that runs out lets another worker claim the item again.
    let first = s.claim_outbox(T0 + 10 * DAY, 1000, 10).await.unwrap();
    assert_eq!(first[0].id, "o-later");
    let second = s.claim_outbox(T0 + 10 * DAY + 1000, 1000, 10).await.unwrap();
    assert_eq!((second[0].id.as_str(), second[0].attempts), ("o-later", 2));
    assert_ne!(first[0].claim, second[0].claim);
    // The third attempt is the last: a failure then is final.
    let third = s.claim_outbox(T0 + 10 * DAY + 2000, 1000, 10).await.unwrap();
    let fail = Outcome::Failed { status: None, error: "timeout".into(), retry_at_ms: Some(T0 + 11 * DAY) };
    let it = s.record_outbox("o-later", third[0].claim.as_deref().unwrap(), T0, fail, None).await.unwrap();
    assert_eq!((it.state, it.attempts), (OutboxState::Failed, 3));
    // A sensitive payload does not outlive its last attempt either.
    assert_eq!(it.payload, serde_json::Value::Null);

    // A manual item waits for its acknowledgement, which delivers it.
    assert!(s.acknowledge_outbox("o-nope", json!({}), audit("ack", "o")).await.unwrap().is_none());
    let acked = s.acknowledge_outbox("o-manual", json!({"by": "dpo@cloud"}), audit("ack", "o")).await.unwrap().unwrap();
    assert_eq!((acked.state, acked.ack_ms, acked.delivered_ms), (OutboxState::Delivered, Some(T0), Some(T0)));
    assert_eq!(s.outbox_item("o-manual").await.unwrap().unwrap().ack, Some(json!({"by": "dpo@cloud"})));

    // Dedupe: a second notice with the same key is not enqueued, nor audited.
    let before = s.audit_after(0, 1000).await.unwrap().len();
    let mut a = item("o-a", None, Channel::Webhook);
    a.dedupe = Some("deadline:r1:overdue".into());
    let mut b = item("o-b", None, Channel::Webhook);
    b.dedupe = Some("deadline:r1:overdue".into());
    assert_eq!(s.enqueue_outbox(vec![a], vec![audit("n", "r1")]).await.unwrap(), ["o-a"]);
    assert!(s.enqueue_outbox(vec![b], vec![audit("n", "r1")]).await.unwrap().is_empty());
    assert_eq!(s.audit_after(0, 1000).await.unwrap().len(), before + 1);
    assert!(s.verify(None).await.unwrap().is_intact());
}

async fn erase_subject(env: Env) {
    let s = &env.store;
    let mut u = subject("u1");
    u.phone = Some("13800138000".into());
    u.age = Some(30);
    s.put_subject(u, audit("subject.register", "subject:u1")).await.unwrap();
    let r = new_request("r1", "u1", RequestKind::Cancellation, T0, T0 + DAY);
    let mut ev = event("identity-verified", None, RequestState::Received);
    ev.detail = json!({"user": "u1", "method": "otp"});
    s.create_request(r, ev, audit("c", "r1"), vec![]).await.unwrap();
    let mut delivered = item("o1", Some("r1"), Channel::Webhook);
    delivered.payload = json!({"phone": "13800138000"});
    s.enqueue_outbox(vec![delivered], vec![audit("e", "o1")]).await.unwrap();
    let c = s.claim_outbox(T0, 1000, 1).await.unwrap();
    let done = Outcome::Delivered { status: Some(204), ack: None };
    s.record_outbox("o1", c[0].claim.as_deref().unwrap(), T0, done, None).await.unwrap();

    let Some(SubjectOutcome::Erased { tombstone, pseudonym }) =
        s.erase_subject("u1", audit("subject.erase", "")).await.unwrap()
    else {
        panic!("u1 was not erased");
    };
    assert!(pseudonym.starts_with("p_") && !pseudonym.contains("u1"), "{pseudonym}");
    assert_eq!(tombstone.key, keys().subject_key("u1"));
    // Gone from gebao's records; what remains is a tombstone.
    assert_eq!(s.subject("u1").await.unwrap(), None);
    assert_eq!(s.subject_record("u1").await.unwrap(), Some(SubjectRecord::Erased(tombstone)));
    let k = keys();
    assert!(s.subjects_by_index(&k.blind_index(ContactKind::Phone, "13800138000")).await.unwrap().is_empty());
    let r = s.request("r1").await.unwrap().unwrap();
    assert_eq!((r.subject.as_str(), r.requester.id.as_str()), (pseudonym.as_str(), pseudonym.as_str()));
    assert_eq!((r.details, r.version), (serde_json::Value::Null, 1));
    assert_eq!(s.outbox_item("o1").await.unwrap().unwrap().payload, serde_json::Value::Null);
    let events = s.request_events("r1").await.unwrap();
    assert_eq!(events[0].event.detail, json!({"user": pseudonym, "method": "otp"}));
    // The erasure's audit entry names the pseudonym, never the id.
    let log = s.audit_after(0, 100).await.unwrap();
    let erase = log.iter().find(|a| a.entry.action == AuditAction::SubjectErase).unwrap();
    assert_eq!(erase.entry.target, format!("subject:{pseudonym}"));
    assert!(log.iter().all(|a| !a.entry.target.contains("u1") && !a.entry.detail.to_string().contains("\"u1\"")));
    assert!(s.erase_subject("ghost", audit("subject.erase", "")).await.unwrap().is_none());
    // Registering the id again starts a new, empty subject.
    let again = s.put_subject(subject("u1"), audit("subject.register", "")).await.unwrap();
    assert_ne!(again.pseudonym, pseudonym);
    assert_eq!((again.phone, again.age), (None, None));
    assert!(s.consents_of("u1").await.unwrap().is_empty());
    assert!(matches!(s.subject_record("u1").await.unwrap(), Some(SubjectRecord::Live(_))));
    // The proof stays intact.
    assert!(s.verify(None).await.unwrap().is_intact());
}

gebao_testkit::on_both_engines!(crate::common::run;request_lifecycle, request_listing, request_pages_share_a_due_time, outbox_claims_retries_and_acks, erase_subject);
