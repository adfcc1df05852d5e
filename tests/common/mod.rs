#![allow(dead_code)] // every test crate uses only a part of these helpers

//! Helpers shared by the integration tests, included by each with `mod common;`.
//!
//! * [`aws_signer`]: signing with aws-sigv4 (the AWS SDK for Rust signer), and capturing what it
//!   logs;
//! * [`crt`]: the vector files of AWS's C signer, and running every case of one;
//! * `frames`: in-memory bodies (feature `http-body`);
//! * [`strategies`]: proptest strategies for request parts;
//! * [`tamper`]: verifying requests, and changing one byte of them;
//! * [`vectors`]: the JSON vector files of `tests/interop`.

pub mod aws_signer;
pub mod crt;
#[cfg(feature = "http-body")]
pub mod frames;
pub mod strategies;
pub mod tamper;
pub mod vectors;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use proptest::test_runner::Config as ProptestConfig;

/// A proptest configuration with `cases` cases and no failure persistence (a failing case is
/// printed, and no file is written into the tree).
pub fn proptest_config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Polls a future that completes without a real wake-up (the providers of the tests answer at
/// once; the test bodies return `Pending` and are polled again).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1_000_000 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("the future did not complete: nothing in these tests waits for a real wake-up");
}

/// AWS `UriEncode`: every byte but the unreserved characters is percent-encoded.
pub fn uri_encode(s: &str) -> String {
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

/// An `http::Request` with `method`, `uri`, the `headers` in order, and `body`.
pub fn build_request<B>(
    method: &str,
    uri: &str,
    headers: &[(String, String)],
    body: B,
) -> http::Result<http::Request<B>> {
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder.body(body)
}
