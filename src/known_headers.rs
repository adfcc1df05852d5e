//! The headers that signing and verification read by name, found in one pass over a request.
//!
//! The signer asks whether the request already has `X-Amz-Date`, a session token or a payload
//! hash; the verifier asks for `Authorization`, `Host`, the dates, the session token and the
//! payload declaration, each of which must appear at most once. Looking each up by a scan of
//! every header costs a pass per name; [`KnownHeaders`] classifies every header once, by length
//! and then by name, and answers each question from what it kept.

/// A header the verifier reads by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    Authorization,
    Host,
    XAmzDate,
    Date,
    SecurityToken,
    ContentSha256,
    ContentLength,
    RegionSet,
    DecodedContentLength,
    Trailer,
}

/// How many [`Known`] headers there are.
const KNOWN: usize = 10;

impl Known {
    /// The header's name, in lowercase.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::Authorization => "authorization",
            Self::Host => "host",
            Self::XAmzDate => "x-amz-date",
            Self::Date => "date",
            Self::SecurityToken => "x-amz-security-token",
            Self::ContentSha256 => "x-amz-content-sha256",
            Self::ContentLength => "content-length",
            Self::RegionSet => "x-amz-region-set",
            Self::DecodedContentLength => "x-amz-decoded-content-length",
            Self::Trailer => "x-amz-trailer",
        }
    }

    /// The known header named `name` (ASCII case ignored), if it is one: decided by the length
    /// first, so that most headers cost one comparison of lengths. `name` is an HTTP token, as
    /// every name of a validated request is.
    fn of(name: &str) -> Option<Self> {
        let candidates: &[Self] = match name.len() {
            4 => &[Self::Host, Self::Date],
            10 => &[Self::XAmzDate],
            13 => &[Self::Authorization, Self::Trailer],
            14 => &[Self::ContentLength],
            16 => &[Self::RegionSet],
            20 => &[Self::ContentSha256, Self::SecurityToken],
            28 => &[Self::DecodedContentLength],
            _ => return None,
        };
        candidates.iter().copied().find(|k| token_is(name.as_bytes(), k.name().as_bytes()))
    }
}

/// Whether the token `name` is `lower` (lowercase letters, digits and `-`), ASCII case ignored:
/// `| 0x20` lowercases a letter, and of the bytes it moves onto a digit or `-`, none is a token
/// byte, so one OR per byte decides it.
fn token_is(name: &[u8], lower: &[u8]) -> bool {
    debug_assert!(name.iter().all(|&b| crate::request::is_tchar(b)), "a token");
    name.len() == lower.len() && name.iter().zip(lower).fold(0, |diff, (&a, &b)| diff | ((a | 0x20) ^ b)) == 0
}

/// The first value of every [`Known`] header a request carries, and which of them it repeats.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KnownHeaders<'r> {
    values: [Option<&'r str>; KNOWN],
    /// Bit `known as usize` set when the request carries that header more than once.
    repeated: u16,
}

impl<'r> KnownHeaders<'r> {
    /// Classifies every header of `headers` once; their names are HTTP tokens (the request was
    /// validated).
    pub(crate) fn new(headers: &[(&'r str, &'r str)]) -> Self {
        let mut this = Self { values: [None; KNOWN], repeated: 0 };
        for &(name, value) in headers {
            let Some(known) = Known::of(name) else { continue };
            let Some(slot) = this.values.get_mut(known as usize) else { continue };
            match slot {
                Some(_) => this.repeated |= 1 << (known as u16),
                None => *slot = Some(value),
            }
        }
        this
    }

    /// The first value of `known`, repeated or not.
    pub(crate) fn first(&self, known: Known) -> Option<&'r str> {
        self.values.get(known as usize).copied().flatten()
    }

    /// Whether the request carries `known` more than once.
    pub(crate) fn is_repeated(&self, known: Known) -> bool {
        self.repeated & (1 << (known as u16)) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::{KNOWN, Known, KnownHeaders, token_is};

    const ALL: [Known; KNOWN] = [
        Known::Authorization,
        Known::Host,
        Known::XAmzDate,
        Known::Date,
        Known::SecurityToken,
        Known::ContentSha256,
        Known::ContentLength,
        Known::RegionSet,
        Known::DecodedContentLength,
        Known::Trailer,
    ];

    #[test]
    fn every_known_name_is_found_in_any_case_and_nothing_else() {
        for (i, known) in ALL.into_iter().enumerate() {
            assert_eq!(known as usize, i, "the discriminants index the table");
            assert_eq!(Known::of(known.name()), Some(known));
            assert_eq!(Known::of(&known.name().to_ascii_uppercase()), Some(known));
            let longer = format!("{}x", known.name());
            assert_eq!(Known::of(&longer), None);
            assert_eq!(Known::of(&known.name()[1..]), None);
        }
        for other in ["", "hosts", "x-amz-dat", "x-amz-meta-date", "content-type", "x-amz-content-sha257"] {
            assert_eq!(Known::of(other), None, "{other:?}");
        }
    }

    #[test]
    fn answers_as_a_scan_of_every_header_does() {
        let headers =
            [("Host", "a"), ("x-amz-date", "d1"), ("X-Amz-Date", "d2"), ("content-type", "t"), ("Authorization", "x")];
        let index = KnownHeaders::new(&headers);
        for known in ALL {
            let mut scan = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(known.name())).map(|(_, v)| *v);
            let (first, second) = (scan.next(), scan.next());
            assert_eq!(index.first(known), first, "{known:?}");
            assert_eq!(index.is_repeated(known), second.is_some(), "{known:?}");
        }
    }

    #[test]
    fn token_comparison_ignores_ascii_case_only() {
        // Every token byte against every byte of the known names: equal only when the two are
        // the same letter in any case, or the same byte.
        let tokens: Vec<u8> = (0..=255u8).filter(|&b| crate::request::is_tchar(b)).collect();
        for known in ALL {
            for &l in known.name().as_bytes() {
                for &t in &tokens {
                    assert_eq!(token_is(&[t], &[l]), t.eq_ignore_ascii_case(&l), "{t:#04x} {l:?}");
                }
            }
        }
        assert!(token_is(b"X-Amz-Date", b"x-amz-date") && !token_is(b"x-amz-dat", b"x-amz-date"));
    }
}
