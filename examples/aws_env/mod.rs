//! Settings from the environment, as the AWS SDKs and CLI read them; shared by the `presign`,
//! `sign_request` and `secrets_manager` examples (`mod aws_env;`).

use sigv4_kit::Credentials;

/// An environment variable, if set and not empty.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`.
pub fn region_from_env() -> String {
    env("AWS_REGION").or_else(|| env("AWS_DEFAULT_REGION")).unwrap_or_else(|| "us-east-1".to_owned())
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, if set, `AWS_SESSION_TOKEN`.
///
/// # Errors
///
/// When the key id or the secret is missing.
pub fn credentials_from_env() -> Result<Credentials, String> {
    let (Some(id), Some(secret)) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) else {
        return Err("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".to_owned());
    };
    let credentials = Credentials::new(id, secret);
    Ok(match env("AWS_SESSION_TOKEN") {
        Some(token) => credentials.with_session_token(token),
        None => credentials,
    })
}
