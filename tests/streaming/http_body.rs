//! The `http-body` adapters: [`SigningBody`] produces exactly the encoder's bytes, whatever the
//! inner body's frame sizes; [`VerifyingBody`] gives back the payload from the encoded bytes in
//! odd frame sizes, yields only verified chunks before a tampered one, and fails a truncated
//! stream. Inner bodies here return `Pending` every other poll, and a no-op-waker loop drives
//! them (no runtime).

#![cfg(feature = "http-body")]

use crate::block_on::block_on;
use crate::frames::{Broken, Frames};
use bytes::Bytes;
use http::HeaderMap;
use http_body::{Body, Frame};
use http_body_util::{BodyExt, Full};
use sigv4_kit::chunked::{ChecksumAlgorithm, ChunkedOptions, StreamingMode};
use sigv4_kit::sign::SigningBody;
use sigv4_kit::sign::{SigV4Signer, SigningSettings};
use sigv4_kit::verify::{ErrorCode, MemoryProvider, PayloadState, Principal, PrincipalKind, StreamingPayload};
use sigv4_kit::verify::{Verifier, VerifierConfig};
use sigv4_kit::verify::{VerifyBodyError, VerifyingBody};
use sigv4_kit::{AmzDate, Credentials, FixedClock};

const CHUNK_SIZE: usize = 8192;
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// Frame sizes that straddle chunk headers, signatures and CRLFs.
const ODD_SIZES: &[usize] = &[1, 2, 3, 7, 13, 64, 85, 86, 1000, 4093, 8191, 8192, 8193, 9999];

fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn time() -> AmzDate {
    "20130524T000000Z".parse().unwrap()
}

fn signer() -> SigV4Signer {
    SigV4Signer::new(Credentials::new("AKIDEXAMPLE", SECRET), "us-east-1", "s3")
        .with_settings(SigningSettings::s3())
        .with_clock(FixedClock::new(time()))
}

fn request_parts() -> http::request::Parts {
    http::Request::put("https://examplebucket.s3.amazonaws.com/chunkObject.txt").body(()).unwrap().into_parts().0
}

fn options(mode: StreamingMode) -> ChunkedOptions {
    let options = ChunkedOptions::new(mode).with_chunk_size(CHUNK_SIZE);
    if mode.has_trailer() { options.with_trailer(ChecksumAlgorithm::Crc32c) } else { options }
}

/// Signs the request and frames `body` through a [`SigningBody`] over odd-sized frames;
/// checks the result against the encoder's own output and `Content-Length`.
fn sign(mode: StreamingMode, body: &[u8]) -> (http::request::Parts, Bytes) {
    let options = options(mode);
    let mut parts = request_parts();
    let encoder = signer().sign_chunked(&mut parts, body.len() as u64, &options).unwrap();
    let signing = SigningBody::new(Frames::split(body, ODD_SIZES), encoder);
    assert!(!signing.is_end_stream());
    let wire = block_on(signing.collect()).unwrap().to_bytes();

    let mut again = request_parts();
    let mut encoder = signer().sign_chunked(&mut again, body.len() as u64, &options).unwrap();
    assert_eq!(again.headers, parts.headers, "a fixed clock signs the same way twice");
    let mut expected = Vec::new();
    encoder.push(body, &mut expected);
    encoder.finish(&mut expected);
    assert_eq!(wire, expected, "{mode:?}");
    assert_eq!(parts.headers["content-length"], wire.len().to_string().as_str());
    (parts, wire)
}

fn streaming(parts: &http::request::Parts) -> StreamingPayload {
    let provider = MemoryProvider::new().with_key(
        "AKIDEXAMPLE",
        SECRET,
        Principal::new("111122223333", "arn:aws:iam::111122223333:user/u", PrincipalKind::IamUser),
    );
    let verifier = Verifier::new(VerifierConfig::new(["s3"]).with_s3_rules()).with_clock(FixedClock::new(time()));
    let verified = verifier.begin(parts).unwrap().finish(provider.get("AKIDEXAMPLE"), None).unwrap();
    match verified.payload {
        PayloadState::Streaming(stream) => stream,
        other => panic!("not streaming: {other:?}"),
    }
}

/// Polls `body` to its end; returns the data yielded and the error it ended with, if any.
fn drain<B: Body<Data = Bytes> + Unpin>(mut body: B) -> (Vec<u8>, Vec<HeaderMap>, Option<B::Error>) {
    let mut data = Vec::new();
    let mut trailers = Vec::new();
    loop {
        match block_on(body.frame()) {
            None => return (data, trailers, None),
            Some(Err(e)) => {
                assert!(block_on(body.frame()).is_none(), "an error ends the body");
                return (data, trailers, Some(e));
            }
            Some(Ok(frame)) => match frame.into_data() {
                Ok(bytes) => {
                    assert!(!bytes.is_empty(), "no empty data frames");
                    data.extend_from_slice(&bytes);
                }
                Err(frame) => trailers.push(frame.into_trailers().unwrap()),
            },
        }
    }
}

fn verify_code<E: std::fmt::Debug>(error: Option<VerifyBodyError<E>>) -> ErrorCode {
    match error {
        Some(VerifyBodyError::Verify(e)) => e.code(),
        other => panic!("expected a verification error, got {other:?}"),
    }
}

const MODES: [StreamingMode; 3] =
    [StreamingMode::SignedPayload, StreamingMode::SignedPayloadTrailer, StreamingMode::UnsignedPayloadTrailer];

#[test]
fn round_trip_in_every_mode_and_length() {
    for mode in MODES {
        for len in [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, 5 * CHUNK_SIZE + 1234] {
            let body = payload(len);
            let (parts, wire) = sign(mode, &body);
            assert_eq!(streaming(&parts).decoded_length(), len as u64);
            for sizes in [ODD_SIZES, &[1], &[wire.len()]] {
                let verifying = VerifyingBody::from_payload(Frames::split(&wire, sizes), streaming(&parts));
                assert_eq!(verifying.size_hint().upper(), Some(len as u64));
                assert_eq!(verifying.size_hint().lower(), 0);
                let (data, trailers, error) = drain(verifying);
                assert!(error.is_none(), "{mode:?} {len} {sizes:?}: {error:?}");
                assert!(trailers.is_empty());
                assert!(data == body, "{mode:?} {len} {sizes:?}");
            }
        }
    }
}

#[test]
fn collects_with_body_ext_and_exposes_the_aws_chunked_trailer() {
    let body = payload(3 * CHUNK_SIZE + 17);
    let (parts, wire) = sign(StreamingMode::SignedPayloadTrailer, &body);
    let mut verifying = VerifyingBody::from_payload(Frames::split(&wire, &[5, 8190, 77]), streaming(&parts));
    let mut collected = Vec::new();
    while let Some(frame) = block_on(verifying.frame()) {
        collected.extend_from_slice(&frame.unwrap().into_data().unwrap());
        assert!(verifying.size_hint().upper().unwrap() == (body.len() - collected.len()) as u64);
    }
    assert_eq!(collected, body);
    assert!(verifying.is_end_stream());
    assert_eq!(verifying.size_hint().exact(), Some(0));
    assert!(verifying.decoder().is_done());
    let names: Vec<&str> = verifying.decoder().trailers().iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["x-amz-checksum-crc32c"]);

    // The same through `collect`, over a `Full` body.
    let verifying = VerifyingBody::from_payload(Full::new(wire), streaming(&parts));
    assert_eq!(block_on(verifying.collect()).unwrap().to_bytes(), body);
}

#[test]
fn tampered_chunk_yields_only_the_chunks_before_it() {
    let body = payload(4 * CHUNK_SIZE);
    for mode in MODES {
        let (parts, wire) = sign(mode, &body);
        // A byte in the third chunk's data: the first two chunks are intact.
        let header_len = wire.iter().position(|&b| b == b'\n').unwrap() + 1;
        let frame_len = header_len + CHUNK_SIZE + 2;
        let mut tampered = wire.to_vec();
        tampered[2 * frame_len + header_len + 100] ^= 0x01;
        for sizes in [ODD_SIZES, &[tampered.len()]] {
            let verifying = VerifyingBody::from_payload(Frames::split(&tampered, sizes), streaming(&parts));
            let (data, _, error) = drain(verifying);
            let code = verify_code(error);
            if mode.is_signed() {
                assert_eq!(code, ErrorCode::SignatureDoesNotMatch, "{mode:?} {sizes:?}");
                assert!(data == body[..2 * CHUNK_SIZE], "{mode:?} {sizes:?}: {} bytes", data.len());
            } else {
                // Unsigned chunks are released as they come; the trailing checksum catches it.
                assert_eq!(code, ErrorCode::XAmzContentChecksumMismatch, "{sizes:?}");
            }
        }
    }
}

#[test]
fn tampered_chunk_signature_releases_nothing() {
    let body = payload(2 * CHUNK_SIZE + 1);
    let (parts, wire) = sign(StreamingMode::SignedPayload, &body);
    let mut tampered = wire.to_vec();
    // The first chunk signature's last hex digit.
    let eol = tampered.iter().position(|&b| b == b'\r').unwrap();
    tampered[eol - 1] = if tampered[eol - 1] == b'0' { b'1' } else { b'0' };
    let (data, _, error) = drain(VerifyingBody::from_payload(Full::new(Bytes::from(tampered)), streaming(&parts)));
    assert_eq!(verify_code(error), ErrorCode::SignatureDoesNotMatch);
    assert!(data.is_empty());
}

#[test]
fn truncated_stream_is_incomplete() {
    let body = payload(3 * CHUNK_SIZE);
    let (parts, wire) = sign(StreamingMode::SignedPayload, &body);
    for cut in [0, 1, wire.len() / 2, wire.len() - 2, wire.len() - 1] {
        let verifying = VerifyingBody::from_payload(Frames::split(&wire[..cut], ODD_SIZES), streaming(&parts));
        let (data, _, error) = drain(verifying);
        assert_eq!(verify_code(error), ErrorCode::IncompleteBody, "cut at {cut}");
        assert!(body.starts_with(&data) && data.len() % CHUNK_SIZE == 0, "cut at {cut}");
    }
    // Bytes after the final chunk.
    let mut longer = wire.to_vec();
    longer.extend_from_slice(b"0\r\n");
    let (data, _, error) = drain(VerifyingBody::from_payload(Full::new(Bytes::from(longer)), streaming(&parts)));
    assert_eq!(verify_code(error), ErrorCode::InvalidRequest);
    assert_eq!(data, body);
}

#[test]
fn transport_errors_pass_through() {
    let body = payload(2 * CHUNK_SIZE);
    let (parts, wire) = sign(StreamingMode::SignedPayload, &body);
    let inner = Frames::split(&wire[..wire.len() / 2], ODD_SIZES).with(Err(Broken));
    let (data, _, error) = drain(VerifyingBody::from_payload(inner, streaming(&parts)));
    assert!(matches!(error, Some(VerifyBodyError::Inner(Broken))));
    assert_eq!(data, body[..CHUNK_SIZE]);

    // A signing body passes the error on and never writes the final chunk after it.
    let mut parts = request_parts();
    let encoder = signer().sign_chunked(&mut parts, body.len() as u64, &options(StreamingMode::SignedPayload)).unwrap();
    let inner = Frames::split(&body[..CHUNK_SIZE + 10], ODD_SIZES).with(Err(Broken));
    let (framed, _, error) = drain(SigningBody::new(inner, encoder));
    assert_eq!(error, Some(Broken));
    let header_len = framed.iter().position(|&b| b == b'\n').unwrap() + 1;
    assert_eq!(framed.len(), header_len + CHUNK_SIZE + 2, "one complete chunk, nothing more");
}

#[test]
fn http_trailers_pass_through_after_the_stream_is_checked() {
    let body = payload(CHUNK_SIZE + 3);
    let mut http_trailers = HeaderMap::new();
    http_trailers.insert("x-extra", http::HeaderValue::from_static("1"));

    // Signing: the trailers follow the final chunk.
    let options = options(StreamingMode::SignedPayload);
    let mut parts = request_parts();
    let encoder = signer().sign_chunked(&mut parts, body.len() as u64, &options).unwrap();
    let inner = Frames::split(&body, ODD_SIZES).with(Ok(Frame::trailers(http_trailers.clone())));
    let (wire, trailers, error) = drain(SigningBody::new(inner, encoder));
    assert!(error.is_none());
    assert_eq!(trailers, [http_trailers.clone()]);
    assert!(wire.ends_with(b"\r\n\r\n"));

    // Verifying: passed on when the stream is complete.
    let inner = Frames::split(&wire, ODD_SIZES).with(Ok(Frame::trailers(http_trailers.clone())));
    let (data, trailers, error) = drain(VerifyingBody::from_payload(inner, streaming(&parts)));
    assert!(error.is_none());
    assert_eq!(data, body);
    assert_eq!(trailers, [http_trailers.clone()]);

    // ... and not when it stopped early.
    let inner = Frames::split(&wire[..wire.len() - 5], ODD_SIZES).with(Ok(Frame::trailers(http_trailers)));
    let (_, trailers, error) = drain(VerifyingBody::from_payload(inner, streaming(&parts)));
    assert_eq!(verify_code(error), ErrorCode::IncompleteBody);
    assert!(trailers.is_empty());
}

#[test]
fn decoder_constructor_and_accessors() {
    let body = payload(100);
    let (parts, wire) = sign(StreamingMode::SignedPayload, &body);
    let mut verifying = VerifyingBody::new(Frames::split(&wire, &[9]), streaming(&parts).decoder());
    assert_eq!(verifying.size_hint().upper(), None, "no length without the payload");
    assert!(!verifying.get_ref().items.is_empty());
    verifying.get_mut().wait = false;
    let (data, _, error) = drain(verifying);
    assert!(error.is_none());
    assert_eq!(data, body);

    let error: VerifyBodyError<Broken> = VerifyBodyError::Inner(Broken);
    assert_eq!(error.to_string(), "connection reset");
    assert!(error.verify_error().is_none());
}
