//! Signing with aws-sigv4 (the AWS SDK for Rust signer).

use std::time::{Duration, UNIX_EPOCH};

use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, SignableBody, SignableRequest, SignatureLocation,
    SigningInstructions, SigningSettings, UriPathNormalizationMode,
};
use aws_smithy_runtime_api::client::identity::Identity;

/// The key, scope and time aws-sigv4 signs with.
pub struct AwsKey<'a> {
    pub access_key: &'a str,
    pub secret: &'a str,
    pub token: Option<String>,
    pub region: &'a str,
    pub service: &'a str,
    /// Seconds since the Unix epoch.
    pub time: u64,
}

/// aws-sigv4 settings: S3 rules (single encoding, no path normalization, `x-amz-content-sha256`
/// in header mode) or normalized paths with double encoding (`x-amz-content-sha256` only when
/// `declare_payload`); header auth, or a presigned URL valid for `expires` seconds.
pub fn aws_settings(
    s3: bool,
    declare_payload: bool,
    token_mode: SessionTokenMode,
    expires: Option<u64>,
) -> SigningSettings {
    let mut settings = SigningSettings::default();
    if s3 {
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    } else {
        settings.percent_encoding_mode = PercentEncodingMode::Double;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Enabled;
        settings.payload_checksum_kind =
            if declare_payload { PayloadChecksumKind::XAmzSha256 } else { PayloadChecksumKind::NoHeader };
    }
    settings.session_token_mode = token_mode;
    match expires {
        Some(e) => {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(Duration::from_secs(e));
        }
        None => settings.signature_location = SignatureLocation::Headers,
    }
    settings
}

/// Signs a request with aws-sigv4; returns what to add to it, and the signature.
pub fn aws_sign(
    key: &AwsKey<'_>,
    settings: SigningSettings,
    method: &str,
    uri: &str,
    headers: &[(String, String)],
    body: SignableBody<'_>,
) -> (SigningInstructions, String) {
    let identity: Identity =
        aws_credential_types::Credentials::new(key.access_key, key.secret, key.token.clone(), None, "sigv4-kit-tests")
            .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(key.region)
        .name(key.service)
        .time(UNIX_EPOCH + Duration::from_secs(key.time))
        .settings(settings)
        .build()
        .expect("aws-sigv4 signing params")
        .into();
    let request = SignableRequest::new(method, uri, headers.iter().map(|(n, v)| (n.as_str(), v.as_str())), body)
        .expect("aws-sigv4 accepts the request");
    aws_sigv4::http_request::sign(request, &params).expect("aws-sigv4 signs the request").into_parts()
}
