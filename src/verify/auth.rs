//! Parsing what a signed request claims: the `Authorization` header or the presigned query.
//!
//! Parsing is strict on structure and lenient only on the spacing real clients use
//! (`Credential=…, SignedHeaders=…, Signature=…` with or without spaces after the commas).

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

use super::error::{ErrorCode, VerifyError};
use crate::auth_params::{AuthParam, Spelling};
use crate::canonical::query::{SplitQuery, params};
use crate::known_headers::{Known, KnownHeaders};
use crate::request::SignableRequest;
use crate::signature::Signature;
use crate::string_to_sign::Algorithm;

/// How the request carries its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Header,
    Query { expires: u64 },
}

impl Location {
    /// The error code for a malformed signature in this location.
    pub(crate) fn malformed(self) -> ErrorCode {
        match self {
            Self::Header => ErrorCode::AuthorizationHeaderMalformed,
            Self::Query { .. } => ErrorCode::AuthorizationQueryParametersError,
        }
    }
}

/// What a request claims about its signature, before anything is checked against a secret.
#[derive(Debug)]
pub(crate) struct Claim<'r> {
    pub(crate) algorithm: Algorithm,
    pub(crate) location: Location,
    pub(crate) access_key_id: Cow<'r, str>,
    pub(crate) date: Cow<'r, str>,
    /// The region, or for SigV4a the region set (filled in by the verifier from the signed
    /// `X-Amz-Region-Set` header in header auth).
    pub(crate) region: Cow<'r, str>,
    pub(crate) service: Cow<'r, str>,
    pub(crate) signed_headers: Cow<'r, str>,
    pub(crate) signature: Signature,
    /// The `X-Amz-Date` query parameter (query auth only).
    pub(crate) query_date: Option<Cow<'r, str>>,
    /// The `X-Amz-Security-Token` query parameter (query auth only).
    pub(crate) query_token: Option<Cow<'r, str>>,
}

/// Reads the claim of `request`: header auth or query auth, never both, never neither.
///
/// A query key that spells a presigned-URL parameter in another form than AWS's exact name
/// (percent-encoded, another case) is refused, whatever the auth: the parameter would be read
/// one way here and another way by whatever reads the query next. A header-signed request may
/// carry none of those parameters at all.
///
/// Returns the query as this pass split it too, for the canonical request: up to the request's
/// limit of parameters and the two a presigned URL's canonical query leaves out, enough to
/// tell whether the rest are over the limit.
pub(super) fn claim<'r>(
    request: &SignableRequest<'r>,
    known: &KnownHeaders<'r>,
    max_expiry: u64,
) -> Result<(Claim<'r>, SplitQuery<'r>), VerifyError> {
    if known.is_repeated(Known::Authorization) {
        return Err(malformed_header("the request has more than one Authorization header"));
    }
    let header = known.first(Known::Authorization);
    // One pass over the query: every signing parameter is found here, in its wire form, and
    // read from what this pass kept.
    let mut wire = WireParams::default();
    let mut presigned = false;
    let mut any_auth_param: Option<AuthParam> = None;
    let mut split = SplitQuery::new(request.limits().max_query_params.saturating_add(2));
    for p in params(request.query()) {
        split.push(p);
        match AuthParam::classify(p.key) {
            None => {}
            Some((param, Spelling::Other)) => {
                return Err(VerifyError::new(
                    ErrorCode::InvalidArgument,
                    format!(
                        "the query parameter names {} in another spelling (case or percent-encoding); only the exact name is accepted",
                        param.name()
                    ),
                ));
            }
            Some((param, Spelling::Exact)) => {
                presigned |= param.marks_presigned();
                any_auth_param.get_or_insert(param);
                wire.keep(param, p.value);
            }
        }
    }
    match (header, presigned, any_auth_param) {
        (Some(_), true, _) => Err(VerifyError::new(
            ErrorCode::InvalidArgument,
            "only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified",
        )),
        (Some(_), false, Some(param)) => Err(VerifyError::new(
            ErrorCode::InvalidArgument,
            format!("a request signed in its Authorization header cannot carry the {} query parameter", param.name()),
        )),
        (Some(h), false, None) => Ok((parse_header(h)?, split)),
        (None, true, _) => Ok((parse_query(&wire, max_expiry)?, split)),
        (None, false, _) => Err(VerifyError::new(ErrorCode::AccessDenied, "the request is not signed")),
    }
}

/// The signing parameters of a query, as sent (still percent-encoded), by [`AuthParam::index`].
#[derive(Default)]
struct WireParams<'r> {
    values: [Option<&'r str>; AuthParam::ALL.len()],
    /// Whether some parameter appeared more than once.
    repeated: bool,
}

impl<'r> WireParams<'r> {
    fn keep(&mut self, param: AuthParam, value: &'r str) {
        if let Some(slot) = self.values.get_mut(param.index()) {
            self.repeated |= slot.replace(value).is_some();
        }
    }

    fn get(&self, param: AuthParam) -> Option<&'r str> {
        self.values.get(param.index()).copied().flatten()
    }
}

fn malformed_header(message: &'static str) -> VerifyError {
    VerifyError::new(ErrorCode::AuthorizationHeaderMalformed, message)
}

fn malformed_query(message: &'static str) -> VerifyError {
    VerifyError::new(ErrorCode::AuthorizationQueryParametersError, message)
}

/// Checks the algorithm name. SigV4a is refused with `NotImplemented` when the `sigv4a`
/// feature is off.
fn check_algorithm(algorithm: &str, malformed: fn(&'static str) -> VerifyError) -> Result<Algorithm, VerifyError> {
    match Algorithm::parse(algorithm) {
        Some(Algorithm::EcdsaP256Sha256) if !cfg!(feature = "sigv4a") => Err(VerifyError::new(
            ErrorCode::NotImplemented,
            "the AWS4-ECDSA-P256-SHA256 (SigV4a) algorithm is not enabled (the sigv4a feature)",
        )),
        Some(a) => Ok(a),
        None => Err(malformed("the algorithm is not AWS4-HMAC-SHA256 or AWS4-ECDSA-P256-SHA256")),
    }
}

/// Parses the signature of `algorithm`: 64 hex digits, or the hex of a DER-encoded ECDSA
/// signature.
fn parse_signature(algorithm: Algorithm, text: &str) -> Option<Signature> {
    match algorithm {
        Algorithm::EcdsaP256Sha256 => Signature::parse_der_hex(text).ok(),
        _ => text.parse().ok(),
    }
}

/// The credential `AKID/date/region/service/aws4_request` (SigV4) or
/// `AKID/date/service/aws4_request` (SigV4a), split. SigV4a has no region here.
#[derive(Debug, PartialEq, Eq)]
struct CredentialParts<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
}

fn split_credential(algorithm: Algorithm, credential: &str) -> Result<CredentialParts<'_>, &'static str> {
    credential_parts(algorithm, crate::scan::split_ascii(credential, b'/'))
}

/// [`split_credential`] of the wire form of `X-Amz-Credential`, borrowed from it: the parts
/// between `/`, `%2F` or `%2f`. `None` when a part holds any other escape, which only decoding
/// can read. The parts of a valid credential are ASCII letters, digits, `-`, `_` and `.`, none
/// of which a client escapes, so a presigned URL is read without a copy.
fn split_wire_credential(algorithm: Algorithm, wire: &str) -> Option<Result<CredentialParts<'_>, &'static str>> {
    // Any escape but `%2F` stops the borrowed reading.
    let bytes = wire.as_bytes();
    let mut at = 0;
    while let Some(i) = crate::scan::find_byte(crate::slices::suffix(bytes, at), b'%') {
        at += i;
        if !matches!(bytes.get(at + 1..at + 3), Some(b"2F" | b"2f")) {
            return None;
        }
        at += 3;
    }
    let mut rest = Some(wire);
    let parts = core::iter::from_fn(move || {
        let text = rest?;
        let bytes = text.as_bytes();
        // The next `/` or `%` (which is `%2F`); both are ASCII, so the cuts are boundaries.
        let separator = bytes.iter().position(|&b| b == b'/' || b == b'%');
        match separator {
            Some(i) => {
                let len = if bytes.get(i) == Some(&b'%') { 3 } else { 1 };
                rest = text.get(i + len..);
                text.get(..i)
            }
            None => rest.take(),
        }
    });
    Some(credential_parts(algorithm, parts))
}

/// The credential's parts from an iterator over its `/`-separated pieces.
fn credential_parts<'a>(
    algorithm: Algorithm,
    mut it: impl Iterator<Item = &'a str>,
) -> Result<CredentialParts<'a>, &'static str> {
    let parts = if algorithm.scope_has_region() {
        (it.next(), it.next(), it.next(), it.next(), it.next(), it.next())
    } else {
        (it.next(), it.next(), Some(""), it.next(), it.next(), it.next())
    };
    let (Some(access_key_id), Some(date), Some(region), Some(service), Some(terminal), None) = parts else {
        return Err(if algorithm.scope_has_region() {
            "the credential must have the form <access key id>/<date>/<region>/<service>/aws4_request"
        } else {
            "the SigV4a credential must have the form <access key id>/<date>/<service>/aws4_request"
        });
    };
    if access_key_id.is_empty() || !access_key_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err("the credential's access key id is empty or not alphanumeric");
    }
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the credential's date is not YYYYMMDD");
    }
    if (algorithm.scope_has_region() && region.is_empty()) || service.is_empty() {
        return Err("the credential's region or service is empty");
    }
    if terminal != "aws4_request" {
        return Err("the credential scope must end in aws4_request");
    }
    Ok(CredentialParts { access_key_id, date, region, service })
}

/// Checks `host;x-amz-date`-style lists: lowercase tokens, strictly ascending, so each name
/// appears once.
fn check_signed_headers(list: &str) -> Result<(), &'static str> {
    let mut prev: Option<&str> = None;
    for name in crate::canonical::split_names(list) {
        // No early exit: the loop is one table load per byte, and names are short.
        if name.is_empty() || !name.bytes().fold(true, |ok, b| ok & is_lowercase_tchar(b)) {
            return Err("SignedHeaders must be lowercase header names separated by ';'");
        }
        if prev.is_some_and(|p| p >= name) {
            return Err("SignedHeaders must be sorted and must not repeat a name");
        }
        prev = Some(name);
    }
    Ok(())
}

/// Whether `b` may appear in a lowercase header name: an HTTP `tchar` that is not an uppercase
/// ASCII letter.
#[inline]
#[allow(clippy::indexing_slicing)] // a `u8` cannot index past 256 entries
fn is_lowercase_tchar(b: u8) -> bool {
    LOWERCASE_TCHAR[b as usize]
}

/// [`is_lowercase_tchar`] by byte value.
#[allow(clippy::indexing_slicing)] // runs at compile time, for indices below 256
const LOWERCASE_TCHAR: [bool; 256] =
    crate::scan::byte_table!(|c| crate::request::is_tchar(c) && !c.is_ascii_uppercase());

/// Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
fn parse_header(value: &str) -> Result<Claim<'_>, VerifyError> {
    let value = crate::scan::trim_ows(value);
    let (algorithm, rest) = crate::scan::split_once_ascii(value, b' ')
        .ok_or_else(|| malformed_header("the Authorization header has no credential"))?;
    let algorithm = check_algorithm(algorithm, malformed_header)?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for component in crate::scan::split_ascii(rest, b',') {
        let component = crate::scan::trim_ows(component);
        let (key, v) = crate::scan::split_once_ascii(component, b'=')
            .ok_or_else(|| malformed_header("an Authorization component is not key=value"))?;
        let slot = match key {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => return Err(malformed_header("the Authorization header has an unknown component")),
        };
        if slot.replace(v).is_some() {
            return Err(malformed_header("the Authorization header repeats a component"));
        }
    }
    let credential = credential.ok_or_else(|| malformed_header("the Authorization header has no Credential"))?;
    let signed = signed.ok_or_else(|| malformed_header("the Authorization header has no SignedHeaders"))?;
    let signature = signature.ok_or_else(|| malformed_header("the Authorization header has no Signature"))?;
    let parts = split_credential(algorithm, credential).map_err(malformed_header)?;
    check_signed_headers(signed).map_err(malformed_header)?;
    let signature = parse_signature(algorithm, signature)
        .ok_or_else(|| malformed_header("the signature is not lowercase hex (64 digits for SigV4, DER for SigV4a)"))?;
    Ok(Claim {
        algorithm,
        location: Location::Header,
        access_key_id: Cow::Borrowed(parts.access_key_id),
        date: Cow::Borrowed(parts.date),
        region: Cow::Borrowed(parts.region),
        service: Cow::Borrowed(parts.service),
        signed_headers: Cow::Borrowed(signed),
        signature,
        query_date: None,
        query_token: None,
    })
}

/// The decoded value of a query component.
fn decode(wire: &str) -> Result<Cow<'_, str>, VerifyError> {
    // Most values have no escape, and are their own decoding.
    if crate::scan::find_byte(wire.as_bytes(), b'%').is_none() {
        return Ok(Cow::Borrowed(wire));
    }
    percent_decode_str(wire).decode_utf8().map_err(|_| malformed_query("a signing query parameter is not UTF-8"))
}

/// Parses the `X-Amz-*` parameters of a presigned URL, found in the query by [`claim`].
fn parse_query<'r>(wire: &WireParams<'r>, max_expiry: u64) -> Result<Claim<'r>, VerifyError> {
    if wire.repeated {
        return Err(malformed_query("a signing query parameter is repeated"));
    }
    // The credential is read from its wire form below; every other value is decoded.
    let decoded = |param| wire.get(param).map(decode).transpose();
    let (algorithm, date, expires) =
        (decoded(AuthParam::Algorithm)?, decoded(AuthParam::Date)?, decoded(AuthParam::Expires)?);
    let (signed, signature) = (decoded(AuthParam::SignedHeaders)?, decoded(AuthParam::Signature)?);
    let (token, region_set) = (decoded(AuthParam::SecurityToken)?, decoded(AuthParam::RegionSet)?);
    let credential = wire.get(AuthParam::Credential);
    let missing = "the presigned URL lacks one of X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature";
    let (Some(algorithm), Some(credential), Some(date), Some(expires), Some(signed), Some(signature)) =
        (algorithm, credential, date, expires, signed, signature)
    else {
        return Err(malformed_query(missing));
    };
    let algorithm = check_algorithm(&algorithm, malformed_query)?;
    let expires: u64 = expires
        .parse()
        .ok()
        .filter(|e| (1..=max_expiry).contains(e) && expires.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            malformed_query("X-Amz-Expires must be a number of seconds from 1 to the maximum presign expiry (604800)")
        })?;
    check_signed_headers(&signed).map_err(malformed_query)?;
    let signature = parse_signature(algorithm, &signature)
        .ok_or_else(|| malformed_query("X-Amz-Signature is not lowercase hex (64 digits for SigV4, DER for SigV4a)"))?;
    // Borrowed from the query when the credential has no escape but `%2F`, as clients write
    // it; otherwise decoded and copied.
    let (access_key_id, date_part, region, service) = match split_wire_credential(algorithm, credential) {
        Some(parts) => {
            let parts = parts.map_err(malformed_query)?;
            let b = Cow::Borrowed;
            (b(parts.access_key_id), b(parts.date), b(parts.region), b(parts.service))
        }
        None => {
            let decoded = decode(credential)?;
            // A credential with other escapes: decoded and copied.
            let parts = split_credential(algorithm, &decoded).map_err(malformed_query)?;
            let owned = |s: &str| Cow::Owned(s.to_owned());
            (owned(parts.access_key_id), owned(parts.date), owned(parts.region), owned(parts.service))
        }
    };
    let region = match (algorithm.scope_has_region(), region_set) {
        (true, None) => region,
        (false, Some(set)) => set,
        (true, Some(_)) => return Err(malformed_query("X-Amz-Region-Set is only part of a SigV4a presigned URL")),
        (false, None) => return Err(malformed_query("a SigV4a presigned URL needs X-Amz-Region-Set")),
    };
    Ok(Claim {
        algorithm,
        location: Location::Query { expires },
        access_key_id,
        date: date_part,
        region,
        service,
        signed_headers: signed,
        signature,
        query_date: Some(date),
        query_token: token,
    })
}

#[cfg(test)]
mod tests {
    use super::{decode, split_credential, split_wire_credential};
    use crate::string_to_sign::Algorithm;

    #[test]
    fn the_wire_credential_reads_as_the_decoded_one() {
        let wires = [
            "AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request",
            "AKID%2f20150830%2fus-east-1%2fs3%2faws4_request",
            "AKID/20150830/us-east-1/s3/aws4_request",
            "AKID%2F20150830/us-east-1%2Fs3/aws4_request",
            "AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request%2F",
            "AKID%2F20150830%2Fus-east-1%2Fs3",
            "AK%2FID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request",
            "%2F%2F%2F%2F",
            "",
            "AKID%2F2015083%2Fus-east-1%2Fs3%2Faws4_request",
        ];
        for algorithm in [Algorithm::HmacSha256, Algorithm::EcdsaP256Sha256] {
            for wire in wires {
                let decoded = decode(wire).unwrap_or_else(|e| panic!("{e}"));
                let borrowed = split_wire_credential(algorithm, wire).unwrap_or_else(|| panic!("{wire:?} borrowed"));
                assert_eq!(borrowed, split_credential(algorithm, &decoded), "{wire:?}");
            }
        }
        // Any other escape is left to decoding.
        for wire in ["%41KID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request", "AKID%2F20150830%2Fus-east-1%2Fs3%2", "%"] {
            assert!(split_wire_credential(Algorithm::HmacSha256, wire).is_none(), "{wire:?}");
        }
    }
}
