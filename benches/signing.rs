//! Criterion benchmarks, one group per signing stage, with aws-sigv4 beside ours on the same input.
//!
//! Every request is signed with the AWS suite's `AKIDEXAMPLE` credentials at `20150830T123600Z`.
//! Before measuring, each group checks that both signers produce the same signature, so the two
//! sides do the same work.
//!
//! ```sh
//! cargo bench --bench signing -- --quick
//! ```

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest as AwsSignableRequest, SignatureLocation as AwsLocation,
    SigningParams as AwsSigningParams, SigningSettings as AwsSettings, sign as aws_sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use sigv4_kit::{
    AmzDate, CanonicalRequest, CredentialScope, Credentials, ExcludedHeaders, FixedClock, PayloadHash, SigV4Signer,
    SignableRequest, Signer, SigningKey, SigningSettings, UriMode, sha256,
};

const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
/// `20150830T123600Z`.
const UNIX: u64 = 1_440_938_160;
const PRESIGN_SECS: u64 = 900;

/// A typical GET: five signed headers and a three-parameter query.
const GET_URI: &str =
    "https://example.amazonaws.com/photos/2015/08/index.json?prefix=beach%20day&max-keys=100&list-type=2";
const GET_TARGET: &str = "/photos/2015/08/index.json?prefix=beach%20day&max-keys=100&list-type=2";
const GET_HEADERS: [(&str, &str); 5] = [
    ("host", "example.amazonaws.com"),
    ("accept", "application/json"),
    ("x-amz-user-agent", "aws-sdk-rust/1.0 os/linux lang/rust"),
    ("amz-sdk-invocation-id", "6d0fd4c4-0c3b-4d9c-9f3e-5b7c1e0a2f11"),
    ("amz-sdk-request", "attempt=1; max=3"),
];

/// A Secrets Manager `PutSecretValue` call with a 1 KiB JSON body.
const POST_URI: &str = "https://secretsmanager.us-east-1.amazonaws.com/";
const POST_HEADERS: [(&str, &str); 4] = [
    ("host", "secretsmanager.us-east-1.amazonaws.com"),
    ("content-type", "application/x-amz-json-1.1"),
    ("x-amz-target", "secretsmanager.PutSecretValue"),
    ("content-length", "1024"),
];
const BODY_LEN: usize = 1024;

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

fn aws_presign_settings() -> AwsSettings {
    let mut settings = AwsSettings::default();
    settings.signature_location = AwsLocation::QueryParams;
    settings.expires_in = Some(Duration::from_secs(PRESIGN_SECS));
    settings
}

fn http_request(method: &str, uri: &str, headers: &[(&str, &str)], body: Vec<u8>) -> http::Request<Vec<u8>> {
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body).unwrap_or_else(|e| panic!("request: {e}"))
}

/// Signs with aws-sigv4 as a client does: a view of the `http::Request`, `sign`, then apply.
/// Returns the signature.
fn aws_sign_request(request: &mut http::Request<Vec<u8>>, params: &AwsSigningParams<'_>) -> String {
    let uri = request.uri().to_string();
    let headers = request.headers().iter().map(|(n, v)| (n.as_str(), v.to_str().unwrap_or_default()));
    let signable =
        AwsSignableRequest::new(request.method().as_str(), uri, headers, SignableBody::Bytes(request.body()))
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

/// Checks that both signers agree on `request`, so the benchmarks compare the same work.
fn assert_same_signature(signer: &SigV4Signer, params: &AwsSigningParams<'_>, request: &http::Request<Vec<u8>>) {
    let theirs = aws_sign_request(&mut request.clone(), params);
    let mine = our_sign_request(signer, &mut request.clone());
    assert_eq!(mine, theirs, "sigv4-kit and aws-sigv4 disagree on {request:?}");
}

/// The GET as a prebuilt view, for `sign_at`.
fn get_view() -> SignableRequest<'static> {
    GET_HEADERS.iter().fold(SignableRequest::new("GET", GET_TARGET), |r, (n, v)| r.with_header(n, v))
}

/// Header signing of the GET, and presigning it, in two groups of the same shape.
fn bench_get(c: &mut Criterion, group_name: &str, settings: SigningSettings, aws_settings: AwsSettings) {
    let signer = ours("service", settings);
    let identity = aws_identity();
    let params = aws_params(&identity, "service", aws_settings);
    let request = http_request("GET", GET_URI, &GET_HEADERS, Vec::new());
    assert_same_signature(&signer, &params, &request);
    let view = get_view();
    let payload = PayloadHash::of(b"");

    let mut group = c.benchmark_group(group_name);
    group.bench_function("sigv4-kit sign_at", |b| {
        b.iter(|| signer.sign_at(black_box(&view), black_box(&payload), black_box(time())))
    });
    group.bench_function("sigv4-kit Signer::sign", |b| {
        b.iter_batched_ref(|| request.clone(), |r| signer.sign(black_box(r)), BatchSize::SmallInput)
    });
    group.bench_function("aws-sigv4 sign", |b| {
        b.iter_batched_ref(|| request.clone(), |r| aws_sign_request(black_box(r), &params), BatchSize::SmallInput)
    });
    group.finish();
}

fn sign_header(c: &mut Criterion) {
    bench_get(c, "sign_header", SigningSettings::default(), AwsSettings::default());
}

fn presign(c: &mut Criterion) {
    // aws-sigv4 never signs x-amz-user-agent in a presigned URL; exclude it here too, so both
    // sign the same canonical request.
    let settings = SigningSettings::default()
        .with_presign(PRESIGN_SECS)
        .with_excluded_headers(ExcludedHeaders::default().with("x-amz-user-agent"));
    bench_get(c, "presign", settings, aws_presign_settings());
}

/// A JSON body of exactly [`BODY_LEN`] bytes.
fn json_body() -> Vec<u8> {
    let head =
        r#"{"SecretId":"prod/billing/db","ClientRequestToken":"EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE","SecretString":""#;
    let tail = r#""}"#;
    let mut body = head.as_bytes().to_vec();
    body.resize(BODY_LEN - tail.len(), b'x');
    body.extend_from_slice(tail.as_bytes());
    body
}

fn sign_post_json(c: &mut Criterion) {
    let service = "secretsmanager";
    let signer = ours(service, SigningSettings::default());
    let identity = aws_identity();
    let params = aws_params(&identity, service, AwsSettings::default());
    let body = json_body();
    let request = http_request("POST", POST_URI, &POST_HEADERS, body.clone());
    assert_same_signature(&signer, &params, &request);
    let view = POST_HEADERS.iter().fold(SignableRequest::new("POST", "/"), |r, (n, v)| r.with_header(n, v));

    let mut group = c.benchmark_group("sign_post_json");
    group.throughput(Throughput::Bytes(BODY_LEN as u64));
    group.bench_function("sigv4-kit sign_at", |b| {
        b.iter(|| signer.sign_at(black_box(&view), &PayloadHash::of(black_box(&body)), black_box(time())))
    });
    group.bench_function("sigv4-kit Signer::sign", |b| {
        b.iter_batched_ref(|| request.clone(), |r| signer.sign(black_box(r)), BatchSize::SmallInput)
    });
    group.bench_function("aws-sigv4 sign", |b| {
        b.iter_batched_ref(|| request.clone(), |r| aws_sign_request(black_box(r), &params), BatchSize::SmallInput)
    });
    group.finish();
}

/// Our canonical request of the GET: hashed by streaming, versus built as text.
fn canonical(c: &mut Criterion) {
    let view = get_view().with_header("X-Amz-Date", "20150830T123600Z");
    let payload = PayloadHash::of(b"");
    let excluded = ExcludedHeaders::default();
    let build = || {
        CanonicalRequest::new(black_box(&view), UriMode::Normalized, &excluded, &payload)
            .unwrap_or_else(|e| panic!("canonical: {e}"))
    };
    assert_eq!(build().hash(), sha256(build().to_string().as_bytes()));

    let mut group = c.benchmark_group("canonical");
    group.bench_function("sigv4-kit new + hash", |b| b.iter(|| build().hash()));
    group.bench_function("sigv4-kit new + to_string", |b| b.iter(|| build().to_string()));
    group.bench_function("sigv4-kit new + to_string + sha256", |b| b.iter(|| sha256(build().to_string().as_bytes())));
    group.finish();
}

fn signing_key(c: &mut Criterion) {
    let scope = CredentialScope::new(time(), REGION, "s3").unwrap_or_else(|e| panic!("scope: {e}"));
    let theirs = v4::generate_signing_key(SECRET, system_time(), REGION, "s3");
    assert_eq!(SigningKey::derive(SECRET, &scope).as_bytes()[..], *theirs.as_ref());

    let mut group = c.benchmark_group("signing_key");
    group.bench_function("sigv4-kit SigningKey::derive", |b| {
        b.iter(|| SigningKey::derive(black_box(SECRET), black_box(&scope)))
    });
    group.bench_function("aws-sigv4 generate_signing_key", |b| {
        b.iter(|| v4::generate_signing_key(black_box(SECRET), black_box(system_time()), REGION, "s3"))
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = sign_header, presign, sign_post_json, canonical, signing_key
}
criterion_main!(benches);
