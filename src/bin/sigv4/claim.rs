//! What a signed request claims before it is verified: the service named in its credential.

use sigv4_kit::raw::RawRequest;

/// The service named in the request's credential (header or presigned query), if any: the part
/// before `aws4_request`, in both `akid/date/region/service/aws4_request` (SigV4) and
/// `akid/date/service/aws4_request` (SigV4a).
pub(crate) fn service(raw: &RawRequest) -> Option<String> {
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
