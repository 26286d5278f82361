//! Android's compiled (binary) XML, as `aapt`/`aapt2` write `AndroidManifest.xml` into an
//! APK: a chunk of type `RES_XML_TYPE` holding a string pool, a resource map (the
//! `android:` attribute ids of the first strings) and a stream of element chunks. Decoded
//! into a flat list of elements with their depth; attribute names come from the resource
//! map when it has them (the strings may be stripped or obfuscated), else from the pool.

use crate::bytes::{Bytes, OutOfBounds};

const RES_XML_TYPE: u16 = 0x0003;
const RES_STRING_POOL_TYPE: u16 = 0x0001;
const RES_XML_RESOURCE_MAP_TYPE: u16 = 0x0180;
const RES_XML_START_ELEMENT_TYPE: u16 = 0x0102;
const RES_XML_END_ELEMENT_TYPE: u16 = 0x0103;
const UTF8_FLAG: u32 = 0x100;
const NO_INDEX: u32 = 0xFFFF_FFFF;
/// Deeper nesting than any manifest has: refused rather than followed.
const MAX_DEPTH: usize = 64;

/// An attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Bool(bool),
    Int(i64),
    /// A resource reference (`@string/app_name`), by id.
    Reference(u32),
    /// Anything else (dimensions, colours…), as its raw data.
    Other(u32),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Str(s) => s.parse().ok(),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

/// One attribute: its local name (`name`, `exported`…; the `android:` namespace is implied
/// for the attributes the scan reads) and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub value: Value,
}

/// One element, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    /// 0 for the root.
    pub depth: usize,
    pub attributes: Vec<Attribute>,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&Value> {
        self.attributes.iter().find(|a| a.name == name).map(|a| &a.value)
    }
}

/// Why a document could not be decoded, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: usize,
    pub what: String,
}

impl From<OutOfBounds> for DecodeError {
    fn from(e: OutOfBounds) -> Self {
        DecodeError { offset: e.offset, what: "the data ends in the middle of a structure".into() }
    }
}

fn bad(offset: usize, what: impl Into<String>) -> DecodeError {
    DecodeError { offset, what: what.into() }
}

/// The `android:` attribute names the scan reads, by resource id (android.R.attr).
fn android_attr(id: u32) -> Option<&'static str> {
    Some(match id {
        0x0101_0003 => "name",
        0x0101_0006 => "permission",
        0x0101_000e => "enabled",
        0x0101_0010 => "exported",
        0x0101_020c => "minSdkVersion",
        0x0101_021b => "versionCode",
        0x0101_021c => "versionName",
        0x0101_0270 => "targetSdkVersion",
        0x0101_0271 => "maxSdkVersion",
        0x0101_028e => "required",
        _ => return None,
    })
}

/// Decodes a compiled XML document into its elements.
pub fn decode(data: &[u8]) -> Result<Vec<Element>, DecodeError> {
    let b = Bytes(data);
    if b.u16(0)? != RES_XML_TYPE {
        return Err(bad(0, "it does not start with a compiled-XML header"));
    }
    let header = usize::from(b.u16(2)?);
    let total = b.usize(4)?.min(b.len());
    let mut strings: Vec<String> = Vec::new();
    let mut resource_ids: Vec<u32> = Vec::new();
    let mut elements = Vec::new();
    let mut depth = 0usize;
    let mut at = header.max(8);
    while at + 8 <= total {
        let kind = b.u16(at)?;
        let head = usize::from(b.u16(at + 2)?);
        let size = b.usize(at + 4)?;
        if size < 8 || at.checked_add(size).is_none_or(|end| end > total) || head > size {
            return Err(bad(at, format!("a chunk claims {size} bytes, more than remain")));
        }
        let chunk = Bytes(b.slice(at, size)?);
        match kind {
            RES_STRING_POOL_TYPE => strings = string_pool(chunk).map_err(|e| shift(e, at))?,
            RES_XML_RESOURCE_MAP_TYPE => {
                resource_ids = (head..size).step_by(4).map(|o| chunk.u32(o)).collect::<Result<_, _>>()?;
            }
            RES_XML_START_ELEMENT_TYPE => {
                if depth >= MAX_DEPTH {
                    return Err(bad(at, format!("elements nested deeper than {MAX_DEPTH}")));
                }
                let el = start_element(chunk, head, depth, &strings, &resource_ids).map_err(|e| shift(e, at))?;
                elements.push(el);
                depth += 1;
            }
            RES_XML_END_ELEMENT_TYPE => depth = depth.saturating_sub(1),
            // Namespaces, CDATA and unknown chunks carry nothing the scan reads.
            _ => {}
        }
        at += size;
    }
    if elements.is_empty() {
        return Err(bad(at, "no element found"));
    }
    Ok(elements)
}

fn shift(e: DecodeError, by: usize) -> DecodeError {
    DecodeError { offset: e.offset + by, what: e.what }
}

fn string_pool(c: Bytes<'_>) -> Result<Vec<String>, DecodeError> {
    let count = c.usize(8)?;
    let flags = c.u32(16)?;
    let strings_start = c.usize(20)?;
    let header = usize::from(c.u16(2)?);
    // Each string needs a 4-byte offset: a count beyond that is a lie.
    if count > c.len() / 4 {
        return Err(bad(8, format!("the string pool claims {count} strings")));
    }
    let utf8 = flags & UTF8_FLAG != 0;
    (0..count)
        .map(|i| {
            let off = c.usize(header + i * 4)?;
            let at = strings_start.checked_add(off).ok_or_else(|| bad(header + i * 4, "string offset overflows"))?;
            if utf8 { utf8_string(c, at) } else { utf16_string(c, at) }
        })
        .collect()
}

fn utf8_string(c: Bytes<'_>, at: usize) -> Result<String, DecodeError> {
    // UTF-16 length, then byte length, each 1 or 2 bytes (high bit = two bytes).
    let len = |at: usize| -> Result<(usize, usize), DecodeError> {
        let b0 = usize::from(c.u8(at)?);
        if b0 & 0x80 != 0 { Ok((((b0 & 0x7f) << 8) | usize::from(c.u8(at + 1)?), at + 2)) } else { Ok((b0, at + 1)) }
    };
    let (_, at) = len(at)?;
    let (bytes, at) = len(at)?;
    let raw = c.slice(at, bytes)?;
    Ok(String::from_utf8_lossy(raw).into_owned())
}

fn utf16_string(c: Bytes<'_>, at: usize) -> Result<String, DecodeError> {
    let first = usize::from(c.u16(at)?);
    let (units, at) = if first & 0x8000 != 0 {
        (((first & 0x7fff) << 16) | usize::from(c.u16(at + 2)?), at + 4)
    } else {
        (first, at + 2)
    };
    let raw = c.slice(at, units.checked_mul(2).ok_or_else(|| bad(at, "string length overflows"))?)?;
    let units: Vec<u16> = raw.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
    Ok(String::from_utf16_lossy(&units))
}

fn string_at(strings: &[String], index: u32, at: usize) -> Result<String, DecodeError> {
    strings
        .get(index as usize)
        .cloned()
        .ok_or_else(|| bad(at, format!("string {index} is not in the string pool ({} strings)", strings.len())))
}

fn start_element(
    c: Bytes<'_>,
    head: usize,
    depth: usize,
    strings: &[String],
    resource_ids: &[u32],
) -> Result<Element, DecodeError> {
    let ext = head;
    let name = string_at(strings, c.u32(ext + 4)?, ext + 4)?;
    let attr_start = usize::from(c.u16(ext + 8)?);
    let attr_size = usize::from(c.u16(ext + 10)?).max(20);
    let count = usize::from(c.u16(ext + 12)?);
    let mut attributes = Vec::with_capacity(count);
    for i in 0..count {
        let a = ext + attr_start + i * attr_size;
        let name_index = c.u32(a + 4)?;
        let raw = c.u32(a + 8)?;
        let data_type = c.u8(a + 15)?;
        let data = c.u32(a + 16)?;
        let from_map = resource_ids.get(name_index as usize).and_then(|id| android_attr(*id));
        let name = match from_map {
            Some(n) => n.to_owned(),
            None => string_at(strings, name_index, a + 4)?,
        };
        let value = match data_type {
            0x03 => Value::Str(string_at(strings, data, a + 16)?),
            0x01 => Value::Reference(data),
            0x10 => Value::Int(i64::from(data as i32)),
            0x11 => Value::Int(i64::from(data)),
            0x12 => Value::Bool(data != 0),
            _ if raw != NO_INDEX => Value::Str(string_at(strings, raw, a + 8)?),
            _ => Value::Other(data),
        };
        attributes.push(Attribute { name, value });
    }
    Ok(Element { name, depth, attributes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_an_error_with_its_offset() {
        assert_eq!(decode(b"<?xml version").unwrap_err().offset, 0);
        // A header that claims more than there is.
        let mut doc = vec![0x03, 0x00, 0x08, 0x00, 0x40, 0x00, 0x00, 0x00];
        doc.extend_from_slice(&[0x01, 0x00, 0x1c, 0x00, 0xff, 0xff, 0x00, 0x00]);
        let e = decode(&doc).unwrap_err();
        assert_eq!(e.offset, 8, "{e:?}");
    }

    #[test]
    fn an_empty_document_has_no_element() {
        let doc = [0x03, 0x00, 0x08, 0x00, 0x08, 0x00, 0x00, 0x00];
        assert!(decode(&doc).unwrap_err().what.contains("no element"));
    }
}
