//! Records of personal information provided to, or entrusted with, a recipient (PIPL 55–56;
//! GB/T 35273 9.2 i), kept three years: per day, recipient and purpose, the decisions that
//! allowed it and the fields they named. Counts and field ids, never who.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One day's provision to one recipient for one purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionRecord {
    /// The day (Beijing time).
    pub day: NaiveDate,
    pub recipient: String,
    pub purpose: String,
    /// The recipient's kind in the manifest (`entrusted`, `third-party`, `sdk`, …).
    pub kind: String,
    /// Decisions that allowed it that day.
    pub decisions: u64,
    /// The fields named, in order.
    pub fields: Vec<String>,
}

/// How long the records are kept (PIPL 56: three years).
pub const KEEP_YEARS: i32 = 3;

/// One recipient over a span of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientTotal {
    pub recipient: String,
    pub kind: String,
    /// Decisions that allowed a provision.
    pub decisions: u64,
    /// Days with at least one.
    pub days: usize,
    pub purposes: Vec<String>,
    pub fields: Vec<String>,
}

/// The records added up per recipient.
pub fn totals(records: &[ProvisionRecord]) -> Vec<RecipientTotal> {
    let mut by: BTreeMap<&str, (RecipientTotal, BTreeSet<NaiveDate>)> = BTreeMap::new();
    for r in records {
        let (t, days) = by.entry(&r.recipient).or_insert_with(|| {
            (
                RecipientTotal {
                    recipient: r.recipient.clone(),
                    kind: r.kind.clone(),
                    decisions: 0,
                    days: 0,
                    purposes: Vec::new(),
                    fields: Vec::new(),
                },
                Default::default(),
            )
        });
        t.decisions = t.decisions.saturating_add(r.decisions);
        days.insert(r.day);
        if !t.purposes.contains(&r.purpose) {
            t.purposes.push(r.purpose.clone());
        }
        for f in &r.fields {
            if !t.fields.contains(f) {
                t.fields.push(f.clone());
            }
        }
    }
    by.into_values()
        .map(|(mut t, days)| {
            t.days = days.len();
            t.purposes.sort();
            t.fields.sort();
            t
        })
        .collect()
}
