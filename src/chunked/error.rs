//! [`ChunkError`]: why an `aws-chunked` body was refused.

use std::borrow::Cow;

/// What kind of fault a [`ChunkError`] reports. A verifier maps each kind to the error code
/// AWS answers with (in one place: `VerifyError`'s `From<ChunkError>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChunkErrorKind {
    /// The framing is malformed or exceeds a [`ChunkLimits`](super::ChunkLimits) bound
    /// (S3: `InvalidRequest`).
    Malformed,
    /// The decoded length disagrees with `x-amz-decoded-content-length`, or the body ended
    /// early (S3: `IncompleteBody`).
    Incomplete,
    /// A chunk or trailer signature does not match (S3: `SignatureDoesNotMatch`).
    SignatureMismatch,
    /// A chunk other than the last is below the minimum chunk size (S3:
    /// `InvalidChunkSizeError`).
    ChunkTooSmall,
    /// The trailing checksum does not match the body (S3: `XAmzContentChecksumMismatch`).
    ChecksumMismatch,
    /// The decoder was built without what its mode needs (a signed mode without a chunk chain,
    /// or a chain of the other algorithm): a fault of the caller, never of the body.
    Misconfigured,
}

/// Why an `aws-chunked` body was refused by a [`ChunkedDecoder`](super::ChunkedDecoder).
///
/// ```
/// use sigv4_kit::chunked::{ChunkErrorKind, ChunkLimits, ChunkedDecoder, StreamingMode};
///
/// let mut decoder = ChunkedDecoder::new(StreamingMode::UnsignedPayloadTrailer, None, 3, Vec::new(), ChunkLimits::default());
/// let err = decoder.push(b"zz\r\n", &mut Vec::new()).unwrap_err();
/// assert_eq!(err.kind(), ChunkErrorKind::Malformed);
/// assert_eq!(err.to_string(), "a chunk size is not hexadecimal");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkError {
    kind: ChunkErrorKind,
    message: Cow<'static, str>,
}

impl ChunkError {
    pub(crate) fn new(kind: ChunkErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Self { kind, message: message.into() }
    }

    /// The kind of fault.
    pub fn kind(&self) -> ChunkErrorKind {
        self.kind
    }

    /// What was wrong, in words.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl core::fmt::Display for ChunkError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ChunkError {}
