//! A SigV4 signature: 32 bytes, printed as 64 lowercase hex digits.
//!
//! ```
//! use sigv4_kit::Signature;
//!
//! let hex = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
//! let sig: Signature = hex.parse()?;
//! assert_eq!(sig.to_string(), hex);
//! # Ok::<(), sigv4_kit::SignatureParseError>(())
//! ```

use core::fmt;
use core::str::FromStr;

/// An HMAC-SHA256 SigV4 signature.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 32]);

/// Why a string is not a signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid signature: expected 64 lowercase hex digits")]
pub struct SignatureParseError;

impl Signature {
    /// Wraps raw signature bytes.
    ///
    /// ```
    /// assert_eq!(sigv4_kit::Signature::from_bytes([0; 32]).as_bytes(), &[0; 32]);
    /// ```
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The 64 lowercase hex digits, without allocating.
    pub(crate) fn to_hex(self) -> [u8; 64] {
        crate::canonical::hex64(&self.0)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(core::str::from_utf8(&self.to_hex()).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({self})")
    }
}

impl FromStr for Signature {
    type Err = SignatureParseError;

    /// Parses 64 **lowercase** hex digits, the only form SigV4 produces.
    fn from_str(s: &str) -> Result<Self, SignatureParseError> {
        if s.len() != 64 || s.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(SignatureParseError);
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).map_err(|_| SignatureParseError)?;
        Ok(Self(out))
    }
}
