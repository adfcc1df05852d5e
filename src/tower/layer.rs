//! [`SigV4Layer`] and the service it makes, [`SigV4Auth`].

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::sync::Arc;

use bytes::Bytes;
use http::header::{CONTENT_ENCODING, CONTENT_LENGTH, HeaderValue};
use http::{Request, Response};
use http_body::Body;
use http_body_util::{BodyExt, Either, Full};
use tower_layer::Layer;
use tower_service::Service;

use super::body::{BoxError, VerifiedBody};
use super::reject::{json_protocol, rejection};
use crate::chunked::ChunkLimits;
use crate::verify::VerifyingBody;
use crate::verify::{CredentialProvider, ErrorCode, PayloadState, Verified, Verifier, VerifierConfig, VerifyError};

/// The default of [`SigV4Layer::with_max_buffered_body`]: 10 MiB.
pub const DEFAULT_MAX_BUFFERED_BODY: usize = 10 * 1024 * 1024;

/// How much of a body the layer reads, and the framing limits of `aws-chunked` bodies.
#[derive(Debug, Clone, Copy)]
struct BodyLimits {
    max_buffered_body: usize,
    chunks: ChunkLimits,
}

/// What every [`SigV4Auth`] made by one layer shares.
struct Shared<P> {
    verifier: Verifier,
    provider: P,
}

/// A [`tower_layer::Layer`] that verifies the SigV4 signature of every request before the inner
/// service sees it. See the [module documentation](super) for what it checks and answers.
pub struct SigV4Layer<P> {
    shared: Arc<Shared<P>>,
    limits: BodyLimits,
}

impl<P> Clone for SigV4Layer<P> {
    fn clone(&self) -> Self {
        Self { shared: Arc::clone(&self.shared), limits: self.limits }
    }
}

impl<P> fmt::Debug for SigV4Layer<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV4Layer")
            .field("verifier", &self.shared.verifier)
            .field("max_buffered_body", &self.limits.max_buffered_body)
            .field("chunk_limits", &self.limits.chunks)
            .finish_non_exhaustive()
    }
}

impl<P: CredentialProvider> SigV4Layer<P> {
    /// A layer verifying with `config` and the system clock, looking credentials up in
    /// `provider`.
    pub fn new(config: VerifierConfig, provider: P) -> Self {
        Self::from_verifier(Verifier::new(config), provider)
    }

    /// A layer around a ready [`Verifier`] (one with its own clock, say).
    pub fn from_verifier(verifier: Verifier, provider: P) -> Self {
        let limits = BodyLimits { max_buffered_body: DEFAULT_MAX_BUFFERED_BODY, chunks: ChunkLimits::default() };
        Self { shared: Arc::new(Shared { verifier, provider }), limits }
    }

    /// The most bytes of body the layer holds in memory to check before calling the inner
    /// service (default [`DEFAULT_MAX_BUFFERED_BODY`]).
    ///
    /// A request that does not declare `x-amz-content-sha256` (most non-S3 services) signs the
    /// hash of its body, so its body must be read whole before the signature can be checked: a
    /// larger one is refused with `EntityTooLarge`. A body with a declared hash and a
    /// `Content-Length` up to this size is read and checked before the inner service is called;
    /// a larger one (or one of unknown length) is checked as it streams, by [`VerifiedBody`].
    #[must_use]
    pub fn with_max_buffered_body(mut self, bytes: usize) -> Self {
        self.limits.max_buffered_body = bytes;
        self
    }

    /// The limits `aws-chunked` bodies are decoded with (default [`ChunkLimits::default`]: at
    /// most 16 MiB a chunk, and at least 8 KiB but for the last one, as S3 requires).
    #[must_use]
    pub fn with_chunk_limits(mut self, limits: ChunkLimits) -> Self {
        self.limits.chunks = limits;
        self
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.shared.verifier
    }

    /// The credential provider.
    pub fn provider(&self) -> &P {
        &self.shared.provider
    }
}

impl<S, P> Layer<S> for SigV4Layer<P> {
    type Service = SigV4Auth<S, P>;

    fn layer(&self, inner: S) -> Self::Service {
        SigV4Auth { inner, shared: Arc::clone(&self.shared), limits: self.limits }
    }
}

/// The service [`SigV4Layer`] makes: verifies each request, then calls `S` with a
/// [`VerifiedBody`] and the [`Verified`] identity in the request's extensions, or answers the
/// rejection itself.
pub struct SigV4Auth<S, P> {
    inner: S,
    shared: Arc<Shared<P>>,
    limits: BodyLimits,
}

impl<S: Clone, P> Clone for SigV4Auth<S, P> {
    fn clone(&self) -> Self {
        Self { inner: self.inner.clone(), shared: Arc::clone(&self.shared), limits: self.limits }
    }
}

impl<S: fmt::Debug, P> fmt::Debug for SigV4Auth<S, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV4Auth").field("inner", &self.inner).finish_non_exhaustive()
    }
}

impl<S, P> SigV4Auth<S, P> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The inner service, dropping the layer.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

/// The response body of [`SigV4Auth`]: the inner service's, or the XML of a rejection.
pub type AuthBody<B> = Either<B, Full<Bytes>>;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The future of [`SigV4Auth::call`].
///
/// It is boxed: the credential lookup is an `async` trait method, whose future has no name.
#[must_use = "futures do nothing unless polled"]
pub struct ResponseFuture<ResBody, E> {
    inner: BoxFuture<Result<Response<AuthBody<ResBody>>, E>>,
}

impl<ResBody, E> fmt::Debug for ResponseFuture<ResBody, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<ResBody, E> Future for ResponseFuture<ResBody, E> {
    type Output = Result<Response<AuthBody<ResBody>>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl<S, P, B, ResBody> Service<Request<B>> for SigV4Auth<S, P>
where
    S: Service<Request<VerifiedBody<B>>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: 'static,
    P: CredentialProvider + 'static,
    B: Body<Data = Bytes> + Unpin + Send + 'static,
    B::Error: Into<BoxError>,
    ResBody: 'static,
{
    type Response = Response<AuthBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone takes the place of the service that was polled ready, which serves this
        // request (the usual tower idiom).
        let clone = self.inner.clone();
        let mut inner = core::mem::replace(&mut self.inner, clone);
        let shared = Arc::clone(&self.shared);
        let limits = self.limits;
        let json = json_protocol(request.headers());
        ResponseFuture {
            inner: Box::pin(async move {
                match authenticate(&shared, limits, request).await {
                    Ok(request) => inner.call(request).await.map(|r| r.map(Either::Left)),
                    Err(e) => Ok(rejection(&e, shared.verifier.now(), json).map(Either::Right)),
                }
            }),
        }
    }
}

/// Verifies `request`: its signature, and, as far as it can be before the inner service reads
/// it, its body.
async fn authenticate<P, B>(
    shared: &Shared<P>,
    limits: BodyLimits,
    request: Request<B>,
) -> Result<Request<VerifiedBody<B>>, VerifyError>
where
    P: CredentialProvider,
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    let limit = limits.max_buffered_body;
    let (mut parts, body) = request.into_parts();
    // The body's length: `Content-Length`, or what the transport knows (hyper knows that a
    // request with neither `Content-Length` nor `Transfer-Encoding` has an empty body).
    let declared_len = match content_length(&parts.headers)? {
        Some(n) => Some(n),
        None => body.size_hint().exact(),
    };
    // `Ok`: the body, read and hashed; `Err`: the body, still to read.
    let (mut verified, body): (Verified, Result<Bytes, B>) = {
        let pending = shared.verifier.begin(&parts)?;
        let credential = shared.provider.lookup(&pending.lookup()).await.map_err(VerifyError::provider_boxed)?;
        // Everything that can be decided without the body is decided before it is read: an
        // unknown key, a wrong token or an expired credential costs no body bytes.
        pending.check_credential(credential.as_ref())?;
        if pending.needs_body_hash() {
            if declared_len.is_some_and(|n| n > limit as u64) {
                return Err(too_large(limit));
            }
            let bytes = read_body(body, limit).await?;
            let verified = pending.finish(credential, Some(crate::digest::sha256(&bytes)))?;
            (verified, Ok(bytes))
        } else {
            (pending.finish(credential, None)?, Err(body))
        }
    };
    let body = match (core::mem::replace(&mut verified.payload, PayloadState::CheckedWhileRead), body) {
        (PayloadState::Checked, Ok(bytes)) => {
            verified.payload = PayloadState::Checked;
            VerifiedBody::full(bytes)
        }
        (PayloadState::Unsigned, Err(body)) => {
            verified.payload = PayloadState::Unsigned;
            VerifiedBody::unsigned(body)
        }
        (PayloadState::Pending(mut check), Err(body)) if declared_len.is_some_and(|n| n <= limit as u64) => {
            let bytes = read_body(body, limit).await?;
            check.update(&bytes);
            check.finish()?;
            verified.payload = PayloadState::Checked;
            VerifiedBody::full(bytes)
        }
        (PayloadState::Pending(check), Err(body)) => VerifiedBody::hashed(body, check),
        (PayloadState::Streaming(stream), Err(body)) => {
            set_decoded_headers(&mut parts.headers, stream.decoded_length());
            VerifiedBody::chunked(VerifyingBody::from_payload_with_limits(body, stream, limits.chunks))
        }
        // Every other pairing cannot happen: the verifier reports `Checked` exactly when it was
        // given the body's hash. Fail closed all the same.
        _ => {
            return Err(VerifyError::new(ErrorCode::InternalError, "unexpected payload state after verification"));
        }
    };
    // The inner service routes on the path that was verified (see `PathPolicy::Rewrite`).
    if verified.path() != parts.uri.path() {
        let path_and_query = match parts.uri.query() {
            Some(query) => format!("{}?{query}", verified.path()),
            None => verified.path().to_owned(),
        };
        parts.uri = crate::request::with_path_and_query(core::mem::take(&mut parts.uri), path_and_query)
            .map_err(|e| VerifyError::new(ErrorCode::InvalidArgument, format!("cannot rewrite the URI: {e}")))?;
    }
    parts.extensions.insert::<Verified>(verified);
    Ok(Request::from_parts(parts, body))
}

/// `Content-Length`, when present: one decimal number.
fn content_length(headers: &http::HeaderMap) -> Result<Option<u64>, VerifyError> {
    let mut values = headers.get_all(CONTENT_LENGTH).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    let parsed = first.to_str().ok().and_then(|v| crate::request::parse_content_length(crate::request::trim_ows(v)));
    match (parsed, values.next()) {
        (Some(n), None) => Ok(Some(n)),
        _ => Err(VerifyError::new(ErrorCode::InvalidArgument, "the Content-Length header is invalid or repeated")),
    }
}

fn too_large(limit: usize) -> VerifyError {
    VerifyError::new(
        ErrorCode::EntityTooLarge,
        format!("the body is larger than the {limit} bytes this gateway reads to verify a signature"),
    )
}

/// Reads the whole body, up to `limit` bytes.
async fn read_body<B>(mut body: B, limit: usize) -> Result<Bytes, VerifyError>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    let mut first: Option<Bytes> = None;
    let mut rest: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            let e: BoxError = e.into();
            // A transport that judged the body itself (a read timeout, say) says so with a
            // `VerifyError`, which is answered as it is.
            match e.downcast::<VerifyError>() {
                Ok(verdict) => *verdict,
                Err(e) => VerifyError::new(ErrorCode::IncompleteBody, format!("reading the body failed: {e}")),
            }
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len());
        if total > limit {
            return Err(too_large(limit));
        }
        match &first {
            None if rest.is_empty() => first = Some(data),
            _ => {
                if let Some(f) = first.take() {
                    rest.extend_from_slice(&f);
                }
                rest.extend_from_slice(&data);
            }
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(rest)))
}

/// After `aws-chunked` decoding, the headers describe the decoded body: `Content-Length` is
/// the decoded length, `aws-chunked` leaves `Content-Encoding`, and the framing headers
/// (`x-amz-decoded-content-length`, `x-amz-trailer`) and `Transfer-Encoding` (the transport's
/// framing, already undone) go.
fn set_decoded_headers(headers: &mut http::HeaderMap, decoded_length: u64) {
    headers.insert(CONTENT_LENGTH, HeaderValue::from(decoded_length));
    headers.remove(http::header::TRANSFER_ENCODING);
    let remaining: Vec<String> = headers
        .get_all(CONTENT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|c| !c.is_empty() && !c.eq_ignore_ascii_case("aws-chunked"))
        .map(str::to_owned)
        .collect();
    headers.remove(CONTENT_ENCODING);
    if !remaining.is_empty()
        && let Ok(value) = HeaderValue::try_from(remaining.join(", "))
    {
        headers.insert(CONTENT_ENCODING, value);
    }
    headers.remove("x-amz-decoded-content-length");
    headers.remove("x-amz-trailer");
}
