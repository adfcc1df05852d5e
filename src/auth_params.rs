//! The query parameters of a presigned URL (`X-Amz-Algorithm`, `X-Amz-Signature`, ...): the
//! one list of their names and the one matcher that recognizes them, shared by the signer
//! (which refuses to sign a request that already carries one), the verifier (which reads them)
//! and [`strip_signature`](crate::verify::strip_signature) (which removes them).
//!
//! AWS matches these names exactly. A query key that names one in another spelling,
//! percent-encoded (`X%2DAmz-Signature`) or in another case (`x-amz-signature`), is recognized
//! as [`Spelling::Other`]: the verifier refuses such a request, the signer refuses to sign it,
//! and `strip_signature` removes the parameter like the exact spelling, so that whatever the
//! verifier could have read never travels further.

use percent_encoding::percent_decode_str;

/// The longest presign expiry SigV4 allows: seven days.
pub const MAX_PRESIGN_EXPIRY_SECS: u64 = 604_800;

/// One of the query parameters of a presigned URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthParam {
    Algorithm,
    Credential,
    Date,
    Expires,
    SignedHeaders,
    Signature,
    SecurityToken,
    RegionSet,
}

/// How a query key spells an [`AuthParam`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spelling {
    /// Byte for byte AWS's name.
    Exact,
    /// Percent-encoded, or in another case.
    Other,
}

impl AuthParam {
    /// Every parameter, in the order [`AuthParam::index`] numbers them.
    pub(crate) const ALL: [Self; 8] = [
        Self::Algorithm,
        Self::Credential,
        Self::Date,
        Self::Expires,
        Self::SignedHeaders,
        Self::Signature,
        Self::SecurityToken,
        Self::RegionSet,
    ];

    /// The name as AWS spells it.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::Algorithm => "X-Amz-Algorithm",
            Self::Credential => "X-Amz-Credential",
            Self::Date => "X-Amz-Date",
            Self::Expires => "X-Amz-Expires",
            Self::SignedHeaders => "X-Amz-SignedHeaders",
            Self::Signature => "X-Amz-Signature",
            Self::SecurityToken => "X-Amz-Security-Token",
            Self::RegionSet => "X-Amz-Region-Set",
        }
    }

    /// The position of this parameter in [`AuthParam::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// Whether this parameter alone marks a request as presigned (`X-Amz-Algorithm`,
    /// `X-Amz-Credential`, `X-Amz-Signature`).
    pub(crate) const fn marks_presigned(self) -> bool {
        matches!(self, Self::Algorithm | Self::Credential | Self::Signature)
    }

    /// Which parameter the wire query key `key` names, and how it spells it; `None` for every
    /// other key.
    pub(crate) fn classify(key: &str) -> Option<(Self, Spelling)> {
        // Every name is 10 to 20 bytes once decoded, and starts with `X-Amz-` in some form.
        if key.len() < 10 {
            return None;
        }
        if let Some(exact) = Self::ALL.into_iter().find(|p| p.name() == key) {
            return Some((exact, Spelling::Exact));
        }
        let decoded: Option<Vec<u8>> = if key.contains('%') {
            let bytes: Vec<u8> = percent_decode_str(key).take(21).collect();
            (bytes.len() <= 20).then_some(bytes)
        } else {
            None
        };
        let decoded = decoded.as_deref().unwrap_or(key.as_bytes());
        Self::ALL.into_iter().find(|p| p.name().as_bytes().eq_ignore_ascii_case(decoded)).map(|p| (p, Spelling::Other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_follow_all() {
        for (i, p) in AuthParam::ALL.into_iter().enumerate() {
            assert_eq!(p.index(), i);
        }
    }

    #[test]
    fn classifies_every_spelling() {
        for p in AuthParam::ALL {
            assert_eq!(AuthParam::classify(p.name()), Some((p, Spelling::Exact)));
            let lower = p.name().to_ascii_lowercase();
            assert_eq!(AuthParam::classify(&lower), Some((p, Spelling::Other)));
            let encoded = p.name().replacen('-', "%2D", 1);
            assert_eq!(AuthParam::classify(&encoded), Some((p, Spelling::Other)));
            let all_encoded: String = p.name().bytes().map(|b| format!("%{b:02x}")).collect();
            assert_eq!(AuthParam::classify(&all_encoded), Some((p, Spelling::Other)));
        }
        for other in ["", "X-Amz", "X-Amz-Meta", "X-Amz-Signature2", "X-Amz-Signatur", "versionId", "%ZZ-Amz-Date"] {
            assert_eq!(AuthParam::classify(other), None, "{other}");
        }
    }
}
