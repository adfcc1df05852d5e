//! `--chunked`: an `aws-chunked` streaming upload, the body framed in signed chunks.
//!
//! The request's head gets the headers of [`ChunkedOptions::headers`] (an existing header of the
//! same name is replaced in place; the others are appended), the head is signed with the
//! streaming payload line and a signed `x-amz-content-sha256`, and the body is then encoded by
//! the chunk encoder that continues from that (seed) signature.

use sigv4_kit::AmzDate;
use sigv4_kit::chunked::{ChecksumAlgorithm, ChunkedOptions, StreamingMode};
use sigv4_kit::raw::RawRequest;
use sigv4_kit::sign::{SigV4Signer, SigningOutput};

use crate::error::CliError;
use crate::job::SigningArgs;

/// The chunked options the flags ask for; `None` without `--chunked`.
pub(crate) fn options(s: &SigningArgs) -> Result<Option<ChunkedOptions>, CliError> {
    let Some(size) = s.chunked else {
        if s.trailer.is_some() {
            return Err(CliError("--trailer needs --chunked".to_owned()));
        }
        return Ok(None);
    };
    if size == 0 {
        return Err(CliError("invalid --chunked 0: the chunk size must be at least 1 byte".to_owned()));
    }
    if s.presign.is_some() {
        return Err(CliError(
            "--chunked cannot be used with --presign: an aws-chunked body needs header signing".to_owned(),
        ));
    }
    let trailer = match s.trailer.as_deref() {
        Some(name) => Some(
            name.parse::<ChecksumAlgorithm>()
                .map_err(|e| CliError::new(format_args!("invalid --trailer {name:?}"), e))?,
        ),
        None => None,
    };
    let mode = match (trailer.is_some(), s.unsigned_payload) {
        (false, false) => StreamingMode::SignedPayload,
        (true, false) => StreamingMode::SignedPayloadTrailer,
        (true, true) => StreamingMode::UnsignedPayloadTrailer,
        (false, true) => {
            return Err(CliError(
                "--unsigned-payload with --chunked needs --trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER)".to_owned(),
            ));
        }
    };
    let options = ChunkedOptions::new(mode).with_chunk_size(size);
    Ok(Some(match trailer {
        Some(t) => options.with_trailer(t),
        None => options,
    }))
}

/// Splits `raw` into its head, with the `aws-chunked` headers for its body, and the body.
pub(crate) fn head(mut raw: RawRequest, options: &ChunkedOptions) -> (RawRequest, Vec<u8>) {
    let body = raw.take_body();
    for (name, value) in options.headers(body.len() as u64) {
        raw.set_header(name, &value);
    }
    (raw, body)
}

/// Appends `body` encoded as `aws-chunked` to `out`, its chunk signatures chained from the
/// signature of `seed`, the head signed at `time`.
pub(crate) fn encode(
    signer: &SigV4Signer,
    seed: &SigningOutput,
    time: AmzDate,
    options: &ChunkedOptions,
    body: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), CliError> {
    let mut encoder = signer.chunk_encoder(seed, time, options).map_err(|e| CliError::new("cannot sign", e))?;
    let len = sigv4_kit::chunked::ChunkedEncoder::encoded_len(
        options.mode,
        body.len() as u64,
        options.chunk_size,
        options.trailer,
    );
    out.reserve(usize::try_from(len).unwrap_or(0));
    encoder.push(body, out);
    encoder.finish(out);
    Ok(())
}
