//! What [`Verifier::begin`] checks before any secret is needed: the request target, the
//! scope (region or region set, service), the request time and the signed headers.

use std::borrow::Cow;

use super::auth::{Claim, Location};
use super::config::{PathPolicy, PlusInQuery};
use super::error::{ErrorCode, VerifyError};
use super::verifier::Verifier;
use crate::canonical::NameList;
use crate::credentials::SessionTokenMode;
use crate::error::SignError;
use crate::known_headers::{Known, KnownHeaders};
use crate::request::SignableRequest;
use crate::time::AmzDate;

impl Verifier {
    /// What the request names beyond the signature's reading of it must agree with that
    /// reading: one `Host`, and an absolute-form authority that is that host; for services
    /// whose paths are normalized, a path in normal form (or a policy that rewrites it) and no
    /// percent-encoded dot segment; no literal `+` in the query unless the policy reads it as
    /// AWS does.
    pub(super) fn check_target(
        &self,
        request: &SignableRequest<'_>,
        known: &KnownHeaders<'_>,
    ) -> Result<(), VerifyError> {
        let invalid = |message: String| VerifyError::new(ErrorCode::InvalidArgument, message);
        let host = single(known, Known::Host, ErrorCode::InvalidArgument)?;
        if let (Some((scheme, authority)), Some(host)) = (request.target_authority(), host)
            && !crate::request::authority_matches_host(scheme, authority, host)
        {
            return Err(invalid(format!(
                "the request target names the host '{authority}', which is not the Host header '{host}'"
            )));
        }
        if self.config().uri_mode == crate::canonical::UriMode::Normalized
            && self.config().path_policy == PathPolicy::Refuse
        {
            let path = request.path();
            // An empty path (`GET http://host HTTP/1.1`) is `/`; a plain one passes both checks.
            let plain = path.is_empty() || request.has_plain_path();
            if !plain && crate::canonical::uri::normalized_path(path) != path {
                return Err(invalid(
                    "the path is not in normal form (it has '.' or '..' segments, or repeated slashes); send the normalized path"
                        .to_owned(),
                ));
            }
            if !plain && crate::canonical::uri::has_dot_segment_in_any_reading(path) {
                return Err(invalid(
                    "the path has a dot segment once decoded ('%2E%2E', '..%2F', '..;' and the like), which SigV4 signs as a name and routers may read as '..'"
                        .to_owned(),
                ));
            }
        }
        if self.config().plus_in_query == PlusInQuery::Refuse
            && crate::request::has_byte(request.query().as_bytes(), b'+')
        {
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
    pub(super) fn check_region_set<'r>(
        &self,
        known: &KnownHeaders<'r>,
        claim: &mut Claim<'r>,
    ) -> Result<(), VerifyError> {
        let malformed = claim.location.malformed();
        let header = single(known, Known::RegionSet, malformed)?;
        match (claim.location, header) {
            // A region set in the query too was refused with the claim: a header-signed request
            // carries no presigned-URL parameter.
            (Location::Header, Some(set)) => claim.region = Cow::Borrowed(set.trim()),
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
        if !self.config().regions.allows_region_set(&claim.region) {
            return Err(VerifyError::new(
                malformed,
                format!("the region set '{}' does not include a region accepted here", claim.region),
            ));
        }
        Ok(())
    }

    /// The request time: `X-Amz-Date` (the query parameter for presigned URLs, else the
    /// header), or else the `Date` header. Returns the time and the header name it came from.
    pub(super) fn request_time(
        &self,
        known: &KnownHeaders<'_>,
        claim: &Claim<'_>,
    ) -> Result<(AmzDate, Option<&'static str>), VerifyError> {
        let malformed = claim.location.malformed();
        if let Some(d) = &claim.query_date {
            let t = d.parse().map_err(|_| VerifyError::new(malformed, "X-Amz-Date is not YYYYMMDDTHHMMSSZ"))?;
            return Ok((t, None));
        }
        if let Some(d) = single(known, Known::XAmzDate, malformed)? {
            let t = d
                .trim()
                .parse()
                .map_err(|_| VerifyError::new(ErrorCode::AccessDenied, "X-Amz-Date is not YYYYMMDDTHHMMSSZ"))?;
            return Ok((t, Some("x-amz-date")));
        }
        if let Some(d) = single(known, Known::Date, malformed)? {
            let t = AmzDate::parse_http_date(d.trim()).map_err(|e| {
                VerifyError::new(ErrorCode::AccessDenied, format!("the Date header cannot be parsed: {}", e.reason()))
            })?;
            return Ok((t, Some("date")));
        }
        Err(VerifyError::new(ErrorCode::AccessDenied, "AWS authentication requires a valid Date or x-amz-date header"))
    }

    /// Header auth: within ±skew. Presigned: from the date minus skew until date plus expiry.
    pub(super) fn check_time(&self, time: AmzDate, location: Location) -> Result<(), VerifyError> {
        let now = AmzDate::unix_of(self.now())
            .map_err(|_| VerifyError::new(ErrorCode::InternalError, "the verifier's clock is out of range"))?;
        let t = time.unix_timestamp();
        let skew = i64::try_from(self.config().clock_skew.as_secs()).unwrap_or(i64::MAX);
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
    /// Returns which of the request's headers are signed, as a bit per header (`None` for a
    /// request with more than 64 headers, whose canonical request selects them by name).
    pub(super) fn check_signed_headers(
        &self,
        request: &SignableRequest<'_>,
        known: &KnownHeaders<'_>,
        claim: &Claim<'_>,
        date_header: Option<&str>,
    ) -> Result<Option<u64>, VerifyError> {
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
        let token_may_be_unsigned = self.config().session_token == SessionTokenMode::AddedAfterSigning;
        let extra_required = &self.config().required_signed_headers;
        let required = |name: &str| {
            // Every built-in rule names a header that starts with `x` or `c`: most headers are
            // decided by their first byte.
            let first = name.as_bytes().first().map(u8::to_ascii_lowercase);
            if extra_required.is_empty() && !matches!(first, Some(b'x' | b'c')) {
                return false;
            }
            if token_may_be_unsigned && name.eq_ignore_ascii_case("x-amz-security-token") {
                return false;
            }
            name.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("x-amz-"))
                || name.eq_ignore_ascii_case("content-md5")
                || name.eq_ignore_ascii_case("content-type")
                || extra_required.iter().any(|r| r.eq_ignore_ascii_case(name))
        };
        // One pass over the request's headers: which are signed (a bit per header, and a bit
        // per listed name they cover), and the first that must be signed but is not.
        let (mut selected, mut covered) = (0u64, 0u64);
        let mut first_unsigned = None;
        // Names from an `http::HeaderMap` are lowercase, as the list's are (the claim checked it).
        let lowercase = request.checked();
        for (index, &(name, _)) in request.headers().iter().enumerate() {
            match list.position(name, index < lowercase) {
                Some(at) => {
                    selected |= bit(index);
                    covered |= bit(at);
                }
                None if first_unsigned.is_none() && !name.eq_ignore_ascii_case("authorization") && required(name) => {
                    first_unsigned = Some(name);
                }
                None => {}
            }
        }
        let listed = list.len();
        let missing = match listed <= 64 {
            // The first listed name no header covered.
            true => list.iter().take(listed).zip(0..).find(|&(_, at)| covered & bit(at) == 0).map(|(name, _)| name),
            false => list.iter().find(|name| request.header(name).is_none()),
        };
        if let Some(name) = missing {
            return Err(VerifyError::new(
                ErrorCode::AccessDenied,
                format!("the header '{name}' is listed in SignedHeaders but is not in the request"),
            ));
        }
        if let Some(name) = first_unsigned {
            return Err(unsigned(&name.to_ascii_lowercase()));
        }
        if self.config().s3_payload_rules
            && claim.location == Location::Header
            && known.first(Known::ContentSha256).is_none()
        {
            return Err(VerifyError::new(
                ErrorCode::MissingSecurityHeader,
                "the request is missing the x-amz-content-sha256 header",
            ));
        }
        Ok((request.headers().len() <= 64).then_some(selected))
    }
}

/// Bit `index` of a 64-bit set; no bit for an index beyond it.
fn bit(index: usize) -> u64 {
    u32::try_from(index).ok().and_then(|i| 1u64.checked_shl(i)).unwrap_or(0)
}

/// The value of the header `known`, which must not be repeated: a repeated one is refused with
/// `malformed`.
pub(super) fn single<'r>(
    headers: &KnownHeaders<'r>,
    known: Known,
    malformed: ErrorCode,
) -> Result<Option<&'r str>, VerifyError> {
    if headers.is_repeated(known) {
        return Err(VerifyError::new(malformed, format!("the request repeats the {} header", known.name())));
    }
    Ok(headers.first(known))
}

/// A request that cannot even be read (bad header value, too large).
pub(super) fn invalid(e: SignError) -> VerifyError {
    VerifyError::new(ErrorCode::InvalidArgument, e.to_string())
}
