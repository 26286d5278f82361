//! Counting what goes abroad (`crate::abroad`): each individual enters a year's count once
//! per kind, whichever instance saw it first (`ON CONFLICT DO NOTHING`), and the total grows
//! by what was really inserted, in the same transaction.

use super::audit::{self, Entry};
use super::db::{Tx, params};
use crate::Result;
use crate::abroad::{AbroadReport, AbroadTotals};
use crate::crypto::{Keys, SubjectKey};
use crate::model::NewAudit;

/// Counts `seen` (subject, sensitive) in `year`; how many were new.
pub(crate) async fn count(tx: &mut Tx, year: i32, seen: &[(SubjectKey, bool)], at_ms: i64) -> Result<u64> {
    let mut new = [0u64; 2];
    for (key, sensitive) in seen {
        let n = tx
            .exec(
                "INSERT INTO abroad_individuals (year, sensitive, subject_key, first_ms) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (year, sensitive, subject_key) DO NOTHING",
                params![i64::from(year), *sensitive, key.0.as_slice(), at_ms],
            )
            .await?;
        new[usize::from(*sensitive)] += n;
    }
    for (sensitive, n) in [(false, new[0]), (true, new[1])] {
        if n == 0 {
            continue;
        }
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        tx.exec(
            "INSERT INTO abroad_totals (year, sensitive, counted) VALUES ($1, $2, $3) \
             ON CONFLICT (year, sensitive) DO UPDATE SET counted = abroad_totals.counted + excluded.counted",
            params![i64::from(year), sensitive, n],
        )
        .await?;
    }
    Ok(new[0] + new[1])
}

/// Forgets which individuals were counted before last year: their totals are final (last
/// year's stay, for marks still on their way when the year turned).
pub(crate) async fn prune(tx: &mut Tx, year: i32) -> Result<u64> {
    tx.exec("DELETE FROM abroad_individuals WHERE year < $1", params![i64::from(year) - 1]).await
}

/// Records a report of the operator, audited.
pub(crate) async fn report(tx: &mut Tx, keys: &Keys, r: &AbroadReport, audit: NewAudit) -> Result<()> {
    audit::append(tx, keys, vec![Entry::plain(audit)], Vec::new()).await?;
    tx.exec(
        "INSERT INTO abroad_reports (id, year, recipient, individuals, sensitive_individuals, note, at_ms, reported_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        params![
            &r.id,
            i64::from(r.year),
            r.recipient.clone(),
            i64::try_from(r.individuals).unwrap_or(i64::MAX),
            i64::try_from(r.sensitive_individuals).unwrap_or(i64::MAX),
            r.note.clone(),
            r.at_ms,
            &r.reported_by
        ],
    )
    .await?;
    Ok(())
}

fn count_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// The year's totals and reports.
pub(crate) async fn totals(tx: &mut Tx, year: i32) -> Result<(AbroadTotals, Vec<AbroadReport>)> {
    let mut t = AbroadTotals { year, ..AbroadTotals::default() };
    for r in tx.all("SELECT sensitive, counted FROM abroad_totals WHERE year = $1", params![i64::from(year)]).await? {
        let sensitive: bool = r.get("sensitive")?;
        let n = count_of(r.get("counted")?);
        if sensitive { t.counted_sensitive = n } else { t.counted = n }
    }
    let rows = tx
        .all(
            "SELECT id, recipient, individuals, sensitive_individuals, note, at_ms, reported_by \
             FROM abroad_reports WHERE year = $1 ORDER BY at_ms, id",
            params![i64::from(year)],
        )
        .await?;
    let mut reports = Vec::with_capacity(rows.len());
    for r in rows {
        let report = AbroadReport {
            id: r.get("id")?,
            year,
            recipient: r.get("recipient")?,
            individuals: count_of(r.get("individuals")?),
            sensitive_individuals: count_of(r.get("sensitive_individuals")?),
            note: r.get("note")?,
            at_ms: r.get("at_ms")?,
            reported_by: r.get("reported_by")?,
        };
        t.reported = t.reported.saturating_add(report.individuals);
        t.reported_sensitive = t.reported_sensitive.saturating_add(report.sensitive_individuals);
        reports.push(report);
    }
    Ok((t, reports))
}
