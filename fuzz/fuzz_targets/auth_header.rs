//! The `Authorization` header parser, through the verifier's public entry points.
//!
//! Input (see `LineRequest` in `src/lib.rs` for the request part):
//!
//! ```text
//! Authorization value
//! X-Amz-Date value        (empty: no X-Amz-Date header)
//! METHOD target
//! Name:value ...
//!
//! body
//! ```
//!
//! A `host` header is added when there is none. Every verifier runs `begin_view` (and `begin`
//! on the `http` form when `http` accepts it), then `finish` with the key and the body hash:
//! errors are fine, panics are not, and errors must be well formed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4_kit_fuzz::{LineRequest, verify_everywhere};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == b'\n');
    let authorization = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let date = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let mut request = LineRequest::parse(parts.next().unwrap_or_default());
    request.headers.insert(0, ("Authorization".to_owned(), authorization));
    if !date.is_empty() {
        request.headers.insert(1, ("X-Amz-Date".to_owned(), date));
    }
    request.ensure_host();

    verify_everywhere(&request, 0);
});
