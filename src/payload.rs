//! The payload hash: the last line of the canonical request.
//!
//! ```
//! use sigv4_kit::PayloadHash;
//!
//! assert_eq!(
//!     PayloadHash::of(b"").as_str(),
//!     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
//! );
//! assert_eq!(PayloadHash::unsigned().as_str(), "UNSIGNED-PAYLOAD");
//! ```

use core::fmt;

use crate::error::ParseError;

/// What [`ParseError::what`] names.
const WHAT: &str = "payload hash";
use crate::string_to_sign::Algorithm;

/// The value SigV4 puts on the canonical request's last line.
#[derive(Clone)]
pub struct PayloadHash(Repr);

/// Two payload hashes are equal when their text is.
impl PartialEq for PayloadHash {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for PayloadHash {}

impl core::hash::Hash for PayloadHash {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

#[derive(Clone)]
enum Repr {
    /// Lowercase hex of a SHA-256.
    Hex([u8; 64]),
    /// A literal such as `UNSIGNED-PAYLOAD`.
    Literal(&'static str),
}

/// The literal used when the payload is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Literals accepted by [`PayloadHash::precomputed`] besides a hex digest.
const LITERALS: &[&str] = &[
    UNSIGNED_PAYLOAD,
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
];

impl PayloadHash {
    /// The hex SHA-256 of `body`.
    ///
    /// ```
    /// use sigv4_kit::PayloadHash;
    /// use sigv4_kit::spec::sha256;
    /// assert_eq!(PayloadHash::of(b""), PayloadHash::from_digest(sha256(b"")));
    /// ```
    pub fn of(body: &[u8]) -> Self {
        if body.is_empty() {
            // The most common body; its hash is a constant.
            return Self(Repr::Literal(crate::digest::EMPTY_SHA256_HEX));
        }
        Self::from_digest(crate::digest::sha256(body))
    }

    /// The hex form of an already computed SHA-256 digest.
    ///
    /// ```
    /// let h = sigv4_kit::PayloadHash::from_digest(sigv4_kit::spec::sha256(b"abc"));
    /// assert_eq!(h, sigv4_kit::PayloadHash::of(b"abc"));
    /// ```
    pub fn from_digest(digest: [u8; 32]) -> Self {
        Self(Repr::Hex(crate::digest::hex64(&digest)))
    }

    /// `UNSIGNED-PAYLOAD`.
    pub const fn unsigned() -> Self {
        Self(Repr::Literal(UNSIGNED_PAYLOAD))
    }

    /// The `x-amz-content-sha256` literal of an `aws-chunked` streaming mode.
    ///
    /// ```
    /// use sigv4_kit::PayloadHash;
    /// use sigv4_kit::chunked::StreamingMode;
    /// assert_eq!(PayloadHash::streaming(StreamingMode::SignedPayload).as_str(), "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    /// ```
    pub const fn streaming(mode: StreamingMode) -> Self {
        Self(Repr::Literal(mode.content_sha256()))
    }

    /// A precomputed value: 64 lowercase hex digits, `UNSIGNED-PAYLOAD`, or one of the
    /// `STREAMING-*` literals.
    ///
    /// # Errors
    ///
    /// [`ParseError`] (input `payload hash`) for anything else.
    ///
    /// ```
    /// use sigv4_kit::PayloadHash;
    /// assert!(PayloadHash::precomputed("UNSIGNED-PAYLOAD").is_ok());
    /// assert!(PayloadHash::precomputed("ABC").is_err());
    /// ```
    pub fn precomputed(value: &str) -> Result<Self, ParseError> {
        if let Some(lit) = LITERALS.iter().find(|l| **l == value) {
            return Ok(Self(Repr::Literal(lit)));
        }
        let bytes = value.as_bytes();
        if bytes.len() != 64 {
            return Err(ParseError::new(WHAT, "expected 64 hex digits or a known literal"));
        }
        if !bytes.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(ParseError::new(WHAT, "hex digits must be lowercase 0-9a-f"));
        }
        let mut out = [0u8; 64];
        out.copy_from_slice(bytes);
        Ok(Self(Repr::Hex(out)))
    }

    /// The text of the canonical request's last line.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Hex(h) => crate::slices::ascii_text(h),
            Repr::Literal(l) => l,
        }
    }
}

impl fmt::Display for PayloadHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for PayloadHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PayloadHash({})", self.as_str())
    }
}

/// The `aws-chunked` modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StreamingMode {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: every chunk signed.
    SignedPayload,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: every chunk and the trailer signed.
    SignedPayloadTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: chunks unsigned, a trailing checksum.
    UnsignedPayloadTrailer,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD`: every chunk signed with SigV4a.
    EcdsaSignedPayload,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER`: every chunk and the trailer signed
    /// with SigV4a.
    EcdsaSignedPayloadTrailer,
}

/// Every mode, for lookups by name.
const MODES: [StreamingMode; 5] = [
    StreamingMode::SignedPayload,
    StreamingMode::SignedPayloadTrailer,
    StreamingMode::UnsignedPayloadTrailer,
    StreamingMode::EcdsaSignedPayload,
    StreamingMode::EcdsaSignedPayloadTrailer,
];

impl StreamingMode {
    /// The `x-amz-content-sha256` value of this mode.
    pub const fn content_sha256(self) -> &'static str {
        match self {
            Self::SignedPayload => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            Self::SignedPayloadTrailer => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
            Self::UnsignedPayloadTrailer => "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            Self::EcdsaSignedPayload => "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
            Self::EcdsaSignedPayloadTrailer => "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
        }
    }

    /// The mode whose `x-amz-content-sha256` value is `value`.
    pub fn from_content_sha256(value: &str) -> Option<Self> {
        MODES.into_iter().find(|m| m.content_sha256() == value)
    }

    /// Whether chunks carry signatures.
    pub const fn is_signed(self) -> bool {
        !matches!(self, Self::UnsignedPayloadTrailer)
    }

    /// Whether a trailer follows the final chunk.
    pub const fn has_trailer(self) -> bool {
        matches!(self, Self::SignedPayloadTrailer | Self::UnsignedPayloadTrailer | Self::EcdsaSignedPayloadTrailer)
    }

    /// The algorithm that signs the chunks (`None` for unsigned chunks).
    pub const fn algorithm(self) -> Option<Algorithm> {
        match self {
            Self::SignedPayload | Self::SignedPayloadTrailer => Some(Algorithm::HmacSha256),
            Self::EcdsaSignedPayload | Self::EcdsaSignedPayloadTrailer => Some(Algorithm::EcdsaP256Sha256),
            Self::UnsignedPayloadTrailer => None,
        }
    }

    /// The same mode for `algorithm`: the signed modes have a SigV4 and a SigV4a form; the
    /// unsigned mode serves both.
    ///
    /// ```
    /// use sigv4_kit::chunked::StreamingMode;
    /// use sigv4_kit::spec::Algorithm;
    /// assert_eq!(
    ///     StreamingMode::SignedPayloadTrailer.for_algorithm(Algorithm::EcdsaP256Sha256),
    ///     StreamingMode::EcdsaSignedPayloadTrailer
    /// );
    /// ```
    pub const fn for_algorithm(self, algorithm: Algorithm) -> Self {
        let ecdsa = matches!(algorithm, Algorithm::EcdsaP256Sha256);
        match (self, ecdsa) {
            (Self::SignedPayload | Self::EcdsaSignedPayload, false) => Self::SignedPayload,
            (Self::SignedPayload | Self::EcdsaSignedPayload, true) => Self::EcdsaSignedPayload,
            (Self::SignedPayloadTrailer | Self::EcdsaSignedPayloadTrailer, false) => Self::SignedPayloadTrailer,
            (Self::SignedPayloadTrailer | Self::EcdsaSignedPayloadTrailer, true) => Self::EcdsaSignedPayloadTrailer,
            (Self::UnsignedPayloadTrailer, _) => Self::UnsignedPayloadTrailer,
        }
    }

    /// The length of a chunk or trailer signature on the wire: 64 hex digits for SigV4, and
    /// for SigV4a the DER hex padded with `*` to 144 characters, so that lengths are known in
    /// advance (as AWS's signers send it).
    pub const fn wire_signature_len(self) -> usize {
        match self.algorithm() {
            Some(Algorithm::EcdsaP256Sha256) => 2 * crate::signature::MAX_SIGNATURE_LEN,
            Some(_) => 64,
            None => 0,
        }
    }
}
