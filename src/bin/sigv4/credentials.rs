//! The signing credentials: from the flags, else from the environment.

use std::ffi::OsString;

use clap::Args;
use sigv4_kit::Credentials;

use crate::error::CliError;

/// Credentials; the environment supplies what the flags do not.
#[derive(Debug, Args)]
pub(crate) struct CredentialArgs {
    /// The access key id [env: AWS_ACCESS_KEY_ID].
    #[arg(long, value_name = "ID")]
    access_key_id: Option<String>,
    /// The secret access key [env: AWS_SECRET_ACCESS_KEY].
    #[arg(long, value_name = "SECRET")]
    secret_access_key: Option<String>,
    /// The session token of temporary credentials [env: AWS_SESSION_TOKEN].
    #[arg(long, value_name = "TOKEN")]
    session_token: Option<String>,
    /// Add the session token to the request after signing instead of signing it.
    #[arg(long)]
    pub(crate) omit_session_token: bool,
}

impl CredentialArgs {
    /// The credentials from the flags, falling back to the environment.
    pub(crate) fn resolve(&self) -> Result<Credentials, CliError> {
        let access_key_id = flag_or_env(self.access_key_id.as_deref(), "AWS_ACCESS_KEY_ID")?
            .ok_or_else(|| CliError("missing credentials: pass --access-key-id or set AWS_ACCESS_KEY_ID".to_owned()))?;
        let secret = flag_or_env(self.secret_access_key.as_deref(), "AWS_SECRET_ACCESS_KEY")?.ok_or_else(|| {
            CliError("missing credentials: pass --secret-access-key or set AWS_SECRET_ACCESS_KEY".to_owned())
        })?;
        let credentials = Credentials::new(access_key_id, secret);
        Ok(match flag_or_env(self.session_token.as_deref(), "AWS_SESSION_TOKEN")? {
            Some(token) => credentials.with_session_token(token),
            None => credentials,
        })
    }
}

/// The flag's value, else the environment variable's; an empty variable counts as unset.
fn flag_or_env(flag: Option<&str>, var: &str) -> Result<Option<String>, CliError> {
    if let Some(value) = flag {
        return Ok(Some(value.to_owned()));
    }
    match std::env::var_os(var) {
        None => Ok(None),
        Some(value) if value.is_empty() => Ok(None),
        Some(value) => OsString::into_string(value)
            .map(Some)
            .map_err(|_| CliError(format!("environment variable {var} is not valid UTF-8"))),
    }
}
