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
use crate::credentials::SessionTokenMode;
use crate::request::Limits;

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

/// What the verifier does with a path that SigV4's normalization changes (`/a/../b`, `//b`,
/// `/./b` all sign as `/b`), for every service but S3 (whose paths are signed as sent).
///
/// The signature covers the normalized path, while a router that reads the request's own path
/// sees something else: `/admin/../b` is signed as `/b`, and would otherwise reach the inner
/// service as `/admin/../b`.
///
/// ```
/// use sigv4_kit::verify::{PathPolicy, VerifierConfig};
/// assert_eq!(VerifierConfig::new(["execute-api"]).path_policy, PathPolicy::Refuse);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PathPolicy {
    /// Refuse the request (`InvalidArgument`): only paths in normal form are accepted, and no
    /// other reading of the path may find a dot segment either: percent-decoded (`%2E%2E`,
    /// `..%2F`), split at backslashes (`%5C`) or with a `;parameter` cut off (`..;`). SigV4 signs
    /// those as ordinary names; a router that decodes the path may read `..`.
    #[default]
    Refuse,
    /// Accept every path AWS accepts: [`Verified::path`](super::Verified::path) is the
    /// normalized path, and `SigV4Layer` (feature `tower`) hands the inner service a request
    /// whose URI has that path. A caller of the [`Verifier`](super::Verifier) itself must route
    /// on `Verified::path`. Percent-encoded dot segments are kept as names, as SigV4 signs them:
    /// the inner service must not decode and then normalize the path.
    Rewrite,
}

/// What the verifier does with a literal `+` in the query string.
///
/// SigV4 reads `+` as a plus sign (`a=1+2` signs as `a=1%2B2`), while form decoders
/// (`application/x-www-form-urlencoded`, most web frameworks' query extractors) read it as a
/// space. AWS's SDKs never send one: they write `%2B` and `%20`.
///
/// ```
/// use sigv4_kit::verify::{PlusInQuery, VerifierConfig};
/// assert_eq!(VerifierConfig::new(["execute-api"]).plus_in_query, PlusInQuery::Refuse);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PlusInQuery {
    /// Refuse the request (`InvalidArgument`), so that no reading of it can differ from the
    /// signed one.
    #[default]
    Refuse,
    /// Accept it as AWS does, as a plus sign. The inner service must decode the query the same
    /// way (`+` is `+`), or it acts on a query that was not signed.
    Literal,
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
    /// What to do with a path that normalization changes (default [`PathPolicy::Refuse`]).
    pub path_policy: PathPolicy,
    /// What to do with a literal `+` in the query (default [`PlusInQuery::Refuse`]).
    pub plus_in_query: PlusInQuery,
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
            max_presign_expiry: crate::auth_params::MAX_PRESIGN_EXPIRY_SECS,
            regions: Regions::Any,
            services: services.into_iter().map(Into::into).collect(),
            uri_mode: UriMode::Normalized,
            s3_payload_rules: false,
            allow_unsigned_payload: false,
            required_signed_headers: Vec::new(),
            session_token: SessionTokenMode::Signed,
            limits: Limits::default(),
            expose_debug: false,
            path_policy: PathPolicy::Refuse,
            plus_in_query: PlusInQuery::Refuse,
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
        self.max_presign_expiry = seconds.min(crate::auth_params::MAX_PRESIGN_EXPIRY_SECS);
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

    /// Sets what happens to a path that SigV4's normalization changes (see [`PathPolicy`]).
    #[must_use]
    pub fn with_path_policy(mut self, policy: PathPolicy) -> Self {
        self.path_policy = policy;
        self
    }

    /// Sets what happens to a literal `+` in the query (see [`PlusInQuery`]).
    #[must_use]
    pub fn with_plus_in_query(mut self, plus: PlusInQuery) -> Self {
        self.plus_in_query = plus;
        self
    }

    /// Sets whether signature mismatches carry debugging detail.
    #[must_use]
    pub fn with_expose_debug(mut self, on: bool) -> Self {
        self.expose_debug = on;
        self
    }
}
