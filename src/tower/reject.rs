//! The answer to a rejected request: AWS's XML error with the headers SDKs read.

use core::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::Response;
use http::header::{CONTENT_TYPE, DATE, HeaderValue};
use http_body_util::Full;

use crate::time::AmzDate;
use crate::verify::VerifyError;

/// A fresh request id: 16 upper-case hex digits, unique within the process and unlikely to
/// repeat across restarts (the counter starts from the clock).
pub(crate) fn request_id() -> String {
    static SEED: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed =
        *SEED.get_or_init(|| SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64) | 1);
    // splitmix64 over seed + counter: distinct inputs give distinct outputs.
    let mut x = seed.wrapping_add(COUNTER.fetch_add(1, Ordering::Relaxed).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    format!("{:016X}", x ^ (x >> 31))
}

/// The answer to a request whose verification failed, as [`SigV4Auth`](super::SigV4Auth)
/// gives it: the error's status; its XML body with a `RequestId` (JSON with `__type` when
/// `request_headers` name an `application/x-amz-json-*` content type); `Date` (now),
/// `x-amz-request-id` and `x-amzn-ErrorType`. For an inner service whose
/// [`VerifiedBody`](super::VerifiedBody) failed while it read it.
///
/// ```
/// use sigv4_kit::verify::{ErrorCode, VerifyError};
/// let err = VerifyError::new(ErrorCode::XAmzContentSHA256Mismatch, "the body does not match");
/// let response = sigv4_kit::tower::error_response(&err, &http::HeaderMap::new());
/// assert_eq!(response.status(), 400);
/// assert_eq!(response.headers()["x-amzn-errortype"], "XAmzContentSHA256Mismatch");
/// ```
pub fn error_response(err: &VerifyError, request_headers: &http::HeaderMap) -> Response<Full<Bytes>> {
    rejection(err, SystemTime::now(), json_protocol(request_headers))
}

/// The `Content-Type` of a request in one of AWS's JSON protocols
/// (`application/x-amz-json-1.0`, `-1.1`), whose errors are answered in JSON.
pub(crate) fn json_protocol(headers: &http::HeaderMap) -> Option<HeaderValue> {
    let value = headers.get(CONTENT_TYPE)?;
    const PREFIX: &[u8] = b"application/x-amz-json";
    let is_json = value.as_bytes().get(..PREFIX.len()).is_some_and(|p| p.eq_ignore_ascii_case(PREFIX));
    is_json.then(|| value.clone())
}

/// The response to a request that failed verification: the error's status, its body (XML with
/// a `RequestId`, or, for a JSON-protocol request, whose content type `json` is, JSON with
/// `__type`), a `Date` header (SDKs correct their clock skew from it), `x-amz-request-id`, and
/// `x-amzn-ErrorType` (where REST-JSON SDKs look for the code).
pub(crate) fn rejection(err: &VerifyError, now: SystemTime, json: Option<HeaderValue>) -> Response<Full<Bytes>> {
    let id = request_id();
    let (body, content_type) = match json {
        Some(content_type) => (err.to_json(), content_type),
        None => (err.to_xml_with_request_id(&id), HeaderValue::from_static("application/xml")),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = err.status();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, content_type);
    if let Ok(date) = AmzDate::from_system_time(now)
        && let Ok(value) = HeaderValue::try_from(date.to_http_date())
    {
        headers.insert(DATE, value);
    }
    if let Ok(value) = HeaderValue::try_from(id) {
        headers.insert("x-amz-request-id", value);
    }
    headers.insert("x-amzn-errortype", HeaderValue::from_static(err.code().as_str()));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_distinct_hex() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| request_id()).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.iter().all(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit())));
    }
}
