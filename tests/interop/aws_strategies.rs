//! Proptest strategies for the request parts aws-sigv4 signs as sigv4-kit does (its known
//! differences avoided).

use std::ops::Range;

use proptest::prelude::*;

use crate::common::strategies::{escape_char, header_word, is_signing_key, query_of, select_str, unreserved};

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
