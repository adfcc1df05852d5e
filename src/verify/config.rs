//! [`VerifierConfig`]: what a [`Verifier`](super::Verifier) accepts.
//!
//! ```
//! use std::time::Duration;
//! use sigv4_kit::verify::{Regions, VerifierConfig};
//!
//! let config = VerifierConfig::new(["s3"])
//!     .with_s3_rules()
//!     .with_regions(Regions::only(["us-east-1", "eu-west-1"]))
//!     .with_clock_skew(Duration::from_secs(300));
//! assert!(config.allow_unsigned_payload);
//! ```

use std::borrow::Cow;
use std::time::Duration;

use crate::canonical::UriMode;
use crate::request::Limits;
use crate::sign::SessionTokenMode;

/// The regions a verifier accepts in a credential scope.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Regions {
    /// Any region.
    #[default]
    Any,
    /// Only these regions.
    Only(Vec<String>),
}

impl Regions {
    /// Only the given regions.
    pub fn only<I, S>(regions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self::Only(regions.into_iter().map(Into::into).collect())
    }

    /// Whether `region` is accepted.
    pub fn allows(&self, region: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Only(list) => list.iter().any(|r| r == region),
        }
    }

    /// Whether a SigV4a region set (`us-east-1,us-west-2`, `us-*`, `*`) covers an accepted
    /// region: one of its entries names the region or matches it with `*` wildcards. Entries
    /// are trimmed and compared without regard to ASCII case.
    ///
    /// ```
    /// use sigv4_kit::verify::Regions;
    /// let here = Regions::only(["eu-west-1"]);
    /// assert!(here.allows_region_set("*"));
    /// assert!(here.allows_region_set("us-east-1, eu-*"));
    /// assert!(!here.allows_region_set("us-*"));
    /// assert!(Regions::Any.allows_region_set("us-*"));
    /// ```
    pub fn allows_region_set(&self, region_set: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Only(list) => list.iter().any(|r| crate::region_set::received_matches(region_set, r)),
        }
    }
}

/// Verifier settings. The expected services are a constructor argument: a verifier never
/// accepts "any service" by default.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifierConfig {
    /// Largest accepted distance between the request time and now, for header auth
    /// (default 900 s).
    pub clock_skew: Duration,
    /// Largest accepted `X-Amz-Expires` (default 604800 s, seven days).
    pub max_presign_expiry: u64,
    /// Accepted regions (default any).
    pub regions: Regions,
    /// Accepted services.
    pub services: Vec<String>,
    /// How the path is canonicalized (default normalized; S3 for S3 gateways).
    pub uri_mode: UriMode,
    /// S3's payload rules (default off; on with [`VerifierConfig::with_s3_rules`]): a
    /// header-signed request must carry a signed `x-amz-content-sha256`, and a presigned URL
    /// without one signs `UNSIGNED-PAYLOAD`. Off, the payload line of a request without
    /// `x-amz-content-sha256` is the hash of its body.
    pub s3_payload_rules: bool,
    /// Whether `UNSIGNED-PAYLOAD` is accepted (default no; yes with [`VerifierConfig::with_s3_rules`]).
    pub allow_unsigned_payload: bool,
    /// Headers that must be signed when present, besides the built-in ones (`host`, the date
    /// header, `x-amz-content-sha256` in S3 mode, every `x-amz-*`, `content-md5`,
    /// `content-type`).
    pub required_signed_headers: Vec<Cow<'static, str>>,
    /// Whether the session token must be signed (the default), or may be added after signing
    /// as some services expect: then an `X-Amz-Security-Token` header need not be in
    /// `SignedHeaders`, and the `X-Amz-Security-Token` query parameter of a presigned URL is
    /// left out of the canonical query.
    pub session_token: SessionTokenMode,
    /// Size bounds on requests.
    pub limits: Limits,
    /// Whether `SignatureDoesNotMatch` errors carry the canonical request and string to sign
    /// the verifier computed (default off: they help an attacker as much as a developer).
    pub expose_debug: bool,
}

impl VerifierConfig {
    /// A configuration accepting the given services, with the defaults above.
    pub fn new<I, S>(services: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            clock_skew: Duration::from_secs(900),
            max_presign_expiry: crate::sign::MAX_PRESIGN_EXPIRY_SECS,
            regions: Regions::Any,
            services: services.into_iter().map(Into::into).collect(),
            uri_mode: UriMode::Normalized,
            s3_payload_rules: false,
            allow_unsigned_payload: false,
            required_signed_headers: Vec::new(),
            session_token: SessionTokenMode::Signed,
            limits: Limits::default(),
            expose_debug: false,
        }
    }

    /// S3 rules: [`UriMode::S3`], `x-amz-content-sha256` required, and `UNSIGNED-PAYLOAD`
    /// accepted.
    #[must_use]
    pub fn with_s3_rules(mut self) -> Self {
        self.uri_mode = UriMode::S3;
        self.s3_payload_rules = true;
        self.allow_unsigned_payload = true;
        self
    }

    /// Sets the clock skew.
    #[must_use]
    pub fn with_clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Sets the largest accepted presign expiry, in seconds (at most 604800).
    #[must_use]
    pub fn with_max_presign_expiry(mut self, seconds: u64) -> Self {
        self.max_presign_expiry = seconds.min(crate::sign::MAX_PRESIGN_EXPIRY_SECS);
        self
    }

    /// Sets the accepted regions.
    #[must_use]
    pub fn with_regions(mut self, regions: Regions) -> Self {
        self.regions = regions;
        self
    }

    /// Sets the URI mode.
    #[must_use]
    pub fn with_uri_mode(mut self, mode: UriMode) -> Self {
        self.uri_mode = mode;
        self
    }

    /// Sets whether S3's payload rules apply.
    #[must_use]
    pub fn with_s3_payload_rules(mut self, on: bool) -> Self {
        self.s3_payload_rules = on;
        self
    }

    /// Sets whether `UNSIGNED-PAYLOAD` is accepted.
    #[must_use]
    pub fn with_unsigned_payload(mut self, allow: bool) -> Self {
        self.allow_unsigned_payload = allow;
        self
    }

    /// Adds a header that must be signed when present.
    #[must_use]
    pub fn with_required_signed_header(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.required_signed_headers.push(name.into());
        self
    }

    /// Sets whether the session token must be signed.
    #[must_use]
    pub fn with_session_token_mode(mut self, mode: SessionTokenMode) -> Self {
        self.session_token = mode;
        self
    }

    /// Sets the size limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets whether signature mismatches carry debugging detail.
    #[must_use]
    pub fn with_expose_debug(mut self, on: bool) -> Self {
        self.expose_debug = on;
        self
    }
}
