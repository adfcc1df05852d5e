//! AWS Signature Version 4, both sides: **sign** requests for AWS and SigV4 services, and
//! **verify** signed requests in your own gateway, learning who the caller is.
//!
//! Every SigV4 signature is byte-for-byte what AWS's own signers produce, and every canonical
//! request and string to sign too, SigV4a's included (checked against AWS's test suites,
//! botocore, awscrt and aws-sigv4 on every test run; SigV4a's ECDSA signatures are randomized
//! by AWS's signers, so there each side verifies the other's). Canonicalization streams straight
//! into SHA-256 without building the canonical request as text, and verification fails closed:
//! constant-time comparisons, bounded buffers, and errors that carry AWS's own codes.
//!
//! # Sign
//!
//! [`SigV4Signer`](sign::SigV4Signer) signs an [`http::Request`] in place, with an
//! `Authorization` header or as a presigned URL:
//!
//! ```
//! use sigv4_kit::Credentials;
//! use sigv4_kit::sign::{SigV4Signer, SigningSettings};
//!
//! let credentials = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let signer = SigV4Signer::new(credentials.clone(), "us-east-1", "secretsmanager");
//! let mut request = http::Request::post("https://secretsmanager.us-east-1.amazonaws.com/")
//!     .header("x-amz-target", "secretsmanager.GetSecretValue")
//!     .header("content-type", "application/x-amz-json-1.1")
//!     .body(br#"{"SecretId":"prod/db"}"#.to_vec())?;
//! signer.sign(&mut request)?;
//! assert!(request.headers()["authorization"].to_str()?.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
//!
//! // A presigned S3 URL, valid for an hour.
//! let presigner = SigV4Signer::new(credentials, "us-east-1", "s3").with_settings(SigningSettings::s3_presigned(3600));
//! let mut get = http::Request::get("https://bucket.s3.amazonaws.com/key.txt").body(Vec::new())?;
//! presigner.sign(&mut get)?;
//! assert!(get.uri().query().is_some_and(|q| q.contains("X-Amz-Expires=3600")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Temporary credentials add a session token (`Credentials::with_session_token`) and may carry
//! an expiry (`Credentials::with_expiry`): signing after it is an error, and so is a presigned
//! URL that would outlive it (or it is shortened, if you choose). A client that does not care
//! which signer it holds, or whose credentials rotate, uses the object-safe
//! [`Signer`](sign::Signer) trait as `Box<dyn Signer>` or `Arc<dyn Signer>`.
//!
//! # Verify
//!
//! A [`Verifier`](verify::Verifier) checks a request as AWS does and names the
//! [`Principal`](verify::Principal) behind it; secrets come from a
//! [`CredentialProvider`](verify::CredentialProvider) you implement, or the built-in in-memory
//! and shared-credentials-file ones. A rejection carries AWS's error code and status.
//!
//! ```
//! use sigv4_kit::sign::SigV4Signer;
//! use sigv4_kit::verify::{MemoryProvider, Principal, PrincipalKind, Verifier, VerifierConfig};
//! use sigv4_kit::{AmzDate, Credentials, FixedClock};
//!
//! let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
//! let alice = Principal::new("123456789012", "arn:aws:iam::123456789012:user/alice", PrincipalKind::IamUser);
//! let provider = MemoryProvider::new().with_key("AKIDEXAMPLE", secret, alice);
//! let now: AmzDate = "20260517T064000Z".parse()?;
//! let verifier = Verifier::new(VerifierConfig::new(["execute-api"])).with_clock(FixedClock::new(now));
//!
//! let client = SigV4Signer::new(Credentials::new("AKIDEXAMPLE", secret), "us-east-1", "execute-api")
//!     .with_clock(FixedClock::new(now));
//! let mut request = http::Request::get("https://api.example.com/orders?limit=10").body(Vec::new())?;
//! client.sign(&mut request)?;
//!
//! // Everything that needs no secret, then the credential, then the body.
//! let (parts, body) = request.into_parts();
//! let pending = verifier.begin(&parts)?;
//! let verified = pending.finish(provider.get("AKIDEXAMPLE"), Some(sigv4_kit::spec::sha256(&body)))?;
//! assert_eq!(verified.principal.arn(), "arn:aws:iam::123456789012:user/alice");
//!
//! // A tampered request is refused with AWS's code.
//! let mut tampered = parts.clone();
//! tampered.uri = "https://api.example.com/orders?limit=1000".parse()?;
//! let body_hash = Some(sigv4_kit::spec::sha256(&body));
//! let refused = verifier.begin(&tampered)?.finish(provider.get("AKIDEXAMPLE"), body_hash).unwrap_err();
//! assert_eq!(refused.code(), "SignatureDoesNotMatch");
//! assert_eq!(refused.status(), 403);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! `Verifier::verify_with_body` does the same for a whole `http::Request` through an async
//! provider. With the `tower` feature, [`tower::SigV4Layer`] puts the verifier in front of any
//! tower service (axum, hyper, tonic): it answers rejections itself, hands the inner service
//! only verified requests with the [`Verified`](verify::Verified) identity in their extensions,
//! and a body that yields only verified bytes.
//!
//! # Streaming uploads
//!
//! [`chunked`] signs and verifies `aws-chunked` bodies (S3's streaming uploads) chunk by chunk,
//! with an optional trailing checksum: `SigV4Signer::sign_chunked` returns a
//! [`ChunkedEncoder`](chunked::ChunkedEncoder), and a verified request's streaming payload a
//! [`ChunkedDecoder`](chunked::ChunkedDecoder) that releases no byte before its chunk's
//! signature checks out. With `http-body`, [`SigningBody`](sign::SigningBody) and
//! [`VerifyingBody`](verify::VerifyingBody) wrap any body.
//!
//! # SigV4a
//!
//! With the `sigv4a` feature, `SigV4Signer::sigv4a` signs one request for a set of regions
//! with an ECDSA P-256 key derived from the secret, and the same `Verifier` checks it; see
//! [`sigv4a`].
//!
//! # The building blocks
//!
//! [`spec`] has the specification's pure pieces: the canonical URI, query and headers, the
//! [`CanonicalRequest`](spec::CanonicalRequest) (which displays as the exact text AWS
//! specifies and hashes without building it), the string to sign, the credential scope, the
//! signing key and the signature, for those who canonicalize, compare implementations or fuzz.
//!
//! ```
//! use sigv4_kit::spec::canonical_uri;
//! use sigv4_kit::UriMode;
//!
//! // Most services normalize the path and encode it twice; S3 does neither.
//! assert_eq!(canonical_uri("/a/./b/../c%20d", UriMode::Normalized), "/a/c%2520d");
//! assert_eq!(canonical_uri("/a/./b/../c%20d", UriMode::S3), "/a/./b/../c%20d");
//! ```
//!
//! # Features
//!
//! | feature | adds |
//! |---|---|
//! | (none) | signing, presigning, verification, `aws-chunked`, the building blocks |
//! | `http-body` | `sign::SigningBody` and `verify::VerifyingBody`, `http_body::Body` adapters |
//! | `tower` | `tower::SigV4Layer`, the verifying middleware (implies `http-body`) |
//! | `sigv4a` | SigV4a signing and verification (`p256`, `ecdsa`) |
//! | `raw` | `raw::RawRequest`, a tolerant parser of raw HTTP/1.1 request text |
//! | `cli` | the `sigv4` command-line tool (implies `sigv4a` and `raw`) |
//!
//! # Read more
//!
//! In the repository: `README.md` (quick start, the example gateway, the CLI),
//! `docs/ARCHITECTURE.md` (layers and the public API), `docs/SECURITY.md` (what the verifier
//! enforces and why), `docs/PERFORMANCE.md` (benchmarks beside aws-sigv4 and the hashing
//! floor), `docs/TESTING.md`, `docs/FUZZING.md`, `docs/DIFFERENCES.md` (from other
//! implementations) and `docs/DEPENDENCIES.md`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]
// An error built eagerly for `ok_or` is built, and dropped, on every success.
#![warn(clippy::or_fun_call)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::let_underscore_must_use,
        clippy::disallowed_methods
    )
)]

// The layers, lowest first (docs/ARCHITECTURE.md). A module may import only from layers below
// its own; `tests/architecture.rs` checks it.
//
// 0. Primitives: hashing, hex and byte sinks; small containers; time; the shared error types.
mod digest;
mod error;
mod inline_vec;
mod scan;
mod slices;
mod time;
// 1. The specification's pieces.
mod auth_params;
mod canonical;
mod credentials;
mod key;
mod known_headers;
mod payload;
mod region_set;
mod request;
mod scope;
mod signature;
#[cfg(feature = "sigv4a")]
pub mod sigv4a;
mod string_to_sign;
// 2. aws-chunked streaming, usable by both sides.
pub mod chunked;
// 3. The two jobs, independent of each other.
pub mod sign;
pub mod verify;
// 4. Faces.
#[cfg(feature = "raw")]
pub mod raw;
#[cfg(feature = "tower")]
pub mod tower;

pub use canonical::UriMode;
pub use credentials::{Credentials, SessionTokenMode};
pub use error::ParseError;
pub use payload::PayloadHash;
pub use request::{Limits, SignableRequest};
pub use time::{AmzDate, Clock, FixedClock, SystemClock};

/// The specification's building blocks as pure functions and types: the canonical request, the
/// string to sign, the credential scope, the signing key and the signature. For those who
/// canonicalize, compare implementations or fuzz. Signing and verifying need only a few of its
/// types, which they name in their results: the `Algorithm` of a verified request, the
/// `Signature` of a signing output, the `CredentialScope` a provider is asked about, and the
/// `SigningKey` and `KeyCache` of a provider that caches derived keys.
pub mod spec {
    pub use crate::auth_params::MAX_PRESIGN_EXPIRY_SECS;
    pub use crate::canonical::{
        CanonicalRequest, DEFAULT_EXCLUDED_HEADERS, ExcludedHeaders, canonical_header_value, canonical_query_string,
        canonical_uri,
    };
    pub use crate::digest::sha256;
    pub use crate::key::{KeyCache, SigningKey};
    pub use crate::payload::UNSIGNED_PAYLOAD;
    pub use crate::scope::CredentialScope;
    pub use crate::signature::{MAX_SIGNATURE_LEN, Signature};
    pub use crate::string_to_sign::{ALGORITHM, ALGORITHM_V4A, Algorithm, StringToSign};
}

/// The Rust examples of the README and the `docs/` pages, compiled and run as doctests so
/// that they stay true.
#[cfg(doctest)]
mod doc_examples {
    #[doc = include_str!("../README.md")]
    struct Readme;
    #[doc = include_str!("../docs/GATEWAY.md")]
    struct Gateway;
    #[doc = include_str!("../docs/SIGV4A.md")]
    struct SigV4a;
    #[doc = include_str!("../docs/STREAMING.md")]
    struct Streaming;
}
