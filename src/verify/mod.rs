//! Verification for gateways: who signed a request, and is the signature genuine, fresh and
//! complete?
//!
//! ```
//! use sigv4_kit::verify::{MemoryProvider, Principal, PrincipalKind, Verifier, VerifierConfig};
//! use sigv4_kit::sign::{SigV4Signer, Signer};
//! use sigv4_kit::{AmzDate, Credentials, FixedClock};
//!
//! let t: AmzDate = "20150830T123600Z".parse()?;
//! // A client signs...
//! let signer = SigV4Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-east-1", "execute-api")
//!     .with_clock(FixedClock::new(t));
//! let mut request = http::Request::get("https://api.example.com/pets?limit=10").body(Vec::new())?;
//! signer.sign(&mut request)?;
//!
//! // ...and the gateway verifies.
//! let provider = MemoryProvider::new().with_key(
//!     "AKIDEXAMPLE",
//!     "secret",
//!     Principal::new("123456789012", "arn:aws:iam::123456789012:user/alice", PrincipalKind::IamUser),
//! );
//! let verifier = Verifier::new(VerifierConfig::new(["execute-api"])).with_clock(FixedClock::new(t));
//! let (parts, body) = request.into_parts();
//! let pending = verifier.begin(&parts)?;
//! let credential = provider.get(pending.access_key_id());
//! let verified = pending.finish(credential, Some(sigv4_kit::spec::sha256(&body)))?;
//! assert_eq!(verified.principal.arn(), "arn:aws:iam::123456789012:user/alice");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod auth;
#[cfg(feature = "http-body")]
mod body;
mod checks;
mod config;
mod error;
mod keys;
mod payload;
mod pending;
mod profile_file;
mod provider;
mod strip;
mod verified;
mod verifier;

#[cfg(feature = "http-body")]
pub use body::{VerifyBodyError, VerifyingBody};
pub use config::{PathPolicy, PlusInQuery, Regions, VerifierConfig};
pub use error::{DebugInfo, ErrorCode, VerifyError};
pub use pending::PendingVerification;
pub use profile_file::parse_shared_credentials;
pub use provider::{
    CachingProvider, Credential, CredentialProvider, LookupRequest, MemoryProvider, Principal, PrincipalKind,
    ProviderError,
};
pub use strip::strip_signature;
pub use verified::{AuthMethod, PayloadCheck, PayloadState, StreamingPayload, Verified};
pub use verifier::Verifier;
