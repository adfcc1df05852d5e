//! Streaming payloads: `aws-chunked` encoding and decoding, and the `http-body` adapters.
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]

#[cfg(feature = "http-body")]
#[path = "../common/block_on.rs"]
mod block_on;
#[cfg(feature = "http-body")]
#[path = "../common/frames.rs"]
mod frames;

mod chunked;
mod http_body;
