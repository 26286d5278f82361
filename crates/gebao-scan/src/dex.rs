//! The classes a DEX file defines (`class_defs` → `type_ids` → `string_ids` → MUTF-8
//! descriptors), as Java names (`com.umeng.analytics.MobclickAgent`). Only the tables that
//! name classes are read; code is never decoded.

use crate::bytes::{Bytes, OutOfBounds};

/// Why a DEX file could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DexError {
    pub offset: usize,
    pub what: String,
}

impl From<OutOfBounds> for DexError {
    fn from(e: OutOfBounds) -> Self {
        DexError { offset: e.offset, what: "a table points past the end of the file".into() }
    }
}

fn bad(offset: usize, what: impl Into<String>) -> DexError {
    DexError { offset, what: what.into() }
}

const HEADER_SIZE: usize = 0x70;
const ENDIAN_CONSTANT: u32 = 0x1234_5678;

/// The names of the classes `data` defines, in file order.
pub fn class_names(data: &[u8]) -> Result<Vec<String>, DexError> {
    let b = Bytes(data);
    let magic = b.slice(0, 8).map_err(|_| bad(0, "shorter than a DEX header"))?;
    if &magic[..4] != b"dex\n" || magic[7] != 0 || !magic[4..7].iter().all(u8::is_ascii_digit) {
        return Err(bad(0, "no DEX magic (`dex\\n0xx\\0`)"));
    }
    if b.len() < HEADER_SIZE {
        return Err(bad(0, "shorter than a DEX header"));
    }
    if b.u32(40)? != ENDIAN_CONSTANT {
        return Err(bad(40, "not a little-endian DEX file"));
    }
    let table = |size_at: usize, off_at: usize, item: usize| -> Result<(usize, usize), DexError> {
        let (size, off) = (b.usize(size_at)?, b.usize(off_at)?);
        let bytes = size.checked_mul(item).ok_or_else(|| bad(size_at, "table size overflows"))?;
        if off.checked_add(bytes).is_none_or(|end| end > b.len()) {
            return Err(bad(off_at, format!("a table of {size} entries does not fit in the file")));
        }
        Ok((size, off))
    };
    let (strings, strings_off) = table(56, 60, 4)?;
    let (types, types_off) = table(64, 68, 4)?;
    let (classes, classes_off) = table(96, 100, 32)?;
    let mut names = Vec::with_capacity(classes);
    for i in 0..classes {
        let at = classes_off + i * 32;
        let type_index = b.usize(at)?;
        if type_index >= types {
            return Err(bad(at, format!("class {i} names type {type_index} of {types}")));
        }
        let string_index = b.usize(types_off + type_index * 4)?;
        if string_index >= strings {
            return Err(bad(
                types_off + type_index * 4,
                format!("type {type_index} names string {string_index} of {strings}"),
            ));
        }
        let data_at = b.usize(strings_off + string_index * 4)?;
        let descriptor = mutf8(b, data_at)?;
        names.push(java_name(&descriptor));
    }
    Ok(names)
}

/// A `string_data_item`: ULEB128 length in UTF-16 units, then modified UTF-8 up to a NUL.
fn mutf8(b: Bytes<'_>, at: usize) -> Result<String, DexError> {
    let (_, start) = b.uleb128(at)?;
    let rest = b.0.get(start..).ok_or(bad(at, "string data past the end of the file"))?;
    let end = rest.iter().position(|c| *c == 0).ok_or_else(|| bad(start, "string without its terminating NUL"))?;
    // Class descriptors are ASCII in practice; anything else is kept readable, not exact.
    Ok(String::from_utf8_lossy(&rest[..end]).into_owned())
}

/// `Lcom/umeng/analytics/MobclickAgent;` → `com.umeng.analytics.MobclickAgent`.
fn java_name(descriptor: &str) -> String {
    let inner = descriptor.strip_prefix('L').and_then(|d| d.strip_suffix(';')).unwrap_or(descriptor);
    inner.replace('/', ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_become_java_names() {
        assert_eq!(java_name("Lcom/umeng/analytics/MobclickAgent;"), "com.umeng.analytics.MobclickAgent");
        assert_eq!(java_name("LMain;"), "Main");
    }

    #[test]
    fn damaged_files_are_errors_not_panics() {
        assert!(class_names(b"").is_err());
        assert!(class_names(b"PK\x03\x04 not a dex at all").unwrap_err().what.contains("magic"));
        let mut header = vec![0u8; HEADER_SIZE];
        header[..8].copy_from_slice(b"dex\n035\0");
        header[40..44].copy_from_slice(&ENDIAN_CONSTANT.to_le_bytes());
        assert_eq!(class_names(&header), Ok(vec![]));
        // A class table that claims a million entries.
        header[96..100].copy_from_slice(&1_000_000u32.to_le_bytes());
        header[100..104].copy_from_slice(&0x70u32.to_le_bytes());
        assert_eq!(class_names(&header).unwrap_err().offset, 100);
    }
}
