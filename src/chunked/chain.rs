//! The chunk signature chain: each chunk's signature covers the previous signature.
//!
//! ```text
//! AWS4-HMAC-SHA256-PAYLOAD \n time \n scope \n previous signature \n SHA256("") \n SHA256(chunk)
//! AWS4-HMAC-SHA256-TRAILER \n time \n scope \n previous signature \n SHA256(canonical trailers)
//! ```
//!
//! The first chunk's previous signature is the seed: the request's own signature.

use core::fmt;

use hmac::Mac;
use sha2::{Digest, Sha256};

use crate::digest::{EMPTY_SHA256_HEX, Sink, hex64};
use crate::error::SignError;
use crate::key::SigningKey;
use crate::scope::CredentialScope;
use crate::signature::Signature;
use crate::string_to_sign::Algorithm;
use crate::time::AmzDate;

/// `date/service/aws4_request`: the SigV4a scope.
#[cfg(feature = "sigv4a")]
fn v4a_scope(scope: &CredentialScope<'_>) -> String {
    format!("{}/{}/aws4_request", scope.date(), scope.service())
}

/// The algorithm line of a chunk's string to sign.
pub const CHUNK_ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";
/// The algorithm line of the trailer's string to sign.
pub const TRAILER_ALGORITHM: &str = "AWS4-HMAC-SHA256-TRAILER";
/// The algorithm line of a SigV4a chunk's string to sign.
pub(super) const CHUNK_ALGORITHM_V4A: &str = "AWS4-ECDSA-P256-SHA256-PAYLOAD";
/// The algorithm line of a SigV4a trailer's string to sign.
pub(super) const TRAILER_ALGORITHM_V4A: &str = "AWS4-ECDSA-P256-SHA256-TRAILER";

/// A key that signs chunks: the SigV4 HMAC key, or a SigV4a private key.
#[derive(Clone)]
enum SignKey {
    Hmac(SigningKey),
    #[cfg(feature = "sigv4a")]
    Ecdsa(crate::sigv4a::EcdsaKey),
}

impl SignKey {
    /// Signs the string to sign that `write` writes.
    fn sign(&self, write: impl FnOnce(&mut dyn Sink)) -> Signature {
        match self {
            Self::Hmac(key) => {
                let mut mac = key.mac();
                write(&mut mac);
                Signature::from_bytes(mac.finalize().into_bytes().into())
            }
            #[cfg(feature = "sigv4a")]
            Self::Ecdsa(key) => {
                let mut h = Sha256::new();
                write(&mut h);
                key.sign_digest(&h.finalize().into())
            }
        }
    }
}

/// What signs or checks the chain: a key that signs (and so checks), or a SigV4a public key,
/// which only checks.
#[derive(Clone)]
enum ChainKey {
    Sign(SignKey),
    #[cfg(feature = "sigv4a")]
    Verify(crate::sigv4a::PublicKey),
}

/// Why a chain refuses to sign.
#[cfg(feature = "sigv4a")]
const CANNOT_SIGN: SignError = SignError::InvalidCredentials {
    reason: "a chunk chain built from a public key verifies chunks but cannot sign them",
};

/// The state of a signature chain: the key, the time and scope of the seed request, and the
/// last signature. The key is derived once and used for every chunk.
#[derive(Clone)]
pub struct ChunkChain {
    key: ChainKey,
    time: AmzDate,
    scope: String,
    previous: Signature,
}

impl fmt::Debug for ChunkChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkChain")
            .field("algorithm", &self.algorithm())
            .field("time", &self.time)
            .field("scope", &self.scope)
            .field("previous", &self.previous)
            .finish_non_exhaustive()
    }
}

impl ChunkChain {
    /// A chain that starts at `seed`, the signature of the request's headers.
    ///
    /// ```
    /// use sigv4_kit::chunked::ChunkChain;
    /// use sigv4_kit::AmzDate;
    /// use sigv4_kit::spec::{CredentialScope, Signature, SigningKey};
    ///
    /// let t: AmzDate = "20130524T000000Z".parse()?;
    /// let scope = CredentialScope::new(t, "us-east-1", "s3")?;
    /// let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", &scope);
    /// let seed: Signature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9".parse()?;
    /// let mut chain = ChunkChain::new(key, t, &scope, seed);
    /// let first = chain.sign_chunk(&vec![b'a'; 65536])?;
    /// assert_eq!(first.to_string(), "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(key: SigningKey, time: AmzDate, scope: &CredentialScope<'_>, seed: Signature) -> Self {
        Self { key: ChainKey::Sign(SignKey::Hmac(key)), time, scope: scope.to_string(), previous: seed }
    }

    /// A SigV4a chain that signs with `key`, from `seed`. The scope's region is left out
    /// (`date/service/aws4_request`).
    #[cfg(feature = "sigv4a")]
    pub fn sigv4a(key: crate::sigv4a::EcdsaKey, time: AmzDate, scope: &CredentialScope<'_>, seed: Signature) -> Self {
        Self { key: ChainKey::Sign(SignKey::Ecdsa(key)), time, scope: v4a_scope(scope), previous: seed }
    }

    /// A SigV4a chain that checks signatures with `key` (a verifier's), from `seed`. It cannot
    /// sign: its `sign_*` methods return an error.
    #[cfg(feature = "sigv4a")]
    pub fn sigv4a_verifying(
        key: crate::sigv4a::PublicKey,
        time: AmzDate,
        scope: &CredentialScope<'_>,
        seed: Signature,
    ) -> Self {
        Self { key: ChainKey::Verify(key), time, scope: v4a_scope(scope), previous: seed }
    }

    /// The algorithm of the chain.
    pub fn algorithm(&self) -> Algorithm {
        match self.key {
            ChainKey::Sign(SignKey::Hmac(_)) => Algorithm::HmacSha256,
            #[cfg(feature = "sigv4a")]
            ChainKey::Sign(SignKey::Ecdsa(_)) | ChainKey::Verify(_) => Algorithm::EcdsaP256Sha256,
        }
    }

    /// The algorithm lines of the chunk and trailer strings to sign.
    fn algorithm_lines(&self) -> (&'static str, &'static str) {
        match self.algorithm() {
            Algorithm::EcdsaP256Sha256 => (CHUNK_ALGORITHM_V4A, TRAILER_ALGORITHM_V4A),
            _ => (CHUNK_ALGORITHM, TRAILER_ALGORITHM),
        }
    }

    /// The key, when the chain can sign.
    fn signer(&self) -> Result<&SignKey, SignError> {
        match &self.key {
            ChainKey::Sign(key) => Ok(key),
            #[cfg(feature = "sigv4a")]
            ChainKey::Verify(_) => Err(CANNOT_SIGN),
        }
    }

    /// This chain as one that signs, for an encoder; an error for a chain built from a public key.
    pub(crate) fn into_signing(self) -> Result<SigningChain, SignError> {
        let key = self.signer()?.clone();
        Ok(SigningChain { key, chain: self })
    }

    /// Whether `provided` signs the string to sign written by `write`; constant time for HMAC.
    fn verify_with(&self, provided: &Signature, write: impl FnOnce(&mut dyn Sink)) -> bool {
        match &self.key {
            ChainKey::Sign(SignKey::Hmac(key)) => {
                let mut mac = key.mac();
                write(&mut mac);
                mac.verify_slice(provided.as_bytes()).is_ok()
            }
            #[cfg(feature = "sigv4a")]
            ChainKey::Sign(SignKey::Ecdsa(key)) => {
                let mut h = Sha256::new();
                write(&mut h);
                key.public_key().verify_digest(&h.finalize().into(), provided)
            }
            #[cfg(feature = "sigv4a")]
            ChainKey::Verify(key) => {
                let mut h = Sha256::new();
                write(&mut h);
                key.verify_digest(&h.finalize().into(), provided)
            }
        }
    }

    /// The last signature in the chain (the seed before any chunk).
    pub fn previous(&self) -> Signature {
        self.previous
    }

    fn write_prefix(&self, sink: &mut (impl Sink + ?Sized), algorithm: &str) {
        sink.put(algorithm.as_bytes());
        sink.put_byte(b'\n');
        sink.put(self.time.as_bytes());
        sink.put_byte(b'\n');
        sink.put(self.scope.as_bytes());
        sink.put_byte(b'\n');
        self.previous.write_hex(sink);
        sink.put_byte(b'\n');
    }

    /// Writes the string to sign of a chunk whose SHA-256 is `data_hash`.
    fn write_chunk(&self, sink: &mut (impl Sink + ?Sized), data_hash: &[u8; 32]) {
        self.write_prefix(sink, self.algorithm_lines().0);
        sink.put(EMPTY_SHA256_HEX.as_bytes());
        sink.put_byte(b'\n');
        sink.put(&hex64(data_hash));
    }

    /// Writes the string to sign of the trailer whose canonical form hashes to `trailers_hash`.
    fn write_trailer(&self, sink: &mut (impl Sink + ?Sized), trailers_hash: &[u8; 32]) {
        self.write_prefix(sink, self.algorithm_lines().1);
        sink.put(&hex64(trailers_hash));
    }

    /// The string to sign of the next chunk, whose SHA-256 is `data_hash` (for debugging).
    pub fn chunk_string_to_sign(&self, data_hash: &[u8; 32]) -> String {
        let mut s = String::with_capacity(256);
        self.write_chunk(&mut s, data_hash);
        s
    }

    /// The string to sign of the trailer, whose canonical form hashes to `trailers_hash`.
    pub fn trailer_string_to_sign(&self, trailers_hash: &[u8; 32]) -> String {
        let mut s = String::with_capacity(256);
        self.write_trailer(&mut s, trailers_hash);
        s
    }

    /// Signs the next chunk and advances the chain.
    ///
    /// # Errors
    ///
    /// A chain built from a public key ([`ChunkChain::sigv4a_verifying`]) cannot sign.
    pub fn sign_chunk(&mut self, data: &[u8]) -> Result<Signature, SignError> {
        let hash: [u8; 32] = Sha256::digest(data).into();
        self.sign_chunk_hash(&hash)
    }

    /// Signs the next chunk, given its SHA-256, and advances the chain.
    ///
    /// # Errors
    ///
    /// As for [`ChunkChain::sign_chunk`].
    pub fn sign_chunk_hash(&mut self, data_hash: &[u8; 32]) -> Result<Signature, SignError> {
        let sig = self.signer()?.sign(|sink| self.write_chunk(sink, data_hash));
        self.previous = sig;
        Ok(sig)
    }

    /// Signs the canonical trailers (`name:value\n` lines) and advances the chain.
    ///
    /// # Errors
    ///
    /// As for [`ChunkChain::sign_chunk`].
    pub fn sign_trailer(&mut self, canonical_trailers: &[u8]) -> Result<Signature, SignError> {
        let hash: [u8; 32] = Sha256::digest(canonical_trailers).into();
        let sig = self.signer()?.sign(|sink| self.write_trailer(sink, &hash));
        self.previous = sig;
        Ok(sig)
    }

    /// Checks, in constant time, that `provided` signs the next chunk (SHA-256 `data_hash`);
    /// advances the chain only when it does.
    pub fn verify_chunk_hash(&mut self, data_hash: &[u8; 32], provided: &Signature) -> bool {
        let ok = self.verify_with(provided, |sink| self.write_chunk(sink, data_hash));
        if ok {
            self.previous = *provided;
        }
        ok
    }

    /// Checks, in constant time, that `provided` signs the canonical trailers; advances the
    /// chain only when it does.
    pub fn verify_trailer(&mut self, canonical_trailers: &[u8], provided: &Signature) -> bool {
        let hash: [u8; 32] = Sha256::digest(canonical_trailers).into();
        let ok = self.verify_with(provided, |sink| self.write_trailer(sink, &hash));
        if ok {
            self.previous = *provided;
        }
        ok
    }
}

/// A chain that signs: what an encoder holds, so that signing a chunk cannot fail.
#[derive(Clone)]
pub(crate) struct SigningChain {
    key: SignKey,
    chain: ChunkChain,
}

impl fmt::Debug for SigningChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SigningChain").field(&self.chain).finish()
    }
}

impl SigningChain {
    /// The algorithm of the chain.
    pub(crate) fn algorithm(&self) -> Algorithm {
        self.chain.algorithm()
    }

    /// Signs the next chunk and advances the chain.
    pub(crate) fn sign_chunk(&mut self, data: &[u8]) -> Signature {
        self.sign_chunk_hash(&Sha256::digest(data).into())
    }

    /// Signs the next chunk, given its SHA-256, and advances the chain.
    pub(crate) fn sign_chunk_hash(&mut self, data_hash: &[u8; 32]) -> Signature {
        let chain = &self.chain;
        let sig = self.key.sign(|sink| chain.write_chunk(sink, data_hash));
        self.chain.previous = sig;
        sig
    }

    /// Signs the canonical trailers and advances the chain.
    pub(crate) fn sign_trailer(&mut self, canonical_trailers: &[u8]) -> Signature {
        let hash: [u8; 32] = Sha256::digest(canonical_trailers).into();
        let chain = &self.chain;
        let sig = self.key.sign(|sink| chain.write_trailer(sink, &hash));
        self.chain.previous = sig;
        sig
    }
}

#[cfg(all(test, feature = "sigv4a"))]
mod tests {
    use super::ChunkChain;
    use crate::chunked::ChunkedEncoder;
    use crate::error::SignError;
    use crate::scope::CredentialScope;
    use crate::signature::Signature;

    #[test]
    fn a_chain_built_from_a_public_key_verifies_but_refuses_to_sign() {
        let time = "20130524T000000Z".parse().unwrap_or_else(|e| panic!("{e}"));
        let scope = CredentialScope::new(time, "us-east-1", "s3").unwrap_or_else(|e| panic!("{e}"));
        let key = crate::sigv4a::EcdsaKey::derive("AKIDEXAMPLE", "secret").unwrap_or_else(|e| panic!("{e}"));
        let seed = Signature::from_bytes([7; 32]);
        let mut signing = ChunkChain::sigv4a(key.clone(), time, &scope, seed);
        let mut verifying = ChunkChain::sigv4a_verifying(key.public_key(), time, &scope, seed);

        let refused = |r: Result<Signature, SignError>| matches!(r, Err(SignError::InvalidCredentials { .. }));
        assert!(refused(verifying.clone().sign_chunk(b"data")));
        assert!(refused(verifying.clone().sign_chunk_hash(&[0; 32])));
        assert!(refused(verifying.clone().sign_trailer(b"x-amz-checksum-crc32:AAAAAA==\n")));
        assert!(matches!(
            ChunkedEncoder::signed(verifying.clone(), None, 8192),
            Err(SignError::InvalidCredentials { .. })
        ));

        // What the signing chain signs, the verifying one accepts, and the chains stay in step.
        let sig = signing.sign_chunk(b"data").unwrap_or_else(|e| panic!("{e}"));
        assert!(verifying.verify_chunk_hash(&crate::digest::sha256(b"data"), &sig));
        assert_eq!(verifying.previous(), signing.previous());
        assert!(ChunkedEncoder::signed(signing, None, 8192).is_ok());
    }
}
