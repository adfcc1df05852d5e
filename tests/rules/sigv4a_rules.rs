//! SigV4a verification rules: region sets, where the region set comes from, the form of the
//! credential and signature, tampering, and the credential kinds a provider may return. The
//! SigV4 rules (time, expiry, session tokens, payload) apply unchanged and are checked here for
//! SigV4a requests too.
#![cfg(feature = "sigv4a")]

use std::time::SystemTime;

use crate::common::block_on;
use sigv4_kit::sign::{SigV4Signer, SigningSettings};
use sigv4_kit::sigv4a::EcdsaKey;
use sigv4_kit::sigv4a::RegionSet;
use sigv4_kit::spec::{Algorithm, CredentialScope, SigningKey};
use sigv4_kit::verify::{
    CachingProvider, Credential, MemoryProvider, Principal, PrincipalKind, Regions, Verified, Verifier, VerifierConfig,
    VerifyError,
};
use sigv4_kit::{AmzDate, Credentials, FixedClock};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLEtoken";
const T: &str = "20150830T123600Z";

fn t() -> AmzDate {
    T.parse().unwrap_or_else(|e| panic!("{e}"))
}

fn principal() -> Principal {
    Principal::new("123456789012", "arn:aws:iam::123456789012:user/alice", PrincipalKind::IamUser)
}

fn provider() -> MemoryProvider {
    MemoryProvider::new().with_key(AKID, SECRET, principal())
}

fn signer(region_set: &str, settings: SigningSettings) -> SigV4Signer {
    let set = RegionSet::new(region_set).unwrap_or_else(|e| panic!("{e}"));
    SigV4Signer::sigv4a(Credentials::new(AKID, SECRET), set, "s3")
        .with_settings(settings)
        .with_clock(FixedClock::new(t()))
}

fn verifier(regions: Regions) -> Verifier {
    Verifier::new(VerifierConfig::new(["s3"]).with_s3_rules().with_regions(regions)).with_clock(FixedClock::new(t()))
}

/// A GET signed with SigV4a for `region_set`.
fn signed(region_set: &str, settings: SigningSettings) -> http::Request<Vec<u8>> {
    let mut request = http::Request::get("https://bucket.s3.amazonaws.com/key?versionId=3")
        .header("x-amz-meta-a", "b")
        .body(Vec::new())
        .unwrap_or_else(|e| panic!("{e}"));
    signer(region_set, settings).sign(&mut request).unwrap_or_else(|e| panic!("{e}"));
    request
}

fn header_signed(region_set: &str) -> http::Request<Vec<u8>> {
    signed(region_set, SigningSettings::s3())
}

fn presigned(region_set: &str) -> http::Request<Vec<u8>> {
    signed(region_set, SigningSettings::s3_presigned(300))
}

fn verify_with(
    v: &Verifier,
    request: &http::Request<Vec<u8>>,
    provider: &MemoryProvider,
) -> Result<Verified, VerifyError> {
    block_on(v.verify_with_body(request, provider))
}

fn verify(v: &Verifier, request: &http::Request<Vec<u8>>) -> Result<Verified, VerifyError> {
    verify_with(v, request, &provider())
}

#[track_caller]
fn rejected(result: Result<Verified, VerifyError>, code: &str) -> VerifyError {
    match result {
        Ok(v) => panic!("accepted, expected {code}: {v:?}"),
        Err(e) => {
            assert_eq!(e.code(), code, "{e}");
            e
        }
    }
}

/// A copy of `request` with header `name` set to `value` (or removed).
fn with_header(request: &http::Request<Vec<u8>>, name: &'static str, value: Option<&str>) -> http::Request<Vec<u8>> {
    let mut r = request.clone();
    r.headers_mut().remove(name);
    if let Some(v) = value {
        r.headers_mut().insert(name, v.parse().unwrap_or_else(|e| panic!("{e}")));
    }
    r
}

/// A copy of `request` with its query string replaced by `f(query)`.
fn with_query(request: &http::Request<Vec<u8>>, f: impl FnOnce(&str) -> String) -> http::Request<Vec<u8>> {
    let mut r = request.clone();
    let pq = format!("{}?{}", request.uri().path(), f(request.uri().query().unwrap_or_default()));
    *r.uri_mut() = format!("https://bucket.s3.amazonaws.com{pq}").parse().unwrap_or_else(|e| panic!("{e}"));
    r
}

fn authorization(request: &http::Request<Vec<u8>>) -> String {
    request.headers()["authorization"].to_str().unwrap_or_else(|e| panic!("{e}")).to_owned()
}

#[test]
fn the_region_set_must_cover_an_accepted_region() {
    let here = Regions::only(["us-west-2"]);
    for (set, ok) in [
        ("*", true),
        ("us-*", true),
        ("us-west-2", true),
        ("us-east-1,us-west-2", true),
        ("eu-*,us-west-*", true),
        ("us-east-1", false),
        ("eu-*", false),
        ("us-west-1,us-east-*", false),
    ] {
        for request in [header_signed(set), presigned(set)] {
            let result = verify(&verifier(here.clone()), &request);
            if ok {
                let v = result.unwrap_or_else(|e| panic!("{set}: {e}"));
                assert_eq!((v.algorithm, v.region(), v.service()), (Algorithm::EcdsaP256Sha256, set, "s3"));
            } else {
                let e = result.err().unwrap_or_else(|| panic!("{set}: accepted outside us-west-2"));
                assert!(e.message().contains("region set"), "{set}: {e}");
            }
        }
    }
    // Any region: every set is accepted.
    assert!(verify(&verifier(Regions::Any), &header_signed("ap-*")).is_ok());
}

#[test]
fn the_region_set_is_signed() {
    let v = verifier(Regions::Any);
    let request = header_signed("us-east-1");
    assert!(verify(&v, &request).is_ok());
    // Widened after signing.
    rejected(verify(&v, &with_header(&request, "x-amz-region-set", Some("*"))), "SignatureDoesNotMatch");
    // Removed: the request no longer says where it is valid.
    rejected(verify(&v, &with_header(&request, "x-amz-region-set", None)), "AuthorizationHeaderMalformed");
    // Present but left out of SignedHeaders.
    let auth = authorization(&request).replace(";x-amz-region-set", "");
    let e = rejected(verify(&v, &with_header(&request, "authorization", Some(&auth))), "AccessDenied");
    assert!(e.message().contains("x-amz-region-set"), "{e}");
    // Presigned: the parameter is part of the canonical query.
    let url = presigned("us-east-1");
    assert!(verify(&v, &url).is_ok());
    let widened = with_query(&url, |q| q.replace("X-Amz-Region-Set=us-east-1", "X-Amz-Region-Set=%2A"));
    rejected(verify(&v, &widened), "SignatureDoesNotMatch");
    let missing = with_query(&url, |q| q.replace("&X-Amz-Region-Set=us-east-1", ""));
    rejected(verify(&v, &missing), "AuthorizationQueryParametersError");
    // Both a header and a parameter: ambiguous, in either kind of request (and in any case or
    // encoding of the parameter's name, which is refused in any request).
    rejected(verify(&v, &with_header(&url, "x-amz-region-set", Some("us-east-1"))), "InvalidArgument");
    for (param, why) in [
        ("X-Amz-Region-Set=%2A", "cannot carry the X-Amz-Region-Set query parameter"),
        ("x-amz-region-set=us-east-1", "names X-Amz-Region-Set in another spelling"),
        ("X-Amz-Region%2DSet=%2A", "names X-Amz-Region-Set in another spelling"),
    ] {
        let e = rejected(verify(&v, &with_query(&request, |_| param.to_owned())), "InvalidArgument");
        assert!(e.message().contains(why), "{param}: {e}");
    }
}

#[test]
fn malformed_region_sets_credentials_and_signatures_are_refused() {
    let v = verifier(Regions::Any);
    let request = header_signed("us-east-1");
    for bad in ["", "us-east-1,,eu-west-1", "us_east_1", "us-east-1;x"] {
        let r = with_header(&request, "x-amz-region-set", Some(bad));
        rejected(verify(&v, &r), "AuthorizationHeaderMalformed");
    }
    let auth = authorization(&request);
    let cases = [
        // A SigV4 scope (with a region) under the SigV4a algorithm.
        auth.replace("/20150830/s3/", "/20150830/us-east-1/s3/"),
        // No aws4_request terminator.
        auth.replace("/s3/aws4_request", "/s3/aws4"),
        // Upper-case hex, odd length, padding, and a SigV4-sized signature that is too short
        // for DER.
        auth.replace("Signature=30", "Signature=3A"),
        format!("{auth}0"),
        format!("{auth}****"),
        format!("{}Signature=3006", auth.split("Signature=").next().unwrap_or_default()),
    ];
    for bad in cases {
        let r = with_header(&request, "authorization", Some(&bad));
        let e = verify(&v, &r).err().unwrap_or_else(|| panic!("accepted: {bad}"));
        assert!(matches!(e.code().as_str(), "AuthorizationHeaderMalformed" | "SignatureDoesNotMatch"), "{bad}: {e}");
    }
}

#[test]
fn tampering_is_detected() {
    let v = verifier(Regions::Any);
    let request = header_signed("us-east-1,eu-west-1");
    assert!(verify(&v, &request).is_ok());
    let auth = authorization(&request);
    let (head, sig) = auth.rsplit_once("Signature=").unwrap_or_else(|| panic!("{auth}"));
    // Each hex digit of the signature, changed in turn.
    for i in 0..sig.len() {
        let mut flipped = sig.as_bytes().to_vec();
        flipped[i] = if flipped[i] == b'0' { b'1' } else { b'0' };
        let bad = format!("{head}Signature={}", String::from_utf8_lossy(&flipped));
        let e = verify(&v, &with_header(&request, "authorization", Some(&bad))).err();
        assert!(e.is_some(), "digit {i} changed and still accepted");
    }
    rejected(verify(&v, &with_header(&request, "x-amz-meta-a", Some("c"))), "SignatureDoesNotMatch");
    let moved = with_query(&request, |q| q.replace("versionId=3", "versionId=4"));
    rejected(verify(&v, &moved), "SignatureDoesNotMatch");
    // Another secret, same access key id.
    let wrong = MemoryProvider::new().with_key(AKID, "another secret", principal());
    rejected(verify_with(&v, &request, &wrong), "SignatureDoesNotMatch");
    // A SigV4 signature presented as SigV4a (and the reverse) never verifies.
    let v4 = {
        let mut r = http::Request::get("https://bucket.s3.amazonaws.com/key")
            .body(Vec::new())
            .unwrap_or_else(|e| panic!("{e}"));
        SigV4Signer::new(Credentials::new(AKID, SECRET), "us-east-1", "s3")
            .with_settings(SigningSettings::s3())
            .with_clock(FixedClock::new(t()))
            .sign(&mut r)
            .unwrap_or_else(|e| panic!("{e}"));
        r
    };
    let v4_sig = authorization(&v4).rsplit_once("Signature=").map(|(_, s)| s.to_owned()).unwrap_or_default();
    let swapped = with_header(&request, "authorization", Some(&format!("{head}Signature={v4_sig}")));
    assert!(verify(&v, &swapped).is_err());
}

#[test]
fn sigv4_rules_apply_unchanged() {
    // Time: a header-signed request outside the skew, a presigned URL after its expiry.
    let later = |secs: i64| {
        Verifier::new(VerifierConfig::new(["s3"]).with_s3_rules()).with_clock(FixedClock::new(
            AmzDate::from_unix(t().unix_timestamp() + secs).unwrap_or_else(|e| panic!("{e}")),
        ))
    };
    rejected(verify(&later(3600), &header_signed("*")), "RequestTimeTooSkewed");
    assert!(verify(&later(299), &presigned("*")).is_ok());
    rejected(verify(&later(301), &presigned("*")), "AccessDenied");
    // Session tokens: required for a temporary credential, and must match.
    let temporary = MemoryProvider::new().with_key(AKID, SECRET, principal().with_session_token(TOKEN));
    let v = verifier(Regions::Any);
    rejected(verify_with(&v, &header_signed("*"), &temporary), "InvalidToken");
    let with_token = |settings: SigningSettings| {
        let set = RegionSet::new("*").unwrap_or_else(|e| panic!("{e}"));
        let mut r = http::Request::get("https://bucket.s3.amazonaws.com/key")
            .body(Vec::new())
            .unwrap_or_else(|e| panic!("{e}"));
        SigV4Signer::sigv4a(Credentials::new(AKID, SECRET).with_session_token(TOKEN), set, "s3")
            .with_settings(settings)
            .with_clock(FixedClock::new(t()))
            .sign(&mut r)
            .unwrap_or_else(|e| panic!("{e}"));
        r
    };
    for request in [with_token(SigningSettings::s3()), with_token(SigningSettings::s3_presigned(60))] {
        assert!(verify_with(&v, &request, &temporary).is_ok());
        rejected(verify(&v, &request), "InvalidToken");
    }
    // An expired credential.
    let expired = MemoryProvider::new().with_key(AKID, SECRET, principal().with_expiry(SystemTime::UNIX_EPOCH));
    rejected(verify_with(&v, &header_signed("*"), &expired), "ExpiredToken");
    // Payload: a body that is not the signed one.
    let mut put = http::Request::put("https://bucket.s3.amazonaws.com/key")
        .body(b"hello".to_vec())
        .unwrap_or_else(|e| panic!("{e}"));
    signer("*", SigningSettings::s3()).sign(&mut put).unwrap_or_else(|e| panic!("{e}"));
    assert!(verify(&v, &put).is_ok());
    *put.body_mut() = b"hellO".to_vec();
    rejected(verify(&v, &put), "XAmzContentSHA256Mismatch");
    // Unknown services and unknown access keys.
    let other = Verifier::new(VerifierConfig::new(["sqs"])).with_clock(FixedClock::new(t()));
    rejected(verify(&other, &header_signed("*")), "AuthorizationHeaderMalformed");
    rejected(verify_with(&v, &header_signed("*"), &MemoryProvider::new()), "InvalidAccessKeyId");
}

#[test]
fn providers_may_return_the_secret_or_the_public_key() {
    let v = verifier(Regions::Any);
    let request = header_signed("us-*");
    let public = EcdsaKey::derive(AKID, SECRET).unwrap_or_else(|e| panic!("{e}")).public_key();
    let mut by_key = MemoryProvider::new();
    by_key.insert(AKID, Credential::from_public_key(public, principal()));
    let verified = verify_with(&v, &request, &by_key).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(verified.principal.arn(), principal().arn());
    // Another key's public key does not verify.
    let stranger = EcdsaKey::derive(AKID, "other").unwrap_or_else(|e| panic!("{e}")).public_key();
    let mut wrong = MemoryProvider::new();
    wrong.insert(AKID, Credential::from_public_key(stranger, principal()));
    rejected(verify_with(&v, &request, &wrong), "SignatureDoesNotMatch");
    // A public key cannot check a SigV4 request, and a SigV4 signing key cannot check SigV4a:
    // both are refused as a server-side error, never accepted.
    let mut v4 =
        http::Request::get("https://bucket.s3.amazonaws.com/key").body(Vec::new()).unwrap_or_else(|e| panic!("{e}"));
    SigV4Signer::new(Credentials::new(AKID, SECRET), "us-east-1", "s3")
        .with_settings(SigningSettings::s3())
        .with_clock(FixedClock::new(t()))
        .sign(&mut v4)
        .unwrap_or_else(|e| panic!("{e}"));
    rejected(verify_with(&v, &v4, &by_key), "InternalError");
    let scope = CredentialScope::new(t(), "us-east-1", "s3").unwrap_or_else(|e| panic!("{e}"));
    let mut hmac_only = MemoryProvider::new();
    hmac_only.insert(AKID, Credential::from_signing_key(SigningKey::derive(SECRET, &scope), principal()));
    rejected(verify_with(&v, &request, &hmac_only), "InternalError");
    // The caching provider passes SigV4a credentials through, and still caches SigV4 keys.
    let caching = CachingProvider::new(provider(), 16);
    let (parts, body) = request.into_parts();
    let pending = v.begin(&parts).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pending.algorithm(), Algorithm::EcdsaP256Sha256);
    let credential = block_on(v.verify(&parts, Some(sigv4_kit::spec::sha256(&body)), &caching));
    assert!(credential.is_ok(), "{credential:?}");
    assert!(caching.cache().is_empty(), "no SigV4 key is derived for a SigV4a request");
    assert!(block_on(v.verify(&v4.into_parts().0, Some(sigv4_kit::spec::sha256(b"")), &caching)).is_ok());
    assert_eq!(caching.cache().len(), 1);
}

#[test]
fn the_signer_refuses_what_it_cannot_sign() {
    assert!(RegionSet::new("us-east-1 ,us-west-2").is_err());
    // A request that already names another region set.
    let mut r = http::Request::get("https://bucket.s3.amazonaws.com/key")
        .header("x-amz-region-set", "eu-west-1")
        .body(Vec::new())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(signer("us-east-1", SigningSettings::s3()).sign(&mut r).is_err());
    assert_eq!(r.headers().len(), 1, "the request is unchanged on error");
    // Presigning puts the region set in the query: a header naming one, even the same, is refused.
    for set in ["eu-west-1", "us-east-1"] {
        let mut h = with_header(&r, "x-amz-region-set", Some(set));
        let e = signer("us-east-1", SigningSettings::s3_presigned(300))
            .sign(&mut h)
            .expect_err("presigning a request with an X-Amz-Region-Set header");
        assert!(e.to_string().contains("x-amz-region-set"), "{e}");
    }
    // SigV4 never sends a region set.
    let mut v4 = r.clone();
    assert!(
        SigV4Signer::new(Credentials::new(AKID, SECRET), "us-east-1", "s3").sign(&mut v4).is_err(),
        "a SigV4 request with X-Amz-Region-Set"
    );
    // The same header value is accepted and not sent twice.
    let mut same = http::Request::get("https://bucket.s3.amazonaws.com/key")
        .header("x-amz-region-set", "us-east-1")
        .body(Vec::new())
        .unwrap_or_else(|e| panic!("{e}"));
    signer("us-east-1", SigningSettings::s3()).sign(&mut same).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(same.headers().get_all("x-amz-region-set").iter().count(), 1);
    assert!(verify(&verifier(Regions::Any), &same).is_ok());
}
