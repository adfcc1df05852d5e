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

use super::encode::{QueryComponentBytes, is_canonical_query_component, write_query_component};
use crate::digest::Sink;

/// One query parameter, borrowed from the wire form of the query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct QueryParam<'a> {
    /// The key as sent (percent-encoded).
    pub(crate) key: &'a str,
    /// The value as sent (percent-encoded), empty for a key without `=`.
    pub(crate) value: &'a str,
}

/// Splits a wire query into its parameters, in request order, skipping empty segments.
pub(crate) fn params(query: &str) -> impl Iterator<Item = QueryParam<'_>> {
    query.split('&').filter(|seg| !seg.is_empty()).map(|seg| match seg.split_once('=') {
        Some((key, value)) => QueryParam { key, value },
        None => QueryParam { key: seg, value: "" },
    })
}

/// Compares two wire components by their canonical (encoded) bytes.
fn cmp_component(a: &str, b: &str) -> Ordering {
    if is_canonical_query_component(a) && is_canonical_query_component(b) {
        a.as_bytes().cmp(b.as_bytes())
    } else {
        QueryComponentBytes::new(a).cmp(QueryComponentBytes::new(b))
    }
}

/// Sorts parameters into canonical order: by encoded key, then by encoded value.
pub(crate) fn sort(params: &mut [QueryParam<'_>]) {
    params.sort_unstable_by(|x, y| cmp_component(x.key, y.key).then_with(|| cmp_component(x.value, y.value)));
}

/// Streams sorted parameters into `sink` as the canonical query string.
pub(crate) fn write_sorted(sink: &mut impl Sink, sorted: &[QueryParam<'_>]) {
    for (i, p) in sorted.iter().enumerate() {
        if i > 0 {
            sink.put(b"&");
        }
        write_query_component(sink, p.key);
        sink.put(b"=");
        write_query_component(sink, p.value);
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
}
