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

use crate::canonical::{EMPTY_SHA256_HEX, Sink, hex64};
use crate::key::SigningKey;
use crate::scope::CredentialScope;
use crate::signature::Signature;
use crate::time::AmzDate;

/// The algorithm line of a chunk's string to sign.
pub const CHUNK_ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";
/// The algorithm line of the trailer's string to sign.
pub const TRAILER_ALGORITHM: &str = "AWS4-HMAC-SHA256-TRAILER";

/// The state of a signature chain: the key, the time and scope of the seed request, and the
/// last signature. The key is derived once and used for every chunk.
#[derive(Clone)]
pub struct ChunkChain {
    key: SigningKey,
    time: AmzDate,
    scope: String,
    previous: Signature,
}

impl fmt::Debug for ChunkChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkChain")
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
    /// use sigv4_kit::{AmzDate, CredentialScope, Signature, SigningKey};
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
        Self { key, time, scope: scope.to_string(), previous: seed }
    }

    /// The last signature in the chain (the seed before any chunk).
    pub fn previous(&self) -> Signature {
        self.previous
    }

    fn write_prefix(&self, sink: &mut impl Sink, algorithm: &str) {
        sink.put(algorithm.as_bytes());
        sink.put(b"\n");
        sink.put(self.time.as_str().as_bytes());
        sink.put(b"\n");
        sink.put(self.scope.as_bytes());
        sink.put(b"\n");
        sink.put(&self.previous.to_hex());
        sink.put(b"\n");
    }

    fn chunk_mac(&self, data_hash: &[u8; 32]) -> hmac::Hmac<Sha256> {
        let mut mac = self.key.mac();
        self.write_prefix(&mut mac, CHUNK_ALGORITHM);
        mac.put(EMPTY_SHA256_HEX.as_bytes());
        mac.put(b"\n");
        mac.put(&hex64(data_hash));
        mac
    }

    fn trailer_mac(&self, trailers_hash: &[u8; 32]) -> hmac::Hmac<Sha256> {
        let mut mac = self.key.mac();
        self.write_prefix(&mut mac, TRAILER_ALGORITHM);
        mac.put(&hex64(trailers_hash));
        mac
    }

    /// The string to sign of the next chunk, whose SHA-256 is `data_hash` (for debugging).
    pub fn chunk_string_to_sign(&self, data_hash: &[u8; 32]) -> String {
        let mut s = String::with_capacity(256);
        self.write_prefix(&mut s, CHUNK_ALGORITHM);
        s.push_str(EMPTY_SHA256_HEX);
        s.push('\n');
        s.push_str(&hex::encode(data_hash));
        s
    }

    /// The string to sign of the trailer, whose canonical form hashes to `trailers_hash`.
    pub fn trailer_string_to_sign(&self, trailers_hash: &[u8; 32]) -> String {
        let mut s = String::with_capacity(256);
        self.write_prefix(&mut s, TRAILER_ALGORITHM);
        s.push_str(&hex::encode(trailers_hash));
        s
    }

    /// Signs the next chunk and advances the chain.
    pub fn sign_chunk(&mut self, data: &[u8]) -> Signature {
        let hash: [u8; 32] = Sha256::digest(data).into();
        self.sign_chunk_hash(&hash)
    }

    /// Signs the next chunk, given its SHA-256, and advances the chain.
    pub fn sign_chunk_hash(&mut self, data_hash: &[u8; 32]) -> Signature {
        let sig = Signature::from_bytes(self.chunk_mac(data_hash).finalize().into_bytes().into());
        self.previous = sig;
        sig
    }

    /// Signs the canonical trailers (`name:value\n` lines) and advances the chain.
    pub fn sign_trailer(&mut self, canonical_trailers: &[u8]) -> Signature {
        let hash: [u8; 32] = Sha256::digest(canonical_trailers).into();
        let sig = Signature::from_bytes(self.trailer_mac(&hash).finalize().into_bytes().into());
        self.previous = sig;
        sig
    }

    /// Checks, in constant time, that `provided` signs the next chunk (SHA-256 `data_hash`);
    /// advances the chain only when it does.
    pub fn verify_chunk_hash(&mut self, data_hash: &[u8; 32], provided: &Signature) -> bool {
        let ok = self.chunk_mac(data_hash).verify_slice(provided.as_bytes()).is_ok();
        if ok {
            self.previous = *provided;
        }
        ok
    }

    /// Checks, in constant time, that `provided` signs the canonical trailers; advances the
    /// chain only when it does.
    pub fn verify_trailer(&mut self, canonical_trailers: &[u8], provided: &Signature) -> bool {
        let hash: [u8; 32] = Sha256::digest(canonical_trailers).into();
        let ok = self.trailer_mac(&hash).verify_slice(provided.as_bytes()).is_ok();
        if ok {
            self.previous = *provided;
        }
        ok
    }
}
