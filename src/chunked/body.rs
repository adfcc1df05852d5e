//! [`SigningBody`] frames and signs an outgoing body; [`VerifyingBody`] verifies an incoming one
//! and yields only checked bytes.
//!
//! Both wrap a body that is [`Unpin`], so they need no pin projection and no `unsafe`. Any
//! body becomes `Unpin` behind `Box::pin(body)`; hyper's `Incoming`, `Full` and most others
//! already are.
//!
//! ```
//! use std::future::Future;
//! use std::pin::pin;
//! use std::task::{Context, Poll, Waker};
//!
//! use http_body_util::{BodyExt, Full};
//! use sigv4_kit::chunked::{ChunkedOptions, SigningBody, StreamingMode, VerifyingBody};
//! use sigv4_kit::verify::{MemoryProvider, PayloadState, Principal, PrincipalKind, Verifier, VerifierConfig};
//! use sigv4_kit::{AmzDate, Credentials, FixedClock, SigV4Signer, SigningSettings};
//!
//! /// Drives a future that never waits (every body here is in memory): no runtime needed.
//! fn block_on<F: Future>(future: F) -> F::Output {
//!     let mut future = pin!(future);
//!     let mut cx = Context::from_waker(Waker::noop());
//!     loop {
//!         if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
//!             return out;
//!         }
//!     }
//! }
//!
//! let t: AmzDate = "20130524T000000Z".parse()?;
//! let signer = SigV4Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-east-1", "s3")
//!     .with_settings(SigningSettings::s3())
//!     .with_clock(FixedClock::new(t));
//! let payload = bytes::Bytes::from(vec![b'a'; 100_000]);
//! let (mut parts, ()) = http::Request::put("https://bucket.s3.amazonaws.com/key").body(())?.into_parts();
//! let options = ChunkedOptions::new(StreamingMode::SignedPayload);
//! let encoder = signer.sign_chunked(&mut parts, payload.len() as u64, &options)?;
//!
//! // The client sends the framed body.
//! let outgoing = SigningBody::new(Full::new(payload.clone()), encoder);
//! let wire = block_on(outgoing.collect())?.to_bytes();
//! assert_eq!(parts.headers["content-length"], wire.len().to_string().as_str());
//!
//! // The gateway verifies the headers, then wraps the incoming body.
//! let provider = MemoryProvider::new().with_key("AKIDEXAMPLE", "secret", Principal::new("1", "arn:aws:iam::1:user/u", PrincipalKind::IamUser));
//! let verifier = Verifier::new(VerifierConfig::new(["s3"]).with_s3_rules()).with_clock(FixedClock::new(t));
//! let verified = verifier.begin(&parts)?.finish(provider.get("AKIDEXAMPLE"), None)?;
//! let PayloadState::Streaming(stream) = verified.payload else { return Err("not streaming".into()) };
//! let incoming = VerifyingBody::from_payload(Full::new(wire), stream);
//! let decoded = block_on(incoming.collect())?.to_bytes();
//! assert_eq!(decoded, payload);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use bytes::{Buf, Bytes};
use http::HeaderMap;
use http_body::{Body, Frame, SizeHint};

use super::{ChunkLimits, ChunkedDecoder, ChunkedEncoder};
use crate::verify::{StreamingPayload, VerifyError};

/// Feeds every contiguous slice of `data` to `push`.
fn for_each_slice<E>(mut data: impl Buf, mut push: impl FnMut(&[u8]) -> Result<(), E>) -> Result<(), E> {
    while data.has_remaining() {
        let slice = data.chunk();
        let n = slice.len();
        if n == 0 {
            // A `Buf` that reports bytes but shows none; stop rather than spin.
            break;
        }
        push(slice)?;
        data.advance(n);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Signing.
// ---------------------------------------------------------------------------------------------

/// An outgoing body framed as `aws-chunked` by a [`ChunkedEncoder`]: each data frame holds the
/// chunks completed by the inner body's frames, and the end of the inner body yields the last
/// chunk, the final empty chunk and the trailer.
///
/// The encoder comes from [`SigV4Signer::sign_chunked`](crate::SigV4Signer::sign_chunked),
/// which also sets the request's `Content-Length` to the encoded length. HTTP trailers of the
/// inner body are passed through after the final chunk; the `aws-chunked` trailer (the
/// checksum) is part of the body bytes. If the inner body fails, its error is passed on and the
/// body ends without a final chunk, so a truncated upload never looks complete.
///
/// See the [module documentation](self) for an example.
#[derive(Debug)]
#[must_use = "a body does nothing unless polled"]
pub struct SigningBody<B> {
    inner: B,
    /// `None` once the final chunk was written or the inner body failed.
    encoder: Option<ChunkedEncoder>,
    /// HTTP trailers of the inner body, yielded after the final chunk.
    trailers: Option<HeaderMap>,
}

impl<B> SigningBody<B> {
    /// Frames `inner` with `encoder`.
    pub fn new(inner: B, encoder: ChunkedEncoder) -> Self {
        Self { inner, encoder: Some(encoder), trailers: None }
    }

    /// The inner body.
    pub fn get_ref(&self) -> &B {
        &self.inner
    }

    /// The inner body, mutably.
    pub fn get_mut(&mut self) -> &mut B {
        &mut self.inner
    }

    /// The inner body, dropping the encoder.
    pub fn into_inner(self) -> B {
        self.inner
    }

    /// The last partial chunk, the final chunk and the trailer, once.
    fn finish<E>(&mut self) -> Option<Result<Frame<Bytes>, E>> {
        let encoder = self.encoder.take()?;
        let mut out = Vec::new();
        encoder.finish(&mut out);
        Some(Ok(Frame::data(Bytes::from(out))))
    }
}

impl<B> Body for SigningBody<B>
where
    B: Body + Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = self.get_mut();
        loop {
            let Some(encoder) = this.encoder.as_mut() else {
                return Poll::Ready(this.trailers.take().map(|t| Ok(Frame::trailers(t))));
            };
            let frame = match ready!(Pin::new(&mut this.inner).poll_frame(cx)) {
                Some(Ok(frame)) => frame,
                Some(Err(e)) => {
                    this.encoder = None;
                    this.trailers = None;
                    return Poll::Ready(Some(Err(e)));
                }
                None => return Poll::Ready(this.finish()),
            };
            match frame.into_data() {
                Ok(data) => {
                    let mut out = Vec::new();
                    let Ok(()) = for_each_slice(data, |slice| {
                        encoder.push(slice, &mut out);
                        Ok::<(), core::convert::Infallible>(())
                    });
                    if !out.is_empty() {
                        return Poll::Ready(Some(Ok(Frame::data(Bytes::from(out)))));
                    }
                    // Less than a chunk so far: read on.
                }
                Err(frame) => {
                    if let Ok(trailers) = frame.into_trailers() {
                        // Trailers end the inner body.
                        this.trailers = Some(trailers);
                        return Poll::Ready(this.finish());
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.encoder.is_none() && self.trailers.is_none()
    }
}

// ---------------------------------------------------------------------------------------------
// Verifying.
// ---------------------------------------------------------------------------------------------

/// Why a [`VerifyingBody`] failed.
#[derive(Debug)]
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
/// See the [module documentation](self) for an example.
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
        self.decoder.finish()
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
                        this.pending = Some(e);
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
