//! Properties that hold for any input.
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]

#[path = "../common/proptest_config.rs"]
mod proptest_config;

mod no_panic;
