//! Criterion benchmarks of `aws-chunked` streaming against the floor it cannot beat: plain
//! SHA-256 over the same bytes.
//!
//! One group, `streaming`, with the throughput of a 64 MiB payload:
//!
//! * `streaming/floor`: the SHA-256 of the payload in one call;
//! * `streaming/sigv4-kit/decode`: verifying the payload as a signed `aws-chunked` stream of 64 KiB
//!   chunks, pushed into a [`ChunkedDecoder`] in 64 KiB pieces, as a network would deliver it (the
//!   pieces do not line up with the chunk frames);
//! * `streaming/sigv4-kit/encode`: framing and signing the payload with a [`ChunkedEncoder`],
//!   pushed in 64 KiB pieces with each piece's frames handed on (and the buffer reused), as a
//!   client streaming an upload would (before, the whole 64 MiB went into one output buffer, so
//!   the measure included writing 64 MiB of fresh memory, which no streaming client does).
//!
//! Every chunk is hashed once either way, so SHA-256 bounds both; the rest (one HMAC per chunk,
//! framing, copies) should cost little on top.
//!
//! ```sh
//! cargo bench --bench streaming
//! ```
//!
//! Each measurement hashes 64 MiB, so the group takes 10 samples of one iteration each
//! (`SamplingMode::Flat`); `SIGV4_BENCH_WARM_UP` and `SIGV4_BENCH_MEASUREMENT` (seconds) or
//! criterion's `--warm-up-time` and `--measurement-time` change the times.
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use sigv4_kit::AmzDate;
use sigv4_kit::chunked::{ChunkChain, ChunkLimits, ChunkedDecoder, ChunkedEncoder, StreamingMode};
use sigv4_kit::spec::{CredentialScope, Signature, SigningKey, sha256};

/// The payload: 64 MiB.
const PAYLOAD_LEN: usize = 64 * 1024 * 1024;
/// Bytes per chunk, and per network read.
const CHUNK: usize = 64 * 1024;
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// A payload that is not all one byte.
fn payload() -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..PAYLOAD_LEN)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// The chain of the S3 documentation's chunked example: its time, scope and seed signature.
fn chain() -> ChunkChain {
    let time: AmzDate = "20130524T000000Z".parse().unwrap_or_else(|e| panic!("time: {e}"));
    let scope = CredentialScope::new(time, "us-east-1", "s3").unwrap_or_else(|e| panic!("scope: {e}"));
    let key = SigningKey::derive(SECRET, &scope);
    let seed: Signature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
        .parse()
        .unwrap_or_else(|e| panic!("seed: {e}"));
    ChunkChain::new(key, time, &scope, seed)
}

/// Encodes `data`, pushed a piece of `CHUNK` bytes at a time as a body streams in, handing each
/// piece's frames to `consume` (as `decode` does with what it releases).
fn encode(chain: &ChunkChain, data: &[u8], out: &mut Vec<u8>, mut consume: impl FnMut(&[u8])) {
    out.clear();
    let mut encoder = ChunkedEncoder::signed(chain.clone(), None, CHUNK).unwrap_or_else(|e| panic!("{e}"));
    for piece in data.chunks(CHUNK) {
        encoder.push(piece, out);
        consume(out);
        out.clear();
    }
    encoder.finish(out);
    consume(out);
    out.clear();
}

/// Decodes `wire`, handing every release to `consume` and then clearing `out`, as a streaming
/// consumer does.
fn decode(chain: &ChunkChain, wire: &[u8], out: &mut Vec<u8>, mut consume: impl FnMut(&[u8])) {
    out.clear();
    let mut decoder = ChunkedDecoder::new(
        StreamingMode::SignedPayload,
        Some(chain.clone()),
        PAYLOAD_LEN as u64,
        Vec::new(),
        ChunkLimits::default(),
    );
    for piece in wire.chunks(CHUNK) {
        decoder.push(piece, out).unwrap_or_else(|e| panic!("decode: {e}"));
        consume(out);
        out.clear();
    }
    decoder.finish().unwrap_or_else(|e| panic!("decode: {e}"));
}

fn streaming(c: &mut Criterion) {
    let data = payload();
    let chain = chain();
    let mut wire = Vec::new();
    let mut frames = Vec::new();
    encode(&chain, &data, &mut frames, |written| wire.extend_from_slice(written));
    let mut out = Vec::with_capacity(wire.len());
    let mut all = Vec::with_capacity(data.len());
    decode(&chain, &wire, &mut out, |released| all.extend_from_slice(released));
    assert!(all == data, "the decoder returns the payload");

    let mut group = c.benchmark_group("streaming");
    group.throughput(Throughput::Bytes(PAYLOAD_LEN as u64));
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.bench_function("floor", |b| b.iter(|| sha256(black_box(&data))));
    group.bench_function(BenchmarkId::new("sigv4-kit", "decode"), |b| {
        b.iter(|| {
            decode(&chain, black_box(&wire), &mut out, |released| {
                black_box(released);
            })
        });
    });
    group.bench_function(BenchmarkId::new("sigv4-kit", "encode"), |b| {
        b.iter(|| {
            encode(&chain, black_box(&data), &mut out, |written| {
                black_box(written);
            })
        })
    });
    group.finish();
}

/// Warm-up 1 s, measurement 3 s; `SIGV4_BENCH_WARM_UP` and `SIGV4_BENCH_MEASUREMENT` (seconds)
/// change them, and criterion's own flags override both.
fn config() -> Criterion {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<f64>().ok()).filter(|v| *v > 0.0);
    Criterion::default()
        .warm_up_time(Duration::from_secs_f64(env("SIGV4_BENCH_WARM_UP").unwrap_or(1.0)))
        .measurement_time(Duration::from_secs_f64(env("SIGV4_BENCH_MEASUREMENT").unwrap_or(3.0)))
}

criterion_group! {
    name = benches;
    config = config();
    targets = streaming
}
criterion_main!(benches);
