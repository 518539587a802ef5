#![deny(clippy::float_arithmetic)]
pub mod calendar;
pub mod diagnostic;
pub mod eval;
pub mod input;
pub mod money;
pub mod report;
pub mod rules;
mod yaml;
