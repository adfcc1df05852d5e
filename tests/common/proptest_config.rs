//! The proptest configuration of the property tests.

use proptest::test_runner::Config as ProptestConfig;

/// A proptest configuration with `cases` cases and no failure persistence (a failing case is
/// printed, and no file is written into the tree).
pub fn proptest_config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}
