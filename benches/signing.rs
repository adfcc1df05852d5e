//! Criterion benchmarks of signing and verification: sigv4-kit beside `aws-sigv4` (and `rusty-s3` for
//! presigning) and beside a floor, on the same input, with the same settings, in the same run.
//!
//! The floor is the cryptography no SigV4 implementation can skip: SHA-256 over a byte string as
//! long as the request's canonical request, and HMAC-SHA256 keyed with a 32-byte key over a byte
//! string as long as its string to sign (with a fresh key, also the four chained HMACs of key
//! derivation over inputs of the same lengths). It uses `sha2` and `hmac`, as sigv4-kit does. The
//! lengths come from our own `CanonicalRequest` and `StringToSign` texts, computed before measuring.
//!
//! Benchmark ids are `<group>/<impl>` or `<group>/<impl>/<param>`, with `<impl>` one of
//! `sigv4-kit`, `aws-sigv4`, `rusty-s3` and `floor`; `benches/report.sh` reads them back. The
//! `cached` / `fresh` parameter says whether the signing key comes from a cache or is derived
//! inside the measured call (`aws-sigv4` and `rusty-s3` always derive it, so they only have `fresh`).
//!
//! Every request is signed at `20150830T123600Z`. Before measuring, each group checks that all
//! implementations produce the same signature, so they all do the same work.
//!
//! ```sh
//! cargo bench --bench signing                                   # warm-up 1 s, 2 s, 40 samples
//! cargo bench --bench signing -- --measurement-time 5 sign_get  # criterion flags and filters
//! SIGV4_BENCH_MEASUREMENT=0.5 SIGV4_BENCH_WARM_UP=0.2 cargo bench --bench signing
//! ```

use std::hint::black_box;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest as AwsSignableRequest,
    SignatureLocation as AwsLocation, SigningParams as AwsSigningParams, SigningSettings as AwsSettings,
    UriPathNormalizationMode, sign as aws_sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use rusty_s3::S3Action;
use sha2::{Digest, Sha256};
use sigv4_kit::verify::{CredentialProvider, MemoryProvider, Principal, PrincipalKind, Verifier, VerifierConfig};
use sigv4_kit::{
    AmzDate, CanonicalRequest, CredentialScope, Credentials, ExcludedHeaders, Explanation, FixedClock, Limits,
    PayloadHash, PayloadMode, SigV4Signer, SignableRequest, Signer, SigningKey, SigningSettings, UriMode, sha256,
};

const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
/// `20150830T123600Z`.
const UNIX: u64 = 1_440_938_160;
/// The service of the generic (non-S3) requests: normalized, double-encoded paths.
const SERVICE: &str = "service";

/// A typical GET: five headers (host included) and a three-parameter query.
const GET_URI: &str =
    "https://example.amazonaws.com/photos/2015/08/index.json?prefix=beach%20day&max-keys=100&list-type=2";
const GET_HEADERS: [(&str, &str); 5] = [
    ("host", "example.amazonaws.com"),
    ("accept", "application/json"),
    ("x-amz-user-agent", "aws-sdk-rust/1.0 os/linux lang/rust"),
    ("amz-sdk-invocation-id", "6d0fd4c4-0c3b-4d9c-9f3e-5b7c1e0a2f11"),
    ("amz-sdk-request", "attempt=1; max=3"),
];

/// An S3 `PutObject` whose body was hashed elsewhere (streamed from disk, say).
const PUT_URI: &str = "https://examplebucket.s3.amazonaws.com/photos/2015/08/beach%20day.jpg";
const PUT_HEADERS: [(&str, &str); 5] = [
    ("host", "examplebucket.s3.amazonaws.com"),
    ("content-type", "image/jpeg"),
    ("content-length", "1048576"),
    ("x-amz-storage-class", "STANDARD_IA"),
    ("x-amz-meta-camera", "EXAMPLE-CAM 5D"),
];
/// The SHA-256 of the PUT's body, as `x-amz-content-sha256` carries it.
const PUT_BODY_SHA256: &str = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";

/// An S3 object to presign a GET for.
const S3_ENDPOINT: &str = "https://s3.amazonaws.com";
const S3_BUCKET: &str = "examplebucket";
const S3_KEY: &str = "photos/2015/08/beach.jpg";
const PRESIGN_SECS: u64 = 86_400;

fn time() -> AmzDate {
    AmzDate::from_unix(UNIX as i64).unwrap_or_else(|e| panic!("fixed time: {e}"))
}

fn system_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(UNIX)
}

fn ours(service: &str, settings: SigningSettings) -> SigV4Signer {
    SigV4Signer::new(Credentials::new(ACCESS_KEY_ID, SECRET), REGION, service)
        .with_settings(settings)
        .with_clock(FixedClock::new(time()))
}

fn aws_identity() -> Identity {
    AwsCredentials::new(ACCESS_KEY_ID, SECRET, None, None, "bench").into()
}

fn aws_params<'a>(identity: &'a Identity, service: &'a str, settings: AwsSettings) -> AwsSigningParams<'a> {
    v4::SigningParams::builder()
        .identity(identity)
        .region(REGION)
        .name(service)
        .time(system_time())
        .settings(settings)
        .build()
        .unwrap_or_else(|e| panic!("aws-sigv4 params: {e}"))
        .into()
}

/// aws-sigv4's S3 settings: paths as sent, encoded once.
fn aws_s3_settings() -> AwsSettings {
    let mut settings = AwsSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings
}

fn http_request(method: &str, uri: &str, headers: &[(&str, &str)]) -> http::Request<Vec<u8>> {
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Vec::new()).unwrap_or_else(|e| panic!("request: {e}"))
}

/// How aws-sigv4 sees the payload of a request.
#[derive(Clone, Copy)]
enum AwsBody<'a> {
    /// The request's body bytes, hashed while signing.
    Bytes,
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
    /// A hex SHA-256 computed elsewhere.
    Precomputed(&'a str),
}

/// Signs with aws-sigv4 as a client does: a view of the `http::Request`, `sign`, then apply.
/// Returns the signature.
fn aws_sign_request(request: &mut http::Request<Vec<u8>>, params: &AwsSigningParams<'_>, body: AwsBody<'_>) -> String {
    let uri = request.uri().to_string();
    let headers = request.headers().iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap_or_default()));
    let body = match body {
        AwsBody::Bytes => SignableBody::Bytes(request.body()),
        AwsBody::Unsigned => SignableBody::UnsignedPayload,
        AwsBody::Precomputed(hash) => SignableBody::Precomputed(hash.to_owned()),
    };
    let signable = AwsSignableRequest::new(request.method().as_str(), uri, headers, body)
        .unwrap_or_else(|e| panic!("aws-sigv4 signable: {e}"));
    let (instructions, signature) =
        aws_sign(signable, params).unwrap_or_else(|e| panic!("aws-sigv4 sign: {e}")).into_parts();
    instructions.apply_to_request_http1x(request);
    signature
}

/// Ours through `Signer::sign`; returns the signature as hex.
fn our_sign_request(signer: &SigV4Signer, request: &mut http::Request<Vec<u8>>) -> String {
    signer.sign(request).unwrap_or_else(|e| panic!("sign: {e}")).signature().to_string()
}

/// Our canonical request and string to sign for `request` (texts built by `CanonicalRequest` and
/// `StringToSign`'s `Display`), checked against what `Signer::sign` produces.
fn explain(signer: &SigV4Signer, request: &http::Request<Vec<u8>>) -> Explanation {
    let limits = signer.settings().limits;
    let view = SignableRequest::from_http(request.method(), request.uri(), request.headers(), limits)
        .unwrap_or_else(|e| panic!("view: {e}"));
    let payload = signer.payload_hash(request.body());
    let explanation = signer.explain_at(&view, &payload, time()).unwrap_or_else(|e| panic!("explain: {e}"));
    let signed = our_sign_request(signer, &mut request.clone());
    assert_eq!(explanation.output.signature().to_string(), signed, "explain_at and sign agree");
    explanation
}

/// Checks that ours and aws-sigv4 agree on `request`, so the benchmarks compare the same work, and
/// returns the floor of that request.
fn agree(
    signer: &SigV4Signer,
    params: &AwsSigningParams<'_>,
    body: AwsBody<'_>,
    request: &http::Request<Vec<u8>>,
) -> Floor {
    let theirs = aws_sign_request(&mut request.clone(), params, body);
    let mine = our_sign_request(signer, &mut request.clone());
    assert_eq!(mine, theirs, "sigv4-kit and aws-sigv4 disagree on {request:?}");
    Floor::of(&explain(signer, request), SECRET, REGION, params.name())
}

/// The unavoidable SHA-256 and HMAC-SHA256 work of one request, over byte strings of the lengths of
/// its canonical request, string to sign and key-derivation inputs.
struct Floor {
    canonical: Vec<u8>,
    string_to_sign: Vec<u8>,
    key: [u8; 32],
    /// `"AWS4" + secret`, date, region, service, `"aws4_request"`.
    derivation: [Vec<u8>; 5],
}

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|e| panic!("hmac: {e}"));
    mac.update(data);
    mac.finalize().into_bytes().into()
}

impl Floor {
    fn new(canonical_len: usize, string_to_sign_len: usize, secret: &str, region: &str, service: &str) -> Self {
        let filler = |len: usize, byte: u8| vec![byte; len];
        Self {
            canonical: filler(canonical_len, b'c'),
            string_to_sign: filler(string_to_sign_len, b's'),
            key: [0x5a; 32],
            derivation: [
                filler(4 + secret.len(), b'k'),
                filler(8, b'd'),
                filler(region.len(), b'r'),
                filler(service.len(), b'v'),
                filler("aws4_request".len(), b'a'),
            ],
        }
    }

    fn of(explanation: &Explanation, secret: &str, region: &str, service: &str) -> Self {
        Self::new(explanation.canonical_request.len(), explanation.string_to_sign.len(), secret, region, service)
    }

    fn canonical_len(&self) -> usize {
        self.canonical.len()
    }

    /// The four chained HMACs of key derivation.
    fn derive(&self) -> [u8; 32] {
        let [secret, date, region, service, terminator] = &self.derivation;
        let k = hmac(black_box(secret), black_box(date));
        let k = hmac(&k, black_box(region));
        let k = hmac(&k, black_box(service));
        hmac(&k, black_box(terminator))
    }

    /// Hash the canonical request, sign the string to sign with a cached key.
    fn sign_cached(&self) -> [u8; 32] {
        black_box(<[u8; 32]>::from(Sha256::digest(black_box(&self.canonical))));
        hmac(black_box(&self.key), black_box(&self.string_to_sign))
    }

    /// Hash the canonical request, derive the key, sign the string to sign.
    fn sign_fresh(&self) -> [u8; 32] {
        black_box(<[u8; 32]>::from(Sha256::digest(black_box(&self.canonical))));
        let key = self.derive();
        hmac(&key, black_box(&self.string_to_sign))
    }
}

/// Polls a future that is ready at once (the verifier with a `MemoryProvider` is).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// `Signer::sign` on a clone of `request` per iteration (the clone is not measured).
fn bench_ours(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: BenchmarkId,
    signer: &SigV4Signer,
    request: &http::Request<Vec<u8>>,
) {
    group.bench_function(id, |b| {
        b.iter_batched_ref(|| request.clone(), |r| signer.sign(black_box(r)), BatchSize::SmallInput)
    });
}

/// `Signer::sign` with a new signer, so an empty key cache, per iteration (building it is not
/// measured): the key is derived inside the measured call.
fn bench_ours_fresh(
    group: &mut BenchmarkGroup<'_, WallTime>,
    make: impl Fn() -> SigV4Signer,
    request: &http::Request<Vec<u8>>,
) {
    group.bench_function(BenchmarkId::new("sigv4-kit", "fresh"), |b| {
        b.iter_batched_ref(|| (make(), request.clone()), |(s, r)| s.sign(black_box(r)), BatchSize::SmallInput)
    });
}

fn bench_aws(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: BenchmarkId,
    params: &AwsSigningParams<'_>,
    body: AwsBody<'_>,
    request: &http::Request<Vec<u8>>,
) {
    group.bench_function(id, |b| {
        b.iter_batched_ref(|| request.clone(), |r| aws_sign_request(black_box(r), params, body), BatchSize::SmallInput)
    });
}

fn bench_floor(group: &mut BenchmarkGroup<'_, WallTime>, floor: &Floor, fresh: bool) {
    group.bench_function(BenchmarkId::new("floor", "cached"), |b| b.iter(|| floor.sign_cached()));
    if fresh {
        group.bench_function(BenchmarkId::new("floor", "fresh"), |b| b.iter(|| floor.sign_fresh()));
    }
}

/// Header signing of the GET with five headers.
fn sign_get(c: &mut Criterion) {
    let make = || ours(SERVICE, SigningSettings::default());
    let signer = make();
    let identity = aws_identity();
    let params = aws_params(&identity, SERVICE, AwsSettings::default());
    let request = http_request("GET", GET_URI, &GET_HEADERS);
    let floor = agree(&signer, &params, AwsBody::Bytes, &request);
    let view = SignableRequest::from_http(request.method(), request.uri(), request.headers(), Limits::default())
        .unwrap_or_else(|e| panic!("view: {e}"));
    let payload = PayloadHash::of(b"");

    let mut group = c.benchmark_group("sign_get");
    bench_ours(&mut group, BenchmarkId::new("sigv4-kit", "cached"), &signer, &request);
    // The sans-IO core on a prebuilt view: no `http::Request` to read or update.
    group.bench_function(BenchmarkId::new("sigv4-kit", "cached-sign_at"), |b| {
        b.iter(|| signer.sign_at(black_box(&view), black_box(&payload), black_box(time())))
    });
    bench_ours_fresh(&mut group, make, &request);
    bench_aws(&mut group, BenchmarkId::new("aws-sigv4", "fresh"), &params, AwsBody::Bytes, &request);
    bench_floor(&mut group, &floor, true);
    group.finish();
}

/// Header signing of an S3 PUT whose payload hash is given: both signers add
/// `x-amz-content-sha256` with it and hash no body.
fn sign_put(c: &mut Criterion) {
    let hash = PayloadHash::precomputed(PUT_BODY_SHA256).unwrap_or_else(|e| panic!("hash: {e}"));
    let make = || ours("s3", SigningSettings::s3().with_payload(PayloadMode::Precomputed(hash.clone())));
    let signer = make();
    let identity = aws_identity();
    let mut settings = aws_s3_settings();
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let params = aws_params(&identity, "s3", settings);
    let body = AwsBody::Precomputed(PUT_BODY_SHA256);
    let request = http_request("PUT", PUT_URI, &PUT_HEADERS);
    let floor = agree(&signer, &params, body, &request);

    let mut group = c.benchmark_group("sign_put");
    bench_ours(&mut group, BenchmarkId::new("sigv4-kit", "cached"), &signer, &request);
    bench_ours_fresh(&mut group, make, &request);
    bench_aws(&mut group, BenchmarkId::new("aws-sigv4", "fresh"), &params, body, &request);
    bench_floor(&mut group, &floor, true);
    group.finish();
}

/// The `X-Amz-Signature` of a presigned URL.
fn url_signature(url: &str) -> &str {
    url.split_once("X-Amz-Signature=").map_or("", |(_, rest)| rest.split('&').next().unwrap_or_default())
}

/// Presigning an S3 GET (host signed, `UNSIGNED-PAYLOAD`, 24 hours).
///
/// The inputs differ only as the three APIs do: ours and aws-sigv4 read an `http::Request` and
/// update it (the URI), rusty-s3 builds the URL from a `Bucket` and an object key and returns a
/// `url::Url`. rusty-s3 and aws-sigv4 have no key cache.
fn presign_get(c: &mut Criterion) {
    let settings = SigningSettings::s3().with_presign(PRESIGN_SECS).with_payload(PayloadMode::Unsigned);
    let make = || ours("s3", settings.clone());
    let signer = make();
    let identity = aws_identity();
    let mut aws_settings = aws_s3_settings();
    aws_settings.signature_location = AwsLocation::QueryParams;
    aws_settings.expires_in = Some(Duration::from_secs(PRESIGN_SECS));
    let params = aws_params(&identity, "s3", aws_settings);
    let request = http_request("GET", &format!("https://{S3_BUCKET}.s3.amazonaws.com/{S3_KEY}"), &[]);
    let floor = agree(&signer, &params, AwsBody::Unsigned, &request);

    let endpoint = S3_ENDPOINT.parse().unwrap_or_else(|e| panic!("endpoint: {e}"));
    let bucket = rusty_s3::Bucket::new(endpoint, rusty_s3::UrlStyle::VirtualHost, S3_BUCKET, REGION)
        .unwrap_or_else(|e| panic!("bucket: {e}"));
    let credentials = rusty_s3::Credentials::new(ACCESS_KEY_ID, SECRET);
    let action = rusty_s3::actions::GetObject::new(&bucket, Some(&credentials), S3_KEY);
    let at = jiff::Timestamp::from_second(UNIX as i64).unwrap_or_else(|e| panic!("time: {e}"));
    let expires = Duration::from_secs(PRESIGN_SECS);
    let mut presigned = request.clone();
    our_sign_request(&signer, &mut presigned);
    let ours_url = presigned.uri().to_string();
    let rusty_url = action.sign_with_time(expires, &at);
    assert_eq!(url_signature(&ours_url), url_signature(rusty_url.as_str()), "sigv4-kit and rusty-s3 disagree");
    assert_eq!(ours_url, rusty_url.as_str(), "sigv4-kit and rusty-s3 give the same URL");

    let mut group = c.benchmark_group("presign_get");
    bench_ours(&mut group, BenchmarkId::new("sigv4-kit", "cached"), &signer, &request);
    bench_ours_fresh(&mut group, make, &request);
    bench_aws(&mut group, BenchmarkId::new("aws-sigv4", "fresh"), &params, AwsBody::Unsigned, &request);
    group.bench_function(BenchmarkId::new("rusty-s3", "fresh"), |b| {
        b.iter(|| black_box(&action).sign_with_time(black_box(expires), black_box(&at)))
    });
    bench_floor(&mut group, &floor, true);
    group.finish();
}

fn provider() -> MemoryProvider {
    MemoryProvider::new().with_key(
        ACCESS_KEY_ID,
        SECRET,
        Principal::new("123456789012", "arn:aws:iam::123456789012:user/bench", PrincipalKind::IamUser),
    )
}

/// Verifies `signed` (a GET without a body) in a group `name` beside the floor of the request.
/// The verifier's key cache is warmed first. No body is hashed in the measured call: a
/// header-signed request gets the empty body's digest, precomputed, as a gateway that hashes the
/// body while it streams would pass it; a presigned one is `UNSIGNED-PAYLOAD`.
fn bench_verify(c: &mut Criterion, name: &str, verifier: &Verifier, signed: http::Request<Vec<u8>>, floor: &Floor) {
    let provider = provider();
    let body_hash = signed.headers().contains_key("authorization").then(|| sha256(signed.body()));
    let (parts, _) = signed.into_parts();
    let verified = block_on(verifier.verify(&parts, body_hash, &provider)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(verified.access_key_id(), ACCESS_KEY_ID);

    let mut group = c.benchmark_group(name);
    group.bench_function("sigv4-kit", |b| {
        b.iter(|| block_on(verifier.verify(black_box(&parts), black_box(body_hash), &provider)))
    });
    group.bench_function("floor", |b| b.iter(|| floor.sign_cached()));
    // Where the time goes: parsing and checking the request (everything before the provider is
    // asked), and the provider lookup. The rest is canonicalizing, hashing and the result.
    group.bench_function(BenchmarkId::new("sigv4-kit", "parse"), |b| {
        b.iter(|| verifier.begin(black_box(&parts)).map(|p| black_box(p.access_key_id().len())))
    });
    let pending = verifier.begin(&parts).unwrap_or_else(|e| panic!("{name}: {e}"));
    let lookup = pending.lookup();
    group.bench_function(BenchmarkId::new("sigv4-kit", "lookup"), |b| {
        b.iter(|| block_on(CredentialProvider::lookup(&provider, black_box(&lookup))))
    });
    group.finish();
}

/// Verifying the header-signed GET (signed by us; the verifier recomputes the same canonical
/// request, so the floor is the signer's).
fn verify_header(c: &mut Criterion) {
    let signer = ours(SERVICE, SigningSettings::default());
    let mut request = http_request("GET", GET_URI, &GET_HEADERS);
    let floor = Floor::of(&explain(&signer, &request), SECRET, REGION, SERVICE);
    our_sign_request(&signer, &mut request);
    let verifier = Verifier::new(VerifierConfig::new([SERVICE])).with_clock(FixedClock::new(time()));
    bench_verify(c, "verify_header", &verifier, request, &floor);
}

/// Verifying the presigned S3 GET of `presign_get`.
fn verify_presigned(c: &mut Criterion) {
    let settings = SigningSettings::s3().with_presign(PRESIGN_SECS).with_payload(PayloadMode::Unsigned);
    let signer = ours("s3", settings);
    let mut request = http_request("GET", &format!("https://{S3_BUCKET}.s3.amazonaws.com/{S3_KEY}"), &[]);
    let floor = Floor::of(&explain(&signer, &request), SECRET, REGION, "s3");
    our_sign_request(&signer, &mut request);
    let verifier = Verifier::new(VerifierConfig::new(["s3"]).with_s3_rules()).with_clock(FixedClock::new(time()));
    bench_verify(c, "verify_presigned", &verifier, request, &floor);
}

/// Canonicalization alone: our canonical request of the GET, hashed by streaming or built as text
/// and hashed, beside SHA-256 over as many bytes. aws-sigv4 does not expose its canonical request.
fn canonical(c: &mut Criterion) {
    let signer = ours(SERVICE, SigningSettings::default());
    let request = http_request("GET", GET_URI, &GET_HEADERS);
    let explanation = explain(&signer, &request);
    let now = time();
    let view = SignableRequest::from_http(request.method(), request.uri(), request.headers(), Limits::default())
        .unwrap_or_else(|e| panic!("view: {e}"))
        .with_header("X-Amz-Date", now.as_str());
    let payload = PayloadHash::of(b"");
    let excluded = ExcludedHeaders::default();
    let build = || {
        CanonicalRequest::new(black_box(&view), UriMode::Normalized, &excluded, &payload)
            .unwrap_or_else(|e| panic!("canonical: {e}"))
    };
    assert_eq!(build().to_string(), explanation.canonical_request, "the signer signs this canonical request");
    assert_eq!(build().hash(), sha256(explanation.canonical_request.as_bytes()));
    let floor = vec![b'c'; explanation.canonical_request.len()];

    let mut group = c.benchmark_group("canonical");
    group.throughput(Throughput::Bytes(floor.len() as u64));
    group.bench_function(BenchmarkId::new("sigv4-kit", "hash"), |b| b.iter(|| build().hash()));
    group.bench_function(BenchmarkId::new("sigv4-kit", "text+sha256"), |b| {
        b.iter(|| sha256(build().to_string().as_bytes()))
    });
    group.bench_function("floor", |b| b.iter(|| <[u8; 32]>::from(Sha256::digest(black_box(&floor)))));
    group.finish();
}

/// Key derivation: four chained HMACs.
fn signing_key(c: &mut Criterion) {
    let scope = CredentialScope::new(time(), REGION, "s3").unwrap_or_else(|e| panic!("scope: {e}"));
    let theirs = v4::generate_signing_key(SECRET, system_time(), REGION, "s3");
    assert_eq!(SigningKey::derive(SECRET, &scope).as_bytes()[..], *theirs.as_ref());
    let floor = Floor::new(0, 0, SECRET, REGION, "s3");

    let mut group = c.benchmark_group("signing_key");
    group.bench_function("sigv4-kit", |b| b.iter(|| SigningKey::derive(black_box(SECRET), black_box(&scope))));
    group.bench_function("aws-sigv4", |b| {
        b.iter(|| v4::generate_signing_key(black_box(SECRET), black_box(system_time()), REGION, "s3"))
    });
    group.bench_function("floor", |b| b.iter(|| floor.derive()));
    group.finish();
}

/// A GET with `headers` headers (host included), `params` query parameters and a path of
/// `path_len` bytes (a multiple of 10).
fn scaled_request(headers: usize, params: usize, path_len: usize) -> http::Request<Vec<u8>> {
    let path = if path_len == 0 { "/".to_owned() } else { "/file%20ab".repeat(path_len / 10) };
    let query: Vec<String> = (0..params).map(|i| format!("key-{i:03}=value%20{i:03}")).collect();
    let uri = match query.is_empty() {
        true => format!("https://example.amazonaws.com{path}"),
        false => format!("https://example.amazonaws.com{path}?{}", query.join("&")),
    };
    let names: Vec<String> = (1..headers).map(|i| format!("x-amz-meta-field-{i:02}")).collect();
    let values: Vec<String> = (1..headers).map(|i| format!("value number {i:02} of the scaling test")).collect();
    let mut pairs = vec![("host", "example.amazonaws.com")];
    pairs.extend(names.iter().map(String::as_str).zip(values.iter().map(String::as_str)));
    http_request("GET", &uri, &pairs)
}

/// Header signing (cached key for ours) as the request grows in headers, query parameters and path
/// length, with the canonical request's length as the throughput.
fn scaling(c: &mut Criterion) {
    let signer = ours(SERVICE, SigningSettings::default());
    let identity = aws_identity();
    let params = aws_params(&identity, SERVICE, AwsSettings::default());
    let cases = [
        ("headers", 1, scaled_request(1, 0, 0)),
        ("headers", 10, scaled_request(10, 0, 0)),
        ("headers", 50, scaled_request(50, 0, 0)),
        ("query", 0, scaled_request(1, 0, 0)),
        ("query", 10, scaled_request(1, 10, 0)),
        ("query", 100, scaled_request(1, 100, 0)),
        ("path", 10, scaled_request(1, 0, 10)),
        ("path", 100, scaled_request(1, 0, 100)),
        ("path", 300, scaled_request(1, 0, 300)),
        ("path", 1000, scaled_request(1, 0, 1000)),
    ];
    let mut group = c.benchmark_group("scaling");
    for (dimension, size, request) in &cases {
        if *dimension == "path" {
            assert_eq!(request.uri().path().len(), *size);
        }
        let floor = agree(&signer, &params, AwsBody::Bytes, request);
        let param = format!("{dimension}-{size}");
        group.throughput(Throughput::Bytes(floor.canonical_len() as u64));
        bench_ours(&mut group, BenchmarkId::new("sigv4-kit", &param), &signer, request);
        bench_aws(&mut group, BenchmarkId::new("aws-sigv4", &param), &params, AwsBody::Bytes, request);
        group.bench_function(BenchmarkId::new("floor", &param), |b| b.iter(|| floor.sign_cached()));
    }
    group.finish();
}

/// Warm-up 1 s, measurement 2 s, 40 samples; `SIGV4_BENCH_WARM_UP`, `SIGV4_BENCH_MEASUREMENT`
/// (seconds) and `SIGV4_BENCH_SAMPLES` change them, and criterion's own flags override all.
fn config() -> Criterion {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<f64>().ok()).filter(|v| *v > 0.0);
    Criterion::default()
        .warm_up_time(Duration::from_secs_f64(env("SIGV4_BENCH_WARM_UP").unwrap_or(1.0)))
        .measurement_time(Duration::from_secs_f64(env("SIGV4_BENCH_MEASUREMENT").unwrap_or(2.0)))
        .sample_size(env("SIGV4_BENCH_SAMPLES").map_or(40, |n| (n as usize).max(10)))
}

criterion_group! {
    name = benches;
    config = config();
    targets = sign_get, sign_put, presign_get, verify_header, verify_presigned, canonical, signing_key, scaling
}
criterion_main!(benches);
