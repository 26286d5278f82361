//! The heads of the two chains (`chain_heads`: seq, hash and MAC of each chain's last
//! record). A write locks the heads it appends to, once, for its whole transaction, and
//! moves them in the transaction's [`Tx`]; the moved heads are written in one statement at
//! commit, with the wake-up of other instances on PostgreSQL. So a consent batch, which
//! appends to both chains, spends one round trip locking them and one moving them.
//!
//! Lock order: consents before audit, in one statement (`ORDER BY chain DESC` locks rows in
//! that order), so writers queue on the heads instead of deadlocking.

use super::db::{Dialect, Held, Param, Tx, WAKE_CHANNEL, params, placeholders, values};
use crate::chain::{Chain, GENESIS};
use crate::crypto::Keys;
use crate::{Result, StoreError};

/// Locks the heads of `chains` until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite
/// write transactions are exclusive anyway) and returns each one's seq and hash, as this
/// transaction has left them. Heads the transaction holds already are not read again.
pub(crate) async fn lock(tx: &mut Tx, chains: &[Chain]) -> Result<Vec<(i64, String)>> {
    let mut missing: Vec<Chain> = chains.iter().copied().filter(|c| held(tx, *c).is_none()).collect();
    missing.dedup();
    if !missing.is_empty() {
        let sql = format!(
            "SELECT chain, seq, hash FROM chain_heads WHERE chain IN ({}) ORDER BY chain DESC{}",
            placeholders(1, missing.len()),
            tx.dialect().for_update()
        );
        let ps: Vec<Param> = missing.iter().map(|c| Param::from(c.as_str())).collect();
        for r in tx.all(&sql, ps).await? {
            let name: String = r.get("chain")?;
            if let Some(&chain) = missing.iter().find(|c| c.as_str() == name) {
                tx.heads.push(Held { chain, seq: r.get("seq")?, hash: r.get("hash")?, mac: None });
            }
        }
    }
    chains.iter().map(|&c| held(tx, c).map(|h| (h.seq, h.hash.clone())).ok_or_else(|| missing_head(c))).collect()
}

/// Locks one chain's head: [`lock`] of one.
pub(crate) async fn lock_one(tx: &mut Tx, chain: Chain) -> Result<(i64, String)> {
    let mut heads = lock(tx, &[chain]).await?;
    Ok(heads.remove(0))
}

fn held(tx: &Tx, chain: Chain) -> Option<&Held> {
    tx.heads.iter().find(|h| h.chain == chain)
}

fn missing_head(chain: Chain) -> StoreError {
    StoreError::Corrupt(format!("chain head `{}` is missing", chain.as_str()))
}

/// Moves a head this transaction has locked to `seq`/`hash`; written at commit.
pub(crate) fn set(tx: &mut Tx, keys: &Keys, chain: Chain, seq: i64, hash: &str) -> Result<()> {
    tx.appended(chain, seq);
    let h = tx
        .heads
        .iter_mut()
        .find(|h| h.chain == chain)
        .ok_or_else(|| StoreError::Corrupt(format!("chain head `{}` moved without its lock", chain.as_str())))?;
    h.mac = Some(keys.head_mac(chain.as_str(), seq, hash));
    h.seq = seq;
    hash.clone_into(&mut h.hash);
    Ok(())
}

/// The head of a chain, without locking it (reads); as this transaction left it if it
/// holds it.
pub(crate) async fn read(tx: &mut Tx, chain: Chain) -> Result<(i64, String)> {
    if let Some(h) = held(tx, chain) {
        return Ok((h.seq, h.hash.clone()));
    }
    let row = tx
        .opt("SELECT seq, hash FROM chain_heads WHERE chain = $1", params![chain.as_str()])
        .await?
        .ok_or_else(|| missing_head(chain))?;
    Ok((row.get("seq")?, row.get("hash")?))
}

/// The stored head of a chain with whether its MAC verifies (`verify`, in a read
/// transaction).
pub(crate) async fn stored(tx: &mut Tx, keys: &Keys, chain: Chain) -> Result<Option<(i64, String, bool)>> {
    let row = tx.opt("SELECT seq, hash, mac FROM chain_heads WHERE chain = $1", params![chain.as_str()]).await?;
    row.map(|r| {
        let (seq, hash, mac): (i64, String, String) = (r.get("seq")?, r.get("hash")?, r.get("mac")?);
        // A chain never appended to has the genesis head and no MAC yet.
        let ok = if seq == 0 && hash == GENESIS && mac.is_empty() {
            true
        } else {
            mac == keys.head_mac(chain.as_str(), seq, &hash)
        };
        Ok((seq, hash, ok))
    })
    .transpose()
}

/// At commit: writes the heads the transaction moved, in one statement; on PostgreSQL with
/// the appends the transaction holds back and its wake-up.
pub(super) async fn write_moved(tx: &mut Tx) -> Result<()> {
    let mut ps: Vec<Param> = Vec::new();
    for h in tx.heads.iter().filter(|h| h.mac.is_some()) {
        ps.extend(params![h.chain.as_str(), h.seq, &h.hash, h.mac.as_deref()]);
    }
    let moved = ps.len() / 4;
    let update = format!(
        "UPDATE chain_heads SET seq = v.column2, hash = v.column3, mac = v.column4 \
         FROM (VALUES {}) AS v WHERE chain_heads.chain = v.column1",
        values(moved, 4)
    );
    let written = match tx.dialect() {
        Dialect::Sqlite if moved == 0 => return Ok(()),
        Dialect::Sqlite => tx.exec(&update, ps).await?,
        Dialect::Postgres if moved == 0 && !tx.wake => return tx.flush().await,
        Dialect::Postgres => {
            let mut select =
                vec![if moved > 0 { "(SELECT count(*) FROM moved) AS moved" } else { "0 AS moved" }.to_owned()];
            if tx.wake {
                // Counting the notify's one row makes PostgreSQL run it.
                // The payload names the writer, which does not wake itself.
                ps.push(Param::from(WAKE_CHANNEL));
                ps.push(Param::from(&*tx.origin));
                let (channel, origin) = (ps.len() - 1, ps.len());
                select.push(format!("(SELECT count(*) FROM (SELECT pg_notify(${channel}, ${origin})) AS w) AS woke"));
            }
            let with = if moved > 0 { format!("WITH moved AS ({update} RETURNING 1) ") } else { String::new() };
            let rows = tx.all_after_appends(&format!("{with}SELECT {}", select.join(", ")), ps).await?;
            rows.first().map(|r| r.get::<i64>("moved")).transpose()?.unwrap_or(0) as u64
        }
    };
    if written != moved as u64 {
        return Err(StoreError::Corrupt(format!("{moved} chain heads moved but {written} written")));
    }
    Ok(())
}
