//! The credential scope: `date/region/service/aws4_request`.
//!
//! ```
//! use sigv4_kit::AmzDate;
//! use sigv4_kit::spec::CredentialScope;
//!
//! let t: AmzDate = "20150830T123600Z".parse()?;
//! let scope = CredentialScope::new(t, "us-east-1", "iam")?;
//! assert_eq!(scope.to_string(), "20150830/us-east-1/iam/aws4_request");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;

use crate::error::SignError;
use crate::time::AmzDate;

/// The scope a signing key is derived for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialScope<'a> {
    date: AmzDate,
    region: &'a str,
    service: &'a str,
}

/// Checks that a region or service name can go into a scope.
pub(crate) fn validate_scope_part(field: &'static str, value: &str) -> Result<(), SignError> {
    let reason = if value.is_empty() {
        "must not be empty"
    } else if value.len() > 64 {
        "longer than 64 bytes"
    } else if !value.bytes().fold(true, |ok, b| ok & is_scope_byte(b)) {
        "only ASCII letters, digits, '-', '_' and '.' are allowed"
    } else {
        return Ok(());
    };
    Err(SignError::InvalidScope { field, value: value.to_owned(), reason })
}

/// Whether `b` may appear in a region or service: an ASCII letter or digit, `-`, `_` or `.`.
#[inline]
#[allow(clippy::indexing_slicing)] // a `u8` cannot index past 256 entries
fn is_scope_byte(b: u8) -> bool {
    SCOPE_BYTES[b as usize]
}

/// [`is_scope_byte`] by byte value: one load per byte, and no early exit in the loop over a part.
#[allow(clippy::indexing_slicing)] // runs at compile time, for indices below 256
const SCOPE_BYTES: [bool; 256] =
    crate::scan::byte_table!(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'));

impl<'a> CredentialScope<'a> {
    /// The scope for `region` and `service` on the date of `time`.
    ///
    /// # Errors
    ///
    /// [`SignError::InvalidScope`] when the region or service is empty, longer than 64 bytes,
    /// or holds a character other than ASCII letters, digits, `-`, `_` and `.`.
    ///
    /// ```
    /// # use sigv4_kit::AmzDate;
    /// # use sigv4_kit::spec::CredentialScope;
    /// let t: AmzDate = "20150830T123600Z".parse()?;
    /// assert!(CredentialScope::new(t, "us-east-1/x", "s3").is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(time: AmzDate, region: &'a str, service: &'a str) -> Result<Self, SignError> {
        validate_scope_part("region", region)?;
        validate_scope_part("service", service)?;
        Ok(Self { date: time, region, service })
    }

    /// A scope from parts already validated by [`CredentialScope::new`].
    pub(crate) fn unchecked(time: AmzDate, region: &'a str, service: &'a str) -> Self {
        Self { date: time, region, service }
    }

    /// The `YYYYMMDD` date.
    pub fn date(&self) -> &str {
        self.date.date_stamp()
    }

    /// The bytes of [`CredentialScope::date`].
    pub(crate) fn date_bytes(&self) -> &[u8] {
        self.date.date_bytes()
    }

    /// The region.
    pub fn region(&self) -> &'a str {
        self.region
    }

    /// The service.
    pub fn service(&self) -> &'a str {
        self.service
    }
}

impl fmt::Display for CredentialScope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}/aws4_request", self.date.date_stamp(), self.region, self.service)
    }
}

#[cfg(test)]
mod tests {
    use super::validate_scope_part;
    use crate::error::SignError;

    #[test]
    fn scope_parts_are_short_and_of_letters_digits_dash_underscore_dot() {
        for ok in ["us-east-1", "s3", "execute-api", "a_b.c", "X1", &"a".repeat(64)] {
            assert!(validate_scope_part("region", ok).is_ok(), "{ok:?}");
        }
        let long = "a".repeat(65);
        let cases = [
            ("", "must not be empty"),
            (long.as_str(), "longer than 64 bytes"),
            ("us east", "only ASCII letters, digits, '-', '_' and '.' are allowed"),
            ("us/east", "only ASCII letters, digits, '-', '_' and '.' are allowed"),
            ("é", "only ASCII letters, digits, '-', '_' and '.' are allowed"),
            ("a\u{0}", "only ASCII letters, digits, '-', '_' and '.' are allowed"),
        ];
        for (value, want) in cases {
            match validate_scope_part("service", value) {
                Err(SignError::InvalidScope { field: "service", reason, .. }) => assert_eq!(reason, want, "{value:?}"),
                other => panic!("{value:?}: {other:?}"),
            }
        }
        // Every byte value, against the rule as written.
        for b in 0..=255u8 {
            let text = [b'a', b];
            let allowed = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
            if let Ok(s) = core::str::from_utf8(&text) {
                assert_eq!(validate_scope_part("region", s).is_ok(), allowed, "{b:#04x}");
            }
        }
    }
}
