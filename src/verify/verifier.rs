//! [`Verifier`]: checks a signed request, sans-IO first.
//!
//! [`Verifier::begin`] reads and checks everything that needs no secret and returns a
//! [`PendingVerification`]; the caller looks up the credential (see
//! [`PendingVerification::lookup`]) and resumes with [`PendingVerification::finish`]. The async
//! [`Verifier::verify`] does both with a [`CredentialProvider`].
//!
//! What `begin` checks is in `checks` (the target, the scope, the time, the signed headers) and
//! `payload` (the payload declaration); the pending state and `finish` are in `pending`.

use core::fmt;
use std::sync::Arc;

use super::auth::claim;
use super::checks::{invalid, single};
use super::config::VerifierConfig;
use super::error::{ErrorCode, VerifyError};
use super::keys::VerifyingKeys;
use super::pending::PendingVerification;
use super::provider::CredentialProvider;
use super::verified::Verified;
use crate::known_headers::{Known, KnownHeaders};
use crate::request::SignableRequest;
use crate::scope::CredentialScope;
use crate::time::{Clock, SystemClock};

/// Verifies SigV4 requests, and SigV4a requests with the `sigv4a` feature.
///
/// [`Verifier::begin`] checks everything that needs no secret and returns a
/// [`PendingVerification`]; look up the credential and resume with
/// [`PendingVerification::finish`]. [`Verifier::verify`] and [`Verifier::verify_with_body`] do
/// both with a [`CredentialProvider`].
pub struct Verifier {
    config: VerifierConfig,
    clock: Arc<dyn Clock>,
    keys: VerifyingKeys,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier with `config` and the system clock.
    pub fn new(config: VerifierConfig) -> Self {
        Self { config, clock: Arc::new(SystemClock), keys: VerifyingKeys::new(1024) }
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

    /// The key caches signatures are checked with.
    pub(super) fn keys(&self) -> &VerifyingKeys {
        &self.keys
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
        mut request: SignableRequest<'r>,
    ) -> Result<PendingVerification<'v, 'r>, VerifyError> {
        request.set_limits(self.config.limits);
        request.validate().map_err(invalid)?;
        let c = &self.config;
        let known = KnownHeaders::new(request.headers());
        let (mut claim, query) = claim(&request, &known, c.max_presign_expiry)?;
        self.check_target(&request, &known)?;
        let malformed = claim.location.malformed();
        let (time, date_header) = self.request_time(&known, &claim)?;
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
            self.check_region_set(&known, &mut claim)?;
        }
        if !c.services.iter().any(|s| *s == claim.service) {
            return Err(VerifyError::new(malformed, format!("the service '{}' is not accepted here", claim.service)));
        }
        self.check_time(time, claim.location)?;
        let selected = self.check_signed_headers(&request, &known, &claim, date_header)?;
        let header_token = single(&known, Known::SecurityToken, malformed)?;
        let payload = self.payload_source(&known, &claim)?;
        let token = match (&claim.query_token, header_token) {
            (Some(_), Some(_)) => {
                return Err(VerifyError::new(
                    ErrorCode::InvalidArgument,
                    "the session token is both a header and a query parameter",
                ));
            }
            (_, t) => t,
        };
        let content_length = (known.first(Known::ContentLength), known.is_repeated(Known::ContentLength));
        Ok(PendingVerification::new(self, request, query, claim, time, token, payload, selected, content_length))
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
    /// fully checked ([`PayloadState::Checked`](super::PayloadState::Checked)) or unsigned.
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
        pending.finish(credential, Some(crate::digest::sha256(body)))
    }
}
