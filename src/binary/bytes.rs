//! Unsigned integers read from raw bytes in a given byte order: the one bounds-checked
//! reader that the image (pointers), Go build info (string headers) and the pclntab
//! (tables) share. A read past the end is `None`, never a panic.

/// The `size`-byte (1, 2, 4 or 8) unsigned integer at `at`; `None` when it does not fit
/// in `bytes` or `size` is not one of those.
#[inline]
pub fn uint(bytes: &[u8], at: usize, size: usize, big_endian: bool) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(size)?)?;
    Some(match (size, big_endian) {
        (8, false) => u64::from_le_bytes(b.try_into().ok()?),
        (8, true) => u64::from_be_bytes(b.try_into().ok()?),
        (4, false) => u32::from_le_bytes(b.try_into().ok()?) as u64,
        (4, true) => u32::from_be_bytes(b.try_into().ok()?) as u64,
        (2, false) => u16::from_le_bytes(b.try_into().ok()?) as u64,
        (2, true) => u16::from_be_bytes(b.try_into().ok()?) as u64,
        (1, _) => b[0] as u64,
        _ => return None,
    })
}

/// The 4-byte unsigned integer at `at`.
#[inline]
pub fn u32_at(bytes: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    uint(bytes, at, 4, big_endian).map(|v| v as u32)
}

/// The 8-byte unsigned integer at `at`.
#[inline]
pub fn u64_at(bytes: &[u8], at: usize, big_endian: bool) -> Option<u64> {
    uint(bytes, at, 8, big_endian)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_orders_and_refuses_out_of_bounds() {
        let b = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        assert_eq!(u32_at(&b, 0, false), Some(0x0403_0201));
        assert_eq!(u32_at(&b, 0, true), Some(0x0102_0304));
        assert_eq!(u64_at(&b, 1, false), Some(0x0908_0706_0504_0302));
        assert_eq!(uint(&b, 7, 2, true), Some(0x0809));
        assert_eq!(uint(&b, 8, 1, false), Some(9));
        assert_eq!(u64_at(&b, 2, false), None);
        assert_eq!(u32_at(&b, usize::MAX - 1, false), None);
        assert_eq!(uint(&b, 0, 3, false), None);
    }
}
