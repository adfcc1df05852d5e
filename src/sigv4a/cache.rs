//! [`PublicKeyCache`]: derived SigV4a public keys, so that a verifier derives each once.

use core::fmt;
use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use sha2::{Digest, Sha256};

use super::key::{EcdsaKey, PublicKey};
use crate::error::SignError;

/// The table: keys by the digest of what they were derived from, and their arrival order.
#[derive(Default)]
struct Table {
    keys: HashMap<[u8; 32], PublicKey>,
    order: VecDeque<[u8; 32]>,
}

/// A bounded cache of SigV4a public keys, keyed by a digest of the access key id and secret.
/// Derivation (an HMAC and a scalar multiplication) costs far more than a lookup. A rotated
/// secret has another digest, so it never meets a stale key. The oldest entry is evicted first.
///
/// ```
/// use sigv4_kit::sigv4a::PublicKeyCache;
///
/// let cache = PublicKeyCache::new(16);
/// let a = cache.get_or_derive("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
/// assert_eq!(a.x_hex(), "b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1");
/// assert_eq!(cache.len(), 1);
/// # Ok::<(), sigv4_kit::sign::SignError>(())
/// ```
pub struct PublicKeyCache {
    capacity: usize,
    table: Mutex<Table>,
}

impl PublicKeyCache {
    /// A cache of at most `capacity` keys (at least one).
    pub fn new(capacity: usize) -> Self {
        Self { capacity: capacity.max(1), table: Mutex::new(Table::default()) }
    }

    /// The number of keys cached.
    pub fn len(&self) -> usize {
        self.table.lock().unwrap_or_else(PoisonError::into_inner).keys.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The public key of `access_key_id` and `secret`, derived on a miss.
    ///
    /// # Errors
    ///
    /// As for [`EcdsaKey::derive`].
    pub fn get_or_derive(&self, access_key_id: &str, secret: &str) -> Result<PublicKey, SignError> {
        let id = identity(access_key_id, secret);
        if let Some(key) = self.table.lock().unwrap_or_else(PoisonError::into_inner).keys.get(&id) {
            return Ok(*key);
        }
        let key = EcdsaKey::derive(access_key_id, secret)?.public_key();
        let mut table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        if table.keys.insert(id, key).is_none() {
            table.order.push_back(id);
        }
        while table.keys.len() > self.capacity {
            let Some(old) = table.order.pop_front() else { break };
            table.keys.remove(&old);
        }
        Ok(key)
    }
}

/// SHA-256 of the length-prefixed access key id and the secret: unambiguous, and it keeps no
/// copy of the secret.
fn identity(access_key_id: &str, secret: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update((access_key_id.len() as u64).to_be_bytes());
    h.update(access_key_id.as_bytes());
    h.update(secret.as_bytes());
    h.finalize().into()
}

impl fmt::Debug for PublicKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKeyCache").field("capacity", &self.capacity).field("len", &self.len()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::PublicKeyCache;

    #[test]
    fn evicts_the_oldest_and_separates_secrets() {
        let cache = PublicKeyCache::new(2);
        let derive = |akid: &str, secret: &str| cache.get_or_derive(akid, secret).unwrap_or_else(|e| panic!("{e}"));
        let a = derive("AKIDA", "one");
        assert_ne!(a, derive("AKIDA", "two"), "a rotated secret gives another key");
        derive("AKIDB", "one");
        assert_eq!(cache.len(), 2);
        assert_eq!(derive("AKIDA", "one"), a);
    }
}
