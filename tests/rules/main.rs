//! The signer's and the verifier's rules: focused tests of each rule, the round trip between
//! signer and verifier, and the verifier's entry points and edges, for SigV4 and SigV4a.
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]

#[path = "../common/mod.rs"]
mod common;

mod architecture;
mod edges;
mod signer;
mod sigv4a_rules;
mod verify_roundtrip;
mod verify_rules;
