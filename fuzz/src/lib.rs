//! Shared pieces of the fuzz targets: fixed keys, clocks, signers and verifiers, the input
//! formats, a tiny executor, and the checks on what the library returns.

use std::future::Future;
use std::pin::pin;
use std::sync::LazyLock;
use std::task::{Context, Poll, Waker};

use sigv4_kit::chunked::{ChunkLimits, ChunkedDecoder};
use sigv4_kit::verify::{MemoryProvider, PayloadState, Principal, PrincipalKind, Verified, Verifier, VerifierConfig, VerifyError};
use sigv4_kit::{AmzDate, Credentials, FixedClock, Limits, SessionTokenMode, UriMode};
use sigv4_kit::sign::{PayloadMode, SigV4Signer, SigningSettings};
use sigv4_kit::spec::sha256;

/// The AWS suites' credentials (`aws-sig-v4-test-suite`, `aws-c-auth`).
pub const SUITE_KEY: (&str, &str) = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// The session token of the suites' `get-vanilla-with-session-token` case.
pub const SUITE_TOKEN: &str = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
/// The S3 documentation examples' credentials (`tests/vectors/s3-examples`).
pub const S3_KEY: (&str, &str) = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

/// The signing time of the suites: `20150830T123600Z`.
pub fn time() -> AmzDate {
    AmzDate::from_unix(1_440_938_160).unwrap_or_else(|e| panic!("fixed time: {e}"))
}

/// The time of the S3 documentation examples: `20130524T000000Z`.
pub fn s3_time() -> AmzDate {
    AmzDate::from_unix(1_369_353_600).unwrap_or_else(|e| panic!("fixed time: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Signers.
// ---------------------------------------------------------------------------------------------

/// The suite's credentials, with a session token so the token paths are exercised too.
fn credentials() -> Credentials {
    Credentials::new(SUITE_KEY.0, SUITE_KEY.1).with_session_token("fuzz/token+=")
}

/// Signers with fixed credentials and clock: header signing (normalized URI), and S3-style
/// presigning (query mode, unsigned payload). Built once per process.
pub static SIGNERS: LazyLock<[SigV4Signer; 2]> = LazyLock::new(signers);

fn signers() -> [SigV4Signer; 2] {
    let signer = |settings| {
        SigV4Signer::new(credentials(), "us-east-1", "service")
            .with_settings(settings)
            .with_clock(FixedClock::new(time()))
    };
    [
        signer(SigningSettings::default()),
        signer(
            SigningSettings::default()
                .with_uri_mode(UriMode::S3)
                .with_payload(PayloadMode::Unsigned)
                .with_presign(3600),
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Verifiers and credential providers.
// ---------------------------------------------------------------------------------------------

/// Verifiers for the vectors' requests, so that seeds get all the way to a good signature:
///
/// 0. the suites' defaults: services `service` and `s3`, normalized paths, at the suite time;
/// 1. S3 paths, `UNSIGNED-PAYLOAD` allowed, the session token may be added after signing,
///    debug detail on mismatches, at the suite time;
/// 2. S3 rules (`x-amz-content-sha256` required), at the S3 examples' time.
pub static VERIFIERS: LazyLock<[Verifier; 3]> = LazyLock::new(|| {
    let services = ["service", "s3"];
    [
        Verifier::new(VerifierConfig::new(services)).with_clock(FixedClock::new(time())),
        Verifier::new(
            VerifierConfig::new(services)
                .with_uri_mode(UriMode::S3)
                .with_unsigned_payload(true)
                .with_session_token_mode(SessionTokenMode::AddedAfterSigning)
                .with_expose_debug(true),
        )
        .with_clock(FixedClock::new(time())),
        Verifier::new(VerifierConfig::new(["s3"]).with_s3_rules()).with_clock(FixedClock::new(s3_time())),
    ]
});

fn principal(name: &str) -> Principal {
    Principal::new("123456789012", format!("arn:aws:iam::123456789012:user/{name}"), PrincipalKind::IamUser)
}

/// Long-term keys: the suite's and the S3 examples'.
pub static PERMANENT: LazyLock<MemoryProvider> = LazyLock::new(|| {
    MemoryProvider::new().with_key(SUITE_KEY.0, SUITE_KEY.1, principal("suite")).with_key(
        S3_KEY.0,
        S3_KEY.1,
        principal("s3"),
    )
});

/// The session token of the classic suite's `post-sts-token` cases.
pub const STS_TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

fn temporary(token: &str) -> MemoryProvider {
    MemoryProvider::new().with_key(SUITE_KEY.0, SUITE_KEY.1, principal("suite").with_session_token(token)).with_key(
        S3_KEY.0,
        S3_KEY.1,
        principal("s3").with_session_token(token),
    )
}

/// The same keys as temporary credentials that require [`SUITE_TOKEN`].
pub static TEMPORARY: LazyLock<MemoryProvider> = LazyLock::new(|| temporary(SUITE_TOKEN));
/// The same keys as temporary credentials that require [`STS_TOKEN`].
pub static TEMPORARY_STS: LazyLock<MemoryProvider> = LazyLock::new(|| temporary(STS_TOKEN));

/// The provider for a request that presents `token`: the long-term keys without one, else
/// temporary keys (which require the STS token when that is the one presented, else
/// [`SUITE_TOKEN`]).
pub fn provider(token: Option<&str>) -> &'static MemoryProvider {
    match token {
        None => &PERMANENT,
        Some(STS_TOKEN) => &TEMPORARY_STS,
        Some(_) => &TEMPORARY,
    }
}

/// Polls a future to completion with a no-op waker. Every future here (the in-memory provider)
/// is ready at once, so a future still pending after many polls is a bug.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("a verification future is still pending after 1000 polls");
}

/// Runs `view` through `verifier.begin_view`, then `finish` with the key from the provider
/// and the body hash. Errors are checked with [`check_error`] and returned as their code.
pub fn verify_view(
    verifier: &Verifier,
    view: sigv4_kit::SignableRequest<'_>,
    body: &[u8],
) -> Result<Verified, &'static str> {
    let pending = verifier.begin_view(view).map_err(|e| check_error(&e))?;
    // `body` is the whole body, as `verify_with_body` takes it.
    pending.check_body_length(body.len() as u64).map_err(|e| check_error(&e))?;
    let credential = provider(pending.lookup().session_token).get(pending.access_key_id());
    pending.finish(credential, Some(sha256(body))).map_err(|e| check_error(&e))
}

/// Checks a verified request and reads its body the way a gateway would: through the
/// `PayloadCheck`, or the `aws-chunked` decoder (in pieces chosen by the body's length).
/// Returns the body's error code, or `None` when the body checks out too.
pub fn consume(v: Verified, body: &[u8]) -> Option<&'static str> {
    assert!(PERMANENT.get(v.access_key_id()).is_some(), "verified with an unknown key id: {v:?}");
    let known = ["arn:aws:iam::123456789012:user/suite", "arn:aws:iam::123456789012:user/s3"];
    assert!(known.contains(&v.principal.arn()), "verified as a principal no provider has: {v:?}");
    let names: Vec<&str> = v.signed_header_names().collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "signed headers not sorted: {names:?}");
    assert!(names.contains(&"host"), "verified without a signed host: {names:?}");
    match v.payload {
        PayloadState::Checked | PayloadState::Unsigned => None,
        PayloadState::Pending(mut check) => {
            for piece in body.chunks(1000) {
                check.update(piece);
            }
            check.finish().err().map(|e| check_error(&e))
        }
        PayloadState::Streaming(stream) => {
            let expected = stream.decoded_length();
            let mut decoder = stream.decoder_with_limits(small_chunk_limits());
            let mut out = Vec::new();
            let seed = body.len().to_le_bytes()[0];
            for piece in Pieces::new(body, seed) {
                if decoder.push(piece, &mut out).is_err() {
                    break;
                }
            }
            check_decoder(&decoder, &out);
            let result = decoder.finish();
            if result.is_ok() {
                assert_eq!(out.len() as u64, expected, "decoded length differs from x-amz-decoded-content-length");
            }
            result.err().map(|e| check_error(&VerifyError::from(e)))
        }
        _ => None,
    }
}

/// Decoder limits small enough that fuzzed inputs reach them: 256 KiB chunks, 1 KiB lines,
/// 4 trailers; and chunks of any size, so that small fuzzed chunks get past the size check.
pub fn small_chunk_limits() -> ChunkLimits {
    let mut l = ChunkLimits::default();
    l.max_chunk_size = 256 * 1024;
    l.max_line_len = 1024;
    l.max_trailers = 4;
    l.min_chunk_size = 0;
    l
}

/// What holds for a decoder at any time: it released exactly the bytes it counts.
pub fn check_decoder(decoder: &ChunkedDecoder, out: &[u8]) {
    assert_eq!(decoder.decoded_len(), out.len() as u64, "decoded_len differs from the bytes released");
    if decoder.is_done() {
        assert!(decoder.finish().is_ok(), "done, but finish fails");
    }
}

/// Checks what any `VerifyError` must satisfy and returns its code: the status is the code's,
/// and the XML body is well formed (user text escaped, so the only `<` are the tags).
pub fn check_error(e: &VerifyError) -> &'static str {
    assert_eq!(e.status(), e.code().status());
    let xml = e.to_xml();
    let elements = if e.debug_info().is_some() { 6 } else { 2 };
    assert_eq!(xml.matches('<').count(), 3 + 2 * elements, "unescaped markup in {xml:?}");
    e.code().as_str()
}

/// Limits small enough that fuzzed inputs reach them.
pub fn small_limits() -> Limits {
    let mut l = Limits::default();
    l.max_headers = 8;
    l.max_query_params = 8;
    l.max_target_bytes = 256;
    l.max_header_bytes = 512;
    l
}

// ---------------------------------------------------------------------------------------------
// Input formats.
// ---------------------------------------------------------------------------------------------

/// Splits `data` into pieces whose sizes come from `seed`: the low three bits pick the largest
/// piece (1, 2, 3, 7, 16, 100 or 4096 bytes, or everything at once), the rest seed a
/// pseudo-random sequence of sizes up to that.
pub struct Pieces<'a> {
    rest: &'a [u8],
    state: u32,
    max: usize,
}

impl<'a> Pieces<'a> {
    pub fn new(data: &'a [u8], seed: u8) -> Self {
        const MAX: [usize; 8] = [1, 2, 3, 7, 16, 100, 4096, usize::MAX];
        Self { rest: data, state: u32::from(seed).wrapping_mul(2_654_435_761) | 1, max: MAX[usize::from(seed & 7)] }
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        // xorshift32
        self.state ^= self.state << 13;
        self.state ^= self.state >> 17;
        self.state ^= self.state << 5;
        let size = if self.max == usize::MAX { self.rest.len() } else { 1 + self.state as usize % self.max };
        let (head, tail) = self.rest.split_at(size.min(self.rest.len()));
        self.rest = tail;
        Some(head)
    }
}

/// A request in the line format several targets share:
///
/// ```text
/// METHOD target           (no space: the method is GET and the whole line is the target)
/// Name:value              (value: everything after the first ':')
///  continuation           (a line starting with a space or tab continues the previous value)
///                         (an empty line ends the headers)
/// body...
/// ```
///
/// The input is read as lossy UTF-8; a `\r` before `\n` is kept in the value.
#[derive(Debug, Default)]
pub struct LineRequest {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl LineRequest {
    /// Parses the request line, the headers and the body from `data`.
    pub fn parse(data: &[u8]) -> Self {
        let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
            Some(i) => (&data[..i], &data[i + 2..]),
            None => (data, &[][..]),
        };
        let head = String::from_utf8_lossy(head);
        let mut lines = head.split('\n');
        let first = lines.next().unwrap_or_default();
        let (method, target) = match first.split_once(' ') {
            Some((m, t)) => (m.to_owned(), t.to_owned()),
            None => ("GET".to_owned(), first.to_owned()),
        };
        Self { method, target, headers: header_lines(lines), body: body.to_vec() }
    }

    /// Adds `host: example.amazonaws.com` unless there is a host header.
    pub fn ensure_host(&mut self) {
        if !self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            self.headers.push(("host".to_owned(), "example.amazonaws.com".to_owned()));
        }
    }

    /// The borrowed view the signer and verifier take.
    pub fn view(&self) -> sigv4_kit::SignableRequest<'_> {
        let mut view = sigv4_kit::SignableRequest::new(&self.method, &self.target);
        for (n, v) in &self.headers {
            view.push_header(n, v);
        }
        view
    }

    /// The same request as an `http::Request`, when `http` accepts every part (an
    /// origin-form target gets the host header's authority, or none).
    pub fn http(&self) -> Option<http::Request<Vec<u8>>> {
        let mut builder = http::Request::builder().method(self.method.as_str()).uri(self.target.as_str());
        for (n, v) in &self.headers {
            builder = builder.header(n.as_str(), v.as_str());
        }
        builder.body(self.body.clone()).ok()
    }
}

/// `Name:value` lines; a line that starts with a space or tab continues the previous value
/// (joined with `\r\n`, as obsolete line folding arrives). Lines without `:` are skipped.
pub fn header_lines<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = headers.last_mut() {
                v.push_str("\r\n");
                v.push_str(line);
            }
            continue;
        }
        if let Some((n, v)) = line.split_once(':') {
            headers.push((n.to_owned(), v.to_owned()));
        }
    }
    headers
}

/// Whether `s` holds only unreserved characters, `/` and `%XX` escapes (uppercase hex digits
/// only when `upper_hex`).
pub fn is_uri_encoded(s: &str, upper_hex: bool) -> bool {
    let hex = |b: Option<&u8>| {
        b.is_some_and(|&b| b.is_ascii_digit() || matches!(b, b'A'..=b'F') || (!upper_hex && matches!(b, b'a'..=b'f')))
    };
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            i += 1;
        } else if b == b'%' && hex(bytes.get(i + 1)) && hex(bytes.get(i + 2)) {
            i += 3;
        } else {
            return false;
        }
    }
    true
}

/// Runs `request` through every verifier of [`VERIFIERS`] as a view, consuming what verifies,
/// and through `VERIFIERS[http_verifier]` as `http::request::Parts` when `http` takes it.
pub fn verify_everywhere(request: &LineRequest, http_verifier: usize) {
    for verifier in VERIFIERS.iter() {
        if let Ok(v) = verify_view(verifier, request.view(), &request.body) {
            consume(v, &request.body);
        }
    }
    if let (Some(http), Some(verifier)) = (request.http(), VERIFIERS.get(http_verifier)) {
        let (parts, _) = http.into_parts();
        if let Err(e) = verifier.begin(&parts) {
            check_error(&e);
        }
    }
}
