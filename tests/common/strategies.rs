//! Proptest strategies for the parts of a request, and the pieces they are built from.

use proptest::prelude::*;

/// The unreserved characters of RFC 3986, which `UriEncode` leaves alone.
pub const UNRESERVED: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/// One unreserved character.
pub fn unreserved() -> impl Strategy<Value = String> {
    prop::sample::select(UNRESERVED.chars().collect::<Vec<_>>()).prop_map(String::from)
}

/// One of `options`, owned.
pub fn select_str(options: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(options).prop_map(str::to_owned)
}

/// Percent-encodes the UTF-8 bytes of `c`, with upper- or lowercase hex digits.
pub fn escape_char(c: char, lower: bool) -> String {
    let mut buf = [0u8; 4];
    c.encode_utf8(&mut buf).bytes().map(|b| if lower { format!("%{b:02x}") } else { format!("%{b:02X}") }).collect()
}

/// A path: `/`, up to five `segment`s joined by `/`, and an optional trailing slash.
///
/// With `slash_after_dot_segment`, a path that ends in `/.` or `/..` gets a slash appended:
/// aws-sigv4 keeps the trailing slash when it normalizes such a path (`/a/b/..` gives `/a/`),
/// botocore and sigv4-kit drop it (`/a`), and both normalize `/a/b/../` alike.
pub fn path_of(segment: impl Strategy<Value = String>, slash_after_dot_segment: bool) -> impl Strategy<Value = String> {
    (prop::collection::vec(segment, 0..6), any::<bool>()).prop_map(move |(segments, trailing)| {
        let mut p = format!("/{}", segments.join("/"));
        if trailing && !segments.is_empty() {
            p.push('/');
        }
        if slash_after_dot_segment && (p.ends_with("/.") || p.ends_with("/..")) {
            p.push('/');
        }
        p
    })
}

/// A query of `key`s and `value`s: up to `max_params - 1` parameters with repeated keys, empty
/// values, keys without `=` and empty segments; or an empty query, or none.
pub fn query_of(
    key: impl Strategy<Value = String> + Clone + 'static,
    value: impl Strategy<Value = String> + 'static,
    max_params: usize,
) -> impl Strategy<Value = Option<String>> {
    let param = prop_oneof![
        6 => (key.clone(), value).prop_map(|(k, v)| format!("{k}={v}")),
        2 => key,
        1 => Just(String::new()),
    ];
    prop_oneof![
        1 => Just(None),
        1 => Just(Some(String::new())),
        6 => prop::collection::vec(param, 1..max_params).prop_map(|p| Some(p.join("&"))),
    ]
}

/// Whether a wire query key names a signing parameter (`X-Amz-*`) once decoded.
pub fn is_signing_key(key: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
    decoded.len() >= 6 && decoded.as_bytes()[..6].eq_ignore_ascii_case(b"x-amz-")
}

/// A header name: one of `names` or one matching `pattern`, with `prefix` put before a name
/// that `avoid` refuses.
pub fn header_name_of(
    names: &'static [&'static str],
    pattern: &'static str,
    avoid: fn(&str) -> bool,
    prefix: &'static str,
) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select_str(names),
        2 => pattern,
    ]
    .prop_map(move |n| if avoid(&n) { format!("{prefix}{n}") } else { n })
}

/// A word of a header value: one to seven printable ASCII or non-ASCII characters.
pub fn header_word() -> impl Strategy<Value = String> {
    let word_char = prop_oneof![
        10 => (0x21u8..=0x7e).prop_map(char::from),
        1 => prop::sample::select(vec!['é', 'ß', 'ሴ', '😀']),
    ];
    prop::collection::vec(word_char, 1..8).prop_map(String::from_iter)
}
