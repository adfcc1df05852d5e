//! The [`Signer`] trait, and its implementation by [`SigV4Signer`] for SigV4 and SigV4a.

use super::output::SigningOutput;
use super::sigv4::SigV4Signer;
use crate::error::SignError;
use crate::payload::PayloadHash;
use crate::request::{Limits, SignableRequest};

/// Something that signs HTTP requests.
///
/// Object-safe: a client that does not care which signer it has, or whose credentials
/// refresh, holds a `Box<dyn Signer>` or an `Arc<dyn Signer>`. [`SigV4Signer`] implements it
/// for SigV4 and SigV4a; a signer whose credentials rotate implements it by signing with the
/// current ones:
///
/// ```
/// use std::sync::{Arc, RwLock};
/// use sigv4_kit::sign::{SigV4Signer, SignError, Signer, SigningOutput};
/// use sigv4_kit::{Credentials, Limits, PayloadHash, SignableRequest};
///
/// /// Signs with whatever credentials were last installed.
/// struct Rotating(RwLock<Arc<SigV4Signer>>);
///
/// impl Rotating {
///     fn install(&self, credentials: Credentials) {
///         let signer = SigV4Signer::new(credentials, "us-east-1", "sts");
///         *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(signer);
///     }
///     fn current(&self) -> Arc<SigV4Signer> {
///         self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
///     }
/// }
///
/// impl Signer for Rotating {
///     fn sign_view(&self, request: &SignableRequest<'_>, payload: &PayloadHash) -> Result<SigningOutput, SignError> {
///         self.current().sign_view(request, payload)
///     }
///     fn payload_hash(&self, body: &[u8]) -> PayloadHash {
///         self.current().payload_hash(body)
///     }
///     fn limits(&self) -> Limits {
///         Signer::limits(&*self.current())
///     }
/// }
///
/// let rotating = Rotating(RwLock::new(Arc::new(SigV4Signer::new(Credentials::new("AKID1", "s1"), "us-east-1", "sts"))));
/// rotating.install(Credentials::new("AKID2", "s2"));
/// let signer: Box<dyn Signer> = Box::new(rotating);
/// let mut request = http::Request::post("https://sts.amazonaws.com/").body(b"Action=GetCallerIdentity".to_vec())?;
/// signer.sign(&mut request)?;
/// assert!(request.headers()["authorization"].to_str()?.contains("Credential=AKID2/"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Signer: Send + Sync {
    /// Signs a borrowed request view at the signer's current time, without touching any
    /// request: the sans-IO core every other method builds on.
    ///
    /// # Errors
    ///
    /// A [`SignError`] says what is wrong with the request, the settings or the credentials.
    fn sign_view(&self, request: &SignableRequest<'_>, payload: &PayloadHash) -> Result<SigningOutput, SignError>;

    /// The payload line this signer signs for `body`: its hash, `UNSIGNED-PAYLOAD` or a
    /// precomputed value, as its settings say.
    fn payload_hash(&self, body: &[u8]) -> PayloadHash;

    /// The size bounds for reading a request's view: a wrapper passes on its inner signer's,
    /// so that a request is read under the limits it will be signed under.
    fn limits(&self) -> Limits;

    /// Signs request `parts` whose body has the given payload hash (a streamed body, or one
    /// hashed elsewhere).
    ///
    /// # Errors
    ///
    /// As for [`Signer::sign_view`]. On error the parts are exactly as they were.
    fn sign_parts(&self, parts: &mut http::request::Parts, payload: &PayloadHash) -> Result<SigningOutput, SignError> {
        let out = {
            let view = SignableRequest::from_parts(parts, self.limits())?;
            self.sign_view(&view, payload)?
        };
        out.apply_to_parts(parts)?;
        Ok(out)
    }

    /// Signs request `parts` whose body is `body`, hashing it when the settings sign the
    /// payload.
    ///
    /// # Errors
    ///
    /// As for [`Signer::sign_view`]. On error the parts are exactly as they were.
    fn sign_body(&self, parts: &mut http::request::Parts, body: &[u8]) -> Result<SigningOutput, SignError> {
        self.sign_parts(parts, &self.payload_hash(body))
    }
}

impl dyn Signer + '_ {
    /// Signs `request` in place, hashing its body when the settings sign the payload: what
    /// [`SigV4Signer::sign`] does, for any signer behind a `Box` or an `Arc`.
    ///
    /// # Errors
    ///
    /// As for [`Signer::sign_view`]. On error the request is exactly as it was.
    pub fn sign<B: AsRef<[u8]>>(&self, request: &mut http::Request<B>) -> Result<SigningOutput, SignError> {
        sign_http(self, request)
    }
}

/// Signs an `http::Request` in place through `signer`'s view signing.
pub(super) fn sign_http<S: Signer + ?Sized, B: AsRef<[u8]>>(
    signer: &S,
    request: &mut http::Request<B>,
) -> Result<SigningOutput, SignError> {
    let payload = signer.payload_hash(request.body().as_ref());
    let out = {
        let view = SignableRequest::from_http(request.method(), request.uri(), request.headers(), signer.limits())?;
        signer.sign_view(&view, &payload)?
    };
    let (uri, headers) = out.prepare(request.uri())?;
    for (name, value) in headers.into_iter().flatten() {
        request.headers_mut().append(name, value);
    }
    if let Some(uri) = uri {
        *request.uri_mut() = uri;
    }
    Ok(out)
}

impl Signer for SigV4Signer {
    fn sign_view(&self, request: &SignableRequest<'_>, payload: &PayloadHash) -> Result<SigningOutput, SignError> {
        self.sign_at(request, payload, self.now()?)
    }

    fn payload_hash(&self, body: &[u8]) -> PayloadHash {
        SigV4Signer::payload_hash(self, body)
    }

    fn limits(&self) -> Limits {
        self.settings().limits
    }
}
