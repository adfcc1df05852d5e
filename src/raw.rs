//! A tolerant parser for raw HTTP/1.1 requests, as found in the AWS test suites' request files
//! and read by the `sigv4` command-line tool.
//!
//! It accepts LF or CRLF line endings, folded header values (a line that starts with a space or
//! tab continues the previous header, joined with one space), and request targets that carry
//! raw spaces or UTF-8. Header values are read without the spaces and tabs around them, which
//! are not part of a field value (RFC 9110, section 5.5): `Name: value` and `Name:value` are
//! the same header. The request line is split at its first and last space, so
//! `GET /example space/ HTTP/1.1` has the target `/example space/`.
//!
//! ```
//! use sigv4_kit::raw::RawRequest;
//!
//! let raw = RawRequest::parse(b"GET /ex ample/?a=1 HTTP/1.1\r\nHost:example.com\r\nX-A: one\r\n  two\r\n\r\nbody")?;
//! assert_eq!(raw.method(), "GET");
//! assert_eq!(raw.target(), "/ex ample/?a=1");
//! assert_eq!(raw.headers()[1], ("X-A".to_string(), "one two".to_string()));
//! assert_eq!(raw.body(), b"body");
//! # Ok::<(), sigv4_kit::ParseError>(())
//! ```

use crate::error::ParseError;
use crate::request::{Limits, SignableRequest, is_tchar};
use crate::sign::SigningOutput;

/// A raw HTTP/1.1 request: request line, headers and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRequest {
    method: String,
    target: String,
    version: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    crlf: bool,
    /// What [`RawRequest::to_bytes`] writes after a header's `:`: `" "` when the first header
    /// was written `Name: value`, else nothing.
    separator: &'static str,
}

/// Splits off one line (without its `\n` or `\r\n`); `None` at the end of input.
fn next_line(input: &[u8]) -> Option<(&[u8], &[u8], bool)> {
    if input.is_empty() {
        return None;
    }
    let mut parts = input.splitn(2, |&b| b == b'\n');
    let line = parts.next()?;
    match parts.next() {
        Some(rest) => match line.strip_suffix(b"\r") {
            Some(l) => Some((l, rest, true)),
            None => Some((line, rest, false)),
        },
        None => Some((input, &[], false)),
    }
}

fn utf8(bytes: &[u8], line: usize, what: &'static str) -> Result<String, ParseError> {
    core::str::from_utf8(bytes).map(str::to_owned).map_err(|_| ParseError::at_line("raw request", line, what))
}

impl RawRequest {
    /// Parses a raw request with the default [`Limits`].
    ///
    /// # Errors
    ///
    /// [`ParseError`] with the line number: an empty input, a request line without a method
    /// and target, a header line without `:`, a header name that is not a token, text that is
    /// not UTF-8, a continuation line before any header, or more headers than the limits allow.
    pub fn parse(input: &[u8]) -> Result<Self, ParseError> {
        Self::parse_with_limits(input, Limits::default())
    }

    /// Parses a raw request, bounded by `limits` (header count and header bytes).
    ///
    /// # Errors
    ///
    /// As for [`RawRequest::parse`].
    ///
    /// ```
    /// # use sigv4_kit::Limits;
    /// # use sigv4_kit::raw::RawRequest;
    /// let mut limits = Limits::default();
    /// limits.max_headers = 1;
    /// assert!(RawRequest::parse_with_limits(b"GET / HTTP/1.1\nA:1\nB:2\n\n", limits).is_err());
    /// ```
    pub fn parse_with_limits(input: &[u8], limits: Limits) -> Result<Self, ParseError> {
        let (first, mut rest, crlf) =
            next_line(input).ok_or_else(|| ParseError::at_line("raw request", 1, "empty request"))?;
        let first = core::str::from_utf8(first)
            .map_err(|_| ParseError::at_line("raw request", 1, "request line is not UTF-8"))?;
        let (method, after) =
            first.split_once(' ').ok_or_else(|| ParseError::at_line("raw request", 1, "request line has no target"))?;
        let (target, version) = match after.rsplit_once(' ') {
            Some((t, v)) if v.starts_with("HTTP/") => (t, v),
            _ => (after, "HTTP/1.1"),
        };
        if method.is_empty() || !method.bytes().all(is_tchar) {
            return Err(ParseError::at_line("raw request", 1, "method is not an http token"));
        }
        if target.is_empty() {
            return Err(ParseError::at_line("raw request", 1, "request target is empty"));
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut header_bytes = 0usize;
        let mut line_no = 1;
        let mut body: &[u8] = &[];
        let mut separator = "";
        while let Some((line, after_line, _)) = next_line(rest) {
            line_no += 1;
            rest = after_line;
            if line.is_empty() {
                body = rest;
                break;
            }
            header_bytes = header_bytes.saturating_add(line.len());
            if header_bytes > limits.max_header_bytes {
                return Err(ParseError::at_line("raw request", line_no, "headers exceed the byte limit"));
            }
            if matches!(line.first(), Some(b' ' | b'\t')) {
                let (_, value) = headers.last_mut().ok_or_else(|| {
                    ParseError::at_line("raw request", line_no, "continuation line before any header")
                })?;
                let more = utf8(line, line_no, "header value is not UTF-8")?;
                let more = crate::request::trim_ows(&more);
                if !value.is_empty() && !more.is_empty() {
                    value.push(' ');
                }
                value.push_str(more);
                continue;
            }
            let mut halves = line.splitn(2, |&b| b == b':');
            let (Some(name), Some(value)) = (halves.next(), halves.next()) else {
                return Err(ParseError::at_line("raw request", line_no, "header line has no ':'"));
            };
            if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
                return Err(ParseError::at_line("raw request", line_no, "header name is not an http token"));
            }
            if headers.len() >= limits.max_headers {
                return Err(ParseError::at_line("raw request", line_no, "more headers than the limit"));
            }
            if headers.is_empty() && value.first() == Some(&b' ') {
                separator = " ";
            }
            let value = utf8(value, line_no, "header value is not UTF-8")?;
            let value = crate::request::trim_ows(&value).to_owned();
            headers.push((utf8(name, line_no, "header name is not UTF-8")?, value));
        }
        Ok(Self {
            method: method.to_owned(),
            target: target.to_owned(),
            version: version.to_owned(),
            headers,
            body: body.to_vec(),
            crlf,
            separator,
        })
    }

    /// The method.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The request target as written (path and query).
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The headers in order: names as written, values as written after the `:` without the
    /// spaces and tabs around them (folded lines joined with one space).
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body: every byte after the blank line.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The first value of header `name` (case-insensitive).
    ///
    /// ```
    /// let raw = sigv4_kit::raw::RawRequest::parse(b"GET / HTTP/1.1\nX-Amz-Date:20150830T123600Z\n\n")?;
    /// assert_eq!(raw.header("x-amz-date"), Some("20150830T123600Z"));
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Sets header `name` to `value` (without the spaces and tabs around it): the first header
    /// of that name (case-insensitive) is replaced and any others removed, or the header is
    /// appended.
    ///
    /// ```
    /// let mut raw = sigv4_kit::raw::RawRequest::parse(b"PUT / HTTP/1.1\nHost:h\nA:1\na:2\n\n")?;
    /// raw.set_header("A", "3");
    /// raw.set_header("B", "4");
    /// assert_eq!(raw.to_bytes(), b"PUT / HTTP/1.1\nHost:h\nA:3\nB:4\n\n");
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn set_header(&mut self, name: &str, value: &str) {
        let mut found = false;
        self.headers.retain_mut(|(n, v)| {
            if !n.eq_ignore_ascii_case(name) {
                return true;
            }
            if found {
                return false;
            }
            found = true;
            crate::request::trim_ows(value).clone_into(v);
            true
        });
        if !found {
            self.headers.push((name.to_owned(), crate::request::trim_ows(value).to_owned()));
        }
    }

    /// Takes the body out, leaving the request with an empty one.
    ///
    /// ```
    /// let mut raw = sigv4_kit::raw::RawRequest::parse(b"PUT / HTTP/1.1\nHost:h\n\nabc")?;
    /// assert_eq!(raw.take_body(), b"abc");
    /// assert!(raw.body().is_empty());
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn take_body(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.body)
    }

    /// A view of this request for the signer.
    ///
    /// ```
    /// let raw = sigv4_kit::raw::RawRequest::parse(b"GET /a b HTTP/1.1\nHost:h\n\n")?;
    /// assert_eq!(raw.signable().path(), "/a b");
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn signable(&self) -> SignableRequest<'_> {
        let mut view = SignableRequest::new(&self.method, &self.target);
        for (n, v) in &self.headers {
            view.push_header(n, v);
        }
        view
    }

    /// Adds the signer's headers, or appends its query parameters to the target.
    pub fn apply(&mut self, output: &SigningOutput) {
        for (name, value) in output.headers() {
            self.headers.push((name.to_owned(), crate::request::trim_ows(value).to_owned()));
        }
        if !output.query_params().is_empty() {
            self.target = output.presigned_target(&self.target);
        }
    }

    /// The request as bytes, with the line endings it was parsed with, and one space after each
    /// header's `:` if the first header had one.
    ///
    /// ```
    /// let text = b"GET / HTTP/1.1\nHost:h\n\n";
    /// assert_eq!(sigv4_kit::raw::RawRequest::parse(text)?.to_bytes(), text);
    /// # Ok::<(), sigv4_kit::ParseError>(())
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let eol: &[u8] = if self.crlf { b"\r\n" } else { b"\n" };
        let mut out = Vec::with_capacity(self.target.len() + self.body.len() + 64 * (self.headers.len() + 1));
        for part in [self.method.as_bytes(), b" ", self.target.as_bytes(), b" ", self.version.as_bytes(), eol] {
            out.extend_from_slice(part);
        }
        for (n, v) in &self.headers {
            for part in [n.as_bytes(), b":", self.separator.as_bytes(), v.as_bytes(), eol] {
                out.extend_from_slice(part);
            }
        }
        out.extend_from_slice(eol);
        out.extend_from_slice(&self.body);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_malformed() {
        for (input, line) in [
            (&b""[..], 1),
            (b"GET\n", 1),
            (b"G@T / HTTP/1.1\n", 1),
            (b"GET / HTTP/1.1\nNoColon\n", 2),
            (b"GET / HTTP/1.1\n folded\n", 2),
            (b"GET / HTTP/1.1\nBad Name:x\n", 2),
            (b"GET / HTTP/1.1\nA:\xff\n", 2),
        ] {
            assert_eq!(RawRequest::parse(input).map_err(|e| e.line()), Err(Some(line)), "{input:?}");
        }
    }

    #[test]
    fn tolerant_forms() {
        let r = RawRequest::parse(b"GET /a b/ HTTP/1.1\nA:x\n  y\n\t z").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.target(), "/a b/");
        assert_eq!(r.header("a"), Some("x y z"));
        let r = RawRequest::parse(b"GET / HTTP/1.1\nA: one\n \t\nB:\n  two \n\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((r.header("a"), r.header("b")), (Some("one"), Some("two")));
        let mut r = r;
        r.set_header("C", "  three\t");
        assert_eq!(r.header("c"), Some("three"));
        assert!(r.body().is_empty());
        let r = RawRequest::parse(b"GET /\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.target(), "/");
    }
}
