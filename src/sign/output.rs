//! What signing produced, and how it is applied to a request.

use http::header::{HeaderName, HeaderValue};
use http::uri::PathAndQuery;

use crate::error::SignError;
use crate::signature::Signature;

/// What [`SigningOutput::prepare`] builds: the new URI, if any, and the header values.
pub(crate) type Prepared = (Option<http::Uri>, Vec<(HeaderName, HeaderValue)>);

/// The result of signing: the signature and the headers or query parameters to add.
///
/// [`Signer::sign`](super::Signer::sign) applies it already; it is returned so that callers can
/// log the signature or apply it to a request of their own type.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningOutput {
    pub(crate) signature: Signature,
    pub(crate) signed_headers: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(&'static str, String)>,
}

impl SigningOutput {
    /// The signature.
    pub fn signature(&self) -> Signature {
        self.signature
    }

    /// The signed-headers list, for example `host;x-amz-date`.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// Headers to add, in order (header signing; empty for a presigned URL).
    pub fn headers(&self) -> &[(&'static str, String)] {
        &self.headers
    }

    /// Query parameters to append, in order, with values already percent-encoded
    /// (query signing; empty for header signing).
    pub fn query_params(&self) -> &[(&'static str, String)] {
        &self.query
    }

    /// The request target with the query parameters appended to `target`, whose existing bytes
    /// are kept exactly.
    ///
    /// ```
    /// # use sigv4_kit::*;
    /// # let signer = SigV4Signer::new(Credentials::new("AKID", "secret"), "us-east-1", "s3")
    /// #     .with_settings(SigningSettings::s3().with_presign(60).with_payload(PayloadMode::Unsigned));
    /// # let req = SignableRequest::new("GET", "/key?a=b").with_header("host", "h");
    /// # let t: AmzDate = "20150830T123600Z".parse().unwrap();
    /// let out = signer.sign_at(&req, &PayloadHash::unsigned(), t)?;
    /// assert!(out.presigned_target("/key?a=b").starts_with("/key?a=b&X-Amz-Algorithm="));
    /// # Ok::<(), SignError>(())
    /// ```
    pub fn presigned_target(&self, target: &str) -> String {
        let extra: usize = self.query.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
        let mut out = String::with_capacity(target.len() + extra + 1);
        out.push_str(target);
        let mut sep = match target.split_once('?') {
            None => '?',
            Some((_, "")) => '\0',
            Some(_) => '&',
        };
        for (k, v) in &self.query {
            if sep != '\0' {
                out.push(sep);
            }
            sep = '&';
            out.push_str(k);
            out.push('=');
            out.push_str(v);
        }
        out
    }

    /// Applies the output to `parts`: adds the headers, or rewrites the URI with the query
    /// parameters. All or nothing: on error `parts` is unchanged.
    ///
    /// # Errors
    ///
    /// [`SignError::InvalidHeader`] when a value cannot be a header value (a session token with
    /// control characters, say), [`SignError::InvalidTarget`] when the new URI is invalid.
    pub fn apply_to_parts(&self, parts: &mut http::request::Parts) -> Result<(), SignError> {
        let (uri, headers) = self.prepare(&parts.uri)?;
        for (name, value) in headers {
            parts.headers.append(name, value);
        }
        if let Some(uri) = uri {
            parts.uri = uri;
        }
        Ok(())
    }

    /// Builds everything that can fail before the request is touched.
    pub(crate) fn prepare(&self, uri: &http::Uri) -> Result<Prepared, SignError> {
        let mut values = Vec::with_capacity(self.headers.len());
        for (name, value) in &self.headers {
            let mut v = HeaderValue::from_str(value).map_err(|_| SignError::InvalidHeader {
                name: (*name).to_owned(),
                reason: "value cannot be sent as a header",
            })?;
            let name = HeaderName::from_static(lowercase_static(name));
            if name == http::header::AUTHORIZATION || name.as_str() == "x-amz-security-token" {
                v.set_sensitive(true);
            }
            values.push((name, v));
        }
        let new_uri = if self.query.is_empty() {
            None
        } else {
            if uri.authority().is_some() && uri.scheme().is_none() {
                return Err(SignError::InvalidTarget {
                    reason: "cannot presign a uri with an authority but no scheme",
                });
            }
            let target = uri.path_and_query().map_or("/", PathAndQuery::as_str);
            let pq = PathAndQuery::try_from(self.presigned_target(target))
                .map_err(|_| SignError::InvalidTarget { reason: "presigned target is not a valid uri" })?;
            let mut up = uri.clone().into_parts();
            up.path_and_query = Some(pq);
            Some(
                http::Uri::from_parts(up)
                    .map_err(|_| SignError::InvalidTarget { reason: "presigned uri is invalid" })?,
            )
        };
        Ok((new_uri, values))
    }
}

impl core::fmt::Debug for SigningOutput {
    /// Shows everything but the session token, which is printed as `***`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let redact = |list: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
            list.iter()
                .map(|(k, v)| {
                    let secret = k.eq_ignore_ascii_case("x-amz-security-token");
                    (*k, if secret { "***".to_owned() } else { v.clone() })
                })
                .collect()
        };
        f.debug_struct("SigningOutput")
            .field("signature", &self.signature)
            .field("signed_headers", &self.signed_headers)
            .field("headers", &redact(&self.headers))
            .field("query", &redact(&self.query))
            .finish()
    }
}

/// The lowercase spelling of the signer's own header names, as `'static` strings that
/// [`HeaderName::from_static`] accepts.
fn lowercase_static(name: &'static str) -> &'static str {
    match name {
        super::signer::X_AMZ_DATE => "x-amz-date",
        super::signer::X_AMZ_SECURITY_TOKEN => "x-amz-security-token",
        super::signer::AUTHORIZATION => "authorization",
        _ => super::signer::X_AMZ_CONTENT_SHA256,
    }
}
