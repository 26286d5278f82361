//! The external anchor (`gebao_store::anchor`): every few seconds, when the chains have
//! grown, their heads are appended to the anchor file the operator chose, with a MAC under
//! the master key; once more when the server stops. `gebao audit verify --anchor FILE` then
//! finds a chain cut short by someone who could write the database and had saved an older
//! head — which keyed hashes alone cannot.

use crate::state::AppState;
use gebao_store::anchor::{self, Checkpoint};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::watch;

/// How often the heads are looked at.
pub const INTERVAL: Duration = Duration::from_secs(5);

/// The anchoring task; ends (after a last checkpoint) when `stop` turns true.
pub async fn run(state: AppState, path: PathBuf, mut stop: watch::Receiver<bool>) {
    let mut last: Vec<(String, i64)> = Vec::new();
    let mut tick = tokio::time::interval(INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let stopping = tokio::select! {
            _ = tick.tick() => false,
            _ = stop.wait_for(|s| *s) => true,
        };
        // After the writer has committed its last batch, on the way out.
        if stopping {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if let Err(e) = checkpoint(&state, &path, &mut last).await {
            tracing::warn!(error = %e, path = %path.display(), "cannot anchor the chain heads");
        }
        if stopping {
            break;
        }
    }
}

async fn checkpoint(state: &AppState, path: &std::path::Path, last: &mut Vec<(String, i64)>) -> Result<(), String> {
    let heads: Vec<Checkpoint> = state.store.chain_heads().await.map_err(|e| e.to_string())?;
    let now: Vec<(String, i64)> = heads.iter().map(|h| (h.chain.clone(), h.seq)).collect();
    if now == *last {
        return Ok(());
    }
    let path = path.to_owned();
    let keys = state.crypto.clone();
    tokio::task::spawn_blocking(move || anchor::append(&path, &keys, &heads))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    *last = now;
    Ok(())
}
