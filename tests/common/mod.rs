//! Helpers of the `interop` and `rules` tests, which both include this module with
//! `#[path = "../common/mod.rs"] mod common;` and both use all of it:
//!
//! * [`aws_signer`]: signing with aws-sigv4 (the AWS SDK for Rust signer);
//! * [`strategies`]: proptest strategies for request parts;
//! * [`tamper`]: verifying requests, and changing one byte of them;
//! * [`build_request`], and [`block_on`] and [`proptest_config`] (each in a file of its own).
//!
//! Other test binaries include single files of this directory, each one they use whole:
//! `block_on.rs` (`streaming`, `gateway`), `frames.rs`, in-memory bodies (`streaming`, `gateway`)
//! and `proptest_config.rs` (`properties`). A helper that one binary alone uses lives in that
//! binary's directory.

pub mod aws_signer;
mod block_on;
mod proptest_config;
pub mod strategies;
pub mod tamper;

pub use block_on::block_on;
pub use proptest_config::proptest_config;

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
