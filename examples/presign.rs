//! Prints a presigned URL: anyone holding it can make that one request until it expires.
//!
//! ```sh
//! AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret \
//!   cargo run --example presign -- --expires 3600 https://examplebucket.s3.amazonaws.com/report.pdf
//! ```
//!
//! Usage: `presign [OPTIONS] URL`
//!
//! * `--method METHOD`: the method the URL is for (default `GET`);
//! * `--expires SECS`: how long the URL is valid, 1 to 604800 seconds (default 900);
//! * `--region REGION`: the signing region (default `AWS_REGION`, else `AWS_DEFAULT_REGION`, else
//!   `us-east-1`);
//! * `--service SERVICE`: the signing name of the service (default `s3`);
//! * `--s3` / `--no-s3`: S3's rules (the path as sent, `UNSIGNED-PAYLOAD`); on by default for
//!   the service `s3`. Other services sign the hash of an empty body.
//!
//! Credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for temporary
//! credentials, `AWS_SESSION_TOKEN` (which becomes the signed `X-Amz-Security-Token` parameter).
//! Nothing is sent: the URL is printed to stdout, and bad arguments exit with status 2.
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::process::ExitCode;

use sigv4_kit::sign::{SigV4Signer, SigningSettings};

mod aws_env;

use aws_env::{credentials_from_env, region_from_env};

const USAGE: &str = "usage: presign [--method METHOD] [--expires SECS] [--region REGION] [--service SERVICE] \
                     [--s3 | --no-s3] URL";

fn main() -> ExitCode {
    match run() {
        Ok(url) => {
            println!("{url}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("presign: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<String, String> {
    let (mut url, mut method, mut expires, mut region, mut service, mut s3) =
        (None, "GET".to_owned(), 900, None, "s3".to_owned(), None);
    let mut argv = std::env::args().skip(1);
    while let Some(arg) = argv.next() {
        let mut value = || argv.next().ok_or_else(|| format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--method" => method = value()?,
            "--expires" => {
                let secs = value()?;
                expires = secs.parse().map_err(|_| format!("--expires takes seconds, not {secs:?}"))?;
            }
            "--region" => region = Some(value()?),
            "--service" => service = value()?,
            "--s3" => s3 = Some(true),
            "--no-s3" => s3 = Some(false),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            _ if url.is_none() => url = Some(arg),
            _ => return Err(format!("unexpected argument {arg:?}\n{USAGE}")),
        }
    }
    let url = url.ok_or_else(|| USAGE.to_owned())?;

    let settings = if s3.unwrap_or(service == "s3") {
        SigningSettings::s3_presigned(expires)
    } else {
        SigningSettings::default().with_presign(expires)
    };
    let region = region.unwrap_or_else(region_from_env);
    let signer = SigV4Signer::new(credentials_from_env()?, region, service).with_settings(settings);
    let mut request = http::Request::builder()
        .method(method.as_str())
        .uri(&url)
        .body(Vec::new())
        .map_err(|e| format!("invalid request: {e}"))?;
    signer.sign(&mut request).map_err(|e| format!("cannot presign {url}: {e}"))?;
    Ok(request.uri().to_string())
}
