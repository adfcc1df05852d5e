//! [`VerifyError`]: why a request was rejected, with the AWS error code and HTTP status.
//!
//! ```
//! use sigv4_kit::verify::{ErrorCode, VerifyError};
//!
//! let err = VerifyError::new(ErrorCode::RequestTimeTooSkewed, "the request time is 20 minutes in the past");
//! assert_eq!(err.code(), "RequestTimeTooSkewed");
//! assert_eq!(err.status(), http::StatusCode::FORBIDDEN);
//! assert!(err.to_xml().contains("<Code>RequestTimeTooSkewed</Code>"));
//! ```

use core::fmt;
use std::borrow::Cow;
use std::sync::Arc;

use http::StatusCode;

use crate::chunked::{ChunkError, ChunkErrorKind};

/// The AWS error codes a verifier answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The signature does not match (403).
    SignatureDoesNotMatch,
    /// The request time is outside the allowed skew (403).
    RequestTimeTooSkewed,
    /// No credential has this access key id (403).
    InvalidAccessKeyId,
    /// The `Authorization` header is malformed (400).
    AuthorizationHeaderMalformed,
    /// The presigned query parameters are malformed (400).
    AuthorizationQueryParametersError,
    /// Access is denied: an expired presigned URL, an unsigned required header (403).
    AccessDenied,
    /// The body does not match `x-amz-content-sha256` (400).
    XAmzContentSHA256Mismatch,
    /// The credential has expired (400).
    ExpiredToken,
    /// The session token is missing, unexpected or wrong (400).
    InvalidToken,
    /// A required security header is missing (400).
    MissingSecurityHeader,
    /// The request is ambiguous or otherwise invalid (400).
    InvalidArgument,
    /// The request uses a signing algorithm this verifier does not implement (501).
    NotImplemented,
    /// The body ended early, or its length disagrees with `x-amz-decoded-content-length` (400).
    IncompleteBody,
    /// A trailing checksum does not match the body (400).
    XAmzContentChecksumMismatch,
    /// The `aws-chunked` framing is malformed or exceeds a limit (400).
    InvalidRequest,
    /// The credential provider failed (500).
    InternalError,
    /// The body is larger than the verifier will hold in memory to check it (400).
    EntityTooLarge,
    /// A chunk of an `aws-chunked` body other than the last is smaller than the minimum chunk
    /// size (400).
    InvalidChunkSizeError,
    /// The client stopped sending the request (its body, say) for longer than the server
    /// waits (400).
    RequestTimeout,
}

impl ErrorCode {
    /// The code as AWS spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SignatureDoesNotMatch => "SignatureDoesNotMatch",
            Self::RequestTimeTooSkewed => "RequestTimeTooSkewed",
            Self::InvalidAccessKeyId => "InvalidAccessKeyId",
            Self::AuthorizationHeaderMalformed => "AuthorizationHeaderMalformed",
            Self::AuthorizationQueryParametersError => "AuthorizationQueryParametersError",
            Self::AccessDenied => "AccessDenied",
            Self::XAmzContentSHA256Mismatch => "XAmzContentSHA256Mismatch",
            Self::ExpiredToken => "ExpiredToken",
            Self::InvalidToken => "InvalidToken",
            Self::MissingSecurityHeader => "MissingSecurityHeader",
            Self::InvalidArgument => "InvalidArgument",
            Self::NotImplemented => "NotImplemented",
            Self::IncompleteBody => "IncompleteBody",
            Self::XAmzContentChecksumMismatch => "XAmzContentChecksumMismatch",
            Self::InvalidRequest => "InvalidRequest",
            Self::InternalError => "InternalError",
            Self::EntityTooLarge => "EntityTooLarge",
            Self::InvalidChunkSizeError => "InvalidChunkSizeError",
            Self::RequestTimeout => "RequestTimeout",
        }
    }

    /// The HTTP status AWS answers with.
    pub const fn status(self) -> StatusCode {
        match self {
            Self::SignatureDoesNotMatch
            | Self::RequestTimeTooSkewed
            | Self::InvalidAccessKeyId
            | Self::AccessDenied => StatusCode::FORBIDDEN,
            Self::AuthorizationHeaderMalformed
            | Self::AuthorizationQueryParametersError
            | Self::XAmzContentSHA256Mismatch
            | Self::ExpiredToken
            | Self::InvalidToken
            | Self::MissingSecurityHeader
            | Self::InvalidArgument
            | Self::IncompleteBody
            | Self::XAmzContentChecksumMismatch
            | Self::InvalidRequest
            | Self::EntityTooLarge
            | Self::InvalidChunkSizeError
            | Self::RequestTimeout => StatusCode::BAD_REQUEST,
            Self::NotImplemented => StatusCode::NOT_IMPLEMENTED,
            Self::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code equals its AWS name: `err.code() == "SignatureDoesNotMatch"`.
impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The one place where a fault of an `aws-chunked` body becomes the error AWS answers with.
impl From<ChunkError> for VerifyError {
    fn from(err: ChunkError) -> Self {
        let code = match err.kind() {
            ChunkErrorKind::Malformed => ErrorCode::InvalidRequest,
            ChunkErrorKind::Incomplete => ErrorCode::IncompleteBody,
            ChunkErrorKind::SignatureMismatch => ErrorCode::SignatureDoesNotMatch,
            ChunkErrorKind::ChunkTooSmall => ErrorCode::InvalidChunkSizeError,
            ChunkErrorKind::ChecksumMismatch => ErrorCode::XAmzContentChecksumMismatch,
            // A decoder built without its chain is the gateway's fault, not the client's.
            ChunkErrorKind::Misconfigured => ErrorCode::InternalError,
        };
        Self::new(code, err.message().to_owned())
    }
}

/// What the verifier computed, shown only when `expose_debug` is on, as S3 does for
/// `SignatureDoesNotMatch`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DebugInfo {
    /// The canonical request the verifier computed.
    pub canonical_request: String,
    /// The string to sign the verifier computed.
    pub string_to_sign: String,
    /// The signature the request carried.
    pub signature_provided: String,
    /// The access key id the request named.
    pub access_key_id: String,
}

/// A rejected request: an AWS error code, an HTTP status and a message for humans.
///
/// A signature mismatch never says which part differed; with `expose_debug` on, it carries the
/// canonical request and string to sign the verifier computed instead.
#[derive(Clone)]
pub struct VerifyError {
    code: ErrorCode,
    message: Cow<'static, str>,
    debug: Option<Box<DebugInfo>>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl VerifyError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self { code, message: message.into(), debug: None, source: None }
    }

    /// A credential-provider failure (`InternalError`, 500), keeping the provider's error.
    ///
    /// ```
    /// let io = std::io::Error::other("vault unreachable");
    /// let err = sigv4_kit::verify::VerifyError::provider(io);
    /// assert_eq!(err.code(), "InternalError");
    /// ```
    pub fn provider(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self {
            code: ErrorCode::InternalError,
            message: Cow::Borrowed("the credential provider failed"),
            debug: None,
            source: Some(Arc::new(err)),
        }
    }

    /// A credential-provider failure from a boxed error.
    pub(crate) fn provider_boxed(err: Box<dyn std::error::Error + Send + Sync>) -> Self {
        Self {
            code: ErrorCode::InternalError,
            message: Cow::Borrowed("the credential provider failed"),
            debug: None,
            source: Some(Arc::from(err)),
        }
    }

    pub(crate) fn with_debug(mut self, debug: DebugInfo) -> Self {
        self.debug = Some(Box::new(debug));
        self
    }

    /// The AWS error code, for example [`ErrorCode::SignatureDoesNotMatch`]; it compares
    /// equal to its name (`err.code() == "SignatureDoesNotMatch"`).
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The HTTP status to answer with.
    pub fn status(&self) -> StatusCode {
        self.code.status()
    }

    /// The message for humans.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The verifier's canonical request and string to sign, when `expose_debug` is on and the
    /// signature did not match.
    pub fn debug_info(&self) -> Option<&DebugInfo> {
        self.debug.as_deref()
    }

    /// The S3-style XML error body.
    ///
    /// ```
    /// use sigv4_kit::verify::{ErrorCode, VerifyError};
    /// let xml = VerifyError::new(ErrorCode::AccessDenied, "Request has expired").to_xml();
    /// assert_eq!(
    ///     xml,
    ///     "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>\
    ///      <Message>Request has expired</Message></Error>"
    /// );
    /// ```
    pub fn to_xml(&self) -> String {
        self.xml(None)
    }

    /// [`VerifyError::to_xml`] with a `<RequestId>` element, as AWS services answer.
    ///
    /// ```
    /// use sigv4_kit::verify::{ErrorCode, VerifyError};
    /// let xml = VerifyError::new(ErrorCode::AccessDenied, "denied").to_xml_with_request_id("4442587FB7D0A2F9");
    /// assert!(xml.ends_with("<RequestId>4442587FB7D0A2F9</RequestId></Error>"));
    /// ```
    pub fn to_xml_with_request_id(&self, request_id: &str) -> String {
        self.xml(Some(request_id))
    }

    /// The error as the JSON body AWS's JSON-protocol services (`application/x-amz-json-1.0`
    /// and `-1.1`, such as Secrets Manager and KMS) answer, where SDKs read the code from
    /// `__type`.
    ///
    /// ```
    /// use sigv4_kit::verify::{ErrorCode, VerifyError};
    /// let json = VerifyError::new(ErrorCode::AccessDenied, "say \"no\"").to_json();
    /// assert_eq!(json, r#"{"__type":"AccessDenied","message":"say \"no\""}"#);
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(64 + self.message.len());
        out.push_str("{\"__type\":\"");
        out.push_str(self.code.as_str());
        out.push_str("\",\"message\":\"");
        for c in self.message.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push_str("\"}");
        out
    }

    fn xml(&self, request_id: Option<&str>) -> String {
        let mut out = String::with_capacity(160);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
        element(&mut out, "Code", self.code.as_str());
        element(&mut out, "Message", &self.message);
        if let Some(d) = &self.debug {
            element(&mut out, "AWSAccessKeyId", &d.access_key_id);
            element(&mut out, "StringToSign", &d.string_to_sign);
            element(&mut out, "SignatureProvided", &d.signature_provided);
            element(&mut out, "CanonicalRequest", &d.canonical_request);
        }
        if let Some(id) = request_id {
            element(&mut out, "RequestId", id);
        }
        out.push_str("</Error>");
        out
    }
}

/// Appends `<name>escaped text</name>`.
fn element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

impl fmt::Debug for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyError")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("debug", &self.debug.is_some())
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}
