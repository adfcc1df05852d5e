//! Instruction counts of signing, verification and `aws-chunked` streaming, with gungraun
//! (callgrind): each benchmark runs once under valgrind, and only the benchmarked call is counted.
//! Its inputs (signers with a warm key cache, requests, views, encoded bodies) are built before
//! it, outside the counted region, and pass through `black_box`; what it returns is dropped after.
//!
//! The requests are those of `benches/signing.rs` and `benches/streaming.rs`, signed at
//! `20150830T123600Z`. The `floor` group counts the hashing no SigV4 implementation can skip, with
//! the `sha2` and `hmac` crates sigv4-kit uses: SHA-256 over as many bytes as a request's canonical
//! request, then HMAC-SHA256 from a keyed state (cloned) over as many bytes as its string to sign.
//!
//! Valgrind does not advertise SHA-NI to the program it runs, so `sha2` takes its portable path
//! there: the counts are instructions of that path on x86-64, the same on any machine with the
//! same toolchain and dependencies, not a prediction of time. The benchmark uses the crate's
//! public API only: `benches/icount.sh --baseline REV` builds it against older commits too.
//!
//! ```sh
//! benches/icount.sh                          # runs this and writes benches/ICOUNT.md
//! benches/icount.sh --baseline perf-before   # and the same benchmarks at another commit
//! cargo bench --manifest-path benches/icount/Cargo.toml   # the runner's own output
//! ```
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;
use std::task::{Context, Poll, Waker};

use gungraun::{library_benchmark, library_benchmark_group, main};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sigv4_kit::chunked::{ChunkChain, ChunkLimits, ChunkedDecoder, ChunkedEncoder, StreamingMode};
use sigv4_kit::sign::{Explanation, PayloadMode, SigV4Signer, SignError, SigningOutput, SigningSettings};
use sigv4_kit::spec::{CanonicalRequest, CredentialScope, ExcludedHeaders, SigningKey, sha256};
use sigv4_kit::verify::{MemoryProvider, Principal, PrincipalKind, Verified, Verifier, VerifierConfig, VerifyError};
use sigv4_kit::{AmzDate, Credentials, FixedClock, Limits, PayloadHash, SignableRequest, UriMode};

const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
/// The service of the generic (non-S3) requests.
const SERVICE: &str = "service";
/// `20150830T123600Z`.
const UNIX: i64 = 1_440_938_160;

/// The requests of `benches/signing.rs`, as request line and header lines: the GET of `sign_get`
/// (five headers, three query parameters), the S3 PUT of `sign_put` and the S3 GET of `presign_get`.
const GET: &str =
    "GET https://example.amazonaws.com/photos/2015/08/index.json?prefix=beach%20day&max-keys=100&list-type=2
host: example.amazonaws.com
accept: application/json
x-amz-user-agent: aws-sdk-rust/1.0 os/linux lang/rust
amz-sdk-invocation-id: 6d0fd4c4-0c3b-4d9c-9f3e-5b7c1e0a2f11
amz-sdk-request: attempt=1; max=3";
const PUT: &str = "PUT https://examplebucket.s3.amazonaws.com/photos/2015/08/beach%20day.jpg
host: examplebucket.s3.amazonaws.com
content-type: image/jpeg
content-length: 1048576
x-amz-storage-class: STANDARD_IA
x-amz-meta-camera: EXAMPLE-CAM 5D";
const S3_GET: &str = "GET https://examplebucket.s3.amazonaws.com/photos/2015/08/beach.jpg";
/// The SHA-256 of the PUT's body, given to the signer.
const PUT_BODY_SHA256: &str = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
const PRESIGN_SECS: u64 = 86_400;

/// The `aws-chunked` body: 256 KiB in 64 KiB chunks, pushed to the decoder in 64 KiB pieces.
const BODY_LEN: usize = 256 * 1024;
const CHUNK: usize = 64 * 1024;

fn time() -> AmzDate {
    AmzDate::from_unix(UNIX).unwrap_or_else(|e| panic!("time: {e}"))
}

/// An `http::Request` from `text`: `METHOD URI` on the first line, then `name: value` lines.
fn request(text: &str) -> http::Request<Vec<u8>> {
    let mut lines = text.lines();
    let (method, uri) = lines.next().and_then(|l| l.split_once(' ')).unwrap_or_else(|| panic!("request line"));
    let mut builder = http::Request::builder().method(method).uri(uri);
    for line in lines {
        let (name, value) = line.split_once(": ").unwrap_or_else(|| panic!("header line {line:?}"));
        builder = builder.header(name, value);
    }
    builder.body(Vec::new()).unwrap_or_else(|e| panic!("request: {e}"))
}

/// A GET with `headers` headers (host included), `params` query parameters and a path of
/// `path_len` bytes (a multiple of 10), built as `scaled_request` of `benches/signing.rs` builds it.
fn scaled(headers: usize, params: usize, path_len: usize) -> http::Request<Vec<u8>> {
    let mut text = String::from("GET https://example.amazonaws.com");
    text.push_str(&if path_len == 0 { "/".to_owned() } else { "/file%20ab".repeat(path_len / 10) });
    for i in 0..params {
        text.push(if i == 0 { '?' } else { '&' });
        text.push_str(&format!("key-{i:03}=value%20{i:03}"));
    }
    text.push_str("\nhost: example.amazonaws.com");
    for i in 1..headers {
        text.push_str(&format!("\nx-amz-meta-field-{i:02}: value number {i:02} of the scaling test"));
    }
    request(&text)
}

/// The requests signed here, each with the settings of its benchmark in `benches/signing.rs`.
#[derive(Clone, Copy)]
enum Case {
    Get,
    Put,
    Presign,
    Headers50,
    Query100,
    Path1000,
}

impl Case {
    fn request(self) -> http::Request<Vec<u8>> {
        match self {
            Case::Get => request(GET),
            Case::Put => request(PUT),
            Case::Presign => request(S3_GET),
            Case::Headers50 => scaled(50, 0, 0),
            Case::Query100 => scaled(1, 100, 0),
            Case::Path1000 => scaled(1, 0, 1000),
        }
    }

    /// A signer for the case, its key cache warmed by a first signature.
    fn signer(self) -> SigV4Signer {
        let (service, settings) = match self {
            Case::Put => {
                let hash = PayloadHash::precomputed(PUT_BODY_SHA256).unwrap_or_else(|e| panic!("hash: {e}"));
                ("s3", SigningSettings::s3().with_payload(PayloadMode::Precomputed(hash)))
            }
            Case::Presign => ("s3", presign_settings()),
            _ => (SERVICE, SigningSettings::default()),
        };
        let signer = SigV4Signer::new(Credentials::new(ACCESS_KEY_ID, SECRET), REGION, service)
            .with_settings(settings)
            .with_clock(FixedClock::new(time()));
        signer.sign(&mut self.request()).unwrap_or_else(|e| panic!("warm-up: {e}"));
        signer
    }

    /// The signed request, as the verifier receives it.
    fn signed(self) -> http::request::Parts {
        let mut request = self.request();
        self.signer().sign(&mut request).unwrap_or_else(|e| panic!("sign: {e}"));
        request.into_parts().0
    }

    /// The case's canonical request and string to sign, as its signer signs them.
    fn texts(self) -> Explanation {
        let (signer, request) = (self.signer(), self.request());
        let view = SignableRequest::from_http(request.method(), request.uri(), request.headers(), Limits::default())
            .unwrap_or_else(|e| panic!("view: {e}"));
        let payload = signer.payload_hash(request.body());
        signer.explain_at(&view, &payload, time()).unwrap_or_else(|e| panic!("explain: {e}"))
    }
}

fn presign_settings() -> SigningSettings {
    SigningSettings::s3().with_presign(PRESIGN_SECS).with_payload(PayloadMode::Unsigned)
}

/// A signer with a warm key cache and a request it has not signed yet.
type Signing = (SigV4Signer, http::Request<Vec<u8>>);

fn signing(case: Case) -> Signing {
    (case.signer(), case.request())
}

// `SigV4Signer::sign` of an `http::Request`: canonicalize, hash, sign, add the headers (or the
// presigned query) to the request.
#[library_benchmark]
#[bench::get(args = (Case::Get), setup = signing, teardown = succeeded)]
#[bench::put(args = (Case::Put), setup = signing, teardown = succeeded)]
#[bench::presign(args = (Case::Presign), setup = signing, teardown = succeeded)]
#[bench::headers_50(args = (Case::Headers50), setup = signing, teardown = succeeded)]
#[bench::query_100(args = (Case::Query100), setup = signing, teardown = succeeded)]
#[bench::path_1000(args = (Case::Path1000), setup = signing, teardown = succeeded)]
fn sign((signer, mut request): Signing) -> (Signing, Result<SigningOutput, SignError>) {
    let output = signer.sign(black_box(&mut request));
    ((signer, request), output)
}

/// The teardown of a benchmark that returns what it kept alive and its result: the result must
/// be a success (the counts of a failure would be meaningless). Runs after the counted call.
fn succeeded<K, T, E: std::fmt::Display>((_, result): (K, Result<T, E>)) {
    if let Err(e) = result {
        panic!("the benchmarked call failed: {e}");
    }
}

/// The GET as a prebuilt `SignableRequest` view (of a request that lives to the end of the
/// process) and its payload hash.
fn view() -> (SigV4Signer, SignableRequest<'static>, PayloadHash) {
    let request: &'static http::Request<Vec<u8>> = Box::leak(Box::new(Case::Get.request()));
    let view = SignableRequest::from_http(request.method(), request.uri(), request.headers(), Limits::default())
        .unwrap_or_else(|e| panic!("view: {e}"));
    (Case::Get.signer(), view, PayloadHash::of(b""))
}

// `SigV4Signer::sign_at` on a prebuilt view of the GET: the sans-IO core, no request to update.
#[library_benchmark]
#[bench::get(setup = view, teardown = succeeded)]
fn sign_at(
    (signer, view, payload): (SigV4Signer, SignableRequest<'static>, PayloadHash),
) -> (SigV4Signer, Result<SigningOutput, SignError>) {
    let output = signer.sign_at(black_box(&view), black_box(&payload), black_box(time()));
    (signer, output)
}

/// Polls a future that is ready at once (the verifier with a `MemoryProvider` is).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// A verifier of what `case` signs, with its key cache warmed by a first verification; the
/// signed request; the provider; the body hash a gateway passes (a header-signed request's: the
/// empty body's, precomputed).
struct Verifying {
    verifier: Verifier,
    parts: http::request::Parts,
    provider: MemoryProvider,
    body_hash: Option<[u8; 32]>,
}

fn verifying(case: Case) -> Verifying {
    let config = match case {
        Case::Presign => VerifierConfig::new(["s3"]).with_s3_rules(),
        _ => VerifierConfig::new([SERVICE]),
    };
    let verifier = Verifier::new(config).with_clock(FixedClock::new(time()));
    let parts = case.signed();
    let body_hash = parts.headers.contains_key("authorization").then(|| sha256(b""));
    let principal = Principal::new("123456789012", "arn:aws:iam::123456789012:user/bench", PrincipalKind::IamUser);
    let provider = MemoryProvider::new().with_key(ACCESS_KEY_ID, SECRET, principal);
    block_on(verifier.verify(&parts, body_hash, &provider)).unwrap_or_else(|e| panic!("verify: {e}"));
    Verifying { verifier, parts, provider, body_hash }
}

// `Verifier::verify` with a `MemoryProvider`: the header-signed GET, the presigned S3 GET.
#[library_benchmark]
#[bench::header(args = (Case::Get), setup = verifying, teardown = succeeded)]
#[bench::presigned(args = (Case::Presign), setup = verifying, teardown = succeeded)]
fn verify(v: Verifying) -> (Verifying, Result<Verified, VerifyError>) {
    let verified = block_on(v.verifier.verify(black_box(&v.parts), black_box(v.body_hash), &v.provider));
    (v, verified)
}

// `Verifier::begin` alone: parsing and checking the request before the provider is asked.
#[library_benchmark]
#[bench::header(args = (Case::Get), setup = verifying, teardown = succeeded)]
#[bench::presigned(args = (Case::Presign), setup = verifying, teardown = succeeded)]
fn begin(v: Verifying) -> (Verifying, Result<usize, VerifyError>) {
    let begun = v.verifier.begin(black_box(&v.parts)).map(|p| p.access_key_id().len());
    (v, begun)
}

/// The GET's view with its `X-Amz-Date`, as the signer canonicalizes it, and the empty payload.
fn canonical_input() -> (SignableRequest<'static>, PayloadHash) {
    let (_, view, payload) = view();
    let date: &'static str = Box::leak(time().as_str().to_owned().into_boxed_str());
    (view.with_header("X-Amz-Date", date), payload)
}

// `CanonicalRequest::new(...).hash()` of the GET: canonicalization streamed into SHA-256.
#[library_benchmark]
#[bench::get(setup = canonical_input, teardown = signer_hashes)]
fn canonical((view, payload): (SignableRequest<'static>, PayloadHash)) -> Result<[u8; 32], SignError> {
    let excluded = ExcludedHeaders::default();
    CanonicalRequest::new(black_box(&view), UriMode::Normalized, &excluded, black_box(&payload)).map(|c| c.hash())
}

/// The teardown of `canonical`: the hash is that of the canonical request the signer signs.
fn signer_hashes(hash: Result<[u8; 32], SignError>) {
    let hash = hash.unwrap_or_else(|e| panic!("canonical: {e}"));
    assert_eq!(hash, sha256(Case::Get.texts().canonical_request.as_bytes()), "the signer's canonical request");
}

// `SigningKey::derive`: four chained HMACs.
#[library_benchmark]
#[bench::s3(setup = scope)]
fn signing_key(scope: CredentialScope<'static>) -> SigningKey {
    SigningKey::derive(black_box(SECRET), black_box(&scope))
}

/// The S3 PUT's credential scope.
fn scope() -> CredentialScope<'static> {
    CredentialScope::new(time(), REGION, "s3").unwrap_or_else(|e| panic!("scope: {e}"))
}

/// The body: bytes that vary (SHA-256 and the framing cost the same whatever they are).
fn body() -> Vec<u8> {
    (0..BODY_LEN).map(|i| (i % 251) as u8).collect()
}

/// The chunk chain of the S3 PUT, signed at the benchmarks' time: its key and scope, and its
/// header signature as the seed.
fn chain() -> ChunkChain {
    let mut put = Case::Put.request();
    let seed = Case::Put.signer().sign(&mut put).unwrap_or_else(|e| panic!("seed: {e}")).signature();
    let scope = scope();
    ChunkChain::new(SigningKey::derive(SECRET, &scope), time(), &scope, seed)
}

/// An encoder, the body and an output buffer with room for all of it.
fn encoding() -> (ChunkedEncoder, Vec<u8>, Vec<u8>) {
    let encoder = ChunkedEncoder::signed(chain(), None, CHUNK).unwrap_or_else(|e| panic!("encoder: {e}"));
    (encoder, body(), Vec::with_capacity(2 * BODY_LEN))
}

/// A decoder, the encoded body and an output buffer with room for one piece's release.
fn decoding() -> (ChunkedDecoder, Vec<u8>, Vec<u8>) {
    let (encoder, data, mut wire) = encoding();
    encode(encoder, &data, &mut wire);
    let mode = StreamingMode::SignedPayload;
    let decoder = ChunkedDecoder::new(mode, Some(chain()), BODY_LEN as u64, Vec::new(), ChunkLimits::default());
    (decoder, wire, Vec::with_capacity(2 * CHUNK))
}

// `aws-chunked` signing (`ChunkedEncoder`) and verifying (`ChunkedDecoder`, fed in 64 KiB
// pieces) of a 256 KiB body in 64 KiB chunks; `sha256` is SHA-256 over the same body, their floor.
#[library_benchmark]
#[bench::encode(setup = encoding)]
fn chunked_encode((encoder, data, mut out): (ChunkedEncoder, Vec<u8>, Vec<u8>)) -> Vec<u8> {
    encode(encoder, black_box(&data), &mut out);
    out
}

fn encode(mut encoder: ChunkedEncoder, data: &[u8], out: &mut Vec<u8>) {
    encoder.push(data, out);
    encoder.finish(out);
}

#[library_benchmark]
#[bench::decode(setup = decoding)]
fn chunked_decode((mut decoder, wire, mut out): (ChunkedDecoder, Vec<u8>, Vec<u8>)) -> usize {
    for piece in black_box(&wire).chunks(CHUNK) {
        decoder.push(piece, &mut out).unwrap_or_else(|e| panic!("decode: {e}"));
        black_box(&out);
        out.clear();
    }
    decoder.finish().unwrap_or_else(|e| panic!("decode: {e}"));
    wire.len()
}

#[library_benchmark]
#[bench::sha256(setup = body)]
fn chunked_floor(data: Vec<u8>) -> [u8; 32] {
    sha256(black_box(&data))
}

/// As many bytes as a case's canonical request and string to sign, and a keyed HMAC state.
fn floor_input(case: Case) -> (Vec<u8>, Vec<u8>, Hmac<Sha256>) {
    let texts = case.texts();
    let mac = <Hmac<Sha256>>::new_from_slice(&[0x5a; 32]).unwrap_or_else(|e| panic!("hmac: {e}"));
    (vec![b'c'; texts.canonical_request.len()], vec![b's'; texts.string_to_sign.len()], mac)
}

// The floor of a case: SHA-256 over as many bytes as its canonical request, then HMAC-SHA256
// from a keyed state (cloned) over as many bytes as its string to sign.
#[library_benchmark]
#[bench::get(args = (Case::Get), setup = floor_input)]
#[bench::put(args = (Case::Put), setup = floor_input)]
#[bench::presign(args = (Case::Presign), setup = floor_input)]
#[bench::headers_50(args = (Case::Headers50), setup = floor_input)]
#[bench::query_100(args = (Case::Query100), setup = floor_input)]
#[bench::path_1000(args = (Case::Path1000), setup = floor_input)]
fn floor((canonical, string_to_sign, keyed): (Vec<u8>, Vec<u8>, Hmac<Sha256>)) -> [u8; 32] {
    black_box(<[u8; 32]>::from(Sha256::digest(black_box(&canonical))));
    let mut mac = black_box(&keyed).clone();
    mac.update(black_box(&string_to_sign));
    mac.finalize().into_bytes().into()
}

// The floor of `canonical`: SHA-256 over as many bytes as the GET's canonical request.
#[library_benchmark]
#[bench::get(setup = canonical_len)]
fn canonical_floor(bytes: Vec<u8>) -> [u8; 32] {
    Sha256::digest(black_box(&bytes)).into()
}

fn canonical_len() -> Vec<u8> {
    vec![b'c'; Case::Get.texts().canonical_request.len()]
}

library_benchmark_group!(name = signing, benchmarks = [sign, sign_at, signing_key]);
library_benchmark_group!(name = verifying, benchmarks = [verify, begin, canonical]);
library_benchmark_group!(name = streaming, benchmarks = [chunked_encode, chunked_decode]);
library_benchmark_group!(name = floors, benchmarks = [floor, canonical_floor, chunked_floor]);

main!(library_benchmark_groups = signing, verifying, streaming, floors);
