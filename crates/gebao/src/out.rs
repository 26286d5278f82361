//! Standard output that tolerates a closed pipe (`gebao schema | head`).

use std::fmt::Display;
use std::io::Write;

/// Writes a line to standard output (colour stripped when it is not a terminal).
pub fn line(text: impl Display) -> std::io::Result<()> {
    let mut out = anstream::stdout().lock();
    writeln!(out, "{text}")
}

/// Whether an error is only the reader having gone away.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

/// Writes a line to standard error.
pub fn err(text: impl Display) -> std::io::Result<()> {
    use std::io::Write;
    writeln!(std::io::stderr(), "{text}")
}
