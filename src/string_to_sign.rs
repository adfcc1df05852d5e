//! The string to sign: algorithm, time, scope and the hash of the canonical request.
//!
//! ```
//! use sigv4_kit::{AmzDate, CredentialScope, StringToSign};
//!
//! let t: AmzDate = "20150830T123600Z".parse()?;
//! let scope = CredentialScope::new(t, "us-east-1", "service")?;
//! let sts = StringToSign::new(t, scope, [0; 32]);
//! assert_eq!(
//!     sts.to_string(),
//!     "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n\
//!      0000000000000000000000000000000000000000000000000000000000000000"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::canonical::{Buffered, FmtSink, Sink};
use crate::key::SigningKey;
use crate::scope::CredentialScope;
use crate::signature::Signature;
use crate::time::AmzDate;

/// The SigV4 algorithm name.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The string to sign of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringToSign<'a> {
    time: AmzDate,
    scope: CredentialScope<'a>,
    canonical_hash: [u8; 32],
}

impl<'a> StringToSign<'a> {
    /// The string to sign for a canonical request whose SHA-256 is `canonical_hash`.
    pub fn new(time: AmzDate, scope: CredentialScope<'a>, canonical_hash: [u8; 32]) -> Self {
        Self { time, scope, canonical_hash }
    }

    /// Streams the string to sign into `sink` (a MAC, or text).
    pub(crate) fn write_to(&self, sink: &mut impl Sink) {
        sink.put(ALGORITHM.as_bytes());
        sink.put(b"\n");
        sink.put(self.time.as_str().as_bytes());
        sink.put(b"\n");
        sink.put(self.scope.date().as_bytes());
        sink.put(b"/");
        sink.put(self.scope.region().as_bytes());
        sink.put(b"/");
        sink.put(self.scope.service().as_bytes());
        sink.put(b"/aws4_request\n");
        sink.put(&crate::canonical::hex64(&self.canonical_hash));
    }

    /// Signs this string with `key`, streaming it into the HMAC.
    ///
    /// ```
    /// # use sigv4_kit::{AmzDate, CredentialScope, SigningKey, StringToSign};
    /// let t: AmzDate = "20150830T123600Z".parse()?;
    /// let scope = CredentialScope::new(t, "us-east-1", "service")?;
    /// let key = SigningKey::derive("secret", &scope);
    /// let sts = StringToSign::new(t, scope, [0; 32]);
    /// assert_eq!(sts.sign(&key), sts.sign(&key));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign(&self, key: &SigningKey) -> Signature {
        self.sign_with(key.mac())
    }

    /// Signs this string with an HMAC already keyed with the signing key.
    pub(crate) fn sign_with(&self, mac: Hmac<Sha256>) -> Signature {
        Signature::from_bytes(self.mac_with(mac).finalize().into_bytes().into())
    }

    /// Absorbs this string into an HMAC already keyed with the signing key.
    pub(crate) fn mac_with(&self, mac: Hmac<Sha256>) -> Hmac<Sha256> {
        let mut sink = Buffered::new(mac);
        self.write_to(&mut sink);
        sink.into_inner()
    }
}

impl fmt::Display for StringToSign<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sink = FmtSink::new(f);
        self.write_to(&mut sink);
        sink.finish()
    }
}
