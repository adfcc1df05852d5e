//! SigV4a (`AWS4-ECDSA-P256-SHA256`): one signature valid in a set of regions, made with an
//! ECDSA P-256 key derived from the secret access key. Enabled by the `sigv4a` feature.
//!
//! Signing goes through the same [`Signer`](crate::sign::Signer) and
//! [`SigningSettings`](crate::sign::SigningSettings) as SigV4: build the signer with
//! [`SigV4Signer::sigv4a`](crate::sign::SigV4Signer::sigv4a). Verification goes through the same
//! [`Verifier`](crate::verify::Verifier); a [`CredentialProvider`](crate::verify::CredentialProvider) returns the
//! secret (the public key is derived and cached) or the public key itself
//! ([`Credential::from_public_key`](crate::verify::Credential::from_public_key)).
//!
//! ```
//! use sigv4_kit::verify::{MemoryProvider, Principal, PrincipalKind, Verifier, VerifierConfig};
//! use sigv4_kit::{AmzDate, Credentials, FixedClock};
//! use sigv4_kit::sign::{SigV4Signer, Signer};
//! use sigv4_kit::sigv4a::RegionSet;
//!
//! let t: AmzDate = "20150830T123600Z".parse()?;
//! let signer = SigV4Signer::sigv4a(
//!     Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
//!     RegionSet::new("us-east-1,us-west-2")?,
//!     "s3",
//! )
//! .with_clock(FixedClock::new(t));
//! let mut request = http::Request::get("https://example.amazonaws.com/").body(Vec::new())?;
//! signer.sign(&mut request)?;
//! assert_eq!(request.headers()["x-amz-region-set"], "us-east-1,us-west-2");
//! assert!(request.headers()["authorization"]
//!     .to_str()?
//!     .starts_with("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/s3/aws4_request, "));
//!
//! let provider = MemoryProvider::new().with_key(
//!     "AKIDEXAMPLE",
//!     "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
//!     Principal::new("123456789012", "arn:aws:iam::123456789012:user/alice", PrincipalKind::IamUser),
//! );
//! let verifier = Verifier::new(VerifierConfig::new(["s3"])).with_clock(FixedClock::new(t));
//! let (parts, body) = request.into_parts();
//! let pending = verifier.begin(&parts)?;
//! let verified = pending.finish(provider.get("AKIDEXAMPLE"), Some(sigv4_kit::spec::sha256(&body)))?;
//! assert_eq!(verified.region(), "us-east-1,us-west-2");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cache;
mod key;

pub use crate::region_set::RegionSet;
pub use cache::PublicKeyCache;
pub use key::{EcdsaKey, PublicKey};
