//! Credentials: an access key id, its secret, and for a role session, a session token.
//!
//! The secret is zeroized when the credentials are dropped and never printed.
//!
//! ```
//! use sigv4_kit::Credentials;
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
//!     .with_session_token("token");
//! assert!(!format!("{creds:?}").contains("wJalr"));
//! ```

use core::fmt;
use std::time::SystemTime;

use zeroize::Zeroizing;

/// Credentials that sign requests.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: Zeroizing<String>,
    session_token: Option<Zeroizing<String>>,
    expiry: Option<SystemTime>,
    /// SHA-256 of the secret: identifies it in the signing-key cache without keeping a copy.
    secret_digest: [u8; 32],
}

impl Credentials {
    /// Long-term credentials (an IAM user's or the root user's access key).
    ///
    /// ```
    /// let c = sigv4_kit::Credentials::new("AKIDEXAMPLE", "secret");
    /// assert_eq!(c.access_key_id(), "AKIDEXAMPLE");
    /// ```
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        let secret_access_key = Zeroizing::new(secret_access_key.into());
        let secret_digest = crate::digest::sha256(secret_access_key.as_bytes());
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key,
            session_token: None,
            expiry: None,
            secret_digest,
        }
    }

    /// Adds the session token of temporary (role session) credentials.
    ///
    /// ```
    /// let c = sigv4_kit::Credentials::new("ASIA", "secret").with_session_token("tok");
    /// assert_eq!(c.session_token(), Some("tok"));
    /// ```
    #[must_use]
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(Zeroizing::new(token.into()));
        self
    }

    /// Records when temporary credentials expire.
    ///
    /// ```
    /// let at = std::time::SystemTime::UNIX_EPOCH;
    /// let c = sigv4_kit::Credentials::new("ASIA", "secret").with_expiry(at);
    /// assert_eq!(c.expiry(), Some(at));
    /// ```
    #[must_use]
    pub fn with_expiry(mut self, at: SystemTime) -> Self {
        self.expiry = Some(at);
        self
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    ///
    /// ```
    /// assert_eq!(sigv4_kit::Credentials::new("AKID", "s").secret_access_key(), "s");
    /// ```
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token, for temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref().map(String::as_str)
    }

    /// SHA-256 of the secret, which identifies it in the key cache.
    pub(crate) fn secret_digest(&self) -> &[u8; 32] {
        &self.secret_digest
    }

    /// When the credentials expire, if they do.
    pub fn expiry(&self) -> Option<SystemTime> {
        self.expiry
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("session_token", &self.session_token.as_ref().map(|_| "***"))
            .field("expiry", &self.expiry)
            .finish()
    }
}

/// Whether the session token is part of the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SessionTokenMode {
    /// The token is signed: a signed `X-Amz-Security-Token` header, or a canonical query
    /// parameter in a presigned URL (the default).
    #[default]
    Signed,
    /// The token is added to the request after signing and is not part of the canonical request,
    /// as some services (and the `post-sts-header-after` vector) require.
    AddedAfterSigning,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secret_and_token() {
        let c = Credentials::new("AKID", "very-secret").with_session_token("tok-value");
        let s = format!("{c:?}");
        assert!(s.contains("AKID") && s.contains("***"));
        assert!(!s.contains("very-secret") && !s.contains("tok-value"));
    }
}
