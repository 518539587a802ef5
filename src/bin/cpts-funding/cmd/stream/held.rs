//! Diagnostics of a streamed chunk kept, with their source lines, to be said after the chunk
//! is gone.

use super::Chunk;
use crate::error::CliError;
use crate::output::Printer;
use cpts_funding::diagnostic::{render_with_line, Diagnostic};

/// `--strict` over a streamed file: the first failed evaluation, said only once the whole file
/// is known to load (the whole-file run checks loading first).
#[derive(Default)]
pub struct StrictHold(Option<Held>);

impl StrictHold {
    /// Keeps `ds` (a failed evaluation of `chunk`) unless one is already kept.
    pub fn keep(&mut self, chunk: &Chunk, ds: Option<&[Diagnostic]>) {
        if self.0.is_none() {
            self.0 = ds.map(|ds| Held::of(chunk, ds));
        }
    }

    /// At the end of the file: the failed evaluation kept, if any, stops the run.
    pub fn stop(self, p: &Printer) -> Result<(), CliError> {
        let Some(h) = self.0 else { return Ok(()) };
        h.print(p);
        let msg = "stopped (--strict): nothing written";
        p.line("stopped", msg, msg);
        Err(CliError::Reported(1))
    }
}

/// Diagnostics with their snippets, kept to be printed after their chunk is gone (`diff
/// --strict` says a failed evaluation only once the whole file is known to load).
pub struct Held {
    diagnostics: Vec<Diagnostic>,
    lines: Vec<Option<String>>,
}

impl Held {
    pub fn of(chunk: &Chunk, ds: &[Diagnostic]) -> Held {
        let lines = ds
            .iter()
            .map(|d| {
                let local = d.location.line.map(|l| {
                    if l > chunk.header_lines {
                        l.saturating_sub(chunk.shift)
                    } else {
                        l
                    }
                });
                local.and_then(|l| chunk.index().line(&chunk.text, l)).map(str::to_string)
            })
            .collect();
        Held { diagnostics: ds.to_vec(), lines }
    }

    pub fn print(&self, p: &Printer) {
        for (d, line) in self.diagnostics.iter().zip(&self.lines) {
            if p.is_json() {
                p.diagnostics(std::slice::from_ref(d), None);
            } else {
                p.rendered(&render_with_line(d, line.as_deref()));
            }
        }
    }
}
