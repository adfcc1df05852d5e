//! Error types. Every fallible public function returns one of these, never a panic.
//!
//! Messages are lowercase without a trailing period and say what was wrong and where.
//!
//! ```
//! use sigv4_kit::sign::SignError;
//!
//! let err = SignError::InvalidExpiry { seconds: 0 };
//! assert_eq!(err.to_string(), "presign expiry of 0 s is outside 1..=604800");
//! ```

use thiserror::Error as ThisError;

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
    /// The options of an `aws-chunked` body do not fit.
    #[error("invalid aws-chunked options: {reason}")]
    InvalidStreaming {
        /// What does not fit.
        reason: &'static str,
    },
    /// The credentials expired at or before the signing time.
    #[error("the credentials expired {expired_secs_ago} s before the signing time")]
    ExpiredCredentials {
        /// How long before the signing time they expired, in seconds (0: at that second).
        expired_secs_ago: u64,
    },
    /// A presigned URL would stay valid after its credentials expire.
    #[error("a presigned url valid for {expires_in} s would outlive its credentials, which expire in {remaining} s")]
    PresignOutlivesCredentials {
        /// The requested `X-Amz-Expires`.
        expires_in: u64,
        /// The seconds left before the credentials expire.
        remaining: u64,
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

/// Why a piece of text or a value given to the crate could not be read: a date, a signature,
/// a public key, a checksum name, a region set, a payload hash, a raw request or a shared
/// credentials file.
///
/// ```
/// let err = "2015-08-30".parse::<sigv4_kit::AmzDate>().unwrap_err();
/// assert_eq!(err.what(), "amz date");
/// assert_eq!(err.to_string(), "invalid amz date: expected YYYYMMDDTHHMMSSZ");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseError {
    what: &'static str,
    line: Option<usize>,
    reason: &'static str,
}

impl ParseError {
    /// An error in the input `what`, for `reason`.
    pub(crate) const fn new(what: &'static str, reason: &'static str) -> Self {
        Self { what, line: None, reason }
    }

    /// An error at the 1-based `line` of the input `what`, for `reason`.
    pub(crate) const fn at_line(what: &'static str, line: usize, reason: &'static str) -> Self {
        Self { what, line: Some(line), reason }
    }

    /// What was being read: `amz date`, `http date`, `time`, `signature`, `public key`,
    /// `checksum algorithm`, `region set`, `payload hash`, `raw request` or
    /// `shared credentials file`.
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The 1-based line where reading failed, for the inputs that have lines.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// What was wrong.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl core::fmt::Display for ParseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.line {
            Some(line) => write!(f, "invalid {}: line {line}: {}", self.what, self.reason),
            None => write!(f, "invalid {}: {}", self.what, self.reason),
        }
    }
}

impl std::error::Error for ParseError {}
