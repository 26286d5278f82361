//! Legal holds (RET-01/02/06): which of a subject's rows an erasure must keep. A row of a
//! table with `hold` is kept while its purpose's legal minimum, counted from `hold.since`,
//! has not passed; rows hanging off a kept row are kept with it; rows that kept rows refer
//! to (their parent, and the subject's own account row) stay so that the kept rows remain
//! valid, with their PI columns erased.

use crate::error::{Error, Result};
use crate::find::Found;
use crate::model::{is_root, parent_of};
use crate::outcome::HoldReason;
use crate::time;
use chrono::{DateTime, Utc};
use gebao_core::Manifest;
use gebao_core::calendar::Calendar;
use gebao_core::duration::Duration;
use gebao_core::manifest::{Dataset, LegalMinimum};
use serde_json::Value;
use std::collections::HashSet;

/// What an erasure does to one row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fate {
    /// Erased by the column strategies (deleted for `delete-row`).
    Erase,
    /// Left untouched: restricted instead of deleted.
    Held { reason: HoldReason, until: Option<DateTime<Utc>> },
    /// Kept because held rows refer to it; its PI columns are erased (`delete-row` → NULL).
    KeptForReference,
}

/// How long a hold for `purpose` lasts: its legal minimum, else its retention period, else
/// for good (a hold with no end stated is never lifted by gebao).
pub(crate) fn hold_duration(manifest: &Manifest, purpose: &str) -> Result<(Option<LegalMinimum>, Duration)> {
    let p = manifest.purpose(purpose).ok_or_else(|| Error::UnknownPurpose(purpose.to_owned()))?;
    let min = p.retention.as_ref().and_then(|r| r.legal_minimum);
    let period = p.retention.as_ref().and_then(|r| r.period);
    Ok((min, min.map(LegalMinimum::minimum).or(period).unwrap_or(Duration::Indefinite)))
}

/// A value as a join key between a child's column and its parent's (types may differ).
pub(crate) fn link_key(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The fate of every row found, table by table in the order of `found`.
pub(crate) fn fates(
    manifest: &Manifest,
    ds: &Dataset,
    found: &[Found<'_>],
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> Result<Vec<Vec<Fate>>> {
    let mut fates: Vec<Vec<Fate>> = found.iter().map(|f| vec![Fate::Erase; f.rows.len()]).collect();
    let index = |name: &str| found.iter().position(|f| f.table.name == name);

    // Parents come first in `found`, so a parent's holds are known before its children's.
    for (ti, f) in found.iter().enumerate() {
        let t = f.table;
        let hold = match &t.hold {
            Some(h) => Some((h, hold_duration(manifest, h.purpose.as_str())?)),
            None => None,
        };
        let held_parents: HashSet<String> = match (parent_of(ds, t), &t.parent) {
            (Some((p, refcol)), Some(_)) => index(&p.name)
                .map(|pi| {
                    found[pi]
                        .rows
                        .iter()
                        .zip(&fates[pi])
                        .filter(|(_, fate)| matches!(fate, Fate::Held { .. }))
                        .filter_map(|(row, _)| link_key(found[pi].get(row, &refcol)))
                        .collect()
                })
                .unwrap_or_default(),
            _ => HashSet::new(),
        };
        for (ri, row) in f.rows.iter().enumerate() {
            if let Some((h, (minimum, dur))) = &hold {
                let since = time::parse(f.get(row, &h.since));
                let until = since.and_then(|s| time::after(s, dur, calendar));
                // An empty or unreadable `since` cannot prove the minimum has passed: keep.
                // The minimum has passed only once its end is behind us.
                if since.is_none() || until.is_none_or(|u| u >= now) {
                    let reason = HoldReason::LegalMinimum { purpose: h.purpose.clone(), minimum: *minimum };
                    fates[ti][ri] = Fate::Held { reason, until };
                    continue;
                }
            }
            let link = t.parent.as_ref().and_then(|rel| link_key(f.get(row, &rel.column)));
            if link.is_some_and(|k| held_parents.contains(&k)) {
                fates[ti][ri] = Fate::Held { reason: HoldReason::ParentHeld, until: None };
            }
        }
    }

    // Children first: a parent of a kept row is kept too.
    for ti in (0..found.len()).rev() {
        let f = &found[ti];
        let (Some((p, refcol)), Some(rel)) = (parent_of(ds, f.table), &f.table.parent) else { continue };
        let Some(pi) = index(&p.name) else { continue };
        let wanted: HashSet<String> = f
            .rows
            .iter()
            .zip(&fates[ti])
            .filter(|(_, fate)| **fate != Fate::Erase)
            .filter_map(|(row, _)| link_key(f.get(row, &rel.column)))
            .collect();
        for (ri, row) in found[pi].rows.iter().enumerate() {
            if fates[pi][ri] == Fate::Erase
                && link_key(found[pi].get(row, &refcol)).is_some_and(|k| wanted.contains(&k))
            {
                fates[pi][ri] = Fate::KeptForReference;
            }
        }
    }

    // Held rows carry the subject's id; the account row they may point to stays.
    let any_held = fates.iter().flatten().any(|f| matches!(f, Fate::Held { .. }));
    if any_held {
        for (ti, f) in found.iter().enumerate() {
            if is_root(f.table) {
                for fate in fates[ti].iter_mut().filter(|x| **x == Fate::Erase) {
                    *fate = Fate::KeptForReference;
                }
            }
        }
    }
    Ok(fates)
}
