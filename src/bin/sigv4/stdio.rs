//! Standard input and output: the raw request in, the command's result out.

use std::io::{Read, Write};
use std::path::Path;

use sigv4_kit::raw::RawRequest;

use crate::error::CliError;

/// Reads and parses the request from `file`, or from stdin for `None` or `-`.
pub(crate) fn read_request(file: Option<&Path>) -> Result<RawRequest, CliError> {
    let mut bytes = Vec::new();
    match file {
        Some(path) if path != Path::new("-") => {
            bytes = std::fs::read(path).map_err(|e| CliError::new(format_args!("cannot read {path:?}"), e))?;
        }
        _ => {
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::new("cannot read standard input", e))?;
        }
    }
    RawRequest::parse(&bytes).map_err(|e| CliError::new("cannot parse request", e))
}

/// Writes `bytes` to stdout and flushes.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush()).map_err(|e| CliError::new("cannot write standard output", e))
}
