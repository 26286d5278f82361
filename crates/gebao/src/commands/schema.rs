//! `gebao schema`: the manifest's JSON Schema, generated from the model.

use crate::Outcome;
use anyhow::Result;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<Outcome> {
    let schema = schemars::schema_for!(gebao_core::Manifest);
    crate::out::line(serde_json::to_string_pretty(&schema)?)?;
    Ok(Outcome::Ok)
}
