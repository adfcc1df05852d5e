//! `sigv4 canonical`: prints the canonical request, a blank line, the string to sign and a
//! newline (with `--chunked`, those of the request's head).

use crate::chunked;
use crate::error::CliError;
use crate::job::{Job, RequestArgs};
use crate::stdio::{read_request, write_stdout};

/// Runs `canonical`: prints the canonical request and the string to sign.
pub(crate) fn run(args: &RequestArgs) -> Result<(), CliError> {
    let mut raw = read_request(args.file.as_deref())?;
    let job = Job::new(args, &raw)?;
    if let Some(options) = &job.chunked {
        raw = chunked::head(raw, options).0;
    }
    let explanation =
        job.signer.explain_at(&raw.signable(), &job.payload, job.time).map_err(|e| CliError::new("cannot sign", e))?;
    let text = format!("{}\n\n{}\n", explanation.canonical_request, explanation.string_to_sign);
    write_stdout(text.as_bytes())
}
