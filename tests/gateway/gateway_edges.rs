//! Edge cases of the example gateway (`examples/gateway/app.rs`, built in process behind
//! `SigV4Layer`), from issue 15:
//!
//! - the proxy forwards exactly what was signed: no kind of header removal (headers named by
//!   `Connection`, the hop-by-hop list, `Expect`, the identity headers) may drop a signed
//!   header; such a request is refused with `400 InvalidArgument` before anything is forwarded;
//! - an `aws-chunked` body that fails verification while it is forwarded is answered with its
//!   verification error (status and S3 XML), never `502`; nor is a body the client cut short;
//! - the server-side limits: the header read timeout, the body idle timeout and the connection
//!   limit, each against a slow client.
//!
//! The upstream is a tiny hyper server on `127.0.0.1:0` that records what it receives. Every
//! await is bounded: a test that would hang fails instead.

#![cfg(feature = "tower")]

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::app;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use sigv4_kit::Credentials;
use sigv4_kit::chunked::{ChunkedOptions, StreamingMode};
use sigv4_kit::sign::{PayloadMode, SigV4Signer, SigningSettings};
use sigv4_kit::spec::ExcludedHeaders;
use sigv4_kit::tower::SigV4Layer;
use sigv4_kit::verify::{MemoryProvider, VerifierConfig, parse_shared_credentials};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower_layer::Layer;

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const ARN: &str = "arn:aws:iam::123456789012:user/alice";

/// The longest any single await of these tests may take.
const WAIT: Duration = Duration::from_secs(10);

/// `future`, or a panic naming `what` after [`WAIT`].
async fn bounded<T>(what: &str, future: impl Future<Output = T>) -> T {
    match tokio::time::timeout(WAIT, future).await {
        Ok(value) => value,
        Err(_) => panic!("{what}: nothing within {WAIT:?}"),
    }
}

// --- the upstream ------------------------------------------------------------------------------

/// One request the upstream received.
#[derive(Debug, Clone)]
struct Seen {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    /// The whole body, or why reading it failed.
    body: Result<Bytes, String>,
}

/// An in-process upstream that records every request and answers `200 upstream says ok`.
struct Upstream {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// How many answers it has sent.
    answered: Arc<AtomicUsize>,
}

impl Upstream {
    /// An upstream that reads each request whole, then answers.
    async fn start() -> Self {
        Self::start_answering(false).await
    }

    /// An upstream that answers each request as soon as its headers are in, and reads (and
    /// records) its body afterwards, as a streaming server may.
    async fn eager() -> Self {
        Self::start_answering(true).await
    }

    async fn start_answering(eagerly: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let answered = Arc::new(AtomicUsize::new(0));
        let (record, count) = (Arc::clone(&seen), Arc::clone(&answered));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (record, count) = (Arc::clone(&record), Arc::clone(&count));
                let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                    let record = Arc::clone(&record);
                    let count = Arc::clone(&count);
                    let read = async move {
                        let (parts, body) = request.into_parts();
                        let body = body.collect().await.map(|c| c.to_bytes()).map_err(|e| e.to_string());
                        let seen = Seen { method: parts.method, uri: parts.uri, headers: parts.headers, body };
                        record.lock().unwrap().push(seen);
                    };
                    async move {
                        if eagerly {
                            tokio::spawn(read);
                        } else {
                            read.await;
                        }
                        count.fetch_add(1, Ordering::SeqCst);
                        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"upstream says ok"))))
                    }
                });
                tokio::spawn(
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service),
                );
            }
        });
        Self { addr, seen, answered }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The requests the upstream received whole.
    fn complete(&self) -> Vec<Seen> {
        self.seen().into_iter().filter(|s| s.body.is_ok()).collect()
    }

    /// The one request the upstream received, whole.
    fn only(&self) -> Seen {
        let seen = self.seen();
        assert_eq!(seen.len(), 1, "the upstream received {seen:#?}");
        let one = seen.into_iter().next().unwrap();
        assert!(one.body.is_ok(), "the upstream's body failed: {one:?}");
        one
    }
}

// --- the gateway -------------------------------------------------------------------------------

fn provider() -> MemoryProvider {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/gateway/credentials")).unwrap();
    parse_shared_credentials(&text).unwrap()
}

fn s3_config() -> VerifierConfig {
    VerifierConfig::new(["s3"]).with_s3_rules()
}

/// Serves `service` on a free loopback port with the default limits.
async fn start<S, ResBody>(service: S) -> SocketAddr
where
    S: tower_service::Service<Request<app::RequestBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<app::BoxError>,
    ResBody: http_body::Body + Send + 'static,
    ResBody::Data: Send,
    ResBody::Error: Into<app::BoxError>,
{
    start_with(service, app::ServeLimits::default()).await
}

/// Serves `service` on a free loopback port within `limits`.
async fn start_with<S, ResBody>(service: S, limits: app::ServeLimits) -> SocketAddr
where
    S: tower_service::Service<Request<app::RequestBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<app::BoxError>,
    ResBody: http_body::Body + Send + 'static,
    ResBody::Data: Send,
    ResBody::Error: Into<app::BoxError>,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(app::serve(listener, service, limits));
    addr
}

/// The gateway with `--upstream`: S3 rules, the example keys.
async fn proxy_to(upstream: &Upstream) -> SocketAddr {
    let proxy = app::Proxy::new(&upstream.url()).unwrap();
    start(app::AccessLog::new(SigV4Layer::new(s3_config(), provider()).layer(proxy))).await
}

// --- the client --------------------------------------------------------------------------------

fn s3_signer() -> SigV4Signer {
    SigV4Signer::new(Credentials::new(AKID, SECRET), "us-east-1", "s3").with_settings(SigningSettings::s3())
}

/// A signer that signs every header the request has, hop-by-hop ones included.
fn sign_everything() -> SigV4Signer {
    SigV4Signer::new(Credentials::new(AKID, SECRET), "us-east-1", "s3")
        .with_settings(SigningSettings::s3().with_excluded_headers(ExcludedHeaders::none()))
}

/// A request to `addr` with `Host` set, ready to sign.
fn request(method: Method, addr: SocketAddr, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Request<Vec<u8>> {
    let mut builder =
        Request::builder().method(method).uri(format!("http://{addr}{path}")).header("host", addr.to_string());
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.to_vec()).unwrap()
}

/// What the gateway answered.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    /// The S3 XML error code, asserting the body is S3's XML error format.
    fn xml_code(&self) -> &str {
        assert_eq!(self.headers.get("content-type").map(|v| v.as_bytes()), Some(&b"application/xml"[..]), "{self:?}");
        assert!(self.body.starts_with("<?xml"), "{self:?}");
        let start = self.body.find("<Code>").unwrap_or_else(|| panic!("no <Code> in {self:?}")) + "<Code>".len();
        let end = self.body[start..].find("</Code>").unwrap() + start;
        &self.body[start..end]
    }
}

/// Sends `request` (its URI absolute) to `addr` on a fresh connection and reads the answer.
async fn send(addr: SocketAddr, request: Request<Vec<u8>>) -> Answer {
    let (mut parts, body) = request.into_parts();
    parts.uri = parts.uri.path_and_query().map_or("/", |p| p.as_str()).parse().unwrap();
    let request = Request::from_parts(parts, Full::new(Bytes::from(body)));
    bounded("the gateway's answer", async {
        let stream = TcpStream::connect(addr).await.unwrap();
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
        tokio::spawn(connection);
        let response = sender.send_request(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        Answer { status: parts.status, headers: parts.headers, body: String::from_utf8_lossy(&body).into_owned() }
    })
    .await
}

/// Signs `request` with `signer`, then adds the unsigned `extra` headers.
fn signed(signer: &SigV4Signer, mut request: Request<Vec<u8>>, extra: &[(&str, &str)]) -> Request<Vec<u8>> {
    signer.sign(&mut request).unwrap();
    for (name, value) in extra {
        request.headers_mut().append(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
    }
    request
}

fn signed_names(request: &Request<Vec<u8>>) -> Vec<String> {
    let auth = request.headers()["authorization"].to_str().unwrap();
    let list = auth.split("SignedHeaders=").nth(1).unwrap().split(',').next().unwrap();
    list.split(';').map(str::to_owned).collect()
}

/// Asserts a refusal with `400 InvalidArgument` whose message names `header`, and that nothing
/// reached the upstream.
fn assert_refused_naming(answer: &Answer, header: &str, upstream: &Upstream) {
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{answer:?}");
    assert_eq!(answer.xml_code(), "InvalidArgument", "{answer:?}");
    assert!(answer.body.to_ascii_lowercase().contains(header), "the message does not name {header}: {answer:?}");
    assert!(upstream.seen().is_empty(), "the upstream received {:#?}", upstream.seen());
}

// --- A: the proxy forwards only what was signed ------------------------------------------------

/// The reproduced bug: botocore signs these four headers, and an unsigned `Connection` names
/// them; the proxy used to accept the request and forward it without them.
#[tokio::test]
async fn connection_naming_signed_headers_is_refused() {
    let upstream = Upstream::start().await;
    let gateway = proxy_to(&upstream).await;
    let headers = [
        ("content-type", "text/plain"),
        ("x-amz-server-side-encryption", "AES256"),
        ("x-amz-acl", "private"),
        ("content-md5", "XUFAKrxLKna5cZ2REBfFkg=="),
    ];
    let put = request(Method::PUT, gateway, "/bucket/key", &headers, b"hello");
    let put = signed(
        &s3_signer(),
        put,
        &[("connection", "keep-alive, x-amz-server-side-encryption, x-amz-acl, content-type, content-md5")],
    );
    for name in ["content-type", "x-amz-server-side-encryption", "x-amz-acl", "content-md5"] {
        assert!(signed_names(&put).iter().any(|n| n == name), "{name} is not signed");
    }
    let answer = send(gateway, put).await;
    assert_refused_naming(&answer, "x-amz-server-side-encryption", &upstream);
    // Any one of them is enough, in any case and spacing.
    for named in ["Content-MD5", " x-amz-acl ", "close,CONTENT-TYPE"] {
        let put = request(Method::PUT, gateway, "/bucket/key", &headers, b"hello");
        let put = signed(&s3_signer(), put, &[("connection", named)]);
        let answer = send(gateway, put).await;
        assert_refused_naming(
            &answer,
            named.rsplit(',').next().unwrap().trim().to_ascii_lowercase().as_str(),
            &upstream,
        );
    }
}

/// A signed header on the hop-by-hop list (which the proxy always removes) is refused.
#[tokio::test]
async fn signed_hop_by_hop_headers_are_refused() {
    let upstream = Upstream::start().await;
    let gateway = proxy_to(&upstream).await;
    for (name, value) in [
        ("keep-alive", "timeout=5"),
        ("connection", "keep-alive"),
        ("te", "trailers"),
        ("trailer", "x-amz-meta-late"),
        ("proxy-authorization", "Basic dXNlcjpwYXNz"),
        ("proxy-connection", "keep-alive"),
        ("upgrade", "websocket"),
    ] {
        let get = request(Method::GET, gateway, "/bucket/key", &[(name, value)], b"");
        let get = signed(&sign_everything(), get, &[]);
        assert!(signed_names(&get).iter().any(|n| n == name), "{name} is not signed");
        let answer = send(gateway, get).await;
        assert_refused_naming(&answer, name, &upstream);
    }
}

/// A signed `Expect` (which the proxy removes: hyper answered it) is refused.
#[tokio::test]
async fn signed_expect_is_refused() {
    let upstream = Upstream::start().await;
    let gateway = proxy_to(&upstream).await;
    let put = request(Method::PUT, gateway, "/bucket/key", &[("expect", "100-continue")], b"hello");
    let put = signed(&sign_everything(), put, &[]);
    assert!(signed_names(&put).iter().any(|n| n == "expect"));
    let answer = send(gateway, put).await;
    assert_refused_naming(&answer, "expect", &upstream);
}

/// Signed identity headers (which the proxy replaces with the verified identity) are refused;
/// unsigned ones are replaced.
#[tokio::test]
async fn signed_identity_headers_are_refused_unsigned_ones_replaced() {
    let upstream = Upstream::start().await;
    let gateway = proxy_to(&upstream).await;
    for name in [app::PRINCIPAL_HEADER, app::ACCESS_KEY_HEADER] {
        let get = request(Method::GET, gateway, "/bucket/key", &[(name, "arn:aws:iam::999999999999:root")], b"");
        let get = signed(&s3_signer(), get, &[]);
        let answer = send(gateway, get).await;
        assert_refused_naming(&answer, name, &upstream);
    }
    let spoof = [(app::PRINCIPAL_HEADER, "arn:aws:iam::999999999999:root"), (app::ACCESS_KEY_HEADER, "AKIASPOOF")];
    let get = signed(&s3_signer(), request(Method::GET, gateway, "/bucket/key", &[], b""), &spoof);
    let answer = send(gateway, get).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    let seen = upstream.only();
    assert_eq!(seen.headers.get_all(app::PRINCIPAL_HEADER).iter().collect::<Vec<_>>(), [ARN]);
    assert_eq!(seen.headers.get_all(app::ACCESS_KEY_HEADER).iter().collect::<Vec<_>>(), [AKID]);
}

/// Unsigned hop-by-hop headers (and those `Connection` names) are still removed, and the
/// request is forwarded with every signed header as it was signed.
#[tokio::test]
async fn unsigned_hop_by_hop_headers_are_removed_and_the_request_forwarded() {
    let upstream = Upstream::start().await;
    let gateway = proxy_to(&upstream).await;
    let signed_headers = [
        ("content-type", "text/plain"),
        ("x-amz-server-side-encryption", "AES256"),
        ("x-amz-acl", "private"),
        ("x-amz-meta-color", "blue"),
    ];
    let unsigned = [
        ("connection", "keep-alive, x-hop-one, X-Hop-Two"),
        ("x-hop-one", "1"),
        ("x-hop-two", "2"),
        ("keep-alive", "timeout=5"),
        ("te", "trailers"),
        ("proxy-authorization", "Basic dXNlcjpwYXNz"),
        ("proxy-connection", "keep-alive"),
        ("x-not-hop", "kept"),
    ];
    let put = request(Method::PUT, gateway, "/bucket/key?versionId=3", &signed_headers, b"hello");
    let put = signed(&s3_signer(), put, &unsigned);
    let sent = put.headers().clone();
    let names = signed_names(&put);
    let answer = send(gateway, put).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(answer.body, "upstream says ok");
    let seen = upstream.only();
    assert_eq!((seen.method, seen.uri.to_string()), (Method::PUT, "/bucket/key?versionId=3".to_owned()));
    assert_eq!(seen.body.as_deref().ok(), Some(&b"hello"[..]));
    for (name, _) in &unsigned[..7] {
        assert!(!seen.headers.contains_key(*name), "{name} was forwarded: {:?}", seen.headers);
    }
    assert_eq!(seen.headers["x-not-hop"], "kept");
    // What the upstream receives is what was signed, but for the documented exceptions.
    for name in names {
        if matches!(name.as_str(), "host" | "x-amz-date" | "x-amz-content-sha256") {
            continue;
        }
        let sent: Vec<_> = sent.get_all(name.as_str()).iter().collect();
        let got: Vec<_> = seen.headers.get_all(name.as_str()).iter().collect();
        assert_eq!(sent, got, "the signed header {name}");
    }
    assert_eq!(seen.headers["host"], upstream.addr.to_string());
    assert!(!seen.headers.contains_key("authorization"));
}

/// A signed `Transfer-Encoding: chunked` is framing only: allowed, and the body arrives whole.
#[tokio::test]
async fn signed_transfer_encoding_chunked_is_forwarded() {
    let upstream = Upstream::start().await;
    let gateway = proxy_to(&upstream).await;
    let put = request(Method::PUT, gateway, "/bucket/key", &[("transfer-encoding", "chunked")], b"hello, chunked");
    let put = signed(&sign_everything(), put, &[]);
    assert!(signed_names(&put).iter().any(|n| n == "transfer-encoding"));
    let answer = send(gateway, put).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(upstream.only().body.as_deref().ok(), Some(&b"hello, chunked"[..]));
}

/// A transfer coding other than `chunked` would reach the upstream as if the body had none:
/// refused, as S3 does, with `501 NotImplemented`.
#[tokio::test]
async fn other_transfer_codings_are_not_implemented() {
    let upstream = Upstream::start().await;
    let gateway = proxy_to(&upstream).await;
    let put = request(Method::PUT, gateway, "/bucket/key", &[], b"not really gzip");
    let signer = s3_signer().with_settings(SigningSettings::s3().with_payload(PayloadMode::Unsigned));
    let put = signed(&signer, put, &[("transfer-encoding", "gzip, chunked")]);
    let answer = send(gateway, put).await;
    assert_eq!(answer.status, StatusCode::NOT_IMPLEMENTED, "{answer:?}");
    assert_eq!(answer.xml_code(), "NotImplemented");
    assert!(upstream.seen().is_empty(), "{:#?}", upstream.seen());
}

/// A body sent chunked with no `Content-Length` reaches the upstream whatever the method
/// (hyper's client sends no body for a `GET` of unknown length unless told it is chunked).
#[tokio::test]
async fn a_chunked_get_body_is_forwarded() {
    let upstream = Upstream::start().await;
    let gateway = proxy_to(&upstream).await;
    let signer = s3_signer().with_settings(SigningSettings::s3().with_payload(PayloadMode::Unsigned));
    let get = signed(&signer, request(Method::GET, gateway, "/bucket/key", &[], b"a body on a GET"), &[]);
    let mut get = get;
    get.headers_mut().insert("transfer-encoding", HeaderValue::from_static("chunked"));
    let answer = send(gateway, get).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(upstream.only().body.as_deref().ok(), Some(&b"a body on a GET"[..]));
}

// --- B: a body that fails on the way is the client's error, not the upstream's --------------------

/// A signed aws-chunked PUT of `size` bytes in 64 KiB chunks: the request and its wire body.
fn chunked_put(gateway: SocketAddr, size: usize) -> Request<Vec<u8>> {
    let (mut parts, ()) = Request::put(format!("http://{gateway}/bucket/chunked"))
        .header("host", gateway.to_string())
        .body(())
        .unwrap()
        .into_parts();
    let options = ChunkedOptions::new(StreamingMode::SignedPayload);
    let mut encoder = s3_signer().sign_chunked(&mut parts, size as u64, &options).unwrap();
    let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    let mut wire = Vec::new();
    for piece in data.chunks(10_000) {
        encoder.push(piece, &mut wire);
    }
    encoder.finish(&mut wire);
    Request::from_parts(parts, wire)
}

/// No complete request reached the upstream (give an aborted one a moment to show).
async fn assert_nothing_landed(upstream: &Upstream) {
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(upstream.complete().is_empty(), "the upstream received {:#?}", upstream.complete());
}

#[tokio::test]
async fn aws_chunked_body_with_a_bad_chunk_signature_is_403() {
    let upstream = Upstream::start().await;
    let gateway = proxy_to(&upstream).await;
    // The good one goes through.
    let answer = send(gateway, chunked_put(gateway, 200_000)).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(upstream.only().body.map(|b| b.len()), Ok(200_000));
    upstream.seen.lock().unwrap().clear();
    // The second chunk's signature, one digit changed: the first chunk may already be upstream.
    for which in [0, 1] {
        let mut put = chunked_put(gateway, 200_000);
        let body = put.body_mut();
        let at = find_all(body, b";chunk-signature=")[which] + b";chunk-signature=".len();
        body[at] = if body[at] == b'0' { b'1' } else { b'0' };
        let answer = send(gateway, put).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "chunk {which}: {answer:?}");
        assert_eq!(answer.xml_code(), "SignatureDoesNotMatch");
        assert_nothing_landed(&upstream).await;
    }
}

#[tokio::test]
async fn aws_chunked_body_with_a_malformed_chunk_header_is_400() {
    let upstream = Upstream::start().await;
    let gateway = proxy_to(&upstream).await;
    for which in [0, 1] {
        let mut put = chunked_put(gateway, 200_000);
        let body = put.body_mut();
        // The chunk's size, `10000` in hex, made `zzzzz`.
        let start = if which == 0 { 0 } else { find_all(body, b"\r\n10000;")[0] + 2 };
        body[start..start + 5].copy_from_slice(b"zzzzz");
        let answer = send(gateway, put).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "chunk {which}: {answer:?}");
        let code = answer.xml_code().to_owned();
        assert!(["InvalidRequest", "IncompleteBody", "InvalidArgument"].contains(&code.as_str()), "{answer:?}");
        assert_nothing_landed(&upstream).await;
    }
}

/// An upstream that answers before it has read the body does not hide the body's failure:
/// the client gets the verification error, not the upstream's `200` to part of a request.
#[tokio::test]
async fn a_bad_chunk_after_the_upstream_answered_is_still_403() {
    let upstream = Upstream::eager().await;
    let gateway = proxy_to(&upstream).await;
    let answer = send(gateway, chunked_put(gateway, 200_000)).await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    // The third chunk's signature, one digit changed, sent once the upstream has answered.
    let mut put = chunked_put(gateway, 200_000);
    let body = put.body_mut();
    let third = find_all(body, b";chunk-signature=")[2];
    let at = third + b";chunk-signature=".len();
    body[at] = if body[at] == b'0' { b'1' } else { b'0' };
    let mut stream = bounded("connect", TcpStream::connect(gateway)).await.unwrap();
    bounded("write", stream.write_all(&wire_head(&put))).await.unwrap();
    bounded("write", stream.write_all(&put.body()[..third])).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while upstream.answered.load(Ordering::SeqCst) < 2 {
        assert!(Instant::now() < deadline, "the upstream did not answer before the body's end");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Give the upstream's answer time to reach the proxy.
    tokio::time::sleep(Duration::from_millis(100)).await;
    bounded("write", stream.write_all(&put.body()[third..])).await.unwrap();
    let (head, body) = bounded("the answer", read_response(&mut stream)).await.expect("an answer");
    assert!(head.starts_with("HTTP/1.1 403 "), "{head}{body}");
    assert!(body.contains("<Code>SignatureDoesNotMatch</Code>"), "{head}{body}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(upstream.complete().len(), 1, "{:#?}", upstream.seen());
}

fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack.windows(needle.len()).enumerate().filter(|(_, w)| *w == needle).map(|(i, _)| i).collect()
}

/// A body that yields `good` bytes, then fails as a connection closed mid-body does.
struct CutShort {
    good: Option<Bytes>,
    failed: bool,
}

impl http_body::Body for CutShort {
    type Data = Bytes;
    type Error = app::BoxError;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, app::BoxError>>> {
        if let Some(good) = self.good.take() {
            return std::task::Poll::Ready(Some(Ok(http_body::Frame::data(good))));
        }
        if self.failed {
            return std::task::Poll::Ready(None);
        }
        self.failed = true;
        let e = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the client closed the connection mid-body");
        std::task::Poll::Ready(Some(Err(Box::new(e))))
    }
}

/// A client that hangs up mid-body is not the upstream's fault: `400 IncompleteBody`, not 502.
#[tokio::test]
async fn a_body_cut_short_by_the_client_is_not_a_bad_gateway() {
    use tower_service::Service;
    let upstream = Upstream::start().await;
    let mut service = SigV4Layer::new(s3_config(), provider()).layer(app::Proxy::new(&upstream.url()).unwrap());
    let signer = s3_signer().with_settings(SigningSettings::s3().with_payload(PayloadMode::Unsigned));
    let put =
        signed(&signer, request(Method::PUT, upstream.addr, "/bucket/key", &[("content-length", "100000")], b""), &[]);
    let (parts, _) = put.into_parts();
    let body = CutShort { good: Some(Bytes::from(vec![b'x'; 1000])), failed: false };
    let response = bounded("the proxy's answer", service.call(Request::from_parts(parts, body))).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = bounded("the body", body.collect()).await.unwrap().to_bytes();
    let answer =
        Answer { status: parts.status, headers: parts.headers, body: String::from_utf8_lossy(&body).into_owned() };
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{answer:?}");
    assert_eq!(answer.xml_code(), "IncompleteBody");
    assert_nothing_landed(&upstream).await;
}

/// The same over a real connection: the access log's view, through a recording wrapper.
#[tokio::test]
async fn a_connection_closed_mid_body_is_not_a_bad_gateway() {
    let upstream = Upstream::start().await;
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let layer = SigV4Layer::new(s3_config(), provider());
    let service =
        Statuses { inner: layer.layer(app::Proxy::new(&upstream.url()).unwrap()), seen: Arc::clone(&statuses) };
    let gateway = start(service).await;
    let signer = s3_signer().with_settings(SigningSettings::s3().with_payload(PayloadMode::Unsigned));
    let put = signed(&signer, request(Method::PUT, gateway, "/bucket/key", &[("content-length", "100000")], b""), &[]);
    let mut stream = bounded("connect", TcpStream::connect(gateway)).await.unwrap();
    bounded("write", stream.write_all(&wire_head(&put))).await.unwrap();
    bounded("write", stream.write_all(&[b'x'; 1000])).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(stream);
    let deadline = Instant::now() + Duration::from_secs(5);
    while statuses.lock().unwrap().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let statuses = statuses.lock().unwrap().clone();
    assert_eq!(statuses, [(StatusCode::BAD_REQUEST, Some("IncompleteBody".to_owned()))]);
    assert_nothing_landed(&upstream).await;
}

/// The request line and headers of `request`, as they go on the wire.
fn wire_head(request: &Request<Vec<u8>>) -> Vec<u8> {
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
    let mut out = format!("{} {target} HTTP/1.1\r\n", request.method()).into_bytes();
    for (name, value) in request.headers() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// The status and error code (`x-amzn-errortype`) of each answer, in order.
type StatusLog = Arc<Mutex<Vec<(StatusCode, Option<String>)>>>;

/// Records the status and error code of every answer of `inner`.
#[derive(Clone)]
struct Statuses<S> {
    inner: S,
    seen: StatusLog,
}

impl<S, B, ResBody> tower_service::Service<Request<B>> for Statuses<S>
where
    S: tower_service::Service<Request<B>, Response = Response<ResBody>>,
    S::Future: Send + 'static,
    S::Error: 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = app::BoxFuture<Result<Response<ResBody>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let future = self.inner.call(request);
        let seen = Arc::clone(&self.seen);
        Box::pin(async move {
            let response = future.await?;
            let code = response.headers().get("x-amzn-errortype").map(|v| v.to_str().unwrap_or_default().to_owned());
            seen.lock().unwrap().push((response.status(), code));
            Ok(response)
        })
    }
}

// --- C: server-side limits against slow clients ---------------------------------------------------

/// The gateway without `--upstream` (`Whoami`) within `limits`, verifying with `config`.
async fn whoami_with(config: VerifierConfig, limits: app::ServeLimits) -> SocketAddr {
    start_with(app::AccessLog::new(SigV4Layer::new(config, provider()).layer(app::Whoami)), limits).await
}

fn limits(header_read_ms: u64, body_idle_ms: u64, max_connections: usize) -> app::ServeLimits {
    app::ServeLimits {
        header_read_timeout: Duration::from_millis(header_read_ms),
        body_idle_timeout: Duration::from_millis(body_idle_ms),
        max_connections,
    }
}

/// A non-S3 request (`execute-api`, whose signature covers the body's hash, so the layer reads
/// the body first) announcing a body of `length` bytes, signed for those bytes.
fn api_put(addr: SocketAddr, akid: &str, length: usize) -> Request<Vec<u8>> {
    let signer = SigV4Signer::new(Credentials::new(akid, SECRET), "us-east-1", "execute-api");
    let put =
        request(Method::PUT, addr, "/stage/upload", &[("content-length", &length.to_string())], &vec![b'x'; length]);
    signed(&signer, put, &[])
}

/// Reads one response (`Content-Length` framed) from `stream`: its status line and headers as
/// text, and its body; `None` when the connection closes first.
async fn read_response(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = find_all(&buf, b"\r\n\r\n").first() {
            break at + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    Some((head, String::from_utf8_lossy(&buf[head_end..head_end + length]).into_owned()))
}

/// Reads until the server closes the connection; what it sent meanwhile.
async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return out,
            Ok(n) => out.extend_from_slice(&chunk[..n]),
        }
    }
}

/// (1) A client that sends half a request line and stalls is disconnected after the header
/// read timeout, without an answer.
#[tokio::test]
async fn a_client_stalling_in_the_headers_is_disconnected() {
    let gateway = whoami_with(s3_config(), limits(500, 10_000, 16)).await;
    let mut stream = bounded("connect", TcpStream::connect(gateway)).await.unwrap();
    bounded("write", stream.write_all(b"GET /bucket/key HT")).await.unwrap();
    let started = Instant::now();
    let sent = bounded("the server closing the connection", read_until_closed(&mut stream)).await;
    let took = started.elapsed();
    assert!(sent.is_empty() || !String::from_utf8_lossy(&sent).contains(" 200 "), "{}", String::from_utf8_lossy(&sent));
    assert!(took >= Duration::from_millis(400), "closed after {took:?}, before the timeout");
    assert!(took < Duration::from_secs(3), "closed after {took:?}");
    // One that sends its headers in time is served; kept alive and idle, it is closed after the
    // same timeout (an idle connection does not hold a slot for ever).
    let get = signed(&s3_signer(), request(Method::GET, gateway, "/bucket/key", &[], b""), &[]);
    let mut stream = bounded("connect", TcpStream::connect(gateway)).await.unwrap();
    bounded("write", stream.write_all(&wire_head(&get))).await.unwrap();
    let (head, body) = bounded("the answer", read_response(&mut stream)).await.expect("an answer");
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}{body}");
    let started = Instant::now();
    bounded("the server closing the idle connection", read_until_closed(&mut stream)).await;
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(400) && took < Duration::from_secs(3), "closed after {took:?}");
}

/// (2) A client that sends its headers with `Content-Length: 5000000` and stalls gets `400
/// RequestTimeout` (for a known key and a right signature) after about the body idle timeout.
#[tokio::test]
async fn a_client_stalling_in_the_body_gets_request_timeout() {
    let config = VerifierConfig::new(["execute-api"]);
    let gateway = whoami_with(config, limits(10_000, 1_000, 16)).await;
    let put = api_put(gateway, AKID, 5_000_000);
    let mut stream = bounded("connect", TcpStream::connect(gateway)).await.unwrap();
    bounded("write", stream.write_all(&wire_head(&put))).await.unwrap();
    let started = Instant::now();
    let (head, body) = bounded("the answer", read_response(&mut stream)).await.expect("an answer");
    let took = started.elapsed();
    assert!(head.starts_with("HTTP/1.1 400 "), "{head}{body}");
    assert!(body.contains("<Code>RequestTimeout</Code>"), "{head}{body}");
    assert!(took >= Duration::from_millis(900), "answered after {took:?}, before the timeout");
    assert!(took < Duration::from_secs(3), "answered after {took:?}");
    // The connection is closed too: a stalled client does not keep its slot.
    bounded("the server closing the connection", read_until_closed(&mut stream)).await;
    // Some of the body, then a stall: the same, counted from the last byte.
    let mut stream = bounded("connect", TcpStream::connect(gateway)).await.unwrap();
    bounded("write", stream.write_all(&wire_head(&put))).await.unwrap();
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        bounded("write", stream.write_all(&[b'x'; 1000])).await.unwrap();
    }
    let started = Instant::now();
    let (head, body) = bounded("the answer", read_response(&mut stream)).await.expect("an answer");
    assert!(head.starts_with("HTTP/1.1 400 ") && body.contains("<Code>RequestTimeout</Code>"), "{head}{body}");
    assert!(started.elapsed() >= Duration::from_millis(900), "answered after {:?}", started.elapsed());
}

/// A slow but steady body is not cut: the timer restarts with every byte that arrives.
#[tokio::test]
async fn a_slow_steady_body_is_not_cut() {
    let config = VerifierConfig::new(["execute-api"]);
    let gateway = whoami_with(config, limits(10_000, 1_000, 16)).await;
    let put = api_put(gateway, AKID, 5_000);
    let mut stream = bounded("connect", TcpStream::connect(gateway)).await.unwrap();
    bounded("write", stream.write_all(&wire_head(&put))).await.unwrap();
    for piece in put.body().chunks(1_000) {
        tokio::time::sleep(Duration::from_millis(300)).await;
        bounded("write", stream.write_all(piece)).await.unwrap();
    }
    let (head, body) = bounded("the answer", read_response(&mut stream)).await.expect("an answer");
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}{body}");
    assert!(body.contains(r#""body_bytes":5000"#), "{body}");
}

/// The body idle timeout through the proxy: a streamed body (UNSIGNED-PAYLOAD) that stalls is
/// `400 RequestTimeout`, and never lands upstream.
#[tokio::test]
async fn a_client_stalling_in_a_proxied_body_gets_request_timeout() {
    let upstream = Upstream::start().await;
    let proxy = app::Proxy::new(&upstream.url()).unwrap();
    let layer = SigV4Layer::new(s3_config(), provider());
    let gateway = start_with(app::AccessLog::new(layer.layer(proxy)), limits(10_000, 600, 16)).await;
    let signer = s3_signer().with_settings(SigningSettings::s3().with_payload(PayloadMode::Unsigned));
    let put = signed(&signer, request(Method::PUT, gateway, "/bucket/key", &[("content-length", "100000")], b""), &[]);
    let mut stream = bounded("connect", TcpStream::connect(gateway)).await.unwrap();
    bounded("write", stream.write_all(&wire_head(&put))).await.unwrap();
    bounded("write", stream.write_all(&[b'x'; 1000])).await.unwrap();
    let started = Instant::now();
    let (head, body) = bounded("the answer", read_response(&mut stream)).await.expect("an answer");
    assert!(head.starts_with("HTTP/1.1 400 "), "{head}{body}");
    assert!(body.contains("<Code>RequestTimeout</Code>"), "{head}{body}");
    assert!(started.elapsed() < Duration::from_secs(3), "answered after {:?}", started.elapsed());
    assert_nothing_landed(&upstream).await;
}

/// (3) With `max_connections` 1, a second connection is not served while the first holds the
/// slot, and is once the first closes.
#[tokio::test]
async fn connections_beyond_the_limit_wait_for_a_slot() {
    let gateway = whoami_with(s3_config(), limits(10_000, 10_000, 1)).await;
    let get = |path: &str| signed(&s3_signer(), request(Method::GET, gateway, path, &[], b""), &[]);
    let mut first = bounded("connect", TcpStream::connect(gateway)).await.unwrap();
    bounded("write", first.write_all(&wire_head(&get("/bucket/first")))).await.unwrap();
    let (head1, _) = bounded("the first answer", read_response(&mut first)).await.expect("an answer");
    assert!(head1.starts_with("HTTP/1.1 200 "), "{head1}");
    // The first connection stays open (kept alive): the second waits, unaccepted.
    let mut second = bounded("connect", TcpStream::connect(gateway)).await.unwrap();
    bounded("write", second.write_all(&wire_head(&get("/bucket/second")))).await.unwrap();
    let waited = tokio::time::timeout(Duration::from_millis(700), read_response(&mut second)).await;
    assert!(waited.is_err(), "the second connection was answered while the first held the slot: {waited:?}");
    drop(first);
    let started = Instant::now();
    let (head2, body2) = bounded("the second answer", read_response(&mut second)).await.expect("an answer");
    assert!(head2.starts_with("HTTP/1.1 200 "), "{head2}{body2}");
    assert!(started.elapsed() < Duration::from_secs(3), "answered after {:?}", started.elapsed());
}

/// A request with an UNKNOWN access key is refused with `403 InvalidAccessKeyId` before its
/// body is read, promptly, even when the body (which a non-S3 signature covers) never comes.
/// This checks the layer change of issue 15 in `src/tower` (`check_credential` before the body
/// is read, commit aff18bc); before it, this stalled request got `400 RequestTimeout` after
/// the 5 s idle timeout instead.
#[tokio::test]
async fn an_unknown_key_is_refused_before_the_body() {
    let config = VerifierConfig::new(["execute-api"]);
    let gateway = whoami_with(config, limits(10_000, 5_000, 16)).await;
    let put = api_put(gateway, "AKIDUNKNOWNEXAMPLE00", 5_000_000);
    let mut stream = bounded("connect", TcpStream::connect(gateway)).await.unwrap();
    bounded("write", stream.write_all(&wire_head(&put))).await.unwrap();
    let started = Instant::now();
    let answer = tokio::time::timeout(Duration::from_millis(1_500), read_response(&mut stream)).await;
    let Ok(Some((head, body))) = answer else {
        panic!(
            "no answer within 1.5 s to an unknown key with a stalled body: the layer waits for the body \
             before refusing the key"
        );
    };
    assert!(head.starts_with("HTTP/1.1 403 "), "{head}{body}");
    assert!(body.contains("<Code>InvalidAccessKeyId</Code>"), "{head}{body}");
    assert!(started.elapsed() < Duration::from_millis(1_500), "answered after {:?}", started.elapsed());
}
