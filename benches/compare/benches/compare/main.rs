//! The headline comparison of sigv4-kit with its peers and with the hashing floor, every
//! contender of a workload interleaved with the others in one process (issue 17).
//!
//! For each workload every contender is first checked (signers produce sigv4-kit's signature byte
//! for byte; verifiers accept the signed request and refuse a copy with one signature digit
//! changed), then timed in rounds: each round runs one batch of every contender, round-robin, the
//! order rotating, each batch sized to take about the same time. The figures are the median and
//! the minimum over the rounds of the time per call, so noise on the machine hits all contenders
//! alike.
//!
//! The floor (`benches/common/mod.rs`, shared with `benches/signing.rs`) is SHA-256 over as many
//! bytes as sigv4-kit's canonical request of the request, plus HMAC-SHA256 over as many bytes as
//! its string to sign from an HMAC state keyed once and cloned per call, plus SHA-256 of the body
//! where the call hashes one; with the `sha2` and `hmac` versions sigv4-kit uses. A verifier's
//! floor is the signer's for the same request. The signing workloads also time *floor + http
//! work*: the floor plus what any signer that signs an `http::Request` in place does to it (read
//! every header; hand the `http` crate each added header value, or the presigned target, in a
//! buffer of its own, which the crate checks and keeps; put it on the request). No signer of an
//! `http::Request` can be faster than that.
//!
//! ```sh
//! cargo bench --manifest-path benches/compare/Cargo.toml --ignore-rust-version
//! cargo bench --manifest-path benches/compare/Cargo.toml --ignore-rust-version -- --quick verify
//! ```
//!
//! Arguments after `--`: `--quick` (a rough run in seconds), `--json PATH` (where the results go;
//! by default `compare.json` in the package's target directory), `--list` (the workload ids), and
//! any other word filters the workloads by id (a workload runs when its id contains one of them).
//! The environment can say the same: `SIGV4_COMPARE_QUICK=1`, `SIGV4_COMPARE_FILTER=a,b`,
//! `SIGV4_COMPARE_JSON`, and `SIGV4_COMPARE_ROUNDS` / `SIGV4_COMPARE_BATCH_MS` override the
//! rounds (default 150, quick 15) and the time of one batch (default 8 ms, quick 2 ms).
// Test and bench code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]

#[path = "../../../common/mod.rs"]
mod common;
mod peers;
mod report;
mod timing;

use std::hint::black_box;
use std::time::Duration;

use aws_sigv4::http_request::{SigningParams as AwsSigningParams, SigningSettings as AwsSettings};
use sigv4_kit::sign::{Explanation, SigV4Signer, SigningSettings};
use sigv4_kit::verify::Verifier;
use sigv4_kit::{Limits, PayloadHash, SignableRequest};

use common::*;
use peers::{S3s, S3sKey, Scratchstack};
use report::{Config, Workload};
use timing::{Contender, Settings};

/// The S3 GET to presign: `%20` in the path, three query parameters.
const PRESIGN_URI: &str = "https://examplebucket.s3.amazonaws.com/photos/2015/08/beach%20day.jpg\
    ?response-content-type=image%2Fjpeg&response-cache-control=no-cache&versionId=3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY";

/// The POST with a JSON body: a DynamoDB-style call.
const POST_URI: &str = "https://example.amazonaws.com/";
const POST_HEADERS: [(&str, &str); 4] = [
    ("host", "example.amazonaws.com"),
    ("content-type", "application/x-amz-json-1.0"),
    ("x-amz-target", "DynamoDB_20120810.GetItem"),
    ("accept-encoding", "identity"),
];
const POST_BODY_LEN: usize = 200;

/// A workload: sets itself up, checks its contenders, times them.
type Run = fn(Settings) -> Workload;

/// Every workload, by id, in the order they run.
const WORKLOADS: [(&str, Run); 8] = [
    ("sign_get", sign_get),
    ("sign_post", sign_post),
    ("presign_get", presign_get),
    ("verify_header", verify_header),
    ("verify_presigned", verify_presigned),
    ("scaling_query_100", scaling_query),
    ("scaling_headers_50", scaling_headers),
    ("scaling_path_1k", scaling_path),
];

fn main() {
    let config = Config::from_env_and_args(WORKLOADS.map(|(id, _)| id));
    if config.list {
        WORKLOADS.iter().for_each(|(id, _)| println!("{id}"));
        return;
    }
    let environment = report::Environment::detect();
    environment.print(&config);
    let mut workloads = Vec::new();
    for (id, run) in WORKLOADS {
        if config.selects(id) {
            let workload = run(config.settings);
            workload.print();
            workloads.push(workload);
        }
    }
    report::print_targets(&workloads, &environment);
    report::write_json(&config, &environment, &workloads);
}

/// `SigV4Signer::sign` on a clone of `request` per call (cloned before the clock starts).
fn ours_sign<'a>(signer: &'a SigV4Signer, request: &'a http::Request<Vec<u8>>) -> Contender<'a> {
    Contender::with_input(
        "sigv4-kit",
        "sigv4-kit (`SigV4Signer::sign`)",
        || request.clone(),
        |mut request| {
            let out = signer.sign(&mut request);
            (request, out)
        },
    )
}

/// aws-sigv4's `sign` and `apply_to_request_http1x` on a clone of `request` per call.
fn aws_sign<'a>(
    params: &'a AwsSigningParams<'a>,
    body: AwsBody<'a>,
    request: &'a http::Request<Vec<u8>>,
) -> Contender<'a> {
    Contender::with_input(
        "aws-sigv4",
        "aws-sigv4 (key derived per call)",
        || request.clone(),
        move |mut request| {
            let signature = aws_sign_request(&mut request, params, body);
            (request, signature)
        },
    )
}

fn floor(floor: &Floor) -> Contender<'_> {
    Contender::plain("floor", "floor (SHA-256 + pre-keyed HMAC)", || floor.sign_cached())
}

/// The floor of signing an `http::Request` in place: the hashing floor, plus the work on the
/// request that any signer of one does, with what `signer` added to a copy of `request`: every
/// header read (the bytes the canonical request is made of), and each added header value, or
/// the presigned target, formatted into a buffer of its own and handed to the `http` crate,
/// which checks it, and put on the request. Not an implementation: it hashes and formats
/// placeholder bytes of the right lengths, and signs nothing.
fn floor_http<'a>(floor: &'a Floor, signer: &SigV4Signer, request: &'a http::Request<Vec<u8>>) -> Contender<'a> {
    let mut signed = request.clone();
    let out = signer.sign(&mut signed).unwrap_or_else(|e| panic!("sign: {e}"));
    // Header values as their text; a presigned URL's new target instead.
    let added: Vec<(http::HeaderName, String)> = out
        .headers()
        .map(|(name, value)| {
            let name = http::HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, value.to_owned())
        })
        .collect();
    let target = (!out.query_params().is_empty()).then(|| {
        let pq = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
        out.presigned_target(pq)
    });
    Contender::with_input(
        "floor+http",
        "floor + the http work of signing in place",
        || request.clone(),
        move |mut request| {
            let digest = floor.sign_cached();
            let read: usize = request.headers().iter().map(|(n, v)| n.as_str().len() + v.len()).sum();
            for (name, text) in &added {
                let mut value = String::with_capacity(text.len());
                value.push_str(black_box(text));
                // As `Bytes`, so that the `http` crate keeps this buffer rather than copying it.
                let value =
                    http::HeaderValue::from_maybe_shared(bytes::Bytes::from(value)).unwrap_or_else(|e| panic!("{e}"));
                request.headers_mut().append(name.clone(), value);
            }
            if let Some(target) = &target {
                let mut text = String::with_capacity(target.len());
                text.push_str(black_box(target));
                let pq = http::uri::PathAndQuery::from_maybe_shared(bytes::Bytes::from(text))
                    .unwrap_or_else(|e| panic!("{e}"));
                let mut parts = request.uri().clone().into_parts();
                parts.path_and_query = Some(pq);
                *request.uri_mut() = http::Uri::from_parts(parts).unwrap_or_else(|e| panic!("{e}"));
            }
            (request, digest, read)
        },
    )
}

/// A signing workload: ours through `SigV4Signer::sign`, aws-sigv4 and the floor (with SHA-256
/// over `body_len` bytes when the call hashes a body), after checking that the two sign alike.
fn signing(
    settings: Settings,
    (id, label): (&'static str, &'static str),
    signer: &SigV4Signer,
    (params, body): (&AwsSigningParams<'_>, AwsBody<'_>),
    request: &http::Request<Vec<u8>>,
    body_len: usize,
) -> Workload {
    let explanation = agree(signer, params, body, request);
    let floor_of = Floor::of(&explanation, SECRET, REGION, params.name()).with_body(body_len);
    let contenders = vec![
        ours_sign(signer, request),
        aws_sign(params, body, request),
        floor(&floor_of),
        floor_http(&floor_of, signer, request),
    ];
    Workload::new(id, label, &explanation, timing::measure(contenders, settings))
}

/// Header signing of the GET of `benches/signing.rs`'s `sign_get`: five headers, three query
/// parameters, the signer's cached key; also `sign_at` on a prebuilt view.
fn sign_get(settings: Settings) -> Workload {
    let signer = ours(SERVICE, SigningSettings::default());
    let identity = aws_identity();
    let params = aws_params(&identity, SERVICE, AwsSettings::default());
    let request = http_request("GET", GET_URI, &GET_HEADERS);
    let explanation = agree(&signer, &params, AwsBody::Bytes, &request);
    let floor_of = Floor::of(&explanation, SECRET, REGION, SERVICE);
    let view = SignableRequest::from_http(request.method(), request.uri(), request.headers(), Limits::default())
        .unwrap_or_else(|e| panic!("view: {e}"));
    let payload = PayloadHash::of(b"");
    let sign_at = Contender::plain("sigv4-kit/sign_at", "sigv4-kit (`sign_at` on a prebuilt view)", || {
        signer.sign_at(black_box(&view), black_box(&payload), black_box(time()))
    });
    let contenders = vec![
        ours_sign(&signer, &request),
        sign_at,
        aws_sign(&params, AwsBody::Bytes, &request),
        floor(&floor_of),
        floor_http(&floor_of, &signer, &request),
    ];
    let label = "sign GET, 5 headers, 3 query params, cached key";
    Workload::new("sign_get", label, &explanation, timing::measure(contenders, settings))
}

/// A JSON body of exactly `POST_BODY_LEN` bytes.
fn post_body() -> Vec<u8> {
    let head = r#"{"TableName":"Music","Key":{"Artist":{"S":"No One You Know"},"SongTitle":{"S":"Call Me Today"}},"ConsistentRead":true,"ReturnConsumedCapacity":"TOTAL","Comment":""#;
    let tail = r#""}"#;
    let pad = POST_BODY_LEN - head.len() - tail.len();
    let body = format!("{head}{}{tail}", "x".repeat(pad)).into_bytes();
    assert_eq!(body.len(), POST_BODY_LEN);
    body
}

/// Header signing of a POST whose 200-byte JSON body both signers hash in the call.
fn sign_post(settings: Settings) -> Workload {
    let signer = ours(SERVICE, SigningSettings::default());
    let identity = aws_identity();
    let params = aws_params(&identity, SERVICE, AwsSettings::default());
    let mut request = http_request("POST", POST_URI, &POST_HEADERS);
    *request.body_mut() = post_body();
    let id = ("sign_post", "sign POST, 200-byte JSON body hashed in the call, cached key");
    signing(settings, id, &signer, (&params, AwsBody::Bytes), &request, POST_BODY_LEN)
}

fn presign_request() -> http::Request<Vec<u8>> {
    http_request("GET", PRESIGN_URI, &[])
}

/// Presigning an S3 GET for 24 hours (`UNSIGNED-PAYLOAD`, host signed).
fn presign_get(settings: Settings) -> Workload {
    let signer = ours("s3", presign_settings());
    let identity = aws_identity();
    let params = aws_params(&identity, "s3", aws_presign_settings());
    let id = ("presign_get", "presign S3 GET, 24 h, `%20` in the path, 3 query params, cached key");
    signing(settings, id, &signer, (&params, AwsBody::Unsigned), &presign_request(), 0)
}

/// Signs `request` with `signer`; returns our explanation of it (for the floor) and the signed
/// parts as a server receives them: the URI in origin form (path and query), the host in `Host`.
fn signed(signer: &SigV4Signer, mut request: http::Request<Vec<u8>>) -> (Explanation, http::request::Parts) {
    let explanation = explain(signer, &request);
    our_sign_request(signer, &mut request);
    let (mut parts, _) = request.into_parts();
    if let Some(authority) = parts.uri.authority() {
        let host = authority.as_str().parse().unwrap_or_else(|e| panic!("host: {e}"));
        parts.headers.entry(http::header::HOST).or_insert(host);
    }
    let origin = parts.uri.path_and_query().map_or("/", |pq| pq.as_str());
    parts.uri = origin.parse().unwrap_or_else(|e| panic!("origin-form URI: {e}"));
    (explanation, parts)
}

/// Panics unless `result` (what contender `who` said of `what`) is as `accept` expects.
fn expect<T, E: std::fmt::Display>(who: &str, what: &str, result: Result<T, E>, accept: bool) {
    match (result, accept) {
        (Ok(_), true) | (Err(_), false) => {}
        (Ok(_), false) => panic!("{who} accepted the tampered {what}"),
        (Err(e), true) => panic!("{who} refused the genuine {what}: {e}"),
    }
}

/// sigv4-kit's `Verifier::verify` with a `MemoryProvider` (its key cache warmed by the checks),
/// checked to accept `parts` and refuse `forged`.
fn ours_verify<'a>(
    verifier: &'a Verifier,
    provider: &'a sigv4_kit::verify::MemoryProvider,
    parts: &'a http::request::Parts,
    forged: &http::request::Parts,
    body_hash: Option<[u8; 32]>,
    what: &str,
) -> Contender<'a> {
    expect("sigv4-kit", what, block_on(verifier.verify(parts, body_hash, provider)), true);
    expect("sigv4-kit", what, block_on(verifier.verify(forged, body_hash, provider)), false);
    Contender::plain("sigv4-kit", "sigv4-kit (`Verifier::verify`, cached key)", move || {
        block_on(verifier.verify(black_box(parts), black_box(body_hash), provider))
    })
}

/// s3s's header-signed or presigned check (`presigned`) of `parts`, with the key derived once
/// (`s3s-sigv4/cached`) and per call (`s3s-sigv4/per-call`), each checked first.
fn s3s_contenders<'a>(
    key: &'a [u8; 32],
    parts: &'a http::request::Parts,
    forged: &http::request::Parts,
    payload: &'a str,
    what: &str,
) -> [Contender<'a>; 2] {
    let presigned = payload.is_empty();
    let run = move |s3s: &S3s<'_>, parts: &http::request::Parts| match presigned {
        true => s3s.verify_presigned(parts),
        false => s3s.verify_header(parts, payload),
    };
    let cached = S3s { key: S3sKey::Cached(key) };
    let per_call = S3s { key: S3sKey::PerCall(SECRET) };
    for (who, s3s) in [("s3s (cached key)", &cached), ("s3s (key per call)", &per_call)] {
        expect(who, what, run(s3s, parts), true);
        expect(who, what, run(s3s, forged), false);
    }
    [
        Contender::plain("s3s-sigv4/cached", "s3s-sigv4 (cached key)", move || run(&cached, black_box(parts))),
        Contender::plain("s3s-sigv4/per-call", "s3s-sigv4 (key derived per call)", move || {
            run(&per_call, black_box(parts))
        }),
    ]
}

/// Verifying the header-signed GET of `sign_get` (signed by sigv4-kit). Ours and s3s get the
/// empty body's SHA-256 precomputed, as a gateway that hashes the body while it streams would
/// pass it; scratchstack hashes the (empty) body itself, as its API requires.
fn verify_header(settings: Settings) -> Workload {
    let signer = ours(SERVICE, SigningSettings::default());
    let (explanation, parts) = signed(&signer, http_request("GET", GET_URI, &GET_HEADERS));
    let floor_of = Floor::of(&explanation, SECRET, REGION, SERVICE);
    let forged = forge(&parts);
    let (verifier, provider) = (header_verifier(), provider());
    let body_hash = PayloadHash::of(b"");
    let body_sha256 = body_hash.to_string();
    let digest = sigv4_kit::spec::sha256(b"");
    let what = "header-signed GET";
    let key = peers::s3s_signing_key(&parts, SERVICE);

    let mut scratchstack = Scratchstack::new(SERVICE, false);
    let request = |parts: &http::request::Parts| http::Request::from_parts(parts.clone(), Vec::new());
    expect("scratchstack", what, scratchstack.verify(request(&parts)), true);
    expect("scratchstack", what, scratchstack.verify(request(&forged)), false);

    let mut contenders = vec![ours_verify(&verifier, &provider, &parts, &forged, Some(digest), what)];
    contenders.extend(s3s_contenders(&key, &parts, &forged, &body_sha256, what));
    contenders.push(Contender::with_input(
        "scratchstack",
        "scratchstack (`sigv4_validate_request`)",
        || request(&parts),
        |request| scratchstack.verify(request),
    ));
    contenders.push(floor(&floor_of));
    let label = "verify header-signed GET (the GET of sign_get), cached key, in-memory provider";
    Workload::new("verify_header", label, &explanation, timing::measure(contenders, settings))
}

/// Verifying the presigned S3 GET of `presign_get` (signed by sigv4-kit), `UNSIGNED-PAYLOAD`.
///
/// scratchstack-aws-signature 0.11 reads presigned query parameters, but its canonical request
/// always ends in the body's SHA-256 (it has no `UNSIGNED-PAYLOAD`) and it reads
/// `X-Amz-Credential` still percent-encoded (`%2F` for the slashes, as every SDK sends it), so it
/// refuses this request: that is checked, and it is not timed here (should a later version
/// accept it, this panics so that it is added).
fn verify_presigned(settings: Settings) -> Workload {
    let signer = ours("s3", presign_settings());
    let (explanation, parts) = signed(&signer, presign_request());
    let floor_of = Floor::of(&explanation, SECRET, REGION, "s3");
    let forged = forge(&parts);
    let (verifier, provider) = (s3_verifier(), provider());
    let what = "presigned S3 GET";
    let key = peers::s3s_signing_key(&parts, "s3");

    let mut scratchstack = Scratchstack::new("s3", true);
    let refused = scratchstack.verify(http::Request::from_parts(parts.clone(), Vec::new())).map(|_| ());
    let refused = refused.expect_err("scratchstack accepts the presigned S3 GET now: time it in verify_presigned");

    let mut contenders = vec![ours_verify(&verifier, &provider, &parts, &forged, None, what)];
    contenders.extend(s3s_contenders(&key, &parts, &forged, "", what));
    contenders.push(floor(&floor_of));
    let label = "verify presigned S3 GET (the GET of presign_get), cached key, in-memory provider";
    let mut workload = Workload::new("verify_presigned", label, &explanation, timing::measure(contenders, settings));
    workload.note(format!(
        "scratchstack-aws-signature 0.11 cannot verify a presigned S3 URL (no UNSIGNED-PAYLOAD, and \
         X-Amz-Credential read still percent-encoded): it refuses the genuine request ({refused}), so \
         it is not timed"
    ));
    workload
}

/// Header signing (our cached key) of a request grown in one dimension.
fn scaling(settings: Settings, id: &'static str, label: &'static str, request: http::Request<Vec<u8>>) -> Workload {
    let signer = ours(SERVICE, SigningSettings::default());
    let identity = aws_identity();
    let params = aws_params(&identity, SERVICE, AwsSettings::default());
    signing(settings, (id, label), &signer, (&params, AwsBody::Bytes), &request, 0)
}

fn scaling_query(settings: Settings) -> Workload {
    let label = "sign GET with 100 query params (host only, path /), cached key";
    scaling(settings, "scaling_query_100", label, scaled_request(1, 100, 0))
}

fn scaling_headers(settings: Settings) -> Workload {
    let label = "sign GET with 50 headers (no query, path /), cached key";
    scaling(settings, "scaling_headers_50", label, scaled_request(50, 0, 0))
}

fn scaling_path(settings: Settings) -> Workload {
    let request = scaled_request(1, 0, 1000);
    assert_eq!(request.uri().path().len(), 1000);
    let label = "sign GET with a 1000-byte path (host only, no query), cached key";
    scaling(settings, "scaling_path_1k", label, request)
}

/// The default settings and the quick ones.
pub fn settings(quick: bool) -> Settings {
    match quick {
        false => Settings { rounds: 150, batch: Duration::from_millis(8) },
        true => Settings { rounds: 15, batch: Duration::from_millis(2) },
    }
}
