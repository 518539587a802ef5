//! The binary's errors, handled once in `main`: each kind has its exit code (0 ok, 1 invalid
//! rules or input or a failed evaluation, 2 usage or I/O), and a closed pipe on stdout ends the
//! run quietly with 0, as ripgrep does (`rg … | head` is not an error).

use cpts_funding::diagnostic::{Code, Diagnostic, Location};
use cpts_funding::eval::EvalError;
use std::io;
use std::process::ExitCode;

#[derive(Debug)]
pub enum CliError {
    /// A bad argument (exit 2).
    Usage(Diagnostic),
    /// An input or output file that cannot be read or written (exit 2).
    Io(Diagnostic),
    /// Invalid rules or input, or an evaluation that could not be done (exit 1): the
    /// diagnostics, and the text they point into (for the snippet).
    Invalid(Vec<Diagnostic>, Option<String>),
    /// What went wrong was already reported (a batch's records); exit with this code.
    Reported(u8),
    /// Standard output could not be written.
    Output(io::Error),
}

impl CliError {
    /// A bad value for `flag`.
    pub fn usage(flag: &str, message: impl Into<String>) -> CliError {
        CliError::Usage(Diagnostic::error(Code::E0002, message, Location::file(flag)))
    }

    /// A bad value for `flag`, with the library's own code (a bad date is E0205 wherever it is).
    pub fn usage_code(code: Code, flag: &str, message: impl Into<String>) -> CliError {
        CliError::Usage(Diagnostic::error(code, message, Location::file(flag)))
    }

    /// `path` cannot be read.
    pub fn unreadable(path: &str, e: &io::Error) -> CliError {
        CliError::Io(Diagnostic::error(
            Code::E0001,
            format!("cannot read {path}: {e}"),
            Location::file(path),
        ))
    }

    /// `path` cannot be written.
    pub fn unwritable(path: &str, e: &io::Error) -> CliError {
        CliError::Io(Diagnostic::error(
            Code::E0003,
            format!("cannot write {path}: {e}"),
            Location::file(path),
        ))
    }

    /// An evaluation error about `file`.
    pub fn eval(e: &EvalError, file: &str) -> CliError {
        CliError::Invalid(vec![e.to_diagnostic(file)], None)
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            CliError::Usage(_) | CliError::Io(_) => 2,
            CliError::Invalid(..) => 1,
            CliError::Reported(code) => *code,
            CliError::Output(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
            CliError::Output(_) => 2,
        })
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> CliError {
        CliError::Output(e)
    }
}
