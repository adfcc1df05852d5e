//! The canonical URI: the request path, normalized or not, percent-encoded.
//!
//! # Input form
//!
//! The path is taken **as it is sent on the wire**: the part of the request target before `?`,
//! already percent-encoded by the client (`/my%20file`). A raw target that still carries spaces,
//! non-ASCII characters or other bytes that are not allowed in a URI (as the AWS test suites'
//! request files do) is accepted too.
//!
//! * [`UriMode::S3`] encodes once: valid `%XY` escapes are kept as they are, every other byte
//!   that is not unreserved or `/` is escaped (`$` becomes `%24`, as in the S3 documentation).
//! * [`UriMode::Normalized`] encodes the wire form once more: every byte that is not unreserved
//!   or `/` is escaped, `%` included, so `%3A` becomes `%253A` while a raw space becomes `%20`,
//!   as the AWS suites expect.
//!
//! # Example
//!
//! ```
//! use sigv4_kit::UriMode;
//! use sigv4_kit::spec::canonical_uri;
//!
//! // Every service but S3: dot segments removed, slashes collapsed, then encoded twice.
//! assert_eq!(canonical_uri("/a//b/../c%3A", UriMode::Normalized), "/a/c%253A");
//! // S3: the path as sent, encoded once.
//! assert_eq!(canonical_uri("/a//b/../c%3A", UriMode::S3), "/a//b/../c%3A");
//! // Raw bytes from a request file are escaped once in both modes.
//! assert_eq!(canonical_uri("/example space/ሴ", UriMode::Normalized), "/example%20space/%E1%88%B4");
//! ```

use super::encode::{escape_at, is_unreserved, is_unreserved_by_ranges, write_escaped_path};
use crate::digest::Sink;
use crate::request::is_plain_path;

/// How the request path becomes the canonical URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UriMode {
    /// The rule for every service except S3: remove `.` and `..` segments, collapse repeated
    /// slashes, then percent-encode the (already encoded) path a second time.
    #[default]
    Normalized,
    /// The S3 rule: no normalization, and the path is encoded exactly once.
    S3,
}

/// Returns the canonical URI of `path` (the path as sent on the wire, see the
/// [module documentation](crate::spec)).
///
/// This allocates the result; the signer streams the same bytes into its hash instead.
///
/// ```
/// use sigv4_kit::UriMode;
/// use sigv4_kit::spec::canonical_uri;
/// assert_eq!(canonical_uri("", UriMode::Normalized), "/");
/// assert_eq!(canonical_uri("/test$file.text", UriMode::S3), "/test%24file.text");
/// ```
pub fn canonical_uri(path: &str, mode: UriMode) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    write_canonical_uri(&mut out, path, mode);
    out
}

/// Streams the canonical URI of `path` into `sink`.
pub(crate) fn write_canonical_uri(sink: &mut impl Sink, path: &str, mode: UriMode) {
    match mode {
        UriMode::S3 => {
            // The canonical URI is always absolute.
            if !path.starts_with('/') {
                sink.put_byte(b'/');
            }
            write_wire_encoded(sink, path.as_bytes());
        }
        UriMode::Normalized => write_normalized(sink, path),
    }
}

/// Whether `bytes[i]` starts a valid `%XY` escape.
#[inline]
fn valid_escape_at(bytes: &[u8], i: usize) -> bool {
    bytes.get(i..).and_then(escape_at).is_some()
}

/// Writes `bytes` encoded once: unreserved bytes, `/` and valid escapes stay, the rest is escaped.
fn write_wire_encoded(sink: &mut impl Sink, bytes: &[u8]) {
    let mut start = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if is_unreserved(b) || b == b'/' {
            i += 1 + crate::scan::class_prefix(crate::slices::suffix(bytes, i + 1), is_path_byte);
        } else if b == b'%' && valid_escape_at(bytes, i) {
            i += 3;
        } else {
            sink.put(crate::slices::range(bytes, start, i));
            sink.put(&super::encode::escape(b));
            i += 1;
            start = i;
        }
    }
    sink.put(crate::slices::suffix(bytes, start));
}

/// Writes a (once-encoded) wire path encoded again: every byte that is not unreserved or `/`
/// is escaped, `%` included. A raw byte that the client did not escape is so encoded exactly
/// once, which is how the AWS suites treat the raw targets in their request files.
pub(crate) fn write_double_encoded(sink: &mut impl Sink, segment: &[u8]) {
    write_escaped_path(sink, segment);
}

/// Whether a path keeps `b` as it is: unreserved, or `/` (by comparisons, see
/// [`crate::scan::class_prefix`]).
#[inline]
fn is_path_byte(b: u8) -> bool {
    is_unreserved_by_ranges(b) | (b == b'/')
}

/// Whether the normalization step would leave `path` unchanged.
fn is_normalized(path: &[u8]) -> bool {
    let Some((b'/', after_slash)) = path.split_first() else {
        return false;
    };
    if !crate::request::has_slash_pair(path) {
        return true;
    }
    // Every segment after the leading slash must be non-empty and not a dot segment; only the
    // final segment may be empty (a trailing slash), unless the whole path is "/". One pass:
    // the length of the current segment and how many of its bytes are dots.
    let is_dots = |len: usize, dots: usize| len > 0 && len <= 2 && dots == len;
    let (mut len, mut dots) = (0usize, 0usize);
    for &b in after_slash {
        if b == b'/' {
            if len == 0 || is_dots(len, dots) {
                return false;
            }
            (len, dots) = (0, 0);
        } else {
            len += 1;
            dots += usize::from(b == b'.');
        }
    }
    !is_dots(len, dots)
}

/// The path SigV4's normalization makes of the wire path `path`, still as sent on the wire
/// (percent-encoded once): dot segments removed, empty segments dropped, a trailing slash kept
/// when the input ends with one and something remains, always starting with `/`. Its
/// [`UriMode::Normalized`] canonical URI is `path`'s.
pub(crate) fn normalized_path(path: &str) -> std::borrow::Cow<'_, str> {
    if is_plain_path(path.as_bytes()) || is_normalized(path.as_bytes()) {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut kept: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                kept.pop();
            }
            other => kept.push(other),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for seg in &kept {
        out.push('/');
        out.push_str(seg);
    }
    if out.is_empty() || path.ends_with('/') {
        out.push('/');
    }
    std::borrow::Cow::Owned(out)
}

/// Whether some reading of the wire path `path` finds a dot segment: the path percent-decoded,
/// split at `/` and at `\\`, each segment cut at its first `;` (a path parameter). SigV4 signs
/// `%2E%2E`, `..%2F`, `%2e%2e%5c` or `..;` as names; a router that decodes the path, or splits
/// it at backslashes or semicolons, reads `..`.
pub(crate) fn has_dot_segment_in_any_reading(path: &str) -> bool {
    if is_plain_path(path.as_bytes()) {
        return false;
    }
    let (mut dot, mut percent) = (false, false);
    for b in path.bytes() {
        dot |= b == b'.';
        percent |= b == b'%';
    }
    if !dot && !percent {
        return false;
    }
    // Without an escape the path reads as it is and needs no decoding; with one it is decoded
    // as it is read. No allocation either way.
    match percent {
        true => has_dot_segment(percent_encoding::percent_decode_str(path)),
        false => has_dot_segment(path.bytes()),
    }
}

/// Whether the decoded path `bytes` has a `.` or `..` segment (see
/// [`has_dot_segment_in_any_reading`]).
fn has_dot_segment(bytes: impl Iterator<Item = u8>) -> bool {
    // What the current segment's name (before any `;`) is so far: 0 empty, 1 `.`, 2 `..`, 3
    // anything else.
    let mut name = 0u8;
    let mut in_parameter = false;
    for b in bytes.chain(core::iter::once(b'/')) {
        match b {
            b'/' | b'\\' => {
                if name == 1 || name == 2 {
                    return true;
                }
                name = 0;
                in_parameter = false;
            }
            _ if in_parameter => {}
            b';' => in_parameter = true,
            b'.' if name < 2 => name += 1,
            _ => name = 3,
        }
    }
    false
}

/// Writes the normalized, double-encoded path. This follows the rule botocore applies
/// (RFC 3986 dot-segment removal, empty segments dropped, a trailing slash kept only when the
/// input ends with one and something remains), and always starts with `/`.
fn write_normalized(sink: &mut impl Sink, path: &str) {
    // The one normalization rule (`normalized_path`), then the second encoding; a path already
    // in normal form is borrowed, not copied.
    write_double_encoded(sink, normalized_path(path).as_bytes());
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy as _;

    use super::*;

    #[test]
    fn normalization_follows_botocore() {
        let n = |p| canonical_uri(p, UriMode::Normalized);
        assert_eq!(n("/"), "/");
        assert_eq!(n("//"), "/");
        assert_eq!(n("/example/.."), "/");
        assert_eq!(n("/./"), "/");
        assert_eq!(n("/./example"), "/example");
        assert_eq!(n("//example//"), "/example/");
        assert_eq!(n("/example1/example2/../.."), "/");
        assert_eq!(n("/a/."), "/a");
        assert_eq!(n("/a/b/../"), "/a/");
        assert_eq!(n("/a/b/"), "/a/b/");
        assert_eq!(n("/.."), "/");
        assert_eq!(n("/%2E/"), "/%252E/");
        assert_eq!(n("foo"), "/foo");
        assert_eq!(n("foo/"), "/foo/");
        assert_eq!(canonical_uri("foo", UriMode::S3), "/foo");
    }

    #[test]
    fn the_normalized_wire_path_has_the_same_canonical_uri() {
        for p in [
            "",
            "/",
            "//",
            "/a/../b",
            "//b",
            "/./b",
            "/x/y/../../b",
            "/a/b/",
            "/a/b/../",
            "/..",
            "/a/.",
            "foo",
            "foo/",
            "/a%2Fb/../c%20d",
            "/a//b//",
            "/ሴ/../x y",
        ] {
            let n = normalized_path(p);
            assert!(is_normalized(n.as_bytes()), "{p:?} -> {n:?}");
            assert_eq!(canonical_uri(&n, UriMode::Normalized), canonical_uri(p, UriMode::Normalized), "{p:?}");
        }
        assert_eq!(normalized_path("/admin/../b"), "/b");
        assert_eq!(normalized_path("/a/b/../"), "/a/");
        assert!(matches!(normalized_path("/a/b"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn dot_segments_in_any_reading() {
        for p in [
            "/a/%2E%2E/b",
            "/%2e",
            "/a/.%2E",
            "/a/%2E./",
            "/b/%2E%2E%2Fadmin",
            "/b/..%2Fadmin",
            "/b/%2e%2e%5cadmin",
            "/b/..;/admin",
            "/b/.;x",
            "/a/../b",
            "/a\\..\\b",
        ] {
            assert!(has_dot_segment_in_any_reading(p), "{p}");
        }
        for p in ["/a/%2E%2E%2E", "/a/%2Ex", "/a/b", "/%zz", "/a/...;/b", "/a/b;c/d", "/a%2Fb", "/", ""] {
            assert!(!has_dot_segment_in_any_reading(p), "{p}");
        }
    }

    /// A path of pieces that exercise normalization and the other readings.
    fn tricky_path() -> impl proptest::strategy::Strategy<Value = String> {
        let piece = proptest::sample::select(
            &["/", "a", "b", ".", "..", "%2E", "%2e", "%2F", "%5C", "\\", ";", "x;y", "%25"][..],
        );
        proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    proptest::proptest! {
        #[test]
        fn normalizing_keeps_the_canonical_uri(path in tricky_path()) {
            let n = normalized_path(&path);
            proptest::prop_assert!(is_normalized(n.as_bytes()), "{:?} -> {:?}", path, n);
            proptest::prop_assert_eq!(canonical_uri(&n, UriMode::Normalized), canonical_uri(&path, UriMode::Normalized));
            proptest::prop_assert_eq!(normalized_path(&n), n.clone());
        }

        #[test]
        fn the_streaming_dot_segment_check_agrees_with_a_plain_one(path in tricky_path()) {
            let decoded: Vec<u8> = percent_encoding::percent_decode_str(&path).collect();
            let plain = decoded.split(|&b| b == b'/' || b == b'\\').any(|segment| {
                let name = segment.split(|&b| b == b';').next().unwrap_or(segment);
                name == b"." || name == b".."
            });
            proptest::prop_assert_eq!(has_dot_segment_in_any_reading(&path), plain, "{:?}", path);
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_paths_are_normal_and_free_of_dot_segments(path in tricky_path(), tail in "[a-z./%;#\\\\\x01\x7f]{0,20}") {
            let path = format!("{path}{tail}");
            if is_plain_path(path.as_bytes()) {
                proptest::prop_assert!(is_normalized(path.as_bytes()), "{:?}", path);
                proptest::prop_assert!(!has_dot_segment_in_any_reading(&path), "{:?}", path);
                proptest::prop_assert!(!path.bytes().any(|b| b.is_ascii_control() || b == b'#'), "{:?}", path);
            }
            // Plain is what a byte-at-a-time reading of the rule finds.
            let bytes = path.as_bytes();
            let by_bytes = bytes.first() == Some(&b'/')
                && !bytes.windows(2).any(|p| p[0] == b'/' && (p[1] == b'/' || p[1] == b'.'))
                && !bytes.iter().any(|&b| matches!(b, b'%' | b';' | b'\\' | b'#') || b < 0x20 || b == 0x7f);
            proptest::prop_assert_eq!(is_plain_path(bytes), by_bytes, "{:?}", path);
        }
    }

    #[test]
    fn plain_paths() {
        for p in ["/", "/a", "/photos/2015/08/index.json", "/a/b/", "/a.b/c..d/", "/ሴ/x y", "/0123456/89abcdef/"] {
            assert!(is_plain_path(p.as_bytes()), "{p:?}");
        }
        // Each of these breaks the rule at a word boundary or inside a word.
        for p in [
            "",
            "a",
            "//",
            "/a//b",
            "/./",
            "/abcdef/.x",
            "/abcdef//",
            "/a%2E",
            "/a;b",
            "/a\\b",
            "/a#b",
            "/a\tb",
            "/a\u{7f}",
        ] {
            assert!(!is_plain_path(p.as_bytes()), "{p:?}");
        }
        assert!(is_plain_path(b"/abcdefg/"));
        assert!(!is_plain_path(b"/abcdefghijklmn//x"), "a slash pair across two chunks");
        assert!(!is_plain_path(b"/abcdefghijklmn/.x"), "a slash and dot across two chunks");
    }

    #[test]
    fn encoding() {
        assert_eq!(canonical_uri("/a%2Fb", UriMode::S3), "/a%2Fb");
        assert_eq!(canonical_uri("/a%2Fb", UriMode::Normalized), "/a%252Fb");
        assert_eq!(canonical_uri("/a%zz", UriMode::S3), "/a%25zz");
        assert_eq!(canonical_uri("/a%zz", UriMode::Normalized), "/a%25zz");
        assert_eq!(canonical_uri("/$", UriMode::Normalized), "/%24");
        assert_eq!(canonical_uri("/%24", UriMode::Normalized), "/%2524");
        assert_eq!(canonical_uri("/ሴ", UriMode::S3), "/%E1%88%B4");
        assert_eq!(canonical_uri("", UriMode::S3), "/");
    }
}
