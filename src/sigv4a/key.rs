//! SigV4a keys: the ECDSA P-256 private key derived from an access key, and its public key.
//!
//! The derivation is AWS's counter-mode KDF (NIST SP 800-108) with HMAC-SHA256 keyed by
//! `"AWS4A" + secret`: a 256-bit candidate `k0` is computed for counter 1, 2, ...; the first
//! candidate with `k0 <= n - 2` (where `n` is the order of the curve) gives the private key
//! `k0 + 1`.
//!
//! ```
//! use sigv4_kit::sigv4a::EcdsaKey;
//!
//! let key = EcdsaKey::derive("AKISORANDOMAASORANDOM", "q+jcrXGc+0zWN6uzclKVhvMmUsIfRPa4rlRandom")?;
//! let public = key.public_key();
//! assert_eq!(
//!     public.x_hex(),
//!     "15d242ceebf8d8169fd6a8b5a746c41140414c3b07579038da06af89190fffcb"
//! );
//! # Ok::<(), sigv4_kit::sign::SignError>(())
//! ```

use core::fmt;

use std::sync::OnceLock;

use ecdsa::DigestAlgorithm;
use hmac::Mac;
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{DerSignature, VerifyingKey};
use p256::elliptic_curve::PrimeField;
use p256::elliptic_curve::point::AffineCoordinates;
use p256::{NistP256, NonZeroScalar};
use zeroize::Zeroizing;

use crate::error::{ParseError, SignError};
use crate::signature::Signature;
use crate::string_to_sign::ALGORITHM_V4A;

/// The most counter values the derivation tries before giving up (as aws-c-auth does). Each
/// try fails with probability about 2^-32, so this bound is never reached in practice.
const MAX_DERIVATION_TRIES: u8 = 254;

/// The fixed part of the KDF input after the counter: the output length, 256 bits.
const OUTPUT_BITS: [u8; 4] = [0, 0, 1, 0];

/// A SigV4a private key. Zeroized on drop, never printed.
///
/// Only the private scalar is kept: deriving a key is one HMAC-SHA256 per counter value, and the
/// public point (a scalar multiplication, which signing does not need) is computed the first
/// time [`EcdsaKey::public_key`] asks for it, then kept.
#[derive(Clone)]
pub struct EcdsaKey {
    scalar: Zeroizing<NonZeroScalar>,
    public: OnceLock<PublicKey>,
}

impl EcdsaKey {
    /// Derives the key of an access key id and secret access key.
    ///
    /// # Errors
    ///
    /// [`SignError::InvalidCredentials`] when the access key id is empty, or (with
    /// probability about 2^-8000) when no counter value gives a valid key.
    pub fn derive(access_key_id: &str, secret_access_key: &str) -> Result<Self, SignError> {
        if access_key_id.is_empty() {
            return Err(SignError::InvalidCredentials { reason: "access key id is empty" });
        }
        let mut hmac_key = Zeroizing::new(Vec::with_capacity(5 + secret_access_key.len()));
        hmac_key.extend_from_slice(b"AWS4A");
        hmac_key.extend_from_slice(secret_access_key.as_bytes());
        let keyed = crate::key::hmac(&hmac_key);
        for counter in 1..=MAX_DERIVATION_TRIES {
            let mut mac = keyed.clone();
            mac.update(&[0, 0, 0, 1]);
            mac.update(ALGORITHM_V4A.as_bytes());
            mac.update(&[0]);
            mac.update(access_key_id.as_bytes());
            mac.update(&[counter]);
            mac.update(&OUTPUT_BITS);
            let mut candidate = Zeroizing::new(<[u8; 32]>::from(mac.finalize().into_bytes()));
            // d = k0 + 1, valid when 1 <= d <= n - 1, that is k0 <= n - 2. An overflow past
            // 2^256 - 1 is out of range too.
            if !increment(&mut candidate) {
                continue;
            }
            // Rejects zero and anything at or above the order n.
            if let Some(scalar) = NonZeroScalar::from_repr((*candidate).into()).into_option() {
                return Ok(Self { scalar: Zeroizing::new(scalar), public: OnceLock::new() });
            }
        }
        Err(SignError::InvalidCredentials { reason: "no SigV4a key could be derived from these credentials" })
    }

    /// The private scalar, big-endian (for tests against published vectors).
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.scalar.to_repr().into())
    }

    /// The public key (computed on the first call).
    pub fn public_key(&self) -> PublicKey {
        *self.public.get_or_init(|| PublicKey(VerifyingKey::from(p256::PublicKey::from_secret_scalar(&self.scalar))))
    }

    /// Signs `message` (a string to sign): ECDSA P-256 over its SHA-256, DER-encoded.
    ///
    /// # Errors
    ///
    /// [`SignError::InvalidCredentials`] if the ECDSA library fails (it does not for a valid
    /// key).
    ///
    /// ```
    /// use sigv4_kit::sigv4a::EcdsaKey;
    /// let key = EcdsaKey::derive("AKIDEXAMPLE", "secret")?;
    /// let sig = key.sign(b"string to sign");
    /// assert!(key.public_key().verify(b"string to sign", &sig));
    /// assert!(!key.public_key().verify(b"string to sigN", &sig));
    /// # Ok::<(), sigv4_kit::sign::SignError>(())
    /// ```
    pub fn sign(&self, message: &[u8]) -> Signature {
        self.sign_digest(&crate::digest::sha256(message))
    }

    /// Signs a SHA-256 digest (of a string to sign): a DER-encoded signature, with the nonce
    /// derived deterministically (RFC 6979), so that signing needs no random source.
    pub(crate) fn sign_digest(&self, digest: &[u8; 32]) -> Signature {
        // What `p256`'s `SigningKey` does, from the scalar alone.
        let (signature, _) = ecdsa::hazmat::sign_prehashed_rfc6979::<NistP256, <NistP256 as DigestAlgorithm>::Digest>(
            &self.scalar,
            digest,
            &[],
        );
        Signature::from_p256_der(&signature.to_der())
    }
}

/// Adds one to a big-endian number; false when it overflows.
fn increment(n: &mut [u8; 32]) -> bool {
    for byte in n.iter_mut().rev() {
        let (sum, carry) = byte.overflowing_add(1);
        *byte = sum;
        if !carry {
            return true;
        }
    }
    false
}

impl fmt::Debug for EcdsaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcdsaKey").field("public_key", &self.public_key()).finish_non_exhaustive()
    }
}

/// A SigV4a public key: what a verifier needs, and all a credential vault has to hand out.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// A key from its affine coordinates, each 64 hex digits (as AWS publishes them).
    ///
    /// # Errors
    ///
    /// [`ParseError`] when a coordinate is not 32 bytes of hex or the point is not on the
    /// curve.
    ///
    /// ```
    /// use sigv4_kit::sigv4a::PublicKey;
    /// let key = PublicKey::from_xy_hex(
    ///     "b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1",
    ///     "865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518",
    /// )?;
    /// assert!(PublicKey::from_xy_hex(&key.x_hex(), &key.x_hex()).is_err(), "not on the curve");
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn from_xy_hex(x: &str, y: &str) -> Result<Self, ParseError> {
        // The uncompressed SEC1 form: 0x04, x, y.
        let mut sec1 = [4u8; 65];
        let (_, coordinates) = sec1.split_at_mut(1);
        let (xs, ys) = coordinates.split_at_mut(32);
        hex::decode_to_slice(x, xs).map_err(|_| ParseError::new("public key", "x is not 64 hex digits"))?;
        hex::decode_to_slice(y, ys).map_err(|_| ParseError::new("public key", "y is not 64 hex digits"))?;
        Self::from_sec1_bytes(&sec1)
    }

    /// A key from its SEC1 encoding (compressed or uncompressed).
    ///
    /// # Errors
    ///
    /// [`ParseError`] when the bytes are not a point on the curve.
    pub fn from_sec1_bytes(bytes: &[u8]) -> Result<Self, ParseError> {
        VerifyingKey::from_sec1_bytes(bytes)
            .map(Self)
            .map_err(|_| ParseError::new("public key", "not a SEC1-encoded point on P-256"))
    }

    /// The uncompressed SEC1 encoding (65 bytes).
    pub fn to_sec1_bytes(&self) -> Vec<u8> {
        self.0.to_sec1_point(false).as_bytes().to_vec()
    }

    /// The x coordinate, 64 lowercase hex digits.
    pub fn x_hex(&self) -> String {
        hex::encode(self.0.as_affine().x())
    }

    /// The y coordinate, 64 lowercase hex digits.
    pub fn y_hex(&self) -> String {
        hex::encode(self.0.as_affine().y())
    }

    /// Whether `signature` (DER-encoded ECDSA) signs `message` (a string to sign) under this
    /// key. High-S signatures are accepted, as AWS's signer produces them.
    pub fn verify(&self, message: &[u8], signature: &Signature) -> bool {
        self.verify_digest(&crate::digest::sha256(message), signature)
    }

    /// Whether `signature` (DER) signs the SHA-256 `digest` under this key.
    pub(crate) fn verify_digest(&self, digest: &[u8; 32], signature: &Signature) -> bool {
        let Ok(der) = DerSignature::from_bytes(signature.as_bytes()) else { return false };
        self.0.verify_prehash(digest, &der).is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey").field("x", &self.x_hex()).field("y", &self.y_hex()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::increment;

    #[test]
    fn increment_carries_and_overflows() {
        let mut n = [0u8; 32];
        n[31] = 0xff;
        assert!(increment(&mut n));
        assert_eq!((n[30], n[31]), (1, 0));
        let mut max = [0xff; 32];
        assert!(!increment(&mut max));
    }
}
