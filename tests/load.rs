//! Load and fault test of the example gateway (`examples/gateway/app.rs`, built in process):
//! at concurrency 64 on loopback, at least 200 000 valid signed requests mixed with 10 %
//! tampered ones. It asserts that no valid request is refused and no tampered one accepted, and
//! that a slow or failing credential provider costs 500s for its own requests only.
//!
//! It reports the throughput with verification against a baseline measured in the same run,
//! the phases interleaved (off, on, off, on, ... in four rounds). The baseline is the same
//! gateway with verification off doing the same handler work: the same `Whoami` handler, given
//! in place of the identity the layer verifies a fixed stand-in (the `Verified` of one valid
//! GET, or PUT, of the load, verified once up front), so that it answers the same identity JSON
//! as body and header. The test asserts that both phases answered the valid requests with as
//! many body and identity-header bytes. The target of issue 17 is 85 %; the output says
//! whether it was met, but the ratio is not asserted: client and server share the CPUs, and
//! other work on the machine moves it by several points.
//!
//! Run it in release, as CI does (a debug build sends a tenth of the requests):
//!
//! ```sh
//! cargo test --release --all-features --test load
//! ```
//!
//! `SIGV4_LOAD_REQUESTS` overrides the number of requests per verified phase. Every phase is
//! bounded: the whole test fails if it runs for more than 120 s.
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]
#![cfg(feature = "tower")]

#[allow(dead_code)] // the load test serves `Whoami` alone: the proxy and the access log are unused
#[path = "../examples/gateway/app.rs"]
mod app;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use sigv4_kit::Credentials;
use sigv4_kit::sign::{SigV4Signer, SigningSettings};
use sigv4_kit::tower::SigV4Layer;
use sigv4_kit::verify::{
    Credential, CredentialProvider, LookupRequest, MemoryProvider, ProviderError, Verified, Verifier, VerifierConfig,
    parse_shared_credentials,
};
use tokio::net::{TcpListener, TcpStream};
use tower_layer::Layer;

const CONCURRENCY: usize = 64;
/// The phases alternate this many times: off, on, off, on, ...
const ROUNDS: usize = 4;
const DEADLINE: Duration = Duration::from_secs(120);
const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// One prepared request, and whether the gateway must accept it.
struct Prepared {
    method: Method,
    uri: http::Uri,
    headers: HeaderMap,
    body: Bytes,
    expect: Expect,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    Accepted,
    Refused,
    /// A provider failure: a 5xx.
    ServerError,
}

fn signer(akid: &str, secret: &str) -> SigV4Signer {
    SigV4Signer::new(Credentials::new(akid, secret), "us-east-1", "s3").with_settings(SigningSettings::s3())
}

/// `n` requests: every tenth tampered (four ways in turn), every tenth valid one a PUT.
fn prepare(addr: SocketAddr, n: usize) -> Vec<Prepared> {
    let good = signer(AKID, SECRET);
    let wrong = signer(AKID, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ");
    (0..n)
        .map(|i| {
            let tampered = i % 10 == 9;
            let put = !tampered && i % 10 == 4;
            let (method, body) = if put { (Method::PUT, vec![b'x'; 128]) } else { (Method::GET, Vec::new()) };
            let uri = format!("http://{addr}/bucket/object-{i}?versionId={}", i % 7);
            let mut request = Request::builder().method(method).uri(&uri).body(body).unwrap_or_default();
            let kind = (i / 10) % 4;
            let s = if tampered && kind == 3 { &wrong } else { &good };
            s.sign(&mut request).unwrap_or_else(|e| panic!("signing request {i}: {e}"));
            let (mut parts, body) = request.into_parts();
            if tampered {
                match kind {
                    0 => {
                        // One hex digit of the signature changed.
                        let auth = parts.headers["authorization"].to_str().unwrap_or_default().to_owned();
                        let last = if auth.ends_with('0') { '1' } else { '0' };
                        let auth = format!("{}{last}", &auth[..auth.len() - 1]);
                        parts.headers.insert("authorization", auth.parse().unwrap_or_else(|e| panic!("{e}")));
                    }
                    1 => {
                        parts.uri = format!("http://{addr}/bucket/other-{i}").parse().unwrap_or_else(|e| panic!("{e}"))
                    }
                    2 => {
                        parts.headers.insert("x-amz-meta-evil", "1".parse().unwrap_or_else(|e| panic!("{e}")));
                    }
                    _ => {}
                }
            }
            Prepared {
                method: parts.method,
                uri: parts.uri,
                headers: parts.headers,
                body: Bytes::from(body),
                expect: if tampered { Expect::Refused } else { Expect::Accepted },
            }
        })
        .collect()
}

/// What one phase measured.
#[derive(Debug, Default)]
struct Outcome {
    requests: usize,
    elapsed: Duration,
    /// Requests answered as expected.
    right: usize,
    /// `(index, expected, status)` of every request answered otherwise.
    wrong: Vec<(usize, Expect, u16)>,
    /// The longest time a request the gateway must accept took to answer.
    slowest_accepted: Duration,
    /// The bytes of the answers to the requests the gateway must accept: their bodies, and their
    /// identity headers. Both phases must answer the same, or they do not do the same work.
    answered: Answered,
}

/// What the gateway answered to the valid requests of a phase, in bytes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Answered {
    body: usize,
    identity_header: usize,
}

impl Outcome {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    /// Adds the figures of `other`, a later part of the same phase.
    fn add(&mut self, other: Outcome) {
        self.requests += other.requests;
        self.elapsed += other.elapsed;
        self.right += other.right;
        self.wrong.extend(other.wrong);
        self.slowest_accepted = self.slowest_accepted.max(other.slowest_accepted);
        self.answered.body += other.answered.body;
        self.answered.identity_header += other.answered.identity_header;
    }
}

/// Sends `requests` to `addr` over `CONCURRENCY` keep-alive connections. `verifying` says
/// whether statuses are checked (with verification off everything is a 200).
async fn send_all(
    addr: SocketAddr,
    requests: Arc<Vec<Prepared>>,
    range: std::ops::Range<usize>,
    verifying: bool,
) -> Outcome {
    let next = Arc::new(AtomicUsize::new(range.start));
    let end = range.end;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONCURRENCY {
        let requests = Arc::clone(&requests);
        let next = Arc::clone(&next);
        tasks.push(tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await.unwrap_or_else(|e| panic!("connect: {e}"));
            let _ = stream.set_nodelay(true);
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream))
                    .await
                    .unwrap_or_else(|e| panic!("handshake: {e}"));
            tokio::spawn(connection);
            let mut out = Outcome::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= end {
                    break;
                }
                let p = &requests[i];
                let mut request = Request::builder().method(p.method.clone()).uri(p.uri.clone());
                if let Some(h) = request.headers_mut() {
                    h.clone_from(&p.headers);
                    h.insert(
                        "host",
                        p.uri
                            .authority()
                            .map(|a| a.as_str())
                            .unwrap_or_default()
                            .parse()
                            .unwrap_or_else(|e| panic!("{e}")),
                    );
                }
                let request = request.body(Full::new(p.body.clone())).unwrap_or_else(|e| panic!("{e}"));
                let sent = Instant::now();
                sender.ready().await.unwrap_or_else(|e| panic!("connection: {e}"));
                let response = sender.send_request(request).await.unwrap_or_else(|e| panic!("request {i}: {e}"));
                let status = response.status().as_u16();
                let identity_header = response.headers().get(app::IDENTITY_HEADER).map_or(0, |v| v.len());
                let body = response.into_body().collect().await.map(|b| b.to_bytes().len()).unwrap_or_default();
                let took = sent.elapsed();
                let ok = match (verifying, p.expect) {
                    (false, _) | (true, Expect::Accepted) => status == 200,
                    (true, Expect::Refused) => status == 403,
                    (true, Expect::ServerError) => status >= 500,
                };
                if ok {
                    out.right += 1;
                } else {
                    out.wrong.push((i, p.expect, status));
                }
                if p.expect == Expect::Accepted {
                    out.slowest_accepted = out.slowest_accepted.max(took);
                    out.answered.body += body;
                    out.answered.identity_header += identity_header;
                }
                out.requests += 1;
            }
            out
        }));
    }
    let mut total = Outcome::default();
    for t in tasks {
        total.add(t.await.unwrap_or_else(|e| panic!("client task: {e}")));
    }
    total.elapsed = start.elapsed();
    total
}

/// Starts `service` on a free loopback port.
async fn start<S, ResBody>(service: S) -> SocketAddr
where
    S: tower_service::Service<Request<app::RequestBody>, Response = http::Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<app::BoxError>,
    ResBody: http_body::Body + Send + 'static,
    ResBody::Data: Send,
    ResBody::Error: Into<app::BoxError>,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(app::serve(listener, service, app::ServeLimits::default()));
    addr
}

/// The baseline: the gateway with verification off, doing the same handler work as with it on.
///
/// Each request gets, in place of the identity the layer would have verified, a fixed
/// stand-in: the [`Verified`] of one valid GET (or PUT, for a PUT) of the same load, verified
/// once up front. So [`app::Whoami`] answers exactly what it answers behind the layer (the
/// same identity JSON, as body and header), and the stand-in costs what the layer's own
/// extension insert costs (a clone: one allocation, as a verification makes).
#[derive(Clone)]
struct StandIn<S> {
    inner: S,
    get: Verified,
    put: Verified,
}

impl<S> StandIn<S> {
    async fn new(inner: S, requests: &[Prepared]) -> Self {
        let verifier = Verifier::new(config());
        let provider = keys();
        let verify = async |p: &Prepared| {
            let mut request = Request::builder().method(p.method.clone()).uri(p.uri.clone());
            if let Some(h) = request.headers_mut() {
                h.clone_from(&p.headers);
            }
            let request = request.body(p.body.clone()).unwrap_or_else(|e| panic!("{e}"));
            verifier.verify_with_body(&request, &provider).await.unwrap_or_else(|e| panic!("stand-in: {e}"))
        };
        let valid = |method: Method| requests.iter().find(move |p| p.method == method && p.expect == Expect::Accepted);
        let get = verify(valid(Method::GET).unwrap_or_else(|| panic!("no valid GET in the load"))).await;
        // A load too small to hold a PUT needs no stand-in for one.
        let put = match valid(Method::PUT) {
            Some(p) => verify(p).await,
            None => get.clone(),
        };
        Self { inner, get, put }
    }
}

impl<S, B> tower_service::Service<Request<B>> for StandIn<S>
where
    S: tower_service::Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> S::Future {
        let identity = if request.method() == Method::PUT { &self.put } else { &self.get };
        request.extensions_mut().insert(identity.clone());
        self.inner.call(request)
    }
}

fn keys() -> MemoryProvider {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/gateway/credentials"))
        .unwrap_or_else(|e| panic!("reading the example credentials: {e}"));
    parse_shared_credentials(&text).unwrap_or_else(|e| panic!("{e}"))
}

/// A provider that is slow for `AKIDSLOW` (5 s) and fails for `AKIDFAIL`.
struct Faulty(MemoryProvider);

impl CredentialProvider for Faulty {
    fn lookup(
        &self,
        request: &LookupRequest<'_>,
    ) -> impl Future<Output = Result<Option<Credential>, ProviderError>> + Send {
        let akid = request.access_key_id.to_owned();
        let found = self.0.get(&akid);
        async move {
            match akid.as_str() {
                "AKIDSLOW" => {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    Ok(found)
                }
                "AKIDFAIL" => Err("the credential store is down".into()),
                _ => Ok(found),
            }
        }
    }
}

fn config() -> VerifierConfig {
    VerifierConfig::new(["s3"]).with_s3_rules()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    runtime.block_on(async {
        match tokio::time::timeout(DEADLINE, run()).await {
            Ok(()) => {}
            Err(_) => panic!("the load test ran past its {DEADLINE:?} bound"),
        }
    });
    println!("load test passed in {:.1} s", started.elapsed().as_secs_f64());
}

async fn run() {
    let release = !cfg!(debug_assertions);
    let n: usize = std::env::var("SIGV4_LOAD_REQUESTS").ok().and_then(|v| v.parse().ok()).unwrap_or(if release {
        222_230
    } else {
        22_230
    });

    let verifying = start(SigV4Layer::new(config(), keys()).layer(app::Whoami)).await;
    // The same requests for both: they name the verifying gateway's address in Host.
    let prep = Instant::now();
    let requests = Arc::new(prepare(verifying, n));
    let valid = requests.iter().filter(|p| p.expect == Expect::Accepted).count();
    println!("prepared {n} requests ({valid} valid) in {:.1} s", prep.elapsed().as_secs_f64());
    let plain = start(StandIn::new(app::Whoami, &requests).await).await;

    // Warm up both, then interleave: off, on, off, on, ...
    let warm = n.min(5_000);
    send_all(plain, Arc::clone(&requests), 0..warm, false).await;
    send_all(verifying, Arc::clone(&requests), 0..warm, true).await;
    let mut on = Outcome::default();
    let mut off = Outcome::default();
    let mut ratios = Vec::new();
    for round in 0..ROUNDS {
        let range = n * round / ROUNDS..n * (round + 1) / ROUNDS;
        let o = send_all(plain, Arc::clone(&requests), range.clone(), false).await;
        let v = send_all(verifying, Arc::clone(&requests), range, true).await;
        ratios.push(v.rps() / o.rps());
        off.add(o);
        on.add(v);
    }
    let ratio = on.rps() / off.rps();
    println!(
        "verification on:  {} requests ({valid} valid, {} tampered) in {:.2} s = {:.0} req/s",
        on.requests,
        on.requests - valid,
        on.elapsed.as_secs_f64(),
        on.rps()
    );
    println!(
        "verification off: {} requests in {:.2} s = {:.0} req/s (same handler, stand-in identity)",
        off.requests,
        off.elapsed.as_secs_f64(),
        off.rps()
    );
    println!(
        "answers to the {valid} valid requests: {} body and {} identity-header bytes on, {} and {} off",
        on.answered.body, on.answered.identity_header, off.answered.body, off.answered.identity_header
    );
    let percent: Vec<String> = ratios.iter().map(|r| format!("{:.1}", r * 100.0)).collect();
    println!("throughput ratio (on / off): {:.1} % (rounds: {} %)", ratio * 100.0, percent.join(", "));
    // Issue 17 asks for >= 85 %. Client and server share the CPUs here, and other work on a
    // shared machine moves the figure by several points: it is reported, not asserted.
    println!("target: on / off >= 85.0 %: {}", if ratio >= 0.85 { "met" } else { "NOT met (reported, not asserted)" });
    let refused_valid = on.wrong.iter().filter(|w| w.1 == Expect::Accepted).count();
    let accepted_tampered = on.wrong.iter().filter(|w| w.1 == Expect::Refused && w.2 < 300).count();
    println!("valid requests refused: {refused_valid}; tampered requests accepted: {accepted_tampered}");
    assert!(
        on.wrong.is_empty(),
        "{} requests answered wrongly, first ones: {:?}",
        on.wrong.len(),
        &on.wrong[..on.wrong.len().min(10)]
    );
    assert!(
        off.wrong.is_empty(),
        "the unverified gateway failed requests: {:?}",
        &off.wrong[..off.wrong.len().min(10)]
    );
    assert_eq!(on.right, n);
    if release && std::env::var("SIGV4_LOAD_REQUESTS").is_err() {
        assert!(valid >= 200_000, "fewer than 200k valid requests");
    }
    // The baseline is fair only if it answered what the verifying gateway answered.
    assert_eq!(on.answered, off.answered, "the two phases answered the valid requests differently");
    assert!(on.answered.body > 0 && on.answered.identity_header > 0, "no identity answered: {:?}", on.answered);

    faults().await;
}

/// A slow and a failing credential provider: 500s for their requests, 200s for the rest.
async fn faults() {
    let mut provider = keys();
    for akid in ["AKIDSLOW", "AKIDFAIL"] {
        let principal = sigv4_kit::verify::Principal::new(
            "123456789012",
            "arn:aws:iam::123456789012:user/f",
            sigv4_kit::verify::PrincipalKind::IamUser,
        );
        provider.insert(akid, Credential::from_secret(SECRET, principal));
    }
    let provider = app::TimeoutProvider::new(Faulty(provider), Duration::from_millis(200));
    let addr = start(SigV4Layer::new(config(), provider).layer(app::Whoami)).await;
    let mut requests = prepare(addr, 6_000);
    requests.retain(|p| p.expect == Expect::Accepted);
    let slow = signer("AKIDSLOW", SECRET);
    let fail = signer("AKIDFAIL", SECRET);
    for i in 0..400 {
        let s = if i % 2 == 0 { &slow } else { &fail };
        let mut request = Request::get(format!("http://{addr}/bucket/fault-{i}")).body(Vec::new()).unwrap_or_default();
        s.sign(&mut request).unwrap_or_else(|e| panic!("{e}"));
        let (parts, _) = request.into_parts();
        let p = Prepared {
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            body: Bytes::new(),
            expect: Expect::ServerError,
        };
        // Spread the faulty requests through the valid ones.
        let at = (i * 13) % requests.len();
        requests.insert(at, p);
    }
    let total = requests.len();
    let out = send_all(addr, Arc::new(requests), 0..total, true).await;
    println!(
        "faults: {total} requests ({} to a slow or failing provider) in {:.2} s; slowest valid request {:.0} ms",
        400,
        out.elapsed.as_secs_f64(),
        out.slowest_accepted.as_secs_f64() * 1000.0
    );
    assert!(out.wrong.is_empty(), "wrong answers with faults: {:?}", &out.wrong[..out.wrong.len().min(10)]);
    // The slow lookups time out after 200 ms and hold only their own requests: no valid request
    // waits anywhere near the provider's 5 s.
    assert!(out.slowest_accepted < Duration::from_secs(2), "a valid request took {:?}", out.slowest_accepted);
}
