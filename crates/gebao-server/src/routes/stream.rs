//! A response body written by blocking code (the zip writer) as it goes: the writer runs on
//! a blocking thread and hands 64 KiB chunks to the body through a bounded channel, so a
//! large copy is never built in memory and a slow client slows the writer down.

use axum::body::{Body, Bytes};
use std::io::{self, Write};
use tokio::sync::mpsc;

const CHUNK: usize = 64 * 1024;

struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        // The client went away: stop writing.
        self.tx.blocking_send(Ok(chunk)).map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "client gone"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// A body that `write` fills on a blocking thread. An error after the first bytes ends the
/// body with an error (the client sees a truncated download, never a wrong one).
pub fn blocking_body<F>(write: F) -> Body
where
    F: FnOnce(&mut dyn Write) -> io::Result<()> + Send + 'static,
{
    let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(4);
    tokio::task::spawn_blocking(move || {
        let mut w = ChannelWriter { tx: tx.clone(), buf: Vec::with_capacity(CHUNK) };
        let result = write(&mut w).and_then(|()| w.flush());
        if let Err(e) = result {
            tracing::warn!(error = %e, "streamed body failed");
            let _ = tx.blocking_send(Err(e));
        }
    });
    let mut rx = rx;
    Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))
}
