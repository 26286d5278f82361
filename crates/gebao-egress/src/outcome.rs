//! The outcome of a delivery: what may be stored and shown ([`Delivery`]), and what only a
//! caller expecting a known answer may read ([`Answer`]).

use crate::error::EgressError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest [`Delivery::reason`], in characters.
pub const MAX_REASON_CHARS: usize = 200;

/// What became of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeliveryClass {
    /// The receiver answered 2xx.
    Delivered,
    /// The receiver answered 3xx or 4xx (a redirect is never followed).
    Rejected,
    /// 5xx, an unknown status, a network error or a timeout.
    Failed,
    /// Not sent: the URL is not allowed (nothing reached the network, or only a DNS query).
    Refused,
}

impl DeliveryClass {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryClass::Delivered => "delivered",
            DeliveryClass::Rejected => "rejected",
            DeliveryClass::Failed => "failed",
            DeliveryClass::Refused => "refused",
        }
    }
}

/// The outcome of one attempt, safe to store and to return through the API: `reason` is at
/// most [`MAX_REASON_CHARS`] characters of gebao's own words — never the receiver's answer,
/// never the URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub class: DeliveryClass,
    /// The HTTP status, when the receiver answered.
    pub status: Option<u16>,
    /// A machine code: `http-status`, `timeout`, `connect`, `request`, or an
    /// [`EgressError::code`] for refusals.
    pub code: String,
    pub reason: String,
    /// The name of the matched destination, once one matched.
    pub destination: Option<String>,
}

impl Delivery {
    pub(crate) fn new(
        class: DeliveryClass,
        status: Option<u16>,
        code: &str,
        reason: String,
        destination: Option<&str>,
    ) -> Self {
        let reason = if reason.chars().count() > MAX_REASON_CHARS {
            reason.chars().take(MAX_REASON_CHARS - 1).chain(['…']).collect()
        } else {
            reason
        };
        Self { class, status, code: code.into(), reason, destination: destination.map(str::to_string) }
    }

    /// Whether another attempt may succeed: failures, and the 4xx that mean "later"
    /// (408 Request Timeout, 425 Too Early, 429 Too Many Requests). Refusals never.
    pub fn retryable(&self) -> bool {
        match self.class {
            DeliveryClass::Failed => true,
            DeliveryClass::Rejected => matches!(self.status, Some(408 | 425 | 429)),
            DeliveryClass::Delivered | DeliveryClass::Refused => false,
        }
    }
}

/// The receiver's answer to a delivered POST, when it was JSON and at most
/// `max_answer_bytes` long.
///
/// **Never store or return it raw**: it is whatever the receiver chose to send (the security
/// review found internal secrets echoed through the API this way). Read the field you
/// expect with [`Answer::parse`] into your own type, or [`Answer::acknowledged`]. For that
/// reason it has neither `Serialize` nor a `Debug` that shows its content.
#[derive(Clone)]
pub struct Answer(pub(crate) serde_json::Value);

impl Answer {
    /// The answer as `T`, if it has that shape (unknown fields are ignored unless `T` says
    /// otherwise).
    pub fn parse<T: DeserializeOwned>(&self) -> Option<T> {
        T::deserialize(&self.0).ok()
    }

    /// Whether the answer is `{"acknowledged": true, …}`.
    pub fn acknowledged(&self) -> bool {
        self.0.get("acknowledged").and_then(serde_json::Value::as_bool) == Some(true)
    }
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Answer(<not shown>)")
    }
}

/// One attempt's result: the storable [`Delivery`], the [`Answer`] for callers that expect
/// one, and for refusals the full error (URL redacted) for the operator's log.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub delivery: Delivery,
    pub answer: Option<Answer>,
    pub refusal: Option<EgressError>,
}

impl Attempt {
    pub(crate) fn refused(e: EgressError, destination: Option<&str>) -> Self {
        let delivery = Delivery::new(DeliveryClass::Refused, None, e.code(), e.short(), destination);
        Self { delivery, answer: None, refusal: Some(e) }
    }

    pub(crate) fn failed(code: &str, reason: &str, destination: &str) -> Self {
        let delivery = Delivery::new(DeliveryClass::Failed, None, code, reason.into(), Some(destination));
        Self { delivery, answer: None, refusal: None }
    }
}

/// The answer was longer than the limit.
pub(crate) struct TooLong;

pub(crate) fn by_status(status: u16, answer: Result<Option<Answer>, TooLong>, name: &str) -> Attempt {
    let (class, note) = match status {
        200..=299 => (DeliveryClass::Delivered, ""),
        300..=399 => (DeliveryClass::Rejected, "（未跟随重定向 / redirect not followed）"),
        400..=499 => (DeliveryClass::Rejected, ""),
        _ => (DeliveryClass::Failed, ""),
    };
    let (answer, note) = match answer {
        Ok(a) => (a, note),
        Err(TooLong) => (None, "（应答过长，未读取 / answer too long, not read）"),
    };
    let reason = format!("HTTP {status}{note}");
    Attempt { delivery: Delivery::new(class, Some(status), "http-status", reason, Some(name)), answer, refusal: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_short() {
        let d = Delivery::new(DeliveryClass::Failed, None, "x", "长".repeat(500), None);
        assert_eq!(d.reason.chars().count(), MAX_REASON_CHARS);
    }

    #[test]
    fn statuses_are_classed() {
        let class = |s| by_status(s, Ok(None), "d").delivery;
        assert_eq!(class(204).class, DeliveryClass::Delivered);
        assert_eq!(class(302).class, DeliveryClass::Rejected);
        assert!(class(302).reason.contains("redirect not followed"));
        assert_eq!(class(404).class, DeliveryClass::Rejected);
        assert!(!class(404).retryable());
        assert!(class(429).retryable());
        assert_eq!(class(500).class, DeliveryClass::Failed);
        assert!(class(503).retryable());
        assert_eq!(class(500).status, Some(500));
    }

    #[test]
    fn answers_are_never_shown() {
        let a = Answer(serde_json::json!({"acknowledged": true, "internal_secret": "x"}));
        assert!(a.acknowledged());
        assert_eq!(format!("{a:?}"), "Answer(<not shown>)");
        #[derive(Deserialize)]
        struct Ack {
            acknowledged: bool,
        }
        assert!(a.parse::<Ack>().unwrap().acknowledged);
    }
}
