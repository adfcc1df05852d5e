//! The string to sign: algorithm, time, scope and the hash of the canonical request.
//!
//! ```
//! use sigv4_kit::AmzDate;
//! use sigv4_kit::spec::{CredentialScope, StringToSign};
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

use crate::digest::{Buffered, FmtSink, Sink};
use crate::key::SigningKey;
use crate::scope::CredentialScope;
use crate::signature::Signature;
use crate::time::AmzDate;

/// The SigV4 algorithm name.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The SigV4a algorithm name.
pub const ALGORITHM_V4A: &str = "AWS4-ECDSA-P256-SHA256";

/// The signing algorithm: SigV4 or SigV4a.
///
/// ```
/// use sigv4_kit::spec::Algorithm;
/// assert_eq!(Algorithm::HmacSha256.as_str(), "AWS4-HMAC-SHA256");
/// assert_eq!(Algorithm::parse("AWS4-ECDSA-P256-SHA256"), Some(Algorithm::EcdsaP256Sha256));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Algorithm {
    /// SigV4, `AWS4-HMAC-SHA256`: one region, an HMAC key derived per day, region and service.
    #[default]
    HmacSha256,
    /// SigV4a, `AWS4-ECDSA-P256-SHA256`: a set of regions, an ECDSA P-256 key derived from the
    /// secret. The credential scope has no region; the region set is the signed
    /// `X-Amz-Region-Set` header or query parameter.
    EcdsaP256Sha256,
}

impl Algorithm {
    /// The name that starts the `Authorization` header and the string to sign.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha256 => ALGORITHM,
            Self::EcdsaP256Sha256 => ALGORITHM_V4A,
        }
    }

    /// The algorithm named `name`, exactly.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::HmacSha256, Self::EcdsaP256Sha256].into_iter().find(|a| a.as_str() == name)
    }

    /// Whether the credential scope names a region (SigV4) or not (SigV4a).
    pub const fn scope_has_region(self) -> bool {
        matches!(self, Self::HmacSha256)
    }
}

/// The string to sign of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringToSign<'a> {
    algorithm: Algorithm,
    time: AmzDate,
    scope: CredentialScope<'a>,
    canonical_hash: [u8; 32],
}

impl<'a> StringToSign<'a> {
    /// The string to sign for a canonical request whose SHA-256 is `canonical_hash`.
    pub fn new(time: AmzDate, scope: CredentialScope<'a>, canonical_hash: [u8; 32]) -> Self {
        Self { algorithm: Algorithm::HmacSha256, time, scope, canonical_hash }
    }

    /// The same string for another algorithm. For SigV4a the scope's region is left out:
    /// `date/service/aws4_request`.
    ///
    /// ```
    /// # use sigv4_kit::AmzDate;
    /// # use sigv4_kit::spec::{Algorithm, CredentialScope, StringToSign};
    /// let t: AmzDate = "20150830T123600Z".parse()?;
    /// let scope = CredentialScope::new(t, "us-east-1", "service")?;
    /// let sts = StringToSign::new(t, scope, [0; 32]).with_algorithm(Algorithm::EcdsaP256Sha256);
    /// assert!(sts.to_string().starts_with("AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Streams the string to sign into `sink` (a MAC, a hash, or text).
    pub(crate) fn write_to(&self, sink: &mut impl Sink) {
        sink.put(self.algorithm.as_str().as_bytes());
        sink.put_byte(b'\n');
        sink.put(self.time.as_bytes());
        sink.put_byte(b'\n');
        sink.put(self.scope.date_bytes());
        sink.put_byte(b'/');
        if self.algorithm.scope_has_region() {
            sink.put(self.scope.region().as_bytes());
            sink.put_byte(b'/');
        }
        sink.put(self.scope.service().as_bytes());
        sink.put(b"/aws4_request\n");
        sink.put(&crate::digest::hex64(&self.canonical_hash));
    }

    /// Signs this string with `key`, streaming it into the HMAC.
    ///
    /// ```
    /// # use sigv4_kit::AmzDate;
    /// # use sigv4_kit::spec::{CredentialScope, SigningKey, StringToSign};
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

    /// The SHA-256 of this string: what SigV4a signs with ECDSA.
    #[cfg(feature = "sigv4a")]
    pub(crate) fn digest(&self) -> [u8; 32] {
        use sha2::Digest;
        let mut hash = Sha256::new();
        let mut sink = Buffered::new(&mut hash);
        self.write_to(&mut sink);
        sink.finish();
        hash.finalize().into()
    }

    /// Absorbs this string into an HMAC already keyed with the signing key.
    pub(crate) fn mac_with(&self, mut mac: Hmac<Sha256>) -> Hmac<Sha256> {
        let mut sink = Buffered::new(&mut mac);
        self.write_to(&mut sink);
        sink.finish();
        mac
    }
}

impl fmt::Display for StringToSign<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sink = FmtSink::new(f);
        self.write_to(&mut sink);
        sink.finish()
    }
}
