//! What `sign` and `canonical` share: their flags, and the signer, payload hash, time and
//! chunked framing those flags ask for.

use std::path::PathBuf;
use std::time::SystemTime;

use clap::Args;
use sigv4_kit::chunked::ChunkedOptions;
use sigv4_kit::raw::RawRequest;
use sigv4_kit::sign::{PayloadMode, SigV4Signer, SigningSettings};
use sigv4_kit::sigv4a::RegionSet;
use sigv4_kit::{AmzDate, Credentials, PayloadHash, SessionTokenMode, UriMode};

use crate::chunked;
use crate::credentials::CredentialArgs;
use crate::error::CliError;

/// What every signing subcommand takes: the request, the signing settings and the credentials.
#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// The raw HTTP/1.1 request; standard input when absent or `-`.
    #[arg(value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
    #[command(flatten)]
    signing: SigningArgs,
    #[command(flatten)]
    credentials: CredentialArgs,
}

/// Scope, time and signing settings.
#[derive(Debug, Args)]
pub(crate) struct SigningArgs {
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
    pub(crate) unsigned_payload: bool,
    /// Sign in the query string (a presigned URL) valid for SECONDS.
    #[arg(long, value_name = "SECONDS")]
    pub(crate) presign: Option<u64>,
    /// Send the body as aws-chunked in chunks of SIZE bytes, each signed, chained from the
    /// request's signature (sets Content-Encoding, Content-Length and
    /// x-amz-decoded-content-length; not with --presign).
    #[arg(long, value_name = "SIZE")]
    pub(crate) chunked: Option<usize>,
    /// With --chunked: end the body with a signed trailing checksum: crc32, crc32c, crc64nvme,
    /// sha1 or sha256 (unsigned chunks with --unsigned-payload).
    #[arg(long, value_name = "ALGORITHM")]
    pub(crate) trailer: Option<String>,
}

/// Everything needed to sign one request.
pub(crate) struct Job {
    pub(crate) signer: SigV4Signer,
    pub(crate) payload: PayloadHash,
    pub(crate) time: AmzDate,
    /// How the body is framed, with `--chunked`.
    pub(crate) chunked: Option<ChunkedOptions>,
}

impl Job {
    pub(crate) fn new(args: &RequestArgs, raw: &RawRequest) -> Result<Self, CliError> {
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
        (None, Some(region)) => ("--region", region.as_str()),
        (None, None) => return Err(CliError::new("--region", "required unless --region-set is given")),
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
