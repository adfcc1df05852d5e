//! The verifier's rules, one focused test each. Every test checks the exact AWS error code and
//! HTTP status, and where it can, that the request verifies before it is broken, so that no test
//! passes because of some unrelated rejection.

use std::sync::Mutex;
use std::time::Duration;

use crate::common::block_on;
use sigv4_kit::sign::{PayloadMode, SigV4Signer, SigningSettings};
use sigv4_kit::spec::{CanonicalRequest, CredentialScope, ExcludedHeaders, SigningKey, StringToSign, sha256};
use sigv4_kit::verify::{
    AuthMethod, CachingProvider, Credential, CredentialProvider, ErrorCode, LookupRequest, MemoryProvider,
    PayloadState, Principal, PrincipalKind, ProviderError, Regions, parse_shared_credentials,
};
use sigv4_kit::verify::{Verified, Verifier, VerifierConfig, VerifyError};
use sigv4_kit::{AmzDate, Clock, Credentials, FixedClock, PayloadHash, SessionTokenMode, SignableRequest, UriMode};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
const SERVICE: &str = "service";
const HOST: &str = "example.amazonaws.com";
const TOKEN: &str = "session-token-for-the-role";
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The signing time of every test, `20150830T123600Z`.
fn t() -> AmzDate {
    "20150830T123600Z".parse().expect("a valid time")
}

/// `t()` moved by `secs` seconds.
fn at(secs: i64) -> AmzDate {
    AmzDate::from_unix(t().unix_timestamp() + secs).expect("in range")
}

/// An owned request that tests can break in any way: repeated headers, edited query strings.
#[derive(Debug, Clone)]
struct Req {
    method: &'static str,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    fn new(method: &'static str, target: &str) -> Self {
        Self {
            method,
            target: target.to_owned(),
            headers: vec![("host".to_owned(), HOST.to_owned())],
            body: Vec::new(),
        }
    }

    fn get(target: &str) -> Self {
        Self::new("GET", target)
    }

    fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    fn with_body(mut self, body: &[u8]) -> Self {
        self.body = body.to_vec();
        self
    }

    fn view(&self) -> SignableRequest<'_> {
        let mut view = SignableRequest::new(self.method, &self.target);
        for (name, value) in &self.headers {
            view.push_header(name, value);
        }
        view
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} header"))
    }

    /// Replaces the value of every `name` header.
    fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        let mut found = false;
        for (n, v) in &mut self.headers {
            if n.eq_ignore_ascii_case(name) {
                *v = value.clone();
                found = true;
            }
        }
        assert!(found, "no {name} header to replace");
    }

    fn remove_header(&mut self, name: &str) {
        let before = self.headers.len();
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        assert!(self.headers.len() < before, "no {name} header to remove");
    }

    /// The wire value of query parameter `key`.
    fn query_param(&self, key: &str) -> &str {
        let (_, query) = self.target.split_once('?').expect("a query");
        query
            .split('&')
            .find_map(|p| p.split_once('=').filter(|(k, _)| *k == key).map(|(_, v)| v))
            .unwrap_or_else(|| panic!("no {key} query parameter"))
    }

    /// Replaces the wire value of query parameter `key`.
    fn set_query_param(&mut self, key: &str, value: &str) {
        let (path, query) = self.target.split_once('?').expect("a query");
        let mut found = false;
        let params: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if k == key => {
                    found = true;
                    format!("{k}={value}")
                }
                _ => p.to_owned(),
            })
            .collect();
        assert!(found, "no {key} query parameter to replace");
        self.target = format!("{path}?{}", params.join("&"));
    }

    fn push_query_param(&mut self, key: &str, value: &str) {
        let sep = if self.target.contains('?') { '&' } else { '?' };
        self.target = format!("{}{sep}{key}={value}", self.target);
    }
}

fn alice() -> Principal {
    Principal::new("123456789012", "arn:aws:iam::123456789012:user/alice", PrincipalKind::IamUser)
}

fn role() -> Principal {
    Principal::new("123456789012", "arn:aws:sts::123456789012:assumed-role/app/session", PrincipalKind::AssumedRole)
        .with_session_token(TOKEN)
}

fn provider() -> MemoryProvider {
    MemoryProvider::new().with_key(AKID, SECRET, alice())
}

fn signer(settings: SigningSettings) -> SigV4Signer {
    signer_with(Credentials::new(AKID, SECRET), settings)
}

fn signer_with(credentials: Credentials, settings: SigningSettings) -> SigV4Signer {
    SigV4Signer::new(credentials, REGION, SERVICE).with_settings(settings).with_clock(FixedClock::new(t()))
}

/// `req` signed by `signer` at `time`, with the signer's headers or query parameters applied.
fn sign_at(signer: &SigV4Signer, req: &Req, time: AmzDate) -> Req {
    let payload = signer.payload_hash(&req.body);
    let out = signer.sign_at(&req.view(), &payload, time).expect("signing succeeds");
    let mut signed = req.clone();
    for (name, value) in out.headers() {
        signed.headers.push((name.to_owned(), value.to_owned()));
    }
    signed.target = out.presigned_target(&req.target);
    signed
}

/// `req` signed with default settings at `t()`.
fn signed(req: &Req) -> Req {
    sign_at(&signer(SigningSettings::default()), req, t())
}

/// A GET / signed with default settings at `t()`.
fn signed_get() -> Req {
    signed(&Req::get("/"))
}

/// A presigned GET, valid for `expires` seconds from `time`.
fn presigned_at(expires: u64, time: AmzDate) -> Req {
    sign_at(&signer(SigningSettings::default().with_presign(expires)), &Req::get("/?a=b"), time)
}

fn presigned(expires: u64) -> Req {
    presigned_at(expires, t())
}

/// Signs `req` by hand with the public building blocks: its headers minus `excluded` are
/// signed, and the time is `time` (no `X-Amz-Date` is added).
fn sign_by_hand(req: &Req, excluded: &ExcludedHeaders, time: AmzDate) -> Req {
    let payload = PayloadHash::of(&req.body);
    let view = req.view();
    let canonical = CanonicalRequest::new(&view, UriMode::Normalized, excluded, &payload).expect("canonical request");
    let scope = CredentialScope::new(time, REGION, SERVICE).expect("scope");
    let signature = StringToSign::new(time, scope, canonical.hash()).sign(&SigningKey::derive(SECRET, &scope));
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={AKID}/{scope}, SignedHeaders={}, Signature={signature}",
        canonical.signed_headers()
    );
    req.clone().with_header("authorization", auth)
}

fn config() -> VerifierConfig {
    VerifierConfig::new([SERVICE])
}

fn verifier_at(config: VerifierConfig, now: AmzDate) -> Verifier {
    Verifier::new(config).with_clock(FixedClock::new(now))
}

fn verifier(config: VerifierConfig) -> Verifier {
    verifier_at(config, t())
}

/// Sans-IO verification of `req` with `provider`, passing `body_hash` to `finish`.
fn check_with(
    verifier: &Verifier,
    provider: &MemoryProvider,
    req: &Req,
    body_hash: Option<[u8; 32]>,
) -> Result<Verified, VerifyError> {
    let pending = verifier.begin_view(req.view())?;
    let credential = provider.get(pending.access_key_id());
    pending.finish(credential, body_hash)
}

/// Verifies `req` and its whole body with the default provider.
fn check(verifier: &Verifier, req: &Req) -> Result<Verified, VerifyError> {
    check_with(verifier, &provider(), req, Some(sha256(&req.body)))
}

#[track_caller]
fn assert_ok(result: Result<Verified, VerifyError>) -> Verified {
    match result {
        Ok(v) => v,
        Err(e) => panic!("expected the request to verify, got {e} ({:?})", e.debug_info()),
    }
}

#[track_caller]
fn assert_rejected(result: Result<Verified, VerifyError>, code: &str, status: u16) -> VerifyError {
    match result {
        Ok(v) => panic!("expected {code} ({status}), but the request verified: {v:?}"),
        Err(e) => {
            assert_eq!(e.code(), code, "{e}");
            assert_eq!(e.status().as_u16(), status, "{e}");
            e
        }
    }
}

/// The `Authorization` header of `req`, split into credential, signed headers and signature.
fn auth_parts(req: &Req) -> (String, String, String) {
    let auth = req.header("authorization");
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256 ").expect("the signer's algorithm");
    let mut parts = rest.split(", ");
    let mut take = |prefix: &str| parts.next().and_then(|p| p.strip_prefix(prefix)).expect("signer layout").to_owned();
    (take("Credential="), take("SignedHeaders="), take("Signature="))
}

/// `req` with its `Authorization` header replaced.
fn with_auth(req: &Req, auth: &str) -> Req {
    let mut r = req.clone();
    r.set_header("authorization", auth);
    r
}

/// `sig` with its first hex digit changed.
fn flip_first_digit(sig: &str) -> String {
    let first = if sig.starts_with('0') { '1' } else { '0' };
    format!("{first}{}", &sig[1..])
}

// ---------------------------------------------------------------------------------------------
// One auth mechanism, fields never repeated, the algorithm
// ---------------------------------------------------------------------------------------------

#[test]
fn header_auth_and_query_auth_together_is_invalid_argument() {
    let header = signed_get();
    let mut both = presigned(300);
    assert_ok(check(&verifier(config()), &both));
    both.headers.push(("authorization".to_owned(), header.header("authorization").to_owned()));
    assert_rejected(check(&verifier(config()), &both), "InvalidArgument", 400);

    // Even one query-auth parameter next to a valid Authorization header is ambiguous.
    assert_ok(check(&verifier(config()), &header));
    for key in ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature"] {
        let mut r = header.clone();
        r.push_query_param(key, "x");
        assert_rejected(check(&verifier(config()), &r), "InvalidArgument", 400);
    }
}

#[test]
fn repeated_signing_fields_are_malformed() {
    let v = verifier(config());
    let req = signed_get();
    assert_ok(check(&v, &req));

    // The same Authorization header twice.
    let mut r = req.clone();
    r.headers.push(("Authorization".to_owned(), req.header("authorization").to_owned()));
    assert_rejected(check(&v, &r), "AuthorizationHeaderMalformed", 400);

    // The same X-Amz-Date header twice.
    let mut r = req.clone();
    r.headers.push(("X-Amz-Date".to_owned(), req.header("x-amz-date").to_owned()));
    assert_rejected(check(&v, &r), "AuthorizationHeaderMalformed", 400);

    let url = presigned(300);
    assert_ok(check(&v, &url));
    for key in ["X-Amz-Signature", "X-Amz-Credential"] {
        let mut r = url.clone();
        let value = url.query_param(key).to_owned();
        r.push_query_param(key, &value);
        assert_rejected(check(&v, &r), "AuthorizationQueryParametersError", 400);
    }
}

/// With the `sigv4a` feature, a SigV4 credential under the SigV4a algorithm is malformed (its
/// scope has a region); without it, SigV4a is `NotImplemented`.
#[test]
fn only_aws4_hmac_sha256_and_sigv4a_are_accepted() {
    let v = verifier(config());
    let req = signed_get();
    let auth = req.header("authorization").to_owned();
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256").expect("the signer's algorithm");

    let (v4a_header, v4a_query, v4a_status) = if cfg!(feature = "sigv4a") {
        ("AuthorizationHeaderMalformed", "AuthorizationQueryParametersError", 400)
    } else {
        ("NotImplemented", "NotImplemented", 501)
    };
    assert_rejected(check(&v, &with_auth(&req, &format!("AWS4-ECDSA-P256-SHA256{rest}"))), v4a_header, v4a_status);
    for other in ["AWS4-HMAC-SHA1", "aws4-hmac-sha256", "AWS4-HMAC-SHA256X", "AWS-HMAC-SHA256"] {
        assert_rejected(check(&v, &with_auth(&req, &format!("{other}{rest}"))), "AuthorizationHeaderMalformed", 400);
    }

    let url = presigned(300);
    let mut r = url.clone();
    r.set_query_param("X-Amz-Algorithm", "AWS4-ECDSA-P256-SHA256");
    assert_rejected(check(&v, &r), v4a_query, v4a_status);
    r.set_query_param("X-Amz-Algorithm", "AWS4-HMAC-SHA1");
    assert_rejected(check(&v, &r), "AuthorizationQueryParametersError", 400);
}

// ---------------------------------------------------------------------------------------------
// The Authorization header's structure
// ---------------------------------------------------------------------------------------------

#[test]
fn authorization_header_is_parsed_strictly() {
    let v = verifier(config());
    let req = signed_get();
    assert_ok(check(&v, &req));
    let (cred, sh, sig) = auth_parts(&req);
    assert_eq!(sh, "host;x-amz-date");
    let alg = "AWS4-HMAC-SHA256";
    let scope = "20150830/us-east-1/service";
    let cases = [
        // A missing component.
        ("no Signature", format!("{alg} Credential={cred}, SignedHeaders={sh}")),
        ("no SignedHeaders", format!("{alg} Credential={cred}, Signature={sig}")),
        ("no Credential", format!("{alg} SignedHeaders={sh}, Signature={sig}")),
        ("algorithm only", alg.to_owned()),
        // An unknown component, or a known one in the wrong case.
        ("unknown component", format!("{alg} Credential={cred}, SignedHeaders={sh}, Signature={sig}, Foo=bar")),
        ("lowercase key", format!("{alg} credential={cred}, SignedHeaders={sh}, Signature={sig}")),
        ("no '='", format!("{alg} Credential={cred}, SignedHeaders={sh}, Signature")),
        // A repeated component.
        (
            "repeated Signature",
            format!("{alg} Credential={cred}, SignedHeaders={sh}, Signature={sig}, Signature={sig}"),
        ),
        (
            "repeated Credential",
            format!("{alg} Credential={cred}, Credential={cred}, SignedHeaders={sh}, Signature={sig}"),
        ),
        // A credential of the wrong shape.
        (
            "credential without service",
            format!("{alg} Credential={AKID}/20150830/us-east-1/aws4_request, SignedHeaders={sh}, Signature={sig}"),
        ),
        (
            "credential with extra part",
            format!("{alg} Credential={AKID}/{scope}/aws4_request/x, SignedHeaders={sh}, Signature={sig}"),
        ),
        (
            "short date",
            format!(
                "{alg} Credential={AKID}/2015083/us-east-1/service/aws4_request, SignedHeaders={sh}, Signature={sig}"
            ),
        ),
        ("empty access key", format!("{alg} Credential=/{scope}/aws4_request, SignedHeaders={sh}, Signature={sig}")),
        (
            "empty region",
            format!("{alg} Credential={AKID}/20150830//service/aws4_request, SignedHeaders={sh}, Signature={sig}"),
        ),
        (
            "scope not aws4_request",
            format!("{alg} Credential={AKID}/{scope}/aws4_requesT, SignedHeaders={sh}, Signature={sig}"),
        ),
        // SignedHeaders unsorted, uppercase, repeated or empty.
        ("unsorted SignedHeaders", format!("{alg} Credential={cred}, SignedHeaders=x-amz-date;host, Signature={sig}")),
        ("uppercase SignedHeaders", format!("{alg} Credential={cred}, SignedHeaders=Host;x-amz-date, Signature={sig}")),
        (
            "repeated SignedHeaders",
            format!("{alg} Credential={cred}, SignedHeaders=host;host;x-amz-date, Signature={sig}"),
        ),
        (
            "empty SignedHeaders entry",
            format!("{alg} Credential={cred}, SignedHeaders=host;;x-amz-date, Signature={sig}"),
        ),
        // A signature that is not 64 lowercase hex digits.
        (
            "uppercase signature",
            format!("{alg} Credential={cred}, SignedHeaders={sh}, Signature={}", sig.to_uppercase()),
        ),
        ("non-hex signature", format!("{alg} Credential={cred}, SignedHeaders={sh}, Signature=g{}", &sig[1..])),
        ("short signature", format!("{alg} Credential={cred}, SignedHeaders={sh}, Signature={}", &sig[1..])),
        ("long signature", format!("{alg} Credential={cred}, SignedHeaders={sh}, Signature={sig}0")),
    ];
    for (what, auth) in cases {
        let e = check(&v, &with_auth(&req, &auth)).err().unwrap_or_else(|| panic!("{what}: verified"));
        assert_eq!((e.code().as_str(), e.status().as_u16()), ("AuthorizationHeaderMalformed", 400), "{what}: {e}");
    }
}

#[test]
fn authorization_header_spacing_variants_verify() {
    let v = verifier(config());
    let req = signed_get();
    let (cred, sh, sig) = auth_parts(&req);
    for auth in [
        // What our signer and the SDKs send.
        format!("AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders={sh}, Signature={sig}"),
        // No space after the commas, as in the S3 docs' chunked-upload example.
        format!("AWS4-HMAC-SHA256 Credential={cred},SignedHeaders={sh},Signature={sig}"),
        // A mix.
        format!("AWS4-HMAC-SHA256 Credential={cred},SignedHeaders={sh}, Signature={sig}"),
    ] {
        let verified = check(&v, &with_auth(&req, &auth)).unwrap_or_else(|e| panic!("{auth}: {e}"));
        assert_eq!(verified.access_key_id(), AKID);
        assert_eq!(verified.signed_headers(), "host;x-amz-date");
        assert_eq!(verified.signed_header_names().collect::<Vec<_>>(), ["host", "x-amz-date"]);
    }
}

// ---------------------------------------------------------------------------------------------
// The credential scope
// ---------------------------------------------------------------------------------------------

#[test]
fn scope_date_must_be_the_request_day() {
    let v = verifier(config());
    let req = signed_get();
    assert_ok(check(&v, &req));
    let (cred, sh, sig) = auth_parts(&req);
    let other_day = cred.replace("/20150830/", "/20150831/");
    let auth = format!("AWS4-HMAC-SHA256 Credential={other_day}, SignedHeaders={sh}, Signature={sig}");
    assert_rejected(check(&v, &with_auth(&req, &auth)), "AuthorizationHeaderMalformed", 400);

    let mut url = presigned(300);
    assert_ok(check(&v, &url));
    let cred = url.query_param("X-Amz-Credential").replace("%2F20150830%2F", "%2F20150829%2F");
    url.set_query_param("X-Amz-Credential", &cred);
    assert_rejected(check(&v, &url), "AuthorizationQueryParametersError", 400);
}

#[test]
fn scope_region_must_be_allowed() {
    let req = signed_get();
    assert_ok(check(&verifier(config().with_regions(Regions::only(["eu-west-1", REGION]))), &req));
    let v = verifier(config().with_regions(Regions::only(["eu-west-1"])));
    assert_rejected(check(&v, &req), "AuthorizationHeaderMalformed", 400);
    assert_rejected(check(&v, &presigned(300)), "AuthorizationQueryParametersError", 400);
}

#[test]
fn scope_service_must_be_expected() {
    let req = signed_get();
    assert_ok(check(&verifier(VerifierConfig::new(["s3", SERVICE])), &req));
    let v = verifier(VerifierConfig::new(["s3"]));
    assert_rejected(check(&v, &req), "AuthorizationHeaderMalformed", 400);
    assert_rejected(check(&v, &presigned(300)), "AuthorizationQueryParametersError", 400);
}

#[test]
fn scope_must_end_in_aws4_request() {
    let v = verifier(config());
    let req = signed_get();
    let (cred, sh, sig) = auth_parts(&req);
    let auth = format!("AWS4-HMAC-SHA256 Credential={}aws5_request, SignedHeaders={sh}, Signature={sig}", {
        cred.strip_suffix("aws4_request").expect("scope terminal")
    });
    assert_rejected(check(&v, &with_auth(&req, &auth)), "AuthorizationHeaderMalformed", 400);

    let mut url = presigned(300);
    let cred = url.query_param("X-Amz-Credential").replace("aws4_request", "aws4_requesx");
    url.set_query_param("X-Amz-Credential", &cred);
    assert_rejected(check(&v, &url), "AuthorizationQueryParametersError", 400);
}

// ---------------------------------------------------------------------------------------------
// The request time
// ---------------------------------------------------------------------------------------------

#[test]
fn x_amz_date_takes_precedence_over_date() {
    // An unsigned, much older Date header does not matter when X-Amz-Date is there.
    let req = signed_get().with_header("date", "Sun, 06 Nov 1994 08:49:37 GMT");
    let verified = assert_ok(check(&verifier(config()), &req));
    assert_eq!(verified.time, t());
}

#[test]
fn date_header_imf_fixdate_is_accepted() {
    let date = "Sun, 06 Nov 1994 08:49:37 GMT";
    let time = AmzDate::parse_http_date(date).expect("a valid date");
    let req = sign_by_hand(&Req::get("/").with_header("Date", date), &ExcludedHeaders::default(), time);
    assert_eq!(auth_parts(&req).1, "date;host");
    let verified = assert_ok(check(&verifier_at(config(), time), &req));
    assert_eq!(verified.time.to_string(), "19941106T084937Z");
}

#[test]
fn date_header_botocore_rfc2822_is_accepted() {
    let date = "Sun, 17 May 2026 06:40:00 -0000";
    let time: AmzDate = "20260517T064000Z".parse().expect("a valid time");
    let req = sign_by_hand(&Req::get("/").with_header("Date", date), &ExcludedHeaders::default(), time);
    let verified = assert_ok(check(&verifier_at(config(), time), &req));
    assert_eq!(verified.time, time);
}

#[test]
fn unparseable_date_header_is_access_denied() {
    let time = t();
    for date in ["yesterday", "2015-08-30T12:36:00Z", "20150830T123600Z", "Sun, 30 Aug 2015 12:36:00"] {
        let req = sign_by_hand(&Req::get("/").with_header("Date", date), &ExcludedHeaders::default(), time);
        assert_rejected(check(&verifier_at(config(), time), &req), "AccessDenied", 403);
    }
}

#[test]
fn date_header_with_the_wrong_weekday_is_rejected() {
    // 30 Aug 2015 was a Sunday. Signed as if the date were fine, this would verify without the
    // weekday check.
    let time = t();
    let ok = sign_by_hand(
        &Req::get("/").with_header("Date", "Sun, 30 Aug 2015 12:36:00 GMT"),
        &ExcludedHeaders::default(),
        time,
    );
    assert_ok(check(&verifier_at(config(), time), &ok));
    let bad = sign_by_hand(
        &Req::get("/").with_header("Date", "Mon, 30 Aug 2015 12:36:00 GMT"),
        &ExcludedHeaders::default(),
        time,
    );
    assert_rejected(check(&verifier_at(config(), time), &bad), "AccessDenied", 403);
}

#[test]
fn header_auth_must_be_within_the_clock_skew() {
    let req = signed_get();
    for now in [-900, 0, 900] {
        assert_ok(check(&verifier_at(config(), at(now)), &req));
    }
    for now in [-901, 901] {
        assert_rejected(check(&verifier_at(config(), at(now)), &req), "RequestTimeTooSkewed", 403);
    }
    // The skew is configurable.
    let tight = config().with_clock_skew(Duration::from_secs(60));
    assert_rejected(check(&verifier_at(tight, at(61)), &req), "RequestTimeTooSkewed", 403);
}

// ---------------------------------------------------------------------------------------------
// Presigned URLs
// ---------------------------------------------------------------------------------------------

#[test]
fn presign_expires_must_be_1_to_604800() {
    let v = verifier(config());
    let url = presigned(300);
    assert_ok(check(&v, &url));
    assert_ok(check(&v, &presigned(1)));
    let verified = assert_ok(check(&v, &presigned(604_800)));
    assert_eq!(verified.auth, AuthMethod::PresignedQuery { expires_in: 604_800 });
    for bad in ["0", "604801", "abc", "", "-1", "+300", "300.0", "1e3", "18446744073709551616"] {
        let mut r = url.clone();
        r.set_query_param("X-Amz-Expires", bad);
        let e = check(&v, &r).err().unwrap_or_else(|| panic!("X-Amz-Expires={bad}: verified"));
        assert_eq!((e.code().as_str(), e.status().as_u16()), ("AuthorizationQueryParametersError", 400), "{bad}: {e}");
    }
}

#[test]
fn presign_is_valid_until_date_plus_expires() {
    let url = presigned(3600);
    assert_ok(check(&verifier_at(config(), at(3600)), &url));
    let e = assert_rejected(check(&verifier_at(config(), at(3601)), &url), "AccessDenied", 403);
    assert_eq!(e.message(), "Request has expired");
}

#[test]
fn presign_is_not_valid_before_date_minus_skew() {
    let url = presigned(3600);
    assert_ok(check(&verifier_at(config(), at(-900)), &url));
    assert_rejected(check(&verifier_at(config(), at(-901)), &url), "AccessDenied", 403);
}

#[test]
fn presign_ignores_the_header_skew_window() {
    // Dated two hours ago, valid for three: fine, though header auth that old is skewed.
    let url = presigned_at(3 * 3600, at(-7200));
    let verified = assert_ok(check(&verifier(config()), &url));
    assert_eq!(verified.auth, AuthMethod::PresignedQuery { expires_in: 10_800 });
    let header = sign_at(&signer(SigningSettings::default()), &Req::get("/"), at(-7200));
    assert_rejected(check(&verifier(config()), &header), "RequestTimeTooSkewed", 403);
}

// ---------------------------------------------------------------------------------------------
// Headers that must be signed
// ---------------------------------------------------------------------------------------------

const NOT_SIGNED: &str = "There were headers present in the request which were not signed";

#[track_caller]
fn assert_unsigned_header(result: Result<Verified, VerifyError>) {
    let e = assert_rejected(result, "AccessDenied", 403);
    assert!(e.message().contains(NOT_SIGNED), "{}", e.message());
}

#[test]
fn host_must_be_signed() {
    let settings = SigningSettings::default().with_excluded_headers(ExcludedHeaders::default().with("host"));
    let req = sign_at(&signer(settings), &Req::get("/"), t());
    assert_eq!(auth_parts(&req).1, "x-amz-date");
    assert_unsigned_header(check(&verifier(config()), &req));
}

#[test]
fn the_date_header_must_be_signed() {
    // `Date` is not an x-amz-* header: only the date-header rule catches it.
    let date = "Sun, 30 Aug 2015 12:36:00 GMT";
    let req = Req::get("/").with_header("Date", date);
    assert_ok(check(&verifier(config()), &sign_by_hand(&req, &ExcludedHeaders::default(), t())));
    let unsigned = sign_by_hand(&req, &ExcludedHeaders::default().with("date"), t());
    assert_eq!(auth_parts(&unsigned).1, "host");
    assert_unsigned_header(check(&verifier(config()), &unsigned));
}

#[test]
fn x_amz_content_sha256_must_be_signed_in_s3_mode() {
    let s3 = verifier(config().with_s3_rules());
    let req = Req::get("/key");
    assert_ok(check(&s3, &sign_at(&signer(SigningSettings::s3()), &req, t())));
    let settings = SigningSettings::s3().with_excluded_headers(ExcludedHeaders::default().with("x-amz-content-sha256"));
    let unsigned = sign_at(&signer(settings), &req, t());
    assert_eq!(auth_parts(&unsigned).1, "host;x-amz-date");
    assert_unsigned_header(check(&s3, &unsigned));
}

#[test]
fn every_x_amz_header_must_be_signed() {
    let v = verifier(config());
    let req = signed_get();
    assert_ok(check(&v, &req));
    assert_unsigned_header(check(&v, &req.clone().with_header("x-amz-meta-owner", "bob")));
    assert_unsigned_header(check(&v, &req.clone().with_header("X-Amz-Target", "Service.Op")));
}

#[test]
fn content_md5_and_content_type_must_be_signed_when_present() {
    let v = verifier(config());
    for (name, value) in [("content-type", "text/plain"), ("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg==")] {
        let req = Req::get("/").with_header(name, value);
        assert_ok(check(&v, &signed(&req)));
        let settings = SigningSettings::default().with_excluded_headers(ExcludedHeaders::default().with(name));
        let unsigned = sign_at(&signer(settings), &req, t());
        assert_eq!(auth_parts(&unsigned).1, "host;x-amz-date");
        assert_unsigned_header(check(&v, &unsigned));
    }
}

#[test]
fn caller_required_headers_must_be_signed() {
    let req = signed_get().with_header("X-Tenant", "blue");
    assert_ok(check(&verifier(config()), &req));
    let strict = verifier(config().with_required_signed_header("x-tenant"));
    assert_unsigned_header(check(&strict, &req));
    // Signed, it is fine.
    assert_ok(check(&strict, &signed(&Req::get("/").with_header("X-Tenant", "blue"))));
}

#[test]
fn a_signed_header_missing_from_the_request_is_rejected() {
    let v = verifier(config());
    let mut req = signed(&Req::get("/").with_header("x-custom", "1"));
    assert_eq!(auth_parts(&req).1, "host;x-amz-date;x-custom");
    assert_ok(check(&v, &req));
    req.remove_header("x-custom");
    assert_rejected(check(&v, &req), "AccessDenied", 403);
}

#[test]
fn s3_header_auth_without_x_amz_content_sha256_is_missing_security_header() {
    let settings = SigningSettings::default().with_uri_mode(UriMode::S3);
    let req = sign_at(&signer(settings), &Req::get("/key"), t());
    assert_ok(check(&verifier(config()), &req));
    assert_rejected(check(&verifier(config().with_s3_rules()), &req), "MissingSecurityHeader", 400);
}

// ---------------------------------------------------------------------------------------------
// Credentials and session tokens
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_access_key_is_invalid_access_key_id() {
    let v = verifier(config());
    let req = signed_get();
    assert_ok(check(&v, &req));
    let other = MemoryProvider::new().with_key("AKIDOTHER", SECRET, alice());
    assert_rejected(check_with(&v, &other, &req, Some(sha256(b""))), "InvalidAccessKeyId", 403);
}

fn role_provider() -> MemoryProvider {
    MemoryProvider::new().with_key(AKID, SECRET, role())
}

fn role_signed(token: Option<&str>, settings: SigningSettings) -> Req {
    let mut creds = Credentials::new(AKID, SECRET);
    if let Some(tok) = token {
        creds = creds.with_session_token(tok);
    }
    let req = if settings.presign_expiry().is_some() { Req::get("/?a=b") } else { Req::get("/") };
    sign_at(&signer_with(creds, settings), &req, t())
}

#[test]
fn temporary_credentials_require_their_session_token() {
    let v = verifier(config());
    let hash = Some(sha256(b""));
    let right = role_signed(Some(TOKEN), SigningSettings::default());
    let verified = assert_ok(check_with(&v, &role_provider(), &right, hash));
    assert_eq!(verified.principal.kind(), PrincipalKind::AssumedRole);
    assert_ok(check_with(
        &v,
        &role_provider(),
        &role_signed(Some(TOKEN), SigningSettings::default().with_presign(60)),
        hash,
    ));

    let missing = role_signed(None, SigningSettings::default());
    assert_rejected(check_with(&v, &role_provider(), &missing, hash), "InvalidToken", 400);
    let wrong = role_signed(Some("another-token"), SigningSettings::default());
    assert_rejected(check_with(&v, &role_provider(), &wrong, hash), "InvalidToken", 400);
    let wrong_url = role_signed(Some("another-token"), SigningSettings::default().with_presign(60));
    assert_rejected(check_with(&v, &role_provider(), &wrong_url, hash), "InvalidToken", 400);
}

#[test]
fn long_term_keys_reject_a_session_token() {
    let v = verifier(config());
    let req = role_signed(Some(TOKEN), SigningSettings::default());
    assert_ok(check_with(&v, &role_provider(), &req, Some(sha256(b""))));
    assert_rejected(check(&v, &req), "InvalidToken", 400);
}

#[test]
fn expired_credentials_are_expired_token() {
    let v = verifier(config());
    let req = role_signed(Some(TOKEN), SigningSettings::default());
    let now = FixedClock::new(t()).now();
    let fresh = MemoryProvider::new().with_key(AKID, SECRET, role().with_expiry(now + Duration::from_secs(1)));
    assert_ok(check_with(&v, &fresh, &req, Some(sha256(b""))));
    let expired = MemoryProvider::new().with_key(AKID, SECRET, role().with_expiry(now - Duration::from_secs(1)));
    assert_rejected(check_with(&v, &expired, &req, Some(sha256(b""))), "ExpiredToken", 400);
}

#[test]
fn session_token_added_after_signing_needs_the_matching_mode() {
    let after = verifier(config().with_session_token_mode(SessionTokenMode::AddedAfterSigning));
    let strict = verifier(config());
    let hash = Some(sha256(b""));

    let header = role_signed(
        Some(TOKEN),
        SigningSettings::default().with_session_token_mode(SessionTokenMode::AddedAfterSigning),
    );
    assert_eq!(header.header("x-amz-security-token"), TOKEN);
    assert_eq!(auth_parts(&header).1, "host;x-amz-date");
    assert_ok(check_with(&after, &role_provider(), &header, hash));
    assert_unsigned_header(check_with(&strict, &role_provider(), &header, hash));

    let url = role_signed(
        Some(TOKEN),
        SigningSettings::default().with_presign(300).with_session_token_mode(SessionTokenMode::AddedAfterSigning),
    );
    assert_eq!(url.query_param("X-Amz-Security-Token"), TOKEN);
    assert_ok(check_with(&after, &role_provider(), &url, hash));
    assert_rejected(check_with(&strict, &role_provider(), &url, hash), "SignatureDoesNotMatch", 403);
}

// ---------------------------------------------------------------------------------------------
// The signature
// ---------------------------------------------------------------------------------------------

#[test]
fn one_flipped_signature_digit_is_signature_does_not_match() {
    let v = verifier(config());
    let req = signed_get();
    assert_ok(check(&v, &req));
    let (cred, sh, sig) = auth_parts(&req);
    for i in [0, 31, 63] {
        let mut bytes = sig.clone().into_bytes();
        bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
        let bad = String::from_utf8(bytes).expect("ascii");
        let auth = format!("AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders={sh}, Signature={bad}");
        assert_rejected(check(&v, &with_auth(&req, &auth)), "SignatureDoesNotMatch", 403);
    }
    let mut url = presigned(300);
    assert_ok(check(&v, &url));
    let bad = flip_first_digit(url.query_param("X-Amz-Signature"));
    url.set_query_param("X-Amz-Signature", &bad);
    assert_rejected(check(&v, &url), "SignatureDoesNotMatch", 403);
}

#[test]
fn debug_detail_only_with_expose_debug() {
    let unsigned = Req::get("/");
    let s = signer(SigningSettings::default());
    let req = sign_at(&s, &unsigned, t());
    let (cred, sh, sig) = auth_parts(&req);
    let bad_sig = flip_first_digit(&sig);
    let bad = with_auth(&req, &format!("AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders={sh}, Signature={bad_sig}"));

    let e = assert_rejected(check(&verifier(config().with_expose_debug(true)), &bad), "SignatureDoesNotMatch", 403);
    let debug = e.debug_info().expect("debug detail with expose_debug");
    // The verifier computed exactly what the signer signed.
    let explained = s.explain_at(&unsigned.view(), &PayloadHash::of(b""), t()).expect("explain");
    assert_eq!(debug.canonical_request, explained.canonical_request);
    assert_eq!(debug.string_to_sign, explained.string_to_sign);
    assert!(
        debug
            .string_to_sign
            .starts_with("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n")
    );
    assert_eq!(debug.signature_provided, bad_sig);
    let xml = e.to_xml();
    for tag in ["<StringToSign>", "<CanonicalRequest>", "<SignatureProvided>"] {
        assert!(xml.contains(tag), "{tag} missing from {xml}");
    }
    assert!(xml.contains(&format!("<SignatureProvided>{bad_sig}</SignatureProvided>")), "{xml}");

    let e = assert_rejected(check(&verifier(config()), &bad), "SignatureDoesNotMatch", 403);
    assert!(e.debug_info().is_none());
    let xml = e.to_xml();
    for tag in ["<StringToSign>", "<CanonicalRequest>", "<SignatureProvided>"] {
        assert!(!xml.contains(tag), "{tag} in {xml}");
    }
    assert!(!xml.contains(&bad_sig), "{xml}");
}

// ---------------------------------------------------------------------------------------------
// The payload
// ---------------------------------------------------------------------------------------------

fn s3_signer(payload: PayloadMode) -> SigV4Signer {
    signer(SigningSettings::s3().with_payload(payload))
}

#[test]
fn empty_body_hash_with_a_body_is_a_content_sha256_mismatch() {
    let v = verifier(config().with_s3_rules());
    let empty = PayloadMode::Precomputed(PayloadHash::of(b""));
    // An empty body declared empty is fine.
    let ok = sign_at(&s3_signer(empty.clone()), &Req::new("PUT", "/key").with_header("content-length", "0"), t());
    assert_eq!(ok.header("x-amz-content-sha256"), EMPTY_SHA256);
    assert_ok(check_with(&v, &provider(), &ok, None));
    // Declared empty with Content-Length 5: rejected before any body is read.
    let req = Req::new("PUT", "/key").with_header("content-length", "5").with_body(b"hello");
    let bad = sign_at(&s3_signer(empty), &req, t());
    assert_eq!(bad.header("x-amz-content-sha256"), EMPTY_SHA256);
    assert_rejected(check_with(&v, &provider(), &bad, None), "XAmzContentSHA256Mismatch", 400);
}

/// A declared payload hash is 64 lowercase hex digits, or it is refused before the signature is
/// checked.
#[test]
fn a_malformed_x_amz_content_sha256_is_invalid_argument() {
    let v = verifier(config().with_s3_rules());
    let hash = PayloadHash::of(b"hello");
    let req = Req::new("PUT", "/key").with_header("content-length", "5").with_body(b"hello");
    let ok = sign_at(&s3_signer(PayloadMode::Precomputed(hash.clone())), &req, t());
    assert_ok(check_with(&v, &provider(), &ok, None));
    let good = hash.as_str();
    let not_hex = format!("{}g", &good[..63]);
    for bad in [good.to_uppercase(), good[..63].to_owned(), format!("{good}0"), not_hex, String::new()] {
        let mut r = ok.clone();
        r.set_header("x-amz-content-sha256", bad.as_str());
        assert_rejected(check_with(&v, &provider(), &r, None), "InvalidArgument", 400);
    }
}

#[test]
fn unsigned_payload_only_when_allowed() {
    let req = sign_at(&s3_signer(PayloadMode::Unsigned), &Req::new("PUT", "/key").with_body(b"hello"), t());
    assert_eq!(req.header("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
    assert_rejected(check(&verifier(config()), &req), "AccessDenied", 403);
    assert_rejected(check(&verifier(config().with_uri_mode(UriMode::S3)), &req), "AccessDenied", 403);
    let verified = assert_ok(check(&verifier(config().with_s3_rules()), &req));
    assert!(matches!(verified.payload, PayloadState::Unsigned), "{:?}", verified.payload);
    let verified = assert_ok(check(&verifier(config().with_unsigned_payload(true)), &req));
    assert!(matches!(verified.payload, PayloadState::Unsigned), "{:?}", verified.payload);
}

fn s3_put(body: &[u8]) -> http::Request<Vec<u8>> {
    let mut req = http::Request::put("https://example.amazonaws.com/bucket/key").body(body.to_vec()).expect("request");
    signer(SigningSettings::s3()).sign(&mut req).expect("signing succeeds");
    req
}

#[test]
fn declared_hash_and_a_different_body_is_a_mismatch() {
    let v = verifier(config().with_s3_rules());
    let mut req = s3_put(b"hello");
    let verified = assert_ok(block_on(v.verify_with_body(&req, &provider())));
    assert!(matches!(verified.payload, PayloadState::Checked), "{:?}", verified.payload);
    *req.body_mut() = b"hellO".to_vec();
    assert_rejected(block_on(v.verify_with_body(&req, &provider())), "XAmzContentSHA256Mismatch", 400);
    // A wrong body hash given to `verify` is the same mismatch.
    let (parts, _) = s3_put(b"hello").into_parts();
    assert_rejected(block_on(v.verify(&parts, Some(sha256(b"hellO")), &provider())), "XAmzContentSHA256Mismatch", 400);
}

#[test]
fn declared_hash_without_body_is_pending() {
    let v = verifier(config().with_s3_rules());
    let (parts, _) = s3_put(b"hello").into_parts();

    let verified = assert_ok(block_on(v.verify(&parts, None, &provider())));
    let PayloadState::Pending(mut check) = verified.payload else {
        panic!("expected Pending, got {:?}", verified.payload)
    };
    check.update(b"hellO");
    let e = check.finish().expect_err("a different body fails");
    assert_eq!((e.code().as_str(), e.status().as_u16()), ("XAmzContentSHA256Mismatch", 400));

    let verified = assert_ok(block_on(v.verify(&parts, None, &provider())));
    let PayloadState::Pending(mut check) = verified.payload else {
        panic!("expected Pending, got {:?}", verified.payload)
    };
    check.update(b"hel");
    check.update(b"lo");
    assert!(check.finish().is_ok());
}

#[test]
fn without_x_amz_content_sha256_the_body_hash_is_signed() {
    let v = verifier(config());
    let req = signed(&Req::new("PUT", "/item").with_body(b"hello"));
    assert!(req.headers.iter().all(|(n, _)| !n.eq_ignore_ascii_case("x-amz-content-sha256")));

    let pending = v.begin_view(req.view()).expect("begin");
    assert!(pending.needs_body_hash());
    let verified = assert_ok(pending.finish(provider().get(AKID), Some(sha256(b"hello"))));
    assert!(matches!(verified.payload, PayloadState::Checked), "{:?}", verified.payload);

    let pending = v.begin_view(req.view()).expect("begin");
    assert_rejected(pending.finish(provider().get(AKID), Some(sha256(b"hellO"))), "SignatureDoesNotMatch", 403);

    // A request that declares its hash does not need the body's.
    let s3 = verifier(config().with_s3_rules());
    let declared = sign_at(&signer(SigningSettings::s3()), &Req::new("PUT", "/item").with_body(b"hello"), t());
    assert!(!s3.begin_view(declared.view()).expect("begin").needs_body_hash());
}

#[test]
fn streaming_literal_is_streaming() {
    let lit = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    let payload = PayloadMode::Precomputed(PayloadHash::precomputed(lit).expect("a known literal"));
    let req = Req::new("PUT", "/key")
        .with_header("content-encoding", "aws-chunked")
        .with_header("x-amz-decoded-content-length", "5");
    let req = sign_at(&s3_signer(payload), &req, t());
    let verified = assert_ok(check_with(&verifier(config().with_s3_rules()), &provider(), &req, None));
    assert!(
        matches!(&verified.payload, PayloadState::Streaming(s) if s.mode().content_sha256() == lit && s.decoded_length() == 5),
        "{:?}",
        verified.payload
    );
    assert_eq!(verified.auth, sigv4_kit::verify::AuthMethod::Streaming);
}

// ---------------------------------------------------------------------------------------------
// Providers
// ---------------------------------------------------------------------------------------------

/// A provider whose secrets can be rotated in place.
struct Rotating(Mutex<MemoryProvider>);

impl Rotating {
    fn set(&self, secret: &str) {
        self.0.lock().expect("lock").insert(AKID, Credential::from_secret(secret, alice()));
    }
}

impl CredentialProvider for Rotating {
    fn lookup(
        &self,
        request: &LookupRequest<'_>,
    ) -> impl Future<Output = Result<Option<Credential>, ProviderError>> + Send {
        std::future::ready(Ok(self.0.lock().expect("lock").get(request.access_key_id)))
    }
}

#[test]
fn rotated_secret_never_verifies_with_a_stale_key() {
    const NEW_SECRET: &str = "rotated/SECRET+value0000000000000000000000";
    let v = verifier(config());
    let get = |secret: &str| {
        let mut req = http::Request::get("https://example.amazonaws.com/").body(Vec::<u8>::new()).expect("request");
        signer_with(Credentials::new(AKID, secret), SigningSettings::default()).sign(&mut req).expect("sign");
        req.into_parts().0
    };
    let (old, new) = (get(SECRET), get(NEW_SECRET));
    let body = Some(sha256(b""));

    let cached = CachingProvider::new(Rotating(Mutex::new(MemoryProvider::new())), 16);
    cached.get_ref().set(SECRET);
    assert_ok(block_on(v.verify(&old, body, &cached)));
    assert_ok(block_on(v.verify(&old, body, &cached)));
    assert!(!cached.cache().is_empty());
    assert_rejected(block_on(v.verify(&new, body, &cached)), "SignatureDoesNotMatch", 403);

    cached.get_ref().set(NEW_SECRET);
    assert_rejected(block_on(v.verify(&old, body, &cached)), "SignatureDoesNotMatch", 403);
    assert_ok(block_on(v.verify(&new, body, &cached)));

    // The verifier's own key cache does not keep a stale key either.
    let plain = Rotating(Mutex::new(MemoryProvider::new()));
    plain.set(SECRET);
    assert_ok(block_on(v.verify(&old, body, &plain)));
    plain.set(NEW_SECRET);
    assert_rejected(block_on(v.verify(&old, body, &plain)), "SignatureDoesNotMatch", 403);
    assert_ok(block_on(v.verify(&new, body, &plain)));
}

#[test]
fn credential_from_signing_key_verifies() {
    let v = verifier(config());
    let req = signed_get();
    let finish_with = |secret: &str| {
        let pending = v.begin_view(req.view()).expect("begin");
        let lookup = pending.lookup();
        assert_eq!((lookup.access_key_id, lookup.scope.region(), lookup.scope.service()), (AKID, REGION, SERVICE));
        assert_eq!(lookup.scope.date(), "20150830");
        let key = SigningKey::derive(secret, &lookup.scope);
        pending.finish(Some(Credential::from_signing_key(key, alice())), Some(sha256(b"")))
    };
    let verified = assert_ok(finish_with(SECRET));
    assert_eq!(verified.principal, alice());
    assert_rejected(finish_with("not the secret"), "SignatureDoesNotMatch", 403);
}

#[test]
fn shared_credentials_profiles_map_to_principals() {
    let text = format!(
        "# a comment\n[default]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\naws_account_id = 123456789012\n\n\
         [profile dev]\naws_access_key_id = ASIADEV\naws_secret_access_key = devsecret\naws_session_token = {TOKEN}\n\
         aws_account_id = 123456789012\n"
    );
    let p = parse_shared_credentials(&text).expect("a valid file");
    assert_eq!(p.len(), 2);
    let v = verifier(config());
    let hash = Some(sha256(b""));

    let verified = assert_ok(check_with(&v, &p, &signed_get(), hash));
    assert_eq!(verified.principal.arn(), "arn:aws:iam::123456789012:user/default");
    assert_eq!(verified.principal.kind(), PrincipalKind::IamUser);
    assert_eq!(verified.principal.account_id(), "123456789012");

    let dev = |creds: Credentials| sign_at(&signer_with(creds, SigningSettings::default()), &Req::get("/"), t());
    let with_token = dev(Credentials::new("ASIADEV", "devsecret").with_session_token(TOKEN));
    let verified = assert_ok(check_with(&v, &p, &with_token, hash));
    assert_eq!(verified.principal.kind(), PrincipalKind::AssumedRole);
    assert_eq!(verified.principal.arn(), "arn:aws:sts::123456789012:assumed-role/dev/dev");
    assert_rejected(check_with(&v, &p, &dev(Credentials::new("ASIADEV", "devsecret")), hash), "InvalidToken", 400);
    let wrong_secret = dev(Credentials::new("ASIADEV", "other").with_session_token(TOKEN));
    assert_rejected(check_with(&v, &p, &wrong_secret, hash), "SignatureDoesNotMatch", 403);
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

#[test]
fn error_codes_and_statuses_match_the_aws_table() {
    let table = [
        (ErrorCode::SignatureDoesNotMatch, "SignatureDoesNotMatch", 403),
        (ErrorCode::RequestTimeTooSkewed, "RequestTimeTooSkewed", 403),
        (ErrorCode::InvalidAccessKeyId, "InvalidAccessKeyId", 403),
        (ErrorCode::AuthorizationHeaderMalformed, "AuthorizationHeaderMalformed", 400),
        (ErrorCode::AuthorizationQueryParametersError, "AuthorizationQueryParametersError", 400),
        (ErrorCode::AccessDenied, "AccessDenied", 403),
        (ErrorCode::XAmzContentSHA256Mismatch, "XAmzContentSHA256Mismatch", 400),
        (ErrorCode::ExpiredToken, "ExpiredToken", 400),
        (ErrorCode::InvalidToken, "InvalidToken", 400),
        (ErrorCode::MissingSecurityHeader, "MissingSecurityHeader", 400),
        (ErrorCode::InvalidArgument, "InvalidArgument", 400),
        (ErrorCode::NotImplemented, "NotImplemented", 501),
        (ErrorCode::InternalError, "InternalError", 500),
    ];
    for (code, name, status) in table {
        assert_eq!(code.as_str(), name);
        assert_eq!(code.to_string(), name);
        assert_eq!(code.status().as_u16(), status, "{name}");
        let e = VerifyError::new(code, "m");
        assert_eq!((e.code().as_str(), e.status().as_u16(), e.code()), (name, status, code));
        assert!(e.to_xml().contains(&format!("<Code>{name}</Code>")));
    }
}

#[test]
fn error_xml_escapes_the_message() {
    let e = VerifyError::new(ErrorCode::AccessDenied, "a <b> & \"c\"</Message><Code>x");
    let xml = e.to_xml();
    assert!(xml.contains("<Message>a &lt;b&gt; &amp; "), "{xml}");
    assert!(xml.contains("&lt;/Message&gt;&lt;Code&gt;x</Message>"), "{xml}");
    assert_eq!(xml.matches("<Code>").count(), 1, "{xml}");
    assert_eq!(xml.matches("<Message>").count(), 1, "{xml}");
}

#[test]
fn an_unsigned_request_is_access_denied() {
    let v = verifier(config());
    assert_rejected(check(&v, &Req::get("/")), "AccessDenied", 403);
    assert_rejected(check(&v, &Req::get("/").with_header("x-amz-date", "20150830T123600Z")), "AccessDenied", 403);
    // Signing parameters that do not make a request presigned.
    assert_rejected(check(&v, &Req::get("/?X-Amz-Date=20150830T123600Z&X-Amz-Expires=60")), "AccessDenied", 403);
    let (parts, _) = http::Request::get("https://example.amazonaws.com/").body(()).expect("request").into_parts();
    assert_rejected(block_on(v.verify(&parts, Some(sha256(b"")), &provider())), "AccessDenied", 403);
}
