//! Differential: our canonical request and signature against the `aws-sigv4` crate's (the AWS
//! SDK for Rust signer, 1.x, as the parent's dev-dependency), wherever both sign the input.
//!
//! Input: byte 0 holds flags (bit 0: S3 rules, else normalized paths with double encoding;
//! bit 1: presigned URL, else `Authorization` header; bit 2: `UNSIGNED-PAYLOAD` in header mode;
//! bit 3: a session token), then a request in the `LineRequest` format of `src/lib.rs`
//! (`METHOD target`, `name:value` lines, an empty line, the body). The target must be
//! origin-form; `aws-sigv4` gets it after `https://example.amazonaws.com`, and both sign for
//! that host when the request has no `Host` header, at the suite time, with the suite key.
//!
//! Inputs where the README's "Differences" table (or the parent's differential test) says the
//! two signers differ on purpose are skipped explicitly, each with its reason. A different
//! signature on any other input both accept is a finding: the target panics with both
//! canonical requests (`aws-sigv4`'s captured from its `tracing` event).
#![no_main]

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, UNIX_EPOCH};

use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SessionTokenMode as AwsTokenMode, SignableBody, SignatureLocation,
    SigningSettings as AwsSettings, UriPathNormalizationMode,
};
use aws_smithy_runtime_api::client::identity::Identity;
use libfuzzer_sys::fuzz_target;
use sigv4_kit::{FixedClock, SessionTokenMode, SignableRequest};
use sigv4_kit::sign::{PayloadMode, SigV4Signer, SigningSettings};
use sigv4_kit::spec::ExcludedHeaders;
use sigv4_kit_fuzz::{LineRequest, SUITE_KEY, SUITE_TOKEN, time};

const HOST: &str = "example.amazonaws.com";

#[derive(Clone, Copy)]
struct Flags {
    s3: bool,
    presign: bool,
    unsigned: bool,
    token: bool,
}

/// Whether a path byte at `i` is part of a valid `%XX` escape's start.
fn escape_at(s: &[u8], i: usize) -> bool {
    s.get(i) == Some(&b'%')
        && s.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
        && s.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
}

/// Whether the percent-decoded bytes of every query key and value are UTF-8.
fn query_decodes_to_utf8(query: &str) -> bool {
    query.split('&').flat_map(|p| p.split('=')).all(|c| percent_encoding::percent_decode_str(c).decode_utf8().is_ok())
}

/// The reason the two signers are known to differ on this input, if they are.
fn documented_difference(f: Flags, r: &LineRequest) -> Option<&'static str> {
    let (path, query) = r.target.split_once('?').unwrap_or((&r.target, ""));
    // README: a literal `+` in a query is a plus sign to us (`%2B`), a space to aws-sigv4.
    if query.contains('+') {
        return Some("literal + in a query");
    }
    // Parent differential test: aws-sigv4 turns escapes of invalid UTF-8 in a query into
    // U+FFFD; we keep the bytes.
    if !query_decodes_to_utf8(query) {
        return Some("query escape of invalid UTF-8");
    }
    // README: in S3 mode we encode every raw byte that is not unreserved, `/` or part of a
    // valid escape once (`$` becomes `%24`); aws-sigv4 passes them through.
    if f.s3 {
        let b = path.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if escape_at(b, i) {
                i += 3;
                continue;
            }
            if !(b[i].is_ascii_alphanumeric() || matches!(b[i], b'-' | b'.' | b'_' | b'~' | b'/')) {
                return Some("S3 path with a raw reserved byte");
            }
            i += 1;
        }
    }
    // README: `/a/b/..` normalizes to `/a` here (as botocore), to `/a/` in aws-sigv4.
    if !f.s3 && (path.ends_with("/.") || path.ends_with("/..")) {
        return Some("normalized path ending in a dot segment");
    }
    for (name, value) in &r.headers {
        let name = name.to_ascii_lowercase();
        // README: we collapse tabs inside header values like spaces; aws-sigv4 keeps them.
        if value.contains('\t') {
            return Some("tab in a header value");
        }
        // README: we never sign expect and the hop-by-hop headers; aws-sigv4 excludes only
        // authorization, user-agent, x-amzn-trace-id and transfer-encoding.
        let aws_excluded = ["authorization", "user-agent", "x-amzn-trace-id", "transfer-encoding"];
        if ExcludedHeaders::default().contains(&name) && !aws_excluded.contains(&name.as_str()) {
            return Some("header only we never sign");
        }
        // README: an X-Amz-Date on the request must equal the signing time here; aws-sigv4
        // overwrites it.
        if name == "x-amz-date" {
            return Some("X-Amz-Date already on the request");
        }
        // Parent differential test: aws-sigv4 never signs these two in a presigned URL.
        if f.presign && (name == "x-amz-user-agent" || name == "x-amz-checksum-mode") {
            return Some("x-amz-user-agent or x-amz-checksum-mode in a presigned URL");
        }
    }
    None
}

fn ours(f: Flags) -> SigV4Signer {
    let mut creds = sigv4_kit::Credentials::new(SUITE_KEY.0, SUITE_KEY.1);
    if f.token {
        creds = creds.with_session_token(SUITE_TOKEN);
    }
    let mut settings = if f.s3 { SigningSettings::s3() } else { SigningSettings::default() };
    settings = settings.with_session_token_mode(SessionTokenMode::Signed);
    if f.presign {
        settings = settings.with_presign(3600).with_payload(PayloadMode::Unsigned);
    } else if f.unsigned {
        settings = settings.with_payload(PayloadMode::Unsigned);
    }
    SigV4Signer::new(creds, "us-east-1", "service").with_settings(settings).with_clock(FixedClock::new(time()))
}

/// aws-sigv4's signature, or `None` when it refuses the input.
fn aws(f: Flags, r: &LineRequest) -> Option<String> {
    let mut settings = AwsSettings::default();
    if f.s3 {
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    } else {
        settings.percent_encoding_mode = PercentEncodingMode::Double;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Enabled;
        settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
    }
    settings.session_token_mode = AwsTokenMode::Include;
    if f.presign {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(Duration::from_secs(3600));
    }
    let token = f.token.then(|| SUITE_TOKEN.to_owned());
    let identity: Identity =
        aws_credential_types::Credentials::new(SUITE_KEY.0, SUITE_KEY.1, token, None, "fuzz").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("service")
        .time(UNIX_EPOCH + Duration::from_secs(1_440_938_160))
        .settings(settings)
        .build()
        .ok()?
        .into();
    let body = if f.presign || f.unsigned { SignableBody::UnsignedPayload } else { SignableBody::Bytes(&r.body) };
    let uri = format!("https://{HOST}{}", r.target);
    let headers = r.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    let request = aws_sigv4::http_request::SignableRequest::new(&r.method, uri, headers, body).ok()?;
    let (_, signature) = aws_sigv4::http_request::sign(request, &params).ok()?.into_parts();
    Some(signature)
}

/// Records the fields of `aws_sigv4`'s `tracing` events: its canonical request is only
/// exposed there.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<(String, String)>>>);

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut Fields(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner)));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

fn aws_canonical_request(f: Flags, r: &LineRequest) -> String {
    let capture = Capture::default();
    tracing::subscriber::with_default(capture.clone(), || aws(f, r));
    let fields = capture.0.lock().unwrap_or_else(PoisonError::into_inner);
    let found = fields.iter().find(|(k, _)| k == "canonical_request");
    found.map_or_else(|| "(not captured)".to_owned(), |(_, v)| v.clone())
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let f = Flags { s3: flags & 1 != 0, presign: flags & 2 != 0, unsigned: flags & 4 != 0, token: flags & 8 != 0 };
    let r = LineRequest::parse(rest);
    if !r.target.starts_with('/') || documented_difference(f, &r).is_some() {
        return;
    }
    let Some(theirs) = aws(f, &r) else { return };

    let signer = ours(f);
    let mut view = SignableRequest::new(&r.method, &r.target);
    for (n, v) in &r.headers {
        view.push_header(n, v);
    }
    if !r.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        view.push_header("host", HOST);
    }
    let Ok(explained) = signer.explain_at(&view, &signer.payload_hash(&r.body), time()) else { return };
    let mine = explained.output.signature().to_string();
    if mine != theirs {
        panic!(
            "signatures differ: ours {mine}, aws-sigv4 {theirs}\n--- ours:\n{}\n--- aws-sigv4 (tokens redacted):\n{}\n",
            explained.canonical_request,
            aws_canonical_request(f, &r)
        );
    }
});
