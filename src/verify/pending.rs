//! [`PendingVerification`]: a request whose claim has been checked, waiting for its
//! credential, and [`PendingVerification::finish`], which checks the signature.

use core::fmt;

use subtle::ConstantTimeEq;

use super::auth::{Claim, Location};
use super::checks::invalid;
use super::error::{DebugInfo, ErrorCode, VerifyError};
use super::payload::PayloadSource;
use super::provider::{Credential, LookupRequest};
use super::verified::{AuthMethod, PayloadState, Verified, VerifiedScope};
use super::verifier::Verifier;
use crate::auth_params::AuthParam;
use crate::canonical::query::SplitQuery;
use crate::canonical::{CanonicalRequest, HeaderSelection, NameList};
use crate::credentials::SessionTokenMode;
use crate::request::SignableRequest;
use crate::scope::CredentialScope;
use crate::string_to_sign::{Algorithm, StringToSign};
use crate::time::AmzDate;

/// A request whose claim has been checked, waiting for its credential.
pub struct PendingVerification<'v, 'r> {
    verifier: &'v Verifier,
    request: SignableRequest<'r>,
    /// The request's query, as the claim split it.
    query: SplitQuery<'r>,
    claim: Claim<'r>,
    time: AmzDate,
    token: Option<&'r str>,
    payload: PayloadSource,
    /// Which of the request's headers are signed, a bit per header (`None`: more than 64
    /// headers, selected by name).
    selected: Option<u64>,
    /// The first `Content-Length` value, and whether the header is repeated.
    content_length: (Option<&'r str>, bool),
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

impl<'v, 'r> PendingVerification<'v, 'r> {
    /// The pending state of `request`, whose claim `begin` checked.
    #[allow(clippy::too_many_arguments)] // one call, in `begin`, which found each of them
    pub(super) fn new(
        verifier: &'v Verifier,
        request: SignableRequest<'r>,
        query: SplitQuery<'r>,
        claim: Claim<'r>,
        time: AmzDate,
        token: Option<&'r str>,
        payload: PayloadSource,
        selected: Option<u64>,
        content_length: (Option<&'r str>, bool),
    ) -> Self {
        Self { verifier, request, query, claim, time, token, payload, selected, content_length }
    }

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
    /// use sigv4_kit::sign::{SigV4Signer, Signer};
    /// use sigv4_kit::{AmzDate, Credentials, FixedClock};
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
        let declared = match self.content_length {
            (_, true) => {
                return Err(VerifyError::new(
                    ErrorCode::InvalidArgument,
                    "the request repeats the content-length header",
                ));
            }
            (None, false) => return Ok(()),
            (Some(declared), false) => declared,
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
    /// use sigv4_kit::sign::{SigV4Signer, Signer};
    /// use sigv4_kit::{AmzDate, Credentials, FixedClock};
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
        if credential.principal().expiry().is_some_and(|expiry| expiry <= self.verifier.now()) {
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
        let payload_line = self.payload.line(body_hash)?;
        // A body that is not the one declared fails before any signature work (for SigV4a an
        // ECDSA verification, about fifty times a SigV4 check).
        self.payload.check_body_hash(body_hash)?;
        let skip: &[AuthParam] = match (self.claim.location, v.config().session_token) {
            (Location::Header, _) => &[],
            (Location::Query { .. }, SessionTokenMode::AddedAfterSigning) => {
                &[AuthParam::Signature, AuthParam::SecurityToken]
            }
            (Location::Query { .. }, _) => &[AuthParam::Signature],
        };
        let signed_headers;
        let selection = match self.selected {
            Some(bits) => HeaderSelection::Indices(bits),
            None => {
                signed_headers = NameList::new(&self.claim.signed_headers);
                HeaderSelection::Only(&signed_headers)
            }
        };
        let canonical = CanonicalRequest::build_with_query(
            &self.request,
            v.config().uri_mode,
            selection,
            skip,
            payload_line.as_str(),
            &[],
            self.query.params().iter().copied(),
            self.query.truncated(),
        );
        canonical.check_limits().map_err(invalid)?;
        let scope = CredentialScope::unchecked(self.time, &self.claim.region, &self.claim.service);
        let sts = StringToSign::new(self.time, scope, canonical.hash()).with_algorithm(self.claim.algorithm);
        if !v.keys().signature_matches(&credential, &self.claim, &sts, &scope)? {
            let mut err = VerifyError::new(
                ErrorCode::SignatureDoesNotMatch,
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            );
            if v.config().expose_debug {
                err = err.with_debug(DebugInfo {
                    canonical_request: canonical.to_string(),
                    string_to_sign: sts.to_string(),
                    signature_provided: self.claim.signature.to_string(),
                    access_key_id: self.claim.access_key_id.to_string(),
                });
            }
            return Err(err);
        }
        let chain = if self.payload.has_signed_chunks() {
            Some(v.keys().chain(&credential, &self.claim, self.time, &scope)?)
        } else {
            None
        };
        let payload = self.payload.into_state(body_hash, chain);
        let c = &self.claim;
        let path = match v.config().uri_mode {
            crate::canonical::UriMode::S3 if self.request.path().is_empty() => std::borrow::Cow::Borrowed("/"),
            crate::canonical::UriMode::S3 => std::borrow::Cow::Borrowed(self.request.path()),
            _ if self.request.has_plain_path() => std::borrow::Cow::Borrowed(self.request.path()),
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

/// The answer for an access key the provider does not know.
fn unknown_key() -> VerifyError {
    VerifyError::new(ErrorCode::InvalidAccessKeyId, "the AWS access key id you provided does not exist in our records")
}

#[cfg(test)]
mod tests {
    use crate::sign::{PayloadMode, SigV4Signer, SigningSettings};
    use crate::verify::{MemoryProvider, Principal, PrincipalKind, Verifier, VerifierConfig};
    use crate::{AmzDate, Credentials, FixedClock, Limits};

    /// The output of a future that is ready at once (an in-memory provider's).
    fn ready<F: core::future::Future>(future: F) -> F::Output {
        let mut future = core::pin::pin!(future);
        match future.as_mut().poll(&mut core::task::Context::from_waker(core::task::Waker::noop())) {
            core::task::Poll::Ready(output) => output,
            core::task::Poll::Pending => panic!("an in-memory provider answers at once"),
        }
    }

    /// The verifier's canonical query counts the parameters as `build` did when it split the
    /// query itself: every parameter but those a presigned URL leaves out, against the limit,
    /// whether the claim kept them all or stopped keeping.
    #[test]
    fn the_query_limit_counts_what_the_canonical_query_holds() {
        let t: AmzDate = "20150830T123600Z".parse().unwrap_or_else(|e| panic!("{e}"));
        let provider = MemoryProvider::new().with_key(
            "AKIDEXAMPLE",
            "secret",
            Principal::new("123456789012", "arn:aws:iam::123456789012:user/a", PrincipalKind::IamUser),
        );
        let target: String = format!("https://examplebucket.s3.amazonaws.com/a?{}", {
            let params: Vec<String> = (0..10).map(|i| format!("p{i:02}=v")).collect();
            params.join("&")
        });
        for presign in [false, true] {
            let mut settings = SigningSettings::s3().with_payload(PayloadMode::Unsigned);
            if presign {
                settings = settings.with_presign(3600);
            }
            let signer = SigV4Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-east-1", "s3")
                .with_settings(settings)
                .with_clock(FixedClock::new(t));
            let mut request =
                http::Request::get(target.as_str()).body(Vec::<u8>::new()).unwrap_or_else(|e| panic!("{e}"));
            signer.sign(&mut request).unwrap_or_else(|e| panic!("{e}"));
            let (parts, _) = request.into_parts();
            // 10 parameters; a presigned URL adds 6, of which the canonical query holds 5.
            let holds = if presign { 15 } else { 10 };
            for limit in [holds - 4, holds - 3, holds - 2, holds - 1, holds, holds + 1] {
                let limits = Limits { max_query_params: limit, ..Limits::default() };
                let config = VerifierConfig::new(["s3"]).with_s3_rules().with_limits(limits);
                let verifier = Verifier::new(config).with_clock(FixedClock::new(t));
                let result = ready(verifier.verify(&parts, None, &provider));
                match result {
                    Ok(_) => assert!(limit >= holds, "presign {presign}, limit {limit}"),
                    Err(e) => {
                        assert!(limit < holds, "presign {presign}, limit {limit}: {e}");
                        assert!(e.message().contains("query parameters"), "{e}");
                    }
                }
            }
        }
    }
}
