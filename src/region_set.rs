//! The SigV4a region set: the regions one signature is valid in, sent as the signed
//! `X-Amz-Region-Set` header or query parameter.
//!
//! Entries are region names or patterns with `*` wildcards (`*`, `us-*`), separated by commas.
//!
//! ```
//! use sigv4_kit::sigv4a::RegionSet;
//!
//! let set: RegionSet = "us-*,eu-west-1".parse()?;
//! assert!(set.matches("us-west-2"));
//! assert!(set.matches("eu-west-1"));
//! assert!(!set.matches("eu-central-1"));
//! assert_eq!(set.as_str(), "us-*,eu-west-1");
//! # Ok::<(), sigv4_kit::ParseError>(())
//! ```

#[cfg(feature = "sigv4a")]
use core::fmt;
#[cfg(feature = "sigv4a")]
use core::str::FromStr;

#[cfg(feature = "sigv4a")]
use crate::error::ParseError;

/// The most entries a region set may hold.
pub(crate) const MAX_REGION_SET_ENTRIES: usize = 64;

/// The longest region set, in bytes.
pub(crate) const MAX_REGION_SET_LEN: usize = 1024;

/// A validated SigV4a region set.
#[cfg(feature = "sigv4a")]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegionSet(String);

#[cfg(feature = "sigv4a")]
impl RegionSet {
    /// A region set from its comma-separated text.
    ///
    /// # Errors
    ///
    /// [`ParseError`] (input `region set`) when the text is empty or longer than
    /// 1024 bytes, holds more than 64 entries, an empty entry, or a character other than ASCII
    /// lowercase letters, digits, `-` and `*`.
    ///
    /// ```
    /// use sigv4_kit::sigv4a::RegionSet;
    /// assert!(RegionSet::new("*").is_ok());
    /// assert!(RegionSet::new("us-east-1, us-west-2").is_err(), "no spaces");
    /// assert!(RegionSet::new("us-east-1,,us-west-2").is_err());
    /// ```
    pub fn new(text: impl Into<String>) -> Result<Self, ParseError> {
        let text = text.into();
        check(&text).map_err(|reason| ParseError::new("region set", reason))?;
        Ok(Self(text))
    }

    /// The comma-separated text, as it is signed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The entries.
    pub fn entries(&self) -> impl Iterator<Item = &str> {
        self.0.split(',')
    }

    /// Whether an entry names `region` or matches it as a pattern.
    pub fn matches(&self, region: &str) -> bool {
        self.entries().any(|pattern| wildcard_match(pattern, region))
    }
}

/// Checks the text of a region set; the error says what is wrong.
#[cfg(feature = "sigv4a")]
pub(crate) fn check(text: &str) -> Result<(), &'static str> {
    if text.is_empty() {
        return Err("must not be empty");
    }
    if text.len() > MAX_REGION_SET_LEN {
        return Err("longer than 1024 bytes");
    }
    let mut entries = 0usize;
    for entry in text.split(',') {
        entries += 1;
        if entry.is_empty() {
            return Err("has an empty entry");
        }
        if !entry.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'*')) {
            return Err("only lowercase ASCII letters, digits, '-' and '*' are allowed in an entry");
        }
    }
    if entries > MAX_REGION_SET_ENTRIES {
        return Err("has more than 64 entries");
    }
    Ok(())
}

/// Checks a region set as received by a verifier: as [`RegionSet::new`], except that spaces
/// around entries (which AWS's Java SDK sends) and upper case are accepted.
pub(crate) fn check_received(text: &str) -> Result<(), &'static str> {
    if text.len() > MAX_REGION_SET_LEN {
        return Err("is longer than 1024 bytes");
    }
    let mut entries = 0usize;
    for entry in text.split(',').map(|e| e.trim_matches([' ', '\t'])) {
        entries += 1;
        if entries > MAX_REGION_SET_ENTRIES {
            return Err("has more than 64 entries");
        }
        if entry.is_empty() {
            return Err("has an empty entry");
        }
        if !entry.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'*')) {
            return Err("has a character other than ASCII letters, digits, '-' and '*' in an entry");
        }
    }
    Ok(())
}

/// Whether a received region set (checked by [`check_received`]) covers `region`.
pub(crate) fn received_matches(text: &str, region: &str) -> bool {
    text.split(',').map(|e| e.trim_matches([' ', '\t'])).any(|pattern| {
        let (pattern, region) = (pattern.to_ascii_lowercase(), region.to_ascii_lowercase());
        wildcard_match(&pattern, &region)
    })
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters (empty too).
/// Linear in `pattern.len() * text.len()` at worst, with no recursion.
pub(crate) fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0usize, 0usize);
    // Where the last `*` was, and the text position it is currently standing for.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(c) if Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).is_some_and(|rest| rest.iter().all(|&b| b == b'*'))
}

#[cfg(feature = "sigv4a")]
impl FromStr for RegionSet {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        Self::new(s)
    }
}

#[cfg(feature = "sigv4a")]
impl fmt::Display for RegionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards_match_as_globs() {
        let cases = [
            ("*", "us-east-1", true),
            ("*", "", true),
            ("us-*", "us-east-1", true),
            ("us-*", "eu-west-1", false),
            ("us-*-1", "us-east-1", true),
            ("us-*-1", "us-east-2", false),
            ("us-east-1", "us-east-1", true),
            ("us-east-1", "us-east-10", false),
            ("us-east-1*", "us-east-10", true),
            ("*-1", "ap-south-1", true),
            ("**", "x", true),
            ("a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(wildcard_match(pattern, text), want, "{pattern} vs {text}");
        }
    }

    #[cfg(feature = "sigv4a")]
    #[test]
    fn region_sets_are_validated() {
        for good in ["*", "us-east-1", "us-east-1,us-west-2", "us-*,eu-*"] {
            assert!(super::RegionSet::new(good).is_ok(), "{good}");
        }
        let too_many = vec!["a"; 65].join(",");
        for bad in ["", ",", "us-east-1,", "US-EAST-1", "us east", "us-east-1/x", too_many.as_str()] {
            assert!(super::RegionSet::new(bad).is_err(), "{bad:?}");
        }
        let set = super::RegionSet::new("us-east-1,eu-*").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(set.entries().collect::<Vec<_>>(), ["us-east-1", "eu-*"]);
    }
}
