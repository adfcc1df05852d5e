//! [`strip_signature`]: removes a request's SigV4 authentication before it is forwarded.
//!
//! A gateway that has verified a request and passes it on (to a service that does not speak
//! SigV4, or that signs again with its own key) should not leak the caller's signature, session
//! token or presigned parameters downstream.
//!
//! ```
//! let request = http::Request::get(
//!     "https://bucket.example.com/key?versionId=3&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab",
//! )
//! .header("authorization", "AWS4-HMAC-SHA256 Credential=...")
//! .header("x-amz-security-token", "token")
//! .header("x-amz-meta-color", "blue")
//! .body(())?;
//! let (mut parts, ()) = request.into_parts();
//! sigv4_kit::verify::strip_signature(&mut parts)?;
//! assert_eq!(parts.uri, "https://bucket.example.com/key?versionId=3");
//! assert!(parts.headers.get("authorization").is_none());
//! assert!(parts.headers.get("x-amz-security-token").is_none());
//! assert_eq!(parts.headers["x-amz-meta-color"], "blue");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use http::request::Parts;

use crate::auth_params::AuthParam;

/// Headers that carry the signature or only exist for it.
const HEADERS: [&str; 5] =
    ["authorization", "x-amz-security-token", "x-amz-date", "x-amz-content-sha256", "x-amz-region-set"];

/// Removes the SigV4 and SigV4a authentication from `parts`: the `Authorization`,
/// `X-Amz-Security-Token`, `X-Amz-Date`, `X-Amz-Content-SHA256` and `X-Amz-Region-Set` headers,
/// and the presigned-URL query parameters (`X-Amz-Algorithm`, `X-Amz-Credential`,
/// `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature`,
/// `X-Amz-Security-Token`, `X-Amz-Region-Set`). Every other header and parameter is kept, in
/// order and byte for byte.
///
/// Parameters are recognized by the same matcher the [`Verifier`](crate::verify::Verifier) reads them
/// with, and in every spelling it could have met them: exact, in another case, or
/// percent-encoded (`X%2DAmz-Signature`). The verifier refuses the other spellings, so a
/// verified request only has the exact ones; removing all of them keeps a request that never
/// went through the verifier from leaking them too.
///
/// ```
/// let (mut parts, ()) = http::Request::get("/k?X%2DAmz-Signature=ab&x-amz-security-token=t&v=1").body(())?.into_parts();
/// sigv4_kit::verify::strip_signature(&mut parts)?;
/// assert_eq!(parts.uri, "/k?v=1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`http::Error`] when the URI cannot be rebuilt (it cannot happen for a URI that parsed).
pub fn strip_signature(parts: &mut Parts) -> Result<(), http::Error> {
    for name in HEADERS {
        parts.headers.remove(name);
    }
    let Some(query) = parts.uri.query() else {
        return Ok(());
    };
    let is_auth = |pair: &str| {
        let name = pair.split_once('=').map_or(pair, |(n, _)| n);
        AuthParam::classify(name).is_some()
    };
    if !query.split('&').any(is_auth) {
        return Ok(());
    }
    let mut path_and_query = String::with_capacity(parts.uri.path().len() + query.len());
    path_and_query.push_str(parts.uri.path());
    let mut first = true;
    for pair in query.split('&').filter(|p| !is_auth(p)) {
        path_and_query.push(if first { '?' } else { '&' });
        path_and_query.push_str(pair);
        first = false;
    }
    parts.uri = crate::request::with_path_and_query(core::mem::take(&mut parts.uri), path_and_query)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(uri: &str) -> String {
        let (mut parts, ()) = http::Request::get(uri).body(()).unwrap_or_else(|e| panic!("{e}")).into_parts();
        strip_signature(&mut parts).unwrap_or_else(|e| panic!("{e}"));
        parts.uri.to_string()
    }

    #[test]
    fn removes_only_presign_parameters() {
        assert_eq!(strip("/k?a=1&x-amz-signature=f&b=2&X-Amz-Credential=c%2F"), "/k?a=1&b=2");
        assert_eq!(strip("/k?X-Amz-Date=1&X-Amz-Expires=2"), "/k");
        assert_eq!(strip("/k?X-Amz-Region-Set=%2A&v=1"), "/k?v=1");
        assert_eq!(strip("/k?X-Amz-Meta=1&list-type=2"), "/k?X-Amz-Meta=1&list-type=2");
        assert_eq!(strip("http://h:8/k?X-Amz-Signature"), "http://h:8/k");
        assert_eq!(strip("/k"), "/k");
        assert_eq!(strip("/k?X%2DAmz-Signature=f&X%2dAmz-Security-Token=t&a=1"), "/k?a=1");
        assert_eq!(strip("/k?%58-AMZ-CREDENTIAL=c&a=1"), "/k?a=1");
    }
}
