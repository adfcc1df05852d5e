//! Interoperability with AWS's C signer: every request of `tests/interop/crt_vectors.json` (signed
//! by aws-c-auth through botocore's `CrtSigV4Auth`, `CrtS3SigV4Auth`, `CrtSigV4QueryAuth` and
//! `CrtS3SigV4QueryAuth`, see `tests/interop/crt_vectors.py`) must verify with our [`Verifier`].
//!
//! Each case is rebuilt as the `http::Request<Vec<u8>>` that was sent and verified twice: through
//! the sans-IO [`Verifier::begin`] / `finish`, and through the async [`Verifier::verify_with_body`].
//! Then one hex digit of its signature is changed, and the request must be rejected with
//! `SignatureDoesNotMatch`; the canonical request the verifier computed for that rejection must be
//! the one aws-c-auth signed. All failures are collected and reported together.

mod common;

use std::collections::BTreeMap;

use common::tamper::verify_parts;
use common::vectors::{expires_field, opt_str_field, pairs_field, str_field, unsigned_payload_field};
use common::{block_on, build_request};
use serde_json::Value;
use sigv4_kit::verify::{
    AuthMethod, ErrorCode, MemoryProvider, PayloadState, Principal, PrincipalKind, Verified, Verifier, VerifierConfig,
    VerifyError,
};
use sigv4_kit::{AmzDate, FixedClock, UNSIGNED_PAYLOAD, sha256};

const VECTORS: &str = include_str!("interop/crt_vectors.json");
const FORMAT: &str = "sigv4-kit-crt/1";
const MIN_CASES: usize = 200;
const CLASSES: [&str; 4] = ["CrtSigV4Auth", "CrtS3SigV4Auth", "CrtSigV4QueryAuth", "CrtS3SigV4QueryAuth"];

/// One case of the vector file.
struct Case {
    name: String,
    auth: String,
    service: String,
    region: String,
    time: String,
    access_key_id: String,
    secret_access_key: String,
    token: Option<String>,
    expires: Option<u64>,
    unsigned: bool,
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
    signed_headers: String,
    signature: String,
    canonical_request: String,
}

impl Case {
    fn parse(v: &Value) -> Result<Self, String> {
        let creds = v.get("credentials").ok_or("missing credentials")?;
        let req = v.get("request").ok_or("missing request")?;
        let case = Self {
            name: str_field(v, "name")?,
            auth: str_field(v, "auth")?,
            service: str_field(v, "service")?,
            region: str_field(v, "region")?,
            time: str_field(v, "time")?,
            access_key_id: str_field(creds, "access_key_id")?,
            secret_access_key: str_field(creds, "secret_access_key")?,
            token: opt_str_field(creds, "token")?,
            expires: expires_field(v)?,
            unsigned: unsigned_payload_field(v)?,
            method: str_field(req, "method")?,
            target: str_field(req, "target")?,
            headers: pairs_field(req, "headers")?,
            body: str_field(req, "body")?,
            signed_headers: str_field(v, "signed_headers")?,
            signature: str_field(v, "signature")?,
            canonical_request: str_field(v, "canonical_request")?,
        };
        if !CLASSES.contains(&case.auth.as_str()) {
            return Err(format!("unknown auth class {:?}", case.auth));
        }
        if case.is_query_auth() != case.expires.is_some() {
            return Err("expires must be set exactly for query auth".to_owned());
        }
        Ok(case)
    }

    fn is_query_auth(&self) -> bool {
        self.auth.ends_with("QueryAuth")
    }

    fn is_s3(&self) -> bool {
        self.auth.starts_with("CrtS3")
    }

    /// The value of header `name` (the first one, any letter case).
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn time(&self) -> Result<AmzDate, String> {
        self.time.parse().map_err(|e| format!("time {:?}: {e}", self.time))
    }

    /// The verifier a gateway for this case's service would run, at the signing time.
    fn verifier(&self) -> Result<Verifier, String> {
        let mut config = VerifierConfig::new([self.service.as_str()]).with_expose_debug(true);
        if self.is_s3() {
            config = config.with_s3_rules();
        }
        if self.header("x-amz-content-sha256") == Some(UNSIGNED_PAYLOAD) {
            config = config.with_unsigned_payload(true);
        }
        Ok(Verifier::new(config).with_clock(FixedClock::new(self.time()?)))
    }

    fn provider(&self) -> MemoryProvider {
        let principal = match &self.token {
            Some(token) => Principal::new(
                "123456789012",
                "arn:aws:sts::123456789012:assumed-role/crt/session",
                PrincipalKind::AssumedRole,
            )
            .with_session_token(token.as_str()),
            None => Principal::new("123456789012", "arn:aws:iam::123456789012:user/crt", PrincipalKind::IamUser),
        };
        MemoryProvider::new().with_key(self.access_key_id.as_str(), self.secret_access_key.as_str(), principal)
    }

    /// The request as sent, with `headers` instead of the recorded ones and `target` instead of
    /// the recorded target.
    fn build_with(&self, target: &str, headers: &[(String, String)]) -> Result<http::Request<Vec<u8>>, String> {
        build_request(&self.method, target, headers, self.body.as_bytes().to_vec())
            .map_err(|e| format!("cannot build the request: {e}"))
    }

    fn build(&self) -> Result<http::Request<Vec<u8>>, String> {
        self.build_with(&self.target, &self.headers)
    }

    /// The request with one hex digit of its signature changed (which one depends on `seed`).
    fn build_tampered(&self, seed: usize) -> Result<http::Request<Vec<u8>>, String> {
        let pos = seed % self.signature.len();
        let flip = |sig: &str| -> Result<String, String> {
            let digit = sig[pos..].chars().next().and_then(|c| c.to_digit(16)).ok_or("signature is not hex")?;
            let other = char::from_digit((digit + 1 + (seed as u32 % 15)) % 16, 16).ok_or("digit")?;
            Ok(format!("{}{other}{}", &sig[..pos], &sig[pos + 1..]))
        };
        let tampered = flip(&self.signature)?;
        if self.is_query_auth() {
            let param = format!("X-Amz-Signature={}", self.signature);
            if self.target.matches(&param).count() != 1 {
                return Err("X-Amz-Signature not found exactly once in the target".to_owned());
            }
            let target = self.target.replace(&param, &format!("X-Amz-Signature={tampered}"));
            self.build_with(&target, &self.headers)
        } else {
            let suffix = format!("Signature={}", self.signature);
            let headers: Vec<(String, String)> = self
                .headers
                .iter()
                .map(|(n, v)| match v.strip_suffix(&suffix) {
                    Some(head) if n.eq_ignore_ascii_case("authorization") => {
                        (n.clone(), format!("{head}Signature={tampered}"))
                    }
                    _ => (n.clone(), v.clone()),
                })
                .collect();
            if headers == self.headers {
                return Err("no Authorization header ends with the signature".to_owned());
            }
            self.build_with(&self.target, &headers)
        }
    }

    /// What a successful verification must report.
    fn check_verified(&self, how: &str, v: &Verified) -> Result<(), String> {
        let mut wrong = Vec::new();
        if v.access_key_id() != self.access_key_id {
            wrong.push(format!("access key id {:?}", v.access_key_id()));
        }
        if v.region() != self.region || v.service() != self.service || v.date() != &self.time[..8] {
            wrong.push(format!("scope {}/{}/{}", v.date(), v.region(), v.service()));
        }
        if v.time.as_str() != self.time {
            wrong.push(format!("time {}", v.time.as_str()));
        }
        if v.signed_headers() != self.signed_headers {
            wrong.push(format!("signed headers {:?}", v.signed_headers()));
        }
        let auth_ok = match (&v.auth, self.expires) {
            (AuthMethod::Header, None) => true,
            (AuthMethod::PresignedQuery { expires_in }, Some(e)) => *expires_in == e,
            _ => false,
        };
        if !auth_ok {
            wrong.push(format!("auth method {:?}", v.auth));
        }
        let payload_ok = match &v.payload {
            PayloadState::Unsigned => self.unsigned,
            PayloadState::Checked => !self.unsigned,
            _ => false,
        };
        if !payload_ok {
            wrong.push(format!(
                "payload state {:?} for a {} payload",
                v.payload,
                if self.unsigned { "unsigned" } else { "signed" }
            ));
        }
        if v.principal.session_token() != self.token.as_deref() {
            wrong.push("session token of the principal".to_owned());
        }
        if wrong.is_empty() { Ok(()) } else { Err(format!("{how}: verified, but wrong {}", wrong.join(", "))) }
    }
}

/// A line diff of two texts (`-` aws-c-auth only, `+` ours only), line by line at equal
/// positions; lines are printed with `{:?}` so that whitespace shows.
fn diff_lines(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.split('\n').collect();
    let a: Vec<&str> = actual.split('\n').collect();
    let mut out = String::new();
    for i in 0..e.len().max(a.len()) {
        match (e.get(i), a.get(i)) {
            (Some(x), Some(y)) if x == y => out.push_str(&format!("      {x:?}\n")),
            (x, y) => {
                if let Some(x) = x {
                    out.push_str(&format!("    - {x:?}\n"));
                }
                if let Some(y) = y {
                    out.push_str(&format!("    + {y:?}\n"));
                }
            }
        }
    }
    out
}

/// The error, with our canonical request diffed against aws-c-auth's when the verifier exposed it.
fn explain(case: &Case, how: &str, err: &VerifyError) -> String {
    let mut s = format!("{how}: {} ({})", err.code(), err.message());
    if let Some(debug) = err.debug_info() {
        s.push_str(&format!(
            "\n  canonical request (- aws-c-auth, + ours):\n{}",
            diff_lines(&case.canonical_request, &debug.canonical_request)
        ));
    }
    s
}

/// Verifies one case both ways and checks the tampered request is rejected.
fn check_case(case: &Case, index: usize) -> Result<(), String> {
    let verifier = case.verifier()?;
    let provider = case.provider();

    // Sans-IO: begin, look the key up, finish with the body hash.
    let (parts, body) = case.build()?.into_parts();
    let verified = verify_parts(&verifier, &parts, &provider, Some(sha256(&body)))
        .map_err(|e| explain(case, "begin/finish", &e))?;
    case.check_verified("begin/finish", &verified)?;

    // Async, with the whole body.
    let request = case.build()?;
    let verified =
        block_on(verifier.verify_with_body(&request, &provider)).map_err(|e| explain(case, "verify_with_body", &e))?;
    case.check_verified("verify_with_body", &verified)?;

    // One changed signature digit.
    let tampered = case.build_tampered(index)?;
    match block_on(verifier.verify_with_body(&tampered, &provider)) {
        Ok(_) => Err("a request with a changed signature digit verified".to_owned()),
        Err(e) if e.error_code() != ErrorCode::SignatureDoesNotMatch => {
            Err(explain(case, "changed signature digit: expected SignatureDoesNotMatch, got", &e))
        }
        Err(e) => match e.debug_info() {
            Some(debug) if debug.canonical_request == case.canonical_request => Ok(()),
            Some(debug) => Err(format!(
                "changed signature digit: rejected, but our canonical request differs (- aws-c-auth, + ours):\n{}",
                diff_lines(&case.canonical_request, &debug.canonical_request)
            )),
            None => Err("changed signature digit: rejected without debug information".to_owned()),
        },
    }
}

#[test]
fn crt_signed_requests_verify() {
    let doc: Value = serde_json::from_str(VECTORS).expect("crt_vectors.json is not JSON");
    assert_eq!(doc.get("format").and_then(Value::as_str), Some(FORMAT), "unexpected vector file format");
    for key in ["awscrt_version", "botocore_version"] {
        assert!(doc.get(key).and_then(Value::as_str).is_some_and(|s| !s.is_empty()), "missing {key}");
    }
    let raw = doc.get("cases").and_then(Value::as_array).expect("missing cases");

    let mut failures = Vec::new();
    let mut verified = 0usize;
    let mut per_class: BTreeMap<&str, usize> = CLASSES.iter().map(|c| (*c, 0)).collect();
    for (index, v) in raw.iter().enumerate() {
        let name = v.get("name").and_then(Value::as_str).unwrap_or("<unnamed>");
        let case = match Case::parse(v) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{name}: cannot parse: {e}"));
                continue;
            }
        };
        match check_case(&case, index) {
            Ok(()) => {
                verified += 1;
                if let Some(n) = per_class.get_mut(case.auth.as_str()) {
                    *n += 1;
                }
            }
            Err(e) => failures.push(format!("{}: {e}", case.name)),
        }
    }

    if !failures.is_empty() {
        let shown: Vec<&str> = failures.iter().take(20).map(String::as_str).collect();
        panic!(
            "{} of {} CRT-signed cases failed (first {} shown):\n\n{}",
            failures.len(),
            raw.len(),
            shown.len(),
            shown.join("\n\n")
        );
    }
    assert_eq!(verified, raw.len(), "every case must be verified");
    assert!(verified >= MIN_CASES, "only {verified} cases, expected at least {MIN_CASES}");
    for (class, n) in &per_class {
        assert!(*n > 0, "no case for {class}");
    }
    eprintln!("verified {verified} CRT-signed requests: {per_class:?}");
}
