//! Interoperability with botocore: every case of `tests/interop/botocore_vectors.json` (made by
//! `tests/interop/botocore_vectors.py` with botocore's own `SigV4Auth`, `S3SigV4Auth`,
//! `SigV4QueryAuth` and `S3SigV4QueryAuth`) must be signed to the byte as botocore signed it.
//!
//! Each case is signed twice: through [`SigV4Signer::explain_at`] on a [`SignableRequest`]
//! (canonical request, string to sign, signature, signed headers and the added headers or query
//! parameters are compared), and through [`Signer::sign`] on an [`http::Request`] (the request
//! must then carry exactly what botocore added). All mismatches are collected and reported
//! together.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::common::build_request;
use crate::vectors::{BotocoreCase, botocore_case_values, botocore_document};
use serde_json::Value;
use sigv4_kit::sign::{PayloadMode, SigV4Signer, Signer, SigningSettings};
use sigv4_kit::{AmzDate, Credentials, FixedClock, SignableRequest};

const MIN_CASES: usize = 500;

impl BotocoreCase {
    /// The settings that make our signer behave as the case's botocore class.
    fn settings(&self) -> Result<SigningSettings, String> {
        let signing = &self.signing;
        let mut s = match signing.auth.as_str() {
            "SigV4Auth" | "SigV4QueryAuth" => SigningSettings::default(),
            "S3SigV4Auth" | "S3SigV4QueryAuth" => SigningSettings::s3(),
            other => return Err(format!("unknown auth class {other:?}")),
        };
        if signing.unsigned {
            s = s.with_payload(PayloadMode::Unsigned);
            // botocore's SigV4Auth, with payload signing disabled, also sends (and signs)
            // `X-Amz-Content-SHA256: UNSIGNED-PAYLOAD` (SigV4Auth._modify_request_before_signing);
            // the query classes never add headers.
            if signing.auth == "SigV4Auth" {
                s = s.with_content_sha256_header(true);
            }
        }
        if let Some(expires) = signing.expires {
            s = s.with_presign(expires);
        }
        Ok(s)
    }

    fn signer(&self) -> Result<(SigV4Signer, AmzDate), String> {
        let signing = &self.signing;
        let time = signing.amz_date()?;
        let mut creds = Credentials::new(signing.access_key_id.as_str(), signing.secret_access_key.as_str());
        if let Some(t) = &signing.token {
            creds = creds.with_session_token(t.as_str());
        }
        let signer = SigV4Signer::new(creds, self.region.as_str(), signing.service.as_str())
            .with_settings(self.settings()?)
            .with_clock(FixedClock::new(time));
        Ok((signer, time))
    }
}

/// The first field where our signer and botocore disagree.
struct Mismatch {
    field: &'static str,
    detail: String,
}

impl Mismatch {
    fn new(field: &'static str, detail: impl Into<String>) -> Self {
        Self { field, detail: detail.into() }
    }
}

/// A line diff of two texts (`-` botocore only, `+` ours only), from a longest common
/// subsequence of lines; lines are printed with `{:?}` so that whitespace and control
/// characters show.
fn diff_lines(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.split('\n').collect();
    let a: Vec<&str> = actual.split('\n').collect();
    // lcs[i][j]: length of the longest common subsequence of e[i..] and a[j..].
    let mut lcs = vec![vec![0usize; a.len() + 1]; e.len() + 1];
    for i in (0..e.len()).rev() {
        for j in (0..a.len()).rev() {
            lcs[i][j] = if e[i] == a[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < e.len() || j < a.len() {
        if i < e.len() && j < a.len() && e[i] == a[j] {
            let _ = writeln!(out, "      {:?}", e[i]);
            i += 1;
            j += 1;
        } else if j == a.len() || (i < e.len() && lcs[i + 1][j] >= lcs[i][j + 1]) {
            let _ = writeln!(out, "    - {:?}", e[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "    + {:?}", a[j]);
            j += 1;
        }
    }
    out
}

fn check_text(field: &'static str, expected: &str, actual: &str) -> Result<(), Mismatch> {
    if expected == actual {
        Ok(())
    } else {
        Err(Mismatch::new(field, format!("(- botocore, + ours)\n{}", diff_lines(expected, actual))))
    }
}

fn show_pairs(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(n, v)| format!("{n}: {v}")).collect::<Vec<_>>().join("\n")
}

fn check_pairs(
    field: &'static str,
    expected: &[(String, String)],
    actual: &[(String, String)],
) -> Result<(), Mismatch> {
    check_text(field, &show_pairs(expected), &show_pairs(actual))
}

/// Header pairs with lowercase names, sorted: header order and name case carry no meaning.
fn normalize_headers<'a, 'b>(pairs: impl IntoIterator<Item = (&'a str, &'b str)>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = pairs.into_iter().map(|(n, v)| (n.to_ascii_lowercase(), v.to_owned())).collect();
    v.sort();
    v
}

fn decode(s: &str) -> Result<String, Mismatch> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|e| Mismatch::new("query encoding", format!("{s:?} does not decode to UTF-8: {e}")))
}

/// Parses a wire query into decoded `(key, value)` pairs.
fn decode_query(query: &str) -> Result<Vec<(String, String)>, Mismatch> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Ok((decode(k)?, decode(v)?))
        })
        .collect()
}

/// Signs `case` through `explain_at` and compares every field.
fn check_explain(case: &BotocoreCase, signer: &SigV4Signer, time: AmzDate) -> Result<(), Mismatch> {
    let target = case.target();
    let mut request = SignableRequest::new(&case.method, &target);
    for (n, v) in &case.headers {
        request.push_header(n, v);
    }
    request.push_header("host", &case.host);
    let payload = signer.payload_hash(case.body.as_bytes());
    let ex = signer.explain_at(&request, &payload, time).map_err(|e| Mismatch::new("explain_at", format!("{e}")))?;
    let exp = &case.expected;
    check_text("canonical_request", &exp.canonical_request, &ex.canonical_request)?;
    check_text("string_to_sign", &exp.string_to_sign, &ex.string_to_sign)?;
    check_text("signature", &exp.signature, &ex.output.signature().to_string())?;
    check_text("signed_headers", &exp.signed_headers, ex.output.signed_headers())?;

    let ours_headers = normalize_headers(ex.output.headers());
    let want_headers = normalize_headers(exp.added_headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    check_pairs("added_headers (explain_at)", &want_headers, &ours_headers)?;

    let ours_query =
        ex.output.query_params().map(|(k, v)| Ok((k.to_owned(), decode(v)?))).collect::<Result<Vec<_>, Mismatch>>()?;
    check_pairs("added_query (explain_at)", &exp.added_query, &ours_query)
}

/// Signs `case` as an `http::Request` and checks what the request carries afterwards.
fn check_http(case: &BotocoreCase, signer: &SigV4Signer) -> Result<(), Mismatch> {
    let uri = format!("https://{}{}", case.host, case.target());
    let mut req = build_request(&case.method, &uri, &case.headers, case.body.as_bytes().to_vec())
        .map_err(|e| Mismatch::new("http request", format!("{uri}: {e}")))?;
    let out = (signer as &dyn Signer).sign(&mut req).map_err(|e| Mismatch::new("http sign", format!("{e}")))?;
    let exp = &case.expected;
    check_text("signature (http)", &exp.signature, &out.signature().to_string())?;

    // Every header on the request, minus the ones the case gave, is what the signer added.
    let mut carried: Vec<(String, String)> = Vec::new();
    for (n, v) in req.headers() {
        let v = v.to_str().map_err(|e| Mismatch::new("headers (http)", format!("{n}: {e}")))?;
        carried.push((n.as_str().to_owned(), v.to_owned()));
    }
    for (n, v) in &case.headers {
        let n = n.to_ascii_lowercase();
        match carried.iter().position(|(cn, cv)| *cn == n && cv == v) {
            Some(i) => {
                carried.remove(i);
            }
            None => return Err(Mismatch::new("headers (http)", format!("given header {n}: {v:?} is gone"))),
        }
    }
    let added = normalize_headers(carried.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let want = normalize_headers(exp.added_headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    check_pairs("added_headers (http)", &want, &added)?;

    let query = req.uri().query().unwrap_or("");
    if req.uri().path() != if case.path.is_empty() { "/" } else { case.path.as_str() } {
        return Err(Mismatch::new("uri (http)", format!("path changed: {} (was {:?})", req.uri(), case.path)));
    }
    if case.signing.is_query_auth() {
        // botocore re-serializes the caller's parameters; ours must be kept as they were, with the
        // X-Amz-* parameters appended.
        let kept = query.strip_prefix(case.query.as_str()).ok_or_else(|| {
            Mismatch::new("uri (http)", format!("the original query {:?} is not kept in {query:?}", case.query))
        })?;
        let appended = if case.query.is_empty() { kept } else { kept.strip_prefix('&').unwrap_or(kept) };
        let mut ours: Vec<(String, String)> =
            decode_query(appended)?.into_iter().filter(|(k, _)| k.starts_with("X-Amz-")).collect();
        ours.sort();
        let mut want = exp.added_query.clone();
        want.sort();
        check_pairs("added_query (http)", &want, &ours)
    } else if query != case.query {
        Err(Mismatch::new("uri (http)", format!("query changed: {query:?} (was {:?})", case.query)))
    } else {
        Ok(())
    }
}

fn check_case(case: &BotocoreCase) -> Result<(), Mismatch> {
    let (signer, time) = case.signer().map_err(|e| Mismatch::new("case setup", e))?;
    check_explain(case, &signer, time)?;
    check_http(case, &signer)
}

#[test]
fn botocore_vectors_agree() {
    let doc = botocore_document();
    let raw = botocore_case_values(&doc);
    let cases = BotocoreCase::parse_all(raw);

    let mut per_class: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut run = 0usize;
    for case in &cases {
        run += 1;
        let entry = per_class.entry(case.signing.auth.as_str()).or_default();
        entry.0 += 1;
        match check_case(case) {
            Ok(()) => entry.1 += 1,
            Err(m) => failures.push(format!(
                "{} [{} {} {} https://{}{} payload={}]\n  first difference: {}\n{}",
                case.name,
                case.signing.auth,
                case.signing.service,
                case.method,
                case.host,
                case.target(),
                case.signing.payload(),
                m.field,
                m.detail.trim_end()
            )),
        }
    }

    println!("botocore {} vectors:", doc.get("botocore_version").and_then(Value::as_str).unwrap_or("?"));
    for (class, (total, passed)) in &per_class {
        println!("  {class:<17} {passed:>4} / {total:>4} agree");
    }
    for f in &failures {
        println!("MISMATCH {f}\n");
    }
    assert!(failures.is_empty(), "{} of {run} botocore cases disagree (see the output above)", failures.len());
    assert_eq!(run, raw.len(), "every case in the file must run");
    assert!(run >= MIN_CASES, "only {run} cases; expected at least {MIN_CASES}");
}
