//! The `aws-chunked` decoder: a sans-IO state machine that verifies each chunk before it
//! releases a byte of it.
//!
//! Push bytes as the network delivers them, in any split; verified payload bytes are appended
//! to the output. The first failure is terminal: every later call fails the same way.
//!
//! In `STREAMING-UNSIGNED-PAYLOAD-TRAILER` mode the chunks carry no signature: their bytes are
//! released as they arrive, and only the trailing checksum, checked when the trailer arrives,
//! protects them. Do not commit such data before [`ChunkedDecoder::finish`] succeeds.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::StreamingMode;
use super::chain::ChunkChain;
use super::checksum::{Checksum, ChecksumAlgorithm};
use super::error::{ChunkError, ChunkErrorKind};
use crate::signature::Signature;

/// Bounds on what a decoder buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChunkLimits {
    /// Largest chunk accepted, in bytes (default 16 MiB). A chunk is held until its signature
    /// is checked, so this bounds the decoder's memory.
    pub max_chunk_size: usize,
    /// Longest chunk-header or trailer line (default 4 KiB).
    pub max_line_len: usize,
    /// Most trailer lines (default 16).
    pub max_trailers: usize,
    /// Smallest chunk accepted, in bytes, but for the last chunk with data (default 8 KiB, as
    /// S3 requires: it answers `InvalidChunkSizeError`). Every chunk costs a signature check, a
    /// SigV4a one an ECDSA verification of about 0.2 ms, so this bounds the work a body of a
    /// given length can ask for. `0` accepts chunks of any size.
    pub min_chunk_size: usize,
}

impl Default for ChunkLimits {
    fn default() -> Self {
        Self { max_chunk_size: 16 * 1024 * 1024, max_line_len: 4096, max_trailers: 16, min_chunk_size: 8 * 1024 }
    }
}

/// The most buffer a chunk header reserves before its data arrives.
const UPFRONT_RESERVE: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading a chunk-header line.
    Header,
    /// Reading chunk data; this many bytes remain.
    Data(usize),
    /// Reading the CRLF after chunk data; this many bytes of it were read.
    DataEnd(u8),
    /// Reading trailer lines after the final chunk.
    Trailer,
    /// The stream is complete.
    Done,
}

/// Verifies and decodes an `aws-chunked` body.
#[derive(Debug)]
pub struct ChunkedDecoder {
    mode: StreamingMode,
    chain: Option<ChunkChain>,
    expected_len: u64,
    decoded_len: u64,
    announced: Vec<String>,
    checksums: Vec<(ChecksumAlgorithm, Checksum)>,
    limits: ChunkLimits,
    state: State,
    line: Vec<u8>,
    chunk: Vec<u8>,
    chunk_hash: Sha256,
    chunk_signature: Option<Signature>,
    trailers: Vec<(String, String)>,
    failed: Option<ChunkError>,
}

fn invalid(message: &'static str) -> ChunkError {
    ChunkError::new(ChunkErrorKind::Malformed, message)
}

fn incomplete(message: &'static str) -> ChunkError {
    ChunkError::new(ChunkErrorKind::Incomplete, message)
}

fn mismatch() -> ChunkError {
    ChunkError::new(
        ChunkErrorKind::SignatureMismatch,
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    )
}

impl ChunkedDecoder {
    /// A decoder for `mode`, continuing `chain` (required in the signed modes), expecting
    /// `expected_len` decoded bytes (`x-amz-decoded-content-length`) and the trailers named in
    /// `announced` (`x-amz-trailer`).
    ///
    /// Fails closed: in a signed mode without a chain, or with a chain of the other algorithm
    /// (SigV4 for a SigV4a mode, or the reverse), every [`push`](ChunkedDecoder::push) and
    /// [`finish`](ChunkedDecoder::finish) is an error, never an unchecked release.
    pub fn new(
        mode: StreamingMode,
        chain: Option<ChunkChain>,
        expected_len: u64,
        announced: Vec<String>,
        limits: ChunkLimits,
    ) -> Self {
        let announced: Vec<String> = announced.into_iter().map(|n| n.trim().to_ascii_lowercase()).collect();
        let checksums = announced
            .iter()
            .filter_map(|n| ChecksumAlgorithm::from_header_name(n))
            .map(|a| (a, Checksum::new(a)))
            .collect();
        let failed = match (mode.algorithm(), &chain) {
            (Some(_), None) => Some("a signed aws-chunked body needs the chunk chain to verify it"),
            (Some(algorithm), Some(chain)) if chain.algorithm() != algorithm => {
                Some("the chunk chain's algorithm is not the one of the streaming mode")
            }
            _ => None,
        }
        .map(|message| ChunkError::new(ChunkErrorKind::Misconfigured, message));
        Self {
            mode,
            chain,
            expected_len,
            decoded_len: 0,
            announced,
            checksums,
            limits,
            state: State::Header,
            line: Vec::new(),
            chunk: Vec::new(),
            chunk_hash: Sha256::new(),
            chunk_signature: None,
            trailers: Vec::new(),
            failed,
        }
    }

    /// Whether the final chunk and trailer have been read and checked.
    pub fn is_done(&self) -> bool {
        self.state == State::Done && self.failed.is_none()
    }

    /// The decoded bytes released so far.
    pub fn decoded_len(&self) -> u64 {
        self.decoded_len
    }

    /// The trailers received (lowercase names), once the stream is done.
    pub fn trailers(&self) -> &[(String, String)] {
        &self.trailers
    }

    /// Takes the next bytes of the encoded body, in any split, and appends the payload bytes of
    /// every chunk whose signature checks out to `out`.
    ///
    /// # Errors
    ///
    /// A [`ChunkError`] of kind `SignatureMismatch` for a chunk or trailer signature that does
    /// not match, `Incomplete` for a length that disagrees with `x-amz-decoded-content-length`,
    /// `ChecksumMismatch` for a wrong trailing checksum, `ChunkTooSmall` for a short chunk
    /// before the last, `Malformed` for malformed framing or exceeded limits. After an error
    /// every call fails the same way.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), ChunkError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        match self.run(input, out) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Checks that the stream ended where it should: after the final chunk and trailer.
    ///
    /// # Errors
    ///
    /// `Incomplete` when the stream stopped early, or the first error [`push`] returned.
    ///
    /// [`push`]: ChunkedDecoder::push
    pub fn finish(&self) -> Result<(), ChunkError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.state != State::Done {
            return Err(incomplete("the body ended before its final chunk and trailer"));
        }
        Ok(())
    }

    fn run(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> Result<(), ChunkError> {
        /// The bytes of chunk data handled in one step: well inside a first-level data cache.
        const CACHE_SLICE: usize = 8 * 1024;
        while !input.is_empty() {
            match self.state {
                State::Header | State::Trailer => {
                    let Some(line) = self.take_line(&mut input)? else { return Ok(()) };
                    if self.state == State::Header {
                        self.on_header(&line)?;
                    } else {
                        self.on_trailer_line(line)?;
                    }
                }
                State::Data(remaining) => {
                    let take = remaining.min(input.len());
                    let (data, rest) = input.split_at(take);
                    // A few kilobytes at a time, so that the copy, the hash and the checksums
                    // all read the bytes while they are in the first-level cache. A chunk that
                    // fails its signature makes the decoder terminal, so its bytes never reach
                    // a released checksum.
                    for part in data.chunks(CACHE_SLICE) {
                        self.chunk_hash.update(part);
                        self.chunk.extend_from_slice(part);
                        for (_, c) in &mut self.checksums {
                            c.update(part);
                        }
                    }
                    input = rest;
                    self.state = if take == remaining { State::DataEnd(0) } else { State::Data(remaining - take) };
                }
                State::DataEnd(seen) => {
                    let (&b, rest) = input.split_first().ok_or_else(|| invalid("internal"))?;
                    let want = if seen == 0 { b'\r' } else { b'\n' };
                    if b != want {
                        return Err(invalid("chunk data is not followed by CRLF"));
                    }
                    input = rest;
                    if seen == 0 {
                        self.state = State::DataEnd(1);
                    } else {
                        self.release_chunk(out)?;
                        self.state = State::Header;
                    }
                }
                State::Done => return Err(invalid("the body continues after its final chunk")),
            }
        }
        Ok(())
    }

    /// Takes bytes up to and including a CRLF; `None` when the line is not complete yet.
    fn take_line(&mut self, input: &mut &[u8]) -> Result<Option<Vec<u8>>, ChunkError> {
        let end = input.iter().position(|&b| b == b'\n');
        let take = end.map_or(input.len(), |i| i + 1);
        let (head, rest) = input.split_at(take);
        if self.line.len() + head.len() > self.limits.max_line_len + 2 {
            return Err(invalid("a chunk-header or trailer line is too long"));
        }
        self.line.extend_from_slice(head);
        *input = rest;
        if end.is_none() {
            return Ok(None);
        }
        let mut line = core::mem::take(&mut self.line);
        if !line.ends_with(b"\r\n") {
            return Err(invalid("a chunk-header or trailer line does not end in CRLF"));
        }
        line.truncate(line.len() - 2);
        Ok(Some(line))
    }

    /// Parses `hex-size[;chunk-signature=sig]`.
    fn on_header(&mut self, line: &[u8]) -> Result<(), ChunkError> {
        let line = core::str::from_utf8(line).map_err(|_| invalid("a chunk header is not ASCII"))?;
        let (size, ext) = match line.split_once(';') {
            Some((s, e)) => (s, Some(e)),
            None => (line, None),
        };
        if size.is_empty() || size.len() > 16 || !size.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid("a chunk size is not hexadecimal"));
        }
        let size = u64::from_str_radix(size, 16).map_err(|_| invalid("a chunk size is not hexadecimal"))?;
        let size = usize::try_from(size).ok().filter(|s| *s <= self.limits.max_chunk_size);
        let size = size.ok_or_else(|| invalid("a chunk is larger than the maximum chunk size"))?;
        self.chunk_signature = match (self.mode.is_signed(), ext) {
            (true, Some(ext)) => {
                let sig = ext
                    .strip_prefix("chunk-signature=")
                    .ok_or_else(|| invalid("a chunk header lacks chunk-signature"))?;
                Some(parse_signature(self.mode, sig).ok_or_else(|| invalid("a chunk signature is malformed"))?)
            }
            (true, None) => return Err(invalid("a chunk header lacks chunk-signature")),
            (false, Some(_)) => return Err(invalid("an unsigned chunk header has an extension")),
            (false, None) => None,
        };
        let decoded_len = self.decoded_len.saturating_add(size as u64);
        if decoded_len > self.expected_len {
            return Err(incomplete("the body is longer than x-amz-decoded-content-length"));
        }
        // Only the chunk that completes x-amz-decoded-content-length may be small.
        if size != 0 && size < self.limits.min_chunk_size && decoded_len != self.expected_len {
            return Err(ChunkError::new(
                ChunkErrorKind::ChunkTooSmall,
                "only the last chunk is allowed to have a size less than the minimum chunk size",
            ));
        }
        if size == 0 {
            // The final chunk: no data, and the trailer section follows.
            self.chunk_hash = Sha256::new();
            self.verify_chunk_signature()?;
            self.state = State::Trailer;
        } else {
            self.chunk.clear();
            // Room for the chunk, but never more up front than bytes that have not arrived yet
            // can justify: a 16 MiB chunk header alone claims at most `UPFRONT_RESERVE`.
            self.chunk.reserve(size.min(UPFRONT_RESERVE));
            self.chunk_hash = Sha256::new();
            self.state = State::Data(size);
        }
        Ok(())
    }

    /// Checks the current chunk's signature against the chain.
    fn verify_chunk_signature(&mut self) -> Result<(), ChunkError> {
        let hash: [u8; 32] = core::mem::take(&mut self.chunk_hash).finalize().into();
        match (&mut self.chain, self.chunk_signature.take()) {
            (Some(chain), Some(sig)) => {
                if chain.verify_chunk_hash(&hash, &sig) {
                    Ok(())
                } else {
                    Err(mismatch())
                }
            }
            (Some(_), None) => Err(mismatch()),
            (None, _) => Ok(()),
        }
    }

    /// Verifies the buffered chunk and releases it.
    fn release_chunk(&mut self, out: &mut Vec<u8>) -> Result<(), ChunkError> {
        self.verify_chunk_signature()?;
        self.decoded_len += self.chunk.len() as u64;
        if out.is_empty() {
            // The caller took the last release: hand over the buffer instead of copying it.
            core::mem::swap(&mut self.chunk, out);
        } else {
            out.extend_from_slice(&self.chunk);
        }
        self.chunk.clear();
        Ok(())
    }

    /// One trailer line, or the empty line that ends the trailer section.
    fn on_trailer_line(&mut self, line: Vec<u8>) -> Result<(), ChunkError> {
        if !line.is_empty() {
            if self.trailers.len() >= self.limits.max_trailers {
                return Err(invalid("too many trailer lines"));
            }
            let line = String::from_utf8(line).map_err(|_| invalid("a trailer line is not UTF-8"))?;
            let (name, value) = line.split_once(':').ok_or_else(|| invalid("a trailer line is not name:value"))?;
            self.trailers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            return Ok(());
        }
        self.check_trailers()?;
        if self.decoded_len != self.expected_len {
            return Err(incomplete("the body is shorter than x-amz-decoded-content-length"));
        }
        self.state = State::Done;
        Ok(())
    }

    /// Checks the trailer section: the names announced, its signature, and the checksums.
    fn check_trailers(&mut self) -> Result<(), ChunkError> {
        let signature = if self.mode.is_signed() && self.mode.has_trailer() {
            match self.trailers.pop() {
                Some((name, value)) if name == "x-amz-trailer-signature" => Some(
                    parse_signature(self.mode, &value).ok_or_else(|| invalid("the trailer signature is malformed"))?,
                ),
                _ => return Err(invalid("the trailer lacks x-amz-trailer-signature")),
            }
        } else {
            None
        };
        let mut names: Vec<&str> = self.trailers.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        let mut announced: Vec<&str> = self.announced.iter().map(String::as_str).collect();
        announced.sort_unstable();
        if names != announced {
            return Err(invalid("the trailers sent differ from those x-amz-trailer announced"));
        }
        if let (Some(sig), Some(chain)) = (signature, &mut self.chain) {
            let mut canonical = String::new();
            for (n, v) in &self.trailers {
                canonical.push_str(n);
                canonical.push(':');
                canonical.push_str(v);
                canonical.push('\n');
            }
            if !chain.verify_trailer(canonical.as_bytes(), &sig) {
                return Err(mismatch());
            }
        }
        for (algorithm, checksum) in core::mem::take(&mut self.checksums) {
            let computed = checksum.finish();
            let sent = self.trailers.iter().find(|(n, _)| n == algorithm.header_name()).map(|(_, v)| v.as_str());
            if !sent.is_some_and(|s| bool::from(s.as_bytes().ct_eq(computed.as_bytes()))) {
                return Err(ChunkError::new(
                    ChunkErrorKind::ChecksumMismatch,
                    format!("the {} trailer does not match the body", algorithm.header_name()),
                ));
            }
        }
        Ok(())
    }
}

/// Parses a chunk or trailer signature as `mode` sends it: 64 lowercase hex digits, or for
/// SigV4a the DER hex padded with `*` to exactly 144 characters.
fn parse_signature(mode: StreamingMode, text: &str) -> Option<Signature> {
    match mode.algorithm() {
        Some(crate::string_to_sign::Algorithm::EcdsaP256Sha256) => {
            if text.len() != mode.wire_signature_len() {
                return None;
            }
            Signature::parse_der_hex(text.trim_end_matches('*')).ok()
        }
        _ => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::{ChunkLimits, ChunkedDecoder, UPFRONT_RESERVE};
    use crate::chunked::StreamingMode;

    #[test]
    fn a_large_chunk_header_reserves_a_bounded_buffer() {
        let size = 16 * 1024 * 1024;
        let mut d = ChunkedDecoder::new(
            StreamingMode::UnsignedPayloadTrailer,
            None,
            size as u64,
            Vec::new(),
            ChunkLimits::default(),
        );
        let mut out = Vec::new();
        d.push(format!("{size:x}\r\n").as_bytes(), &mut out).unwrap_or_else(|e| panic!("{e}"));
        assert!(d.chunk.capacity() <= 2 * UPFRONT_RESERVE, "reserved {} bytes", d.chunk.capacity());
        d.push(&[7; 4096], &mut out).unwrap_or_else(|e| panic!("{e}"));
        assert!(out.is_empty(), "nothing is released before the chunk ends");
    }

    #[test]
    fn a_signed_mode_without_a_chain_fails_closed() {
        for mode in [StreamingMode::SignedPayload, StreamingMode::SignedPayloadTrailer] {
            let mut d = ChunkedDecoder::new(mode, None, 1, Vec::new(), ChunkLimits::default());
            let mut out = Vec::new();
            let sig = "0".repeat(64);
            assert!(d.push(format!("1;chunk-signature={sig}\r\nx\r\n").as_bytes(), &mut out).is_err());
            assert!(out.is_empty());
            assert!(d.finish().is_err());
        }
    }

    #[cfg(feature = "sigv4a")]
    #[test]
    fn a_chain_of_the_other_algorithm_fails_closed() {
        use crate::chunked::ChunkChain;
        use crate::chunked::ChunkErrorKind;
        use crate::key::SigningKey;
        use crate::scope::CredentialScope;
        use crate::signature::Signature;

        let time = "20130524T000000Z".parse().unwrap_or_else(|e| panic!("{e}"));
        let scope = CredentialScope::new(time, "us-east-1", "s3").unwrap_or_else(|e| panic!("{e}"));
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let hmac = ChunkChain::new(SigningKey::derive(secret, &scope), time, &scope, Signature::from_bytes([0; 32]));
        let key = crate::sigv4a::EcdsaKey::derive("AKIDEXAMPLE", secret).unwrap_or_else(|e| panic!("{e}"));
        let ecdsa = ChunkChain::sigv4a(key, time, &scope, Signature::from_bytes([0; 32]));
        for (mode, chain) in [(StreamingMode::EcdsaSignedPayload, hmac), (StreamingMode::SignedPayload, ecdsa)] {
            let mut d = ChunkedDecoder::new(mode, Some(chain), 0, Vec::new(), ChunkLimits::default());
            let mut out = Vec::new();
            let e = d.push(b"0;chunk-signature=", &mut out).expect_err("a mismatched chain");
            assert_eq!(e.kind(), ChunkErrorKind::Misconfigured, "{mode:?}");
            assert!(d.finish().is_err());
        }
    }
}
