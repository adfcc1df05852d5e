//! Interoperability with AWS's C signer: every request of `tests/interop/crt_vectors.json` (signed
//! by aws-c-auth through botocore's `CrtSigV4Auth`, `CrtS3SigV4Auth`, `CrtSigV4QueryAuth` and
//! `CrtS3SigV4QueryAuth`, see `tests/interop/crt_vectors.py`) must verify with our [`Verifier`].
//!
//! Each case is rebuilt as the `http::Request<Vec<u8>>` that was sent and verified twice: through
//! the sans-IO [`Verifier::begin`] / `finish`, and through the async [`Verifier::verify_with_body`].
//! Then one hex digit of its signature is changed, and the request must be rejected with
//! `SignatureDoesNotMatch`; the canonical request the verifier computed for that rejection must be
//! the one aws-c-auth signed. All failures are collected and reported together.

use crate::common::block_on;
use crate::common::tamper::verify_parts;
use crate::crt::{CrtCase, check_every_case, first_difference};
use crate::vectors::str_field;
use serde_json::Value;
use sigv4_kit::FixedClock;
use sigv4_kit::spec::{Algorithm, sha256};
use sigv4_kit::verify::Verifier;
use sigv4_kit::verify::{ErrorCode, VerifyError};

const VECTORS: &str = include_str!("crt_vectors.json");
const FORMAT: &str = "sigv4-kit-crt/1";
const MIN_CASES: usize = 200;
const CLASSES: [&str; 4] = ["CrtSigV4Auth", "CrtS3SigV4Auth", "CrtSigV4QueryAuth", "CrtS3SigV4QueryAuth"];
/// The principal the provider answers with.
const USER: &str = "crt";

/// One case of the vector file: a CRT case signed for `region`.
struct Case {
    crt: CrtCase,
    region: String,
}

impl Case {
    fn parse(v: &Value) -> Result<Self, String> {
        Ok(Self { crt: CrtCase::parse(v, &CLASSES)?, region: str_field(v, "region")? })
    }

    /// The verifier a gateway for this case's service would run, at the signing time.
    fn verifier(&self) -> Result<Verifier, String> {
        Ok(Verifier::new(self.crt.verifier_config()).with_clock(FixedClock::new(self.crt.signing.amz_date()?)))
    }

    fn check_verified(&self, how: &str, v: &sigv4_kit::verify::Verified) -> Result<(), String> {
        self.crt.check_verified(how, v, Algorithm::HmacSha256, &self.region)
    }

    fn explain(&self, how: &str, err: &VerifyError) -> String {
        self.crt.explain(how, err, None)
    }
}

/// Verifies one case both ways and checks the tampered request is rejected.
fn check_case(case: &Case, index: usize) -> Result<(), String> {
    let verifier = case.verifier()?;
    let provider = case.crt.signing.provider(USER);

    // Sans-IO: begin, look the key up, finish with the body hash.
    let (parts, body) = case.crt.build()?.into_parts();
    let verified = verify_parts(&verifier, &parts, &provider, Some(sha256(&body)))
        .map_err(|e| case.explain("begin/finish", &e))?;
    case.check_verified("begin/finish", &verified)?;

    // Async, with the whole body.
    let request = case.crt.build()?;
    let verified =
        block_on(verifier.verify_with_body(&request, &provider)).map_err(|e| case.explain("verify_with_body", &e))?;
    case.check_verified("verify_with_body", &verified)?;

    // One changed signature digit.
    let tampered = case.crt.build_signed(&case.crt.signature_changed_at(index))?;
    match block_on(verifier.verify_with_body(&tampered, &provider)) {
        Ok(_) => Err("a request with a changed signature digit verified".to_owned()),
        Err(e) if e.code() != ErrorCode::SignatureDoesNotMatch => {
            Err(case.explain("changed signature digit: expected SignatureDoesNotMatch, got", &e))
        }
        Err(e) => match e.debug_info() {
            Some(debug) => match first_difference(&case.crt.canonical_request, &debug.canonical_request) {
                None => Ok(()),
                Some(difference) => {
                    Err(format!("changed signature digit: rejected, but our canonical request differs: {difference}"))
                }
            },
            None => Err("changed signature digit: rejected without debug information".to_owned()),
        },
    }
}

#[test]
fn crt_signed_requests_verify() {
    let per_class =
        check_every_case("tests/interop/crt_vectors.json", VECTORS, FORMAT, &CLASSES, MIN_CASES, |v, index| {
            let case = Case::parse(v).map_err(|e| format!("cannot parse: {e}"))?;
            check_case(&case, index)?;
            Ok(case.crt.signing.auth)
        });
    eprintln!("verified {} CRT-signed requests: {per_class:?}", per_class.values().sum::<usize>());
}
