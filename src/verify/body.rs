//! [`VerifyingBody`] verifies an incoming `aws-chunked` body and yields only checked bytes
//! (feature `http-body`); see [`SigningBody`](crate::sign::SigningBody) for an example of both.

use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

use super::{StreamingPayload, VerifyError};
use crate::chunked::{ChunkLimits, ChunkedDecoder, for_each_slice};

/// Why a [`VerifyingBody`] failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum VerifyBodyError<E> {
    /// The inner body (the transport) failed.
    Inner(E),
    /// The `aws-chunked` stream failed verification: answer with
    /// [`VerifyError::status`] and [`VerifyError::to_xml`].
    Verify(VerifyError),
}

impl<E> VerifyBodyError<E> {
    /// The verification error, if this is one.
    pub fn verify_error(&self) -> Option<&VerifyError> {
        match self {
            Self::Inner(_) => None,
            Self::Verify(e) => Some(e),
        }
    }
}

impl<E: fmt::Display> fmt::Display for VerifyBodyError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Inner(e) => fmt::Display::fmt(e, f),
            Self::Verify(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for VerifyBodyError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // Transparent: each variant shows its error's message, so the source is that error's.
        match self {
            Self::Inner(e) => e.source(),
            Self::Verify(e) => e.source(),
        }
    }
}

/// An incoming `aws-chunked` body checked by a [`ChunkedDecoder`] as it streams: each data
/// frame holds only payload bytes of chunks whose signatures were verified.
///
/// When the inner body ends, the decoder must have read the final chunk and the trailer;
/// otherwise the body fails with [`VerifyBodyError::Verify`] (`IncompleteBody`). The first
/// verification error is yielded after the bytes verified before it, and ends the body. HTTP
/// trailers of the inner body are unusual here (the `aws-chunked` trailer is in the body bytes)
/// and are passed through, after the same end-of-stream check. The `aws-chunked` trailers (the
/// checksums) are in [`ChunkedDecoder::trailers`] through [`decoder`](Self::decoder) once the
/// body has ended.
///
/// See [`SigningBody`](crate::sign::SigningBody) for an example of both.
#[derive(Debug)]
#[must_use = "a body does nothing unless polled"]
pub struct VerifyingBody<B> {
    inner: B,
    decoder: ChunkedDecoder,
    /// `x-amz-decoded-content-length`, when known: an upper bound on what is yielded.
    expected_len: Option<u64>,
    /// A verification error to yield after the bytes released before it.
    pending: Option<VerifyError>,
    /// The body has ended (or failed); poll no further.
    done: bool,
}

impl<B> VerifyingBody<B> {
    /// Verifies `inner` with `decoder` (from [`StreamingPayload::decoder`] or
    /// [`StreamingPayload::decoder_with_limits`]). The size hint is unknown; see
    /// [`from_payload`](Self::from_payload).
    pub fn new(inner: B, decoder: ChunkedDecoder) -> Self {
        Self { inner, decoder, expected_len: None, pending: None, done: false }
    }

    /// Verifies `inner` against a verified request's streaming payload, with the default
    /// limits. The size hint's upper bound is the remaining `x-amz-decoded-content-length`.
    pub fn from_payload(inner: B, payload: StreamingPayload) -> Self {
        Self::from_payload_with_limits(inner, payload, ChunkLimits::default())
    }

    /// [`from_payload`](Self::from_payload) with the decoder's `limits`.
    pub fn from_payload_with_limits(inner: B, payload: StreamingPayload, limits: ChunkLimits) -> Self {
        let expected = payload.decoded_length();
        Self { expected_len: Some(expected), ..Self::new(inner, payload.decoder_with_limits(limits)) }
    }

    /// The decoder: its trailers and decoded length.
    pub fn decoder(&self) -> &ChunkedDecoder {
        &self.decoder
    }

    /// The inner body.
    pub fn get_ref(&self) -> &B {
        &self.inner
    }

    /// The inner body, mutably.
    pub fn get_mut(&mut self) -> &mut B {
        &mut self.inner
    }

    /// The inner body, dropping the decoder.
    pub fn into_inner(self) -> B {
        self.inner
    }

    /// The end of the inner body: `Ok` only when the stream was complete.
    fn finish(&mut self) -> Result<(), VerifyError> {
        self.done = true;
        self.decoder.finish().map_err(VerifyError::from)
    }
}

impl<B> Body for VerifyingBody<B>
where
    B: Body + Unpin,
{
    type Data = Bytes;
    type Error = VerifyBodyError<B::Error>;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        loop {
            if let Some(e) = this.pending.take() {
                this.done = true;
                return Poll::Ready(Some(Err(VerifyBodyError::Verify(e))));
            }
            if this.done {
                return Poll::Ready(None);
            }
            let frame = match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                Some(Ok(frame)) => frame,
                Some(Err(e)) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(VerifyBodyError::Inner(e))));
                }
                None => return Poll::Ready(this.finish().err().map(|e| Err(VerifyBodyError::Verify(e)))),
            };
            match frame.into_data() {
                Ok(data) => {
                    let mut out = Vec::new();
                    let decoder = &mut this.decoder;
                    if let Err(e) = for_each_slice(data, |slice| decoder.push(slice, &mut out)) {
                        // Chunks verified before the failure go out first.
                        this.pending = Some(VerifyError::from(e));
                    }
                    if !out.is_empty() {
                        return Poll::Ready(Some(Ok(Frame::data(Bytes::from(out)))));
                    }
                    // No chunk completed yet (or an error is pending): go round.
                }
                Err(frame) => {
                    if let Ok(trailers) = frame.into_trailers() {
                        // HTTP trailers end the inner body: check the stream before passing them on.
                        return Poll::Ready(Some(match this.finish() {
                            Ok(()) => Ok(Frame::trailers(trailers)),
                            Err(e) => Err(VerifyBodyError::Verify(e)),
                        }));
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done && self.pending.is_none()
    }

    /// Unknown, or at most the remaining `x-amz-decoded-content-length` (from
    /// [`from_payload`](Self::from_payload)). The lower bound stays 0: a stream can fail early,
    /// and a client-declared length is no reason to preallocate.
    fn size_hint(&self) -> SizeHint {
        if self.is_end_stream() {
            return SizeHint::with_exact(0);
        }
        let mut hint = SizeHint::new();
        if let Some(expected) = self.expected_len {
            hint.set_upper(expected.saturating_sub(self.decoder.decoded_len()));
        }
        hint
    }
}
