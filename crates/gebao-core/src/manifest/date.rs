//! Dates in the manifest: TOML local dates (`2024-05-01`) or strings (`"2024-05-01"`).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serializer};

fn parse(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date: write it as YYYY-MM-DD, e.g. 2024-05-01"))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Raw {
    Toml(toml::value::Datetime),
    Text(String),
}

fn from_raw(raw: Raw) -> Result<NaiveDate, String> {
    match raw {
        Raw::Text(s) => parse(&s),
        Raw::Toml(dt) => match (dt.date, dt.time) {
            (Some(d), None) => parse(&d.to_string()),
            _ => Err(format!("`{dt}` is not a date: write only the date, YYYY-MM-DD")),
        },
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    from_raw(Raw::deserialize(d)?).map_err(serde::de::Error::custom)
}

pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&date.format("%Y-%m-%d"))
}

/// The same for optional dates.
pub mod opt {
    use super::*;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<Raw>::deserialize(d)?.map(from_raw).transpose().map_err(serde::de::Error::custom)
    }

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => super::serialize(d, s),
            None => s.serialize_none(),
        }
    }
}
