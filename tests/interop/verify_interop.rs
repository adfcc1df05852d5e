//! The verifier accepts what other SigV4 signers produce, and rejects changed copies.
//!
//! * botocore: every case of `tests/interop/botocore_vectors.json` (signed by botocore's
//!   `SigV4Auth`, `S3SigV4Auth`, `SigV4QueryAuth` and `S3SigV4QueryAuth`) is rebuilt as botocore
//!   sent it and must verify, both as an [`http::Request`] and as a [`SignableRequest`] view.
//!   Copies with one byte of the path, a query value or a signed header value changed, the body
//!   changed where it is signed, or one digit of the signature changed, must be rejected with
//!   the right code.
//! * aws-sigv4 (the AWS SDK for Rust signer): random requests signed in header and query mode,
//!   with normalized paths and double encoding or with S3 single encoding and
//!   `x-amz-content-sha256`, must verify.

use std::collections::BTreeMap;

use crate::aws_strategies::{aws_query, aws_segment, spaced_words};
use crate::common::aws_signer::{AwsKey, aws_settings, aws_sign};
use crate::common::strategies::{header_name_of, path_of, select_str};
use crate::common::tamper::{
    CONTENT_SHA256_MISMATCH, SIGNATURE_DOES_NOT_MATCH, Wire, alnum_positions, changed_path, flip_at, next_hex,
    verify_parts, verify_view,
};
use crate::common::{build_request, proptest_config};
use crate::uri_encode;
use crate::vectors::{BotocoreCase, botocore_case_values, botocore_document};
use aws_sigv4::http_request::{SessionTokenMode as AwsTokenMode, SignableBody as AwsBody};
use proptest::prelude::*;
use serde_json::Value;
use sigv4_kit::spec::sha256;
use sigv4_kit::verify::{
    AuthMethod, MemoryProvider, PathPolicy, PayloadState, PlusInQuery, Principal, PrincipalKind, VerifierConfig,
};
use sigv4_kit::verify::{Verified, Verifier, VerifyError};
use sigv4_kit::{AmzDate, FixedClock, SessionTokenMode, UriMode};

const BOTOCORE_CASES: usize = 640;

/// The outcome of a verification, for messages.
fn outcome(r: &Result<Verified, VerifyError>) -> String {
    match r {
        Ok(_) => "Ok".to_owned(),
        Err(e) => {
            let mut s = format!("{}: {}", e.code(), e.message());
            if let Some(d) = e.debug_info() {
                s.push_str(&format!("\n    verifier's canonical request: {:?}", d.canonical_request));
            }
            s
        }
    }
}

// ---------------------------------------------------------------------------------------------
// botocore.
// ---------------------------------------------------------------------------------------------

impl BotocoreCase {
    /// The request as botocore sent it.
    fn wire(&self) -> Wire {
        let mut target = self.target();
        let mut headers = self.headers.clone();
        if self.signing.is_query_auth() {
            for (k, v) in &self.expected.added_query {
                target.push(if target.contains('?') { '&' } else { '?' });
                target.push_str(&uri_encode(k));
                target.push('=');
                target.push_str(&uri_encode(v));
            }
        } else {
            headers.extend(self.expected.added_headers.iter().cloned());
        }
        Wire {
            method: self.method.clone(),
            host: self.host.clone(),
            target,
            headers,
            body: self.body.as_bytes().to_vec(),
        }
    }

    fn verifier(&self) -> Verifier {
        let signing = &self.signing;
        let mut config = VerifierConfig::new([signing.service.as_str()])
            .with_expose_debug(true)
            // AWS's reading: unnormalized paths and literal '+' verify (the gateway defaults refuse them).
            .with_path_policy(PathPolicy::Rewrite)
            .with_plus_in_query(PlusInQuery::Literal);
        if signing.is_s3() {
            config = config.with_s3_rules();
        } else if signing.unsigned {
            config = config.with_unsigned_payload(true);
            if signing.is_query_auth() {
                // SigV4QueryAuth with payload signing off signs UNSIGNED-PAYLOAD without declaring
                // it anywhere: the verifier must be told, with S3's payload rules (the path stays
                // normalized). Signed SigV4QueryAuth URLs sign the hash of the (empty) body.
                config = config.with_s3_payload_rules(true);
            }
        }
        let time = signing.amz_date().expect("case time");
        Verifier::new(config).with_clock(FixedClock::new(time))
    }

    fn uri_mode(&self) -> UriMode {
        if self.signing.is_s3() { UriMode::S3 } else { UriMode::Normalized }
    }

    /// What a changed body must give: the body is in the signature only as the payload line
    /// (`SignatureDoesNotMatch`), or as the declared `x-amz-content-sha256`
    /// (`XAmzContentSHA256Mismatch`), or not at all (`UNSIGNED-PAYLOAD`).
    fn body_change_code(&self) -> Option<&'static str> {
        match (self.signing.unsigned, self.signing.auth.as_str()) {
            (true, _) => None,
            (false, "S3SigV4Auth") => Some(CONTENT_SHA256_MISMATCH),
            (false, _) => Some(SIGNATURE_DOES_NOT_MATCH),
        }
    }
}

/// The query with one byte of the first value of a parameter that is not a signing parameter
/// changed (or `Z` appended to an empty value); `None` when there is no such parameter.
fn changed_query(query: &str) -> Option<String> {
    let mut segments: Vec<String> = query.split('&').map(str::to_owned).collect();
    let seg = segments.iter_mut().find(|s| !s.is_empty() && !s.starts_with("X-Amz-"))?;
    *seg = match seg.split_once('=') {
        Some((k, v)) => match alnum_positions(v).first() {
            Some(&i) => format!("{k}={}", flip_at(v, i)),
            None => format!("{k}={v}Z"),
        },
        None => format!("{seg}=Z"),
    };
    Some(segments.join("&"))
}

/// One result of a botocore check.
struct Finding {
    case: String,
    what: &'static str,
    detail: String,
}

/// Verifies one botocore case and its changed copies; returns what went wrong.
fn check_boto(case: &BotocoreCase, findings: &mut Vec<Finding>, changed: &mut usize) -> bool {
    let verifier = case.verifier();
    let provider = case.signing.provider(&case.name);
    let wire = case.wire();
    let mut fail = |what: &'static str, detail: String| {
        findings.push(Finding { case: case.name.clone(), what, detail });
    };
    let run = |w: &Wire| {
        let (parts, _) = w.http_request().into_parts();
        let body_hash = Some(sha256(&w.body));
        (verify_parts(&verifier, &parts, &provider, body_hash), verify_view(&verifier, w.view(), &provider, body_hash))
    };
    let carries_signature = wire.target.contains(&case.expected.signature)
        || wire.headers.iter().any(|(_, v)| v.contains(&case.expected.signature));
    if !carries_signature {
        fail("request does not carry botocore's signature", format!("{wire:?}"));
    }

    // The request as botocore sent it.
    let (via_http, via_view) = run(&wire);
    let mut verified = true;
    for (how, r) in [("http::Request", &via_http), ("SignableRequest", &via_view)] {
        match r {
            Ok(v) => {
                let auth_ok = match v.auth {
                    AuthMethod::Header => !case.signing.is_query_auth(),
                    AuthMethod::PresignedQuery { .. } => case.signing.is_query_auth(),
                    _ => false,
                };
                let payload_ok = match v.payload {
                    PayloadState::Unsigned => case.signing.unsigned,
                    PayloadState::Checked => !case.signing.unsigned,
                    _ => false,
                };
                if !auth_ok || !payload_ok || v.signed_headers() != case.expected.signed_headers {
                    verified = false;
                    fail("verified with the wrong details", format!("{how}: {v:?}"));
                }
            }
            Err(_) => {
                verified = false;
                fail("rejected", format!("{how}: {}", outcome(r)));
            }
        }
    }

    // Changed copies, each checked both ways.
    let mut expect = |what: &'static str, w: &Wire, want: Option<&'static str>| {
        let (a, b) = run(w);
        *changed += 1;
        for r in [&a, &b] {
            let good = match (r, want) {
                (Ok(_), None) => true,
                (Err(e), Some(code)) => e.code() == code,
                _ => false,
            };
            if !good {
                findings.push(Finding {
                    case: case.name.clone(),
                    what,
                    detail: format!("expected {}, got {}\n    request: {w:?}", want.unwrap_or("Ok"), outcome(r)),
                });
            }
        }
    };
    let path = changed_path(wire.path(), case.uri_mode(), 0);
    let w = wire.with_path(&path);
    expect("path byte changed", &w, Some(SIGNATURE_DOES_NOT_MATCH));

    if let Some(q) = wire.query().and_then(changed_query) {
        let w = wire.with_query(&q);
        expect("query value changed", &w, Some(SIGNATURE_DOES_NOT_MATCH));
    }

    // The case's own headers come first in the wire headers; change the first signed one.
    let signed: Vec<&str> = case.expected.signed_headers.split(';').collect();
    if let Some(i) =
        (0..case.headers.len()).find(|&i| signed.contains(&wire.headers[i].0.to_ascii_lowercase().as_str()))
    {
        let mut w = wire.clone();
        let v = &w.headers[i].1;
        w.headers[i].1 = match alnum_positions(v).first() {
            Some(&p) => flip_at(v, p),
            None => format!("{v}Z"),
        };
        expect("signed header value changed", &w, Some(SIGNATURE_DOES_NOT_MATCH));
    }

    let mut w = wire.clone();
    let mut body = w.body.clone();
    match body.first_mut() {
        Some(b) => *b ^= 0x01,
        None => body.push(b'x'),
    }
    w.body = body;
    expect("body changed", &w, case.body_change_code());

    // One hex digit of the signature.
    let mut w = wire.clone();
    if case.signing.is_query_auth() {
        let at = w.target.find("X-Amz-Signature=").expect("X-Amz-Signature") + "X-Amz-Signature=".len();
        let mut t = std::mem::take(&mut w.target).into_bytes();
        t[at + 5] = next_hex(t[at + 5]);
        w.target = String::from_utf8(t).expect("ASCII");
    } else {
        let h = w.headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case("authorization")).expect("Authorization");
        let at = h.1.find("Signature=").expect("Signature=") + "Signature=".len();
        let mut v = std::mem::take(&mut h.1).into_bytes();
        v[at + 5] = next_hex(v[at + 5]);
        h.1 = String::from_utf8(v).expect("ASCII");
    }
    expect("signature digit changed", &w, Some(SIGNATURE_DOES_NOT_MATCH));
    verified
}

#[test]
fn botocore_vectors_verify() {
    let doc = botocore_document();
    let cases = BotocoreCase::parse_all(botocore_case_values(&doc));
    assert_eq!(cases.len(), BOTOCORE_CASES, "every case of the file must be read");

    let mut per_class: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut findings = Vec::new();
    let mut changed = 0;
    for case in &cases {
        let key = format!("{} payload={}", case.signing.auth, case.signing.payload());
        let entry = per_class.entry(key).or_default();
        entry.0 += 1;
        if check_boto(case, &mut findings, &mut changed) {
            entry.1 += 1;
        }
    }
    let verified: usize = per_class.values().map(|(_, ok)| ok).sum();
    println!("botocore {} vectors:", doc.get("botocore_version").and_then(Value::as_str).unwrap_or("?"));
    for (class, (total, ok)) in &per_class {
        println!("  {class:<34} {ok:>4} / {total:>4} verify");
    }
    println!("  {changed} changed copies checked (each as an http::Request and as a SignableRequest)");
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &findings {
        *by_kind.entry(f.what).or_default() += 1;
    }
    for (what, n) in &by_kind {
        println!("  {n:>4} x {what}");
    }
    for f in findings.iter().take(40) {
        println!("FAIL {} [{}]\n    {}\n", f.case, f.what, f.detail);
    }
    assert!(
        findings.is_empty(),
        "{} findings; {verified} of {} cases verify (see the output above)",
        findings.len(),
        cases.len()
    );
    assert_eq!(verified, BOTOCORE_CASES);
}

// ---------------------------------------------------------------------------------------------
// aws-sigv4.
// ---------------------------------------------------------------------------------------------

/// Cases per mode (four modes: header and query, normalized and S3).
const AWS_CASES: u32 = 320;

/// How aws-sigv4 treats the session token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AwsToken {
    None,
    /// `SessionTokenMode::Include`: signed.
    Include,
    /// `SessionTokenMode::Exclude`: added after signing.
    Exclude,
}

#[derive(Debug, Clone)]
struct AwsCase {
    method: String,
    host: String,
    port: Option<u16>,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Header auth: sign `UNSIGNED-PAYLOAD` (declared in `x-amz-content-sha256`).
    unsigned: bool,
    /// Normalized header auth: declare the body hash in `x-amz-content-sha256`.
    declare: bool,
    token: AwsToken,
    token_value: String,
    time: u64,
    access_key: String,
    secret: String,
    region: String,
    service: String,
}

impl AwsCase {
    fn uri(&self) -> String {
        let authority = match self.port {
            Some(p) => format!("{}:{p}", self.host),
            None => self.host.clone(),
        };
        match &self.query {
            Some(q) => format!("https://{authority}{}?{q}", self.path),
            None => format!("https://{authority}{}", self.path),
        }
    }
}

/// A path. aws-sigv4 keeps a trailing slash after a final `.` or `..` segment when it
/// normalizes (`/a/b/..` gives `/a/`; botocore and sigv4-kit give `/a`), so such a path gets a
/// slash appended.
fn aws_path(s3: bool) -> impl Strategy<Value = String> {
    path_of(aws_segment(s3), !s3)
}

/// Header names. The signer's own headers are not generated (aws-sigv4 overwrites them), nor
/// `x-amz-user-agent` and `x-amz-checksum-mode` (aws-sigv4 leaves them unsigned in presigned
/// URLs, which a verifier must refuse as unsigned `x-amz-*` headers). Headers aws-sigv4 never
/// signs (`user-agent`, `x-amzn-trace-id`) and hop-by-hop headers it does sign are generated.
fn aws_header_name() -> impl Strategy<Value = String> {
    const AVOID: &[&str] = &[
        "host",
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-content-sha256",
        "x-amz-user-agent",
        "x-amz-checksum-mode",
        "transfer-encoding",
    ];
    const NAMES: &[&str] = &[
        "Content-Type",
        "content-type",
        "X-Amz-Meta-Foo",
        "x-amz-meta-foo",
        "X-Amz-Target",
        "Content-MD5",
        "Range",
        "My-Header1",
        "User-Agent",
        "X-Amzn-Trace-Id",
        "Connection",
        "Expect",
        "Accept",
    ];
    header_name_of(NAMES, "[A-Za-z][A-Za-z0-9-]{0,12}", |n| AVOID.iter().any(|a| a.eq_ignore_ascii_case(n)), "X-Not-")
}

fn aws_case(s3: bool) -> impl Strategy<Value = AwsCase> {
    let request = (
        prop_oneof![4 => select_str(&["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH"]), 1 => "[A-Z][A-Z-]{0,8}"],
        "[a-z0-9]{1,10}(\\.[a-z0-9]{1,8}){0,3}",
        prop_oneof![3 => Just(None), 1 => Just(Some(443u16)), 1 => (1u16..=u16::MAX).prop_map(Some)],
        aws_path(s3),
        aws_query(),
        // Header values: words and runs of spaces (aws-sigv4 trims and collapses spaces only).
        prop::collection::vec((aws_header_name(), spaced_words(0..3)), 0..6),
        prop::collection::vec(any::<u8>(), 0..48),
    );
    let token = prop::sample::select(vec![AwsToken::None, AwsToken::Include, AwsToken::Exclude]);
    let secrets = ("[A-Z0-9]{4,20}", "[A-Za-z0-9/+]{1,40}", "[A-Za-z0-9+/=]{1,48}");
    let scope = ("[a-z]{2}-[a-z]{1,8}-[0-9]", "[a-z0-9][a-z0-9-]{0,9}");
    (request, any::<bool>(), any::<bool>(), token, 0u64..4_102_444_800, secrets, scope).prop_map(
        |(
            (method, host, port, path, query, headers, body),
            unsigned,
            declare,
            token,
            time,
            (access_key, secret, token_value),
            (region, service),
        )| AwsCase {
            method,
            host,
            port,
            path,
            query,
            headers,
            body,
            unsigned,
            declare,
            token,
            token_value,
            time,
            access_key,
            secret,
            region,
            service,
        },
    )
}

/// Signs `c` with aws-sigv4: header auth (`expires` `None`) or a presigned URL.
fn sign_with_aws(c: &AwsCase, s3: bool, expires: Option<u64>) -> http::Request<Vec<u8>> {
    let key = AwsKey {
        access_key: &c.access_key,
        secret: &c.secret,
        token: (c.token != AwsToken::None).then(|| c.token_value.clone()),
        region: &c.region,
        service: &c.service,
        time: c.time,
    };
    let token_mode = match c.token {
        AwsToken::Exclude => AwsTokenMode::Exclude,
        AwsToken::None | AwsToken::Include => AwsTokenMode::Include,
    };
    let settings = aws_settings(s3, c.declare || c.unsigned, token_mode, expires);
    // Presigned URLs: S3 signs UNSIGNED-PAYLOAD (which an S3 verifier assumes without a
    // declaration), other services the hash of the body (which the verifier is given).
    let body = match (expires, s3, c.unsigned) {
        (Some(_), true, _) => AwsBody::UnsignedPayload,
        (Some(_), false, _) => AwsBody::Bytes(&c.body),
        (None, _, true) => AwsBody::UnsignedPayload,
        (None, _, false) => AwsBody::Bytes(&c.body),
    };
    let uri = c.uri();
    let (instructions, _signature) = aws_sign(&key, settings, &c.method, &uri, &c.headers, body);
    let mut signed = build_request(&c.method, &uri, &c.headers, c.body.clone()).expect("a valid http::Request");
    instructions.apply_to_request_http1x(&mut signed);
    signed
}

/// Signs with aws-sigv4 and verifies with the `Verifier`.
fn check_aws(c: &AwsCase, s3: bool, expires: Option<u64>) -> Result<(), TestCaseError> {
    let signed = sign_with_aws(c, s3, expires);
    let mut config = VerifierConfig::new([c.service.as_str()])
        .with_expose_debug(true)
        // AWS's reading: unnormalized paths and literal '+' verify (the gateway defaults refuse them).
        .with_path_policy(PathPolicy::Rewrite)
        .with_plus_in_query(PlusInQuery::Literal);
    if s3 {
        config = config.with_s3_rules();
    } else if c.unsigned && expires.is_none() {
        config = config.with_unsigned_payload(true);
    }
    if c.token == AwsToken::Exclude {
        config = config.with_session_token_mode(SessionTokenMode::AddedAfterSigning);
    }
    let time = AmzDate::from_unix(i64::try_from(c.time).expect("time fits")).expect("time in range");
    let verifier = Verifier::new(config).with_clock(FixedClock::new(time));
    let kind = if c.token == AwsToken::None { PrincipalKind::IamUser } else { PrincipalKind::AssumedRole };
    let mut principal = Principal::new("123456789012", "arn:aws:iam::123456789012:user/interop", kind);
    if c.token != AwsToken::None {
        principal = principal.with_session_token(c.token_value.as_str());
    }
    let provider = MemoryProvider::new().with_key(c.access_key.as_str(), c.secret.as_str(), principal);

    let (parts, body) = signed.into_parts();
    let r = verify_parts(&verifier, &parts, &provider, Some(sha256(&body)));
    let v = r.as_ref().map_err(|_| {
        TestCaseError::fail(format!(
            "aws-sigv4 request rejected: {}\n  {} {}\n  headers: {:?}",
            outcome(&r),
            parts.method,
            parts.uri,
            parts.headers
        ))
    })?;
    prop_assert_eq!(&v.access_key_id(), &c.access_key);
    prop_assert_eq!(&v.service(), &c.service);
    prop_assert_eq!(v.time, time);
    match expires {
        Some(e) => prop_assert_eq!(v.auth, AuthMethod::PresignedQuery { expires_in: e }),
        None => prop_assert_eq!(v.auth, AuthMethod::Header),
    }

    // And a copy with one signature digit changed is refused.
    let mut tampered = http::Request::from_parts(parts, body);
    if expires.is_some() {
        let uri = tampered.uri().to_string();
        let at = uri.find("X-Amz-Signature=").expect("X-Amz-Signature") + "X-Amz-Signature=".len();
        let mut bytes = uri.into_bytes();
        bytes[at] = next_hex(bytes[at]);
        *tampered.uri_mut() = String::from_utf8(bytes).expect("ASCII").parse().expect("a valid uri");
    } else {
        let value = tampered.headers()["authorization"].to_str().expect("ASCII").to_owned();
        let at = value.find("Signature=").expect("Signature=") + "Signature=".len();
        let mut bytes = value.into_bytes();
        bytes[at] = next_hex(bytes[at]);
        let value = http::HeaderValue::from_bytes(&bytes).expect("a valid header value");
        tampered.headers_mut().insert(http::header::AUTHORIZATION, value);
    }
    let (parts, body) = tampered.into_parts();
    let r = verify_parts(&verifier, &parts, &provider, Some(sha256(&body)));
    prop_assert!(matches!(&r, Err(e) if e.code() == SIGNATURE_DOES_NOT_MATCH), "changed signature: {}", outcome(&r));
    Ok(())
}

proptest! {
    #![proptest_config(proptest_config(AWS_CASES))]

    #[test]
    fn aws_sigv4_header_normalized(c in aws_case(false)) {
        check_aws(&c, false, None)?;
    }

    #[test]
    fn aws_sigv4_header_s3(c in aws_case(true)) {
        check_aws(&c, true, None)?;
    }

    #[test]
    fn aws_sigv4_query_normalized(c in aws_case(false), expires in 1u64..=604_800) {
        check_aws(&c, false, Some(expires))?;
    }

    #[test]
    fn aws_sigv4_query_s3(c in aws_case(true), expires in 1u64..=604_800) {
        check_aws(&c, true, Some(expires))?;
    }
}
