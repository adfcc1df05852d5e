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
use sigv4_kit_fuzz::{LineRequest, VERIFIERS, check_error, consume, verify_view};

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

    for verifier in VERIFIERS.iter() {
        if let Ok(v) = verify_view(verifier, request.view(), &request.body) {
            consume(v, &request.body);
        }
    }
    if let Some(http) = request.http() {
        let (parts, _) = http.into_parts();
        if let Err(e) = VERIFIERS[2].begin(&parts) {
            check_error(&e);
        }
    }
});
