//! Round trip between [`SigV4Signer`] and [`Verifier`].
//!
//! Every request the signer signs must verify, in every mode: header or presigned; normalized
//! or S3 rules; a signed body or `UNSIGNED-PAYLOAD` where the verifier can accept it; no session
//! token, a signed token, or a token added after signing (with the verifier configured the same
//! way). The request goes to the verifier either as an [`http::Request`] (through
//! [`Verifier::begin`]) or as a [`SignableRequest`] view (through [`Verifier::begin_view`], which
//! also takes raw targets with spaces and UTF-8).
//!
//! Then every single change to the signed request must be rejected with the right AWS error
//! code: the method, a path byte, a query value, a signed header value or the host
//! (`SignatureDoesNotMatch`), the time (`SignatureDoesNotMatch` for one second, the malformed code
//! when the scope date no longer matches), the body when it is signed (`SignatureDoesNotMatch`
//! when the body hash is the payload line, `XAmzContentSHA256Mismatch` when
//! `x-amz-content-sha256` declares it), the access key id (`InvalidAccessKeyId` when unknown,
//! `SignatureDoesNotMatch` for another known key), the secret, the signature, the session token.
//! Changes to what is not signed (an excluded header, the body of an unsigned payload) must not
//! matter.

use crate::common::strategies::{
    escape_char, header_name_of, header_word, is_signing_key, path_of, query_of, select_str, unreserved,
};
use crate::common::tamper::{
    CONTENT_SHA256_MISMATCH, SIGNATURE_DOES_NOT_MATCH, Wire, alnum_positions, changed_path, flip_at, next_hex,
    verify_parts, verify_view,
};
use crate::common::{block_on, proptest_config};
use proptest::prelude::*;
use sigv4_kit::sign::{PayloadMode, SigV4Signer, Signer, SigningOutput, SigningSettings};
use sigv4_kit::spec::{DEFAULT_EXCLUDED_HEADERS, sha256};
use sigv4_kit::verify::{
    AuthMethod, MemoryProvider, PathPolicy, PayloadState, PlusInQuery, Principal, PrincipalKind, VerifierConfig,
};
use sigv4_kit::verify::{Verified, Verifier, VerifyError};
use sigv4_kit::{AmzDate, Credentials, FixedClock, PayloadHash, SessionTokenMode, UriMode};

/// Cases per property (four properties: header and presigned, normalized and S3).
const CASES: u32 = 512;

const INVALID_ACCESS_KEY_ID: &str = "InvalidAccessKeyId";
const INVALID_TOKEN: &str = "InvalidToken";
const ACCESS_DENIED: &str = "AccessDenied";

// ---------------------------------------------------------------------------------------------
// Modes.
// ---------------------------------------------------------------------------------------------

/// What the payload line of the canonical request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Payload {
    /// The hash of the body, not declared in any header (the verifier needs the body hash).
    Body,
    /// The hash of the body, declared in a signed `x-amz-content-sha256` header.
    Declared,
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
}

/// The session token, and how it is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    None,
    Signed,
    AddedAfterSigning,
}

#[derive(Debug, Clone, Copy)]
struct Mode {
    /// `X-Amz-Expires` of a presigned URL; `None` for header auth.
    presign: Option<u64>,
    /// S3 rules for both signer and verifier.
    s3: bool,
    payload: Payload,
    token: Token,
    /// Verify an `http::Request` (else a `SignableRequest` view with a possibly raw target).
    via_http: bool,
    /// A presigned URL with an unsigned payload and normalized paths: sign `UNSIGNED-PAYLOAD`
    /// without declaring it, for a verifier with S3's payload rules (else the client declares it
    /// in a signed `x-amz-content-sha256: UNSIGNED-PAYLOAD`).
    bare_unsigned: bool,
}

impl Mode {
    /// The payload as the verifier sees it: S3 always declares a signed body (in header auth the
    /// signer adds `x-amz-content-sha256`; a presigned URL without it is `UNSIGNED-PAYLOAD`).
    fn effective_payload(&self) -> Payload {
        if self.s3 && self.payload == Payload::Body { Payload::Declared } else { self.payload }
    }

    fn uri_mode(&self) -> UriMode {
        if self.s3 { UriMode::S3 } else { UriMode::Normalized }
    }

    fn settings(&self) -> SigningSettings {
        let mut s = if self.s3 { SigningSettings::s3() } else { SigningSettings::default() };
        if self.presign.is_none() && !self.s3 && self.payload != Payload::Body {
            // As botocore's SigV4Auth does for an unsigned payload: declare the payload line.
            s = s.with_content_sha256_header(true);
        }
        if self.payload == Payload::Unsigned {
            s = s.with_payload(PayloadMode::Unsigned);
        }
        s = s.with_session_token_mode(match self.token {
            Token::AddedAfterSigning => SessionTokenMode::AddedAfterSigning,
            Token::None | Token::Signed => SessionTokenMode::Signed,
        });
        if let Some(e) = self.presign {
            s = s.with_presign(e);
        }
        s
    }

    /// The `x-amz-content-sha256` header the client itself puts on a presigned request.
    fn client_content_header(&self, body: &[u8]) -> Option<String> {
        self.presign?;
        match self.effective_payload() {
            Payload::Body => None,
            Payload::Declared => Some(PayloadHash::of(body).as_str().to_owned()),
            Payload::Unsigned if self.s3 || self.bare_unsigned => None,
            Payload::Unsigned => Some("UNSIGNED-PAYLOAD".to_owned()),
        }
    }

    fn verifier_config(&self, service: &str) -> VerifierConfig {
        let mut c = VerifierConfig::new([service])
            // AWS's reading: unnormalized paths and literal '+' verify (the gateway defaults refuse them).
            .with_path_policy(PathPolicy::Rewrite)
            .with_plus_in_query(PlusInQuery::Literal);
        if self.s3 {
            c = c.with_s3_rules();
        } else if self.payload == Payload::Unsigned {
            c = c.with_unsigned_payload(true);
            if self.presign.is_some() && self.bare_unsigned {
                c = c.with_s3_payload_rules(true);
            }
        }
        if self.token == Token::AddedAfterSigning {
            c = c.with_session_token_mode(SessionTokenMode::AddedAfterSigning);
        }
        c
    }

    /// The code for a malformed date or credential.
    fn malformed(&self) -> &'static str {
        if self.presign.is_some() { "AuthorizationQueryParametersError" } else { "AuthorizationHeaderMalformed" }
    }
}

// ---------------------------------------------------------------------------------------------
// The generated request.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Case {
    method: String,
    /// The authority: host and optional port.
    host: String,
    path: String,
    query: Option<String>,
    /// Headers the signer signs (none of them excluded or set by the signer).
    headers: Vec<(String, String)>,
    /// An excluded header (never signed).
    user_agent: Option<String>,
    body: Vec<u8>,
    time: i64,
    /// The verifier's clock, relative to the signing time.
    now_offset: i64,
    access_key: String,
    secret: String,
    token: String,
    region: String,
    service: String,
    /// Chooses which byte, parameter or header a change hits.
    pick: usize,
}

impl Case {
    fn target(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }

    fn signing_time(&self) -> AmzDate {
        AmzDate::from_unix(self.time).expect("generated time is in range")
    }

    fn verifier_time(&self) -> AmzDate {
        AmzDate::from_unix(self.time + self.now_offset).expect("generated time is in range")
    }

    fn credentials(&self, mode: &Mode) -> Credentials {
        let c = Credentials::new(self.access_key.as_str(), self.secret.as_str());
        if mode.token == Token::None { c } else { c.with_session_token(self.token.as_str()) }
    }

    fn principal(&self, mode: &Mode, token: Option<&str>) -> Principal {
        let kind = if mode.token == Token::None { PrincipalKind::IamUser } else { PrincipalKind::AssumedRole };
        let p = Principal::new("123456789012", format!("arn:aws:iam::123456789012:user/{}", self.access_key), kind);
        match token {
            Some(t) => p.with_session_token(t),
            None => p,
        }
    }

    fn other_key(&self) -> String {
        format!("{}9OTHER", self.access_key)
    }

    fn unknown_key(&self) -> String {
        format!("{}9UNKNOWN", self.access_key)
    }

    /// The provider for the case: its key, and another known key with another secret.
    fn provider(&self, mode: &Mode, secret: &str, token: Option<&str>) -> MemoryProvider {
        MemoryProvider::new().with_key(self.access_key.as_str(), secret, self.principal(mode, token)).with_key(
            self.other_key(),
            format!("{}-other", self.secret),
            Principal::new("210987654321", "arn:aws:iam::210987654321:user/other", PrincipalKind::IamUser),
        )
    }

    fn good_provider(&self, mode: &Mode) -> MemoryProvider {
        let token = (mode.token != Token::None).then_some(self.token.as_str());
        self.provider(mode, &self.secret, token)
    }
}

/// Changes that only the round trip makes to a signed request.
impl Wire {
    /// Replaces the value of the first header `name`.
    fn map_header(&self, name: &str, f: impl FnOnce(&str) -> String) -> Self {
        let mut w = self.clone();
        let slot = w.headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)).expect("header to change");
        slot.1 = f(&slot.1);
        w
    }

    /// Replaces the wire value of the query parameter `key` (exact wire spelling).
    fn map_param(&self, key: &str, f: impl FnOnce(&str) -> String) -> Self {
        let query = self.query().expect("a query");
        let mut f = Some(f);
        let segments: Vec<String> = query
            .split('&')
            .map(|seg| match seg.split_once('=') {
                Some((k, v)) if k == key => match f.take() {
                    Some(f) => format!("{k}={}", f(v)),
                    None => seg.to_owned(),
                },
                _ => seg.to_owned(),
            })
            .collect();
        assert!(f.is_none(), "query parameter {key} not found in {query:?}");
        self.with_query(&segments.join("&"))
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------------------------

/// A raw character for a target that is not an `http::Uri`: anything but ASCII controls, `#`,
/// `?` and `&` (which would change the structure of the target).
fn raw_char() -> impl Strategy<Value = String> {
    let special =
        prop::sample::select(vec![' ', 'é', 'ß', 'ሴ', '😀', '"', '<', '>', '[', ']', '{', '}', '|', '\\', '^']);
    prop_oneof![special, any::<char>()]
        .prop_map(|c| if c.is_ascii_control() || matches!(c, '#' | '?' | '&') { "_".to_owned() } else { c.to_string() })
}

/// One piece of a path segment (wire form; raw characters only when `raw`).
fn path_atom(raw: bool) -> BoxedStrategy<String> {
    prop_oneof![
        10 => unreserved(),
        3 => (any::<char>(), any::<bool>()).prop_map(|(c, lower)| escape_char(c, lower)),
        1 => any::<u8>().prop_map(|b| format!("%{b:02X}")),
        2 => select_str(&["!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", ":", "@"]),
        1 => select_str(&["%", "%G", "%4", "%zz"]),
        if raw { 3 } else { 0 } => raw_char(),
    ]
    .boxed()
}

fn path(raw: bool) -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        8 => prop::collection::vec(path_atom(raw), 1..6).prop_map(|v| v.concat()),
        1 => select_str(&[".", "..", ""]),
    ];
    path_of(segment, false)
}

/// One piece of a query key or value (never `&`; `=` only in values).
fn query_atom(raw: bool, value: bool) -> BoxedStrategy<String> {
    prop_oneof![
        10 => unreserved(),
        3 => (any::<char>(), any::<bool>()).prop_map(|(c, lower)| escape_char(c, lower)),
        1 => any::<u8>().prop_map(|b| format!("%{b:02x}")),
        2 => select_str(&["!", "$", "'", "(", ")", "*", "+", ",", ";", ":", "@", "/", "?"]),
        if value { 1 } else { 0 } => Just("=".to_owned()),
        1 => select_str(&["%", "%G", "%2", "%~"]),
        if raw { 3 } else { 0 } => raw_char(),
    ]
    .boxed()
}

/// A query with repeated keys, empty values, keys without `=` and empty segments.
fn query(raw: bool) -> impl Strategy<Value = Option<String>> {
    let key = prop_oneof![
        3 => select_str(&["a", "b", "A", "Key", "key", "list-type", "prefix", "%61", "k~", "uploads"]),
        2 => prop::collection::vec(query_atom(raw, false), 0..6).prop_map(|v| v.concat()),
    ]
    .prop_map(|k| if is_signing_key(&k) { format!("p{k}") } else { k });
    let value = prop_oneof![
        1 => select_str(&["", "1", "2", "a", "%20", "%2B", "+"]),
        3 => prop::collection::vec(query_atom(raw, true), 0..8).prop_map(|v| v.concat()),
    ];
    query_of(key, value, 8)
}

/// Names the signer would not sign, or sets itself, or that carry the request time.
fn is_special_header(name: &str) -> bool {
    DEFAULT_EXCLUDED_HEADERS.iter().any(|e| e.eq_ignore_ascii_case(name))
        || ["host", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "date", "content-length"]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(name))
}

fn header_name() -> impl Strategy<Value = String> {
    const NAMES: &[&str] = &[
        "Content-Type",
        "content-type",
        "X-Amz-Meta-Foo",
        "x-amz-meta-foo",
        "X-AMZ-META-BAR",
        "My-Header1",
        "Range",
        "Content-MD5",
        "X-Amz-Target",
        "Accept",
        "If-None-Match",
    ];
    header_name_of(NAMES, "[A-Za-z][A-Za-z0-9-]{0,12}", is_special_header, "X-H-")
}

/// A header value: words separated by runs of spaces and tabs, with optional leading and
/// trailing runs.
fn header_value() -> impl Strategy<Value = String> {
    let gap = || prop::collection::vec(prop::sample::select(vec![" ", " ", "\t"]), 0..4).prop_map(|v| v.concat());
    (gap(), prop::collection::vec((header_word(), gap()), 0..4), gap()).prop_map(|(lead, words, trail)| {
        let mut v = lead;
        let n = words.len();
        for (i, (w, sep)) in words.into_iter().enumerate() {
            v.push_str(&w);
            if i + 1 < n {
                v.push_str(if sep.is_empty() { " " } else { &sep });
            }
        }
        v.push_str(&trail);
        v
    })
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select_str(&["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS"]),
        1 => "[A-Z][A-Z0-9-]{0,8}",
    ]
}

fn host() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        1 => select_str(&["example.amazonaws.com", "bucket.s3.us-east-1.amazonaws.com", "localhost", "127.0.0.1"]),
        2 => "[a-z0-9]{1,10}(\\.[a-z0-9]{1,8}){0,3}",
    ];
    let port = prop_oneof![3 => Just(None), 1 => Just(Some(443u16)), 1 => (1u16..=u16::MAX).prop_map(Some)];
    (name, port).prop_map(|(n, p)| match p {
        Some(p) => format!("{n}:{p}"),
        None => n,
    })
}

fn case(raw: bool, presign: Option<u64>) -> impl Strategy<Value = Case> {
    let request = (
        method(),
        host(),
        path(raw),
        query(raw),
        prop::collection::vec((header_name(), header_value()), 0..6),
        prop::option::of("[ -~]{0,20}"),
        prop::collection::vec(any::<u8>(), 0..48),
    );
    // The verifier's clock stays within the skew (900 s) and the presign window even when the
    // request time is moved by one second.
    let max_offset = presign.map_or(600, |e| (i64::try_from(e).unwrap_or(i64::MAX) - 2).min(600));
    let time = (1_000i64..4_102_444_800, -600i64..=600).prop_map(move |(t, o)| (t, o.min(max_offset)));
    let keys = ("[A-Z0-9]{4,20}", "[A-Za-z0-9/+]{1,40}", "[A-Za-z0-9+/=_~%é-]{1,40}");
    let scope = ("[a-z]{2}-[a-z]{1,8}-[0-9]", "[a-z0-9][a-z0-9-]{0,9}");
    (request, time, keys, scope, any::<usize>()).prop_map(
        |(
            (method, host, path, query, headers, user_agent, body),
            (time, now_offset),
            (access_key, secret, token),
            (region, service),
            pick,
        )| Case {
            method,
            host,
            path,
            query,
            headers,
            user_agent,
            body,
            time,
            now_offset,
            access_key,
            secret,
            token,
            region,
            service,
            pick,
        },
    )
}

fn payload() -> impl Strategy<Value = Payload> {
    prop::sample::select(vec![Payload::Body, Payload::Declared, Payload::Unsigned])
}

fn token() -> impl Strategy<Value = Token> {
    prop::sample::select(vec![Token::None, Token::Signed, Token::AddedAfterSigning])
}

/// A mode with the given location and URI rule, and a case for it.
fn mode_and_case(presigned: bool, s3: bool) -> impl Strategy<Value = (Mode, Case)> {
    let expires = if presigned {
        prop_oneof![1u64..=604_800, Just(1u64), Just(604_800u64)].prop_map(Some).boxed()
    } else {
        Just(None).boxed()
    };
    (expires, payload(), token(), any::<bool>(), any::<bool>()).prop_flat_map(
        move |(presign, payload, token, via_http, bare_unsigned)| {
            let mode = Mode { presign, s3, payload, token, via_http, bare_unsigned };
            (Just(mode), case(!via_http, presign))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Signing and verifying.
// ---------------------------------------------------------------------------------------------

/// Signs `c` in `mode` and returns the request as sent, with the signer's output.
fn sign(c: &Case, mode: &Mode) -> Result<(Wire, SigningOutput), TestCaseError> {
    let signer = SigV4Signer::new(c.credentials(mode), c.region.as_str(), c.service.as_str())
        .with_settings(mode.settings())
        .with_clock(FixedClock::new(c.signing_time()));
    let mut headers = c.headers.clone();
    if let Some(ua) = &c.user_agent {
        headers.push(("User-Agent".to_owned(), ua.clone()));
    }
    if let Some(v) = mode.client_content_header(&c.body) {
        headers.push(("x-amz-content-sha256".to_owned(), v));
    }
    let unsigned = Wire {
        method: c.method.clone(),
        host: c.host.clone(),
        target: c.target(),
        headers: headers.clone(),
        body: c.body.clone(),
    };
    if mode.via_http {
        let mut request = unsigned.http_request();
        let out = (&signer as &dyn Signer)
            .sign(&mut request)
            .map_err(|e| TestCaseError::fail(format!("sign (http): {e}")))?;
        let headers = request
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8(v.as_bytes().to_vec()).expect("UTF-8 header")))
            .collect();
        let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str()).to_owned();
        Ok((Wire { target, headers, ..unsigned }, out))
    } else {
        let view = unsigned.view();
        let out = signer
            .sign_at(&view, &signer.payload_hash(&c.body), c.signing_time())
            .map_err(|e| TestCaseError::fail(format!("sign: {e}")))?;
        let mut headers = headers;
        headers.extend(out.headers().map(|(n, v)| (n.to_owned(), v.to_owned())));
        let target = out.presigned_target(&unsigned.target);
        Ok((Wire { target, headers, ..unsigned }, out))
    }
}

/// Verifies `wire` with `begin`/`begin_view` and `finish`.
fn verify(
    wire: &Wire,
    via_http: bool,
    verifier: &Verifier,
    provider: &MemoryProvider,
    body_hash: Option<[u8; 32]>,
) -> Result<Verified, VerifyError> {
    if via_http {
        let (parts, _) = wire.http_request().into_parts();
        verify_parts(verifier, &parts, provider, body_hash)
    } else {
        verify_view(verifier, wire.view(), provider, body_hash)
    }
}

/// What a changed request must give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Ok,
    Code(&'static str),
}

fn outcome(r: &Result<Verified, VerifyError>) -> String {
    match r {
        Ok(_) => "Ok".to_owned(),
        Err(e) => format!("{} ({})", e.code(), e.message()),
    }
}

fn expect(what: &str, r: &Result<Verified, VerifyError>, want: Expect, wire: &Wire) -> Result<(), TestCaseError> {
    let good = match (r, want) {
        (Ok(_), Expect::Ok) => true,
        (Err(e), Expect::Code(code)) => e.code() == code,
        _ => false,
    };
    if good {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!("{what}: expected {want:?}, got {}\n  request: {wire:?}", outcome(r))))
    }
}

// ---------------------------------------------------------------------------------------------
// Changes.
// ---------------------------------------------------------------------------------------------

/// One byte of `s` changed (an ASCII letter or digit picked by `pick`), or a `Z` appended.
fn change_one_byte(s: &str, pick: usize) -> String {
    let positions = alnum_positions(s);
    if positions.is_empty() { format!("{s}Z") } else { flip_at(s, positions[pick % positions.len()]) }
}

/// The request's query with one value of a non-signing parameter changed, or a parameter added
/// when there is none.
fn changed_query(wire: &Wire, pick: usize) -> Wire {
    let query = wire.query().unwrap_or("");
    let segments: Vec<&str> = query.split('&').collect();
    let candidates: Vec<usize> = (0..segments.len())
        .filter(|&i| {
            let key = segments[i].split_once('=').map_or(segments[i], |(k, _)| k);
            !segments[i].is_empty() && !is_signing_key(key)
        })
        .collect();
    if candidates.is_empty() {
        let q = if query.is_empty() { "tampered=1".to_owned() } else { format!("tampered=1&{query}") };
        return wire.with_query(&q);
    }
    let i = candidates[pick % candidates.len()];
    let changed = match segments[i].split_once('=') {
        Some((k, v)) => format!("{k}={}", change_one_byte(v, pick / 7)),
        None => format!("{}=Z", segments[i]),
    };
    let mut out: Vec<String> = segments.iter().map(|s| (*s).to_owned()).collect();
    out[i] = changed;
    wire.with_query(&out.join("&"))
}

/// The request with the value of one of the case's (signed) headers changed by one byte.
fn changed_header(wire: &Wire, c: &Case) -> Option<Wire> {
    let signed: Vec<usize> = (0..wire.headers.len())
        .filter(|&i| c.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(&wire.headers[i].0)))
        .collect();
    if signed.is_empty() {
        return None;
    }
    let i = signed[c.pick % signed.len()];
    let mut w = wire.clone();
    w.headers[i].1 = change_one_byte(&w.headers[i].1, c.pick / 11);
    Some(w)
}

/// Edits the credential `AKID/date/region/service/aws4_request` wherever the request carries it.
fn edit_credential(wire: &Wire, mode: &Mode, f: impl FnOnce(&mut Vec<String>)) -> Wire {
    if mode.presign.is_some() {
        wire.map_param("X-Amz-Credential", |v| {
            let mut parts: Vec<String> = v.split("%2F").map(str::to_owned).collect();
            f(&mut parts);
            parts.join("%2F")
        })
    } else {
        wire.map_header("authorization", |v| {
            let start = v.find("Credential=").expect("Credential=") + "Credential=".len();
            let end = start + v[start..].find(',').expect("a comma after the credential");
            let mut parts: Vec<String> = v[start..end].split('/').map(str::to_owned).collect();
            f(&mut parts);
            format!("{}{}{}", &v[..start], parts.join("/"), &v[end..])
        })
    }
}

fn flip_signature(wire: &Wire, mode: &Mode, pick: usize) -> Wire {
    let flip = |sig: &str| -> String {
        let i = pick % sig.len();
        sig.char_indices()
            .map(|(j, ch)| if i == j { char::from(next_hex(u8::try_from(ch).expect("ASCII"))) } else { ch })
            .collect()
    };
    if mode.presign.is_some() {
        wire.map_param("X-Amz-Signature", flip)
    } else {
        wire.map_header("authorization", |v| {
            let (head, sig) = v.rsplit_once("Signature=").expect("Signature=");
            format!("{head}Signature={}", flip(sig))
        })
    }
}

/// Moves the request time (`X-Amz-Date`) by `seconds`.
fn shift_time(wire: &Wire, mode: &Mode, seconds: i64) -> Wire {
    let shift = |v: &str| -> String {
        let t: AmzDate = v.trim().parse().expect("X-Amz-Date parses");
        AmzDate::from_unix(t.unix_timestamp() + seconds).expect("in range").to_string()
    };
    if mode.presign.is_some() { wire.map_param("X-Amz-Date", shift) } else { wire.map_header("x-amz-date", shift) }
}

/// Checks the untouched request and every change to it.
fn check(c: &Case, mode: &Mode) -> Result<(), TestCaseError> {
    let (wire, out) = sign(c, mode)?;
    let config = mode.verifier_config(&c.service);
    let verifier = Verifier::new(config.clone()).with_clock(FixedClock::new(c.verifier_time()));
    let provider = c.good_provider(mode);
    let body_hash = Some(sha256(&c.body));
    let payload = mode.effective_payload();
    let run = |w: &Wire, p: &MemoryProvider| verify(w, mode.via_http, &verifier, p, Some(sha256(&w.body)));

    // The signed request verifies, and the verifier reports what was signed.
    let verified = verify(&wire, mode.via_http, &verifier, &provider, body_hash)
        .map_err(|e| TestCaseError::fail(format!("signed request rejected: {e}\n  mode: {mode:?}\n  {wire:?}")))?;
    prop_assert_eq!(&verified.access_key_id(), &c.access_key);
    prop_assert_eq!(&verified.region(), &c.region);
    prop_assert_eq!(&verified.service(), &c.service);
    prop_assert_eq!(verified.time, c.signing_time());
    prop_assert_eq!(verified.signed_headers(), out.signed_headers());
    prop_assert_eq!(&verified.principal.arn(), &format!("arn:aws:iam::123456789012:user/{}", c.access_key));
    let auth = match mode.presign {
        Some(e) => AuthMethod::PresignedQuery { expires_in: e },
        None => AuthMethod::Header,
    };
    prop_assert_eq!(verified.auth, auth);
    match payload {
        Payload::Body | Payload::Declared => prop_assert!(matches!(verified.payload, PayloadState::Checked)),
        Payload::Unsigned => prop_assert!(matches!(verified.payload, PayloadState::Unsigned)),
    }

    // A declared body can be checked later, as it streams.
    if payload == Payload::Declared {
        let v = verify(&wire, mode.via_http, &verifier, &provider, None)
            .map_err(|e| TestCaseError::fail(format!("without the body hash: {e}")))?;
        let PayloadState::Pending(mut check) = v.payload else {
            return Err(TestCaseError::fail(format!("expected a pending payload check, got {:?}", v.payload)));
        };
        let (a, b) = c.body.split_at(c.body.len() / 2);
        check.update(a);
        check.update(b);
        prop_assert!(check.finish().is_ok(), "streamed body check");
        let v = verify(&wire, mode.via_http, &verifier, &provider, None).expect("verified above");
        let PayloadState::Pending(mut check) = v.payload else { unreachable!("pending above") };
        check.update(&c.body);
        check.update(b"!");
        let err = check.finish().expect_err("a longer body must not pass");
        prop_assert_eq!(err.code(), CONTENT_SHA256_MISMATCH);
    }

    // The async entry points agree.
    if mode.via_http {
        let request = wire.http_request();
        let r = block_on(verifier.verify_with_body(&request, &provider));
        expect("verify_with_body", &r, Expect::Ok, &wire)?;
        let (parts, _) = request.into_parts();
        let r = block_on(verifier.verify(&parts, body_hash, &provider));
        expect("verify", &r, Expect::Ok, &wire)?;
    }

    // An unsigned payload is refused by a verifier that does not accept it.
    if payload == Payload::Unsigned && !mode.s3 {
        let strict = Verifier::new(config.with_unsigned_payload(false)).with_clock(FixedClock::new(c.verifier_time()));
        let r = verify(&wire, mode.via_http, &strict, &provider, body_hash);
        expect("unsigned payload, not accepted", &r, Expect::Code(ACCESS_DENIED), &wire)?;
    }

    let mismatch = Expect::Code(SIGNATURE_DOES_NOT_MATCH);
    let malformed = Expect::Code(mode.malformed());

    // The method.
    let method = if wire.method == "POST" { "PUT" } else { "POST" };
    let w = Wire { method: method.to_owned(), ..wire.clone() };
    expect("method changed", &run(&w, &provider), mismatch, &w)?;

    // A path byte.
    let w = wire.with_path(&changed_path(wire.path(), mode.uri_mode(), c.pick));
    expect("path byte changed", &run(&w, &provider), mismatch, &w)?;

    // A query value (or a parameter added when there is none).
    let w = changed_query(&wire, c.pick);
    expect("query value changed", &run(&w, &provider), mismatch, &w)?;

    // A signed header value, and the host.
    if let Some(w) = changed_header(&wire, c) {
        expect("signed header value changed", &run(&w, &provider), mismatch, &w)?;
    }
    let w = Wire { host: format!("x{}", wire.host), ..wire.clone() };
    expect("host changed", &run(&w, &provider), mismatch, &w)?;

    // A header that is never signed does not matter.
    if c.user_agent.is_some() {
        let w = wire.map_header("user-agent", |v| format!("{v}Z"));
        expect("excluded header changed", &run(&w, &provider), Expect::Ok, &w)?;
    }

    // The time: one second on (or back, at the end of a day) breaks the signature; a time on
    // another day than the credential scope is malformed.
    let t = c.signing_time();
    let next = AmzDate::from_unix(c.time + 1).expect("in range");
    let step = if next.date_stamp() == t.date_stamp() { 1 } else { -1 };
    let w = shift_time(&wire, mode, step);
    expect("X-Amz-Date moved by 1 s", &run(&w, &provider), mismatch, &w)?;
    let w = shift_time(&wire, mode, 86_400);
    expect("X-Amz-Date moved by a day", &run(&w, &provider), malformed, &w)?;
    let other_day = AmzDate::from_unix(c.time - 86_400).expect("in range");
    let w = edit_credential(&wire, mode, |p| p[1] = other_day.date_stamp().to_owned());
    expect("credential scope date changed", &run(&w, &provider), malformed, &w)?;

    // The body.
    let mut body = c.body.clone();
    match body.get_mut(c.pick % c.body.len().max(1)) {
        Some(b) => *b ^= 1 << (c.pick % 8),
        None => body.push(b'x'),
    }
    let w = Wire { body, ..wire.clone() };
    let want = match payload {
        Payload::Body => mismatch,
        Payload::Declared => Expect::Code(CONTENT_SHA256_MISMATCH),
        Payload::Unsigned => Expect::Ok,
    };
    expect("body changed", &run(&w, &provider), want, &w)?;

    // The access key id: unknown, or another known key.
    let w = edit_credential(&wire, mode, |p| p[0] = c.unknown_key());
    expect("unknown access key id", &run(&w, &provider), Expect::Code(INVALID_ACCESS_KEY_ID), &w)?;
    let w = edit_credential(&wire, mode, |p| p[0] = c.other_key());
    let other = match mode.token {
        // The other key is a long-term key: the session token is refused first.
        Token::Signed | Token::AddedAfterSigning => Expect::Code(INVALID_TOKEN),
        Token::None => mismatch,
    };
    expect("another access key id", &run(&w, &provider), other, &w)?;

    // The secret.
    let token = (mode.token != Token::None).then_some(c.token.as_str());
    let wrong_secret = c.provider(mode, &format!("{}x", c.secret), token);
    expect("different secret", &run(&wire, &wrong_secret), mismatch, &wire)?;

    // The signature.
    let w = flip_signature(&wire, mode, c.pick);
    expect("signature digit changed", &run(&w, &provider), mismatch, &w)?;

    // The session token: the credential expects another one, or none.
    if mode.token != Token::None {
        let other_token = c.provider(mode, &c.secret, Some(&format!("{}x", c.token)));
        expect("other session token", &run(&wire, &other_token), Expect::Code(INVALID_TOKEN), &wire)?;
        let long_term = c.provider(mode, &c.secret, None);
        expect("token for a long-term key", &run(&wire, &long_term), Expect::Code(INVALID_TOKEN), &wire)?;
    } else {
        let temporary = c.provider(mode, &c.secret, Some("token"));
        expect("no token for a temporary key", &run(&wire, &temporary), Expect::Code(INVALID_TOKEN), &wire)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(proptest_config(CASES))]

    #[test]
    fn header_normalized((mode, c) in mode_and_case(false, false)) {
        check(&c, &mode)?;
    }

    #[test]
    fn header_s3((mode, c) in mode_and_case(false, true)) {
        check(&c, &mode)?;
    }

    #[test]
    fn presigned_normalized((mode, c) in mode_and_case(true, false)) {
        check(&c, &mode)?;
    }

    #[test]
    fn presigned_s3((mode, c) in mode_and_case(true, true)) {
        check(&c, &mode)?;
    }
}

/// Every combination of modes, on fixed requests (so no mode depends on the random draw).
#[test]
fn every_mode_on_fixed_requests() {
    let base = Case {
        method: "GET".into(),
        host: "example.amazonaws.com".into(),
        path: "/a/b%20c/./../d$e/ü".into(),
        query: Some("b=2&a=%7e&a=1+1&flag&&sp ace=ü".into()),
        headers: vec![
            ("Content-Type".into(), "  text/plain;  charset=utf-8 ".into()),
            ("X-Amz-Meta-Foo".into(), "a\t\tb".into()),
            ("x-amz-meta-foo".into(), "c".into()),
        ],
        user_agent: Some("test/1.0".into()),
        body: b"{\"hello\":\"world\"}".to_vec(),
        time: 1_440_938_160,
        now_offset: -30,
        access_key: "AKIDEXAMPLE".into(),
        secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        token: "IQoJb3JpZ2luX2Vj/token+=".into(),
        region: "us-east-1".into(),
        service: "service".into(),
        pick: 3,
    };
    let http_safe = Case {
        path: "/a/b%20c/./../d$e/%C3%BC".into(),
        query: Some("b=2&a=%7e&a=1+1&flag&&x=".into()),
        ..base.clone()
    };
    let mut runs = 0;
    for presign in [None, Some(1), Some(3600), Some(604_800)] {
        for s3 in [false, true] {
            for payload in [Payload::Body, Payload::Declared, Payload::Unsigned] {
                for token in [Token::None, Token::Signed, Token::AddedAfterSigning] {
                    for (via_http, bare_unsigned) in [(false, false), (false, true), (true, false), (true, true)] {
                        let mode = Mode { presign, s3, payload, token, via_http, bare_unsigned };
                        let c = if via_http { &http_safe } else { &base };
                        let c = Case { now_offset: if presign == Some(1) { -1 } else { c.now_offset }, ..c.clone() };
                        check(&c, &mode).unwrap_or_else(|e| panic!("{mode:?}: {e}"));
                        runs += 1;
                    }
                }
            }
        }
    }
    assert_eq!(runs, 4 * 2 * 3 * 3 * 4);
}
