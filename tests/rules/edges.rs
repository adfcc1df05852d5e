//! The verifier's edges: what reaches it through every entry point (`http::Request`, `Parts`,
//! `SignableRequest`, `RawRequest`) is read the same way, what it consumed is what
//! `strip_signature` removes, and what it verified is what the caller is told.
//!
//! Each test first shows the genuine request verifying, so that no refusal below passes for an
//! unrelated reason.

use crate::common::block_on;
use sigv4_kit::raw::RawRequest;
use sigv4_kit::sign::{PayloadMode, SigV4Signer, SignError, SigningSettings};
use sigv4_kit::spec::sha256;
use sigv4_kit::verify::{
    ErrorCode, MemoryProvider, PathPolicy, PlusInQuery, Principal, PrincipalKind, Verifier, VerifierConfig,
    strip_signature,
};
use sigv4_kit::verify::{Verified, VerifyError};
use sigv4_kit::{AmzDate, Credentials, FixedClock, SignableRequest};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token/with+slashes==";

fn now() -> AmzDate {
    "20260517T064000Z".parse().expect("a valid time")
}

fn role() -> Principal {
    Principal::new("123456789012", "arn:aws:sts::123456789012:assumed-role/r/s", PrincipalKind::AssumedRole)
        .with_session_token(TOKEN)
}

fn provider() -> MemoryProvider {
    MemoryProvider::new().with_key(AKID, SECRET, role())
}

fn credentials() -> Credentials {
    Credentials::new(AKID, SECRET).with_session_token(TOKEN)
}

fn signer(service: &str, settings: SigningSettings) -> SigV4Signer {
    SigV4Signer::new(credentials(), "us-east-1", service).with_settings(settings).with_clock(FixedClock::new(now()))
}

fn verifier(config: VerifierConfig) -> Verifier {
    Verifier::new(config).with_clock(FixedClock::new(now()))
}

fn s3() -> VerifierConfig {
    VerifierConfig::new(["s3"]).with_s3_rules()
}

/// A signed S3 PUT with a body, a declared payload hash, a session token and a content type.
fn signed_put() -> http::Request<Vec<u8>> {
    let mut request = http::Request::put("http://bucket.s3.amazonaws.com/key?tagging=1")
        .header("content-type", "text/plain")
        .header("x-amz-meta-color", "blue")
        .body(b"hello".to_vec())
        .expect("a valid request");
    signer("s3", SigningSettings::s3()).sign(&mut request).expect("signs");
    request
}

/// `request` as raw HTTP/1.1 text, each header written `Name:{pad}value{pad}`.
fn raw_text(request: &http::Request<Vec<u8>>, pad: &str) -> Vec<u8> {
    let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let mut out = format!("{} {target} HTTP/1.1\r\n", request.method()).into_bytes();
    let host = request.uri().authority().map(|a| a.as_str().to_owned()).unwrap_or_default();
    out.extend_from_slice(format!("Host:{pad}{host}{pad}\r\n").as_bytes());
    for (name, value) in request.headers() {
        let value = value.to_str().expect("ASCII");
        out.extend_from_slice(format!("{name}:{pad}{value}{pad}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(request.body());
    out
}

fn verify_raw(verifier: &Verifier, raw: &RawRequest) -> Result<Verified, VerifyError> {
    let pending = verifier.begin_view(raw.signable())?;
    let credential = provider().get(pending.access_key_id());
    pending.finish(credential, Some(sha256(raw.body())))
}

fn rejected<T: core::fmt::Debug>(result: Result<T, VerifyError>, code: ErrorCode) -> VerifyError {
    match result {
        Err(e) => {
            assert_eq!(e.code(), code, "{e}");
            e
        }
        Ok(v) => panic!("expected {code}, got {v:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Header values are read without the whitespace around them, whatever the entry point.
// ---------------------------------------------------------------------------------------------

#[test]
fn raw_requests_written_with_spaces_after_the_colon_verify() {
    let v = verifier(s3());
    let request = signed_put();
    for pad in ["", " ", "  ", "\t", " \t "] {
        let raw = RawRequest::parse(&raw_text(&request, pad)).expect("parses");
        assert_eq!(raw.header("x-amz-security-token"), Some(TOKEN), "pad {pad:?}");
        let verified = verify_raw(&v, &raw).unwrap_or_else(|e| panic!("pad {pad:?}: {e}"));
        assert_eq!(verified.principal.session_token(), Some(TOKEN));
    }
    // The token is still compared: a wrong one, however spaced, is refused.
    let text = String::from_utf8(raw_text(&request, " ")).expect("UTF-8").replace(TOKEN, "other-token");
    rejected(verify_raw(&v, &RawRequest::parse(text.as_bytes()).expect("parses")), ErrorCode::InvalidToken);
}

#[test]
fn a_raw_request_keeps_its_spacing_when_written_back() {
    let text = b"GET / HTTP/1.1\r\nHost: h\r\nX-A:  one  \r\n\r\n";
    let raw = RawRequest::parse(text).expect("parses");
    assert_eq!(raw.header("x-a"), Some("one"));
    assert_eq!(raw.to_bytes(), b"GET / HTTP/1.1\r\nHost: h\r\nX-A: one\r\n\r\n");
}

/// Every value the verifier compares or parses, spaced out, through `http::Request`, `Parts`
/// and `SignableRequest`: the token, the date, the declared payload hash, the content type.
#[test]
fn values_with_surrounding_whitespace_verify_through_every_entry_point() {
    let v = verifier(s3());
    let request = signed_put();
    let mut spaced = request.clone();
    for (_, value) in spaced.headers_mut().iter_mut() {
        let padded = format!(" \t{} ", value.to_str().expect("ASCII"));
        *value = http::HeaderValue::from_str(&padded).expect("a valid value");
    }
    let provider = provider();
    block_on(v.verify_with_body(&spaced, &provider)).expect("http::Request");
    let (parts, body) = spaced.clone().into_parts();
    block_on(v.verify(&parts, Some(sha256(&body)), &provider)).expect("Parts");
    let headers: Vec<(String, String)> =
        spaced.headers().iter().map(|(n, v)| (n.as_str().to_owned(), v.to_str().expect("ASCII").to_owned())).collect();
    let mut view = SignableRequest::new("PUT", "/key?tagging=1").with_header("host", " bucket.s3.amazonaws.com ");
    for (n, value) in &headers {
        view.push_header(n, value);
    }
    let pending = v.begin_view(view).expect("SignableRequest");
    pending.finish(provider.get(AKID), Some(sha256(b"hello"))).expect("SignableRequest");
}

/// An S3 SigV4a signer for `region_set`, at the tests' time.
#[cfg(feature = "sigv4a")]
fn sigv4a_signer(region_set: &str) -> SigV4Signer {
    SigV4Signer::sigv4a(credentials(), sigv4_kit::sigv4a::RegionSet::new(region_set).expect("valid"), "s3")
        .with_settings(SigningSettings::s3())
        .with_clock(FixedClock::new(now()))
}

#[cfg(feature = "sigv4a")]
#[test]
fn a_spaced_sigv4a_region_set_and_token_verify_from_raw_text() {
    let signer = sigv4a_signer("us-east-1,us-west-2");
    let mut request = http::Request::get("http://mrap.example.com/key").body(Vec::new()).expect("valid");
    signer.sign(&mut request).expect("signs");
    let raw = RawRequest::parse(&raw_text(&request, "  ")).expect("parses");
    let verified = verify_raw(&verifier(s3()), &raw).expect("verifies");
    assert_eq!(verified.region(), "us-east-1,us-west-2");
}

// ---------------------------------------------------------------------------------------------
// 3. One reading of the presigned-URL parameter names.
// ---------------------------------------------------------------------------------------------

fn presigned_get() -> http::Request<Vec<u8>> {
    let mut request =
        http::Request::get("http://bucket.s3.amazonaws.com/key?versionId=3").body(Vec::new()).expect("valid");
    signer("s3", SigningSettings::s3().with_presign(600).with_payload(PayloadMode::Unsigned))
        .sign(&mut request)
        .expect("signs");
    request
}

fn with_query(request: &http::Request<Vec<u8>>, edit: impl Fn(&str) -> String) -> http::Request<Vec<u8>> {
    let mut out = request.clone();
    let path = request.uri().path();
    let query = edit(request.uri().query().unwrap_or_default());
    *out.uri_mut() = format!("http://bucket.s3.amazonaws.com{path}?{query}").parse().expect("a valid URI");
    out
}

#[test]
fn auth_parameters_in_another_spelling_are_refused() {
    let v = verifier(s3());
    let provider = provider();
    let url = presigned_get();
    block_on(v.verify_with_body(&url, &provider)).expect("the genuine URL verifies");
    for (from, to) in [
        ("X-Amz-Signature=", "X%2DAmz-Signature="),
        ("X-Amz-Security-Token=", "X%2DAmz-Security-Token="),
        ("X-Amz-Security-Token=", "x-amz-security-token="),
        ("X-Amz-Date=", "X-Amz-%44ate="),
        ("X-Amz-Expires=", "X-AMZ-EXPIRES="),
    ] {
        let renamed = with_query(&url, |q| q.replacen(from, to, 1));
        let e = rejected(block_on(v.verify_with_body(&renamed, &provider)), ErrorCode::InvalidArgument);
        assert!(e.message().contains("another spelling"), "{to}: {e}");
        // Whatever the verifier could have read, strip_signature removes.
        let (mut parts, _) = renamed.into_parts();
        strip_signature(&mut parts).expect("strips");
        assert_eq!(parts.uri.query(), Some("versionId=3"), "{to}");
    }
}

#[test]
fn a_header_signed_request_carries_no_presign_parameter() {
    use crate::common::aws_signer::{AwsKey, aws_settings, aws_sign};
    let v = verifier(s3());
    let provider = provider();
    let key = AwsKey {
        access_key: AKID,
        secret: SECRET,
        token: Some(TOKEN.to_owned()),
        region: "us-east-1",
        service: "s3",
        time: u64::try_from(now().unix_timestamp()).expect("after 1970"),
    };
    let token_mode = aws_sigv4::http_request::SessionTokenMode::Include;
    let body = aws_sigv4::http_request::SignableBody::Bytes(b"");
    for param in
        ["X-Amz-Security-Token=t", "X-Amz-Date=20260517T064000Z", "X-Amz-Expires=60", "X-Amz-SignedHeaders=host"]
    {
        let uri = format!("http://bucket.s3.amazonaws.com/key?{param}");
        // Our signer refuses to sign it in the first place...
        let mut request = http::Request::get(&uri).body(Vec::new()).expect("valid");
        let refused = signer("s3", SigningSettings::s3()).sign(&mut request);
        assert!(matches!(refused, Err(SignError::AlreadySigned { .. })), "{param}: {refused:?}");
        // ...and when another signer (aws-sigv4) signs it, parameter included, the verifier
        // refuses it: the parameter would be ignored here and read by whatever came next.
        let (instructions, _) =
            aws_sign(&key, aws_settings(true, true, token_mode, None), "GET", &uri, &[], body.clone());
        instructions.apply_to_request_http1x(&mut request);
        let e = rejected(block_on(v.verify_with_body(&request, &provider)), ErrorCode::InvalidArgument);
        assert!(e.message().contains("Authorization header"), "{param}: {e}");
        // Without the parameter, the same signer's request verifies.
        let mut clean = http::Request::get("http://bucket.s3.amazonaws.com/key").body(Vec::new()).expect("valid");
        let (instructions, _) = aws_sign(
            &key,
            aws_settings(true, true, token_mode, None),
            "GET",
            "http://bucket.s3.amazonaws.com/key",
            &[],
            body.clone(),
        );
        instructions.apply_to_request_http1x(&mut clean);
        block_on(v.verify_with_body(&clean, &provider)).expect("the genuine request verifies");
    }
}

#[test]
fn what_strip_signature_leaves_can_be_signed_again() {
    // The signer and strip_signature share the matcher: nothing the signer would call "already
    // signed" survives stripping, in any spelling.
    let url = presigned_get();
    let query = url.uri().query().unwrap_or_default().to_owned();
    let spellings = [
        query.clone(),
        query.replace("X-Amz-", "x-amz-"),
        query.replace("X-Amz-", "X%2DAmz-"),
        query.replace("X-Amz-", "%58%2D%41mz-"),
    ];
    for q in spellings {
        let (mut parts, ()) = http::Request::get(format!("http://h/key?{q}")).body(()).expect("valid").into_parts();
        strip_signature(&mut parts).expect("strips");
        assert_eq!(parts.uri.query(), Some("versionId=3"), "{q}");
        let mut again = http::Request::from_parts(parts, Vec::new());
        signer("s3", SigningSettings::s3()).sign(&mut again).expect("signs again");
    }
}

// ---------------------------------------------------------------------------------------------
// 5. What the inner service sees is what was verified.
// ---------------------------------------------------------------------------------------------

fn api_signer() -> SigV4Signer {
    signer("execute-api", SigningSettings::default())
}

fn api() -> VerifierConfig {
    VerifierConfig::new(["execute-api"])
}

/// `uri` signed by the API signer (which signs the normalized path).
fn signed_get(uri: &str) -> http::Request<Vec<u8>> {
    let mut request = http::Request::get(uri).body(Vec::new()).expect("valid");
    api_signer().sign(&mut request).expect("signs");
    request
}

fn verify(config: VerifierConfig, request: &http::Request<Vec<u8>>) -> Result<Verified, VerifyError> {
    block_on(verifier(config).verify_with_body(request, &provider()))
}

#[test]
fn paths_that_normalization_changes_are_refused_by_default_and_verified_as_normalized_on_request() {
    let plain = signed_get("http://api.example.com/b");
    assert_eq!(verify(api(), &plain).expect("verifies").path(), "/b");
    for path in ["/admin/../b", "//b", "/./b", "/x/y/../../b", "/b/."] {
        // Signed by a client that normalizes, as SigV4 does: the signature is the one for /b.
        let request = signed_get(&format!("http://api.example.com{path}"));
        let e = rejected(verify(api(), &request), ErrorCode::InvalidArgument);
        assert!(e.message().contains("normal form"), "{path}: {e}");
        let verified = verify(api().with_path_policy(PathPolicy::Rewrite), &request).expect("verifies");
        assert_eq!(verified.path(), "/b", "{path}");
    }
    // A trailing slash is part of the path.
    let request = signed_get("http://api.example.com/a/b/../");
    assert_eq!(verify(api().with_path_policy(PathPolicy::Rewrite), &request).expect("verifies").path(), "/a/");
    // S3 signs the path as sent: nothing to normalize, nothing refused.
    let mut s3_request = http::Request::get("http://bucket.s3.amazonaws.com/a/../b").body(Vec::new()).expect("valid");
    signer("s3", SigningSettings::s3()).sign(&mut s3_request).expect("signs");
    assert_eq!(verify(s3(), &s3_request).expect("verifies").path(), "/a/../b");
}

#[test]
fn dot_segments_in_another_reading_of_the_path_are_refused_by_default() {
    for path in [
        "/a/%2E%2E/b",
        "/a/%2e/b",
        "/a/.%2E/b",
        "/b/%2E%2E%2Fadmin",
        "/b/..%2Fadmin",
        "/b/%2e%2e%5cadmin",
        "/b/..;/admin",
    ] {
        let request = signed_get(&format!("http://api.example.com{path}"));
        let e = rejected(verify(api(), &request), ErrorCode::InvalidArgument);
        assert!(e.message().contains("dot segment"), "{path}: {e}");
        // As AWS reads it, the segment is a name.
        assert_eq!(verify(api().with_path_policy(PathPolicy::Rewrite), &request).expect("verifies").path(), path);
    }
}

#[test]
fn an_absolute_form_target_must_name_the_signed_host() {
    let request = signed_get("http://api.example.com/q");
    // The same request sent in absolute form, to another authority, with its signed Host.
    let mut elsewhere = request.clone();
    *elsewhere.uri_mut() = "http://evil.example.net/q".parse().expect("valid");
    elsewhere.headers_mut().insert("host", "api.example.com".parse().expect("valid"));
    let e = rejected(verify(api(), &elsewhere), ErrorCode::InvalidArgument);
    assert!(e.message().contains("evil.example.net"), "{e}");
    // The same authority in another case, or with the default port, is the same host.
    for uri in ["http://API.example.com/q", "http://api.example.com:80/q"] {
        let mut same = request.clone();
        *same.uri_mut() = uri.parse().expect("valid");
        same.headers_mut().insert("host", "api.example.com".parse().expect("valid"));
        verify(api(), &same).unwrap_or_else(|e| panic!("{uri}: {e}"));
    }
    // And from raw text.
    let text = String::from_utf8(raw_text(&request, " ")).expect("UTF-8").replacen(
        "GET /q",
        "GET http://evil.example.net/q",
        1,
    );
    let raw = RawRequest::parse(text.as_bytes()).expect("parses");
    rejected(verify_raw(&verifier(api()), &raw), ErrorCode::InvalidArgument);
    // An absolute-form target without a path is the path `/`.
    let root = signed_get("http://api.example.com/");
    let text =
        String::from_utf8(raw_text(&root, " ")).expect("UTF-8").replacen("GET / ", "GET http://api.example.com ", 1);
    let raw = RawRequest::parse(text.as_bytes()).expect("parses");
    assert_eq!(verify_raw(&verifier(api()), &raw).expect("verifies").path(), "/");
}

#[test]
fn a_repeated_host_is_refused() {
    let request = signed_get("http://api.example.com/q");
    let mut twice = request.clone();
    twice.headers_mut().insert("host", "api.example.com".parse().expect("valid"));
    twice.headers_mut().append("host", "evil.example.net".parse().expect("valid"));
    rejected(verify(api(), &twice), ErrorCode::InvalidArgument);
}

#[test]
fn a_literal_plus_is_refused_by_default_and_read_as_a_plus_on_request() {
    // Signed over a=1%2B2 (a plus sign); sent with a literal '+', which form decoders read as a
    // space.
    let request = signed_get("http://api.example.com/q?a=1%2B2");
    verify(api(), &request).expect("the encoded plus verifies");
    let mut literal = request.clone();
    *literal.uri_mut() = "http://api.example.com/q?a=1+2".parse().expect("valid");
    let e = rejected(verify(api(), &literal), ErrorCode::InvalidArgument);
    assert!(e.message().contains("'+'"), "{e}");
    verify(api().with_plus_in_query(PlusInQuery::Literal), &literal).expect("AWS's reading: a plus sign");
    // A space (%20) is another query, and another signature.
    let mut space = request.clone();
    *space.uri_mut() = "http://api.example.com/q?a=1%202".parse().expect("valid");
    rejected(verify(api(), &space), ErrorCode::SignatureDoesNotMatch);
}

// ---------------------------------------------------------------------------------------------
// 6. A body that disagrees with its Content-Length; the order of cheap and costly checks.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_whole_body_must_be_as_long_as_its_content_length() {
    let mut request = http::Request::post("http://api.example.com/q").body(b"hello".to_vec()).expect("valid");
    api_signer().sign(&mut request).expect("signs");
    verify(api(), &request).expect("verifies without a Content-Length");
    request.headers_mut().insert("content-length", "5".parse().expect("valid"));
    verify(api(), &request).expect("verifies with the right one");
    request.headers_mut().insert("content-length", "9".parse().expect("valid"));
    rejected(verify(api(), &request), ErrorCode::IncompleteBody);
    request.headers_mut().insert("content-length", "3".parse().expect("valid"));
    rejected(verify(api(), &request), ErrorCode::InvalidArgument);
}

#[cfg(feature = "sigv4a")]
#[test]
fn every_cheap_check_runs_before_the_ecdsa_verification() {
    // A forged SigV4a request (a wrong signature) that also breaks a cheap rule is refused for
    // the cheap rule: the ECDSA verification, about fifty SigV4 checks, never runs.
    let signer = sigv4a_signer("*");
    let mut request = http::Request::put("http://mrap.example.com/key").body(b"hello".to_vec()).expect("valid");
    signer.sign(&mut request).expect("signs");
    verify(s3(), &request).expect("the genuine request verifies");
    let forged = {
        let mut r = request.clone();
        let auth = r.headers()["authorization"].to_str().expect("ASCII").to_owned();
        let (head, sig) = auth.rsplit_once("Signature=").expect("a signature");
        let flipped: String = sig.chars().rev().collect();
        r.headers_mut().insert("authorization", format!("{head}Signature={flipped}").parse().expect("valid"));
        r
    };
    rejected(verify(s3(), &forged), ErrorCode::SignatureDoesNotMatch);
    let mut other_body = forged.clone();
    *other_body.body_mut() = b"HELLO".to_vec();
    rejected(verify(s3(), &other_body), ErrorCode::XAmzContentSHA256Mismatch);
    let mut other_token = forged.clone();
    other_token.headers_mut().insert("x-amz-security-token", "not-the-token".parse().expect("valid"));
    rejected(verify(s3(), &other_token), ErrorCode::InvalidToken);
    let unknown = forged.clone();
    let provider = MemoryProvider::new();
    let e = block_on(verifier(s3()).verify_with_body(&unknown, &provider)).expect_err("an unknown key");
    assert_eq!(e.code(), ErrorCode::InvalidAccessKeyId);
    let mut skewed = forged.clone();
    skewed.headers_mut().insert("x-amz-date", "20260517T070000Z".parse().expect("valid"));
    rejected(verify(s3(), &skewed), ErrorCode::RequestTimeTooSkewed);
}

const AUTH_PARAMS: [&str; 8] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
    "X-Amz-Region-Set",
];

/// `name` respelled: each character kept, its case flipped, or percent-encoded (either hex case),
/// as `choices` says.
fn respell(name: &str, choices: &[u8]) -> String {
    name.chars()
        .zip(choices.iter().cycle())
        .map(|(c, choice)| match choice % 4 {
            0 => c.to_string(),
            1 if c.is_ascii_uppercase() => c.to_ascii_lowercase().to_string(),
            1 => c.to_ascii_uppercase().to_string(),
            2 => format!("%{:02X}", c as u32),
            _ => format!("%{:02x}", c as u32),
        })
        .collect()
}

proptest::proptest! {
    #![proptest_config(crate::common::proptest_config(256))]

    /// Any spelling of an auth parameter: the verifier refuses it unless it is AWS's exact name,
    /// the signer will not sign a request that carries it, and strip_signature removes it.
    #[test]
    fn every_spelling_of_an_auth_parameter_is_read_alike(
        which in 0..AUTH_PARAMS.len(),
        choices in proptest::collection::vec(0u8..4, 1..24),
        presigned in proptest::bool::ANY,
    ) {
        let name = AUTH_PARAMS[which];
        let spelled = respell(name, &choices);
        let exact = spelled == name;
        let base = if presigned { presigned_get() } else {
            let mut r = http::Request::get("http://bucket.s3.amazonaws.com/key?versionId=3").body(Vec::new()).expect("valid");
            signer("s3", SigningSettings::s3()).sign(&mut r).expect("signs");
            r
        };
        let with_param = with_query(&base, |q| format!("{q}&{spelled}=v"));
        let result = block_on(verifier(s3()).verify_with_body(&with_param, &provider()));
        let e = result.expect_err("never accepted: repeated, in a header-signed request, or misspelled");
        if !exact {
            proptest::prop_assert!(e.message().contains("another spelling"), "{spelled}: {e}");
        }
        let (mut parts, _) = with_param.clone().into_parts();
        strip_signature(&mut parts).expect("strips");
        proptest::prop_assert_eq!(parts.uri.query(), Some("versionId=3"), "{}", spelled);
        let mut unsigned = http::Request::get(format!("http://h/key?{spelled}=v")).body(Vec::new()).expect("valid");
        let refused = signer("s3", SigningSettings::s3()).sign(&mut unsigned);
        proptest::prop_assert!(matches!(refused, Err(SignError::AlreadySigned { .. })), "{}: {:?}", spelled, refused);
    }
}
