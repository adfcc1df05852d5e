//! Robustness: no input makes the public API panic.
//!
//! Arbitrary bytes and strings go into every request field, the credentials, the scope and the
//! settings; the signer, the raw-request parser, the canonicalization helpers and the date
//! parser must return `Ok` or `Err`. Cheap invariants on the results are checked as well.

use crate::proptest_config::proptest_config;
use proptest::prelude::*;
use sigv4_kit::raw::RawRequest;
use sigv4_kit::sign::{PayloadMode, SigV4Signer, Signer, SigningSettings};
use sigv4_kit::spec::{ExcludedHeaders, canonical_header_value, canonical_query_string, canonical_uri, sha256};
use sigv4_kit::{AmzDate, Credentials, FixedClock, Limits, PayloadHash, SessionTokenMode, SignableRequest, UriMode};

// ---------------------------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------------------------

/// Characters that matter to SigV4 parsing and encoding.
const NASTY: &[char] = &[
    '%', '/', '?', '#', '&', '=', '+', ' ', '\t', '\r', '\n', '\0', '.', '~', '-', '_', ':', '@', ';', ',', '\u{7f}',
    'A', 'f', '0', '9', 'T', 'Z', 'é', 'ሴ', '😀', '\u{a0}', '\u{feff}',
];

/// Pieces that form (or almost form) escapes and dot segments.
const PIECES: &[&str] =
    &["%2F", "%2f", "%41", "%e1%88%b4", "%C3", "%", "%4", "%zz", "..", "/./", "//", "?", "&&", "=="];

/// An arbitrary string, biased toward the characters and pieces that matter here.
fn text(max: usize) -> BoxedStrategy<String> {
    let piece = prop_oneof![
        4 => prop::sample::select(NASTY).prop_map(String::from),
        2 => any::<char>().prop_map(String::from),
        2 => "[a-zA-Z0-9]".prop_map(String::from),
        1 => prop::sample::select(PIECES).prop_map(str::to_owned),
    ];
    prop_oneof![
        1 => any::<String>(),
        3 => prop::collection::vec(piece, 0..max).prop_map(|v| v.concat()),
    ]
    .boxed()
}

/// Like [`text`] but without ASCII control characters, which the signer rejects anyway, so that
/// most requests get past validation and into canonicalization.
fn printable(max: usize) -> BoxedStrategy<String> {
    text(max).prop_map(|s| s.chars().filter(|c| !c.is_ascii_control()).collect()).boxed()
}

/// Mostly [`printable`], sometimes anything.
fn mostly_printable(max: usize) -> BoxedStrategy<String> {
    prop_oneof![5 => printable(max), 1 => text(max)].boxed()
}

/// A string that is often a plausible token (header name, method, key id), sometimes anything.
fn token_text() -> BoxedStrategy<String> {
    prop_oneof![8 => "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}", 1 => text(12)].boxed()
}

fn limits() -> impl Strategy<Value = Limits> {
    prop_oneof![
        8 => Just(Limits::default()),
        1 => (0usize..6, 0usize..6, 0usize..64, 0usize..128).prop_map(|(h, q, t, b)| {
            let mut l = Limits::default();
            l.max_headers = h;
            l.max_query_params = q;
            l.max_target_bytes = t;
            l.max_header_bytes = b;
            l
        }),
        1 => Just({
            let mut l = Limits::default();
            l.max_headers = usize::MAX;
            l.max_query_params = usize::MAX;
            l.max_target_bytes = usize::MAX;
            l.max_header_bytes = usize::MAX;
            l
        }),
    ]
}

fn expiry() -> impl Strategy<Value = u64> {
    prop_oneof![
        2 => any::<u64>(),
        2 => 0u64..=604_801,
        1 => prop::sample::select(vec![0, 1, 604_800, 604_801, u64::MAX, u64::MAX - 1]),
    ]
}

fn settings() -> impl Strategy<Value = SigningSettings> {
    let payload = prop_oneof![
        Just(PayloadMode::SignBody),
        Just(PayloadMode::Unsigned),
        Just(PayloadMode::Precomputed(PayloadHash::of(b"x"))),
        Just(PayloadMode::Precomputed(PayloadHash::unsigned())),
    ];
    let excluded = prop_oneof![
        2 => Just(ExcludedHeaders::default()),
        1 => Just(ExcludedHeaders::none()),
        1 => token_text().prop_map(|n| ExcludedHeaders::default().with(n)),
        1 => Just(ExcludedHeaders::default().with("host").without("user-agent")),
    ];
    (
        any::<bool>(),
        payload,
        any::<bool>(),
        any::<bool>(),
        prop_oneof![2 => Just(None), 2 => (1u64..=604_800).prop_map(Some), 1 => expiry().prop_map(Some)],
        excluded,
        limits(),
    )
        .prop_map(|(s3, payload, content, after, presign, excluded, limits)| {
            let mut s = SigningSettings::default()
                .with_uri_mode(if s3 { UriMode::S3 } else { UriMode::Normalized })
                .with_payload(payload)
                .with_content_sha256_header(content)
                .with_session_token_mode(if after {
                    SessionTokenMode::AddedAfterSigning
                } else {
                    SessionTokenMode::Signed
                })
                .with_excluded_headers(excluded)
                .with_limits(limits);
            if let Some(e) = presign {
                s = s.with_presign(e);
            }
            s
        })
}

/// Everything a signer is built from.
#[derive(Debug, Clone)]
struct SignerInput {
    access_key: String,
    secret: String,
    token: Option<String>,
    region: String,
    service: String,
    settings: SigningSettings,
    time: i64,
}

fn signer_input() -> impl Strategy<Value = SignerInput> {
    let time = prop_oneof![
        3 => 0i64..4_102_444_800,
        1 => any::<i64>(),
        1 => prop::sample::select(vec![
            i64::MIN,
            -62_167_219_200,
            -62_167_219_201,
            253_402_300_799,
            253_402_300_800,
            i64::MAX,
        ]),
    ];
    let scope_part = prop_oneof![12 => "[a-zA-Z0-9._-]{1,12}", 1 => text(8), 1 => "[a-z]{64,65}"];
    (
        prop_oneof![12 => "[A-Z0-9]{1,20}", 1 => token_text()],
        text(16),
        prop_oneof![
            2 => Just(None),
            2 => "[A-Za-z0-9+/=%]{1,32}".prop_map(Some),
            1 => mostly_printable(24).prop_map(Some),
        ],
        scope_part.clone(),
        scope_part,
        settings(),
        time,
    )
        .prop_map(|(access_key, secret, token, region, service, settings, time)| SignerInput {
            access_key,
            secret,
            token,
            region,
            service,
            settings,
            time,
        })
}

impl SignerInput {
    /// The signer, and the signing time (a fixed fallback when `time` is out of range).
    fn build(&self) -> (SigV4Signer, AmzDate) {
        let mut creds = Credentials::new(self.access_key.as_str(), self.secret.as_str());
        if let Some(t) = &self.token {
            creds = creds.with_session_token(t.as_str());
        }
        let fallback = AmzDate::from_unix(1_440_938_160).expect("valid fallback time");
        let time = AmzDate::from_unix(self.time).unwrap_or(fallback);
        let signer = SigV4Signer::new(creds, self.region.as_str(), self.service.as_str())
            .with_settings(self.settings.clone())
            .with_clock(FixedClock::new(time));
        (signer, time)
    }
}

/// A request given as strings.
#[derive(Debug, Clone)]
struct RequestInput {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    limits: Limits,
}

fn request_input() -> impl Strategy<Value = RequestInput> {
    let method =
        prop_oneof![6 => prop::sample::select(vec!["GET", "PUT", "POST"]).prop_map(str::to_owned), 2 => token_text()];
    let name = prop_oneof![
        1 => prop::sample::select(vec![
            "host",
            "Host",
            "x-amz-date",
            "X-Amz-Security-Token",
            "x-amz-content-sha256",
            "authorization",
            "user-agent",
            "content-type",
        ])
        .prop_map(str::to_owned),
        6 => token_text(),
    ];
    let value = prop_oneof![
        1 => prop::sample::select(vec!["20150830T123600Z", "UNSIGNED-PAYLOAD", "example.com"]).prop_map(str::to_owned),
        3 => mostly_printable(24),
    ];
    let target = prop_oneof![
        6 => (mostly_printable(24), prop::option::of(mostly_printable(32))).prop_map(|(p, q)| match q {
            Some(q) => format!("/{p}?{q}"),
            None => format!("/{p}"),
        }),
        1 => text(48),
        1 => prop::sample::select(vec!["", "?", "/?X-Amz-Signature=x", "/?x-amz-date", "/?X-Amz-Expires%3D"])
            .prop_map(str::to_owned),
    ];
    (method, target, prop::collection::vec((name, value), 0..5), prop::collection::vec(any::<u8>(), 0..32), limits())
        .prop_map(|(method, target, headers, body, limits)| RequestInput { method, target, headers, body, limits })
}

fn payload_hash(body: &[u8]) -> impl Strategy<Value = PayloadHash> + use<> {
    let of_body = PayloadHash::of(body);
    prop_oneof![
        Just(of_body.clone()),
        Just(PayloadHash::unsigned()),
        text(64).prop_map(move |s| PayloadHash::precomputed(&s).unwrap_or_else(|_| of_body.clone())),
        prop::sample::select(vec![
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
        ])
        .prop_map(|s| PayloadHash::precomputed(s).expect("known literal")),
    ]
}

// ---------------------------------------------------------------------------------------------
// Helpers for invariants.
// ---------------------------------------------------------------------------------------------

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Checks that `s` holds only unreserved bytes, bytes in `extra`, and `%XX` escapes (uppercase
/// hex digits when `upper`).
fn check_encoded(s: &str, extra: &[u8], upper: bool) -> Result<(), TestCaseError> {
    let hex = |b: &u8| b.is_ascii_digit() || (b'A'..=b'F').contains(b) || (!upper && (b'a'..=b'f').contains(b));
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if is_unreserved(b) || extra.contains(&b) {
            i += 1;
        } else if b == b'%' && bytes.get(i + 1).is_some_and(hex) && bytes.get(i + 2).is_some_and(hex) {
            i += 3;
        } else {
            return Err(TestCaseError::fail(format!("byte {b:#04x} at {i} of {s:?}")));
        }
    }
    Ok(())
}

fn header_snapshot(h: &http::HeaderMap) -> Vec<(String, Vec<u8>)> {
    h.iter().map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())).collect()
}

/// Signs `req` with both sans-IO entry points and checks that they agree.
fn sign_view(
    signer: &SigV4Signer,
    req: &SignableRequest<'_>,
    payload: &PayloadHash,
    time: AmzDate,
) -> Result<(), TestCaseError> {
    let explained = signer.explain_at(req, payload, time);
    let signed = signer.sign_at(req, payload, time);
    match (&explained, &signed) {
        (Ok(e), Ok(s)) => {
            prop_assert_eq!(&e.output, s);
            // The displayed canonical request is exactly what was hashed.
            let last = e.string_to_sign.lines().last().unwrap_or_default();
            prop_assert_eq!(last, hex::encode(sha256(e.canonical_request.as_bytes())));
            let sig = s.signature().to_string();
            prop_assert_eq!(sig.len(), 64);
            if signer.settings().presign_expiry().is_some() {
                prop_assert!(s.headers().is_empty());
                prop_assert!(s.query_params().any(|(k, v)| k == "X-Amz-Signature" && v == sig));
            } else {
                prop_assert!(s.query_params().is_empty());
                prop_assert!(s.headers().any(|(k, v)| k.eq_ignore_ascii_case("authorization") && v.ends_with(&sig)));
            }
        }
        (Err(a), Err(b)) => prop_assert_eq!(a, b),
        _ => prop_assert!(false, "explain_at and sign_at disagree: {:?} vs {:?}", explained, signed),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(proptest_config(1500))]

    /// `explain_at` / `sign_at` on arbitrary requests, credentials, scopes and settings.
    #[test]
    fn signer_never_panics(
        (input, req, payload) in (signer_input(), request_input())
            .prop_flat_map(|(i, r)| { let p = payload_hash(&r.body); (Just(i), Just(r), p) })
    ) {
        let (signer, time) = input.build();
        let mut view = SignableRequest::new(&req.method, &req.target).with_limits(req.limits);
        for (n, v) in &req.headers {
            view.push_header(n, v);
        }
        sign_view(&signer, &view, &payload, time)?;
    }
}

/// Builds an `http::Request` from arbitrary parts, replacing the parts `http` rejects.
fn http_request(method: &[u8], uri: &str, headers: &[(Vec<u8>, Vec<u8>)], body: &[u8]) -> http::Request<Vec<u8>> {
    let mut req = http::Request::new(body.to_vec());
    if let Ok(m) = http::Method::from_bytes(method) {
        *req.method_mut() = m;
    }
    if let Ok(u) = http::Uri::try_from(uri) {
        *req.uri_mut() = u;
    }
    for (n, v) in headers {
        if let (Ok(n), Ok(v)) = (http::HeaderName::from_bytes(n), http::HeaderValue::from_bytes(v)) {
            req.headers_mut().append(n, v);
        }
    }
    req
}

fn bytes_or_text(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => text(max).prop_map(String::into_bytes),
        1 => prop::collection::vec(any::<u8>(), 0..max),
    ]
}

fn uri_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "https?://([a-z0-9-]{1,8}@)?[a-z0-9.-]{1,12}(:[0-9]{1,5})?/[a-zA-Z0-9/%._~!$&'()*+,;=:@?-]{0,32}",
        1 => ("(https?://)?[a-z0-9.-]{0,12}(:[0-9]{1,5})?", text(24)).prop_map(|(a, p)| format!("{a}/{p}")),
        1 => text(32),
        1 => prop::sample::select(vec!["*", "/", "http://h", "h:80", "//x", "http://u@h:443/?", "https://h:443"])
            .prop_map(str::to_owned),
    ]
}

proptest! {
    #![proptest_config(proptest_config(1000))]

    /// `Signer::sign` / `sign_parts` on arbitrary `http::Request`s: on error the request is
    /// unchanged; on success it carries the signature.
    #[test]
    fn http_signing_never_panics(
        input in signer_input(),
        method in bytes_or_text(10),
        uri in uri_text(),
        headers in prop::collection::vec(
            (
                prop_oneof![
                    3 => token_text().prop_map(String::into_bytes),
                    1 => bytes_or_text(14),
                    1 => Just(b"host".to_vec()),
                ],
                prop_oneof![3 => printable(24).prop_map(String::into_bytes), 1 => bytes_or_text(24)],
            ),
            0..5,
        ),
        body in prop::collection::vec(any::<u8>(), 0..32),
    ) {
        let (signer, _) = input.build();
        let mut req = http_request(&method, &uri, &headers, &body);
        let (uri_before, headers_before) = (req.uri().clone(), header_snapshot(req.headers()));
        match (&signer as &dyn Signer).sign(&mut req) {
            Ok(out) => {
                let sig = out.signature().to_string();
                if signer.settings().presign_expiry().is_some() {
                    let q = req.uri().query().unwrap_or_default().to_owned();
                    prop_assert!(q.contains(&format!("X-Amz-Signature={sig}")), "{}", q);
                    prop_assert_eq!(header_snapshot(req.headers()), headers_before);
                } else {
                    let auth = req.headers().get("authorization").map(|v| v.as_bytes().to_vec()).unwrap_or_default();
                    prop_assert!(auth.ends_with(sig.as_bytes()));
                    prop_assert_eq!(req.uri(), &uri_before);
                }
            }
            Err(_) => {
                prop_assert_eq!(req.uri(), &uri_before);
                prop_assert_eq!(header_snapshot(req.headers()), headers_before);
            }
        }

        let (mut parts, ()) = http_request(&method, &uri, &headers, &[]).map(|_| ()).into_parts();
        let (uri_before, headers_before) = (parts.uri.clone(), header_snapshot(&parts.headers));
        if signer.sign_parts(&mut parts, &PayloadHash::unsigned()).is_err() {
            prop_assert_eq!(&parts.uri, &uri_before);
            prop_assert_eq!(header_snapshot(&parts.headers), headers_before);
        }
    }
}

/// Random text shaped like a raw request: a request line, header-like lines (some folded, some
/// malformed), mixed line endings, a blank line and a body.
fn request_like() -> impl Strategy<Value = Vec<u8>> {
    let eol = prop::sample::select(vec!["\n", "\r\n", "\r"]);
    let version = prop::sample::select(vec![" HTTP/1.1", " HTTP/1.0", "", " HTTP/", " http/1.1"]);
    let line = prop_oneof![
        4 => (token_text(), mostly_printable(24)).prop_map(|(n, v)| format!("{n}:{v}")),
        1 => (prop::sample::select(vec![" ", "\t", "  "]), mostly_printable(16)).prop_map(|(w, v)| format!("{w}{v}")),
        1 => mostly_printable(16),
    ];
    (
        token_text(),
        mostly_printable(32),
        version,
        prop::collection::vec((line, eol.clone()), 0..6),
        eol,
        prop::collection::vec(any::<u8>(), 0..24),
    )
        .prop_map(|(method, target, version, lines, end, body)| {
            let mut out = format!("{method} {target}{version}{end}");
            for (l, e) in lines {
                out.push_str(&l);
                out.push_str(e);
            }
            out.push_str(end);
            let mut bytes = out.into_bytes();
            bytes.extend_from_slice(&body);
            bytes
        })
}

/// Raw requests that parse, to be mutated.
const TEMPLATES: &[&[u8]] = &[
    b"GET /?Param2=value2&Param1=value1 HTTP/1.1\r\nHost:example.amazonaws.com\r\nX-Amz-Date:20150830T123600Z\r\n\r\n",
    b"POST /ex ample/%E1%88%B4?a=b+c&d HTTP/1.1\nHost:example.amazonaws.com\n\
      My-Header1:  a   b \nMy-Header1:c\n  folded\n\nbody",
    b"PUT /a/../b/./c// HTTP/1.1\nhost:h\nContent-Type:text/plain\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n\n",
    b"GET /\n",
];

/// One edit of a byte string: insert, delete, replace or truncate at a position.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, u8),
    Delete(usize),
    Replace(usize, u8),
    Truncate(usize),
}

fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        2 => any::<u8>(),
        3 => prop::sample::select(b" \t\r\n:?&=%/#.\x00\x7f\xff\xc3".to_vec()),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), interesting_byte()).prop_map(|(i, b)| Edit::Insert(i, b)),
        3 => any::<usize>().prop_map(Edit::Delete),
        3 => (any::<usize>(), interesting_byte()).prop_map(|(i, b)| Edit::Replace(i, b)),
        1 => any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply_edits(template: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut v = template.to_vec();
    for e in edits {
        match *e {
            Edit::Insert(i, b) => v.insert(i % (v.len() + 1), b),
            Edit::Delete(i) if !v.is_empty() => {
                v.remove(i % v.len());
            }
            Edit::Replace(i, b) if !v.is_empty() => {
                let n = v.len();
                v[i % n] = b;
            }
            Edit::Truncate(i) => v.truncate(i % (v.len() + 1)),
            _ => {}
        }
    }
    v
}

/// Parses `bytes`; when that works, signs the request in header and query mode, applies the
/// output and prints the request again.
fn parse_and_sign(bytes: &[u8], limits: Limits, s3: bool) -> Result<(), TestCaseError> {
    let Ok(mut raw) = RawRequest::parse_with_limits(bytes, limits) else { return Ok(()) };
    let base = if s3 { SigningSettings::s3() } else { SigningSettings::default() };
    let time = AmzDate::from_unix(1_440_938_160).expect("valid time");
    let creds = Credentials::new("AKIDEXAMPLE", "secret").with_session_token("tok");
    let mut output = None;
    for settings in [base.clone(), base.with_presign(300).with_payload(PayloadMode::Unsigned)] {
        let signer = SigV4Signer::new(creds.clone(), "us-east-1", "service").with_settings(settings);
        let payload = signer.payload_hash(raw.body());
        let view = raw.signable();
        sign_view(&signer, &view, &payload, time)?;
        if let Ok(out) = signer.sign_at(&view, &payload, time) {
            output = Some(out);
        }
    }
    if let Some(out) = output {
        raw.apply(&out);
        let _ = raw.to_bytes();
    }
    Ok(())
}

proptest! {
    #![proptest_config(proptest_config(2000))]

    /// `RawRequest::parse` on arbitrary bytes.
    #[test]
    fn raw_parse_arbitrary_bytes(
        bytes in prop_oneof![bytes_or_text(160), request_like()],
        limits in limits(),
        s3 in any::<bool>(),
    ) {
        parse_and_sign(&bytes, limits, s3)?;
    }

    /// `RawRequest::parse` on mutations of valid requests.
    #[test]
    fn raw_parse_mutated_requests(
        template in prop::sample::select(TEMPLATES),
        edits in prop::collection::vec(edit(), 0..8),
        limits in limits(),
        s3 in any::<bool>(),
    ) {
        parse_and_sign(&apply_edits(template, &edits), limits, s3)?;
    }
}

proptest! {
    #![proptest_config(proptest_config(5000))]

    /// The canonical URI holds only unreserved bytes, `/` and escapes; normalized-mode escapes
    /// are uppercase (every `%` of the input is encoded again), and the S3 form is a fixed point.
    #[test]
    fn canonical_uri_is_encoded(path in text(48)) {
        let normalized = canonical_uri(&path, UriMode::Normalized);
        check_encoded(&normalized, b"/", true)?;
        let s3 = canonical_uri(&path, UriMode::S3);
        // S3 mode keeps valid escapes of the wire path as they are, in either case.
        check_encoded(&s3, b"/", false)?;
        prop_assert_eq!(canonical_uri(&s3, UriMode::S3), s3.clone());
    }

    /// A normalized canonical URI is an absolute path, even for a target that does not start
    /// with `/` (such as `foo`, `*` or an absolute-form `http://h/p`): the SigV4 canonical URI is
    /// the absolute path, and aws-sigv4's `normalize_uri_path` prepends the slash (its unit test
    /// `normalize_uri_path_should_prepend_forward_slash_when_input_is_relative`: `foo` becomes
    /// `/foo`).
    #[test]
    fn canonical_uri_normalized_is_absolute(path in text(48)) {
        let normalized = canonical_uri(&path, UriMode::Normalized);
        prop_assert!(normalized.starts_with('/'), "canonical_uri({:?}, Normalized) = {:?}", path, normalized);
    }

    /// The canonical query string holds only unreserved bytes, `=`, `&` and uppercase escapes,
    /// one `key=value` per non-empty parameter, sorted, and is a fixed point.
    #[test]
    fn canonical_query_is_encoded(query in text(64)) {
        let out = canonical_query_string(&query);
        check_encoded(&out, b"=&", true)?;
        let params = query.split('&').filter(|s| !s.is_empty()).count();
        let pairs: Vec<(&str, &str)> = if out.is_empty() {
            Vec::new()
        } else {
            out.split('&').map(|p| p.split_once('=').unwrap_or((p, "\u{0}missing"))).collect()
        };
        prop_assert_eq!(pairs.len(), params);
        prop_assert!(pairs.iter().all(|(_, v)| !v.contains('=') && !v.contains('\u{0}')), "{}", out);
        prop_assert!(pairs.windows(2).all(|w| w[0] <= w[1]), "not sorted: {}", out);
        prop_assert_eq!(canonical_query_string(&out), out.clone());
    }

    /// A canonical header value is trimmed, has no tabs or line breaks, no double spaces, and is
    /// a fixed point.
    #[test]
    fn canonical_header_value_is_collapsed(value in text(48)) {
        let out = canonical_header_value(&value);
        prop_assert!(!out.starts_with(' ') && !out.ends_with(' '), "{:?}", out);
        prop_assert!(!out.contains("  ") && !out.contains(['\t', '\r', '\n']), "{:?}", out);
        prop_assert_eq!(canonical_header_value(&out), out.clone());
    }

    /// `AmzDate` parsing: arbitrary strings, and near-valid ones; a parsed date prints as given.
    #[test]
    fn amz_date_parse_never_panics(
        s in prop_oneof![
            text(20),
            "[0-9]{8}T[0-9]{6}Z",
            "[0-9+-]{8}[Tt ][0-9]{6}[Zz]?",
            "[0-9]{4}(0[1-9]|1[0-2])[0-3][0-9]T[0-2][0-9][0-5][0-9][0-6][0-9]Z",
        ],
        unix in prop_oneof![any::<i64>(), -62_167_219_200i64..253_402_300_800],
    ) {
        if let Ok(d) = s.parse::<AmzDate>() {
            prop_assert_eq!(d.to_string(), s.clone());
            prop_assert_eq!(AmzDate::from_unix(d.unix_timestamp()), Ok(d));
        }
        if let Ok(d) = AmzDate::from_unix(unix) {
            prop_assert_eq!(d.unix_timestamp(), unix);
            prop_assert_eq!(d.to_string().parse::<AmzDate>(), Ok(d));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The verifier.
// ---------------------------------------------------------------------------------------------

/// Pieces of `Authorization` values and presigned queries, valid and broken.
const AUTH_PIECES: &[&str] = &[
    "AWS4-HMAC-SHA256 ",
    "AWS4-ECDSA-P256-SHA256 ",
    "Credential=",
    "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request",
    "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request/x",
    "/",
    ", ",
    ",",
    "SignedHeaders=",
    "host;x-amz-date",
    "x-amz-date;host",
    ";",
    "Signature=",
    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    "=",
    "X-Amz-Algorithm=AWS4-HMAC-SHA256&",
    "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&",
    "X-Amz-Date=20150830T123600Z&",
    "X-Amz-Expires=",
    "X-Amz-SignedHeaders=host&",
    "X-Amz-Signature=",
    "X-Amz-Security-Token=t&",
    "AKIDEXAMPLE/20150830/service/aws4_request",
    "X-Amz-Region-Set=us-%2A&",
    "X-Amz-Region-Set=%2A%2Cus-east-1&",
    "3046022100fddaaf816a31e30d04973875b13bc27b98da10907a3a1872fd5819a221334abc022100de2ee81d83b54f31efc82834de07e6cd4d5c6f25bfa08e0f29a15bb0977c343e",
    "3006020101020101",
    "604800",
    "0",
    "&",
];

/// Text assembled from [`AUTH_PIECES`] and arbitrary characters.
fn auth_text() -> BoxedStrategy<String> {
    let piece = prop_oneof![
        4 => prop::sample::select(AUTH_PIECES).prop_map(str::to_owned),
        1 => printable(4),
    ];
    prop::collection::vec(piece, 0..10).prop_map(|v| v.concat()).boxed()
}

/// Verifies a raw request with a fixed verifier and provider; must return, never panic.
fn verify_raw(
    bytes: &[u8],
    s3: bool,
    limits: Limits,
) -> Option<Result<sigv4_kit::verify::Verified, sigv4_kit::verify::VerifyError>> {
    use sigv4_kit::verify::{MemoryProvider, Principal, PrincipalKind, VerifierConfig};
    let raw = RawRequest::parse(bytes).ok()?;
    let time = AmzDate::from_unix(1_440_938_160).expect("valid time");
    let mut config = VerifierConfig::new(["service", "s3"]).with_limits(limits);
    if s3 {
        config = config.with_s3_rules();
    }
    let verifier = sigv4_kit::verify::Verifier::new(config).with_clock(FixedClock::new(time));
    let provider = MemoryProvider::new().with_key(
        "AKIDEXAMPLE",
        "secret",
        Principal::new("123456789012", "arn:aws:iam::123456789012:user/u", PrincipalKind::IamUser),
    );
    Some(verifier.begin_view(raw.signable()).and_then(|pending| {
        let credential = provider.get(pending.access_key_id());
        pending.finish(credential, Some(sha256(raw.body())))
    }))
}

/// A request signed in header or query mode, as raw bytes.
fn signed_raw(template: &[u8], query: bool, s3: bool) -> Vec<u8> {
    let mut raw = RawRequest::parse(template).expect("template parses");
    let time = AmzDate::from_unix(1_440_938_160).expect("valid time");
    let mut settings = if s3 { SigningSettings::s3() } else { SigningSettings::default() };
    if query {
        // S3 presigned URLs sign UNSIGNED-PAYLOAD; other services sign the body hash.
        settings = settings.with_presign(300);
        if s3 {
            settings = settings.with_payload(PayloadMode::Unsigned);
        }
    }
    let signer =
        SigV4Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-east-1", if s3 { "s3" } else { "service" })
            .with_settings(settings);
    let payload = signer.payload_hash(raw.body());
    let out = signer.sign_at(&raw.signable(), &payload, time).expect("template signs");
    raw.apply(&out);
    raw.to_bytes()
}

/// Templates that sign, without an `X-Amz-Date` of their own.
const VERIFY_TEMPLATES: &[&[u8]] = &[
    b"GET /?Param2=value2&Param1=value1 HTTP/1.1\r\nHost:example.amazonaws.com\r\n\r\n",
    b"POST /ex%20ample/%E1%88%B4?a=b%2Bc&d HTTP/1.1\nHost:example.amazonaws.com\nContent-Type:text/plain\n\
      My-Header1:  a   b \n\nbody",
];

proptest! {
    #![proptest_config(proptest_config(1500))]

    /// Signed requests verify; any edit of their bytes gives `Ok` or `Err`, never a panic.
    #[test]
    fn verifier_never_panics_on_mutated_signed_requests(
        template in prop::sample::select(VERIFY_TEMPLATES),
        query in any::<bool>(),
        s3 in any::<bool>(),
        edits in prop::collection::vec(edit(), 0..6),
        limits in limits(),
    ) {
        let signed = signed_raw(template, query, s3);
        if edits.is_empty() {
            let result = verify_raw(&signed, s3, Limits::default());
            prop_assert!(matches!(result, Some(Ok(_))), "{:?}", result);
        }
        let _ = verify_raw(&apply_edits(&signed, &edits), s3, limits);
    }

    /// Arbitrary `Authorization` headers, dates and presigned queries.
    #[test]
    fn verifier_never_panics_on_arbitrary_auth(
        authorization in prop::option::of(auth_text()),
        query in auth_text(),
        date in prop::option::of(prop_oneof![Just("20150830T123600Z".to_owned()), printable(20)]),
        http_date in prop::option::of(printable(32)),
        token in prop::option::of(printable(8)),
        s3 in any::<bool>(),
    ) {
        let mut text = format!("GET /?{query} HTTP/1.1\nHost:example.amazonaws.com\n");
        for (name, value) in [("Authorization", authorization), ("X-Amz-Date", date), ("Date", http_date), ("X-Amz-Security-Token", token)] {
            if let Some(v) = value {
                text.push_str(&format!("{name}:{v}\n"));
            }
        }
        text.push('\n');
        if let Some(Ok(v)) = verify_raw(text.as_bytes(), s3, Limits::default()) {
            prop_assert!(false, "an unsigned, arbitrary request verified: {:?}", v);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The aws-chunked decoder.
// ---------------------------------------------------------------------------------------------

/// `ChunkedDecoder` on arbitrary bytes and on mutations of valid encoded streams, pushed in
/// arbitrary splits: it returns `Ok` or `Err`, never panics, never releases more than it was
/// given (or than the declared length), and a failure is final. In the signed modes what it
/// releases is always a prefix of the signed body, whatever the mutation.
mod chunked_decoder {
    use proptest::prelude::*;
    use proptest::test_runner::Config as ProptestConfig;
    use sigv4_kit::AmzDate;
    use sigv4_kit::chunked::{
        ChecksumAlgorithm, ChunkChain, ChunkLimits, ChunkedDecoder, ChunkedEncoder, StreamingMode,
    };
    use sigv4_kit::spec::{CredentialScope, Signature, SigningKey};

    fn config(cases: u32) -> ProptestConfig {
        ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
    }

    /// The chain both ends continue, from a fixed seed.
    fn chain() -> ChunkChain {
        let t: AmzDate = "20150830T123600Z".parse().expect("valid time");
        let scope = CredentialScope::new(t, "us-east-1", "s3").expect("valid scope");
        ChunkChain::new(SigningKey::derive("secret", &scope), t, &scope, Signature::from_bytes([7; 32]))
    }

    fn mode() -> impl Strategy<Value = (StreamingMode, Option<ChecksumAlgorithm>)> {
        let algorithm = prop::sample::select(ChecksumAlgorithm::ALL.to_vec());
        prop_oneof![
            Just((StreamingMode::SignedPayload, None)),
            algorithm.clone().prop_map(|a| (StreamingMode::SignedPayloadTrailer, Some(a))),
            algorithm.prop_map(|a| (StreamingMode::UnsignedPayloadTrailer, Some(a))),
        ]
    }

    /// The default limits but chunks of any size (the streams here have chunks under 100 bytes).
    fn small_chunks() -> ChunkLimits {
        let mut l = ChunkLimits::default();
        l.min_chunk_size = 0;
        l
    }

    fn limits() -> impl Strategy<Value = ChunkLimits> {
        prop_oneof![
            2 => Just(small_chunks()),
            1 => Just(ChunkLimits::default()),
            1 => (0usize..300, 0usize..120, 0usize..4, 0usize..100).prop_map(|(chunk, line, trailers, min)| {
                let mut l = ChunkLimits::default();
                l.max_chunk_size = chunk;
                l.max_line_len = line;
                l.max_trailers = trailers;
                l.min_chunk_size = min;
                l
            }),
        ]
    }

    /// Pieces of chunked framing, valid and broken.
    const PIECES: &[&[u8]] = &[
        b"0",
        b"1",
        b"a",
        b"40",
        b"ffffffffffffffff",
        b"10000000000000000",
        b";",
        b";chunk-signature=",
        b"chunk-signature=",
        b"0000000000000000000000000000000000000000000000000000000000000000",
        b"\r\n",
        b"\r",
        b"\n",
        b":",
        b"x-amz-checksum-crc32c:",
        b"x-amz-checksum-sha256:",
        b"x-amz-trailer-signature:",
        b"AAAAAA==",
        b" ",
        b"\xff",
        b"\x00",
    ];

    /// Arbitrary bytes, or framing-shaped noise.
    fn noise() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            3 => prop::sample::select(PIECES).prop_map(<[u8]>::to_vec),
            1 => prop::collection::vec(any::<u8>(), 0..8),
        ];
        prop_oneof![
            1 => prop::collection::vec(any::<u8>(), 0..400),
            2 => prop::collection::vec(piece, 0..40).prop_map(|v| v.concat()),
        ]
    }

    /// One edit of an encoded stream.
    #[derive(Debug, Clone)]
    enum StreamEdit {
        Flip(usize, u8),
        Insert(usize, Vec<u8>),
        Delete(usize, usize),
        Truncate(usize),
        /// Copies `len` bytes from the first position to the second.
        Duplicate(usize, usize, usize),
    }

    fn stream_edit() -> impl Strategy<Value = StreamEdit> {
        let bytes = prop_oneof![
            prop::sample::select(PIECES).prop_map(<[u8]>::to_vec),
            prop::collection::vec(any::<u8>(), 1..4),
        ];
        prop_oneof![
            3 => (any::<usize>(), 1u8..=255).prop_map(|(i, m)| StreamEdit::Flip(i, m)),
            2 => (any::<usize>(), bytes).prop_map(|(i, b)| StreamEdit::Insert(i, b)),
            2 => (any::<usize>(), 1usize..100).prop_map(|(i, n)| StreamEdit::Delete(i, n)),
            1 => any::<usize>().prop_map(StreamEdit::Truncate),
            2 => (any::<usize>(), any::<usize>(), 1usize..200).prop_map(|(a, b, n)| StreamEdit::Duplicate(a, b, n)),
        ]
    }

    fn apply(wire: &mut Vec<u8>, edit: &StreamEdit) {
        let at = |i: usize, len: usize| i % (len + 1);
        match edit {
            StreamEdit::Flip(i, m) if !wire.is_empty() => {
                let n = wire.len();
                wire[i % n] ^= m;
            }
            StreamEdit::Insert(i, b) => {
                let i = at(*i, wire.len());
                wire.splice(i..i, b.iter().copied());
            }
            StreamEdit::Delete(i, n) => {
                let i = at(*i, wire.len());
                let end = (i + n).min(wire.len());
                wire.drain(i..end);
            }
            StreamEdit::Truncate(i) => wire.truncate(at(*i, wire.len())),
            StreamEdit::Duplicate(from, to, n) => {
                let from = at(*from, wire.len());
                let piece = wire[from..(from + n).min(wire.len())].to_vec();
                let to = at(*to, wire.len());
                wire.splice(to..to, piece);
            }
            StreamEdit::Flip(..) => {}
        }
    }

    /// Pushes `wire` in pieces whose sizes cycle through `splits`; checks the invariants after
    /// every call, and returns what came out and whether the stream was accepted.
    fn push_all(
        decoder: &mut ChunkedDecoder,
        wire: &[u8],
        splits: &[usize],
        expected_len: u64,
    ) -> Result<(Vec<u8>, bool), TestCaseError> {
        let mut out = Vec::new();
        let mut pushed = 0;
        let mut failed = None;
        let mut rest = wire;
        for &size in splits.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (piece, tail) = rest.split_at(size.clamp(1, rest.len()));
            rest = tail;
            let before = out.len();
            let result = decoder.push(piece, &mut out);
            pushed += piece.len();
            prop_assert!(out.len() <= pushed, "{} bytes out of {} pushed", out.len(), pushed);
            prop_assert!(out.len() as u64 <= expected_len, "{} bytes out, {} declared", out.len(), expected_len);
            prop_assert_eq!(decoder.decoded_len(), out.len() as u64);
            match (result, &failed) {
                (Ok(()), None) => {}
                (Ok(()), Some(_)) => prop_assert!(false, "a push succeeded after a failure"),
                (Err(e), None) => failed = Some(sigv4_kit::verify::VerifyError::from(e).code()),
                (Err(e), Some(code)) => {
                    prop_assert_eq!(sigv4_kit::verify::VerifyError::from(e).code(), *code);
                    prop_assert_eq!(out.len(), before, "released after a failure");
                }
            }
        }
        let finished = decoder.finish();
        if let Some(code) = failed {
            prop_assert_eq!(finished.map_err(|e| sigv4_kit::verify::VerifyError::from(e).code()), Err(code));
            prop_assert!(!decoder.is_done());
        }
        let accepted = decoder.is_done();
        let _ = decoder.trailers();
        Ok((out, accepted))
    }

    fn splits() -> impl Strategy<Value = Vec<usize>> {
        prop_oneof![
            1 => Just(vec![usize::MAX]),
            1 => Just(vec![1]),
            3 => prop::collection::vec(1usize..64, 1..8),
        ]
    }

    proptest! {
        #![proptest_config(config(2000))]

        /// Arbitrary bytes into a decoder of any mode, declared length, trailers and limits.
        #[test]
        fn decoder_never_panics_on_arbitrary_bytes(
            (mode, _) in mode(),
            wire in noise(),
            expected_len in prop_oneof![3 => 0u64..64, 1 => any::<u64>()],
            announced in prop::collection::vec(
                prop::sample::select(vec!["x-amz-checksum-crc32c", "X-Amz-Checksum-SHA256 ", "x-amz-meta-a", ""]),
                0..3,
            ),
            limits in limits(),
            splits in splits(),
        ) {
            let announced = announced.into_iter().map(str::to_owned).collect();
            let chain = mode.is_signed().then(chain);
            let mut decoder = ChunkedDecoder::new(mode, chain, expected_len, announced, limits);
            push_all(&mut decoder, &wire, &splits, expected_len)?;
        }

        /// Valid streams with edits: never a panic; in the signed modes only a prefix of the
        /// body comes out; untouched streams decode whole.
        #[test]
        fn decoder_never_panics_on_mutated_streams(
            (mode, trailer) in mode(),
            body in prop::collection::vec(any::<u8>(), 0..300),
            chunk_size in 1usize..100,
            edits in prop::collection::vec(stream_edit(), 0..4),
            limits in limits(),
            splits in splits(),
        ) {
            let mut encoder = match (mode, trailer) {
                (StreamingMode::UnsignedPayloadTrailer, Some(t)) => ChunkedEncoder::unsigned(t, chunk_size),
                (_, t) => ChunkedEncoder::signed(chain(), t, chunk_size).unwrap_or_else(|e| panic!("{e}")),
            };
            let mut wire = Vec::new();
            encoder.push(&body, &mut wire);
            encoder.finish(&mut wire);
            let valid = wire.clone();
            for e in &edits {
                apply(&mut wire, e);
            }
            let announced = trailer.map(|t| t.header_name().to_owned()).into_iter().collect();
            let chain = mode.is_signed().then(chain);
            let expected_len = body.len() as u64;
            let mut decoder = ChunkedDecoder::new(mode, chain, expected_len, announced, limits);
            let (out, accepted) = push_all(&mut decoder, &wire, &splits, expected_len)?;
            if mode.is_signed() {
                prop_assert!(body.starts_with(&out), "released bytes that were not signed");
                if accepted {
                    prop_assert_eq!(&out, &body);
                }
            }
            if wire == valid && limits == small_chunks() {
                prop_assert!(accepted, "an untouched stream was refused");
                prop_assert_eq!(&out, &body);
            }
            // Under the default minimum only the last chunk may be short: a body of more than
            // one chunk is refused, at its first chunk, before anything is released.
            if wire == valid && limits == ChunkLimits::default() {
                prop_assert_eq!(accepted, body.len() <= chunk_size, "the minimum chunk size");
                if !accepted {
                    prop_assert!(out.is_empty(), "released a chunk under the minimum");
                }
            }
        }
    }
}
