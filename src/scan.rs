//! Scanning ASCII text a byte at a time, or eight or sixteen: byte classes as tables, runs of a
//! class a chunk at a time, the search for one byte, splitting and trimming at ASCII bytes, and short copies without a
//! call to `memcpy`.
//! The lowest layer, beside `slices`; it uses `slices` and nothing else of the crate.

/// A `[bool; 256]` of whether each byte value satisfies a predicate, built at compile time, so
/// that classifying a byte on a hot path is one load: `byte_table!(|c| c.is_ascii_digit())`.
macro_rules! byte_table {
    (|$c:ident| $predicate:expr) => {{
        let mut table = [false; 256];
        let mut i = 0;
        while i < 256 {
            let $c = i as u8;
            table[i] = $predicate;
            i += 1;
        }
        table
    }};
}
pub(crate) use byte_table;

/// Copies `src` into `dst`, slices of the same length (a caller's invariant; were they not,
/// only the bytes both have in common would be copied). Short copies, the separators and
/// header names a canonical request is made of, use a few fixed-size moves instead of a call
/// to `memcpy`: two overlapping 8-byte (or 4-byte) moves cover every length from 4 to 16.
#[inline]
pub(crate) fn copy_short(dst: &mut [u8], src: &[u8]) {
    /// Copies the first and the last `N` bytes, which overlap for lengths below `2 * N`.
    #[inline]
    fn ends<const N: usize>(dst: &mut [u8], src: &[u8]) {
        if let (Some(d), Some(s)) = (dst.first_chunk_mut::<N>(), src.first_chunk::<N>()) {
            *d = *s;
        }
        if let (Some(d), Some(s)) = (dst.last_chunk_mut::<N>(), src.last_chunk::<N>()) {
            *d = *s;
        }
    }
    let len = src.len();
    if len != dst.len() || len > 16 {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = *s;
        }
    } else if len >= 8 {
        ends::<8>(dst, src);
    } else if len >= 4 {
        ends::<4>(dst, src);
    } else {
        // 1 to 3 bytes: the first, the middle and the last cover them all.
        for i in [0, len / 2, len.saturating_sub(1)] {
            if let (Some(d), Some(s)) = (dst.get_mut(i), src.get(i)) {
                *d = *s;
            }
        }
    }
}

/// The parts of `text` between the ASCII byte `sep`, as `str::split` gives them. The texts split
/// this way (a credential, an `Authorization` value, a list of names) are short, and a plain
/// byte loop finds each end sooner than a character searcher set up for every part.
pub(crate) fn split_ascii(text: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    core::iter::from_fn(move || {
        let part = rest?;
        match find_byte(part.as_bytes(), sep) {
            // `sep` is ASCII, so both sides of it are character boundaries.
            Some(i) => {
                rest = part.get(i + 1..);
                part.get(..i)
            }
            None => rest.take(),
        }
    })
}

/// The position of the first `needle` in `haystack`, eight bytes at a time: a word whose bytes
/// equal `needle` has a zero byte after XOR with `needle` repeated, and the lowest byte that the
/// classic zero-byte test flags is always a real one (a false flag can only sit above a real
/// zero, where the subtraction borrowed).
pub(crate) fn find_byte(haystack: &[u8], needle: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let pattern = ONES * u64::from(needle);
    let (words, tail) = haystack.as_chunks::<8>();
    for (i, word) in words.iter().enumerate() {
        let x = u64::from_le_bytes(*word) ^ pattern;
        let zeros = x.wrapping_sub(ONES) & !x & HIGHS;
        if zeros != 0 {
            return Some(8 * i + (zeros.trailing_zeros() / 8) as usize);
        }
    }
    tail.iter().position(|&b| b == needle).map(|p| 8 * words.len() + p)
}

/// `text` split at the first ASCII byte `sep`, as `str::split_once` does.
pub(crate) fn split_once_ascii(text: &str, sep: u8) -> Option<(&str, &str)> {
    let i = find_byte(text.as_bytes(), sep)?;
    Some((text.get(..i)?, text.get(i + 1..)?))
}

/// `text` without the spaces and tabs at either end (HTTP's optional whitespace).
pub(crate) fn trim_ows(text: &str) -> &str {
    let is_ows = |b: &u8| *b == b' ' || *b == b'\t';
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|b| !is_ows(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !is_ows(b)).map_or(start, |i| i + 1);
    // Both ends are next to ASCII bytes, so they are character boundaries.
    text.get(start..end.max(start)).unwrap_or("")
}

/// `b` in every byte of a word.
#[inline]
pub(crate) const fn splat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// The high bit of every byte of `w` that is zero, and of no other byte: exact, unlike the
/// borrow trick of [`find_byte`], which may also mark a byte above a zero one.
#[inline]
pub(crate) const fn zero_bytes(w: u64) -> u64 {
    const LOWS: u64 = splat(0x7f);
    !(((w & LOWS).wrapping_add(LOWS)) | w | LOWS)
}

/// Whether `a` and `b` are the same bytes, compared a word at a time when they are at most 16
/// bytes long (a header name, mostly) instead of by a call to `memcmp`.
#[inline]
pub(crate) fn eq_short(a: &[u8], b: &[u8]) -> bool {
    #[inline]
    fn ends<const N: usize>(a: &[u8], b: &[u8]) -> bool {
        a.first_chunk::<N>() == b.first_chunk::<N>() && a.last_chunk::<N>() == b.last_chunk::<N>()
    }
    match a.len() {
        len if len != b.len() => false,
        8..=16 => ends::<8>(a, b),
        4..=7 => ends::<4>(a, b),
        0..=3 => a.iter().zip(b).fold(true, |same, (x, y)| same & (x == y)),
        _ => a == b,
    }
}

/// How many bytes at the start of `bytes` are in a class, sixteen at a time: `keep` must be
/// made of comparisons (no table), so that the compiler checks a whole chunk at once.
#[inline]
pub(crate) fn class_prefix(bytes: &[u8], keep: impl Fn(u8) -> bool + Copy) -> usize {
    let (chunks, _) = bytes.as_chunks::<16>();
    for (i, chunk) in chunks.iter().enumerate() {
        // A bit per byte outside the class, built without a branch, so that the compiler
        // makes it one vector comparison and one mask.
        let outside = chunk.iter().enumerate().fold(0u32, |mask, (j, &b)| mask | (u32::from(!keep(b)) << j));
        if outside != 0 {
            return 16 * i + outside.trailing_zeros() as usize;
        }
    }
    let n = 16 * chunks.len();
    let rest = crate::slices::suffix(bytes, n);
    n + rest.iter().position(|&b| !keep(b)).unwrap_or(rest.len())
}

#[cfg(test)]
mod tests {
    use super::{
        class_prefix, copy_short, eq_short, find_byte, splat, split_ascii, split_once_ascii, trim_ows, zero_bytes,
    };

    #[test]
    fn zero_bytes_marks_exactly_the_zero_bytes() {
        // Every byte value in every position, beside neighbours that could carry or borrow.
        for b in 0..=255u8 {
            for n in [0x00u8, 0x01, 0x20, 0x7f, 0x80, 0x81, 0xff] {
                for pos in 0..8 {
                    let mut bytes = [n; 8];
                    bytes[pos] = b;
                    let mask = zero_bytes(u64::from_le_bytes(bytes) ^ splat(b' '));
                    for (i, v) in bytes.iter().enumerate() {
                        assert_eq!(mask >> (8 * i + 7) & 1 == 1, *v == b' ', "{bytes:?}");
                    }
                    assert_eq!(mask & !splat(0x80), 0);
                }
            }
        }
    }

    #[test]
    fn short_comparisons_agree_with_slice_equality() {
        let texts: Vec<Vec<u8>> = (0..=20usize)
            .flat_map(|len| {
                let base: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
                // The same bytes, and one byte changed at every position.
                let changed = (0..len).map({
                    let base = base.clone();
                    move |i| {
                        let mut c = base.clone();
                        c[i] ^= 0x20;
                        c
                    }
                });
                core::iter::once(base).chain(changed)
            })
            .collect();
        for a in &texts {
            for b in &texts {
                assert_eq!(eq_short(a, b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn class_prefixes_agree_with_position() {
        let digit = |b: u8| b.is_ascii_digit();
        let mut state = 0x2545_f491_u32;
        for len in 0..70usize {
            for _ in 0..20 {
                let text: Vec<u8> = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 17;
                        state ^= state << 5;
                        // Mostly digits, so that long prefixes cross whole chunks.
                        if state.is_multiple_of(23) { b'x' } else { b'0' + (state % 10) as u8 }
                    })
                    .collect();
                let want = text.iter().position(|&b| !digit(b)).unwrap_or(text.len());
                assert_eq!(class_prefix(&text, digit), want, "{text:?}");
            }
        }
    }

    #[test]
    fn find_byte_finds_the_first_as_position_does() {
        let mut state = 0x9e37_79b9_u32;
        for len in 0..80usize {
            for _ in 0..40 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 17;
                        state ^= state << 5;
                        // Few distinct values, with 0x00, 0x80 and 0xff among them, so that
                        // needles repeat and sit next to borrows.
                        [0x00, 0x01, 0x2c, 0x2d, 0x7f, 0x80, 0x81, 0xff][(state % 8) as usize]
                    })
                    .collect();
                for needle in [0x00u8, 0x01, 0x2c, 0x80, 0xff, 0x41] {
                    assert_eq!(
                        find_byte(&bytes, needle),
                        bytes.iter().position(|&b| b == needle),
                        "{bytes:?} {needle}"
                    );
                }
            }
        }
    }

    #[test]
    fn ascii_splitting_and_trimming_agree_with_str() {
        let texts = [
            "",
            "/",
            "//",
            "a",
            "a/",
            "/a",
            "a//b",
            "AKID/20150830/us-east-1/s3/aws4_request",
            "é/ü/",
            " \t",
            "\ta b ",
        ];
        for text in texts {
            assert_eq!(split_ascii(text, b'/').collect::<Vec<_>>(), text.split('/').collect::<Vec<_>>(), "{text:?}");
            assert_eq!(split_once_ascii(text, b'/'), text.split_once('/'), "{text:?}");
            assert_eq!(trim_ows(text), text.trim_matches([' ', '\t']), "{text:?}");
        }
    }

    #[test]
    fn copy_short_copies_every_length() {
        for len in 0..=40usize {
            let src: Vec<u8> = (0..len).map(|i| i as u8 + 1).collect();
            let mut dst = vec![0u8; len];
            copy_short(&mut dst, &src);
            assert_eq!(dst, src, "length {len}");
        }
        let mut short = [0u8; 3];
        copy_short(&mut short, b"abcdef");
        assert_eq!(&short, b"abc", "mismatched lengths copy what both have");
    }
}
