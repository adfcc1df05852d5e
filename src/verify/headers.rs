//! The headers the verifier reads by name, found in one pass over the request.
//!
//! `begin` asks for `Authorization`, `Host`, `X-Amz-Date`, `Date`, the session token, the
//! payload declaration and a few more, each of which must appear at most once. Looking each up
//! by a scan of every header costs a pass per name; [`KnownHeaders`] classifies every header
//! once, by length and then by name, and answers each question from what it kept.

use super::error::{ErrorCode, VerifyError};

/// A header the verifier reads by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Known {
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
    pub(super) const fn name(self) -> &'static str {
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
    /// first, so that most headers cost one comparison of lengths.
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
        candidates.iter().copied().find(|k| k.name().eq_ignore_ascii_case(name))
    }
}

/// The first value of every [`Known`] header a request carries, and which of them it repeats.
#[derive(Debug, Clone, Copy)]
pub(super) struct KnownHeaders<'r> {
    values: [Option<&'r str>; KNOWN],
    /// Bit `known as usize` set when the request carries that header more than once.
    repeated: u16,
}

impl<'r> KnownHeaders<'r> {
    /// Classifies every header of `headers` once.
    pub(super) fn new(headers: &[(&'r str, &'r str)]) -> Self {
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

    /// The value of `known`, which must not be repeated: a repeated one is refused with
    /// `malformed`.
    pub(super) fn single(&self, known: Known, malformed: ErrorCode) -> Result<Option<&'r str>, VerifyError> {
        if self.repeated & (1 << (known as u16)) != 0 {
            return Err(VerifyError::new(malformed, format!("the request repeats the {} header", known.name())));
        }
        Ok(self.first(known))
    }

    /// The first value of `known`, repeated or not.
    pub(super) fn first(&self, known: Known) -> Option<&'r str> {
        self.values.get(known as usize).copied().flatten()
    }

    /// Whether the request carries `known` more than once.
    pub(super) fn is_repeated(&self, known: Known) -> bool {
        self.repeated & (1 << (known as u16)) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::{KNOWN, Known, KnownHeaders};
    use crate::verify::ErrorCode;

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
            match index.single(known, ErrorCode::AccessDenied) {
                Ok(v) => assert!(second.is_none() && v == first, "{known:?}"),
                Err(e) => {
                    assert!(second.is_some(), "{known:?}");
                    assert!(e.message().contains(known.name()), "{}", e.message());
                }
            }
        }
    }
}
