//! The JSON vector files of `tests/interop`: field readers, how a case was signed, and the
//! cases of `botocore_vectors.json`.

use serde_json::Value;
use sigv4_kit::AmzDate;
use sigv4_kit::verify::{MemoryProvider, Principal, PrincipalKind};

/// `tests/interop/botocore_vectors.json`, made by `tests/interop/botocore_vectors.py`.
pub const BOTOCORE_VECTORS: &str = include_str!("botocore_vectors.json");
/// The `format` of the botocore vector file.
pub const BOTOCORE_FORMAT: &str = "sigv4-kit-botocore/1";

/// The string field `key` of `v`.
pub fn str_field(v: &Value, key: &str) -> Result<String, String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| format!("missing string field {key:?}"))
}

/// The field `key` of `v`: a string, or `null` or absent for `None`.
pub fn opt_str_field(v: &Value, key: &str) -> Result<Option<String>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("{key:?}: not a string or null: {other}")),
    }
}

/// The `expires` field of a case: `X-Amz-Expires` for query auth, `null` or absent otherwise.
pub fn expires_field(v: &Value) -> Result<Option<u64>, String> {
    match v.get("expires") {
        None | Some(Value::Null) => Ok(None),
        Some(e) => Ok(Some(e.as_u64().ok_or_else(|| format!("bad expires {e}"))?)),
    }
}

/// Whether the `payload` field of a case is `unsigned` (else it must be `signed`).
pub fn unsigned_payload_field(v: &Value) -> Result<bool, String> {
    match str_field(v, "payload")?.as_str() {
        "signed" => Ok(false),
        "unsigned" => Ok(true),
        other => Err(format!("bad payload {other:?}")),
    }
}

/// The array field `key` of `v`, of `[name, value]` string pairs.
pub fn pairs_field(v: &Value, key: &str) -> Result<Vec<(String, String)>, String> {
    let list = v.get(key).and_then(Value::as_array).ok_or_else(|| format!("missing array field {key:?}"))?;
    list.iter()
        .map(|p| match p.as_array().map(Vec::as_slice) {
            Some([Value::String(a), Value::String(b)]) => Ok((a.clone(), b.clone())),
            _ => Err(format!("{key:?}: not a [name, value] pair: {p}")),
        })
        .collect()
}

/// The botocore vector file, checked for its format.
pub fn botocore_document() -> Value {
    let doc: Value = serde_json::from_str(BOTOCORE_VECTORS).expect("botocore_vectors.json is valid JSON");
    assert_eq!(doc.get("format").and_then(Value::as_str), Some(BOTOCORE_FORMAT), "unexpected vector format");
    doc
}

/// The `cases` array of the botocore vector file.
pub fn botocore_case_values(doc: &Value) -> &[Value] {
    doc.get("cases").and_then(Value::as_array).expect("a \"cases\" array")
}

/// How a case of a vector file was signed: the signer class (`auth`), the service, the time, the
/// credentials, the expiry of a presigned request and whether the payload was left unsigned.
pub struct Signing {
    pub auth: String,
    pub service: String,
    pub time: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub token: Option<String>,
    pub expires: Option<u64>,
    pub unsigned: bool,
}

impl Signing {
    /// Reads the fields every vector file has; `expires` must be set exactly for query auth.
    pub fn parse(v: &Value) -> Result<Self, String> {
        let creds = v.get("credentials").ok_or("missing credentials")?;
        let signing = Self {
            auth: str_field(v, "auth")?,
            service: str_field(v, "service")?,
            time: str_field(v, "time")?,
            access_key_id: str_field(creds, "access_key_id")?,
            secret_access_key: str_field(creds, "secret_access_key")?,
            token: opt_str_field(creds, "token")?,
            expires: expires_field(v)?,
            unsigned: unsigned_payload_field(v)?,
        };
        if signing.is_query_auth() != signing.expires.is_some() {
            return Err(format!("{}: expires must be set exactly for query auth", signing.auth));
        }
        Ok(signing)
    }

    /// Whether the request was presigned (the `…QueryAuth` classes).
    pub fn is_query_auth(&self) -> bool {
        self.auth.ends_with("QueryAuth")
    }

    /// Whether it was signed with the S3 rules (the `S3SigV4…` and `CrtS3SigV4…` classes).
    pub fn is_s3(&self) -> bool {
        self.auth.strip_prefix("Crt").unwrap_or(&self.auth).starts_with("S3")
    }

    /// The signing time.
    pub fn amz_date(&self) -> Result<AmzDate, String> {
        self.time.parse().map_err(|e| format!("time {:?}: {e}", self.time))
    }

    /// The date of the credential scope (the first 8 characters of the time).
    pub fn date(&self) -> &str {
        self.time.get(..8).unwrap_or(&self.time)
    }

    /// Who signed, in account `123456789012`: IAM user `name`, or with a session token a session
    /// of role `name` that carries the token.
    pub fn principal(&self, name: &str) -> Principal {
        match &self.token {
            Some(token) => Principal::new(
                "123456789012",
                format!("arn:aws:sts::123456789012:assumed-role/{name}/session"),
                PrincipalKind::AssumedRole,
            )
            .with_session_token(token.as_str()),
            None => {
                Principal::new("123456789012", format!("arn:aws:iam::123456789012:user/{name}"), PrincipalKind::IamUser)
            }
        }
    }

    /// A provider holding the secret access key, for [`Signing::principal`] `name`.
    pub fn provider(&self, name: &str) -> MemoryProvider {
        MemoryProvider::new().with_key(
            self.access_key_id.as_str(),
            self.secret_access_key.as_str(),
            self.principal(name),
        )
    }

    /// `signed` or `unsigned`, as the `payload` field says.
    pub fn payload(&self) -> &'static str {
        if self.unsigned { "unsigned" } else { "signed" }
    }
}

/// One case of the botocore vector file: the request as botocore got it, and what botocore made.
pub struct BotocoreCase {
    pub name: String,
    pub signing: Signing,
    pub region: String,
    pub method: String,
    pub host: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub expected: BotocoreExpected,
}

/// What botocore computed for a case.
pub struct BotocoreExpected {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
    pub signed_headers: String,
    pub added_headers: Vec<(String, String)>,
    pub added_query: Vec<(String, String)>,
}

impl BotocoreCase {
    /// Reads a case of the vector file.
    pub fn parse(v: &Value) -> Result<Self, String> {
        let req = v.get("request").ok_or("missing request")?;
        let exp = v.get("expected").ok_or("missing expected")?;
        Ok(Self {
            name: str_field(v, "name")?,
            signing: Signing::parse(v)?,
            region: str_field(v, "region")?,
            method: str_field(req, "method")?,
            host: str_field(req, "host")?,
            path: str_field(req, "path")?,
            query: str_field(req, "query")?,
            headers: pairs_field(req, "headers")?,
            body: str_field(req, "body")?,
            expected: BotocoreExpected {
                canonical_request: str_field(exp, "canonical_request")?,
                string_to_sign: str_field(exp, "string_to_sign")?,
                signature: str_field(exp, "signature")?,
                signed_headers: str_field(exp, "signed_headers")?,
                added_headers: pairs_field(exp, "added_headers")?,
                added_query: pairs_field(exp, "added_query")?,
            },
        })
    }

    /// Reads every case; a case that does not parse fails the test.
    pub fn parse_all(raw: &[Value]) -> Vec<Self> {
        raw.iter()
            .enumerate()
            .map(|(i, v)| Self::parse(v).unwrap_or_else(|e| panic!("case #{i} does not parse: {e}")))
            .collect()
    }

    /// The request target: the wire path and, when there is one, `?` and the wire query.
    pub fn target(&self) -> String {
        if self.query.is_empty() { self.path.clone() } else { format!("{}?{}", self.path, self.query) }
    }
}
