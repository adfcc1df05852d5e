//! Where the verifier gets secrets: the [`CredentialProvider`] trait and built-in providers.
//!
//! A provider answers one question: for this access key id, scope and presented session token,
//! which credential (and so which [`Principal`]) is it? It returns either the secret or, for a
//! vault that never hands out secrets, a signing key already derived for the scope.
//!
//! ```
//! use sigv4_kit::verify::{MemoryProvider, Principal, PrincipalKind};
//!
//! let provider = MemoryProvider::new().with_key(
//!     "AKIDEXAMPLE",
//!     "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
//!     Principal::new("123456789012", "arn:aws:iam::123456789012:user/alice", PrincipalKind::IamUser),
//! );
//! assert!(provider.get("AKIDEXAMPLE").is_some());
//! assert!(provider.get("AKIDOTHER").is_none());
//! ```

use core::fmt;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::SystemTime;

use hmac::Hmac;
use sha2::Sha256;
use zeroize::Zeroizing;

#[cfg(feature = "sigv4a")]
use super::error::ErrorCode;
use super::error::VerifyError;
use crate::key::{KeyCache, SigningKey};
use crate::scope::CredentialScope;

/// The kinds of identity AWS authentication distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PrincipalKind {
    /// The account's root user.
    AccountRoot,
    /// An IAM user with a long-term access key.
    IamUser,
    /// A role session (cross-account access, a service, an EC2 instance profile).
    AssumedRole,
    /// A federated user session.
    FederatedUser,
}

impl PrincipalKind {
    /// A stable lowercase name, for logs and JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AccountRoot => "account-root",
            Self::IamUser => "iam-user",
            Self::AssumedRole => "assumed-role",
            Self::FederatedUser => "federated-user",
        }
    }

    /// Whether this kind uses temporary credentials with a session token.
    pub const fn is_temporary(self) -> bool {
        matches!(self, Self::AssumedRole | Self::FederatedUser)
    }
}

/// Who signed a request.
///
/// Cloning is cheap (a reference count), so a provider can hand out the same principal for
/// every request without allocating.
#[derive(Clone, PartialEq, Eq)]
pub struct Principal(Arc<PrincipalData>);

#[derive(Clone, PartialEq, Eq)]
struct PrincipalData {
    account_id: String,
    arn: String,
    kind: PrincipalKind,
    expiry: Option<SystemTime>,
    session_token: Option<Zeroizing<String>>,
}

impl Principal {
    /// A principal without expiry or session token.
    ///
    /// ```
    /// use sigv4_kit::verify::{Principal, PrincipalKind};
    /// let p = Principal::new("111122223333", "arn:aws:iam::111122223333:user/alice", PrincipalKind::IamUser);
    /// assert_eq!((p.account_id(), p.kind()), ("111122223333", PrincipalKind::IamUser));
    /// ```
    pub fn new(account_id: impl Into<String>, arn: impl Into<String>, kind: PrincipalKind) -> Self {
        let (account_id, arn) = (account_id.into(), arn.into());
        Self(Arc::new(PrincipalData { account_id, arn, kind, expiry: None, session_token: None }))
    }

    /// Requires requests to present this session token (temporary credentials).
    #[must_use]
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.0).session_token = Some(Zeroizing::new(token.into()));
        self
    }

    /// Sets when the credential expires.
    #[must_use]
    pub fn with_expiry(mut self, at: SystemTime) -> Self {
        Arc::make_mut(&mut self.0).expiry = Some(at);
        self
    }

    /// The 12-digit account id.
    pub fn account_id(&self) -> &str {
        &self.0.account_id
    }

    /// The principal's ARN.
    pub fn arn(&self) -> &str {
        &self.0.arn
    }

    /// The kind of identity.
    pub fn kind(&self) -> PrincipalKind {
        self.0.kind
    }

    /// When the credential expires, for temporary credentials.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.0.expiry
    }

    /// The session token the credential requires, if it is temporary.
    pub fn session_token(&self) -> Option<&str> {
        self.0.session_token.as_deref().map(String::as_str)
    }
}

impl fmt::Debug for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Principal")
            .field("account_id", &self.account_id())
            .field("arn", &self.arn())
            .field("kind", &self.kind())
            .field("expiry", &self.expiry())
            .field("session_token", &self.session_token().map(|_| "***"))
            .finish()
    }
}

/// The secret part of a credential. Cloning shares the secret rather than copying it.
#[derive(Clone)]
enum Secret {
    AccessKey(Arc<AccessSecret>),
    SigningKey(SigningKey),
    #[cfg(feature = "sigv4a")]
    EcdsaPublic(crate::sigv4a::PublicKey),
}

/// A secret access key and its SHA-256, which keys the verifier's [`KeyCache`]: computed once
/// per credential rather than on every request.
struct AccessSecret {
    secret: Zeroizing<String>,
    digest: [u8; 32],
}

/// The error for a credential that cannot check this kind of signature.
#[cfg(feature = "sigv4a")]
fn wrong_kind(message: &'static str) -> VerifyError {
    VerifyError::new(ErrorCode::InternalError, message)
}

/// What a provider returns for an access key: the secret or a derived key, and the principal.
#[derive(Clone)]
pub struct Credential {
    secret: Secret,
    principal: Principal,
}

impl Credential {
    /// A credential holding the secret access key.
    pub fn from_secret(secret_access_key: impl Into<String>, principal: Principal) -> Self {
        let secret = Zeroizing::new(secret_access_key.into());
        let digest = crate::digest::sha256(secret.as_bytes());
        Self { secret: Secret::AccessKey(Arc::new(AccessSecret { secret, digest })), principal }
    }

    /// A credential holding a signing key already derived for the lookup's scope, so the
    /// secret never leaves the provider.
    pub fn from_signing_key(key: SigningKey, principal: Principal) -> Self {
        Self { secret: Secret::SigningKey(key), principal }
    }

    /// A credential holding the SigV4a public key of the access key, so that a vault never
    /// hands out the secret. It verifies SigV4a requests only.
    ///
    /// ```
    /// use sigv4_kit::sigv4a::PublicKey;
    /// use sigv4_kit::verify::{Credential, Principal, PrincipalKind};
    ///
    /// let key = PublicKey::from_xy_hex(
    ///     "b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1",
    ///     "865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518",
    /// )?;
    /// let principal = Principal::new("123456789012", "arn:aws:iam::123456789012:user/alice", PrincipalKind::IamUser);
    /// let credential = Credential::from_public_key(key, principal);
    /// assert_eq!(credential.principal().account_id(), "123456789012");
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    #[cfg(feature = "sigv4a")]
    pub fn from_public_key(key: crate::sigv4a::PublicKey, principal: Principal) -> Self {
        Self { secret: Secret::EcdsaPublic(key), principal }
    }

    /// The principal.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The signing key for `scope`, derived from the secret through `cache`, or taken as
    /// provided.
    pub(crate) fn signing_key(
        &self,
        access_key_id: &str,
        scope: &CredentialScope<'_>,
        cache: &KeyCache,
    ) -> Result<SigningKey, VerifyError> {
        match &self.secret {
            Secret::SigningKey(k) => Ok(k.clone()),
            Secret::AccessKey(s) => {
                Ok(cache.prepared_for_secret(access_key_id, &s.secret, &s.digest, scope).key().clone())
            }
            #[cfg(feature = "sigv4a")]
            Secret::EcdsaPublic(_) => {
                Err(wrong_kind("the credential provider returned a SigV4a public key for a SigV4 request"))
            }
        }
    }

    /// An HMAC keyed with the signing key for `scope`: taken from `cache` when the provider
    /// gave a secret, so that the key blocks are not hashed again.
    pub(crate) fn signing_mac(
        &self,
        access_key_id: &str,
        scope: &CredentialScope<'_>,
        cache: &KeyCache,
    ) -> Result<Hmac<Sha256>, VerifyError> {
        match &self.secret {
            Secret::SigningKey(k) => Ok(k.mac()),
            Secret::AccessKey(s) => Ok(cache.mac_for_secret(access_key_id, &s.secret, &s.digest, scope)),
            #[cfg(feature = "sigv4a")]
            Secret::EcdsaPublic(_) => {
                Err(wrong_kind("the credential provider returned a SigV4a public key for a SigV4 request"))
            }
        }
    }

    /// The SigV4a public key: derived from the secret through `cache`, or taken as provided.
    #[cfg(feature = "sigv4a")]
    pub(crate) fn public_key(
        &self,
        access_key_id: &str,
        cache: &crate::sigv4a::PublicKeyCache,
    ) -> Result<crate::sigv4a::PublicKey, VerifyError> {
        match &self.secret {
            Secret::EcdsaPublic(k) => Ok(*k),
            Secret::AccessKey(s) => cache
                .get_or_derive(access_key_id, &s.secret)
                .map_err(|_| wrong_kind("no SigV4a key can be derived from the credential")),
            Secret::SigningKey(_) => {
                Err(wrong_kind("the credential provider returned a SigV4 signing key for a SigV4a request"))
            }
        }
    }

    pub(crate) fn into_principal(self) -> Principal {
        self.principal
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = match self.secret {
            Secret::AccessKey(_) => "secret ***",
            Secret::SigningKey(_) => "signing key ***",
            #[cfg(feature = "sigv4a")]
            Secret::EcdsaPublic(_) => "SigV4a public key",
        };
        f.debug_struct("Credential").field("secret", &secret).field("principal", &self.principal).finish()
    }
}

/// What the verifier asks a provider.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct LookupRequest<'a> {
    /// The access key id the request names.
    pub access_key_id: &'a str,
    /// The credential scope the request names (date, region, service). For SigV4a its region
    /// is the request's region set.
    pub scope: CredentialScope<'a>,
    /// The session token the request presents, if any.
    pub session_token: Option<&'a str>,
    /// The algorithm the request is signed with. A provider that returns derived keys must
    /// return a SigV4 [`SigningKey`] for SigV4 and a SigV4a public key (or the secret) for
    /// SigV4a.
    pub algorithm: crate::string_to_sign::Algorithm,
}

/// A provider failure, kept as the source of an `InternalError`.
pub type ProviderError = Box<dyn std::error::Error + Send + Sync>;

/// Looks up the credential of an access key. Async, and usable with any runtime; a synchronous
/// lookup implements it by returning [`std::future::ready`].
///
/// ```
/// use std::future::{ready, Future};
/// use sigv4_kit::verify::{Credential, CredentialProvider, LookupRequest, Principal, PrincipalKind, ProviderError};
///
/// struct One;
/// impl CredentialProvider for One {
///     fn lookup(&self, req: &LookupRequest<'_>) -> impl Future<Output = Result<Option<Credential>, ProviderError>> + Send {
///         let found = (req.access_key_id == "AKID").then(|| {
///             Credential::from_secret("secret", Principal::new("123456789012", "arn:aws:iam::123456789012:root", PrincipalKind::AccountRoot))
///         });
///         ready(Ok(found))
///     }
/// }
/// ```
pub trait CredentialProvider: Send + Sync {
    /// The credential for `request.access_key_id`, or `None` when there is no such key.
    fn lookup(
        &self,
        request: &LookupRequest<'_>,
    ) -> impl Future<Output = Result<Option<Credential>, ProviderError>> + Send;
}

/// An in-memory map from access key id to credential.
#[derive(Clone, Default)]
pub struct MemoryProvider {
    keys: HashMap<String, Credential>,
}

impl MemoryProvider {
    /// An empty provider.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an access key with its secret and principal.
    #[must_use]
    pub fn with_key(
        mut self,
        access_key_id: impl Into<String>,
        secret: impl Into<String>,
        principal: Principal,
    ) -> Self {
        self.insert(access_key_id, Credential::from_secret(secret, principal));
        self
    }

    /// Adds or replaces an access key's credential.
    pub fn insert(&mut self, access_key_id: impl Into<String>, credential: Credential) {
        self.keys.insert(access_key_id.into(), credential);
    }

    /// The credential of `access_key_id`, synchronously.
    pub fn get(&self, access_key_id: &str) -> Option<Credential> {
        self.keys.get(access_key_id).cloned()
    }

    /// The number of access keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl fmt::Debug for MemoryProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryProvider").field("access_key_ids", &self.keys.keys().collect::<Vec<_>>()).finish()
    }
}

impl CredentialProvider for MemoryProvider {
    fn lookup(
        &self,
        request: &LookupRequest<'_>,
    ) -> impl Future<Output = Result<Option<Credential>, ProviderError>> + Send {
        std::future::ready(Ok(self.get(request.access_key_id)))
    }
}

/// Wraps a provider and caches the signing keys derived from the secrets it returns. The cache
/// is bounded, and keyed by access key, a digest of the secret, date, region and service, so a
/// rotated secret never meets a stale key.
///
/// ```
/// use sigv4_kit::verify::{CachingProvider, MemoryProvider};
/// let cached = CachingProvider::new(MemoryProvider::new(), 1024);
/// assert!(cached.cache().is_empty());
/// ```
#[derive(Debug)]
pub struct CachingProvider<P> {
    inner: P,
    cache: KeyCache,
}

impl<P> CachingProvider<P> {
    /// Caches up to `capacity` derived keys in front of `inner`.
    pub fn new(inner: P, capacity: usize) -> Self {
        Self { inner, cache: KeyCache::new(capacity) }
    }

    /// The key cache.
    pub fn cache(&self) -> &KeyCache {
        &self.cache
    }

    /// The wrapped provider.
    pub fn get_ref(&self) -> &P {
        &self.inner
    }
}

impl<P: CredentialProvider> CredentialProvider for CachingProvider<P> {
    fn lookup(
        &self,
        request: &LookupRequest<'_>,
    ) -> impl Future<Output = Result<Option<Credential>, ProviderError>> + Send {
        let inner = self.inner.lookup(request);
        let (akid, scope, algorithm) = (request.access_key_id, request.scope, request.algorithm);
        async move {
            let found = inner.await?;
            // SigV4a credentials pass through: the verifier caches their public keys itself.
            if algorithm != crate::string_to_sign::Algorithm::HmacSha256 {
                return Ok(found);
            }
            match found {
                Some(c) => {
                    let key = c.signing_key(akid, &scope, &self.cache)?;
                    Ok(Some(Credential::from_signing_key(key, c.into_principal())))
                }
                None => Ok(None),
            }
        }
    }
}
