//! [`Verified`]: who signed a request, and what is still to check about its body.

use core::fmt;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::error::{ErrorCode, VerifyError};
use super::provider::Principal;
use crate::chunked::{ChunkChain, ChunkLimits, ChunkedDecoder, StreamingMode};
use crate::time::AmzDate;

/// How a request was authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthMethod {
    /// An `Authorization` header.
    Header,
    /// A presigned URL, valid for `expires_in` seconds from the request time.
    PresignedQuery {
        /// `X-Amz-Expires`.
        expires_in: u64,
    },
    /// An `Authorization` header whose payload is an `aws-chunked` stream (`STREAMING-*`), each
    /// chunk signed in turn.
    Streaming,
}

/// The state of the request body after verification.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PayloadState {
    /// The body hash was part of the signature and the body was checked against it.
    Checked,
    /// The body is not signed (`UNSIGNED-PAYLOAD`).
    Unsigned,
    /// The signature covers `x-amz-content-sha256`; feed the body through the [`PayloadCheck`]
    /// as it streams, and reject the request if [`PayloadCheck::finish`] fails.
    Pending(PayloadCheck),
    /// An `aws-chunked` streaming body (`STREAMING-*`): decode it with
    /// [`StreamingPayload::decoder`], which checks every chunk before releasing it.
    Streaming(StreamingPayload),
    /// The body was handed to a reader that verifies it as it is read (the `tower` feature's
    /// layer does this): every byte it yields is checked, and it fails instead of ending when
    /// the body does not match.
    CheckedWhileRead,
}

/// What is needed to verify an `aws-chunked` body: the mode, the signature chain (from the
/// request's signature), the decoded length and the announced trailers.
#[derive(Debug, Clone)]
pub struct StreamingPayload {
    pub(crate) mode: StreamingMode,
    pub(crate) chain: Option<ChunkChain>,
    pub(crate) decoded_length: u64,
    pub(crate) trailers: Vec<String>,
}

impl StreamingPayload {
    /// The streaming mode.
    pub fn mode(&self) -> StreamingMode {
        self.mode
    }

    /// `x-amz-decoded-content-length`.
    pub fn decoded_length(&self) -> u64 {
        self.decoded_length
    }

    /// The trailer names `x-amz-trailer` announced.
    pub fn announced_trailers(&self) -> &[String] {
        &self.trailers
    }

    /// A decoder for the body, with the default [`ChunkLimits`].
    pub fn decoder(self) -> ChunkedDecoder {
        self.decoder_with_limits(ChunkLimits::default())
    }

    /// A decoder for the body, with `limits`.
    pub fn decoder_with_limits(self, limits: ChunkLimits) -> ChunkedDecoder {
        ChunkedDecoder::new(self.mode, self.chain, self.decoded_length, self.trailers, limits)
    }
}

/// Hashes a body as it streams and compares it with the signed `x-amz-content-sha256`.
///
/// ```
/// use sigv4_kit::verify::PayloadCheck;
/// let mut check = PayloadCheck::new(sigv4_kit::spec::sha256(b"hello"));
/// check.update(b"hel");
/// check.update(b"lo");
/// assert!(check.finish().is_ok());
/// ```
#[derive(Clone)]
pub struct PayloadCheck {
    expected: [u8; 32],
    hasher: Sha256,
    /// Whether any byte was absorbed: an empty body's digest is a constant.
    fed: bool,
}

impl PayloadCheck {
    /// A check against the expected SHA-256.
    pub fn new(expected: [u8; 32]) -> Self {
        Self { expected, hasher: Sha256::new(), fed: false }
    }

    /// Absorbs the next part of the body.
    pub fn update(&mut self, data: &[u8]) {
        self.fed |= !data.is_empty();
        self.hasher.update(data);
    }

    /// Compares the whole body with the signed hash.
    ///
    /// # Errors
    ///
    /// `XAmzContentSHA256Mismatch` (400) when the body differs.
    pub fn finish(self) -> Result<(), VerifyError> {
        let got: [u8; 32] = match self.fed {
            true => self.hasher.finalize().into(),
            false => crate::digest::EMPTY_SHA256,
        };
        if bool::from(got.ct_eq(&self.expected)) {
            Ok(())
        } else {
            Err(VerifyError::new(
                ErrorCode::XAmzContentSHA256Mismatch,
                "the provided 'x-amz-content-sha256' header does not match what was computed",
            ))
        }
    }
}

impl Verified {
    /// The access key id used.
    pub fn access_key_id(&self) -> &str {
        self.scope.part(ScopePart::AccessKeyId)
    }

    /// The scope date, `YYYYMMDD`.
    pub fn date(&self) -> &str {
        self.scope.part(ScopePart::Date)
    }

    /// The scope region; for SigV4a, the signed region set (`us-east-1,us-west-2`, `*`, `us-*`),
    /// which the verifier checked covers one of its accepted regions. To authorize a SigV4a
    /// request for a region, ask [`Regions::allows_region_set`](crate::verify::Regions::allows_region_set)
    /// rather than comparing this with a region name.
    pub fn region(&self) -> &str {
        self.scope.part(ScopePart::Region)
    }

    /// The scope service.
    pub fn service(&self) -> &str {
        self.scope.part(ScopePart::Service)
    }

    /// The signed-headers list as the request gave it: lowercase, sorted, `;`-separated.
    pub fn signed_headers(&self) -> &str {
        self.scope.part(ScopePart::SignedHeaders)
    }

    /// The signed header names, in order.
    pub fn signed_header_names(&self) -> impl Iterator<Item = &str> {
        self.signed_headers().split(';')
    }

    /// The path the signature covers, as sent on the wire (percent-encoded once): for S3, the
    /// request's path; for other services, the path after SigV4's normalization (dot segments
    /// removed, repeated slashes collapsed), which is the request's own path unless the
    /// verifier's [`PathPolicy`](crate::verify::PathPolicy) is `Rewrite`. Route and authorize
    /// on this path; `SigV4Layer` (feature `tower`) gives the inner service a URI with it.
    ///
    /// ```
    /// use sigv4_kit::verify::{MemoryProvider, PathPolicy, Principal, PrincipalKind, Verifier, VerifierConfig};
    /// use sigv4_kit::{AmzDate, Credentials, FixedClock};
    /// use sigv4_kit::sign::{SigV4Signer, Signer};
    ///
    /// let t: AmzDate = "20150830T123600Z".parse()?;
    /// let signer = SigV4Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-east-1", "execute-api")
    ///     .with_clock(FixedClock::new(t));
    /// let mut request = http::Request::get("https://api.example.com/admin/../pets").body(Vec::new())?;
    /// signer.sign(&mut request)?; // signs the path as /pets
    /// let provider = MemoryProvider::new().with_key(
    ///     "AKIDEXAMPLE",
    ///     "secret",
    ///     Principal::new("123456789012", "arn:aws:iam::123456789012:user/alice", PrincipalKind::IamUser),
    /// );
    /// let config = VerifierConfig::new(["execute-api"]).with_path_policy(PathPolicy::Rewrite);
    /// let verifier = Verifier::new(config).with_clock(FixedClock::new(t));
    /// let (parts, body) = request.into_parts();
    /// let pending = verifier.begin(&parts)?;
    /// let verified = pending.finish(provider.get("AKIDEXAMPLE"), Some(sigv4_kit::spec::sha256(&body)))?;
    /// assert_eq!(verified.path(), "/pets");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn path(&self) -> &str {
        self.scope.part(ScopePart::Path)
    }
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("principal", &self.principal)
            .field("access_key_id", &self.access_key_id())
            .field("date", &self.date())
            .field("region", &self.region())
            .field("algorithm", &self.algorithm)
            .field("service", &self.service())
            .field("signed_headers", &self.signed_headers())
            .field("path", &self.path())
            .field("time", &self.time)
            .field("auth", &self.auth)
            .field("payload", &self.payload)
            .finish()
    }
}

impl fmt::Debug for PayloadCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayloadCheck").field("expected", &hex::encode(self.expected)).finish_non_exhaustive()
    }
}

/// The access key id, scope, signed headers and path of a verified request, kept in one string
/// so that a verification allocates once.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct VerifiedScope {
    /// `access_key_id` `date` `region` `service` `signed_headers` `path`, back to back.
    text: String,
    /// Where each of the six parts ends in `text`.
    ends: [usize; 6],
}

impl VerifiedScope {
    pub(crate) fn new(parts: [&str; 6]) -> Self {
        let mut text = String::with_capacity(parts.iter().map(|p| p.len()).sum());
        let mut ends = [0; 6];
        for (part, end) in parts.iter().zip(ends.iter_mut()) {
            text.push_str(part);
            *end = text.len();
        }
        Self { text, ends }
    }

    fn part(&self, part: ScopePart) -> &str {
        let [a, b, c, d, e, f] = self.ends;
        let (start, end) = match part {
            ScopePart::AccessKeyId => (0, a),
            ScopePart::Date => (a, b),
            ScopePart::Region => (b, c),
            ScopePart::Service => (c, d),
            ScopePart::SignedHeaders => (d, e),
            ScopePart::Path => (e, f),
        };
        // Both ends were read from `text.len()` as the parts were pushed: they are in order,
        // within the text and on character boundaries, so neither split can fail.
        self.text.split_at(end).0.split_at(start).1
    }
}

/// The six parts of a [`VerifiedScope`], in their order in its text.
#[derive(Debug, Clone, Copy)]
enum ScopePart {
    AccessKeyId,
    Date,
    Region,
    Service,
    SignedHeaders,
    Path,
}

/// A verified request: who signed it, for what scope, and how.
#[derive(Clone)]
#[non_exhaustive]
pub struct Verified {
    /// Who signed.
    pub principal: Principal,
    pub(crate) scope: VerifiedScope,
    /// The request time.
    pub time: AmzDate,
    /// Header or presigned query.
    pub auth: AuthMethod,
    /// SigV4 or SigV4a.
    pub algorithm: crate::string_to_sign::Algorithm,
    /// The state of the body.
    pub payload: PayloadState,
}

#[cfg(test)]
mod tests {
    use super::PayloadCheck;

    #[test]
    fn an_empty_body_is_checked_against_the_empty_digest() {
        let empty = crate::digest::sha256(b"");
        assert!(PayloadCheck::new(empty).finish().is_ok());
        let mut fed_nothing = PayloadCheck::new(empty);
        fed_nothing.update(b"");
        assert!(fed_nothing.finish().is_ok());
        assert!(PayloadCheck::new(crate::digest::sha256(b"x")).finish().is_err(), "an empty body is not another");
        let mut some = PayloadCheck::new(empty);
        some.update(b"x");
        assert!(some.finish().is_err(), "a body is not the empty one");
    }
}
