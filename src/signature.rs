//! A request signature: the 32-byte HMAC of SigV4, or the DER-encoded ECDSA signature of SigV4a,
//! printed as lowercase hex.
//!
//! ```
//! use sigv4_kit::spec::Signature;
//!
//! let hex = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
//! let sig: Signature = hex.parse()?;
//! assert_eq!(sig.to_string(), hex);
//! assert_eq!(sig.as_bytes().len(), 32);
//! # Ok::<(), sigv4_kit::ParseError>(())
//! ```

use core::fmt;
use core::hash::{Hash, Hasher};
use core::str::FromStr;

use crate::error::ParseError;

/// What [`ParseError::what`] names.
const WHAT: &str = "signature";

/// The longest signature: a DER-encoded ECDSA P-256 signature (two 33-byte integers, their
/// headers and the sequence header).
pub const MAX_SIGNATURE_LEN: usize = 72;

/// The shortest DER-encoded ECDSA signature accepted: a sequence of two one-byte integers.
const MIN_DER_LEN: usize = 8;

/// A SigV4 (HMAC-SHA256, 32 bytes) or SigV4a (DER-encoded ECDSA P-256, at most 72 bytes)
/// signature. It is `Copy` and never allocates.
#[derive(Clone, Copy)]
pub struct Signature {
    len: u8,
    bytes: [u8; MAX_SIGNATURE_LEN],
}

impl Signature {
    /// Wraps the 32 bytes of a SigV4 HMAC signature.
    ///
    /// ```
    /// assert_eq!(sigv4_kit::spec::Signature::from_bytes([0; 32]).as_bytes(), &[0; 32]);
    /// ```
    // A `const fn` cannot use iterators; `i < 32` is within both arrays.
    #[allow(clippy::indexing_slicing)]
    pub const fn from_bytes(hmac: [u8; 32]) -> Self {
        let mut bytes = [0u8; MAX_SIGNATURE_LEN];
        let mut i = 0;
        while i < 32 {
            bytes[i] = hmac[i];
            i += 1;
        }
        Self { len: 32, bytes }
    }

    /// Wraps the bytes of a DER-encoded ECDSA signature (SigV4a): 8 to 72 bytes. The encoding
    /// itself is checked only when the signature is verified.
    ///
    /// # Errors
    ///
    /// [`ParseError`] for a length outside 8..=72.
    ///
    /// ```
    /// assert!(sigv4_kit::spec::Signature::from_der(&[0x30; 70]).is_ok());
    /// assert!(sigv4_kit::spec::Signature::from_der(&[0x30; 73]).is_err());
    /// ```
    pub fn from_der(der: &[u8]) -> Result<Self, ParseError> {
        if !(MIN_DER_LEN..=MAX_SIGNATURE_LEN).contains(&der.len()) {
            return Err(ParseError::new(WHAT, "a DER ECDSA signature is 8 to 72 bytes"));
        }
        Ok(Self::from_der_bytes(der))
    }

    /// The first (at most 72) bytes of `der`, as a signature: the copy both DER constructors
    /// make once the length is known to fit.
    fn from_der_bytes(der: &[u8]) -> Self {
        let mut bytes = [0u8; MAX_SIGNATURE_LEN];
        for (slot, b) in bytes.iter_mut().zip(der) {
            *slot = *b;
        }
        // At most 72, so the cast keeps the value.
        Self { len: der.len().min(MAX_SIGNATURE_LEN) as u8, bytes }
    }

    /// Wraps the DER encoding of a P-256 ECDSA signature that this crate made: at most 72
    /// bytes by the encoding's own bound, so it always fits (were it ever longer, the bytes
    /// past 72 would be cut, and the signature would not verify).
    #[cfg(feature = "sigv4a")]
    pub(crate) fn from_p256_der(der: &p256::ecdsa::DerSignature) -> Self {
        Self::from_der_bytes(der.as_bytes())
    }

    /// Parses the lowercase hex of a DER-encoded ECDSA signature (SigV4a): an even number of
    /// digits, 16 to 144.
    ///
    /// # Errors
    ///
    /// [`ParseError`] for anything else.
    ///
    /// ```
    /// let sig = sigv4_kit::spec::Signature::parse_der_hex("3006020101020101")?;
    /// assert_eq!(sig.as_bytes(), &[0x30, 6, 2, 1, 1, 2, 1, 1]);
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn parse_der_hex(s: &str) -> Result<Self, ParseError> {
        const DER_HEX: &str = "expected 16 to 144 lowercase hex digits of a DER ECDSA signature";
        let len = s.len() / 2;
        if !s.len().is_multiple_of(2) || !(MIN_DER_LEN..=MAX_SIGNATURE_LEN).contains(&len) {
            return Err(ParseError::new(WHAT, DER_HEX));
        }
        let mut bytes = [0u8; MAX_SIGNATURE_LEN];
        let out = bytes.get_mut(..len).ok_or_else(|| ParseError::new(WHAT, DER_HEX))?;
        if !crate::digest::decode_lower_hex(s.as_bytes(), out) {
            return Err(ParseError::new(WHAT, DER_HEX));
        }
        Ok(Self { len: len as u8, bytes })
    }

    /// The raw bytes: 32 for SigV4, the DER encoding for SigV4a.
    pub fn as_bytes(&self) -> &[u8] {
        crate::slices::prefix(&self.bytes, usize::from(self.len))
    }

    /// Writes the lowercase hex digits of any signature into `sink`.
    pub(crate) fn write_hex(&self, sink: &mut (impl crate::digest::Sink + ?Sized)) {
        for chunk in self.as_bytes().chunks(32) {
            let mut block = [0u8; 32];
            for (slot, b) in block.iter_mut().zip(chunk) {
                *slot = *b;
            }
            let hex = crate::digest::hex64(&block);
            sink.put(crate::slices::prefix(&hex, chunk.len() * 2));
        }
    }
}

impl PartialEq for Signature {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Signature {}

impl Hash for Signature {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sink = crate::digest::FmtSink::new(f);
        self.write_hex(&mut sink);
        sink.finish()
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({self})")
    }
}

impl FromStr for Signature {
    type Err = ParseError;

    /// Parses 64 **lowercase** hex digits, the only form SigV4 produces. SigV4a signatures are
    /// parsed with [`Signature::parse_der_hex`].
    fn from_str(s: &str) -> Result<Self, ParseError> {
        let mut out = [0u8; 32];
        if !crate::digest::decode_lower_hex(s.as_bytes(), &mut out) {
            return Err(ParseError::new(WHAT, "expected 64 lowercase hex digits"));
        }
        Ok(Self::from_bytes(out))
    }
}

#[cfg(test)]
mod tests {
    use super::Signature;

    #[test]
    fn der_hex_round_trips_and_rejects_bad_forms() {
        let hex = "304502210092b5b4e1c3f5d9a0";
        let sig = Signature::parse_der_hex(hex).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sig.to_string(), hex);
        for bad in ["", "30", "3045022100", "3045022100G2b5b4e1", "3045022100A2B5B4E1", &"ab".repeat(73), "304"] {
            assert!(Signature::parse_der_hex(bad).is_err(), "{bad:?}");
        }
        let long = "ab".repeat(72);
        assert_eq!(Signature::parse_der_hex(&long).map(|s| s.to_string()), Ok(long));
    }

    #[test]
    fn sigv4_signatures_are_64_lowercase_hex_digits() {
        let good = "0123456789abcdef".repeat(4);
        let sig: Signature = good.parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sig.to_string(), good);
        for bad in ["", &good[..62], &format!("{good}00"), &good.to_uppercase(), &format!("{}é", &good[..62])] {
            assert!(bad.parse::<Signature>().is_err(), "{bad:?}");
        }
        // Every byte value in every position of a digit pair: accepted exactly when it is a
        // lowercase hex digit, and decoded as the hex crate decodes it.
        for b in 0..=u8::MAX {
            for at in [0, 1, 63] {
                let mut digits = good.clone().into_bytes();
                digits[at] = b;
                let Ok(text) = String::from_utf8(digits) else { continue };
                let want =
                    (b.is_ascii_digit() || (b'a'..=b'f').contains(&b)).then(|| hex::decode(&text).ok()).flatten();
                let got = text.parse::<Signature>().ok().map(|s| s.as_bytes().to_vec());
                assert_eq!(got, want, "byte {b:#04x} at {at}");
            }
        }
    }

    #[test]
    fn equality_covers_the_length() {
        let a = Signature::from_bytes([0; 32]);
        let b = Signature::from_der(&[0; 33]).unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(a, b);
    }
}
