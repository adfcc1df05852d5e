//! The payload: where the canonical request's payload line comes from (a declared hash,
//! `UNSIGNED-PAYLOAD`, an `aws-chunked` mode, or the body's own hash), as [`Verifier::begin`]
//! reads it and [`PendingVerification::finish`](super::PendingVerification::finish) uses it.

use subtle::ConstantTimeEq;

use super::auth::{Claim, Location};
use super::checks::single;
use super::error::{ErrorCode, VerifyError};
use super::verified::{PayloadCheck, PayloadState, StreamingPayload};
use super::verifier::Verifier;
use crate::chunked::{ChunkChain, StreamingMode};
use crate::known_headers::{Known, KnownHeaders};
use crate::payload::{PayloadHash, UNSIGNED_PAYLOAD};

/// Where the payload line of the canonical request comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum PayloadSource {
    /// `x-amz-content-sha256` holds a hex digest: the body must match it.
    Declared([u8; 32]),
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
    /// An `aws-chunked` body.
    Streaming { mode: StreamingMode, decoded_length: u64, trailers: Vec<String> },
    /// No declaration: the payload line is the hash of the body, which the caller supplies.
    BodyHash,
}

impl Verifier {
    /// Reads the payload declaration.
    pub(super) fn payload_source(
        &self,
        known: &KnownHeaders<'_>,
        claim: &Claim<'_>,
    ) -> Result<PayloadSource, VerifyError> {
        let malformed = claim.location.malformed();
        let declared = single(known, Known::ContentSha256, malformed)?;
        let source = match declared.map(str::trim) {
            Some(UNSIGNED_PAYLOAD) => PayloadSource::Unsigned,
            Some(v) if v.starts_with("STREAMING-") => self.streaming_source(known, claim, v)?,
            Some(v) => {
                let mut digest = [0u8; 32];
                if !crate::digest::decode_lower_hex(v.as_bytes(), &mut digest) {
                    return Err(VerifyError::new(
                        ErrorCode::InvalidArgument,
                        "x-amz-content-sha256 does not contain a valid SHA-256",
                    ));
                }
                // Only a declared length above zero says the body is not empty; without one (no
                // `Content-Length`, or one that is not a number) the body is compared with the
                // declared hash when it is read.
                if v == crate::digest::EMPTY_SHA256_HEX && declared_length(known).is_some_and(|len| len > 0) {
                    return Err(VerifyError::new(
                        ErrorCode::XAmzContentSHA256Mismatch,
                        "x-amz-content-sha256 is the hash of an empty body, but the body is not empty",
                    ));
                }
                PayloadSource::Declared(digest)
            }
            None if self.config().s3_payload_rules && matches!(claim.location, Location::Query { .. }) => {
                PayloadSource::Unsigned
            }
            None => PayloadSource::BodyHash,
        };
        let unsigned = matches!(
            source,
            PayloadSource::Unsigned | PayloadSource::Streaming { mode: StreamingMode::UnsignedPayloadTrailer, .. }
        );
        if unsigned && !self.config().allow_unsigned_payload {
            return Err(VerifyError::new(ErrorCode::AccessDenied, "UNSIGNED-PAYLOAD is not accepted here"));
        }
        Ok(source)
    }

    /// Reads an `aws-chunked` declaration: the mode, `x-amz-decoded-content-length` and
    /// `x-amz-trailer`.
    fn streaming_source(
        &self,
        known: &KnownHeaders<'_>,
        claim: &Claim<'_>,
        value: &str,
    ) -> Result<PayloadSource, VerifyError> {
        let malformed = claim.location.malformed();
        let Some(mode) = StreamingMode::from_content_sha256(value) else {
            return Err(VerifyError::new(
                ErrorCode::InvalidArgument,
                "x-amz-content-sha256 names an unknown streaming mode",
            ));
        };
        if mode.algorithm().is_some_and(|a| a != claim.algorithm) {
            return Err(VerifyError::new(
                ErrorCode::InvalidArgument,
                "the streaming mode's signing algorithm is not the request's",
            ));
        }
        if claim.location != Location::Header {
            return Err(VerifyError::new(ErrorCode::InvalidRequest, "an aws-chunked body needs header authentication"));
        }
        let decoded_length = single(known, Known::DecodedContentLength, malformed)?
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or_else(|| {
                VerifyError::new(
                    ErrorCode::InvalidRequest,
                    "an aws-chunked body needs a numeric x-amz-decoded-content-length header",
                )
            })?;
        let trailers: Vec<String> = match single(known, Known::Trailer, malformed)? {
            Some(v) => v.split(',').map(|n| n.trim().to_ascii_lowercase()).filter(|n| !n.is_empty()).collect(),
            // No `x-amz-trailer` header names no trailer (the mode says whether it needs one).
            None => Vec::new(),
        };
        if mode.has_trailer() == trailers.is_empty() {
            return Err(VerifyError::new(
                ErrorCode::InvalidRequest,
                "x-amz-trailer must name the trailers in the trailer modes, and only there",
            ));
        }
        if mode == StreamingMode::UnsignedPayloadTrailer
            && !trailers.iter().any(|t| crate::chunked::ChecksumAlgorithm::from_header_name(t).is_some())
        {
            // Unsigned chunks are protected by the trailing checksum alone.
            return Err(VerifyError::new(
                ErrorCode::InvalidRequest,
                "STREAMING-UNSIGNED-PAYLOAD-TRAILER needs an x-amz-checksum-* trailer",
            ));
        }
        if trailers.len() > 16 {
            return Err(VerifyError::new(ErrorCode::InvalidRequest, "x-amz-trailer names too many trailers"));
        }
        Ok(PayloadSource::Streaming { mode, decoded_length, trailers })
    }
}

impl PayloadSource {
    /// The payload line of the canonical request: the declared hash, `UNSIGNED-PAYLOAD`, the
    /// streaming mode's literal, or, for a request that declares none, the hex of `body_hash`.
    ///
    /// # Errors
    ///
    /// `InternalError` when the line is the body's hash and the caller did not give it.
    /// The line is a [`PayloadHash`], which keeps a hash's hex digits inline: no allocation.
    pub(super) fn line(&self, body_hash: Option<[u8; 32]>) -> Result<PayloadHash, VerifyError> {
        match self {
            // The declared text is the lowercase hex of `expected` (`decode_lower_hex` accepted
            // it), so the hash written from `expected` is that text.
            Self::Declared(expected) => Ok(PayloadHash::from_digest(*expected)),
            Self::Unsigned => Ok(PayloadHash::unsigned()),
            Self::Streaming { mode, .. } => Ok(PayloadHash::streaming(*mode)),
            Self::BodyHash => {
                let digest = body_hash.ok_or_else(|| {
                    VerifyError::new(
                        ErrorCode::InternalError,
                        "the request does not declare x-amz-content-sha256, so its body hash is needed to verify it",
                    )
                })?;
                Ok(PayloadHash::from_digest(digest))
            }
        }
    }

    /// Refuses a body hash that is not the declared one. Nothing to compare when the request
    /// declares no hash, or when the caller has no body hash.
    ///
    /// # Errors
    ///
    /// `XAmzContentSHA256Mismatch`.
    pub(super) fn check_body_hash(&self, body_hash: Option<[u8; 32]>) -> Result<(), VerifyError> {
        if let (Self::Declared(expected), Some(got)) = (self, body_hash)
            && !bool::from(got.ct_eq(expected))
        {
            return Err(VerifyError::new(
                ErrorCode::XAmzContentSHA256Mismatch,
                "the provided 'x-amz-content-sha256' header does not match what was computed",
            ));
        }
        Ok(())
    }

    /// Whether the body is `aws-chunked` with signed chunks, whose chain continues from the
    /// request's signature.
    pub(super) fn has_signed_chunks(&self) -> bool {
        matches!(self, Self::Streaming { mode, .. } if mode.is_signed())
    }

    /// What is left to check of the payload once the signature matches: `body_hash` is the one
    /// the caller gave (compared with a declared hash by [`PayloadSource::check_body_hash`]),
    /// and `chain` the chunk chain of a body with signed chunks.
    pub(super) fn into_state(self, body_hash: Option<[u8; 32]>, chain: Option<ChunkChain>) -> PayloadState {
        match self {
            // A given body hash was compared with the declared one before the signature.
            Self::Declared(expected) => match body_hash {
                Some(_) => PayloadState::Checked,
                None => PayloadState::Pending(PayloadCheck::new(expected)),
            },
            Self::Unsigned => PayloadState::Unsigned,
            Self::Streaming { mode, decoded_length, trailers } => {
                PayloadState::Streaming(StreamingPayload { mode, chain, decoded_length, trailers })
            }
            Self::BodyHash => PayloadState::Checked,
        }
    }
}

/// The body length the `Content-Length` header declares: `None` without the header, or with
/// one that is not a decimal number (which
/// [`PendingVerification::check_body_length`](super::PendingVerification::check_body_length)
/// refuses once the body is there).
fn declared_length(known: &KnownHeaders<'_>) -> Option<u64> {
    known.first(Known::ContentLength).and_then(crate::request::parse_content_length)
}
