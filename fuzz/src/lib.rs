//! Shared pieces of the fuzz targets: fixed signers and the checks on their output.

use std::sync::LazyLock;

use sigv4_kit::{AmzDate, Credentials, FixedClock, PayloadMode, SigV4Signer, SigningSettings, UriMode};

/// The signing time of every target: the AWS suite's `20150830T123600Z`.
pub fn time() -> AmzDate {
    AmzDate::from_unix(1_440_938_160).unwrap_or_else(|e| panic!("fixed time: {e}"))
}

/// The suite's credentials, with a session token so the token paths are exercised too.
fn credentials() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").with_session_token("fuzz/token+=")
}

/// Signers with fixed credentials and clock: header signing (normalized URI), and S3-style
/// presigning (query mode, unsigned payload). Built once per process.
pub static SIGNERS: LazyLock<[SigV4Signer; 2]> = LazyLock::new(signers);

fn signers() -> [SigV4Signer; 2] {
    let signer = |settings| {
        SigV4Signer::new(credentials(), "us-east-1", "service")
            .with_settings(settings)
            .with_clock(FixedClock::new(time()))
    };
    [
        signer(SigningSettings::default()),
        signer(
            SigningSettings::default()
                .with_uri_mode(UriMode::S3)
                .with_payload(PayloadMode::Unsigned)
                .with_presign(3600),
        ),
    ]
}

/// Whether `s` holds only unreserved characters, `/` and `%XX` escapes (uppercase hex digits
/// only when `upper_hex`).
pub fn is_uri_encoded(s: &str, upper_hex: bool) -> bool {
    let hex = |b: Option<&u8>| {
        b.is_some_and(|&b| b.is_ascii_digit() || matches!(b, b'A'..=b'F') || (!upper_hex && matches!(b, b'a'..=b'f')))
    };
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            i += 1;
        } else if b == b'%' && hex(bytes.get(i + 1)) && hex(bytes.get(i + 2)) {
            i += 3;
        } else {
            return false;
        }
    }
    true
}
