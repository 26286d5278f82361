//! One module per subcommand.

pub mod audit;
pub mod check;
mod check_sarif;
pub mod diff;
pub mod init;
pub mod keys;
pub mod publish;
pub mod render;
pub mod requests;
pub mod schema;
pub mod serve;
mod store_args;
pub mod sweep;
