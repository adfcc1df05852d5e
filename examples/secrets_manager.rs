//! Reads a secret from AWS Secrets Manager: a SigV4-signed `GetSecretValue` call, sent with hyper.
//!
//! ```sh
//! AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret \
//!   cargo run --example secrets_manager -- --endpoint http://127.0.0.1:5000 prod/db
//! ```
//!
//! Usage: `secrets_manager [--endpoint URL] [--region REGION] SECRET_ID`
//!
//! * `--endpoint URL`: where to send the call (default `AWS_ENDPOINT_URL_SECRETS_MANAGER`, else
//!   `AWS_ENDPOINT_URL`, else `https://secretsmanager.{region}.amazonaws.com`);
//! * `--region REGION`: the signing region (default `AWS_REGION`, else `AWS_DEFAULT_REGION`, else
//!   `us-east-1`).
//!
//! Credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for temporary
//! credentials, `AWS_SESSION_TOKEN`. The call is `POST /` with the JSON 1.1 body
//! `{"SecretId": "..."}` and the header `X-Amz-Target: secretsmanager.GetSecretValue`, signed
//! for the service `secretsmanager`.
//!
//! The secret's `SecretString` goes to stdout exactly as stored, with no newline added. An
//! error response prints the AWS error code and message to stderr and exits with status 1; bad
//! arguments or a failed request exit with status 2.
//!
//! **Plain HTTP only.** The crate has no TLS dependency, so this example cannot reach the
//! default `https://` endpoint and says so: point `--endpoint` at a local endpoint such as moto
//! or LocalStack. A client for AWS itself signs the same way and sends through a TLS connector
//! (`hyper-rustls`, say) instead of `HttpConnector`.
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sigv4_kit::sign::SigV4Signer;

mod aws_env;

use aws_env::{credentials_from_env, env, region_from_env};

const USAGE: &str = "usage: secrets_manager [--endpoint URL] [--region REGION] SECRET_ID";

/// How long the whole exchange may take.
const TIMEOUT: Duration = Duration::from_secs(30);

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("secrets_manager: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<ExitCode, String> {
    let (secret_id, endpoint, region) = parse_args(std::env::args().skip(1))?;
    let region = region.unwrap_or_else(region_from_env);
    let endpoint = endpoint
        .or_else(|| env("AWS_ENDPOINT_URL_SECRETS_MANAGER"))
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .unwrap_or_else(|| format!("https://secretsmanager.{region}.amazonaws.com"));
    if endpoint.starts_with("https://") {
        return Err(format!(
            "{endpoint} is https, but this example speaks plain HTTP only (the crate has no TLS \
             dependency): pass --endpoint http://HOST:PORT for a local endpoint such as moto or LocalStack"
        ));
    }

    let signer = SigV4Signer::new(credentials_from_env()?, region, "secretsmanager");
    let mut request = http::Request::post(format!("{}/", endpoint.trim_end_matches('/')))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "secretsmanager.GetSecretValue")
        .body(serde_json::json!({ "SecretId": secret_id }).to_string().into_bytes())
        .map_err(|e| format!("invalid endpoint {endpoint:?}: {e}"))?;
    signer.sign(&mut request).map_err(|e| format!("cannot sign the request: {e}"))?;

    let client = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let exchange = async {
        let response = client.request(request.map(|body| Full::new(Bytes::from(body)))).await?;
        let status = response.status();
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>((status, response.into_body().collect().await?.to_bytes()))
    };
    let (status, body) = tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| format!("no response from {endpoint} within {} s", TIMEOUT.as_secs()))?
        .map_err(|e| format!("request to {endpoint} failed: {}", error_chain(&*e)))?;

    if !status.is_success() {
        let (code, message) = aws_error(&body);
        eprintln!("secrets_manager: {code}: {message} (HTTP {status})");
        return Ok(ExitCode::FAILURE);
    }
    let reply: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| format!("the response is not JSON: {e}"))?;
    let Some(secret) = reply.get("SecretString").and_then(serde_json::Value::as_str) else {
        return Err("the secret has no SecretString (a binary secret?)".to_owned());
    };
    let mut stdout = std::io::stdout();
    stdout.write_all(secret.as_bytes()).and_then(|()| stdout.flush()).map_err(|e| format!("cannot print: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<(String, Option<String>, Option<String>), String> {
    let (mut secret_id, mut endpoint, mut region) = (None, None, None);
    while let Some(arg) = argv.next() {
        let mut value = || argv.next().ok_or_else(|| format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--endpoint" => endpoint = Some(value()?),
            "--region" => region = Some(value()?),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            _ if secret_id.is_none() => secret_id = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?}\n{USAGE}")),
        }
    }
    Ok((secret_id.ok_or_else(|| USAGE.to_owned())?, endpoint, region))
}

/// The error code and message of an AWS error response: the JSON protocol's `__type` (without
/// its namespace) and `message`, or the `<Code>` and `<Message>` of an XML error (which some
/// endpoints, moto among them, send for authentication failures).
fn aws_error(body: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(body);
    if let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(&text) {
        let field = |names: &[&str]| names.iter().find_map(|n| fields.get(*n)?.as_str()).unwrap_or_default();
        let code = field(&["__type", "code", "Code"]);
        let code = code.rsplit_once('#').map_or(code, |(_, name)| name);
        let code = if code.is_empty() { "UnknownError" } else { code };
        return (code.to_owned(), field(&["message", "Message"]).to_owned());
    }
    let element = |name: &str| {
        let start = text.find(&format!("<{name}>"))? + name.len() + 2;
        let len = text[start..].find(&format!("</{name}>"))?;
        Some(text[start..start + len].to_owned())
    };
    match element("Code") {
        Some(code) => (code, element("Message").unwrap_or_default()),
        None => ("UnknownError".to_owned(), text.trim().to_owned()),
    }
}

/// An error and its sources, `outer: inner: ...` (hyper's own message alone is terse).
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let chain = std::iter::successors(Some(error), |e| e.source());
    chain.map(ToString::to_string).collect::<Vec<_>>().join(": ")
}
