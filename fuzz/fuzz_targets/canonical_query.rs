//! `canonical_query_string` on arbitrary UTF-8 is idempotent: canonicalizing its output again
//! gives the same output.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4_kit::spec::canonical_query_string;

fuzz_target!(|data: &[u8]| {
    let query = String::from_utf8_lossy(data);
    let once = canonical_query_string(&query);
    assert_eq!(canonical_query_string(&once), once, "not idempotent for {query:?}");
});
