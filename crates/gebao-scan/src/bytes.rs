//! Bounds-checked little-endian reads: every read of a binary format goes through here, so
//! a damaged or hostile file ends in an error naming the offset, never a panic.

/// A little-endian byte buffer read at absolute offsets.
#[derive(Clone, Copy)]
pub struct Bytes<'a>(pub &'a [u8]);

/// A read past the end, at `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfBounds {
    pub offset: usize,
}

pub type Read<T> = Result<T, OutOfBounds>;

impl<'a> Bytes<'a> {
    pub fn len(self) -> usize {
        self.0.len()
    }

    pub fn slice(self, at: usize, len: usize) -> Read<&'a [u8]> {
        let end = at.checked_add(len).ok_or(OutOfBounds { offset: at })?;
        self.0.get(at..end).ok_or(OutOfBounds { offset: at })
    }

    pub fn u8(self, at: usize) -> Read<u8> {
        self.0.get(at).copied().ok_or(OutOfBounds { offset: at })
    }

    pub fn u16(self, at: usize) -> Read<u16> {
        let b = self.slice(at, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub fn u32(self, at: usize) -> Read<u32> {
        let b = self.slice(at, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A `u32` used as an offset or count.
    pub fn usize(self, at: usize) -> Read<usize> {
        self.u32(at).map(|v| v as usize)
    }

    /// An unsigned LEB128 value (DEX) and the offset after it.
    pub fn uleb128(self, mut at: usize) -> Read<(u32, usize)> {
        let mut value: u32 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.u8(at)?;
            at += 1;
            value |= u32::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                return Ok((value, at));
            }
        }
        Err(OutOfBounds { offset: at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_never_go_past_the_end() {
        let b = Bytes(&[1, 2, 3]);
        assert_eq!(b.u16(1), Ok(0x0302));
        assert_eq!(b.u32(0), Err(OutOfBounds { offset: 0 }));
        assert_eq!(b.slice(usize::MAX, 2), Err(OutOfBounds { offset: usize::MAX }));
        assert_eq!(Bytes(&[0xe5, 0x8e, 0x26]).uleb128(0), Ok((624_485, 3)));
        assert!(Bytes(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).uleb128(0).is_err());
    }
}
