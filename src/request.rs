//! A borrowed view of the request to sign.
//!
//! The signer works on this view, so it can sign an [`http::Request`], its
//! [`Parts`](http::request::Parts), or a raw request read from a file (whose target may carry
//! raw spaces or UTF-8, which an [`http::Uri`] cannot hold).
//!
//! ```
//! use sigv4_kit::SignableRequest;
//!
//! let r = SignableRequest::new("GET", "/example space/?a=1")
//!     .with_header("Host", "example.amazonaws.com");
//! assert_eq!(r.path(), "/example space/");
//! assert_eq!(r.query(), "a=1");
//! ```

use crate::error::SignError;
use crate::inline_vec::InlineVec;

/// Headers kept inline before a view allocates.
const INLINE_HEADERS: usize = 16;

/// Bounds on the size of a request, so that no input can make signing or verification loop or
/// allocate without limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Most headers a request may carry (default 256).
    pub max_headers: usize,
    /// Most query parameters (default 1024).
    pub max_query_params: usize,
    /// Longest request target, path and query together, in bytes (default 16 KiB).
    pub max_target_bytes: usize,
    /// Most bytes in all header names and values together (default 64 KiB).
    pub max_header_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_headers: 256, max_query_params: 1024, max_target_bytes: 16 * 1024, max_header_bytes: 64 * 1024 }
    }
}

/// A request to sign, borrowed: method, path and query as sent on the wire, and headers.
#[derive(Debug, Clone)]
pub struct SignableRequest<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    has_query: bool,
    /// Whether the path is plain ([`is_plain_path`]): in normal form, free
    /// of dot segments in any reading, of `#` and of control bytes. Found once, here.
    plain_path: bool,
    /// The scheme and authority of an absolute-form target (`http://host/p`), or of the URI of
    /// an `http::Request` that has one.
    authority: Option<(Option<&'a str>, &'a str)>,
    headers: InlineVec<(&'a str, &'a str), INLINE_HEADERS>,
    /// How many of the first headers came from an `http::HeaderMap`, whose names are tokens and
    /// whose values hold no control byte but tab by the `http` crate's own checks, so that
    /// [`SignableRequest::validate`] does not scan them again. Headers pushed later are checked.
    checked: usize,
    limits: Limits,
}

impl<'a> SignableRequest<'a> {
    /// A request with `method` and `target` (path and optional `?query`, as sent on the wire).
    /// An absolute-form target (`https://host/path?query`) is reduced to its path and query.
    ///
    /// ```
    /// let r = sigv4_kit::SignableRequest::new("GET", "https://example.com/a?b=c");
    /// assert_eq!((r.path(), r.query()), ("/a", "b=c"));
    /// ```
    pub fn new(method: &'a str, target: &'a str) -> Self {
        let (authority, target) = split_absolute_form(target);
        let (path, query, has_query) = match target.split_once('?') {
            Some((p, q)) => (p, q, true),
            None => (target, "", false),
        };
        let headers = InlineVec::new();
        let plain_path = is_plain_path(path.as_bytes());
        Self { method, path, query, has_query, plain_path, authority, headers, checked: 0, limits: Limits::default() }
    }

    /// Adds a header. Repeated names are allowed and keep their order.
    ///
    /// The value is taken without the spaces and tabs around it, which are never part of a
    /// field value (RFC 9110, section 5.5): `" token "` is read as `"token"`, so no comparison
    /// (a session token, a date, a declared payload hash) sees them.
    ///
    /// ```
    /// let r = sigv4_kit::SignableRequest::new("GET", "/").with_header("X-Amz-Security-Token", " \ttoken ");
    /// assert_eq!(r.header("x-amz-security-token"), Some("token"));
    /// ```
    #[must_use]
    pub fn with_header(mut self, name: &'a str, value: &'a str) -> Self {
        self.push_header(name, value);
        self
    }

    /// Adds a header in place, without the spaces and tabs around its value (see
    /// [`SignableRequest::with_header`]).
    pub fn push_header(&mut self, name: &'a str, value: &'a str) {
        self.headers.push((name, trim_ows(value)));
    }

    /// Replaces the limits (see [`Limits`]).
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Replaces the limits in place: a view holds its headers inline, and is not moved for it.
    pub(crate) fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
    }

    /// Builds the view of an [`http::request::Parts`].
    ///
    /// When there is no `Host` header, the host is taken from the URI's authority, without
    /// user information and without a default port (80 for `http`, 443 for `https`).
    ///
    /// # Errors
    ///
    /// [`SignError::InvalidHeader`] for a header value that is not UTF-8,
    /// [`SignError::MissingHost`] when there is neither a `Host` header nor an authority, and
    /// [`SignError::Limit`] when the request is larger than `limits` allow.
    ///
    /// ```
    /// let req = http::Request::get("https://example.com:443/a?b=c").body(())?;
    /// let (parts, _) = req.into_parts();
    /// let view = sigv4_kit::SignableRequest::from_parts(&parts, Default::default())?;
    /// assert_eq!(view.headers(), &[("host", "example.com")]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_parts(parts: &'a http::request::Parts, limits: Limits) -> Result<Self, SignError> {
        Self::from_http(&parts.method, &parts.uri, &parts.headers, limits)
    }

    /// Builds the view of a request's method, URI and headers; see
    /// [`SignableRequest::from_parts`].
    ///
    /// # Errors
    ///
    /// As for [`SignableRequest::from_parts`].
    ///
    /// ```
    /// let req = http::Request::get("http://example.com:8080/").body(())?;
    /// let view = sigv4_kit::SignableRequest::from_http(req.method(), req.uri(), req.headers(), Default::default())?;
    /// assert_eq!(view.header("host"), Some("example.com:8080"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_http(
        method: &'a http::Method,
        uri: &'a http::Uri,
        headers: &'a http::HeaderMap,
        limits: Limits,
    ) -> Result<Self, SignError> {
        if headers.len() > limits.max_headers {
            return Err(SignError::Limit { what: "headers", limit: limits.max_headers });
        }
        // The URI has split its path and query already, and its path is never in absolute form.
        let (path, query) = match uri.path_and_query() {
            Some(pq) => (pq.path(), pq.query()),
            None => ("/", None),
        };
        let mut view = Self {
            method: method.as_str(),
            path,
            query: query.unwrap_or(""),
            has_query: query.is_some(),
            plain_path: is_plain_path(path.as_bytes()),
            authority: uri.authority().map(|a| (uri.scheme_str(), a.as_str())),
            headers: InlineVec::with_capacity(headers.len() + 1),
            checked: 0,
            limits,
        };
        let mut has_host = false;
        for (name, value) in headers {
            let value = core::str::from_utf8(value.as_bytes()).map_err(|_| SignError::InvalidHeader {
                name: name.as_str().to_owned(),
                reason: "value is not valid UTF-8",
            })?;
            // A standard name compares as a number, not as text.
            has_host |= name == http::header::HOST;
            view.headers.push((name.as_str(), trim_ows(value)));
        }
        if !has_host {
            // The host of a parsed `http::Uri`: no control byte either.
            view.headers.push(("host", host_from_uri(uri)?));
        }
        view.checked = view.headers.len();
        Ok(view)
    }

    /// The method.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The path as sent on the wire.
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// The query as sent on the wire, without `?` (empty when there is none).
    pub fn query(&self) -> &'a str {
        self.query
    }

    /// Whether the path is plain: in normal form and free of dot segments in any reading (see
    /// [`is_plain_path`]).
    pub(crate) fn has_plain_path(&self) -> bool {
        self.plain_path
    }

    /// Whether the target has a `?`, even with an empty query after it.
    pub fn has_query(&self) -> bool {
        self.has_query
    }

    /// The headers, in order; values without the spaces and tabs around them.
    pub fn headers(&self) -> &[(&'a str, &'a str)] {
        &self.headers
    }

    /// The scheme (when known) and authority the request target names: the authority of an
    /// absolute-form target, or of an `http::Request`'s URI.
    pub(crate) fn target_authority(&self) -> Option<(Option<&'a str>, &'a str)> {
        self.authority
    }

    /// How many of the first headers came from an `http::HeaderMap` (see the field).
    pub(crate) fn checked(&self) -> usize {
        self.checked
    }

    /// The limits this request is checked against.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
    }

    /// Checks that the request can be signed: a token method, token header names, values and
    /// target free of control characters, and sizes within the limits.
    pub(crate) fn validate(&self) -> Result<(), SignError> {
        let l = self.limits;
        if self.method.is_empty() || !self.method.bytes().all(is_tchar) {
            return Err(SignError::InvalidMethod { method: self.method.to_owned() });
        }
        if self.path.len() + self.query.len() + 1 > l.max_target_bytes {
            return Err(SignError::Limit { what: "bytes in the request target", limit: l.max_target_bytes });
        }
        // A plain path (most of them) has no control byte and no `#`, and starts with `/`.
        let path = match self.plain_path {
            true => "",
            false => self.path,
        };
        if has_control(path.as_bytes(), false) || has_control(self.query.as_bytes(), false) {
            return Err(SignError::InvalidTarget { reason: "control character in the request target" });
        }
        if !path.is_empty() && !path.starts_with('/') {
            return Err(SignError::InvalidTarget { reason: "the request target must be an absolute path" });
        }
        if has_byte(path.as_bytes(), b'#') || has_byte(self.query.as_bytes(), b'#') {
            return Err(SignError::InvalidTarget { reason: "fragment in the request target" });
        }
        if self.headers.len() > l.max_headers {
            return Err(SignError::Limit { what: "headers", limit: l.max_headers });
        }
        let mut total = 0usize;
        for (index, (name, value)) in self.headers.iter().enumerate() {
            total = total.saturating_add(name.len() + value.len());
            if index < self.checked {
                continue;
            }
            if name.is_empty() || !is_token(name) {
                return Err(SignError::InvalidHeader { name: (*name).to_owned(), reason: "name is not an http token" });
            }
            if has_control(value.as_bytes(), true) {
                return Err(SignError::InvalidHeader {
                    name: (*name).to_owned(),
                    reason: "control character in value",
                });
            }
        }
        if total > l.max_header_bytes {
            return Err(SignError::Limit { what: "header bytes", limit: l.max_header_bytes });
        }
        Ok(())
    }
}

/// Whether `path` is plain: it starts with `/`, no `/` is followed by `/` or `.`, and it has no
/// `%`, `;`, `\\`, `#`, control byte or DEL. A plain path is in normal form and has no dot
/// segment in any reading ([`has_dot_segment_in_any_reading`](crate::canonical::uri::has_dot_segment_in_any_reading)), which decides most real paths
/// in one pass of eight bytes at a time.
pub(crate) fn is_plain_path(path: &[u8]) -> bool {
    if path.first() != Some(&b'/') {
        return false;
    }
    // Folds rather than searches, so that the loop checks many bytes at once.
    let bad = |b: u8| (b == b'%') | (b == b';') | (b == b'\\') | (b == b'#') | (b < 0x20) | (b == 0x7f);
    !path.iter().fold(false, |found, &b| found | bad(b)) && !has_slash_pair(path)
}

/// Whether some `/` of `path` is followed by `/` or `.`: without one, a path that starts with
/// `/` has no empty segment and no dot segment, so it is in normal form.
pub(crate) fn has_slash_pair(path: &[u8]) -> bool {
    // `.` and `/` differ in the lowest bit only. A fold, so that many pairs are checked at once.
    let next = crate::slices::suffix(path, 1);
    path.iter().zip(next).fold(false, |found, (&a, &b)| found | ((a == b'/') & ((b | 1) == b'/')))
}

/// Splits an absolute-form target (`http://host/p?q`) into its scheme and authority
/// (`http`, `host`) and its path and query (`/p?q`); other targets have no authority.
fn split_absolute_form(target: &str) -> (Option<(Option<&str>, &str)>, &str) {
    let found = ["http", "https"].into_iter().find_map(|scheme| {
        target.get(..scheme.len()).filter(|p| p.eq_ignore_ascii_case(scheme))?;
        target.get(scheme.len()..)?.strip_prefix("://").map(|rest| (rest, scheme))
    });
    match found {
        Some((rest, scheme)) => {
            let end = rest.find(['/', '?']).unwrap_or(rest.len());
            let (authority, path_and_query) = rest.split_at(end);
            (Some((Some(scheme), authority)), path_and_query)
        }
        None => (None, target),
    }
}

/// `value` without the optional whitespace (spaces and horizontal tabs) around it, which is
/// not part of a field value (RFC 9110, section 5.5).
pub(crate) fn trim_ows(value: &str) -> &str {
    crate::scan::trim_ows(value)
}

/// Whether `b` may appear in an HTTP token (RFC 9110 `tchar`).
#[allow(clippy::indexing_slicing)] // a `u8` cannot index past 256 entries
pub(crate) const fn is_tchar(b: u8) -> bool {
    TCHAR[b as usize]
}

/// `tchar` by byte value, so that checking a name is one load per byte.
#[allow(clippy::indexing_slicing)] // runs at compile time, for indices below 256
const TCHAR: [bool; 256] = crate::scan::byte_table!(|c| c.is_ascii_alphanumeric()
    || matches!(
        c,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
    ));

/// Whether every byte of `s` is a `tchar`.
fn is_token(s: &str) -> bool {
    // No early exit: the loop vectorizes, and names are short.
    s.bytes().fold(true, |ok, b| ok & is_tchar(b))
}

/// Whether `bytes` holds an ASCII control character (a tab is allowed when `allow_tab`).
fn has_control(bytes: &[u8], allow_tab: bool) -> bool {
    // No early exit, so that the compiler can check many bytes at once.
    bytes.iter().fold(false, |found, &b| found | ((b < 0x20 && !(allow_tab && b == b'\t')) || b == 0x7f))
}

/// Whether `bytes` holds `byte`: a fold rather than a search, so that many bytes are compared
/// at once (a query has no `#` or `+`, and is read to its end either way).
pub(crate) fn has_byte(bytes: &[u8], byte: u8) -> bool {
    bytes.iter().fold(false, |found, &b| found | (b == byte))
}

/// A `Content-Length` value: ASCII digits only (no sign, no spaces inside), as a `u64`.
pub(crate) fn parse_content_length(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// Whether the authority of a request target and the request's `Host` value name the same
/// host and port: compared without regard to ASCII case, with the scheme's default port the
/// same as none (exactly, when the scheme is unknown). An authority with user information never
/// matches.
pub(crate) fn authority_matches_host(scheme: Option<&str>, authority: &str, host: &str) -> bool {
    if authority.contains('@') {
        return false;
    }
    let ports = scheme.map_or(&[][..], default_ports);
    without_default_port(authority, ports).eq_ignore_ascii_case(without_default_port(host, ports))
}

/// The default port of `scheme`, as a `:port` suffix (none for a scheme other than HTTP's).
fn default_ports(scheme: &str) -> &'static [&'static str] {
    if scheme.eq_ignore_ascii_case("http") {
        &[":80"]
    } else if scheme.eq_ignore_ascii_case("https") {
        &[":443"]
    } else {
        &[]
    }
}

/// `host_port` without the first of the `:port` suffixes `ports` it ends with.
fn without_default_port<'h>(host_port: &'h str, ports: &[&str]) -> &'h str {
    ports.iter().find_map(|p| host_port.strip_suffix(p)).unwrap_or(host_port)
}

/// `uri` with `path_and_query` in place of its path and query; its scheme and authority kept.
pub(crate) fn with_path_and_query(uri: http::Uri, path_and_query: String) -> Result<http::Uri, http::Error> {
    let mut parts = uri.into_parts();
    parts.path_and_query = Some(http::uri::PathAndQuery::try_from(path_and_query)?);
    Ok(http::Uri::from_parts(parts)?)
}

/// The `Host` value of a URI: its authority without user information or a default port.
pub(crate) fn host_from_uri(uri: &http::Uri) -> Result<&str, SignError> {
    let authority = uri.authority().ok_or(SignError::MissingHost)?.as_str();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    // Without a scheme, either default port is taken as the default.
    let ports = uri.scheme_str().map_or(&[":80", ":443"][..], default_ports);
    let host = without_default_port(host_port, ports);
    if host.is_empty() {
        return Err(SignError::MissingHost);
    }
    Ok(host)
}

#[cfg(test)]
mod tests {
    use super::{Limits, SignableRequest};
    use crate::error::SignError;

    #[test]
    fn from_http_splits_the_target_as_new_does() {
        let uris = [
            "http://h",
            "http://h/",
            "https://h/a?",
            "https://h/a?b?c",
            "/a/b?x=1&y=2",
            "/http://other/p?q",
            "*",
            "https://h/a%20b/../c?%2F=%20",
        ];
        for uri in uris {
            let request = http::Request::get(uri).header("host", "h").body(()).unwrap_or_else(|e| panic!("{e}"));
            let view =
                SignableRequest::from_http(request.method(), request.uri(), request.headers(), Limits::default());
            let view = view.unwrap_or_else(|e| panic!("{e}"));
            let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
            let plain = SignableRequest::new("GET", target);
            assert_eq!(
                (view.path(), view.query(), view.has_query(), view.has_plain_path()),
                (plain.path(), plain.query(), plain.has_query(), plain.has_plain_path()),
                "{uri}"
            );
        }
    }

    #[test]
    fn headers_pushed_after_from_http_are_still_checked() {
        let request = http::Request::get("https://example.com/").header("x-a", "b\tc").body(());
        let request = request.unwrap_or_else(|e| panic!("{e}"));
        let view = SignableRequest::from_http(request.method(), request.uri(), request.headers(), Limits::default());
        let view = view.unwrap_or_else(|e| panic!("{e}"));
        assert!(view.validate().is_ok(), "the http crate's headers are valid");
        let bad_value = view.clone().with_header("x-b", "a\u{1}b").validate();
        assert!(matches!(bad_value, Err(SignError::InvalidHeader { .. })), "{bad_value:?}");
        let bad_name = view.clone().with_header("x b", "c").validate();
        assert!(matches!(bad_name, Err(SignError::InvalidHeader { .. })), "{bad_name:?}");
        let too_many = view.with_limits(Limits { max_header_bytes: 4, ..Limits::default() }).validate();
        assert!(matches!(too_many, Err(SignError::Limit { .. })), "sizes are counted for every header");
    }
}
