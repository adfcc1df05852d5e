//! The vector files of AWS's C signer (`tests/interop/crt_vectors.json` for SigV4 and
//! `crt_v4a_vectors.json` for SigV4a, made by the scripts beside them): a case's request as
//! aws-c-auth signed it and what it signed, rebuilding that request with another signature, and
//! running every case of a file.

use std::collections::BTreeMap;

use serde_json::Value;
use sigv4_kit::spec::{Algorithm, UNSIGNED_PAYLOAD};
use sigv4_kit::verify::{AuthMethod, PathPolicy, PayloadState, PlusInQuery, Verified, VerifierConfig, VerifyError};

use crate::common::build_request;
use crate::common::tamper::next_hex;
use crate::vectors::{Signing, pairs_field, str_field};

/// What every case of a CRT vector file holds.
pub struct CrtCase {
    pub signing: Signing,
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub signed_headers: String,
    pub signature: String,
    pub canonical_request: String,
}

impl CrtCase {
    /// Reads the fields every CRT case has; its `auth` must be one of `classes`.
    pub fn parse(v: &Value, classes: &[&str]) -> Result<Self, String> {
        let req = v.get("request").ok_or("missing request")?;
        str_field(v, "name")?; // every case is named: `check_every_case` reports failures by name
        let case = Self {
            signing: Signing::parse(v)?,
            method: str_field(req, "method")?,
            target: str_field(req, "target")?,
            headers: pairs_field(req, "headers")?,
            body: str_field(req, "body")?,
            signed_headers: str_field(v, "signed_headers")?,
            signature: str_field(v, "signature")?,
            canonical_request: str_field(v, "canonical_request")?,
        };
        if !classes.contains(&case.signing.auth.as_str()) {
            return Err(format!("unknown auth class {:?}", case.signing.auth));
        }
        if case.signature.is_empty() || !case.signature.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("signature {:?} is not hex", case.signature));
        }
        Ok(case)
    }

    /// The configuration of a gateway for the case's service (S3 rules for the S3 classes,
    /// `UNSIGNED-PAYLOAD` accepted when the request declares it), exposing what it computed.
    pub fn verifier_config(&self) -> VerifierConfig {
        let mut config = VerifierConfig::new([self.signing.service.as_str()])
            .with_expose_debug(true)
            // AWS's reading: unnormalized paths and literal '+' verify (the gateway defaults refuse them).
            .with_path_policy(PathPolicy::Rewrite)
            .with_plus_in_query(PlusInQuery::Literal);
        if self.signing.is_s3() {
            config = config.with_s3_rules();
        }
        let declared = self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("x-amz-content-sha256"));
        if declared.is_some_and(|(_, v)| v == UNSIGNED_PAYLOAD) {
            config = config.with_unsigned_payload(true);
        }
        config
    }

    /// The request as sent, with its signature replaced by `signature` (in `X-Amz-Signature` for
    /// query auth, at the end of `Authorization` otherwise).
    pub fn build_signed(&self, signature: &str) -> Result<http::Request<Vec<u8>>, String> {
        let (target, headers) = if self.signing.is_query_auth() {
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
    pub fn build(&self) -> Result<http::Request<Vec<u8>>, String> {
        self.build_signed(&self.signature)
    }

    /// The signature with its hex digit at `pos` (taken modulo its length) moved on.
    pub fn signature_changed_at(&self, pos: usize) -> String {
        let mut digits = self.signature.clone().into_bytes();
        let pos = pos % digits.len();
        digits[pos] = next_hex(digits[pos].to_ascii_lowercase());
        String::from_utf8(digits).expect("hex digits")
    }

    /// Checks what a successful verification reports against the case, signed with `algorithm`
    /// for `region` (the region set for SigV4a).
    pub fn check_verified(&self, how: &str, v: &Verified, algorithm: Algorithm, region: &str) -> Result<(), String> {
        let signing = &self.signing;
        let auth = signing.expires.map_or(AuthMethod::Header, |expires_in| AuthMethod::PresignedQuery { expires_in });
        let payload = if signing.unsigned { PayloadState::Unsigned } else { PayloadState::Checked };
        let expected_and_reported = [
            ("algorithm", format!("{algorithm:?}"), format!("{:?}", v.algorithm)),
            ("region", region.to_owned(), v.region().to_owned()),
            ("access key id", signing.access_key_id.clone(), v.access_key_id().to_owned()),
            ("date", signing.date().to_owned(), v.date().to_owned()),
            ("service", signing.service.clone(), v.service().to_owned()),
            ("time", signing.time.clone(), v.time.as_str().to_owned()),
            ("signed headers", self.signed_headers.clone(), v.signed_headers().to_owned()),
            ("auth method", format!("{auth:?}"), format!("{:?}", v.auth)),
            ("payload state", format!("{payload:?}"), format!("{:?}", v.payload)),
            ("session token", format!("{:?}", signing.token.as_deref()), format!("{:?}", v.principal.session_token())),
        ];
        let wrong: Vec<String> = expected_and_reported
            .iter()
            .filter(|(_, expected, reported)| expected != reported)
            .map(|(what, expected, reported)| format!("{what} {reported:?} (expected {expected:?})"))
            .collect();
        if wrong.is_empty() { Ok(()) } else { Err(format!("{how}: verified, but with {}", wrong.join(", "))) }
    }

    /// The error, with where our canonical request (and, given, string to sign) first differ
    /// from what aws-c-auth signed when the verifier exposed them.
    pub fn explain(&self, how: &str, err: &VerifyError, string_to_sign: Option<&str>) -> String {
        let mut s = format!("{how}: {} ({})", err.code(), err.message());
        if let Some(debug) = err.debug_info() {
            let mut pairs =
                vec![("canonical request", self.canonical_request.as_str(), debug.canonical_request.as_str())];
            if let Some(theirs) = string_to_sign {
                pairs.push(("string to sign", theirs, debug.string_to_sign.as_str()));
            }
            for (what, theirs, ours) in pairs {
                if let Some(difference) = first_difference(theirs, ours) {
                    s.push_str(&format!("\n  {what}: {difference}"));
                }
            }
        }
        s
    }
}

/// Where `ours` first differs from `theirs`, line by line; `None` when they are equal.
pub fn first_difference(theirs: &str, ours: &str) -> Option<String> {
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

/// Runs `check` on every case of the CRT vector file `text` (read from `source`, of `format`),
/// which answers the case's class or why it failed. Fails with the first 20 failures, or when
/// fewer than `min_cases` cases ran or a class of `classes` had none; returns the count per class.
pub fn check_every_case<'c>(
    source: &str,
    text: &str,
    format: &str,
    classes: &[&'c str],
    min_cases: usize,
    mut check: impl FnMut(&Value, usize) -> Result<String, String>,
) -> BTreeMap<&'c str, usize> {
    let doc: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{source} is not JSON: {e}"));
    assert_eq!(doc.get("format").and_then(Value::as_str), Some(format), "{source}: unexpected vector file format");
    for key in ["awscrt_version", "botocore_version"] {
        assert!(doc.get(key).and_then(Value::as_str).is_some_and(|s| !s.is_empty()), "{source}: missing {key}");
    }
    let raw = doc.get("cases").and_then(Value::as_array).unwrap_or_else(|| panic!("{source}: missing cases"));

    let mut failures = Vec::new();
    let mut per_class: BTreeMap<&str, usize> = classes.iter().map(|c| (*c, 0)).collect();
    for (index, v) in raw.iter().enumerate() {
        let name = v.get("name").and_then(Value::as_str).unwrap_or("<unnamed>");
        match check(v, index) {
            Ok(class) => match per_class.get_mut(class.as_str()) {
                Some(n) => *n += 1,
                None => failures.push(format!("{name}: verified, but of the unknown class {class:?}")),
            },
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }

    if !failures.is_empty() {
        let shown: Vec<&str> = failures.iter().take(20).map(String::as_str).collect();
        panic!(
            "{} of {} cases of {source} failed (first {} shown):\n\n{}",
            failures.len(),
            raw.len(),
            shown.len(),
            shown.join("\n\n")
        );
    }
    let verified: usize = per_class.values().sum();
    assert_eq!(verified, raw.len(), "{source}: every case must be verified");
    assert!(verified >= min_cases, "{source}: only {verified} cases, expected at least {min_cases}");
    for (class, n) in &per_class {
        assert!(*n > 0, "{source}: no case for {class}");
    }
    per_class
}
