#![deny(clippy::float_arithmetic)]
// Diagnostics are returned on the cold path only; boxing them would buy nothing measurable.
#![allow(clippy::result_large_err)]
pub mod calendar;
pub mod diagnostic;
pub mod eval;
pub mod input;
pub mod money;
pub mod report;
pub mod rules;
mod yaml;
