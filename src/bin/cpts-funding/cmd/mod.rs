//! One module per command: its arguments, its examples (shown by `--help` and run by the tests),
//! and `run`, which returns the exit code or the error that stopped it.

pub mod batch;
pub mod budget;
pub mod cashflow;
pub mod check;
pub mod compute;
pub mod compute_streamed;
pub mod diff;
pub mod explain;
pub mod max;
pub mod project;
pub mod rules;
pub mod stream;
pub mod sweep;
pub mod test;
