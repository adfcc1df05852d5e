//! Behaviour of `SigV4Signer` on `http` requests: every rule here fails when broken.

use http::{HeaderValue, Request};
use sigv4_kit::sign::{PayloadMode, SigV4Signer, SignError, SigningSettings};
use sigv4_kit::spec::ExcludedHeaders;
use sigv4_kit::{AmzDate, Credentials, FixedClock, PayloadHash, SessionTokenMode, SignableRequest};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn t() -> AmzDate {
    "20150830T123600Z".parse().unwrap_or_else(|e| panic!("{e}"))
}

fn signer(settings: SigningSettings) -> SigV4Signer {
    SigV4Signer::new(Credentials::new("AKIDEXAMPLE", SECRET), "us-east-1", "service")
        .with_settings(settings)
        .with_clock(FixedClock::new(t()))
}

fn get(uri: &str) -> Request<Vec<u8>> {
    Request::get(uri).body(Vec::new()).unwrap_or_else(|e| panic!("{e}"))
}

fn snapshot(r: &Request<Vec<u8>>) -> String {
    format!("{} {} {:?}", r.method(), r.uri(), r.headers())
}

#[test]
fn host_comes_from_the_uri_without_a_default_port() {
    for (uri, host) in [
        ("https://example.amazonaws.com:443/", "example.amazonaws.com"),
        ("http://example.amazonaws.com:80/", "example.amazonaws.com"),
        ("https://example.amazonaws.com:8443/", "example.amazonaws.com:8443"),
        ("http://user:pw@example.amazonaws.com/", "example.amazonaws.com"),
    ] {
        let mut req = get(uri);
        let out = signer(SigningSettings::default()).sign(&mut req).unwrap_or_else(|e| panic!("{uri}: {e}"));
        let view = SignableRequest::new("GET", "/").with_header("host", host);
        let expected = signer(SigningSettings::default())
            .sign_at(&view, &PayloadHash::of(b""), t())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.signature(), expected.signature(), "{uri}");
    }
}

#[test]
fn get_vanilla_over_http_matches_the_suite() {
    let mut req = get("https://example.amazonaws.com/");
    let out = signer(SigningSettings::default()).sign(&mut req).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.signature().to_string(), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    assert_eq!(req.headers()["x-amz-date"], "20150830T123600Z");
    assert!(req.headers()["authorization"].is_sensitive());
    assert!(!req.headers().contains_key("host"), "the host header is signed, not added");
}

#[test]
fn a_uri_without_authority_and_no_host_is_an_error() {
    let mut req = get("/relative");
    let before = snapshot(&req);
    assert_eq!(signer(SigningSettings::default()).sign(&mut req).err(), Some(SignError::MissingHost));
    assert_eq!(snapshot(&req), before);
}

#[test]
fn already_signed_requests_are_refused_and_unchanged() {
    let mut req = get("https://example.amazonaws.com/");
    req.headers_mut().insert("authorization", HeaderValue::from_static("AWS4-HMAC-SHA256 x"));
    let before = snapshot(&req);
    assert!(matches!(signer(SigningSettings::default()).sign(&mut req), Err(SignError::AlreadySigned { .. })));
    assert_eq!(snapshot(&req), before);

    for q in ["X-Amz-Signature=abc", "x-amz-credential=a", "X-Amz-Date=1", "X%2DAmz%2DSignature=1"] {
        let mut req = get(&format!("https://example.amazonaws.com/?{q}"));
        let before = snapshot(&req);
        let settings = SigningSettings::default().with_presign(60);
        assert!(matches!(signer(settings).sign(&mut req), Err(SignError::AlreadySigned { .. })), "{q}");
        assert_eq!(snapshot(&req), before);
    }
}

#[test]
fn an_existing_x_amz_date_must_agree_with_the_signing_time() {
    let mut req = get("https://example.amazonaws.com/");
    req.headers_mut().insert("x-amz-date", HeaderValue::from_static("20150830T123600Z"));
    let out = signer(SigningSettings::default()).sign(&mut req).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.signature().to_string(), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    assert_eq!(req.headers().get_all("x-amz-date").iter().count(), 1, "not added twice");

    let mut req = get("https://example.amazonaws.com/");
    req.headers_mut().insert("x-amz-date", HeaderValue::from_static("20150830T123601Z"));
    let before = snapshot(&req);
    let err = signer(SigningSettings::default()).sign(&mut req).err();
    assert!(matches!(err, Some(SignError::Conflict { header: "x-amz-date", .. })), "{err:?}");
    assert_eq!(snapshot(&req), before);
}

#[test]
fn presign_expiry_is_bounded() {
    for (expires, ok) in [(0, false), (1, true), (604_800, true), (604_801, false), (u64::MAX, false)] {
        let mut req = get("https://example.amazonaws.com/");
        let result = signer(SigningSettings::default().with_presign(expires)).sign(&mut req);
        assert_eq!(result.is_ok(), ok, "{expires}: {result:?}");
        if !ok {
            assert_eq!(result.err(), Some(SignError::InvalidExpiry { seconds: expires }));
            assert_eq!(req.uri(), "https://example.amazonaws.com/");
        }
    }
}

#[test]
fn presign_keeps_the_existing_query_bytes() {
    let mut req = get("https://example.amazonaws.com/p?b=%2b&a=1&&flag");
    let settings = SigningSettings::default().with_presign(300).with_payload(PayloadMode::Unsigned);
    signer(settings).sign(&mut req).unwrap_or_else(|e| panic!("{e}"));
    let q = req.uri().query().unwrap_or_default();
    assert!(q.starts_with("b=%2b&a=1&&flag&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="), "{q}");
    assert!(q.contains("&X-Amz-SignedHeaders=host&") && q.contains("&X-Amz-Signature="), "{q}");
    assert!(req.headers().is_empty());
}

#[test]
fn non_utf8_header_values_are_an_error() {
    let mut req = get("https://example.amazonaws.com/");
    req.headers_mut().insert("x-bin", HeaderValue::from_bytes(b"\xff\xfe").unwrap_or_else(|e| panic!("{e}")));
    let before = snapshot(&req);
    let err = signer(SigningSettings::default()).sign(&mut req).err();
    assert!(matches!(&err, Some(SignError::InvalidHeader { name, .. }) if name == "x-bin"), "{err:?}");
    assert_eq!(snapshot(&req), before);
}

#[test]
fn session_token_signed_or_added_after() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET).with_session_token("tok/en+=");
    let signed = SigV4Signer::new(creds.clone(), "us-east-1", "service").with_clock(FixedClock::new(t()));
    let mut req = get("https://example.amazonaws.com/");
    let out = signed.sign(&mut req).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.signed_headers(), "host;x-amz-date;x-amz-security-token");
    assert!(req.headers()["x-amz-security-token"].is_sensitive());
    assert!(!format!("{out:?}").contains("tok/en"), "the token is redacted in Debug");

    let after = SigV4Signer::new(creds, "us-east-1", "service")
        .with_settings(SigningSettings::default().with_session_token_mode(SessionTokenMode::AddedAfterSigning))
        .with_clock(FixedClock::new(t()));
    let mut req = get("https://example.amazonaws.com/");
    let out = after.sign(&mut req).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.signed_headers(), "host;x-amz-date");
    assert_eq!(req.headers()["x-amz-security-token"], "tok/en+=");
    // The unsigned token does not change the signature: it equals get-vanilla's.
    assert_eq!(out.signature().to_string(), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

    let presigned = SigV4Signer::new(
        Credentials::new("AKIDEXAMPLE", SECRET).with_session_token("tok/en+="),
        "us-east-1",
        "service",
    )
    .with_settings(SigningSettings::default().with_presign(60))
    .with_clock(FixedClock::new(t()));
    let mut req = get("https://example.amazonaws.com/");
    presigned.sign(&mut req).unwrap_or_else(|e| panic!("{e}"));
    assert!(req.uri().query().unwrap_or_default().contains("&X-Amz-Security-Token=tok%2Fen%2B%3D&"));
}

#[test]
fn s3_adds_content_sha256_and_sign_parts_uses_the_given_hash() {
    let s3 = SigV4Signer::new(Credentials::new("AKIDEXAMPLE", SECRET), "us-east-1", "s3")
        .with_settings(SigningSettings::s3())
        .with_clock(FixedClock::new(t()));
    let mut req =
        Request::put("https://b.s3.amazonaws.com/k").body(b"hello".to_vec()).unwrap_or_else(|e| panic!("{e}"));
    s3.sign(&mut req).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(req.headers()["x-amz-content-sha256"], PayloadHash::of(b"hello").as_str());

    let (mut parts, ()) =
        Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap_or_else(|e| panic!("{e}")).into_parts();
    let out = s3.sign_parts(&mut parts, &PayloadHash::unsigned()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parts.headers["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
    assert!(out.signed_headers().contains("x-amz-content-sha256"));

    let mut parts = parts;
    parts.headers.remove("authorization");
    parts.headers.insert("x-amz-content-sha256", HeaderValue::from_static("UNSIGNED-PAYLOAD"));
    let err = s3.sign_parts(&mut parts, &PayloadHash::of(b"")).err();
    assert!(matches!(err, Some(SignError::Conflict { header: "x-amz-content-sha256", .. })), "{err:?}");
}

#[test]
fn excluded_headers_are_not_signed_and_the_set_is_configurable() {
    let mut req = get("https://example.amazonaws.com/");
    for (n, v) in [
        ("user-agent", "ua"),
        ("x-amzn-trace-id", "t"),
        ("expect", "100-continue"),
        ("connection", "keep-alive"),
        ("x-custom", "c"),
    ] {
        req.headers_mut().insert(n, HeaderValue::from_static(v));
    }
    let out = signer(SigningSettings::default()).sign(&mut req.clone()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.signed_headers(), "host;x-amz-date;x-custom");
    let custom = SigningSettings::default()
        .with_excluded_headers(ExcludedHeaders::default().with("x-custom").without("user-agent"));
    let out = signer(custom).sign(&mut req).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.signed_headers(), "host;user-agent;x-amz-date");
}

#[test]
fn the_signing_key_is_derived_once_per_day() {
    let signer = signer(SigningSettings::default());
    for _ in 0..3 {
        let mut req = get("https://example.amazonaws.com/");
        signer.sign(&mut req).unwrap_or_else(|e| panic!("{e}"));
    }
    let debug = format!("{signer:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert_eq!(signer.key_cache().len(), 1);
}

#[test]
fn invalid_scope_and_credentials_are_errors() {
    let bad = SigV4Signer::new(Credentials::new("AKID", SECRET), "us-east-1/x", "s").with_clock(FixedClock::new(t()));
    assert!(matches!(bad.sign(&mut get("https://h/")), Err(SignError::InvalidScope { field: "region", .. })));
    let bad = SigV4Signer::new(Credentials::new("", SECRET), "us-east-1", "s").with_clock(FixedClock::new(t()));
    assert!(matches!(bad.sign(&mut get("https://h/")), Err(SignError::InvalidCredentials { .. })));
    let bad = SigV4Signer::new(Credentials::new("AK ID", SECRET), "us-east-1", "s").with_clock(FixedClock::new(t()));
    assert!(matches!(bad.sign(&mut get("https://h/")), Err(SignError::InvalidCredentials { .. })));
}
