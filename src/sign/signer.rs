//! The [`Signer`] trait and [`SigV4Signer`], its SigV4 implementation.

use core::fmt;
use std::sync::Arc;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use core::fmt::Write as _;

use super::output::{MAX_ADDED_HEADERS, SigningOutput, Span};
use super::settings::{MAX_PRESIGN_EXPIRY_SECS, PayloadMode, SessionTokenMode, SignatureLocation, SigningSettings};
use crate::auth_params::AuthParam;
use crate::canonical::query::{QueryParam, params};
use crate::canonical::{CanonicalRequest, HeaderSelection};
use crate::chunked::{ChunkChain, ChunkedEncoder, ChunkedOptions, StreamingMode};
use crate::credentials::Credentials;
use crate::error::SignError;
use crate::inline_vec::InlineVec;
use crate::key::KeyCache;
use crate::payload::PayloadHash;
use crate::request::SignableRequest;
use crate::scope::CredentialScope;
use crate::signature::Signature;
use crate::string_to_sign::{Algorithm, StringToSign};
use crate::time::{AmzDate, Clock, SystemClock};

pub(crate) const X_AMZ_DATE: &str = "X-Amz-Date";
pub(crate) const X_AMZ_SECURITY_TOKEN: &str = "X-Amz-Security-Token";
pub(crate) const X_AMZ_CONTENT_SHA256: &str = "x-amz-content-sha256";
pub(crate) const AUTHORIZATION: &str = "Authorization";
pub(crate) const X_AMZ_REGION_SET: &str = "X-Amz-Region-Set";

/// AWS `UriEncode` for values the signer writes into a query: everything but unreserved.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Something that signs HTTP requests. Clients can be generic over it.
pub trait Signer {
    /// Signs `request` in place, hashing its body when the settings sign the payload.
    ///
    /// # Errors
    ///
    /// A [`SignError`] says what is wrong with the request or the settings. On error the
    /// request is exactly as it was.
    fn sign<B: AsRef<[u8]>>(&self, request: &mut http::Request<B>) -> Result<SigningOutput, SignError>;

    /// Signs request `parts` whose body has the given payload hash (a streamed body, or one
    /// hashed elsewhere).
    ///
    /// # Errors
    ///
    /// As for [`Signer::sign`].
    fn sign_parts(&self, parts: &mut http::request::Parts, payload: &PayloadHash) -> Result<SigningOutput, SignError>;
}

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
/// use sigv4_kit::{AmzDate, Credentials, FixedClock, SigV4Signer, Signer};
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
    flavor: Flavor,
}

/// SigV4, or SigV4a with its private key, derived on first use.
enum Flavor {
    V4,
    #[cfg(feature = "sigv4a")]
    V4a(std::sync::OnceLock<crate::sigv4a::EcdsaKey>),
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
            flavor: Flavor::V4,
        }
    }

    /// A SigV4a (`AWS4-ECDSA-P256-SHA256`) signer for `region_set` and `service`, with default
    /// settings and the system clock. It signs the region set as `X-Amz-Region-Set`, leaves the
    /// region out of the credential scope, and signs with the ECDSA P-256 key derived from the
    /// credentials (once, on first use). Everything else is as for [`SigV4Signer::new`].
    ///
    /// ```
    /// use sigv4_kit::{AmzDate, Credentials, FixedClock, RegionSet, SigV4Signer, Signer, SigningSettings};
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
    pub fn sigv4a(credentials: Credentials, region_set: crate::RegionSet, service: impl Into<String>) -> Self {
        Self {
            region: region_set.as_str().to_owned(),
            flavor: Flavor::V4a(std::sync::OnceLock::new()),
            ..Self::new(credentials, String::new(), service)
        }
    }

    /// The algorithm this signer signs with.
    pub fn algorithm(&self) -> Algorithm {
        match self.flavor {
            Flavor::V4 => Algorithm::HmacSha256,
            #[cfg(feature = "sigv4a")]
            Flavor::V4a(_) => Algorithm::EcdsaP256Sha256,
        }
    }

    /// The credential scope at `time`. For SigV4a its region is the region set, which is
    /// never written into the scope.
    fn scope(&self, time: AmzDate) -> Result<CredentialScope<'_>, SignError> {
        match self.flavor {
            Flavor::V4 => CredentialScope::new(time, &self.region, &self.service),
            #[cfg(feature = "sigv4a")]
            Flavor::V4a(_) => {
                crate::scope::validate_scope_part("service", &self.service)?;
                Ok(CredentialScope::unchecked(time, &self.region, &self.service))
            }
        }
    }

    /// The region set, for SigV4a.
    fn region_set(&self) -> Option<&str> {
        match self.flavor {
            Flavor::V4 => None,
            #[cfg(feature = "sigv4a")]
            Flavor::V4a(_) => Some(&self.region),
        }
    }

    /// Signs `sts`: HMAC with the cached SigV4 key, or ECDSA with the SigV4a key.
    fn signature(&self, sts: &StringToSign<'_>, scope: &CredentialScope<'_>) -> Result<Signature, SignError> {
        match &self.flavor {
            Flavor::V4 => Ok(sts.sign_with(self.keys.prepared(&self.credentials, scope).mac())),
            #[cfg(feature = "sigv4a")]
            Flavor::V4a(_) => self.ecdsa_key()?.sign_digest(&sts.digest()),
        }
    }

    /// The SigV4a key, derived on first use.
    #[cfg(feature = "sigv4a")]
    fn ecdsa_key(&self) -> Result<&crate::sigv4a::EcdsaKey, SignError> {
        let Flavor::V4a(cell) = &self.flavor else {
            return Err(SignError::InvalidCredentials { reason: "not a SigV4a signer" });
        };
        if let Some(key) = cell.get() {
            return Ok(key);
        }
        let derived =
            crate::sigv4a::EcdsaKey::derive(self.credentials.access_key_id(), self.credentials.secret_access_key())?;
        Ok(cell.get_or_init(|| derived))
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
    /// let signer = sigv4_kit::SigV4Signer::new(sigv4_kit::Credentials::new("AKID", "s"), "us-east-1", "s3");
    /// assert!(signer.key_cache().is_empty());
    /// ```
    pub fn key_cache(&self) -> &KeyCache {
        &self.keys
    }

    /// The current time from the clock.
    fn now(&self) -> Result<AmzDate, SignError> {
        AmzDate::from_system_time(self.clock.now()).map_err(|_| SignError::InvalidTime)
    }

    /// The payload line for `body` under the settings.
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

    /// Signs `parts` for an `aws-chunked` body of `decoded_len` bytes and returns the encoder
    /// that frames and signs the body. It sets `Content-Encoding: aws-chunked` (first, before
    /// any encoding the request already had, such as `aws-chunked,gzip`),
    /// `x-amz-decoded-content-length`, `x-amz-trailer` (with a trailer), the encoded
    /// `Content-Length` and `x-amz-content-sha256`, then signs the headers: that signature is
    /// the seed of the chunk chain. All or nothing: on error `parts` is unchanged.
    ///
    /// # Errors
    ///
    /// [`SignError::InvalidStreaming`] for options that do not fit the mode or presign
    /// settings, and every error of [`Signer::sign_parts`].
    pub fn sign_chunked(
        &self,
        parts: &mut http::request::Parts,
        decoded_len: u64,
        options: &ChunkedOptions,
    ) -> Result<ChunkedEncoder, SignError> {
        let time = self.now()?;
        let options = &self.chunked_options(options);
        let settings = self.chunked_settings(options)?;
        let mut values = Vec::new();
        for (name, mut value) in options.headers(decoded_len) {
            if name == "content-encoding" {
                value = with_other_encodings(&parts.headers, value);
            }
            let v = http::HeaderValue::from_str(&value)
                .map_err(|_| SignError::InvalidHeader { name: name.to_owned(), reason: "invalid value" })?;
            values.push((http::HeaderName::from_static(name), v));
        }
        let before = parts.headers.clone();
        for (name, value) in values {
            parts.headers.insert(name, value);
        }
        let result = SignableRequest::from_parts(parts, settings.limits)
            .and_then(|view| self.run(&settings, &view, &PayloadHash::streaming(options.mode), time, |_, _| ()))
            .and_then(|out| out.apply_to_parts(parts).map(|()| out));
        match result {
            Ok(out) => self.chunk_encoder(&out, time, options),
            Err(e) => {
                parts.headers = before;
                Err(e)
            }
        }
    }

    /// `options` with the signed modes in this signer's algorithm (a SigV4a signer signs
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD` when asked for `SignedPayload`).
    fn chunked_options(&self, options: &ChunkedOptions) -> ChunkedOptions {
        let mut options = options.clone();
        options.mode = options.mode.for_algorithm(self.algorithm());
        options
    }

    /// The settings for signing the headers of a chunked request.
    fn chunked_settings(&self, options: &ChunkedOptions) -> Result<SigningSettings, SignError> {
        check_chunked_options(options)?;
        if self.settings.presign_expiry().is_some() {
            return Err(SignError::InvalidStreaming {
                reason: "an aws-chunked body needs header signing, not a presigned URL",
            });
        }
        Ok(self
            .settings
            .clone()
            .with_payload(PayloadMode::Precomputed(PayloadHash::streaming(options.mode)))
            .with_content_sha256_header(true))
    }

    /// The encoder for a chunked body whose headers were signed at `time` with the output
    /// `seed` (for requests signed through [`SigV4Signer::sign_at`], such as raw requests that
    /// carry [`ChunkedOptions::headers`] and `x-amz-content-sha256` already).
    ///
    /// # Errors
    ///
    /// [`SignError::InvalidStreaming`] for options that do not fit the mode, and scope errors.
    pub fn chunk_encoder(
        &self,
        seed: &SigningOutput,
        time: AmzDate,
        options: &ChunkedOptions,
    ) -> Result<ChunkedEncoder, SignError> {
        let options = &self.chunked_options(options);
        check_chunked_options(options)?;
        let encoder = match (options.mode, options.trailer) {
            (StreamingMode::UnsignedPayloadTrailer, Some(t)) => ChunkedEncoder::unsigned(t, options.chunk_size),
            (_, trailer) => ChunkedEncoder::signed(self.chain(time, seed.signature())?, trailer, options.chunk_size),
        };
        Ok(encoder)
    }

    /// The chunk chain that continues from `seed`, signed at `time`.
    fn chain(&self, time: AmzDate, seed: Signature) -> Result<ChunkChain, SignError> {
        let scope = self.scope(time)?;
        match &self.flavor {
            Flavor::V4 => Ok(ChunkChain::new(self.keys.get_or_derive(&self.credentials, &scope), time, &scope, seed)),
            #[cfg(feature = "sigv4a")]
            Flavor::V4a(_) => Ok(ChunkChain::sigv4a(self.ecdsa_key()?.clone(), time, &scope, seed)),
        }
    }

    fn run(
        &self,
        s: &SigningSettings,
        request: &SignableRequest<'_>,
        payload: &PayloadHash,
        time: AmzDate,
        mut inspect: impl FnMut(&CanonicalRequest<'_>, &StringToSign<'_>),
    ) -> Result<SigningOutput, SignError> {
        let expires_in = match s.location {
            SignatureLocation::QueryString { expires_in } if !(1..=MAX_PRESIGN_EXPIRY_SECS).contains(&expires_in) => {
                return Err(SignError::InvalidExpiry { seconds: expires_in });
            }
            SignatureLocation::QueryString { expires_in } => Some(expires_in),
            SignatureLocation::Headers => None,
        };
        request.validate()?;
        let scope = self.scope(time)?;
        let algorithm = self.algorithm();
        let creds = &self.credentials;
        validate_credentials(creds)?;
        check_not_signed(request)?;

        let payload_line = payload.as_str();
        let token = creds.session_token();
        let date = time.as_str();
        check_existing(request, "x-amz-date", Some(date), "differs from the signing time")?;
        let added = match expires_in {
            None => HeaderAdditions::plan(request, s, date, payload_line, token, self.region_set())?,
            Some(_) => {
                // A presigned request names its region set (SigV4a) in the query only.
                let reason = match self.region_set() {
                    Some(_) => "is a query parameter in a presigned SigV4a request",
                    None => "is only sent with SigV4a",
                };
                check_existing(request, "x-amz-region-set", None, reason)?;
                HeaderAdditions::default()
            }
        };

        let selection = HeaderSelection::Exclude(&s.excluded_headers);
        let mut canonical =
            CanonicalRequest::build(request, s.uri_mode, selection, &[], payload_line, &added.signed, &[])?;

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
        out.set_signature(signature);
        for &(name, value) in added.sent.iter() {
            let span = out.push(value);
            out.add_header(name, span);
        }
        // The `Authorization` value, whose `SignedHeaders` part is also the signed-headers list.
        let head = out.write(|t| {
            t.push_str(algorithm.as_str());
            t.push_str(" Credential=");
            t.push_str(akid);
            t.push('/');
            push_scope(t, algorithm, &scope);
            t.push_str(", SignedHeaders=");
        });
        let signed_headers = out.write(|t| canonical.write_signed_headers(t));
        let tail = out.write(|t| {
            t.push_str(", Signature=");
            signature.write_hex(t);
        });
        out.set_signed_headers(signed_headers);
        out.add_header(AUTHORIZATION, head.to(tail));
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

/// The headers header signing adds: those that are signed, and all that are sent.
#[derive(Default)]
struct HeaderAdditions<'a> {
    signed: InlineVec<(&'a str, &'a str), MAX_ADDED_HEADERS>,
    sent: InlineVec<(&'static str, &'a str), MAX_ADDED_HEADERS>,
}

impl<'a> HeaderAdditions<'a> {
    /// Plans `X-Amz-Date`, `x-amz-content-sha256`, `X-Amz-Security-Token` and, for SigV4a,
    /// `X-Amz-Region-Set`. A header already on the request is not added again, and must agree
    /// with what the signer would add.
    fn plan(
        request: &SignableRequest<'_>,
        s: &SigningSettings,
        date: &'a str,
        payload_line: &'a str,
        token: Option<&'a str>,
        region_set: Option<&'a str>,
    ) -> Result<Self, SignError> {
        let mut add = Self::default();
        if request.header("x-amz-date").is_none() {
            add.push(X_AMZ_DATE, date, true);
        }
        match region_set {
            Some(set) => {
                check_existing(request, "x-amz-region-set", Some(set), "differs from the signer's region set")?;
                if request.header("x-amz-region-set").is_none() {
                    add.push(X_AMZ_REGION_SET, set, true);
                }
            }
            None => check_existing(request, "x-amz-region-set", None, "is only sent with SigV4a")?,
        }
        if s.content_sha256_header {
            check_existing(request, X_AMZ_CONTENT_SHA256, Some(payload_line), "differs from the payload hash")?;
            if request.header(X_AMZ_CONTENT_SHA256).is_none() {
                add.push(X_AMZ_CONTENT_SHA256, payload_line, true);
            }
        }
        if let Some(t) = token {
            let signed = s.session_token == SessionTokenMode::Signed;
            if signed {
                check_existing(request, "x-amz-security-token", Some(t), "differs from the session token")?;
            } else {
                let reason = "must not be set when the token is added after signing";
                check_existing(request, "x-amz-security-token", None, reason)?;
            }
            if request.header("x-amz-security-token").is_none() {
                add.push(X_AMZ_SECURITY_TOKEN, t, signed);
            }
        }
        Ok(add)
    }

    fn push(&mut self, name: &'static str, value: &'a str, signed: bool) {
        if signed {
            self.signed.push((name, value));
        }
        self.sent.push((name, value));
    }
}

/// Where the percent-encoded `X-Amz-*` values of a presigned URL sit in the output's text.
struct PresignParams {
    algorithm: Algorithm,
    credential: Span,
    expires: Span,
    signed_headers: Span,
    token: Option<Span>,
    region_set: Option<Span>,
}

impl PresignParams {
    /// Writes the encoded values into `out`.
    fn write(
        out: &mut SigningOutput,
        algorithm: Algorithm,
        akid: &str,
        scope: &CredentialScope<'_>,
        expires: u64,
        canonical: &CanonicalRequest<'_>,
        token: Option<&str>,
    ) -> Self {
        let credential = out.write(|t| {
            t.extend(utf8_percent_encode(akid, QUERY_VALUE));
            t.push_str("%2F");
            t.push_str(scope.date());
            t.push_str("%2F");
            if algorithm.scope_has_region() {
                t.extend(utf8_percent_encode(scope.region(), QUERY_VALUE));
                t.push_str("%2F");
            }
            t.extend(utf8_percent_encode(scope.service(), QUERY_VALUE));
            t.push_str("%2Faws4_request");
        });
        let expires = out.write(|t| {
            let _ = write!(t, "{expires}");
        });
        let signed_headers = out.write(|t| canonical.write_signed_headers(&mut QueryEncoding(t)));
        let token = token.map(|tok| out.write(|t| t.extend(utf8_percent_encode(tok, QUERY_VALUE))));
        let region_set = (!algorithm.scope_has_region())
            .then(|| out.write(|t| t.extend(utf8_percent_encode(scope.region(), QUERY_VALUE))));
        Self { algorithm, credential, expires, signed_headers, token, region_set }
    }

    /// The parameters that go into the canonical query.
    fn canonical<'o>(&self, out: &'o SigningOutput, date: &'o str, sign_token: bool) -> InlineVec<QueryParam<'o>, 7> {
        let mut v = InlineVec::new();
        v.push(QueryParam { key: AuthParam::Algorithm.name(), value: self.algorithm.as_str() });
        v.push(QueryParam { key: AuthParam::Credential.name(), value: out.get(self.credential) });
        v.push(QueryParam { key: AuthParam::Date.name(), value: date });
        v.push(QueryParam { key: AuthParam::Expires.name(), value: out.get(self.expires) });
        v.push(QueryParam { key: AuthParam::SignedHeaders.name(), value: out.get(self.signed_headers) });
        if let (Some(t), true) = (self.token, sign_token) {
            v.push(QueryParam { key: AuthParam::SecurityToken.name(), value: out.get(t) });
        }
        if let Some(set) = self.region_set {
            v.push(QueryParam { key: AuthParam::RegionSet.name(), value: out.get(set) });
        }
        v
    }

    /// Adds the parameters to `out`, in the order AWS documents them.
    fn add_to(self, out: &mut SigningOutput, date: &str, signature: Signature) {
        out.set_signature(signature);
        let algorithm = out.push(self.algorithm.as_str());
        let date = out.push(date);
        out.add_query(AuthParam::Algorithm.name(), algorithm);
        out.add_query(AuthParam::Credential.name(), self.credential);
        out.add_query(AuthParam::Date.name(), date);
        out.add_query(AuthParam::Expires.name(), self.expires);
        out.add_query(AuthParam::SignedHeaders.name(), self.signed_headers);
        if let Some(t) = self.token {
            out.add_query(AuthParam::SecurityToken.name(), t);
        }
        if let Some(set) = self.region_set {
            out.add_query(AuthParam::RegionSet.name(), set);
        }
        let signature = out.write(|t| signature.write_hex(t));
        out.add_query(AuthParam::Signature.name(), signature);
    }
}

/// A [`Sink`](crate::canonical::Sink) that percent-encodes what it is given (for the
/// `X-Amz-SignedHeaders` value, whose `;` separators become `%3B`).
struct QueryEncoding<'a>(&'a mut String);

impl crate::canonical::Sink for QueryEncoding<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.0.extend(percent_encoding::percent_encode(bytes, QUERY_VALUE));
    }
}

/// Checks that chunked options fit their mode.
fn check_chunked_options(options: &ChunkedOptions) -> Result<(), SignError> {
    if options.chunk_size == 0 {
        return Err(SignError::InvalidStreaming { reason: "the chunk size must be at least 1 byte" });
    }
    if options.mode.has_trailer() != options.trailer.is_some() {
        return Err(SignError::InvalidStreaming {
            reason: "a trailer checksum is required in the trailer modes and not allowed otherwise",
        });
    }
    Ok(())
}

/// Checks that the access key id can go into a credential.
fn validate_credentials(creds: &Credentials) -> Result<(), SignError> {
    let akid = creds.access_key_id();
    if akid.is_empty() {
        return Err(SignError::InvalidCredentials { reason: "access key id is empty" });
    }
    if !akid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(SignError::InvalidCredentials { reason: "access key id must be ASCII letters and digits" });
    }
    if creds.session_token().is_some_and(|t| t.bytes().any(|b| b.is_ascii_control())) {
        return Err(SignError::InvalidCredentials { reason: "session token holds a control character" });
    }
    Ok(())
}

/// Refuses a request that already carries a signature or signing parameters.
fn check_not_signed(request: &SignableRequest<'_>) -> Result<(), SignError> {
    if request.header("authorization").is_some() {
        return Err(SignError::AlreadySigned { what: "an authorization header" });
    }
    // Any spelling: the verifier refuses the other ones, and a signer must not make them.
    if let Some((param, _)) = params(request.query()).find_map(|p| AuthParam::classify(p.key)) {
        return Err(SignError::AlreadySigned { what: signing_param_what(param) });
    }
    Ok(())
}

/// A static description of a signing query parameter found on the request.
fn signing_param_what(param: AuthParam) -> &'static str {
    match param {
        AuthParam::Signature => "an X-Amz-Signature query parameter",
        AuthParam::Algorithm => "an X-Amz-Algorithm query parameter",
        AuthParam::Credential => "an X-Amz-Credential query parameter",
        AuthParam::Date => "an X-Amz-Date query parameter",
        AuthParam::Expires => "an X-Amz-Expires query parameter",
        AuthParam::SignedHeaders => "an X-Amz-SignedHeaders query parameter",
        AuthParam::RegionSet => "an X-Amz-Region-Set query parameter",
        AuthParam::SecurityToken => "an X-Amz-Security-Token query parameter",
    }
}

/// Checks every occurrence of header `name` against `expected` (`None`: must be absent).
fn check_existing(
    request: &SignableRequest<'_>,
    name: &'static str,
    expected: Option<&str>,
    reason: &'static str,
) -> Result<(), SignError> {
    for (n, v) in request.headers() {
        if n.eq_ignore_ascii_case(name) && expected.is_none_or(|e| v.trim() != e) {
            return Err(SignError::Conflict { header: canonical_name(name), reason });
        }
    }
    Ok(())
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

/// `aws-chunked` followed by the encodings `headers` already names (`aws-chunked,gzip`).
fn with_other_encodings(headers: &http::HeaderMap, aws_chunked: String) -> String {
    let mut value = aws_chunked;
    let others = headers.get_all(http::header::CONTENT_ENCODING).iter().filter_map(|v| v.to_str().ok());
    for coding in others.flat_map(|v| v.split(',')).map(str::trim) {
        if !coding.is_empty() && !coding.eq_ignore_ascii_case("aws-chunked") {
            value.push(',');
            value.push_str(coding);
        }
    }
    value
}

impl Signer for SigV4Signer {
    fn sign<B: AsRef<[u8]>>(&self, request: &mut http::Request<B>) -> Result<SigningOutput, SignError> {
        let payload = self.payload_hash(request.body().as_ref());
        let time = self.now()?;
        let out = {
            let view =
                SignableRequest::from_http(request.method(), request.uri(), request.headers(), self.settings.limits)?;
            self.sign_at(&view, &payload, time)?
        };
        let (uri, headers) = out.prepare(request.uri())?;
        for (name, value) in headers.into_iter().flatten() {
            request.headers_mut().append(name, value);
        }
        if let Some(uri) = uri {
            *request.uri_mut() = uri;
        }
        Ok(out)
    }

    fn sign_parts(&self, parts: &mut http::request::Parts, payload: &PayloadHash) -> Result<SigningOutput, SignError> {
        let time = self.now()?;
        let out = {
            let view = SignableRequest::from_parts(parts, self.settings.limits)?;
            self.sign_at(&view, payload, time)?
        };
        out.apply_to_parts(parts)?;
        Ok(out)
    }
}
