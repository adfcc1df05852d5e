//! The signing key: `HMAC` chained over the date, region, service and `aws4_request`.
//!
//! Deriving a key costs four HMACs, so [`KeyCache`] keeps the keys of recent scopes; a client
//! signing many requests derives its key once a day.
//!
//! ```
//! use sigv4_kit::AmzDate;
//! use sigv4_kit::spec::{CredentialScope, SigningKey};
//!
//! let t: AmzDate = "20150830T123600Z".parse()?;
//! let scope = CredentialScope::new(t, "us-east-1", "iam")?;
//! let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", &scope);
//! assert_eq!(
//!     hex::encode(key.as_bytes()),
//!     "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::{Arc, Mutex, PoisonError};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use crate::scope::CredentialScope;

/// HMAC-SHA256 keyed with `key`, ready for `update`.
///
/// Infallible by construction: the key is first brought to SHA-256's 64-byte block as RFC 2104
/// does (hashed when longer, zero-padded), and the MAC is keyed with that block, so there is no
/// error case to fall back from.
pub(crate) fn hmac(key: &[u8]) -> Hmac<Sha256> {
    use hmac::digest::KeyInit;
    use sha2::Digest;

    let mut block = hmac::digest::Key::<Hmac<Sha256>>::default();
    let digest;
    let source: &[u8] = if key.len() > block.len() {
        digest = Zeroizing::new(<[u8; 32]>::from(Sha256::digest(key)));
        &*digest
    } else {
        key
    };
    for (to, from) in block.iter_mut().zip(source) {
        *to = *from;
    }
    let mac = <Hmac<Sha256> as KeyInit>::new(&block);
    block.as_mut_slice().zeroize();
    mac
}

/// HMAC-SHA256 of `data` under `key`.
fn hmac_once(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = hmac(key);
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// A derived SigV4 signing key. Zeroized on drop, never printed.
#[derive(Clone)]
pub struct SigningKey([u8; 32]);

impl Drop for SigningKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl SigningKey {
    /// Derives the key of `scope` from a secret access key.
    pub fn derive(secret_access_key: &str, scope: &CredentialScope<'_>) -> Self {
        let mut seed = Zeroizing::new(Vec::with_capacity(4 + secret_access_key.len()));
        seed.extend_from_slice(b"AWS4");
        seed.extend_from_slice(secret_access_key.as_bytes());
        let mut k = Zeroizing::new(hmac_once(&seed, scope.date_bytes()));
        *k = hmac_once(&*k, scope.region().as_bytes());
        *k = hmac_once(&*k, scope.service().as_bytes());
        Self(hmac_once(&*k, b"aws4_request"))
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// An HMAC keyed with this key, ready to absorb a string to sign.
    pub(crate) fn mac(&self) -> Hmac<Sha256> {
        hmac(&self.0)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey { ... }")
    }
}

/// A signing key with its HMAC already keyed, so that each signature skips the two key blocks
/// of HMAC. The key bytes are zeroized on drop, and the keyed state is overwritten with that of
/// an all-zero key (the `hmac` crate offers no zeroization of its own state).
pub(crate) struct PreparedKey {
    key: SigningKey,
    mac: Hmac<Sha256>,
}

impl PreparedKey {
    pub(crate) fn new(key: SigningKey) -> Self {
        let mac = key.mac();
        Self { key, mac }
    }

    /// The key.
    pub(crate) fn key(&self) -> &SigningKey {
        &self.key
    }

    /// A copy of the keyed HMAC, ready to absorb a string to sign.
    pub(crate) fn mac(&self) -> Hmac<Sha256> {
        self.mac.clone()
    }
}

impl Drop for PreparedKey {
    fn drop(&mut self) {
        self.mac = hmac(&[0; 32]);
        // Keep the overwrite from being optimized away as a dead store.
        std::hint::black_box(&self.mac);
    }
}

/// What a cached key was derived for. The secret is part of the identity (as a digest), so
/// rotated credentials under the same access key id never reuse a stale key.
#[derive(PartialEq, Eq)]
struct CacheKey {
    access_key_id: String,
    secret_digest: [u8; 32],
    date: [u8; 8],
    region: String,
    service: String,
}

impl CacheKey {
    fn matches(&self, access_key_id: &str, secret_digest: &[u8; 32], scope: &CredentialScope<'_>) -> bool {
        self.secret_digest == *secret_digest
            && self.access_key_id == access_key_id
            && self.date.as_slice() == scope.date_bytes()
            && self.region == scope.region()
            && self.service == scope.service()
    }
}

/// The table slot of an identity: a hash of its parts eight bytes at a time, each word mixed in
/// by a folded 64×64→128-bit multiplication with the cache's random odd `seed` (the upper and
/// lower halves of the product XORed), so that which inputs collide depends on the seed, and a
/// difference in a word cannot be cancelled by one in the next. Ids may still collide (a
/// colliding entry replaces the other, and every hit is checked with [`CacheKey::matches`], so
/// a collision costs one derivation, never a wrong key); SipHash cost more than the rest of a
/// cached lookup.
fn table_id(seed: u64, access_key_id: &str, secret_digest: &[u8; 32], scope: &CredentialScope<'_>) -> u64 {
    let multiplier = u128::from(seed | 1);
    let mut h = seed.rotate_left(32);
    let mut mix = |word: u64| {
        let product = u128::from(h ^ word) * multiplier;
        h = (product as u64) ^ ((product >> 64) as u64);
    };
    for part in [access_key_id.as_bytes(), scope.date_bytes(), scope.region().as_bytes(), scope.service().as_bytes()] {
        mix(part.len() as u64);
        let (words, tail) = part.as_chunks::<8>();
        for word in words {
            mix(u64::from_le_bytes(*word));
        }
        let mut last = [0u8; 8];
        crate::scan::copy_short(crate::slices::prefix_mut(&mut last, tail.len()), tail);
        mix(u64::from_le_bytes(last));
    }
    // The digest of the secret is already uniform: its first eight bytes stand for it.
    mix(secret_digest.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w)));
    h
}

/// The hasher of the table, whose keys are [`table_id`]s, already keyed hashes: it passes them
/// through instead of hashing them again.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, id: u64) {
        self.0 = id;
    }
}

/// The cache's table: entries by a keyed hash of their identity, and the order they came in.
#[derive(Default)]
struct Table {
    entries: HashMap<u64, (CacheKey, Arc<PreparedKey>), BuildHasherDefault<IdHasher>>,
    order: VecDeque<u64>,
}

/// A cache of derived signing keys, keyed by access key, secret, date, region and service.
///
/// It holds at most `capacity` keys and evicts the oldest. Lookups take constant time, so a
/// verifier can keep thousands of keys. It is safe to share between threads.
///
/// ```
/// use sigv4_kit::{AmzDate, Credentials};
/// use sigv4_kit::spec::{CredentialScope, KeyCache};
///
/// let cache = KeyCache::new(4);
/// let creds = Credentials::new("AKIDEXAMPLE", "secret");
/// let t: AmzDate = "20150830T123600Z".parse()?;
/// let scope = CredentialScope::new(t, "us-east-1", "s3")?;
/// let a = cache.get_or_derive(&creds, &scope);
/// let b = cache.get_or_derive(&creds, &scope);
/// assert_eq!(a.as_bytes(), b.as_bytes());
/// assert_eq!(cache.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct KeyCache {
    capacity: usize,
    /// The random key of [`table_id`], one per cache.
    seed: u64,
    table: Mutex<Table>,
}

impl KeyCache {
    /// A cache holding at most `capacity` keys (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        let seed = RandomState::new().hash_one(0x5167_3476_u64);
        Self { capacity, seed, table: Mutex::new(Table::default()) }
    }

    /// The number of keys cached.
    pub fn len(&self) -> usize {
        self.table.lock().unwrap_or_else(PoisonError::into_inner).entries.len()
    }

    /// Whether the cache is empty.
    ///
    /// ```
    /// assert!(sigv4_kit::spec::KeyCache::new(1).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The key for `credentials` and `scope`, derived on a miss.
    pub fn get_or_derive(&self, credentials: &crate::Credentials, scope: &CredentialScope<'_>) -> SigningKey {
        self.prepared(credentials, scope).key().clone()
    }

    /// The prepared key for `credentials` and `scope`, derived on a miss.
    pub(crate) fn prepared(&self, credentials: &crate::Credentials, scope: &CredentialScope<'_>) -> Arc<PreparedKey> {
        let (akid, secret) = (credentials.access_key_id(), credentials.secret_access_key());
        self.prepared_for_secret(akid, secret, credentials.secret_digest(), scope)
    }

    /// The prepared key for an access key id and secret (whose SHA-256 is `secret_digest`),
    /// derived on a miss.
    pub(crate) fn prepared_for_secret(
        &self,
        access_key_id: &str,
        secret: &str,
        secret_digest: &[u8; 32],
        scope: &CredentialScope<'_>,
    ) -> Arc<PreparedKey> {
        self.with_prepared(access_key_id, secret, secret_digest, scope, Arc::clone)
    }

    /// A copy of the keyed HMAC of the key for an access key id and secret (whose SHA-256 is
    /// `secret_digest`), derived on a miss: what a signature needs, copied under the lock, so a
    /// hit touches no reference count.
    pub(crate) fn mac_for_secret(
        &self,
        access_key_id: &str,
        secret: &str,
        secret_digest: &[u8; 32],
        scope: &CredentialScope<'_>,
    ) -> Hmac<Sha256> {
        self.with_prepared(access_key_id, secret, secret_digest, scope, |key| key.mac())
    }

    /// The keyed HMAC of `credentials`' key for `scope`; see [`KeyCache::mac_for_secret`].
    pub(crate) fn mac(&self, credentials: &crate::Credentials, scope: &CredentialScope<'_>) -> Hmac<Sha256> {
        let (akid, secret) = (credentials.access_key_id(), credentials.secret_access_key());
        self.mac_for_secret(akid, secret, credentials.secret_digest(), scope)
    }

    /// `read` of the prepared key for an access key id and secret, under the lock on a hit;
    /// derived and cached on a miss.
    fn with_prepared<R>(
        &self,
        access_key_id: &str,
        secret: &str,
        secret_digest: &[u8; 32],
        scope: &CredentialScope<'_>,
        read: impl FnOnce(&Arc<PreparedKey>) -> R,
    ) -> R {
        let id = table_id(self.seed, access_key_id, secret_digest, scope);
        {
            let table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((k, key)) = table.entries.get(&id)
                && k.matches(access_key_id, secret_digest, scope)
            {
                return read(key);
            }
        }
        let key = Arc::new(PreparedKey::new(SigningKey::derive(secret, scope)));
        let mut date = [0u8; 8];
        for (slot, b) in date.iter_mut().zip(scope.date_bytes()) {
            *slot = *b;
        }
        let entry = CacheKey {
            access_key_id: access_key_id.to_owned(),
            secret_digest: *secret_digest,
            date,
            region: scope.region().to_owned(),
            service: scope.service().to_owned(),
        };
        let mut table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        // A colliding id (or a rotated secret) replaces the entry in place; it keeps its slot in
        // the eviction order.
        if table.entries.insert(id, (entry, Arc::clone(&key))).is_none() {
            table.order.push_back(id);
        }
        while table.entries.len() > self.capacity {
            match table.order.pop_front() {
                Some(old) => {
                    table.entries.remove(&old);
                }
                None => break,
            }
        }
        read(&key)
    }
}

impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyCache").field("capacity", &self.capacity).field("len", &self.len()).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use hmac::Mac;

    use super::{KeyCache, SigningKey};
    use crate::scope::CredentialScope;
    use crate::{AmzDate, Credentials};

    fn scope(region: &str) -> CredentialScope<'_> {
        let t: AmzDate = "20150830T123600Z".parse().unwrap_or_else(|e| panic!("{e}"));
        CredentialScope::new(t, region, "s3").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn hmac_matches_the_hmac_crate_for_every_key_length() {
        // Keys around and beyond SHA-256's 64-byte block, where RFC 2104 hashes the key.
        for len in 0..=200usize {
            let key: Vec<u8> = (0..len).map(|i| (i * 31 + len) as u8).collect();
            let mut ours = super::hmac(&key);
            let mut theirs = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap_or_else(|e| panic!("{e}"));
            ours.update(b"the string to sign");
            theirs.update(b"the string to sign");
            assert_eq!(ours.finalize().into_bytes(), theirs.finalize().into_bytes(), "key of {len} bytes");
        }
    }

    #[test]
    fn holds_at_most_capacity_and_evicts_the_oldest() {
        let cache = KeyCache::new(2);
        let creds = Credentials::new("AKID", "secret");
        let first = cache.prepared(&creds, &scope("us-east-1"));
        assert!(Arc::ptr_eq(&first, &cache.prepared(&creds, &scope("us-east-1"))), "a hit shares the entry");
        cache.prepared(&creds, &scope("us-west-2"));
        cache.prepared(&creds, &scope("eu-west-1"));
        assert_eq!(cache.len(), 2);
        let again = cache.prepared(&creds, &scope("us-east-1"));
        assert!(!Arc::ptr_eq(&first, &again), "the oldest entry was evicted and derived again");
        assert_eq!(first.key().as_bytes(), again.key().as_bytes());
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn ids_of_near_identities_rarely_collide_whatever_the_seed() {
        // A pair the earlier multiply-rotate mixing made collide for about half of all seeds:
        // one bit flipped in a word and one in the next.
        let digest = [7u8; 32];
        let s = scope("us-east-1");
        let pairs = [("AKIDAAA1AAAaBBBBCCCC", "AKIDAAAqAAAABBBBCCCC"), ("AKIDEXAMPLE", "AKIDEXAMPLF")];
        for (a, b) in pairs {
            let collisions = (0..1000u64)
                .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5167_3476)
                .filter(|&seed| super::table_id(seed, a, &digest, &s) == super::table_id(seed, b, &digest, &s))
                .count();
            assert_eq!(collisions, 0, "{a} and {b}");
        }
        let (r1, r2) = (scope("xxxxxxx1xxxaxxxx"), scope("xxxxxxxqxxxAxxxx"));
        let collisions = (0..1000u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5167_3476)
            .filter(|&seed| super::table_id(seed, "AKID", &digest, &r1) == super::table_id(seed, "AKID", &digest, &r2))
            .count();
        assert_eq!(collisions, 0, "regions");
    }

    #[test]
    fn a_rotated_secret_never_meets_the_old_key() {
        let cache = KeyCache::new(4);
        let s = scope("us-east-1");
        let old = cache.get_or_derive(&Credentials::new("AKID", "old"), &s);
        let new = cache.get_or_derive(&Credentials::new("AKID", "new"), &s);
        assert_ne!(old.as_bytes(), new.as_bytes());
        assert_eq!(new.as_bytes(), SigningKey::derive("new", &s).as_bytes());
    }

    #[test]
    fn the_prepared_mac_is_the_keyed_hmac() {
        let cache = KeyCache::new(1);
        let s = scope("us-east-1");
        let prepared = cache.prepared_for_secret("AKID", "secret", &crate::digest::sha256(b"secret"), &s);
        let mut a = prepared.mac();
        let mut b = SigningKey::derive("secret", &s).mac();
        a.update(b"string to sign");
        b.update(b"string to sign");
        assert_eq!(a.finalize().into_bytes(), b.finalize().into_bytes());
    }
}
