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

/// The part of the public model a list publishes: the collection list its `fields`,
/// `purposes` and `scenarios`, the sharing list its `recipients`, the permission list its
/// `permissions`; the policy the whole model.
pub fn public_list_model(m: &Manifest, doc: crate::Document) -> Value {
    let keys: &[&str] = match doc {
        crate::Document::Policy => return public_model(m),
        crate::Document::CollectionList => &["fields", "purposes", "scenarios"],
        crate::Document::SharingList => &["recipients"],
        crate::Document::PermissionList => &["permissions"],
    };
    let model = public_model(m);
    Value::Object(
        keys.iter().map(|k| ((*k).to_owned(), model.get(*k).cloned().unwrap_or(Value::Array(Vec::new())))).collect(),
    )
}

/// Whether a manifest path (as `gebao diff` names changes: `recipients[push-sdk].company`,
/// `datasets[shop].tables[orders]`) lies in the public model: a change there may be shown to
/// the public; one elsewhere (a dataset, a recipient's deletion endpoint, the organisation's
/// figures) is internal.
pub fn is_public_path(path: &str) -> bool {
    let end = path.find(['.', '[']).unwrap_or(path.len());
    let (section, rest) = path.split_at(end);
    if !PUBLIC_SECTIONS.contains(&section) {
        return false;
    }
    if section != "recipients" {
        return true;
    }
    // `recipients`, `recipients[id]` (the recipient as a whole, shown by name) or
    // `recipients[id].key…`, where the key must be a public one.
    let after_item = rest.strip_prefix('[').and_then(|r| r.split_once(']')).map(|(_, tail)| tail);
    match after_item {
        None => rest.is_empty(),
        Some("") => true,
        Some(tail) => {
            let key = tail.trim_start_matches('.');
            let key = &key[..key.find(['.', '[']).unwrap_or(key.len())];
            PUBLIC_RECIPIENT_KEYS.contains(&key)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_public_path;

    #[test]
    fn public_paths_are_those_of_the_public_model() {
        for p in [
            "controller.contact.email",
            "purposes[recommend].retention.period",
            "recipients",
            "recipients[push-sdk]",
            "recipients[push-sdk].company",
            "recipients[push-sdk].fields[device_id]",
            "fields[phone]",
        ] {
            assert!(is_public_path(p), "{p} should be public");
        }
        for p in [
            "datasets",
            "datasets[shop].tables[orders].columns.mobile",
            "organisation.individuals",
            "recipients[push-sdk].deletion.address",
            "recipients[push-sdk].deletion",
            "recipients[push-sdk].contract",
            "recipientsx",
            "recipients[push-sdk",
            "",
        ] {
            assert!(!is_public_path(p), "{p} should be internal");
        }
    }
}
