//! Error types. Every fallible public function returns one of these, never a panic.
//!
//! Messages are lowercase without a trailing period and say what was wrong and where.
//!
//! ```
//! use sigv4_kit::{Error, SignError};
//!
//! let err: Error = SignError::InvalidExpiry { seconds: 0 }.into();
//! assert_eq!(err.to_string(), "presign expiry of 0 s is outside 1..=604800");
//! ```

use thiserror::Error as ThisError;

/// The crate's top-level error, wrapping the precise error of each stage.
#[derive(Debug, ThisError)]
#[non_exhaustive]
pub enum Error {
    /// Signing failed.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// A raw HTTP request could not be parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// Why a request could not be signed. The request is left exactly as it was.
#[derive(Debug, Clone, PartialEq, Eq, ThisError)]
#[non_exhaustive]
pub enum SignError {
    /// The presign expiry is outside the range SigV4 allows.
    #[error("presign expiry of {seconds} s is outside 1..=604800")]
    InvalidExpiry {
        /// The rejected expiry, in seconds.
        seconds: u64,
    },
    /// The region or service cannot go into a credential scope.
    #[error("invalid {field} {value:?}: {reason}")]
    InvalidScope {
        /// `region` or `service`.
        field: &'static str,
        /// The rejected value.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The credentials cannot sign.
    #[error("invalid credentials: {reason}")]
    InvalidCredentials {
        /// What is wrong with them.
        reason: &'static str,
    },
    /// The request has no `Host` header and its URI has no authority to take one from.
    #[error("request has no host header and its uri has no authority")]
    MissingHost,
    /// The HTTP method is not a valid token.
    #[error("invalid method {method:?}: not an http token")]
    InvalidMethod {
        /// The rejected method.
        method: String,
    },
    /// A header name or value cannot be signed.
    #[error("invalid header {name:?}: {reason}")]
    InvalidHeader {
        /// The header name (lossily decoded).
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The request target (path and query) cannot be signed.
    #[error("invalid request target: {reason}")]
    InvalidTarget {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The request already carries a signature; it is refused rather than overwritten.
    #[error("request is already signed: it carries {what}")]
    AlreadySigned {
        /// The header or query parameter found.
        what: &'static str,
    },
    /// A signing header already on the request disagrees with what the signer would add.
    #[error("header {header} already on the request disagrees: {reason}")]
    Conflict {
        /// The header, for example `x-amz-date`.
        header: &'static str,
        /// How it disagrees.
        reason: &'static str,
    },
    /// A precomputed payload hash is not 64 lowercase hex digits or a known literal.
    #[error("invalid payload hash: {reason}")]
    InvalidPayloadHash {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The options of an `aws-chunked` body do not fit.
    #[error("invalid aws-chunked options: {reason}")]
    InvalidStreaming {
        /// What does not fit.
        reason: &'static str,
    },
    /// The signing time cannot be represented as an `X-Amz-Date`.
    #[error("signing time is outside years 0000..=9999")]
    InvalidTime,
    /// A configured limit was exceeded.
    #[error("too many {what}: the limit is {limit}")]
    Limit {
        /// What was counted.
        what: &'static str,
        /// The configured limit.
        limit: usize,
    },
}

/// Why a raw HTTP/1.1 request could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, ThisError)]
#[error("line {line}: {reason}")]
pub struct ParseError {
    /// The 1-based line where parsing failed.
    pub line: usize,
    /// What was wrong.
    pub reason: &'static str,
}
