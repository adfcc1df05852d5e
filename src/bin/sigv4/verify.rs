//! `sigv4 verify`: checks a signed raw request, SigV4 or SigV4a, against a shared-credentials
//! file. The JSON result names the algorithm; for SigV4a the scope's region is the region set.

use std::path::PathBuf;

use clap::Args;
use sigv4_kit::chunked::ChunkLimits;
use sigv4_kit::verify::{
    ErrorCode, PathPolicy, PayloadState, PlusInQuery, Regions, Verifier, VerifierConfig, VerifyError,
    parse_shared_credentials,
};
use sigv4_kit::{AmzDate, FixedClock, SessionTokenMode, SystemClock, UriMode};

use crate::error::CliError;
use crate::stdio::read_request;
use crate::{Outcome, claim, json, report};

/// What `verify` takes.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
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

/// Runs `verify`; prints the JSON result.
pub(crate) fn run(args: &VerifyArgs) -> Result<Outcome, CliError> {
    let text = std::fs::read_to_string(&args.credentials)
        .map_err(|e| CliError::new(format_args!("cannot read {:?}", args.credentials), e))?;
    let provider = parse_shared_credentials(&text)
        .map_err(|e| CliError::new(format_args!("cannot parse {:?}", args.credentials), e))?;
    let raw = read_request(args.file.as_deref())?;
    let request = raw.signable();
    // The service accepted: the one given, else the one the request claims. A request that
    // claims none gets an empty set, which refuses it, rather than a made-up name.
    let services: Vec<String> = args.service.clone().or_else(|| claim::service(&raw)).into_iter().collect();
    // The command checks a signature as AWS reads it: a path that normalization changes is
    // verified (the JSON's "path" is the normalized one), and a literal '+' is a plus sign.
    let mut config = VerifierConfig::new(services)
        .with_expose_debug(args.explain)
        .with_path_policy(PathPolicy::Rewrite)
        .with_plus_in_query(PlusInQuery::Literal);
    if args.s3 {
        config = config.with_s3_rules();
    }
    if args.no_normalize {
        config = config.with_uri_mode(UriMode::S3);
    }
    if args.allow_unsigned_payload {
        config = config.with_unsigned_payload(true);
    }
    if args.omit_session_token {
        config = config.with_session_token_mode(SessionTokenMode::AddedAfterSigning);
    }
    if let Some(r) = &args.region {
        config = config.with_regions(Regions::only([r.as_str()]));
    }
    let verifier = match &args.time {
        Some(t) => {
            let at: AmzDate = t.parse().map_err(|e| CliError::new(format_args!("invalid --time {t:?}"), e))?;
            Verifier::new(config).with_clock(FixedClock::new(at))
        }
        None => Verifier::new(config).with_clock(SystemClock),
    };
    let result = check_framing(&raw).and_then(|()| verifier.begin_view(request)).and_then(|pending| {
        // The file's body is the request's whole body.
        pending.check_body_length(raw.body().len() as u64)?;
        let credential = provider.get(pending.access_key_id());
        pending.finish(credential, Some(sigv4_kit::spec::sha256(raw.body())))
    });
    // An aws-chunked body is checked chunk by chunk; the request is verified only if every
    // chunk and the trailer are.
    let result = result.and_then(|mut verified| {
        let mut payload = report::payload_name(&verified.payload);
        if let PayloadState::Streaming(stream) = core::mem::replace(&mut verified.payload, PayloadState::Checked) {
            let mode = stream.mode();
            let mut limits = ChunkLimits::default();
            limits.min_chunk_size = args.min_chunk_size;
            let mut decoder = stream.decoder_with_limits(limits);
            let mut decoded = Vec::new();
            decoder.push(raw.body(), &mut decoded)?;
            decoder.finish()?;
            payload = format!("streaming {} (every chunk checked)", mode.content_sha256());
        }
        Ok((verified, payload))
    });
    match result {
        Ok((verified, payload)) => {
            json::print(&report::verified(&verified, &payload))?;
            Ok(Outcome::Done)
        }
        Err(e) => {
            json::print(&report::rejected(&e))?;
            Ok(Outcome::Rejected)
        }
    }
}

/// `Transfer-Encoding` framing, which this command does not undo, is refused: the file's body
/// must be the body as it is.
fn check_framing(raw: &sigv4_kit::raw::RawRequest) -> Result<(), VerifyError> {
    if raw.header("transfer-encoding").is_some() {
        return Err(VerifyError::new(
            ErrorCode::NotImplemented,
            "a Transfer-Encoding body is not supported here; give the body as it is, with its Content-Length",
        ));
    }
    Ok(())
}
