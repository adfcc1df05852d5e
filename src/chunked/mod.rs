//! `aws-chunked` streaming payloads: large uploads signed chunk by chunk, in a chain that starts
//! at the request's own signature, with an optional trailing checksum.
//!
//! * [`ChunkedEncoder`] frames and signs a body for a client ([`SigV4Signer::sign_chunked`]
//!   sets the request's headers and returns one);
//! * [`ChunkedDecoder`] verifies a body in a gateway, from a
//!   [`Verified`](crate::verify::Verified) request whose payload is
//!   [`PayloadState::Streaming`](crate::verify::PayloadState::Streaming).
//!
//! ```
//! use sigv4_kit::chunked::{ChunkedOptions, StreamingMode};
//! use sigv4_kit::verify::{MemoryProvider, PayloadState, Principal, PrincipalKind, Verifier, VerifierConfig};
//! use sigv4_kit::{AmzDate, Credentials, FixedClock, SigV4Signer, SigningSettings};
//!
//! let t: AmzDate = "20130524T000000Z".parse()?;
//! let signer = SigV4Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-east-1", "s3")
//!     .with_settings(SigningSettings::s3())
//!     .with_clock(FixedClock::new(t));
//! let body = vec![b'a'; 100_000];
//! let (mut parts, ()) = http::Request::put("https://bucket.s3.amazonaws.com/key").body(())?.into_parts();
//! let options = ChunkedOptions::new(StreamingMode::SignedPayload).with_chunk_size(65536);
//! let mut encoder = signer.sign_chunked(&mut parts, body.len() as u64, &options)?;
//! let mut wire = Vec::new();
//! encoder.push(&body, &mut wire);
//! encoder.finish(&mut wire);
//! assert_eq!(parts.headers["content-length"], wire.len().to_string().as_str());
//!
//! // The gateway verifies the headers, then the body as it streams.
//! let provider = MemoryProvider::new().with_key("AKIDEXAMPLE", "secret", Principal::new("1", "arn:aws:iam::1:user/u", PrincipalKind::IamUser));
//! let verifier = Verifier::new(VerifierConfig::new(["s3"]).with_s3_rules()).with_clock(FixedClock::new(t));
//! let pending = verifier.begin(&parts)?;
//! let verified = pending.finish(provider.get("AKIDEXAMPLE"), None)?;
//! let PayloadState::Streaming(stream) = verified.payload else { panic!("streaming") };
//! let mut decoder = stream.decoder();
//! let mut decoded = Vec::new();
//! for piece in wire.chunks(1000) {
//!     decoder.push(piece, &mut decoded)?;
//! }
//! decoder.finish()?;
//! assert_eq!(decoded, body);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`SigV4Signer::sign_chunked`]: crate::SigV4Signer::sign_chunked

use crate::string_to_sign::Algorithm;

/// [`http_body::Body`] adapters for `aws-chunked` payloads (feature `http-body`).
#[cfg(feature = "http-body")]
pub mod body;
mod chain;
mod checksum;
mod decoder;
mod encoder;

#[cfg(feature = "http-body")]
pub use body::{SigningBody, VerifyBodyError, VerifyingBody};
pub use chain::{CHUNK_ALGORITHM, ChunkChain, TRAILER_ALGORITHM};
pub use checksum::{Checksum, ChecksumAlgorithm, UnknownChecksum};
pub use decoder::{ChunkLimits, ChunkedDecoder};
pub use encoder::{ChunkedEncoder, DEFAULT_CHUNK_SIZE};

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
    /// use sigv4_kit::{Algorithm, chunked::StreamingMode};
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

/// How [`SigV4Signer::sign_chunked`](crate::SigV4Signer::sign_chunked) frames a body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChunkedOptions {
    /// The streaming mode.
    pub mode: StreamingMode,
    /// Bytes per chunk (default 64 KiB); the last chunk may be shorter.
    pub chunk_size: usize,
    /// The trailing checksum (required in the trailer modes, not allowed otherwise).
    pub trailer: Option<ChecksumAlgorithm>,
}

impl ChunkedOptions {
    /// Options for `mode` with 64 KiB chunks and no trailer.
    pub fn new(mode: StreamingMode) -> Self {
        Self { mode, chunk_size: DEFAULT_CHUNK_SIZE, trailer: None }
    }

    /// Sets the chunk size.
    #[must_use]
    pub fn with_chunk_size(mut self, size: usize) -> Self {
        self.chunk_size = size;
        self
    }

    /// Sets the trailing checksum.
    #[must_use]
    pub fn with_trailer(mut self, algorithm: ChecksumAlgorithm) -> Self {
        self.trailer = Some(algorithm);
        self
    }

    /// The headers a chunked request carries for a body of `decoded_len` bytes:
    /// `Content-Encoding`, `x-amz-decoded-content-length`, `x-amz-trailer` and the encoded
    /// `Content-Length`.
    pub fn headers(&self, decoded_len: u64) -> Vec<(&'static str, String)> {
        let mut h = vec![
            ("content-encoding", "aws-chunked".to_owned()),
            ("x-amz-decoded-content-length", decoded_len.to_string()),
        ];
        if let Some(t) = self.trailer {
            h.push(("x-amz-trailer", t.header_name().to_owned()));
        }
        let len = ChunkedEncoder::encoded_len(self.mode, decoded_len, self.chunk_size, self.trailer);
        h.push(("content-length", len.to_string()));
        h
    }
}
