//! Interoperability with other SigV4 implementations: the vector files their own signers wrote
//! (botocore and aws-c-auth, made by the Python scripts beside this file) and differential tests
//! against aws-sigv4, the AWS SDK for Rust signer.
//!
//! `verify_crt_v4a` alone, against a freshly made vector file:
//!
//! ```sh
//! SIGV4A_CRT_VECTORS=/tmp/v4a.json cargo test --all-features --test interop verify_crt_v4a::
//! ```
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]

#[path = "../common/mod.rs"]
mod common;

mod aws_strategies;
mod capture;
mod crt;
mod vectors;

mod aws_sigv4_differential;
mod botocore;
mod sigv4a_differential;
mod verify_crt;
mod verify_crt_v4a;
mod verify_interop;

/// AWS `UriEncode`: every byte but the unreserved characters is percent-encoded.
fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
