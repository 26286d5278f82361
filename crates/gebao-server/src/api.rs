//! The wire types of the HTTP API, for clients in Rust (the CLI's `gebao requests`): the
//! same types the server serialises and `/openapi.json` describes, so a client cannot drift
//! from the server.

pub use crate::error::Problem;
pub use crate::requests::dry_run;
pub use crate::requests::view::{DeliveryView, DueView, RequestView, VerificationView};
pub use crate::routes::request_actions::{AckBody, CodeBody, DryRun, Executed, RefuseBody, VerifyBody};
pub use crate::routes::requests::{CorrectionBody, DetailsBody, ListQuery, NewRequestBody, RequestPage, RequesterBody};
