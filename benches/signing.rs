//! Criterion benchmarks of signing and verification: sigv4-kit beside `aws-sigv4` (and `rusty-s3` for
//! presigning) and beside a floor, on the same input, with the same settings, in the same run.
//!
//! The floor is the cryptography no SigV4 implementation can skip: SHA-256 over a byte string as
//! long as the request's canonical request, and HMAC-SHA256 over a byte string as long as its
//! string to sign, computed from an HMAC state keyed once (with a 32-byte key) and cloned per call;
//! with a fresh key, the four chained HMACs of key derivation over inputs of the same lengths and
//! an HMAC keyed with their result. It uses `sha2` and `hmac`, as sigv4-kit does. The lengths come
//! from our own `CanonicalRequest` and `StringToSign` texts, computed before measuring. The
//! requests, the checks and the floor are in `benches/common/mod.rs`, which the interleaved peer
//! comparison in `benches/compare` shares.
//!
//! Benchmark ids are `<group>/<impl>` or `<group>/<impl>/<param>`, with `<impl>` one of
//! `sigv4-kit`, `aws-sigv4`, `rusty-s3` and `floor`; `benches/report.sh` reads them back. The
//! `cached` / `fresh` parameter says whether the signing key comes from a cache or is derived
//! inside the measured call (`aws-sigv4` and `rusty-s3` always derive it, so they only have `fresh`).
//!
//! Every request is signed at `20150830T123600Z`. Before measuring, each group checks that all
//! implementations produce the same signature, so they all do the same work.
//!
//! The `sigv4a_*` groups do the same for SigV4a (`AWS4-ECDSA-P256-SHA256`, region set
//! `us-east-1,us-west-2`), which the `sigv4a` feature enables (the dev-dependency on this crate
//! turns it on for the benches). Both signers use RFC 6979 deterministic ECDSA, so their
//! signatures are compared byte for byte. There the floor is SHA-256 over as many bytes as the
//! canonical request plus ECDSA P-256 over the SHA-256 of as many bytes as the string to sign (or
//! its verification), with the `p256` crate sigv4-kit uses and a key derived beforehand.
//!
//! ```sh
//! cargo bench --bench signing                                   # warm-up 1 s, 2 s, 40 samples
//! cargo bench --bench signing -- --measurement-time 5 sign_get  # criterion flags and filters
//! SIGV4_BENCH_MEASUREMENT=0.5 SIGV4_BENCH_WARM_UP=0.2 cargo bench --bench signing
//! ```
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use aws_sigv4::http_request::{PayloadChecksumKind, SigningParams as AwsSigningParams, SigningSettings as AwsSettings};
use aws_sigv4::sign::{v4, v4a};
use aws_smithy_runtime_api::client::identity::Identity;
use common::*;
use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use p256::ecdsa::{Signature as P256Signature, SigningKey as P256SigningKey};
use rusty_s3::S3Action;
use sha2::{Digest, Sha256};
use sigv4_kit::sign::{Explanation, PayloadMode, SigV4Signer, SigningSettings};
use sigv4_kit::sigv4a::EcdsaKey;
use sigv4_kit::sigv4a::RegionSet;
use sigv4_kit::spec::{CanonicalRequest, CredentialScope, ExcludedHeaders, SigningKey, sha256};
use sigv4_kit::verify::{CredentialProvider, Verifier};
use sigv4_kit::{Credentials, FixedClock, Limits, PayloadHash, SignableRequest, UriMode};

/// The region set of the SigV4a requests.
const REGION_SET: &str = "us-east-1,us-west-2";

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

/// The endpoint rusty-s3 presigns the S3 GET against.
const S3_ENDPOINT: &str = "https://s3.amazonaws.com";

/// Ours for SigV4a in `REGION_SET`.
fn ours_v4a(service: &str, settings: SigningSettings) -> SigV4Signer {
    let region_set = RegionSet::new(REGION_SET).unwrap_or_else(|e| panic!("region set: {e}"));
    SigV4Signer::sigv4a(Credentials::new(ACCESS_KEY_ID, SECRET), region_set, service)
        .with_settings(settings)
        .with_clock(FixedClock::new(time()))
}

/// aws-sigv4's SigV4a parameters for `REGION_SET`.
fn aws_params_v4a<'a>(identity: &'a Identity, service: &'a str, settings: AwsSettings) -> AwsSigningParams<'a> {
    let params = v4a::SigningParams::builder().identity(identity).region_set(REGION_SET).name(service);
    params.time(system_time()).settings(settings).build().unwrap_or_else(|e| panic!("aws-sigv4a params: {e}")).into()
}

/// The unavoidable work of one SigV4a request: SHA-256 over as many bytes as its canonical request,
/// then ECDSA P-256 with an RFC 6979 nonce over the SHA-256 of as many bytes as its string to sign
/// (`p256`, as sigv4-kit uses, with the key derived beforehand), or verifying such a signature.
struct EcdsaFloor {
    lengths: Floor,
    key: P256SigningKey,
    signature: P256Signature,
}

impl EcdsaFloor {
    fn of(explanation: &Explanation) -> Self {
        let lengths = Floor::of(explanation, SECRET, REGION_SET, SERVICE);
        let scalar = EcdsaKey::derive(ACCESS_KEY_ID, SECRET).unwrap_or_else(|e| panic!("ecdsa key: {e}")).to_bytes();
        let key = P256SigningKey::from_bytes(&(*scalar).into()).unwrap_or_else(|e| panic!("p256 key: {e}"));
        let digest = Sha256::digest(&lengths.string_to_sign);
        let signature = key.sign_prehash(&digest).unwrap_or_else(|e| panic!("p256 sign: {e}"));
        Self { lengths, key, signature }
    }

    /// Hash the canonical request, sign the hash of the string to sign.
    fn sign(&self) -> P256Signature {
        black_box(<[u8; 32]>::from(Sha256::digest(black_box(&self.lengths.canonical))));
        let digest = Sha256::digest(black_box(&self.lengths.string_to_sign));
        self.key.sign_prehash(&digest).unwrap_or_else(|e| panic!("p256 sign: {e}"))
    }

    /// Hash the canonical request, verify the signature of the string to sign.
    fn verify(&self) -> bool {
        black_box(<[u8; 32]>::from(Sha256::digest(black_box(&self.lengths.canonical))));
        let digest = Sha256::digest(black_box(&self.lengths.string_to_sign));
        self.key.verifying_key().verify_prehash(&digest, black_box(&self.signature)).is_ok()
    }
}

/// `SigV4Signer::sign` on a clone of `request` per iteration (the clone is not measured).
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

/// `SigV4Signer::sign` with a new signer, so an empty key cache, per iteration (building it is not
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
    let floor = Floor::of(&agree(&signer, &params, AwsBody::Bytes, &request), SECRET, REGION, params.name());
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
    let floor = Floor::of(&agree(&signer, &params, body, &request), SECRET, REGION, params.name());

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
    let make = || ours("s3", presign_settings());
    let signer = make();
    let identity = aws_identity();
    let params = aws_params(&identity, "s3", aws_presign_settings());
    let request = s3_get();
    let floor = Floor::of(&agree(&signer, &params, AwsBody::Unsigned, &request), SECRET, REGION, params.name());

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

/// Verifies `signed` (a GET without a body) in a group `name` beside `floor`, the floor of the request.
/// The verifier's key cache is warmed first. No body is hashed in the measured call: a
/// header-signed request gets the empty body's digest, precomputed, as a gateway that hashes the
/// body while it streams would pass it; a presigned one is `UNSIGNED-PAYLOAD`.
fn bench_verify<T>(
    c: &mut Criterion,
    name: &str,
    verifier: &Verifier,
    signed: http::Request<Vec<u8>>,
    floor: impl Fn() -> T,
) {
    let provider = provider();
    let body_hash = signed.headers().contains_key("authorization").then(|| sha256(signed.body()));
    let (parts, _) = signed.into_parts();
    let verified = block_on(verifier.verify(&parts, body_hash, &provider)).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(verified.access_key_id(), ACCESS_KEY_ID);

    let mut group = c.benchmark_group(name);
    group.bench_function("sigv4-kit", |b| {
        b.iter(|| block_on(verifier.verify(black_box(&parts), black_box(body_hash), &provider)))
    });
    group.bench_function("floor", |b| b.iter(&floor));
    // Where the time goes: parsing and checking the request (everything before the provider is
    // asked), and the provider lookup. The rest is canonicalizing, hashing and the result.
    group.bench_function(BenchmarkId::new("sigv4-kit", "parse"), |b| {
        b.iter(|| verifier.begin(black_box(&parts)).map(|p| black_box(p.access_key_id().len())))
    });
    // What a forged request costs: the same request with one signature digit changed, refused
    // after the full check (for SigV4a, an ECDSA verification).
    let forged = forge(&parts);
    let refused = block_on(verifier.verify(&forged, body_hash, &provider)).map(|_| ()).unwrap_err();
    assert_eq!(refused.code(), "SignatureDoesNotMatch", "{name}: {refused}");
    group.bench_function(BenchmarkId::new("sigv4-kit", "forged"), |b| {
        b.iter(|| block_on(verifier.verify(black_box(&forged), black_box(body_hash), &provider)))
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
    bench_verify(c, "verify_header", &header_verifier(), request, || floor.sign_cached());
}

/// Verifying the presigned S3 GET of `presign_get`.
fn verify_presigned(c: &mut Criterion) {
    let signer = ours("s3", presign_settings());
    let mut request = s3_get();
    let floor = Floor::of(&explain(&signer, &request), SECRET, REGION, "s3");
    our_sign_request(&signer, &mut request);
    bench_verify(c, "verify_presigned", &s3_verifier(), request, || floor.sign_cached());
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

/// A SigV4a signing group `name`: ours with the key its signer derived on first use (`cached`) and
/// with a new signer per call (`fresh`: the key is derived inside the measured call), aws-sigv4, and the ECDSA floor.
///
/// aws-sigv4 has no SigV4a key cache: every `sign` derives the key (its KDF, one HMAC-SHA256 for
/// almost every secret), so `aws-sigv4/fresh` includes that derivation. That is how its users sign.
///
/// Both sign with RFC 6979 deterministic nonces, so before measuring this checks that the two
/// signatures are byte-identical, and so are `Authorization`, `X-Amz-Region-Set` and the URI's
/// path and query parameters.
fn bench_sign_v4a(
    c: &mut Criterion,
    name: &str,
    make: impl Fn() -> SigV4Signer,
    params: &AwsSigningParams<'_>,
    body: AwsBody<'_>,
    request: &http::Request<Vec<u8>>,
) {
    let signer = make();
    let floor = EcdsaFloor::of(&agree(&signer, params, body, request));
    let (mut mine, mut theirs) = (request.clone(), request.clone());
    our_sign_request(&signer, &mut mine);
    aws_sign_request(&mut theirs, params, body);
    for header in ["authorization", "x-amz-region-set", "x-amz-date"] {
        assert_eq!(mine.headers().get(header), theirs.headers().get(header), "{name}: {header}");
    }
    let query = |r: &http::Request<Vec<u8>>| {
        let mut pairs: Vec<String> = r.uri().query().unwrap_or_default().split('&').map(str::to_owned).collect();
        pairs.sort_unstable();
        (r.uri().path().to_owned(), pairs)
    };
    // aws-sigv4 appends `X-Amz-Region-Set` after `X-Amz-Signature`; the URIs are the same but
    // for the order of the query parameters.
    assert_eq!(query(&mine), query(&theirs), "{name}: URI");

    let mut group = c.benchmark_group(name);
    bench_ours(&mut group, BenchmarkId::new("sigv4-kit", "cached"), &signer, request);
    bench_ours_fresh(&mut group, make, request);
    bench_aws(&mut group, BenchmarkId::new("aws-sigv4", "fresh"), params, body, request);
    group.bench_function(BenchmarkId::new("floor", "cached"), |b| b.iter(|| floor.sign()));
    group.finish();
}

/// SigV4a header signing of the GET with five headers, for `REGION_SET`.
fn sigv4a_sign_get(c: &mut Criterion) {
    let identity = aws_identity();
    let params = aws_params_v4a(&identity, SERVICE, AwsSettings::default());
    let make = || ours_v4a(SERVICE, SigningSettings::default());
    bench_sign_v4a(c, "sigv4a_sign_get", make, &params, AwsBody::Bytes, &http_request("GET", GET_URI, &GET_HEADERS));
}

/// SigV4a presigning of the S3 GET of `presign_get`, for `REGION_SET`.
fn sigv4a_presign_get(c: &mut Criterion) {
    let identity = aws_identity();
    let params = aws_params_v4a(&identity, "s3", aws_presign_settings());
    let make = || ours_v4a("s3", presign_settings());
    bench_sign_v4a(c, "sigv4a_presign_get", make, &params, AwsBody::Unsigned, &s3_get());
}

/// Verifying the SigV4a header-signed GET (signed by us), the public key derived from the secret
/// by the first verification and cached from then on. aws-sigv4 does not verify. The floor is
/// SHA-256 over as many bytes as the canonical request and an ECDSA verification.
fn sigv4a_verify_header(c: &mut Criterion) {
    let signer = ours_v4a(SERVICE, SigningSettings::default());
    let mut request = http_request("GET", GET_URI, &GET_HEADERS);
    let floor = EcdsaFloor::of(&explain(&signer, &request));
    our_sign_request(&signer, &mut request);
    bench_verify(c, "sigv4a_verify_header", &header_verifier(), request, || floor.verify());
}

/// SigV4a key derivation from the access key id and secret. Both run the same KDF and get the same
/// scalar, and neither computes the public point (a P-256 scalar multiplication that signing does
/// not need). The floor is the KDF's one HMAC-SHA256 (keyed with `"AWS4A" + secret`, over the input of counter 1).
fn sigv4a_key(c: &mut Criterion) {
    let theirs = v4a::generate_signing_key(ACCESS_KEY_ID, SECRET);
    let derive = || EcdsaKey::derive(black_box(ACCESS_KEY_ID), black_box(SECRET));
    let mine = derive().unwrap_or_else(|e| panic!("ecdsa key: {e}"));
    assert_eq!(mine.to_bytes()[..], *theirs.as_ref(), "sigv4-kit and aws-sigv4 derive the same SigV4a key");
    let hmac_key = vec![b'k'; "AWS4A".len() + SECRET.len()];
    // The counter (4 bytes), the algorithm, 0, the access key id, the counter byte, the length (4).
    let input = vec![b'i'; 4 + "AWS4-ECDSA-P256-SHA256".len() + 1 + ACCESS_KEY_ID.len() + 1 + 4];

    let mut group = c.benchmark_group("sigv4a_key");
    group.bench_function("sigv4-kit", |b| b.iter(derive));
    group.bench_function("aws-sigv4", |b| {
        b.iter(|| v4a::generate_signing_key(black_box(ACCESS_KEY_ID), black_box(SECRET)))
    });
    group.bench_function("floor", |b| b.iter(|| hmac(black_box(&hmac_key), black_box(&input))));
    group.finish();
}

/// The ECDSA signature alone, with the key already derived: SHA-256 of the GET's SigV4a string to
/// sign, ECDSA P-256 with an RFC 6979 nonce, DER. Ours is `EcdsaKey::sign`; aws-sigv4's is the
/// `calculate_signature` its `sign` calls (which also hex-encodes). Both use `p256` 0.14 and sign
/// from the scalar, so this compares what each does around the same arithmetic.
fn sigv4a_ecdsa(c: &mut Criterion) {
    let signer = ours_v4a(SERVICE, SigningSettings::default());
    let sts = explain(&signer, &http_request("GET", GET_URI, &GET_HEADERS)).string_to_sign;
    let mine = EcdsaKey::derive(ACCESS_KEY_ID, SECRET).unwrap_or_else(|e| panic!("ecdsa key: {e}"));
    let theirs = v4a::generate_signing_key(ACCESS_KEY_ID, SECRET);
    let signature = mine.sign(sts.as_bytes());
    assert_eq!(signature.to_string(), v4a::calculate_signature(&theirs, sts.as_bytes()), "the same signature");

    let mut group = c.benchmark_group("sigv4a_ecdsa");
    group.bench_function("sigv4-kit", |b| b.iter(|| mine.sign(black_box(sts.as_bytes()))));
    group.bench_function("aws-sigv4", |b| b.iter(|| v4a::calculate_signature(&theirs, black_box(sts.as_bytes()))));
    group.finish();
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
        let floor = Floor::of(&agree(&signer, &params, AwsBody::Bytes, request), SECRET, REGION, params.name());
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
    targets = sign_get, sign_put, presign_get, verify_header, verify_presigned, canonical, signing_key,
        sigv4a_sign_get, sigv4a_presign_get, sigv4a_verify_header, sigv4a_key, sigv4a_ecdsa, scaling
}
criterion_main!(benches);
