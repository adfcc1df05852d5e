//! `sigv4 sign`: prints the signed request, byte for byte (with `--chunked`, its head signed and
//! its body encoded as `aws-chunked` after it).

use crate::chunked;
use crate::error::CliError;
use crate::job::{Job, RequestArgs};
use crate::stdio::{read_request, write_stdout};

/// Runs `sign`: prints the signed request.
pub(crate) fn run(args: &RequestArgs) -> Result<(), CliError> {
    let raw = read_request(args.file.as_deref())?;
    let job = Job::new(args, &raw)?;
    // With --chunked, the head is signed and the input's body is encoded after it.
    let (mut head, chunked_body) = match &job.chunked {
        Some(options) => {
            let (head, body) = chunked::head(raw, options);
            (head, Some((options, body)))
        }
        None => (raw, None),
    };
    let output =
        job.signer.sign_at(&head.signable(), &job.payload, job.time).map_err(|e| CliError::new("cannot sign", e))?;
    head.apply(&output);
    let mut bytes = head.to_bytes();
    if let Some((options, body)) = chunked_body {
        chunked::encode(&job.signer, &output, job.time, options, &body, &mut bytes)?;
    }
    write_stdout(&bytes)
}
