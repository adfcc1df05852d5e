//! `sigv4`: sign raw HTTP/1.1 requests with AWS Signature Version 4 (SigV4, or SigV4a with
//! `--sigv4a`), show how they would be signed, or verify signed ones.
//!
//! The request is read from `FILE`, or from standard input when `FILE` is absent or `-`. It is
//! a raw HTTP/1.1 request: a request line, headers, a blank line and the body. The parser is
//! tolerant: LF or CRLF line endings, folded header lines, and request targets holding raw
//! spaces or UTF-8 (as in the AWS test suites) are accepted.
//!
//! ```text
//! sigv4 sign [FILE] --region REGION --service SERVICE [OPTIONS]
//! sigv4 sign [FILE] --sigv4a --region-set REGIONS --service SERVICE [OPTIONS]
//! sigv4 canonical [FILE] --region REGION --service SERVICE [OPTIONS]
//! sigv4 verify --credentials INI [--time T] [--region R] [--service S] [--s3] [--explain] [FILE]
//! ```
//!
//! * `sign` prints the signed request, byte for byte: the input with the signing headers added
//!   (`X-Amz-Date`, `x-amz-content-sha256`, `X-Amz-Security-Token`, `Authorization`), or, with
//!   `--presign`, with the signing query parameters appended to the request target. With
//!   `--chunked` the body is sent as `aws-chunked` (see below).
//! * `canonical` prints the canonical request, a blank line, the string to sign, and a newline
//!   (with `--chunked`, those of the request's head, whose signature seeds the chunk chain).
//!
//! Options (both subcommands):
//!
//! * `--region`, `--service`: the credential scope (required, but `--region` may be left out
//!   when `--region-set` is given; `--region-set` wins over it).
//! * `--sigv4a`: sign with SigV4a (`AWS4-ECDSA-P256-SHA256`): an ECDSA P-256 signature, with the
//!   key derived from the credentials, valid in every region of a region set. The set is sent
//!   as the signed `X-Amz-Region-Set` header (or query parameter, with `--presign`), and the
//!   credential scope has no region (`date/service/aws4_request`). With `--chunked`, the chunks
//!   and trailer are signed with ECDSA too (`STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD`).
//! * `--region-set REGIONS` (with `--sigv4a`): the region set, comma-separated region names or
//!   patterns with `*` (`us-east-1,us-west-2`, `us-*`, `*`). Default: the `--region` value.
//! * `--time YYYYMMDDTHHMMSSZ`: the signing time. Default: the request's own `X-Amz-Date`
//!   header if it has one, else the current time.
//! * `--s3`: S3 rules: no path normalization, single URI encoding, and a signed
//!   `x-amz-content-sha256` header (header signing).
//! * `--no-normalize`: only the S3 path rules (no normalization, single encoding).
//! * `--content-sha256`: add a signed `x-amz-content-sha256` header (implied by `--s3`).
//! * `--unsigned-payload`: `UNSIGNED-PAYLOAD` as the payload line. Without it the body is
//!   hashed, except that `--s3 --presign` uses `UNSIGNED-PAYLOAD`, as S3 presigned URLs do.
//! * `--presign SECONDS`: sign in the query string (a presigned URL) valid for `SECONDS`
//!   (1 to 604800).
//! * `--session-token TOKEN`: the session token of temporary credentials.
//! * `--omit-session-token`: add the session token after signing instead of signing it.
//! * `--access-key-id`, `--secret-access-key`: the credentials. Without these flags they come
//!   from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, and the token from
//!   `AWS_SESSION_TOKEN`. A flag wins over the environment.
//! * `--chunked SIZE`: a streaming upload. The body is framed as `aws-chunked` in chunks of
//!   `SIZE` bytes (the last may be shorter, and an empty final chunk ends it). The request gets
//!   `Content-Encoding: aws-chunked`, `x-amz-decoded-content-length` (the body's length),
//!   `x-amz-trailer` (with `--trailer`) and the encoded `Content-Length`, replacing headers of
//!   those names; its head is signed with the streaming payload line in a signed
//!   `x-amz-content-sha256`, and each chunk's signature chains from that seed signature.
//!   Not with `--presign`.
//! * `--trailer crc32|crc32c|crc64nvme|sha1|sha256` (with `--chunked`): end the body with a
//!   trailing checksum (`x-amz-checksum-*`), signed: `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`.
//!   With `--unsigned-payload` the chunks are not signed and the checksum protects the body:
//!   `STREAMING-UNSIGNED-PAYLOAD-TRAILER`. `--chunked` alone is
//!   `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`; `--chunked --unsigned-payload` needs `--trailer`.
//!
//! Example:
//!
//! ```text
//! $ printf 'GET / HTTP/1.1\nHost:example.amazonaws.com\n\n' |
//!     AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
//!     sigv4 sign --region us-east-1 --service service --time 20150830T123600Z
//! GET / HTTP/1.1
//! Host:example.amazonaws.com
//! X-Amz-Date:20150830T123600Z
//! Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31
//!
//! ```
//!
//! The same request signed with SigV4a, valid in two regions (`--presign 900` for a URL):
//!
//! ```text
//! $ sigv4 sign get.req --sigv4a --region-set us-east-1,us-west-2 --service service
//! ```
//!
//! A chunked upload of a 66560-byte body in 64 KiB chunks, with a signed CRC32C trailer:
//!
//! ```text
//! $ sigv4 sign put.req --region us-east-1 --service s3 --s3 --chunked 65536 --trailer crc32c
//! ```
//!
//! `verify` checks a signed request (with its body), SigV4 or SigV4a, against the keys of a
//! shared-credentials file (`[profile]` sections with `aws_access_key_id`,
//! `aws_secret_access_key` and, for temporary credentials, `aws_session_token`; a SigV4a
//! request is checked with the public key derived from the secret). On success it prints the
//! verified identity as JSON (with `algorithm`, and the scope's `region`, which for SigV4a is
//! the region set) and exits 0; on rejection it prints `{"code": …, "status": …, "message": …}` and exits
//! with status 1. `--explain` adds the canonical request and string to sign the verifier computed when the
//! signature does not match. `--region` and `--service` restrict what is accepted (a SigV4a
//! request is accepted when its region set covers `--region`); without `--service`, the service
//! the request names is accepted. `--time` sets the verifier's clock.
//! `--no-normalize`, `--omit-session-token` and `--allow-unsigned-payload` mirror the signing
//! flags. An `aws-chunked` body is checked chunk by chunk, with its trailer; a
//! `STREAMING-UNSIGNED-PAYLOAD-TRAILER` request needs `--s3` or `--allow-unsigned-payload`.
//!
//! Exit status: 0 on success; 1 when `verify` rejects the request; 2 on bad input (unreadable file, unparsable request, missing
//! credentials, bad `--time`, a signing error), with one line `sigv4: error: <message>` on
//! standard error, and 2 for command-line usage errors.

#![forbid(unsafe_code)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod canonical;
mod chunked;
mod claim;
mod credentials;
mod error;
mod job;
mod json;
mod report;
mod sign;
mod stdio;
mod verify;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::CliError;
use crate::job::RequestArgs;
use crate::verify::VerifyArgs;

/// Exit status when `verify` rejects the request.
const EXIT_REJECTED: u8 = 1;
/// Exit status for bad input.
const EXIT_BAD_INPUT: u8 = 2;

/// Sign raw HTTP/1.1 requests with AWS Signature Version 4 (SigV4, or SigV4a with --sigv4a),
/// and verify signed ones.
#[derive(Debug, Parser)]
#[command(name = "sigv4", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Print the signed request.
    Sign(RequestArgs),
    /// Print the canonical request, a blank line, then the string to sign.
    Canonical(RequestArgs),
    /// Verify a signed SigV4 or SigV4a request; print the result as JSON (exit 1 when rejected).
    Verify(VerifyArgs),
}

/// How a command ended, when it did not fail on bad input.
enum Outcome {
    Done,
    Rejected,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to stderr with status 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(EXIT_BAD_INPUT));
        }
    };
    match run(&cli.command) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::Rejected) => ExitCode::from(EXIT_REJECTED),
        Err(e) => {
            let _ = writeln!(std::io::stderr().lock(), "sigv4: error: {}", e.one_line());
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

fn run(command: &Command) -> Result<Outcome, CliError> {
    match command {
        Command::Sign(args) => sign::run(args).map(|()| Outcome::Done),
        Command::Canonical(args) => canonical::run(args).map(|()| Outcome::Done),
        Command::Verify(args) => verify::run(args),
    }
}
