//! Query signing: the `X-Amz-*` parameters of a presigned URL.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::output::{SigningOutput, Span};
use crate::auth_params::AuthParam;
use crate::canonical::CanonicalRequest;
use crate::canonical::query::QueryParam;
use crate::inline_vec::InlineVec;
use crate::scope::CredentialScope;
use crate::signature::Signature;
use crate::string_to_sign::Algorithm;

/// AWS `UriEncode` for values the signer writes into a query: everything but unreserved.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Where the percent-encoded `X-Amz-*` values of a presigned URL sit in the output's text.
pub(super) struct PresignParams {
    algorithm: Algorithm,
    credential: Span,
    expires: Span,
    signed_headers: Span,
    token: Option<Span>,
    region_set: Option<Span>,
}

impl PresignParams {
    /// Writes the encoded values into `out`.
    pub(super) fn write(
        out: &mut SigningOutput,
        algorithm: Algorithm,
        akid: &str,
        scope: &CredentialScope<'_>,
        expires: u64,
        canonical: &CanonicalRequest<'_>,
        token: Option<&str>,
    ) -> Self {
        let credential = out.write(|t| {
            push_encoded(t, akid);
            t.push_str("%2F");
            t.push_str(scope.date());
            t.push_str("%2F");
            if algorithm.scope_has_region() {
                push_encoded(t, scope.region());
                t.push_str("%2F");
            }
            push_encoded(t, scope.service());
            t.push_str("%2Faws4_request");
        });
        let expires = out.write(|t| push_decimal(t, expires));
        let signed_headers = out.write(|t| canonical.write_signed_headers(&mut QueryEncoding(t)));
        let token = token.map(|tok| out.write(|t| push_encoded(t, tok)));
        let region_set = (!algorithm.scope_has_region()).then(|| out.write(|t| push_encoded(t, scope.region())));
        Self { algorithm, credential, expires, signed_headers, token, region_set }
    }

    /// The parameters that go into the canonical query, all encoded by [`PresignParams::write`]
    /// with [`QUERY_VALUE`] (or digits and letters only).
    pub(super) fn canonical<'o>(
        &self,
        out: &'o SigningOutput,
        date: &'o str,
        sign_token: bool,
    ) -> InlineVec<QueryParam<'o>, 7> {
        let mut v = InlineVec::new();
        v.push(QueryParam::encoded(AuthParam::Algorithm.name(), self.algorithm.as_str()));
        v.push(QueryParam::encoded(AuthParam::Credential.name(), out.get(self.credential)));
        v.push(QueryParam::encoded(AuthParam::Date.name(), date));
        v.push(QueryParam::encoded(AuthParam::Expires.name(), out.get(self.expires)));
        v.push(QueryParam::encoded(AuthParam::SignedHeaders.name(), out.get(self.signed_headers)));
        if let (Some(t), true) = (self.token, sign_token) {
            v.push(QueryParam::encoded(AuthParam::SecurityToken.name(), out.get(t)));
        }
        if let Some(set) = self.region_set {
            v.push(QueryParam::encoded(AuthParam::RegionSet.name(), out.get(set)));
        }
        v
    }

    /// Adds the parameters to `out`, in the order AWS documents them.
    pub(super) fn add_to(self, out: &mut SigningOutput, date: &str, signature: Signature) {
        out.set_signature(signature);
        let algorithm = out.push(self.algorithm.as_str());
        let date = out.push(date);
        out.add_query(AuthParam::Algorithm.name(), algorithm);
        out.add_query(AuthParam::Credential.name(), self.credential);
        out.add_query(AuthParam::Date.name(), date);
        out.add_query(AuthParam::Expires.name(), self.expires);
        out.add_query(AuthParam::SignedHeaders.name(), self.signed_headers);
        if let Some(t) = self.token {
            out.add_query(AuthParam::SecurityToken.name(), t);
        }
        if let Some(set) = self.region_set {
            out.add_query(AuthParam::RegionSet.name(), set);
        }
        let signature = out.write(|t| signature.write_hex(t));
        out.add_query(AuthParam::Signature.name(), signature);
    }
}

/// A [`Sink`](crate::digest::Sink) that percent-encodes what it is given (for the
/// `X-Amz-SignedHeaders` value, whose `;` separators become `%3B`).
struct QueryEncoding<'a>(&'a mut String);

impl crate::digest::Sink for QueryEncoding<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.0.extend(percent_encoding::percent_encode(bytes, QUERY_VALUE));
    }
}

/// Writes `value` with [`QUERY_VALUE`] encoding. An access key id, a region or a service is
/// made of unreserved bytes only, and is its own encoding.
fn push_encoded(t: &mut String, value: &str) {
    match value.bytes().fold(true, |plain, b| plain & crate::canonical::encode::is_unreserved(b)) {
        true => t.push_str(value),
        false => t.extend(utf8_percent_encode(value, QUERY_VALUE)),
    }
}

/// Writes `n` in decimal digits: `char`s pushed one by one, with no formatting error to ignore.
fn push_decimal(t: &mut String, n: u64) {
    if n >= 10 {
        push_decimal(t, n / 10);
    }
    // `n % 10` is a single digit: below 10, it fits a `u8`, and `b'0'` plus it is an ASCII digit.
    t.push(char::from(b'0' + (n % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::{QUERY_VALUE, push_decimal, push_encoded};

    #[test]
    fn push_encoded_writes_what_percent_encoding_writes() {
        for value in ["AKIDEXAMPLE", "us-east-1", "a.b_c~d", "", "a b", "a/b+c=", "ሴ", "FwoGZXIvYXdzE//token=="] {
            let mut t = String::new();
            push_encoded(&mut t, value);
            assert_eq!(t, percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string(), "{value:?}");
        }
    }

    #[test]
    fn push_decimal_writes_what_display_writes() {
        let mut values = vec![0, 1, 9, 10, 11, 99, 100, 900, 3600, 604_800, 604_801, u64::MAX - 1, u64::MAX];
        values.extend((0..64).map(|shift| 1u64 << shift));
        values.extend((1..20).map(|exp| 10u64.pow(exp) - 1));
        for n in values {
            let mut t = String::from("X-Amz-Expires=");
            push_decimal(&mut t, n);
            assert_eq!(t, format!("X-Amz-Expires={n}"));
        }
    }
}
