//! One module per subcommand.

pub mod check;
mod check_sarif;
pub mod diff;
pub mod init;
pub mod render;
pub mod schema;
