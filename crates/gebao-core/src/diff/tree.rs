//! The structural comparison: two serialised manifests walked side by side. Lists whose
//! items carry an `id` (or a `name`, for cookies and tables) are matched by it, and lists
//! of plain values are compared as sets, so that reordering is never a change.

use super::ChangeKind;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// One step of a path: a table key, or a list item named by its id or value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Seg {
    Key(String),
    Item(String),
}

/// A difference before it is judged.
#[derive(Debug, Clone)]
pub(super) struct RawChange {
    pub segs: Vec<Seg>,
    pub kind: ChangeKind,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Every difference between two trees. `null` and a missing key are the same: both mean
/// "not set".
pub(super) fn walk(old: &Value, new: &Value) -> Vec<RawChange> {
    let mut out = Vec::new();
    compare(&mut Vec::new(), old, new, &mut out);
    out
}

fn compare(path: &mut Vec<Seg>, old: &Value, new: &Value, out: &mut Vec<RawChange>) {
    if old == new {
        return;
    }
    let raw = |kind, before: Option<&Value>, after: Option<&Value>| RawChange {
        segs: path.clone(),
        kind,
        before: before.cloned(),
        after: after.cloned(),
    };
    match (old, new) {
        (Value::Null, n) => out.push(raw(ChangeKind::Added, None, Some(n))),
        (o, Value::Null) => out.push(raw(ChangeKind::Removed, Some(o), None)),
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                path.push(Seg::Key(k.clone()));
                compare(path, a.get(k).unwrap_or(&Value::Null), b.get(k).unwrap_or(&Value::Null), out);
                path.pop();
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            let (ka, kb) = match (keyed(a), keyed(b)) {
                (Some(ka), Some(kb)) => (ka, kb),
                // Items without ids, or with duplicate ids: fall back to positions.
                _ => (by_position(a), by_position(b)),
            };
            let keys: BTreeSet<&String> = ka.keys().chain(kb.keys()).collect();
            for k in keys {
                path.push(Seg::Item(k.clone()));
                match (ka.get(k), kb.get(k)) {
                    (Some(o), Some(n)) => compare(path, o, n, out),
                    (Some(o), None) => out.push(RawChange {
                        segs: path.clone(),
                        kind: ChangeKind::Removed,
                        before: Some((*o).clone()),
                        after: None,
                    }),
                    (None, Some(n)) => out.push(RawChange {
                        segs: path.clone(),
                        kind: ChangeKind::Added,
                        before: None,
                        after: Some((*n).clone()),
                    }),
                    (None, None) => {}
                }
                path.pop();
            }
        }
        (o, n) => out.push(raw(ChangeKind::Modified, Some(o), Some(n))),
    }
}

/// The items of a list by their identity: `id`, else `name` for tables, else the value
/// itself for plain values. `None` when items have no identity or share one.
fn keyed(items: &[Value]) -> Option<BTreeMap<String, &Value>> {
    let key_of = |v: &Value| -> Option<String> {
        match v {
            Value::Object(o) => string_at(o, "id").or_else(|| string_at(o, "name")),
            Value::Array(_) | Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    };
    let mut map = BTreeMap::new();
    for item in items {
        if map.insert(key_of(item)?, item).is_some() {
            return None;
        }
    }
    Some(map)
}

fn string_at(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn by_position(items: &[Value]) -> BTreeMap<String, &Value> {
    // Zero-padded so that the string order is the numeric order.
    items.iter().enumerate().map(|(i, v)| (format!("{i:04}"), v)).collect()
}

/// The path as text: keys joined by dots, items in brackets.
pub(super) fn path_string(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Item(i) => {
                s.push('[');
                s.push_str(i);
                s.push(']');
            }
        }
    }
    s
}

/// A value as text for `before`/`after`: plain values as they are, a table by its name or
/// id, else as compact JSON without the keys that are not set.
pub(super) fn show(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(v.to_string()),
        Value::Array(items) => Some(items.iter().filter_map(show).collect::<Vec<_>>().join(", ")),
        Value::Object(o) => string_at(o, "name").or_else(|| string_at(o, "id")).or_else(|| Some(prune(v).to_string())),
    }
}

/// The value without `null`s and empty lists, so that a table shows what it says.
fn prune(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(_, x)| !x.is_null() && !x.as_array().is_some_and(Vec::is_empty))
                .map(|(k, x)| (k.clone(), prune(x)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(prune).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_match_by_id_and_plain_lists_are_sets() {
        let a = json!({"xs": [{"id": "a", "v": 1}, {"id": "b", "v": 2}], "tags": ["x", "y"]});
        let b = json!({"xs": [{"id": "b", "v": 2}, {"id": "a", "v": 3}], "tags": ["y", "x", "z"]});
        let out = walk(&a, &b);
        let paths: Vec<String> = out.iter().map(|c| path_string(&c.segs)).collect();
        assert_eq!(paths, ["tags[z]", "xs[a].v"]);
    }

    #[test]
    fn null_and_missing_are_the_same() {
        assert!(walk(&json!({"a": null}), &json!({})).is_empty());
        let out = walk(&json!({"a": null}), &json!({"a": {"name": "n"}}));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].kind, ChangeKind::Added);
        assert_eq!(out[0].after.as_ref().and_then(show).as_deref(), Some("n"));
    }
}
