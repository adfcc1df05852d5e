//! The tower layer: what reaches the inner service (only verified requests, with their
//! identity and only verified bytes), and what the layer answers itself (AWS-style rejections).
//! Futures here never wait for a real wake-up, so a no-op-waker loop drives them.

#![cfg(feature = "tower")]

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use crate::block_on::block_on;
use crate::frames::Frames;
use bytes::Bytes;
use http::{Request, Response};
use http_body::{Body, Frame};
use http_body_util::{BodyExt, Full};
use sigv4_kit::chunked::{ChecksumAlgorithm, ChunkLimits, ChunkedOptions, StreamingMode};
use sigv4_kit::sign::SigningBody;
use sigv4_kit::sign::{PayloadMode, SigV4Signer, SigningSettings};
use sigv4_kit::tower::{AuthBody, SigV4Layer, VerifiedBody, verify_error};
use sigv4_kit::verify::{
    Credential, CredentialProvider, LookupRequest, MemoryProvider, PayloadState, Principal, PrincipalKind,
    ProviderError, VerifierConfig,
};
use sigv4_kit::verify::{Verified, Verifier};
use sigv4_kit::{AmzDate, Credentials, FixedClock};
use tower_layer::Layer;
use tower_service::Service;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const ARN: &str = "arn:aws:iam::123456789012:user/alice";

fn time() -> AmzDate {
    "20150830T123600Z".parse().unwrap()
}

/// What the inner service saw of one request.
#[derive(Debug)]
struct Seen {
    verified: Option<Verified>,
    headers: http::HeaderMap,
    /// The bytes read before the body ended or failed.
    bytes: Vec<u8>,
    /// The body's error, as text, if it failed.
    error: Option<String>,
}

/// An inner service that records what it sees and answers 200 "ok".
#[derive(Clone, Default)]
struct Recorder {
    seen: Arc<Mutex<Vec<Seen>>>,
}

type BoxFuture<T> = std::pin::Pin<Box<dyn Future<Output = T> + Send>>;

impl<B> Service<Request<VerifiedBody<B>>> for Recorder
where
    B: Body<Data = Bytes> + Unpin + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = BoxFuture<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<VerifiedBody<B>>) -> Self::Future {
        let seen = Arc::clone(&self.seen);
        Box::pin(async move {
            let (parts, mut body) = request.into_parts();
            let mut bytes = Vec::new();
            let mut error = None;
            while let Some(frame) = body.frame().await {
                match frame {
                    Ok(frame) => {
                        if let Ok(data) = frame.into_data() {
                            bytes.extend_from_slice(&data);
                        }
                    }
                    Err(e) => {
                        error = Some(verify_error(&*e).map_or_else(|| e.to_string(), |v| v.code().to_string()));
                        break;
                    }
                }
            }
            let verified = parts.extensions.get::<Verified>().cloned();
            seen.lock().unwrap().push(Seen { verified, headers: parts.headers, bytes, error });
            Ok(Response::new(Full::new(Bytes::from_static(b"ok"))))
        })
    }
}

/// A provider that fails for `AKIDFAIL` and otherwise asks `inner`.
struct Flaky(MemoryProvider);

impl CredentialProvider for Flaky {
    fn lookup(
        &self,
        request: &LookupRequest<'_>,
    ) -> impl Future<Output = Result<Option<Credential>, ProviderError>> + Send {
        let result: Ready<Result<Option<Credential>, ProviderError>> = if request.access_key_id == "AKIDFAIL" {
            ready(Err("the credential store is down".into()))
        } else {
            ready(Ok(self.0.get(request.access_key_id)))
        };
        result
    }
}

fn provider() -> Flaky {
    let alice = Principal::new("123456789012", ARN, PrincipalKind::IamUser);
    Flaky(MemoryProvider::new().with_key("AKIDEXAMPLE", SECRET, alice.clone()).with_key("AKIDFAIL", SECRET, alice))
}

struct Harness {
    recorder: Recorder,
    service: sigv4_kit::tower::SigV4Auth<Recorder, Flaky>,
}

impl Harness {
    fn new(config: VerifierConfig, max_buffered: usize) -> Self {
        Self::with(config, |layer| layer.with_max_buffered_body(max_buffered))
    }

    /// A harness whose layer `configure` sets up.
    fn with(config: VerifierConfig, configure: impl FnOnce(SigV4Layer<Flaky>) -> SigV4Layer<Flaky>) -> Self {
        let recorder = Recorder::default();
        let verifier = Verifier::new(config).with_clock(FixedClock::new(time()));
        let layer = configure(SigV4Layer::from_verifier(verifier, provider()));
        Self { service: layer.layer(recorder.clone()), recorder }
    }

    fn s3() -> Self {
        Self::new(VerifierConfig::new(["s3"]).with_s3_rules(), 1024)
    }

    fn call<B>(&mut self, request: Request<B>) -> (Response<AuthBody<Full<Bytes>>>, Bytes)
    where
        B: Body<Data = Bytes> + Unpin + Send + 'static,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        block_on(async {
            let response = self.service.call(request).await.unwrap();
            let (parts, body) = response.into_parts();
            let bytes = body.collect().await.unwrap().to_bytes();
            (Response::from_parts(parts, AuthBody::Right(Full::new(bytes.clone()))), bytes)
        })
    }

    fn seen(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.recorder.seen.lock().unwrap())
    }
}

fn signer(akid: &str, service: &str, settings: SigningSettings) -> SigV4Signer {
    SigV4Signer::new(Credentials::new(akid, SECRET), "us-east-1", service)
        .with_settings(settings)
        .with_clock(FixedClock::new(time()))
}

fn signed(method: &str, uri: &str, body: &[u8], signer: &SigV4Signer) -> Request<Vec<u8>> {
    let mut request = Request::builder().method(method).uri(uri).body(body.to_vec()).unwrap();
    signer.sign(&mut request).unwrap();
    request
}

fn full(request: Request<Vec<u8>>) -> Request<Full<Bytes>> {
    request.map(|b| Full::new(Bytes::from(b)))
}

fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Asserts an AWS-style rejection and returns its code.
fn assert_rejected(response: &Response<AuthBody<Full<Bytes>>>, body: &Bytes, status: u16, code: &str) {
    assert_eq!(response.status(), status, "{}", String::from_utf8_lossy(body));
    let h = response.headers();
    assert_eq!(h["content-type"], "application/xml");
    assert_eq!(h["x-amzn-errortype"], code);
    let id = h["x-amz-request-id"].to_str().unwrap();
    assert!(id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()), "request id {id:?}");
    // The Date header is the verifier's clock, so that SDKs can correct their skew.
    assert_eq!(h["date"], "Sun, 30 Aug 2015 12:36:00 GMT");
    let xml = String::from_utf8_lossy(body);
    assert!(xml.contains(&format!("<Code>{code}</Code>")), "{xml}");
    assert!(xml.contains(&format!("<RequestId>{id}</RequestId>")), "{xml}");
}

#[test]
fn a_signed_request_reaches_the_inner_service_with_its_identity() {
    let mut h = Harness::new(VerifierConfig::new(["execute-api"]), 1024);
    let s = signer("AKIDEXAMPLE", "execute-api", SigningSettings::default());
    let (response, body) = h.call(full(signed("POST", "https://api.example.com/pets?a=1", b"{\"name\":\"rex\"}", &s)));
    assert_eq!(response.status(), 200);
    assert_eq!(body, "ok");
    let seen = h.seen();
    let [seen] = seen.as_slice() else { panic!("the inner service saw {} requests", seen.len()) };
    let verified = seen.verified.as_ref().expect("Verified is in the extensions");
    assert_eq!(verified.principal.arn(), ARN);
    assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
    assert!(matches!(verified.payload, PayloadState::Checked));
    assert_eq!(seen.bytes, b"{\"name\":\"rex\"}");
    assert_eq!(seen.error, None);
}

#[test]
fn rejections_are_answered_by_the_layer_and_never_reach_the_inner_service() {
    let mut h = Harness::new(VerifierConfig::new(["execute-api"]), 1024);
    let s = signer("AKIDEXAMPLE", "execute-api", SigningSettings::default());

    // No signature at all.
    let (response, body) = h.call(Request::get("https://api.example.com/").body(Full::new(Bytes::new())).unwrap());
    assert_rejected(&response, &body, 403, "AccessDenied");

    // A body changed after signing (its hash is the payload line).
    let mut request = signed("POST", "https://api.example.com/pets", b"{\"name\":\"rex\"}", &s);
    *request.body_mut() = b"{\"name\":\"max\"}".to_vec();
    let (response, body) = h.call(full(request));
    assert_rejected(&response, &body, 403, "SignatureDoesNotMatch");

    // An unsigned header added after signing.
    let mut request = signed("GET", "https://api.example.com/pets", b"", &s);
    request.headers_mut().insert("x-amz-meta-evil", "1".parse().unwrap());
    let (response, body) = h.call(full(request));
    assert_rejected(&response, &body, 403, "AccessDenied");

    // An unknown key, and a wrong secret.
    let other = SigV4Signer::new(Credentials::new("AKIDOTHER", SECRET), "us-east-1", "execute-api")
        .with_clock(FixedClock::new(time()));
    let (response, body) = h.call(full(signed("GET", "https://api.example.com/", b"", &other)));
    assert_rejected(&response, &body, 403, "InvalidAccessKeyId");
    let wrong = SigV4Signer::new(Credentials::new("AKIDEXAMPLE", "not-the-secret"), "us-east-1", "execute-api")
        .with_clock(FixedClock::new(time()));
    let (response, body) = h.call(full(signed("GET", "https://api.example.com/", b"", &wrong)));
    assert_rejected(&response, &body, 403, "SignatureDoesNotMatch");

    // A client clock an hour off.
    let skewed = SigV4Signer::new(Credentials::new("AKIDEXAMPLE", SECRET), "us-east-1", "execute-api")
        .with_clock(FixedClock::new(AmzDate::from_unix(time().unix_timestamp() - 3600).unwrap()));
    let (response, body) = h.call(full(signed("GET", "https://api.example.com/", b"", &skewed)));
    assert_rejected(&response, &body, 403, "RequestTimeTooSkewed");

    assert!(h.seen().is_empty(), "the inner service saw a rejected request");
}

#[test]
fn a_failing_provider_is_a_500_for_its_requests_only() {
    let mut h = Harness::new(VerifierConfig::new(["execute-api"]), 1024);
    let failing = signer("AKIDFAIL", "execute-api", SigningSettings::default());
    let (response, body) = h.call(full(signed("GET", "https://api.example.com/", b"", &failing)));
    assert_rejected(&response, &body, 500, "InternalError");
    assert!(!String::from_utf8_lossy(&body).contains("store is down"), "the provider's error leaked: {body:?}");
    let working = signer("AKIDEXAMPLE", "execute-api", SigningSettings::default());
    let (response, _) = h.call(full(signed("GET", "https://api.example.com/", b"", &working)));
    assert_eq!(response.status(), 200);
    assert_eq!(h.seen().len(), 1);
}

#[test]
fn a_body_that_must_be_hashed_first_is_bounded() {
    let mut h = Harness::new(VerifierConfig::new(["execute-api"]), 1024);
    let s = signer("AKIDEXAMPLE", "execute-api", SigningSettings::default());
    let big = payload(1025);
    // Refused from its Content-Length, before the body is read...
    let mut request = signed("POST", "https://api.example.com/", &big, &s);
    request.headers_mut().insert("content-length", "1025".parse().unwrap());
    let (response, body) = h.call(full(request));
    assert_rejected(&response, &body, 400, "EntityTooLarge");
    // ...or while it is read, when no length is declared.
    let request = signed("POST", "https://api.example.com/", &big, &s);
    let (response, body) = h.call(request.map(|b| Frames::split(&b, &[100])));
    assert_rejected(&response, &body, 400, "EntityTooLarge");
    // At the limit it passes, read from many frames.
    let exact = payload(1024);
    let request = signed("POST", "https://api.example.com/", &exact, &s);
    let (response, _) = h.call(request.map(|b| Frames::split(&b, &[7, 100])));
    assert_eq!(response.status(), 200);
    assert_eq!(h.seen()[0].bytes, exact);
}

#[test]
fn a_small_declared_hash_is_checked_before_the_inner_service_is_called() {
    let mut h = Harness::s3();
    let s = signer("AKIDEXAMPLE", "s3", SigningSettings::s3());
    let data = payload(1000);
    let mut request = signed("PUT", "https://bucket.s3.amazonaws.com/key", &data, &s);
    request.headers_mut().insert("content-length", "1000".parse().unwrap());
    let (response, _) = h.call(full(request.clone()));
    assert_eq!(response.status(), 200);
    let seen = h.seen();
    assert_eq!(seen[0].bytes, data);
    assert!(matches!(seen[0].verified.as_ref().unwrap().payload, PayloadState::Checked));

    // A body of known length without `Content-Length` (an empty GET) is checked up front too.
    let (response, _) = h.call(full(signed("GET", "https://bucket.s3.amazonaws.com/key", b"", &s)));
    assert_eq!(response.status(), 200);
    assert!(matches!(h.seen()[0].verified.as_ref().unwrap().payload, PayloadState::Checked));

    let mut tampered = data.clone();
    tampered[999] ^= 1;
    *request.body_mut() = tampered;
    let (response, body) = h.call(full(request));
    assert_rejected(&response, &body, 400, "XAmzContentSHA256Mismatch");
    assert!(h.seen().is_empty());
}

#[test]
fn a_large_declared_hash_is_checked_as_it_streams_and_its_last_frame_is_held_back() {
    let mut h = Harness::s3();
    let s = signer("AKIDEXAMPLE", "s3", SigningSettings::s3());
    let data = payload(10_000);
    let request = signed("PUT", "https://bucket.s3.amazonaws.com/key", &data, &s);

    let (response, _) = h.call(request.clone().map(|b| Frames::split(&b, &[4096])));
    assert_eq!(response.status(), 200);
    let seen = h.seen();
    assert_eq!(seen[0].bytes, data);
    assert_eq!(seen[0].error, None);
    assert!(matches!(seen[0].verified.as_ref().unwrap().payload, PayloadState::CheckedWhileRead));

    // The last byte changed: the inner service gets every frame but the last, then the error.
    let mut tampered = data.clone();
    tampered[9_999] ^= 1;
    let (response, _) = h.call(request.map(|_| Frames::split(&tampered, &[4096])));
    assert_eq!(response.status(), 200, "the inner service answered; its body read failed");
    let seen = h.seen();
    assert_eq!(seen[0].bytes, &data[..8192]);
    assert_eq!(seen[0].error.as_deref(), Some("XAmzContentSHA256Mismatch"));
}

#[test]
fn an_unsigned_payload_passes_through() {
    let mut h = Harness::s3();
    let s = signer("AKIDEXAMPLE", "s3", SigningSettings::s3().with_payload(PayloadMode::Unsigned));
    let data = payload(5000);
    let request = signed("PUT", "https://bucket.s3.amazonaws.com/key", &data, &s);
    let (response, _) = h.call(request.map(|b| Frames::split(&b, &[999])));
    assert_eq!(response.status(), 200);
    let seen = h.seen();
    assert_eq!(seen[0].bytes, data);
    assert!(matches!(seen[0].verified.as_ref().unwrap().payload, PayloadState::Unsigned));
}

#[test]
fn a_presigned_url_is_accepted() {
    let mut h = Harness::s3();
    let s = signer("AKIDEXAMPLE", "s3", SigningSettings::s3_presigned(300));
    let (response, body) = h.call(full(signed("GET", "https://bucket.s3.amazonaws.com/key?versionId=3", b"", &s)));
    assert_eq!(response.status(), 200, "{body:?}");
    assert_eq!(h.seen()[0].verified.as_ref().unwrap().principal.arn(), ARN);
}

#[test]
fn an_aws_chunked_upload_is_decoded_and_its_headers_describe_the_decoded_body() {
    let mut h = Harness::s3();
    let s = signer("AKIDEXAMPLE", "s3", SigningSettings::s3());
    let data = payload(100_000);
    let (mut parts, ()) = Request::put("https://bucket.s3.amazonaws.com/key").body(()).unwrap().into_parts();
    parts.headers.insert("content-encoding", "gzip".parse().unwrap());
    let options = ChunkedOptions::new(StreamingMode::SignedPayload).with_chunk_size(8192);
    let encoder = s.sign_chunked(&mut parts, data.len() as u64, &options).unwrap();
    let wire = block_on(SigningBody::new(Full::new(Bytes::from(data.clone())), encoder).collect()).unwrap().to_bytes();

    let (response, _) = h.call(Request::from_parts(parts.clone(), Frames::split(&wire, &[3000])));
    assert_eq!(response.status(), 200);
    let seen = h.seen();
    assert_eq!(seen[0].bytes, data);
    assert_eq!(seen[0].error, None);
    assert_eq!(seen[0].headers["content-length"], "100000");
    assert_eq!(seen[0].headers["content-encoding"], "gzip");
    assert!(seen[0].headers.get("x-amz-decoded-content-length").is_none());
    assert!(matches!(seen[0].verified.as_ref().unwrap().payload, PayloadState::CheckedWhileRead));

    // One byte changed in the last chunk: the chunks before it arrive, then the error.
    let mut tampered = wire.to_vec();
    let at = tampered.len() - 200;
    tampered[at] ^= 1;
    let (response, _) = h.call(Request::from_parts(parts, Frames::split(&tampered, &[3000])));
    assert_eq!(response.status(), 200);
    let seen = h.seen();
    assert_eq!(seen[0].error.as_deref(), Some("SignatureDoesNotMatch"));
    assert!(seen[0].bytes.len() < data.len() && data.starts_with(&seen[0].bytes));
}

/// Chunks under 8 KiB but for the last are refused, as S3 refuses them, before any of their
/// data arrives; `with_chunk_limits` allows smaller ones.
#[test]
fn aws_chunked_chunks_under_the_minimum_size_are_refused_unless_allowed() {
    let s = signer("AKIDEXAMPLE", "s3", SigningSettings::s3());
    let data = payload(20_000);
    let (mut parts, ()) = Request::put("https://bucket.s3.amazonaws.com/key").body(()).unwrap().into_parts();
    let options = ChunkedOptions::new(StreamingMode::SignedPayload).with_chunk_size(1000);
    let encoder = s.sign_chunked(&mut parts, data.len() as u64, &options).unwrap();
    let wire = block_on(SigningBody::new(Full::new(Bytes::from(data.clone())), encoder).collect()).unwrap().to_bytes();

    let mut h = Harness::s3();
    h.call(Request::from_parts(parts.clone(), Frames::split(&wire, &[3000])));
    let seen = h.seen();
    assert_eq!(seen[0].error.as_deref(), Some("InvalidChunkSizeError"));
    assert!(seen[0].bytes.is_empty(), "released {} bytes of a refused stream", seen[0].bytes.len());

    for (min, error) in [(1000, None), (1001, Some("InvalidChunkSizeError"))] {
        let mut limits = ChunkLimits::default();
        limits.min_chunk_size = min;
        let mut h = Harness::with(VerifierConfig::new(["s3"]).with_s3_rules(), |l| l.with_chunk_limits(limits));
        h.call(Request::from_parts(parts.clone(), Frames::split(&wire, &[3000])));
        let seen = h.seen();
        assert_eq!(seen[0].error.as_deref(), error, "minimum {min}");
        if error.is_none() {
            assert_eq!(seen[0].bytes, data, "minimum {min}");
        }
    }
}

#[test]
fn an_aws_chunked_body_whose_trailing_checksum_is_wrong_never_arrives_whole() {
    let mut h = Harness::s3();
    let s = signer("AKIDEXAMPLE", "s3", SigningSettings::s3());
    let data = payload(20_000);
    let (mut parts, ()) = Request::put("https://bucket.s3.amazonaws.com/key").body(()).unwrap().into_parts();
    let options = ChunkedOptions::new(StreamingMode::UnsignedPayloadTrailer)
        .with_chunk_size(8192)
        .with_trailer(ChecksumAlgorithm::Crc32c);
    let encoder = s.sign_chunked(&mut parts, data.len() as u64, &options).unwrap();
    let wire = block_on(SigningBody::new(Full::new(Bytes::from(data.clone())), encoder).collect()).unwrap().to_bytes();

    // Every byte of payload is intact; only the checksum in the trailer is wrong.
    let name = b"x-amz-checksum-crc32c:";
    let at = wire.windows(name.len()).position(|w| w == name).unwrap() + name.len();
    let mut tampered = wire.to_vec();
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    for sizes in [&[3000][..], &[wire.len()][..]] {
        let (response, _) = h.call(Request::from_parts(parts.clone(), Frames::split(&tampered, sizes)));
        assert_eq!(response.status(), 200);
        let seen = h.seen();
        assert_eq!(seen[0].error.as_deref(), Some("XAmzContentChecksumMismatch"));
        assert!(seen[0].bytes.len() < data.len(), "the whole payload was released before the checksum failed");
    }
    let (response, _) = h.call(Request::from_parts(parts, Frames::split(&wire, &[3000])));
    assert_eq!(response.status(), 200);
    let seen = h.seen();
    assert_eq!((seen[0].bytes.as_slice(), seen[0].error.as_deref()), (data.as_slice(), None));
}

#[test]
fn json_protocol_requests_get_json_errors() {
    let mut h = Harness::new(VerifierConfig::new(["secretsmanager"]), 1024);
    let request = Request::post("https://secretsmanager.us-east-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "secretsmanager.GetSecretValue")
        .body(Full::new(Bytes::from_static(b"{}")))
        .unwrap();
    let (response, body) = h.call(request);
    assert_eq!(response.status(), 403);
    assert_eq!(response.headers()["content-type"], "application/x-amz-json-1.1");
    assert_eq!(response.headers()["x-amzn-errortype"], "AccessDenied");
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["__type"], "AccessDenied");
    assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[test]
fn frames_is_a_body() {
    // The helper body the tests above rely on yields what it was given.
    let body = Frames::new([Ok(Frame::data(Bytes::from_static(b"ab")))]);
    assert_eq!(block_on(body.collect()).unwrap().to_bytes(), "ab");
}

/// SigV4a through the layer: a header-signed request and an `aws-chunked` upload whose chunks
/// are signed with ECDSA, decoded and checked as they stream.
#[test]
fn sigv4a_requests_and_streams_pass_the_layer() {
    let mut h = Harness::new(
        VerifierConfig::new(["s3"]).with_s3_rules().with_regions(sigv4_kit::verify::Regions::only(["us-west-2"])),
        1024,
    );
    let s = SigV4Signer::sigv4a(
        Credentials::new("AKIDEXAMPLE", SECRET),
        sigv4_kit::sigv4a::RegionSet::new("us-*").unwrap(),
        "s3",
    )
    .with_settings(SigningSettings::s3())
    .with_clock(FixedClock::new(time()));
    let (response, _) = h.call(full(signed("PUT", "https://bucket.s3.amazonaws.com/k", b"hello", &s)));
    assert_eq!(response.status(), 200);
    let seen = h.seen();
    let verified = seen[0].verified.as_ref().expect("Verified");
    assert_eq!((verified.algorithm, verified.region()), (sigv4_kit::spec::Algorithm::EcdsaP256Sha256, "us-*"));
    assert_eq!(seen[0].bytes, b"hello");

    let data = payload(50_000);
    let (mut parts, ()) = Request::put("https://bucket.s3.amazonaws.com/key").body(()).unwrap().into_parts();
    let options = ChunkedOptions::new(StreamingMode::SignedPayload).with_chunk_size(8192);
    let encoder = s.sign_chunked(&mut parts, data.len() as u64, &options).unwrap();
    let wire = block_on(SigningBody::new(Full::new(Bytes::from(data.clone())), encoder).collect()).unwrap().to_bytes();
    let (response, _) = h.call(Request::from_parts(parts.clone(), Frames::split(&wire, &[1000])));
    assert_eq!(response.status(), 200);
    let seen = h.seen();
    assert_eq!((seen[0].bytes.as_slice(), seen[0].error.as_deref()), (data.as_slice(), None));
    assert_eq!(seen[0].headers["content-length"], "50000");

    let mut tampered = wire.to_vec();
    let at = tampered.len() - 1000;
    tampered[at] ^= 1;
    let (_, _) = h.call(Request::from_parts(parts, Frames::split(&tampered, &[1000])));
    let seen = h.seen();
    assert_eq!(seen[0].error.as_deref(), Some("SignatureDoesNotMatch"));
    assert!(seen[0].bytes.len() < data.len());
}

/// A body that never sends a byte: a client that declared a large body and stalls.
struct Stalled;

impl Body for Stalled {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Pending
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(5_000_000)
    }
}

#[test]
fn what_needs_no_body_is_refused_before_the_body_is_read() {
    // Non-S3: the payload line is the body's hash, so a genuine request's body must be read
    // before its signature can be checked. An unknown key, a token that does not match and an
    // expired credential need no body: they are answered at once, although the body never
    // comes (a layer that read it first would wait forever; `block_on` gives up and panics).
    let role = Principal::new("123456789012", "arn:aws:sts::123456789012:assumed-role/r/s", PrincipalKind::AssumedRole)
        .with_session_token("the-token");
    let expired = role.clone().with_expiry(std::time::UNIX_EPOCH);
    let keys = MemoryProvider::new().with_key("AKIDROLE", SECRET, role).with_key("AKIDOLD", SECRET, expired);
    let verifier = Verifier::new(VerifierConfig::new(["execute-api"])).with_clock(FixedClock::new(time()));
    let mut service = SigV4Layer::from_verifier(verifier, Flaky(keys)).layer(Recorder::default());
    let cases = [
        ("AKIDNOBODY", None, 403, "InvalidAccessKeyId"),
        ("AKIDROLE", Some("another-token"), 400, "InvalidToken"),
        ("AKIDROLE", None, 400, "InvalidToken"),
        ("AKIDOLD", Some("the-token"), 400, "ExpiredToken"),
    ];
    for (akid, token, status, code) in cases {
        let mut credentials = Credentials::new(akid, SECRET);
        if let Some(t) = token {
            credentials = credentials.with_session_token(t);
        }
        let s = SigV4Signer::new(credentials, "us-east-1", "execute-api").with_clock(FixedClock::new(time()));
        let mut request = signed("POST", "https://api.example.com/upload", b"", &s);
        request.headers_mut().insert("content-length", "5000000".parse().unwrap());
        let response = block_on(service.call(request.map(|_| Stalled))).unwrap();
        let (parts, body) = response.into_parts();
        let bytes = block_on(body.collect()).unwrap().to_bytes();
        assert_rejected(&Response::from_parts(parts, AuthBody::Right(Full::new(bytes.clone()))), &bytes, status, code);
    }
}

/// An inner service that records the URI it was called with.
#[derive(Clone, Default)]
struct UriRecorder(Arc<Mutex<Vec<String>>>);

impl<B: Send + 'static> Service<Request<B>> for UriRecorder {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let verified = request.extensions().get::<Verified>().map(|v| v.path().to_owned());
        assert_eq!(verified.as_deref(), Some(request.uri().path()), "the URI's path is the verified one");
        self.0.lock().unwrap().push(request.uri().to_string());
        ready(Ok(Response::new(Full::new(Bytes::new()))))
    }
}

#[test]
fn the_inner_service_sees_the_path_that_was_verified() {
    let s = signer("AKIDEXAMPLE", "execute-api", SigningSettings::default());
    // The client signs /b for each of these (SigV4 normalizes before signing).
    let paths = ["/admin/../b?x=1", "//b?x=1", "/./b?x=1", "/x/y/../../b?x=1"];
    let run = |config: VerifierConfig| {
        let seen = UriRecorder::default();
        let verifier = Verifier::new(config).with_clock(FixedClock::new(time()));
        let mut service = SigV4Layer::from_verifier(verifier, provider()).layer(seen.clone());
        let statuses: Vec<u16> = paths
            .iter()
            .map(|p| {
                let request = full(signed("GET", &format!("http://api.example.com{p}"), b"", &s));
                block_on(service.call(request)).unwrap().status().as_u16()
            })
            .collect();
        (statuses, std::mem::take(&mut *seen.0.lock().unwrap()))
    };
    // By default they are refused...
    let (statuses, seen) = run(VerifierConfig::new(["execute-api"]));
    assert_eq!(statuses, [400; 4]);
    assert!(seen.is_empty(), "{seen:?}");
    // ...or, on request, the inner service gets the normalized path, query kept.
    let (statuses, seen) =
        run(VerifierConfig::new(["execute-api"]).with_path_policy(sigv4_kit::verify::PathPolicy::Rewrite));
    assert_eq!(statuses, [200; 4]);
    assert_eq!(seen, ["http://api.example.com/b?x=1"; 4]);
}
