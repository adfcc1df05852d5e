//! The canonical request: the exact bytes that SigV4 hashes.
//!
//! The signer never builds the canonical request as text. [`CanonicalRequest`] holds borrowed,
//! sorted pieces of the request and streams its bytes into SHA-256; the same code writes the
//! text form for [`Display`](core::fmt::Display), so what is printed for debugging is exactly
//! what was hashed.
//!
//! # Example
//!
//! ```
//! use sigv4_kit::{PayloadHash, SignableRequest, UriMode};
//! use sigv4_kit::spec::{CanonicalRequest, ExcludedHeaders};
//!
//! let request = SignableRequest::new("GET", "/?Param2=value2&Param1=value1")
//!     .with_header("Host", "example.amazonaws.com")
//!     .with_header("X-Amz-Date", "20150830T123600Z");
//! let payload = PayloadHash::of(b"");
//! let canonical = CanonicalRequest::new(
//!     &request,
//!     UriMode::Normalized,
//!     &ExcludedHeaders::default(),
//!     &payload,
//! )
//! .unwrap();
//! assert_eq!(
//!     canonical.to_string(),
//!     "GET\n/\nParam1=value1&Param2=value2\n\
//!      host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n\
//!      host;x-amz-date\n\
//!      e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
//! );
//! ```

pub(crate) mod encode;
pub(crate) mod headers;
pub(crate) mod query;
pub(crate) mod uri;

use core::fmt;

use sha2::{Digest, Sha256};

use crate::digest::{Buffered, FmtSink, Sink};

use crate::auth_params::AuthParam;
use crate::error::SignError;
use crate::inline_vec::InlineVec;
use crate::payload::PayloadHash;
use crate::request::SignableRequest;
use headers::HeaderEntry;
use query::QueryParam;

pub use headers::{DEFAULT_EXCLUDED_HEADERS, ExcludedHeaders, canonical_header_value};
pub use query::canonical_query_string;
pub use uri::{UriMode, canonical_uri};

/// Which of a request's headers go into its canonical request.
#[derive(Debug, Clone, Copy)]
pub(crate) enum HeaderSelection<'s> {
    /// Every header but these: what a signer signs.
    Exclude(&'s ExcludedHeaders),
    /// Exactly these names: what a verifier reads from `SignedHeaders`.
    Only(&'s NameList<'s>),
    /// The headers at these positions of the request, a bit each: what a verifier found
    /// `SignedHeaders` to name, once, when it checked the list against the request.
    Indices(u64),
}

impl HeaderSelection<'_> {
    fn includes(&self, index: usize, name: &str) -> bool {
        match self {
            Self::Exclude(set) => !set.contains(name),
            Self::Only(list) => list.contains(name),
            Self::Indices(bits) => {
                u32::try_from(index).ok().and_then(|i| bits.checked_shr(i)).is_some_and(|b| b & 1 == 1)
            }
        }
    }
}

/// Query parameters and headers kept inline before a canonical request allocates.
const INLINE_ITEMS: usize = 16;

/// The parts of a `;`-separated list, as `str::split(';')` gives them.
pub(crate) fn split_names(list: &str) -> impl Iterator<Item = &str> {
    crate::scan::split_ascii(list, b';')
}

/// The names of a `;`-separated list (a request's `SignedHeaders`), split once so that asking
/// whether a header is in it does not scan the text again.
#[derive(Debug, Clone)]
pub(crate) struct NameList<'a> {
    names: InlineVec<&'a str, INLINE_ITEMS>,
}

impl<'a> NameList<'a> {
    /// Splits `list` at every `;`.
    pub(crate) fn new(list: &'a str) -> Self {
        let mut names = InlineVec::new();
        for name in split_names(list) {
            names.push(name);
        }
        Self { names }
    }

    /// Whether `name` is in the list (ASCII case ignored).
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.position(name, false).is_some()
    }

    /// Where `name` first is in the list (ASCII case ignored). `lowercase` says that `name` is
    /// known to be lowercase (a name from an `http::HeaderMap`), as a verified list's names
    /// are, so that bytes are compared as they are.
    pub(crate) fn position(&self, name: &str, lowercase: bool) -> Option<usize> {
        let (bytes, len) = (name.as_bytes(), name.len());
        self.names.iter().position(|n| {
            n.len() == len
                && (crate::scan::eq_short(n.as_bytes(), bytes) || (!lowercase && n.eq_ignore_ascii_case(name)))
        })
    }

    /// How many names the list has.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// The names, in the list's order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.names.iter().copied()
    }
}

/// A canonical request, as borrowed and sorted pieces of a [`SignableRequest`].
///
/// It displays as the exact text of the SigV4 specification and hashes without ever building
/// that text. See the [module documentation](crate::spec) for an example.
#[derive(Debug, Clone)]
pub struct CanonicalRequest<'a> {
    method: &'a str,
    path: &'a str,
    /// Whether the path is plain, so already in normal form.
    plain_path: bool,
    uri_mode: UriMode,
    query: InlineVec<QueryParam<'a>, INLINE_ITEMS>,
    headers: InlineVec<HeaderEntry<'a>, INLINE_ITEMS>,
    payload: &'a str,
    /// The query-parameter limit the request went over, if it did (see
    /// [`CanonicalRequest::check_limits`]); reading stopped there.
    over_limit: Option<usize>,
}

impl<'a> CanonicalRequest<'a> {
    /// The canonical request of `request` as given: its headers minus `excluded`, and
    /// `payload` as the last line.
    ///
    /// # Errors
    ///
    /// [`SignError::Limit`] when the request has more headers or query parameters than the
    /// request's limits allow.
    pub fn new(
        request: &'a SignableRequest<'a>,
        uri_mode: UriMode,
        excluded: &ExcludedHeaders,
        payload: &'a PayloadHash,
    ) -> Result<Self, SignError> {
        let canonical = Self::build(request, uri_mode, HeaderSelection::Exclude(excluded), &[], payload.as_str(), &[]);
        canonical.check_limits()?;
        Ok(canonical)
    }

    /// [`SignError::Limit`] when the request had more query parameters than its limits allow;
    /// every caller of [`CanonicalRequest::build`] checks this before using the result.
    pub(crate) fn check_limits(&self) -> Result<(), SignError> {
        match self.over_limit {
            Some(limit) => Err(SignError::Limit { what: "query parameters", limit }),
            None => Ok(()),
        }
    }

    /// The canonical request of `request` with the headers `selection` picks, the query without
    /// the parameters `skip_params` (a presigned URL's `X-Amz-Signature`, by its exact name), and the
    /// headers that a signer adds. Check [`CanonicalRequest::check_limits`] before using it:
    /// returning the request itself, rather than a `Result`, lets it be built in the caller's place.
    pub(crate) fn build(
        request: &'a SignableRequest<'a>,
        uri_mode: UriMode,
        selection: HeaderSelection<'_>,
        skip_params: &[AuthParam],
        payload: &'a str,
        extra_headers: &[(&'a str, &'a str)],
    ) -> Self {
        let query = query::params(request.query());
        Self::build_with_query(request, uri_mode, selection, skip_params, payload, extra_headers, query, false)
    }

    /// [`CanonicalRequest::build`] with the request's query parameters as `query` already split
    /// them (the verifier splits the query once, to read the signing parameters); `truncated`
    /// says that more parameters followed than `query` kept, which makes the request go over
    /// its limit.
    #[allow(clippy::too_many_arguments)] // `build`'s arguments and the split query
    pub(crate) fn build_with_query(
        request: &'a SignableRequest<'a>,
        uri_mode: UriMode,
        selection: HeaderSelection<'_>,
        skip_params: &[AuthParam],
        payload: &'a str,
        extra_headers: &[(&'a str, &'a str)],
        query: impl IntoIterator<Item = QueryParam<'a>>,
        truncated: bool,
    ) -> Self {
        let limits = request.limits();
        let given = request.headers();
        let checked = request.checked();
        // Built in place: the two inline vectors are most of this struct's size, and filling
        // them where they will stay saves moving them into it.
        let mut this = Self {
            method: request.method(),
            path: request.path(),
            plain_path: request.has_plain_path(),
            uri_mode,
            query: InlineVec::new(),
            headers: InlineVec::with_capacity(given.len() + extra_headers.len()),
            payload,
            over_limit: None,
        };
        for p in query {
            // By exact name: the verifier refused every other spelling of these (`AuthParam::classify`).
            if skip_params.iter().any(|param| param.name() == p.key) {
                continue;
            }
            if this.query.len() >= limits.max_query_params {
                this.over_limit = Some(limits.max_query_params);
                break;
            }
            this.query.push(p);
        }
        if truncated {
            this.over_limit = Some(limits.max_query_params);
        }
        query::sort(&mut this.query);

        let all = given.iter().chain(extra_headers.iter());
        for (index, &(name, value)) in all.enumerate() {
            if !selection.includes(index, name) {
                continue;
            }
            this.headers.push(match index < checked {
                true => HeaderEntry::from_map(name, value, index),
                false => HeaderEntry::new(name, value, index),
            });
        }
        headers::sort(&mut this.headers);
        this
    }

    /// Adds query parameters (the presign `X-Amz-*` ones) and sorts again.
    pub(crate) fn add_query_params(&mut self, extra: &[QueryParam<'a>], limit: usize) -> Result<(), SignError> {
        if self.query.len() + extra.len() > limit {
            return Err(SignError::Limit { what: "query parameters", limit });
        }
        self.query.extend_from_slice(extra);
        query::sort(&mut self.query);
        Ok(())
    }

    /// Streams the canonical request into `sink`.
    pub(crate) fn write_to(&self, sink: &mut impl Sink) {
        sink.put(self.method.as_bytes());
        sink.put_byte(b'\n');
        match (self.uri_mode, self.plain_path) {
            // Already in normal form: only the second encoding is left.
            (UriMode::Normalized, true) => uri::write_double_encoded(sink, self.path.as_bytes()),
            _ => uri::write_canonical_uri(sink, self.path, self.uri_mode),
        }
        sink.put_byte(b'\n');
        query::write_sorted(sink, &self.query);
        sink.put_byte(b'\n');
        headers::write_canonical(sink, &self.headers);
        sink.put_byte(b'\n');
        headers::write_signed(sink, &self.headers);
        sink.put_byte(b'\n');
        sink.put(self.payload.as_bytes());
    }

    /// The SHA-256 of the canonical request, computed by streaming.
    ///
    /// ```
    /// # use sigv4_kit::{PayloadHash, SignableRequest, UriMode};
    /// # use sigv4_kit::spec::{CanonicalRequest, ExcludedHeaders};
    /// let request = SignableRequest::new("GET", "/").with_header("host", "example.com");
    /// let payload = PayloadHash::unsigned();
    /// let c = CanonicalRequest::new(&request, UriMode::S3, &ExcludedHeaders::default(), &payload)?;
    /// assert_eq!(c.hash(), sigv4_kit::spec::sha256(c.to_string().as_bytes()));
    /// # Ok::<(), sigv4_kit::sign::SignError>(())
    /// ```
    pub fn hash(&self) -> [u8; 32] {
        debug_assert!(self.over_limit.is_none(), "a canonical request over its limits is checked before it is hashed");
        let mut hash = Sha256::new();
        let mut sink = Buffered::new(&mut hash);
        self.write_to(&mut sink);
        sink.finish();
        hash.finalize().into()
    }

    /// The signed-headers list, for example `host;x-amz-date`.
    ///
    /// ```
    /// # use sigv4_kit::{PayloadHash, SignableRequest, UriMode};
    /// # use sigv4_kit::spec::{CanonicalRequest, ExcludedHeaders};
    /// let request = SignableRequest::new("GET", "/").with_header("Host", "a").with_header("User-Agent", "x");
    /// let payload = PayloadHash::unsigned();
    /// let c = CanonicalRequest::new(&request, UriMode::S3, &ExcludedHeaders::default(), &payload)?;
    /// assert_eq!(c.signed_headers(), "host");
    /// # Ok::<(), sigv4_kit::sign::SignError>(())
    /// ```
    pub fn signed_headers(&self) -> String {
        let mut s = String::with_capacity(16 * self.headers.len());
        self.write_signed_headers(&mut s);
        s
    }

    /// Streams the signed-headers list into `sink`.
    pub(crate) fn write_signed_headers(&self, sink: &mut impl Sink) {
        headers::write_signed(sink, &self.headers);
    }
}

impl fmt::Display for CanonicalRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sink = FmtSink::new(f);
        self.write_to(&mut sink);
        sink.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{NameList, split_names};

    #[test]
    fn split_names_splits_as_str_split_does() {
        let lists = ["", ";", ";;", "a", "a;", ";a", "a;;b", "host;x-amz-date", "é;ü;", "x-amz-date;host;x-amz-date"];
        for list in lists {
            let ours: Vec<&str> = split_names(list).collect();
            let std: Vec<&str> = list.split(';').collect();
            assert_eq!(ours, std, "{list:?}");
        }
    }

    #[test]
    fn name_lists_ignore_ascii_case_only() {
        let list = NameList::new("content-type;host;x-amz-date");
        assert!(list.contains("Host") && list.contains("X-Amz-Date") && list.contains("content-type"));
        assert!(!list.contains("hos") && !list.contains("hostx") && !list.contains("") && !list.contains("date"));
        assert_eq!(list.iter().collect::<Vec<_>>(), ["content-type", "host", "x-amz-date"]);
        // More names than are kept inline.
        let long: Vec<String> = (0..40).map(|i| format!("x-h{i}")).collect();
        let joined = long.join(";");
        let list = NameList::new(&joined);
        assert!(long.iter().all(|n| list.contains(&n.to_ascii_uppercase())));
        assert_eq!(list.iter().count(), 40);
    }
}
