//! The result `sigv4 verify` prints: the verified identity, or why the request was rejected,
//! as JSON values (keys in the order they are printed).

use std::time::UNIX_EPOCH;

use serde_json::{Map, Value, json};
use sigv4_kit::AmzDate;
use sigv4_kit::verify::{AuthMethod, PayloadState, Principal, Verified, VerifyError};

/// A verified request: `{"verified": true, "algorithm": …, …}`; `payload` says how its body was
/// checked.
pub(crate) fn verified(v: &Verified, payload: &str) -> Value {
    let (auth, expires_in) = match v.auth {
        AuthMethod::Header => ("header", None),
        AuthMethod::PresignedQuery { expires_in } => ("presigned-query", Some(expires_in)),
        AuthMethod::Streaming => ("streaming", None),
        _ => ("other", None),
    };
    json!({
        "verified": true,
        "algorithm": v.algorithm.as_str(),
        "access_key_id": v.access_key_id(),
        "principal": principal(&v.principal),
        "scope": {"date": v.date(), "region": v.region(), "service": v.service()},
        "signed_headers": v.signed_header_names().collect::<Vec<_>>(),
        "path": v.path(),
        "time": v.time.as_str(),
        "auth": auth,
        "expires_in": expires_in,
        "payload": payload,
    })
}

/// A rejected request: `{"verified": false, "code": …, "status": …, "message": …}`, with the
/// verifier's canonical request, string to sign and the signature provided when it has them
/// (`--explain`).
pub(crate) fn rejected(e: &VerifyError) -> Value {
    let mut out = Map::new();
    out.insert("verified".to_owned(), false.into());
    out.insert("code".to_owned(), e.code().as_str().into());
    out.insert("status".to_owned(), e.status().as_u16().into());
    out.insert("message".to_owned(), e.message().into());
    if let Some(d) = e.debug_info() {
        out.insert("canonical_request".to_owned(), d.canonical_request.as_str().into());
        out.insert("string_to_sign".to_owned(), d.string_to_sign.as_str().into());
        out.insert("signature_provided".to_owned(), d.signature_provided.as_str().into());
    }
    Value::Object(out)
}

/// Who signed: `expiry` is the credentials' expiry as `YYYYMMDDTHHMMSSZ`, or null.
fn principal(p: &Principal) -> Value {
    let expiry = p
        .expiry()
        .and_then(|e| e.duration_since(UNIX_EPOCH).ok())
        .and_then(|d| AmzDate::from_unix(i64::try_from(d.as_secs()).ok()?).ok());
    json!({
        "account_id": p.account_id(),
        "arn": p.arn(),
        "kind": p.kind().as_str(),
        "expiry": expiry.as_ref().map(AmzDate::as_str),
        "temporary": p.session_token().is_some(),
    })
}

/// How the payload was checked, for the JSON's `payload`.
pub(crate) fn payload_name(state: &PayloadState) -> String {
    match state {
        PayloadState::Checked => "checked".to_owned(),
        PayloadState::Unsigned => "unsigned".to_owned(),
        PayloadState::Pending(_) => "pending".to_owned(),
        PayloadState::Streaming(stream) => format!("streaming {}", stream.mode().content_sha256()),
        _ => "other".to_owned(),
    }
}
