//! The external anchor of the chains: an append-only file of checkpoints — each chain's
//! head (seq and hash) at a moment, with a MAC under the chain key — kept outside the
//! database, where the operator chooses (another disk, a write-once mount, a log shipper).
//!
//! Keyed hashes already stop a forger who edits a record and recomputes the chain; what
//! they cannot stop is someone who deletes the newest records and puts back a head row they
//! saved earlier. A checkpoint written outside the database remembers the head: `gebao
//! audit verify --anchor FILE` finds a chain that is shorter than, or differs from, what
//! was anchored.
//!
//! Format: one JSON object per line, `{"chain":"audit","seq":N,"hash":"…","at_ms":T,"mac":"…"}`.

use crate::crypto::Keys;
use crate::{Result, StoreError};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// One chain's head at a moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub chain: String,
    pub seq: i64,
    pub hash: String,
    pub at_ms: i64,
}

#[derive(Serialize, Deserialize)]
struct Line {
    chain: String,
    seq: i64,
    hash: String,
    at_ms: i64,
    mac: String,
}

fn signed_text(c: &Checkpoint) -> String {
    format!("{}\0{}\0{}\0{}", c.chain, c.seq, c.hash, c.at_ms)
}

/// Appends checkpoints to the anchor file (created mode 0600 when missing) and syncs it.
pub fn append(path: &Path, keys: &Keys, checkpoints: &[Checkpoint]) -> Result<()> {
    let mut text = String::new();
    for c in checkpoints {
        let line = Line {
            chain: c.chain.clone(),
            seq: c.seq,
            hash: c.hash.clone(),
            at_ms: c.at_ms,
            mac: keys.anchor_mac(&signed_text(c)),
        };
        text.push_str(&serde_json::to_string(&line).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        text.push('\n');
    }
    let io = |e: std::io::Error| StoreError::Anchor(format!("cannot write the anchor file {}: {e}", path.display()));
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(io)?;
    f.write_all(text.as_bytes()).map_err(io)?;
    f.sync_data().map_err(io)
}

/// Reads an anchor file: every checkpoint, each checked against its MAC. A line that does
/// not verify is an error naming its line number.
pub fn read(path: &Path, keys: &Keys) -> Result<Vec<Checkpoint>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| StoreError::Anchor(format!("cannot read the anchor file {}: {e}", path.display())))?;
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let bad = |why: &str| StoreError::Anchor(format!("{} line {}: {why}", path.display(), i + 1));
        let line: Line = serde_json::from_str(raw).map_err(|e| bad(&format!("not a checkpoint ({e})")))?;
        let c = Checkpoint { chain: line.chain, seq: line.seq, hash: line.hash, at_ms: line.at_ms };
        if keys.anchor_mac(&signed_text(&c)) != line.mac {
            return Err(bad("the checkpoint was not written with this master key, or was edited"));
        }
        out.push(c);
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_edits_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("anchor.jsonl");
        let keys = Keys::from_master(&[5; 32]);
        let c = Checkpoint { chain: "audit".into(), seq: 7, hash: "ab".repeat(32), at_ms: 1 };
        append(&path, &keys, std::slice::from_ref(&c)).unwrap();
        append(&path, &keys, &[Checkpoint { seq: 9, ..c.clone() }]).unwrap();
        let got = read(&path, &keys).unwrap();
        assert_eq!(got.iter().map(|c| c.seq).collect::<Vec<_>>(), [7, 9]);
        assert!(read(&path, &Keys::from_master(&[6; 32])).is_err());
        let edited = std::fs::read_to_string(&path).unwrap().replace("\"seq\":9", "\"seq\":3");
        std::fs::write(&path, edited).unwrap();
        let e = read(&path, &keys).unwrap_err().to_string();
        assert!(e.contains("line 2"), "{e}");
    }
}
