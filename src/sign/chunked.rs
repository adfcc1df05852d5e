//! `aws-chunked` signing: [`SigV4Signer::sign_chunked`] and [`SigV4Signer::chunk_encoder`].

use super::output::SigningOutput;
use super::settings::{PayloadMode, SigningSettings};
use super::sigv4::SigV4Signer;
use crate::chunked::{ChunkChain, ChunkedEncoder, ChunkedOptions, StreamingMode};
use crate::error::SignError;
use crate::payload::PayloadHash;
use crate::request::SignableRequest;
use crate::signature::Signature;
use crate::time::AmzDate;

impl SigV4Signer {
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
    /// settings, and every error of [`Signer::sign_parts`](super::Signer::sign_parts).
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
                value = with_other_encodings(&parts.headers, value)?;
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
        if self.settings().presign_expiry().is_some() {
            return Err(SignError::InvalidStreaming {
                reason: "an aws-chunked body needs header signing, not a presigned URL",
            });
        }
        Ok(self
            .settings()
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
            (_, trailer) => ChunkedEncoder::signed(self.chain(time, seed.signature())?, trailer, options.chunk_size)?,
        };
        Ok(encoder)
    }

    /// The chunk chain that continues from `seed`, signed at `time`.
    fn chain(&self, time: AmzDate, seed: Signature) -> Result<ChunkChain, SignError> {
        let scope = self.scope(time)?;
        self.material().chain(time, &scope, seed, self.credentials(), self.key_cache())
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

/// `aws-chunked` followed by the encodings `headers` already names (`aws-chunked,gzip`).
/// A value that is not visible ASCII is refused rather than dropped.
fn with_other_encodings(headers: &http::HeaderMap, aws_chunked: String) -> Result<String, SignError> {
    let mut value = aws_chunked;
    for header in headers.get_all(http::header::CONTENT_ENCODING) {
        let text = header.to_str().map_err(|_| SignError::InvalidHeader {
            name: "content-encoding".to_owned(),
            reason: "not visible ascii",
        })?;
        for coding in text.split(',').map(str::trim) {
            if !coding.is_empty() && !coding.eq_ignore_ascii_case("aws-chunked") {
                value.push(',');
                value.push_str(coding);
            }
        }
    }
    Ok(value)
}
