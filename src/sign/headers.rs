//! Header signing: the headers the signer adds (`X-Amz-Date`, `x-amz-content-sha256`,
//! `X-Amz-Security-Token`, `X-Amz-Region-Set`) and the `Authorization` header.

use super::output::{MAX_ADDED_HEADERS, SigningOutput};
use super::settings::SigningSettings;
use crate::canonical::CanonicalRequest;
use crate::credentials::SessionTokenMode;
use crate::error::SignError;
use crate::inline_vec::InlineVec;
use crate::known_headers::{Known, KnownHeaders};
use crate::request::SignableRequest;
use crate::scope::CredentialScope;
use crate::signature::Signature;
use crate::string_to_sign::Algorithm;

pub(super) const X_AMZ_DATE: &str = "X-Amz-Date";
pub(super) const X_AMZ_SECURITY_TOKEN: &str = "X-Amz-Security-Token";
pub(super) const X_AMZ_CONTENT_SHA256: &str = "x-amz-content-sha256";
pub(super) const AUTHORIZATION: &str = "Authorization";
pub(super) const X_AMZ_REGION_SET: &str = "X-Amz-Region-Set";

/// The headers header signing adds: those that are signed, and all that are sent.
#[derive(Default)]
pub(super) struct HeaderAdditions<'a> {
    signed: InlineVec<(&'a str, &'a str), MAX_ADDED_HEADERS>,
    sent: InlineVec<(&'static str, &'a str), MAX_ADDED_HEADERS>,
}

impl<'a> HeaderAdditions<'a> {
    /// Plans `X-Amz-Date`, `x-amz-content-sha256`, `X-Amz-Security-Token` and, for SigV4a,
    /// `X-Amz-Region-Set`. A header already on the request is not added again, and must agree
    /// with what the signer would add.
    pub(super) fn plan(
        request: &SignableRequest<'_>,
        known: &KnownHeaders<'_>,
        s: &SigningSettings,
        date: &'a str,
        payload_line: &'a str,
        token: Option<&'a str>,
        region_set: Option<&'a str>,
    ) -> Result<Self, SignError> {
        let mut add = Self::default();
        if known.first(Known::XAmzDate).is_none() {
            add.push(X_AMZ_DATE, date, true);
        }
        match region_set {
            Some(set) => {
                let reason = "differs from the signer's region set";
                check_existing(request, known, Known::RegionSet, Some(set), reason)?;
                if known.first(Known::RegionSet).is_none() {
                    add.push(X_AMZ_REGION_SET, set, true);
                }
            }
            None => check_existing(request, known, Known::RegionSet, None, "is only sent with SigV4a")?,
        }
        if s.content_sha256_header {
            let reason = "differs from the payload hash";
            check_existing(request, known, Known::ContentSha256, Some(payload_line), reason)?;
            if known.first(Known::ContentSha256).is_none() {
                add.push(X_AMZ_CONTENT_SHA256, payload_line, true);
            }
        }
        if let Some(t) = token {
            let signed = s.session_token == SessionTokenMode::Signed;
            if signed {
                check_existing(request, known, Known::SecurityToken, Some(t), "differs from the session token")?;
            } else {
                let reason = "must not be set when the token is added after signing";
                check_existing(request, known, Known::SecurityToken, None, reason)?;
            }
            if known.first(Known::SecurityToken).is_none() {
                add.push(X_AMZ_SECURITY_TOKEN, t, signed);
            }
        }
        Ok(add)
    }

    /// The additions of a presigned request: none. It names its region set (SigV4a) in the
    /// query only, so the request must not carry the header.
    pub(super) fn presigned(
        request: &SignableRequest<'_>,
        known: &KnownHeaders<'_>,
        region_set: Option<&str>,
    ) -> Result<Self, SignError> {
        let reason = match region_set {
            Some(_) => "is a query parameter in a presigned SigV4a request",
            None => "is only sent with SigV4a",
        };
        check_existing(request, known, Known::RegionSet, None, reason)?;
        Ok(Self::default())
    }

    /// The added headers that are signed: the canonical request includes them.
    pub(super) fn signed(&self) -> &[(&'a str, &'a str)] {
        &self.signed
    }

    fn push(&mut self, name: &'static str, value: &'a str, signed: bool) {
        if signed {
            // Lowercase, as the canonical request writes it, so it is not lowercased there.
            self.signed.push((canonical_name(name), value));
        }
        self.sent.push((name, value));
    }

    /// Adds the headers to send and the `Authorization` header to `out`, with `signature`.
    pub(super) fn add_to(
        &self,
        out: &mut SigningOutput,
        algorithm: Algorithm,
        akid: &str,
        scope: &CredentialScope<'_>,
        canonical: &CanonicalRequest<'_>,
        signature: Signature,
    ) {
        out.set_signature(signature);
        for &(name, value) in self.sent.iter() {
            let span = out.push(value);
            out.add_header(name, span);
        }
        // The `Authorization` value, whose `SignedHeaders` part is also the signed-headers list.
        let head = out.write(|t| {
            t.push_str(algorithm.as_str());
            t.push_str(" Credential=");
            t.push_str(akid);
            t.push('/');
            push_scope(t, algorithm, scope);
            t.push_str(", SignedHeaders=");
        });
        let signed_headers = out.write(|t| canonical.write_signed_headers(t));
        let tail = out.write(|t| {
            t.push_str(", Signature=");
            signature.write_hex(t);
        });
        out.set_signed_headers(signed_headers);
        out.add_header(AUTHORIZATION, head.to(tail));
    }
}

/// Checks every occurrence of the header `header` against `expected` (`None`: must be absent).
pub(super) fn check_existing(
    request: &SignableRequest<'_>,
    known: &KnownHeaders<'_>,
    header: Known,
    expected: Option<&str>,
    reason: &'static str,
) -> Result<(), SignError> {
    let conflicts = |v: &str| expected.is_none_or(|e| v.trim() != e);
    let conflict = match known.is_repeated(header) {
        false => known.first(header).is_some_and(conflicts),
        true => request.headers().iter().any(|(n, v)| n.eq_ignore_ascii_case(header.name()) && conflicts(v)),
    };
    match conflict {
        true => Err(SignError::Conflict { header: header.name(), reason }),
        false => Ok(()),
    }
}

/// The lowercase name used in messages.
fn canonical_name(name: &'static str) -> &'static str {
    match name {
        X_AMZ_DATE => "x-amz-date",
        X_AMZ_SECURITY_TOKEN => "x-amz-security-token",
        X_AMZ_REGION_SET => "x-amz-region-set",
        other => other,
    }
}

/// Writes `date/region/service/aws4_request` (SigV4) or `date/service/aws4_request` (SigV4a).
fn push_scope(t: &mut String, algorithm: Algorithm, scope: &CredentialScope<'_>) {
    t.push_str(scope.date());
    t.push('/');
    if algorithm.scope_has_region() {
        t.push_str(scope.region());
        t.push('/');
    }
    t.push_str(scope.service());
    t.push_str("/aws4_request");
}
