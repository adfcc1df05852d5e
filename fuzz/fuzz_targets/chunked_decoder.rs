//! The `aws-chunked` decoder, fed in arbitrary pieces.
//!
//! Input: a 6-byte header, then the payload.
//!
//! * byte 0, bits 0-1: the mode (0 and 3: `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, 1: `...-TRAILER`,
//!   2: `STREAMING-UNSIGNED-PAYLOAD-TRAILER`); bits 2-4: the checksum of the trailer modes
//!   (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256; 5-7 also announce an `x-amz-meta-extra`
//!   trailer); bit 5: the seed signature (the S3 documentation's chunked example without or
//!   with a trailer, whose key, time and scope the chain uses); bit 6: encode; bit 7: the
//!   default decoder limits instead of small ones.
//! * byte 1: how the wire is split into pushes (see `Pieces`).
//! * bytes 2-5, raw (bit 6 clear): `x-amz-decoded-content-length`, little-endian; the payload
//!   is the wire, pushed as it is.
//! * bytes 2-5, encode (bit 6 set): the payload is a body, which the public `ChunkedEncoder`
//!   signs with the same chain into a valid wire: bytes 2-3 give the chunk size (1 to 4096;
//!   the body is cut to 64 chunks),
//!   byte 4 a change to make (none, flip one byte, cut the wire short, append to it, announce
//!   one byte more or less), and byte 5 where.
//!
//! Checks: nothing panics; the decoder releases exactly what it counts; the result (bytes
//! released, error) does not depend on the split; in the signed modes only a prefix of the
//! signed body is ever released; an unchanged encoding decodes to the body with its trailer;
//! and whenever `finish` succeeds on an encoding, the output is the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sigv4_kit::chunked::{ChecksumAlgorithm, ChunkChain, ChunkLimits, ChunkedDecoder, ChunkedEncoder, StreamingMode};
use sigv4_kit::spec::{CredentialScope, Signature, SigningKey};
use sigv4_kit_fuzz::{Pieces, S3_KEY, check_decoder, check_error, s3_time, small_chunk_limits};

/// The seed signatures of `s3-examples/put-object-chunked.json` and `...-chunked-trailer.json`.
const SEEDS: [&str; 2] = [
    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
    "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
];

fn chain(seed: usize) -> ChunkChain {
    let t = s3_time();
    let scope = CredentialScope::new(t, "us-east-1", "s3").unwrap_or_else(|e| panic!("scope: {e}"));
    let key = SigningKey::derive(S3_KEY.1, &scope);
    let seed: Signature = SEEDS[seed].parse().unwrap_or_else(|_| panic!("seed signature"));
    ChunkChain::new(key, t, &scope, seed)
}

/// Runs a decoder over `wire` in the pieces `split` picks: the bytes released, and the first
/// error code, or `None` when `finish` succeeds.
fn decode(
    mode: StreamingMode,
    chain: &ChunkChain,
    expected: u64,
    announced: &[String],
    limits: ChunkLimits,
    wire: &[u8],
    split: u8,
) -> (Vec<u8>, Option<&'static str>, Vec<(String, String)>) {
    let chain = mode.is_signed().then(|| chain.clone());
    let mut decoder = ChunkedDecoder::new(mode, chain, expected, announced.to_vec(), limits);
    let mut out = Vec::new();
    let mut error = None;
    for piece in Pieces::new(wire, split) {
        let result = decoder.push(piece, &mut out);
        check_decoder(&decoder, &out);
        if let Err(e) = result {
            // Terminal: the same error again.
            let again = decoder.push(b"0\r\n", &mut out).expect_err("a push after an error succeeded");
            assert_eq!(again, e);
            error = Some(check_error(&e.into()));
            break;
        }
    }
    let error = match (error, decoder.finish()) {
        (Some(e), _) => Some(e),
        (None, Ok(())) => None,
        (None, Err(e)) => Some(check_error(&e.into())),
    };
    (out, error, decoder.trailers().to_vec())
}

fuzz_target!(|data: &[u8]| {
    let Some((&[config, split, a0, a1, a2, a3], payload)) = data.split_first_chunk::<6>() else { return };
    let mode = match config & 3 {
        1 => StreamingMode::SignedPayloadTrailer,
        2 => StreamingMode::UnsignedPayloadTrailer,
        _ => StreamingMode::SignedPayload,
    };
    let pick = usize::from((config >> 2) & 7);
    let algorithm = ChecksumAlgorithm::ALL[pick % ChecksumAlgorithm::ALL.len()];
    let chain = chain(usize::from((config >> 5) & 1));
    let encode = config & 0x40 != 0;
    let limits = if config & 0x80 != 0 { ChunkLimits::default() } else { small_chunk_limits() };

    let mut announced = Vec::new();
    if mode.has_trailer() {
        announced.push(algorithm.header_name().to_owned());
        if pick >= 5 && !encode {
            announced.push("x-amz-meta-extra".to_owned());
        }
    }

    if !encode {
        let expected = u64::from(u32::from_le_bytes([a0, a1, a2, a3]));
        let whole = decode(mode, &chain, expected, &announced, limits, payload, 7);
        let split = decode(mode, &chain, expected, &announced, limits, payload, split);
        assert_eq!(whole, split, "the result depends on how the input is split");
        return;
    }

    // A valid wire from the public encoder, then perhaps one change.
    let chunk_size = 1 + usize::from(u16::from_le_bytes([a0, a1])) % 4096;
    // At most 64 chunks: every chunk costs two HMACs per decode, and tiny chunks of a large
    // body would make each run slow without reaching new code.
    let body = &payload[..payload.len().min(64 * chunk_size)];
    let mut encoder = match mode {
        StreamingMode::UnsignedPayloadTrailer => ChunkedEncoder::unsigned(algorithm, chunk_size),
        _ => ChunkedEncoder::signed(chain.clone(), mode.has_trailer().then_some(algorithm), chunk_size)
            .unwrap_or_else(|e| panic!("{e}")),
    };
    let mut wire = Vec::new();
    for piece in Pieces::new(body, split.rotate_left(3)) {
        encoder.push(piece, &mut wire);
    }
    encoder.finish(&mut wire);
    assert_eq!(
        wire.len() as u64,
        ChunkedEncoder::encoded_len(mode, body.len() as u64, chunk_size, mode.has_trailer().then_some(algorithm)),
        "encoded_len disagrees with the encoder"
    );

    let mut expected = body.len() as u64;
    let at = usize::from(a3) * wire.len() / 256;
    let changed = match a2 % 8 {
        1 => {
            wire[at] ^= 1 << (a3 & 7);
            true
        }
        2 => {
            wire.truncate(at);
            true
        }
        3 => {
            wire.extend_from_slice(&body[..body.len().min(usize::from(a3))]);
            wire.push(a3);
            true
        }
        4 => {
            expected += 1;
            true
        }
        5 if expected > 0 => {
            expected -= 1;
            true
        }
        _ => false,
    };

    let (out, error, trailers) = decode(mode, &chain, expected, &announced, limits, &wire, split);
    let whole = decode(mode, &chain, expected, &announced, limits, &wire, 7);
    assert_eq!((&out, error, &trailers), (&whole.0, whole.1, &whole.2), "the result depends on the split");
    if mode.is_signed() {
        assert!(body.starts_with(&out), "released bytes that were never signed");
    }
    // Every chunk but the last is `chunk_size` long: within the limits when that is.
    let sizes_allowed =
        chunk_size <= limits.max_chunk_size && (chunk_size >= limits.min_chunk_size || body.len() <= chunk_size);
    if !changed && sizes_allowed {
        assert_eq!(error, None, "a valid encoding was refused");
        assert_eq!(out, body, "a valid encoding decoded to other bytes");
        let names: Vec<&str> = trailers.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&algorithm.header_name()) == mode.has_trailer(), "trailers {names:?}");
    }
    if error.is_none() {
        assert_eq!(out, body, "a changed encoding was accepted with other bytes");
    }
});
