//! The one printer: results go to standard output (buffered), every message to standard error,
//! and with `--format json` every message — diagnostics, warnings, notes, summaries — is one
//! JSON line, so a program reading stderr never meets free text.

use crate::error::CliError;
use cpts_funding::diagnostic::{
    render_json, render_text, render_with_line, Code, Diagnostic, Location,
};
use serde::Serialize;
use std::io::{self, BufWriter, Stdout, Write};

pub struct Printer {
    json: bool,
    out: BufWriter<Stdout>,
}

/// A message that is not a diagnostic, as a JSON line: `{"severity": "info", "kind": "summary",
/// "message": "…"}` (a warning keeps `"severity": "warning"`).
#[derive(Serialize)]
struct Message<'a> {
    severity: &'a str,
    kind: &'a str,
    message: &'a str,
}

impl Printer {
    pub fn new(json: bool) -> Printer {
        Printer { json, out: BufWriter::with_capacity(1 << 16, io::stdout()) }
    }

    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Writes `s` to standard output.
    pub fn out(&mut self, s: &str) -> Result<(), CliError> {
        self.out.write_all(s.as_bytes()).map_err(CliError::Output)
    }

    /// Writes bytes already checked to be text (a spilled part of a report) to standard output.
    pub fn out_bytes(&mut self, b: &[u8]) -> Result<(), CliError> {
        self.out.write_all(b).map_err(CliError::Output)
    }

    /// Flushes standard output (at the end of a run).
    pub fn flush(&mut self) -> Result<(), CliError> {
        self.out.flush().map_err(CliError::Output)
    }

    /// Diagnostics, with a snippet of `source` in text.
    pub fn diagnostics(&self, diags: &[Diagnostic], source: Option<&str>) {
        self.diagnostics_in(diags, |_| source)
    }

    /// Diagnostics, each with a snippet of the text of its own file.
    pub fn diagnostics_in<'a>(
        &self,
        diags: &[Diagnostic],
        source: impl Fn(&str) -> Option<&'a str>,
    ) {
        let mut err = io::stderr().lock();
        for d in diags {
            // A closed stderr cannot be reported anywhere: the exit code still says it.
            let _ = if self.json {
                writeln!(err, "{}", render_json(d))
            } else {
                write!(err, "{}", render_text(d, source(&d.location.file)))
            };
        }
    }

    /// Diagnostics, each with the snippet line `line` finds for it (an index built once per
    /// input, so that thousands of diagnostics of one file cost their own lines only).
    pub fn diagnostics_by_line<'a>(
        &self,
        diags: &[Diagnostic],
        line: impl Fn(&Diagnostic) -> Option<&'a str>,
    ) {
        let mut err = io::stderr().lock();
        for d in diags {
            let _ = if self.json {
                writeln!(err, "{}", render_json(d))
            } else {
                write!(err, "{}", render_with_line(d, line(d)))
            };
        }
    }

    /// A diagnostic already rendered as text (text mode only).
    pub fn rendered(&self, text: &str) {
        let _ = io::stderr().lock().write_all(text.as_bytes());
    }

    /// A line such as `summary: …` or `note: …` (`kind` is the word before the colon).
    pub fn message(&self, kind: &str, message: &str) {
        self.line(kind, &format!("{kind}: {message}"), message)
    }

    /// A line written as `text` (JSON: `kind` and `message`).
    pub fn line(&self, kind: &str, text: &str, message: &str) {
        let mut err = io::stderr().lock();
        let _ = if self.json {
            let severity = if kind == "warning" { "warning" } else { "info" };
            let line =
                serde_json::to_string(&Message { severity, kind, message }).unwrap_or_default();
            writeln!(err, "{line}")
        } else {
            writeln!(err, "{text}")
        };
    }

    /// Reports `e` once, as its kind says, and gives the exit code.
    pub fn fail(&mut self, e: CliError) -> std::process::ExitCode {
        let code = e.exit_code();
        match &e {
            CliError::Usage(d) | CliError::Io(d) => self.diagnostics(std::slice::from_ref(d), None),
            CliError::Invalid(ds, source) => self.diagnostics(ds, source.as_deref()),
            CliError::Reported(_) => {}
            CliError::Output(io) if io.kind() == io::ErrorKind::BrokenPipe => {}
            CliError::Output(io) => self.diagnostics(
                &[Diagnostic::error(
                    Code::E0003,
                    format!("cannot write the output: {io}"),
                    Location::file("<stdout>"),
                )],
                None,
            ),
        }
        code
    }
}
