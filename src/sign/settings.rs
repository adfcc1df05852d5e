//! What a [`SigV4Signer`](super::SigV4Signer) does beyond the defaults.
//!
//! ```
//! use sigv4_kit::{SessionTokenMode, UriMode};
//! use sigv4_kit::sign::{PayloadMode, SigningSettings};
//!
//! // S3: no path normalization, single encoding, and an x-amz-content-sha256 header.
//! let s3 = SigningSettings::s3();
//! assert_eq!(s3.uri_mode, UriMode::S3);
//! assert!(s3.content_sha256_header);
//!
//! // A presigned URL valid for an hour, with the session token added after signing.
//! let presign = SigningSettings::default()
//!     .with_presign(3600)
//!     .with_payload(PayloadMode::Unsigned)
//!     .with_session_token_mode(SessionTokenMode::AddedAfterSigning);
//! assert_eq!(presign.presign_expiry(), Some(3600));
//! ```

use crate::canonical::{ExcludedHeaders, UriMode};
use crate::credentials::SessionTokenMode;
use crate::payload::PayloadHash;
use crate::request::Limits;

/// What goes on the canonical request's last line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PayloadMode {
    /// The hex SHA-256 of the body (the default).
    #[default]
    SignBody,
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
    /// A value computed elsewhere.
    Precomputed(PayloadHash),
}

/// Where the signature goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SignatureLocation {
    /// An `Authorization` header (the default).
    #[default]
    Headers,
    /// A presigned URL: `X-Amz-*` query parameters, valid for `expires_in` seconds
    /// (1 to 604800).
    QueryString {
        /// `X-Amz-Expires`, in seconds.
        expires_in: u64,
    },
}

/// Signer settings. Start from [`Default`] (or [`SigningSettings::s3`]) and change what you need.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SigningSettings {
    /// How the path is canonicalized.
    pub uri_mode: UriMode,
    /// The payload line.
    pub payload: PayloadMode,
    /// Whether header signing adds a signed `x-amz-content-sha256` header holding the payload
    /// line (S3 requires it; other services do not use it).
    pub content_sha256_header: bool,
    /// Whether the session token is signed.
    pub session_token: SessionTokenMode,
    /// Headers that are never signed.
    pub excluded_headers: ExcludedHeaders,
    /// Header or query signing.
    pub location: SignatureLocation,
    /// Size bounds on the request.
    pub limits: Limits,
    /// What to do when a presigned URL would outlive credentials that carry an expiry
    /// ([`Credentials::with_expiry`](crate::Credentials::with_expiry)): `false` (the default)
    /// refuses with [`SignError::PresignOutlivesCredentials`](super::SignError::PresignOutlivesCredentials);
    /// `true` shortens `X-Amz-Expires` to the credentials' remaining lifetime.
    pub clamp_presign_to_credentials: bool,
}

impl SigningSettings {
    /// The settings S3 expects: [`UriMode::S3`] and an `x-amz-content-sha256` header.
    pub fn s3() -> Self {
        Self { uri_mode: UriMode::S3, content_sha256_header: true, ..Self::default() }
    }

    /// The settings of an S3 presigned URL valid for `expires_in` seconds: [`UriMode::S3`] and
    /// `UNSIGNED-PAYLOAD`, as S3 expects (a presigned URL cannot know the body it will carry).
    ///
    /// ```
    /// use sigv4_kit::sign::{PayloadMode, SigningSettings};
    /// let s = SigningSettings::s3_presigned(900);
    /// assert_eq!(s.payload, PayloadMode::Unsigned);
    /// assert_eq!(s.presign_expiry(), Some(900));
    /// ```
    pub fn s3_presigned(expires_in: u64) -> Self {
        Self::s3().with_presign(expires_in).with_payload(PayloadMode::Unsigned)
    }

    /// Sets the URI mode.
    #[must_use]
    pub fn with_uri_mode(mut self, mode: UriMode) -> Self {
        self.uri_mode = mode;
        self
    }

    /// Sets the payload mode.
    #[must_use]
    pub fn with_payload(mut self, payload: PayloadMode) -> Self {
        self.payload = payload;
        self
    }

    /// Sets whether `x-amz-content-sha256` is added in header signing.
    #[must_use]
    pub fn with_content_sha256_header(mut self, on: bool) -> Self {
        self.content_sha256_header = on;
        self
    }

    /// Sets the session-token mode.
    #[must_use]
    pub fn with_session_token_mode(mut self, mode: SessionTokenMode) -> Self {
        self.session_token = mode;
        self
    }

    /// Replaces the set of headers that are never signed.
    #[must_use]
    pub fn with_excluded_headers(mut self, excluded: ExcludedHeaders) -> Self {
        self.excluded_headers = excluded;
        self
    }

    /// Signs in the query string (a presigned URL) valid for `expires_in` seconds. The value is
    /// checked when signing: outside 1..=604800 it is an error. The payload mode is unchanged:
    /// for S3, start from [`SigningSettings::s3_presigned`], which signs `UNSIGNED-PAYLOAD`.
    #[must_use]
    pub fn with_presign(mut self, expires_in: u64) -> Self {
        self.location = SignatureLocation::QueryString { expires_in };
        self
    }

    /// Signs with an `Authorization` header (the default).
    #[must_use]
    pub fn with_header_signing(mut self) -> Self {
        self.location = SignatureLocation::Headers;
        self
    }

    /// Shortens a presigned URL's expiry to its credentials' remaining lifetime instead of
    /// refusing to sign.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use sigv4_kit::sign::{SigV4Signer, SignError, SigningSettings};
    /// use sigv4_kit::{AmzDate, Credentials, FixedClock};
    ///
    /// let now: AmzDate = "20150830T123600Z".parse()?;
    /// let expiry = UNIX_EPOCH + Duration::from_secs(now.unix_timestamp() as u64 + 600);
    /// let creds = Credentials::new("AKIDEXAMPLE", "secret").with_session_token("token").with_expiry(expiry);
    /// let signer = |settings| {
    ///     SigV4Signer::new(creds.clone(), "us-east-1", "s3").with_settings(settings).with_clock(FixedClock::new(now))
    /// };
    ///
    /// // An hour is longer than the ten minutes the credentials have left.
    /// let mut request = http::Request::get("https://bucket.s3.amazonaws.com/key").body(Vec::new())?;
    /// let hour = SigningSettings::s3_presigned(3600);
    /// let err = signer(hour.clone()).sign(&mut request).unwrap_err();
    /// assert!(matches!(err, SignError::PresignOutlivesCredentials { remaining: 600, .. }));
    ///
    /// // Clamped, the URL is valid for the ten minutes.
    /// signer(hour.with_presign_clamped_to_credentials()).sign(&mut request)?;
    /// assert!(request.uri().query().is_some_and(|q| q.contains("X-Amz-Expires=600")));
    ///
    /// // Expired credentials sign nothing.
    /// let later = FixedClock::new(AmzDate::from_unix(now.unix_timestamp() + 601)?);
    /// let late = SigV4Signer::new(creds.clone(), "us-east-1", "s3").with_clock(later);
    /// let mut request = http::Request::get("https://bucket.s3.amazonaws.com/key").body(Vec::new())?;
    /// assert!(matches!(late.sign(&mut request), Err(SignError::ExpiredCredentials { expired_secs_ago: 1 })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_presign_clamped_to_credentials(mut self) -> Self {
        self.clamp_presign_to_credentials = true;
        self
    }

    /// Replaces the size limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The presign expiry in seconds, when signing in the query string.
    pub fn presign_expiry(&self) -> Option<u64> {
        match self.location {
            SignatureLocation::QueryString { expires_in } => Some(expires_in),
            SignatureLocation::Headers => None,
        }
    }
}
