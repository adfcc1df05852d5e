//! Heap allocations on the hot paths: signing, verifying, and canonicalizing and hashing.
//!
//! A counting global allocator counts every `alloc`, `alloc_zeroed` and `realloc` made on the
//! current thread while a thread-local flag is set, so the harness's other threads (and the
//! other tests, which run in parallel) do not interfere. Each path runs once before it is
//! counted, so that caches (derived signing keys) are warm.
//!
//! ```sh
//! cargo test --test allocations -- --nocapture                          # our counts and aws-sigv4's
//! SIGV4_ALLOC_TRACE=1 cargo test --test allocations -- --nocapture --test-threads=1   # where each one happens
//! ```
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]
// A counting global allocator needs `unsafe impl GlobalAlloc`; the crate itself forbids unsafe.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::backtrace::Backtrace;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest as AwsSignableRequest, SigningParams as AwsSigningParams,
    SigningSettings as AwsSettings, sign as aws_sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use sigv4_kit::sign::SigV4Signer;
use sigv4_kit::spec::{CanonicalRequest, ExcludedHeaders, sha256};
use sigv4_kit::verify::{MemoryProvider, Principal, PrincipalKind, Verifier, VerifierConfig};
use sigv4_kit::{AmzDate, Credentials, FixedClock, PayloadHash, SignableRequest, UriMode};

/// Most heap allocations allowed for one `Signer::sign` of the GET below (header signing, key
/// cached), applying the output to the request included.
const MAX_SIGN_ALLOCATIONS: usize = 3;
/// Most heap allocations allowed for one `Verifier::verify_with_body` of the signed GET (key
/// cached, `MemoryProvider`).
const MAX_VERIFY_ALLOCATIONS: usize = 1;
/// Most heap allocations allowed for `CanonicalRequest::new(..).hash()` on a borrowed view.
const MAX_CANONICAL_ALLOCATIONS: usize = 0;

/// Set to `1` to print a backtrace, trimmed to the interesting frames, of every counted
/// allocation.
const TRACE_ENV: &str = "SIGV4_ALLOC_TRACE";

const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
const SERVICE: &str = "service";
const TIME: &str = "20150830T123600Z";
/// `20150830T123600Z`.
const UNIX: u64 = 1_440_938_160;

/// A typical GET (the one of `benches/signing.rs`): five headers and a three-parameter query.
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

// ---------------------------------------------------------------------------------------------
// The counting allocator.

struct CountingAllocator;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

thread_local! {
    /// Whether allocations on this thread are being counted.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    /// Allocations counted on this thread.
    static COUNT: Cell<usize> = const { Cell::new(0) };
    /// Whether to record a backtrace of each counted allocation.
    static TRACING: Cell<bool> = const { Cell::new(false) };
    /// The recorded backtraces.
    static TRACES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Counts an allocation (`what`: `alloc` or `realloc`, of `size` bytes) if this thread is
/// counting. With tracing on, counting is switched off while the backtrace is captured and
/// stored, so that its own allocations are neither counted nor recursed into.
fn record(what: &str, size: usize) {
    if !COUNTING.try_with(Cell::get).unwrap_or(false) {
        return;
    }
    COUNT.with(|c| c.set(c.get() + 1));
    if TRACING.with(Cell::get) {
        COUNTING.with(|c| c.set(false));
        let trace = format!("{what} of {size} bytes\n{}", trim_backtrace(&Backtrace::force_capture().to_string()));
        TRACES.with(|t| t.borrow_mut().push(trace));
        COUNTING.with(|c| c.set(true));
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; `record`
// only touches thread-local cells.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record("alloc", layout.size());
        // SAFETY: forwarded as is; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record("alloc_zeroed", layout.size());
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`, through this allocator.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record("realloc", new_size);
        // SAFETY: as for `dealloc`; the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Runs `f` and returns its result and the heap allocations it made on this thread.
fn count_allocations<R>(label: &str, f: impl FnOnce() -> R) -> (R, usize) {
    let tracing = std::env::var_os(TRACE_ENV).is_some_and(|v| v == "1");
    TRACING.with(|t| t.set(tracing));
    TRACES.with(|t| t.borrow_mut().clear());
    COUNT.with(|c| c.set(0));
    COUNTING.with(|c| c.set(true));
    let out = f();
    COUNTING.with(|c| c.set(false));
    let n = COUNT.with(Cell::get);
    if tracing {
        for (i, trace) in TRACES.with(|t| t.take()).iter().enumerate() {
            eprintln!("--- {label}: allocation {} of {n}\n{trace}", i + 1);
        }
    }
    (out, n)
}

/// The frames of a backtrace worth reading: the two library frames that called into the
/// allocator from this crate (`String::push_str`, `fmt::format`, ...), then the frames in this
/// crate's `src/` up to this test file.
fn trim_backtrace(text: &str) -> String {
    // A frame is a "N: symbol" line, followed by an "at file:line" line when it has a location.
    let mut frames: Vec<(&str, &str)> = Vec::new();
    for line in text.lines().map(str::trim_start) {
        if let Some(at) = line.strip_prefix("at ") {
            if let Some(last) = frames.last_mut() {
                last.1 = at;
            }
        } else if line.split_once(": ").is_some_and(|(n, _)| n.bytes().all(|b| b.is_ascii_digit())) {
            frames.push((line, ""));
        }
    }
    let ours = |at: &str| at.starts_with("./src/") || at.starts_with("./tests/allocations.rs");
    let first = frames.iter().position(|(_, at)| at.starts_with("./src/")).unwrap_or(frames.len());
    let callers = frames.get(first.saturating_sub(2)..first).unwrap_or_default();
    let in_crate = frames.iter().skip(first).filter(|(_, at)| ours(at));
    let mut out = String::new();
    for (symbol, at) in callers.iter().chain(in_crate) {
        out.push_str(&format!("  {symbol}\n"));
        if !at.is_empty() {
            out.push_str(&format!("      at {at}\n"));
        }
        if at.starts_with("./tests/") {
            break;
        }
    }
    out
}

/// Polls a future that completes without a real wake-up (the in-memory provider answers at
/// once).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1_000 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("the future did not complete without a wake-up");
}

/// Fails with the measured count when it is over the limit.
fn assert_at_most(what: &str, measured: usize, limit: usize) {
    assert!(
        measured <= limit,
        "{what} made {measured} heap allocations; the limit is {limit}. \
         To see where they happen: {TRACE_ENV}=1 cargo test --test allocations -- --nocapture --test-threads=1"
    );
}

// ---------------------------------------------------------------------------------------------
// The requests, signers and verifier.

fn time() -> AmzDate {
    TIME.parse().unwrap_or_else(|e| panic!("fixed time: {e:?}"))
}

fn signer() -> SigV4Signer {
    SigV4Signer::new(Credentials::new(ACCESS_KEY_ID, SECRET), REGION, SERVICE).with_clock(FixedClock::new(time()))
}

fn get_request() -> http::Request<Vec<u8>> {
    let mut builder = http::Request::get(GET_URI);
    for (name, value) in GET_HEADERS {
        builder = builder.header(name, value);
    }
    builder.body(Vec::new()).unwrap_or_else(|e| panic!("request: {e}"))
}

/// The GET signed by us.
fn signed_get(signer: &SigV4Signer) -> http::Request<Vec<u8>> {
    let mut request = get_request();
    signer.sign(&mut request).unwrap_or_else(|e| panic!("sign: {e}"));
    request
}

fn verifier() -> Verifier {
    Verifier::new(VerifierConfig::new([SERVICE])).with_clock(FixedClock::new(time()))
}

fn provider() -> MemoryProvider {
    MemoryProvider::new().with_key(
        ACCESS_KEY_ID,
        SECRET,
        Principal::new("123456789012", "arn:aws:iam::123456789012:user/alice", PrincipalKind::IamUser),
    )
}

/// One `Signer::sign` of the GET with the key cached; returns the signature and the count.
/// With `room`, the request's `HeaderMap` is given room for the two added headers before
/// counting, as a client that builds its requests with capacity does; without it the map grows.
fn measure_our_sign(room: bool) -> (String, usize) {
    let signer = signer();
    let _warm = signed_get(&signer);
    assert_eq!(signer.key_cache().len(), 1, "the signing key is cached");
    let mut request = get_request();
    if room {
        request.headers_mut().reserve(2);
    }
    let (out, n) = count_allocations("Signer::sign", || signer.sign(&mut request));
    let out = out.unwrap_or_else(|e| panic!("sign: {e}"));
    assert!(request.headers().contains_key("authorization"), "the output is applied to the request");
    (out.signature().to_string(), n)
}

/// One aws-sigv4 signing of the GET, as a client does (the same calls as
/// `benches/signing.rs`): a view of the `http::Request`, `sign`, then apply the instructions.
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

/// One aws-sigv4 signing of the GET (after one to warm up); returns the signature and the count.
fn measure_aws_sign() -> (String, usize) {
    let identity: Identity = AwsCredentials::new(ACCESS_KEY_ID, SECRET, None, None, "allocations").into();
    let params: AwsSigningParams<'_> = v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name(SERVICE)
        .time(UNIX_EPOCH + Duration::from_secs(UNIX))
        .settings(AwsSettings::default())
        .build()
        .unwrap_or_else(|e| panic!("aws-sigv4 params: {e}"))
        .into();
    aws_sign_request(&mut get_request(), &params);
    let mut request = get_request();
    count_allocations("aws-sigv4 sign", || aws_sign_request(&mut request, &params))
}

// ---------------------------------------------------------------------------------------------
// The tests.

#[test]
fn sign_header_allocations() {
    let (_, n) = measure_our_sign(true);
    let (_, tight) = measure_our_sign(false);
    let growth = header_map_growth();
    println!(
        "Signer::sign (header, key cached): sigv4-kit {n} allocations (limit {MAX_SIGN_ALLOCATIONS}) when the \
         request's HeaderMap has room; {tight} when it must grow, {growth} of them the map's own"
    );
    assert_eq!(tight, n + growth, "a full map adds exactly its own growth");
    assert_at_most("Signer::sign of the GET (header signing, key cached)", n, MAX_SIGN_ALLOCATIONS);
}

/// The allocations `http::HeaderMap` itself makes when the signer's two headers (`x-amz-date`,
/// `authorization`) are appended to the GET: a part of the signing count that no signer can
/// avoid, shown beside it.
fn header_map_growth() -> usize {
    let signed = signed_get(&signer());
    let added: Vec<_> = ["x-amz-date", "authorization"]
        .map(|name| (http::HeaderName::from_static(name), signed.headers()[name].clone()))
        .into();
    let mut request = get_request();
    count_allocations("HeaderMap::append", || {
        for (name, value) in added {
            request.headers_mut().append(name, value);
        }
    })
    .1
}

#[test]
fn verify_allocations() {
    let signer = signer();
    let verifier = verifier();
    let provider = provider();
    let warm = signed_get(&signer);
    block_on(verifier.verify_with_body(&warm, &provider)).unwrap_or_else(|e| panic!("warm-up verify: {e}"));
    let request = signed_get(&signer);
    assert_eq!(request.headers()["authorization"], warm.headers()["authorization"], "signed identically");
    let (verified, n) =
        count_allocations("Verifier::verify_with_body", || block_on(verifier.verify_with_body(&request, &provider)));
    let verified = verified.unwrap_or_else(|e| panic!("verify: {e}"));
    assert_eq!(verified.access_key_id(), ACCESS_KEY_ID);
    println!("Verifier::verify_with_body (key cached): sigv4-kit {n} allocations (limit {MAX_VERIFY_ALLOCATIONS})");
    assert_at_most("Verifier::verify_with_body of the signed GET (key cached)", n, MAX_VERIFY_ALLOCATIONS);
}

/// A presigned S3 GET (host signed, `UNSIGNED-PAYLOAD`, one hour), verified with the key cached:
/// the `X-Amz-*` parameters are read from the query without copies.
#[test]
fn presigned_verify_allocations() {
    use sigv4_kit::sign::{PayloadMode, SigningSettings};
    let settings = SigningSettings::s3().with_presign(3600).with_payload(PayloadMode::Unsigned);
    let signer = SigV4Signer::new(Credentials::new(ACCESS_KEY_ID, SECRET), REGION, "s3")
        .with_settings(settings)
        .with_clock(FixedClock::new(time()));
    let verifier = Verifier::new(VerifierConfig::new(["s3"]).with_s3_rules()).with_clock(FixedClock::new(time()));
    let provider = provider();
    let presigned = || {
        let mut request = http::Request::get("https://examplebucket.s3.amazonaws.com/photos/2015/08/beach%20day.jpg")
            .body(Vec::new())
            .unwrap_or_else(|e| panic!("request: {e}"));
        signer.sign(&mut request).unwrap_or_else(|e| panic!("presign: {e}"));
        request
    };
    let warm = presigned();
    block_on(verifier.verify_with_body(&warm, &provider)).unwrap_or_else(|e| panic!("warm-up verify: {e}"));
    let request = presigned();
    assert!(
        request.uri().query().unwrap_or_default().contains("X-Amz-Credential=AKIDEXAMPLE%2F"),
        "{:?}",
        request.uri()
    );
    let (verified, n) = count_allocations("Verifier::verify_with_body (presigned)", || {
        block_on(verifier.verify_with_body(&request, &provider))
    });
    let verified = verified.unwrap_or_else(|e| panic!("verify: {e}"));
    assert_eq!(verified.access_key_id(), ACCESS_KEY_ID);
    println!(
        "Verifier::verify_with_body of a presigned GET (key cached): sigv4-kit {n} allocations (limit {MAX_VERIFY_ALLOCATIONS})"
    );
    assert_at_most("Verifier::verify_with_body of the presigned GET (key cached)", n, MAX_VERIFY_ALLOCATIONS);
}

#[test]
fn canonical_hash_allocations() {
    let view = GET_HEADERS
        .iter()
        .fold(SignableRequest::new("GET", GET_TARGET), |r, (name, value)| r.with_header(name, value))
        .with_header("X-Amz-Date", TIME);
    let payload = PayloadHash::of(b"");
    let excluded = ExcludedHeaders::default();
    let build = || CanonicalRequest::new(&view, UriMode::Normalized, &excluded, &payload).map(|c| c.hash());
    let expected = CanonicalRequest::new(&view, UriMode::Normalized, &excluded, &payload)
        .map(|c| sha256(c.to_string().as_bytes()))
        .unwrap_or_else(|e| panic!("canonical: {e}"));
    let (hash, n) = count_allocations("CanonicalRequest::new + hash", build);
    assert_eq!(hash.unwrap_or_else(|e| panic!("canonical: {e}")), expected);
    println!("CanonicalRequest::new + hash: sigv4-kit {n} allocations (limit {MAX_CANONICAL_ALLOCATIONS})");
    assert_at_most("CanonicalRequest::new(..).hash() of the GET", n, MAX_CANONICAL_ALLOCATIONS);
}

/// Prints our count beside aws-sigv4's for the same request; asserts only that both sign it
/// the same.
#[test]
fn sign_allocations_beside_aws_sigv4() {
    // Both on the same request as built, whose HeaderMap grows to take the added headers.
    let (ours, our_n) = measure_our_sign(false);
    let (theirs, their_n) = measure_aws_sign();
    assert_eq!(ours, theirs, "sigv4-kit and aws-sigv4 sign the GET the same");
    println!("header signing of the GET (5 headers, 3 query parameters), allocations per request:");
    println!("  sigv4-kit Signer::sign:   {our_n:>4}");
    println!("  aws-sigv4 sign and apply: {their_n:>4}");
}
