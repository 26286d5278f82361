//! Prometheus metrics (`GET /metrics`, OpenMetrics text): HTTP requests by route, method
//! and status with their latency; decisions by outcome and reason code; consent batch
//! sizes of the group-commit writer; subjects held in memory; rights requests overdue and
//! due soon; outbox delivery attempts; scheduled retention sweeps.

use gebao_core::decision::Reason;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::time::Duration;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    route: String,
    method: String,
    status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DecisionLabels {
    outcome: &'static str,
    reason: &'static str,
}

fn latency_histogram() -> Histogram {
    // 50 µs … ~1.6 s: decisions sit at the bottom, consent writes (a commit) in the middle.
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

/// The server's metrics. Counters are cheap clones of shared atomics, so the decision
/// counters are created once and the hot path does no label hashing.
pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    http_latency: Family<HttpLabels, Histogram, fn() -> Histogram>,
    decision_allow: Counter,
    decision_deny: Vec<(Reason, Counter)>,
    consent_batch: Histogram,
    consent_commit: Histogram,
    consents_written: Counter,
    subjects: Gauge,
    sync_errors: Counter,
    requests_overdue: Gauge,
    requests_due_soon: Gauge,
    outbox: Family<OutboxLabels, Counter>,
    sweep_rows: Counter,
    sweep_protected: Counter,
    sweep_last_run: Gauge,
    sweep_failures: Counter,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutboxLabels {
    kind: &'static str,
    outcome: &'static str,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Creates and registers every metric.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("gebao");
        let http_requests = Family::<HttpLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests by route, method and status", http_requests.clone());
        let http_latency = Family::<HttpLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register("http_request_duration_seconds", "HTTP request latency", http_latency.clone());
        let decisions = Family::<DecisionLabels, Counter>::default();
        registry.register("decisions", "Decisions by outcome and reason code (pipl-rules part D)", decisions.clone());
        let decision_allow = decisions.get_or_create(&DecisionLabels { outcome: "allow", reason: "" }).clone();
        let decision_deny = Reason::ALL
            .iter()
            .map(|r| (*r, decisions.get_or_create(&DecisionLabels { outcome: "deny", reason: r.code() }).clone()))
            .collect();
        let consent_batch = Histogram::new([1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0]);
        registry.register("consent_batch_size", "Consent records committed per transaction", consent_batch.clone());
        let consent_commit = latency_histogram();
        registry.register(
            "consent_commit_duration_seconds",
            "Time the store took to commit one batch of consent records (one transaction)",
            consent_commit.clone(),
        );
        let consents_written = Counter::default();
        registry.register("consents_written", "Consent records committed by this instance", consents_written.clone());
        let subjects = Gauge::default();
        registry.register("subjects_in_memory", "Subjects whose state this instance holds", subjects.clone());
        let sync_errors = Counter::default();
        registry.register("sync_errors", "Failed polls for other instances' writes", sync_errors.clone());
        let requests_overdue = Gauge::default();
        registry.register("requests_overdue", "Open rights requests past their due time", requests_overdue.clone());
        let requests_due_soon = Gauge::default();
        registry.register(
            "requests_due_soon",
            "Open rights requests due within 2 working days",
            requests_due_soon.clone(),
        );
        let outbox = Family::<OutboxLabels, Counter>::default();
        registry.register("outbox_attempts", "Outbox delivery attempts by kind and outcome", outbox.clone());
        let sweep_rows = Counter::default();
        registry.register("sweep_rows", "Rows erased by scheduled retention sweeps", sweep_rows.clone());
        let sweep_protected = Counter::default();
        registry.register(
            "sweep_protected_rows",
            "Rows past their purpose's period kept for a legal minimum or hold, summed over sweeps",
            sweep_protected.clone(),
        );
        let sweep_last_run = Gauge::default();
        registry.register(
            "sweep_last_run_seconds",
            "Unix time of this instance's last completed retention sweep",
            sweep_last_run.clone(),
        );
        let sweep_failures = Counter::default();
        registry.register("sweep_failures", "Scheduled retention sweeps that failed", sweep_failures.clone());
        Metrics {
            registry,
            http_requests,
            http_latency,
            decision_allow,
            decision_deny,
            consent_batch,
            consent_commit,
            consents_written,
            subjects,
            sync_errors,
            requests_overdue,
            requests_due_soon,
            outbox,
            sweep_rows,
            sweep_protected,
            sweep_last_run,
            sweep_failures,
        }
    }

    /// A completed retention sweep.
    pub fn sweep_done(&self, report: &gebao_connectors::SweepReport) {
        self.sweep_rows.inc_by(report.rows);
        self.sweep_protected.inc_by(report.tables.iter().map(|t| t.protected).sum());
        self.sweep_last_run.set(report.now.timestamp());
    }

    /// A retention sweep that failed.
    pub fn sweep_failed(&self) {
        self.sweep_failures.inc();
    }

    /// The deadline monitor's latest count of open requests overdue and due soon.
    pub fn requests_deadlines(&self, overdue: usize, due_soon: usize) {
        self.requests_overdue.set(i64::try_from(overdue).unwrap_or(i64::MAX));
        self.requests_due_soon.set(i64::try_from(due_soon).unwrap_or(i64::MAX));
    }

    /// One outbox delivery attempt (`delivered`, `retry`, `failed`).
    pub fn outbox_attempt(&self, kind: &'static str, outcome: &'static str) {
        self.outbox.get_or_create(&OutboxLabels { kind, outcome }).inc();
    }

    /// Counts one HTTP request.
    pub fn http(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let labels = HttpLabels { route: route.to_owned(), method: method.to_owned(), status: status.to_string() };
        self.http_requests.get_or_create(&labels).inc();
        self.http_latency.get_or_create(&labels).observe(elapsed.as_secs_f64());
    }

    /// Counts one decision.
    pub fn decision(&self, reason: Option<Reason>) {
        match reason {
            None => {
                self.decision_allow.inc();
            }
            Some(r) => {
                if let Some((_, c)) = self.decision_deny.iter().find(|(x, _)| *x == r) {
                    c.inc();
                }
            }
        }
    }

    /// Records one committed batch of consent records and how long its commit took.
    pub fn consent_batch(&self, size: usize, commit: Duration) {
        self.consent_batch.observe(size as f64);
        self.consent_commit.observe(commit.as_secs_f64());
        self.consents_written.inc_by(size as u64);
    }

    /// A failed synchronisation poll.
    pub fn sync_error(&self) {
        self.sync_errors.inc();
    }

    /// The OpenMetrics text, with the subjects gauge set to `subjects`.
    pub fn render(&self, subjects: usize) -> String {
        self.subjects.set(i64::try_from(subjects).unwrap_or(i64::MAX));
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
