//! A whole request through the verifier, as a gateway runs it: `RawRequest::parse` on the
//! input, then every verifier on
//!
//! * the raw view (`begin_view`, `finish` with the key and the body hash), and then the body
//!   (its `PayloadCheck`, or the `aws-chunked` decoder for a streaming request);
//! * the same request as an `http::Request` (when `http` accepts every part), through the
//!   async `verify_with_body` and `verify`, polled by a no-op-waker executor, with a
//!   `MemoryProvider` holding the suite and S3-example keys.
//!
//! The body is the whole body each time: its length is checked against `Content-Length` on
//! every path (`check_body_length`, which `verify_with_body` runs itself).
//!
//! Nothing may panic, and when the request has a `Host` header and `http` keeps its target as
//! sent, both forms must get the same answer (the same error code, or both verified).
#![no_main]

use http::{HeaderName, HeaderValue, Method, Request, Uri};
use libfuzzer_sys::fuzz_target;
use sigv4_kit::raw::RawRequest;
use sigv4_kit::spec::sha256;
use sigv4_kit_fuzz::{VERIFIERS, block_on, check_error, consume, provider, verify_view};

/// The raw request as an `http::Request`, or `None` when `http` rejects any part of it.
fn to_http(raw: &RawRequest) -> Option<Request<Vec<u8>>> {
    let mut request = Request::new(raw.body().to_vec());
    *request.method_mut() = Method::from_bytes(raw.method().as_bytes()).ok()?;
    *request.uri_mut() = Uri::try_from(raw.target()).ok()?;
    for (name, value) in raw.headers() {
        let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
        request.headers_mut().append(name, HeaderValue::from_str(value).ok()?);
    }
    Some(request)
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = RawRequest::parse(data) else { return };
    let body = raw.body();
    let http = to_http(&raw);
    let has_host = raw.header("host").is_some();

    for verifier in VERIFIERS.iter() {
        // The provider the raw path picks, by the session token the request presents.
        let pending = verifier.begin_view(raw.signable());
        let keys = provider(pending.as_ref().ok().and_then(|p| p.lookup().session_token));
        let by_view = match verify_view(verifier, raw.signable(), body) {
            Ok(v) => {
                consume(v, body);
                None
            }
            Err(code) => Some(code),
        };
        let Some(request) = &http else { continue };
        let by_http = match block_on(verifier.verify_with_body(request, keys)) {
            Ok(v) => {
                consume(v, body);
                None
            }
            Err(e) => Some(check_error(&e)),
        };
        // `http` reads some targets differently (`'` is an authority to it, not a path), so
        // compare only when it kept the target as sent.
        let same_target = request.uri().path_and_query().is_some_and(|pq| pq.as_str() == raw.target());
        if has_host && same_target {
            assert_eq!(by_view, by_http, "raw view and http::Request verify differently");
        }
        let (parts, _) = request.clone().into_parts();
        // `verify` takes the body's hash only: check the whole body's length first, as
        // `verify_with_body` does.
        let whole = verifier.begin(&parts).and_then(|p| p.check_body_length(body.len() as u64));
        let by_parts = match whole.and_then(|()| block_on(verifier.verify(&parts, Some(sha256(body)), keys))) {
            Ok(v) => {
                consume(v, body);
                None
            }
            Err(e) => Some(check_error(&e)),
        };
        assert_eq!(by_http, by_parts, "verify and verify_with_body disagree");
    }
});
