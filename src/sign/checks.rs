//! What the signer checks before it signs: the presign lifetime, the credentials and their
//! expiry, and that the request is not signed already.

use super::settings::SignatureLocation;
use crate::auth_params::{AuthParam, MAX_PRESIGN_EXPIRY_SECS};
use crate::canonical::query::params;
use crate::credentials::Credentials;
use crate::error::SignError;
use crate::request::SignableRequest;
use crate::time::AmzDate;

/// The lifetime of the presigned URL `location` asks for (`None`: header signing), which must
/// be within what SigV4 allows.
pub(super) fn presign_expiry(location: SignatureLocation) -> Result<Option<u64>, SignError> {
    match location {
        SignatureLocation::QueryString { expires_in } if !(1..=MAX_PRESIGN_EXPIRY_SECS).contains(&expires_in) => {
            Err(SignError::InvalidExpiry { seconds: expires_in })
        }
        SignatureLocation::QueryString { expires_in } => Ok(Some(expires_in)),
        SignatureLocation::Headers => Ok(None),
    }
}

/// Checks the credentials' expiry against the signing time, and a presigned URL's lifetime
/// against theirs: the expiry, shortened when the caller chose `clamp`.
pub(super) fn within_lifetime(
    creds: &Credentials,
    time: AmzDate,
    expires_in: Option<u64>,
    clamp: bool,
) -> Result<Option<u64>, SignError> {
    let Some(expiry) = creds.expiry() else { return Ok(expires_in) };
    // Whole seconds: an expiry within the signing second counts as expired.
    let expiry = match expiry.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i128::from(d.as_secs()),
        Err(e) => -i128::from(e.duration().as_secs()) - 1,
    };
    let remaining = expiry - i128::from(time.unix_timestamp());
    if remaining <= 0 {
        let expired_secs_ago = u64::try_from(-remaining).unwrap_or(u64::MAX);
        return Err(SignError::ExpiredCredentials { expired_secs_ago });
    }
    let remaining = u64::try_from(remaining).unwrap_or(u64::MAX);
    match expires_in {
        Some(expires_in) if expires_in > remaining && clamp => Ok(Some(remaining)),
        Some(expires_in) if expires_in > remaining => {
            Err(SignError::PresignOutlivesCredentials { expires_in, remaining })
        }
        other => Ok(other),
    }
}

/// Checks that the access key id can go into a credential, and that the session token holds no
/// control character.
pub(super) fn validate_credentials(creds: &Credentials) -> Result<(), SignError> {
    let akid = creds.access_key_id();
    if akid.is_empty() {
        return Err(SignError::InvalidCredentials { reason: "access key id is empty" });
    }
    if !akid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(SignError::InvalidCredentials { reason: "access key id must be ASCII letters and digits" });
    }
    if creds.session_token().is_some_and(|t| t.bytes().any(|b| b.is_ascii_control())) {
        return Err(SignError::InvalidCredentials { reason: "session token holds a control character" });
    }
    Ok(())
}

/// Refuses a request that already carries a signature or signing parameters.
pub(super) fn check_not_signed(request: &SignableRequest<'_>) -> Result<(), SignError> {
    if request.header("authorization").is_some() {
        return Err(SignError::AlreadySigned { what: "an authorization header" });
    }
    // Any spelling: the verifier refuses the other ones, and a signer must not make them.
    if let Some((param, _)) = params(request.query()).find_map(|p| AuthParam::classify(p.key)) {
        return Err(SignError::AlreadySigned { what: signing_param_what(param) });
    }
    Ok(())
}

/// A static description of a signing query parameter found on the request.
fn signing_param_what(param: AuthParam) -> &'static str {
    match param {
        AuthParam::Signature => "an X-Amz-Signature query parameter",
        AuthParam::Algorithm => "an X-Amz-Algorithm query parameter",
        AuthParam::Credential => "an X-Amz-Credential query parameter",
        AuthParam::Date => "an X-Amz-Date query parameter",
        AuthParam::Expires => "an X-Amz-Expires query parameter",
        AuthParam::SignedHeaders => "an X-Amz-SignedHeaders query parameter",
        AuthParam::RegionSet => "an X-Amz-Region-Set query parameter",
        AuthParam::SecurityToken => "an X-Amz-Security-Token query parameter",
    }
}
