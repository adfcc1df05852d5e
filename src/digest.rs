//! Hashing, hex and the byte sinks that canonical bytes stream into: the lowest layer, which
//! every other module may use and which uses none of them.

use core::fmt;

use sha2::{Digest, Sha256};

/// Where canonical bytes go: a hash, a MAC, or text for display.
pub(crate) trait Sink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);

    /// Appends text (which a `String` sink takes without checking it again).
    #[inline]
    fn put_str(&mut self, s: &str) {
        self.put(s.as_bytes());
    }

    /// Appends one ASCII byte (a separator: `\n`, `:`, `&`, `=`, `;`, `,`).
    #[inline]
    fn put_byte(&mut self, b: u8) {
        self.put(&[b]);
    }
}

impl Sink for Sha256 {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl Sink for hmac::Hmac<Sha256> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        hmac::Mac::update(self, bytes);
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl Sink for String {
    fn put(&mut self, bytes: &[u8]) {
        match core::str::from_utf8(bytes) {
            Ok(s) => self.push_str(s),
            Err(_) => self.push_str(&String::from_utf8_lossy(bytes)),
        }
    }

    #[inline]
    fn put_str(&mut self, s: &str) {
        self.push_str(s);
    }

    #[inline]
    fn put_byte(&mut self, b: u8) {
        match b.is_ascii() {
            true => self.push(char::from(b)),
            false => self.put(&[b]),
        }
    }
}

/// A hash or MAC fed through a small buffer on the stack.
///
/// A canonical request is written in many small pieces (a `\n`, a `=`, a header name); copying
/// them into a buffer and handing the hasher whole blocks costs far less than one hasher call
/// per piece. It borrows the hasher rather than owning it, so that the hasher's state is never
/// moved in and out; [`Buffered::finish`] hands over what is left.
pub(crate) struct Buffered<'h, H> {
    inner: &'h mut H,
    buf: [u8; BUFFERED_BYTES],
    len: usize,
}

/// The buffer of [`Buffered`]: four SHA-256 blocks.
const BUFFERED_BYTES: usize = 256;

impl<'h, H: sha2::digest::Update> Buffered<'h, H> {
    pub(crate) fn new(inner: &'h mut H) -> Self {
        Self { inner, buf: [0; BUFFERED_BYTES], len: 0 }
    }

    /// Hands the buffered bytes to the hasher.
    pub(crate) fn finish(mut self) {
        self.flush();
    }

    fn flush(&mut self) {
        self.inner.update(crate::slices::prefix(&self.buf, self.len));
        self.len = 0;
    }

    #[cold]
    fn put_slow(&mut self, bytes: &[u8]) {
        self.flush();
        if bytes.len() >= BUFFERED_BYTES {
            self.inner.update(bytes);
        } else if let Some(dst) = self.buf.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }
}

impl<H: sha2::digest::Update> Sink for Buffered<'_, H> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        match self.buf.get_mut(self.len..end) {
            Some(dst) => {
                crate::scan::copy_short(dst, bytes);
                self.len = end;
            }
            None => self.put_slow(bytes),
        }
    }

    #[inline]
    fn put_byte(&mut self, b: u8) {
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = b;
                self.len += 1;
            }
            None => self.put_slow(&[b]),
        }
    }
}

/// Adapts a [`fmt::Formatter`] into a [`Sink`], keeping the first error.
pub(crate) struct FmtSink<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    result: fmt::Result,
}

impl<'a, 'b> FmtSink<'a, 'b> {
    pub(crate) fn new(f: &'a mut fmt::Formatter<'b>) -> Self {
        Self { f, result: Ok(()) }
    }

    pub(crate) fn finish(self) -> fmt::Result {
        self.result
    }
}

impl Sink for FmtSink<'_, '_> {
    fn put(&mut self, bytes: &[u8]) {
        if self.result.is_ok() {
            self.result = self.f.write_str(&String::from_utf8_lossy(bytes));
        }
    }
}

/// Lowercase hex of the SHA-256 of the empty string.
pub(crate) const EMPTY_SHA256_HEX: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The value of every lowercase hex digit; `0xff` for every other byte.
// Evaluated at compile time: an index out of bounds would fail the build, never a request.
#[allow(clippy::indexing_slicing)]
const LOWER_HEX_VALUES: [u8; 256] = {
    let mut values = [0xff; 256];
    let mut i = 0;
    while i < 16 {
        let digit = if i < 10 { b'0' + i } else { b'a' + i - 10 };
        values[digit as usize] = i;
        i += 1;
    }
    values
};

/// The value of a lowercase hex digit, or `0xff`.
#[inline]
fn lower_hex_value(b: u8) -> u8 {
    LOWER_HEX_VALUES.get(usize::from(b)).copied().unwrap_or(0xff)
}

/// Decodes lowercase hex `digits`, two for each byte of `out`, the only form SigV4 writes
/// (signatures, payload hashes). Whether they were exactly that: uppercase digits, any other
/// byte and a length other than `2 * out.len()` are refused.
pub(crate) fn decode_lower_hex(digits: &[u8], out: &mut [u8]) -> bool {
    if digits.len() != 2 * out.len() {
        return false;
    }
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let [high, low] = pair else { return false };
        let (h, l) = (lower_hex_value(*high), lower_hex_value(*low));
        if (h | l) > 0x0f {
            return false;
        }
        *byte = (h << 4) | l;
    }
    true
}

/// Lowercase hex of a 32-byte digest, without allocating.
pub(crate) fn hex64(digest: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    // 32 pairs for 32 bytes: every pair is written, with no error case to ignore.
    for (pair, &byte) in out.as_chunks_mut::<2>().0.iter_mut().zip(digest) {
        *pair = hex_pair(byte);
    }
    out
}

/// The two lowercase hex digits of `byte`.
#[inline]
#[allow(clippy::indexing_slicing)] // a `u8` cannot index past 256 entries
pub(crate) fn hex_pair(byte: u8) -> [u8; 2] {
    HEX_PAIRS[usize::from(byte)]
}

/// The two lowercase hex digits of every byte value.
// Evaluated at compile time: an index out of bounds would fail the build, never a request.
#[allow(clippy::indexing_slicing)]
const HEX_PAIRS: [[u8; 2]; 256] = {
    const fn digit(n: u8) -> u8 {
        if n < 10 { b'0' + n } else { b'a' + (n - 10) }
    }
    let mut pairs = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        pairs[i] = [digit((i >> 4) as u8), digit((i & 0x0f) as u8)];
        i += 1;
    }
    pairs
};

/// The SHA-256 digest of `data`.
///
/// ```
/// assert_eq!(
///     hex::encode(sigv4_kit::spec::sha256(b"")),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn sha256(data: &[u8]) -> [u8; 32] {
    if data.is_empty() {
        // The body of every GET: its digest is a constant, and a SHA-256 block saved.
        return EMPTY_SHA256;
    }
    Sha256::digest(data).into()
}

/// The SHA-256 of the empty string, [`EMPTY_SHA256_HEX`] as bytes.
pub(crate) const EMPTY_SHA256: [u8; 32] = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41,
    0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

#[cfg(test)]
mod tests {
    use super::hex64;

    #[test]
    fn the_empty_digest_constants_are_sha256_of_nothing() {
        use sha2::Digest;
        let computed: [u8; 32] = sha2::Sha256::digest(b"").into();
        assert_eq!(super::EMPTY_SHA256, computed);
        assert_eq!(super::sha256(b""), computed);
        assert_eq!(hex::encode(computed), super::EMPTY_SHA256_HEX);
    }

    #[test]
    fn hex64_is_the_hex_crate_s_lowercase_hex() {
        for seed in 0..=255u8 {
            let digest: [u8; 32] = core::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8 * 8));
            assert_eq!(hex64(&digest).as_slice(), hex::encode(digest).as_bytes());
        }
    }
}
