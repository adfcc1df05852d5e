//! The `sigv4` command-line tool, run as a process (`CARGO_BIN_EXE_sigv4`).
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod cli;
mod cli_raw;
