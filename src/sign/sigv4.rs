//! [`SigV4Signer`]: the signer's credentials, scope and settings, and the signing run that
//! [`SigV4Signer::sign_at`] and every other signing method go through.

use core::fmt;
use std::sync::Arc;

use super::checks::{check_not_signed, presign_expiry, validate_credentials, within_lifetime};
use super::headers::{HeaderAdditions, check_existing};
use super::material::KeyMaterial;
use super::output::SigningOutput;
use super::presign::PresignParams;
use super::settings::{PayloadMode, SigningSettings};
use super::signer::{Signer, sign_http};
use crate::canonical::{CanonicalRequest, HeaderSelection};
use crate::credentials::{Credentials, SessionTokenMode};
use crate::error::SignError;
use crate::key::KeyCache;
use crate::known_headers::{Known, KnownHeaders};
use crate::payload::PayloadHash;
use crate::request::SignableRequest;
use crate::scope::CredentialScope;
use crate::signature::Signature;
use crate::string_to_sign::{Algorithm, StringToSign};
use crate::time::{AmzDate, Clock, SystemClock};

/// The canonical request and string to sign, as text, for debugging.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Explanation {
    /// The canonical request text.
    pub canonical_request: String,
    /// The string to sign text.
    pub string_to_sign: String,
    /// What signing produced.
    pub output: SigningOutput,
}

/// The SigV4 (`AWS4-HMAC-SHA256`) signer.
///
/// It holds the credentials, the region and service, the settings, a clock, and a cache of
/// derived signing keys.
///
/// ```
/// use sigv4_kit::sign::{SigV4Signer, Signer};
/// use sigv4_kit::{AmzDate, Credentials, FixedClock};
///
/// let t: AmzDate = "20150830T123600Z".parse()?;
/// let signer = SigV4Signer::new(
///     Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
///     "us-east-1",
///     "service",
/// )
/// .with_clock(FixedClock::new(t));
/// let mut request = http::Request::get("https://example.amazonaws.com/?Param2=value2&Param1=value1")
///     .body(Vec::new())?;
/// signer.sign(&mut request)?;
/// assert_eq!(
///     request.headers()["authorization"],
///     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
///      SignedHeaders=host;x-amz-date, \
///      Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SigV4Signer {
    credentials: Credentials,
    /// The region, or for SigV4a the region set.
    region: String,
    service: String,
    settings: SigningSettings,
    clock: Arc<dyn Clock>,
    keys: KeyCache,
    material: KeyMaterial,
}

impl fmt::Debug for SigV4Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV4Signer")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("settings", &self.settings)
            .field("algorithm", &self.algorithm())
            .finish_non_exhaustive()
    }
}

impl SigV4Signer {
    /// A signer for `region` and `service` with default settings and the system clock.
    pub fn new(credentials: Credentials, region: impl Into<String>, service: impl Into<String>) -> Self {
        Self {
            credentials,
            region: region.into(),
            service: service.into(),
            settings: SigningSettings::default(),
            clock: Arc::new(SystemClock),
            keys: KeyCache::new(4),
            material: KeyMaterial::V4,
        }
    }

    /// A SigV4a (`AWS4-ECDSA-P256-SHA256`) signer for `region_set` and `service`, with default
    /// settings and the system clock. It signs the region set as `X-Amz-Region-Set`, leaves the
    /// region out of the credential scope, and signs with the ECDSA P-256 key derived from the
    /// credentials (once, on first use). Everything else is as for [`SigV4Signer::new`].
    ///
    /// ```
    /// use sigv4_kit::sign::{SigV4Signer, Signer, SigningSettings};
    /// use sigv4_kit::sigv4a::RegionSet;
    /// use sigv4_kit::{AmzDate, Credentials, FixedClock};
    ///
    /// let t: AmzDate = "20150830T123600Z".parse()?;
    /// let signer = SigV4Signer::sigv4a(Credentials::new("AKIDEXAMPLE", "secret"), RegionSet::new("*")?, "s3")
    ///     .with_settings(SigningSettings::s3_presigned(900))
    ///     .with_clock(FixedClock::new(t));
    /// let mut request = http::Request::get("https://bucket.s3.amazonaws.com/key").body(Vec::new())?;
    /// signer.sign(&mut request)?;
    /// let query = request.uri().query().unwrap_or_default();
    /// assert!(query.contains("X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256"));
    /// assert!(query.contains("X-Amz-Region-Set=%2A"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "sigv4a")]
    pub fn sigv4a(
        credentials: Credentials,
        region_set: crate::region_set::RegionSet,
        service: impl Into<String>,
    ) -> Self {
        Self {
            region: region_set.as_str().to_owned(),
            material: KeyMaterial::sigv4a(),
            ..Self::new(credentials, String::new(), service)
        }
    }

    /// The algorithm this signer signs with.
    pub fn algorithm(&self) -> Algorithm {
        self.material.algorithm()
    }

    /// The credential scope at `time`. For SigV4a its region is the region set, which is
    /// never written into the scope.
    pub(super) fn scope(&self, time: AmzDate) -> Result<CredentialScope<'_>, SignError> {
        self.material.scope(time, &self.region, &self.service)
    }

    /// The region set, for SigV4a.
    fn region_set(&self) -> Option<&str> {
        self.material.region_set(&self.region)
    }

    /// What the signer signs with: SigV4 or SigV4a key material.
    pub(super) fn material(&self) -> &KeyMaterial {
        &self.material
    }

    /// Signs `sts` with the signer's key material.
    fn signature(&self, sts: &StringToSign<'_>, scope: &CredentialScope<'_>) -> Result<Signature, SignError> {
        self.material.sign(sts, scope, &self.credentials, &self.keys)
    }

    /// Replaces the settings.
    #[must_use]
    pub fn with_settings(mut self, settings: SigningSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Replaces the clock (tests inject a [`FixedClock`](crate::FixedClock)).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The settings.
    pub fn settings(&self) -> &SigningSettings {
        &self.settings
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The cache of derived signing keys.
    ///
    /// ```
    /// let signer = sigv4_kit::sign::SigV4Signer::new(sigv4_kit::Credentials::new("AKID", "s"), "us-east-1", "s3");
    /// assert!(signer.key_cache().is_empty());
    /// ```
    pub fn key_cache(&self) -> &KeyCache {
        &self.keys
    }

    /// The current time from the clock.
    pub(super) fn now(&self) -> Result<AmzDate, SignError> {
        AmzDate::from_system_time(self.clock.now()).map_err(|_| SignError::InvalidTime)
    }

    /// Signs `request` in place, hashing its body when the settings sign the payload.
    ///
    /// # Errors
    ///
    /// A [`SignError`] says what is wrong with the request, the settings or the credentials.
    /// On error the request is exactly as it was.
    pub fn sign<B: AsRef<[u8]>>(&self, request: &mut http::Request<B>) -> Result<SigningOutput, SignError> {
        sign_http(self, request)
    }

    /// Signs request `parts` whose body has the given payload hash (a streamed body, or one
    /// hashed elsewhere); [`Signer::sign_parts`] without importing the trait.
    ///
    /// # Errors
    ///
    /// As for [`SigV4Signer::sign`]. On error the parts are exactly as they were.
    pub fn sign_parts(
        &self,
        parts: &mut http::request::Parts,
        payload: &PayloadHash,
    ) -> Result<SigningOutput, SignError> {
        Signer::sign_parts(self, parts, payload)
    }

    /// The payload line for `body` under the settings: its hash, `UNSIGNED-PAYLOAD` or the
    /// precomputed value.
    pub fn payload_hash(&self, body: &[u8]) -> PayloadHash {
        match &self.settings.payload {
            PayloadMode::SignBody => PayloadHash::of(body),
            PayloadMode::Unsigned => PayloadHash::unsigned(),
            PayloadMode::Precomputed(h) => h.clone(),
        }
    }

    /// Signs a borrowed request view at time `time`, without touching any request: the
    /// sans-IO core of the signer. Apply the output with
    /// [`SigningOutput::apply_to_parts`] or by hand.
    ///
    /// # Errors
    ///
    /// A [`SignError`] says what is wrong with the request or the settings.
    ///
    /// ```
    /// use sigv4_kit::sign::*;
    /// use sigv4_kit::*;
    /// let signer = SigV4Signer::new(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "us-east-1", "service");
    /// let req = SignableRequest::new("GET", "/").with_header("Host", "example.amazonaws.com");
    /// let out = signer.sign_at(&req, &PayloadHash::of(b""), "20150830T123600Z".parse().unwrap())?;
    /// assert_eq!(out.signature().to_string(), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    /// # Ok::<(), SignError>(())
    /// ```
    pub fn sign_at(
        &self,
        request: &SignableRequest<'_>,
        payload: &PayloadHash,
        time: AmzDate,
    ) -> Result<SigningOutput, SignError> {
        self.run(&self.settings, request, payload, time, |_, _| ())
    }

    /// Like [`SigV4Signer::sign_at`], and also returns the canonical request and the string to
    /// sign as text. For debugging: the signing path never builds this text.
    ///
    /// # Errors
    ///
    /// As for [`SigV4Signer::sign_at`].
    pub fn explain_at(
        &self,
        request: &SignableRequest<'_>,
        payload: &PayloadHash,
        time: AmzDate,
    ) -> Result<Explanation, SignError> {
        let mut texts = (String::new(), String::new());
        let output = self.run(&self.settings, request, payload, time, |c, s| {
            texts = (c.to_string(), s.to_string());
        })?;
        Ok(Explanation { canonical_request: texts.0, string_to_sign: texts.1, output })
    }

    /// Signs `request` with the settings `s` at `time`: the checks, the canonical request,
    /// then the signature with the headers it adds or the query parameters of a presigned URL.
    /// `inspect` sees the canonical request and the string to sign.
    pub(super) fn run(
        &self,
        s: &SigningSettings,
        request: &SignableRequest<'_>,
        payload: &PayloadHash,
        time: AmzDate,
        mut inspect: impl FnMut(&CanonicalRequest<'_>, &StringToSign<'_>),
    ) -> Result<SigningOutput, SignError> {
        let expires_in = presign_expiry(s.location)?;
        request.validate()?;
        let scope = self.scope(time)?;
        let algorithm = self.algorithm();
        let creds = &self.credentials;
        validate_credentials(creds)?;
        let expires_in = within_lifetime(creds, time, expires_in, s.clamp_presign_to_credentials)?;
        let known = KnownHeaders::new(request.headers());
        check_not_signed(request, &known)?;

        let payload_line = payload.as_str();
        let token = creds.session_token();
        let date = time.as_str();
        check_existing(request, &known, Known::XAmzDate, Some(date), "differs from the signing time")?;
        let added = match expires_in {
            None => HeaderAdditions::plan(request, &known, s, date, payload_line, token, self.region_set())?,
            Some(_) => HeaderAdditions::presigned(request, &known, self.region_set())?,
        };

        let selection = HeaderSelection::Exclude(&s.excluded_headers);
        let mut canonical = CanonicalRequest::build(request, s.uri_mode, selection, &[], payload_line, added.signed());
        canonical.check_limits()?;

        let mut out = SigningOutput::with_capacity(output_capacity(request, creds, &scope));
        let akid = creds.access_key_id();
        if let Some(expires) = expires_in {
            let signed_headers = out.write(|t| canonical.write_signed_headers(t));
            out.set_signed_headers(signed_headers);
            let p = PresignParams::write(&mut out, algorithm, akid, &scope, expires, &canonical, token);
            let sign_token = s.session_token == SessionTokenMode::Signed;
            canonical.add_query_params(&p.canonical(&out, date, sign_token), request.limits().max_query_params)?;
            let sts = StringToSign::new(time, scope, canonical.hash()).with_algorithm(algorithm);
            inspect(&canonical, &sts);
            let signature = self.signature(&sts, &scope)?;
            p.add_to(&mut out, date, signature);
            return Ok(out);
        }
        let sts = StringToSign::new(time, scope, canonical.hash()).with_algorithm(algorithm);
        inspect(&canonical, &sts);
        let signature = self.signature(&sts, &scope)?;
        added.add_to(&mut out, algorithm, akid, &scope, &canonical, signature);
        Ok(out)
    }
}

/// Bytes enough for everything a signature adds to `request`, so that the output's text is
/// allocated once.
fn output_capacity(request: &SignableRequest<'_>, creds: &Credentials, scope: &CredentialScope<'_>) -> usize {
    // Signed-header names, twice (the list and the `Authorization` value), percent-encoded in
    // a presigned URL (3 bytes for each `;`), plus the names the signer adds.
    let names: usize = request.headers().iter().map(|(n, _)| n.len() + 3).sum::<usize>() + 64;
    let credential = creds.access_key_id().len() + scope.region().len() + scope.service().len() + 40;
    let token = creds.session_token().map_or(0, str::len);
    2 * names + 3 * credential + 3 * token + 256
}
