//! Differential test of SigV4a (`AWS4-ECDSA-P256-SHA256`): sigv4-kit against aws-sigv4 (the
//! AWS SDK for Rust signer), on generated requests: S3 and normalized paths, header and
//! presigned-query auth, signed, declared and unsigned payloads, session tokens signed or added
//! after signing, and region sets from `*` to lists of regions and patterns.
//!
//! * aws-sigv4 signs, the [`Verifier`] accepts: once with the secret access key, once with only
//!   the public key, derived by aws-sigv4 (`generate_signing_key`) and handed over as SEC1
//!   bytes. Copies with one hex digit of the signature, one character of the path, of a query
//!   value (the region set too) or of a signed header value (the region set too), or one byte
//!   of the body changed are rejected with the right code (or accepted, for a body that is not
//!   signed).
//! * sigv4-kit signs: both derive the same private key; the signature verifies under the key
//!   aws-sigv4 derived, over the SHA-256 of our string to sign; aws-sigv4 signing the same
//!   request at the same time gives the same canonical request, string to sign, signature (both
//!   use RFC 6979 deterministic nonces, so the DER bytes must be identical) and signed request;
//!   and the [`Verifier`] accepts our signed request.
//!
//! The generators avoid the inputs on which the two legitimately differ (README, "Differences
//! from other implementations"); each such restriction is marked "Known difference".
#![cfg(feature = "sigv4a")]

use std::time::{Duration, UNIX_EPOCH};

use crate::aws_strategies::{aws_query, aws_segment, spaced_words};
use crate::capture::Capture;
use crate::common::aws_signer::aws_settings;
use crate::common::strategies::{header_name_of, is_signing_key, path_of, select_str};
use crate::common::tamper::{
    CONTENT_SHA256_MISMATCH, SIGNATURE_DOES_NOT_MATCH, Wire, alnum_positions, changed_path, flip_at, next_hex,
    verify_parts,
};
use crate::common::{build_request, proptest_config};
use aws_sigv4::http_request::{SessionTokenMode as AwsTokenMode, SignableBody as AwsBody};
use aws_sigv4::sign::v4a;
use aws_smithy_runtime_api::client::identity::Identity;
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{DerSignature, SigningKey as P256SigningKey};
use proptest::prelude::*;
use sigv4_kit::sign::{PayloadMode, SigV4Signer, Signer, SigningSettings};
use sigv4_kit::sigv4a::RegionSet;
use sigv4_kit::sigv4a::{EcdsaKey, PublicKey};
use sigv4_kit::spec::{Algorithm, DEFAULT_EXCLUDED_HEADERS, sha256};
use sigv4_kit::verify::{AuthMethod, Credential, MemoryProvider, PathPolicy, PlusInQuery, Principal, PrincipalKind};
use sigv4_kit::verify::{Verified, Verifier, VerifierConfig, VerifyError};
use sigv4_kit::{AmzDate, Credentials, FixedClock, SessionTokenMode, SignableRequest, UriMode};

/// Cases per direction (each case picks S3 or not, header or query auth).
const CASES: u32 = 256;

// ---------------------------------------------------------------------------------------------
// The generated request.
// ---------------------------------------------------------------------------------------------

/// What happens to the session token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    None,
    /// Signed (aws-sigv4 `SessionTokenMode::Include`).
    Signed,
    /// Added after signing (aws-sigv4 `SessionTokenMode::Exclude`).
    AddedAfterSigning,
}

#[derive(Debug, Clone)]
struct Case {
    /// S3 rules (single encoding, no normalization, `x-amz-content-sha256`), or normalized.
    s3: bool,
    /// A presigned URL valid for this many seconds, or header auth.
    expires: Option<u64>,
    method: String,
    host: String,
    port: Option<u16>,
    /// Path and query as sent.
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Header auth: sign `UNSIGNED-PAYLOAD` (declared in `x-amz-content-sha256`).
    unsigned: bool,
    /// Normalized header auth: declare the body hash in `x-amz-content-sha256`.
    declare: bool,
    token: Token,
    token_value: String,
    time: u64,
    access_key: String,
    secret: String,
    region_set: String,
    service: String,
    /// Chooses what the tampered copies change.
    pick: usize,
}

impl Case {
    /// `https://`, the authority as written (a port, even 443, stays in the URI) and the target.
    fn uri(&self) -> String {
        let port = self.port.map(|p| format!(":{p}")).unwrap_or_default();
        format!("https://{}{port}{}", self.host, self.target)
    }

    /// The `Host` header a client sends: the authority without the default port.
    fn host_header(&self) -> String {
        match self.port {
            Some(p) if p != 443 => format!("{}:{p}", self.host),
            _ => self.host.clone(),
        }
    }

    fn amz_date(&self) -> AmzDate {
        AmzDate::from_unix(i64::try_from(self.time).expect("time fits")).expect("time in range")
    }

    fn uri_mode(&self) -> UriMode {
        if self.s3 { UriMode::S3 } else { UriMode::Normalized }
    }

    /// Whether the payload line is `UNSIGNED-PAYLOAD`: S3 presigned URLs, and header auth when
    /// asked. Presigned URLs for other services sign the hash of the (known) body.
    fn unsigned_payload(&self) -> bool {
        if self.expires.is_some() { self.s3 } else { self.unsigned }
    }

    /// Whether header auth declares the payload line in `x-amz-content-sha256`.
    fn declares_payload(&self) -> bool {
        self.expires.is_none() && (self.s3 || self.declare || self.unsigned)
    }

    fn token(&self) -> Option<&str> {
        (self.token != Token::None).then_some(self.token_value.as_str())
    }

    fn principal(&self) -> Principal {
        let kind = if self.token == Token::None { PrincipalKind::IamUser } else { PrincipalKind::AssumedRole };
        let principal = Principal::new("123456789012", "arn:aws:iam::123456789012:user/sigv4a", kind);
        match self.token() {
            Some(t) => principal.with_session_token(t),
            None => principal,
        }
    }

    /// A provider that holds the secret access key.
    fn secret_provider(&self) -> MemoryProvider {
        MemoryProvider::new().with_key(self.access_key.as_str(), self.secret.as_str(), self.principal())
    }

    /// A provider that holds only the public key, as aws-sigv4 derives it.
    fn public_key_provider(&self) -> MemoryProvider {
        let sec1 = aws_verifying_key(self).to_sec1_point(false);
        let key = PublicKey::from_sec1_bytes(sec1.as_bytes()).expect("a point on P-256");
        let mut provider = MemoryProvider::new();
        provider.insert(self.access_key.as_str(), Credential::from_public_key(key, self.principal()));
        provider
    }

    fn verifier(&self) -> Verifier {
        let mut config = VerifierConfig::new([self.service.as_str()])
            .with_expose_debug(true)
            // AWS's reading: unnormalized paths and literal '+' verify (the gateway defaults refuse them).
            .with_path_policy(PathPolicy::Rewrite)
            .with_plus_in_query(PlusInQuery::Literal);
        if self.s3 {
            config = config.with_s3_rules();
        } else if self.unsigned_payload() {
            config = config.with_unsigned_payload(true);
        }
        if self.token == Token::AddedAfterSigning {
            config = config.with_session_token_mode(SessionTokenMode::AddedAfterSigning);
        }
        Verifier::new(config).with_clock(FixedClock::new(self.amz_date()))
    }

    /// Our SigV4a signer with the settings that match aws-sigv4's (`aws_settings`).
    fn signer(&self) -> SigV4Signer {
        let mut credentials = Credentials::new(self.access_key.as_str(), self.secret.as_str());
        if let Some(t) = self.token() {
            credentials = credentials.with_session_token(t);
        }
        let mut settings = if self.s3 { SigningSettings::s3() } else { SigningSettings::default() };
        settings = settings.with_content_sha256_header(self.declares_payload());
        if let Some(e) = self.expires {
            settings = settings.with_presign(e);
        }
        if self.unsigned_payload() {
            settings = settings.with_payload(PayloadMode::Unsigned);
        }
        if self.token == Token::AddedAfterSigning {
            settings = settings.with_session_token_mode(SessionTokenMode::AddedAfterSigning);
        }
        let region_set = RegionSet::new(self.region_set.as_str()).expect("generated region sets are valid");
        SigV4Signer::sigv4a(credentials, region_set, self.service.as_str())
            .with_settings(settings)
            .with_clock(FixedClock::new(self.amz_date()))
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------------------------

/// Headers never generated.
///
/// Known differences: aws-sigv4 overwrites the signer's own headers (`x-amz-region-set` among
/// them) where sigv4-kit refuses a conflicting one; it never signs `x-amz-user-agent` and
/// `x-amz-checksum-mode` in a presigned URL (and the verifier refuses unsigned `x-amz-*`
/// headers). The host header comes from the URI.
const AVOIDED: &[&str] = &[
    "host",
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
    "x-amz-region-set",
    "x-amz-user-agent",
    "x-amz-checksum-mode",
];

/// The headers aws-sigv4 never signs; it signs the others of sigv4-kit's
/// [`DEFAULT_EXCLUDED_HEADERS`] (the hop-by-hop headers and `expect`).
const AWS_EXCLUDED: &[&str] = &["authorization", "user-agent", "x-amzn-trace-id", "transfer-encoding"];

/// The headers (besides the token) whose values aws-sigv4 redacts in the canonical request it logs.
const AWS_REDACTED: &[&str] = &[
    "cookie",
    "set-cookie",
    "x-amz-server-side-encryption-customer-key",
    "x-amz-server-side-encryption-customer-key-md5",
    "x-amz-copy-source-server-side-encryption-customer-key",
    "x-amz-copy-source-server-side-encryption-customer-key-md5",
];

/// Whether a header is generated only when aws-sigv4 signs and sigv4-kit verifies (the
/// verifier signs the `SignedHeaders` it is sent), not when the two signers are compared.
///
/// Known differences: aws-sigv4 signs the hop-by-hop headers and `expect`, which sigv4-kit
/// never signs; and it redacts the values of sensitive headers in the canonical request it
/// logs, so the canonical requests could not be compared.
fn not_compared(name: &str) -> bool {
    let signed_by_aws_only = DEFAULT_EXCLUDED_HEADERS.iter().filter(|h| !AWS_EXCLUDED.contains(h));
    signed_by_aws_only.chain(AWS_REDACTED).any(|h| h.eq_ignore_ascii_case(name))
}

/// A header name; `compared`: none that are [`not_compared`]. Headers neither signer signs
/// (`user-agent`, `x-amzn-trace-id`, `transfer-encoding`) are generated.
fn header_name(compared: bool) -> impl Strategy<Value = String> {
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
        "transfer-encoding",
        "Accept",
        "Connection",
        "Expect",
        "Cookie",
    ];
    let avoid: fn(&str) -> bool = if compared {
        |n| not_compared(n) || AVOIDED.iter().any(|a| a.eq_ignore_ascii_case(n))
    } else {
        |n| AVOIDED.iter().any(|a| a.eq_ignore_ascii_case(n))
    };
    header_name_of(NAMES, "[A-Za-z][A-Za-z0-9-]{0,12}", avoid, "X-Not-")
}

/// A region set: `*`, patterns, single regions and lists.
///
/// Known difference: sigv4-kit validates a region set when signing (ASCII lowercase letters,
/// digits, `-` and `*`, comma-separated, no empty entry); aws-sigv4 passes any text through.
/// Only valid sets are generated.
fn region_set() -> impl Strategy<Value = String> {
    let entry = prop_oneof![
        3 => "[a-z]{2}-[a-z]{1,8}-[0-9]",
        1 => "[a-z]{2}-\\*",
        1 => Just("*".to_owned()),
        1 => "[a-z0-9*-]{1,12}",
    ];
    prop_oneof![
        2 => select_str(&["*", "us-*", "us-east-1,us-west-2", "us-east-1", "eu-*,ap-southeast-2"]),
        3 => prop::collection::vec(entry, 1..4).prop_map(|e| e.join(",")),
    ]
}

/// A request. `compared`: both signers sign it and are compared (see [`not_compared`]).
///
/// Known difference: in normalized mode aws-sigv4 keeps a trailing slash after a final `.` or
/// `..` segment (`/a/b/..` gives `/a/`, sigv4-kit `/a`): such a path gets a slash appended
/// (`path_of`). Header values hold words and runs of spaces, no tabs (aws-sigv4 trims and
/// collapses spaces only). Expiries stay in 1..=604800 (sigv4-kit checks them).
fn case(compared: bool) -> impl Strategy<Value = Case> {
    let mode = (any::<bool>(), prop_oneof![1 => Just(None), 1 => (1u64..=604_800).prop_map(Some)]);
    let request = mode.prop_flat_map(move |(s3, expires)| {
        (
            Just((s3, expires)),
            prop_oneof![4 => select_str(&["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH"]), 1 => "[A-Z][A-Z-]{0,8}"],
            "[a-z0-9]{1,10}(\\.[a-z0-9]{1,8}){0,3}",
            prop_oneof![3 => Just(None), 1 => Just(Some(443u16)), 1 => (1u16..=u16::MAX).prop_map(Some)],
            (path_of(aws_segment(s3), !s3), aws_query())
                .prop_map(|(path, query)| query.map_or_else(|| path.clone(), |q| format!("{path}?{q}"))),
            prop::collection::vec((header_name(compared), spaced_words(0..3)), 0..6),
            prop::collection::vec(any::<u8>(), 0..48),
        )
    });
    let token = prop::sample::select(vec![Token::None, Token::Signed, Token::AddedAfterSigning]);
    let secrets = ("[A-Z0-9]{4,20}", "[A-Za-z0-9/+]{1,40}", "[A-Za-z0-9+/=]{1,48}");
    let scope = (region_set(), "[a-z0-9][a-z0-9-]{0,9}");
    (request, any::<bool>(), any::<bool>(), token, 0u64..4_102_444_800, secrets, scope, any::<usize>()).prop_map(
        |(
            ((s3, expires), method, host, port, target, headers, body),
            unsigned,
            declare,
            token,
            time,
            (access_key, secret, token_value),
            (region_set, service),
            pick,
        )| Case {
            s3,
            expires,
            method,
            host,
            port,
            target,
            headers,
            body,
            unsigned,
            declare,
            token,
            token_value,
            time,
            access_key,
            secret,
            region_set,
            service,
            pick,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// aws-sigv4.
// ---------------------------------------------------------------------------------------------

/// The P-256 key aws-sigv4 derives from the case's credentials, as a `p256` signing key.
fn aws_signing_key(c: &Case) -> P256SigningKey {
    let scalar = v4a::generate_signing_key(&c.access_key, &c.secret);
    P256SigningKey::from_slice(scalar.as_ref()).expect("aws-sigv4 derives a valid P-256 scalar")
}

fn aws_verifying_key(c: &Case) -> p256::ecdsa::VerifyingKey {
    *aws_signing_key(c).verifying_key()
}

/// What aws-sigv4 produced for a case.
struct AwsSigned {
    signature: String,
    /// The canonical request it logged (with the session token put back where it redacts it).
    canonical_request: String,
    /// The string to sign it logged (query auth only).
    string_to_sign: Option<String>,
    request: http::Request<Vec<u8>>,
}

fn sign_with_aws(c: &Case) -> AwsSigned {
    let identity: Identity = aws_credential_types::Credentials::new(
        &c.access_key,
        &c.secret,
        c.token().map(str::to_owned),
        None,
        "sigv4-kit-tests",
    )
    .into();
    let token_mode = if c.token == Token::AddedAfterSigning { AwsTokenMode::Exclude } else { AwsTokenMode::Include };
    let settings = aws_settings(c.s3, c.declares_payload(), token_mode, c.expires);
    let params = v4a::SigningParams::builder()
        .identity(&identity)
        .region_set(&c.region_set)
        .name(&c.service)
        .time(UNIX_EPOCH + Duration::from_secs(c.time))
        .settings(settings)
        .build()
        .expect("aws-sigv4 signing params")
        .into();
    let body = if c.unsigned_payload() { AwsBody::UnsignedPayload } else { AwsBody::Bytes(&c.body) };
    let uri = c.uri();
    let headers = c.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    let request = aws_sigv4::http_request::SignableRequest::new(&c.method, &uri, headers, body)
        .expect("aws-sigv4 accepts the request");
    let capture = Capture::default();
    let (instructions, signature) = capture
        .record(|| aws_sigv4::http_request::sign(request, &params))
        .expect("aws-sigv4 signs the request")
        .into_parts();
    let mut signed = build_request(&c.method, &uri, &c.headers, c.body.clone()).expect("a valid http::Request");
    instructions.apply_to_request_http1x(&mut signed);

    let mut canonical_request = capture
        .field("canonical_request")
        .expect("aws-sigv4 logged no canonical_request (is tracing at TRACE level compiled in?)");
    if let Some(t) = c.token() {
        let redacted = format!("x-amz-security-token:** redacted (length={}) **\n", t.len());
        canonical_request = canonical_request.replace(&redacted, &format!("x-amz-security-token:{t}\n"));
    }
    AwsSigned { signature, canonical_request, string_to_sign: capture.field("string_to_sign"), request: signed }
}

// ---------------------------------------------------------------------------------------------
// Verifying and tampering.
// ---------------------------------------------------------------------------------------------

/// The outcome of a verification, for messages.
fn outcome(r: &Result<Verified, VerifyError>) -> String {
    match r {
        Ok(v) => format!("Ok({v:?})"),
        Err(e) => match e.debug_info() {
            Some(d) => {
                format!("{}: {}\n    verifier's canonical request: {:?}", e.code(), e.message(), d.canonical_request)
            }
            None => format!("{}: {}", e.code(), e.message()),
        },
    }
}

/// A signed `http::Request` as it goes on the wire.
fn wire_of(request: &http::Request<Vec<u8>>) -> Wire {
    let uri = request.uri();
    Wire {
        method: request.method().as_str().to_owned(),
        host: uri.authority().expect("an absolute uri").as_str().to_owned(),
        target: uri.path_and_query().map_or("/", |pq| pq.as_str()).to_owned(),
        headers: request
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8(v.as_bytes().to_vec()).expect("UTF-8 value")))
            .collect(),
        body: request.body().clone(),
    }
}

fn verify_wire(verifier: &Verifier, wire: &Wire, provider: &MemoryProvider) -> Result<Verified, VerifyError> {
    let (parts, body) = wire.http_request().into_parts();
    verify_parts(verifier, &parts, provider, Some(sha256(&body)))
}

/// Checks what the verifier made of an accepted request.
fn check_verified(c: &Case, how: &str, r: &Result<Verified, VerifyError>, wire: &Wire) -> Result<(), TestCaseError> {
    let v = r.as_ref().map_err(|_| TestCaseError::fail(format!("{how}: rejected: {}\n  {wire:?}", outcome(r))))?;
    prop_assert_eq!(v.algorithm, Algorithm::EcdsaP256Sha256, "{}", how);
    prop_assert_eq!(v.region(), c.region_set.as_str(), "{}", how);
    prop_assert_eq!(v.access_key_id(), c.access_key.as_str(), "{}", how);
    prop_assert_eq!(v.service(), c.service.as_str(), "{}", how);
    prop_assert_eq!(v.time, c.amz_date(), "{}", how);
    prop_assert_eq!(v.principal.session_token(), c.token(), "{}", how);
    let auth = match c.expires {
        Some(expires_in) => AuthMethod::PresignedQuery { expires_in },
        None => AuthMethod::Header,
    };
    prop_assert_eq!(v.auth, auth, "{}", how);
    Ok(())
}

/// `s` with the letter or digit `pick` chooses flipped, or `Z` appended when it has none.
fn changed_value(s: &str, pick: usize) -> String {
    let positions = alnum_positions(s);
    if positions.is_empty() { format!("{s}Z") } else { flip_at(s, positions[pick % positions.len()]) }
}

/// Copies of a signed request with one thing changed, and the code each must be rejected with
/// (`None`: accepted). `signed_headers` are the names the accepted request signs.
fn tampered(c: &Case, wire: &Wire, signed_headers: &[String]) -> Vec<(&'static str, Wire, Option<&'static str>)> {
    let mut out = Vec::new();

    // One hex digit of the signature.
    let mut w = wire.clone();
    let (text, marker) = match c.expires {
        Some(_) => (&mut w.target, "X-Amz-Signature="),
        None => (&mut w.headers.iter_mut().find(|(n, _)| n == "authorization").expect("Authorization").1, "Signature="),
    };
    let start = text.find(marker).expect("a signature") + marker.len();
    let len = text[start..].find('&').unwrap_or(text.len() - start);
    let mut bytes = std::mem::take(text).into_bytes();
    let at = start + c.pick % len;
    bytes[at] = next_hex(bytes[at]);
    *text = String::from_utf8(bytes).expect("ASCII");
    out.push(("signature digit", w, Some(SIGNATURE_DOES_NOT_MATCH)));

    out.push((
        "path",
        wire.with_path(&changed_path(wire.path(), c.uri_mode(), c.pick)),
        Some(SIGNATURE_DOES_NOT_MATCH),
    ));

    // A query value: of a parameter of the request, or the region set of a presigned URL.
    if let Some(query) = wire.query() {
        let mut segments: Vec<String> = query.split('&').map(str::to_owned).collect();
        let candidates: Vec<usize> = (0..segments.len())
            .filter(|&i| {
                let key = segments[i].split('=').next().unwrap_or_default();
                !segments[i].is_empty() && (!is_signing_key(key) || key == "X-Amz-Region-Set")
            })
            .collect();
        if !candidates.is_empty() {
            let seg = &mut segments[candidates[c.pick % candidates.len()]];
            *seg = match seg.split_once('=') {
                Some((k, v)) => format!("{k}={}", changed_value(v, c.pick)),
                None => format!("{seg}=Z"),
            };
            out.push(("query value", wire.with_query(&segments.join("&")), Some(SIGNATURE_DOES_NOT_MATCH)));
        }
    }

    // A signed header value: of the request's own headers, or the region set. The signer's
    // date, payload hash and token headers are left alone: they have checks of their own.
    let candidates: Vec<usize> = (0..wire.headers.len())
        .filter(|&i| {
            let name = wire.headers[i].0.as_str();
            signed_headers.iter().any(|s| s == name)
                && !["host", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"].contains(&name)
        })
        .collect();
    if !candidates.is_empty() {
        let mut w = wire.clone();
        let value = &mut w.headers[candidates[c.pick % candidates.len()]].1;
        *value = changed_value(value, c.pick);
        out.push(("signed header value", w, Some(SIGNATURE_DOES_NOT_MATCH)));
    }

    // One byte of the body: signed as the payload line, declared, or not signed at all.
    let mut w = wire.clone();
    match w.body.first_mut() {
        Some(b) => *b ^= 0x01,
        None => w.body.push(b'x'),
    }
    let code = if c.unsigned_payload() {
        None
    } else if c.declares_payload() {
        Some(CONTENT_SHA256_MISMATCH)
    } else {
        Some(SIGNATURE_DOES_NOT_MATCH)
    };
    out.push(("body", w, code));
    out
}

/// aws-sigv4 signs; the verifier accepts with the secret and with aws-sigv4's public key, and
/// rejects the tampered copies.
fn aws_signs_we_verify(c: &Case) -> Result<(), TestCaseError> {
    let aws = sign_with_aws(c);
    let wire = wire_of(&aws.request);
    let verifier = c.verifier();
    let providers = [("secret", c.secret_provider()), ("public key", c.public_key_provider())];
    let mut signed_headers = Vec::new();
    for (how, provider) in &providers {
        let r = verify_wire(&verifier, &wire, provider);
        check_verified(c, how, &r, &wire)?;
        if let Ok(v) = r {
            signed_headers = v.signed_header_names().map(str::to_owned).collect();
        }
    }
    prop_assert!(signed_headers.iter().any(|h| h == "host"), "host is signed: {:?}", signed_headers);
    for (what, w, want) in tampered(c, &wire, &signed_headers) {
        for (how, provider) in &providers {
            let r = verify_wire(&verifier, &w, provider);
            let good = match (&r, want) {
                (Ok(_), None) => true,
                (Err(e), Some(code)) => e.code() == code,
                _ => false,
            };
            prop_assert!(
                good,
                "{} changed ({}): expected {}, got {}\n  {:?}",
                what,
                how,
                want.unwrap_or("Ok"),
                outcome(&r),
                w
            );
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// sigv4-kit signs.
// ---------------------------------------------------------------------------------------------

/// Headers as a sorted list.
fn sorted_headers(h: &http::HeaderMap) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = h.iter().map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())).collect();
    v.sort();
    v
}

/// The URI with its query segments sorted (a presigner may order its parameters freely).
fn sorted_uri(u: &http::Uri) -> (String, Vec<&str>) {
    let mut segments: Vec<&str> = u.query().map(|q| q.split('&').collect()).unwrap_or_default();
    segments.sort_unstable();
    (
        format!("{}://{}{}", u.scheme_str().unwrap_or_default(), u.authority().map_or("", |a| a.as_str()), u.path()),
        segments,
    )
}

/// sigv4-kit signs; aws-sigv4's key verifies the signature; aws-sigv4 signing the same request
/// gives the same texts, signature and request; the verifier accepts it.
fn we_sign_aws_agrees(c: &Case) -> Result<(), TestCaseError> {
    // The same private key, derived independently.
    let ours_key = EcdsaKey::derive(&c.access_key, &c.secret).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    let aws_key = aws_signing_key(c);
    prop_assert_eq!(&ours_key.to_bytes()[..], &aws_key.to_bytes()[..], "derived private keys");

    let signer = c.signer();
    let host = c.host_header();
    let mut view = SignableRequest::new(&c.method, &c.target).with_header("host", &host);
    for (n, v) in &c.headers {
        view.push_header(n, v);
    }
    let ours = signer
        .explain_at(&view, &signer.payload_hash(&c.body), c.amz_date())
        .map_err(|e| TestCaseError::fail(format!("ours: {e}")))?;
    let signature = ours.output.signature();

    // (a) aws-sigv4's key verifies our signature over the SHA-256 of our string to sign, and
    // aws-sigv4 computes the same signature for it.
    let der = DerSignature::from_bytes(signature.as_bytes()).map_err(|e| TestCaseError::fail(format!("DER: {e}")))?;
    let digest = sha256(ours.string_to_sign.as_bytes());
    prop_assert!(
        aws_key.verifying_key().verify_prehash(&digest, &der).is_ok(),
        "aws-sigv4's key refuses our signature"
    );
    let aws_scalar = v4a::generate_signing_key(&c.access_key, &c.secret);
    prop_assert_eq!(
        v4a::calculate_signature(&aws_scalar, ours.string_to_sign.as_bytes()),
        signature.to_string(),
        "aws-sigv4's signature of our string to sign"
    );

    // aws-sigv4 signing the same request at the same time.
    let aws = sign_with_aws(c);
    prop_assert_eq!(&ours.canonical_request, &aws.canonical_request, "canonical request");
    if let Some(sts) = &aws.string_to_sign {
        prop_assert_eq!(&ours.string_to_sign, sts, "string to sign");
    }
    prop_assert_eq!(signature.to_string(), aws.signature.clone(), "signature");

    // (b) The http::Request path: the same signature and request, and the verifier accepts it.
    let mut request = build_request(&c.method, &c.uri(), &c.headers, c.body.clone()).expect("a valid http::Request");
    let out =
        (&signer as &dyn Signer).sign(&mut request).map_err(|e| TestCaseError::fail(format!("ours (http): {e}")))?;
    prop_assert_eq!(out.signature().to_string(), signature.to_string(), "signature (http::Request)");
    prop_assert_eq!(sorted_headers(request.headers()), sorted_headers(aws.request.headers()), "signed headers");
    prop_assert_eq!(sorted_uri(request.uri()), sorted_uri(aws.request.uri()), "signed uri");
    let wire = wire_of(&request);
    let r = verify_wire(&c.verifier(), &wire, &c.secret_provider());
    check_verified(c, "our request", &r, &wire)
}

proptest! {
    #![proptest_config(proptest_config(CASES))]

    #[test]
    fn aws_sigv4_signs_verifier_accepts_and_rejects_changes(c in case(false)) {
        aws_signs_we_verify(&c)?;
    }

    #[test]
    fn sigv4_kit_signs_like_aws_sigv4(c in case(true)) {
        we_sign_aws_agrees(&c)?;
    }
}
