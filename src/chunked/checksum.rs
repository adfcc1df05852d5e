//! Checksums for trailers (`x-amz-checksum-*`), computed while the body streams.
//!
//! ```
//! use sigv4_kit::chunked::{Checksum, ChecksumAlgorithm};
//!
//! let mut c = Checksum::new(ChecksumAlgorithm::Crc32c);
//! c.update(&vec![b'a'; 66560]);
//! assert_eq!(c.finish(), "sOO8/Q==");
//! assert_eq!(ChecksumAlgorithm::Crc32c.header_name(), "x-amz-checksum-crc32c");
//! ```

use core::fmt;
use core::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use crc_fast::{CrcAlgorithm, Digest as CrcDigest};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::error::ParseError;

/// The checksum algorithms S3 accepts in a trailer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChecksumAlgorithm {
    /// CRC-32 (ISO HDLC).
    Crc32,
    /// CRC-32C (Castagnoli).
    Crc32c,
    /// CRC-64/NVME.
    Crc64Nvme,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
}

impl ChecksumAlgorithm {
    /// Every algorithm.
    pub const ALL: [Self; 5] = [Self::Crc32, Self::Crc32c, Self::Crc64Nvme, Self::Sha1, Self::Sha256];

    /// The trailer header that carries this checksum, for example `x-amz-checksum-crc32c`.
    pub const fn header_name(self) -> &'static str {
        match self {
            Self::Crc32 => "x-amz-checksum-crc32",
            Self::Crc32c => "x-amz-checksum-crc32c",
            Self::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Self::Sha1 => "x-amz-checksum-sha1",
            Self::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// The algorithm whose trailer header is `name` (case-insensitive).
    pub fn from_header_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.header_name().eq_ignore_ascii_case(name))
    }

    /// The length of the base64 value, in bytes.
    pub const fn encoded_len(self) -> usize {
        match self {
            Self::Crc32 | Self::Crc32c => 8,
            Self::Crc64Nvme => 12,
            Self::Sha1 => 28,
            Self::Sha256 => 44,
        }
    }

    /// The lowercase name used on the command line (`crc32`, `crc32c`, `crc64nvme`, `sha1`,
    /// `sha256`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Crc32 => "crc32",
            Self::Crc32c => "crc32c",
            Self::Crc64Nvme => "crc64nvme",
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
        }
    }
}

impl fmt::Display for ChecksumAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ChecksumAlgorithm {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseError::new("checksum algorithm", "expected crc32, crc32c, crc64nvme, sha1 or sha256"))
    }
}

/// A checksum being computed.
#[derive(Clone)]
pub struct Checksum {
    algorithm: ChecksumAlgorithm,
    state: State,
}

#[derive(Clone)]
enum State {
    Crc(CrcDigest),
    Sha1(Sha1),
    Sha256(Sha256),
}

impl Checksum {
    /// A new checksum.
    pub fn new(algorithm: ChecksumAlgorithm) -> Self {
        let state = match algorithm {
            ChecksumAlgorithm::Crc32 => State::Crc(CrcDigest::new(CrcAlgorithm::Crc32IsoHdlc)),
            ChecksumAlgorithm::Crc32c => State::Crc(CrcDigest::new(CrcAlgorithm::Crc32Iscsi)),
            ChecksumAlgorithm::Crc64Nvme => State::Crc(CrcDigest::new(CrcAlgorithm::Crc64Nvme)),
            ChecksumAlgorithm::Sha1 => State::Sha1(Sha1::new()),
            ChecksumAlgorithm::Sha256 => State::Sha256(Sha256::new()),
        };
        Self { algorithm, state }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> ChecksumAlgorithm {
        self.algorithm
    }

    /// Absorbs the next bytes of the body.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            State::Crc(d) => d.update(data),
            State::Sha1(d) => Digest::update(d, data),
            State::Sha256(d) => Digest::update(d, data),
        }
    }

    /// The base64 value, as it appears in the trailer.
    pub fn finish(self) -> String {
        match self.state {
            State::Crc(d) => {
                let value = d.finalize();
                match self.algorithm {
                    ChecksumAlgorithm::Crc64Nvme => STANDARD.encode(value.to_be_bytes()),
                    _ => STANDARD.encode((value as u32).to_be_bytes()),
                }
            }
            State::Sha1(d) => STANDARD.encode(d.finalize()),
            State::Sha256(d) => STANDARD.encode(d.finalize()),
        }
    }
}

impl fmt::Debug for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checksum").field("algorithm", &self.algorithm).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published check values of each algorithm over "123456789".
    #[test]
    fn check_values() {
        let check = |a: ChecksumAlgorithm| {
            let mut c = Checksum::new(a);
            c.update(b"12345");
            c.update(b"6789");
            c.finish()
        };
        assert_eq!(check(ChecksumAlgorithm::Crc32), STANDARD.encode(0xCBF4_3926u32.to_be_bytes()));
        assert_eq!(check(ChecksumAlgorithm::Crc32c), STANDARD.encode(0xE306_9283u32.to_be_bytes()));
        assert_eq!(check(ChecksumAlgorithm::Crc64Nvme), STANDARD.encode(0xAE8B_1486_0A79_9888u64.to_be_bytes()));
        assert_eq!(check(ChecksumAlgorithm::Sha1), "98O8HYCOBHMq32eZZczDTKeuNEE=");
        assert_eq!(check(ChecksumAlgorithm::Sha256), "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=");
        for a in ChecksumAlgorithm::ALL {
            assert_eq!(check(a).len(), a.encoded_len(), "{a}");
            assert_eq!(a.as_str().parse::<ChecksumAlgorithm>(), Ok(a));
        }
    }
}
