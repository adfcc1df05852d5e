//! Signing for clients: the [`Signer`] trait, [`SigV4Signer`], its settings and output.
//!
//! ```
//! use sigv4_kit::sign::{SigV4Signer, Signer, SigningSettings};
//! use sigv4_kit::{AmzDate, Credentials, FixedClock};
//!
//! let t: AmzDate = "20130524T000000Z".parse()?;
//! let signer = SigV4Signer::new(
//!     Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
//!     "us-east-1",
//!     "s3",
//! )
//! .with_settings(SigningSettings::s3())
//! .with_clock(FixedClock::new(t));
//! let mut request = http::Request::get("https://examplebucket.s3.amazonaws.com/test.txt")
//!     .header("range", "bytes=0-9")
//!     .body(Vec::new())?;
//! let out = signer.sign(&mut request)?;
//! assert_eq!(
//!     out.signature().to_string(),
//!     "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(feature = "http-body")]
mod body;
mod checks;
mod chunked;
mod headers;
mod material;
mod output;
mod presign;
mod settings;
mod signer;
mod sigv4;

pub use crate::error::SignError;
#[cfg(feature = "http-body")]
pub use body::SigningBody;
pub use output::{Added, SigningOutput};
pub use settings::{PayloadMode, SignatureLocation, SigningSettings};
pub use signer::Signer;
pub use sigv4::{Explanation, SigV4Signer};
