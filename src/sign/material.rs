//! [`KeyMaterial`]: what a SigV4 signer and a SigV4a signer sign with. Every branch of the
//! signer on the `sigv4a` feature (but the `SigV4Signer::sigv4a` constructor itself) is here;
//! the rest of the signer asks this type, and branches only on what the algorithm puts in the
//! request (a region in the scope, or a region set beside it).

use crate::chunked::ChunkChain;
use crate::credentials::Credentials;
use crate::error::SignError;
use crate::key::KeyCache;
use crate::scope::CredentialScope;
use crate::signature::Signature;
use crate::string_to_sign::{Algorithm, StringToSign};
use crate::time::AmzDate;

/// SigV4, or SigV4a with its private key, derived on first use.
pub(super) enum KeyMaterial {
    /// HMAC-SHA256 with the signing key of each scope, derived through the signer's cache.
    V4,
    /// ECDSA P-256 with the key derived from the credentials (once, on first use).
    #[cfg(feature = "sigv4a")]
    V4a(std::sync::OnceLock<crate::sigv4a::EcdsaKey>),
}

impl KeyMaterial {
    /// SigV4a, its key not derived yet.
    #[cfg(feature = "sigv4a")]
    pub(super) fn sigv4a() -> Self {
        Self::V4a(std::sync::OnceLock::new())
    }

    /// The algorithm this material signs with.
    pub(super) fn algorithm(&self) -> Algorithm {
        match self {
            Self::V4 => Algorithm::HmacSha256,
            #[cfg(feature = "sigv4a")]
            Self::V4a(_) => Algorithm::EcdsaP256Sha256,
        }
    }

    /// The credential scope at `time`. For SigV4a `region` is the region set, which is
    /// never written into the scope.
    pub(super) fn scope<'s>(
        &self,
        time: AmzDate,
        region: &'s str,
        service: &'s str,
    ) -> Result<CredentialScope<'s>, SignError> {
        match self {
            Self::V4 => CredentialScope::new(time, region, service),
            #[cfg(feature = "sigv4a")]
            Self::V4a(_) => {
                crate::scope::validate_scope_part("service", service)?;
                Ok(CredentialScope::unchecked(time, region, service))
            }
        }
    }

    /// The region set, for SigV4a: the signer's `region`.
    pub(super) fn region_set<'s>(&self, region: &'s str) -> Option<&'s str> {
        match (self, region) {
            (Self::V4, _) => None,
            #[cfg(feature = "sigv4a")]
            (Self::V4a(_), set) => Some(set),
        }
    }

    /// Signs `sts`: HMAC with the cached SigV4 key, or ECDSA with the SigV4a key.
    pub(super) fn sign(
        &self,
        sts: &StringToSign<'_>,
        scope: &CredentialScope<'_>,
        credentials: &Credentials,
        keys: &KeyCache,
    ) -> Result<Signature, SignError> {
        match self {
            Self::V4 => Ok(sts.sign_with(keys.mac(credentials, scope))),
            #[cfg(feature = "sigv4a")]
            Self::V4a(cell) => Ok(ecdsa_key(cell, credentials)?.sign_digest(&sts.digest())),
        }
    }

    /// The chunk chain that continues from `seed`, signed at `time`.
    pub(super) fn chain(
        &self,
        time: AmzDate,
        scope: &CredentialScope<'_>,
        seed: Signature,
        credentials: &Credentials,
        keys: &KeyCache,
    ) -> Result<ChunkChain, SignError> {
        match self {
            Self::V4 => Ok(ChunkChain::new(keys.get_or_derive(credentials, scope), time, scope, seed)),
            #[cfg(feature = "sigv4a")]
            Self::V4a(cell) => Ok(ChunkChain::sigv4a(ecdsa_key(cell, credentials)?.clone(), time, scope, seed)),
        }
    }
}

/// The SigV4a key in `cell`, derived from `credentials` on first use.
#[cfg(feature = "sigv4a")]
fn ecdsa_key<'k>(
    cell: &'k std::sync::OnceLock<crate::sigv4a::EcdsaKey>,
    credentials: &Credentials,
) -> Result<&'k crate::sigv4a::EcdsaKey, SignError> {
    if let Some(key) = cell.get() {
        return Ok(key);
    }
    let derived = crate::sigv4a::EcdsaKey::derive(credentials.access_key_id(), credentials.secret_access_key())?;
    Ok(cell.get_or_init(|| derived))
}
