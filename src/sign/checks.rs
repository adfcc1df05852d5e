//! What the signer checks before it signs: the presign lifetime, the credentials and their
//! expiry, and that the request is not signed already.

use super::settings::SignatureLocation;
use crate::auth_params::{AuthParam, MAX_PRESIGN_EXPIRY_SECS};
use crate::canonical::query::params;
use crate::credentials::Credentials;
use crate::error::SignError;
use crate::known_headers::{Known, KnownHeaders};
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
    // The expiry rounded down to a whole second (an expiry within the signing second counts as
    // expired), before the epoch as after it.
    let expiry = match expiry.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i128::from(d.as_secs()),
        Err(e) => {
            let before = e.duration();
            -i128::from(before.as_secs()) - i128::from(before.subsec_nanos() > 0)
        }
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
pub(super) fn check_not_signed(request: &SignableRequest<'_>, known: &KnownHeaders<'_>) -> Result<(), SignError> {
    if known.first(Known::Authorization).is_some() {
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

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::within_lifetime;
    use crate::error::SignError;
    use crate::{AmzDate, Credentials};

    fn at(unix: i64) -> AmzDate {
        AmzDate::from_unix(unix).unwrap_or_else(|e| panic!("{e}"))
    }

    fn expiring(after_epoch: Option<Duration>, before_epoch: Option<Duration>) -> Credentials {
        let expiry = match (after_epoch, before_epoch) {
            (Some(d), _) => UNIX_EPOCH + d,
            (None, Some(d)) => UNIX_EPOCH - d,
            (None, None) => return Credentials::new("AKID", "secret"),
        };
        Credentials::new("AKID", "secret").with_expiry(expiry)
    }

    #[test]
    fn credentials_without_expiry_sign_any_time_and_any_presign() {
        let creds = expiring(None, None);
        assert_eq!(within_lifetime(&creds, at(i64::from(i32::MAX)), Some(604_800), false), Ok(Some(604_800)));
        assert_eq!(within_lifetime(&creds, at(0), None, false), Ok(None));
    }

    #[test]
    fn an_expiry_at_or_within_the_signing_second_is_expired() {
        let t = 1_000_000;
        for expiry in [Duration::from_secs(1_000_000), Duration::from_millis(1_000_000_999)] {
            let creds = expiring(Some(expiry), None);
            assert_eq!(
                within_lifetime(&creds, at(t), None, false),
                Err(SignError::ExpiredCredentials { expired_secs_ago: 0 }),
                "{expiry:?}"
            );
        }
        let creds = expiring(Some(Duration::from_secs(999_990)), None);
        assert_eq!(
            within_lifetime(&creds, at(t), None, false),
            Err(SignError::ExpiredCredentials { expired_secs_ago: 10 })
        );
        let creds = expiring(Some(Duration::from_secs(1_000_001)), None);
        assert_eq!(within_lifetime(&creds, at(t), None, false), Ok(None));
    }

    #[test]
    fn a_presigned_url_may_last_exactly_as_long_as_its_credentials() {
        let creds = expiring(Some(Duration::from_secs(1_000_600)), None);
        let t = at(1_000_000);
        assert_eq!(within_lifetime(&creds, t, Some(600), false), Ok(Some(600)));
        assert_eq!(
            within_lifetime(&creds, t, Some(601), false),
            Err(SignError::PresignOutlivesCredentials { expires_in: 601, remaining: 600 })
        );
        assert_eq!(within_lifetime(&creds, t, Some(601), true), Ok(Some(600)));
        // A clamp never gives less than one second: one second left is the least that signs.
        let creds = expiring(Some(Duration::from_millis(1_000_001_500)), None);
        assert_eq!(within_lifetime(&creds, t, Some(3600), true), Ok(Some(1)));
    }

    #[test]
    fn expiries_before_the_epoch_round_down_like_those_after_it() {
        // Exactly two seconds before the epoch is -2, not -3; 2.5 s before is -3.
        let creds = expiring(None, Some(Duration::from_secs(2)));
        assert_eq!(within_lifetime(&creds, at(-3), None, false), Ok(None));
        assert_eq!(
            within_lifetime(&creds, at(-2), None, false),
            Err(SignError::ExpiredCredentials { expired_secs_ago: 0 })
        );
        let creds = expiring(None, Some(Duration::from_millis(2_500)));
        assert_eq!(within_lifetime(&creds, at(-4), None, false), Ok(None));
        assert_eq!(
            within_lifetime(&creds, at(-3), None, false),
            Err(SignError::ExpiredCredentials { expired_secs_ago: 0 })
        );
    }
}
