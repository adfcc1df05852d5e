//! [`VerifiedBody`]: the request body the inner service reads, made only of verified bytes.

use core::pin::Pin;
use core::task::{Context, Poll, ready};

use bytes::Bytes;
use http::HeaderMap;
use http_body::{Body, Frame, SizeHint};

use crate::verify::VerifyingBody;
use crate::verify::{PayloadCheck, VerifyError};

/// The error type of [`VerifiedBody`]: the transport's error, or a [`VerifyError`] (downcast
/// to tell them apart) when the body does not match its signature.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body of a request that [`SigV4Auth`](super::SigV4Auth) verified.
///
/// Depending on how the request was signed, it is:
/// - the whole body, already read and checked against its signed hash;
/// - the body as it arrives, for `UNSIGNED-PAYLOAD`;
/// - the body as it arrives, hashed on the way: its last data frame is held back until the end
///   of the stream shows that the hash matches, and a mismatch ends it with an error instead, so
///   the inner service never sees a complete body that was not signed;
/// - an `aws-chunked` body decoded by a [`VerifyingBody`]: only the payload of chunks whose
///   signatures were verified, with the last data frame held back likewise until the final
///   chunk and the trailing checksum are verified.
///
/// Errors are `Box<dyn std::error::Error + Send + Sync>`; a verification failure downcasts to
/// [`VerifyError`].
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
    Hashed(Box<HoldLast<Hashing<B>>>),
    Chunked(Box<HoldLast<VerifyingBody<B>>>),
}

/// Where a [`HoldLast`] reads its frames: a body whose failure is a [`BoxError`].
trait Source {
    fn poll_source(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>>;
    fn source_hint(&self) -> SizeHint;
}

/// A body checked against its signed SHA-256 as it streams: it fails instead of ending when
/// the hash does not match.
#[derive(Debug)]
struct Hashing<B> {
    inner: B,
    /// `None` once the check ran.
    check: Option<PayloadCheck>,
}

impl<B> Hashing<B> {
    /// The end of the body: the check's verdict.
    fn verdict(&mut self) -> Result<(), BoxError> {
        match self.check.take() {
            Some(check) => check.finish().map_err(|e| Box::new(e) as BoxError),
            None => Ok(()),
        }
    }
}

impl<B> Source for Hashing<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    fn poll_source(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if self.check.is_none() {
            return Poll::Ready(None);
        }
        match ready!(Pin::new(&mut self.inner).poll_frame(cx)) {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref()
                    && let Some(check) = &mut self.check
                {
                    check.update(data);
                } else if frame.is_trailers() {
                    // HTTP trailers end the body.
                    return Poll::Ready(Some(self.verdict().map(|()| frame)));
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Some(Err(e)) => {
                self.check = None;
                Poll::Ready(Some(Err(e.into())))
            }
            None => Poll::Ready(self.verdict().err().map(Err)),
        }
    }

    fn source_hint(&self) -> SizeHint {
        if self.check.is_none() { SizeHint::with_exact(0) } else { self.inner.size_hint() }
    }
}

impl<B> Source for VerifyingBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    fn poll_source(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        Pin::new(self).poll_frame(cx).map_err(|e| match e {
            crate::verify::VerifyBodyError::Inner(e) => e.into(),
            crate::verify::VerifyBodyError::Verify(e) => Box::new(e) as BoxError,
        })
    }

    fn source_hint(&self) -> SizeHint {
        self.size_hint()
    }
}

/// Holds back the latest data frame of a [`Source`] until the next one arrives or the source
/// ends cleanly, so that a body whose end fails verification is never seen whole: a consumer
/// that stops at `Content-Length` (a proxy's client, say) cannot mistake it for complete.
#[derive(Debug)]
struct HoldLast<S> {
    source: S,
    held: Option<Bytes>,
    trailers: Option<HeaderMap>,
    /// The source has ended cleanly: release what is held, then end.
    ended: bool,
    /// The source failed: end without releasing anything more.
    failed: bool,
}

impl<S: Source> HoldLast<S> {
    fn new(source: S) -> Self {
        Self { source, held: None, trailers: None, ended: false, failed: false }
    }

    fn poll_frame(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        loop {
            if self.failed {
                return Poll::Ready(None);
            }
            if self.ended {
                if let Some(data) = self.held.take() {
                    return Poll::Ready(Some(Ok(Frame::data(data))));
                }
                return Poll::Ready(self.trailers.take().map(|t| Ok(Frame::trailers(t))));
            }
            match ready!(self.source.poll_source(cx)) {
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) if data.is_empty() => {}
                    Ok(data) => {
                        if let Some(previous) = self.held.replace(data) {
                            return Poll::Ready(Some(Ok(Frame::data(previous))));
                        }
                    }
                    Err(frame) => {
                        if let Ok(trailers) = frame.into_trailers() {
                            self.trailers = Some(trailers);
                        }
                    }
                },
                Some(Err(e)) => {
                    self.failed = true;
                    self.held = None;
                    self.trailers = None;
                    return Poll::Ready(Some(Err(e)));
                }
                None => self.ended = true,
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.failed || (self.ended && self.held.is_none() && self.trailers.is_none())
    }

    fn size_hint(&self) -> SizeHint {
        if self.is_end_stream() {
            return SizeHint::with_exact(0);
        }
        let held = self.held.as_ref().map_or(0, |b| b.len() as u64);
        let inner = if self.ended { SizeHint::with_exact(0) } else { self.source.source_hint() };
        let mut hint = SizeHint::new();
        hint.set_lower(inner.lower().saturating_add(held));
        if let Some(upper) = inner.upper() {
            hint.set_upper(upper.saturating_add(held));
        }
        hint
    }
}

impl<B> VerifiedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
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
        Self { kind: Kind::Hashed(Box::new(HoldLast::new(Hashing { inner, check: Some(check) }))) }
    }

    /// A decoded `aws-chunked` body.
    pub(crate) fn chunked(inner: VerifyingBody<B>) -> Self {
        Self { kind: Kind::Chunked(Box::new(HoldLast::new(inner))) }
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
            Kind::Hashed(body) => body.poll_frame(cx),
            Kind::Chunked(body) => body.poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Full(bytes) => bytes.is_none(),
            Kind::Plain(inner) => inner.is_end_stream(),
            Kind::Hashed(body) => body.is_end_stream(),
            Kind::Chunked(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Plain(inner) => inner.size_hint(),
            Kind::Hashed(body) => body.size_hint(),
            Kind::Chunked(body) => body.size_hint(),
        }
    }
}

/// Whether an error from a [`VerifiedBody`] is a verification failure, and which.
///
/// ```
/// use sigv4_kit::verify::{ErrorCode, VerifyError};
/// let err: Box<dyn std::error::Error + Send + Sync> = Box::new(VerifyError::new(ErrorCode::IncompleteBody, "cut short"));
/// assert_eq!(sigv4_kit::tower::verify_error(&*err).map(|e| e.code()), Some(ErrorCode::IncompleteBody));
/// ```
pub fn verify_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a VerifyError> {
    err.downcast_ref::<VerifyError>()
}
