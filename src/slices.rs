//! Sub-slices at positions that the caller keeps within bounds by construction (a count of
//! slots in use, an index found by searching the same slice). They never panic and never
//! substitute a value: a position past the end, which the callers' invariants rule out, is
//! taken as the end, so the data handed on is always the data that is there.

/// The first `len` items of `items`, for a `len` that the caller keeps within `items` by
/// construction (a count of slots in use). It never panics and never substitutes a value: a
/// `len` past the end, which the callers' invariants rule out, would give the whole slice.
#[inline]
pub(crate) fn prefix<T>(items: &[T], len: usize) -> &[T] {
    items.split_at(len.min(items.len())).0
}

/// [`prefix`] for a mutable slice.
#[inline]
pub(crate) fn prefix_mut<T>(items: &mut [T], len: usize) -> &mut [T] {
    let len = len.min(items.len());
    items.split_at_mut(len).0
}

/// The items of `items` from `start` on.
#[inline]
pub(crate) fn suffix<T>(items: &[T], start: usize) -> &[T] {
    items.split_at(start.min(items.len())).1
}

/// The items of `items` in `start..end`.
#[inline]
pub(crate) fn range<T>(items: &[T], start: usize, end: usize) -> &[T] {
    prefix(suffix(items, start), end.saturating_sub(start))
}

/// Text that the crate wrote itself from ASCII (hex digits, the digits of a date). It is
/// valid UTF-8 by construction; safe Rust has no unchecked view of bytes as `str`, so the
/// check runs, and were it ever to fail the text would be U+FFFD, a value that no date, hash
/// or signature the crate computes ever takes, so a comparison with one fails closed; debug
/// builds stop.
#[inline]
pub(crate) fn ascii_text(bytes: &[u8]) -> &str {
    match core::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => {
            debug_assert!(false, "crate-written ASCII is not UTF-8");
            "\u{FFFD}"
        }
    }
}
