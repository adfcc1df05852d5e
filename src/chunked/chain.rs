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
use crate::key::SigningKey;
use crate::scope::CredentialScope;
use crate::signature::Signature;
use crate::string_to_sign::Algorithm;
use crate::time::AmzDate;

/// What a chain that cannot sign yields: a DER signature that no key verifies.
#[cfg(feature = "sigv4a")]
const NEVER_VALID: Signature = Signature::from_bytes([0; 32]);

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

/// What signs or checks the chain: the SigV4 HMAC key, or a SigV4a private or public key.
#[derive(Clone)]
enum ChainKey {
    Hmac(SigningKey),
    #[cfg(feature = "sigv4a")]
    EcdsaSign(crate::sigv4a::EcdsaKey),
    #[cfg(feature = "sigv4a")]
    EcdsaVerify(crate::sigv4a::PublicKey),
}

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
    /// let first = chain.sign_chunk(&vec![b'a'; 65536]);
    /// assert_eq!(first.to_string(), "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(key: SigningKey, time: AmzDate, scope: &CredentialScope<'_>, seed: Signature) -> Self {
        Self { key: ChainKey::Hmac(key), time, scope: scope.to_string(), previous: seed }
    }

    /// A SigV4a chain that signs with `key`, from `seed`. The scope's region is left out
    /// (`date/service/aws4_request`).
    #[cfg(feature = "sigv4a")]
    pub fn sigv4a(key: crate::sigv4a::EcdsaKey, time: AmzDate, scope: &CredentialScope<'_>, seed: Signature) -> Self {
        Self { key: ChainKey::EcdsaSign(key), time, scope: v4a_scope(scope), previous: seed }
    }

    /// A SigV4a chain that checks signatures with `key` (a verifier's), from `seed`.
    #[cfg(feature = "sigv4a")]
    pub fn sigv4a_verifying(
        key: crate::sigv4a::PublicKey,
        time: AmzDate,
        scope: &CredentialScope<'_>,
        seed: Signature,
    ) -> Self {
        Self { key: ChainKey::EcdsaVerify(key), time, scope: v4a_scope(scope), previous: seed }
    }

    /// The algorithm of the chain.
    pub fn algorithm(&self) -> Algorithm {
        match self.key {
            ChainKey::Hmac(_) => Algorithm::HmacSha256,
            #[cfg(feature = "sigv4a")]
            ChainKey::EcdsaSign(_) | ChainKey::EcdsaVerify(_) => Algorithm::EcdsaP256Sha256,
        }
    }

    /// The algorithm lines of the chunk and trailer strings to sign.
    fn algorithm_lines(&self) -> (&'static str, &'static str) {
        match self.algorithm() {
            Algorithm::EcdsaP256Sha256 => (CHUNK_ALGORITHM_V4A, TRAILER_ALGORITHM_V4A),
            _ => (CHUNK_ALGORITHM, TRAILER_ALGORITHM),
        }
    }

    /// Signs a string to sign (written by `write`) with the chain's key. A SigV4a chain that only
    /// holds a public key cannot sign; it yields a signature that never verifies (fail closed).
    fn sign_with(&self, write: impl FnOnce(&mut dyn Sink)) -> Signature {
        match &self.key {
            ChainKey::Hmac(key) => {
                let mut mac = key.mac();
                write(&mut mac);
                Signature::from_bytes(mac.finalize().into_bytes().into())
            }
            #[cfg(feature = "sigv4a")]
            ChainKey::EcdsaSign(key) => {
                let mut h = Sha256::new();
                write(&mut h);
                key.sign_digest(&h.finalize().into()).unwrap_or(NEVER_VALID)
            }
            #[cfg(feature = "sigv4a")]
            ChainKey::EcdsaVerify(_) => NEVER_VALID,
        }
    }

    /// Whether `provided` signs the string to sign written by `write`; constant time for HMAC.
    fn verify_with(&self, provided: &Signature, write: impl FnOnce(&mut dyn Sink)) -> bool {
        match &self.key {
            ChainKey::Hmac(key) => {
                let mut mac = key.mac();
                write(&mut mac);
                mac.verify_slice(provided.as_bytes()).is_ok()
            }
            #[cfg(feature = "sigv4a")]
            ChainKey::EcdsaSign(key) => {
                let mut h = Sha256::new();
                write(&mut h);
                key.public_key().verify_digest(&h.finalize().into(), provided)
            }
            #[cfg(feature = "sigv4a")]
            ChainKey::EcdsaVerify(key) => {
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
        sink.put(b"\n");
        sink.put(self.time.as_str().as_bytes());
        sink.put(b"\n");
        sink.put(self.scope.as_bytes());
        sink.put(b"\n");
        self.previous.write_hex(sink);
        sink.put(b"\n");
    }

    /// Writes the string to sign of a chunk whose SHA-256 is `data_hash`.
    fn write_chunk(&self, sink: &mut (impl Sink + ?Sized), data_hash: &[u8; 32]) {
        self.write_prefix(sink, self.algorithm_lines().0);
        sink.put(EMPTY_SHA256_HEX.as_bytes());
        sink.put(b"\n");
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
    pub fn sign_chunk(&mut self, data: &[u8]) -> Signature {
        let hash: [u8; 32] = Sha256::digest(data).into();
        self.sign_chunk_hash(&hash)
    }

    /// Signs the next chunk, given its SHA-256, and advances the chain.
    pub fn sign_chunk_hash(&mut self, data_hash: &[u8; 32]) -> Signature {
        let sig = self.sign_with(|sink| self.write_chunk(sink, data_hash));
        self.previous = sig;
        sig
    }

    /// Signs the canonical trailers (`name:value\n` lines) and advances the chain.
    pub fn sign_trailer(&mut self, canonical_trailers: &[u8]) -> Signature {
        let hash: [u8; 32] = Sha256::digest(canonical_trailers).into();
        let sig = self.sign_with(|sink| self.write_trailer(sink, &hash));
        self.previous = sig;
        sig
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
