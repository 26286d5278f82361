//! `gebao requests`: the staff's view of users' rights requests, through the running
//! server's API (`--server`, `--token`): list (overdue, due soon), show, file one received
//! by phone, email or at the counter, verify the requester, approve, refuse with a legal
//! ground, execute (with a dry run first, shown as a table), withdraw, and acknowledge a
//! delivery a recipient confirmed by other means.

mod dry_run;

use super::client::{Api, Remote, segment};
use crate::{Outcome, out};
use anyhow::Result;
use gebao_core::requests::RequestKind;
use gebao_core::requests::{RefusalReason, RequestState};
use gebao_core::text::Lang;
use gebao_server::api::{
    AckBody, CodeBody, CorrectionBody, DeliveryView, DetailsBody, Executed, ListQuery, NewRequestBody, RefuseBody,
    RequestPage, RequestView, VerifyBody,
};
use reqwest::Method;
use serde::Serialize;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: RequestsCommand,
    #[command(flatten)]
    remote: Remote,
}

#[derive(clap::Subcommand)]
enum RequestsCommand {
    /// List requests, soonest due first.
    List {
        /// Only these states (comma-separated, e.g. received,in-progress).
        #[arg(long, value_delimiter = ',', value_parser = parse_state)]
        state: Vec<RequestState>,
        /// Only overdue requests.
        #[arg(long)]
        overdue: bool,
        /// Only requests due within this time, e.g. 3d, 2wd (working days), 12h.
        #[arg(long)]
        due_within: Option<String>,
    },
    /// Show one request with its events and deliveries.
    Show { id: String },
    /// Approve a verified request (correction, deletion, …).
    Approve { id: String },
    /// Refuse a request on a legal ground: identity-unverified, other-person-data,
    /// legal-retention, state-secret-or-investigation, manifestly-unfounded-or-excessive,
    /// not-technically-feasible (portability only).
    Refuse {
        id: String,
        #[arg(long, value_parser = parse_reason)]
        reason: RefusalReason,
        #[arg(long)]
        note: Option<String>,
    },
    /// Carry the request out against the datasets; `--dry-run` shows the statements first.
    Execute {
        id: String,
        #[arg(long)]
        dry_run: bool,
    },
    /// Withdraw the request on the user's behalf.
    Withdraw { id: String },
    /// File a request the operator received outside the app (phone, email, counter).
    File {
        /// access, copy, portability, correction, deletion, restriction, cancellation,
        /// explanation or complaint.
        #[arg(long, value_parser = parse_kind)]
        kind: RequestKind,
        /// The operator's user id of the person whose data it concerns.
        #[arg(long)]
        subject: String,
        /// Where it came in: phone, email, counter, support, …
        #[arg(long, default_value = "support")]
        channel: String,
        /// When it was received (RFC 3339, e.g. 2026-12-01T10:00:00+08:00): the deadline
        /// runs from then. Now when left out.
        #[arg(long)]
        received_at: Option<chrono::DateTime<chrono::FixedOffset>>,
        /// deletion: the fields to delete (comma-separated; all when left out).
        #[arg(long, value_delimiter = ',')]
        fields: Vec<String>,
        /// correction: `field=new value`, repeatable.
        #[arg(long = "correct", value_parser = parse_correction)]
        corrections: Vec<(String, String)>,
        /// portability: where the copy goes (an allowlisted destination).
        #[arg(long)]
        destination: Option<String>,
        /// deletion, restriction, cancellation: why, as the user said it.
        #[arg(long)]
        reason: Option<String>,
        /// complaint: what it is about.
        #[arg(long)]
        text: Option<String>,
    },
    /// Verify the requester: `--user` when your system authenticated them (operator
    /// asserted), or `--otp` to send a one-time code through the notifier.
    Verify {
        id: String,
        #[arg(long, conflicts_with = "otp", required_unless_present = "otp")]
        user: Option<String>,
        #[arg(long)]
        otp: bool,
    },
    /// Check the one-time code the requester gives.
    Code { id: String, code: String },
    /// Record that the target of a delivery confirmed it (a recipient deleted the data),
    /// e.g. by email or letter.
    Ack {
        /// The outbox item id (shown by `show`, under deliveries).
        outbox_id: String,
        /// What they said: their ticket number, a letter's date.
        #[arg(long)]
        reference: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
}

pub fn run(args: Args, lang: Lang) -> Result<Outcome> {
    let api = args.remote.api("requests:read,requests:write", lang)?;
    let shown = match args.command {
        RequestsCommand::List { state, overdue, due_within } => {
            let query = ListQuery {
                state: (!state.is_empty()).then(|| state.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")),
                overdue: overdue.then_some(true),
                due_within,
                ..ListQuery::default()
            };
            Shown::Page(api.call(Method::GET, "/v1/requests", Some(&query), None::<&()>)?)
        }
        RequestsCommand::Show { id } => {
            Shown::One(Box::new(api.call(Method::GET, &path(&id, ""), None::<&()>, None::<&()>)?))
        }
        RequestsCommand::Approve { id } => Shown::One(act(&api, &id, "approve", &Empty {})?),
        RequestsCommand::Refuse { id, reason, note } => {
            Shown::One(act(&api, &id, "refuse", &RefuseBody { reason, note })?)
        }
        RequestsCommand::Execute { id, dry_run } => {
            let path = format!("{}{}", path(&id, "/execute"), if dry_run { "?dry_run=true" } else { "" });
            match api.call(Method::POST, &path, None::<&()>, Some(&Empty {}))? {
                Executed::Done(r) => Shown::One(r),
                Executed::Plan(plan) => Shown::Plan(plan.plan),
            }
        }
        RequestsCommand::Withdraw { id } => Shown::One(act(&api, &id, "withdraw", &Empty {})?),
        RequestsCommand::File {
            kind,
            subject,
            channel,
            received_at,
            fields,
            corrections,
            destination,
            reason,
            text,
        } => {
            let details = DetailsBody {
                corrections: corrections
                    .into_iter()
                    .map(|(field, value)| CorrectionBody { field, value: serde_json::Value::String(value) })
                    .collect(),
                destination,
                fields,
                reason,
                text,
                ..DetailsBody::default()
            };
            let body = NewRequestBody {
                kind,
                subject,
                requester: None,
                channel: Some(channel),
                details: Some(details),
                received_at,
            };
            Shown::One(Box::new(api.call(Method::POST, "/v1/requests", None::<&()>, Some(&body))?))
        }
        RequestsCommand::Verify { id, user, otp: _ } => {
            let body = match user {
                Some(user) => VerifyBody::OperatorAsserted { user },
                None => VerifyBody::Otp {},
            };
            Shown::One(act(&api, &id, "verify", &body)?)
        }
        RequestsCommand::Code { id, code } => Shown::One(act(&api, &id, "otp", &CodeBody { code })?),
        RequestsCommand::Ack { outbox_id, reference, note } => {
            let body = AckBody { token: None, reference, note };
            let path = format!("/v1/outbox/{}/ack", segment(&outbox_id));
            Shown::Delivery(api.call(Method::POST, &path, None::<&()>, Some(&body))?)
        }
    };
    match shown {
        Shown::One(r) if !args.remote.json => out::line(summary(&r, lang))?,
        Shown::Page(p) if !args.remote.json => {
            for r in &p.items {
                out::line(summary(r, lang))?;
            }
        }
        Shown::One(r) => out::line(serde_json::to_string_pretty(&r)?)?,
        Shown::Page(p) => out::line(serde_json::to_string_pretty(&p)?)?,
        Shown::Plan(plan) if args.remote.json => out::line(serde_json::to_string_pretty(&plan)?)?,
        Shown::Plan(plan) => out::line(dry_run::render(&plan, lang).trim_end())?,
        Shown::Delivery(d) if args.remote.json => out::line(serde_json::to_string_pretty(&d)?)?,
        Shown::Delivery(d) => out::line(format!("{} {} {}", d.id, d.state.as_str(), d.target).trim_end())?,
    }
    Ok(Outcome::Ok)
}

/// What a command prints: a request, a page of them, a dry run's plan, or a delivery.
enum Shown {
    One(Box<RequestView>),
    Page(RequestPage),
    Plan(serde_json::Value),
    Delivery(DeliveryView),
}

/// The body of the actions that take none.
#[derive(Serialize)]
struct Empty {}

/// One of a request's actions: `POST /v1/requests/{id}/{action}`.
fn act(api: &Api, id: &str, action: &str, body: &impl Serialize) -> Result<Box<RequestView>> {
    api.call(Method::POST, &path(id, &format!("/{action}")), None::<&()>, Some(body))
}

/// `/v1/requests/{id}{rest}`, the id percent-encoded as one path segment.
fn path(id: &str, rest: &str) -> String {
    format!("/v1/requests/{}{rest}", segment(id))
}

fn parse_state(s: &str) -> Result<RequestState, String> {
    s.parse().map_err(|_| {
        let all: Vec<_> = RequestState::ALL.iter().map(|s| s.as_str()).collect();
        format!("unknown state `{s}`: use one of {}", all.join(", "))
    })
}

fn parse_kind(s: &str) -> Result<RequestKind, String> {
    RequestKind::ALL.into_iter().find(|k| k.as_str() == s.trim()).ok_or_else(|| {
        let all: Vec<_> = RequestKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("unknown kind `{s}`: use one of {}", all.join(", "))
    })
}

fn parse_correction(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((field, value)) if !field.trim().is_empty() => Ok((field.trim().to_owned(), value.to_owned())),
        _ => Err(format!("`{s}`: write a correction as field=new value, e.g. nickname=小明")),
    }
}

fn parse_reason(s: &str) -> Result<RefusalReason, String> {
    s.parse().map_err(|_| {
        let all: Vec<_> = RefusalReason::ALL.iter().map(|r| r.as_str()).collect();
        format!("unknown ground `{s}`: use one of {}", all.join(", "))
    })
}

/// One line per request: id, kind, state, due date, and whether it is overdue.
fn summary(r: &RequestView, lang: Lang) -> String {
    let state = if lang == Lang::ZhCn { &r.state_label } else { &r.state_label_en };
    let flag = match (r.due.overdue, lang) {
        (true, Lang::ZhCn) => "已逾期",
        (true, Lang::En) => "OVERDUE",
        _ => "",
    };
    let left = r
        .due
        .working_days_left
        .map(|n| if lang == Lang::ZhCn { format!("剩余{n}个工作日") } else { format!("{n} working days left") })
        .unwrap_or_default();
    format!("{:<38} {:<13} {:<10} {} {left} {flag}", r.id, r.kind.as_str(), state, r.due.date).trim_end().to_owned()
}
