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

use crate::common::block_on;
use crate::common::tamper::verify_parts;
use crate::crt::{CrtCase, check_every_case};
use crate::vectors::str_field;
use serde_json::Value;
use sigv4_kit::FixedClock;
use sigv4_kit::sigv4a::{EcdsaKey, PublicKey};
use sigv4_kit::spec::{Algorithm, sha256};
use sigv4_kit::verify::{Credential, ErrorCode, MemoryProvider, Regions, Verified, Verifier, VerifyError};

const VECTORS: &str = include_str!("crt_v4a_vectors.json");
/// The environment variable naming another vector file to verify.
const VECTORS_ENV: &str = "SIGV4A_CRT_VECTORS";
const FORMAT: &str = "sigv4-kit-crt-v4a/1";
const MIN_CASES: usize = 120;
const CLASSES: [&str; 4] =
    ["CrtSigV4AsymAuth", "CrtS3SigV4AsymAuth", "CrtSigV4AsymQueryAuth", "CrtS3SigV4AsymQueryAuth"];
/// The principal the providers answer with.
const USER: &str = "crt-v4a";
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

/// One case of the vector file: a CRT case signed for a region set, with the string to sign
/// and the public key aws-c-auth derived.
struct Case {
    crt: CrtCase,
    region_set: String,
    string_to_sign: String,
    public_key: (String, String),
}

impl Case {
    fn parse(v: &Value) -> Result<Self, String> {
        let key = v.get("public_key").ok_or("missing public_key")?;
        let case = Self {
            crt: CrtCase::parse(v, &CLASSES)?,
            region_set: str_field(v, "region_set")?,
            string_to_sign: str_field(v, "string_to_sign")?,
            public_key: (str_field(key, "x")?, str_field(key, "y")?),
        };
        if case.crt.signature.len() < 2 * TAIL_DIGITS {
            return Err(format!("signature {:?} is too short for a DER ECDSA signature", case.crt.signature));
        }
        Ok(case)
    }

    /// The code of a request the verifier finds malformed (a region it does not serve, a
    /// signature that is not DER).
    fn malformed(&self) -> ErrorCode {
        if self.crt.signing.is_query_auth() {
            ErrorCode::AuthorizationQueryParametersError
        } else {
            ErrorCode::AuthorizationHeaderMalformed
        }
    }

    /// A gateway of this case's service, at the signing time, serving only `region`.
    fn verifier(&self, region: &str) -> Result<Verifier, String> {
        let config = self.crt.verifier_config().with_regions(Regions::only([region]));
        Ok(Verifier::new(config).with_clock(FixedClock::new(self.crt.signing.amz_date()?)))
    }

    /// A provider holding only the public key the case records (the one aws-c-auth's key
    /// derivation gives, as the generator checked), after checking ours derives the same.
    fn public_key_provider(&self) -> Result<MemoryProvider, String> {
        let signing = &self.crt.signing;
        let (x, y) = &self.public_key;
        let key = PublicKey::from_xy_hex(x, y).map_err(|e| format!("public key ({x}, {y}): {e}"))?;
        let derived = EcdsaKey::derive(&signing.access_key_id, &signing.secret_access_key)
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
        provider.insert(signing.access_key_id.as_str(), Credential::from_public_key(key, signing.principal(USER)));
        Ok(provider)
    }

    /// What a successful verification must report: the region set as the scope's region.
    fn check_verified(&self, how: &str, v: &Verified) -> Result<(), String> {
        self.crt.check_verified(how, v, Algorithm::EcdsaP256Sha256, &self.region_set)
    }

    /// The error, with where our canonical request and string to sign first differ from
    /// aws-c-auth's when the verifier exposed them.
    fn explain(&self, how: &str, err: &VerifyError) -> String {
        self.crt.explain(how, err, Some(&self.string_to_sign))
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
    let by_secret = case.crt.signing.provider(USER);
    let by_public_key = case.public_key_provider()?;

    // Sans-IO with the secret: begin, look the key up, finish with the body hash.
    let (parts, body) = case.crt.build()?.into_parts();
    let how = format!("begin/finish with the secret, gateway in {accepted}");
    let verified =
        verify_parts(&verifier, &parts, &by_secret, Some(sha256(&body))).map_err(|e| case.explain(&how, &e))?;
    case.check_verified(&how, &verified)?;

    // Async with the public key and the whole body.
    let request = case.crt.build()?;
    let how = format!("verify_with_body with the public key, gateway in {accepted}");
    let verified = block_on(verifier.verify_with_body(&request, &by_public_key)).map_err(|e| case.explain(&how, &e))?;
    case.check_verified(&how, &verified)?;

    // A gateway in a region the set does not cover.
    if let Some(region) = refused {
        match block_on(case.verifier(region)?.verify_with_body(&request, &by_secret)) {
            Ok(_) => return Err(format!("verified by a gateway in {region}, outside the region set")),
            Err(e) if e.code() != case.malformed() => {
                return Err(case.explain(&format!("gateway in {region}: expected {}, got", case.malformed()), &e));
            }
            Err(_) => {}
        }
    }

    // One changed digit of `s`: the DER still parses, the signature no longer matches, and the
    // verifier computed what aws-c-auth signed.
    let tail = case.crt.signature.len() - 1 - index % TAIL_DIGITS;
    let tampered = case.crt.build_signed(&case.crt.signature_changed_at(tail))?;
    for (what, provider) in [("the secret", &by_secret), ("the public key", &by_public_key)] {
        let how = format!("changed signature digit {tail}, with {what}");
        match block_on(verifier.verify_with_body(&tampered, provider)) {
            Ok(_) => return Err(format!("{how}: verified")),
            Err(e) if e.code() != ErrorCode::SignatureDoesNotMatch => {
                return Err(case.explain(&format!("{how}: expected SignatureDoesNotMatch, got"), &e));
            }
            Err(e) => match e.debug_info() {
                None => return Err(format!("{how}: rejected without debug information")),
                Some(d)
                    if d.canonical_request != case.crt.canonical_request || d.string_to_sign != case.string_to_sign =>
                {
                    return Err(case.explain(&format!("{how}: rejected, but not over what aws-c-auth signed"), &e));
                }
                Some(_) => {}
            },
        }
    }

    // A changed digit anywhere, the DER header included: refused, as not matching or as not DER.
    let anywhere = index * 7 % case.crt.signature.len();
    let tampered = case.crt.build_signed(&case.crt.signature_changed_at(anywhere))?;
    match block_on(verifier.verify_with_body(&tampered, &by_public_key)) {
        Ok(_) => Err(format!("changed signature digit {anywhere}: verified")),
        Err(e) if [ErrorCode::SignatureDoesNotMatch, case.malformed()].contains(&e.code()) => Ok(()),
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
    let per_class = check_every_case(&source, &text, FORMAT, &CLASSES, MIN_CASES, |v, index| {
        let case = Case::parse(v).map_err(|e| format!("cannot parse: {e}"))?;
        check_case(&case, index)?;
        Ok(case.crt.signing.auth)
    });
    eprintln!("verified {} CRT SigV4a-signed requests of {source}: {per_class:?}", per_class.values().sum::<usize>());
}
