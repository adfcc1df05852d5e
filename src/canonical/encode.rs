//! AWS `UriEncode`: the percent-encoding that SigV4 applies to paths and query components.
//!
//! Everything here writes into a [`Sink`], so the same code serves hashing (the signing path)
//! and printing (the [`Display`](core::fmt::Display) form of a canonical request).

use crate::digest::Sink;

/// The uppercase hex digit of a nibble (`n < 16`), as SigV4 requires in escapes.
#[inline]
const fn hex_digit(n: u8) -> u8 {
    if n < 10 { b'0' + n } else { b'A' + (n - 10) }
}

/// Whether `b` is one of the RFC 3986 unreserved characters, which SigV4 never encodes.
#[inline]
#[allow(clippy::indexing_slicing)] // a `u8` cannot index past 256 entries
pub(crate) const fn is_unreserved(b: u8) -> bool {
    UNRESERVED[b as usize]
}

/// [`is_unreserved`] by byte value: one load per byte of every path and query.
#[allow(clippy::indexing_slicing)] // runs at compile time, for indices below 256
const UNRESERVED: [bool; 256] =
    crate::scan::byte_table!(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~'));

/// [`is_unreserved`] by comparisons rather than a table, for [`crate::scan::class_prefix`],
/// which checks sixteen bytes at once with it.
#[inline]
pub(crate) const fn is_unreserved_by_ranges(b: u8) -> bool {
    // `| 0x20` lowercases ASCII letters and moves no other byte into `a..=z`.
    ((b | 0x20).wrapping_sub(b'a') < 26)
        | (b.wrapping_sub(b'0') < 10)
        | (b == b'-')
        | (b == b'.')
        | (b == b'_')
        | (b == b'~')
}

/// The three-byte escape `%XX` of `b`.
#[inline]
pub(crate) const fn escape(b: u8) -> [u8; 3] {
    [b'%', hex_digit(b >> 4), hex_digit(b & 0x0f)]
}

/// The value of one hex digit, if `b` is one.
#[inline]
pub(crate) const fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes the escape `%XY` at the start of `bytes`, if there is a valid one.
#[inline]
pub(crate) fn escape_at(bytes: &[u8]) -> Option<u8> {
    match bytes {
        [b'%', hi, lo, ..] => Some(hex_value(*hi)? << 4 | hex_value(*lo)?),
        _ => None,
    }
}

/// Writes the path bytes `bytes` into `sink`, escaping every byte that is not unreserved or `/`.
///
/// The output is gathered on the stack and handed over in pieces of up to 192 bytes: a chunk of
/// sixteen kept bytes is copied whole, and any other chunk byte by byte, so a path with many
/// escapes costs a few instructions a byte, not a sink call per run.
pub(crate) fn write_escaped_path(sink: &mut impl Sink, bytes: &[u8]) {
    /// Room for one more chunk, every byte of it escaped.
    const ROOM: usize = 3 * 16;
    let mut out = [0u8; 4 * ROOM];
    let mut len = 0;
    let (chunks, tail) = bytes.as_chunks::<16>();
    for chunk in chunks.iter().map(|c| c.as_slice()).chain([tail]) {
        if len + ROOM > out.len() {
            sink.put(crate::slices::prefix(&out, len));
            len = 0;
        }
        // By comparisons rather than the table, so that the chunk is checked at once.
        let all_kept =
            chunk.len() == 16 && chunk.iter().fold(true, |all, &b| all & (is_unreserved_by_ranges(b) | (b == b'/')));
        let Some(room) = out.get_mut(len..len + ROOM) else {
            debug_assert!(false, "the buffer keeps room for a chunk");
            return;
        };
        len += match all_kept {
            true => {
                crate::scan::copy_short(room, chunk);
                chunk.len()
            }
            false => escape_into(room, chunk),
        };
    }
    sink.put(crate::slices::prefix(&out, len));
}

/// Writes `chunk` (at most sixteen bytes) into `room` (three bytes for each), every byte that
/// is not unreserved or `/` escaped; returns how many bytes it wrote.
#[inline]
fn escape_into(room: &mut [u8], chunk: &[u8]) -> usize {
    let mut at = 0;
    for &b in chunk {
        if is_unreserved(b) | (b == b'/') {
            if let Some(dst) = room.get_mut(at) {
                *dst = b;
                at += 1;
            }
        } else if let Some(dst) = room.get_mut(at..at + 3) {
            dst.copy_from_slice(&escape(b));
            at += 3;
        }
    }
    at
}

/// Iterator over the canonical bytes of one query component as sent on the wire.
///
/// The component is percent-decoded (a literal `+` stays a `+`; an invalid escape is a literal
/// `%`) and encoded again with AWS `UriEncode`, one byte at a time. Sorting compares these
/// iterators, so no encoded copy of any key or value is ever allocated.
#[derive(Clone)]
pub(crate) struct QueryComponentBytes<'a> {
    rest: &'a [u8],
    pending: [u8; 2],
    pending_len: u8,
}

impl<'a> QueryComponentBytes<'a> {
    pub(crate) fn new(wire: &'a str) -> Self {
        Self { rest: wire.as_bytes(), pending: [0; 2], pending_len: 0 }
    }

    /// Decodes the next raw byte of the component.
    #[inline]
    fn next_decoded(&mut self) -> Option<u8> {
        if let (Some(b), Some(after)) = (escape_at(self.rest), self.rest.get(3..)) {
            self.rest = after;
            return Some(b);
        }
        let (&b, after) = self.rest.split_first()?;
        self.rest = after;
        Some(b)
    }
}

impl Iterator for QueryComponentBytes<'_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        if self.pending_len > 0 {
            let idx = 2 - self.pending_len as usize;
            self.pending_len -= 1;
            return self.pending.get(idx).copied();
        }
        let b = self.next_decoded()?;
        if is_unreserved(b) {
            Some(b)
        } else {
            let [pct, hi, lo] = escape(b);
            self.pending = [hi, lo];
            self.pending_len = 2;
            Some(pct)
        }
    }
}

/// Whether the wire form of a query component is already its canonical form.
#[inline]
pub(crate) fn is_canonical_query_component(wire: &str) -> bool {
    let bytes = wire.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match canonical_byte_len(b, crate::slices::suffix(bytes, i)) {
            Some(n) => i += n,
            None => return false,
        }
    }
    true
}

/// How many bytes the canonical piece starting with `b` (the first byte of `at`) takes: 1 for an
/// unreserved byte, 3 for an escape that is valid, uppercase and of a byte that must be
/// escaped; `None` when the piece is not canonical.
#[inline]
pub(crate) fn canonical_byte_len(b: u8, at: &[u8]) -> Option<usize> {
    if is_unreserved(b) {
        return Some(1);
    }
    match at {
        [b'%', hi, lo, ..] if !hi.is_ascii_lowercase() && !lo.is_ascii_lowercase() => {
            escape_at(at).filter(|v| !is_unreserved(*v)).map(|_| 3)
        }
        _ => None,
    }
}

/// Writes the canonical form of a query component (see [`QueryComponentBytes`]) into `sink`.
/// Callers that already know the component is canonical write it as it is instead (the query
/// splitter finds that out once, as it reads).
pub(crate) fn write_query_component(sink: &mut impl Sink, wire: &str) {
    let mut buf = [0u8; 64];
    let mut len = 0;
    for b in QueryComponentBytes::new(wire) {
        if len == buf.len() {
            sink.put(&buf);
            len = 0;
        }
        if let Some(slot) = buf.get_mut(len) {
            *slot = b;
            len += 1;
        }
    }
    sink.put(crate::slices::prefix(&buf, len));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_by_ranges_is_the_table() {
        for b in 0..=255u8 {
            assert_eq!(is_unreserved_by_ranges(b), is_unreserved(b), "{b:#04x}");
        }
    }

    fn canon(wire: &str) -> String {
        let mut s = String::new();
        write_query_component(&mut s, wire);
        s
    }

    #[test]
    fn query_component_round_trip() {
        assert_eq!(canon("abc-_.~"), "abc-_.~");
        assert_eq!(canon("a+b"), "a%2Bb");
        assert_eq!(canon("a b"), "a%20b");
        assert_eq!(canon("%e1%88%b4"), "%E1%88%B4");
        assert_eq!(canon("%7E"), "~");
        assert_eq!(canon("%zz"), "%25zz");
        assert_eq!(canon("%"), "%25");
        assert_eq!(canon("%4"), "%254");
        assert_eq!(canon("ሴ"), "%E1%88%B4");
        let long = "é".repeat(100);
        assert_eq!(canon(&long), "%C3%A9".repeat(100));
    }

    #[test]
    fn canonical_detection() {
        assert!(is_canonical_query_component("%2B"));
        assert!(!is_canonical_query_component("%2b"));
        assert!(!is_canonical_query_component("%7E"));
        assert!(!is_canonical_query_component("+"));
    }
}
