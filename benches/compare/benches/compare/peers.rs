//! The verifying peers: s3s's public SigV4 functions (`s3s-sigv4`) and
//! `scratchstack-aws-signature`, each driven as its own server drives it.

use std::borrow::Cow;
use std::str::FromStr;
use std::task::Poll;

use chrono::{DateTime, NaiveDate, Utc};
use s3s_sigv4::{AmzDate, AuthorizationV4, Payload, PresignedUrlV4};
use scratchstack_aws_signature::principal::User;
use scratchstack_aws_signature::{
    GetSigningKeyRequest, GetSigningKeyResponse, KSecretKey, NO_ADDITIONAL_SIGNED_HEADERS, SignatureOptions,
    sigv4_validate_request,
};

use crate::common::{REGION, SECRET, UNIX, block_on};

/// The error type of tower services, which scratchstack's key lookup is.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The longest `X-Amz-Expires` a presigned URL may have (7 days), as S3 allows.
const MAX_EXPIRES_SECS: u32 = 604_800;
/// The clock skew a header-signed request may have (15 minutes), as s3s's default allows.
const MAX_SKEW_SECS: i64 = 900;

/// Where s3s gets the signing key from.
#[derive(Clone, Copy)]
pub enum S3sKey<'a> {
    /// Derived once, outside the measured calls, for the scope of the request: the main figure,
    /// as a server with a key cache would.
    Cached(&'a [u8; 32]),
    /// The secret: the key is derived in every call (`calculate_signature`), as s3s's server does.
    PerCall(&'a str),
}

/// Verification through s3s's public SigV4 functions, in the order s3s's server calls them
/// (`v4_check_header_auth` and `v4_check_presigned_url`), at the fixed time of the benchmarks.
///
/// Per call this does what the server does with the request before and around those functions:
/// the headers as name/value pairs sorted by name, the query percent-decoded into owned pairs
/// sorted by name, the path percent-decoded; then the `Authorization` header (or the presigned
/// query) parsed, the signed header names sorted, `X-Amz-Date` parsed and checked against the
/// credential's date and the clock (or the expiry), the signed headers picked from the sorted
/// pairs, the canonical request and string to sign built as text, the signature computed and
/// compared in constant time. Not done: the secret lookup (an async call to the server's auth
/// provider; here the key or the secret is at hand), the server's allowlist of services (s3s
/// serves `s3` and `sts` only; the header-signed GET of the benchmarks is for `service`), and
/// the raw-path retry that s3s makes after a mismatch when the path holds reserved characters.
pub struct S3s<'a> {
    pub key: S3sKey<'a>,
}

impl S3s<'_> {
    /// A header-signed request whose body's SHA-256 (hex) is `payload_sha256`.
    pub fn verify_header(&self, parts: &http::request::Parts, payload_sha256: &str) -> Result<(), &'static str> {
        let headers = sorted_headers(&parts.headers)?;
        let query = decoded_query(parts.uri.query());
        let path = percent_decode(parts.uri.path(), false);
        let authorization = unique(&headers, "authorization").ok_or("no Authorization")?;
        let mut auth = AuthorizationV4::parse(authorization).map_err(|_| "Authorization")?;
        auth.signed_headers.sort_unstable();
        let date = AmzDate::parse(unique(&headers, "x-amz-date").ok_or("no X-Amz-Date")?).map_err(|_| "X-Amz-Date")?;
        if auth.credential.date != date.fmt_date().as_str() {
            return Err("credential date");
        }
        let at = date.to_time().ok_or("date")?.as_second();
        if (UNIX as i64 - at).abs() > MAX_SKEW_SECS {
            return Err("clock skew");
        }
        let signed = signed_headers(&headers, &auth.signed_headers);
        let payload = Payload::SingleChunk(payload_sha256);
        let canonical = s3s_sigv4::create_canonical_request(parts.method.as_str(), &path, &query, &signed, payload);
        let credential = &auth.credential;
        self.check(&canonical, &date, credential.aws_region, credential.aws_service, auth.signature)
    }

    /// A presigned request (`UNSIGNED-PAYLOAD`).
    pub fn verify_presigned(&self, parts: &http::request::Parts) -> Result<(), &'static str> {
        let query = decoded_query(parts.uri.query());
        let presigned = PresignedUrlV4::parse(&query, MAX_EXPIRES_SECS).map_err(|_| "presigned query")?;
        if presigned.algorithm != "AWS4-HMAC-SHA256" {
            return Err("algorithm");
        }
        if presigned.credential.date != presigned.amz_date.fmt_date().as_str() {
            return Err("credential date");
        }
        let age = UNIX as i64 - presigned.amz_date.to_time().ok_or("date")?.as_second();
        if age < -MAX_SKEW_SECS || age > presigned.expires.as_secs() {
            return Err("expired");
        }
        let headers = sorted_headers(&parts.headers)?;
        let path = percent_decode(parts.uri.path(), false);
        let signed = signed_headers(&headers, &presigned.signed_headers);
        let canonical = s3s_sigv4::create_presigned_canonical_request(parts.method.as_str(), &path, &query, &signed);
        let credential = &presigned.credential;
        self.check(&canonical, &presigned.amz_date, credential.aws_region, credential.aws_service, presigned.signature)
    }

    fn check(
        &self,
        canonical: &str,
        date: &AmzDate,
        region: &str,
        service: &str,
        expected: &str,
    ) -> Result<(), &'static str> {
        let string_to_sign = s3s_sigv4::create_string_to_sign(canonical, date, region, service);
        let matches = match self.key {
            S3sKey::Cached(key) => {
                let mac = s3s_sigv4::calculate_signature_with_key(&string_to_sign, key);
                constant_time_eq(&hex(&mac), expected.as_bytes())
            }
            S3sKey::PerCall(secret) => {
                let signature = s3s_sigv4::calculate_signature(&string_to_sign, secret, date, region, service);
                constant_time_eq(signature.as_bytes(), expected.as_bytes())
            }
        };
        if matches { Ok(()) } else { Err("SignatureDoesNotMatch") }
    }
}

/// The signing key s3s derives for the scope of the signed `parts` (header-signed or presigned).
pub fn s3s_signing_key(parts: &http::request::Parts, service: &str) -> [u8; 32] {
    let query = decoded_query(parts.uri.query());
    let date = match parts.headers.get("x-amz-date") {
        Some(value) => value.to_str().unwrap_or_default().to_owned(),
        None => query.iter().find(|(name, _)| name == "X-Amz-Date").map(|(_, v)| v.clone()).unwrap_or_default(),
    };
    let date = AmzDate::parse(&date).unwrap_or_else(|e| panic!("s3s date: {e}"));
    s3s_sigv4::derive_signing_key(SECRET, &date, REGION, service)
}

/// The headers as `(name, value)` pairs sorted by name; a value that is not visible ASCII fails,
/// as s3s's conversion to `&str` does.
fn sorted_headers(headers: &http::HeaderMap) -> Result<Vec<(&str, &str)>, &'static str> {
    let mut pairs = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        pairs.push((name.as_str(), value.to_str().map_err(|_| "header value")?));
    }
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    Ok(pairs)
}

/// The values of `name` in the sorted `headers`.
fn all<'h, 'a>(headers: &'h [(&'a str, &'a str)], name: &str) -> &'h [(&'a str, &'a str)] {
    let start = headers.partition_point(|(n, _)| *n < name);
    let len = headers[start..].partition_point(|(n, _)| *n == name);
    &headers[start..start + len]
}

/// The value of `name` when it has exactly one.
fn unique<'a>(headers: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    match all(headers, name) {
        [(_, value)] => Some(value),
        _ => None,
    }
}

/// The pairs of the signed header `names` (sorted), in their order.
fn signed_headers<'a>(headers: &[(&'a str, &'a str)], names: &[&str]) -> Vec<(&'a str, &'a str)> {
    let mut signed = Vec::with_capacity(names.len());
    for name in names {
        signed.extend_from_slice(all(headers, name));
    }
    signed
}

/// The query as percent-decoded owned pairs (`+` is a space) sorted by name, as s3s holds it.
fn decoded_query(query: Option<&str>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name, true).into_owned(), percent_decode(value, true).into_owned())
        })
        .collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs
}

/// `text` with its `%XX` escapes decoded (and `+` as a space when `plus` is set); an escape that
/// is not two hex digits stays as it is, and so do bytes that would not be UTF-8.
fn percent_decode(text: &str, plus: bool) -> Cow<'_, str> {
    if !(text.contains('%') || plus && text.contains('+')) {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let escaped = (byte == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(decoded) => {
                out.push(decoded);
                i += 3;
            }
            None => {
                out.push(if plus && byte == b'+' { b' ' } else { byte });
                i += 1;
            }
        }
    }
    match String::from_utf8(out) {
        Ok(decoded) => Cow::Owned(decoded),
        Err(_) => Cow::Borrowed(text),
    }
}

fn hex(bytes: &[u8; 32]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0; 64];
    for (i, byte) in bytes.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(byte >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(byte & 15)];
    }
    out
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// scratchstack's key lookup: a tower service that answers every request with one response,
/// built beforehand with the signing key (`kSigning`) of the benchmarks' scope, so the lookup
/// costs a clone of that response (its principal included) and no key derivation.
#[derive(Clone)]
struct CachedKey(GetSigningKeyResponse);

impl tower_service::Service<GetSigningKeyRequest> for CachedKey {
    type Response = GetSigningKeyResponse;
    type Error = BoxError;
    type Future = std::future::Ready<Result<GetSigningKeyResponse, BoxError>>;

    fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: GetSigningKeyRequest) -> Self::Future {
        std::future::ready(Ok(self.0.clone()))
    }
}

/// `scratchstack-aws-signature`'s `sigv4_validate_request` for a service in `REGION`, at the
/// benchmarks' fixed time, with no signed headers required beyond its defaults.
///
/// Per call it takes the `http::Request` by value (the caller clones it outside the measured
/// loop), turns the body into `Bytes`, builds its canonical request (path normalized, query into
/// a map of vectors, every header lowercased into a map, the body's SHA-256 computed: here of an
/// empty body), parses the `Authorization` header into an authenticator, asks the key service
/// (`CachedKey`), checks the time and the signature, and returns the parts, the body and the
/// principal.
pub struct Scratchstack {
    keys: CachedKey,
    now: DateTime<Utc>,
    service: &'static str,
    options: SignatureOptions,
}

impl Scratchstack {
    /// For `service`, with S3's canonicalization rules when `s3` is set.
    pub fn new(service: &'static str, s3: bool) -> Self {
        let date = NaiveDate::from_ymd_opt(2015, 8, 30).unwrap_or_else(|| panic!("date"));
        let secret = KSecretKey::from_str(SECRET).unwrap_or_else(|e| panic!("scratchstack secret: {e}"));
        let user = User::new("aws", "123456789012", "/", "bench").unwrap_or_else(|e| panic!("scratchstack user: {e}"));
        let response = GetSigningKeyResponse::builder()
            .principal(user)
            .signing_key(secret.to_ksigning(date, REGION, service))
            .build()
            .unwrap_or_else(|e| panic!("scratchstack response: {e}"));
        let now = DateTime::<Utc>::from_timestamp(UNIX as i64, 0).unwrap_or_else(|| panic!("time"));
        let options = if s3 { SignatureOptions::S3 } else { SignatureOptions::default() };
        Self { keys: CachedKey(response), now, service, options }
    }

    pub fn verify(&mut self, request: http::Request<Vec<u8>>) -> Result<impl Sized + use<>, BoxError> {
        let headers = &NO_ADDITIONAL_SIGNED_HEADERS;
        let (service, options) = (self.service, self.options);
        block_on(sigv4_validate_request(request, REGION, service, &mut self.keys, self.now, headers, options))
    }
}
