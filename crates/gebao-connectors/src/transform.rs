//! The erasure strategies that rewrite a value instead of removing the row. Each is
//! idempotent (applying it to its own output changes nothing), so that an interrupted
//! request can be run again and a sweep can revisit rows.

use crate::sql::Kind;
use gebao_core::manifest::Erasure;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The new value of a column under `strategy`; `None` keeps the value as it is.
pub(crate) fn apply(strategy: Erasure, kind: Kind, value: &Value) -> Option<Value> {
    if value.is_null() {
        return None;
    }
    match strategy {
        Erasure::Keep => None,
        Erasure::Null | Erasure::DeleteRow => Some(Value::Null),
        // A masked or hashed value is text; a column that cannot hold text is emptied.
        Erasure::Mask if kind.is_text() => value.as_str().map(|s| Value::from(mask(s))),
        Erasure::Hash if kind.is_text() => value.as_str().map(|s| Value::from(hash(s))),
        Erasure::Mask | Erasure::Hash => Some(Value::Null),
        Erasure::Generalise => Some(generalise(kind, value)),
    }
    .filter(|new| new != value)
}

/// Keeps the first and last characters: `138****0000` for a mobile number, `a***@b.com` for
/// an e-mail address, `张*丰` for a name. A value already holding `*` is taken as masked.
pub(crate) fn mask(s: &str) -> String {
    if s.contains('*') {
        return s.to_owned();
    }
    if let Some((first, domain)) = s.split_once('@').and_then(|(l, d)| Some((l.chars().next()?, d))) {
        return format!("{first}***@{domain}");
    }
    let chars: Vec<char> = s.chars().collect();
    let digits = chars.iter().filter(|c| c.is_ascii_digit()).count();
    let (head, tail) = if digits >= 7 && digits + 1 >= chars.len() {
        (3, 4) // phone numbers: the operator prefix and the last four digits, as is usual
    } else if chars.len() >= 3 {
        (1, 1)
    } else {
        (1, 0)
    };
    let middle = chars.len().saturating_sub(head + tail).max(1);
    let start: String = chars.iter().take(head.min(chars.len().saturating_sub(1))).collect();
    let end: String = chars.iter().skip(chars.len().saturating_sub(tail)).collect();
    format!("{start}{}{end}", "*".repeat(middle))
}

/// Hex SHA-256 of the value; a value that already is 64 hex digits is left as it is.
pub(crate) fn hash(s: &str) -> String {
    if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return s.to_owned();
    }
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Dates to their year (1 January of it in a date column), numbers to one significant digit
/// (34 → 30, 1234.5 → 1000), other text to its first character.
pub(crate) fn generalise(kind: Kind, value: &Value) -> Value {
    match (kind, value) {
        (Kind::Date, Value::String(s)) => year(s).map_or(Value::Null, |y| Value::from(format!("{y}-01-01"))),
        (Kind::Timestamp, Value::String(s)) => {
            year(s).map_or(Value::Null, |y| Value::from(format!("{y}-01-01 00:00:00")))
        }
        (Kind::TimestampTz, Value::String(s)) => {
            year(s).map_or(Value::Null, |y| Value::from(format!("{y}-01-01T00:00:00Z")))
        }
        (_, Value::Number(n)) => match n.as_i64() {
            Some(i) => Value::from(round_int(i)),
            None => n.as_f64().map_or(Value::Null, |f| Value::from(round_float(f))),
        },
        (Kind::Decimal, Value::String(s)) => {
            s.trim().parse::<f64>().map_or(Value::Null, |f| Value::from(format_float(round_float(f))))
        }
        (_, Value::String(s)) => Value::from(generalise_text(s)),
        (_, Value::Bool(_)) => Value::Null,
        (_, other) => other.clone(),
    }
}

fn generalise_text(s: &str) -> String {
    let t = s.trim();
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.to_owned(); // already a year
    }
    if let Some(y) = year(t) {
        return y.to_string();
    }
    if let Ok(i) = t.parse::<i64>() {
        return round_int(i).to_string();
    }
    if let Some(f) = t.parse::<f64>().ok().filter(|f| f.is_finite()) {
        return format_float(round_float(f));
    }
    t.chars().next().map(String::from).unwrap_or_default()
}

/// The year of `YYYY-MM-DD…` text.
fn year(s: &str) -> Option<i32> {
    let b = s.trim().as_bytes();
    let date_like = b.len() >= 10 && b[4] == b'-' && b[7] == b'-';
    if !date_like {
        return None;
    }
    s.trim().get(..4)?.parse().ok()
}

fn round_int(i: i64) -> i64 {
    let a = i.unsigned_abs();
    if a < 10 {
        return i;
    }
    let mut unit: u64 = 1;
    while a / unit >= 10 {
        unit *= 10;
    }
    let rounded = (a + unit / 2) / unit * unit;
    let r = i64::try_from(rounded).unwrap_or(i64::MAX);
    if i < 0 { -r } else { r }
}

fn round_float(f: f64) -> f64 {
    if !f.is_finite() || f == 0.0 {
        return 0.0;
    }
    let unit = 10f64.powf(f.abs().log10().floor());
    (f / unit).round() * unit
}

fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { f.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_keep_first_and_last() {
        assert_eq!(mask("13812340000"), "138****0000");
        assert_eq!(mask("alice@b.com"), "a***@b.com");
        assert_eq!(mask("张三丰"), "张*丰");
        assert_eq!(mask("张三"), "张*");
        assert_eq!(mask("x"), "*");
        for s in ["13812340000", "alice@b.com", "张三丰", "x", ""] {
            assert_eq!(mask(&mask(s)), mask(s), "idempotent on {s}");
        }
    }

    #[test]
    fn hash_is_hex_sha256_and_idempotent() {
        let h = hash("13812340000");
        assert_eq!(h.len(), 64);
        assert_eq!(hash(&h), h);
    }

    #[test]
    fn generalise_dates_numbers_text() {
        assert_eq!(generalise(Kind::Date, &json!("1990-05-17")), json!("1990-01-01"));
        assert_eq!(generalise(Kind::Text, &json!("1990-05-17")), json!("1990"));
        assert_eq!(generalise(Kind::Text, &json!("1990")), json!("1990"));
        assert_eq!(generalise(Kind::Int, &json!(34)), json!(30));
        assert_eq!(generalise(Kind::Int, &json!(1234)), json!(1000));
        assert_eq!(generalise(Kind::Float, &json!(1234.5)), json!(1000.0));
        assert_eq!(generalise(Kind::Decimal, &json!("86.50")), json!("90"));
        assert_eq!(generalise(Kind::Text, &json!("杭州市西湖区")), json!("杭"));
        for (k, v) in [(Kind::Date, json!("1990-05-17")), (Kind::Int, json!(1234)), (Kind::Text, json!("杭州"))] {
            let once = generalise(k, &v);
            assert_eq!(generalise(k, &once), once);
        }
    }

    #[test]
    fn apply_never_rewrites_null_and_reports_no_change() {
        assert_eq!(apply(Erasure::Mask, Kind::Text, &Value::Null), None);
        assert_eq!(apply(Erasure::Mask, Kind::Text, &json!("138****0000")), None);
        assert_eq!(apply(Erasure::Keep, Kind::Text, &json!("x")), None);
        assert_eq!(apply(Erasure::Hash, Kind::Int, &json!(5)), Some(Value::Null));
    }
}
