//! Signing for clients: the [`Signer`] trait, [`SigV4Signer`], its settings and output.
//!
//! ```
//! use sigv4_kit::{AmzDate, Credentials, FixedClock, SigV4Signer, Signer, SigningSettings};
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

mod output;
mod settings;
mod signer;

pub use output::{Added, SigningOutput};
pub use settings::{MAX_PRESIGN_EXPIRY_SECS, PayloadMode, SessionTokenMode, SignatureLocation, SigningSettings};
pub use signer::{Explanation, SigV4Signer, Signer};
