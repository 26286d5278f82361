//! Finds where a manifest path (`purposes[2].fields[1]`) is in the text, so that every
//! diagnostic and finding can point at a line and column. The manifest model stays plain;
//! the spans come from a second, spanned parse of the same text.

use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Splits `a.b[2].c` into segments.
pub fn parse_path(path: &str) -> Vec<Seg<'_>> {
    let mut segs = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            segs.push(Seg::Key(key));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(n) = idx.trim_end_matches(']').parse() {
                segs.push(Seg::Index(n));
            }
        }
    }
    segs
}

/// The spanned tree of a manifest's text.
pub struct SourceMap<'i> {
    root: Option<toml::Spanned<DeTable<'i>>>,
}

impl<'i> SourceMap<'i> {
    pub fn new(src: &'i str) -> Self {
        SourceMap { root: DeTable::parse(src).ok() }
    }

    /// The span of the value at `path`, or of the deepest part of it that exists.
    pub fn span(&self, path: &str) -> Option<Range<usize>> {
        let root = self.root.as_ref()?;
        let mut best = None;
        let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
        let mut value: Option<&toml::Spanned<DeValue<'_>>> = None;
        for seg in parse_path(path) {
            match seg {
                Seg::Key(k) => {
                    let t = match (table, value) {
                        (Some(t), None) => t,
                        (_, Some(v)) => v.get_ref().as_table()?,
                        (None, None) => return best,
                    };
                    let Some((key, v)) = t.get_key_value(k) else { return best };
                    best = Some(if is_container(v.get_ref()) { key.span() } else { v.span() });
                    value = Some(v);
                    table = None;
                }
                Seg::Index(i) => {
                    let Some(arr) = value.and_then(|v| v.get_ref().as_array()) else { return best };
                    let Some(v) = arr.get(i) else { return best };
                    best = Some(v.span());
                    value = Some(v);
                }
            }
        }
        best
    }
}

/// Tables and arrays of tables point at their key or header, not at their whole body.
fn is_container(v: &DeValue<'_>) -> bool {
    v.as_table().is_some() || v.as_array().is_some_and(|a| a.iter().any(|e| e.get_ref().as_table().is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values() {
        let src = "[policy]\nversion = \"1\"\n\n[[purposes]]\nid = \"a\"\nfields = [\"x\", \"y\"]\n";
        let map = SourceMap::new(src);
        let span = map.span("purposes[0].fields[1]").unwrap_or_default();
        assert_eq!(&src[span], "\"y\"");
        let span = map.span("policy.version").unwrap_or_default();
        assert_eq!(&src[span], "\"1\"");
        assert!(map.span("purposes[0].nothing").is_some(), "falls back to the nearest existing part");
    }
}
