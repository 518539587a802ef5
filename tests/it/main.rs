//! The one integration test binary: golden cases (one layout and one runner for every command,
//! `fixtures.rs`), CLI runs of the real binary, properties, and the layering check.
//! `UPDATE_EXPECT=1 cargo test` re-blesses the golden files.

mod budget;
mod cashflow;
mod choices;
mod cli;
mod corrections;
mod docs;
mod examples;
mod fixtures;
mod frontend;
mod fuzz;
mod hostile;
mod layering;
mod portfolio;
mod project;
mod properties;
mod schema;
mod serve;
mod skip;
