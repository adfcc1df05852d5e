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
//! use sigv4_kit::{AmzDate, Credentials, FixedClock};
//! use sigv4_kit::sign::{SigV4Signer, SigningSettings};
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
//! [`SigV4Signer::sign_chunked`]: crate::sign::SigV4Signer::sign_chunked

mod chain;
mod checksum;
mod decoder;
mod encoder;
mod error;

pub use crate::payload::StreamingMode;
pub use chain::{CHUNK_ALGORITHM, ChunkChain, TRAILER_ALGORITHM};
pub use checksum::{Checksum, ChecksumAlgorithm};
pub use decoder::{ChunkLimits, ChunkedDecoder};
pub use encoder::{ChunkedEncoder, DEFAULT_CHUNK_SIZE};
pub use error::{ChunkError, ChunkErrorKind};

/// How [`SigV4Signer::sign_chunked`](crate::sign::SigV4Signer::sign_chunked) frames a body.
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

#[cfg(feature = "http-body")]
/// Feeds every contiguous slice of `data` to `push`.
pub(crate) fn for_each_slice<E>(
    mut data: impl bytes::Buf,
    mut push: impl FnMut(&[u8]) -> Result<(), E>,
) -> Result<(), E> {
    while data.has_remaining() {
        let slice = data.chunk();
        let n = slice.len();
        if n == 0 {
            // A `Buf` that reports bytes but shows none; stop rather than spin.
            break;
        }
        push(slice)?;
        data.advance(n);
    }
    Ok(())
}
