//! What signing produced, and how it is applied to a request.
//!
//! Everything the signer writes (the `Authorization` value, the `X-Amz-*` parameters, the
//! signed-headers list) lives in one string, so that signing a request allocates it once.

use core::fmt;

use http::header::{HeaderName, HeaderValue};
use http::uri::PathAndQuery;

use crate::error::SignError;
use crate::inline_vec::InlineVec;
use crate::signature::Signature;

/// The most headers the signer adds: `X-Amz-Date`, `x-amz-content-sha256`,
/// `X-Amz-Security-Token`, `X-Amz-Region-Set` (SigV4a) and `Authorization`.
pub(crate) const MAX_ADDED_HEADERS: usize = 5;

/// The most query parameters a presigned URL gains.
const MAX_ADDED_PARAMS: usize = 8;

/// What [`SigningOutput::prepare`] builds: the new URI, if any, and the header values.
pub(crate) type Prepared = (Option<http::Uri>, [Option<(HeaderName, HeaderValue)>; MAX_ADDED_HEADERS]);

/// A byte range of the output's text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: usize,
    end: usize,
}

impl Span {
    /// From the start of `self` to the end of `last`.
    pub(crate) fn to(self, last: Span) -> Span {
        Span { start: self.start, end: last.end }
    }

    /// The text of this span in `text`, the output's text that it was taken from. Its ends were
    /// read from `text.len()` as the pieces were pushed: in order, within the text and on
    /// character boundaries, so neither split can fail.
    fn of(self, text: &str) -> &str {
        text.split_at(self.end).0.split_at(self.start).1
    }
}

/// The result of signing: the signature and the headers or query parameters to add.
///
/// [`SigV4Signer::sign`](super::SigV4Signer::sign) applies it already; it is returned so that callers can
/// log the signature or apply it to a request of their own type.
#[derive(Clone)]
pub struct SigningOutput {
    signature: Signature,
    text: String,
    signed_headers: Span,
    headers: InlineVec<(&'static str, Span), MAX_ADDED_HEADERS>,
    query: InlineVec<(&'static str, Span), MAX_ADDED_PARAMS>,
}

impl PartialEq for SigningOutput {
    fn eq(&self, other: &Self) -> bool {
        self.signature == other.signature
            && self.signed_headers() == other.signed_headers()
            && self.headers().eq(other.headers())
            && self.query_params().eq(other.query_params())
    }
}

impl Eq for SigningOutput {}

/// The headers or query parameters of a [`SigningOutput`], as `(name, value)` pairs in order.
#[derive(Debug, Clone)]
pub struct Added<'a> {
    text: &'a str,
    items: core::slice::Iter<'a, (&'static str, Span)>,
}

impl<'a> Iterator for Added<'a> {
    type Item = (&'static str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let (name, span) = self.items.next()?;
        Some((name, span.of(self.text)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

impl ExactSizeIterator for Added<'_> {}

impl Added<'_> {
    /// Whether there are no pairs left.
    pub fn is_empty(&self) -> bool {
        self.items.len() == 0
    }
}

impl SigningOutput {
    /// An output with room for `capacity` bytes of text.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            signature: Signature::from_bytes([0; 32]),
            text: String::with_capacity(capacity),
            signed_headers: Span::default(),
            headers: InlineVec::new(),
            query: InlineVec::new(),
        }
    }

    /// The text of `span`.
    pub(crate) fn get(&self, span: Span) -> &str {
        span.of(&self.text)
    }

    /// Appends `s` and returns where it went.
    pub(crate) fn push(&mut self, s: &str) -> Span {
        self.write(|t| t.push_str(s))
    }

    /// Appends whatever `f` writes and returns where it went.
    pub(crate) fn write(&mut self, f: impl FnOnce(&mut String)) -> Span {
        let start = self.text.len();
        f(&mut self.text);
        Span { start, end: self.text.len() }
    }

    pub(crate) fn set_signature(&mut self, signature: Signature) {
        self.signature = signature;
    }

    pub(crate) fn set_signed_headers(&mut self, span: Span) {
        self.signed_headers = span;
    }

    pub(crate) fn add_header(&mut self, name: &'static str, span: Span) {
        self.headers.push((name, span));
    }

    pub(crate) fn add_query(&mut self, name: &'static str, span: Span) {
        self.query.push((name, span));
    }

    /// The signature.
    pub fn signature(&self) -> Signature {
        self.signature
    }

    /// The signed-headers list, for example `host;x-amz-date`.
    pub fn signed_headers(&self) -> &str {
        self.get(self.signed_headers)
    }

    /// Headers to add, in order (header signing; empty for a presigned URL).
    ///
    /// ```
    /// # use sigv4_kit::{*, sign::*, spec::*};
    /// # let signer = SigV4Signer::new(Credentials::new("AKID", "secret"), "us-east-1", "s3");
    /// # let req = SignableRequest::new("GET", "/").with_header("host", "h");
    /// # let t: AmzDate = "20150830T123600Z".parse().unwrap();
    /// let out = signer.sign_at(&req, &PayloadHash::unsigned(), t)?;
    /// let names: Vec<&str> = out.headers().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["X-Amz-Date", "Authorization"]);
    /// # Ok::<(), SignError>(())
    /// ```
    pub fn headers(&self) -> Added<'_> {
        Added { text: &self.text, items: self.headers.iter() }
    }

    /// Query parameters to append, in order, with values already percent-encoded
    /// (query signing; empty for header signing).
    pub fn query_params(&self) -> Added<'_> {
        Added { text: &self.text, items: self.query.iter() }
    }

    /// The request target with the query parameters appended to `target`, whose existing bytes
    /// are kept exactly.
    ///
    /// ```
    /// # use sigv4_kit::{*, sign::*, spec::*};
    /// # let signer = SigV4Signer::new(Credentials::new("AKID", "secret"), "us-east-1", "s3")
    /// #     .with_settings(SigningSettings::s3().with_presign(60).with_payload(PayloadMode::Unsigned));
    /// # let req = SignableRequest::new("GET", "/key?a=b").with_header("host", "h");
    /// # let t: AmzDate = "20150830T123600Z".parse().unwrap();
    /// let out = signer.sign_at(&req, &PayloadHash::unsigned(), t)?;
    /// assert!(out.presigned_target("/key?a=b").starts_with("/key?a=b&X-Amz-Algorithm="));
    /// # Ok::<(), SignError>(())
    /// ```
    pub fn presigned_target(&self, target: &str) -> String {
        let extra: usize = self.query_params().map(|(k, v)| k.len() + v.len() + 2).sum();
        let mut out = String::with_capacity(target.len() + extra + 1);
        out.push_str(target);
        let mut sep = match target.split_once('?') {
            None => '?',
            Some((_, "")) => '\0',
            Some(_) => '&',
        };
        for (k, v) in self.query_params() {
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
        for (name, value) in headers.into_iter().flatten() {
            parts.headers.append(name, value);
        }
        if let Some(uri) = uri {
            parts.uri = uri;
        }
        Ok(())
    }

    /// Builds everything that can fail before the request is touched.
    pub(crate) fn prepare(&self, uri: &http::Uri) -> Result<Prepared, SignError> {
        let mut values: [Option<(HeaderName, HeaderValue)>; MAX_ADDED_HEADERS] = Default::default();
        for ((name, value), slot) in self.headers().zip(values.iter_mut()) {
            let mut v = HeaderValue::from_str(value).map_err(|_| SignError::InvalidHeader {
                name: name.to_owned(),
                reason: "value cannot be sent as a header",
            })?;
            let name = header_name(name);
            if name == http::header::AUTHORIZATION || name == "x-amz-security-token" {
                v.set_sensitive(true);
            }
            *slot = Some((name, v));
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

impl fmt::Debug for SigningOutput {
    /// Shows everything but the session token, which is printed as `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Redacted<'a>(Added<'a>);
        impl fmt::Debug for Redacted<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut list = f.debug_list();
                for (k, v) in self.0.clone() {
                    list.entry(&(k, if k.eq_ignore_ascii_case("x-amz-security-token") { "***" } else { v }));
                }
                list.finish()
            }
        }
        f.debug_struct("SigningOutput")
            .field("signature", &self.signature)
            .field("signed_headers", &self.signed_headers())
            .field("headers", &Redacted(self.headers()))
            .field("query", &Redacted(self.query_params()))
            .finish()
    }
}

/// The `HeaderName` of each of the signer's own header names, built at compile time (a name
/// made at run time with [`HeaderName::from_static`] is checked byte by byte on every request).
fn header_name(name: &'static str) -> HeaderName {
    const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
    const X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");
    const X_AMZ_REGION_SET: HeaderName = HeaderName::from_static("x-amz-region-set");
    const X_AMZ_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-amz-content-sha256");
    match name {
        super::headers::X_AMZ_DATE => X_AMZ_DATE,
        super::headers::X_AMZ_SECURITY_TOKEN => X_AMZ_SECURITY_TOKEN,
        super::headers::AUTHORIZATION => http::header::AUTHORIZATION,
        super::headers::X_AMZ_REGION_SET => X_AMZ_REGION_SET,
        _ => X_AMZ_CONTENT_SHA256,
    }
}
