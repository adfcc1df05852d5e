//! The AWS test suites' vectors (the data files beside this one; see `README.md` here).
// Test and example code may default where the library may not (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod vectors;
