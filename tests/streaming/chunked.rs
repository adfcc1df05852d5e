//! `aws-chunked` streaming, end to end.
//!
//! * The published vectors, checked exactly: the S3 API Reference chunked examples
//!   (`s3-examples/put-object-chunked*.json`) and aws-c-auth's chunked signing test
//!   (`aws-c-auth/extracted/chunked-signing.json`): seed canonical request, string to sign and
//!   signature, every chunk's string to sign and signature, the trailer, and the framed body.
//! * A round-trip property: `sign_chunked`, then `Verifier`, then `ChunkedDecoder`, in every
//!   mode, with the body and the wire split at random.
//! * Tamper tests: every tampered stream is rejected with the right code, and no byte of a bad
//!   chunk is released.

use std::ops::Range;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use serde_json::Value;
use sigv4_kit::chunked::{
    Checksum, ChecksumAlgorithm, ChunkChain, ChunkLimits, ChunkedDecoder, ChunkedEncoder, ChunkedOptions, StreamingMode,
};
use sigv4_kit::sign::{SigV4Signer, SigningSettings};
use sigv4_kit::spec::{CredentialScope, Signature, SigningKey, sha256};
use sigv4_kit::verify::Verifier;
use sigv4_kit::verify::{
    AuthMethod, ErrorCode, MemoryProvider, PayloadState, Principal, PrincipalKind, VerifierConfig, VerifyError,
};
use sigv4_kit::{AmzDate, Credentials, FixedClock, PayloadHash, SignableRequest};

fn principal() -> Principal {
    Principal::new("123456789012", "arn:aws:iam::123456789012:user/u", PrincipalKind::IamUser)
}

// ---------------------------------------------------------------------------------------------
// The vectors.
// ---------------------------------------------------------------------------------------------

fn json(rel: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors").join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or_else(|| panic!("no string at {pointer}"))
}

fn array_at<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_else(|| panic!("no array at {pointer}"))
}

/// `[["name", "value"], ...]`.
fn pairs_at(v: &Value, pointer: &str) -> Vec<(String, String)> {
    array_at(v, pointer).iter().map(|p| (str_at(p, "/0").to_owned(), str_at(p, "/1").to_owned())).collect()
}

/// The chunk payloads of `[{"size": n, "fill_byte": "a"}, ...]` (the final chunk is empty).
fn chunk_payloads(v: &Value, pointer: &str) -> Vec<Vec<u8>> {
    array_at(v, pointer)
        .iter()
        .map(|c| {
            let size = c["size"].as_u64().and_then(|s| usize::try_from(s).ok()).expect("chunk size");
            if size == 0 {
                return Vec::new();
            }
            let fill = str_at(c, "/fill_byte").as_bytes();
            assert_eq!(fill.len(), 1, "fill_byte is one byte");
            vec![fill[0]; size]
        })
        .collect()
}

/// `name:value\n` lines: what a trailer signature covers.
fn canonical_trailers(trailers: &[(String, String)]) -> String {
    trailers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect()
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// The framing the S3 documentation describes, from the expected chunk signatures:
/// `hex(size);chunk-signature=sig CRLF data CRLF` per chunk, the final empty chunk, the trailer
/// lines, and the CRLF that ends the body.
fn framed(
    chunks: &[Vec<u8>],
    signatures: &[&str],
    trailers: &[(String, String)],
    trailer_sig: Option<&str>,
) -> Vec<u8> {
    let mut out = Vec::new();
    for (data, sig) in chunks.iter().zip(signatures) {
        out.extend_from_slice(format!("{:x};chunk-signature={sig}\r\n", data.len()).as_bytes());
        if !data.is_empty() {
            out.extend_from_slice(data);
            out.extend_from_slice(b"\r\n");
        }
    }
    for (n, v) in trailers {
        out.extend_from_slice(format!("{n}:{v}\r\n").as_bytes());
    }
    if let Some(sig) = trailer_sig {
        out.extend_from_slice(format!("x-amz-trailer-signature:{sig}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn decode_all(decoder: &mut ChunkedDecoder, wire: &[u8], piece: usize) -> Result<Vec<u8>, VerifyError> {
    let mut out = Vec::new();
    for p in wire.chunks(piece) {
        decoder.push(p, &mut out)?;
    }
    decoder.finish()?;
    Ok(out)
}

/// One S3 chunked example: seed, chunk chain, trailer, framing, and decoding through the
/// verifier.
fn check_s3_chunked_example(name: &str) {
    let doc = json(&format!("s3-examples/{name}.json"));
    let input = &doc["input"];
    let expected = &doc["expected"];
    let akid = str_at(input, "/credentials/access_key_id");
    let secret = str_at(input, "/credentials/secret_access_key");
    let region = str_at(input, "/region");
    let service = str_at(input, "/service");
    let time: AmzDate = str_at(input, "/timestamp").parse().expect("timestamp");
    assert!(array_at(input, "/query").is_empty(), "{name}: no query");
    let signer = SigV4Signer::new(Credentials::new(akid, secret), region, service)
        .with_settings(SigningSettings::s3())
        .with_clock(FixedClock::new(time));

    // The seed: the request's own signature.
    let headers = pairs_at(input, "/headers");
    let method = str_at(input, "/method");
    let path = str_at(input, "/path");
    let mut request = SignableRequest::new(method, path);
    for (n, v) in &headers {
        request.push_header(n, v);
    }
    let payload_line = str_at(input, "/payload_hash");
    let payload = PayloadHash::precomputed(payload_line).expect("a STREAMING literal");
    let explained = signer.explain_at(&request, &payload, time).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(explained.canonical_request, str_at(expected, "/canonical_request"), "{name}: canonical request");
    assert_eq!(explained.string_to_sign, str_at(expected, "/string_to_sign"), "{name}: string to sign");
    let seed = explained.output.signature();
    assert_eq!(seed.to_string(), str_at(expected, "/signature"), "{name}: signature");
    assert_eq!(seed.to_string(), str_at(expected, "/seed_signature"), "{name}: seed signature");
    assert_eq!(explained.output.signed_headers(), str_at(expected, "/signed_headers"), "{name}: signed headers");
    let scope = CredentialScope::new(time, region, service).expect("scope");
    assert_eq!(scope.to_string(), str_at(expected, "/credential_scope"), "{name}: scope");
    let authorization = expected.pointer("/authorization").and_then(Value::as_str).map_or_else(
        || {
            format!(
                "AWS4-HMAC-SHA256 Credential={akid}/{scope}, SignedHeaders={}, Signature={seed}",
                str_at(expected, "/signed_headers")
            )
        },
        str::to_owned,
    );
    // The request carries x-amz-date and x-amz-content-sha256 already: only Authorization is added.
    let added: Vec<(String, String)> =
        explained.output.headers().map(|(n, v)| (n.to_ascii_lowercase(), v.to_owned())).collect();
    assert_eq!(added, [("authorization".to_owned(), authorization.clone())], "{name}: headers added");

    // The chunk chain.
    let key = SigningKey::derive(secret, &scope);
    let mut chain = ChunkChain::new(key.clone(), time, &scope, seed);
    assert_eq!(chain.previous(), seed);
    let chunks = chunk_payloads(input, "/chunks");
    let want = array_at(expected, "/chunks");
    assert_eq!(chunks.len(), want.len(), "{name}: chunk count");
    assert!(chunks.last().is_some_and(Vec::is_empty), "{name}: ends with the empty chunk");
    let mut signatures = Vec::new();
    for (i, (data, w)) in chunks.iter().zip(want).enumerate() {
        assert_eq!(Some(data.len() as u64), w["size"].as_u64(), "{name}: chunk {i} size");
        let sts = chain.chunk_string_to_sign(&sha256(data));
        assert_eq!(sts, str_at(w, "/string_to_sign"), "{name}: chunk {i} string to sign");
        let sig = chain.sign_chunk(data).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sig.to_string(), str_at(w, "/signature"), "{name}: chunk {i} signature");
        assert_eq!(chain.previous(), sig, "{name}: chunk {i} advances the chain");
        signatures.push(str_at(w, "/signature"));
    }
    let trailers = if input.get("trailers").is_some() { pairs_at(input, "/trailers") } else { Vec::new() };
    let trailer_sig = expected.get("trailer").map(|t| {
        let canonical = canonical_trailers(&trailers);
        assert_eq!(canonical, str_at(t, "/canonical_trailers"), "{name}: canonical trailers");
        let sts = chain.trailer_string_to_sign(&sha256(canonical.as_bytes()));
        assert_eq!(sts, str_at(t, "/string_to_sign"), "{name}: trailer string to sign");
        let sig = chain.sign_trailer(canonical.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sig.to_string(), str_at(t, "/signature"), "{name}: trailer signature");
        str_at(t, "/signature")
    });
    assert_eq!(trailer_sig.is_some(), !trailers.is_empty(), "{name}: a trailer has a signature");

    // The body, encoded from the seed, is the documented framing byte for byte.
    let body = chunks.concat();
    assert_eq!(str_at(input, "/body/type"), "repeat");
    assert_eq!(input.pointer("/body/length").and_then(Value::as_u64), Some(body.len() as u64));
    let fill = str_at(input, "/body/byte").as_bytes();
    assert!(fill.len() == 1 && body.iter().all(|&b| b == fill[0]), "{name}: body bytes");
    let mode = StreamingMode::from_content_sha256(payload_line).expect("a streaming mode");
    let trailer = trailers.first().map(|(n, _)| ChecksumAlgorithm::from_header_name(n).expect("a checksum trailer"));
    let mut options = ChunkedOptions::new(mode).with_chunk_size(chunks[0].len());
    if let Some(t) = trailer {
        options = options.with_trailer(t);
    }
    let mut encoder = signer.chunk_encoder(&explained.output, time, &options).expect("encoder");
    assert_eq!(encoder.mode(), mode);
    let mut wire = Vec::new();
    encoder.push(&body, &mut wire);
    encoder.finish(&mut wire);
    let documented = framed(&chunks, &signatures, &trailers, trailer_sig);
    assert!(wire == documented, "{name}: encoded body differs from the documented framing");
    assert_eq!(ChunkedEncoder::encoded_len(mode, body.len() as u64, options.chunk_size, trailer), wire.len() as u64);
    let decoded_len = header(&headers, "x-amz-decoded-content-length").expect("x-amz-decoded-content-length");
    assert_eq!(decoded_len, body.len().to_string(), "{name}: decoded length");
    if let Some(cl) = header(&headers, "content-length") {
        assert_eq!(cl, wire.len().to_string(), "{name}: Content-Length is the encoded length");
    }
    for (n, v) in options.headers(body.len() as u64) {
        if let Some(given) = header(&headers, n) {
            assert_eq!(given, v, "{name}: {n}");
        }
    }

    // A gateway verifies the request and decodes the body.
    let host = header(&headers, "host").expect("host");
    let mut builder = http::Request::builder().method(method).uri(format!("https://{host}{path}"));
    for (n, v) in &headers {
        builder = builder.header(n, v);
    }
    let (parts, ()) = builder.header("authorization", &authorization).body(()).expect("request").into_parts();
    let verifier = Verifier::new(VerifierConfig::new([service]).with_s3_rules()).with_clock(FixedClock::new(time));
    let provider = MemoryProvider::new().with_key(akid, secret, principal());
    let pending = verifier.begin(&parts).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let verified = pending.finish(provider.get(akid), None).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(verified.auth, AuthMethod::Streaming);
    let PayloadState::Streaming(stream) = verified.payload else { panic!("{name}: not a streaming payload") };
    assert_eq!(stream.mode(), mode);
    assert_eq!(stream.decoded_length(), body.len() as u64);
    let names: Vec<String> = trailers.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(stream.announced_trailers(), names.as_slice());
    let mut decoder = stream.decoder_with_limits(small_chunks());
    let decoded = decode_all(&mut decoder, &wire, 1000).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert!(decoded == body, "{name}: decoded body");
    assert_eq!(decoder.trailers(), trailers.as_slice(), "{name}: trailers");
    // The same with a decoder built by hand, one byte at a time and all at once.
    for piece in [1, usize::MAX] {
        let chain = ChunkChain::new(key.clone(), time, &scope, seed);
        let mut decoder = ChunkedDecoder::new(mode, Some(chain), body.len() as u64, names.clone(), small_chunks());
        let decoded = decode_all(&mut decoder, &wire, piece).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(decoded == body, "{name}: decoded body (pieces of {piece})");
        assert!(decoder.is_done());
    }
}

#[test]
fn s3_example_put_object_chunked() {
    check_s3_chunked_example("put-object-chunked");
}

#[test]
fn s3_example_put_object_chunked_trailer() {
    check_s3_chunked_example("put-object-chunked-trailer");
}

/// aws-c-auth `tests/test_chunked_signing.c`, SigV4 part: the request has neither `X-Amz-Date`
/// nor `x-amz-content-sha256`; the signer adds both, at the time of the RFC 822 date.
#[test]
fn aws_c_auth_chunked_signing_v4() {
    let doc = json("aws-c-auth/extracted/chunked-signing.json");
    let config = &doc["config"];
    let v4 = &doc["sigv4"];
    let akid = str_at(config, "/credentials/access_key_id");
    let secret = str_at(config, "/credentials/secret_access_key");
    let region = str_at(config, "/region");
    let service = str_at(config, "/service");
    assert_eq!(config["use_double_uri_encode"], Value::Bool(false), "S3 URI rules");
    assert_eq!(str_at(config, "/request_signed_body_header"), "x-amz-content-sha256");
    assert_eq!(str_at(v4, "/algorithm"), "AWS4-HMAC-SHA256");
    let time = AmzDate::parse_http_date(str_at(config, "/date")).expect("RFC 822 date");
    assert_eq!(time.as_str(), "20130524T000000Z");
    let signer = SigV4Signer::new(Credentials::new(akid, secret), region, service)
        .with_settings(SigningSettings::s3())
        .with_clock(FixedClock::new(time));

    let headers = pairs_at(&doc, "/request/headers");
    let mut request = SignableRequest::new(str_at(&doc, "/request/method"), str_at(&doc, "/request/path"));
    for (n, v) in &headers {
        request.push_header(n, v);
    }
    let payload_line = str_at(v4, "/request_signed_body_value");
    let payload = PayloadHash::precomputed(payload_line).expect("a STREAMING literal");
    let out = signer.sign_at(&request, &payload, time).expect("signs");
    let added: Vec<(String, &str)> = out.headers().map(|(n, v)| (n.to_ascii_lowercase(), v)).collect();
    let added_value = |name: &str| added.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
    assert_eq!(added_value("x-amz-date"), Some("20130524T000000Z"));
    assert_eq!(added_value("x-amz-content-sha256"), Some(payload_line));
    assert_eq!(added_value("authorization"), Some(str_at(v4, "/expected_authorization")));
    let seed = out.signature();
    assert_eq!(seed.to_string(), str_at(v4, "/expected_seed_signature"));

    // The chunks, then the CRT-defined trailing headers after the final chunk.
    let scope = CredentialScope::new(time, region, service).expect("scope");
    let key = SigningKey::derive(secret, &scope);
    let mut chain = ChunkChain::new(key.clone(), time, &scope, seed);
    let chunks = chunk_payloads(&doc, "/chunks");
    let want = array_at(v4, "/expected_chunk_signatures");
    assert_eq!(chunks.len(), want.len());
    let mut signatures = Vec::new();
    for (i, (data, w)) in chunks.iter().zip(want).enumerate() {
        let w = w.as_str().expect("hex signature");
        assert_eq!(chain.sign_chunk(data).unwrap_or_else(|e| panic!("{e}")).to_string(), w, "chunk {i}");
        signatures.push(w);
    }
    let trailing = pairs_at(&doc, "/trailing_headers");
    let expected_trailing: Vec<(String, String)> =
        [("first", "1st"), ("second", "2nd"), ("third", "3rd")].map(|(n, v)| (n.to_owned(), v.to_owned())).into();
    assert_eq!(trailing, expected_trailing);
    let canonical = canonical_trailers(&trailing);
    assert_eq!(canonical, "first:1st\nsecond:2nd\nthird:3rd\n");
    let sig = chain.sign_trailer(canonical.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sig.to_string(), str_at(v4, "/expected_trailing_headers_signature"));

    // The encoder continues the same chain; the encoded length is the request's Content-Length.
    let body = chunks.concat();
    let options = ChunkedOptions::new(StreamingMode::SignedPayload).with_chunk_size(chunks[0].len());
    let mut encoder = signer.chunk_encoder(&out, time, &options).expect("encoder");
    let mut wire = Vec::new();
    encoder.push(&body, &mut wire);
    encoder.finish(&mut wire);
    assert!(wire == framed(&chunks, &signatures, &[], None), "encoded body differs from the documented framing");
    assert_eq!(header(&headers, "content-length"), Some(wire.len().to_string().as_str()));
    assert_eq!(header(&headers, "x-amz-decoded-content-length"), Some(body.len().to_string().as_str()));
    let chain = ChunkChain::new(key, time, &scope, seed);
    let mut decoder =
        ChunkedDecoder::new(StreamingMode::SignedPayload, Some(chain), body.len() as u64, Vec::new(), small_chunks());
    let decoded = decode_all(&mut decoder, &wire, 4096).expect("decodes");
    assert!(decoded == body);
}

// ---------------------------------------------------------------------------------------------
// Shared set-up: a client signs, a gateway verifies.
// ---------------------------------------------------------------------------------------------

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn time() -> AmzDate {
    "20150830T123600Z".parse().expect("valid time")
}

fn signer() -> SigV4Signer {
    SigV4Signer::new(Credentials::new(AKID, SECRET), "us-east-1", "s3")
        .with_settings(SigningSettings::s3())
        .with_clock(FixedClock::new(time()))
}

fn options(mode: StreamingMode, trailer: Option<ChecksumAlgorithm>, chunk_size: usize) -> ChunkedOptions {
    let o = ChunkedOptions::new(mode).with_chunk_size(chunk_size);
    match trailer {
        Some(t) => o.with_trailer(t),
        None => o,
    }
}

fn request_parts() -> http::request::Parts {
    http::Request::put("https://bucket.s3.amazonaws.com/dir/key.bin").body(()).expect("request").into_parts().0
}

/// The default decoder limits, but with chunks of any size: the fixtures use chunks of a few
/// bytes, so that every byte of a stream can be changed. `the_minimum_chunk_size` tests the
/// default minimum.
fn small_chunks() -> ChunkLimits {
    let mut limits = ChunkLimits::default();
    limits.min_chunk_size = 0;
    limits
}

/// Verifies `parts` as a gateway does and returns the body decoder. `s3_rules` picks
/// `with_s3_rules()`; otherwise only `with_unsigned_payload(true)` is set, and only for the
/// unsigned mode.
fn gateway_decoder(parts: &http::request::Parts, s3_rules: bool, limits: ChunkLimits) -> ChunkedDecoder {
    let unsigned = parts.headers.get("x-amz-content-sha256").is_some_and(|v| v == "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    let config = match (s3_rules, unsigned) {
        (true, _) => VerifierConfig::new(["s3"]).with_s3_rules(),
        (false, true) => VerifierConfig::new(["s3"]).with_unsigned_payload(true),
        (false, false) => VerifierConfig::new(["s3"]),
    };
    let verifier = Verifier::new(config).with_clock(FixedClock::new(time()));
    let provider = MemoryProvider::new().with_key(AKID, SECRET, principal());
    let pending = verifier.begin(parts).unwrap_or_else(|e| panic!("begin: {e:?}"));
    let verified = pending.finish(provider.get(AKID), None).unwrap_or_else(|e| panic!("finish: {e:?}"));
    assert_eq!(verified.auth, AuthMethod::Streaming);
    match verified.payload {
        PayloadState::Streaming(s) => s.decoder_with_limits(limits),
        other => panic!("not a streaming payload: {other:?}"),
    }
}

fn checksum(algorithm: ChecksumAlgorithm, data: &[u8]) -> String {
    let mut c = Checksum::new(algorithm);
    c.update(data);
    c.finish()
}

// ---------------------------------------------------------------------------------------------
// Round trip.
// ---------------------------------------------------------------------------------------------

fn config(cases: u32) -> ProptestConfig {
    // No failure persistence: a failing case is printed, and no file is written into the tree.
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// SplitMix64: deterministic bytes and split points from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `1..=max`.
    fn up_to(&mut self, max: usize) -> usize {
        1 + (self.next() % max as u64) as usize
    }
}

/// A body described by its length and seed, so that a failing case prints short.
#[derive(Debug, Clone)]
struct Body {
    len: usize,
    seed: u64,
    /// Every byte the same (as in the S3 examples), or random bytes.
    fill: Option<u8>,
}

impl Body {
    fn bytes(&self) -> Vec<u8> {
        match self.fill {
            Some(b) => vec![b; self.len],
            None => {
                let mut rng = Rng(self.seed);
                (0..self.len).map(|_| rng.next() as u8).collect()
            }
        }
    }
}

/// How a byte string is cut into pushes.
#[derive(Debug, Clone, Copy)]
enum Split {
    AllAtOnce,
    /// Pieces of 1 to `max` bytes, at random.
    Random {
        max: usize,
        seed: u64,
    },
}

impl Split {
    fn pieces(self, data: &[u8]) -> Vec<&[u8]> {
        let Self::Random { max, seed } = self else { return vec![data] };
        let mut rng = Rng(seed);
        let mut rest = data;
        let mut out = Vec::new();
        while !rest.is_empty() {
            let (piece, tail) = rest.split_at(rng.up_to(max.min(rest.len())));
            out.push(piece);
            rest = tail;
        }
        out
    }
}

fn split() -> impl Strategy<Value = Split> {
    let max = prop_oneof![2 => Just(1usize), 3 => 1usize..=16, 3 => 1usize..=4096, 1 => 1usize..=200_000];
    prop_oneof![
        1 => Just(Split::AllAtOnce),
        5 => (max, any::<u64>()).prop_map(|(max, seed)| Split::Random { max, seed }),
    ]
}

/// Most chunks a round-trip case encodes, to keep a run quick.
const MAX_CHUNKS: usize = 512;

/// A body and a chunk size: mostly small bodies, up to 300 KiB; chunk sizes 1 to 70000, raised
/// where needed so that there are at most `MAX_CHUNKS` chunks; a quarter of the bodies are a
/// whole number of chunks.
fn body_and_chunk_size() -> impl Strategy<Value = (Body, usize)> {
    let len = prop_oneof![6 => 0usize..2048, 3 => 2048usize..70_000, 1 => 70_000usize..=300 * 1024];
    let chunk = prop_oneof![2 => 1usize..=64, 4 => 1usize..=70_000, 1 => Just(65_536usize), 1 => Just(8192usize)];
    let fill = prop_oneof![4 => Just(None), 1 => any::<u8>().prop_map(Some)];
    (len, chunk, any::<u64>(), fill, 0u8..4).prop_map(|(len, chunk, seed, fill, shape)| {
        let chunk = chunk.max(len.div_ceil(MAX_CHUNKS));
        let len = if shape == 0 { (len / chunk).max(1) * chunk } else { len };
        (Body { len, seed, fill }, chunk)
    })
}

fn mode_and_trailer() -> impl Strategy<Value = (StreamingMode, Option<ChecksumAlgorithm>)> {
    let algorithm = prop::sample::select(ChecksumAlgorithm::ALL.to_vec());
    prop_oneof![
        Just((StreamingMode::SignedPayload, None)),
        algorithm.clone().prop_map(|a| (StreamingMode::SignedPayloadTrailer, Some(a))),
        algorithm.prop_map(|a| (StreamingMode::UnsignedPayloadTrailer, Some(a))),
    ]
}

proptest! {
    #![proptest_config(config(500))]

    /// A client signs with `sign_chunked` and encodes the body in random pieces; the gateway
    /// verifies the headers and decodes the wire in random pieces: the body comes back whole,
    /// never ahead of the bytes pushed, with the trailer the client sent.
    #[test]
    fn sign_verify_decode_round_trip(
        (body, chunk_size) in body_and_chunk_size(),
        (mode, trailer) in mode_and_trailer(),
        s3_rules in any::<bool>(),
        body_split in split(),
        wire_split in split(),
    ) {
        let body = body.bytes();
        let mut parts = request_parts();
        let opts = options(mode, trailer, chunk_size);
        let mut encoder = signer().sign_chunked(&mut parts, body.len() as u64, &opts).expect("signs");
        prop_assert_eq!(encoder.mode(), mode);
        let mut wire = Vec::new();
        for piece in body_split.pieces(&body) {
            encoder.push(piece, &mut wire);
        }
        encoder.finish(&mut wire);

        // The headers the client sends.
        let h = |name: &str| parts.headers.get(name).map(|v| v.to_str().expect("ASCII").to_owned());
        prop_assert_eq!(h("content-length"), Some(wire.len().to_string()));
        prop_assert_eq!(h("x-amz-decoded-content-length"), Some(body.len().to_string()));
        prop_assert_eq!(h("content-encoding"), Some("aws-chunked".to_owned()));
        prop_assert_eq!(h("x-amz-content-sha256"), Some(mode.content_sha256().to_owned()));
        prop_assert_eq!(h("x-amz-trailer"), trailer.map(|t| t.header_name().to_owned()));
        prop_assert_eq!(ChunkedEncoder::encoded_len(mode, body.len() as u64, chunk_size, trailer), wire.len() as u64);

        // The gateway.
        let mut decoder = gateway_decoder(&parts, s3_rules, small_chunks());
        let mut decoded = Vec::new();
        let mut pushed = 0;
        for piece in wire_split.pieces(&wire) {
            if let Err(e) = decoder.push(piece, &mut decoded) {
                return Err(TestCaseError::fail(format!("push after {pushed} bytes: {e:?}")));
            }
            pushed += piece.len();
            prop_assert!(decoded.len() <= pushed);
            prop_assert_eq!(decoder.decoded_len(), decoded.len() as u64);
        }
        if let Err(e) = decoder.finish() {
            return Err(TestCaseError::fail(format!("finish: {e:?}")));
        }
        prop_assert!(decoder.is_done());
        prop_assert!(decoded == body, "decoded {} bytes, body {} bytes, first difference at {:?}",
            decoded.len(), body.len(), decoded.iter().zip(&body).position(|(a, b)| a != b));
        let trailers: Vec<(String, String)> =
            trailer.map(|a| (a.header_name().to_owned(), checksum(a, &body))).into_iter().collect();
        prop_assert_eq!(decoder.trailers(), trailers.as_slice());
    }
}

// ---------------------------------------------------------------------------------------------
// Tampering.
// ---------------------------------------------------------------------------------------------

/// Chunk size of the tamper fixtures.
const CHUNK: usize = 64;
/// Body length of the tamper fixtures: three full chunks and a short one.
const LEN: usize = 3 * CHUNK + 10;

const SIGNED: [(StreamingMode, Option<ChecksumAlgorithm>); 2] =
    [(StreamingMode::SignedPayload, None), (StreamingMode::SignedPayloadTrailer, Some(ChecksumAlgorithm::Crc32c))];
const ALL_MODES: [(StreamingMode, Option<ChecksumAlgorithm>); 3] = [
    (StreamingMode::SignedPayload, None),
    (StreamingMode::SignedPayloadTrailer, Some(ChecksumAlgorithm::Crc32c)),
    (StreamingMode::UnsignedPayloadTrailer, Some(ChecksumAlgorithm::Crc32c)),
];

/// How a body's bytes are pushed: one at a time, in small and large pieces, all at once.
const PIECES: [usize; 4] = [1, 3, 100, usize::MAX];

/// Letters only (no CR or LF in the data, so a misframed chunk cannot look well framed), and
/// every chunk different from the others.
fn letters(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 26) as u8).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Accepted,
    /// A push failed.
    Push(ErrorCode),
    /// Every push succeeded and `finish` failed.
    Finish(ErrorCode),
}

use Outcome::{Accepted, Finish, Push};

/// Pushes `wire` in pieces of `piece` bytes, stopping at the first error.
fn decode(decoder: &mut ChunkedDecoder, wire: &[u8], piece: usize) -> (Outcome, Vec<u8>) {
    let mut out = Vec::new();
    let mut pushed = 0;
    for p in wire.chunks(piece) {
        let result = decoder.push(p, &mut out);
        pushed += p.len();
        assert!(out.len() <= pushed, "{} bytes out after {pushed} pushed", out.len());
        if let Err(e) = result {
            return (Push(VerifyError::from(e).code()), out);
        }
    }
    match decoder.finish() {
        Ok(()) => (Accepted, out),
        Err(e) => (Finish(VerifyError::from(e).code()), out),
    }
}

/// A signed request and its encoded body.
struct Stream {
    parts: http::request::Parts,
    /// The body that was encoded.
    body: Vec<u8>,
    wire: Vec<u8>,
    /// The frames of the data chunks.
    frames: Vec<Range<usize>>,
    /// Where the final, empty chunk starts.
    tail: usize,
}

/// A stream whose headers declare `declared` bytes and whose encoder was fed `actual` bytes.
fn stream_declaring(mode: StreamingMode, trailer: Option<ChecksumAlgorithm>, declared: usize, actual: usize) -> Stream {
    let body = letters(actual);
    let mut parts = request_parts();
    let mut encoder =
        signer().sign_chunked(&mut parts, declared as u64, &options(mode, trailer, CHUNK)).expect("signs");
    let mut wire = Vec::new();
    encoder.push(&body, &mut wire);
    encoder.finish(&mut wire);
    let (frames, tail) = parse_frames(&wire);
    Stream { parts, body, wire, frames, tail }
}

fn stream(mode: StreamingMode, trailer: Option<ChecksumAlgorithm>) -> Stream {
    stream_declaring(mode, trailer, LEN, LEN)
}

/// Where the CRLF ending the line that starts at `from` is.
fn line_end(wire: &[u8], from: usize) -> usize {
    from + wire[from..].windows(2).position(|w| w == b"\r\n").expect("a CRLF")
}

/// The data frames of a well-formed stream, and where its final chunk starts.
fn parse_frames(wire: &[u8]) -> (Vec<Range<usize>>, usize) {
    let mut frames = Vec::new();
    let mut pos = 0;
    loop {
        let eol = line_end(wire, pos);
        let line = std::str::from_utf8(&wire[pos..eol]).expect("ASCII");
        let size = usize::from_str_radix(line.split(';').next().unwrap_or_default(), 16).expect("hex size");
        if size == 0 {
            return (frames, pos);
        }
        let end = eol + 2 + size + 2;
        assert_eq!(&wire[end - 2..end], b"\r\n");
        frames.push(pos..end);
        pos = end;
    }
}

fn splice(wire: &[u8], range: Range<usize>, with: &[u8]) -> Vec<u8> {
    let mut w = wire.to_vec();
    w.splice(range, with.iter().copied());
    w
}

impl Stream {
    fn decoder(&self, limits: ChunkLimits) -> ChunkedDecoder {
        gateway_decoder(&self.parts, true, limits)
    }

    /// The body bytes of the first `k` data chunks.
    fn released(&self, k: usize) -> &[u8] {
        &self.body[..(k * CHUNK).min(self.body.len())]
    }

    /// The body bytes of every chunk whose frame ends at or before `pos`.
    fn released_before(&self, pos: usize) -> &[u8] {
        self.released(self.frames.iter().filter(|f| f.end <= pos).count())
    }

    /// The header line of data chunk `k`, or of the final chunk when `k` is the number of data
    /// chunks, without its CRLF.
    fn header_line(&self, k: usize) -> Range<usize> {
        let start = self.frames.get(k).map_or(self.tail, |f| f.start);
        start..line_end(&self.wire, start)
    }

    /// The 64 hex digits of chunk `k`'s signature.
    fn signature(&self, k: usize) -> Range<usize> {
        let line = self.header_line(k);
        line.end - 64..line.end
    }

    /// The data of chunk `k`.
    fn data(&self, k: usize) -> Range<usize> {
        let f = &self.frames[k];
        self.header_line(k).end + 2..f.end - 2
    }

    /// The trailer lines (each with its CRLF), between the final chunk and the last CRLF.
    fn trailer_lines(&self) -> Vec<Range<usize>> {
        let mut lines = Vec::new();
        let mut pos = line_end(&self.wire, self.tail) + 2;
        while pos < self.wire.len() - 2 {
            let end = line_end(&self.wire, pos) + 2;
            lines.push(pos..end);
            pos = end;
        }
        assert_eq!(pos, self.wire.len() - 2);
        lines
    }

    /// Decodes `wire` in each of `pieces`: the outcome is `want`, exactly `released` came out,
    /// and a failed push leaves the decoder failed.
    #[track_caller]
    fn expect_with(
        &self,
        limits: ChunkLimits,
        pieces: &[usize],
        wire: &[u8],
        want: Outcome,
        released: &[u8],
        what: &str,
    ) {
        for &piece in pieces {
            let mut d = self.decoder(limits);
            let (got, out) = decode(&mut d, wire, piece);
            assert_eq!(got, want, "{what} (pieces of {piece})");
            assert!(
                out == released,
                "{what} (pieces of {piece}): {} bytes released, expected {}",
                out.len(),
                released.len()
            );
            assert_eq!(d.decoded_len(), out.len() as u64, "{what}");
            assert_eq!(d.is_done(), want == Accepted, "{what}");
            if let Push(code) = want {
                // Terminal: every later call fails the same way, and releases nothing.
                let mut more = Vec::new();
                assert_eq!(d.push(b"", &mut more).map_err(|e| VerifyError::from(e).code()), Err(code), "{what}");
                assert_eq!(d.push(&self.wire, &mut more).map_err(|e| VerifyError::from(e).code()), Err(code), "{what}");
                assert!(more.is_empty(), "{what}: released after a failure");
                assert_eq!(d.finish().map_err(|e| VerifyError::from(e).code()), Err(code), "{what}");
            }
        }
    }

    #[track_caller]
    fn expect(&self, wire: &[u8], want: Outcome, released: &[u8], what: &str) {
        self.expect_with(small_chunks(), &PIECES, wire, want, released, what);
    }
}

#[test]
fn fixtures_decode() {
    for (mode, trailer) in ALL_MODES {
        let s = stream(mode, trailer);
        assert_eq!(s.frames.len(), 4);
        assert_eq!(
            s.trailer_lines().len(),
            usize::from(mode.has_trailer()) + usize::from(mode.is_signed() && mode.has_trailer())
        );
        s.expect(&s.wire, Accepted, &s.body, &format!("{mode:?} untouched"));
        for s3_rules in [false, true] {
            let mut d = gateway_decoder(&s.parts, s3_rules, small_chunks());
            assert_eq!(decode(&mut d, &s.wire, 7).0, Accepted);
            let want: Vec<(String, String)> =
                trailer.map(|a| (a.header_name().to_owned(), checksum(a, &s.body))).into_iter().collect();
            assert_eq!(d.trailers(), want.as_slice());
        }
    }
}

#[test]
fn unsigned_mode_needs_unsigned_payloads_allowed() {
    let s = stream(StreamingMode::UnsignedPayloadTrailer, Some(ChecksumAlgorithm::Crc32));
    let verifier = Verifier::new(VerifierConfig::new(["s3"])).with_clock(FixedClock::new(time()));
    let err = verifier.begin(&s.parts).map(|_| ()).expect_err("unsigned payloads are off by default");
    assert_eq!(err.code(), ErrorCode::AccessDenied);
}

/// Every single-bit change anywhere in a signed stream is rejected, and only the chunks whose
/// frames end before the change are released.
#[test]
fn any_changed_byte_is_rejected() {
    for (mode, trailer) in SIGNED {
        let s = stream(mode, trailer);
        for pos in 0..s.wire.len() {
            for mask in [0x01, 0x80] {
                let mut w = s.wire.clone();
                w[pos] ^= mask;
                for piece in [1, usize::MAX] {
                    let (got, out) = decode(&mut s.decoder(small_chunks()), &w, piece);
                    let what = format!("{mode:?}: byte {pos} ^ {mask:#04x} (pieces of {piece})");
                    assert_ne!(got, Accepted, "{what}");
                    assert!(out == s.released_before(pos), "{what}: {} bytes released", out.len());
                }
            }
        }
    }
    // Without chunk signatures a changed data byte is released, and the trailing checksum
    // rejects the body at its end; everything else is rejected as well.
    let s = stream(StreamingMode::UnsignedPayloadTrailer, Some(ChecksumAlgorithm::Crc32c));
    for pos in 0..s.wire.len() {
        for mask in [0x01, 0x80] {
            let mut w = s.wire.clone();
            w[pos] ^= mask;
            let (got, out) = decode(&mut s.decoder(small_chunks()), &w, 5);
            assert_ne!(got, Accepted, "unsigned: byte {pos} ^ {mask:#04x}");
            assert!(out.len() <= s.body.len());
        }
    }
}

#[test]
fn changed_chunk_data() {
    for (mode, trailer) in SIGNED {
        let s = stream(mode, trailer);
        for k in 0..s.frames.len() {
            for i in s.data(k) {
                let mut w = s.wire.clone();
                w[i] = if w[i] == b'z' { b'y' } else { b'z' };
                let what = format!("{mode:?}: chunk {k}, data byte {i}");
                s.expect(&w, Push(ErrorCode::SignatureDoesNotMatch), s.released(k), &what);
            }
        }
    }
}

#[test]
fn changed_size_line() {
    for (mode, trailer) in SIGNED {
        let s = stream(mode, trailer);
        for k in 0..s.frames.len() {
            let line = s.header_line(k);
            let text = std::str::from_utf8(&s.wire[line.clone()]).expect("ASCII");
            let (size_text, ext) = text.split_once(';').expect("a signed header");
            let size_range = line.start..line.start + size_text.len();
            let size = usize::from_str_radix(size_text, 16).expect("hex");
            let data = s.data(k);
            let what = |w: &str| format!("{mode:?}: chunk {k}: {w}");

            // The size alone one smaller: the data runs into the CRLF's place.
            let w = splice(&s.wire, size_range.clone(), format!("{:x}", size - 1).as_bytes());
            s.expect(&w, Push(ErrorCode::InvalidRequest), s.released(k), &what("size - 1"));
            // One larger: the CRLF is read as data and a data byte stands where the CRLF goes.
            let w = splice(&s.wire, size_range.clone(), format!("{:x}", size + 1).as_bytes());
            let code =
                if s.released(k).len() + size < LEN { ErrorCode::InvalidRequest } else { ErrorCode::IncompleteBody };
            s.expect(&w, Push(code), s.released(k), &what("size + 1"));
            // Not hexadecimal, empty, or more than 16 digits.
            for bad in ["4g", "", "-40", " 40", "40 ", "0x40", "00000000000000040"] {
                let w = splice(&s.wire, size_range.clone(), bad.as_bytes());
                s.expect(&w, Push(ErrorCode::InvalidRequest), s.released(k), &what(bad));
            }
            // Re-framed consistently with a byte less or more: the data no longer matches the
            // signature (or, for more, the declared length).
            let mut w = s.wire[..line.start].to_vec();
            w.extend_from_slice(format!("{:x};{ext}\r\n", size - 1).as_bytes());
            w.extend_from_slice(&s.wire[data.start + 1..]);
            s.expect(&w, Push(ErrorCode::SignatureDoesNotMatch), s.released(k), &what("a byte less"));
            let mut w = s.wire[..line.start].to_vec();
            w.extend_from_slice(format!("{:x};{ext}\r\n", size + 1).as_bytes());
            w.push(b'q');
            w.extend_from_slice(&s.wire[data.start..]);
            let code = if s.released(k).len() + size < LEN {
                ErrorCode::SignatureDoesNotMatch
            } else {
                ErrorCode::IncompleteBody
            };
            s.expect(&w, Push(code), s.released(k), &what("a byte more"));
            // A size past the declared length is refused before any of its data is read.
            let w = splice(&s.wire, size_range, format!("{:x}", LEN + 1).as_bytes());
            s.expect(&w, Push(ErrorCode::IncompleteBody), s.released(k), &what("past the declared length"));
        }
    }
}

#[test]
fn changed_chunk_signature() {
    for (mode, trailer) in SIGNED {
        let s = stream(mode, trailer);
        let n = s.frames.len();
        // Data chunks and the final chunk.
        for k in 0..=n {
            let sig = s.signature(k);
            let line = s.header_line(k);
            let what = |w: &str| format!("{mode:?}: chunk {k}: {w}");
            let released = s.released(k);
            for i in [sig.start, sig.start + 31, sig.end - 1] {
                let mut w = s.wire.clone();
                w[i] = if w[i] == b'0' { b'1' } else { b'0' };
                s.expect(&w, Push(ErrorCode::SignatureDoesNotMatch), released, &what("a digit changed"));
                let mut w = s.wire.clone();
                w[i] = if w[i].is_ascii_digit() { b'A' } else { w[i].to_ascii_uppercase() };
                s.expect(&w, Push(ErrorCode::InvalidRequest), released, &what("an uppercase digit"));
            }
            // Another chunk's signature.
            let other = s.signature((k + 1) % (n + 1));
            let w = splice(&s.wire, sig.clone(), &s.wire[other]);
            s.expect(&w, Push(ErrorCode::SignatureDoesNotMatch), released, &what("another chunk's signature"));
            // The request's own (seed) signature.
            let auth = s.parts.headers["authorization"].to_str().expect("ASCII");
            let seed = auth.rsplit_once("Signature=").expect("a signature").1;
            let w = splice(&s.wire, sig.clone(), seed.as_bytes());
            s.expect(&w, Push(ErrorCode::SignatureDoesNotMatch), released, &what("the seed signature"));
            // Malformed: short, long, not hex, extension renamed or missing, empty.
            let w = splice(&s.wire, sig.end - 1..sig.end, b"");
            s.expect(&w, Push(ErrorCode::InvalidRequest), released, &what("63 digits"));
            let w = splice(&s.wire, sig.end..sig.end, b"0");
            s.expect(&w, Push(ErrorCode::InvalidRequest), released, &what("65 digits"));
            let w = splice(&s.wire, sig.start..sig.start + 1, b"g");
            s.expect(&w, Push(ErrorCode::InvalidRequest), released, &what("not hex"));
            let w = splice(&s.wire, sig.start - 2..sig.start - 1, b"f");
            s.expect(&w, Push(ErrorCode::InvalidRequest), released, &what("extension renamed"));
            let semicolon = line.start + s.wire[line.clone()].iter().position(|&b| b == b';').expect("extension");
            let w = splice(&s.wire, semicolon..sig.end, b"");
            s.expect(&w, Push(ErrorCode::InvalidRequest), released, &what("no extension"));
            let w = splice(&s.wire, sig, b"");
            s.expect(&w, Push(ErrorCode::InvalidRequest), released, &what("empty signature"));
        }
    }
    // The trailer signature.
    let s = stream(StreamingMode::SignedPayloadTrailer, Some(ChecksumAlgorithm::Crc32c));
    let lines = s.trailer_lines();
    let sig_line = lines.last().expect("the trailer signature line").clone();
    for i in [sig_line.end - 66, sig_line.end - 3] {
        let mut w = s.wire.clone();
        w[i] = if w[i] == b'0' { b'1' } else { b'0' };
        s.expect(&w, Push(ErrorCode::SignatureDoesNotMatch), &s.body, "trailer signature digit changed");
    }
    let final_sig = s.signature(s.frames.len());
    let w = splice(&s.wire, sig_line.end - 66..sig_line.end - 2, &s.wire[final_sig]);
    s.expect(&w, Push(ErrorCode::SignatureDoesNotMatch), &s.body, "final chunk's signature as trailer signature");
    let w = splice(&s.wire, sig_line.end - 3..sig_line.end - 2, b"");
    s.expect(&w, Push(ErrorCode::InvalidRequest), &s.body, "trailer signature of 63 digits");
}

#[test]
fn dropped_repeated_and_swapped_chunks() {
    for (mode, trailer) in SIGNED {
        let s = stream(mode, trailer);
        let n = s.frames.len();
        for k in 0..n {
            let f = s.frames[k].clone();
            let w = splice(&s.wire, f.clone(), b"");
            let what = format!("{mode:?}: chunk {k} dropped");
            s.expect(&w, Push(ErrorCode::SignatureDoesNotMatch), s.released(k), &what);

            // Repeated: the copy is refused, by its length when it overruns the declared length.
            let w = splice(&s.wire, f.end..f.end, &s.wire[f.clone()]);
            let code = if s.released(k + 1).len() + s.data(k).len() > LEN {
                ErrorCode::IncompleteBody
            } else {
                ErrorCode::SignatureDoesNotMatch
            };
            s.expect(&w, Push(code), s.released(k + 1), &format!("{mode:?}: chunk {k} repeated"));

            if k + 1 < n {
                let g = s.frames[k + 1].clone();
                let mut w = s.wire[..f.start].to_vec();
                w.extend_from_slice(&s.wire[g.clone()]);
                w.extend_from_slice(&s.wire[f]);
                w.extend_from_slice(&s.wire[g.end..]);
                let what = format!("{mode:?}: chunks {k} and {} swapped", k + 1);
                s.expect(&w, Push(ErrorCode::SignatureDoesNotMatch), s.released(k), &what);
            }
        }
        // A chunk moved to the end, before the final chunk.
        let first = s.frames[0].clone();
        let mut w = s.wire[first.end..s.tail].to_vec();
        w.extend_from_slice(&s.wire[first]);
        w.extend_from_slice(&s.wire[s.tail..]);
        s.expect(&w, Push(ErrorCode::SignatureDoesNotMatch), b"", &format!("{mode:?}: first chunk moved last"));
        // The final chunk repeated.
        let final_line = s.tail..line_end(&s.wire, s.tail) + 2;
        let w = splice(&s.wire, final_line.end..final_line.end, &s.wire[final_line.clone()]);
        s.expect(&w, Push(ErrorCode::InvalidRequest), &s.body, &format!("{mode:?}: final chunk repeated"));
        // A chunk of another stream with the same headers and length but other data.
        let other = {
            let mut parts = request_parts();
            let mut e = signer().sign_chunked(&mut parts, LEN as u64, &options(mode, trailer, CHUNK)).expect("signs");
            assert_eq!(parts.headers, s.parts.headers, "same request, same seed");
            let mut wire = Vec::new();
            e.push(&vec![b'!'; LEN], &mut wire);
            e.finish(&mut wire);
            wire
        };
        let (other_frames, _) = parse_frames(&other);
        let w = splice(&s.wire, s.frames[1].clone(), &other[other_frames[1].clone()]);
        s.expect(&w, Push(ErrorCode::SignatureDoesNotMatch), s.released(1), &format!("{mode:?}: foreign chunk"));
    }
}

#[test]
fn truncated_stream() {
    for (mode, trailer) in ALL_MODES {
        let s = stream(mode, trailer);
        for cut in 0..s.wire.len() {
            let what = format!("{mode:?}: cut at {cut} of {}", s.wire.len());
            s.expect_with(
                small_chunks(),
                &[1, usize::MAX],
                &s.wire[..cut],
                Finish(ErrorCode::IncompleteBody),
                s.released_before(cut),
                &what,
            );
        }
    }
}

#[test]
fn missing_final_chunk_and_bytes_after_it() {
    for (mode, trailer) in ALL_MODES {
        let s = stream(mode, trailer);
        let final_line = s.tail..line_end(&s.wire, s.tail) + 2;
        let what = |w: &str| format!("{mode:?}: {w}");
        // The body stops after the last data chunk.
        s.expect(&s.wire[..s.tail], Finish(ErrorCode::IncompleteBody), &s.body, &what("stops before the final chunk"));
        // The final chunk line is missing and the trailer section follows the data.
        let w = splice(&s.wire, final_line.clone(), b"");
        s.expect(&w, Push(ErrorCode::InvalidRequest), &s.body, &what("final chunk line missing"));
        if mode.is_signed() {
            // An unsigned final chunk in a signed stream.
            let w = splice(&s.wire, final_line.clone(), b"0\r\n");
            s.expect(&w, Push(ErrorCode::InvalidRequest), &s.body, &what("unsigned final chunk"));
        }
        // Bytes after the end.
        let final_chunk = s.wire[final_line].to_vec();
        let extras: [&[u8]; 5] = [b"x", b"\r\n", b"0\r\n\r\n", final_chunk.as_slice(), s.wire.as_slice()];
        for extra in extras {
            let mut w = s.wire.clone();
            w.extend_from_slice(extra);
            s.expect(&w, Push(ErrorCode::InvalidRequest), &s.body, &what("bytes after the end"));
        }
        // In a later push, after the stream is done.
        let mut d = s.decoder(small_chunks());
        assert_eq!(decode(&mut d, &s.wire, usize::MAX).0, Accepted);
        assert!(d.is_done());
        let mut out = Vec::new();
        assert_eq!(d.push(b"\r\n", &mut out).map_err(|e| VerifyError::from(e).code()), Err(ErrorCode::InvalidRequest));
        assert!(out.is_empty());
        assert!(!d.is_done());
        assert_eq!(d.finish().map_err(|e| VerifyError::from(e).code()), Err(ErrorCode::InvalidRequest));
    }
}

/// The headers say N bytes, the stream holds N ± 1 (the encoder was fed another body than the
/// one declared). Longer: the chunk that overruns is refused before its data is released.
/// Shorter: every chunk is released and the end of the stream is refused.
#[test]
fn decoded_length_disagrees_with_header() {
    for (mode, trailer) in ALL_MODES {
        for declared in [0, 1, CHUNK - 1, CHUNK, 3 * CHUNK, LEN] {
            let longer = stream_declaring(mode, trailer, declared, declared + 1);
            // The chunk holding byte `declared` overruns; the chunks before it are released.
            let complete = longer.released(declared / CHUNK).to_vec();
            let what = format!("{mode:?}: declared {declared}, sent {}", declared + 1);
            longer.expect(&longer.wire, Push(ErrorCode::IncompleteBody), &complete, &what);
            if declared > 0 {
                let shorter = stream_declaring(mode, trailer, declared, declared - 1);
                let what = format!("{mode:?}: declared {declared}, sent {}", declared - 1);
                shorter.expect(&shorter.wire, Push(ErrorCode::IncompleteBody), &shorter.body, &what);
            }
        }
    }
}

/// The chain a client continues from the request's signature.
fn client_chain(parts: &http::request::Parts) -> ChunkChain {
    let auth = parts.headers["authorization"].to_str().expect("ASCII");
    let seed: Signature = auth.rsplit_once("Signature=").expect("a signature").1.parse().expect("hex");
    let scope = CredentialScope::new(time(), "us-east-1", "s3").expect("scope");
    ChunkChain::new(SigningKey::derive(SECRET, &scope), time(), &scope, seed)
}

/// A signed stream written by hand: the body in `CHUNK`-byte chunks, the final chunk, then the
/// `trailers` and a signature over them.
fn hand_signed(parts: &http::request::Parts, body: &[u8], trailers: &[(&str, &str)]) -> Vec<u8> {
    let mut chain = client_chain(parts);
    let mut out = Vec::new();
    for data in body.chunks(CHUNK).chain([&[][..]]) {
        let sig = chain.sign_chunk(data).unwrap_or_else(|e| panic!("{e}"));
        out.extend_from_slice(format!("{:x};chunk-signature={sig}\r\n", data.len()).as_bytes());
        if !data.is_empty() {
            out.extend_from_slice(data);
            out.extend_from_slice(b"\r\n");
        }
    }
    let mut canonical = String::new();
    for (n, v) in trailers {
        out.extend_from_slice(format!("{n}:{v}\r\n").as_bytes());
        canonical.push_str(&format!("{n}:{v}\n"));
    }
    let sig = chain.sign_trailer(canonical.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    out.extend_from_slice(format!("x-amz-trailer-signature:{sig}\r\n\r\n").as_bytes());
    out
}

#[test]
fn missing_extra_or_changed_trailer() {
    let signed = stream(StreamingMode::SignedPayloadTrailer, Some(ChecksumAlgorithm::Crc32c));
    let unsigned = stream(StreamingMode::UnsignedPayloadTrailer, Some(ChecksumAlgorithm::Crc32c));
    let other_value = checksum(ChecksumAlgorithm::Crc32c, b"another body");
    for s in [&signed, &unsigned] {
        let is_signed = std::ptr::eq(s, &signed);
        let what = |w: &str| format!("{}: {w}", if is_signed { "signed" } else { "unsigned" });
        let lines = s.trailer_lines();
        let checksum_line = lines[0].clone();
        let value = checksum_line.start + "x-amz-checksum-crc32c:".len()..checksum_line.end - 2;
        let invalid = Push(ErrorCode::InvalidRequest);

        let w = splice(&s.wire, checksum_line.clone(), b"");
        s.expect(&w, invalid, &s.body, &what("checksum trailer missing"));
        let w = splice(&s.wire, checksum_line.start..checksum_line.start, b"x-amz-meta-extra:1\r\n");
        s.expect(&w, invalid, &s.body, &what("extra trailer"));
        let w = splice(&s.wire, checksum_line.end..checksum_line.end, &s.wire[checksum_line.clone()]);
        s.expect(&w, invalid, &s.body, &what("checksum trailer twice"));
        let w = splice(&s.wire, checksum_line.start..checksum_line.start + 21, b"x-amz-checksum-crc32");
        s.expect(&w, invalid, &s.body, &what("another checksum than announced"));
        let w = splice(&s.wire, checksum_line.start + 21..checksum_line.start + 22, b"=");
        s.expect(&w, invalid, &s.body, &what("a trailer line without a colon"));
        // A changed value: the trailer signature catches it, or else the checksum.
        let code = if is_signed { ErrorCode::SignatureDoesNotMatch } else { ErrorCode::XAmzContentChecksumMismatch };
        let w = splice(&s.wire, value, other_value.as_bytes());
        s.expect(&w, Push(code), &s.body, &what("checksum value changed"));
        if is_signed {
            let sig_line = lines[1].clone();
            let w = splice(&s.wire, sig_line.clone(), b"");
            s.expect(&w, invalid, &s.body, &what("trailer signature missing"));
            let w = splice(&s.wire, checksum_line.start..sig_line.end, b"");
            s.expect(&w, invalid, &s.body, &what("trailer section empty"));
            let w = splice(&s.wire, sig_line.clone(), b"x-amz-trailer-signature:\r\n");
            s.expect(&w, invalid, &s.body, &what("trailer signature empty"));
            // Signature line first, checksum second: the signature must come last.
            let mut w = s.wire[..checksum_line.start].to_vec();
            w.extend_from_slice(&s.wire[sig_line.clone()]);
            w.extend_from_slice(&s.wire[checksum_line.clone()]);
            w.extend_from_slice(&s.wire[sig_line.end..]);
            s.expect(&w, invalid, &s.body, &what("trailer lines swapped"));
        } else {
            // A signature line where none is expected is an unannounced trailer.
            let sig_line = format!("x-amz-trailer-signature:{}\r\n", "0".repeat(64));
            let w = splice(&s.wire, checksum_line.end..checksum_line.end, sig_line.as_bytes());
            s.expect(&w, invalid, &s.body, &what("trailer signature in unsigned mode"));
        }
    }

    // Trailers written and signed by a client that knows the key: still refused when they are
    // not the announced ones.
    let s = &signed;
    let right = checksum(ChecksumAlgorithm::Crc32c, &s.body);
    let w = hand_signed(&s.parts, &s.body, &[("x-amz-checksum-crc32c", &right)]);
    assert!(w == s.wire, "the hand-written stream is the encoder's");
    let w = hand_signed(&s.parts, &s.body, &[("x-amz-checksum-crc32c", &right), ("x-amz-meta-extra", "1")]);
    s.expect(&w, Push(ErrorCode::InvalidRequest), &s.body, "signed extra trailer");
    let w = hand_signed(&s.parts, &s.body, &[]);
    s.expect(&w, Push(ErrorCode::InvalidRequest), &s.body, "signed empty trailer section");
}

#[test]
fn wrong_checksum() {
    for algorithm in ChecksumAlgorithm::ALL {
        // Signed trailer: the trailer signature is valid, the checksum is not the body's.
        let s = stream(StreamingMode::SignedPayloadTrailer, Some(algorithm));
        let name = algorithm.header_name();
        let right = checksum(algorithm, &s.body);
        let wrong = checksum(algorithm, b"another body");
        for value in [wrong.as_str(), "", "not base64!", &right[..right.len() - 1]] {
            let w = hand_signed(&s.parts, &s.body, &[(name, value)]);
            let what = format!("signed {algorithm}: checksum {value:?}");
            s.expect(&w, Push(ErrorCode::XAmzContentChecksumMismatch), &s.body, &what);
        }
        let w = hand_signed(&s.parts, &s.body, &[(name, &right)]);
        s.expect(&w, Accepted, &s.body, &format!("signed {algorithm}: right checksum"));

        // Unsigned: the checksum is all there is.
        let s = stream(StreamingMode::UnsignedPayloadTrailer, Some(algorithm));
        let line = s.trailer_lines()[0].clone();
        let value = line.start + name.len() + 1..line.end - 2;
        assert_eq!(&s.wire[value.clone()], right.as_bytes());
        let w = splice(&s.wire, value, wrong.as_bytes());
        let what = format!("unsigned {algorithm}: wrong checksum");
        s.expect(&w, Push(ErrorCode::XAmzContentChecksumMismatch), &s.body, &what);
        // A changed data byte: unsigned chunks are released as they come, and the checksum
        // rejects the body at its end.
        let i = s.data(1).start + 5;
        let mut w = s.wire.clone();
        w[i] ^= 0x01;
        let mut changed = s.body.clone();
        changed[CHUNK + 5] ^= 0x01;
        let what = format!("unsigned {algorithm}: data changed");
        s.expect(&w, Push(ErrorCode::XAmzContentChecksumMismatch), &changed, &what);
    }
}

#[test]
fn chunk_and_line_limits() {
    let s = stream(StreamingMode::SignedPayload, None);
    let mut limits = small_chunks();
    limits.max_chunk_size = CHUNK;
    s.expect_with(limits, &PIECES, &s.wire, Accepted, &s.body, "chunks at the size limit");
    limits.max_chunk_size = CHUNK - 1;
    s.expect_with(limits, &PIECES, &s.wire, Push(ErrorCode::InvalidRequest), b"", "chunks over the size limit");
    // Over the default limit (16 MiB), and over any usize, in the middle of the stream.
    for size in ["1000001", "ffffffffffffffff"] {
        let line = s.header_line(2);
        let semicolon = line.start + s.wire[line].iter().position(|&b| b == b';').expect("extension");
        let w = splice(&s.wire, s.frames[2].start..semicolon, size.as_bytes());
        s.expect(&w, Push(ErrorCode::InvalidRequest), s.released(2), &format!("chunk size {size}"));
    }

    // Longest line: "40;chunk-signature=<64>", 83 bytes.
    let longest = s.header_line(0).len();
    assert_eq!(longest, 83);
    let mut limits = small_chunks();
    limits.max_line_len = longest;
    s.expect_with(limits, &PIECES, &s.wire, Accepted, &s.body, "lines at the length limit");
    limits.max_line_len = longest - 1;
    s.expect_with(limits, &PIECES, &s.wire, Push(ErrorCode::InvalidRequest), b"", "lines over the length limit");
    // With the default limit (4 KiB), a line that never ends is refused before its end.
    let endless = vec![b'0'; 4096 + 3];
    s.expect(&endless, Push(ErrorCode::InvalidRequest), b"", "endless header line");
    let mut w = s.wire[..s.frames[1].start].to_vec();
    w.extend_from_slice(&endless);
    s.expect(&w, Push(ErrorCode::InvalidRequest), s.released(1), "endless header line after a chunk");

    // Trailer lines: "x-amz-trailer-signature:<64>" is the longest, 88 bytes.
    let t = stream(StreamingMode::SignedPayloadTrailer, Some(ChecksumAlgorithm::Crc32c));
    let mut limits = small_chunks();
    limits.max_line_len = 88;
    t.expect_with(limits, &PIECES, &t.wire, Accepted, &t.body, "trailer lines at the length limit");
    limits.max_line_len = 87;
    t.expect_with(limits, &PIECES, &t.wire, Push(ErrorCode::InvalidRequest), &t.body, "trailer line over the limit");
    let line = t.trailer_lines()[0].clone();
    let w = splice(&t.wire, line.end - 2..line.end - 2, &vec![b'A'; 5000]);
    t.expect(&w, Push(ErrorCode::InvalidRequest), &t.body, "endless trailer line");
    // Trailer count: the checksum and the signature line.
    let mut limits = small_chunks();
    limits.max_trailers = 2;
    t.expect_with(limits, &PIECES, &t.wire, Accepted, &t.body, "trailers at the count limit");
    limits.max_trailers = 1;
    t.expect_with(limits, &PIECES, &t.wire, Push(ErrorCode::InvalidRequest), &t.body, "trailers over the count limit");
}

/// Only the chunk that completes `x-amz-decoded-content-length` may be smaller than
/// `min_chunk_size` (8 KiB by default, as S3 requires). The size is checked from the chunk
/// header, before any of the chunk's data is taken or its signature checked.
#[test]
fn the_minimum_chunk_size() {
    assert_eq!(ChunkLimits::default().min_chunk_size, 8 * 1024);
    let refused = Push(ErrorCode::InvalidChunkSizeError);
    for (mode, trailer) in ALL_MODES {
        // Three 64-byte chunks and a 10-byte last one.
        let s = stream(mode, trailer);
        s.expect_with(ChunkLimits::default(), &PIECES, &s.wire, refused, b"", &format!("{mode:?}: default limits"));
        let mut limits = ChunkLimits::default();
        limits.min_chunk_size = CHUNK;
        s.expect_with(limits, &PIECES, &s.wire, Accepted, &s.body, &format!("{mode:?}: at the minimum"));
        limits.min_chunk_size = CHUNK + 1;
        s.expect_with(limits, &PIECES, &s.wire, refused, b"", &format!("{mode:?}: one byte under the minimum"));
        // A short chunk after a full one: refused there, after the full one was released.
        let short = stream_declaring(mode, trailer, LEN + CHUNK, LEN);
        limits.min_chunk_size = CHUNK;
        short.expect_with(limits, &PIECES, &short.wire, refused, short.released(3), &format!("{mode:?}: short middle"));

        // 8 KiB chunks and a short last one pass the default limits.
        let body = letters(2 * 8192 + 5);
        let mut parts = request_parts();
        let mut encoder =
            signer().sign_chunked(&mut parts, body.len() as u64, &options(mode, trailer, 8192)).expect("signs");
        let mut wire = Vec::new();
        encoder.push(&body, &mut wire);
        encoder.finish(&mut wire);
        let mut decoder = gateway_decoder(&parts, true, ChunkLimits::default());
        let (got, out) = decode(&mut decoder, &wire, 1000);
        assert_eq!(got, Accepted, "{mode:?}: 8 KiB chunks");
        assert!(out == body, "{mode:?}: 8 KiB chunks decode");
    }
}

/// After a failure every call fails with the same error and releases nothing, even when the
/// rest of a valid stream follows.
#[test]
fn failure_is_terminal() {
    let s = stream(StreamingMode::SignedPayloadTrailer, Some(ChecksumAlgorithm::Sha256));
    let cases: [(&str, Vec<u8>, ErrorCode); 3] = [
        (
            "bad signature",
            splice(&s.wire, s.data(1).start..s.data(1).start + 1, b"!"),
            ErrorCode::SignatureDoesNotMatch,
        ),
        ("bad framing", splice(&s.wire, s.data(1).end..s.data(1).end + 1, b"\n"), ErrorCode::InvalidRequest),
        ("overlong", splice(&s.wire, s.frames[3].start..s.frames[3].start + 1, b"f"), ErrorCode::IncompleteBody),
    ];
    for (what, wire, code) in cases {
        let mut d = s.decoder(small_chunks());
        let mut out = Vec::new();
        let bad = s.frames.iter().position(|f| wire[f.clone()] != s.wire[f.clone()]).expect("a changed frame");
        let end = s.frames[bad].end;
        let first = d.push(&wire[..end], &mut out).map_err(|e| VerifyError::from(e).code());
        assert_eq!(first, Err(code), "{what}");
        assert!(out == s.released(bad), "{what}");
        // The rest of the original, valid stream does not revive it.
        for piece in s.wire[end..].chunks(17) {
            assert_eq!(d.push(piece, &mut out).map_err(|e| VerifyError::from(e).code()), Err(code), "{what}");
        }
        assert_eq!(d.push(&s.wire, &mut out).map_err(|e| VerifyError::from(e).code()), Err(code), "{what}");
        assert!(out == s.released(bad), "{what}: released after the failure");
        assert_eq!(d.finish().map_err(|e| VerifyError::from(e).code()), Err(code), "{what}");
        assert_eq!(d.finish().map_err(|e| VerifyError::from(e).code()), Err(code), "{what}");
        assert!(!d.is_done());
        assert!(d.trailers().is_empty(), "{what}");
    }
}

/// Unsigned chunks are protected by the trailing checksum alone, so an unsigned-trailer request
/// whose `x-amz-trailer` names no checksum is refused before any byte is read.
#[test]
fn unsigned_trailer_mode_requires_a_checksum_trailer() {
    let mut parts = request_parts();
    for (name, value) in [
        ("content-encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", "5"),
        ("x-amz-trailer", "x-amz-meta-note"),
    ] {
        parts.headers.insert(name, http::HeaderValue::from_static(value));
    }
    let payload = PayloadHash::streaming(StreamingMode::UnsignedPayloadTrailer);
    sigv4_kit::sign::Signer::sign_parts(&signer(), &mut parts, &payload).expect("signs");
    let verifier = Verifier::new(VerifierConfig::new(["s3"]).with_s3_rules()).with_clock(FixedClock::new(time()));
    let err = verifier.begin(&parts).expect_err("refused");
    assert_eq!((err.code(), err.status().as_u16()), (ErrorCode::InvalidRequest, 400), "{err}");
}

// ---------------------------------------------------------------------------------------------
// SigV4a streaming (`STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD[-TRAILER]`).
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "sigv4a")]
mod sigv4a {
    use sigv4_kit::sigv4a::RegionSet;
    use sigv4_kit::sigv4a::{EcdsaKey, PublicKey};

    use super::*;

    fn v4a_signer(akid: &str, secret: &str, time: AmzDate) -> SigV4Signer {
        let set = RegionSet::new("us-east-1").expect("region set");
        SigV4Signer::sigv4a(Credentials::new(akid, secret), set, "s3")
            .with_settings(SigningSettings::s3())
            .with_clock(FixedClock::new(time))
    }

    /// aws-c-auth's SigV4a chunked test: the seed canonical requests (payload and trailer
    /// modes), and every chunk and trailer string to sign (fixed prefix, our previous
    /// signature, fixed suffix); each of our signatures verifies under the published key.
    #[test]
    fn aws_c_auth_chunked_signing_v4a() {
        let doc = json("aws-c-auth/extracted/chunked-signing.json");
        let config = &doc["config"];
        let v4a = &doc["sigv4a"];
        let akid = str_at(config, "/credentials/access_key_id");
        let secret = str_at(config, "/credentials/secret_access_key");
        assert_eq!(str_at(v4a, "/algorithm"), "AWS4-ECDSA-P256-SHA256");
        let time = AmzDate::parse_http_date(str_at(config, "/date")).expect("RFC 822 date");
        let key = EcdsaKey::derive(akid, secret).expect("derives");
        let published = PublicKey::from_xy_hex(
            str_at(v4a, "/verification_public_key/x"),
            str_at(v4a, "/verification_public_key/y"),
        )
        .expect("published key");
        assert_eq!(key.public_key(), published, "the derived key is the published one");
        let signer = v4a_signer(akid, secret, time);
        let scope = CredentialScope::new(time, str_at(config, "/region"), str_at(config, "/service")).expect("scope");

        for (request, body_value, canonical) in [
            ("/request", "/request_signed_body_value", "/expected_canonical_request"),
            ("/trailing_request", "/trailing_request_signed_body_value", "/expected_trailing_canonical_request"),
        ] {
            let mut r = SignableRequest::new(
                str_at(&doc, &format!("{request}/method")),
                str_at(&doc, &format!("{request}/path")),
            );
            let headers = pairs_at(&doc, &format!("{request}/headers"));
            for (n, v) in &headers {
                r.push_header(n, v);
            }
            let payload = PayloadHash::precomputed(str_at(v4a, body_value)).expect("a STREAMING literal");
            let ex = signer.explain_at(&r, &payload, time).expect("signs");
            assert_eq!(ex.canonical_request, str_at(v4a, canonical), "{request}: canonical request");
            let seed = ex.output.signature();
            assert!(published.verify(ex.string_to_sign.as_bytes(), &seed), "{request}: seed signature");

            let mut chain = ChunkChain::sigv4a(key.clone(), time, &scope, seed);
            let prefix = str_at(v4a, "/chunk_sts_prefix");
            for (i, (data, suffix)) in
                chunk_payloads(&doc, "/chunks").iter().zip(array_at(v4a, "/chunk_sts_suffix")).enumerate()
            {
                let sts = chain.chunk_string_to_sign(&sha256(data));
                let want = format!("{prefix}{}{}", chain.previous(), suffix.as_str().expect("suffix"));
                assert_eq!(sts, want, "{request}: chunk {i} string to sign");
                let sig = chain.sign_chunk(data).unwrap_or_else(|e| panic!("{e}"));
                assert!(published.verify(sts.as_bytes(), &sig), "{request}: chunk {i} signature");
            }
            let canonical = canonical_trailers(&pairs_at(&doc, "/trailing_headers"));
            let sts = chain.trailer_string_to_sign(&sha256(canonical.as_bytes()));
            let want = format!(
                "{}{}{}",
                str_at(v4a, "/trailer_sts_prefix"),
                chain.previous(),
                str_at(v4a, "/trailer_sts_suffix")
            );
            assert_eq!(sts, want, "{request}: trailer string to sign");
            let sig = chain.sign_trailer(canonical.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
            assert!(published.verify(sts.as_bytes(), &sig), "{request}: trailer signature");
        }
    }

    /// `sign_chunked` with a SigV4a signer, the verifier and the decoder, in both SigV4a modes:
    /// signatures go on the wire padded to 144 characters with `*`, the encoded length is the
    /// request's Content-Length, and a changed byte, signature or padding is refused.
    #[test]
    fn sign_verify_decode_round_trip_v4a() {
        let body = letters(150_000);
        for (trailer, mode) in [
            (None, StreamingMode::EcdsaSignedPayload),
            (Some(ChecksumAlgorithm::Crc32c), StreamingMode::EcdsaSignedPayloadTrailer),
        ] {
            let mut parts = request_parts();
            let signer = v4a_signer(AKID, SECRET, time());
            // Asked for the SigV4 mode, a SigV4a signer signs its ECDSA form.
            let generic =
                if trailer.is_some() { StreamingMode::SignedPayloadTrailer } else { StreamingMode::SignedPayload };
            let mut encoder =
                signer.sign_chunked(&mut parts, body.len() as u64, &options(generic, trailer, 65536)).expect("signs");
            assert_eq!(encoder.mode(), mode);
            assert_eq!(parts.headers["x-amz-content-sha256"], mode.content_sha256());
            assert_eq!(parts.headers["x-amz-region-set"], "us-east-1");
            let mut wire = Vec::new();
            encoder.push(&body, &mut wire);
            encoder.finish(&mut wire);
            assert_eq!(parts.headers["content-length"], wire.len().to_string().as_str(), "{mode:?}");
            let text = String::from_utf8_lossy(&wire);
            let sigs: Vec<&str> = text
                .split("chunk-signature=")
                .skip(1)
                .chain(text.split("x-amz-trailer-signature:").skip(1))
                .map(|s| s.split("\r\n").next().unwrap_or_default())
                .collect();
            assert_eq!(sigs.len(), 4 + usize::from(trailer.is_some()), "{mode:?}");
            for s in &sigs {
                assert_eq!(s.len(), 144, "{mode:?}: {s}");
                assert!(s.starts_with("30") && (s.ends_with('*') || !s.contains('*')), "{mode:?}: {s}");
            }
            let decoded = decode_all(&mut gateway_decoder(&parts, true, small_chunks()), &wire, 5000).expect("decodes");
            assert!(decoded == body, "{mode:?}");

            // A changed data byte, a changed signature digit, and a signature without padding.
            let mut changed = wire.clone();
            let at = text.find("\r\n").expect("header line") + 10;
            changed[at] ^= 1;
            assert!(decode_all(&mut gateway_decoder(&parts, true, small_chunks()), &changed, 5000).is_err());
            let first = sigs[0];
            let flipped = format!("{}{}", if first.starts_with("30") { "31" } else { "30" }, &first[2..]);
            let bad = text.replacen(first, &flipped, 1);
            assert!(decode_all(&mut gateway_decoder(&parts, true, small_chunks()), bad.as_bytes(), 5000).is_err());
            let unpadded = text.replacen(first, first.trim_end_matches('*'), 1);
            if unpadded.len() != text.len() {
                assert!(
                    decode_all(&mut gateway_decoder(&parts, true, small_chunks()), unpadded.as_bytes(), 5000).is_err()
                );
            }
        }
    }

    /// A SigV4a request that declares a SigV4 streaming mode (or the reverse) is refused.
    #[test]
    fn streaming_mode_must_match_the_algorithm() {
        let mut parts = request_parts();
        let options = options(StreamingMode::SignedPayload, None, 65536);
        v4a_signer(AKID, SECRET, time()).sign_chunked(&mut parts, 10, &options).expect("signs");
        let verifier = Verifier::new(VerifierConfig::new(["s3"]).with_s3_rules()).with_clock(FixedClock::new(time()));
        parts
            .headers
            .insert("x-amz-content-sha256", http::HeaderValue::from_static("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
        let err = verifier.begin(&parts).expect_err("refused");
        assert_eq!(err.code(), ErrorCode::InvalidArgument, "{err}");
        let mut v4 = request_parts();
        let v4_options = options_for(StreamingMode::EcdsaSignedPayload);
        signer().sign_chunked(&mut v4, 10, &v4_options).expect("signs");
        assert_eq!(
            v4.headers["x-amz-content-sha256"], "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            "a SigV4 signer signs the HMAC form"
        );
    }

    fn options_for(mode: StreamingMode) -> ChunkedOptions {
        options(mode, None, 65536)
    }
}
