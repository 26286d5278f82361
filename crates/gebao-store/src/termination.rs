//! Stopping the service (TRM-01; GB/T 35273 6.4) as stored: the announcement with its
//! notice, then the day collection stopped, then the disposal of the personal information
//! and its report. At most one end is in progress; a cancelled one stays on record. Holds
//! no personal information: counts of rows and users, never who.

use serde::{Deserialize, Serialize};

/// Where an end stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndState {
    /// Announced; the service runs until the end day.
    Announced,
    /// Withdrawn before the end day.
    Cancelled,
    /// The end day has come: collection has stopped; the disposal has not finished.
    Ended,
    /// The personal information was deleted or anonymised (legal holds kept); the report is
    /// written.
    Disposed,
}

impl EndState {
    pub fn as_str(self) -> &'static str {
        match self {
            EndState::Announced => "announced",
            EndState::Cancelled => "cancelled",
            EndState::Ended => "ended",
            EndState::Disposed => "disposed",
        }
    }
}

/// One paragraph of the notice, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeLine {
    pub zh: String,
    pub en: String,
}

/// An end of the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Termination {
    pub id: String,
    /// Bumped by every change (optimistic concurrency).
    pub version: i64,
    pub state: EndState,
    /// The first day without service (Beijing).
    pub end_day: chrono::NaiveDate,
    /// 00:00 Beijing of `end_day`.
    pub end_ms: i64,
    pub announced_ms: i64,
    pub announced_by: String,
    /// The policy version in force when announced (its notice period was checked).
    pub policy_version: i64,
    /// `delete` or `anonymise`, as the manifest promised.
    pub disposal: String,
    pub notice: Vec<NoticeLine>,
    #[serde(default)]
    pub cancelled_ms: Option<i64>,
    #[serde(default)]
    pub ended_ms: Option<i64>,
    #[serde(default)]
    pub disposed_ms: Option<i64>,
    /// The last disposal attempt that failed, and why (retried on the next pass).
    #[serde(default)]
    pub last_error: Option<String>,
    /// The final report (written once disposed).
    #[serde(default)]
    pub report: Option<serde_json::Value>,
    pub updated_ms: i64,
}

impl Termination {
    /// Whether collection has stopped at `now_ms`: the state says so, or the end day has
    /// begun.
    pub fn ended_at(&self, now_ms: i64) -> bool {
        match self.state {
            EndState::Cancelled => false,
            EndState::Ended | EndState::Disposed => true,
            EndState::Announced => now_ms >= self.end_ms,
        }
    }
}
