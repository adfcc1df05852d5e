//! A vector whose first `N` items live inline, so that typical requests (a handful of headers
//! and query parameters) are signed and verified without a heap allocation.
//!
//! Items are `Copy` (borrowed string pairs), which keeps this free of `unsafe`: unused inline
//! slots hold `T::default()`. Past `N` items everything moves to a `Vec`.

use core::fmt;
use core::ops::{Deref, DerefMut};

/// A vector of `Copy` items, inline up to `N`.
#[derive(Clone)]
pub(crate) enum InlineVec<T: Copy + Default, const N: usize> {
    /// Up to `N` items in place; the `usize` is how many are in use.
    Inline([T; N], usize),
    /// More than `N` items (or a reservation beyond `N`).
    Heap(Vec<T>),
}

impl<T: Copy + Default, const N: usize> InlineVec<T, N> {
    /// An empty vector; allocates nothing.
    pub(crate) fn new() -> Self {
        Self::Inline([T::default(); N], 0)
    }

    /// An empty vector with room for `capacity` items; allocates only when that exceeds `N`.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        if capacity <= N { Self::new() } else { Self::Heap(Vec::with_capacity(capacity)) }
    }

    /// Appends `item`, moving to the heap when the inline slots are full.
    #[inline]
    pub(crate) fn push(&mut self, item: T) {
        match self {
            Self::Inline(items, len) => match items.get_mut(*len) {
                Some(slot) => {
                    *slot = item;
                    *len += 1;
                }
                None => {
                    let mut heap = Vec::with_capacity(N.saturating_mul(2).max(4));
                    heap.extend_from_slice(items);
                    heap.push(item);
                    *self = Self::Heap(heap);
                }
            },
            Self::Heap(v) => v.push(item),
        }
    }

    /// Appends every item of `items`.
    pub(crate) fn extend_from_slice(&mut self, items: &[T]) {
        if let Self::Heap(v) = self {
            v.extend_from_slice(items);
            return;
        }
        for &item in items {
            self.push(item);
        }
    }
}

impl<T: Copy + Default, const N: usize> Default for InlineVec<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Copy + Default, const N: usize> Deref for InlineVec<T, N> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        match self {
            Self::Inline(items, len) => crate::slices::prefix(items, *len),
            Self::Heap(v) => v,
        }
    }
}

impl<T: Copy + Default, const N: usize> DerefMut for InlineVec<T, N> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            Self::Inline(items, len) => crate::slices::prefix_mut(items, *len),
            Self::Heap(v) => v,
        }
    }
}

impl<T: Copy + Default + fmt::Debug, const N: usize> fmt::Debug for InlineVec<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::InlineVec;

    #[test]
    fn spills_to_the_heap_in_order() {
        let mut v: InlineVec<u32, 3> = InlineVec::new();
        for i in 0..10 {
            v.push(i);
            assert_eq!(v.len(), i as usize + 1);
            assert!(matches!(v, InlineVec::Inline(..)) == (i < 3));
        }
        assert_eq!(&*v, &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        v.extend_from_slice(&[10, 11]);
        assert_eq!(v.last(), Some(&11));
    }

    #[test]
    fn capacity_beyond_inline_starts_on_the_heap() {
        assert!(matches!(InlineVec::<u8, 2>::with_capacity(2), InlineVec::Inline(_, 0)));
        assert!(matches!(InlineVec::<u8, 2>::with_capacity(3), InlineVec::Heap(_)));
        let mut v = InlineVec::<u8, 2>::with_capacity(1);
        v.extend_from_slice(&[1, 2, 3]);
        v.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(&*v, &[3, 2, 1]);
    }
}
