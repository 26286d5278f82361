//! One module per subcommand.

pub mod abroad;
pub mod audit;
pub mod check;
mod check_sarif;
mod client;
pub mod config;
pub mod datasets;
pub mod diff;
pub mod import;
pub mod incident;
pub mod init;
pub mod keys;
pub mod pia;
pub mod publish;
pub mod render;
pub mod report;
pub mod requests;
pub mod scan;
mod scan_site;
pub mod schema;
pub mod serve;
pub mod staff;
mod store_args;
pub mod sweep;
pub mod terminate;

/// Runs the async part of a command (store and database access) to completion.
fn block_on<F: std::future::Future>(future: F) -> std::io::Result<F::Output> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(future))
}
