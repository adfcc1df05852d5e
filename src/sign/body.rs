//! [`SigningBody`] frames and signs an outgoing body; [`VerifyingBody`](crate::verify::VerifyingBody) verifies an incoming one
//! and yields only checked bytes.
//!
//! Both wrap a body that is [`Unpin`], so they need no pin projection and no `unsafe`. Any
//! body becomes `Unpin` behind `Box::pin(body)`; hyper's `Incoming`, `Full` and most others
//! already are.

use core::pin::Pin;
use core::task::{Context, Poll, ready};

use bytes::Bytes;
use http::HeaderMap;
use http_body::{Body, Frame};

use crate::chunked::{ChunkedEncoder, for_each_slice};

/// An outgoing body framed as `aws-chunked` by a [`ChunkedEncoder`]: each data frame holds the
/// chunks completed by the inner body's frames, and the end of the inner body yields the last
/// chunk, the final empty chunk and the trailer.
///
/// The encoder comes from [`SigV4Signer::sign_chunked`](crate::sign::SigV4Signer::sign_chunked),
/// which also sets the request's `Content-Length` to the encoded length. HTTP trailers of the
/// inner body are passed through after the final chunk; the `aws-chunked` trailer (the
/// checksum) is part of the body bytes. If the inner body fails, its error is passed on and the
/// body ends without a final chunk, so a truncated upload never looks complete.
///
/// ```
/// use std::future::Future;
/// use std::pin::pin;
/// use std::task::{Context, Poll, Waker};
///
/// use http_body_util::{BodyExt, Full};
/// use sigv4_kit::chunked::{ChunkedOptions, StreamingMode};
/// use sigv4_kit::sign::{SigV4Signer, SigningBody, SigningSettings};
/// use sigv4_kit::verify::{MemoryProvider, PayloadState, Principal, PrincipalKind, Verifier, VerifierConfig, VerifyingBody};
/// use sigv4_kit::{AmzDate, Credentials, FixedClock};
///
/// /// Drives a future that never waits (every body here is in memory): no runtime needed.
/// fn block_on<F: Future>(future: F) -> F::Output {
///     let mut future = pin!(future);
///     let mut cx = Context::from_waker(Waker::noop());
///     loop {
///         if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
///             return out;
///         }
///     }
/// }
///
/// let t: AmzDate = "20130524T000000Z".parse()?;
/// let signer = SigV4Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-east-1", "s3")
///     .with_settings(SigningSettings::s3())
///     .with_clock(FixedClock::new(t));
/// let payload = bytes::Bytes::from(vec![b'a'; 100_000]);
/// let (mut parts, ()) = http::Request::put("https://bucket.s3.amazonaws.com/key").body(())?.into_parts();
/// let options = ChunkedOptions::new(StreamingMode::SignedPayload);
/// let encoder = signer.sign_chunked(&mut parts, payload.len() as u64, &options)?;
///
/// // The client sends the framed body.
/// let outgoing = SigningBody::new(Full::new(payload.clone()), encoder);
/// let wire = block_on(outgoing.collect())?.to_bytes();
/// assert_eq!(parts.headers["content-length"], wire.len().to_string().as_str());
///
/// // The gateway verifies the headers, then wraps the incoming body.
/// let provider = MemoryProvider::new().with_key("AKIDEXAMPLE", "secret", Principal::new("1", "arn:aws:iam::1:user/u", PrincipalKind::IamUser));
/// let verifier = Verifier::new(VerifierConfig::new(["s3"]).with_s3_rules()).with_clock(FixedClock::new(t));
/// let verified = verifier.begin(&parts)?.finish(provider.get("AKIDEXAMPLE"), None)?;
/// let PayloadState::Streaming(stream) = verified.payload else { return Err("not streaming".into()) };
/// let incoming = VerifyingBody::from_payload(Full::new(wire), stream);
/// let decoded = block_on(incoming.collect())?.to_bytes();
/// assert_eq!(decoded, payload);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
