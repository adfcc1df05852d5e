//! [`VerifyingKeys`]: what a verifier checks signatures with. Every branch of the verifier on
//! the `sigv4a` feature is here, but for the credential's own (in `provider`) and the refusal
//! of SigV4a's algorithm name without the feature (in `auth`); the rest of the verifier asks
//! this type, and branches only on what the algorithm puts in the request (a region in the
//! scope, or a region set beside it).

use hmac::Mac;

use super::auth::Claim;
use super::error::VerifyError;
use super::provider::Credential;
use crate::chunked::ChunkChain;
use crate::key::KeyCache;
use crate::scope::CredentialScope;
use crate::string_to_sign::{Algorithm, StringToSign};
use crate::time::AmzDate;

/// The caches of the keys derived from credentials' secrets: SigV4 signing keys, and SigV4a
/// public keys.
pub(super) struct VerifyingKeys {
    /// SigV4 signing keys, one for each access key and scope.
    signing: KeyCache,
    /// SigV4a public keys, one for each access key.
    #[cfg(feature = "sigv4a")]
    public: crate::sigv4a::PublicKeyCache,
}

impl VerifyingKeys {
    /// Empty caches of `capacity` keys each.
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            signing: KeyCache::new(capacity),
            #[cfg(feature = "sigv4a")]
            public: crate::sigv4a::PublicKeyCache::new(capacity),
        }
    }

    /// Whether the claim's signature signs `sts` under the credential: HMAC compared in
    /// constant time (SigV4), or ECDSA verified with the public key (SigV4a).
    pub(super) fn signature_matches(
        &self,
        credential: &Credential,
        claim: &Claim<'_>,
        sts: &StringToSign<'_>,
        scope: &CredentialScope<'_>,
    ) -> Result<bool, VerifyError> {
        let akid = &claim.access_key_id;
        match claim.algorithm {
            Algorithm::EcdsaP256Sha256 => {
                #[cfg(feature = "sigv4a")]
                {
                    let key = credential.public_key(akid, &self.public)?;
                    Ok(key.verify_digest(&sts.digest(), &claim.signature))
                }
                #[cfg(not(feature = "sigv4a"))]
                Err(VerifyError::new(
                    super::error::ErrorCode::NotImplemented,
                    "SigV4a is not enabled (the sigv4a feature)",
                ))
            }
            _ => {
                let mac = credential.signing_mac(akid, scope, &self.signing)?;
                Ok(sts.mac_with(mac).verify_slice(claim.signature.as_bytes()).is_ok())
            }
        }
    }

    /// The chunk chain that continues from the claim's signature, signed at `time`.
    pub(super) fn chain(
        &self,
        credential: &Credential,
        claim: &Claim<'_>,
        time: AmzDate,
        scope: &CredentialScope<'_>,
    ) -> Result<ChunkChain, VerifyError> {
        let (akid, seed) = (&claim.access_key_id, claim.signature);
        match claim.algorithm {
            #[cfg(feature = "sigv4a")]
            Algorithm::EcdsaP256Sha256 => {
                let key = credential.public_key(akid, &self.public)?;
                Ok(ChunkChain::sigv4a_verifying(key, time, scope, seed))
            }
            _ => Ok(ChunkChain::new(credential.signing_key(akid, scope, &self.signing)?, time, scope, seed)),
        }
    }
}
