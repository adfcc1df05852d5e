//! The error every subcommand reports on bad input: one line on standard error, exit status 2.

use std::fmt::Display;

/// A failure reported to the user as one line.
#[derive(Debug)]
pub(crate) struct CliError(pub(crate) String);

impl CliError {
    /// `context: cause`.
    pub(crate) fn new(context: impl Display, cause: impl Display) -> Self {
        Self(format!("{context}: {cause}"))
    }

    /// The message with line breaks and other control characters escaped, so that it stays on
    /// one line.
    pub(crate) fn one_line(&self) -> String {
        let mut out = String::with_capacity(self.0.len());
        for c in self.0.chars() {
            if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        out
    }
}
