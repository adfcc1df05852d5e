//! Verifying a request, and changing one byte of it.

use super::build_request;
use sigv4_kit::spec::canonical_uri;
use sigv4_kit::verify::{MemoryProvider, PendingVerification, Verified, Verifier, VerifyError};
use sigv4_kit::{SignableRequest, UriMode};

/// The code of a request whose signature does not match.
pub const SIGNATURE_DOES_NOT_MATCH: &str = "SignatureDoesNotMatch";
/// The code of a body whose hash is not the declared `x-amz-content-sha256`.
pub const CONTENT_SHA256_MISMATCH: &str = "XAmzContentSHA256Mismatch";

/// Verifies a request head: `begin`, the key from `provider`, and `finish` with `body_hash`.
pub fn verify_parts(
    verifier: &Verifier,
    parts: &http::request::Parts,
    provider: &MemoryProvider,
    body_hash: Option<[u8; 32]>,
) -> Result<Verified, VerifyError> {
    finish(verifier.begin(parts)?, provider, body_hash)
}

/// Verifies a request view: `begin_view`, the key from `provider`, and `finish` with `body_hash`.
pub fn verify_view(
    verifier: &Verifier,
    view: SignableRequest<'_>,
    provider: &MemoryProvider,
    body_hash: Option<[u8; 32]>,
) -> Result<Verified, VerifyError> {
    finish(verifier.begin_view(view)?, provider, body_hash)
}

/// Finishes a verification with the key `provider` has for its access key id.
fn finish(
    pending: PendingVerification<'_, '_>,
    provider: &MemoryProvider,
    body_hash: Option<[u8; 32]>,
) -> Result<Verified, VerifyError> {
    let credential = provider.get(pending.access_key_id());
    pending.finish(credential, body_hash)
}

/// A request as sent: method, authority, target (path and query), headers (without `Host`) and
/// body.
#[derive(Debug, Clone)]
pub struct Wire {
    pub method: String,
    pub host: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Wire {
    /// The path: the target before the `?`.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(self.target.as_str(), |(p, _)| p)
    }

    /// The query: the target after the `?`, if there is one.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// The request with another path (and the same query).
    pub fn with_path(&self, path: &str) -> Self {
        let target = match self.query() {
            Some(q) => format!("{path}?{q}"),
            None => path.to_owned(),
        };
        Self { target, ..self.clone() }
    }

    /// The request with another query (and the same path).
    pub fn with_query(&self, query: &str) -> Self {
        Self { target: format!("{}?{query}", self.path()), ..self.clone() }
    }

    /// The request as an `http::Request` to `https://{host}{target}`.
    pub fn http_request(&self) -> http::Request<Vec<u8>> {
        let uri = format!("https://{}{}", self.host, self.target);
        build_request(&self.method, &uri, &self.headers, self.body.clone())
            .unwrap_or_else(|e| panic!("not an http::Request: {self:?}: {e}"))
    }

    /// The request as a `SignableRequest` view (which takes raw targets), `Host` first.
    pub fn view(&self) -> SignableRequest<'_> {
        let mut view = SignableRequest::new(&self.method, &self.target);
        view.push_header("Host", &self.host);
        for (n, v) in &self.headers {
            view.push_header(n, v);
        }
        view
    }
}

/// Flips one ASCII letter's case or moves one digit on (`9` to `0`).
pub fn flip_alnum(b: u8) -> u8 {
    match b {
        b'a'..=b'z' => b.to_ascii_uppercase(),
        b'A'..=b'Z' => b.to_ascii_lowercase(),
        b'9' => b'0',
        b'0'..=b'8' => b + 1,
        other => other,
    }
}

/// Positions of the ASCII letters and digits of `s` outside `%XY` escapes.
pub fn alnum_positions(s: &str) -> Vec<usize> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && b.len() > i + 2 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit() {
            i += 3;
            continue;
        }
        if b[i].is_ascii_alphanumeric() {
            out.push(i);
        }
        i += 1;
    }
    out
}

/// `s` with its byte at `i` (an ASCII letter or digit) flipped.
pub fn flip_at(s: &str, i: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    b[i] = flip_alnum(b[i]);
    String::from_utf8(b).expect("an ASCII byte was flipped")
}

/// A path with one byte changed such that its canonical form changes, trying the letters and
/// digits from the one `pick` chooses on; or with a byte appended when no change does.
pub fn changed_path(path: &str, mode: UriMode, pick: usize) -> String {
    let before = canonical_uri(path, mode);
    let positions = alnum_positions(path);
    for k in 0..positions.len() {
        let candidate = flip_at(path, positions[(pick + k) % positions.len()]);
        if canonical_uri(&candidate, mode) != before {
            return candidate;
        }
    }
    let appended = if path.is_empty() { "/x".to_owned() } else { format!("{path}x") };
    assert_ne!(canonical_uri(&appended, mode), before, "appending to {path:?} must change it");
    appended
}

/// Moves one lowercase hex digit on.
pub fn next_hex(c: u8) -> u8 {
    match c {
        b'9' => b'a',
        b'f' => b'0',
        c => c + 1,
    }
}
