//! The public policy model: what the published policy discloses, as JSON (`/v1/policy?format=json`).
//! Built by allowlist — each section and each recipient key is named here — so that what is
//! internal (where the data lives in the operator's databases, their connections and legal
//! holds, recipients' deletion endpoints and contracts, impact assessments, the
//! organisation's size figures) never reaches the public, including sections added to the
//! manifest later.

use gebao_core::Manifest;
use serde_json::{Map, Value};

/// Top-level sections of the manifest that a privacy policy discloses.
const PUBLIC_SECTIONS: &[&str] = &[
    "schema_version",
    "policy",
    "controller",
    "storage",
    "fields",
    "purposes",
    "scenarios",
    "permissions",
    "recipients",
    "cookies",
    "tracking",
    "rights",
    "minors",
    "protection",
    "changes",
    "termination",
];

/// What the sharing list discloses of a recipient (PIPL 23, 39; SHR-01, SHR-04, XB-01).
const PUBLIC_RECIPIENT_KEYS: &[&str] = &[
    "id",
    "name",
    "name_en",
    "kind",
    "company",
    "company_en",
    "contact",
    "purposes",
    "purpose",
    "purpose_en",
    "fields",
    "method",
    "method_en",
    "policy_url",
    "country",
    "separate_consent",
    "cross_border",
];

fn keep(v: &Value, keys: &[&str]) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter().filter(|(k, _)| keys.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect(),
        ),
        other => other.clone(),
    }
}

/// The public model of a manifest.
pub fn public_model(m: &Manifest) -> Value {
    let full = serde_json::to_value(m).unwrap_or(Value::Null);
    let Value::Object(full) = full else { return Value::Null };
    let mut out = Map::new();
    for (k, v) in full {
        if !PUBLIC_SECTIONS.contains(&k.as_str()) {
            continue;
        }
        let v = match (k.as_str(), v) {
            ("recipients", Value::Array(rs)) => {
                Value::Array(rs.iter().map(|r| keep(r, PUBLIC_RECIPIENT_KEYS)).collect())
            }
            (_, v) => v,
        };
        out.insert(k, v);
    }
    Value::Object(out)
}
