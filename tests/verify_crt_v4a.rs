//! Interoperability with AWS's C signer for SigV4a: every request of
//! `tests/interop/crt_v4a_vectors.json` (signed `AWS4-ECDSA-P256-SHA256` by aws-c-auth through
//! botocore's `CrtSigV4AsymAuth`, `CrtS3SigV4AsymAuth`, `CrtSigV4AsymQueryAuth` and
//! `CrtS3SigV4AsymQueryAuth`, see `tests/interop/crt_v4a_vectors.py`) must verify with our
//! [`Verifier`]. With the environment variable `SIGV4A_CRT_VECTORS` set, the cases are read from
//! the file it names instead: ECDSA signatures are random, so CI verifies a freshly generated file
//! on every run.
//!
//! Each case is rebuilt as the `http::Request<Vec<u8>>` that was sent and verified by a gateway
//! that accepts one region of the case's region set: through [`Verifier::begin`] / `finish` with a
//! provider holding the secret access key (the verifier derives the public key), and through
//! [`Verifier::verify_with_body`] with a provider holding only the case's public key. A gateway
//! whose region the set does not cover must reject the request. Then one hex digit of the
//! signature is changed, and the request must be rejected with `SignatureDoesNotMatch`, the
//! canonical request and string to sign the verifier computed for that rejection being, byte for
//! byte, those aws-c-auth signed. All failures are collected and reported together.

#![cfg(feature = "sigv4a")]

mod common;

use std::collections::BTreeMap;

use common::tamper::{next_hex, verify_parts};
use common::vectors::{expires_field, opt_str_field, pairs_field, str_field, unsigned_payload_field};
use common::{block_on, build_request};
use serde_json::Value;
use sigv4_kit::sigv4a::{EcdsaKey, PublicKey};
use sigv4_kit::verify::{
    AuthMethod, Credential, ErrorCode, MemoryProvider, PayloadState, Principal, PrincipalKind, Regions, Verified,
    Verifier, VerifierConfig, VerifyError,
};
use sigv4_kit::{Algorithm, AmzDate, FixedClock, UNSIGNED_PAYLOAD, sha256};

const VECTORS: &str = include_str!("interop/crt_v4a_vectors.json");
/// The environment variable naming another vector file to verify.
const VECTORS_ENV: &str = "SIGV4A_CRT_VECTORS";
const FORMAT: &str = "sigv4-kit-crt-v4a/1";
const MIN_CASES: usize = 120;
const CLASSES: [&str; 4] =
    ["CrtSigV4AsymAuth", "CrtS3SigV4AsymAuth", "CrtSigV4AsymQueryAuth", "CrtS3SigV4AsymQueryAuth"];
/// The regions gateways of the tests serve; each case is verified by one its region set covers,
/// and refused by one it does not.
const GATEWAY_REGIONS: [&str; 14] = [
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "eu-central-2",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-south-1",
    "sa-east-1",
    "me-central-1",
    "af-south-1",
    "us-gov-west-1",
    "cn-north-1",
];
/// How many of the last hex digits of a signature the tampering changes: they lie in the value
/// of `s`, so the DER still parses and only the signature check can fail.
const TAIL_DIGITS: usize = 48;

/// One case of the vector file.
struct Case {
    auth: String,
    service: String,
    region_set: String,
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
    string_to_sign: String,
    public_key: (String, String),
}

impl Case {
    fn parse(v: &Value) -> Result<Self, String> {
        let creds = v.get("credentials").ok_or("missing credentials")?;
        let req = v.get("request").ok_or("missing request")?;
        let key = v.get("public_key").ok_or("missing public_key")?;
        let case = Self {
            auth: str_field(v, "auth")?,
            service: str_field(v, "service")?,
            region_set: str_field(v, "region_set")?,
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
            string_to_sign: str_field(v, "string_to_sign")?,
            public_key: (str_field(key, "x")?, str_field(key, "y")?),
        };
        if !CLASSES.contains(&case.auth.as_str()) {
            return Err(format!("unknown auth class {:?}", case.auth));
        }
        if case.is_query_auth() != case.expires.is_some() {
            return Err("expires must be set exactly for query auth".to_owned());
        }
        if case.signature.len() < 2 * TAIL_DIGITS || !case.signature.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("signature {:?} is not the hex of a DER ECDSA signature", case.signature));
        }
        Ok(case)
    }

    fn is_query_auth(&self) -> bool {
        self.auth.ends_with("QueryAuth")
    }

    /// The code of a request the verifier finds malformed (a region it does not serve, a
    /// signature that is not DER).
    fn malformed(&self) -> ErrorCode {
        if self.is_query_auth() {
            ErrorCode::AuthorizationQueryParametersError
        } else {
            ErrorCode::AuthorizationHeaderMalformed
        }
    }

    /// A gateway of this case's service, at the signing time, serving only `region`.
    fn verifier(&self, region: &str) -> Result<Verifier, String> {
        let mut config =
            VerifierConfig::new([self.service.as_str()]).with_regions(Regions::only([region])).with_expose_debug(true);
        if self.auth.starts_with("CrtS3") {
            config = config.with_s3_rules();
        }
        let declared = self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("x-amz-content-sha256"));
        if declared.is_some_and(|(_, v)| v == UNSIGNED_PAYLOAD) {
            config = config.with_unsigned_payload(true);
        }
        let time: AmzDate = self.time.parse().map_err(|e| format!("time {:?}: {e}", self.time))?;
        Ok(Verifier::new(config).with_clock(FixedClock::new(time)))
    }

    fn principal(&self) -> Principal {
        match &self.token {
            Some(token) => Principal::new(
                "123456789012",
                "arn:aws:sts::123456789012:assumed-role/crt-v4a/session",
                PrincipalKind::AssumedRole,
            )
            .with_session_token(token.as_str()),
            None => Principal::new("123456789012", "arn:aws:iam::123456789012:user/crt-v4a", PrincipalKind::IamUser),
        }
    }

    /// A provider holding the secret access key.
    fn secret_provider(&self) -> MemoryProvider {
        MemoryProvider::new().with_key(self.access_key_id.as_str(), self.secret_access_key.as_str(), self.principal())
    }

    /// A provider holding only the public key the case records (the one aws-c-auth's key
    /// derivation gives, as the generator checked), after checking ours derives the same.
    fn public_key_provider(&self) -> Result<MemoryProvider, String> {
        let (x, y) = &self.public_key;
        let key = PublicKey::from_xy_hex(x, y).map_err(|e| format!("public key ({x}, {y}): {e}"))?;
        let derived = EcdsaKey::derive(&self.access_key_id, &self.secret_access_key)
            .map_err(|e| format!("cannot derive the SigV4a key: {e}"))?
            .public_key();
        if derived != key {
            return Err(format!(
                "we derive the public key ({}, {}), the case has ({x}, {y})",
                derived.x_hex(),
                derived.y_hex()
            ));
        }
        let mut provider = MemoryProvider::new();
        provider.insert(self.access_key_id.as_str(), Credential::from_public_key(key, self.principal()));
        Ok(provider)
    }

    /// The request as sent, with its signature replaced by `signature`.
    fn build_signed(&self, signature: &str) -> Result<http::Request<Vec<u8>>, String> {
        let (target, headers) = if self.is_query_auth() {
            let param = format!("X-Amz-Signature={}", self.signature);
            if self.target.matches(&param).count() != 1 {
                return Err("X-Amz-Signature not found exactly once in the target".to_owned());
            }
            (self.target.replace(&param, &format!("X-Amz-Signature={signature}")), self.headers.clone())
        } else {
            let suffix = format!(", Signature={}", self.signature);
            let mut replaced = 0;
            let headers = self
                .headers
                .iter()
                .map(|(n, v)| match v.strip_suffix(&suffix) {
                    Some(head) if n.eq_ignore_ascii_case("authorization") => {
                        replaced += 1;
                        (n.clone(), format!("{head}, Signature={signature}"))
                    }
                    _ => (n.clone(), v.clone()),
                })
                .collect();
            if replaced != 1 {
                return Err("not exactly one Authorization header ends with the signature".to_owned());
            }
            (self.target.clone(), headers)
        };
        build_request(&self.method, &target, &headers, self.body.as_bytes().to_vec())
            .map_err(|e| format!("cannot build the request: {e}"))
    }

    /// The request as sent.
    fn build(&self) -> Result<http::Request<Vec<u8>>, String> {
        self.build_signed(&self.signature)
    }

    /// The signature with the hex digit at `pos` moved on.
    fn signature_changed_at(&self, pos: usize) -> String {
        let mut digits = self.signature.clone().into_bytes();
        digits[pos] = next_hex(digits[pos].to_ascii_lowercase());
        String::from_utf8(digits).expect("hex digits")
    }

    /// What a successful verification must report.
    fn check_verified(&self, how: &str, v: &Verified) -> Result<(), String> {
        let auth = self.expires.map_or(AuthMethod::Header, |expires_in| AuthMethod::PresignedQuery { expires_in });
        let payload = if self.unsigned { PayloadState::Unsigned } else { PayloadState::Checked };
        let expected_and_reported = [
            ("algorithm", format!("{:?}", Algorithm::EcdsaP256Sha256), format!("{:?}", v.algorithm)),
            ("region set", self.region_set.clone(), v.region().to_owned()),
            ("access key id", self.access_key_id.clone(), v.access_key_id().to_owned()),
            ("date", self.time[..8].to_owned(), v.date().to_owned()),
            ("service", self.service.clone(), v.service().to_owned()),
            ("time", self.time.clone(), v.time.as_str().to_owned()),
            ("signed headers", self.signed_headers.clone(), v.signed_headers().to_owned()),
            ("auth method", format!("{auth:?}"), format!("{:?}", v.auth)),
            ("payload state", format!("{payload:?}"), format!("{:?}", v.payload)),
            ("session token", format!("{:?}", self.token.as_deref()), format!("{:?}", v.principal.session_token())),
        ];
        let wrong: Vec<String> = expected_and_reported
            .iter()
            .filter(|(_, expected, reported)| expected != reported)
            .map(|(what, expected, reported)| format!("{what} {reported:?} (expected {expected:?})"))
            .collect();
        if wrong.is_empty() { Ok(()) } else { Err(format!("{how}: verified, but with {}", wrong.join(", "))) }
    }

    /// The error, with where our canonical request and string to sign first differ from
    /// aws-c-auth's when the verifier exposed them.
    fn explain(&self, how: &str, err: &VerifyError) -> String {
        let mut s = format!("{how}: {} ({})", err.code(), err.message());
        if let Some(debug) = err.debug_info() {
            for (what, theirs, ours) in [
                ("canonical request", &self.canonical_request, &debug.canonical_request),
                ("string to sign", &self.string_to_sign, &debug.string_to_sign),
            ] {
                if let Some(difference) = first_difference(theirs, ours) {
                    s.push_str(&format!("\n  {what}: {difference}"));
                }
            }
        }
        s
    }
}

/// Where `ours` first differs from `theirs`, line by line; `None` when they are equal.
fn first_difference(theirs: &str, ours: &str) -> Option<String> {
    if theirs == ours {
        return None;
    }
    let (mut t, mut o) = (theirs.split('\n'), ours.split('\n'));
    let mut line = 1;
    loop {
        match (t.next(), o.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (a, b) => {
                let show = |l: Option<&str>| l.map_or_else(|| "(no such line)".to_owned(), |l| format!("{l:?}"));
                return Some(format!("line {line}: aws-c-auth {}, ours {}", show(a), show(b)));
            }
        }
    }
}

/// Whether the region set (entries separated by `,`: a region, or a prefix followed by `*`)
/// covers `region`; an error for any other wildcard, which the generator does not draw.
fn covers(region_set: &str, region: &str) -> Result<bool, String> {
    let mut covered = false;
    for entry in region_set.split(',') {
        covered |= match entry.split_once('*') {
            None => entry == region,
            Some((prefix, "")) => region.starts_with(prefix),
            Some(_) => return Err(format!("region set {region_set:?}: unexpected wildcard")),
        };
    }
    Ok(covered)
}

/// A gateway region the case's region set covers (which one depends on `pick`), and one it
/// does not if there is one.
fn gateway_regions(case: &Case, pick: usize) -> Result<(&'static str, Option<&'static str>), String> {
    let mut inside = Vec::new();
    let mut outside = Vec::new();
    for region in GATEWAY_REGIONS {
        if covers(&case.region_set, region)? { inside.push(region) } else { outside.push(region) }
    }
    let accepted = *inside
        .get(pick % inside.len().max(1))
        .ok_or_else(|| format!("no gateway region is in the region set {:?}", case.region_set))?;
    if case.region_set.split(',').any(|e| e == "*") != outside.is_empty() {
        return Err(format!("region set {:?}: every gateway region is covered, but it is no \"*\"", case.region_set));
    }
    Ok((accepted, outside.get(pick % outside.len().max(1)).copied()))
}

/// Verifies one case with both providers, refuses it in a region its set does not cover, and
/// refuses it with a changed signature digit.
fn check_case(case: &Case, index: usize) -> Result<(), String> {
    let (accepted, refused) = gateway_regions(case, index)?;
    let verifier = case.verifier(accepted)?;
    let by_secret = case.secret_provider();
    let by_public_key = case.public_key_provider()?;

    // Sans-IO with the secret: begin, look the key up, finish with the body hash.
    let (parts, body) = case.build()?.into_parts();
    let how = format!("begin/finish with the secret, gateway in {accepted}");
    let verified =
        verify_parts(&verifier, &parts, &by_secret, Some(sha256(&body))).map_err(|e| case.explain(&how, &e))?;
    case.check_verified(&how, &verified)?;

    // Async with the public key and the whole body.
    let request = case.build()?;
    let how = format!("verify_with_body with the public key, gateway in {accepted}");
    let verified = block_on(verifier.verify_with_body(&request, &by_public_key)).map_err(|e| case.explain(&how, &e))?;
    case.check_verified(&how, &verified)?;

    // A gateway in a region the set does not cover.
    if let Some(region) = refused {
        match block_on(case.verifier(region)?.verify_with_body(&request, &by_secret)) {
            Ok(_) => return Err(format!("verified by a gateway in {region}, outside the region set")),
            Err(e) if e.error_code() != case.malformed() => {
                return Err(case.explain(&format!("gateway in {region}: expected {}, got", case.malformed()), &e));
            }
            Err(_) => {}
        }
    }

    // One changed digit of `s`: the DER still parses, the signature no longer matches, and the
    // verifier computed what aws-c-auth signed.
    let tail = case.signature.len() - 1 - index % TAIL_DIGITS;
    let tampered = case.build_signed(&case.signature_changed_at(tail))?;
    for (what, provider) in [("the secret", &by_secret), ("the public key", &by_public_key)] {
        let how = format!("changed signature digit {tail}, with {what}");
        match block_on(verifier.verify_with_body(&tampered, provider)) {
            Ok(_) => return Err(format!("{how}: verified")),
            Err(e) if e.error_code() != ErrorCode::SignatureDoesNotMatch => {
                return Err(case.explain(&format!("{how}: expected SignatureDoesNotMatch, got"), &e));
            }
            Err(e) => match e.debug_info() {
                None => return Err(format!("{how}: rejected without debug information")),
                Some(d) if d.canonical_request != case.canonical_request || d.string_to_sign != case.string_to_sign => {
                    return Err(case.explain(&format!("{how}: rejected, but not over what aws-c-auth signed"), &e));
                }
                Some(_) => {}
            },
        }
    }

    // A changed digit anywhere, the DER header included: refused, as not matching or as not DER.
    let anywhere = index * 7 % case.signature.len();
    let tampered = case.build_signed(&case.signature_changed_at(anywhere))?;
    match block_on(verifier.verify_with_body(&tampered, &by_public_key)) {
        Ok(_) => Err(format!("changed signature digit {anywhere}: verified")),
        Err(e) if [ErrorCode::SignatureDoesNotMatch, case.malformed()].contains(&e.error_code()) => Ok(()),
        Err(e) => Err(case.explain(&format!("changed signature digit {anywhere}: unexpected"), &e)),
    }
}

#[test]
fn crt_sigv4a_signed_requests_verify() {
    let (source, text) = match std::env::var_os(VECTORS_ENV) {
        Some(path) => {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{VECTORS_ENV}={path:?}: {e}"));
            (format!("{} ({VECTORS_ENV})", path.to_string_lossy()), text)
        }
        None => ("tests/interop/crt_v4a_vectors.json".to_owned(), VECTORS.to_owned()),
    };
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{source} is not JSON: {e}"));
    assert_eq!(doc.get("format").and_then(Value::as_str), Some(FORMAT), "{source}: unexpected vector file format");
    for key in ["awscrt_version", "botocore_version"] {
        assert!(doc.get(key).and_then(Value::as_str).is_some_and(|s| !s.is_empty()), "{source}: missing {key}");
    }
    let raw = doc.get("cases").and_then(Value::as_array).expect("missing cases");

    let mut failures = Vec::new();
    let mut per_class: BTreeMap<&str, usize> = CLASSES.iter().map(|c| (*c, 0)).collect();
    for (index, v) in raw.iter().enumerate() {
        let name = v.get("name").and_then(Value::as_str).unwrap_or("<unnamed>");
        let checked = Case::parse(v).map_err(|e| format!("cannot parse: {e}")).and_then(|case| {
            check_case(&case, index)?;
            *per_class.get_mut(case.auth.as_str()).expect("a known class") += 1;
            Ok(())
        });
        if let Err(e) = checked {
            failures.push(format!("{name}: {e}"));
        }
    }

    if !failures.is_empty() {
        let shown: Vec<&str> = failures.iter().take(20).map(String::as_str).collect();
        panic!(
            "{} of {} CRT SigV4a cases of {source} failed (first {} shown):\n\n{}",
            failures.len(),
            raw.len(),
            shown.len(),
            shown.join("\n\n")
        );
    }
    let verified: usize = per_class.values().sum();
    assert_eq!(verified, raw.len(), "every case must be verified");
    assert!(verified >= MIN_CASES, "{source}: only {verified} cases, expected at least {MIN_CASES}");
    for (class, n) in &per_class {
        assert!(*n > 0, "{source}: no case for {class}");
    }
    eprintln!("verified {verified} CRT SigV4a-signed requests of {source}: {per_class:?}");
}
