//! `canonical_uri` in both modes on arbitrary UTF-8: the output holds only unreserved
//! characters, `/` and `%XX` escapes, and in S3 mode canonicalizing it again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4_kit::UriMode;
use sigv4_kit::spec::canonical_uri;
use sigv4_kit_fuzz::is_uri_encoded;

fuzz_target!(|data: &[u8]| {
    let path = String::from_utf8_lossy(data);
    let normalized = canonical_uri(&path, UriMode::Normalized);
    // Every escape is written by the encoder, so its hex digits are uppercase.
    assert!(is_uri_encoded(&normalized, true), "normalized {path:?} gave {normalized:?}");
    let s3 = canonical_uri(&path, UriMode::S3);
    // Valid escapes on the wire are kept as sent, lowercase hex included.
    assert!(is_uri_encoded(&s3, false), "s3 {path:?} gave {s3:?}");
    assert_eq!(canonical_uri(&s3, UriMode::S3), s3, "s3 not idempotent for {path:?}");
});
