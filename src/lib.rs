#![deny(clippy::float_arithmetic)]
pub mod calendar;
pub mod diagnostic;
pub mod money;
pub mod rules;
mod yaml;
