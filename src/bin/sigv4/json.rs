//! JSON output: a `serde_json` value on one line, with a space after every `:` and `,`
//! (`{"verified": true, "algorithm": "AWS4-HMAC-SHA256", …}`), the layout `sigv4 verify` prints.

use std::io;

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::{Formatter, Serializer};

use crate::error::CliError;
use crate::stdio::write_stdout;

/// Prints `value` and a newline.
pub(crate) fn print(value: &Value) -> Result<(), CliError> {
    let mut out = Vec::new();
    value
        .serialize(&mut Serializer::with_formatter(&mut out, Spaced))
        .map_err(|e| CliError::new("cannot write JSON", e))?;
    out.push(b'\n');
    write_stdout(&out)
}

/// Compact JSON with `": "` between a key and its value and `", "` between elements.
struct Spaced;

impl Formatter for Spaced {
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { writer.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { writer.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }
}
