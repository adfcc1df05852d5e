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
#[derive(Debug)]
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
}

/// What is needed to verify an `aws-chunked` body: the mode, the signature chain (from the
/// request's signature), the decoded length and the announced trailers.
#[derive(Debug)]
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
/// let mut check = PayloadCheck::new(sigv4_kit::sha256(b"hello"));
/// check.update(b"hel");
/// check.update(b"lo");
/// assert!(check.finish().is_ok());
/// ```
pub struct PayloadCheck {
    expected: [u8; 32],
    hasher: Sha256,
}

impl PayloadCheck {
    /// A check against the expected SHA-256.
    pub fn new(expected: [u8; 32]) -> Self {
        Self { expected, hasher: Sha256::new() }
    }

    /// Absorbs the next part of the body.
    pub fn update(&mut self, data: &[u8]) {
        self.hasher.update(data);
    }

    /// Compares the whole body with the signed hash.
    ///
    /// # Errors
    ///
    /// `XAmzContentSHA256Mismatch` (400) when the body differs.
    pub fn finish(self) -> Result<(), VerifyError> {
        let got: [u8; 32] = self.hasher.finalize().into();
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

impl fmt::Debug for PayloadCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PayloadCheck").field("expected", &hex::encode(self.expected)).finish_non_exhaustive()
    }
}

/// A verified request: who signed it, for what scope, and how.
#[derive(Debug)]
#[non_exhaustive]
pub struct Verified {
    /// Who signed.
    pub principal: Principal,
    /// The access key id used.
    pub access_key_id: String,
    /// The scope date, `YYYYMMDD`.
    pub date: String,
    /// The scope region.
    pub region: String,
    /// The scope service.
    pub service: String,
    /// The signed headers, lowercase and sorted.
    pub signed_headers: Vec<String>,
    /// The request time.
    pub time: AmzDate,
    /// Header or presigned query.
    pub auth: AuthMethod,
    /// The state of the body.
    pub payload: PayloadState,
}
