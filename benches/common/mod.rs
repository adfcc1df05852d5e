//! What the two benchmark harnesses share: the requests, the signers' settings, the checks that
//! sigv4-kit and `aws-sigv4` sign alike, and the floor. `benches/signing.rs` (criterion) includes
//! it as `mod common`, and the peer comparison `benches/compare` (its own package, so that the
//! main crate's tests never build the peers) through a `#[path]` to this file, so both time the
//! same requests against one definition of the floor.
//!
//! Every request is signed at `20150830T123600Z`.
// Each harness uses part of this module.
#![allow(dead_code)]

use std::hint::black_box;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    PercentEncodingMode, SignableBody, SignableRequest as AwsSignableRequest, SignatureLocation as AwsLocation,
    SigningParams as AwsSigningParams, SigningSettings as AwsSettings, UriPathNormalizationMode, sign as aws_sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sigv4_kit::sign::{Explanation, PayloadMode, SigV4Signer, SigningSettings};
use sigv4_kit::verify::{MemoryProvider, Principal, PrincipalKind, Verifier, VerifierConfig};
use sigv4_kit::{AmzDate, Credentials, FixedClock, SignableRequest};

pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const REGION: &str = "us-east-1";
/// `20150830T123600Z`.
pub const UNIX: u64 = 1_440_938_160;
/// The service of the generic (non-S3) requests: normalized, double-encoded paths.
pub const SERVICE: &str = "service";

/// A typical GET: five headers (host included) and a three-parameter query.
pub const GET_URI: &str =
    "https://example.amazonaws.com/photos/2015/08/index.json?prefix=beach%20day&max-keys=100&list-type=2";
pub const GET_HEADERS: [(&str, &str); 5] = [
    ("host", "example.amazonaws.com"),
    ("accept", "application/json"),
    ("x-amz-user-agent", "aws-sdk-rust/1.0 os/linux lang/rust"),
    ("amz-sdk-invocation-id", "6d0fd4c4-0c3b-4d9c-9f3e-5b7c1e0a2f11"),
    ("amz-sdk-request", "attempt=1; max=3"),
];

/// An S3 object to presign a GET for.
pub const S3_BUCKET: &str = "examplebucket";
pub const S3_KEY: &str = "photos/2015/08/beach.jpg";
pub const PRESIGN_SECS: u64 = 86_400;

pub fn time() -> AmzDate {
    AmzDate::from_unix(UNIX as i64).unwrap_or_else(|e| panic!("fixed time: {e}"))
}

pub fn system_time() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(UNIX)
}

pub fn ours(service: &str, settings: SigningSettings) -> SigV4Signer {
    SigV4Signer::new(Credentials::new(ACCESS_KEY_ID, SECRET), REGION, service)
        .with_settings(settings)
        .with_clock(FixedClock::new(time()))
}

pub fn aws_identity() -> Identity {
    AwsCredentials::new(ACCESS_KEY_ID, SECRET, None, None, "bench").into()
}

pub fn aws_params<'a>(identity: &'a Identity, service: &'a str, settings: AwsSettings) -> AwsSigningParams<'a> {
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
pub fn aws_s3_settings() -> AwsSettings {
    let mut settings = AwsSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings
}

/// Our settings for a presigned S3 GET: host signed, `UNSIGNED-PAYLOAD`, 24 hours.
pub fn presign_settings() -> SigningSettings {
    SigningSettings::s3().with_presign(PRESIGN_SECS).with_payload(PayloadMode::Unsigned)
}

/// aws-sigv4's settings for the same presigned S3 GET.
pub fn aws_presign_settings() -> AwsSettings {
    let mut settings = aws_s3_settings();
    settings.signature_location = AwsLocation::QueryParams;
    settings.expires_in = Some(Duration::from_secs(PRESIGN_SECS));
    settings
}

/// The S3 GET to presign.
pub fn s3_get() -> http::Request<Vec<u8>> {
    http_request("GET", &format!("https://{S3_BUCKET}.s3.amazonaws.com/{S3_KEY}"), &[])
}

pub fn http_request(method: &str, uri: &str, headers: &[(&str, &str)]) -> http::Request<Vec<u8>> {
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Vec::new()).unwrap_or_else(|e| panic!("request: {e}"))
}

/// How aws-sigv4 sees the payload of a request.
#[derive(Clone, Copy)]
pub enum AwsBody<'a> {
    /// The request's body bytes, hashed while signing.
    Bytes,
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
    /// A hex SHA-256 computed elsewhere.
    Precomputed(&'a str),
}

/// Signs with aws-sigv4 as a client does: a view of the `http::Request`, `sign`, then apply.
/// Returns the signature.
pub fn aws_sign_request(
    request: &mut http::Request<Vec<u8>>,
    params: &AwsSigningParams<'_>,
    body: AwsBody<'_>,
) -> String {
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

/// Ours through `SigV4Signer::sign`; returns the signature as hex.
pub fn our_sign_request(signer: &SigV4Signer, request: &mut http::Request<Vec<u8>>) -> String {
    signer.sign(request).unwrap_or_else(|e| panic!("sign: {e}")).signature().to_string()
}

/// Our canonical request and string to sign for `request` (texts built by `CanonicalRequest` and
/// `StringToSign`'s `Display`), checked against what `SigV4Signer::sign` produces.
pub fn explain(signer: &SigV4Signer, request: &http::Request<Vec<u8>>) -> Explanation {
    let limits = signer.settings().limits;
    let view = SignableRequest::from_http(request.method(), request.uri(), request.headers(), limits)
        .unwrap_or_else(|e| panic!("view: {e}"));
    let payload = signer.payload_hash(request.body());
    let explanation = signer.explain_at(&view, &payload, time()).unwrap_or_else(|e| panic!("explain: {e}"));
    let signed = our_sign_request(signer, &mut request.clone());
    assert_eq!(explanation.output.signature().to_string(), signed, "explain_at and sign agree");
    explanation
}

/// Checks that ours and aws-sigv4 agree on `request` (the same signature, byte for byte), so the
/// benchmarks compare the same work, and returns our explanation of it.
pub fn agree(
    signer: &SigV4Signer,
    params: &AwsSigningParams<'_>,
    body: AwsBody<'_>,
    request: &http::Request<Vec<u8>>,
) -> Explanation {
    let theirs = aws_sign_request(&mut request.clone(), params, body);
    let mine = our_sign_request(signer, &mut request.clone());
    assert_eq!(mine, theirs, "sigv4-kit and aws-sigv4 disagree on {request:?}");
    explain(signer, request)
}

pub type HmacSha256 = Hmac<Sha256>;

pub fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|e| panic!("hmac: {e}"));
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The unavoidable SHA-256 and HMAC-SHA256 work of one request, over byte strings of the lengths
/// of its canonical request, string to sign, body (when the call hashes one) and key-derivation
/// inputs, with the `sha2` and `hmac` crates sigv4-kit uses.
///
/// With a cached key the floor is SHA-256 over as many bytes as the canonical request, plus the
/// HMAC of as many bytes as the string to sign computed from an HMAC state keyed once beforehand
/// and cloned per call (as a signer that caches its key's HMAC state can), plus SHA-256 over the
/// body when the call hashes it. With a fresh key it is the four chained HMACs of key derivation,
/// then the HMAC keyed with their result.
pub struct Floor {
    pub canonical: Vec<u8>,
    pub string_to_sign: Vec<u8>,
    /// Hashed in the call when not empty (a body signed by hashing it).
    pub body: Vec<u8>,
    /// HMAC-SHA256 keyed once with a 32-byte key.
    keyed: HmacSha256,
    /// `"AWS4" + secret`, date, region, service, `"aws4_request"`.
    derivation: [Vec<u8>; 5],
}

impl Floor {
    pub fn new(canonical_len: usize, string_to_sign_len: usize, secret: &str, region: &str, service: &str) -> Self {
        let filler = |len: usize, byte: u8| vec![byte; len];
        Self {
            canonical: filler(canonical_len, b'c'),
            string_to_sign: filler(string_to_sign_len, b's'),
            body: Vec::new(),
            keyed: HmacSha256::new_from_slice(&[0x5a; 32]).unwrap_or_else(|e| panic!("hmac: {e}")),
            derivation: [
                filler(4 + secret.len(), b'k'),
                filler(8, b'd'),
                filler(region.len(), b'r'),
                filler(service.len(), b'v'),
                filler("aws4_request".len(), b'a'),
            ],
        }
    }

    pub fn of(explanation: &Explanation, secret: &str, region: &str, service: &str) -> Self {
        Self::new(explanation.canonical_request.len(), explanation.string_to_sign.len(), secret, region, service)
    }

    /// The same floor, plus SHA-256 over a body of `len` bytes in every call.
    pub fn with_body(mut self, len: usize) -> Self {
        self.body = vec![b'b'; len];
        self
    }

    pub fn canonical_len(&self) -> usize {
        self.canonical.len()
    }

    /// The four chained HMACs of key derivation.
    pub fn derive(&self) -> [u8; 32] {
        let [secret, date, region, service, terminator] = &self.derivation;
        let k = hmac(black_box(secret), black_box(date));
        let k = hmac(&k, black_box(region));
        let k = hmac(&k, black_box(service));
        hmac(&k, black_box(terminator))
    }

    /// SHA-256 of the body (when there is one) and of the canonical request.
    fn hash(&self) {
        if !self.body.is_empty() {
            black_box(<[u8; 32]>::from(Sha256::digest(black_box(&self.body))));
        }
        black_box(<[u8; 32]>::from(Sha256::digest(black_box(&self.canonical))));
    }

    /// Hash the canonical request, sign the string to sign from the pre-keyed HMAC state.
    pub fn sign_cached(&self) -> [u8; 32] {
        self.hash();
        let mut mac = black_box(&self.keyed).clone();
        mac.update(black_box(&self.string_to_sign));
        mac.finalize().into_bytes().into()
    }

    /// Hash the canonical request, derive the key, sign the string to sign.
    pub fn sign_fresh(&self) -> [u8; 32] {
        self.hash();
        let key = self.derive();
        hmac(&key, black_box(&self.string_to_sign))
    }
}

/// Polls a future that is ready at once (the verifier with a `MemoryProvider` is).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

pub fn provider() -> MemoryProvider {
    MemoryProvider::new().with_key(
        ACCESS_KEY_ID,
        SECRET,
        Principal::new("123456789012", "arn:aws:iam::123456789012:user/bench", PrincipalKind::IamUser),
    )
}

/// `parts` with the last hex digit of its signature (header or query) changed.
pub fn forge(parts: &http::request::Parts) -> http::request::Parts {
    let flip = |text: &str| {
        let mut text = text.to_owned();
        let last = text.pop().unwrap_or('0');
        text.push(if last == '0' { '1' } else { '0' });
        text
    };
    let mut forged = parts.clone();
    if let Some(auth) = parts.headers.get("authorization") {
        let auth = flip(auth.to_str().unwrap_or_default());
        forged.headers.insert("authorization", auth.parse().unwrap_or_else(|e| panic!("forge: {e}")));
    } else {
        forged.uri = flip(&parts.uri.to_string()).parse().unwrap_or_else(|e| panic!("forge: {e}"));
    }
    forged
}

/// The verifier of header-signed requests for `SERVICE`.
pub fn header_verifier() -> Verifier {
    Verifier::new(VerifierConfig::new([SERVICE])).with_clock(FixedClock::new(time()))
}

/// The verifier of presigned S3 requests.
pub fn s3_verifier() -> Verifier {
    Verifier::new(VerifierConfig::new(["s3"]).with_s3_rules()).with_clock(FixedClock::new(time()))
}

/// A GET with `headers` headers (host included), `params` query parameters and a path of
/// `path_len` bytes (a multiple of 10).
pub fn scaled_request(headers: usize, params: usize, path_len: usize) -> http::Request<Vec<u8>> {
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
