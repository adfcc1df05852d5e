//! The presigned-URL query parser (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
//! `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature`, `X-Amz-Security-Token`), through
//! the verifier's public entry points.
//!
//! Input (see `LineRequest` in `src/lib.rs` for the request part):
//!
//! ```text
//! query string            (without the '?')
//! METHOD path
//! Name:value ...
//!
//! body
//! ```
//!
//! A `host` header is added when there is none. Every verifier runs `begin_view` and `finish`
//! with the key and the body hash, and `begin` on the `http` form when `http` accepts it:
//! errors are fine, panics are not, and errors must be well formed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4_kit_fuzz::{LineRequest, verify_everywhere};

fuzz_target!(|data: &[u8]| {
    let (query, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let mut request = LineRequest::parse(rest);
    if request.target.is_empty() {
        request.target.push('/');
    }
    request.target.push('?');
    request.target.push_str(&String::from_utf8_lossy(query));
    request.ensure_host();

    verify_everywhere(&request, 2);
});
