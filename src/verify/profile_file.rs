//! The AWS shared-credentials file (`~/.aws/credentials`) as a credential source.
//!
//! Each `[profile]` section with `aws_access_key_id` and `aws_secret_access_key` becomes a key;
//! `aws_session_token` makes it a temporary credential that requests must present. Optional
//! keys describe the principal: `aws_account_id`, `principal_arn`, and `principal_kind`
//! (`account-root`, `iam-user`, `assumed-role` or `federated-user`; the default is
//! `assumed-role` with a session token and `iam-user` without).
//!
//! ```
//! use sigv4_kit::verify::parse_shared_credentials;
//!
//! let provider = parse_shared_credentials(
//!     "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\naws_account_id = 123456789012\n",
//! )?;
//! let cred = provider.get("AKIDEXAMPLE").expect("the key is there");
//! assert_eq!(cred.principal().arn(), "arn:aws:iam::123456789012:user/default");
//! # Ok::<(), sigv4_kit::ParseError>(())
//! ```

use super::provider::{Credential, MemoryProvider, Principal, PrincipalKind};
use crate::error::ParseError;

/// What [`ParseError::what`] names.
const WHAT: &str = "shared credentials file";

/// The account id of a profile that names none: the format has no account, so it is left
/// empty (as `parse_shared_credentials` documents), never a made-up number.
const NO_ACCOUNT: &str = "";

/// Most profiles a file may hold.
const MAX_PROFILES: usize = 10_000;

#[derive(Default)]
struct Profile {
    name: String,
    line: usize,
    access_key_id: Option<String>,
    secret: Option<String>,
    token: Option<String>,
    account_id: Option<String>,
    arn: Option<String>,
    kind: Option<PrincipalKind>,
}

impl Profile {
    fn finish(self, out: &mut MemoryProvider) -> Result<(), ParseError> {
        let (Some(akid), Some(secret)) = (self.access_key_id, self.secret) else {
            // A profile without keys (a role profile, say) is not a credential.
            return Ok(());
        };
        if akid.is_empty() || secret.is_empty() {
            return Err(ParseError::at_line(WHAT, self.line, "empty access key id or secret"));
        }
        let kind = self
            .kind
            .unwrap_or_else(|| if self.token.is_some() { PrincipalKind::AssumedRole } else { PrincipalKind::IamUser });
        // The format has no account: a profile without `aws_account_id` names none, and its
        // principal's account id is empty (as documented below), never a made-up number.
        let account = self.account_id.unwrap_or_else(|| NO_ACCOUNT.to_owned());
        let arn = self.arn.unwrap_or_else(|| match kind {
            PrincipalKind::AccountRoot => format!("arn:aws:iam::{account}:root"),
            PrincipalKind::IamUser => format!("arn:aws:iam::{account}:user/{}", self.name),
            PrincipalKind::AssumedRole => format!("arn:aws:sts::{account}:assumed-role/{}/{}", self.name, self.name),
            _ => format!("arn:aws:sts::{account}:federated-user/{}", self.name),
        });
        let mut principal = Principal::new(account, arn, kind);
        if let Some(t) = self.token {
            principal = principal.with_session_token(t);
        }
        out.insert(akid, Credential::from_secret(secret, principal));
        Ok(())
    }
}

/// Parses a shared-credentials file into an in-memory provider.
///
/// # Errors
///
/// [`ParseError`] with the line number: a line that is neither a `[section]`, a comment, nor
/// `key = value`; a key outside any section; an unknown `principal_kind`; an empty key or
/// secret; more than 10 000 profiles.
///
/// Besides the standard keys, a profile may carry `aws_account_id`, `principal_arn` and
/// `principal_kind` (`account-root`, `iam-user`, `assumed-role`, `federated-user`) to describe
/// the caller. A profile without `aws_account_id` has an empty account id, and without
/// `principal_arn` an ARN built from the account and the profile's name.
pub fn parse_shared_credentials(text: &str) -> Result<MemoryProvider, ParseError> {
    let mut out = MemoryProvider::new();
    let mut current: Option<Profile> = None;
    let mut profiles = 0usize;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[') {
            let name = section
                .strip_suffix(']')
                .ok_or_else(|| ParseError::at_line(WHAT, line_no, "section header without ']'"))?;
            if let Some(done) = current.take() {
                done.finish(&mut out)?;
            }
            profiles += 1;
            if profiles > MAX_PROFILES {
                return Err(ParseError::at_line(WHAT, line_no, "more than 10000 profiles"));
            }
            let name = name.trim();
            let name = name.strip_prefix("profile ").unwrap_or(name).trim().to_owned();
            current = Some(Profile { name, line: line_no, ..Profile::default() });
            continue;
        }
        let (key, value) =
            line.split_once('=').ok_or_else(|| ParseError::at_line(WHAT, line_no, "expected key = value"))?;
        let profile =
            current.as_mut().ok_or_else(|| ParseError::at_line(WHAT, line_no, "key outside any [profile] section"))?;
        let value = value.trim().to_owned();
        match key.trim().to_ascii_lowercase().as_str() {
            "aws_access_key_id" => profile.access_key_id = Some(value),
            "aws_secret_access_key" => profile.secret = Some(value),
            "aws_session_token" => profile.token = Some(value),
            "aws_account_id" => profile.account_id = Some(value),
            "principal_arn" => profile.arn = Some(value),
            "principal_kind" => {
                profile.kind = Some(match value.as_str() {
                    "account-root" => PrincipalKind::AccountRoot,
                    "iam-user" => PrincipalKind::IamUser,
                    "assumed-role" => PrincipalKind::AssumedRole,
                    "federated-user" => PrincipalKind::FederatedUser,
                    _ => return Err(ParseError::at_line(WHAT, line_no, "unknown principal_kind")),
                });
            }
            _ => {}
        }
    }
    if let Some(done) = current.take() {
        done.finish(&mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_tokens_and_errors() {
        let text = "# c\n[default]\naws_access_key_id=A1\naws_secret_access_key=s1\n\n[profile dev]\naws_access_key_id = A2\naws_secret_access_key = s2\naws_session_token = t2\n[role]\nrole_arn = x\n";
        let p = parse_shared_credentials(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.len(), 2);
        let dev = p.get("A2").unwrap_or_else(|| panic!("A2"));
        assert_eq!(dev.principal().session_token(), Some("t2"));
        assert_eq!(dev.principal().kind(), PrincipalKind::AssumedRole);
        assert_eq!(
            parse_shared_credentials("a=b\n").map(|_| ()),
            Err(ParseError::at_line(WHAT, 1, "key outside any [profile] section"))
        );
        assert!(parse_shared_credentials("[x\n").is_err());
        assert!(parse_shared_credentials("[x]\nnonsense\n").is_err());
    }
}
