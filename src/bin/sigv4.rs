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

use std::ffi::OsString;
use std::fmt::Display;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use clap::{Args, Parser, Subcommand};

#[path = "sigv4/chunked.rs"]
mod chunked;
#[path = "sigv4/verify.rs"]
mod verify;
use sigv4_kit::chunked::ChunkedOptions;
use sigv4_kit::{
    AmzDate, Credentials, PayloadHash, PayloadMode, RawRequest, RegionSet, SessionTokenMode, SigV4Signer,
    SigningSettings, UriMode,
};

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

/// What `verify` takes.
#[derive(Debug, Args)]
struct VerifyArgs {
    /// The signed raw HTTP/1.1 request with its body; standard input when absent or `-`.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// The shared-credentials (INI) file holding the keys to verify against.
    #[arg(long, value_name = "INI")]
    credentials: PathBuf,
    /// The verifier's current time, YYYYMMDDTHHMMSSZ [default: now].
    #[arg(long, value_name = "YYYYMMDDTHHMMSSZ")]
    time: Option<String>,
    /// The only region accepted; a SigV4a request is accepted when its region set covers it
    /// [default: any].
    #[arg(long)]
    region: Option<String>,
    /// The only service accepted [default: the one the request names].
    #[arg(long)]
    service: Option<String>,
    /// S3 rules: no path normalization, single encoding, x-amz-content-sha256 required,
    /// UNSIGNED-PAYLOAD accepted.
    #[arg(long)]
    s3: bool,
    /// Only the S3 path rules (no normalization, single encoding).
    #[arg(long)]
    no_normalize: bool,
    /// Accept UNSIGNED-PAYLOAD (implied by --s3).
    #[arg(long)]
    allow_unsigned_payload: bool,
    /// Accept a session token added after signing.
    #[arg(long)]
    omit_session_token: bool,
    /// On a signature mismatch, include the canonical request and string to sign.
    #[arg(long)]
    explain: bool,
    /// The smallest aws-chunked chunk accepted but for the last one, in bytes (S3 requires
    /// 8 KiB); 0 accepts any size.
    #[arg(long, value_name = "BYTES", default_value_t = 8192)]
    min_chunk_size: usize,
}

/// What every signing subcommand takes: the request, the signing settings and the credentials.
#[derive(Debug, Args)]
struct RequestArgs {
    /// The raw HTTP/1.1 request; standard input when absent or `-`.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    #[command(flatten)]
    signing: SigningArgs,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// Scope, time and signing settings.
#[derive(Debug, Args)]
struct SigningArgs {
    /// The region of the credential scope, for example us-east-1; required unless --region-set
    /// is given (with --sigv4a and no --region-set, the region set).
    #[arg(long, required_unless_present = "region_set")]
    region: Option<String>,
    /// Sign with SigV4a (AWS4-ECDSA-P256-SHA256): an ECDSA P-256 signature valid in every region
    /// of the region set, sent as a signed X-Amz-Region-Set; the credential scope has no region.
    /// With --chunked, the chunks are signed with ECDSA too.
    #[arg(long)]
    sigv4a: bool,
    /// With --sigv4a: the regions the signature is valid in, comma-separated names or patterns
    /// with * (us-east-1,us-west-2, us-*, *) [default: --region].
    #[arg(long, value_name = "REGIONS", requires = "sigv4a")]
    region_set: Option<String>,
    /// The service of the credential scope, for example s3.
    #[arg(long)]
    service: String,
    /// The signing time, YYYYMMDDTHHMMSSZ [default: the request's X-Amz-Date header, else now].
    #[arg(long, value_name = "YYYYMMDDTHHMMSSZ")]
    time: Option<String>,
    /// S3 rules: no path normalization, single URI encoding, signed x-amz-content-sha256.
    #[arg(long)]
    s3: bool,
    /// Only the S3 path rules (no normalization, single encoding), without the rest of --s3.
    #[arg(long)]
    no_normalize: bool,
    /// Add a signed x-amz-content-sha256 header holding the payload hash (implied by --s3).
    #[arg(long)]
    content_sha256: bool,
    /// Use UNSIGNED-PAYLOAD instead of the body hash (the default for --s3 --presign); with
    /// --chunked and --trailer, STREAMING-UNSIGNED-PAYLOAD-TRAILER (unsigned chunks).
    #[arg(long)]
    unsigned_payload: bool,
    /// Sign in the query string (a presigned URL) valid for SECONDS.
    #[arg(long, value_name = "SECONDS")]
    presign: Option<u64>,
    /// Send the body as aws-chunked in chunks of SIZE bytes, each signed, chained from the
    /// request's signature (sets Content-Encoding, Content-Length and
    /// x-amz-decoded-content-length; not with --presign).
    #[arg(long, value_name = "SIZE")]
    chunked: Option<usize>,
    /// With --chunked: end the body with a signed trailing checksum: crc32, crc32c, crc64nvme,
    /// sha1 or sha256 (unsigned chunks with --unsigned-payload).
    #[arg(long, value_name = "ALGORITHM")]
    trailer: Option<String>,
}

/// Credentials; the environment supplies what the flags do not.
#[derive(Debug, Args)]
struct CredentialArgs {
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
    omit_session_token: bool,
}

/// A failure reported to the user as one line.
#[derive(Debug)]
struct CliError(String);

impl CliError {
    fn new(context: impl Display, cause: impl Display) -> Self {
        Self(format!("{context}: {cause}"))
    }
}

/// Exit status when `verify` rejects the request.
const EXIT_REJECTED: u8 = 1;

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
        Err(CliError(message)) => {
            let _ = writeln!(std::io::stderr().lock(), "sigv4: error: {}", one_line(&message));
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

/// Escapes line breaks and other control characters so that the message stays on one line.
fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for c in message.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// How a command ended, when it did not fail on bad input.
enum Outcome {
    Done,
    Rejected,
}

fn run(command: &Command) -> Result<Outcome, CliError> {
    match command {
        Command::Sign(args) => sign(args).map(|()| Outcome::Done),
        Command::Canonical(args) => canonical(args).map(|()| Outcome::Done),
        Command::Verify(args) => verify::run(args),
    }
}

/// `sigv4 sign`: prints the signed request.
fn sign(args: &RequestArgs) -> Result<(), CliError> {
    let raw = read_request(args.file.as_deref())?;
    let job = Job::new(args, &raw)?;
    // With --chunked, the head is signed and the input's body is encoded after it.
    let (mut head, chunked_body) = match &job.chunked {
        Some(options) => {
            let (head, body) = chunked::head(raw, options);
            (head, Some((options, body)))
        }
        None => (raw, None),
    };
    let output =
        job.signer.sign_at(&head.signable(), &job.payload, job.time).map_err(|e| CliError::new("cannot sign", e))?;
    head.apply(&output);
    let mut bytes = head.to_bytes();
    if let Some((options, body)) = chunked_body {
        chunked::encode(&job.signer, &output, job.time, options, &body, &mut bytes)?;
    }
    write_stdout(&bytes)
}

/// `sigv4 canonical`: prints the canonical request and the string to sign.
fn canonical(args: &RequestArgs) -> Result<(), CliError> {
    let mut raw = read_request(args.file.as_deref())?;
    let job = Job::new(args, &raw)?;
    if let Some(options) = &job.chunked {
        raw = chunked::head(raw, options).0;
    }
    let explanation =
        job.signer.explain_at(&raw.signable(), &job.payload, job.time).map_err(|e| CliError::new("cannot sign", e))?;
    let text = format!("{}\n\n{}\n", explanation.canonical_request, explanation.string_to_sign);
    write_stdout(text.as_bytes())
}

/// Everything needed to sign one request.
struct Job {
    signer: SigV4Signer,
    payload: PayloadHash,
    time: AmzDate,
    /// How the body is framed, with `--chunked`.
    chunked: Option<ChunkedOptions>,
}

impl Job {
    fn new(args: &RequestArgs, raw: &RawRequest) -> Result<Self, CliError> {
        let s = &args.signing;
        let mut chunked = chunked::options(s)?;
        let credentials = args.credentials.resolve()?;
        let time = signing_time(s.time.as_deref(), raw)?;
        let mut settings = settings(s, args.credentials.omit_session_token);
        if chunked.is_some() {
            settings = settings.with_content_sha256_header(true);
        }
        let signer = signer(s, credentials)?.with_settings(settings);
        // The signed streaming modes in the signer's algorithm (ECDSA chunk signatures with
        // --sigv4a), so that the payload line and the encoded length match the chunks.
        if let Some(options) = chunked.as_mut() {
            options.mode = options.mode.for_algorithm(signer.algorithm());
        }
        let payload = match &chunked {
            Some(options) => PayloadHash::streaming(options.mode),
            None => signer.payload_hash(raw.body()),
        };
        Ok(Self { signer, payload, time, chunked })
    }
}

/// The signer the flags ask for: SigV4, or SigV4a for the region set with `--sigv4a`.
fn signer(s: &SigningArgs, credentials: Credentials) -> Result<SigV4Signer, CliError> {
    // clap requires --region unless --region-set is given, and --region-set needs --sigv4a.
    let (flag, region) = match (&s.region_set, &s.region) {
        (Some(set), _) => ("--region-set", set.as_str()),
        (None, region) => ("--region", region.as_deref().unwrap_or_default()),
    };
    if !s.sigv4a {
        return Ok(SigV4Signer::new(credentials, region, s.service.as_str()));
    }
    let set = RegionSet::new(region).map_err(|e| CliError::new(flag, e))?;
    Ok(SigV4Signer::sigv4a(credentials, set, s.service.as_str()))
}

/// The signer settings the flags ask for.
fn settings(s: &SigningArgs, omit_session_token: bool) -> SigningSettings {
    let mut settings = if s.s3 { SigningSettings::s3() } else { SigningSettings::default() };
    if s.no_normalize {
        settings = settings.with_uri_mode(UriMode::S3);
    }
    if s.content_sha256 {
        settings = settings.with_content_sha256_header(true);
    }
    // S3 presigned URLs do not sign the payload.
    let unsigned = s.unsigned_payload || (s.s3 && s.presign.is_some());
    settings = settings.with_payload(if unsigned { PayloadMode::Unsigned } else { PayloadMode::SignBody });
    if let Some(seconds) = s.presign {
        settings = settings.with_presign(seconds);
    }
    if omit_session_token {
        settings = settings.with_session_token_mode(SessionTokenMode::AddedAfterSigning);
    }
    settings
}

/// `--time`, else the request's `X-Amz-Date` header, else now.
fn signing_time(flag: Option<&str>, raw: &RawRequest) -> Result<AmzDate, CliError> {
    if let Some(text) = flag {
        return text.parse().map_err(|e| CliError::new(format_args!("invalid --time {text:?}"), e));
    }
    if let Some(text) = raw.header("x-amz-date") {
        let text = text.trim();
        return text.parse().map_err(|e| CliError::new(format_args!("invalid X-Amz-Date header {text:?}"), e));
    }
    AmzDate::from_system_time(SystemTime::now()).map_err(|e| CliError::new("cannot read the clock", e))
}

impl CredentialArgs {
    /// The credentials from the flags, falling back to the environment.
    fn resolve(&self) -> Result<Credentials, CliError> {
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

/// Reads and parses the request from `file`, or from stdin for `None` or `-`.
fn read_request(file: Option<&Path>) -> Result<RawRequest, CliError> {
    let mut bytes = Vec::new();
    match file {
        Some(path) if path != Path::new("-") => {
            bytes = std::fs::read(path).map_err(|e| CliError::new(format_args!("cannot read {path:?}"), e))?;
        }
        _ => {
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::new("cannot read standard input", e))?;
        }
    }
    RawRequest::parse(&bytes).map_err(|e| CliError::new("cannot parse request", e))
}

/// Writes `bytes` to stdout and flushes.
fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush()).map_err(|e| CliError::new("cannot write standard output", e))
}
