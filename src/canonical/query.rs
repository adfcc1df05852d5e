//! The canonical query string: parameters decoded, encoded again with AWS `UriEncode`, sorted.
//!
//! The query is taken as it is sent on the wire (the part of the request target after `?`).
//! Each `key=value` pair is split at the first `=`; a key without `=` has an empty value.
//! Components are percent-decoded and encoded again, so `%e1%88%b4` and a raw `ሴ` both become
//! `%E1%88%B4`. A literal `+` is a plus sign, not a space, and becomes `%2B`. Empty segments
//! (`a=1&&b=2`) carry no parameter and are dropped. Parameters are sorted by encoded key, then
//! by encoded value; repeated keys are all kept.
//!
//! # Example
//!
//! ```
//! use sigv4_kit::spec::canonical_query_string;
//!
//! assert_eq!(
//!     canonical_query_string("b=2&a=%7e&a=1+1&flag"),
//!     "a=1%2B1&a=~&b=2&flag="
//! );
//! ```

use core::cmp::Ordering;

use super::encode::{
    QueryComponentBytes, canonical_byte_len, is_canonical_query_component, is_unreserved, write_query_component,
};
use crate::digest::Sink;

/// One query parameter, borrowed from the wire form of the query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct QueryParam<'a> {
    /// The key as sent (percent-encoded).
    pub(crate) key: &'a str,
    /// The value as sent (percent-encoded), empty for a key without `=`.
    pub(crate) value: &'a str,
    /// Whether the key and the value are already canonical (found once, when the parameter is
    /// read, so that sorting and writing never scan them again).
    canonical: [bool; 2],
}

impl<'a> QueryParam<'a> {
    /// A parameter with `key` and `value` in their wire forms.
    #[cfg(test)]
    pub(crate) fn new(key: &'a str, value: &'a str) -> Self {
        Self { key, value, canonical: [is_canonical_query_component(key), is_canonical_query_component(value)] }
    }

    /// A parameter whose key and value are already canonical: the signer's own `X-Amz-*`
    /// parameters, which it encodes itself (everything but the unreserved bytes, in uppercase
    /// hex), so that they are not scanned again. Debug builds check it.
    pub(crate) fn encoded(key: &'a str, value: &'a str) -> Self {
        debug_assert!(
            is_canonical_query_component(key) && is_canonical_query_component(value),
            "not canonical: {key}={value}"
        );
        Self { key, value, canonical: [true, true] }
    }
}

/// A query split once and kept, for a canonical request built later
/// ([`CanonicalRequest::build_with_query`](super::CanonicalRequest::build_with_query)): up to
/// `keep` parameters, and whether more followed.
#[derive(Debug, Clone)]
pub(crate) struct SplitQuery<'a> {
    params: crate::inline_vec::InlineVec<QueryParam<'a>, 16>,
    keep: usize,
    truncated: bool,
}

impl<'a> SplitQuery<'a> {
    /// Keeps up to `keep` parameters.
    pub(crate) fn new(keep: usize) -> Self {
        Self { params: crate::inline_vec::InlineVec::new(), keep, truncated: false }
    }

    /// Keeps `param`, or notes that there were more than it keeps.
    pub(crate) fn push(&mut self, param: QueryParam<'a>) {
        match self.params.len() < self.keep {
            true => self.params.push(param),
            false => self.truncated = true,
        }
    }

    /// The parameters kept, in query order.
    pub(crate) fn params(&self) -> &[QueryParam<'a>] {
        &self.params
    }

    /// Whether more parameters followed those kept.
    pub(crate) fn truncated(&self) -> bool {
        self.truncated
    }
}

/// Splits a wire query into its parameters, in request order, skipping empty segments. One pass
/// over the bytes finds the `&`, the first `=` and whether each component is canonical.
pub(crate) fn params(query: &str) -> impl Iterator<Item = QueryParam<'_>> {
    let mut rest = query;
    core::iter::from_fn(move || {
        loop {
            if rest.is_empty() {
                return None;
            }
            let bytes = rest.as_bytes();
            let (mut i, mut eq) = (0, None);
            let mut canonical = [true, true];
            while let Some(&b) = bytes.get(i) {
                if is_unreserved(b) {
                    i += 1;
                    continue;
                }
                match b {
                    b'&' => break,
                    b'=' if eq.is_none() => {
                        eq = Some(i);
                        i += 1;
                    }
                    _ => {
                        let part = usize::from(eq.is_some());
                        match canonical_byte_len(b, crate::slices::suffix(bytes, i)) {
                            Some(n) => i += n,
                            None => {
                                if let Some(flag) = canonical.get_mut(part) {
                                    *flag = false;
                                }
                                i += 1;
                            }
                        }
                    }
                }
            }
            // `&` and `=` are ASCII and escapes are ASCII, so every split is on a character boundary.
            let (segment, tail) = (rest.get(..i), rest.get(i + 1..));
            rest = tail.unwrap_or("");
            let Some(segment) = segment.filter(|s| !s.is_empty()) else { continue };
            let (key, value) = match eq {
                Some(at) => (segment.get(..at).unwrap_or(""), segment.get(at + 1..).unwrap_or("")),
                None => (segment, ""),
            };
            return Some(QueryParam { key, value, canonical });
        }
    })
}

/// Compares two wire components by their canonical (encoded) bytes; `canonical` says whether
/// each already is canonical.
fn cmp_component(a: &str, b: &str, canonical: (bool, bool)) -> Ordering {
    if canonical.0 && canonical.1 {
        a.as_bytes().cmp(b.as_bytes())
    } else {
        QueryComponentBytes::new(a).cmp(QueryComponentBytes::new(b))
    }
}

/// Sorts parameters into canonical order: by encoded key, then by encoded value.
pub(crate) fn sort(params: &mut [QueryParam<'_>]) {
    params.sort_unstable_by(|x, y| {
        let [xk, xv] = x.canonical;
        let [yk, yv] = y.canonical;
        cmp_component(x.key, y.key, (xk, yk)).then_with(|| cmp_component(x.value, y.value, (xv, yv)))
    });
}

/// Streams sorted parameters into `sink` as the canonical query string.
pub(crate) fn write_sorted(sink: &mut impl Sink, sorted: &[QueryParam<'_>]) {
    for (i, p) in sorted.iter().enumerate() {
        if i > 0 {
            sink.put_byte(b'&');
        }
        let [key, value] = p.canonical;
        write_component(sink, p.key, key);
        sink.put_byte(b'=');
        write_component(sink, p.value, value);
    }
}

/// Writes one component, as it is when it already is canonical.
#[inline]
fn write_component(sink: &mut impl Sink, wire: &str, canonical: bool) {
    if canonical {
        sink.put(wire.as_bytes());
    } else {
        write_query_component(sink, wire);
    }
}

/// Returns the canonical query string of `query` (the query as sent on the wire, without `?`).
///
/// This allocates the result; the signer streams the same bytes into its hash instead.
///
/// ```
/// use sigv4_kit::spec::canonical_query_string;
/// assert_eq!(canonical_query_string("Param2=value2&Param1=value1"), "Param1=value1&Param2=value2");
/// assert_eq!(canonical_query_string(""), "");
/// ```
pub fn canonical_query_string(query: &str) -> String {
    let mut list: Vec<QueryParam<'_>> = params(query).collect();
    sort(&mut list);
    let mut out = String::with_capacity(query.len() + 8);
    write_sorted(&mut out, &list);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_encoded_key_then_value() {
        // '~' (0x7E) sorts after '%' (0x25) once encoded, although '!' < '~' decoded.
        assert_eq!(canonical_query_string("~=1&!=2"), "%21=2&~=1");
        assert_eq!(canonical_query_string("a=b&a=a&a="), "a=&a=a&a=b");
        assert_eq!(canonical_query_string("a=1&&b=2&"), "a=1&b=2");
        assert_eq!(canonical_query_string("=x"), "=x");
        assert_eq!(canonical_query_string("k=a=b"), "k=a%3Db");
    }

    #[test]
    fn one_pass_split_agrees_with_str_split() {
        let queries = [
            "",
            "&",
            "&&",
            "a",
            "a=",
            "=a",
            "a=b=c",
            "a=1&&b=2&",
            "%41=%2f&%2F=x",
            "%4=%&%zz=1",
            "k=%E1%88%B4&k=ሴ",
            "a%3Db=c",
            "x=%7E&y=~",
            "&=&==&",
        ];
        for q in queries {
            let ours: Vec<QueryParam<'_>> = params(q).collect();
            let std: Vec<QueryParam<'_>> = q
                .split('&')
                .filter(|s| !s.is_empty())
                .map(|s| match s.split_once('=') {
                    Some((k, v)) => QueryParam::new(k, v),
                    None => QueryParam::new(s, ""),
                })
                .collect();
            assert_eq!(ours, std, "{q:?}");
        }
    }
}
