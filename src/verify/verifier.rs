//! [`Verifier`]: checks a signed request, sans-IO first.
//!
//! [`Verifier::begin`] reads and checks everything that needs no secret and returns a
//! [`PendingVerification`]; the caller looks up the credential (see
//! [`PendingVerification::lookup`]) and resumes with [`PendingVerification::finish`]. The async
//! [`Verifier::verify`] does both with a [`CredentialProvider`].

use core::fmt;
use std::sync::Arc;

use hmac::Mac;
use subtle::ConstantTimeEq;

use super::auth::{Claim, Location, claim};
use super::config::{PathPolicy, PlusInQuery, VerifierConfig};
use super::error::{DebugInfo, ErrorCode, VerifyError};
use super::provider::{Credential, CredentialProvider, LookupRequest};
use super::verified::{AuthMethod, PayloadCheck, PayloadState, StreamingPayload, Verified, VerifiedScope};
use crate::auth_params::AuthParam;
use crate::canonical::{CanonicalRequest, HeaderSelection, NameList};
use crate::chunked::{ChunkChain, StreamingMode};
use crate::error::SignError;
use crate::key::KeyCache;
use crate::payload::UNSIGNED_PAYLOAD;
use crate::request::SignableRequest;
use crate::scope::CredentialScope;
use crate::sign::SessionTokenMode;
use crate::string_to_sign::{Algorithm, StringToSign};
use crate::time::{AmzDate, Clock, SystemClock};

/// Verifies SigV4 requests, and SigV4a requests with the `sigv4a` feature.
///
/// [`Verifier::begin`] checks everything that needs no secret and returns a
/// [`PendingVerification`]; look up the credential and resume with
/// [`PendingVerification::finish`]. [`Verifier::verify`] and [`Verifier::verify_with_body`] do
/// both with a [`CredentialProvider`].
pub struct Verifier {
    config: VerifierConfig,
    clock: Arc<dyn Clock>,
    keys: KeyCache,
    #[cfg(feature = "sigv4a")]
    public_keys: crate::sigv4a::PublicKeyCache,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("config", &self.config).finish_non_exhaustive()
    }
}

/// Where the payload line of the canonical request comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PayloadSource {
    /// `x-amz-content-sha256` holds a hex digest: the body must match it.
    Declared([u8; 32], String),
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
    /// An `aws-chunked` body.
    Streaming { mode: StreamingMode, decoded_length: u64, trailers: Vec<String> },
    /// No declaration: the payload line is the hash of the body, which the caller supplies.
    BodyHash,
}

/// A request whose claim has been checked, waiting for its credential.
pub struct PendingVerification<'v, 'r> {
    verifier: &'v Verifier,
    request: SignableRequest<'r>,
    claim: Claim<'r>,
    time: AmzDate,
    token: Option<&'r str>,
    payload: PayloadSource,
}

impl fmt::Debug for PendingVerification<'_, '_> {
    /// Shows the claim's scope and time, never the session token or the request's headers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingVerification")
            .field("access_key_id", &self.claim.access_key_id)
            .field("date", &self.claim.date)
            .field("region", &self.claim.region)
            .field("service", &self.claim.service)
            .field("time", &self.time)
            .field("has_session_token", &self.token().is_some())
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier with `config` and the system clock.
    pub fn new(config: VerifierConfig) -> Self {
        Self {
            config,
            clock: Arc::new(SystemClock),
            keys: KeyCache::new(1024),
            #[cfg(feature = "sigv4a")]
            public_keys: crate::sigv4a::PublicKeyCache::new(1024),
        }
    }

    /// Replaces the clock.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The configuration.
    pub fn config(&self) -> &VerifierConfig {
        &self.config
    }

    /// The current time by the verifier's clock.
    pub fn now(&self) -> std::time::SystemTime {
        self.clock.now()
    }

    /// Checks everything about `parts` that needs no secret: the structure of the signature,
    /// the scope, the time, the signed headers and the payload declaration.
    ///
    /// # Errors
    ///
    /// A [`VerifyError`] with the AWS code for the first rule the request breaks.
    pub fn begin<'v, 'r>(
        &'v self,
        parts: &'r http::request::Parts,
    ) -> Result<PendingVerification<'v, 'r>, VerifyError> {
        let view = SignableRequest::from_parts(parts, self.config.limits).map_err(invalid)?;
        self.begin_view(view)
    }

    /// [`Verifier::begin`] on a borrowed request view (a raw request, say).
    ///
    /// # Errors
    ///
    /// As for [`Verifier::begin`].
    pub fn begin_view<'v, 'r>(
        &'v self,
        request: SignableRequest<'r>,
    ) -> Result<PendingVerification<'v, 'r>, VerifyError> {
        let request = request.with_limits(self.config.limits);
        request.validate().map_err(invalid)?;
        let c = &self.config;
        let mut claim = claim(&request, c.max_presign_expiry)?;
        self.check_target(&request)?;
        let malformed = claim.location.malformed();
        let (time, date_header) = self.request_time(&request, &claim)?;
        if claim.date != time.date_stamp() {
            return Err(VerifyError::new(malformed, "the credential date is not the same day as the request time"));
        }
        if claim.algorithm.scope_has_region() {
            CredentialScope::new(time, &claim.region, &claim.service)
                .map_err(|e| VerifyError::new(malformed, e.to_string()))?;
            if !c.regions.allows(&claim.region) {
                return Err(VerifyError::new(malformed, format!("the region '{}' is not accepted here", claim.region)));
            }
        } else {
            self.check_region_set(&request, &mut claim)?;
        }
        if !c.services.iter().any(|s| *s == claim.service) {
            return Err(VerifyError::new(malformed, format!("the service '{}' is not accepted here", claim.service)));
        }
        self.check_time(time, claim.location)?;
        self.check_signed_headers(&request, &claim, date_header)?;
        let header_token = single_header(&request, "x-amz-security-token", malformed)?;
        let payload = self.payload_source(&request, &claim)?;
        let token = match (&claim.query_token, header_token) {
            (Some(_), Some(_)) => {
                return Err(VerifyError::new(
                    ErrorCode::InvalidArgument,
                    "the session token is both a header and a query parameter",
                ));
            }
            (_, t) => t,
        };
        Ok(PendingVerification { verifier: self, request, claim, time, token, payload })
    }

    /// What the request names beyond the signature's reading of it must agree with that
    /// reading: one `Host`, and an absolute-form authority that is that host; for services
    /// whose paths are normalized, a path in normal form (or a policy that rewrites it) and no
    /// percent-encoded dot segment; no literal `+` in the query unless the policy reads it as
    /// AWS does.
    fn check_target(&self, request: &SignableRequest<'_>) -> Result<(), VerifyError> {
        let invalid = |message: String| VerifyError::new(ErrorCode::InvalidArgument, message);
        let host = single_header(request, "host", ErrorCode::InvalidArgument)?;
        if let (Some((scheme, authority)), Some(host)) = (request.target_authority(), host)
            && !crate::request::authority_matches_host(scheme, authority, host)
        {
            return Err(invalid(format!(
                "the request target names the host '{authority}', which is not the Host header '{host}'"
            )));
        }
        if self.config.uri_mode == crate::canonical::UriMode::Normalized
            && self.config.path_policy == PathPolicy::Refuse
        {
            let path = request.path();
            // An empty path (`GET http://host HTTP/1.1`) is `/`.
            if !path.is_empty() && crate::canonical::uri::normalized_path(path) != path {
                return Err(invalid(
                    "the path is not in normal form (it has '.' or '..' segments, or repeated slashes); send the normalized path"
                        .to_owned(),
                ));
            }
            if crate::canonical::uri::has_dot_segment_in_any_reading(path) {
                return Err(invalid(
                    "the path has a dot segment once decoded ('%2E%2E', '..%2F', '..;' and the like), which SigV4 signs as a name and routers may read as '..'"
                        .to_owned(),
                ));
            }
        }
        if self.config.plus_in_query == PlusInQuery::Refuse && request.query().contains('+') {
            return Err(invalid(
                "the query has a literal '+', which SigV4 reads as a plus sign and form decoders as a space; send %2B or %20"
                    .to_owned(),
            ));
        }
        Ok(())
    }

    /// SigV4a: reads the region set (the `X-Amz-Region-Set` header in header auth; the query
    /// parameter was read with the claim), checks its form and that it covers an accepted
    /// region. The service is checked as for SigV4.
    fn check_region_set<'r>(&self, request: &SignableRequest<'r>, claim: &mut Claim<'r>) -> Result<(), VerifyError> {
        let malformed = claim.location.malformed();
        let header = single_header(request, "x-amz-region-set", malformed)?;
        match (claim.location, header) {
            // A region set in the query too was refused with the claim: a header-signed request
            // carries no presigned-URL parameter.
            (Location::Header, Some(set)) => claim.region = std::borrow::Cow::Borrowed(set.trim()),
            (Location::Header, None) => {
                return Err(VerifyError::new(malformed, "a SigV4a request needs the X-Amz-Region-Set header"));
            }
            (Location::Query { .. }, Some(_)) => {
                return Err(VerifyError::new(
                    ErrorCode::InvalidArgument,
                    "the region set is both an X-Amz-Region-Set header and a query parameter",
                ));
            }
            (Location::Query { .. }, None) => {}
        }
        crate::region_set::check_received(&claim.region)
            .map_err(|reason| VerifyError::new(malformed, format!("the region set is invalid: it {reason}")))?;
        crate::scope::validate_scope_part("service", &claim.service)
            .map_err(|e| VerifyError::new(malformed, e.to_string()))?;
        if !self.config.regions.allows_region_set(&claim.region) {
            return Err(VerifyError::new(
                malformed,
                format!("the region set '{}' does not include a region accepted here", claim.region),
            ));
        }
        Ok(())
    }

    /// The request time: `X-Amz-Date` (the query parameter for presigned URLs, else the
    /// header), or else the `Date` header. Returns the time and the header name it came from.
    fn request_time(
        &self,
        request: &SignableRequest<'_>,
        claim: &Claim<'_>,
    ) -> Result<(AmzDate, Option<&'static str>), VerifyError> {
        let malformed = claim.location.malformed();
        if let Some(d) = &claim.query_date {
            let t = d.parse().map_err(|_| VerifyError::new(malformed, "X-Amz-Date is not YYYYMMDDTHHMMSSZ"))?;
            return Ok((t, None));
        }
        if let Some(d) = single_header(request, "x-amz-date", malformed)? {
            let t = d
                .trim()
                .parse()
                .map_err(|_| VerifyError::new(ErrorCode::AccessDenied, "X-Amz-Date is not YYYYMMDDTHHMMSSZ"))?;
            return Ok((t, Some("x-amz-date")));
        }
        if let Some(d) = single_header(request, "date", malformed)? {
            let t = AmzDate::parse_http_date(d.trim()).map_err(|e| {
                VerifyError::new(ErrorCode::AccessDenied, format!("the Date header cannot be parsed: {}", e.reason))
            })?;
            return Ok((t, Some("date")));
        }
        Err(VerifyError::new(ErrorCode::AccessDenied, "AWS authentication requires a valid Date or x-amz-date header"))
    }

    /// Header auth: within ±skew. Presigned: from the date minus skew until date plus expiry.
    fn check_time(&self, time: AmzDate, location: Location) -> Result<(), VerifyError> {
        let now = AmzDate::from_system_time(self.clock.now())
            .map_err(|_| VerifyError::new(ErrorCode::InternalError, "the verifier's clock is out of range"))?
            .unix_timestamp();
        let t = time.unix_timestamp();
        let skew = i64::try_from(self.config.clock_skew.as_secs()).unwrap_or(i64::MAX);
        match location {
            Location::Header => {
                if now.abs_diff(t) > skew.unsigned_abs() {
                    return Err(VerifyError::new(
                        ErrorCode::RequestTimeTooSkewed,
                        "the difference between the request time and the current time is too large",
                    ));
                }
            }
            Location::Query { expires } => {
                if now < t.saturating_sub(skew) {
                    return Err(VerifyError::new(ErrorCode::AccessDenied, "Request is not valid yet"));
                }
                if now > t.saturating_add(i64::try_from(expires).unwrap_or(i64::MAX)) {
                    return Err(VerifyError::new(ErrorCode::AccessDenied, "Request has expired"));
                }
            }
        }
        Ok(())
    }

    /// Every header in `SignedHeaders` is present, and every header that must be signed is.
    fn check_signed_headers(
        &self,
        request: &SignableRequest<'_>,
        claim: &Claim<'_>,
        date_header: Option<&str>,
    ) -> Result<(), VerifyError> {
        let list = NameList::new(&claim.signed_headers);
        let signed = |name: &str| list.contains(name);
        let unsigned = |name: &str| {
            VerifyError::new(
                ErrorCode::AccessDenied,
                format!("There were headers present in the request which were not signed: {name}"),
            )
        };
        if !signed("host") {
            return Err(unsigned("host"));
        }
        if let Some(d) = date_header.filter(|d| !signed(d)) {
            return Err(unsigned(d));
        }
        if !claim.algorithm.scope_has_region() && claim.location == Location::Header && !signed("x-amz-region-set") {
            return Err(unsigned("x-amz-region-set"));
        }
        for name in list.iter() {
            if request.header(name).is_none() {
                return Err(VerifyError::new(
                    ErrorCode::AccessDenied,
                    format!("the header '{name}' is listed in SignedHeaders but is not in the request"),
                ));
            }
        }
        let token_may_be_unsigned = self.config.session_token == SessionTokenMode::AddedAfterSigning;
        let required = |name: &str| {
            if token_may_be_unsigned && name.eq_ignore_ascii_case("x-amz-security-token") {
                return false;
            }
            name.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("x-amz-"))
                || name.eq_ignore_ascii_case("content-md5")
                || name.eq_ignore_ascii_case("content-type")
                || self.config.required_signed_headers.iter().any(|r| r.eq_ignore_ascii_case(name))
        };
        for (name, _) in request.headers() {
            if name.eq_ignore_ascii_case("authorization") {
                continue;
            }
            if required(name) && !signed(name) {
                return Err(unsigned(&name.to_ascii_lowercase()));
            }
        }
        if self.config.s3_payload_rules
            && claim.location == Location::Header
            && request.header("x-amz-content-sha256").is_none()
        {
            return Err(VerifyError::new(
                ErrorCode::MissingSecurityHeader,
                "the request is missing the x-amz-content-sha256 header",
            ));
        }
        Ok(())
    }

    /// Reads the payload declaration.
    fn payload_source(&self, request: &SignableRequest<'_>, claim: &Claim<'_>) -> Result<PayloadSource, VerifyError> {
        let malformed = claim.location.malformed();
        let declared = single_header(request, "x-amz-content-sha256", malformed)?;
        let source = match declared.map(str::trim) {
            Some(UNSIGNED_PAYLOAD) => PayloadSource::Unsigned,
            Some(v) if v.starts_with("STREAMING-") => self.streaming_source(request, claim, v)?,
            Some(v) => {
                let mut digest = [0u8; 32];
                if !crate::canonical::decode_lower_hex(v.as_bytes(), &mut digest) {
                    return Err(VerifyError::new(
                        ErrorCode::InvalidArgument,
                        "x-amz-content-sha256 does not contain a valid SHA-256",
                    ));
                }
                if v == crate::canonical::EMPTY_SHA256_HEX && content_length(request) > 0 {
                    return Err(VerifyError::new(
                        ErrorCode::XAmzContentSHA256Mismatch,
                        "x-amz-content-sha256 is the hash of an empty body, but the body is not empty",
                    ));
                }
                PayloadSource::Declared(digest, v.to_owned())
            }
            None if self.config.s3_payload_rules && matches!(claim.location, Location::Query { .. }) => {
                PayloadSource::Unsigned
            }
            None => PayloadSource::BodyHash,
        };
        let unsigned = matches!(
            source,
            PayloadSource::Unsigned | PayloadSource::Streaming { mode: StreamingMode::UnsignedPayloadTrailer, .. }
        );
        if unsigned && !self.config.allow_unsigned_payload {
            return Err(VerifyError::new(ErrorCode::AccessDenied, "UNSIGNED-PAYLOAD is not accepted here"));
        }
        Ok(source)
    }

    /// Reads an `aws-chunked` declaration: the mode, `x-amz-decoded-content-length` and
    /// `x-amz-trailer`.
    fn streaming_source(
        &self,
        request: &SignableRequest<'_>,
        claim: &Claim<'_>,
        value: &str,
    ) -> Result<PayloadSource, VerifyError> {
        let malformed = claim.location.malformed();
        let Some(mode) = StreamingMode::from_content_sha256(value) else {
            return Err(VerifyError::new(
                ErrorCode::InvalidArgument,
                "x-amz-content-sha256 names an unknown streaming mode",
            ));
        };
        if mode.algorithm().is_some_and(|a| a != claim.algorithm) {
            return Err(VerifyError::new(
                ErrorCode::InvalidArgument,
                "the streaming mode's signing algorithm is not the request's",
            ));
        }
        if claim.location != Location::Header {
            return Err(VerifyError::new(ErrorCode::InvalidRequest, "an aws-chunked body needs header authentication"));
        }
        let decoded_length = single_header(request, "x-amz-decoded-content-length", malformed)?
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or(VerifyError::new(
                ErrorCode::InvalidRequest,
                "an aws-chunked body needs a numeric x-amz-decoded-content-length header",
            ))?;
        let trailers: Vec<String> = single_header(request, "x-amz-trailer", malformed)?
            .map(|v| v.split(',').map(|n| n.trim().to_ascii_lowercase()).filter(|n| !n.is_empty()).collect())
            .unwrap_or_default();
        if mode.has_trailer() == trailers.is_empty() {
            return Err(VerifyError::new(
                ErrorCode::InvalidRequest,
                "x-amz-trailer must name the trailers in the trailer modes, and only there",
            ));
        }
        if mode == StreamingMode::UnsignedPayloadTrailer
            && !trailers.iter().any(|t| crate::chunked::ChecksumAlgorithm::from_header_name(t).is_some())
        {
            // Unsigned chunks are protected by the trailing checksum alone.
            return Err(VerifyError::new(
                ErrorCode::InvalidRequest,
                "STREAMING-UNSIGNED-PAYLOAD-TRAILER needs an x-amz-checksum-* trailer",
            ));
        }
        if trailers.len() > 16 {
            return Err(VerifyError::new(ErrorCode::InvalidRequest, "x-amz-trailer names too many trailers"));
        }
        Ok(PayloadSource::Streaming { mode, decoded_length, trailers })
    }

    /// Verifies `parts` with a credential from `provider`. `body_hash` is the SHA-256 of the
    /// whole body when the caller has it; without it, a request that does not declare
    /// `x-amz-content-sha256` (every non-S3 service) cannot be verified.
    ///
    /// # Errors
    ///
    /// A [`VerifyError`] with the AWS code for the first rule the request breaks.
    pub async fn verify<P: CredentialProvider>(
        &self,
        parts: &http::request::Parts,
        body_hash: Option<[u8; 32]>,
        provider: &P,
    ) -> Result<Verified, VerifyError> {
        let pending = self.begin(parts)?;
        let credential = provider.lookup(&pending.lookup()).await.map_err(VerifyError::provider_boxed)?;
        pending.finish(credential, body_hash)
    }

    /// Verifies a request together with its whole body: the body is hashed, so the payload is
    /// fully checked ([`PayloadState::Checked`]) or unsigned.
    ///
    /// # Errors
    ///
    /// As for [`Verifier::verify`], and `XAmzContentSHA256Mismatch` when the body differs from
    /// the declared hash.
    pub async fn verify_with_body<B: AsRef<[u8]>, P: CredentialProvider>(
        &self,
        request: &http::Request<B>,
        provider: &P,
    ) -> Result<Verified, VerifyError> {
        let view = SignableRequest::from_http(request.method(), request.uri(), request.headers(), self.config.limits)
            .map_err(invalid)?;
        let pending = self.begin_view(view)?;
        let body = request.body().as_ref();
        pending.check_body_length(body.len() as u64)?;
        let credential = provider.lookup(&pending.lookup()).await.map_err(VerifyError::provider_boxed)?;
        pending.finish(credential, Some(crate::canonical::sha256(body)))
    }
}

/// The `Content-Length` header, or 0.
fn content_length(request: &SignableRequest<'_>) -> u64 {
    request.header("content-length").and_then(crate::request::parse_content_length).unwrap_or(0)
}

/// The value of header `name`, which must not be repeated.
fn single_header<'r>(
    request: &SignableRequest<'r>,
    name: &str,
    malformed: ErrorCode,
) -> Result<Option<&'r str>, VerifyError> {
    let mut values = request.headers().iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v);
    let first = values.next();
    if values.next().is_some() {
        return Err(VerifyError::new(malformed, format!("the request repeats the {name} header")));
    }
    Ok(first)
}

/// The answer for an access key the provider does not know.
fn unknown_key() -> VerifyError {
    VerifyError::new(ErrorCode::InvalidAccessKeyId, "the AWS access key id you provided does not exist in our records")
}

/// A request that cannot even be read (bad header value, too large).
fn invalid(e: SignError) -> VerifyError {
    VerifyError::new(ErrorCode::InvalidArgument, e.to_string())
}

impl<'v, 'r> PendingVerification<'v, 'r> {
    /// What to ask the credential provider.
    pub fn lookup(&self) -> LookupRequest<'_> {
        LookupRequest {
            access_key_id: &self.claim.access_key_id,
            scope: self.scope(),
            session_token: self.token(),
            algorithm: self.claim.algorithm,
        }
    }

    /// The algorithm the request is signed with.
    pub fn algorithm(&self) -> Algorithm {
        self.claim.algorithm
    }

    /// The access key id the request names.
    pub fn access_key_id(&self) -> &str {
        &self.claim.access_key_id
    }

    /// Whether [`PendingVerification::finish`] needs the body hash: the request does not declare
    /// `x-amz-content-sha256`, so the payload line is the hash of the body.
    pub fn needs_body_hash(&self) -> bool {
        self.payload == PayloadSource::BodyHash
    }

    fn token(&self) -> Option<&str> {
        self.claim.query_token.as_deref().or(self.token)
    }

    fn scope(&self) -> CredentialScope<'_> {
        // `begin` validated the region and service with `CredentialScope::new` (for SigV4a, the
        // "region" is the region set, validated by `check_region_set`).
        CredentialScope::unchecked(self.time, &self.claim.region, &self.claim.service)
    }

    /// Checks that a whole body of `len` bytes is the one the request's `Content-Length`
    /// declares, when it declares one: a shorter body is incomplete, and a longer one holds
    /// bytes the request did not declare (on a connection, the start of another request). For
    /// a caller that has the whole body (a request read from a file, a buffered body);
    /// [`Verifier::verify_with_body`] checks it itself.
    ///
    /// # Errors
    ///
    /// `IncompleteBody` for a shorter body; `InvalidArgument` for a longer one, or a
    /// `Content-Length` that is not one decimal number.
    ///
    /// ```
    /// use sigv4_kit::verify::{Verifier, VerifierConfig};
    /// use sigv4_kit::{AmzDate, Credentials, FixedClock, RawRequest, SigV4Signer, Signer};
    ///
    /// let t: AmzDate = "20150830T123600Z".parse()?;
    /// let signer = SigV4Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-east-1", "execute-api")
    ///     .with_clock(FixedClock::new(t));
    /// let mut request = http::Request::post("https://api.example.com/").body(b"hello".to_vec())?;
    /// request.headers_mut().insert("content-length", "9".parse()?);
    /// signer.sign(&mut request)?;
    /// let verifier = Verifier::new(VerifierConfig::new(["execute-api"])).with_clock(FixedClock::new(t));
    /// let (parts, body) = request.into_parts();
    /// let pending = verifier.begin(&parts)?;
    /// assert_eq!(pending.check_body_length(body.len() as u64).unwrap_err().code(), "IncompleteBody");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_body_length(&self, len: u64) -> Result<(), VerifyError> {
        let Some(declared) = single_header(&self.request, "content-length", ErrorCode::InvalidArgument)? else {
            return Ok(());
        };
        let declared = crate::request::parse_content_length(declared).ok_or_else(|| {
            VerifyError::new(ErrorCode::InvalidArgument, "the Content-Length header is not one decimal number")
        })?;
        if len < declared {
            return Err(VerifyError::new(
                ErrorCode::IncompleteBody,
                format!("the body has {len} bytes, fewer than the {declared} its Content-Length declares"),
            ));
        }
        if len > declared {
            return Err(VerifyError::new(
                ErrorCode::InvalidArgument,
                format!("the body has {len} bytes, more than the {declared} its Content-Length declares"),
            ));
        }
        Ok(())
    }

    /// Checks the credential the provider returned (`None`: no such key) against the request,
    /// everything that needs neither the body nor a signature computation: the key exists, the
    /// session token is the credential's (or absent for a long-term key), and the credential
    /// has not expired. [`PendingVerification::finish`] checks the same; a gateway that must
    /// read the body before finishing (to hash it) calls this first, so that a request it would
    /// refuse anyway is refused before its body is read.
    ///
    /// # Errors
    ///
    /// `InvalidAccessKeyId`, `InvalidToken` or `ExpiredToken`.
    ///
    /// ```
    /// use sigv4_kit::verify::{Verifier, VerifierConfig};
    /// use sigv4_kit::{AmzDate, Credentials, FixedClock, SigV4Signer, Signer};
    ///
    /// let t: AmzDate = "20150830T123600Z".parse()?;
    /// let signer = SigV4Signer::new(Credentials::new("AKIDUNKNOWN", "secret"), "us-east-1", "execute-api")
    ///     .with_clock(FixedClock::new(t));
    /// let mut request = http::Request::post("https://api.example.com/").body(b"a large body".to_vec())?;
    /// signer.sign(&mut request)?;
    /// let verifier = Verifier::new(VerifierConfig::new(["execute-api"])).with_clock(FixedClock::new(t));
    /// let (parts, _body) = request.into_parts();
    /// let pending = verifier.begin(&parts)?;
    /// assert!(pending.needs_body_hash());
    /// // No such key: refused before the body is read.
    /// assert_eq!(pending.check_credential(None).unwrap_err().code(), "InvalidAccessKeyId");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_credential(&self, credential: Option<&Credential>) -> Result<(), VerifyError> {
        let credential = credential.ok_or_else(unknown_key)?;
        self.check_token(credential)?;
        if credential.principal().expiry().is_some_and(|expiry| expiry <= self.verifier.clock.now()) {
            return Err(VerifyError::new(ErrorCode::ExpiredToken, "the provided token has expired"));
        }
        Ok(())
    }

    /// Finishes verification with the credential the provider returned (`None`: no such key)
    /// and, when the request does not declare `x-amz-content-sha256`, the SHA-256 of the body.
    ///
    /// # Errors
    ///
    /// `InvalidAccessKeyId`, `InvalidToken`, `ExpiredToken`, `SignatureDoesNotMatch` or
    /// `XAmzContentSHA256Mismatch`.
    pub fn finish(self, credential: Option<Credential>, body_hash: Option<[u8; 32]>) -> Result<Verified, VerifyError> {
        let v = self.verifier;
        let credential = credential.ok_or_else(unknown_key)?;
        self.check_credential(Some(&credential))?;
        let body_hex;
        let payload_line: &str = match &self.payload {
            PayloadSource::Declared(_, text) => text,
            PayloadSource::Unsigned => UNSIGNED_PAYLOAD,
            PayloadSource::Streaming { mode, .. } => mode.content_sha256(),
            PayloadSource::BodyHash => {
                let digest = body_hash.ok_or_else(|| {
                    VerifyError::new(
                        ErrorCode::InternalError,
                        "the request does not declare x-amz-content-sha256, so its body hash is needed to verify it",
                    )
                })?;
                body_hex = crate::canonical::hex64(&digest);
                core::str::from_utf8(&body_hex).unwrap_or_default()
            }
        };
        // A body that is not the one declared fails before any signature work (for SigV4a an
        // ECDSA verification, about fifty times a SigV4 check).
        if let (PayloadSource::Declared(expected, _), Some(got)) = (&self.payload, body_hash)
            && !bool::from(got.ct_eq(expected))
        {
            return Err(VerifyError::new(
                ErrorCode::XAmzContentSHA256Mismatch,
                "the provided 'x-amz-content-sha256' header does not match what was computed",
            ));
        }
        let skip: &[AuthParam] = match (self.claim.location, v.config.session_token) {
            (Location::Header, _) => &[],
            (Location::Query { .. }, SessionTokenMode::AddedAfterSigning) => {
                &[AuthParam::Signature, AuthParam::SecurityToken]
            }
            (Location::Query { .. }, _) => &[AuthParam::Signature],
        };
        let signed_headers = NameList::new(&self.claim.signed_headers);
        let canonical = CanonicalRequest::build(
            &self.request,
            v.config.uri_mode,
            HeaderSelection::Only(&signed_headers),
            skip,
            payload_line,
            &[],
            &[],
        )
        .map_err(invalid)?;
        let scope = CredentialScope::unchecked(self.time, &self.claim.region, &self.claim.service);
        let sts = StringToSign::new(self.time, scope, canonical.hash()).with_algorithm(self.claim.algorithm);
        if !self.signature_matches(&credential, &sts, &scope)? {
            let mut err = VerifyError::new(
                ErrorCode::SignatureDoesNotMatch,
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            );
            if v.config.expose_debug {
                err = err.with_debug(DebugInfo {
                    canonical_request: canonical.to_string(),
                    string_to_sign: sts.to_string(),
                    signature_provided: self.claim.signature.to_string(),
                    access_key_id: self.claim.access_key_id.to_string(),
                });
            }
            return Err(err);
        }
        let chain = match &self.payload {
            PayloadSource::Streaming { mode, .. } if mode.is_signed() => Some(self.chain(&credential, &scope)?),
            _ => None,
        };
        let payload = match self.payload {
            // A given body hash was compared with the declared one before the signature.
            PayloadSource::Declared(expected, _) => match body_hash {
                Some(_) => PayloadState::Checked,
                None => PayloadState::Pending(PayloadCheck::new(expected)),
            },
            PayloadSource::Unsigned => PayloadState::Unsigned,
            PayloadSource::Streaming { mode, decoded_length, trailers } => {
                PayloadState::Streaming(StreamingPayload { mode, chain, decoded_length, trailers })
            }
            PayloadSource::BodyHash => PayloadState::Checked,
        };
        let c = &self.claim;
        let path = match v.config.uri_mode {
            crate::canonical::UriMode::S3 if self.request.path().is_empty() => std::borrow::Cow::Borrowed("/"),
            crate::canonical::UriMode::S3 => std::borrow::Cow::Borrowed(self.request.path()),
            _ => crate::canonical::uri::normalized_path(self.request.path()),
        };
        Ok(Verified {
            principal: credential.into_principal(),
            scope: VerifiedScope::new([&c.access_key_id, &c.date, &c.region, &c.service, &c.signed_headers, &path]),
            time: self.time,
            algorithm: self.claim.algorithm,
            auth: match self.claim.location {
                Location::Header if matches!(payload, PayloadState::Streaming(_)) => AuthMethod::Streaming,
                Location::Header => AuthMethod::Header,
                Location::Query { expires } => AuthMethod::PresignedQuery { expires_in: expires },
            },
            payload,
        })
    }

    /// Whether the request's signature signs `sts` under the credential: HMAC compared in
    /// constant time (SigV4), or ECDSA verified with the public key (SigV4a).
    fn signature_matches(
        &self,
        credential: &Credential,
        sts: &StringToSign<'_>,
        scope: &CredentialScope<'_>,
    ) -> Result<bool, VerifyError> {
        let v = self.verifier;
        let akid = &self.claim.access_key_id;
        match self.claim.algorithm {
            Algorithm::EcdsaP256Sha256 => {
                #[cfg(feature = "sigv4a")]
                {
                    let key = credential.public_key(akid, &v.public_keys)?;
                    Ok(key.verify_digest(&sts.digest(), &self.claim.signature))
                }
                #[cfg(not(feature = "sigv4a"))]
                Err(VerifyError::new(ErrorCode::NotImplemented, "SigV4a is not enabled (the sigv4a feature)"))
            }
            _ => {
                let mac = credential.signing_mac(akid, scope, &v.keys)?;
                Ok(sts.mac_with(mac).verify_slice(self.claim.signature.as_bytes()).is_ok())
            }
        }
    }

    /// The chunk chain that continues from the request's signature.
    fn chain(&self, credential: &Credential, scope: &CredentialScope<'_>) -> Result<ChunkChain, VerifyError> {
        let v = self.verifier;
        let (akid, seed) = (&self.claim.access_key_id, self.claim.signature);
        match self.claim.algorithm {
            #[cfg(feature = "sigv4a")]
            Algorithm::EcdsaP256Sha256 => {
                let key = credential.public_key(akid, &v.public_keys)?;
                Ok(ChunkChain::sigv4a_verifying(key, self.time, scope, seed))
            }
            _ => Ok(ChunkChain::new(credential.signing_key(akid, scope, &v.keys)?, self.time, scope, seed)),
        }
    }

    /// A temporary credential requires its token; a long-term key rejects any token.
    fn check_token(&self, credential: &Credential) -> Result<(), VerifyError> {
        match (credential.principal().session_token(), self.token()) {
            (Some(want), Some(got)) if bool::from(want.as_bytes().ct_eq(got.as_bytes())) => Ok(()),
            (Some(_), Some(_)) => {
                Err(VerifyError::new(ErrorCode::InvalidToken, "the provided token is malformed or otherwise invalid"))
            }
            (Some(_), None) => Err(VerifyError::new(
                ErrorCode::InvalidToken,
                "the credential is temporary and the request carries no session token",
            )),
            (None, Some(_)) => Err(VerifyError::new(
                ErrorCode::InvalidToken,
                "the request carries a session token, but the credential is not temporary",
            )),
            (None, None) => Ok(()),
        }
    }
}
