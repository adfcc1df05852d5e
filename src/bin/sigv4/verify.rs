//! `sigv4 verify`: checks a signed raw request, SigV4 or SigV4a, against a shared-credentials
//! file. The JSON result names the algorithm; for SigV4a the scope's region is the region set.

use std::time::UNIX_EPOCH;

use sigv4_kit::chunked::ChunkLimits;
use sigv4_kit::verify::{
    AuthMethod, ErrorCode, PathPolicy, PayloadState, PlusInQuery, Principal, Regions, Verified, Verifier,
    VerifierConfig, VerifyError, parse_shared_credentials,
};
use sigv4_kit::{AmzDate, FixedClock, SessionTokenMode, SystemClock, UriMode};

use super::{CliError, Outcome, VerifyArgs, read_request, write_stdout};

/// Runs `verify`; prints the JSON result.
pub(crate) fn run(args: &VerifyArgs) -> Result<Outcome, CliError> {
    let text = std::fs::read_to_string(&args.credentials)
        .map_err(|e| CliError::new(format_args!("cannot read {:?}", args.credentials), e))?;
    let provider = parse_shared_credentials(&text)
        .map_err(|e| CliError::new(format_args!("cannot parse {:?}", args.credentials), e))?;
    let raw = read_request(args.file.as_deref())?;
    let request = raw.signable();
    let service = match &args.service {
        Some(s) => s.clone(),
        None => claimed_service(&raw).unwrap_or_default(),
    };
    // The command checks a signature as AWS reads it: a path that normalization changes is
    // verified (the JSON's "path" is the normalized one), and a literal '+' is a plus sign.
    let mut config = VerifierConfig::new([service])
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
        pending.finish(credential, Some(sigv4_kit::sha256(raw.body())))
    });
    // An aws-chunked body is checked chunk by chunk; the request is verified only if every
    // chunk and the trailer are.
    let result = result.and_then(|mut verified| {
        let mut payload = payload_name(&verified.payload);
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
            write_stdout(format!("{}\n", verified_json(&verified, &payload)).as_bytes())?;
            Ok(Outcome::Done)
        }
        Err(e) => {
            write_stdout(format!("{}\n", error_json(&e)).as_bytes())?;
            Ok(Outcome::Rejected)
        }
    }
}

/// `Transfer-Encoding` framing, which this command does not undo, is refused: the file's body
/// must be the body as it is.
fn check_framing(raw: &sigv4_kit::RawRequest) -> Result<(), VerifyError> {
    if raw.header("transfer-encoding").is_some() {
        return Err(VerifyError::new(
            ErrorCode::NotImplemented,
            "a Transfer-Encoding body is not supported here; give the body as it is, with its Content-Length",
        ));
    }
    Ok(())
}

/// The service named in the request's credential (header or presigned query), if any: the part
/// before `aws4_request`, in both `akid/date/region/service/aws4_request` (SigV4) and
/// `akid/date/service/aws4_request` (SigV4a).
fn claimed_service(raw: &sigv4_kit::RawRequest) -> Option<String> {
    let from_header = raw.header("authorization").and_then(|a| {
        let credential = a.split([' ', ',']).find_map(|part| part.trim().strip_prefix("Credential="))?;
        Some(credential.to_owned())
    });
    let from_query = || {
        let query = raw.target().split_once('?')?.1;
        let value = query.split('&').find_map(|p| p.strip_prefix("X-Amz-Credential="))?;
        Some(percent_decode(value))
    };
    let credential = from_header.or_else(from_query)?;
    credential.rsplit('/').nth(1).map(str::to_owned)
}

/// Percent-decodes `s` (lossily).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A JSON string literal.
fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn principal_json(p: &Principal) -> String {
    let expiry = p
        .expiry()
        .and_then(|e| e.duration_since(UNIX_EPOCH).ok())
        .and_then(|d| AmzDate::from_unix(i64::try_from(d.as_secs()).ok()?).ok())
        .map_or_else(|| "null".to_owned(), |t| json_str(t.as_str()));
    format!(
        "{{\"account_id\": {}, \"arn\": {}, \"kind\": {}, \"expiry\": {}, \"temporary\": {}}}",
        json_str(p.account_id()),
        json_str(p.arn()),
        json_str(p.kind().as_str()),
        expiry,
        p.session_token().is_some()
    )
}

/// How the payload was checked, for the JSON output.
fn payload_name(state: &PayloadState) -> String {
    match state {
        PayloadState::Checked => "checked".to_owned(),
        PayloadState::Unsigned => "unsigned".to_owned(),
        PayloadState::Pending(_) => "pending".to_owned(),
        PayloadState::Streaming(stream) => format!("streaming {}", stream.mode().content_sha256()),
        _ => "other".to_owned(),
    }
}

fn verified_json(v: &Verified, payload: &str) -> String {
    let (auth, expires) = match v.auth {
        AuthMethod::Header => ("header", "null".to_owned()),
        AuthMethod::PresignedQuery { expires_in } => ("presigned-query", expires_in.to_string()),
        AuthMethod::Streaming => ("streaming", "null".to_owned()),
        _ => ("other", "null".to_owned()),
    };
    let signed: Vec<String> = v.signed_header_names().map(json_str).collect();
    format!(
        "{{\"verified\": true, \"algorithm\": {}, \"access_key_id\": {}, \"principal\": {}, \"scope\": {{\"date\": {}, \"region\": {}, \"service\": {}}}, \"signed_headers\": [{}], \"path\": {}, \"time\": {}, \"auth\": {}, \"expires_in\": {}, \"payload\": {}}}",
        json_str(v.algorithm.as_str()),
        json_str(v.access_key_id()),
        principal_json(&v.principal),
        json_str(v.date()),
        json_str(v.region()),
        json_str(v.service()),
        signed.join(", "),
        json_str(v.path()),
        json_str(v.time.as_str()),
        json_str(auth),
        expires,
        json_str(payload)
    )
}

fn error_json(e: &VerifyError) -> String {
    let mut out = format!(
        "{{\"verified\": false, \"code\": {}, \"status\": {}, \"message\": {}",
        json_str(e.code()),
        e.status().as_u16(),
        json_str(e.message())
    );
    if let Some(d) = e.debug_info() {
        out.push_str(&format!(
            ", \"canonical_request\": {}, \"string_to_sign\": {}, \"signature_provided\": {}",
            json_str(&d.canonical_request),
            json_str(&d.string_to_sign),
            json_str(&d.signature_provided)
        ));
    }
    out.push('}');
    out
}
