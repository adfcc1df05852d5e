//! Verification in a server: the tower layer, and the example gateway built in process.
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]
#![cfg(feature = "tower")]

// The example gateway's parts, built in process by `gateway_edges`.
#[allow(dead_code)] // `gateway_edges` sets no lookup timeout: `TimeoutProvider` is unused here
#[path = "../../examples/gateway/app.rs"]
mod app;
#[path = "../common/block_on.rs"]
mod block_on;
#[path = "../common/frames.rs"]
mod frames;

mod gateway_edges;
mod tower;
