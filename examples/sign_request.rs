//! Signs one HTTP request with SigV4 and sends it with hyper: a tiny `curl --aws-sigv4`.
//!
//! ```sh
//! AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret \
//!   cargo run --example sign_request -- --service secretsmanager --region us-east-1 \
//!   --header 'X-Amz-Target: secretsmanager.ListSecrets' \
//!   --header 'Content-Type: application/x-amz-json-1.1' --data '{}' http://127.0.0.1:5000/
//! ```
//!
//! Usage: `sign_request [OPTIONS] URL`
//!
//! * `--method METHOD`: the HTTP method (default `GET`, or `POST` with `--data`);
//! * `--region REGION`: the signing region (default `AWS_REGION`, `AWS_DEFAULT_REGION`, or
//!   `us-east-1`);
//! * `--service SERVICE`: the signing name of the service (default `s3`);
//! * `--s3`: S3's signing rules (the path as sent, an `x-amz-content-sha256` header);
//! * `--header 'Name: value'`: a header to send and sign (repeatable);
//! * `--data STRING`: the request body.
//!
//! Credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for temporary
//! credentials, `AWS_SESSION_TOKEN`. The status line and response headers go to stderr, the body
//! to stdout; the exit status is 1 when the response is not a 2xx, 2 on bad arguments or a failed
//! request.
//!
//! The example speaks plain HTTP only (the crate has no TLS dependency): it talks to local
//! endpoints such as moto, LocalStack or MinIO, and refuses `https://` URLs.
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
use sigv4_kit::sign::{SigV4Signer, SigningSettings};

mod aws_env;

use aws_env::{credentials_from_env, region_from_env};

const USAGE: &str = "usage: sign_request [--method METHOD] [--region REGION] [--service SERVICE] [--s3] \
                     [--header 'Name: value']... [--data STRING] URL";

/// How long the whole exchange may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The parsed command line.
struct Args {
    url: String,
    method: Option<String>,
    region: Option<String>,
    service: String,
    s3: bool,
    headers: Vec<(String, String)>,
    data: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("sign_request: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<ExitCode, String> {
    let args = parse_args(std::env::args().skip(1))?;
    if args.url.starts_with("https://") {
        return Err(format!("{} is https, but this example speaks plain HTTP only", args.url));
    }
    let region = args.region.clone().unwrap_or_else(region_from_env);
    let settings = if args.s3 { SigningSettings::s3() } else { SigningSettings::default() };
    let signer = SigV4Signer::new(credentials_from_env()?, region, args.service).with_settings(settings);

    let method = args.method.unwrap_or_else(|| if args.data.is_some() { "POST" } else { "GET" }.to_owned());
    let mut builder = http::Request::builder().method(method.as_str()).uri(&args.url);
    for (name, value) in &args.headers {
        builder = builder.header(name, value);
    }
    let mut request =
        builder.body(args.data.unwrap_or_default().into_bytes()).map_err(|e| format!("invalid request: {e}"))?;
    signer.sign(&mut request).map_err(|e| format!("cannot sign the request: {e}"))?;

    let client = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let exchange = async {
        let response = client.request(request.map(|body| Full::new(Bytes::from(body)))).await?;
        let (parts, body) = response.into_parts();
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>((parts, body.collect().await?.to_bytes()))
    };
    let (parts, body) = tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| format!("no response within {} s", TIMEOUT.as_secs()))?
        .map_err(|e| format!("request failed: {}", error_chain(&*e)))?;

    eprintln!("{:?} {}", parts.version, parts.status);
    for (name, value) in &parts.headers {
        eprintln!("{name}: {}", String::from_utf8_lossy(value.as_bytes()));
    }
    std::io::stdout().write_all(&body).map_err(|e| format!("cannot write the body: {e}"))?;
    Ok(if parts.status.is_success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut url = None;
    let mut args = Args {
        url: String::new(),
        method: None,
        region: None,
        service: "s3".to_owned(),
        s3: false,
        headers: Vec::new(),
        data: None,
    };
    while let Some(arg) = argv.next() {
        let mut value = || argv.next().ok_or_else(|| format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--method" => args.method = Some(value()?),
            "--region" => args.region = Some(value()?),
            "--service" => args.service = value()?,
            "--s3" => args.s3 = true,
            "--header" => {
                let header = value()?;
                let (name, value) = header.split_once(':').ok_or_else(|| format!("{header:?} is not 'Name: value'"))?;
                args.headers.push((name.trim().to_owned(), value.trim().to_owned()));
            }
            "--data" => args.data = Some(value()?),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            _ if url.is_none() => url = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?}\n{USAGE}")),
        }
    }
    args.url = url.ok_or_else(|| USAGE.to_owned())?;
    Ok(args)
}

/// An error and its sources, `outer: inner: ...` (hyper's own message alone is terse).
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let chain = std::iter::successors(Some(error), |e| e.source());
    chain.map(ToString::to_string).collect::<Vec<_>>().join(": ")
}
