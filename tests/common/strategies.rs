//! Proptest strategies for the parts of a request, and the pieces they are built from.

use std::ops::Range;

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

/// A header value: up to four words separated by runs of one to three spaces, with leading and
/// trailing runs of `edge` spaces (no tabs: aws-sigv4 trims and collapses only spaces).
pub fn spaced_words(edge: Range<usize>) -> impl Strategy<Value = String> {
    (edge.clone(), prop::collection::vec((header_word(), 1usize..4), 0..4), edge).prop_map(|(lead, words, trail)| {
        let mut v = " ".repeat(lead);
        let n = words.len();
        for (i, (w, gap)) in words.into_iter().enumerate() {
            v.push_str(&w);
            if i + 1 < n {
                v.push_str(&" ".repeat(gap));
            }
        }
        v.push_str(&" ".repeat(trail));
        v
    })
}

// The request parts aws-sigv4 signs as sigv4-kit does (its known differences avoided).

/// A path segment.
///
/// aws-sigv4 leaves raw path bytes alone in S3 mode, where the S3 rule (and sigv4-kit) escapes
/// every byte that is not unreserved: S3 paths hold unreserved characters and escapes only.
pub fn aws_segment(s3: bool) -> BoxedStrategy<String> {
    let atom = prop_oneof![
        8 => unreserved(),
        2 => (any::<u8>(), any::<bool>()).prop_map(|(b, lower)| if lower { format!("%{b:02x}") } else { format!("%{b:02X}") }),
        if s3 { 0 } else { 2 } => select_str(&["!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", ":", "@"]),
    ];
    prop_oneof![
        8 => prop::collection::vec(atom, 1..6).prop_map(|v| v.concat()),
        1 => select_str(&[".", "..", ""]),
    ]
    .boxed()
}

/// A piece of a query component. aws-sigv4 reads the query as form data: `+` is a space and
/// escapes of invalid UTF-8 become U+FFFD, so there is no raw `+` and escapes encode whole
/// characters; a literal `%` is followed by a character that is not a hex digit.
pub fn aws_query_atom(value: bool) -> BoxedStrategy<String> {
    let chars =
        prop::sample::select(vec![' ', '+', '&', '=', '%', '/', '?', '#', ',', '*', 'é', 'ß', 'ሴ', '😀', '\0', '~']);
    prop_oneof![
        10 => unreserved(),
        3 => (prop_oneof![chars, any::<char>()], any::<bool>()).prop_map(|(c, lower)| escape_char(c, lower)),
        2 => select_str(&["!", "$", "'", "(", ")", "*", ",", ";", ":", "@", "/", "?"]),
        if value { 1 } else { 0 } => Just("=".to_owned()),
        1 => select_str(&["%G", "%zz", "%-"]),
    ]
    .boxed()
}

/// A query for aws-sigv4 to sign. Keys that decode to `X-Amz-*` get a `p` before them: they
/// would be taken for signing parameters.
pub fn aws_query() -> impl Strategy<Value = Option<String>> {
    let key = prop_oneof![
        2 => select_str(&["a", "b", "A", "prefix", "list-type", "versionId", "%61", "k~"]),
        3 => prop::collection::vec(aws_query_atom(false), 0..6).prop_map(|v| v.concat()),
    ]
    .prop_map(|k| if is_signing_key(&k) { format!("p{k}") } else { k });
    let value = prop_oneof![
        1 => select_str(&["", "1", "a", "%20", "%2B"]),
        2 => prop::collection::vec(aws_query_atom(true), 0..8).prop_map(|v| v.concat()),
    ];
    query_of(key, value, 7)
}
