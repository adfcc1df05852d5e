//! Canonical headers and the signed-headers list.
//!
//! Names are lowercased. Values are trimmed and every inner run of spaces or tabs becomes one
//! space; a value folded over several lines (obsolete line folding) is joined the same way.
//! Repeated headers are joined with `,` in the order they appear in the request. Headers whose
//! names are in the [`ExcludedHeaders`] set are never signed.
//!
//! # Example
//!
//! ```
//! use sigv4_kit::spec::canonical_header_value;
//!
//! assert_eq!(canonical_header_value("  a   b \t c  "), "a b c");
//! assert_eq!(canonical_header_value("value1\r\n  value2"), "value1 value2");
//! ```

use std::borrow::Cow;

use crate::digest::Sink;

/// One header to be signed, borrowed from the request.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HeaderEntry<'a> {
    /// The name as given (any case).
    pub(crate) name: &'a str,
    /// The raw value.
    pub(crate) value: &'a str,
    /// Position in the request, which orders repeated headers.
    pub(crate) index: usize,
    /// Whether the name is already lowercase (an `http::HeaderMap`'s always is).
    lower: bool,
    /// Whether the value is already canonical: no whitespace to trim or collapse.
    plain: bool,
}

impl<'a> HeaderEntry<'a> {
    /// The entry of header `name: value` at position `index`; both are scanned once, here, so
    /// that sorting and writing never lowercase or trim what needs neither.
    pub(crate) fn new(name: &'a str, value: &'a str, index: usize) -> Self {
        let lower = !name.bytes().any(|b| b.is_ascii_uppercase());
        Self { name, value, index, lower, plain: is_plain_value(value.as_bytes()) }
    }

    /// The entry of a header from an `http::HeaderMap`, as [`HeaderEntry::new`] makes it: its
    /// name is lowercase, and its value, trimmed when the view was made, holds no control byte
    /// but tab, so only tabs and pairs of spaces are left to look for.
    #[inline]
    pub(crate) fn from_map(name: &'a str, value: &'a str, index: usize) -> Self {
        Self { name, value, index, lower: true, plain: is_plain_map_value(value.as_bytes()) }
    }

    /// Whether `self` and `other` have the same name, ASCII case ignored.
    #[inline]
    fn same_name(&self, other: &Self) -> bool {
        match self.lower && other.lower {
            true => self.name == other.name,
            false => self.name.eq_ignore_ascii_case(other.name),
        }
    }

    /// Streams the name in lowercase.
    #[inline]
    fn write_name(&self, sink: &mut impl Sink) {
        match self.lower {
            true => sink.put_str(self.name),
            false => write_lowercase(sink, self.name),
        }
    }

    /// Streams the canonical value.
    #[inline]
    fn write_value(&self, sink: &mut impl Sink) {
        match self.plain {
            true => sink.put_str(self.value),
            false => write_value(sink, self.value),
        }
    }
}

/// Whether a header value is its own canonical form: no space or tab at either end, no run of
/// two spaces, and no tab, CR, LF or other control byte anywhere (a value with any of them takes
/// the slow path, which is right for every value).
fn is_plain_value(value: &[u8]) -> bool {
    let ends = |b: Option<&u8>| b.is_none_or(|b| !is_value_space(*b));
    if !ends(value.first()) || !ends(value.last()) {
        return false;
    }
    // Folds rather than searches, so that both loops vectorize: values are short, and a search
    // that stops early saves less than it costs.
    let controls = value.iter().fold(false, |found, &b| found | (b < 0x20));
    let next = crate::slices::suffix(value, 1);
    let double_spaces = value.iter().zip(next).fold(false, |found, (&a, &b)| found | ((a == b' ') & (b == b' ')));
    !controls && !double_spaces
}

/// [`is_plain_value`] of a value that is trimmed and holds no control byte but tab: whether it
/// has no tab and no two spaces in a row, eight bytes at a time.
fn is_plain_map_value(value: &[u8]) -> bool {
    use crate::scan::{splat, zero_bytes};
    let (words, tail) = value.as_chunks::<8>();
    // `carry` marks the first byte of a word when the previous word ended in a space.
    let (mut bad, mut carry) = (0u64, 0u64);
    for w in words.iter().map(|w| u64::from_le_bytes(*w)) {
        let spaces = zero_bytes(w ^ splat(b' '));
        bad |= (((spaces << 8) | carry) & spaces) | zero_bytes(w ^ splat(b'\t'));
        carry = spaces >> 56;
    }
    let mut after_space = carry != 0;
    for &b in tail {
        bad |= u64::from(b == b'\t' || (after_space && b == b' '));
        after_space = b == b' ';
    }
    bad == 0
}

/// Compares header names case-insensitively.
pub(crate) fn cmp_names(a: &str, b: &str) -> core::cmp::Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Sorts entries by lowercase name, keeping request order among repeated names.
pub(crate) fn sort(entries: &mut [HeaderEntry<'_>]) {
    entries.sort_unstable_by(|a, b| {
        let names = match a.lower && b.lower {
            true => a.name.as_bytes().cmp(b.name.as_bytes()),
            false => cmp_names(a.name, b.name),
        };
        names.then(a.index.cmp(&b.index))
    });
}

/// Whether `b` is whitespace inside a header value.
#[inline]
const fn is_value_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Streams a header value trimmed and with inner whitespace runs collapsed to one space.
pub(crate) fn write_value(sink: &mut impl Sink, value: &str) {
    let mut first = true;
    for word in value.as_bytes().split(|&b| is_value_space(b)).filter(|w| !w.is_empty()) {
        if !first {
            sink.put_byte(b' ');
        }
        sink.put(word);
        first = false;
    }
}

/// Streams a header name in lowercase.
pub(crate) fn write_lowercase(sink: &mut impl Sink, name: &str) {
    if !name.bytes().any(|b| b.is_ascii_uppercase()) {
        sink.put_str(name);
        return;
    }
    // Lowercased through a small buffer, a piece at a time. Every piece ends on a character
    // boundary, and ASCII lowercasing leaves other bytes alone, so a text sink shows a
    // non-ASCII name exactly as it is hashed.
    let mut buf = [0u8; 64];
    let mut rest = name;
    while !rest.is_empty() {
        let mut end = rest.len().min(buf.len());
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (piece, tail) = rest.split_at(end);
        let Some(dst) = buf.get_mut(..end).filter(|d| !d.is_empty()) else { return };
        dst.copy_from_slice(piece.as_bytes());
        dst.make_ascii_lowercase();
        sink.put(dst);
        rest = tail;
    }
}

/// Streams the canonical header lines (each ending in `\n`) of sorted entries.
pub(crate) fn write_canonical(sink: &mut impl Sink, sorted: &[HeaderEntry<'_>]) {
    let mut prev: Option<&HeaderEntry<'_>> = None;
    for e in sorted {
        match prev {
            Some(p) if p.same_name(e) => sink.put_byte(b','),
            Some(_) => {
                sink.put_byte(b'\n');
                e.write_name(sink);
                sink.put_byte(b':');
            }
            None => {
                e.write_name(sink);
                sink.put_byte(b':');
            }
        }
        e.write_value(sink);
        prev = Some(e);
    }
    if prev.is_some() {
        sink.put_byte(b'\n');
    }
}

/// Streams the signed-headers list (`host;x-amz-date`) of sorted entries.
pub(crate) fn write_signed(sink: &mut impl Sink, sorted: &[HeaderEntry<'_>]) {
    let mut prev: Option<&HeaderEntry<'_>> = None;
    for e in sorted {
        if prev.is_some_and(|p| p.same_name(e)) {
            continue;
        }
        if prev.is_some() {
            sink.put_byte(b';');
        }
        e.write_name(sink);
        prev = Some(e);
    }
}

/// Returns the canonical form of one header value: trimmed, inner whitespace runs collapsed.
///
/// ```
/// assert_eq!(sigv4_kit::spec::canonical_header_value(" x  y "), "x y");
/// ```
pub fn canonical_header_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    write_value(&mut out, value);
    out
}

/// The set of header names that are never signed (compared case-insensitively).
///
/// The default set is the headers that proxies and HTTP stacks add, change or remove on the way,
/// so signing them would break the signature: `authorization`, `connection`, `expect`,
/// `keep-alive`, `proxy-authenticate`, `proxy-authorization`, `te`, `trailer`,
/// `transfer-encoding`, `upgrade`, `user-agent` and `x-amzn-trace-id`. botocore and aws-c-auth
/// skip `expect`, `transfer-encoding`, `user-agent` and `x-amzn-trace-id` too.
///
/// ```
/// use sigv4_kit::spec::ExcludedHeaders;
///
/// let set = ExcludedHeaders::default().with("x-request-id").without("user-agent");
/// assert!(set.contains("X-Request-Id"));
/// assert!(!set.contains("User-Agent"));
/// assert!(set.contains("authorization"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcludedHeaders {
    names: Vec<Cow<'static, str>>,
    /// Bit `len % 64` set for the length of every name: a header whose length has no bit is
    /// not in the set, which decides almost every header with one test.
    lengths: u64,
}

/// The bit of [`ExcludedHeaders::lengths`] for a name of `len` bytes.
const fn length_bit(len: usize) -> u64 {
    1 << (len % 64)
}

/// The names in the default [`ExcludedHeaders`] set.
pub const DEFAULT_EXCLUDED_HEADERS: &[&str] = &[
    "authorization",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

impl Default for ExcludedHeaders {
    fn default() -> Self {
        DEFAULT_EXCLUDED_HEADERS.iter().fold(Self::none(), |set, name| set.with(*name))
    }
}

impl ExcludedHeaders {
    /// An empty set: every header is signed.
    ///
    /// ```
    /// assert!(!sigv4_kit::spec::ExcludedHeaders::none().contains("user-agent"));
    /// ```
    pub fn none() -> Self {
        Self { names: Vec::new(), lengths: 0 }
    }

    /// Adds `name` to the set.
    ///
    /// ```
    /// assert!(sigv4_kit::spec::ExcludedHeaders::none().with("X-Foo").contains("x-foo"));
    /// ```
    #[must_use]
    pub fn with(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        let name = name.into();
        if !self.contains(&name) {
            self.lengths |= length_bit(name.len());
            self.names.push(name);
        }
        self
    }

    /// Removes `name` from the set.
    ///
    /// ```
    /// assert!(!sigv4_kit::spec::ExcludedHeaders::default().without("Expect").contains("expect"));
    /// ```
    #[must_use]
    pub fn without(mut self, name: &str) -> Self {
        self.names.retain(|n| !n.eq_ignore_ascii_case(name));
        self.lengths = self.names.iter().fold(0, |bits, n| bits | length_bit(n.len()));
        self
    }

    /// Whether `name` is in the set (case-insensitive).
    ///
    /// ```
    /// assert!(sigv4_kit::spec::ExcludedHeaders::default().contains("Transfer-Encoding"));
    /// ```
    pub fn contains(&self, name: &str) -> bool {
        self.lengths & length_bit(name.len()) != 0 && self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    /// The names in the set.
    ///
    /// ```
    /// assert_eq!(sigv4_kit::spec::ExcludedHeaders::none().names().count(), 0);
    /// ```
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|n| n.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercasing_keeps_non_ascii_names_whole() {
        // Found by the `canonical_headers` fuzz target: the text once showed U+FFFD per byte.
        // Longer than the 64-byte buffer, with a two-byte character across its end.
        let long = format!("{}é{}", "A".repeat(63), "B".repeat(70));
        let long_lower = long.to_lowercase();
        let cases =
            [("Xé-Ab", "xé-ab"), ("ÄB", "Äb"), ("plain", "plain"), ("ABC", "abc"), ("", ""), (&long, &long_lower)];
        for (name, want) in cases {
            let mut text = String::new();
            write_lowercase(&mut text, name);
            assert_eq!(text, want);
            let mut bytes = Vec::new();
            write_lowercase(&mut bytes, name);
            assert_eq!(bytes, want.as_bytes());
        }
    }

    fn canonical(headers: &[(&'static str, &'static str)]) -> (String, String) {
        let mut entries: Vec<HeaderEntry<'_>> =
            headers.iter().enumerate().map(|(index, (name, value))| HeaderEntry::new(name, value, index)).collect();
        sort(&mut entries);
        let (mut c, mut s) = (String::new(), String::new());
        write_canonical(&mut c, &entries);
        write_signed(&mut s, &entries);
        (c, s)
    }

    #[test]
    fn excluded_sets_answer_as_a_search_does() {
        let long = "x".repeat(70);
        let probes = ["", "te", "TE", "expect", "accept", "x-amz-date", "User-Agent", "x", "xxxxxx", long.as_str()];
        let sets = [
            ExcludedHeaders::default(),
            ExcludedHeaders::none(),
            ExcludedHeaders::default().with(long.clone()).without("expect"),
            ExcludedHeaders::none().with("X").with("x").without("X"),
        ];
        for set in &sets {
            for probe in probes {
                assert_eq!(
                    set.contains(probe),
                    set.names().any(|n| n.eq_ignore_ascii_case(probe)),
                    "{probe:?} {set:?}"
                );
            }
        }
        assert!(sets[2].contains(&long) && !sets[2].contains("xxxxxx") && !sets[2].contains("expect"));
    }

    #[test]
    fn joins_repeated_in_order() {
        let (c, s) = canonical(&[("My-Header1", "b"), ("host", "h"), ("my-header1", " a "), ("X", "")]);
        assert_eq!(c, "host:h\nmy-header1:b,a\nx:\n");
        assert_eq!(s, "host;my-header1;x");
    }

    #[test]
    fn plain_values_are_left_alone_by_canonicalization() {
        // Plain implies unchanged, which the fast path relies on; not plain only means the
        // general path, which is right for every value (`"a\u{1}b"` is not plain yet unchanged).
        let values =
            ["", "a", "a b", "a  b", " a", "a ", "a\tb", "a\r\n b", "a b c", "\t", " ", "é ü", "a\u{1}b", "\u{b}"];
        for v in values {
            if is_plain_value(v.as_bytes()) {
                assert_eq!(canonical_header_value(v), v, "{v:?}");
            }
        }
        let plain: Vec<&str> = values.into_iter().filter(|v| is_plain_value(v.as_bytes())).collect();
        assert_eq!(plain, ["", "a", "a b", "a b c", "é ü"]);
    }

    proptest::proptest! {
        #[test]
        fn map_values_are_plain_as_any_value_is(value in "[a \t]{0,40}") {
            // What `from_http` hands over: trimmed, no control byte but tab.
            let value = crate::scan::trim_ows(&value);
            proptest::prop_assert_eq!(is_plain_map_value(value.as_bytes()), is_plain_value(value.as_bytes()), "{:?}", value);
        }
    }
}
