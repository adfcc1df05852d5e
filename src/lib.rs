#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

mod auth_params;
pub mod canonical;
pub mod chunked;
pub mod credentials;
pub mod error;
mod inline_vec;
pub mod key;
pub mod payload;
pub mod raw;
pub mod region_set;
pub mod request;
pub mod scope;
pub mod sign;
pub mod signature;
#[cfg(feature = "sigv4a")]
pub mod sigv4a;
pub mod string_to_sign;
pub mod time;
#[cfg(feature = "tower")]
pub mod tower;
pub mod verify;

pub use canonical::{
    CanonicalRequest, DEFAULT_EXCLUDED_HEADERS, ExcludedHeaders, UriMode, canonical_header_value,
    canonical_query_string, canonical_uri, sha256,
};
pub use credentials::Credentials;
pub use error::{Error, ParseError, SignError};
pub use key::{KeyCache, SigningKey};
pub use payload::{PayloadHash, UNSIGNED_PAYLOAD};
pub use raw::RawRequest;
pub use region_set::RegionSet;
pub use request::{Limits, SignableRequest};
pub use scope::CredentialScope;
pub use sign::{
    Explanation, MAX_PRESIGN_EXPIRY_SECS, PayloadMode, SessionTokenMode, SigV4Signer, SignatureLocation, Signer,
    SigningOutput, SigningSettings,
};
pub use signature::{MAX_SIGNATURE_LEN, Signature, SignatureParseError};
pub use string_to_sign::{ALGORITHM, ALGORITHM_V4A, Algorithm, StringToSign};
pub use time::{AmzDate, Clock, FixedClock, SystemClock, TimeError};
pub use verify::{CredentialProvider, Verified, Verifier, VerifierConfig, VerifyError};
