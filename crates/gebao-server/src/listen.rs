//! The accept loop and the limit on request heads. gebao accepts connections itself
//! (rather than through `axum::serve`) for one reason: hyper refuses a head larger than its
//! read buffer with a bare 431 and an empty body, before any of gebao's code runs. With the
//! buffer raised well above [`HEADERS_MAX`], a head between the two reaches
//! [`limit_headers`], which refuses it as a problem document like every other error.

use crate::error::ApiError;
use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// The address a request's connection came from (a request extension, axum's
/// `ConnectInfo`): what the privacy centre's sign-in and the banner's route count their
/// per-address limits by. Behind a reverse proxy it is the proxy's.
pub type Peer = ConnectInfo<SocketAddr>;

/// The most bytes the request line and header fields of one request may take together;
/// larger is a 431 problem document.
pub const HEADERS_MAX: usize = 64 * 1024;

/// hyper's read buffer for one request head (HTTP/1) and its header-list limit (HTTP/2).
/// A head over this is refused by hyper itself (431, empty body), so it is 2 MiB, 32 times
/// [`HEADERS_MAX`]: what a client sends by mistake (a runaway cookie, a 1 MiB token) is
/// answered by [`limit_headers`]. The buffer grows only as a head needs it, and the body
/// limit (1 MiB by default) already lets a request hold as much.
const HEAD_BUFFER_MAX: usize = 32 * HEADERS_MAX;

/// Refuses a request whose request line and header fields exceed [`HEADERS_MAX`], counted
/// as on the wire (`name: value\r\n`).
pub(crate) async fn limit_headers(req: Request, next: Next) -> Response {
    if head_size(&req) > HEADERS_MAX {
        return ApiError::HeadersTooLarge { limit: HEADERS_MAX }.into_response();
    }
    next.run(req).await
}

fn head_size(req: &Request) -> usize {
    let line = req.method().as_str().len() + req.uri().path_and_query().map_or(1, |p| p.as_str().len()) + 11;
    req.headers().iter().fold(line, |n, (name, value)| n + name.as_str().len() + value.len() + 4)
}

/// Serves `router` on `listener` (HTTP/1.1, and HTTP/2 with prior knowledge) until
/// `shutdown` completes; then accepts nothing more, lets in-flight requests finish, closes
/// idle connections, and returns when every connection is closed.
pub(crate) async fn serve(listener: TcpListener, router: Router, shutdown: impl Future<Output = ()> + Send + 'static) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().max_buf_size(HEAD_BUFFER_MAX);
    builder.http2().max_header_list_size(u32::try_from(HEAD_BUFFER_MAX).unwrap_or(u32::MAX));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // The client's address, for the routes that limit per address (`Peer`).
        let service = TowerToHyperService::new(router.clone().map_request(move |mut req: Request<_>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        }));
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection closed with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// A connection that failed before it was accepted concerns that client only; anything
/// else (out of file descriptors) is waited out for a second rather than spun on.
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset) {
        return;
    }
    tracing::error!(error = %e, "accept failed");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
