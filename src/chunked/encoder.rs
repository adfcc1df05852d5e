//! The `aws-chunked` encoder: body bytes in, framed (and signed) chunks out.
//!
//! It is incremental: [`ChunkedEncoder::push`] takes any slice of the body and writes every
//! chunk that is complete; [`ChunkedEncoder::finish`] writes the last partial chunk, the final
//! empty chunk and the trailer. It holds at most one chunk of the body.

use sha2::Digest;

use super::StreamingMode;
use super::chain::{ChunkChain, SigningChain};
use super::checksum::{Checksum, ChecksumAlgorithm};
use crate::error::SignError;

/// The default chunk size: 64 KiB.
pub const DEFAULT_CHUNK_SIZE: usize = 64 * 1024;

/// `;chunk-signature=`.
const SIGNATURE_EXTENSION: &[u8] = b";chunk-signature=";
/// `x-amz-trailer-signature:`.
const TRAILER_SIGNATURE: &[u8] = b"x-amz-trailer-signature:";

/// Appends `sig` as the mode sends it: 64 hex digits, or for SigV4a the DER hex padded with `*`
/// to 144 characters.
fn put_signature(out: &mut Vec<u8>, mode: StreamingMode, sig: &crate::signature::Signature) {
    let start = out.len();
    sig.write_hex(out);
    let written = out.len() - start;
    out.resize(start + written.max(mode.wire_signature_len()), b'*');
}

/// Appends `len` in lowercase hex, as a chunk header gives its size.
fn put_hex_len(out: &mut Vec<u8>, len: usize) {
    let mut digits = [0u8; 2 * core::mem::size_of::<usize>()];
    let mut at = digits.len();
    let mut rest = len;
    loop {
        at -= 1;
        // `rest % 16` is a single hex digit.
        let digit = (rest % 16) as u8;
        if let Some(slot) = digits.get_mut(at) {
            *slot = if digit < 10 { b'0' + digit } else { b'a' + (digit - 10) };
        }
        rest /= 16;
        if rest == 0 || at == 0 {
            break;
        }
    }
    out.extend_from_slice(crate::slices::suffix(&digits, at));
}

/// Encodes a body as `aws-chunked`.
#[derive(Debug)]
pub struct ChunkedEncoder {
    mode: StreamingMode,
    chain: Option<SigningChain>,
    chunk_size: usize,
    pending: Vec<u8>,
    checksum: Option<Checksum>,
}

impl ChunkedEncoder {
    /// A signed encoder (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, or `...-PAYLOAD-TRAILER` when
    /// `trailer` is given; the `AWS4-ECDSA-P256-SHA256` forms for a SigV4a chain) continuing
    /// `chain` from the seed signature. A `chunk_size` of 0 is taken as 1.
    ///
    /// # Errors
    ///
    /// A chain that cannot sign (one built from a public key, with
    /// [`ChunkChain::sigv4a_verifying`]) is refused.
    pub fn signed(chain: ChunkChain, trailer: Option<ChecksumAlgorithm>, chunk_size: usize) -> Result<Self, SignError> {
        let chain = chain.into_signing()?;
        let mode = if trailer.is_some() { StreamingMode::SignedPayloadTrailer } else { StreamingMode::SignedPayload };
        let mode = mode.for_algorithm(chain.algorithm());
        Ok(Self::build(mode, Some(chain), trailer, chunk_size))
    }

    /// An unsigned encoder with a trailing checksum (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`).
    pub fn unsigned(trailer: ChecksumAlgorithm, chunk_size: usize) -> Self {
        Self::build(StreamingMode::UnsignedPayloadTrailer, None, Some(trailer), chunk_size)
    }

    fn build(
        mode: StreamingMode,
        chain: Option<SigningChain>,
        trailer: Option<ChecksumAlgorithm>,
        chunk_size: usize,
    ) -> Self {
        let chunk_size = chunk_size.max(1);
        Self {
            mode,
            chain,
            chunk_size,
            pending: Vec::with_capacity(chunk_size.min(1 << 20)),
            checksum: trailer.map(Checksum::new),
        }
    }

    /// The streaming mode.
    pub fn mode(&self) -> StreamingMode {
        self.mode
    }

    /// Takes the next bytes of the body; appends every complete chunk to `out`.
    pub fn push(&mut self, mut data: &[u8], out: &mut Vec<u8>) {
        // The trailer checksum is taken in `emit`, which every byte of the body passes once.
        while !data.is_empty() {
            if self.pending.is_empty() && data.len() >= self.chunk_size {
                let (chunk, rest) = data.split_at(self.chunk_size);
                self.emit(chunk, out);
                data = rest;
                continue;
            }
            let take = (self.chunk_size - self.pending.len()).min(data.len());
            let (head, rest) = data.split_at(take);
            self.pending.extend_from_slice(head);
            data = rest;
            if self.pending.len() == self.chunk_size {
                let chunk = core::mem::take(&mut self.pending);
                self.emit(&chunk, out);
                self.pending = chunk;
                self.pending.clear();
            }
        }
    }

    /// Writes one chunk frame. The data is copied, hashed and checksummed a few kilobytes at a
    /// time, while those bytes are in the first-level cache; the signature, which needs the
    /// hash of all of them, is written into the room kept for it in the frame's header (its
    /// length is fixed by the mode).
    fn emit(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        /// The bytes of chunk data handled in one step: well inside a first-level data cache.
        const CACHE_SLICE: usize = 8 * 1024;
        put_hex_len(out, chunk.len());
        let signature_at = self.chain.as_ref().map(|_| {
            out.extend_from_slice(SIGNATURE_EXTENSION);
            let at = out.len();
            out.resize(at + self.mode.wire_signature_len(), b'*');
            at
        });
        out.extend_from_slice(b"\r\n");
        let mut hash = sha2::Sha256::new();
        for part in chunk.chunks(CACHE_SLICE) {
            if self.chain.is_some() {
                hash.update(part);
            }
            if let Some(c) = &mut self.checksum {
                c.update(part);
            }
            out.extend_from_slice(part);
        }
        out.extend_from_slice(b"\r\n");
        if let (Some(chain), Some(at)) = (&mut self.chain, signature_at) {
            let sig = chain.sign_chunk_hash(&hash.finalize().into());
            // The room is as long as the mode's signature and already padded with `*`; the hex
            // digits of the signature (at most as many) go at its start.
            // `at` was taken from `out` above and `out` has only grown since: the room is there.
            if let Some(room) = out.get_mut(at..at + self.mode.wire_signature_len()) {
                for (pair, &byte) in room.chunks_exact_mut(2).zip(sig.as_bytes()) {
                    pair.copy_from_slice(&crate::digest::hex_pair(byte));
                }
            }
        }
    }

    /// Writes the last partial chunk, the final empty chunk and the trailer.
    pub fn finish(mut self, out: &mut Vec<u8>) {
        if !self.pending.is_empty() {
            let chunk = core::mem::take(&mut self.pending);
            self.emit(&chunk, out);
        }
        // The final, empty chunk: its data and CRLF are empty, and the trailer section follows.
        out.extend_from_slice(b"0");
        if let Some(chain) = &mut self.chain {
            let sig = chain.sign_chunk(&[]);
            out.extend_from_slice(SIGNATURE_EXTENSION);
            put_signature(out, self.mode, &sig);
        }
        out.extend_from_slice(b"\r\n");
        if let Some(checksum) = self.checksum.take() {
            let name = checksum.algorithm().header_name();
            let value = checksum.finish();
            out.extend_from_slice(format!("{name}:{value}\r\n").as_bytes());
            if let Some(chain) = &mut self.chain {
                let sig = chain.sign_trailer(format!("{name}:{value}\n").as_bytes());
                out.extend_from_slice(TRAILER_SIGNATURE);
                put_signature(out, self.mode, &sig);
                out.extend_from_slice(b"\r\n");
            }
        }
        out.extend_from_slice(b"\r\n");
    }

    /// The encoded length of a `decoded_len`-byte body: the request's `Content-Length`.
    ///
    /// ```
    /// use sigv4_kit::chunked::{ChunkedEncoder, StreamingMode};
    /// // The S3 documentation's example: 66560 bytes in 64 KiB chunks.
    /// assert_eq!(ChunkedEncoder::encoded_len(StreamingMode::SignedPayload, 66560, 65536, None), 66824);
    /// ```
    pub fn encoded_len(
        mode: StreamingMode,
        decoded_len: u64,
        chunk_size: usize,
        trailer: Option<ChecksumAlgorithm>,
    ) -> u64 {
        let chunk_size = chunk_size.max(1) as u64;
        let signed = mode.is_signed();
        let signature = mode.wire_signature_len() as u64;
        let extension = if signed { SIGNATURE_EXTENSION.len() as u64 + signature } else { 0 };
        let frame = |size: u64| -> u64 {
            let hex_digits = u64::from((64 - size.leading_zeros()).div_ceil(4).max(1));
            hex_digits + extension + 2 + size + 2
        };
        let full = decoded_len / chunk_size;
        let rest = decoded_len % chunk_size;
        let mut total = full * frame(chunk_size);
        if rest > 0 {
            total += frame(rest);
        }
        // The final chunk line, "0[;chunk-signature=...]\r\n".
        total += 1 + extension + 2;
        if let Some(a) = trailer {
            total += (a.header_name().len() + 1 + a.encoded_len() + 2) as u64;
            if signed {
                total += TRAILER_SIGNATURE.len() as u64 + signature + 2;
            }
        }
        total + 2
    }
}
