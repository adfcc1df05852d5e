//! [`VerifiedBody`]: the request body the inner service reads, made only of verified bytes.

use core::pin::Pin;
use core::task::{Context, Poll, ready};

use bytes::Bytes;
use http::HeaderMap;
use http_body::{Body, Frame, SizeHint};

use crate::chunked::VerifyingBody;
use crate::verify::{PayloadCheck, VerifyError};

/// The error type of [`VerifiedBody`]: the transport's error, or a [`VerifyError`] (downcast
/// to tell them apart) when the body does not match its signature.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body of a request that [`SigV4Auth`](super::SigV4Auth) verified.
///
/// Depending on how the request was signed, it is:
/// - the whole body, already read and checked against its signed hash;
/// - the body as it arrives, for `UNSIGNED-PAYLOAD`;
/// - the body as it arrives, hashed on the way: its last data frame is held back until the end
///   of the stream shows that the hash matches, and a mismatch ends it with an error instead, so
///   the inner service never sees a complete body that was not signed;
/// - an `aws-chunked` body decoded by a [`VerifyingBody`]: only the payload of chunks whose
///   signatures were verified.
///
/// Errors are [`BoxError`]s; a verification failure downcasts to [`VerifyError`].
#[derive(Debug)]
#[must_use = "a body does nothing unless polled"]
pub struct VerifiedBody<B> {
    kind: Kind<B>,
}

#[derive(Debug)]
enum Kind<B> {
    Full(Option<Bytes>),
    Plain(B),
    // Boxed: both are large, and the small variants are the common case.
    Hashed(Box<Hashed<B>>),
    Chunked(Box<VerifyingBody<B>>),
}

/// A body checked against its signed SHA-256 as it streams.
#[derive(Debug)]
struct Hashed<B> {
    inner: B,
    /// `None` once the check ran.
    check: Option<PayloadCheck>,
    /// The latest data frame, released only when the next one arrives or the check passes.
    held: Option<Bytes>,
    /// The inner body's HTTP trailers, released after the last data frame.
    trailers: Option<HeaderMap>,
    /// A failure to yield next.
    error: Option<BoxError>,
    /// The inner body has ended (or failed): poll it no further.
    ended: bool,
}

impl<B> VerifiedBody<B> {
    /// A body that was read whole and checked.
    pub(crate) fn full(bytes: Bytes) -> Self {
        Self { kind: Kind::Full(Some(bytes).filter(|b| !b.is_empty())) }
    }

    /// A body whose payload is not signed.
    pub(crate) fn unsigned(inner: B) -> Self {
        Self { kind: Kind::Plain(inner) }
    }

    /// A body checked against its signed hash as it streams.
    pub(crate) fn hashed(inner: B, check: PayloadCheck) -> Self {
        Self {
            kind: Kind::Hashed(Box::new(Hashed {
                inner,
                check: Some(check),
                held: None,
                trailers: None,
                error: None,
                ended: false,
            })),
        }
    }

    /// A decoded `aws-chunked` body.
    pub(crate) fn chunked(inner: VerifyingBody<B>) -> Self {
        Self { kind: Kind::Chunked(Box::new(inner)) }
    }
}

impl<B> Hashed<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    /// Runs the check at the end of the inner body.
    fn end(&mut self) {
        self.ended = true;
        if let Some(check) = self.check.take()
            && let Err(e) = check.finish()
        {
            self.held = None;
            self.trailers = None;
            self.error = Some(Box::new(e));
        }
    }

    fn poll_frame(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        loop {
            if let Some(e) = self.error.take() {
                return Poll::Ready(Some(Err(e)));
            }
            if self.ended {
                if let Some(data) = self.held.take() {
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                return Poll::Ready(self.trailers.take().map(|t| Ok(Frame::trailers(t))));
            }
            match ready!(Pin::new(&mut self.inner).poll_frame(cx)) {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) => {
                        if let Some(check) = &mut self.check {
                            check.update(&data);
                        }
                        if data.is_empty() {
                            continue;
                        }
                        if let Some(previous) = self.held.replace(data) {
                            return Poll::Ready(Some(Ok(Frame::data(previous))));
                        }
                    }
                    Err(frame) => {
                        if let Ok(trailers) = frame.into_trailers() {
                            self.trailers = Some(trailers);
                            self.end();
                        }
                    }
                },
                Some(Err(e)) => {
                    self.ended = true;
                    self.check = None;
                    self.held = None;
                    return Poll::Ready(Some(Err(e.into())));
                }
                None => self.end(),
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.ended && self.error.is_none() && self.held.is_none() && self.trailers.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        if self.is_end_stream() {
            return SizeHint::with_exact(0);
        }
        let held = self.held.as_ref().map_or(0, |b| b.len() as u64);
        let inner = if self.ended { SizeHint::with_exact(0) } else { self.inner.size_hint() };
        let mut hint = SizeHint::new();
        hint.set_lower(inner.lower().saturating_add(held));
        if let Some(upper) = inner.upper() {
            hint.set_upper(upper.saturating_add(held));
        }
        hint
    }
}

impl<B> Body for VerifiedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.get_mut().kind {
            Kind::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::Plain(inner) => Pin::new(inner).poll_frame(cx).map_err(Into::into),
            Kind::Hashed(hashed) => hashed.poll_frame(cx),
            Kind::Chunked(inner) => Pin::new(&mut **inner).poll_frame(cx).map_err(|e| match e {
                crate::chunked::VerifyBodyError::Inner(e) => e.into(),
                crate::chunked::VerifyBodyError::Verify(e) => Box::new(e) as BoxError,
            }),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Full(bytes) => bytes.is_none(),
            Kind::Plain(inner) => inner.is_end_stream(),
            Kind::Hashed(hashed) => hashed.is_end_stream(),
            Kind::Chunked(inner) => inner.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Plain(inner) => inner.size_hint(),
            Kind::Hashed(hashed) => hashed.size_hint(),
            Kind::Chunked(inner) => inner.size_hint(),
        }
    }
}

/// Whether an error from a [`VerifiedBody`] is a verification failure, and which.
///
/// ```
/// use sigv4_kit::verify::{ErrorCode, VerifyError};
/// let err: sigv4_kit::tower::BoxError = Box::new(VerifyError::new(ErrorCode::IncompleteBody, "cut short"));
/// assert_eq!(sigv4_kit::tower::verify_error(&*err).map(|e| e.code()), Some("IncompleteBody"));
/// ```
pub fn verify_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a VerifyError> {
    err.downcast_ref::<VerifyError>()
}
