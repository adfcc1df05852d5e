//! `SigV4Signer::sign` on an `http::Request` built from fuzz bytes: a method line, a URI line, then
//! `name:value` header lines up to an empty line, and the body after it. Parts that `http`
//! rejects are skipped. Signing must not panic, and when it fails the request is unchanged.
#![no_main]

use http::{HeaderName, HeaderValue, Method, Request, Uri};
use libfuzzer_sys::fuzz_target;
use sigv4_kit_fuzz::SIGNERS;

fn build(data: &[u8]) -> Option<Request<Vec<u8>>> {
    let mut lines = data.split(|&b| b == b'\n');
    let method = Method::from_bytes(lines.next()?).ok()?;
    let uri = Uri::try_from(lines.next()?).ok()?;
    let mut request = Request::new(Vec::new());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    for line in lines.by_ref().take_while(|l| !l.is_empty()) {
        let Some(colon) = line.iter().position(|&b| b == b':') else { continue };
        let (name, value) = line.split_at(colon);
        let value = value.get(1..).unwrap_or_default();
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
            request.headers_mut().append(n, v);
        }
    }
    *request.body_mut() = lines.collect::<Vec<_>>().join(&b'\n');
    Some(request)
}

fuzz_target!(|data: &[u8]| {
    let Some(original) = build(data) else { return };
    let snapshot = |r: &Request<Vec<u8>>| (r.method().clone(), r.uri().clone(), r.headers().clone(), r.body().clone());
    for signer in SIGNERS.iter() {
        let mut request = original.clone();
        match signer.sign(&mut request) {
            Ok(_) => {
                let signed = request.headers().contains_key("authorization")
                    || request.uri().query().is_some_and(|q| q.contains("X-Amz-Signature="));
                assert!(signed, "signing succeeded but left no signature on {original:?}");
            }
            Err(e) => assert_eq!(snapshot(&request), snapshot(&original), "request changed by failed sign: {e}"),
        }
    }
});
