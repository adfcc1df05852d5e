#![cfg(feature = "cli")]
//! Raw-text interop of `sigv4 verify`: requests signed by botocore (SigV4) and awscrt (SigV4 and
//! SigV4a, through `botocore.crt.auth`), written as raw HTTP/1.1 text the way `curl -v` shows it
//! (`Name: value`, one space after the colon, CRLF), with long-term and temporary credentials,
//! header auth and presigned URLs, S3 and other services.
//!
//! The cases are the fixed set in `tests/interop/cli_raw/` (`manifest.json`, `credentials.ini`
//! and one `.http` file per case), written by
//! `python3 tests/interop/cli_raw.py --write-fixed tests/interop/cli_raw` at a fixed signing
//! time. Every case must verify, as the manifest says, at that time; with no space or with extra
//! spaces and tabs after each header's colon (optional whitespace, not part of the value); and a
//! copy with one signature digit changed must be refused. `.ci/run` also runs the script itself,
//! which signs fresh random cases on every run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The manifest must hold at least this many cases (the script writes 24).
const MIN_CASES: usize = 24;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/cli_raw")
}

/// Runs `sigv4 verify` on `request` (given on stdin) with `args`.
fn verify(args: &[&str], request: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigv4"))
        .arg("verify")
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sigv4");
    child.stdin.take().expect("stdin pipe").write_all(request).expect("write stdin");
    child.wait_with_output().expect("wait for sigv4")
}

/// The request with each header line rewritten as `Name` + `sep` + `value` (the value taken
/// without the whitespace around it); the request line and the body are kept.
fn respace(raw: &[u8], sep: &str) -> Vec<u8> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a blank line after the headers");
    let (head, body) = raw.split_at(end);
    let head = std::str::from_utf8(head).expect("the head is UTF-8");
    let mut lines = head.split("\r\n");
    let mut out = lines.next().expect("a request line").to_owned();
    for line in lines {
        let (name, value) = line.split_once(':').expect("a header line");
        out.push_str("\r\n");
        out.push_str(name);
        out.push(':');
        out.push_str(sep);
        out.push_str(value.trim_matches([' ', '\t']));
    }
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// The request with the last hex digit of its signature (`Authorization: ..., Signature=` or
/// `X-Amz-Signature=`) changed.
fn flip_signature(raw: &[u8]) -> Vec<u8> {
    let find = |needle: &[u8]| raw.windows(needle.len()).position(|w| w == needle).map(|i| i + needle.len());
    let start = find(b", Signature=").or_else(|| find(b"X-Amz-Signature=")).expect("a signature");
    let len = raw[start..].iter().take_while(|b| b.is_ascii_hexdigit()).count();
    assert!(len >= 64, "a signature of {len} hex digits");
    let mut out = raw.to_vec();
    let last = start + len - 1;
    out[last] = if out[last] == b'0' { b'1' } else { b'0' };
    out
}

/// Why `out` is not the verified result `expected` describes (`None` if it is).
fn mismatch(out: &Output, expected: &Value) -> Option<String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: Value = match serde_json::from_str(&stdout) {
        Ok(v) => v,
        Err(_) => {
            return Some(format!("{:?}: not JSON: {stdout} {}", out.status, String::from_utf8_lossy(&out.stderr)));
        }
    };
    if out.status.code() != Some(0) || json["verified"] != Value::Bool(true) {
        return Some(format!("{:?}: {stdout}", out.status));
    }
    let got = [
        ("access_key_id", &json["access_key_id"]),
        ("algorithm", &json["algorithm"]),
        ("service", &json["scope"]["service"]),
        ("region", &json["scope"]["region"]),
        ("auth", &json["auth"]),
        ("temporary", &json["principal"]["temporary"]),
        ("account_id", &json["principal"]["account_id"]),
    ];
    let wrong: Vec<String> = got
        .iter()
        .filter(|(key, _)| expected.get(key).is_some())
        .filter(|(key, value)| expected[key] != **value)
        .map(|(key, value)| format!("{key}: got {value}, signed {}", expected[key]))
        .collect();
    (!wrong.is_empty()).then(|| format!("{}: {stdout}", wrong.join("; ")))
}

#[test]
fn fixed_raw_requests_verify_and_tampered_ones_do_not() {
    let dir = dir();
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("manifest.json")).expect("read tests/interop/cli_raw/manifest.json"),
    )
    .expect("manifest.json is JSON");
    let time = manifest["time"].as_str().expect("time");
    let credentials = dir.join(manifest["credentials"].as_str().expect("credentials"));
    let credentials = credentials.to_str().expect("a UTF-8 path");
    let cases = manifest["cases"].as_array().expect("cases");
    assert!(cases.len() >= MIN_CASES, "only {} cases in the manifest", cases.len());

    let mut failures = Vec::new();
    let (mut ecdsa, mut temporary, mut presigned) = (0, 0, 0);
    for case in cases {
        let file = case["file"].as_str().expect("file");
        let expected = &case["expected"];
        let flags: Vec<&str> =
            case["flags"].as_array().expect("flags").iter().map(|f| f.as_str().expect("flag")).collect();
        let mut args = vec!["--credentials", credentials, "--time", time];
        args.extend(&flags);
        let raw = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("read {file}: {e}"));
        ecdsa += usize::from(expected["algorithm"] == "AWS4-ECDSA-P256-SHA256");
        temporary += usize::from(expected["temporary"] == Value::Bool(true));
        presigned += usize::from(expected["auth"] == "presigned-query");

        for (what, request) in [
            ("as written", raw.clone()),
            ("no space after the colons", respace(&raw, "")),
            ("spaces and tabs after the colons", respace(&raw, " \t  ")),
        ] {
            if let Some(why) = mismatch(&verify(&args, &request), expected) {
                failures.push(format!("{file} ({what}) {flags:?}: {why}"));
            }
        }
        let out = verify(&args, &flip_signature(&raw));
        let json: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        if out.status.code() != Some(1) || json["verified"] != Value::Bool(false) {
            failures.push(format!(
                "{file} with a signature digit changed: {:?}, expected exit 1: {}",
                out.status,
                String::from_utf8_lossy(&out.stdout)
            ));
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    // The fixed set covers every combination.
    assert!(ecdsa > 0 && ecdsa < cases.len(), "SigV4a cases: {ecdsa}");
    assert!(temporary > 0 && temporary < cases.len(), "temporary-credential cases: {temporary}");
    assert!(presigned > 0 && presigned < cases.len(), "presigned cases: {presigned}");
}
